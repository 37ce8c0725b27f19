// Crash trials (docs/security.md "Crash trials"): several clients take in appeals and move
// them along (dispatch, sign, reply) against the real server; the server is killed with
// SIGKILL at a random moment and restarted on the same database. Then every write a
// client saw acknowledged (201/200) is there exactly once, no write appears twice, no
// write the server refused is there at all, and `yiwang check` passes.
//
//   node drills/crash.mjs [--sqlite 100] [--pg 20] [--clients 8] [--load-min 1000] [--load-max 3000]
//
// One database per backend for all its trials, so that every restart also recovers a
// database that has been killed before; each trial verifies the writes of all trials so
// far. The last lines: `crash: T trials, A acknowledged, L lost, D duplicated (backend)`.
// Exit status 0 only when nothing was lost, duplicated, refused-yet-written, answered 5xx
// during the load, or reported by `yiwang check`.
import { client, login } from '../tests/lib/server.mjs';
import {
  flags, workDir, serve, sqliteDatabase, pgCluster, pgDatabase, sql, check, killHard, sleep, runTag, log,
} from './lib.mjs';
import { rmSync } from 'node:fs';

const opt = flags({ sqlite: 100, pg: 20, clients: 8, 'load-min': 1000, 'load-max': 3000, seed: 0 });
const ZHANQIAN = '210902006000'; // 站前街道, inside the agent's area
const TAG = runTag('CRASH');

// A small deterministic generator when --seed is given (to replay a run's kill moments).
let seed = opt.seed || (Date.now() % 2147483647);
const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);

