// Size limits, malformed input, routing errors and static files: never a 500 for bad input
// (CONTRACT.md "HTTP API", docs/api.md "Conventions").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, rawRequest, stopClean } from '../lib/api-helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webDir = join(root, 'build', 'web');

let srv, api, admin, parentId;

before(async () => {
  // Serve the built web UI explicitly: the sanitizer binary lives in build/san/. Without
  // it the static-file tests would test nothing, so they fail (make all builds it).
  srv = await startServer({ args: ['--web', webDir] });
  api = client(srv.url);
  admin = await login(api, 'admin');
  parentId = (await unitByName(api, admin, '站前街道')).id;
});
after(async () => { await stopClean(srv); });

const auth = () => ({ authorization: `Bearer ${admin}`, 'content-type': 'application/json' });
const post = (raw, path = '/api/v1/units') => api(path, { method: 'POST', token: admin, raw, headers: { 'content-type': 'application/json' } });

describe('body size', () => {
  test('a body over 1 MiB announced by Content-Length → 413 (Expect: 100-continue: refused before it is sent)', async () => {
    const body = Buffer.alloc((1 << 20) + 1, 'a');
    const r = await rawRequest(srv.url, { method: 'POST', path: '/api/v1/units', headers: auth(), body, expectContinue: true });
    assertError(r, 413);
  });

  test('a client that sends a whole body over 1 MiB receives the 413, not a connection reset', async () => {
    // fetch writes the whole body before it reads the answer, as many clients do; the
    // server must let the 413 reach it (read and discard, or close gracefully).
    const outcomes = [];
    const body = Buffer.alloc(8 << 20, 'a');
    for (let i = 0; i < 6; i++) {
      try {
        const r = await fetch(srv.url + '/api/v1/units', { method: 'POST', headers: auth(), body });
        await r.text();
        outcomes.push(r.status);
      } catch (e) {
        outcomes.push(e.cause?.code || e.message);
      }
    }
    assert.deepEqual(outcomes, Array(6).fill(413));
  });

  test('a chunked body over 1 MiB (no Content-Length) → 413', async () => {
    const body = Buffer.alloc((1 << 20) + 4096, 'a');
    const r = await rawRequest(srv.url, { method: 'POST', path: '/api/v1/units', headers: auth(), body, chunked: true, chunkSize: 16384 });
    assertError(r, 413);
  });

  test('a body of exactly 1 MiB is read (not 413) and answered as invalid input', async () => {
    const prefix = `{"name":"`, suffix = `","kind":"community","parent_id":${parentId}}`;
    const name = 'a'.repeat((1 << 20) - prefix.length - suffix.length);
    const body = Buffer.from(prefix + name + suffix);
    assert.equal(body.length, 1 << 20);
    const r = await rawRequest(srv.url, { method: 'POST', path: '/api/v1/units', headers: auth(), body });
    assert.notEqual(r.status, 413);
    assert.ok(r.status >= 400 && r.status < 500, `a 4xx for a 1 MiB name, got ${r.status}`);
    assertError(r, r.status);
  });

  test('413 also on the public login route, and the server keeps serving', async () => {
    const body = Buffer.alloc(2 << 20, ' ');
    const r = await rawRequest(srv.url, { method: 'POST', path: '/api/v1/sessions', headers: { 'content-type': 'application/json' }, body, expectContinue: true });
    assertError(r, 413);
    assertStatus(await api('/healthz'), 200);
  });

  test('serve --max-body 2048: a 3 KB body → 413, a 1 KB body is read', async () => {
    const small = await startServer({ args: ['--max-body', '2048'] });
    try {
      const sapi = client(small.url);
      const t = await login(sapi, 'admin');
      const h = { authorization: `Bearer ${t}`, 'content-type': 'application/json' };
      const big = JSON.stringify({ name: 'b'.repeat(3000), kind: 'community', parent_id: 1 });
      assert.ok(big.length > 3000);
      assertError(await rawRequest(small.url, { method: 'POST', path: '/api/v1/units', headers: h, body: big, expectContinue: true }), 413);
      assertError(await rawRequest(small.url, { method: 'POST', path: '/api/v1/units', headers: h, body: big, chunked: true, chunkSize: 512 }), 413);
      const ok = JSON.stringify({ name: '小请求体社区', kind: 'community', parent_id: 1, code: 'x'.repeat(900) });
      const r = await rawRequest(small.url, { method: 'POST', path: '/api/v1/units', headers: h, body: ok });
      assert.notEqual(r.status, 413);
      assert.ok(r.status < 500, `got ${r.status}`);
    } finally {
      await stopClean(small);
    }
  });
});

