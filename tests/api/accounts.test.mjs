// Accounts as GB/T 22239 level 3 asks (docs/security.md "Accounts"): password complexity,
// password expiry, the lockout, the idle timeout, the login log, personal data masked in
// the logs, and grants of sensitive roles that take a second admin.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, login, demoPassword, yiwang } from '../lib/server.mjs';
import {
  assertError, assertStatus, unitByName, userByName, stopClean, run, sql, secondAdmin, approveGrant,
  freshPhone,
} from '../lib/api-helpers.mjs';

const DAY = 24 * 3600 * 1000;
const UA = 'accounts-test/1.0 (drill)';
const num = (s) => Number(String(s).trim());

let srv, api, admin, U;
const session = (username, password, headers = {}) =>
  api('/api/v1/sessions', { method: 'POST', body: { username, password }, headers });
const createUser = (body, token = admin) => api('/api/v1/users', { method: 'POST', body, token });
const patchUser = (id, body, token = admin) => api(`/api/v1/users/${id}`, { method: 'PATCH', body, token });
const setPassword = (id, body, token) => api(`/api/v1/users/${id}/password`, { method: 'POST', body, token });
const approve = (id, token, body) => api(`/api/v1/role-grants/${id}/approve`, { method: 'POST', token, body });
const reject = (id, token, body) => api(`/api/v1/role-grants/${id}/reject`, { method: 'POST', token, body });

let serial = 0;
// A user of 站前街道 with a strong password of its own, made by the admin (no sensitive role).
async function staffUser(prefix, roles = ['unit_staff']) {
  const username = `${prefix}${serial++}`;
  const password = `Strong-${prefix}-pw9`.replace(/[._]/g, '-');
  const r = await createUser({ username, display_name: username, password, unit_id: U['站前街道'].id, roles });
  assertStatus(r, 201);
  return { id: r.body.id, username, password };
}

before(async () => {
  srv = await startServer({ args: ['--login-rate', '100'] });
  api = client(srv.url);
  admin = await login(api, 'admin');
  U = {};
  for (const n of ['阜新市', '海州区', '站前街道', '细河区', '阜新市住房和城乡建设局']) U[n] = await unitByName(api, admin, n);
});
after(async () => { await stopClean(srv); });

describe('password complexity', () => {
  const cases = [
    ['abcdefgh', 'one class'],
    ['abcd1234', 'two classes'],
    ['yiwang-demo', 'two classes: the demo password'],
    ['密码密码密码密码', 'Chinese characters alone: one class'],
    ['Admin@2026', 'a common word dressed up'],
    ['P@ssw0rd', 'a common password'],
    ['1qaz@WSX', 'a keyboard walk'],
    ['Ab1-567', 'seven characters'],
  ];

  test('a weak password → 422 weak_password with a Chinese reason, on create and on change', async () => {
    const u = await staffUser('cplx.');
    const t = await login(api, u.username, u.password);
    for (const [pw, why] of cases) {
      const r = await createUser({ username: `weak.${serial++}`, display_name: '弱', password: pw, unit_id: U['站前街道'].id, roles: ['unit_staff'] });
      assertError(r, 422, 'weak_password', 'password');
      assert.match(r.body.error.message, /[\u4e00-\u9fff]/, `${why}: the reason in Chinese`);
      assertError(await setPassword(u.id, { password: pw }, admin), 422, 'weak_password', 'password');
      assertError(await setPassword(u.id, { password: pw, current_password: u.password }, t), 422, 'weak_password', 'password');
    }
  });

  test('not the username, in any case; and a new password of one\'s own is not the current one', async () => {
    const r = await createUser({ username: 'zhao.liu', display_name: '赵六', password: 'ZHAO.LIU-2026', unit_id: U['站前街道'].id, roles: ['unit_staff'] });
    assertError(r, 422, 'weak_password', 'password');
    assert.match(r.body.error.message, /用户名/);
    const u = await staffUser('same.');
    const t = await login(api, u.username, u.password);
    const same = await setPassword(u.id, { password: u.password, current_password: u.password }, t);
    assertError(same, 422, 'weak_password', 'password');
    assert.match(same.body.error.message, /相同/);
  });

  test('three of four classes, 汉字 counting as symbols, pass; the demo logins keep yiwang-demo', async () => {
    for (const pw of ['Ab1-5678', 'wxyz-1234', '阜新Fx2026', '密码ab1234', 'GOOD-PASS-9']) {
      const username = `ok.${serial++}`;
      assertStatus(await createUser({ username, display_name: '强', password: pw, unit_id: U['站前街道'].id, roles: ['unit_staff'] }), 201);
      assertStatus(await session(username, pw), 201);
    }
    // The demo's users were made by the demo builder (the system), which sets any password.
    assertStatus(await session('zhanqian', demoPassword), 201);
  });
});

