// The failover drill (make test-cluster; docs/deploy.md "The failover drill").
//
// Brings up the loopback cluster (deploy/cluster/up.sh: etcd ×3, PostgreSQL ×3 under
// Patroni with synchronous replication, HAProxy, yiwang ×3 behind a front), runs a steady
// load of intakes and case actions from several clients through the front, and in each
// trial kills something with SIGKILL: the PostgreSQL primary's postmaster (odd trials) or
// one yiwang node (even trials, nodes 1, 2, 3 in turn). After each kill it waits until the
// cluster has recovered: the killed PostgreSQL is back as a replica (Patroni starts it
// again, rewound onto the new leader's timeline), one member leads, one is the synchronous
// standby, and every yiwang node answers (the supervisor restarted the killed one).
//
// Every request carries an Idempotency-Key and is retried with the same key on a network
// error, a timeout, a 5xx, a 429 or a 409 idempotency_in_progress until it gets an answer,
// as a careful client does.
// Every intake carries a unique marker in its content, every action a unique note; at the
// end the database is read (the leader, and each member directly) and every acknowledged
// write must be there exactly once; a marker found twice is a duplicate whether or not
// its request was acknowledged.
//
// The outage of a trial: from the kill until every client has had a write acknowledged
// whose successful attempt began after the kill (so a client whose request died with a
// node counts until its retry succeeded).
//
//   node drills/cluster.mjs [--trials 20] [--clients 4] [--settle 3] [--keep 1]
//   (YIWANG_CLUSTER_DIR, YIWANG_CLUSTER_PORT: where the cluster lives; see deploy/cluster/lib.sh)
//
// The last line: `failover: T trials, A acknowledged, L lost, D duplicated, max outage S s`;
// the exit status is non-zero when anything was lost or duplicated, or the cluster did not
// recover.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { flags, sleep, sql, root, runTag, percentile } from './lib.mjs';

const run = promisify(execFile);
const opt = flags({ trials: 20, clients: 4, settle: 3, keep: 0 });
const env = {
  ...process.env,
  YIWANG_CLUSTER_DIR: process.env.YIWANG_CLUSTER_DIR || '/tmp/yiwang-cluster-drill',
  YIWANG_CLUSTER_PORT: process.env.YIWANG_CLUSTER_PORT || '27200',
};
const base = Number(env.YIWANG_CLUSTER_PORT);
const leaderUrl = `postgresql://postgres@127.0.0.1:${base + 1}/yiwang`;
const memberUrl = (i) => `postgresql://postgres@127.0.0.1:${base + 30 + i}/yiwang`;
const script = (name) => join(root, 'deploy/cluster', name);
const ZHANQIAN = '210902006000'; // 站前街道, in the agent's area
const TAG = runTag('FO');
const t0 = Date.now();
const now = () => Date.now();
const secs = (ms) => (ms / 1000).toFixed(1);
const say = (...a) => console.log(`[${secs(now() - t0).padStart(6)} s]`, ...a);

// ---- the cluster ----

