// Shared helpers of the drills (drills/*.mjs): demo databases on both backends, a
// throwaway PostgreSQL cluster, SQL from the outside, percentiles, and a report line.
//
// The drills run the real binary (build/yiwang, or YIWANG_BIN) through tests/lib/server.mjs.
// Inside scripts/test.sh they reuse what it has already built: the SQLite demo template
// (YIWANG_TEST_TEMPLATE), the PostgreSQL cluster (YIWANG_TEST_PG) and its demo template
// database (YIWANG_TEST_PG_TEMPLATE). Alone (make drill-*), they build their own: the
// SQLite template is kept in build/drills/ while it is newer than the binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, chmodSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binary, demoPassword, startServer } from '../tests/lib/server.mjs';

export { binary, demoPassword };
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Cleanups run on exit, also when the drill is interrupted (SIGINT, SIGTERM): servers the
// drill started are killed, clusters stopped, temp dirs removed, a tmpfs unmounted.
const cleanups = [];
export function atExit(fn) { cleanups.push(fn); }
function runCleanups() {
  while (cleanups.length) {
    try { cleanups.pop()(); } catch { /* best effort */ }
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { runCleanups(); process.exit(130); });
}
process.on('exit', runCleanups);

// startServer (tests/lib/server.mjs) whose process is killed if the drill is interrupted.
export async function serve(opts) {
  const srv = await startServer(opts);
  atExit(() => { if (srv.proc.exitCode === null && srv.proc.signalCode === null) srv.proc.kill('SIGKILL'); });
  return srv;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (...a) => console.log(...a);

// Command-line flags: --name value or --name=value; numbers where the default is one.
export function flags(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in defaults)) throw new Error(`unknown argument ${argv[i]}`);
    const v = m[2] ?? argv[++i];
    out[m[1]] = typeof defaults[m[1]] === 'number' ? Number(v) : v;
  }
  return out;
}