describe('password expiry', () => {
  const age = (username, days) => sql(srv.db.url,
    `UPDATE users SET password_changed_at = password_changed_at - ${days * DAY} WHERE username = '${username}'`);
  const routes = yiwang(['routes']).trim().split('\n').map((l) => JSON.parse(l));
  const concrete = (pattern) => pattern.replace('{number}', 'FX20990101000001').replace('{date}', '2099-01-01')
    .replace('{year}', '2099').replace('{code}', 'NOPE').replace(/\{rest\*\}/, 'nothing/here').replace(/\{[a-z_]+\}/g, '999999999');

  test('the demo does not start expired: its passwords count from when it was built', async () => {
    const r = await session('leader', demoPassword);
    assertStatus(r, 201);
    assert.equal(r.body.password_expired, false);
    const me = await api('/api/v1/me', { token: r.body.token });
    assert.equal(me.body.password_expired, false);
    const left = Date.parse(me.body.password_expires_at) - Date.now();
    assert.ok(left > 80 * DAY && left <= 90 * DAY, `expires in ${left / DAY} days`);
  });

  test('a password older than 90 days logs in marked password_expired; every route but /me, the password change and logout → 403 password_expired until it changes', async () => {
    const u = await staffUser('old.');
    age(u.username, 91);
    const r = await session(u.username, u.password);
    assertStatus(r, 201);
    assert.equal(r.body.password_expired, true);
    assert.equal(r.body.user.password_expired, true);
    const t = r.body.token;
    const me = await api('/api/v1/me', { token: t });
    assertStatus(me, 200);
    assert.equal(me.body.password_expired, true);
    const open = [];
    for (const rt of routes.filter((x) => !x.public)) {
      const key = `${rt.method} ${rt.pattern}`;
      if (rt.expired_ok) { open.push(key); continue; }
      const method = rt.method === '*' ? 'GET' : rt.method;
      const res = await api(concrete(rt.pattern), { method, token: t, body: ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined });
      assertError(res, 403, 'password_expired');
    }
    assert.deepEqual(open.sort(), ['DELETE /api/v1/sessions/current', 'GET /api/v1/me', 'POST /api/v1/users/{id}/password']);
    // Nobody else's password either.
    const other = await staffUser('other.');
    assertError(await setPassword(other.id, { password: 'Other-new-pw9' }, t), 403);
    // Its own: then everything opens again, in the same session.
    assert.equal((await setPassword(u.id, { password: 'Renewed-pw-2027', current_password: u.password }, t)).status, 204);
    assertStatus(await api('/api/v1/units', { token: t }), 200);
    assert.equal((await api('/api/v1/me', { token: t })).body.password_expired, false);
    // The login log says which login was made with an expired password.
    const log = await api(`/api/v1/audit/logins?user=${u.username}`, { token: admin });
    assert.ok(log.body.items.some((x) => x.action === 'login' && x.detail.password_expired === true));
  });

  test('an admin whose password expired administers nothing until it is changed', async () => {
    const t = await secondAdmin(srv, api);
    age('approver', 100);
    assertError(await api('/api/v1/users', { token: t }), 403, 'password_expired');
    const me = (await api('/api/v1/me', { token: t })).body;
    const grid = await userByName(api, admin, 'grid01');
    assertError(await setPassword(grid.id, { password: 'Taken-over-pw9' }, t), 403, 'password_expired');
    assert.equal((await setPassword(me.id, { password: 'Approve-3rd-2027', current_password: 'Approve-2nd-2026' }, t)).status, 204);
    assertStatus(await api('/api/v1/users', { token: t }), 200);
  });

  test('logout works with an expired password', async () => {
    const u = await staffUser('out.');
    age(u.username, 91);
    const t = await login(api, u.username, u.password);
    assert.equal((await api('/api/v1/sessions/current', { method: 'DELETE', token: t })).status, 204);
    assertError(await api('/api/v1/me', { token: t }), 401);
  });

  test('--password-max-days 0: passwords never expire', async () => {
    const s = await startServer({ args: ['--password-max-days', '0'] });
    try {
      const a = client(s.url);
      sql(s.db.url, `UPDATE users SET password_changed_at = 1 WHERE username = 'zhujian'`);
      const r = await a('/api/v1/sessions', { method: 'POST', body: { username: 'zhujian', password: demoPassword } });
      assertStatus(r, 201);
      assert.equal(r.body.password_expired, false);
      assertStatus(await a('/api/v1/appeals?per_page=1', { token: r.body.token }), 200);
      assert.equal((await a('/api/v1/me', { token: r.body.token })).body.password_expires_at, null);
    } finally {
      await stopClean(s);
    }
  });
});

