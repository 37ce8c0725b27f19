// Small helpers shared by the API tests (tests/api/*.test.mjs), on top of server.mjs.
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import { binary, backend, login } from './server.mjs';

// Asserts an error response: status, the envelope {"error":{"code","message"}}, the code
// and (when given) the field.
export function assertError(r, status, code, field) {
  const ctx = `${r.status} ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`;
  assert.equal(r.status, status, `status (got ${ctx})`);
  assert.ok(r.body && typeof r.body === 'object' && r.body.error && typeof r.body.error === 'object',
    `error envelope (got ${ctx})`);
  assert.equal(typeof r.body.error.code, 'string', `error.code (got ${ctx})`);
  assert.match(r.body.error.code, /^[a-z][a-z0-9_]*$/, 'error.code is snake_case');
  assert.equal(typeof r.body.error.message, 'string', `error.message (got ${ctx})`);
  assert.ok(r.body.error.message.length > 0, 'error.message is not empty');
  if (code !== undefined && code !== null) assert.equal(r.body.error.code, code, `error.code (got ${ctx})`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `error.field (got ${ctx})`);
  const ct = r.headers.get('content-type') || '';
  assert.match(ct, /application\/json/, 'errors are JSON');
}

// Asserts a 2xx status with a readable message on failure.
export function assertStatus(r, status) {
  assert.equal(r.status, status,
    `expected ${status}, got ${r.status} ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`);
}

// Finds a unit by exact name within the caller's area (null when not visible).
export async function unitByName(api, token, name, extra = '') {
  const r = await api(`/api/v1/units?q=${encodeURIComponent(name)}&per_page=200&include_disabled=1${extra}`, { token });
  assertStatus(r, 200);
  return r.body.items.find((u) => u.name === name) || null;
}

// Every unit in the caller's area (all pages).
export async function allUnits(api, token, query = '') {
  const items = [];
  for (let page = 1; ; page++) {
    const r = await api(`/api/v1/units?per_page=200&page=${page}${query}`, { token });
    assertStatus(r, 200);
    items.push(...r.body.items);
    if (r.body.items.length === 0 || items.length >= r.body.total) return { items, total: r.body.total };
  }
}

// Finds a user by exact username (admin token).
export async function userByName(api, token, username) {
  const r = await api(`/api/v1/users?q=${encodeURIComponent(username)}&per_page=200`, { token });
  assertStatus(r, 200);
  return r.body.items.find((u) => u.username === username) || null;
}

// Runs the binary and returns { status, stdout, stderr } without throwing.
export function run(args, { input, env } = {}) {
  const r = spawnSync(binary, args, {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...(env || {}) },
    timeout: 60000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// Runs SQL against a test database: sqlite3 CLI for files, psql for postgresql:// URLs.
// The sqlite3 shell waits up to 5 s for the lock, as the server's own connections do: a
// write from outside that meets the server's writer mid-commit (or a checkpoint) would
// otherwise fail at once with "database is locked".
export function sql(dbUrl, statement) {
  if (/^postgres(ql)?:\/\//.test(dbUrl)) {
    return execFileSync('psql', [dbUrl, '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', statement],
      { encoding: 'utf8' });
  }
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', dbUrl, statement], { encoding: 'utf8' });
}

export const isPostgres = backend === 'postgres';

// A raw HTTP request with node:http (no URL normalisation, control over framing).
// opts: { method, path, headers, body (Buffer|string), chunked (send body in chunks
// without Content-Length), chunkSize, expectContinue (send "Expect: 100-continue" and the
// body only after the server's 100 Continue), localAddress (the client's source address, e.g.
// 127.0.0.2: any 127.x address reaches the loopback server and is seen as another client) }.
// Resolves { status, headers (a Headers), text, json, body } like client() does.
export function rawRequest(base, { method = 'GET', path = '/', headers = {}, body, chunked = false, chunkSize = 65536, expectContinue = false, localAddress } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    const buf = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(body);
    if (buf && !chunked) h['content-length'] = String(buf.length);
    if (buf && chunked) h['transfer-encoding'] = 'chunked';
    if (buf && expectContinue) h.expect = '100-continue';
    const req = http.request({
      host: u.hostname, port: u.port, method, path, headers: h, agent: false, localAddress,
    }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = null; }
        const hs = new Headers();
        for (const [k, v] of Object.entries(res.headers)) hs.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode, headers: hs, text, json, body: json ?? text });
        req.destroy(); // a refused Expect: 100-continue request never sent its body
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (buf && expectContinue) {
      // Send the body only when the server asks for it; a final answer comes instead
      // when the server refuses the request from its headers.
      req.on('continue', () => req.end(buf));
      req.flushHeaders();
    } else if (buf) {
      if (chunked) {
        let off = 0;
        const pump = () => {
          while (off < buf.length) {
            const part = buf.subarray(off, off + chunkSize);
            off += part.length;
            if (!req.write(part)) { req.once('drain', pump); return; }
          }
          req.end();
        };
        pump();
      } else {
        req.end(buf);
      }
    } else {
      req.end();
    }
  });
}

