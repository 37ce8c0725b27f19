// The read cache (docs/architecture.md "Read cache"): a GET of an appeal or of a list of
// appeals may be answered again from the worker's cache, but never after the data changed
// (whoever changed it, even another process), never to another session, and never for
// longer than a second.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, run, stopClean, uniqueMarker } from '../lib/api-helpers.mjs';

describe('read cache', () => {
  let srv, api, agent, zhujian;

  before(async () => {
    srv = await startServer();
    api = client(srv.url);
    [agent, zhujian] = await Promise.all([login(api, 'agent'), login(api, 'zhujian')]);
  });
  after(async () => { await stopClean(srv); });

  const intake = (content, phone) => api('/api/v1/appeals', {
    method: 'POST', token: agent, body: { content, contact_phone: phone },
  });

  test('an action shows in the very next GET of the appeal and of the list', async () => {
    const marker = uniqueMarker();
    const a = await intake(`缓存测试：楼道灯坏了 ${marker}`, '13600001234');
    assertStatus(a, 201);
    const url = `/api/v1/appeals/${a.body.id}`;
    const list = `/api/v1/appeals?status=intake&per_page=100`;
    // Read twice: the second may come from the cache.
    for (let i = 0; i < 2; i++) {
      assert.equal((await api(url, { token: agent })).body.status, 'intake');
      assert.ok((await api(list, { token: agent })).body.items.some((x) => x.id === a.body.id));
    }
    const bureau = await unitByName(api, agent, '阜新市住房和城乡建设局');
    assertStatus(await api(`${url}/actions`, { method: 'POST', token: agent, body: { action: 'dispatch', unit_id: bureau.id } }), 200);
    assert.equal((await api(url, { token: agent })).body.status, 'dispatched');
    assert.ok(!(await api(list, { token: agent })).body.items.some((x) => x.id === a.body.id),
      'the list no longer holds it under intake');
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
    const mine = await api(url, { token: agent });
    const theirs = await api(url, { token: zhujian });
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
    assertStatus(await api(url, { token }), 200);
    assertStatus(await api(url, { token }), 200);
    assertStatus(await api('/api/v1/sessions/current', { method: 'DELETE', token }), 204);
    assertError(await api(url, { token }), 401, 'unauthorized');
  });

  test('a user disabled by another process (the CLI) is refused at once', async () => {
    const token = await login(api, 'zhujian');
    const url = '/api/v1/appeals?per_page=5';
    assertStatus(await api(url, { token }), 200);
    assertStatus(await api(url, { token }), 200);
    const r = run(['user', 'disable', '--db', srv.db.url, '--username', 'zhujian']);
    assert.equal(r.status, 0, r.stderr);
    assertError(await api(url, { token }), 401, 'unauthorized');
    assert.equal(run(['user', 'enable', '--db', srv.db.url, '--username', 'zhujian']).status, 0);
  });
});