describe('lockout', () => {
  test('5 wrong passwords lock for 15 minutes; the lock is in the login log', async () => {
    const u = await staffUser('lock.');
    for (let i = 0; i < 5; i++) await session(u.username, `Wrong-pass-${i}`);
    const r = await session(u.username, u.password);
    assertError(r, 403, 'account_locked');
    assert.match(r.body.error.message, /1[45] 分钟|15/);
    const log = await api(`/api/v1/audit/logins?user=${u.username}`, { token: admin });
    const actions = log.body.items.map((x) => x.action);
    assert.equal(actions.filter((a) => a === 'login_failed').length, 4, actions.join());
    assert.equal(actions.filter((a) => a === 'login_locked').length, 1, actions.join());
    assert.ok(actions.includes('login_while_locked'), actions.join());
  });
});

describe('idle timeout', () => {
  const seen = (token) => num(sql(srv.db.url, `SELECT last_seen_at FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = '${token}') ORDER BY created_at DESC LIMIT 1`));
  const back = (username, ms) => sql(srv.db.url,
    `UPDATE sessions SET last_seen_at = last_seen_at - ${ms} WHERE user_id = (SELECT id FROM users WHERE username = '${username}')`);

  test('a session unused for 30 minutes ends: 401 session_idle, though its lifetime is not over', async () => {
    const u = await staffUser('idle.');
    const t = await login(api, u.username, u.password);
    assertStatus(await api('/api/v1/me', { token: t }), 200);
    back(u.username, 30 * 60 * 1000 + 1000);
    const r = await api('/api/v1/units', { token: t });
    assertError(r, 401, 'session_idle');
    assert.match(r.body.error.message, /30 分钟/);
    assertError(await api('/api/v1/me', { token: t }), 401, 'session_idle');
    // A new login is a new session.
    assertStatus(await api('/api/v1/me', { token: await login(api, u.username, u.password) }), 200);
  });

  test('use is written at most once a minute: requests in between write nothing; one a minute later does', async () => {
    const u = await staffUser('seen.');
    const t = await login(api, u.username, u.password);
    const first = seen(u.username);
    for (let i = 0; i < 20; i++) assertStatus(await api('/api/v1/units?per_page=1', { token: t }), 200);
    assert.equal(seen(u.username), first, 'no write for uses within the minute');
    back(u.username, 61 * 1000);
    const before = Date.now();
    assertStatus(await api('/api/v1/me', { token: t }), 200);
    // The write is queued beside the read; it lands at once.
    let now = seen(u.username);
    for (let i = 0; i < 50 && now < before - 5; i++) {
      await new Promise((r) => setTimeout(r, 20));
      now = seen(u.username);
    }
    assert.ok(now >= before - 5, `last_seen_at ${now} ≥ ${before}`);
    // Kept in use, it never looks idle.
    back(u.username, 29 * 60 * 1000);
    assertStatus(await api('/api/v1/me', { token: t }), 200);
  });

  test('--session-idle-minutes 0: only the lifetime ends a session', async () => {
    const s = await startServer({ args: ['--session-idle-minutes', '0'] });
    try {
      const a = client(s.url);
      const t = await login(a, 'zhujian');
      sql(s.db.url, 'UPDATE sessions SET last_seen_at = last_seen_at - 86400000');
      assertStatus(await a('/api/v1/me', { token: t }), 200);
    } finally {
      await stopClean(s);
    }
  });
});

