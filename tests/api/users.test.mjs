// User administration and password changes (docs/api.md "Users").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, demoPassword } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, userByName, stopClean, approveGrant, createUserApproved } from '../lib/api-helpers.mjs';

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
    assertError(await setPassword(grid.id, { password: 'Hijacked-pass-4' }, zhanqian), 403);
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

  // The length rule; the complexity rule (three classes, not the username, not common)
  // changed what passes on purpose: '12345678', 'y' × 128 and 汉字 alone are one class
  // each and now 422 (accounts.test.mjs has the rule itself).
  test('password must be 8..128 characters: shorter → 422 weak_password; counted in characters, not bytes', async () => {
    assertError(await createUser(newUser('shortpw', { password: 'Ab1-567' })), 422, 'weak_password', 'password');
    assertError(await createUser(newUser('shortpw', { password: '' })), 422, undefined, 'password');
    // Seven characters, thirteen bytes: too short.
    assertError(await createUser(newUser('cjk7pw', { password: '密码码Ab12' })), 422, 'weak_password', 'password');
    assertStatus(await createUser(newUser('pw8', { password: 'Ab1-5678' })), 201);
    assertStatus(await createUser(newUser('pw128', { password: 'Yy1-'.repeat(32) })), 201);
    assertStatus(await createUser(newUser('cjk8pw', { password: '密码Ab1234' })), 201);
    assertStatus(await session('cjk8pw', '密码Ab1234'), 201);
  });

  test('password longer than 128 characters → 422 weak_password', async () => {
    assertError(await createUser(newUser('longpw', { password: 'Xx1-'.repeat(32) + 'x' })), 422, 'weak_password', 'password');
    assertError(await createUser(newUser('longpw', { password: '密Aa1'.repeat(32) + '密' })), 422, 'weak_password', 'password');
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
    const r = await createUser(newUser('patchme', { password: 'First-password-1' }));
    assertStatus(r, 201);
    u = r.body;
  });

  test('PATCH roles and unit → 200, and the user sees them', async () => {
    const r = await patchUser(u.id, { roles: ['grid_member', 'mediator'], unit_id: U['海州区'].id, display_name: '改过的名字' });
    assertStatus(r, 200);
    assert.deepEqual([...r.body.roles].sort(), ['grid_member', 'mediator']);
    assert.equal(r.body.unit.id, U['海州区'].id);
    assert.equal(r.body.display_name, '改过的名字');
    const t = await login(api, 'patchme', 'First-password-1');
    const me = await api('/api/v1/me', { token: t });
    assert.equal(me.body.unit.id, U['海州区'].id);
    assert.deepEqual([...me.body.roles].sort(), ['grid_member', 'mediator']);
    assertError(await patchUser(u.id, { roles: ['emperor'] }), 422, 'invalid_role');
    assertError(await patchUser(u.id, { unit_id: 99999999 }), 422, 'invalid_unit');
    assertError(await patchUser(99999999, { display_name: 'x' }), 404);
  });

  test('disabling ends the user\'s sessions and login → 403 account_disabled; enabling restores it', async () => {
    const t = await login(api, 'patchme', 'First-password-1');
    assertStatus(await api('/api/v1/me', { token: t }), 200);
    const d = await patchUser(u.id, { disabled: true });
    assertStatus(d, 200);
    assert.equal(d.body.disabled, true);
    assertError(await api('/api/v1/me', { token: t }), 401);
    assertError(await session('patchme', 'First-password-1'), 403, 'account_disabled');
    const e = await patchUser(u.id, { disabled: false });
    assertStatus(e, 200);
    assert.equal(e.body.disabled, false);
    assertError(await api('/api/v1/me', { token: t }), 401, undefined);
    assertStatus(await session('patchme', 'First-password-1'), 201);
  });

  test('an admin cannot disable itself (422)', async () => {
    const me = (await api('/api/v1/me', { token: admin })).body;
    assertError(await patchUser(me.id, { disabled: true }), 422);
    assertStatus(await api('/api/v1/me', { token: admin }), 200);
  });

  test('admin password reset: old password fails, new works, old sessions end', async () => {
    const t = await login(api, 'patchme', 'First-password-1');
    const r = await setPassword(u.id, { password: 'Reset-by-admin-2' }, admin);
    assert.equal(r.status, 204);
    assertError(await api('/api/v1/me', { token: t }), 401);
    assertError(await session('patchme', 'First-password-1'), 401, 'invalid_credentials');
    assertStatus(await session('patchme', 'Reset-by-admin-2'), 201);
    assertError(await setPassword(u.id, { password: 'short' }, admin), 422, 'weak_password', 'password');
  });

  test('a user changes its own password with current_password; a wrong one → 422 wrong_password', async () => {
    const t1 = await login(api, 'patchme', 'Reset-by-admin-2');
    const t2 = await login(api, 'patchme', 'Reset-by-admin-2');
    assertError(await setPassword(u.id, { password: 'My-own-choice-3', current_password: 'not-it' }, t1), 422, 'wrong_password');
    assertError(await setPassword(u.id, { password: 'My-own-choice-3' }, t1), 422, undefined, 'current_password');
    const r = await setPassword(u.id, { password: 'My-own-choice-3', current_password: 'Reset-by-admin-2' }, t1);
    assert.equal(r.status, 204);
    assertStatus(await api('/api/v1/me', { token: t1 }), 200);
    assertError(await api('/api/v1/me', { token: t2 }), 401);
    assertError(await session('patchme', 'Reset-by-admin-2'), 401, 'invalid_credentials');
    assertStatus(await session('patchme', 'My-own-choice-3'), 201);
    // Not for somebody else's account.
    const grid = await userByName(api, admin, 'grid01');
    assertError(await setPassword(grid.id, { password: 'Stolen-pass-5', current_password: 'My-own-choice-3' }, t1), 403);
    assertStatus(await session('grid01', demoPassword), 201);
  });
});

