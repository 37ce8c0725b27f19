// Abuse (docs/security.md "Abuse"): slow clients, many connections, oversized input on
// every route, floods of public intake and of Open311 — while a well-behaved client (the
// agent, reading appeals one by one, each on a new connection) measures its latency.
// Through all of it: no 5xx, the server stays up, the good client gets every answer, and
// the server exits cleanly at the end; `yiwang check` passes.
//
//   node drills/abuse.mjs [--phase-ms 5000] [--nofile 1024:] [--quick 0]
//
// Attackers use other loopback addresses (127.0.0.2 …) than the good client (127.0.0.1),
// as they would come from other machines; every loop is bounded in count and time.
// --nofile runs the server under that file-descriptor limit (soft:hard; "1024:" leaves the hard limit), as a systemd
// service gets by default; empty: the drill's own limit. --quick 1 shortens the phases
// and the oversized-input sweep (for scripts/test.sh).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { binary, client, login } from '../tests/lib/server.mjs';
import {
  flags, workDir, sqliteDatabase, yiwang, check, sleep, percentile, log, atExit, root,
} from './lib.mjs';

const opt = flags({ 'phase-ms': 5000, nofile: '1024:', quick: 0 });
const PHASE = opt.quick ? Math.min(opt['phase-ms'], 2500) : opt['phase-ms'];
const LIMITS = { maxConnections: 1024, perIp: 256, timeout: opt.quick ? 3 : 10, maxBody: 1 << 20 };
const problems = [];

// ---- the server, under a file-descriptor limit ----

async function startYiwang(db, args) {
  const port = await new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  });
  const cmd = [binary, 'serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...args];
  const full = opt.nofile ? ['prlimit', `--nofile=${opt.nofile}`, '--', ...cmd] : cmd;
  const proc = spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  atExit(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out = (out + d).slice(-200000); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`yiwang exited ${proc.exitCode}: ${out}`);
    try { if ((await fetch(url + '/healthz')).status === 200) break; } catch { /* not yet */ }
    if (i > 300) throw new Error(`yiwang did not start: ${out}`);
    await sleep(50);
  }
  return { url, port, proc, logs: () => out };
}

// ---- the well-behaved client ----

// One GET on a new connection from 127.0.0.1; resolves { status, ms } (status 0: failed).
function getFresh(port, path, token, timeoutMs = 10000) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, path, localAddress: '127.0.0.1', agent: false,
      headers: { authorization: `Bearer ${token}`, connection: 'close' },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
      res.on('error', (e) => resolve({ status: 0, ms: performance.now() - t0, err: e.code }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, ms: performance.now() - t0, err: e.code || e.message }));
    req.end();
  });
}

// Reads appeals one after another (a new connection each, 20 ms apart) until stop().
async function goodClient(ctx, stop) {
  const lat = [], bad = [];
  for (let i = 0; !stop() && i < 5000; i++) {
    const r = await getFresh(ctx.port, `/api/v1/appeals/${ctx.ids[i % ctx.ids.length]}`, ctx.agent);
    if (r.status === 200) lat.push(r.ms);
    else bad.push(r.status || r.err);
    await sleep(20);
  }
  return { lat, bad };
}

// Runs attack() while the good client measures; records the phase's figures. The attack
// has budgetMs (default four phases) before stop() tells it to give up.
const phases = [];
async function phase(name, ctx, attack, budgetMs = PHASE * 4) {
  let done = false;
  const t0 = Date.now();
  const good = goodClient(ctx, () => done);
  let note = '';
  try {
    note = (await attack(() => Date.now() - t0 > budgetMs)) || '';
  } catch (e) {
    problems.push(`${name}: the attack failed: ${e.stack || e}`);
  }
  const minEnd = t0 + PHASE;
  while (Date.now() < minEnd) await sleep(50);
  done = true;
  const g = await good;
  const health = await getFresh(ctx.port, '/healthz', ctx.agent);
  const p = { name, n: g.lat.length, p50: percentile(g.lat, 50), p99: percentile(g.lat, 99), bad: g.bad, note };
  phases.push(p);
  if (g.bad.length) problems.push(`${name}: the good client got ${g.bad.length} failed answers (${[...new Set(g.bad)].slice(0, 5)})`);
  if (!g.lat.length) problems.push(`${name}: the good client got no answer at all`);
  if (health.status !== 200) problems.push(`${name}: /healthz ${health.status || health.err} afterwards`);
  if (ctx.srv.proc.exitCode !== null) throw new Error(`${name}: the server died (exit ${ctx.srv.proc.exitCode})`);
  log(`  ${name.padEnd(22)} good client: ${p.n} answers, p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms` +
    `${g.bad.length ? `, ${g.bad.length} FAILED` : ''}${note ? ` — ${note}` : ''}`);
}

