// A PostgreSQL server that dies under a running yiwang (docs/architecture.md "On a
// cluster"): `pg_ctl restart -m immediate` (what a crashed primary looks like from a node:
// every session cut, no goodbye) while clients file appeals with idempotency keys and
// retry on failure. The node answers only 201, 503 with Retry-After, or 409 (a key still
// in flight) — never a 500, never a hang — reconnects by itself, and every key ends with
// exactly one appeal. The test runs its own throwaway PostgreSQL (scripts/pg-temp.sh), so
// restarting it disturbs no other test; on SQLite it is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, backend, binary } from '../lib/server.mjs';
import { stopClean, uniqueMarker } from '../lib/api-helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = backend !== 'postgres' && 'PostgreSQL only';
const PGBIN = process.env.PGBIN || '/usr/lib/postgresql/15/bin';

let dir, admin, srv;

function asPostgres(cmd, args) {
  if (process.getuid && process.getuid() === 0) return execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
  return execFileSync(cmd, args, { stdio: 'pipe' });
}
const psql = (url, sql) => execFileSync('psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }).trim();

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'yiwang-failover-'));
  chmodSync(dir, 0o755);
  admin = execFileSync(join(root, 'scripts', 'pg-temp.sh'), ['start', join(dir, 'pg')], { encoding: 'utf8' }).trim();
  psql(admin, 'CREATE DATABASE yw_failover');
  const u = new URL(admin);
  u.pathname = '/yw_failover';
  execFileSync(binary, ['init', '--db', u.toString()], { input: 'Failover-Test-2026!\n', stdio: ['pipe', 'pipe', 'pipe'] });
  srv = await startServer({ db: { url: u.toString(), drop() {} }, args: ['--citizen-rate', '0'] });
});
after(async () => {
  if (skip) return;
  if (srv) await stopClean(srv);
  try { execFileSync(join(root, 'scripts', 'pg-temp.sh'), ['stop', join(dir, 'pg')], { stdio: 'pipe' }); } catch { /* gone */ }
  rmSync(dir, { recursive: true, force: true });
});

// Files one appeal under key, retrying as a client should (Retry-After) until it is
// answered 201; returns every status seen.
async function fileUntilDone(marker, key, deadline) {
  const seen = [];
  for (;;) {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 20000);
    let r;
    try {
      r = await fetch(`${srv.url}/api/v1/appeals`, {
        method: 'POST', signal: ac.signal,
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ content: `断线重连测试 ${marker} ${key}`, contact_phone: '13812345678', channel: 'web' }),
      });
    } finally { clearTimeout(timer); }
    const body = await r.json();
    seen.push(r.status);
    if (r.status === 201) return { seen, id: body.id };
    assert.ok(r.status === 503 || r.status === 409, `only 503 or 409 while the database is away (got ${r.status} ${JSON.stringify(body)})`);
    assert.ok(Number(r.headers.get('retry-after')) >= 1, `Retry-After on ${r.status}`);
    assert.ok(Date.now() < deadline, `key ${key} still not filed: ${seen.join(',')}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

test('a PostgreSQL killed and restarted under load: the node recovers by itself; every key is filed exactly once', { skip, timeout: 180000 }, async () => {
  const marker = uniqueMarker('FO');
  const deadline = Date.now() + 120000;
  let n = 0;
  let restarted = false;
  const clients = Array.from({ length: 4 }, async (_, c) => {
    const results = [];
    while (!restarted || results.length < 6) {
      results.push(await fileUntilDone(marker, `${marker}-${c}-${n++}`, deadline));
      if (results.length > 200) break;
    }
    return results;
  });
  await new Promise((res) => setTimeout(res, 700));
  asPostgres(join(PGBIN, 'pg_ctl'), ['-D', join(dir, 'pg', 'data'), '-l', join(dir, 'pg', 'postgres.log'), '-m', 'immediate', '-w', '-t', '60', 'restart']);
  restarted = true;
  const all = (await Promise.all(clients)).flat();
  const keys = all.length;
  const ids = new Set(all.map((x) => x.id));
  assert.equal(ids.size, keys, 'one appeal id per key');
  const count = Number(psql(srv.db.url, `SELECT COUNT(*) FROM cases WHERE content LIKE '%${marker}%'`));
  assert.equal(count, keys, `exactly one appeal per key (${keys} keys)`);
  const r = await fetch(`${srv.url}/healthz`);
  assert.equal(r.status, 200, 'the node is healthy again without a restart');
  assert.ok(srv.proc.exitCode === null, 'the node is still running');
});

test('a switchover leaves the node on a read-only server: writes answer 503 database_failover, then go through once it takes writes again', { skip, timeout: 60000 }, async () => {
  const marker = uniqueMarker('RO');
  // What a demoted leader looks like from a session that survived: it refuses writes (25006).
  psql(admin, 'ALTER SYSTEM SET default_transaction_read_only = on');
  psql(admin, 'SELECT pg_reload_conf()');
  await new Promise((res) => setTimeout(res, 300));
  try {
    const r = await fetch(`${srv.url}/api/v1/appeals`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `${marker}-ro` },
      body: JSON.stringify({ content: `只读测试 ${marker}`, contact_phone: '13812345678', channel: 'web' }),
    });
    const body = await r.json();
    assert.equal(r.status, 503, JSON.stringify(body));
    assert.ok(['database_failover', 'database_unavailable'].includes(body.error.code), body.error.code);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  } finally {
    psql(admin, 'ALTER SYSTEM RESET default_transaction_read_only');
    psql(admin, 'SELECT pg_reload_conf()');
  }
  const { id } = await fileUntilDone(marker, `${marker}-ro`, Date.now() + 30000);
  assert.ok(id > 0);
  assert.equal(Number(psql(srv.db.url, `SELECT COUNT(*) FROM cases WHERE content LIKE '%${marker}%'`)), 1);
});
