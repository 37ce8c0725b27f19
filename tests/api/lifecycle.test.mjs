// Graceful shutdown and concurrent writes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, client, login, demoPassword } from '../lib/server.mjs';
import { assertStatus, unitByName, run, stopClean } from '../lib/api-helpers.mjs';

// A login over its own connection; resolves when the request is fully written (sent) and
// again with the answer (done).
function loginRequest(base, username) {
  const u = new URL(base);
  const body = JSON.stringify({ username, password: demoPassword });
  let markSent;
  const sent = new Promise((r) => { markSent = r; });
  const done = new Promise((resolve) => {
    const req = http.request({
      host: u.hostname, port: u.port, method: 'POST', path: '/api/v1/sessions', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
      res.on('error', (e) => resolve({ status: 0, text: String(e) }));
    });
    req.on('error', (e) => { markSent(); resolve({ status: 0, text: e.code || String(e) }); });
    req.on('finish', markSent);
    req.end(body);
  });
  return { sent, done };
}

// These two race a signal against requests in flight on a loaded 2-core CI machine, where
// they have failed now and then for reasons not yet found (issue 10 notes it): a failure
// is printed and the test runs once more on a fresh server; a second failure fails it.
async function twice(name, body) {
  try {
    await body();
  } catch (e) {
    console.log(`# ${name}: first attempt failed, trying once more: ${String(e.message).slice(0, 2000)}`);
    await body();
  }
}

describe('graceful shutdown', () => {
  // Every login is answered: 201, or 503 busy when it waited its 5 s for one of the
  // argon2id slots (one per core) and the machine is slow — the sanitizer build hashes
  // many times slower — which the client retries. None is dropped or cut off.
  test('SIGTERM while 20 logins are in flight: every one is answered and the process exits 0', () => twice('logins at SIGTERM', async () => {
    const srv = await startServer();
    try {
      const users = ['admin', 'agent', 'leader', 'zhujian', 'haizhou', 'xihe', 'zhanqian', 'grid01', 'mediator', 'congress'];
      const reqs = Array.from({ length: 20 }, (_, i) => loginRequest(srv.url, users[i % users.length]));
      await Promise.all(reqs.map((r) => r.sent));
      await new Promise((r) => setTimeout(r, 30));
      const exited = new Promise((r) => srv.proc.once('exit', (code, signal) => r({ code, signal })));
      srv.proc.kill('SIGTERM');
      const results = await Promise.all(reqs.map((r) => r.done));
      const answered = (r) => r.status === 201 || (r.status === 503 && JSON.parse(r.text).error.code === 'busy');
      assert.ok(results.every(answered), `answers: ${results.map((r) => `${r.status} ${r.status === 201 ? '' : r.text}`).join(' | ')}`);
      assert.ok(results.some((r) => r.status === 201), 'some logins went through');
      for (const r of results.filter((x) => x.status === 201)) assert.equal(JSON.parse(r.text).token.length, 43);
      const { code, signal } = await exited;
      assert.equal(signal, null, 'not killed by a signal');
      assert.equal(code, 0, srv.logs().slice(-2000));
      // The sessions made during shutdown were committed.
      const chk = run(['check', '--db', srv.db.url]);
      assert.equal(chk.status, 0, chk.stdout + chk.stderr);
    } finally {
      await srv.stop();
    }
  }));

  test('requests already queued on the listening socket when SIGTERM arrives are answered', () => twice('queued at SIGTERM', async () => {
    // The server is paused while 20 clients connect and send their requests: the kernel
    // completes the connections, so to the clients they are in flight. Then SIGTERM.
    const srv = await startServer();
    try {
      srv.proc.kill('SIGSTOP');
      const u = new URL(srv.url);
      const reqs = Array.from({ length: 20 }, () => {
        let markSent;
        const sent = new Promise((r) => { markSent = r; });
        const done = new Promise((resolve) => {
          const req = http.request({ host: u.hostname, port: u.port, path: '/healthz', agent: false }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          });
          req.on('error', (e) => { markSent(); resolve(e.code || String(e)); });
          req.on('finish', markSent);
          req.end();
        });
        return { sent, done };
      });
      await Promise.all(reqs.map((r) => r.sent));
      await new Promise((r) => setTimeout(r, 50));
      const exited = new Promise((r) => srv.proc.once('exit', (code) => r(code)));
      srv.proc.kill('SIGTERM');
      srv.proc.kill('SIGCONT');
      const statuses = await Promise.all(reqs.map((r) => r.done));
      assert.deepEqual(statuses, Array(20).fill(200));
      assert.equal(await exited, 0);
    } finally {
      srv.proc.kill('SIGCONT');
      await srv.stop();
    }
  }));
});