// Counts answers by status; 5xx and transport errors are problems of the phase.
function tally(name) {
  const by = {};
  return {
    by,
    add(status) { by[status] = (by[status] || 0) + 1; },
    check(allowed = /^[1234]\d\d$/) {
      for (const [s, n] of Object.entries(by)) if (!allowed.test(s)) problems.push(`${name}: ${n} answers ${s}`);
    },
    text() { return Object.entries(by).map(([s, n]) => `${s}×${n}`).join(' '); },
  };
}

// ---- attacks ----

// A raw connection from a given loopback address; resolves when connected or failed.
function rawConnect(port, localAddress) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress });
    s.on('connect', () => resolve(s));
    s.on('error', () => resolve(null));
    s.setTimeout(5000, () => { s.destroy(); resolve(null); });
  });
}

// Opens `count` connections from each address; each gets `feed` (or nothing). Returns
// { socks, opened, closedByServer() }.
async function openMany(port, addrs, count) {
  const socks = [];
  let closed = 0;
  for (const a of addrs) {
    const batch = await Promise.all(Array.from({ length: count }, () => rawConnect(port, a)));
    for (const s of batch) {
      if (!s) { closed++; continue; }
      s.on('close', () => { s.closedAt = Date.now(); });
      s.on('error', () => {});
      s.on('data', () => {});
      socks.push(s);
    }
  }
  return { socks, failed: closed };
}

async function slowloris(ctx, stop) {
  const addrs = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  const per = LIMITS.perIp + 20; // past the per-address limit
  const { socks, failed } = await openMany(ctx.port, addrs, per);
  for (const s of socks) s.write('GET /api/v1/appeals HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
  const t0 = Date.now();
  while (!stop() && Date.now() - t0 < PHASE) {
    for (const s of socks) if (!s.destroyed) s.write('a');
    await sleep(500);
  }
  const open = socks.filter((s) => !s.destroyed && !s.closedAt).length;
  for (const s of socks) s.destroy();
  return `${addrs.length}×${per} slow connections tried, ${open} held open, ${socks.length - open + failed} refused or closed by the server`;
}

async function idle(ctx, stop) {
  // Up to the connection limit, less what the good client and the drill need.
  const addrs = ['127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8'];
  const per = Math.floor((LIMITS.maxConnections - 24) / addrs.length);
  const { socks, failed } = await openMany(ctx.port, addrs, per);
  await sleep(Math.min(PHASE, 3000));
  const held = socks.filter((s) => !s.closedAt).length;
  // The server closes idle connections after --timeout.
  const t0 = Date.now();
  while (socks.some((s) => !s.closedAt) && Date.now() - t0 < (LIMITS.timeout + 5) * 1000) await sleep(200);
  const left = socks.filter((s) => !s.closedAt).length;
  for (const s of socks) s.destroy();
  if (left) problems.push(`idle connections: ${left} still open ${LIMITS.timeout + 5} s later (--timeout ${LIMITS.timeout})`);
  return `${socks.length} idle connections opened (${failed} refused), ${held} held, ${socks.length - left} closed by --timeout ${LIMITS.timeout}`;
}

// Field names each route file reads (its JSON body, form or query), from the source:
// whatever a handler takes, so that every field gets its oversized value.
function fieldsOf(file) {
  const src = readFileSync(file, 'utf8');
  const names = new Set();
  const re = /\b(?:jv_str|jv_int|jv_bool|json_object_get|jstr|text_param|need_text|lv_edge_ids|get|time_param|number_param|read_number|unit_id_of|not_emptied|http_query|http_query_int|parse_time_param)\([a-z_>-]+, "([a-z_0-9]+)"/g;
  for (const m of src.matchAll(re)) names.add(m[1]);
  return [...names];
}

function routeFiles() {
  const files = [];
  for (const dir of readdirSync(join(root, 'src'), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(root, 'src', dir.name))) {
      if (/^api.*\.c$/.test(f) || f === 'server.c') files.push(join(root, 'src', dir.name, f));
    }
  }
  return files.map((f) => ({ file: f, text: readFileSync(f, 'utf8'), fields: fieldsOf(f) }));
}

const ROLE_USER = {
  admin: 'admin', agent: 'agent', leader: 'leader', unit_staff: 'zhujian', grid_member: 'grid01',
  mediator: 'mediator', congress_staff: 'congress', deputy: 'deputy01',
};

// One raw request; resolves the status (0 when the connection failed).
function request(port, { method, path, headers = {}, body, localAddress = '127.0.0.9' }) {
  return new Promise((resolve) => {
    const h = { ...headers };
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: h, agent: false, localAddress }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(parts).toString() }));
      res.on('error', () => resolve({ status: 0 }));
    });
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, err: e.code || e.message }));
    if (body !== undefined) req.end(body); else req.end();
  });
}

