// Idempotency keys (docs/api.md "Idempotency-Key", docs/architecture.md "On a cluster"): a
// write retried with the same Idempotency-Key answers the first result without writing
// again; the same key on another request is 422; a malformed key is 400; several clients
// sending one key at once make one write; Open311 partners' POSTs too; and a key whose
// answer was lost between the commit and storing it (a node killed, a failover) is
// answered by re-rendering what the write made.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import {
  assertError, assertStatus, unitByName, stopClean, uniqueMarker, sql as dbSql,
} from '../lib/api-helpers.mjs';
import { open311, createKey } from '../lib/open311.mjs';

const ZHANQIAN = '210902006000'; // 站前街道

let srv, api, agent, zhujian, zjUnit;

before(async () => {
  srv = await startServer({ args: ['--open311-rate', '100000'] });
  api = client(srv.url);
  [agent, zhujian] = await Promise.all([login(api, 'agent'), login(api, 'zhujian')]);
  zjUnit = await unitByName(api, agent, '阜新市住房和城乡建设局');
  assert.ok(zjUnit);
});
after(async () => { await stopClean(srv); });

// Runs SQL on the server's database (to count rows, or to lose an answer as a crash would).
const sql = (text) => dbSql(srv.db.url, text).trim();

const intake = (marker, key, extra = {}, token = agent) => api('/api/v1/appeals', {
  method: 'POST', token, headers: key === undefined ? {} : { 'idempotency-key': key },
  body: { content: `幂等测试：楼道灯坏了 ${marker}`, region_code: ZHANQIAN, contact_phone: '13812345678', ...extra },
});
async function countMarked(marker) {
  const r = await api(`/api/v1/appeals?q=${encodeURIComponent(marker)}`, { token: agent });
  assertStatus(r, 200);
  return r.body.total;
}

describe('intake', () => {
  test('the same key twice: one appeal, the same answer, the second marked as a replay', async () => {
    const m = uniqueMarker('IK');
    const key = `intake-${m}`;
    const a = await intake(m, key);
    assertStatus(a, 201);
    assert.equal(a.headers.get('idempotency-replayed'), null);
    const b = await intake(m, key);
    assertStatus(b, 201);
    assert.equal(b.headers.get('idempotency-replayed'), 'true');
    assert.deepEqual(b.body, a.body, 'the first answer, byte for byte');
    assert.equal(await countMarked(m), 1);
  });

  test('the same key with another body, path or method: 422 idempotency_key_reused, nothing written', async () => {
    const m = uniqueMarker('IK');
    const key = `reuse-${m}`;
    assertStatus(await intake(m, key), 201);
    const other = uniqueMarker('IK');
    assertError(await intake(other, key), 422, 'idempotency_key_reused', 'Idempotency-Key');
    assert.equal(await countMarked(other), 0);
    const r = await api('/api/v1/notifications/read-all', { method: 'POST', token: agent, headers: { 'idempotency-key': key } });
    if (r.status !== 404 && r.status !== 405) assertError(r, 422, 'idempotency_key_reused');
  });

  test('keys are per caller: another user may use the same key for their own request', async () => {
    const m = uniqueMarker('IK');
    const key = `shared-${m}`;
    assertStatus(await intake(m, key), 201);
    // A citizen (no login) with the same key and another body is a different caller.
    const c = await intake(`${m}c`, key, { channel: 'web' }, null);
    assertStatus(c, 201);
    assert.equal(c.headers.get('idempotency-replayed'), null);
  });

  test('a malformed key is refused with 400 invalid_idempotency_key and nothing written', async () => {
    const m = uniqueMarker('IK');
    for (const bad of ['a'.repeat(129), 'two words', 'tab\there']) {
      assertError(await intake(m, bad), 400, 'invalid_idempotency_key', 'Idempotency-Key');
    }
    assertStatus(await intake(m, 'k'.repeat(128)), 201);
    assert.equal(await countMarked(m), 1);
  });

  test('without a key nothing changes: two posts, two appeals', async () => {
    const m = uniqueMarker('IK');
    assertStatus(await intake(m), 201);
    assertStatus(await intake(m), 201);
    assert.equal(await countMarked(m), 2);
  });

  test('an error answer is replayed as well: the retry does not run again', async () => {
    const m = uniqueMarker('IK');
    const key = `bad-${m}`;
    const a = await intake(m, key, { region_code: 'nowhere', region_id: -1 });
    assert.ok(a.status >= 400 && a.status < 500, `a 4xx (got ${a.status})`);
    const b = await intake(m, key, { region_code: 'nowhere', region_id: -1 });
    assert.equal(b.status, a.status);
    assert.deepEqual(b.body, a.body);
  });

  test('several clients sending one key at once make one appeal; each gets it or 409 idempotency_in_progress', async () => {
    const m = uniqueMarker('IK');
    const key = `race-${m}`;
    const rs = await Promise.all(Array.from({ length: 8 }, () => intake(m, key)));
    const created = rs.filter((r) => r.status === 201);
    assert.ok(created.length >= 1, 'at least one is answered with the appeal');
    for (const r of rs) {
      if (r.status === 409) {
        assertError(r, 409, 'idempotency_in_progress');
        assert.ok(Number(r.headers.get('retry-after')) >= 1);
      } else {
        assertStatus(r, 201);
      }
    }
    assert.equal(new Set(created.map((r) => r.body.id)).size, 1, 'one appeal id');
    assert.equal(await countMarked(m), 1);
    // A client that met 409 retries and gets the appeal.
    const again = await intake(m, key);
    assertStatus(again, 201);
    assert.equal(again.body.id, created[0].body.id);
  });
});

