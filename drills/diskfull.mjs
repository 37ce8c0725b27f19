// Disk full (docs/security.md "Disk full"): a SQLite database on a small tmpfs; clients
// write while a filler takes the last free byte. While the disk is full, every write is
// answered 503 with the error envelope (never a 500), reads go on answering 200, and
// /healthz answers 503. Once the filler is removed, writes work again without a restart,
// /healthz is 200, `yiwang check` passes and every acknowledged write is there exactly
// once (none that was refused).
//
//   node drills/diskfull.mjs [--size-mb 0 (the demo's size + 24)] [--clients 4]
//
// Mounting a tmpfs needs root (CAP_SYS_ADMIN); without it the drill says so, skips and
// exits 0 — unless DRILL_REQUIRE_MOUNT=1, then it fails.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { client, login } from '../tests/lib/server.mjs';
import { flags, workDir, serve, atExit, sqliteTemplate, sql, check, sleep, runTag, log } from './lib.mjs';

const opt = flags({ 'size-mb': 0, clients: 4 });
const ZHANQIAN = '210902006000';
const TAG = runTag('DISKFULL');
const problems = [];
const expect = (ok, what) => { if (!ok) problems.push(what); return ok; };

const dir = workDir('diskfull');
const mnt = join(dir, 'tmpfs');
mkdirSync(mnt);
const template = sqliteTemplate();
const sizeMb = opt['size-mb'] || Math.ceil(statSync(template).size / 2 ** 20) + 24;
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', mnt], { encoding: 'utf8' });
if (mounted.status !== 0) {
  log(`diskfull: SKIPPED — cannot mount a tmpfs (${(mounted.stderr || mounted.error?.message || '').trim()}); run as root`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(process.env.DRILL_REQUIRE_MOUNT === '1' ? 1 : 0);
}
atExit(() => spawnSync('umount', ['-l', mnt]));

// Intake answers by phase: phase → { status → count }; acknowledged and refused markers.
const answers = {};
const writes = []; // { marker, outcome: 'ack'|'refused'|'unknown', status }
let phase = 'before';
let serial = 0;

function tally(kind, status, code) {
  const k = `${phase} ${kind}`;
  answers[k] ||= {};
  const s = code ? `${status} ${code}` : String(status);
  answers[k][s] = (answers[k][s] || 0) + 1;
}

async function intake(base, token, size = 2000) {
  const marker = `${TAG}N${serial++}X`;
  try {
    const r = await fetch(base + '/api/v1/appeals', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: `磁盘满演练 ${marker} ${'路灯不亮'.repeat(size / 4)}`, region_code: ZHANQIAN }),
      signal: AbortSignal.timeout(15000),
    });
    const body = await r.json().catch(() => null);
    const w = { marker, status: r.status, outcome: r.status === 201 ? 'ack' : 'refused', body };
    writes.push(w);
    tally('write', r.status, body?.error?.code);
    return w;
  } catch (e) {
    writes.push({ marker, outcome: 'unknown', status: 0 });
    tally('write', 0, e.cause?.code || e.name);
    return { marker, status: 0 };
  }
}

// Writes with N clients until stop() is true.
async function load(base, token, stop) {
  await Promise.all(Array.from({ length: opt.clients }, async () => {
    while (!stop()) await intake(base, token);
  }));
}

// Fills the file system: big chunks, then pages, then single bytes, until ENOSPC.
function fill(path) {
  const fd = openSync(path, 'w');
  let bytes = 0;
  for (const size of [1 << 20, 4096, 1]) {
    const buf = Buffer.alloc(size, 0x55);
    for (;;) {
      try { bytes += writeSync(fd, buf); } catch (e) { if (e.code === 'ENOSPC') break; throw e; }
    }
  }
  closeSync(fd);
  return bytes;
}