describe('the login log', () => {
  test('GET /api/v1/audit/logins: successes, failures and logouts with time, user, address and User-Agent; user, from and to filter', async () => {
    const u = await staffUser('log.');
    const t = (await session(u.username, u.password, { 'user-agent': UA })).body.token;
    await session(u.username, 'Wrong-pass-1', { 'user-agent': UA });
    await api('/api/v1/sessions/current', { method: 'DELETE', token: t, headers: { 'user-agent': UA } });
    const r = await api(`/api/v1/audit/logins?user=${u.username}`, { token: admin });
    assertStatus(r, 200);
    assert.deepEqual(r.body.items.map((x) => x.action), ['logout', 'login_failed', 'login']);
    for (const x of r.body.items) {
      assert.equal(x.username, u.username);
      assert.equal(x.user_id, u.id);
      assert.equal(x.ip, '127.0.0.1');
      assert.equal(x.user_agent, UA);
      assert.match(x.at, /\+08:00$/);
    }
    const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    assert.equal((await api(`/api/v1/audit/logins?user=${u.username}&from=${today}&to=${today}`, { token: admin })).body.total, 3);
    assert.equal((await api(`/api/v1/audit/logins?user=${u.username}&to=2020-01-01`, { token: admin })).body.total, 0);
    assertError(await api('/api/v1/audit/logins?from=yesterday', { token: admin }), 400);
    assert.equal((await api('/api/v1/audit/logins?user=no.such.user', { token: admin })).body.total, 0);
  });

  test('an admin sees the logins of its own area; attempts at unknown usernames are for city admins; others 403', async () => {
    await session('nobody.here', 'Wrong-pass-2');
    const xihe = await login(api, 'xihe');
    const city = await api('/api/v1/audit/logins?per_page=200', { token: admin });
    assert.ok(city.body.items.some((x) => x.action === 'login_unknown_user' && x.username === 'nobody.here' && x.user_id === null));
    assert.ok(city.body.items.some((x) => x.username === 'xihe'));
    // A county admin of 海州区 (approved by the second city admin).
    const made = await createUser({ username: 'log.hzadmin', display_name: '区管理员', password: 'County-log-pw9', unit_id: U['海州区'].id, roles: ['admin'] });
    assertStatus(made, 202);
    await approveGrant(api, made.body, await secondAdmin(srv, api));
    const hz = await login(api, 'log.hzadmin', 'County-log-pw9');
    await login(api, 'zhanqian');
    const mine = await api('/api/v1/audit/logins?per_page=200', { token: hz });
    assertStatus(mine, 200);
    const names = new Set(mine.body.items.map((x) => x.username));
    assert.ok(names.has('zhanqian') && names.has('log.hzadmin'), [...names].join());
    assert.ok(!names.has('xihe') && !names.has('admin') && !names.has('nobody.here'), [...names].join());
    assert.equal((await api('/api/v1/audit/logins?user=xihe', { token: hz })).body.total, 0);
    assertError(await api('/api/v1/audit/logins', { token: xihe }), 403);
  });
});