describe('two nodes on one database', () => {
  test('one key sent to two servers at once: one appeal; the loser answers the winner\'s answer or 409', async () => {
    const other = await startServer({ db: srv.db });
    try {
      const api2 = client(other.url);
      const m = uniqueMarker('IN');
      const key = `nodes-${m}`;
      const send = (a) => a('/api/v1/appeals', {
        method: 'POST', token: agent, headers: { 'idempotency-key': key },
        body: { content: `幂等测试：楼道灯坏了 ${m}`, region_code: ZHANQIAN, contact_phone: '13812345678' },
      });
      const rs = await Promise.all([send(api), send(api2), send(api), send(api2), send(api2), send(api)]);
      for (const r of rs) {
        if (r.status === 409) assertError(r, 409, 'idempotency_in_progress');
        else assertStatus(r, 201);
      }
      const ids = new Set(rs.filter((r) => r.status === 201).map((r) => r.body.id));
      assert.equal(ids.size, 1, 'one appeal id');
      assert.equal(await countMarked(m), 1);
      // Either node answers the retry with that appeal.
      for (const a of [api, api2]) {
        const again = await send(a);
        assertStatus(again, 201);
        assert.deepEqual([...ids], [again.body.id]);
      }
    } finally {
      await other.stop({ keepDb: true });
    }
  });
});