describe('malformed bodies → 400, never 500', () => {
  test('malformed JSON → 400 malformed_json', async () => {
    assertError(await post('{"name":'), 400, 'malformed_json');
    assertError(await post('{name: "x"}'), 400, 'malformed_json');
    assertError(await post('{"name":"x",}'), 400, 'malformed_json');
    assertError(await post('{"name":"x"} trailing'), 400, 'malformed_json');
    assertError(await post('{"username":', '/api/v1/sessions'), 400, 'malformed_json');
  });

  test('a JSON array, string, number or null body → 400', async () => {
    for (const raw of ['[]', '[{"name":"x"}]', '"x"', '42', 'null', 'true']) assertError(await post(raw), 400);
  });

  test('an empty body where JSON is required → 400', async () => {
    assertError(await post(''), 400);
    assertError(await api('/api/v1/sessions', { method: 'POST' }), 400);
  });

  test('invalid UTF-8 bytes inside a JSON string → 400', async () => {
    const bad = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`","kind":"community","parent_id":${parentId}}`)]);
    assertError(await rawRequest(srv.url, { method: 'POST', path: '/api/v1/units', headers: auth(), body: bad }), 400);
    const overlong = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from(`","kind":"community","parent_id":${parentId}}`)]);
    assertError(await rawRequest(srv.url, { method: 'POST', path: '/api/v1/units', headers: auth(), body: overlong }), 400);
    const surrogate = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`","kind":"community","parent_id":${parentId}}`)]);
    assertError(await rawRequest(srv.url, { method: 'POST', path: '/api/v1/units', headers: auth(), body: surrogate }), 400);
  });

  test('duplicate keys → 400', async () => {
    assertError(await post(`{"name":"甲","name":"乙","kind":"community","parent_id":${parentId}}`), 400);
    assertError(await post('{"username":"admin","username":"agent","password":"yiwang-demo"}', '/api/v1/sessions'), 400);
  });

  test('deeply nested or huge numbers are refused without a 500', async () => {
    const deep = '{"name":' + '['.repeat(100000) + ']'.repeat(100000) + '}';
    const r1 = await post(deep);
    assertError(r1, 400);
    const r2 = await post(`{"name":"x","kind":"community","parent_id":123456789012345678901234567890}`);
    assert.ok(r2.status === 400 || r2.status === 422, `huge integer: got ${r2.status}`);
    assertError(r2, r2.status);
    const r3 = await post(`{"name":"x","kind":"community","parent_id":-5}`);
    assert.ok(r3.status === 400 || r3.status === 422, `negative id: got ${r3.status}`);
    assertError(r3, r3.status);
    const r4 = await post(`{"name":"x","kind":"community","parent_id":1e400}`);
    assert.ok(r4.status === 400 || r4.status === 422, `1e400: got ${r4.status}`);
  });

  test('a lone \\u surrogate escape in a JSON string → 4xx, not 500', async () => {
    const r = await post(`{"name":"\\ud800","kind":"community","parent_id":${parentId}}`);
    assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
    assertError(r, r.status);
  });
});

