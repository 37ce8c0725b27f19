// User administration and password changes (docs/api.md "Users").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, demoPassword } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, userByName, stopClean } from '../lib/api-helpers.mjs';

let srv, api, admin, zhanqian;
const U = {};

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  [admin, zhanqian] = await Promise.all([login(api, 'admin'), login(api, 'zhanqian')]);
  for (const n of ['阜新市', '海州区', '站前街道', '细河区']) U[n] = await unitByName(api, admin, n);
});
after(async () => { await stopClean(srv); });

const session = (username, password) => api('/api/v1/sessions', { method: 'POST', body: { username, password } });
const createUser = (body, token = admin) => api('/api/v1/users', { method: 'POST', body, token });
const patchUser = (id, body, token = admin) => api(`/api/v1/users/${id}`, { method: 'PATCH', body, token });
const setPassword = (id, body, token) => api(`/api/v1/users/${id}/password`, { method: 'POST', body, token });

function newUser(username, extra = {}) {
  return { username, display_name: `测试${username}`, password: 'good-password-1', unit_id: U['站前街道'].id, roles: ['unit_staff'], ...extra };
}

describe('listing (admin)', () => {
  test('list: paged users with unit, roles, flags; phones unmasked for admins', async () => {
    const r = await api('/api/v1/users?per_page=200', { token: admin });
    assertStatus(r, 200);
    assert.equal(r.body.page, 1);
    assert.equal(r.body.per_page, 200);
    assert.ok(r.body.total >= 50, 'the demo has 50+ users');
    const agent = r.body.items.find((u) => u.username === 'agent');
    assert.ok(agent);
    for (const k of ['id', 'username', 'display_name', 'phone', 'unit', 'roles', 'disabled', 'locked', 'created_at', 'last_login_at']) {
      assert.ok(k in agent, `user has ${k}`);
    }
    assert.deepEqual(agent.roles, ['agent']);
    assert.equal(agent.unit.kind, 'department');
    assert.equal(typeof agent.unit.id, 'number');
    assert.equal(typeof agent.unit.name, 'string');
    assert.equal(agent.disabled, false);
    assert.equal(agent.locked, false);
    assert.match(agent.created_at, /\+08:00$/);
    assert.match(agent.phone, /^\d{11}$/, 'an admin sees the whole phone number');
    const me = r.body.items.find((u) => u.username === 'admin');
    assert.match(me.last_login_at, /\+08:00$/, 'admin has logged in');
  });

  test('q filters by username; role filters by role; unit_id narrows to a subtree', async () => {
    const q = await api('/api/v1/users?q=deputy&per_page=200', { token: admin });
    assertStatus(q, 200);
    assert.equal(q.body.total, 40);
    assert.ok(q.body.items.every((u) => u.username.startsWith('deputy')));
    const zq = await api('/api/v1/users?q=zhanq', { token: admin });
    assert.deepEqual(zq.body.items.map((u) => u.username), ['zhanqian']);
    const role = await api('/api/v1/users?role=deputy&per_page=200', { token: admin });
    assert.equal(role.body.total, 40);
    assert.ok(role.body.items.every((u) => u.roles.includes('deputy')));
    const agents = await api('/api/v1/users?role=agent', { token: admin });
    assert.deepEqual(agents.body.items.map((u) => u.username), ['agent']);
    const both = await api('/api/v1/users?role=deputy&q=deputy0', { token: admin });
    assert.equal(both.body.total, 9);
    assertError(await api('/api/v1/users?role=emperor', { token: admin }), 400);
    const sub = await api(`/api/v1/users?unit_id=${U['站前街道'].id}&per_page=200`, { token: admin });
    const names = sub.body.items.map((u) => u.username);
    assert.ok(names.includes('zhanqian') && names.includes('grid01'), names.join());
    assert.ok(!names.includes('haizhou') && !names.includes('admin'));
  });

  test('paging: per_page out of range → 400', async () => {
    assertError(await api('/api/v1/users?per_page=0', { token: admin }), 400);
    assertError(await api('/api/v1/users?per_page=500', { token: admin }), 400);
    const p = await api('/api/v1/users?per_page=5&page=2', { token: admin });
    assertStatus(p, 200);
    assert.equal(p.body.items.length, 5);
  });

  test('non-admins get 403 on every user administration route', async () => {
    const zqUser = await userByName(api, admin, 'zhanqian');
    const grid = await userByName(api, admin, 'grid01');
    assertError(await api('/api/v1/users', { token: zhanqian }), 403);
    assertError(await api(`/api/v1/users/${grid.id}`, { token: zhanqian }), 403);
    assertError(await createUser(newUser('sneaky'), zhanqian), 403);
    assertError(await patchUser(grid.id, { disabled: true }, zhanqian), 403);
    assertError(await patchUser(zqUser.id, { roles: ['admin'] }, zhanqian), 403, undefined);
    assertError(await api(`/api/v1/users/${grid.id}/unlock`, { method: 'POST', token: zhanqian }), 403);
    assertError(await setPassword(grid.id, { password: 'hijacked-pass' }, zhanqian), 403);
  });

  test('GET /users/{id}: 200 for a user, 404 for an unknown id', async () => {
    const a = await userByName(api, admin, 'agent');
    const r = await api(`/api/v1/users/${a.id}`, { token: admin });
    assertStatus(r, 200);
    assert.equal(r.body.username, 'agent');
    assertError(await api('/api/v1/users/99999999', { token: admin }), 404, 'not_found');
  });
});