export function fileExists(p) {
  return existsSync(p);
}

// Stops a server started by startServer and asserts a clean exit (status 0: no crash, no
// sanitizer report at exit), showing the end of its output otherwise.
export async function stopClean(srv, opts) {
  if (!srv) return;
  const code = await srv.stop(opts);
  assert.equal(code, 0, `yiwang serve exited ${code}:\n${srv.logs().slice(-4000)}`);
}

// The demo holds thousands of appeals of its own, so appeal tests never count the whole
// table: each file marks the appeals it creates with a token of its own (in content or
// address) and narrows list queries with q=<marker> (full text). The marker is one Latin
// word (letters and digits, < 32 bytes), unique to this process and call.
let markerSerial = 0;
export function uniqueMarker(prefix = 'T') {
  const rand = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${rand}${(markerSerial++).toString(36)}`;
}

// An 11-digit phone number (prefix + random digits) that no appeal visible to the agent
// holds yet, for tests that narrow with phone= or look for a phone in answers.
export async function freshPhone(api, agentToken, prefix = '139') {
  for (let i = 0; i < 20; i++) {
    let p = prefix;
    while (p.length < 11) p += String(Math.floor(Math.random() * 10));
    const r = await api(`/api/v1/appeals?per_page=1&phone=${p}`, { token: agentToken });
    assertStatus(r, 200);
    if (r.body.total === 0) return p;
  }
  throw new Error(`no unused phone number with prefix ${prefix} after 20 tries`);
}

// The masked form of a phone as the appeal object shows it (138****1234).
export const maskedPhone = (p) => `${p.slice(0, 3)}****${p.slice(-4)}`;

// Grants of sensitive roles (admin, agent, leader, congress_staff) take a second admin
// (docs/security.md "Accounts"): POST /users and PATCH /users/{id} answer 202 with a
// pending grant that another admin approves. The demo has one city admin, so a second one
// is made with the command line (which applies roles at once) on the server's database.
export const APPROVER = { username: 'approver', password: 'Approve-2nd-2026' };
const approvers = new WeakMap();
export function secondAdmin(srv, api) {
  if (!approvers.has(srv)) {
    approvers.set(srv, (async () => {
      const t = await login(api, 'admin');
      const city = (await api('/api/v1/units?kind=city', { token: t })).body.items[0];
      const r = run(['user', 'add', '--db', srv.db.url, '--username', APPROVER.username, '--name', '复核管理员',
        '--unit', String(city.id), '--roles', 'admin'], { input: `${APPROVER.password}\n` });
      assert.equal(r.status, 0, r.stderr);
      return login(api, APPROVER.username, APPROVER.password);
    })());
  }
  return approvers.get(srv);
}

// Approves a pending grant (the body of a 202) as token; returns the grant.
export async function approveGrant(api, grant, token) {
  assert.equal(grant?.status, 'pending', `a pending grant (got ${JSON.stringify(grant)})`);
  const r = await api(`/api/v1/role-grants/${grant.id}/approve`, { method: 'POST', token });
  assertStatus(r, 200);
  assert.equal(r.body.status, 'approved');
  return r.body;
}

// Creates a user (as token) with sensitive roles: the 202's grant is approved by approver
// (default: the second city admin). Returns the user as it stands after the approval.
export async function createUserApproved(srv, api, token, body, approver) {
  const r = await api('/api/v1/users', { method: 'POST', token, body });
  assertStatus(r, 202);
  const by = approver ?? await secondAdmin(srv, api);
  await approveGrant(api, r.body, by);
  const u = await api(`/api/v1/users/${r.body.user.id}`, { token: by });
  assertStatus(u, 200);
  return u.body;
}
