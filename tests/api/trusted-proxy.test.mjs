// serve --trusted-proxy (docs/security.md "Behind a front"): behind HAProxy or nginx every
// connection comes from the front, so yiwang takes the client's address from
// X-Forwarded-For — only when the socket's peer is a trusted front, and then the
// right-most address that is not itself trusted. The per-address budget of failed logins,
// the access log and the audit trail (the login log) all see that address. Without the
// flag, or from a peer outside the ranges, the header changes nothing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, login, demoPassword } from '../lib/server.mjs';
import { assertError, assertStatus, rawRequest, run, stopClean, userByName } from '../lib/api-helpers.mjs';

// A server with an access log file and these serve flags; log() reads the log (written
// through stdio's buffer, so complete once the server stopped).
async function serverWithLog(args) {
  const dir = mkdtempSync(join(tmpdir(), 'yiwang-proxy-'));
  const file = join(dir, 'access.log');
  const srv = await startServer({ args: ['--access-log', file, ...args] });
  return {
    srv,
    api: client(srv.url),
    async stopAndReadLog() {
      await stopClean(srv);
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
      rmSync(dir, { recursive: true, force: true });
      return lines;
    },
  };
}

const session = (api, username, password, xff) => api('/api/v1/sessions', {
  method: 'POST', body: { username, password }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
});

// Ten failed logins (unknown users, so that no account locks) from one forwarded address.
async function spendBudget(api, xff, tag) {
  for (let i = 0; i < 10; i++) assertError(await session(api, `nobody-${tag}-${i}`, 'wrong-pass', xff), 401, 'invalid_credentials');
}

describe('serve --trusted-proxy 127.0.0.1/32', () => {
  let s, admin, log;
  before(async () => {
    s = await serverWithLog(['--trusted-proxy', '127.0.0.1/32']);
    admin = await login(s.api, 'admin');
  });
  after(async () => { if (!log) await stopClean(s.srv); });

  test('failed logins from two forwarded addresses have budgets of their own', async () => {
    await spendBudget(s.api, '198.51.100.1', 'a');
    const limited = await session(s.api, 'leader', demoPassword, '198.51.100.1');
    assertError(limited, 429, 'rate_limited');
    assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
    // Another client behind the same front: its own budget, a right password logs in.
    assertError(await session(s.api, 'nobody-b', 'wrong-pass', '198.51.100.2'), 401, 'invalid_credentials');
    assertStatus(await session(s.api, 'leader', demoPassword, '198.51.100.2'), 201);
    // IPv6 clients too, however the address is written.
    assertStatus(await session(s.api, 'leader', demoPassword, '2001:DB8:0::7'), 201);
    // The limited client cannot escape by writing another address left of its own: the
    // front appended the real one, and that is the right-most untrusted entry.
    assertError(await session(s.api, 'leader', demoPassword, '203.0.113.50, 198.51.100.1'), 429, 'rate_limited');
    // Nor by sending a header line of its own before the one the front adds (HAProxy's
    // option forwardfor adds a line).
    const twoLines = await rawRequest(s.srv.url, {
      method: 'POST', path: '/api/v1/sessions',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ['203.0.113.51', '198.51.100.1'] },
      body: JSON.stringify({ username: 'leader', password: demoPassword }),
    });
    assert.equal(twoLines.status, 429);
    // Garbage where the client's address should be: the address is the front's, which
    // has a budget of its own (nothing a client writes left of it is read).
    assertStatus(await session(s.api, 'leader', demoPassword, 'unknown'), 201);
  });

  test('a peer outside the trusted ranges cannot forward: its X-Forwarded-For is ignored', async () => {
    // 127.0.0.2 is not in 127.0.0.1/32. It claims to be a fresh client, but it is itself,
    // and its own budget runs out.
    const fromOther = (username, xff) => rawRequest(s.srv.url, {
      method: 'POST', path: '/api/v1/sessions', localAddress: '127.0.0.2',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
      body: JSON.stringify({ username, password: 'wrong-pass' }),
    });
    for (let i = 0; i < 10; i++) assert.equal((await fromOther(`nobody-c-${i}`, `198.51.100.${100 + i}`)).status, 401);
    assert.equal((await fromOther('nobody-c-x', '198.51.100.200')).status, 429);
  });

  test('the login log (audit trail) records the forwarded address', async () => {
    const t = (await session(s.api, 'zhanqian', demoPassword, '203.0.113.9')).body.token;
    await s.api('/api/v1/sessions/current', { method: 'DELETE', token: t, headers: { 'x-forwarded-for': '2001:db8::9' } });
    const r = await s.api('/api/v1/audit/logins?user=zhanqian', { token: admin });
    assertStatus(r, 200);
    const [logout, loginEntry] = r.body.items;
    assert.equal(loginEntry.action, 'login');
    assert.equal(loginEntry.ip, '203.0.113.9');
    assert.equal(logout.action, 'logout');
    assert.equal(logout.ip, '2001:db8::9');
    // The same entries in the audit of the user.
    const u = await userByName(s.api, admin, 'zhanqian');
    const audit = await s.api(`/api/v1/audit?entity=user&entity_id=${u.id}&per_page=200`, { token: admin });
    assertStatus(audit, 200);
    const ips = audit.body.items.filter((x) => x.action === 'login' || x.action === 'logout').map((x) => x.ip);
    assert.ok(ips.includes('203.0.113.9') && ips.includes('2001:db8::9'), ips.join());
  });

  test('the access log records the forwarded address', async () => {
    await s.api('/healthz', { headers: { 'x-forwarded-for': '192.0.2.77' } });
    log = await s.stopAndReadLog();
    const health = log.filter((l) => l.path === '/healthz' && l.ip === '192.0.2.77');
    assert.equal(health.length, 1, 'one line with the forwarded address');
    const sessions = log.filter((l) => l.path === '/api/v1/sessions');
    assert.equal(sessions.filter((l) => l.ip === '198.51.100.1' && l.status === 401).length, 10);
    assert.ok(sessions.some((l) => l.ip === '198.51.100.1' && l.status === 429));
    assert.ok(sessions.some((l) => l.ip === '2001:db8::7' && l.status === 201));
    assert.ok(sessions.some((l) => l.ip === '127.0.0.2' && l.status === 429), 'the untrusted peer as itself');
    assert.ok(!log.some((l) => l.ip.startsWith('198.51.100.1') && l.ip !== '198.51.100.1'));
  });
});