describe('creating users', () => {
  test('create → 201 with the user; the new user can log in and sees its unit', async () => {
    const r = await createUser(newUser('wang.wei-01', { phone: '13800001234', roles: ['unit_staff', 'station_staff'] }));
    assertStatus(r, 201);
    assert.equal(typeof r.body.id, 'number');
    assert.equal(r.body.username, 'wang.wei-01');
    assert.equal(r.body.display_name, '测试wang.wei-01');
    assert.equal(r.body.unit.id, U['站前街道'].id);
    assert.deepEqual([...r.body.roles].sort(), ['station_staff', 'unit_staff']);
    assert.equal(r.body.disabled, false);
    assert.equal(r.body.locked, false);
    assert.equal(r.body.phone, '13800001234');
    assert.ok(!('password' in r.body) && !('password_hash' in r.body), 'no password in the answer');
    const s = await session('wang.wei-01', 'good-password-1');
    assertStatus(s, 201);
    assert.equal(s.body.user.unit.id, U['站前街道'].id);
    assert.deepEqual([...s.body.user.roles].sort(), ['station_staff', 'unit_staff']);
  });

  test('password must be 8..128 characters: shorter → 422 weak_password; counted in characters, not bytes', async () => {
    assertError(await createUser(newUser('shortpw', { password: '1234567' })), 422, 'weak_password', 'password');
    assertError(await createUser(newUser('shortpw', { password: '' })), 422, undefined, 'password');
    assertError(await createUser(newUser('cjk7pw', { password: '密码密码密码密' })), 422, 'weak_password', 'password');
    assertStatus(await createUser(newUser('pw8', { password: '12345678' })), 201);
    assertStatus(await createUser(newUser('pw128', { password: 'y'.repeat(128) })), 201);
    assertStatus(await createUser(newUser('cjk8pw', { password: '密码密码密码密码' })), 201);
    assertStatus(await session('cjk8pw', '密码密码密码密码'), 201);
  });

  test('password longer than 128 characters → 422 weak_password', async () => {
    assertError(await createUser(newUser('longpw', { password: 'x'.repeat(129) })), 422, 'weak_password', 'password');
    assertError(await createUser(newUser('longpw', { password: '密'.repeat(129) })), 422, 'weak_password', 'password');
  });

  test('username must be 3–32 of a-z0-9_.- starting with a letter (else 422 invalid_username)', async () => {
    for (const bad of ['ab', 'Zhang', '1abc', '_abc', 'zhang san', 'zhang@x', 'a'.repeat(33), '张三']) {
      assertError(await createUser(newUser(bad)), 422, undefined, 'username');
    }
    assertError(await createUser(newUser('Zhang')), 422, 'invalid_username', 'username');
    const nul = await createUser(newUser('abc\u0000')); // a NUL: malformed (400) or invalid (422)
    assertError(nul, nul.status === 400 ? 400 : 422);
    assertStatus(await createUser(newUser('a'.repeat(32))), 201);
    assertStatus(await createUser(newUser('abc')), 201);
  });

  test('a taken username → 409 duplicate', async () => {
    assertError(await createUser(newUser('agent')), 409, 'duplicate');
  });

  test('an unknown role → 422 invalid_role; roles of the wrong type → 400', async () => {
    assertError(await createUser(newUser('badrole', { roles: ['emperor'] })), 422, 'invalid_role', 'roles');
    assertError(await createUser(newUser('badrole', { roles: 'agent' })), 400);
  });

  test('a unit that does not exist → 422 invalid_unit', async () => {
    assertError(await createUser(newUser('nounit', { unit_id: 99999999 })), 422, 'invalid_unit', 'unit_id');
  });

  test('missing display_name → 422 with its field; wrong types → 400', async () => {
    const b = newUser('noname');
    delete b.display_name;
    assertError(await createUser(b), 422, undefined, 'display_name');
    assertError(await createUser(newUser('badunit', { unit_id: 'one' })), 400);
    assertError(await createUser(newUser('badname', { username: 42 })), 400);
  });
});

