// Backup and restore (docs/security.md "Backup and restore", docs/deploy.md): a backup
// taken while clients take in appeals is a consistent moment of the live database, and a
// restore serves it.
//
//   node drills/backup.mjs [--sqlite 1] [--pg 1] [--pitr 1] [--clients 4]
//
// - SQLite: `yiwang backup --db live --to copy` under load; the copy is served.
// - PostgreSQL: `pg_dump -Fc` under load, `pg_restore` into a new database, served.
// - Point-in-time recovery with pgBackRest: a stanza on a throwaway cluster that archives
//   its WAL (archive_command = pgbackrest archive-push), a full backup, writes, a noted
//   time, more writes; a restore to the noted time into a new data directory holds
//   exactly the writes before it.
//
// For a copy, "consistent" means: `yiwang check` passes on it (integrity, unit tree, the
// audit chain); its audit trail is a prefix of the live one (the same hash at its last
// entry); its units and users equal the live ones; its cases are exactly the live cases
// up to its newest one; every intake acknowledged before the backup began is in it, none
// that began after the backup ended. Last line: `backup: ... — ok` or FAIL.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { client, login } from '../tests/lib/server.mjs';
import {
  flags, workDir, serve, sqliteDatabase, pgCluster, pgDatabase, pgUrl, pgTemplate, sql, check, yiwang,
  sleep, runTag, log, atExit, root, isPg,
} from './lib.mjs';

const opt = flags({ sqlite: 1, pg: 1, pitr: 1, clients: 4 });
const ZHANQIAN = '210902006000';
const TAG = runTag('BACKUP');
const problems = [];
const results = [];
const expect = (ok, what) => { if (!ok) problems.push(what); return ok; };

// ---- load ----

let serial = 0;
// Clients taking in appeals until stop(); each write: { marker, t0, t1, ok }.
function startLoad(base, token, writes, tag) {
  let stopped = false;
  const done = Promise.all(Array.from({ length: opt.clients }, async () => {
    while (!stopped) {
      const marker = `${TAG}${tag}N${serial++}X`;
      const w = { marker, t0: Date.now() };
      try {
        const r = await fetch(base + '/api/v1/appeals', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ content: `备份演练：井盖缺失 ${marker}`, region_code: ZHANQIAN }),
          signal: AbortSignal.timeout(15000),
        });
        await r.text();
        w.ok = r.status === 201;
      } catch { w.ok = false; }
      w.t1 = Date.now();
      writes.push(w);
    }
  }));
  return async () => { stopped = true; await done; };
}

// ---- comparisons ----

function counts(url) {
  const one = (q) => Number(sql(url, q)[0][0]);
  return {
    units: one('SELECT COUNT(*) FROM units'),
    users: one('SELECT COUNT(*) FROM users'),
    cases: one('SELECT COUNT(*) FROM cases'),
    audit: one('SELECT COUNT(*) FROM audit_log'),
  };
}

function markersIn(url, tag) {
  const found = new Set();
  for (const [c] of sql(url, `SELECT content FROM cases WHERE content LIKE '%${TAG}${tag}N%'`)) {
    found.add(new RegExp(`${TAG}${tag}N\\d+X`).exec(c)[0]);
  }
  return found;
}