describe('routing', () => {
  test('a non-numeric or out-of-range id in the path → 404', async () => {
    for (const id of ['abc', '-1', '0', '1.5', '1e3', '99999999999999999999999', '%20', '1abc']) {
      assertError(await api(`/api/v1/units/${id}`, { token: admin }), 404);
    }
  });

  test('a huge page number → 200 with no items and the real total', async () => {
    const r = await api('/api/v1/units?page=999999&per_page=200', { token: admin });
    assertStatus(r, 200);
    assert.deepEqual(r.body.items, []);
    assert.ok(r.body.total > 100);
    assert.equal(r.body.page, 999999);
  });

  test('a query value that is not UTF-8 → 400', async () => {
    assertError(await api('/api/v1/units?q=%ff%fe', { token: admin }), 400);
  });

  test('an unknown API route → 404 with the JSON error envelope', async () => {
    assertError(await api('/api/v1/nope', { token: admin }), 404);
    assertError(await api('/api/v2/units', { token: admin }), 404);
    assertError(await api('/api/v1/units/1/nothing', { token: admin }), 404);
    assertError(await api('/api/v1/units//', { token: admin }), 404);
  });

  test('a known path with the wrong method → 405 with an Allow header', async () => {
    const r = await api('/api/v1/units', { method: 'DELETE', token: admin });
    assertError(r, 405);
    const allow = (r.headers.get('allow') || '').split(/,\s*/).sort();
    assert.deepEqual(allow, ['GET', 'POST']);
    const one = await api(`/api/v1/units/${parentId}`, { method: 'PUT', token: admin, body: {} });
    assertError(one, 405);
    assert.deepEqual((one.headers.get('allow') || '').split(/,\s*/).sort(), ['GET', 'PATCH']);
    const s = await api('/api/v1/sessions', { method: 'GET' });
    assertError(s, 405);
    assert.match(s.headers.get('allow') || '', /POST/);
  });
});

describe('static files', () => {
  const indexHtml = () => {
    assert.ok(existsSync(join(webDir, 'index.html')), `${webDir}/index.html is missing: run make all`);
    return readFileSync(join(webDir, 'index.html'), 'utf8');
  };

  test('GET / serves the web UI\'s index.html', async () => {
    const want = indexHtml();
    const r = await fetch(srv.url + '/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/html/);
    const text = await r.text();
    assert.equal(text, want);
  });

  test('path traversal never serves a file outside the web directory', async () => {
    // The server does serve files from the web directory, or this test proves nothing.
    const want = indexHtml();
    const index = await rawRequest(srv.url, { path: '/index.html' });
    assert.equal(index.status, 200);
    assert.equal(index.text, want, 'index.html is served');
    // Targets: /etc/passwd, far up; and files right above the web directory
    // (build/web/../../README.md is the repository's README, build/web/../yiwang the binary).
    const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0];
    const readme = readFileSync(join(webDir, '..', '..', 'README.md'), 'utf8').split('\n')[0];
    const up = '../'.repeat(16), upEnc = '%2e%2e/'.repeat(16);
    const paths = [
      '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd',
      '/assets/../../../../etc/passwd', '/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/....//....//etc/passwd', '/..\\..\\etc\\passwd',
      '//etc/passwd', '/api/v1/../../../etc/passwd', '/%252e%252e/%252e%252e/etc/passwd',
      `/${up}etc/passwd`, `/${upEnc}etc/passwd`, `/assets/${up}etc/passwd`, `/${up.replaceAll('/', '%2f')}etc/passwd`,
      '/../../README.md', '/%2e%2e/%2e%2e/README.md', '/assets/../../../README.md', '/..%2f..%2fREADME.md',
      '/./../../README.md', '/.%2e/.%2e/README.md', '/../yiwang', '/%2e%2e/yiwang', '/assets/../../yiwang',
    ];
    for (const path of paths) {
      const r = await rawRequest(srv.url, { path });
      assert.ok(r.status < 500, `${path}: got ${r.status}`);
      assert.ok(!r.text.includes(passwd) && !r.text.includes('root:'), `${path} must not serve /etc/passwd`);
      assert.ok(!r.text.includes(readme), `${path} must not serve the README above the web directory`);
      assert.ok(!r.text.includes('\x7fELF'), `${path} must not serve the binary`);
    }
  });
});