describe('concurrency', () => {
  let srv, api, admin, parent;
  before(async () => {
    srv = await startServer();
    api = client(srv.url);
    admin = await login(api, 'admin');
    parent = await unitByName(api, admin, '站前街道');
  });
  after(async () => { await stopClean(srv); });

  test('50 parallel unit creations all succeed with distinct ids; the audit chain stays intact', async () => {
    const auditBefore = (await api('/api/v1/audit?entity=unit&per_page=1', { token: admin })).body.total;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      api('/api/v1/units', { method: 'POST', token: admin, body: { name: `并发社区${i}`, kind: 'community', parent_id: parent.id, code: `PAR-${i}` } })));
    for (const r of results) assertStatus(r, 201);
    const ids = results.map((r) => r.body.id);
    assert.equal(new Set(ids).size, 50, 'distinct ids');
    for (let i = 0; i < 50; i++) {
      assert.equal(results[i].body.name, `并发社区${i}`);
      assert.equal(results[i].body.code, `PAR-${i}`);
    }
    const kids = await api(`/api/v1/units?parent_id=${parent.id}&per_page=200`, { token: admin });
    const listed = new Set(kids.body.items.map((u) => u.id));
    for (const id of ids) assert.ok(listed.has(id), `unit ${id} is listed under its parent`);
    const auditAfter = (await api('/api/v1/audit?entity=unit&per_page=1', { token: admin })).body.total;
    assert.equal(auditAfter - auditBefore, 50, 'one audit entry per creation');
    for (const id of ids.slice(0, 5)) {
      const a = await api(`/api/v1/audit?entity=unit&entity_id=${id}`, { token: admin });
      assert.equal(a.body.total, 1);
    }
    const chk = run(['check', '--db', srv.db.url]);
    assert.equal(chk.status, 0, chk.stdout + chk.stderr);
  });

  test('10 parallel creations with the same code: exactly one 201, the others 409 duplicate', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      api('/api/v1/units', { method: 'POST', token: admin, body: { name: `同代码社区${i}`, kind: 'community', parent_id: parent.id, code: 'SAME-CODE' } })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(9).fill(409)], JSON.stringify(results.map((r) => r.body)));
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'duplicate');
    const chk = run(['check', '--db', srv.db.url]);
    assert.equal(chk.status, 0, chk.stdout + chk.stderr);
  });

  test('parallel moves and renames keep the tree consistent', async () => {
    const xihe = await unitByName(api, admin, '细河区');
    const haizhou = await unitByName(api, admin, '海州区');
    const towns = (await api(`/api/v1/units?parent_id=${haizhou.id}&kind=township&per_page=200`, { token: admin })).body.items;
    const results = await Promise.all(towns.flatMap((t) => [
      api(`/api/v1/units/${t.id}`, { method: 'PATCH', token: admin, body: { parent_id: xihe.id } }),
      api(`/api/v1/units/${t.id}`, { method: 'PATCH', token: admin, body: { name: `${t.name}（改）` } }),
    ]));
    for (const r of results) assertStatus(r, 200);
    const chk = run(['check', '--db', srv.db.url]);
    assert.equal(chk.status, 0, chk.stdout + chk.stderr);
    for (const t of towns) {
      const g = await api(`/api/v1/units/${t.id}`, { token: admin });
      assert.equal(g.body.parent_id, xihe.id);
      assert.equal(g.body.name, `${t.name}（改）`);
    }
  });
});
