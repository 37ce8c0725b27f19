// The connection limit and the process's file-descriptor limit (docs/security.md "Abuse"):
// a service manager's default soft limit (1024 under systemd) is below what
// --max-connections asks for. The server must then raise its soft limit, or lower its
// connection limit to fit, so that idle connections never take the last descriptor and a
// new client is still answered at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { binary, freshDatabase, yiwang } from '../lib/server.mjs';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function openIdle(port, n) {
  return Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => resolve(s));
    s.on('error', () => resolve(null));
  })));
}

test('under a soft limit of 128 descriptors, 190 idle connections do not keep a new client waiting', async () => {
  const db = freshDatabase();
  yiwang(['init', '--db', db.url], { input: 'Fd-limit-2026!\n' });
  const port = await freePort();
  const proc = spawn('prlimit', ['--nofile=128:', '--', binary, 'serve', '--db', db.url,
    '--listen', `127.0.0.1:${port}`, '--max-connections', '200', '--per-ip-connections', '0',
    '--threads', '4', '--timeout', '30', '--access-log', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  let socks = [];
  try {
    for (let i = 0; ; i++) {
      try { if ((await fetch(url + '/healthz')).status === 200) break; } catch { /* not yet */ }
      assert.ok(proc.exitCode === null && i < 200, `yiwang did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const hard = Number(/Max open files\s+\d+\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/limits`, 'utf8'))[1]);
    const soft = Number(/Max open files\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/limits`, 'utf8'))[1]);
    if (hard >= 400) assert.ok(soft >= 200 + 32, `the soft limit stayed at ${soft} (hard ${hard})`);
    socks = (await openIdle(port, 190)).filter(Boolean);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    const r = await fetch(url + '/healthz', { signal: AbortSignal.timeout(5000) }).catch((e) => ({ status: e.name }));
    const ms = Date.now() - t0;
    assert.equal(r.status, 200, `a new client after 190 idle connections: ${r.status} (${out.slice(-500)})`);
    assert.ok(ms < 2000, `a new client waited ${ms} ms`);
    assert.doesNotMatch(out, /Too many open files|resource limit/, 'the server ran out of descriptors');
  } finally {
    for (const s of socks) s.destroy();
    proc.kill('SIGKILL');
    db.drop();
  }
});