// An admin's authority is the area of their own unit. Agents, leaders and congress staff
// placed in a department read the region that department serves, so granting one of those
// roles in a department widens an area: nobody may grant a role or an area wider than
// their own, change their own roles or unit, or take over an account that reads wider.
describe('grants stay within the granter\'s own area', () => {
  const WIDENING = ['leader', 'agent', 'congress_staff'];
  const SENSITIVE = ['admin', ...WIDENING];
  const PW = 'Grant-test-pw-6';
  let dept; // 阜新市住房和城乡建设局: a department directly under the city
  let hzDept; // 海州区住房和城乡建设局: a department under the county
  let deptAdmin, deptAdminId, deptStaffId, deptBoss, deptBossId, hzAdmin, hzAdminId, cityAdmin2;

  // The city's users the tests look for (the demo has more users than a page holds).
  const cityUsers = async (token) => {
    const names = [];
    for (const q of ['admin', 'zhanqian', 'grant.']) {
      const r = await api(`/api/v1/users?per_page=200&q=${q}`, { token });
      assertStatus(r, 200);
      names.push(...r.body.items.map((u) => u.username));
    }
    return names;
  };

  before(async () => {
    dept = await unitByName(api, admin, '阜新市住房和城乡建设局');
    hzDept = await unitByName(api, admin, '海州区住房和城乡建设局');
    assert.ok(dept && hzDept);
    // Admins and leaders take a second admin's approval (the approver, a second city
    // admin): the users exist once it is given.
    const mk = async (username, unit, roles) => {
      const body = { username, display_name: username, password: PW, unit_id: unit.id, roles };
      if (!roles.some((r) => SENSITIVE.includes(r))) {
        const r = await createUser(body);
        assertStatus(r, 201);
        return r.body.id;
      }
      return (await createUserApproved(srv, api, admin, body)).id;
    };
    deptAdminId = await mk('grant.deptadmin', dept, ['admin']);
    deptStaffId = await mk('grant.deptstaff', dept, ['unit_staff']);
    // The city admin may place a leader who is also an admin in the department.
    deptBossId = await mk('grant.deptboss', dept, ['admin', 'leader']);
    hzAdminId = await mk('grant.hzadmin', U['海州区'], ['admin']);
    [deptAdmin, deptBoss, hzAdmin] = await Promise.all([
      login(api, 'grant.deptadmin', PW), login(api, 'grant.deptboss', PW), login(api, 'grant.hzadmin', PW)]);
  });

  test('a department admin cannot grant itself leader, agent or congress_staff (403); its area stays the department', async () => {
    for (const role of WIDENING) {
      assertError(await patchUser(deptAdminId, { roles: ['admin', role] }, deptAdmin), 403);
    }
    const me = await api('/api/v1/me', { token: await login(api, 'grant.deptadmin', PW) });
    assertStatus(me, 200);
    assert.deepEqual(me.body.roles, ['admin']);
    assert.equal(me.body.area.id, dept.id, 'the area is still the department');
    assertError(await api('/api/v1/audit', { token: deptAdmin }), 403);
    const names = await cityUsers(deptAdmin);
    assert.ok(!names.includes('admin') && !names.includes('zhanqian'), names.join());
  });

  test('nobody changes their own roles or unit (403 own_account)', async () => {
    assertError(await patchUser(deptAdminId, { roles: ['admin', 'unit_staff'] }, deptAdmin), 403, 'own_account', 'roles');
    assertError(await patchUser(deptAdminId, { unit_id: U['阜新市'].id }, deptAdmin), 403);
    assertError(await patchUser(hzAdminId, { unit_id: U['站前街道'].id }, hzAdmin), 403, 'own_account', 'unit_id');
    const me = (await api('/api/v1/me', { token: admin })).body;
    assertError(await patchUser(me.id, { roles: ['admin', 'leader'] }), 403, 'own_account', 'roles');
    // Sending one's own unchanged roles is no change.
    assertStatus(await patchUser(deptAdminId, { roles: ['admin'], display_name: '住建局管理员' }, deptAdmin), 200);
  });

  test('a department admin cannot create or promote users whose area would be the city (403)', async () => {
    for (const role of WIDENING) {
      const body = { username: `grant.new-${role.replace('_', '-')}`, display_name: '越权', password: PW, unit_id: dept.id, roles: [role] };
      assertError(await createUser(body, deptAdmin), 403, undefined, 'roles');
      assertError(await createUser({ ...body, roles: ['admin', role] }, deptAdmin), 403, undefined, 'roles');
      assert.equal(await userByName(api, admin, body.username), null, `${body.username} was not created`);
      assertError(await patchUser(deptStaffId, { roles: [role] }, deptAdmin), 403, undefined, 'roles');
    }
    const staff = await api(`/api/v1/users/${deptStaffId}`, { token: admin });
    assert.deepEqual(staff.body.roles, ['unit_staff'], 'the roles did not change');
    // Within the department's own area a department admin still manages its users.
    // (An admin among them takes a second admin: the city admin, whose area covers it.)
    const ok = await createUserApproved(srv, api, deptAdmin, { username: 'grant.deptclerk', display_name: '科员', password: PW, unit_id: dept.id, roles: ['unit_staff', 'admin'] }, admin);
    assert.deepEqual(ok.roles, ['admin', 'unit_staff']);
    assertStatus(await patchUser(deptStaffId, { roles: ['unit_staff', 'mediator'] }, deptAdmin), 200);
    // ...and afterwards still reaches neither the audit log nor the city's users.
    assertError(await api('/api/v1/audit', { token: deptAdmin }), 403);
    const listed = await api('/api/v1/users?per_page=200', { token: deptAdmin });
    assertStatus(listed, 200);
    assert.ok(listed.body.items.every((u) => u.unit.id === dept.id), listed.body.items.map((u) => u.username).join());
    assert.ok(listed.body.items.some((u) => u.username === 'grant.deptclerk'));
  });

  test('a department admin cannot take over an account that reads wider than its own area (403)', async () => {
    assertError(await setPassword(deptBossId, { password: 'Taken-over-pw-7' }, deptAdmin), 403);
    assertError(await patchUser(deptBossId, { disabled: true }, deptAdmin), 403);
    assertError(await patchUser(deptBossId, { roles: ['unit_staff'] }, deptAdmin), 403);
    assertStatus(await session('grant.deptboss', PW), 201);
  });

  test('an admin who also leads reads the city but administers only its own unit', async () => {
    const me = await api('/api/v1/me', { token: deptBoss });
    assert.equal(me.body.area.id, U['阜新市'].id, 'as a leader it reads the city');
    assertError(await api('/api/v1/audit', { token: deptBoss }), 403);
    const names = await cityUsers(deptBoss);
    assert.ok(names.includes('grant.deptstaff'), names.join());
    assert.ok(!names.includes('admin') && !names.includes('zhanqian'), names.join());
    const zq = await userByName(api, admin, 'zhanqian');
    assertError(await api(`/api/v1/users/${zq.id}`, { token: deptBoss }), 404);
    assertError(await patchUser(zq.id, { display_name: 'x' }, deptBoss), 404);
    assertError(await createUser(newUser('grant.bossmade'), deptBoss), 422, 'invalid_unit', 'unit_id');
    assertError(await api('/api/v1/units', { method: 'POST', token: deptBoss, body: { name: '越权街道', kind: 'township', parent_id: U['海州区'].id } }), 422);
  });

  test('a county admin manages users in its county, including leaders of its departments', async () => {
    // Leaders, agents and admins take a second admin whose area covers the user: here the
    // city admin approves what the county admin asked for.
    await createUserApproved(srv, api, hzAdmin, { username: 'grant.hzlead', display_name: '区住建局局长', password: PW, unit_id: hzDept.id, roles: ['leader'] }, admin);
    const lead = await login(api, 'grant.hzlead', PW);
    assert.equal((await api('/api/v1/me', { token: lead })).body.area.id, U['海州区'].id);
    const zqStaff = await createUser(newUser('grant.hzstaff'), hzAdmin);
    assertStatus(zqStaff, 201);
    const asked = await patchUser(zqStaff.body.id, { roles: ['agent', 'admin'], unit_id: hzDept.id }, hzAdmin);
    assertStatus(asked, 202);
    await approveGrant(api, asked.body, admin);
    assert.equal(await setPassword(zqStaff.body.id, { password: 'County-reset-pw-8' }, hzAdmin).then((x) => x.status), 204);
    assertStatus(await api(`/api/v1/users/${zqStaff.body.id}/unlock`, { method: 'POST', token: hzAdmin }), 200);
    // Not outside the county, not at the city.
    assertError(await createUser(newUser('grant.xihe', { unit_id: U['细河区'].id }), hzAdmin), 422, 'invalid_unit');
    assertError(await createUser(newUser('grant.cityadm', { unit_id: U['阜新市'].id, roles: ['admin'] }), hzAdmin), 422, 'invalid_unit');
    assertError(await patchUser(zqStaff.body.id, { unit_id: dept.id }, hzAdmin), 422, 'invalid_unit');
    assertError(await api('/api/v1/audit', { token: hzAdmin }), 403);
    // Every grant is in the audit trail: asked by the county admin, approved by the city's.
    // (Before grants took a second admin this was one user_update entry.)
    const audit = await api(`/api/v1/audit?entity=user&entity_id=${zqStaff.body.id}`, { token: admin });
    assertStatus(audit, 200);
    const asking = audit.body.items.find((x) => x.action === 'role_grant_request');
    assert.ok(asking, JSON.stringify(audit.body.items));
    assert.equal(asking.actor, 'grant.hzadmin');
    assert.deepEqual([...asking.detail.roles].sort(), ['admin', 'agent']);
    const approval = audit.body.items.find((x) => x.action === 'role_grant_approve');
    assert.equal(approval?.actor, 'admin');
    assert.deepEqual([...approval.detail.roles].sort(), ['admin', 'agent']);
  });

  test('only the city admin creates admins at the root; they reach the audit log', async () => {
    assertError(await patchUser(deptStaffId, { unit_id: U['阜新市'].id, roles: ['admin'] }, deptAdmin), 422, 'invalid_unit');
    await createUserApproved(srv, api, admin, { username: 'grant.cityadmin2', display_name: '市管理员二', password: PW, unit_id: U['阜新市'].id, roles: ['admin'] });
    cityAdmin2 = await login(api, 'grant.cityadmin2', PW);
    assertStatus(await api('/api/v1/audit', { token: cityAdmin2 }), 200);
    assert.ok((await cityUsers(cityAdmin2)).includes('zhanqian'));
  });
});
