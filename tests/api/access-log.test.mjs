// The access log (docs/api.md "Conventions", serve --access-log): one JSON object a line,
// valid JSON whatever bytes a client puts in the request. A path may hold any byte; bytes
// that are not UTF-8 as JSON (RFC 8259) requires it — overlong forms, surrogates, code
// points above U+10FFFF, sequences cut short — are logged as U+FFFD, and the rest of the
// path is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { rawRequest, stopClean } from '../lib/api-helpers.mjs';

// The log of a server that served requests(srv), read after it stopped (a log file is
// written through stdio's buffer): its lines decoded as strict UTF-8 (a TextDecoder with
// fatal: true refuses what JSON refuses), then parsed one by one.
async function logOf(requests) {
  const dir = mkdtempSync(join(tmpdir(), 'yiwang-access-log-'));
  const file = join(dir, 'access.log');
  const srv = await startServer({ args: ['--access-log', file] });
  try {
    await requests(srv);
  } finally {
    await stopClean(srv);
  }
  const text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  rmSync(dir, { recursive: true, force: true });
  return text.split('\n').filter((l) => l).map((l) => JSON.parse(l));
}

// Each sequence is invalid UTF-8; the path around it is not.
const invalid = {
  'overlong slash': '%C0%AF',
  'overlong three-byte': '%E0%80%AF',
  'overlong four-byte': '%F0%80%80%AF',
  'high surrogate': '%ED%A0%80',
  'low surrogate': '%ED%BF%BF',
  'above U+10FFFF (F4 90)': '%F4%90%80%80',
  'above U+10FFFF (F5)': '%F5%80%80%80',
  'lead byte FF': '%FF',
  'lone continuation byte': '%80',
  'three-byte cut short': '%E4%B8',
  'four-byte cut short': '%F0%9D%84',
};

test('paths with bytes that are not UTF-8 leave log lines that are valid JSON, the valid text kept', async () => {
  const lines = await logOf(async (srv) => {
    for (const [name, bytes] of Object.entries(invalid)) {
      // An API path and a page path. %E4%B8%AD is 中 and %F0%9D%84%9E is 𝄞: valid, kept.
      for (const prefix of ['/api/v1/', '/']) {
        const path = `${prefix}bad/%E4%B8%AD/${bytes}/%F0%9D%84%9E`;
        const r = await rawRequest(srv.url, { path });
        assert.ok(r.status < 500, `${name}: ${path}: ${r.status}`);
      }
    }
    // Raw bytes too, not only escapes (node writes a path's chars U+0080..U+00FF as bytes).
    const r = await rawRequest(srv.url, { path: '/api/v1/raw/\u00ed\u00a0\u0080/\u00c0\u00af' });
    assert.equal(r.status, 404);
  });
  const bad = lines.filter((l) => l.path.includes('/bad/'));
  assert.equal(bad.length, Object.keys(invalid).length * 2, 'a line for each request');
  for (const l of bad) {
    assert.match(l.path, /^\/(api\/v1\/)?bad\/中\/\uFFFD+\/𝄞$/u, `logged path ${JSON.stringify(l.path)}`);
    assert.equal(typeof l.ts, 'string');
    assert.equal(typeof l.status, 'number');
    assert.equal(typeof l.ms, 'number');
  }
  const raw = lines.filter((l) => l.path.includes('/raw/'));
  assert.equal(raw.length, 1);
  assert.match(raw[0].path, /^\/api\/v1\/raw\/\uFFFD+\/\uFFFD+$/u);
});

test('quotes, backslashes and control characters in a path are escaped', async () => {
  const lines = await logOf(async (srv) => {
    assert.equal((await rawRequest(srv.url, { path: '/api/v1/esc/%22%5C%01%0A%7F' })).status, 404);
  });
  const line = lines.find((l) => l.path.startsWith('/api/v1/esc/'));
  assert.ok(line, 'the line was written');
  assert.equal(line.path, '/api/v1/esc/"\\\u0001\n\u007f');
});
