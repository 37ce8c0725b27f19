// The access log: one JSON object per line, valid whatever bytes a client puts in the
// path (invalid UTF-8 becomes U+FFFD), so that log tools never choke on a line. Found by
// the access-log fuzzer (fuzz/access_log.c): overlong forms and surrogates passed as they
// were, and JSON parsers refuse them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { stopClean } from '../lib/api-helpers.mjs';

let srv, dir, logFile;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yw-access-'));
  logFile = join(dir, 'access.log');
  srv = await startServer({ args: ['--access-log', logFile] });
});
after(async () => {
  await stopClean(srv);
  rmSync(dir, { recursive: true, force: true });
});

test('every access log line is valid UTF-8 JSON, whatever bytes the path held', async () => {
  const paths = [
    '/api/v1/%C0%AF',         // overlong '/'
    '/api/v1/%ED%A0%80',      // a UTF-16 surrogate
    '/api/v1/%F4%90%80%80',   // beyond U+10FFFF
    '/api/v1/%E4%BD',         // cut short
    '/api/v1/%E4%BE%9B%E6%9A%96', // 供暖, valid: kept as it is
  ];
  for (const p of paths) await fetch(srv.url + p);
  await stopClean(srv);
  srv = null;
  const bytes = readFileSync(logFile);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  const logged = lines.map((l) => l.path).filter((p) => p.startsWith('/api/v1/'));
  assert.equal(logged.length, paths.length);
  for (const p of logged.slice(0, 4)) assert.ok(p.includes('\uFFFD'), `${p} marks the bad bytes`);
  assert.equal(logged[4], '/api/v1/供暖');
});