describe('actions', () => {
  test('an action retried with its key runs once: one timeline entry, the same answer', async () => {
    const m = uniqueMarker('IA');
    const a = await intake(m);
    assertStatus(a, 201);
    const key = `dispatch-${m}`;
    const act = (body, k = key, token = agent) => api(`/api/v1/appeals/${a.body.id}/actions`, {
      method: 'POST', token, headers: { 'idempotency-key': k }, body,
    });
    const d1 = await act({ action: 'dispatch', unit_id: zjUnit.id, note: '请处理' });
    assertStatus(d1, 200);
    assert.equal(d1.body.status, 'dispatched');
    const d2 = await act({ action: 'dispatch', unit_id: zjUnit.id, note: '请处理' });
    assertStatus(d2, 200);
    assert.equal(d2.headers.get('idempotency-replayed'), 'true');
    assert.deepEqual(d2.body, d1.body);
    const g = await api(`/api/v1/appeals/${a.body.id}`, { token: agent });
    assertStatus(g, 200);
    assert.equal(g.body.timeline.filter((t) => t.action === 'dispatch').length, 1, 'dispatched once');
    // The key again on another action of the same appeal: refused, not run.
    assertError(await act({ action: 'sign' }, key, agent), 422, 'idempotency_key_reused');
    // A new key runs the next action.
    const s = await act({ action: 'sign' }, `sign-${m}`, zhujian);
    assertStatus(s, 200);
    assert.equal(s.body.status, 'handling');
  });

  test('a key whose answer was lost after the commit (a killed node) is answered from the appeal, not run again', async () => {
    const m = uniqueMarker('IL');
    const a = await intake(m);
    assertStatus(a, 201);
    const key = `lost-${m}`;
    const act = () => api(`/api/v1/appeals/${a.body.id}/actions`, {
      method: 'POST', token: agent, headers: { 'idempotency-key': key },
      body: { action: 'dispatch', unit_id: zjUnit.id },
    });
    assertStatus(await act(), 200);
    // What a node killed between COMMIT and storing the answer leaves: the key, no answer.
    sql(`UPDATE idempotency_keys SET status = NULL, body = NULL, created_at = created_at - 60000 WHERE idem_key = '${key}'`);
    const r = await act();
    assertStatus(r, 200);
    assert.equal(r.headers.get('idempotency-replayed'), 'true');
    assert.equal(r.body.id, a.body.id);
    assert.equal(r.body.status, 'dispatched');
    assert.equal(r.body.timeline.filter((t) => t.action === 'dispatch').length, 1, 'dispatched once');
  });

  test('the key is recorded in the write\'s own transaction: a write that fails leaves no key, and its retry runs', async () => {
    const m = uniqueMarker('IF');
    const a = await intake(m);
    assertStatus(a, 201);
    const key = `fail-${m}`;
    // sign before dispatch: 409 invalid_state, a refusal that is stored and replayed...
    const r1 = await api(`/api/v1/appeals/${a.body.id}/actions`, {
      method: 'POST', token: zhujian, headers: { 'idempotency-key': key }, body: { action: 'sign' },
    });
    assert.ok(r1.status === 403 || r1.status === 404 || r1.status === 409, `refused (got ${r1.status})`);
    const rows = Number(sql(`SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = '${key}' AND status IS NOT NULL`));
    // 409 answers are not stored (a conflict of state may clear); 403/404 are.
    assert.equal(rows, r1.status === 409 ? 0 : 1);
  });
});

describe('Open311', () => {
  test('a partner\'s POST requests retried with its key: one request, the same service_request_id', async () => {
    const o = open311(srv.url);
    const { key } = createKey(srv.db.url, `幂等合作方${uniqueMarker('P')}`);
    const m = uniqueMarker('IO');
    const form = new URLSearchParams({
      api_key: key, service_code: 'heating_cold', lat: '42.0115', long: '121.6608',
      description: `${m} 家里暖气不热`, 'attribute[indoor_temp]': '14.5',
    }).toString();
    const post = () => fetch(`${srv.url}/open311/v2/requests.json`, {
      method: 'POST', body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': `o311-${m}` },
    });
    const r1 = await post();
    assert.equal(r1.status, 200);
    const b1 = await r1.json();
    const r2 = await post();
    assert.equal(r2.status, 200);
    assert.equal(r2.headers.get('idempotency-replayed'), 'true');
    const b2 = await r2.json();
    assert.deepEqual(b2, b1);
    assert.equal(await countMarked(m), 1);
    assert.ok(o);
  });
});

describe('expiry', () => {
  test('keys older than 24 hours are free again (and the scheduler purges them)', async () => {
    const m = uniqueMarker('IE');
    const key = `old-${m}`;
    assertStatus(await intake(m, key), 201);
    sql(`UPDATE idempotency_keys SET created_at = created_at - 25 * 3600 * 1000 WHERE idem_key = '${key}'`);
    const again = await intake(m, key);
    assertStatus(again, 201);
    assert.equal(again.headers.get('idempotency-replayed'), null);
    assert.equal(await countMarked(m), 2);
  });
});