// The copy against the live database it was taken from (live has gone on since).
function compare(name, live, copy, writes, tag, began, ended) {
  const c = counts(copy);
  const maxCase = Number(sql(copy, 'SELECT COALESCE(MAX(id), 0) FROM cases')[0][0]);
  const [seq, hash] = sql(copy, 'SELECT seq, hash FROM audit_head')[0];
  const liveAt = {
    units: counts(live).units,
    users: counts(live).users,
    cases: Number(sql(live, `SELECT COUNT(*) FROM cases WHERE id <= ${maxCase}`)[0][0]),
    audit: Number(sql(live, `SELECT COUNT(*) FROM audit_log WHERE seq <= ${Number(seq)}`)[0][0]),
  };
  const liveHash = sql(live, `SELECT hash FROM audit_log WHERE seq = ${Number(seq)}`)[0]?.[0];
  for (const k of Object.keys(c)) expect(c[k] === liveAt[k], `${name}: ${k} ${c[k]} in the copy, ${liveAt[k]} live at its moment`);
  expect(liveHash === hash, `${name}: the copy's last audit entry ${seq} is not the live one's`);
  const chk = check(copy);
  expect(chk.ok, `${name}: yiwang check on the copy: ${chk.out}`);
  const inCopy = markersIn(copy, tag);
  const before = writes.filter((w) => w.ok && w.t1 < began);
  const after = writes.filter((w) => w.t0 > ended);
  const missing = before.filter((w) => !inCopy.has(w.marker)).length;
  const late = after.filter((w) => inCopy.has(w.marker)).length;
  expect(missing === 0, `${name}: ${missing} intakes acknowledged before the backup began are missing from it`);
  expect(late === 0, `${name}: ${late} intakes sent after the backup ended are in it`);
  const liveCases = counts(live).cases;
  return `${c.units} units, ${c.users} users, ${c.cases} cases (live: ${liveCases}), ${c.audit} audit entries; ` +
    `${before.length} acknowledged before it all there, ${inCopy.size} of the ${writes.length} sent during the drill in it; check ${chk.ok ? 'ok' : 'FAILED'}`;
}

// Serves the copy and reads from it: the restore.
async function serveCopy(name, url, marker) {
  const srv = await serve({ db: { url, drop() {} }, args: ['--access-log', 'off'] });
  try {
    const api = client(srv.url);
    const token = await login(api, 'agent');
    const r = await api(`/api/v1/appeals?q=${encodeURIComponent(marker)}`, { token });
    expect(r.status === 200 && r.body.total >= 1, `${name}: the restored server does not find ${marker}: ${r.status} ${r.text.slice(0, 200)}`);
    const w = await api('/api/v1/appeals', { method: 'POST', token, body: { content: `备份演练：恢复后的新诉求 ${TAG}`, region_code: ZHANQIAN } });
    expect(w.status === 201, `${name}: an intake on the restored server: ${w.status}`);
  } finally {
    const code = await srv.stop({ keepDb: true });
    expect(code === 0, `${name}: the restored server exited ${code}`);
  }
}

// ---- SQLite: online backup ----