function up() {
  return new Promise((resolve, reject) => {
    const p = spawn(script('up.sh'), [], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('exit', (code) => {
      const last = out.trim().split('\n').pop();
      if (code === 0 && /^http:\/\/127\.0\.0\.1:\d+$/.test(last)) resolve(last);
      else reject(new Error(`up.sh failed (status ${code})`));
    });
  });
}

let clusterUp = false;
function down() {
  if (!clusterUp || opt.keep) return;
  clusterUp = false;
  try {
    execFileSync(script('down.sh'), [], { env, stdio: 'ignore', timeout: 120000 });
  } catch { /* best effort */ }
}
process.on('exit', down);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

const ctl = async (...args) => (await run(script('ctl.sh'), args, { env, timeout: 300000 })).stdout.trim();

// ---- the clients ----

let front;
let stopping = false;
let stopDeadline = Infinity;
const acked = { intake: new Map(), dispatch: new Set(), urge: new Set() };
const answers = {}; // status → count, of final answers
const oddities = []; // answers other than the expected one
let retries = 0;
let unanswered = 0;

async function attempt(method, path, body, key, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (key) headers['idempotency-key'] = key;
  const r = await fetch(front + path, {
    method, headers, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(15000),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON: a proxy's page */ }
  return { status: r.status, body: json, retryAfter: Number(r.headers.get('retry-after')) || 0 };
}

// Sends until an answer comes: network errors, timeouts, 5xx and 429 are retried with the
// same key. Returns the answer with the start and end of the attempt that got it, or null
// when the drill is over and the cluster still does not answer.
async function reliable(c, method, path, body, key) {
  for (;;) {
    const start = now();
    let r;
    try {
      r = await attempt(method, path, body, key, c.token);
    } catch (e) {
      r = { status: 0, error: e };
    }
    if (r.status === 401 && c.token && path !== '/api/v1/sessions') {
      await login(c); // (sessions live in the database: this should not happen)
      oddities.push(`${key}: 401 ${JSON.stringify(r.body)}`);
      continue;
    }
    // (409 idempotency_in_progress: the first attempt with this key still runs on a node)
    const busy = r.status === 409 && r.body?.error?.code === 'idempotency_in_progress';
    if (r.status && r.status < 500 && r.status !== 429 && !busy) return { ...r, start, end: now() };
    retries++;
    if (stopping && now() > stopDeadline) return null;
    await sleep(r.retryAfter ? Math.min(r.retryAfter * 1000, 1000) : 200);
  }
}

async function login(c) {
  c.token = null;
  const r = await reliable(c, 'POST', '/api/v1/sessions', { username: 'agent', password: 'yiwang-demo' });
  if (!r || r.status !== 201) throw new Error(`login: ${r && r.status} ${JSON.stringify(r && r.body)}`);
  c.token = r.body.token;
}

function answered(c, kind, key, r, expected) {
  if (!r) {
    unanswered++;
    return false;
  }
  answers[r.status] = (answers[r.status] || 0) + 1;
  if (r.status !== expected) {
    oddities.push(`${kind} ${key}: ${r.status} ${JSON.stringify(r.body)}`);
    return false;
  }
  c.acks.push({ start: r.start, end: r.end });
  return true;
}

async function client(c, unitId) {
  await login(c);
  for (let n = 1; !stopping; n++) {
    const m = `${TAG}C${c.k}N${n}`;
    const r1 = await reliable(c, 'POST', '/api/v1/appeals', {
      content: `集群演练 ${m}：小区暖气不热，室内温度只有十四度`, region_code: ZHANQIAN,
      channel: '8890', contact_phone: '13812345678',
    }, `${m}-intake`);
    if (!answered(c, 'intake', m, r1, 201)) continue;
    acked.intake.set(m, r1.body.id);
    const act = (action, extra) => reliable(c, 'POST', `/api/v1/appeals/${r1.body.id}/actions`,
      { action, note: `${m}-${action}`, ...extra }, `${m}-${action}`);
    if (answered(c, 'dispatch', m, await act('dispatch', { unit_id: unitId }), 200)) acked.dispatch.add(`${m}-dispatch`);
    if (answered(c, 'urge', m, await act('urge'), 200)) acked.urge.add(`${m}-urge`);
  }
}

// Seconds from `at` until every client has had a write acknowledged whose successful
// attempt began after `at`; null if that has not happened within `limit` ms.
async function outageAfter(clients, at, limit) {
  for (;;) {
    const firsts = clients.map((c) => c.acks.find((a) => a.start >= at));
    if (firsts.every(Boolean)) return (Math.max(...firsts.map((a) => a.end)) - at) / 1000;
    if (now() - at > limit) return null;
    await sleep(50);
  }
}

// ---- the drill ----

async function main() {
  say(`failover drill ${TAG}: ${opt.trials} trials, ${opt.clients} clients; bringing the cluster up`);
  clusterUp = true;
  front = await up();
  say(`cluster up, front ${front}`);
  say((await ctl('status')).replace(/\n/g, '\n    '));

  // The unit the appeals are dispatched to: the city's housing bureau.
  const probe = { k: 0 };
  await login(probe);
  const units = await reliable(probe, 'GET', `/api/v1/units?q=${encodeURIComponent('住房和城乡建设局')}&per_page=50`);
  const unit = units.body.items.find((u) => u.name === '阜新市住房和城乡建设局');
  if (!unit) throw new Error('the demo has no 阜新市住房和城乡建设局');

  const clients = Array.from({ length: opt.clients }, (_, i) => ({ k: i + 1, acks: [] }));
  const loops = clients.map((c) => client(c, unit.id).catch((e) => { oddities.push(`client ${c.k}: ${e.message}`); }));
  await sleep(2000);

  const outages = [];
  const recoveries = [];
  let trials = 0;
  let broken = null;
  for (let t = 1; t <= opt.trials; t++) {
    try {
      await ctl('wait-healthy', '180');
    } catch (e) {
      broken = `before trial ${t} the cluster did not recover: ${e.stderr || e.message}`;
      break;
    }
    await sleep(opt.settle * 1000);
    const kind = t % 2 ? 'primary' : 'node';
    const node = ((t / 2 - 1) % 3) + 1;
    const what = await ctl(...(kind === 'primary' ? ['kill-primary'] : ['kill-node', String(node)]));
    const at = Date.parse(what.match(/ at (\S+Z)$/)[1]); // (the moment of the kill, from ctl.sh)
    const outage = await outageAfter(clients, at, 120000);
    let healthyAfter = null;
    try {
      await ctl('wait-healthy', '180');
      healthyAfter = (now() - at) / 1000;
    } catch (e) {
      broken = `after trial ${t} the cluster did not recover: ${e.stderr || e.message}`;
    }
    trials = t;
    if (outage === null) {
      broken = broken || `trial ${t}: writes did not succeed again within 120 s`;
    } else {
      outages.push({ kind, s: outage });
    }
    if (healthyAfter !== null) recoveries.push(healthyAfter);
    const leader = (await ctl('status').catch(() => '')).match(/^leader: +(\S+)/m)?.[1] ?? '?';
    say(`trial ${t}: ${what.replace(/ at \S+Z$/, '')}; writes again after ${outage === null ? '—' : outage.toFixed(1)} s,` +
      ` recovered after ${healthyAfter === null ? '—' : healthyAfter.toFixed(1)} s; leader now ${leader}`);
    if (broken) break;
  }

  // Let every client finish what it has started (answered, or given up after 60 s).
  stopping = true;
  stopDeadline = now() + 60000;
  await Promise.all(loops);
  say(`load stopped: ${retries} retried attempts; final answers ${JSON.stringify(answers)}` +
    (unanswered ? `; ${unanswered} never answered` : ''));
  if (!broken) {
    try { await ctl('wait-healthy', '120'); } catch (e) { broken = `at the end: ${e.stderr || e.message}`; }
  }
  say((await ctl('status').catch((e) => e.message)).replace(/\n/g, '\n    '));

  // ---- every acknowledged write exactly once ----
  const count = (url) => {
    const n = new Map();
    for (const [m, c] of sql(url, `SELECT substring(content from '${TAG}C[0-9]+N[0-9]+'), count(*)
        FROM cases WHERE content LIKE '%${TAG}%' GROUP BY 1`)) n.set(m, Number(c));
    for (const [m, c] of sql(url, `SELECT note, count(*) FROM case_timeline
        WHERE note LIKE '${TAG}%' GROUP BY note`)) n.set(m, Number(c));
    return n;
  };
  const seen = count(leaderUrl);
  const keys = [...acked.intake.keys(), ...acked.dispatch, ...acked.urge];
  const lost = keys.filter((k) => !seen.has(k));
  const dup = [...seen].filter(([, c]) => c > 1).map(([k]) => k);
  // The replicas hold the same (the drill waited until they stream; give them a moment).
  const problems = [];
  await sleep(1000);
  for (let i = 1; i <= 3; i++) {
    let other;
    try { other = count(memberUrl(i)); } catch (e) { problems.push(`pg${i}: ${e.message.split('\n')[0]}`); continue; }
    const differs = keys.filter((k) => !other.has(k)).length;
    if (differs) problems.push(`pg${i} lacks ${differs} acknowledged writes the leader has`);
  }

  const acknowledged = keys.length;
  const maxOutage = outages.length ? Math.max(...outages.map((o) => o.s)) : 0;
  const byKind = (k) => outages.filter((o) => o.kind === k).map((o) => o.s);
  say(`acknowledged: ${acked.intake.size} intakes, ${acked.dispatch.size} dispatches, ${acked.urge.size} urges`);
  for (const k of ['primary', 'node']) {
    const xs = byKind(k);
    if (xs.length) say(`outage after killing the ${k}: median ${percentile(xs, 50).toFixed(1)} s, max ${Math.max(...xs).toFixed(1)} s (${xs.length} trials)`);
  }
  if (recoveries.length) say(`back to full health after: median ${percentile(recoveries, 50).toFixed(1)} s, max ${Math.max(...recoveries).toFixed(1)} s`);
  if (lost.length) say(`LOST: ${lost.slice(0, 20).join(' ')}`);
  if (dup.length) say(`DUPLICATED: ${dup.slice(0, 20).join(' ')}`);
  for (const p of problems) say(`PROBLEM: ${p}`);
  for (const o of oddities.slice(0, 20)) say(`unexpected answer: ${o}`);
  if (oddities.length > 20) say(`... ${oddities.length - 20} more unexpected answers`);
  if (broken) say(`PROBLEM: ${broken}`);
  say(`took ${secs(now() - t0)} s`);
  console.log(`failover: ${trials} trials, ${acknowledged} acknowledged, ${lost.length} lost, ${dup.length} duplicated, max outage ${maxOutage.toFixed(1)} s`);
  return lost.length || dup.length || broken || problems.length || trials < opt.trials ? 1 : 0;
}

main().then((code) => { down(); process.exit(code); }, (e) => {
  console.error(e);
  down();
  console.log(`failover: 0 trials, 0 acknowledged, 0 lost, 0 duplicated, max outage 0.0 s`);
  process.exit(1);
});