describe('serve without --trusted-proxy', () => {
  test('a forged X-Forwarded-For changes nothing: one budget, the socket address in the logs', async () => {
    const s = await serverWithLog([]);
    let log;
    try {
      // Ten failures, each claiming a different address: one budget all the same.
      for (let i = 0; i < 10; i++) {
        assertError(await session(s.api, `nobody-d-${i}`, 'wrong-pass', `198.51.100.${i + 1}`), 401, 'invalid_credentials');
      }
      assertError(await session(s.api, 'leader', demoPassword, '198.51.100.99'), 429, 'rate_limited');
      // The login log shows the socket's address (the admin logs in from 127.0.0.2, whose
      // budget is untouched).
      const r = await rawRequest(s.srv.url, {
        method: 'POST', path: '/api/v1/sessions', localAddress: '127.0.0.2',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify({ username: 'admin', password: demoPassword }),
      });
      assert.equal(r.status, 201);
      const token = r.json.token;
      const logins = await s.api('/api/v1/audit/logins?user=admin', { token });
      assertStatus(logins, 200);
      assert.equal(logins.body.items[0].ip, '127.0.0.2');
    } finally {
      log = await s.stopAndReadLog();
    }
    const sessions = log.filter((l) => l.path === '/api/v1/sessions');
    assert.equal(sessions.length, 12);
    assert.deepEqual([...new Set(sessions.map((l) => l.ip))].sort(), ['127.0.0.1', '127.0.0.2']);
  });
});

describe('serve --trusted-proxy at start', () => {
  test('a bad range stops the server with a message naming it', () => {
    for (const [spec, says] of [
      ['10.0.0.0/33', /"10\.0\.0\.0\/33": the prefix length must be 0\.\.32/],
      ['127.0.0.1/32,fd00::/129', /"fd00::\/129": the prefix length must be 0\.\.128/],
      ['10.1.0.0/8', /"10\.1\.0\.0\/8" has address bits set past its \/8 prefix/],
      ['haproxy', /"haproxy" is not an IPv4 or IPv6 address or CIDR/],
      ['127.0.0.1/32,', /empty entry/],
    ]) {
      const r = run(['serve', '--db', join(tmpdir(), 'yiwang-proxy-never.db'), '--trusted-proxy', spec]);
      assert.equal(r.status, 2, `${spec}: ${r.stderr}`);
      assert.match(r.stderr, /--trusted-proxy: /);
      assert.match(r.stderr, says);
    }
    const env = run(['serve', '--db', join(tmpdir(), 'yiwang-proxy-never.db')], { env: { YIWANG_TRUSTED_PROXY: '1.2.3.4/40' } });
    assert.equal(env.status, 2);
    assert.match(env.stderr, /must be 0\.\.32/);
  });
});