describe('changing users', () => {
  let u; // a fresh user for these tests
  before(async () => {
    const r = await createUser(newUser('patchme', { password: 'first-password' }));
    assertStatus(r, 201);
    u = r.body;
  });

  test('PATCH roles and unit → 200, and the user sees them', async () => {
    const r = await patchUser(u.id, { roles: ['grid_member', 'mediator'], unit_id: U['海州区'].id, display_name: '改过的名字' });
    assertStatus(r, 200);
    assert.deepEqual([...r.body.roles].sort(), ['grid_member', 'mediator']);
    assert.equal(r.body.unit.id, U['海州区'].id);
    assert.equal(r.body.display_name, '改过的名字');
    const t = await login(api, 'patchme', 'first-password');
    const me = await api('/api/v1/me', { token: t });
    assert.equal(me.body.unit.id, U['海州区'].id);
    assert.deepEqual([...me.body.roles].sort(), ['grid_member', 'mediator']);
    assertError(await patchUser(u.id, { roles: ['emperor'] }), 422, 'invalid_role');
    assertError(await patchUser(u.id, { unit_id: 99999999 }), 422, 'invalid_unit');
    assertError(await patchUser(99999999, { display_name: 'x' }), 404);
  });

  test('disabling ends the user\'s sessions and login → 403 account_disabled; enabling restores it', async () => {
    const t = await login(api, 'patchme', 'first-password');
    assertStatus(await api('/api/v1/me', { token: t }), 200);
    const d = await patchUser(u.id, { disabled: true });
    assertStatus(d, 200);
    assert.equal(d.body.disabled, true);
    assertError(await api('/api/v1/me', { token: t }), 401);
    assertError(await session('patchme', 'first-password'), 403, 'account_disabled');
    const e = await patchUser(u.id, { disabled: false });
    assertStatus(e, 200);
    assert.equal(e.body.disabled, false);
    assertError(await api('/api/v1/me', { token: t }), 401, undefined);
    assertStatus(await session('patchme', 'first-password'), 201);
  });

  test('an admin cannot disable itself (422)', async () => {
    const me = (await api('/api/v1/me', { token: admin })).body;
    assertError(await patchUser(me.id, { disabled: true }), 422);
    assertStatus(await api('/api/v1/me', { token: admin }), 200);
  });

  test('admin password reset: old password fails, new works, old sessions end', async () => {
    const t = await login(api, 'patchme', 'first-password');
    const r = await setPassword(u.id, { password: 'reset-by-admin' }, admin);
    assert.equal(r.status, 204);
    assertError(await api('/api/v1/me', { token: t }), 401);
    assertError(await session('patchme', 'first-password'), 401, 'invalid_credentials');
    assertStatus(await session('patchme', 'reset-by-admin'), 201);
    assertError(await setPassword(u.id, { password: 'short' }, admin), 422, 'weak_password', 'password');
  });

  test('a user changes its own password with current_password; a wrong one → 422 wrong_password', async () => {
    const t1 = await login(api, 'patchme', 'reset-by-admin');
    const t2 = await login(api, 'patchme', 'reset-by-admin');
    assertError(await setPassword(u.id, { password: 'my-own-choice', current_password: 'not-it' }, t1), 422, 'wrong_password');
    assertError(await setPassword(u.id, { password: 'my-own-choice' }, t1), 422, undefined, 'current_password');
    const r = await setPassword(u.id, { password: 'my-own-choice', current_password: 'reset-by-admin' }, t1);
    assert.equal(r.status, 204);
    assertStatus(await api('/api/v1/me', { token: t1 }), 200);
    assertError(await api('/api/v1/me', { token: t2 }), 401);
    assertError(await session('patchme', 'reset-by-admin'), 401, 'invalid_credentials');
    assertStatus(await session('patchme', 'my-own-choice'), 201);
    // Not for somebody else's account.
    const grid = await userByName(api, admin, 'grid01');
    assertError(await setPassword(grid.id, { password: 'stolen-pass', current_password: 'my-own-choice' }, t1), 403);
    assertStatus(await session('grid01', demoPassword), 201);
  });
});