async function oversized(ctx, stop) {
  const routes = yiwang(['routes']).stdout.trim().split('\n').map((l) => JSON.parse(l));
  const files = routeFiles();
  const big = 'x'.repeat(100000);
  const bigZh = '诉'.repeat(100000);
  const t = tally('oversized input');
  const nonJsonErrors = new Set();
  let requests = 0;
  const limit = opt.quick ? 6 : Infinity; // fields per route
  for (const r of routes) {
    if (stop()) { problems.push('oversized input: out of time before every route was tried'); break; }
    const file = files.find((f) => f.text.includes(`"${r.pattern}"`));
    const fields = (file ? file.fields : []).slice(0, limit);
    const user = r.public ? null : r.roles.map((x) => ROLE_USER[x]).find(Boolean);
    // Logging out ends the session: that route gets a session of its own.
    const token = !user ? null : r.pattern === '/api/v1/sessions/current'
      ? await login(client(ctx.srv.url), user) : await ctx.token(user);
    const path = r.pattern.replace(/\{[a-z]+\*?\}/g, (m) => (m === '{file}' ? 'requests.json' : m === '{year}' ? '2027' : '1'));
    const method = r.method === '*' ? 'POST' : r.method;
    const auth = token ? { authorization: `Bearer ${token}` } : {};
    const open311 = path.startsWith('/open311/');
    const ct = open311 ? 'application/x-www-form-urlencoded' : 'application/json';
    const bodies = [];
    if (method !== 'GET') {
      bodies.push('{"a":"' + 'y'.repeat(2 << 20) + '"}'); // 2 MB
      bodies.push('['.repeat(100000) + ']'.repeat(100000)); // deep nesting
      for (const f of fields) {
        if (open311) bodies.push(`${f}=${big}`);
        else { bodies.push(JSON.stringify({ [f]: big })); bodies.push(JSON.stringify({ [f]: bigZh })); }
      }
    }
    const sends = bodies.map((body) => ({ method, path, headers: { ...auth, 'content-type': ct }, body }));
    // Oversized path segments and query values (the first field read as a query, or q).
    sends.push({ method, path: path.replace(/\/1(\/|$)/, `/${'9'.repeat(4000)}$1`), headers: auth });
    for (const f of (fields.length ? fields : ['q']).slice(0, 3)) {
      sends.push({ method: 'GET', path: `${path}?${f}=${'z'.repeat(8000)}`, headers: auth });
    }
    for (const s of sends) {
      const res = await request(ctx.port, s);
      requests++;
      t.add(res.status);
      if (res.status >= 400 && res.text && !open311) {
        try { JSON.parse(res.text).error.code.length; } catch { nonJsonErrors.add(`${s.method} ${r.pattern} ${res.status}`); }
      }
    }
  }
  t.check();
  const nj = [...nonJsonErrors];
  return `${routes.length} routes, ${requests} requests: ${t.text()}` +
    (nj.length ? `; ${nj.length} errors without the JSON envelope (e.g. ${nj.slice(0, 3).join(', ')})` : '');
}

// Many requests with concurrency c, each from the given addresses in turn. Returns how
// many minute windows of the rate limiters (fixed, aligned to the clock) it touched.
async function flood(n, c, addrs, make, t, stop) {
  let next = 0;
  const w0 = Math.floor(Date.now() / 60000);
  await Promise.all(Array.from({ length: c }, async () => {
    while (next < n && !stop()) {
      const i = next++;
      const res = await request(ctx.port, { ...make(i), localAddress: addrs[i % addrs.length] });
      t.add(res.status);
    }
  }));
  return Math.floor(Date.now() / 60000) - w0 + 1;
}

async function publicIntake(ctx, stop) {
  const t = tally('public intake flood');
  const addrs = ['127.0.0.10', '127.0.0.11', '127.0.0.12'];
  const n = opt.quick ? 300 : 1500;
  const windows = await flood(n, 16, addrs, (i) => ({
    method: 'POST', path: '/api/v1/appeals', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content: `滥用演练：匿名提交 ${i}`, contact_phone: '13900000000', type: 'complaint' }),
  }), t, stop);
  t.check();
  const ok = t.by[201] || 0;
  if (ok > addrs.length * 10 * windows) problems.push(`public intake flood: ${ok} accepted, more than 10 a minute from each of ${addrs.length} addresses`);
  if (!t.by[429]) problems.push('public intake flood: never rate limited (429)');
  return `${n} anonymous intakes from ${addrs.length} addresses: ${t.text()}`;
}

