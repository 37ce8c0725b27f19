// Health probe and Prometheus metrics (docs/api.md "Health and metrics"). /metrics answers
// only an admin's token on the service's address (CONTRACT.md "Limits every deployment
// has"), and without a token on the address of serve --metrics-listen, which serves
// nothing else.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, backend, freePort } from '../lib/server.mjs';
import { assertError, rawRequest, run, stopClean } from '../lib/api-helpers.mjs';

let srv, api, admin;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  admin = await login(api, 'admin');
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
  const r = await api('/metrics', { token: admin });
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
  const text = (await api('/metrics', { token: admin })).text;
  const s = samples(text, 'yiwang_http_requests_total').find((x) => x.labels.route === '/healthz');
  assert.ok(s, 'a sample for /healthz');
  assert.deepEqual(Object.keys(s.labels).sort(), ['code', 'method', 'route'],
    `labels as docs/api.md names them; got ${JSON.stringify(s.labels)}`);
});

describe('who may read /metrics', () => {
  test('without a token → 401 with the error envelope; an invalid token → 401', async () => {
    const r = await api('/metrics');
    assertError(r, 401, 'unauthorized');
    assert.doesNotMatch(r.text, /yiwang_/);
    assertError(await api('/metrics', { token: 'x'.repeat(43) }), 401, 'unauthorized');
    assert.equal((await api('/metrics', { method: 'HEAD' })).status, 401);
  });

  test('a logged-in user who is not an admin → 403 with the error envelope', async () => {
    for (const who of ['agent', 'zhujian', 'grid01']) {
      const r = await api('/metrics', { token: await login(api, who) });
      assertError(r, 403, 'forbidden');
      assert.doesNotMatch(r.text, /yiwang_/, who);
    }
  });

  test("an admin's token → 200 Prometheus text, never cached by a proxy", async () => {
    const r = await api('/metrics', { token: admin });
    assert.equal(r.status, 200);
    assert.match(r.text, /^# TYPE yiwang_http_requests_total counter$/m);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  });
});

describe('serve --metrics-listen HOST:PORT', () => {
  let side, sideUrl;
  before(async () => {
    const port = await freePort();
    side = await startServer({ args: ['--metrics-listen', `127.0.0.1:${port}`] });
    sideUrl = `http://127.0.0.1:${port}`;
  });
  after(async () => { await stopClean(side); });

  test('answers GET /metrics without a token, with the traffic of the service address', async () => {
    const sapi = client(side.url);
    for (let i = 0; i < 3; i++) assert.equal((await sapi('/healthz')).status, 200);
    const r = await rawRequest(sideUrl, { path: '/metrics' });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const health = samples(r.text, 'yiwang_http_requests_total').filter((s) => s.labels.route === '/healthz');
    assert.ok(health.reduce((a, s) => a + s.value, 0) >= 3, 'the /healthz calls on the service address');
    assert.equal(samples(r.text, 'yiwang_http_connections_open').length, 1);
    // Twice on one connection (keep-alive), and HEAD.
    const again = await fetch(sideUrl + '/metrics');
    assert.equal(again.status, 200);
    assert.match(await again.text(), /yiwang_db_calls_total/);
    assert.equal((await rawRequest(sideUrl, { method: 'HEAD', path: '/metrics' })).status, 200);
  });

  test('serves nothing else: other paths → 404, other methods → 405, both with the error envelope', async () => {
    for (const path of ['/', '/healthz', '/api/v1/me', '/api/v1/sessions', '/metrics/', '/metrics?x=1/..', '/index.html']) {
      const r = await rawRequest(sideUrl, { path });
      if (path.startsWith('/metrics?')) { assert.equal(r.status, 200, path); continue; }
      assertError(r, 404, 'not_found');
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    }
    const post = await rawRequest(sideUrl, { method: 'POST', path: '/metrics', body: '{}', headers: { 'content-type': 'application/json' } });
    assertError(post, 405, 'method_not_allowed');
    assert.match(post.headers.get('allow') || '', /GET/);
  });

  test('the service address still answers /metrics only to an admin', async () => {
    const sapi = client(side.url);
    assertError(await sapi('/metrics'), 401, 'unauthorized');
    assertError(await sapi('/metrics', { token: await login(sapi, 'agent') }), 403, 'forbidden');
    assert.equal((await sapi('/metrics', { token: await login(sapi, 'admin') })).status, 200);
  });

  test('YIWANG_METRICS_LISTEN sets it too', async () => {
    const port = await freePort();
    const s = await startServer({ env: { YIWANG_METRICS_LISTEN: `127.0.0.1:${port}` } });
    try {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(r.status, 200);
      assert.match(await r.text(), /^# TYPE yiwang_http_requests_total counter$/m);
    } finally {
      await stopClean(s);
    }
  });

  test('a malformed address is a usage error; a port in use stops the start', async () => {
    for (const bad of ['nope', '127.0.0.1:', '127.0.0.1:70000', ':8080']) {
      const r = run(['serve', '--db', side.db.url, '--listen', '127.0.0.1:1', '--metrics-listen', bad]);
      assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--metrics-listen/);
    }
    const busy = new URL(side.url).port; // the service address of the running server
    const r = run(['serve', '--db', side.db.url, '--listen', `127.0.0.1:${await freePort()}`, '--metrics-listen', `127.0.0.1:${busy}`]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /metrics/);
  });
});
