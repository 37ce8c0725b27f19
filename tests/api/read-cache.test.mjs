// The read cache (docs/architecture.md "Read cache"): a GET of an appeal or of a list of
// appeals may be answered again from the worker's cache, but never after the data changed
// (whoever changed it, even another process), never to another session, never past the
// session's expiry, and never for longer than a second.
//
// Each test proves the cache was in play where it says so: /metrics counts the reads the
// cache answered (yiwang_read_cache_hits_total), and the servers here run one worker
// thread, so the repeated read lands on the worker that cached the first. The cache is
// SQLite's alone (it keys on PRAGMA data_version): on PostgreSQL it must never answer.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, backend } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, run, sql, stopClean, uniqueMarker } from '../lib/api-helpers.mjs';

const caches = backend === 'sqlite';

// The read cache's counters on srv's /metrics (an admin's token).
async function cacheCounts(api, admin) {
  const r = await api('/metrics', { token: admin });
  assertStatus(r, 200);
  const value = (name) => {
    const m = r.text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
    assert.ok(m, `${name} in /metrics`);
    return Number(m[1]);
  };
  return { hits: value('yiwang_read_cache_hits_total'), misses: value('yiwang_read_cache_misses_total') };
}

describe('read cache', () => {
  let srv, api, admin, agent, zhujian;

  before(async () => {
    srv = await startServer({ args: ['--threads', '1', '--read-cache', 'on'] });
    api = client(srv.url);
    [admin, agent, zhujian] = await Promise.all([login(api, 'admin'), login(api, 'agent'), login(api, 'zhujian')]);
  });
  after(async () => { await stopClean(srv); });

  // Runs fn and returns how many of its reads the cache answered.
  async function hitsDuring(fn) {
    const before = await cacheCounts(api, admin);
    await fn();
    return (await cacheCounts(api, admin)).hits - before.hits;
  }
  // Asserts that the cache answered `n` reads (none on PostgreSQL).
  const assertHits = (got, n, what) => assert.equal(got, caches ? n : 0, `${what}: reads answered from the cache`);

  const intake = (content, phone) => api('/api/v1/appeals', {
    method: 'POST', token: agent, body: { content, contact_phone: phone },
  });

  test('an action shows in the very next GET of the appeal and of the list', async () => {
    const marker = uniqueMarker();
    const a = await intake(`缓存测试：楼道灯坏了 ${marker}`, '13600001234');
    assertStatus(a, 201);
    const url = `/api/v1/appeals/${a.body.id}`;
    const list = `/api/v1/appeals?status=intake&per_page=100`;
    // Read twice: the second reads come from the cache.
    const hits = await hitsDuring(async () => {
      for (let i = 0; i < 2; i++) {
        assert.equal((await api(url, { token: agent })).body.status, 'intake');
        assert.ok((await api(list, { token: agent })).body.items.some((x) => x.id === a.body.id));
      }
    });
    assertHits(hits, 2, 'the second read of the appeal and of the list');
    const bureau = await unitByName(api, agent, '阜新市住房和城乡建设局');
    assertStatus(await api(`${url}/actions`, { method: 'POST', token: agent, body: { action: 'dispatch', unit_id: bureau.id } }), 200);
    const after = await hitsDuring(async () => {
      assert.equal((await api(url, { token: agent })).body.status, 'dispatched');
      assert.ok(!(await api(list, { token: agent })).body.items.some((x) => x.id === a.body.id),
        'the list no longer holds it under intake');
    });
    assertHits(after, 0, 'the reads after the action');
    // A new appeal shows in the next list at once.
    const b = await intake(`缓存测试：第二件 ${marker}`, '13600001235');
    assertStatus(b, 201);
    assert.ok((await api(list, { token: agent })).body.items.some((x) => x.id === b.body.id));
  });

  test('two sessions never share an answer: the handling unit sees its view, not the agent\'s', async () => {
    const a = await intake('缓存测试：另一个会话看到的内容', '13600005678');
    const bureau = await unitByName(api, agent, '阜新市住房和城乡建设局');
    await api(`/api/v1/appeals/${a.body.id}/actions`, { method: 'POST', token: agent, body: { action: 'dispatch', unit_id: bureau.id } });
    const url = `/api/v1/appeals/${a.body.id}`;
    let mine, theirs;
    const hits = await hitsDuring(async () => {
      await api(url, { token: agent });
      mine = await api(url, { token: agent }); // from the cache
    });
    assertHits(hits, 1, 'the agent\'s second read');
    const other = await hitsDuring(async () => { theirs = await api(url, { token: zhujian }); });
    assertHits(other, 0, 'another session\'s read of the same URL');
    assertStatus(theirs, 200);
    assert.ok(mine.body.allowed_actions.includes('urge'));
    assert.ok(theirs.body.allowed_actions.includes('sign'), 'the bureau may sign');
    assert.ok(!mine.body.allowed_actions.includes('sign'), 'the agent may not');
    // An unknown token is refused even for a URL just answered from the cache.
    assertError(await api(url, { token: 'x'.repeat(43) }), 401, 'unauthorized');
  });

  test('a logout ends the session at once, cached answers included', async () => {
    const token = await login(api, 'agent');
    const url = '/api/v1/appeals?per_page=5';
    const hits = await hitsDuring(async () => {
      assertStatus(await api(url, { token }), 200);
      assertStatus(await api(url, { token }), 200);
    });
    assertHits(hits, 1, 'the second read');
    assertStatus(await api('/api/v1/sessions/current', { method: 'DELETE', token }), 204);
    assertError(await api(url, { token }), 401, 'unauthorized');
  });

  test('a user disabled by another process (the CLI) is refused at once', async () => {
    const token = await login(api, 'zhujian');
    const url = '/api/v1/appeals?per_page=5';
    const hits = await hitsDuring(async () => {
      assertStatus(await api(url, { token }), 200);
      assertStatus(await api(url, { token }), 200);
    });
    assertHits(hits, 1, 'the second read');
    const r = run(['user', 'disable', '--db', srv.db.url, '--username', 'zhujian']);
    assert.equal(r.status, 0, r.stderr);
    assertError(await api(url, { token }), 401, 'unauthorized');
    assert.equal(run(['user', 'enable', '--db', srv.db.url, '--username', 'zhujian']).status, 0);
  });

  test('an answer is never given past its session\'s expiry', async () => {
    // A session of 'leader' (this file's alone) made to end in 700 ms, by another
    // process: the write ends every entry, so the next read fills a fresh one. On a loaded
    // machine the other process can take most of the 700 ms; such a try proves nothing, so
    // it is made again with a new session (at most five tries).
    const url = '/api/v1/appeals?per_page=4';
    for (let attempt = 1; ; attempt++) {
      const token = await login(api, 'leader');
      assertStatus(await api(url, { token }), 200);
      const expires = Date.now() + 700;
      sql(srv.db.url, `UPDATE sessions SET expires_at = ${expires} WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = 'leader')`);
      const answers = [];
      const hits = await hitsDuring(async () => {
        answers.push(await api(url, { token }));
        answers.push(await api(url, { token }));
      });
      if (Date.now() >= expires - 200) {
        assert.ok(attempt < 5, 'five tries never read well before the expiry (a slow machine?)');
        continue;
      }
      for (const a of answers) assertStatus(a, 200);
      assertHits(hits, 1, 'the second read before the expiry');
      // Past the expiry, but within the second an entry may otherwise live: nothing wrote.
      await new Promise((res) => setTimeout(res, expires - Date.now() + 50));
      assertError(await api(url, { token }), 401, 'unauthorized');
      break;
    }
  });

  test('an answer lives at most a second', async () => {
    const url = '/api/v1/appeals?per_page=3';
    await api(url, { token: agent });
    assertHits(await hitsDuring(() => api(url, { token: agent })), 1, 'a read within the second');
    await new Promise((res) => setTimeout(res, 1100));
    assertHits(await hitsDuring(async () => assertStatus(await api(url, { token: agent }), 200)), 0,
      'a read a second later');
  });
});

describe('serve --read-cache off', () => {
  let srv, api, admin;
  before(async () => {
    srv = await startServer({ args: ['--threads', '1', '--read-cache', 'off'] });
    api = client(srv.url);
    admin = await login(api, 'admin');
  });
  after(async () => { await stopClean(srv); });

  test('no read is answered from the cache, none is even looked up', async () => {
    const agent = await login(api, 'agent');
    for (let i = 0; i < 4; i++) assertStatus(await api('/api/v1/appeals?per_page=5', { token: agent }), 200);
    assert.deepEqual(await cacheCounts(api, admin), { hits: 0, misses: 0 });
  });
});