async function open311Flood(ctx, stop) {
  const t = tally('Open311 flood');
  const addrs = ['127.0.0.13', '127.0.0.14'];
  const n = opt.quick ? 300 : 1500;
  const form = (i, key) => new URLSearchParams({
    ...(key ? { api_key: key } : {}), service_code: ctx.serviceCode, lat: '42.0215', long: '121.6703',
    description: `滥用演练：Open311 ${i}`,
  }).toString();
  const windows = await flood(n, 16, addrs, (i) => ({
    method: 'POST', path: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form(i, i % 10 === 9 ? 'not-a-key' : i % 10 === 8 ? null : ctx.apiKey),
  }), t, stop);
  t.check();
  if (!t.by[429]) problems.push('Open311 flood: never rate limited (429)');
  const ok = (t.by[201] || 0) + (t.by[200] || 0);
  if (ok > 60 * windows) problems.push(`Open311 flood: ${ok} accepted in ${windows} minute(s), more than 60 a minute for one key`);
  return `${n} POST requests (1 in 10 with a wrong key, 1 in 10 without): ${t.text()}`;
}

// ---- the drill ----

const dir = workDir('abuse');
let ctx;
const t0 = Date.now();
try {
  const db = sqliteDatabase(dir);
  const apiKey = yiwang(['apikey', 'create', '--db', db.url, '--name', 'abuse drill']).stdout.trim();
  const args = ['--access-log', 'off', '--max-connections', String(LIMITS.maxConnections),
    '--per-ip-connections', String(LIMITS.perIp), '--timeout', String(LIMITS.timeout),
    '--max-body', String(LIMITS.maxBody)];
  const srv = await startYiwang(db.url, args);
  const api = client(srv.url);
  const tokens = {};
  ctx = {
    srv, port: srv.port, apiKey,
    async token(user) { tokens[user] ||= await login(api, user).catch(() => null); return tokens[user]; },
  };
  ctx.agent = await ctx.token('agent');
  const list = await api('/api/v1/appeals?per_page=100', { token: ctx.agent });
  ctx.ids = list.body.items.map((a) => a.id);
  const services = await api('/open311/v2/services.json');
  ctx.serviceCode = services.body.find((s) => s.type === 'realtime' || s.service_code)?.service_code;
  log(`abuse: server under nofile ${opt.nofile || 'inherited'}, --max-connections ${LIMITS.maxConnections} ` +
    `--per-ip-connections ${LIMITS.perIp} --timeout ${LIMITS.timeout}; ${PHASE} ms phases`);

  await phase('quiet', ctx, async () => '');
  await phase('slowloris', ctx, (stop) => slowloris(ctx, stop));
  await phase('idle connections', ctx, (stop) => idle(ctx, stop));
  await phase('oversized input', ctx, (stop) => oversized(ctx, stop), 180000);
  await phase('public intake flood', ctx, (stop) => publicIntake(ctx, stop));
  await phase('Open311 flood', ctx, (stop) => open311Flood(ctx, stop));
  await phase('quiet again', ctx, async () => '');

  const exited = new Promise((r) => srv.proc.once('exit', r));
  srv.proc.kill('SIGTERM');
  await exited;
  if (srv.proc.exitCode !== 0) problems.push(`the server exited ${srv.proc.exitCode} at SIGTERM: ${srv.logs().slice(-2000)}`);
  if (/AddressSanitizer|runtime error/.test(srv.logs())) problems.push(`sanitizer report: ${srv.logs().slice(-3000)}`);
  const chk = check(db.url);
  if (!chk.ok) problems.push(`yiwang check: ${chk.out}`);
} catch (e) {
  problems.push(`drill error: ${e.stack || e}`);
}
for (const p of problems) log(`  problem: ${p}`);
const q = phases.find((p) => p.name === 'quiet');
const worst = phases.reduce((a, p) => (p.p99 > (a?.p99 ?? -1) ? p : a), null);
log(`abuse: ${phases.length} phases in ${((Date.now() - t0) / 1000).toFixed(0)} s, quiet p50/p99 ` +
  `${q?.p50.toFixed(1)}/${q?.p99.toFixed(1)} ms, worst p99 ${worst?.p99.toFixed(1)} ms (${worst?.name}), ` +
  `${problems.length} problems — ${problems.length ? 'FAIL' : 'ok'}`);
process.exit(problems.length ? 1 : 0);