// One request with a time limit. Outcome: 'ack' (the expected 2xx), 'refused' (any other
// answer, or no connection at all: the write must not be there), 'unknown' (the request
// may have reached the server and no answer came back: the write is there once or not).
async function send(base, path, token, body, expect) {
  try {
    const r = await fetch(base + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { outcome: r.status === expect ? 'ack' : 'refused', status: r.status, json };
  } catch (e) {
    const code = e.cause?.code || e.code || e.name;
    return { outcome: code === 'ECONNREFUSED' ? 'refused' : 'unknown', status: 0, code };
  }
}

// One client's load until the server dies: new appeals, and the next step on one of its
// own appeals (dispatch by the agent, sign and reply by the handling unit's staff).
async function clientLoop(ctx, ci, ledger) {
  const mine = []; // { id, next }
  const steps = [
    { action: 'dispatch', who: 'agent', body: () => ({ action: 'dispatch', unit_id: ctx.unitId }) },
    { action: 'sign', who: 'staff', body: () => ({ action: 'sign' }) },
    { action: 'reply', who: 'staff', body: () => ({ action: 'reply', content: '已处理，演练答复', resolved: true }) },
  ];
  for (let k = 0; ; k++) {
    const open = mine.filter((a) => a.next < steps.length);
    let r;
    if (!open.length || random() < 0.5) {
      const marker = `${TAG}T${ctx.trial}C${ci}N${k}X`;
      r = await send(ctx.base, '/api/v1/appeals', ctx.tokens.agent,
        { content: `崩溃演练：楼道灯不亮 ${marker}`, region_code: ZHANQIAN, contact_phone: '13812345678' }, 201);
      ledger.intakes.push({ marker, outcome: r.outcome, status: r.status, id: r.json?.id });
      if (r.outcome === 'ack') mine.push({ id: r.json.id, next: 0 });
    } else {
      const a = open[Math.floor(random() * open.length)];
      const s = steps[a.next];
      r = await send(ctx.base, `/api/v1/appeals/${a.id}/actions`, ctx.tokens[s.who], s.body(), 200);
      ledger.actions.push({ id: a.id, action: s.action, outcome: r.outcome, status: r.status });
      if (r.outcome === 'ack') a.next++;
      else a.next = steps.length; // its state is unknown now: leave it alone
    }
    if (r.status >= 500) ledger.fivexx.push(`${r.status} ${JSON.stringify(r.json)}`);
    if (r.status === 0) return; // the server is gone
    if (r.outcome === 'refused' && r.status < 500) ledger.unexpected.push(`${r.status} ${JSON.stringify(r.json)}`);
  }
}

// What the database holds of this run: cases by marker, and their timeline actions.
function readBack(url, firstId) {
  const cases = sql(url, `SELECT id, content FROM cases WHERE id >= ${firstId} AND content LIKE '%${TAG}T%'`);
  const byMarker = new Map();
  for (const [id, content] of cases) {
    const m = new RegExp(`${TAG}T\\d+C\\d+N\\d+X`).exec(content)[0];
    if (!byMarker.has(m)) byMarker.set(m, []);
    byMarker.get(m).push(Number(id));
  }
  const timeline = sql(url, `SELECT t.case_id, t.action FROM case_timeline t JOIN cases c ON c.id = t.case_id
    WHERE c.id >= ${firstId} AND c.content LIKE '%${TAG}T%'`);
  const actions = new Map(); // "id action" → count
  for (const [id, action] of timeline) {
    const key = `${id} ${action}`;
    actions.set(key, (actions.get(key) || 0) + 1);
  }
  return { byMarker, actions };
}

// Compares the ledger of every trial so far with the database.
function verify(url, ledger, firstId) {
  const { byMarker, actions } = readBack(url, firstId);
  const res = { acked: 0, lost: [], dup: [], phantom: [] };
  const attempted = new Set();
  for (const w of ledger.intakes) {
    attempted.add(w.marker);
    const n = (byMarker.get(w.marker) || []).length;
    if (w.outcome === 'ack') {
      res.acked++;
      if (n === 0) res.lost.push(`intake ${w.marker}`);
      else if (n > 1 || byMarker.get(w.marker)[0] !== w.id) res.dup.push(`intake ${w.marker} ×${n}`);
    } else if (n > 1) res.dup.push(`intake ${w.marker} ×${n} (unacknowledged)`);
    else if (n === 1 && w.outcome === 'refused') res.phantom.push(`intake ${w.marker} (answered ${w.status})`);
    // Every appeal that exists was taken in exactly once.
    for (const id of byMarker.get(w.marker) || []) {
      const k = actions.get(`${id} create`) || 0;
      if (k !== 1) res.dup.push(`intake timeline of ${w.marker}: ${k} entries`);
    }
  }
  for (const m of byMarker.keys()) if (!attempted.has(m)) res.phantom.push(`appeal ${m} nobody sent`);
  const tried = new Set();
  for (const a of ledger.actions) {
    const key = `${a.id} ${a.action}`;
    tried.add(key);
    const n = actions.get(key) || 0;
    if (a.outcome === 'ack') {
      res.acked++;
      if (n === 0) res.lost.push(`${a.action} on ${a.id}`);
      else if (n > 1) res.dup.push(`${a.action} on ${a.id} ×${n}`);
    } else if (n > 1) res.dup.push(`${a.action} on ${a.id} ×${n} (unacknowledged)`);
    else if (n === 1 && a.outcome === 'refused') res.phantom.push(`${a.action} on ${a.id} (answered ${a.status})`);
  }
  for (const [key, n] of actions) {
    if (!key.endsWith(' create') && !tried.has(key)) res.phantom.push(`${key} ×${n} nobody sent`);
  }
  return res;
}

// The restarted server serves what was acknowledged: each acknowledged appeal of this trial
// reads back (200) with its acknowledged actions in the timeline, and a new write works.
async function verifyOverHttp(srv, ctx, ledger, trial) {
  const api = client(srv.url);
  const problems = [];
  // A sample of this trial's acknowledged appeals (the read-back above covers them all).
  const mine = ledger.intakes.filter((w) => w.trial === trial && w.outcome === 'ack')
    .filter((w, i, all) => i % Math.ceil(all.length / 100) === 0);
  const acts = new Map();
  for (const a of ledger.actions) {
    if (a.outcome === 'ack') acts.set(a.id, [...(acts.get(a.id) || []), a.action]);
  }
  for (const w of mine) {
    const r = await api(`/api/v1/appeals/${w.id}`, { token: ctx.tokens.agent });
    if (r.status !== 200) { problems.push(`GET appeal ${w.id}: ${r.status}`); continue; }
    const seen = (r.body.timeline || []).map((t) => t.action);
    for (const a of acts.get(w.id) || []) {
      if (seen.filter((x) => x === a).length !== 1) problems.push(`appeal ${w.id}: timeline ${seen.join(',')} lacks ${a} once`);
    }
  }
  const r = await api('/api/v1/appeals', {
    method: 'POST', token: ctx.tokens.agent, body: { content: `崩溃演练：重启后的新诉求 ${TAG}`, region_code: ZHANQIAN },
  });
  if (r.status !== 201) problems.push(`intake after restart: ${r.status} ${r.text}`);
  return problems;
}

async function runBackend(name, db, trials) {
  const totals = { trials: 0, acked: 0, lost: 0, dup: 0, failures: [] };
  if (!trials) return totals;
  const args = ['--access-log', 'off'];
  let srv = await serve({ db, args });
  const ctx = { base: srv.url, tokens: {}, unitId: 0, trial: 0 };
  const api = client(srv.url);
  ctx.tokens.agent = await login(api, 'agent');
  ctx.tokens.staff = await login(api, 'zhujian');
  const units = await api(`/api/v1/units?q=${encodeURIComponent('阜新市住房和城乡建设局')}&per_page=50`, { token: ctx.tokens.agent });
  ctx.unitId = units.body.items.find((u) => u.name === '阜新市住房和城乡建设局').id;
  // Only cases after the demo's are this run's: the read-back scans from there.
  ctx.firstId = Number(sql(db.url, 'SELECT COALESCE(MAX(id), 0) + 1 FROM cases')[0][0]);
  const ledger = { intakes: [], actions: [], fivexx: [], unexpected: [] };
  const t0 = Date.now();
  for (let t = 1; t <= trials; t++) {
    ctx.trial = t;
    ctx.base = srv.url;
    const nI = ledger.intakes.length, nA = ledger.actions.length;
    const loadMs = opt['load-min'] + random() * (opt['load-max'] - opt['load-min']);
    const clients = Array.from({ length: opt.clients }, (_, ci) => clientLoop(ctx, ci, ledger));
    await sleep(loadMs);
    await killHard(srv);
    await Promise.all(clients);
    for (const w of ledger.intakes.slice(nI)) w.trial = t;
    // The database as the kill left it: yiwang check recovers it (SQLite replays the WAL)
    // and verifies it before the server opens it again.
    const chk = check(db.url);
    srv = await serve({ db, args });
    const res = verify(db.url, ledger, ctx.firstId);
    const httpProblems = await verifyOverHttp(srv, ctx, ledger, t);
    const sent = ledger.intakes.length - nI + ledger.actions.length - nA;
    const unknown = [...ledger.intakes.slice(nI), ...ledger.actions.slice(nA)].filter((w) => w.outcome === 'unknown').length;
    const bad = [];
    if (res.lost.length) bad.push(`lost: ${res.lost.slice(0, 5).join('; ')}`);
    if (res.dup.length) bad.push(`duplicated: ${res.dup.slice(0, 5).join('; ')}`);
    if (res.phantom.length) bad.push(`written though refused or never sent: ${res.phantom.slice(0, 5).join('; ')}`);
    if (httpProblems.length) bad.push(`after restart: ${httpProblems.slice(0, 5).join('; ')}`);
    if (!chk.ok) bad.push(`yiwang check: ${chk.out}`);
    if (ledger.fivexx.length) bad.push(`5xx during the load: ${ledger.fivexx.splice(0).slice(0, 3).join('; ')}`);
    if (ledger.unexpected.length) bad.push(`refused during the load: ${ledger.unexpected.splice(0).slice(0, 3).join('; ')}`);
    totals.trials = t;
    totals.acked = res.acked;
    totals.lost = res.lost.length;
    totals.dup = res.dup.length;
    log(`  ${name} trial ${t}/${trials}: killed after ${Math.round(loadMs)} ms, ${sent} writes sent ` +
      `(${unknown} unanswered), ${res.acked} acknowledged so far — ${bad.length ? 'FAIL' : 'ok'}`);
    for (const b of bad) log(`    ${b}`);
    totals.failures.push(...bad.map((b) => `trial ${t}: ${b}`));
  }
  // The last restarted server stops cleanly, and leaves a sound database.
  const code = await srv.stop({ keepDb: true });
  const chk = check(db.url);
  if (code !== 0) totals.failures.push(`the restarted server exited ${code} at SIGTERM`);
  if (!chk.ok) totals.failures.push(`yiwang check after the last trial: ${chk.out}`);
  totals.seconds = (Date.now() - t0) / 1000;
  return totals;
}

const dir = workDir('crash');
const summary = [];
let failed = false;
try {
  log(`crash trials: seed ${seed}, ${opt.clients} clients, ${opt['load-min']}–${opt['load-max']} ms of load per trial`);
  if (opt.sqlite > 0) {
    const db = sqliteDatabase(dir);
    const r = await runBackend('sqlite', db, opt.sqlite);
    summary.push(['sqlite', r]);
    db.drop();
  }
  if (opt.pg > 0) {
    const cluster = pgCluster(dir);
    if (!cluster) {
      log('crash: PostgreSQL trials could not run (no cluster)');
      failed = true;
    } else {
      try {
        const db = pgDatabase(cluster.admin, 'crash');
        try {
          summary.push(['postgres', await runBackend('postgres', db, opt.pg)]);
        } finally {
          db.drop();
        }
      } finally {
        cluster.stop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const [name, r] of summary) {
  if (r.failures.length || r.lost || r.dup) failed = true;
  log(`  ${name}: ${r.trials} trials in ${r.seconds.toFixed(0)} s, ${r.failures.length} problems`);
}
for (const [name, r] of summary) {
  log(`crash: ${r.trials} trials, ${r.acked} acknowledged, ${r.lost} lost, ${r.dup} duplicated (${name})`);
}
process.exit(failed ? 1 : 0);
