// Login, logout, lockout and the logged-in user (docs/api.md "Sessions", "Me").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, demoPassword } from '../lib/server.mjs';
import { assertError, assertStatus, userByName, stopClean, rawRequest } from '../lib/api-helpers.mjs';

let srv, api, admin;

before(async () => {
  // The lockout tests below fail more logins from 127.0.0.1 than the address budget
  // (10 a minute) allows; the budget itself is tested on a server of its own.
  srv = await startServer({ args: ['--login-rate', '100'] });
  api = client(srv.url);
  admin = await login(api, 'admin');
});
after(async () => { await stopClean(srv); });

// One login per demo user for the whole file (argon2 makes logins slow).
const tokens = {};
async function tokenOf(username) {
  tokens[username] ??= await login(api, username);
  return tokens[username];
}

const session = (username, password) => api('/api/v1/sessions', { method: 'POST', body: { username, password } });

describe('login', () => {
  test('right password → 201 with a 43-character token, expiry and the user with roles and unit path', async () => {
    const r = await session('zhanqian', demoPassword);
    assertStatus(r, 201);
    assert.match(r.headers.get('content-type'), /application\/json/);
    assert.equal(typeof r.body.token, 'string');
    assert.equal(r.body.token.length, 43);
    assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
    assert.match(r.body.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    assert.ok(Date.parse(r.body.expires_at) > Date.now(), 'expires in the future');
    const u = r.body.user;
    assert.equal(u.username, 'zhanqian');
    assert.equal(typeof u.id, 'number');
    assert.deepEqual(u.roles, ['unit_staff']);
    assert.equal(u.unit.name, '站前街道');
    assert.equal(u.unit.kind, 'township');
    assert.deepEqual(u.unit.path.map((p) => p.name), ['阜新市', '海州区', '站前街道']);
    for (const p of u.unit.path) assert.equal(typeof p.id, 'number');
    assert.equal(u.unit.path.at(-1).id, u.unit.id);
    // Two logins give two different tokens, both usable.
    const again = await session('zhanqian', demoPassword);
    assertStatus(again, 201);
    assert.notEqual(again.body.token, r.body.token);
    assertStatus(await api('/api/v1/me', { token: r.body.token }), 200);
    assertStatus(await api('/api/v1/me', { token: again.body.token }), 200);
  });

  test('wrong password → 401 invalid_credentials', async () => {
    assertError(await session('congress', 'not-the-password'), 401, 'invalid_credentials');
  });

  test('unknown username → 401 with the same code as a wrong password', async () => {
    assertError(await session('nobody-here', demoPassword), 401, 'invalid_credentials');
  });

  test('missing password → 422 naming the field; wrong type → 400', async () => {
    assertError(await api('/api/v1/sessions', { method: 'POST', body: { username: 'admin' } }), 422, undefined, 'password');
    assertError(await api('/api/v1/sessions', { method: 'POST', body: { username: 'admin', password: 12345678 } }), 400);
  });

  test('5 wrong passwords in a row lock the account (403 account_locked, even with the right password); admin unlock restores login', async () => {
    const mediator = await userByName(api, admin, 'mediator');
    for (let i = 1; i <= 4; i++) assertError(await session('mediator', `wrong-${i}-password`), 401, 'invalid_credentials');
    const fifth = await session('mediator', 'wrong-5-password');
    assert.ok([401, 403].includes(fifth.status), `5th failure: 401 or 403, got ${fifth.status}`);
    assertError(await session('mediator', demoPassword), 403, 'account_locked');
    const shown = await api(`/api/v1/users/${mediator.id}`, { token: admin });
    assertStatus(shown, 200);
    assert.equal(shown.body.locked, true);

    // Only an admin may unlock.
    const other = await tokenOf('zhujian');
    assertError(await api(`/api/v1/users/${mediator.id}/unlock`, { method: 'POST', token: other }), 403);

    const un = await api(`/api/v1/users/${mediator.id}/unlock`, { method: 'POST', token: admin });
    assertStatus(un, 200);
    assert.equal(un.body.id, mediator.id);
    assert.equal(un.body.locked, false);
    assertStatus(await session('mediator', demoPassword), 201);
  });

  test('failures must be in a row: a successful login resets the count', async () => {
    for (let i = 0; i < 4; i++) assertError(await session('station01', 'wrong-password'), 401, 'invalid_credentials');
    assertStatus(await session('station01', demoPassword), 201);
    // Without the reset this would be the 5th failure and lock the account.
    assertError(await session('station01', 'wrong-password'), 401, 'invalid_credentials');
    assertStatus(await session('station01', demoPassword), 201);
  });
});

describe('tokens', () => {
  test('no Authorization header → 401 unauthorized', async () => {
    assertError(await api('/api/v1/me'), 401, 'unauthorized');
    assertError(await api('/api/v1/units'), 401, 'unauthorized');
  });

  test('a garbage or malformed token → 401', async () => {
    assertError(await api('/api/v1/me', { token: 'garbage' }), 401);
    assertError(await api('/api/v1/me', { token: 'A'.repeat(43) }), 401);
    assertError(await api('/api/v1/me', { token: admin.slice(0, 42) + (admin[42] === 'A' ? 'B' : 'A') }), 401);
    assertError(await api('/api/v1/me', { headers: { authorization: `Basic ${Buffer.from('admin:yiwang-demo').toString('base64')}` } }), 401);
  });

  test('DELETE /api/v1/sessions/current → 204 and the token stops working; other sessions stay', async () => {
    const t = await login(api, 'leader');
    assertStatus(await api('/api/v1/me', { token: t }), 200);
    const r = await api('/api/v1/sessions/current', { method: 'DELETE', token: t });
    assert.equal(r.status, 204);
    assertError(await api('/api/v1/me', { token: t }), 401, 'unauthorized');
    assertError(await api('/api/v1/sessions/current', { method: 'DELETE', token: t }), 401);
    assertStatus(await api('/api/v1/me', { token: admin }), 200);
  });

  test('logout without a token → 401', async () => {
    assertError(await api('/api/v1/sessions/current', { method: 'DELETE' }), 401, 'unauthorized');
  });
});

describe('GET /api/v1/me', () => {
  test('admin: roles and the city unit', async () => {
    const r = await api('/api/v1/me', { token: admin });
    assertStatus(r, 200);
    assert.equal(r.body.username, 'admin');
    assert.ok(r.body.roles.includes('admin'));
    assert.equal(r.body.unit.name, '阜新市');
    assert.equal(r.body.unit.kind, 'city');
    assert.equal(r.body.unit.code, '210900');
    assert.equal(r.body.unit.parent_id, null);
    assert.deepEqual(r.body.unit.path.map((p) => p.name), ['阜新市']);
    for (const k of ['id', 'username', 'display_name', 'phone', 'roles', 'unit']) assert.ok(k in r.body, `me has ${k}`);
  });

  test('agent: the hotline centre, a department directly under the city', async () => {
    const t = await tokenOf('agent');
    const r = await api('/api/v1/me', { token: t });
    assertStatus(r, 200);
    assert.deepEqual(r.body.roles, ['agent']);
    assert.equal(r.body.unit.kind, 'department');
    assert.match(r.body.unit.name, /8890/);
    assert.deepEqual(r.body.unit.path.map((p) => p.name), ['阜新市', r.body.unit.name]);
    assert.equal(r.body.unit.parent_id, r.body.unit.path[0].id);
  });

  test('grid01: a grid with its path from 阜新市 down through 海州区 and 站前街道', async () => {
    const t = await tokenOf('grid01');
    const r = await api('/api/v1/me', { token: t });
    assertStatus(r, 200);
    assert.deepEqual(r.body.roles, ['grid_member']);
    assert.equal(r.body.unit.kind, 'grid');
    const names = r.body.unit.path.map((p) => p.name);
    assert.equal(names[0], '阜新市');
    assert.equal(names[1], '海州区');
    assert.equal(names[2], '站前街道');
    assert.equal(names.at(-1), r.body.unit.name);
    assert.equal(r.body.unit.path.at(-1).id, r.body.unit.id);
    assert.equal(r.body.unit.path.at(-2).id, r.body.unit.parent_id);
    assert.equal(names.length, 5, 'city → county → township → community → grid');
  });

  test('zhujian: staff of the housing and construction bureau', async () => {
    const t = await tokenOf('zhujian');
    const r = await api('/api/v1/me', { token: t });
    assertStatus(r, 200);
    assert.deepEqual(r.body.roles, ['unit_staff']);
    assert.equal(r.body.unit.name, '阜新市住房和城乡建设局');
    assert.equal(r.body.unit.kind, 'department');
  });

  test('GET /api/v1/roles lists every role with its label', async () => {
    const r = await api('/api/v1/roles', { token: admin });
    assertStatus(r, 200);
    const roles = Object.fromEntries(r.body.items.map((x) => [x.role, x.label]));
    assert.deepEqual(Object.keys(roles).sort(), ['admin', 'agent', 'congress_staff', 'deputy', 'grid_member',
      'leader', 'mediator', 'party_member', 'party_secretary', 'station_staff', 'unit_staff']);
    assert.equal(roles.agent, '热线话务员');
    assert.equal(roles.admin, '系统管理员');
    assert.equal(roles.grid_member, '网格员');
  });
});

// The budget of failed logins per client address (CONTRACT.md: at most 10 failed attempts a
// minute → 429 with Retry-After). Only failures count, so staff who log in often are never
// limited. On a server of its own with the default budget: the main server of this file
// allows more, since its lockout tests fail logins on purpose.
describe('failed logins per address', () => {
  let limited, lapi;
  before(async () => {
    limited = await startServer();
    lapi = client(limited.url);
  });
  after(async () => { await stopClean(limited); });

  const attempt = (username, password) => lapi('/api/v1/sessions', { method: 'POST', body: { username, password } });
  const fromOther = (username, password) => rawRequest(limited.url, {
    method: 'POST', path: '/api/v1/sessions', localAddress: '127.0.0.2',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });

  test('the 11th failed login in a minute from one address → 429 rate_limited with Retry-After, for every account; other addresses are not limited', async () => {
    const wrong = [['zhujian', 'wrong-pass-1'], ['haizhou', 'wrong-pass-2'], ['nobody-here', 'wrong-pass-3'],
      ['xihe', 'wrong-pass-4'], ['congress', 'wrong-pass-5']];
    for (const [u, p] of wrong) assertError(await attempt(u, p), 401, 'invalid_credentials');
    // Successful logins do not spend the budget.
    for (let i = 0; i < 3; i++) assertStatus(await attempt('admin', demoPassword), 201);
    for (const [u, p] of wrong) assertError(await attempt(u, p + 'x'), 401, 'invalid_credentials');
    const limitedAnswer = await attempt('zhujian', 'wrong-pass-11');
    assertError(limitedAnswer, 429, 'rate_limited');
    const retry = limitedAnswer.headers.get('retry-after');
    assert.match(retry ?? '', /^\d+$/, `Retry-After in seconds (got ${retry})`);
    assert.ok(Number(retry) >= 1 && Number(retry) <= 60, `Retry-After ${retry}`);
    // From this address now every login waits, a right password included.
    const right = await attempt('leader', demoPassword);
    assertError(right, 429, 'rate_limited');
    assert.match(right.headers.get('retry-after') ?? '', /^\d+$/);
    // Another address has a budget of its own.
    assertStatus(await fromOther('leader', demoPassword), 201);
    assertError(await fromOther('leader', 'wrong-pass-x'), 401, 'invalid_credentials');
  });
});

describe('concurrent logins', () => {
  test('20 wrong passwords at once on one account count at most 5 failures: it locks and the audit shows exactly 5', async () => {
    const deputy = await userByName(api, admin, 'deputy07');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => session('deputy07', `wrong-parallel-${i}`)));
    for (const r of answers) {
      assert.ok([401, 403, 503].includes(r.status), `401, 403 or 503, got ${r.status} ${JSON.stringify(r.body)}`);
      if (r.status === 401) assertError(r, 401, 'invalid_credentials');
      if (r.status === 403) assertError(r, 403, 'account_locked');
      if (r.status === 503) {
        assertError(r, 503, 'busy');
        assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
      }
    }
    assert.ok(answers.filter((r) => r.status === 401).length <= 4, 'at most 4 plain failures before the lock');
    const shown = await api(`/api/v1/users/${deputy.id}`, { token: admin });
    assert.equal(shown.body.locked, true);
    assert.equal(shown.body.failed_logins, 5);
    const audit = await api(`/api/v1/audit?entity=user&entity_id=${deputy.id}&per_page=200`, { token: admin });
    assertStatus(audit, 200);
    const actions = audit.body.items.map((x) => x.action).filter((a) => a.startsWith('login'));
    assert.equal(actions.filter((a) => a === 'login_failed' || a === 'login_locked').length, 5, actions.join());
    assert.equal(actions.filter((a) => a === 'login_locked').length, 1, actions.join());
    assert.ok(actions.length <= 20, `one entry at most per attempt: ${actions.join()}`);
    assertError(await session('deputy07', demoPassword), 403, 'account_locked');
  });

  test('a password reset ends every session, also those of logins racing it; the old password then fails', async () => {
    const made = await api('/api/v1/users', {
      method: 'POST', token: admin,
      body: { username: 'race.user', display_name: '竞态', password: 'Race-old-pw-1', unit_id: (await userByName(api, admin, 'zhanqian')).unit.id, roles: ['unit_staff'] },
    });
    assertStatus(made, 201);
    const before = await login(api, 'race.user', 'Race-old-pw-1');
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    // Logins with the old password start before, during and after the reset.
    const logins = Array.from({ length: 16 }, (_, i) => pause(i * 15).then(() => session('race.user', 'Race-old-pw-1')));
    const reset = pause(60).then(() => api(`/api/v1/users/${made.body.id}/password`, { method: 'POST', token: admin, body: { password: 'Race-new-pw-2' } }));
    const [answers, resetAnswer] = await Promise.all([Promise.all(logins), reset]);
    assert.equal(resetAnswer.status, 204);
    // Logins after the reset fail, and five of them lock the account.
    for (const r of answers) assert.ok([201, 401, 403, 503].includes(r.status), `got ${r.status} ${JSON.stringify(r.body)}`);
    assertError(await api('/api/v1/me', { token: before }), 401);
    const issued = answers.filter((x) => x.status === 201);
    const alive = [];
    for (const r of issued) if ((await api('/api/v1/me', { token: r.body.token })).status !== 401) alive.push(r.body.token);
    assert.equal(alive.length, 0, `${alive.length} of ${issued.length} sessions issued with the old password outlived the reset`);
    assertStatus(await api(`/api/v1/users/${made.body.id}/unlock`, { method: 'POST', token: admin }), 200);
    assertError(await session('race.user', 'Race-old-pw-1'), 401, 'invalid_credentials');
    assertStatus(await session('race.user', 'Race-new-pw-2'), 201);
  });
});