describe('personal data masked in the logs', () => {
  test('neither the access log nor the audit trail holds a citizen\'s phone number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yiwang-accounts-'));
    const file = join(dir, 'access.log');
    const s = await startServer({ args: ['--access-log', file, '--citizen-rate', '100'] });
    let phone;
    try {
      const a = client(s.url);
      const agent = await login(a, 'agent');
      const adm = await login(a, 'admin');
      phone = await freshPhone(a, agent, '139');
      const id = '210902199001011234';
      // A citizen files with the phone, in the field and in the text; an agent too.
      const pub = await a('/api/v1/appeals', { method: 'POST', body: { content: `路灯不亮，请回电 ${phone}，身份证 ${id}`, contact_phone: phone } });
      assertStatus(pub, 201);
      const own = await a('/api/v1/appeals', { method: 'POST', token: agent, body: { content: `来电 ${phone}`, contact_phone: phone, contact_name: '王五', region_code: '210902' } });
      assertStatus(own, 201);
      // The phone in queries and in paths.
      assertStatus(await a(`/api/v1/appeals?phone=${phone}`, { token: agent }), 200);
      assertStatus(await a(`/api/v1/public/appeals/${pub.body.number}?phone=${phone}`), 200);
      assert.equal((await a(`/api/v1/appeals/${phone}`, { token: agent })).status, 404);
      assert.equal((await a(`/api/v1/public/appeals/${phone}`)).status, 422); // no phone= to prove it
      assert.equal((await a(`/api/v1/idcard/${id}`, { token: agent })).status, 404);
      // A partner's request for a number of its choosing: the audit trail records the path.
      const key = run(['apikey', 'create', '--db', s.db.url, '--name', '掩码测试']).stdout.trim();
      assert.equal((await fetch(`${s.url}/open311/v2/requests/${phone}.json?api_key=${key}`)).status, 404);
      assert.ok(num(sql(s.db.url, `SELECT COUNT(*) FROM audit_log WHERE action = 'open311_rejected' AND detail LIKE '%requests/${phone.slice(0, 3)}****${phone.slice(-4)}.json%'`)) === 1,
        'the partner\'s request is in the trail, its number masked');
      // Actions, and a user's phone changed by the admin.
      const zq = await unitByName(a, adm, '站前街道');
      assertStatus(await a(`/api/v1/appeals/${own.body.id}/actions`, { method: 'POST', token: agent, body: { action: 'urge', note: `请尽快联系 ${phone}` } }), 200);
      assertStatus(await a(`/api/v1/appeals/${own.body.id}/actions`, { method: 'POST', token: agent, body: { action: 'dispatch', unit_id: zq.id } }), 200);
      const grid = await userByName(a, adm, 'grid01');
      assertStatus(await a(`/api/v1/users/${grid.id}`, { method: 'PATCH', token: adm, body: { phone } }), 200);
      // The check below can fail: the phone is in the database where it belongs.
      assert.ok(num(sql(s.db.url, `SELECT COUNT(*) FROM appeals WHERE contact_phone = '${phone}'`)) >= 2);
      const entries = (like) => num(sql(s.db.url, `SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%${like}%' OR actor LIKE '%${like}%'`));
      assert.equal(entries(phone), 0, 'no audit entry holds the phone');
      assert.equal(entries(id), 0, 'nor the ID number');
      assert.ok(entries(pub.body.number) >= 1, 'record numbers stay readable');
    } finally {
      await stopClean(s);
    }
    const log = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    assert.ok(log.includes('/api/v1/public/appeals/'), 'the log has the requests');
    assert.ok(!log.includes(phone), 'the access log holds no phone number');
    assert.ok(!log.includes('19900101'), 'nor an ID number');
    assert.ok(log.includes(`/api/v1/appeals/${phone.slice(0, 3)}****${phone.slice(-4)}`), 'a path keeps its shape, masked');
    assert.ok(!log.includes('?'), 'queries are not logged');
  });
});