async function sqliteDrill(dir) {
  const t0 = Date.now();
  const live = sqliteDatabase(dir, 'live.db');
  const copy = join(dir, 'copy.db');
  const srv = await serve({ db: live, args: ['--access-log', 'off'] });
  const token = await login(client(srv.url), 'agent');
  const writes = [];
  const stop = startLoad(srv.url, token, writes, 'S');
  await sleep(1000);
  const began = Date.now();
  const b = yiwang(['backup', '--db', live.url, '--to', copy], { timeout: 120000 });
  const ended = Date.now();
  await sleep(500);
  await stop();
  expect(b.status === 0, `sqlite: yiwang backup failed (${b.status} ${b.signal || ''}): ${b.stderr}`);
  if (b.status !== 0) { await srv.stop({ keepDb: true }); return; }
  const size = (statSync(copy).size / 2 ** 20).toFixed(1);
  const note = compare('sqlite', live.url, copy, writes, 'S', began, ended);
  await srv.stop({ keepDb: true });
  const marker = writes.find((w) => w.ok && w.t1 < began)?.marker;
  await serveCopy('sqlite', copy, marker);
  results.push(`sqlite: backup of ${size} MB in ${ended - began} ms under ${opt.clients} writing clients; ${note}; served (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

// ---- PostgreSQL: pg_dump and pg_restore ----

async function pgDrill(cluster) {
  const t0 = Date.now();
  const live = pgDatabase(cluster.admin, 'bklive');
  atExit(() => live.drop());
  const srv = await serve({ db: live, args: ['--access-log', 'off'] });
  const token = await login(client(srv.url), 'agent');
  const writes = [];
  const stop = startLoad(srv.url, token, writes, 'P');
  await sleep(1000);
  const dump = join(cluster.dir || '/tmp', `${live.name}.dump`);
  const began = Date.now();
  const d = spawnSync('pg_dump', ['-Fc', '-f', dump, live.url], { encoding: 'utf8' });
  const ended = Date.now();
  await sleep(500);
  await stop();
  await srv.stop({ keepDb: true });
  if (!expect(d.status === 0, `postgres: pg_dump failed: ${d.stderr}`)) return;
  const name = `yw_bkrestored_${process.pid}`;
  sql(cluster.admin, `DROP DATABASE IF EXISTS ${name}`);
  sql(cluster.admin, `CREATE DATABASE ${name}`);
  const restored = pgUrl(cluster.admin, name);
  atExit(() => { try { sql(cluster.admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* gone */ } });
  const r = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', restored, dump], { encoding: 'utf8' });
  const restoredAt = Date.now();
  if (!expect(r.status === 0, `postgres: pg_restore failed: ${r.stderr}`)) return;
  const size = (statSync(dump).size / 2 ** 20).toFixed(1);
  const note = compare('postgres', live.url, restored, writes, 'P', began, ended);
  await serveCopy('postgres', restored, writes.find((w) => w.ok && w.t1 < began)?.marker);
  results.push(`postgres: pg_dump -Fc of ${size} MB in ${ended - began} ms under load, pg_restore in ${restoredAt - ended} ms; ${note}; served (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

// ---- PostgreSQL: point-in-time recovery with pgBackRest ----

const asRoot = process.getuid() === 0;
// Runs a command as the postgres user (pgBackRest and the cluster's files belong to it).
function asPg(cmd, args, opts = {}) {
  const [c, a] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { encoding: 'utf8', timeout: 300000, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.status} ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function pitrDrill(dir, demoDump) {
  const t0 = Date.now();
  if (!existsSync('/usr/bin/pgbackrest')) {
    problems.push('pitr: pgbackrest is not installed (scripts/install-deps.sh)');
    return;
  }
  const PGBIN = process.env.PGBIN || '/usr/lib/postgresql/15/bin';
  const pgdir = join(dir, 'pitr');
  const admin = execFileSync(join(root, 'scripts', 'pg-temp.sh'), ['start', pgdir], { encoding: 'utf8' }).trim();
  atExit(() => spawnSync(join(root, 'scripts', 'pg-temp.sh'), ['stop', pgdir]));
  const data = join(pgdir, 'data');
  // pgBackRest: one stanza, its repository, logs and locks beside the cluster.
  const br = join(pgdir, 'pgbackrest');
  for (const d of ['', 'repo', 'log', 'lock', 'spool']) mkdirSync(join(br, d), { recursive: true });
  const conf = join(br, 'pgbackrest.conf');
  const port = new URL(admin).port;
  writeFileSync(conf, [
    '[global]', `repo1-path=${br}/repo`, 'repo1-retention-full=2', `log-path=${br}/log`, `lock-path=${br}/lock`,
    `spool-path=${br}/spool`, 'log-level-console=warn', 'log-level-file=info', 'start-fast=y', 'compress-type=lz4',
    '', '[yw]', `pg1-path=${data}`, `pg1-port=${port}`, `pg1-socket-path=${join(pgdir, 'sock')}`, '',
  ].join('\n'));
  if (asRoot) spawnSync('chown', ['-R', 'postgres:postgres', br]);
  const pgbr = (...args) => asPg('pgbackrest', [`--config=${conf}`, '--stanza=yw', ...args]);
  sql(admin, `ALTER SYSTEM SET archive_mode = on`);
  sql(admin, `ALTER SYSTEM SET archive_command = 'pgbackrest --config=${conf} --stanza=yw archive-push %p'`);
  sql(admin, `ALTER SYSTEM SET wal_level = replica`);
  execFileSync(join(root, 'scripts', 'pg-temp.sh'), ['restart', pgdir]);
  pgbr('stanza-create');
  pgbr('check');

  // The database: the demo, then a full backup.
  const db = pgUrl(admin, 'yw');
  sql(admin, 'CREATE DATABASE yw');
  execFileSync('pg_restore', ['--no-owner', '-d', db, demoDump]);
  pgbr('--type=full', 'backup');
  const tBackup = Date.now();

  // Writes, a noted time, more writes; every WAL segment archived.
  const srv = await serve({ db: { url: db, drop() {} }, args: ['--access-log', 'off'] });
  const token = await login(client(srv.url), 'agent');
  const first = [], second = [];
  let stop = startLoad(srv.url, token, first, 'A');
  await sleep(2000);
  await stop();
  await sleep(200);
  const target = sql(admin, "SELECT to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.MSTZH')")[0][0];
  await sleep(200);
  stop = startLoad(srv.url, token, second, 'B');
  await sleep(2000);
  await stop();
  await srv.stop({ keepDb: true });
  const wal = sql(admin, 'SELECT pg_walfile_name(pg_switch_wal())')[0][0];
  for (let i = 0; i < 100; i++) {
    const [last] = sql(admin, 'SELECT last_archived_wal FROM pg_stat_archiver')[0];
    if (last && last >= wal) break;
    await sleep(100);
  }

  // The restore: a new data directory, recovered to the noted time and promoted.
  const data2 = join(pgdir, 'restored');
  mkdirSync(data2, { mode: 0o700 });
  if (asRoot) spawnSync('chown', ['postgres:postgres', data2]);
  const tRestore = Date.now();
  pgbr(`--pg1-path=${data2}`, '--type=time', `--target=${target}`, '--target-action=promote', 'restore');
  const port2 = Number(port) + 100;
  const auto = join(data2, 'postgresql.auto.conf');
  asPg('sh', ['-c', `cat >> '${auto}' <<'EOF'
port = ${port2}
archive_mode = off
EOF`]);
  asPg(join(PGBIN, 'pg_ctl'), ['-D', data2, '-l', join(pgdir, 'restored.log'), '-w', '-t', '120', 'start']);
  atExit(() => spawnSync(asRoot ? 'runuser' : join(PGBIN, 'pg_ctl'), asRoot
    ? ['-u', 'postgres', '--', join(PGBIN, 'pg_ctl'), '-D', data2, '-m', 'immediate', 'stop'] : ['-D', data2, '-m', 'immediate', 'stop']));
  const admin2 = admin.replace(`:${port}/`, `:${port2}/`);
  for (let i = 0; i < 300; i++) {
    try { if (sql(admin2, 'SELECT pg_is_in_recovery()')[0][0] === 'f') break; } catch { /* starting */ }
    await sleep(100);
  }
  const db2 = pgUrl(admin2, 'yw');
  const tDone = Date.now();
  const a = markersIn(db2, 'A'), b = markersIn(db2, 'B');
  const aOk = first.filter((w) => w.ok), bSent = second.length;
  const missing = aOk.filter((w) => !a.has(w.marker)).length;
  expect(missing === 0, `pitr: ${missing} of ${aOk.length} writes before the target time are missing`);
  expect(b.size === 0, `pitr: ${b.size} writes after the target time are there`);
  expect(a.size === aOk.length, `pitr: ${a.size} writes of the first batch restored, ${aOk.length} acknowledged`);
  const chk = check(db2);
  expect(chk.ok, `pitr: yiwang check on the restored cluster: ${chk.out}`);
  results.push(`pitr: pgBackRest full backup, ${aOk.length} writes, target ${target}, ${bSent} more writes; ` +
    `restored to the target in ${((tDone - tRestore) / 1000).toFixed(1)} s: ${a.size} of the first writes, ${b.size} of the later; ` +
    `check ${chk.ok ? 'ok' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(0)} s, backup taken ${((tBackup - t0) / 1000).toFixed(0)} s in)`);
}

// ---- the drill ----

const t0 = Date.now();
const dir = workDir('backup');
try {
  if (opt.sqlite) await sqliteDrill(dir);
  const cluster = opt.pg || opt.pitr ? pgCluster(dir) : null;
  if ((opt.pg || opt.pitr) && !cluster) problems.push('postgres: no cluster (scripts/pg-temp.sh)');
  if (opt.pg && cluster) {
    cluster.dir = dir;
    await pgDrill(cluster);
  }
  if (opt.pitr && cluster) {
    // The PITR cluster starts from the demo: a dump of the template database.
    const demoDump = join(dir, 'demo.dump');
    execFileSync('pg_dump', ['-Fc', '-f', demoDump, pgUrl(cluster.admin, pgTemplate(cluster.admin))]);
    await pitrDrill(dir, demoDump);
  }
} catch (e) {
  problems.push(`drill error: ${e.stack || e}`);
}
for (const r of results) log(`  ${r}`);
for (const p of problems) log(`  problem: ${p}`);
log(`backup: ${results.length} drills in ${((Date.now() - t0) / 1000).toFixed(0)} s — ${problems.length ? 'FAIL' : 'ok'}`);
process.exit(problems.length ? 1 : 0);
