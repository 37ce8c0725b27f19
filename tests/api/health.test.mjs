// Health probe and Prometheus metrics (docs/api.md "Health and metrics").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, backend } from '../lib/server.mjs';
import { assertError, stopClean } from '../lib/api-helpers.mjs';

let srv, api;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
});
after(async () => { await stopClean(srv); });

// Samples of a metric family: [{ labels: {k: v}, value }]
function samples(text, name) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)$/);
    if (!m || m[1] !== name) continue;
    const labels = {};
    for (const kv of (m[3] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[kv[1]] = kv[2];
    out.push({ labels, value: Number(m[4]) });
  }
  return out;
}

test('GET /healthz answers 200 with status ok and the database kind, without login', async () => {
  const r = await api('/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/json/);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.database, backend === 'postgres' ? 'postgres' : 'sqlite');
});

test('/healthz only answers GET (405 with Allow for POST)', async () => {
  const r = await api('/healthz', { method: 'POST', body: {} });
  assertError(r, 405);
  assert.match(r.headers.get('allow') || '', /GET/);
});

test('GET /metrics is Prometheus text with counters, a histogram, db time and open connections', async () => {
  // Some traffic with known routes first.
  assert.equal((await api('/healthz')).status, 200);
  assert.equal((await api('/api/v1/me')).status, 401);
  const r = await api('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const text = r.text;

  // Counter with TYPE line and a sample for the route called above.
  assert.match(text, /^# TYPE yiwang_http_requests_total counter$/m);
  const reqs = samples(text, 'yiwang_http_requests_total');
  const health = reqs.filter((s) => s.labels.route === '/healthz' && s.labels.method === 'GET');
  assert.ok(health.length > 0, 'a yiwang_http_requests_total sample for GET /healthz');
  assert.ok(health.reduce((a, s) => a + s.value, 0) >= 2, 'at least the /healthz calls made so far');
  const me = reqs.filter((s) => s.labels.route === '/api/v1/me' && s.labels.method === 'GET');
  assert.ok(me.length > 0, 'a sample for GET /api/v1/me');

  // Histogram per route: buckets (cumulative, ending in +Inf), _sum and _count.
  assert.match(text, /^# TYPE yiwang_http_request_duration_seconds histogram$/m);
  const buckets = samples(text, 'yiwang_http_request_duration_seconds_bucket')
    .filter((s) => s.labels.route === '/healthz');
  assert.ok(buckets.length >= 2, 'histogram buckets for /healthz');
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, 'buckets are cumulative');
  const inf = buckets.find((s) => s.labels.le === '+Inf');
  assert.ok(inf, 'an le="+Inf" bucket');
  const count = samples(text, 'yiwang_http_request_duration_seconds_count').find((s) => s.labels.route === '/healthz');
  const sum = samples(text, 'yiwang_http_request_duration_seconds_sum').find((s) => s.labels.route === '/healthz');
  assert.ok(count && sum, '_count and _sum for /healthz');
  assert.equal(inf.value, count.value, '+Inf bucket equals _count');
  assert.ok(sum.value >= 0);

  const db = samples(text, 'yiwang_db_seconds_total');
  assert.equal(db.length, 1, 'yiwang_db_seconds_total');
  assert.ok(Number.isFinite(db[0].value) && db[0].value > 0, 'some time was spent in the database');
  const calls = samples(text, 'yiwang_db_calls_total');
  assert.equal(calls.length, 1, 'yiwang_db_calls_total');
  assert.ok(calls[0].value > 0);
  const conns = samples(text, 'yiwang_http_connections_open');
  assert.equal(conns.length, 1, 'yiwang_http_connections_open');
  assert.match(text, /^# TYPE yiwang_http_connections_open gauge$/m);
  assert.ok(conns[0].value >= 1, 'the connection asking for /metrics is open');
});

test('yiwang_http_requests_total carries the labels route, method and code (status class)', async () => {
  await api('/healthz');
  const text = (await api('/metrics')).text;
  const s = samples(text, 'yiwang_http_requests_total').find((x) => x.labels.route === '/healthz');
  assert.ok(s, 'a sample for /healthz');
  assert.deepEqual(Object.keys(s.labels).sort(), ['code', 'method', 'route'],
    `labels as docs/api.md names them; got ${JSON.stringify(s.labels)}`);
});