// A temporary directory the postgres user can reach (the cluster lives inside it when we
// start one), removed by cleanup().
export function workDir(tag) {
  const d = mkdtempSync(join(tmpdir(), `yiwang-drill-${tag}-`));
  chmodSync(d, 0o755);
  atExit(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

// Runs a yiwang subcommand; returns { status, stdout, stderr } without throwing.
export function yiwang(args, opts = {}) {
  const r = spawnSync(binary, args, { encoding: 'utf8', timeout: 300000, ...opts });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// `yiwang check --db URL`: { ok, out }.
export function check(url) {
  const r = yiwang(['check', '--db', url]);
  return { ok: r.status === 0, out: (r.stdout + r.stderr).trim() };
}

export const isPg = (url) => /^postgres(ql)?:\/\//.test(url);

// SQL against a database from the outside: rows as arrays of strings (sqlite3 CLI or psql,
// unaligned, tab-separated). The sqlite3 shell waits up to 5 s for the server's writer.
export function sql(url, statement) {
  const out = isPg(url)
    ? execFileSync('psql', [url, '-q', '-t', '-A', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', statement],
      { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', url, statement], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\n').filter((l) => l.length).map((l) => l.split('\t'));
}

// The SQLite demo template: YIWANG_TEST_TEMPLATE, else build/drills/demo.db (rebuilt when
// the binary is newer).
export function sqliteTemplate() {
  const t = process.env.YIWANG_TEST_TEMPLATE;
  if (t && existsSync(t)) return t;
  const dir = join(root, 'build', 'drills');
  const path = join(dir, 'demo.db');
  if (existsSync(path) && statSync(path).mtimeMs > statSync(binary).mtimeMs) return path;
  mkdirSync(dir, { recursive: true });
  for (const f of [path, path + '-wal', path + '-shm']) rmSync(f, { force: true });
  log(`    building the demo database ${path}`);
  const r = yiwang(['demo', '--db', path, '--password', demoPassword]);
  if (r.status !== 0) throw new Error(`yiwang demo failed: ${r.stderr}`);
  return path;
}

// A copy of the SQLite template in dir; returns { url, drop() } as server.mjs expects.
export function sqliteDatabase(dir, name = 'drill.db') {
  const url = join(dir, name);
  copyFileSync(sqliteTemplate(), url);
  return { url, drop() { for (const f of [url, url + '-wal', url + '-shm']) rmSync(f, { force: true }); } };
}

// A PostgreSQL cluster: YIWANG_TEST_PG, else a throwaway one in dir (scripts/pg-temp.sh).
// Returns { admin, stop() } or null when none can be had.
export function pgCluster(dir) {
  if (process.env.YIWANG_TEST_PG) return { admin: process.env.YIWANG_TEST_PG, stop() {} };
  const pgdir = join(dir, 'pg');
  try {
    const admin = execFileSync(join(root, 'scripts', 'pg-temp.sh'), ['start', pgdir],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const stop = () => spawnSync(join(root, 'scripts', 'pg-temp.sh'), ['stop', pgdir]);
    atExit(stop);
    return { admin, stop };
  } catch (e) {
    log(`    could not start PostgreSQL: ${(e.stderr || e.message).toString().trim()}`);
    return null;
  }
}

export function pgUrl(admin, name) {
  const u = new URL(admin);
  u.pathname = '/' + name;
  return u.toString();
}

// The PostgreSQL demo template database: YIWANG_TEST_PG_TEMPLATE, else yw_drill_template
// in the cluster, restored from build/drills/demo-pg.dump while that is newer than the
// binary (building the demo on PostgreSQL takes minutes, restoring it seconds).
export function pgTemplate(admin) {
  if (process.env.YIWANG_TEST_PG_TEMPLATE) return process.env.YIWANG_TEST_PG_TEMPLATE;
  const name = 'yw_drill_template';
  if (sql(admin, `SELECT 1 FROM pg_database WHERE datname = '${name}'`).length) return name;
  const dump = join(root, 'build', 'drills', 'demo-pg.dump');
  const url = pgUrl(admin, name);
  sql(admin, `CREATE DATABASE ${name}`);
  try {
    if (existsSync(dump) && statSync(dump).mtimeMs > statSync(binary).mtimeMs) {
      execFileSync('pg_restore', ['--no-owner', '-d', url, dump], { stdio: 'ignore' });
      return name;
    }
    log('    building the PostgreSQL demo database (minutes; kept in build/drills/demo-pg.dump)');
    const r = yiwang(['demo', '--db', url, '--password', demoPassword]);
    if (r.status !== 0) throw new Error(`yiwang demo failed: ${r.stderr}`);
    mkdirSync(dirname(dump), { recursive: true });
    execFileSync('pg_dump', ['-Fc', '-f', dump + '.tmp', url]);
    renameSync(dump + '.tmp', dump);
    return name;
  } catch (e) {
    sql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw e;
  }
}

let dbSerial = 0;
// A new database copied from the PostgreSQL demo template; { url, drop() }.
export function pgDatabase(admin, tag = 'drill') {
  const name = `yw_${tag}_${process.pid}_${dbSerial++}`;
  sql(admin, `CREATE DATABASE ${name} TEMPLATE ${pgTemplate(admin)}`);
  return {
    url: pgUrl(admin, name),
    name,
    drop() {
      try { sql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* gone */ }
    },
  };
}

// The p-th percentile (0..100) of numbers, by nearest rank.
export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

// A unique word for this run, safe inside SQL LIKE patterns and search queries.
export function runTag(prefix) {
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}`.toUpperCase();
}

// Kills a server started by startServer with SIGKILL and waits until it is gone.
export async function killHard(srv) {
  if (srv.proc.exitCode !== null || srv.proc.signalCode !== null) return;
  const gone = new Promise((r) => srv.proc.once('exit', r));
  srv.proc.kill('SIGKILL');
  await gone;
}
