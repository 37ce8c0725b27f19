// Starts the real yiwang binary for API and browser tests: a fresh database with the
// Fuxin demo (SQLite file, or a new PostgreSQL database when YIWANG_TEST_BACKEND=postgres),
// served on a free loopback port. Each call gets its own database.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.YIWANG_BIN || join(root, 'build', 'yiwang');
export const backend = process.env.YIWANG_TEST_BACKEND || 'sqlite';
export const demoPassword = 'yiwang-demo';

// A loopback port free at the time of asking.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

let dbCounter = 0;

// YIWANG_TEST_PG_POOLED: the same server as YIWANG_TEST_PG through PgBouncer in
// transaction mode (a `* =` database entry). Databases are still made and dropped
// directly; the server and the CLI reach them through the pooler, in pooler mode.
const pooled = backend === 'postgres' && process.env.YIWANG_TEST_PG_POOLED;
if (pooled) process.env.YIWANG_PG_POOLER = 'transaction';
function storeUrl(admin, name) {
  const u = new URL(pooled || admin);
  u.pathname = '/' + name;
  return u.toString();
}

// Makes a database location for this backend; returns { url, drop() }.
export function freshDatabase() {
  if (backend === 'postgres') {
    const admin = process.env.YIWANG_TEST_PG;
    if (!admin) throw new Error('YIWANG_TEST_PG is not set (see scripts/pg-temp.sh)');
    const name = `yw_t${process.pid}_${Date.now() % 100000000}_${dbCounter++}`;
    execFileSync('psql', [admin, '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${name}`]);
    return {
      url: storeUrl(admin, name),
      drop() {
        try {
          execFileSync('psql', [admin, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
        } catch { /* the cluster may already be gone */ }
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'yiwang-test-'));
  return { url: join(dir, 'test.db'), drop() { rmSync(dir, { recursive: true, force: true }); } };
}

// Runs a yiwang subcommand to completion; returns stdout. Throws with stderr on failure.
export function yiwang(args, { input } = {}) {
  return execFileSync(binary, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

// A fresh demo database. Building the demo (a year of appeals) takes seconds, so when
// scripts/test.sh has built one template per backend (YIWANG_TEST_TEMPLATE: a SQLite file;
// YIWANG_TEST_PG_TEMPLATE: a database name), each test gets a copy of it instead.
function demoDatabase() {
  if (backend === 'postgres' && process.env.YIWANG_TEST_PG_TEMPLATE) {
    const admin = process.env.YIWANG_TEST_PG;
    const name = `yw_t${process.pid}_${Date.now() % 100000000}_${dbCounter++}`;
    execFileSync('psql', [admin, '-q', '-v', 'ON_ERROR_STOP=1', '-c',
      `CREATE DATABASE ${name} TEMPLATE ${process.env.YIWANG_TEST_PG_TEMPLATE}`]);
    return {
      url: storeUrl(admin, name),
      drop() {
        try {
          execFileSync('psql', [admin, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
        } catch { /* the cluster may already be gone */ }
      },
    };
  }
  const db = freshDatabase();
  const template = process.env.YIWANG_TEST_TEMPLATE;
  if (backend === 'sqlite' && template && existsSync(template)) copyFileSync(template, db.url);
  else yiwang(['demo', '--db', db.url, '--password', demoPassword]);
  return db;
}

// Starts a server. opts.demo (default true) loads the demo; opts.args adds serve flags;
// opts.env adds environment. Returns { url, db, proc, stop(), logs() }.
export async function startServer(opts = {}) {
  const db = opts.db || (opts.demo !== false ? demoDatabase() : freshDatabase());
  const port = await freePort();
  const args = ['serve', '--db', db.url, '--listen', `127.0.0.1:${port}`, ...(opts.args || [])];
  const proc = spawn(binary, args, {
    env: { ...process.env, ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`yiwang exited ${proc.exitCode}:\n${output}`);
    try {
      const r = await fetch(url + '/healthz');
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`yiwang did not start:\n${output}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    db,
    proc,
    logs: () => output,
    async stop({ keepDb = false } = {}) {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      if (!keepDb && !opts.db) db.drop();
      return proc.exitCode;
    },
  };
}

// A small client: api(path, {method, body, token}) → { status, body, headers }.
export function client(base) {
  return async function api(path, { method = 'GET', body, token, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] = 'application/json'; }
    const r = await fetch(base + path, { method, headers: h, body: payload });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: r.status, body: json, headers: r.headers, text };
  };
}

// Logs in and returns the token.
// A client that meets 503 busy (every argon2id slot taken: 40 deputies logging in at
// once, on a sanitizer build) waits as Retry-After says and tries again, as the web UI
// does.
export async function login(api, username, password = demoPassword) {
  for (let attempt = 0; ; attempt++) {
    const r = await api('/api/v1/sessions', { method: 'POST', body: { username, password } });
    if (r.status === 201) return r.body.token;
    if (r.status !== 503 || r.body?.error?.code !== 'busy' || attempt >= 20) {
      throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const wait = Number(r.headers.get('retry-after')) || 1;
    await new Promise((res) => setTimeout(res, wait * 1000));
  }
}