const t0 = Date.now();
let srv;
try {
  const dbPath = join(mnt, 'yiwang.db');
  copyFileSync(template, dbPath);
  const db = { url: dbPath, drop() {} };
  srv = await serve({ db, args: ['--access-log', 'off', '--data-dir', join(mnt, 'files')] });
  const api = client(srv.url);
  const token = await login(api, 'agent');
  const reads = (await api('/api/v1/appeals?per_page=20', { token })).body.items.map((a) => a.id);

  // Before: writes succeed.
  await load(srv.url, token, ((end) => () => Date.now() > end)(Date.now() + 1000));
  log(`  before: ${writes.filter((w) => w.outcome === 'ack').length} intakes acknowledged`);

  // Filling: the clients keep writing while the filler takes the space; then until 30
  // writes in a row were refused (the WAL may still have room when the filler ends).
  phase = 'filling';
  let filled = 0, refusedRun = 0;
  const filler = (async () => { await sleep(200); filled = fill(join(mnt, 'filler')); })();
  const fillEnd = Date.now() + 30000;
  await Promise.all(Array.from({ length: opt.clients }, async () => {
    while (Date.now() < fillEnd && refusedRun < 30) {
      const w = await intake(srv.url, token);
      refusedRun = w.status === 201 ? 0 : refusedRun + 1;
    }
  }));
  await filler;
  expect(refusedRun >= 30, `writes still succeed on a full disk (${refusedRun} refusals in a row)`);
  log(`  filled ${(filled / 2 ** 20).toFixed(1)} MiB; writes refused`);

  // Full: writes are a clear 503, reads are 200, /healthz is 503, login is refused cleanly.
  phase = 'full';
  for (let i = 0; i < 20; i++) await intake(srv.url, token);
  for (let i = 0; i < 40; i++) {
    const id = reads[i % reads.length];
    const r = i % 2 ? await api(`/api/v1/appeals/${id}`, { token }) : await api(`/api/v1/appeals?per_page=5&page=${i + 1}`, { token });
    tally('read', r.status, r.body?.error?.code);
  }
  for (let i = 0; i < 5; i++) {
    const r = await api('/healthz');
    tally('healthz', r.status, r.body?.error?.code);
    await sleep(300);
  }
  const li = await api('/api/v1/sessions', { method: 'POST', body: { username: 'zhujian', password: 'yiwang-demo' } });
  tally('login', li.status, li.body?.error?.code);
  const act = await api(`/api/v1/appeals/${writes.find((w) => w.outcome === 'ack').body.id}/actions`,
    { method: 'POST', token, body: { action: 'urge', note: '磁盘满时催办' } });
  tally('action', act.status, act.body?.error?.code);

  // Space returns: writes work again, without a restart.
  phase = 'after';
  rmSync(join(mnt, 'filler'));
  // The clients' own writes may have taken most of the space before the filler did, so
  // removing it alone can leave less than /healthz's 4 MiB margin: the operator also
  // grows the volume, as one would (tmpfs resizes in place).
  const grown = spawnSync('mount', ['-o', `remount,size=${sizeMb + 64}m`, mnt], { encoding: 'utf8' });
  expect(grown.status === 0, `could not grow the tmpfs: ${grown.stderr}`);
  let firstOk = null;
  for (let i = 0; i < 50 && firstOk === null; i++) {
    const w = await intake(srv.url, token);
    if (w.status === 201) firstOk = i;
    else await sleep(100);
  }
  expect(firstOk !== null, 'writes did not come back after space was freed');
  await load(srv.url, token, ((end) => () => Date.now() > end)(Date.now() + 1000));
  await sleep(1100); // /healthz writes at most once a second
  const h = await api('/healthz');
  tally('healthz', h.status, h.body?.error?.code);
  expect(h.status === 200, `/healthz after space returned: ${h.status}`);
  const code = await srv.stop({ keepDb: true });
  expect(code === 0, `the server exited ${code} at SIGTERM`);

  // Nothing acknowledged lost, nothing refused written, the database sound.
  const found = new Map();
  for (const [content] of sql(dbPath, `SELECT content FROM cases WHERE content LIKE '%${TAG}N%'`)) {
    const m = new RegExp(`${TAG}N\\d+X`).exec(content)[0];
    found.set(m, (found.get(m) || 0) + 1);
  }
  let acked = 0, lost = 0, dup = 0, phantom = 0;
  for (const w of writes) {
    const n = found.get(w.marker) || 0;
    if (w.outcome === 'ack') { acked++; if (n === 0) lost++; }
    if (n > 1) dup++;
    if (w.outcome === 'refused' && n) phantom++;
  }
  expect(lost === 0, `${lost} acknowledged writes lost`);
  expect(dup === 0, `${dup} writes duplicated`);
  expect(phantom === 0, `${phantom} refused writes are in the database`);
  const chk = check(dbPath);
  expect(chk.ok, `yiwang check: ${chk.out}`);

  // The rules on the answers while the disk was full.
  for (const [k, v] of Object.entries(answers)) log(`  ${k}: ${Object.entries(v).map(([s, n]) => `${s} ×${n}`).join(', ')}`);
  const all = Object.entries(answers);
  for (const [k, v] of all) {
    for (const s of Object.keys(v)) {
      const st = Number(s.split(' ')[0]);
      if (st === 500 || st === 0) problems.push(`${k}: ${s} ×${v[s]}`);
      if (st >= 500 && st !== 503) problems.push(`${k}: ${s} ×${v[s]}`);
    }
  }
  const full = (k) => answers[`full ${k}`] || {};
  expect(Object.keys(full('write')).every((s) => /^503 [a-z_]+$/.test(s)), 'writes on a full disk: not all 503 with an error code');
  expect(Object.keys(full('read')).every((s) => s === '200'), 'reads on a full disk: not all 200');
  expect(Object.keys(full('healthz')).every((s) => s.startsWith('503')), '/healthz on a full disk: not all 503');
  // A small write may still fit where an intake does not: a login or an action on a full
  // disk succeeds or is refused with 503, nothing else.
  for (const k of ['login', 'action']) {
    expect(Object.keys(full(k)).every((s) => /^(20[01]|503 [a-z_]+)$/.test(s)), `${k} on a full disk: ${Object.keys(full(k))}`);
  }
  const refusedFull = Object.values(full('write')).reduce((a, b) => a + b, 0);
  log(`  ${chk.out.split('\n').join('; ')}`);
  log(`diskfull: ${acked} acknowledged, ${lost} lost, ${refusedFull} refused while full (${Object.keys(full('write')).join(', ')}), ` +
    `reads ${Object.keys(full('read')).join(',')}, healthz ${Object.keys(full('healthz')).join(',')}, ` +
    `writes back after ${firstOk} tries, ${((Date.now() - t0) / 1000).toFixed(0)} s — ${problems.length ? 'FAIL' : 'ok'}`);
} catch (e) {
  problems.push(`drill error: ${e.stack || e}`);
} finally {
  if (srv && srv.proc.exitCode === null) await srv.stop({ keepDb: true }).catch(() => {});
  spawnSync('umount', [mnt]);
}
for (const p of problems) log(`  problem: ${p}`);
process.exit(problems.length ? 1 : 0);