describe('grants of sensitive roles take a second admin', () => {
  let approver;
  before(async () => { approver = await secondAdmin(srv, api); });

  test('creating a user with admin, agent, leader or congress_staff → 202 with a pending grant; the user starts with the other roles', async () => {
    for (const role of ['admin', 'agent', 'leader', 'congress_staff']) {
      const username = `g.new.${role.replace('_', '-')}`;
      const r = await createUser({ username, display_name: username, password: 'Granted-pw-2026', unit_id: U['站前街道'].id, roles: [role, 'mediator'] });
      assertStatus(r, 202);
      assert.equal(r.body.status, 'pending');
      assert.deepEqual([...r.body.roles].sort(), [role, 'mediator'].sort());
      assert.deepEqual(r.body.base.roles, ['mediator']);
      assert.equal(r.body.user.username, username);
      assert.equal(r.body.unit.id, U['站前街道'].id);
      assert.equal(r.body.requested_by.username, 'admin');
      assert.equal(r.body.can_decide, false, 'not for the one who asked');
      const u = await api(`/api/v1/users/${r.body.user.id}`, { token: admin });
      assert.deepEqual(u.body.roles, ['mediator']);
    }
  });

  test('the one who asked cannot approve (403 own_grant); another admin covering the user can, once; then the roles apply', async () => {
    const u = await staffUser('g.up.');
    const r = await patchUser(u.id, { roles: ['unit_staff', 'agent'], display_name: '升为话务员' });
    assertStatus(r, 202);
    const shown = await api(`/api/v1/users/${u.id}`, { token: admin });
    assert.deepEqual(shown.body.roles, ['unit_staff'], 'nothing given yet');
    assert.equal(shown.body.display_name, '升为话务员', 'the rest of the change applies');
    assertError(await approve(r.body.id, admin), 403, 'own_grant');
    const list = await api('/api/v1/role-grants', { token: approver });
    const mine = list.body.items.find((g) => g.id === r.body.id);
    assert.equal(mine?.can_decide, true);
    const ok = await approve(r.body.id, approver, { note: '已核实任命文件' });
    assertStatus(ok, 200);
    assert.equal(ok.body.status, 'approved');
    assert.equal(ok.body.decided_by.username, APPROVER_NAME);
    assert.equal(ok.body.note, '已核实任命文件');
    assert.deepEqual((await api(`/api/v1/users/${u.id}`, { token: admin })).body.roles, ['agent', 'unit_staff']);
    assertError(await approve(r.body.id, approver), 409, 'invalid_state');
    assertError(await reject(r.body.id, admin), 409, 'invalid_state');
    // Every step is in the audit trail.
    const audit = await api(`/api/v1/audit?entity=user&entity_id=${u.id}`, { token: admin });
    const steps = audit.body.items.map((x) => `${x.action}:${x.actor}`);
    assert.ok(steps.includes('role_grant_request:admin') && steps.includes(`role_grant_approve:${APPROVER_NAME}`), steps.join());
  });

  test('rejecting leaves the user as they were; the requester may withdraw; one grant waits per user (409 grant_pending)', async () => {
    const u = await staffUser('g.rej.');
    const r = await patchUser(u.id, { roles: ['leader'] });
    assertStatus(r, 202);
    assertError(await patchUser(u.id, { roles: ['admin'] }), 409, 'grant_pending');
    const no = await reject(r.body.id, approver, { note: '无任命文件' });
    assertStatus(no, 200);
    assert.equal(no.body.status, 'rejected');
    assert.deepEqual((await api(`/api/v1/users/${u.id}`, { token: admin })).body.roles, ['unit_staff']);
    const again = await patchUser(u.id, { roles: ['admin'] });
    assertStatus(again, 202);
    assertStatus(await reject(again.body.id, admin), 200);
    const audit = await api(`/api/v1/audit?entity=user&entity_id=${u.id}`, { token: admin });
    assert.equal(audit.body.items.filter((x) => x.action === 'role_grant_reject').length, 2);
  });

  test('a grant no longer fits a user changed since → 409 grant_stale', async () => {
    const u = await staffUser('g.stale.');
    const r = await patchUser(u.id, { roles: ['unit_staff', 'admin'] });
    assertStatus(r, 202);
    assertStatus(await patchUser(u.id, { roles: ['grid_member'] }), 200);
    assertError(await approve(r.body.id, approver), 409, 'grant_stale');
    assert.deepEqual((await api(`/api/v1/users/${u.id}`, { token: admin })).body.roles, ['grid_member']);
  });

  test('moving a user who holds a sensitive role waits too; dropping one does not', async () => {
    const made = await createUser({ username: 'g.mover', display_name: '调动', password: 'Mover-pw-2026', unit_id: U['站前街道'].id, roles: ['agent'] });
    await approveGrant(api, made.body, approver);
    const id = made.body.user.id;
    const move = await patchUser(id, { unit_id: U['细河区'].id });
    assertStatus(move, 202);
    assert.equal((await api(`/api/v1/users/${id}`, { token: admin })).body.unit.id, U['站前街道'].id);
    await approveGrant(api, move.body, approver);
    assert.equal((await api(`/api/v1/users/${id}`, { token: admin })).body.unit.id, U['细河区'].id);
    const drop = await patchUser(id, { roles: ['unit_staff'] });
    assertStatus(drop, 200);
    assert.deepEqual(drop.body.roles, ['unit_staff']);
    assertStatus(await patchUser(id, { unit_id: U['站前街道'].id }), 200);
  });

  test('a county admin asks; another admin whose area covers the user approves; the list keeps to the area', async () => {
    const made = await createUser({ username: 'g.hzadmin', display_name: '区管理员', password: 'County-g-pw9', unit_id: U['海州区'].id, roles: ['admin'] });
    await approveGrant(api, made.body, approver);
    const hz = await login(api, 'g.hzadmin', 'County-g-pw9');
    const u = await createUser({ username: 'g.hzagent', display_name: '区话务员', password: 'Hz-agent-pw9', unit_id: U['站前街道'].id, roles: ['agent'] }, hz);
    assertStatus(u, 202);
    assertError(await approve(u.body.id, hz), 403, 'own_grant');
    // A grant at the city is none of the county admin's business.
    const city = await createUser({ username: 'g.cityagent', display_name: '市话务员', password: 'City-agent-pw9', unit_id: U['阜新市住房和城乡建设局'].id, roles: ['agent'] });
    assertStatus(city, 202);
    assertError(await approve(city.body.id, hz), 404);
    assertError(await api(`/api/v1/role-grants/${city.body.id}`, { token: hz }), 404);
    const seen = (await api('/api/v1/role-grants?status=all&per_page=200', { token: hz })).body.items.map((g) => g.user.username);
    assert.ok(seen.includes('g.hzagent') && !seen.includes('g.cityagent'), seen.join());
    // The city admin covers both.
    await approveGrant(api, u.body, admin);
    assert.deepEqual((await api(`/api/v1/users/${u.body.user.id}`, { token: hz })).body.roles, ['agent']);
    await approveGrant(api, city.body, approver);
  });

  test('the user a grant is for cannot approve it; status filters the list; non-admins 403', async () => {
    const r = await patchUser((await userByName(api, admin, APPROVER_NAME)).id, { roles: ['admin', 'leader'] });
    assertStatus(r, 202);
    assertError(await approve(r.body.id, approver), 403, 'own_account');
    assertStatus(await reject(r.body.id, admin), 200);
    for (const status of ['pending', 'approved', 'rejected']) {
      const l = await api(`/api/v1/role-grants?status=${status}&per_page=200`, { token: admin });
      assertStatus(l, 200);
      assert.ok(l.body.items.every((g) => g.status === status));
    }
    assert.ok((await api('/api/v1/role-grants?status=approved', { token: admin })).body.total >= 3);
    assertError(await api('/api/v1/role-grants?status=maybe', { token: admin }), 400);
    assertError(await api('/api/v1/role-grants', { token: await login(api, 'zhanqian') }), 403);
    assertError(await approve(99999999, admin), 404);
  });

  test('the command line applies sensitive roles at once (the operator is the second person)', async () => {
    const r = run(['user', 'add', '--db', srv.db.url, '--username', 'g.cliadmin', '--name', '命令行管理员', '--unit', String(U['阜新市'].id), '--roles', 'admin'],
      { input: 'Cli-admin-pw-2026\n' });
    assert.equal(r.status, 0, r.stderr);
    const u = await userByName(api, admin, 'g.cliadmin');
    assert.deepEqual(u.roles, ['admin']);
    const grants = await api('/api/v1/role-grants?status=all&per_page=200', { token: admin });
    assert.ok(!grants.body.items.some((g) => g.user.username === 'g.cliadmin'));
  });
});

const APPROVER_NAME = 'approver';
