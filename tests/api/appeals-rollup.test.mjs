// The statistics roll-up (docs/architecture.md "Statistics roll-up") under the real
// transitions: many appeals taken in and moved through every action that changes an
// assignment — dispatch, sign, return and dispatch again, reply resolved and not, review
// sent back and approved, revisit with every satisfaction, reopen and reply again, close
// at intake — by the users who take them, over HTTP. Then the month statistics and the
// trend moved by exactly what was done, and `yiwang check` (which recounts every unit and
// day from the assignments) finds the roll-up equal to the recount.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertStatus, unitByName, stopClean, uniqueMarker, run, sql } from '../lib/api-helpers.mjs';

const ZHANQIAN = '210902006000'; // 站前街道
let srv, api, zj;
const T = {};

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  for (const u of ['agent', 'zhujian', 'leader']) T[u] = await login(api, u);
  zj = await unitByName(api, T.agent, '阜新市住房和城乡建设局');
  assert.ok(zj);
});
after(async () => { await stopClean(srv); });

const act = async (id, user, body) => {
  const r = await api(`/api/v1/appeals/${id}/actions`, { method: 'POST', token: T[user], body });
  assertStatus(r, 200);
  return r.body;
};

async function zjFigures() {
  const r = await api(`/api/v1/stats/appeals?unit_id=${zj.id}`, { token: T.leader });
  assertStatus(r, 200);
  return r.body.items.find((i) => i.unit_id === zj.id) || { dispatched: 0, closed: 0, returned: 0, revisited: 0, reopened: 0, replied: 0 };
}

test('every kind of transition keeps the roll-up equal to a recount', async () => {
  const before0 = await zjFigures();
  const trend0 = await api('/api/v1/stats/appeals/trend', { token: T.leader });
  assertStatus(trend0, 200);
  const M = uniqueMarker('RU');
  const sats = ['satisfied', 'basically_satisfied', 'dissatisfied'];
  const want = { dispatched: 0, returned: 0, closed: 0, revisited: 0, reopened: 0, replied: 0 };
  for (let i = 0; i < 24; i++) {
    const r = await api('/api/v1/appeals', {
      method: 'POST', token: T.agent,
      body: { content: `统计汇总测试${i}：楼道灯不亮 ${M}n${i}`, region_code: ZHANQIAN, contact_phone: '13812345678' },
    });
    assertStatus(r, 201);
    const id = r.body.id;
    if (i % 8 === 7) { // answered at intake: no assignment
      await act(id, 'agent', { action: 'close', note: '已当场解答' });
      continue;
    }
    await act(id, 'agent', { action: 'dispatch', unit_id: zj.id });
    want.dispatched++;
    if (i % 4 === 1) { // returned, then dispatched again: two assignments
      await act(id, 'zhujian', { action: 'return', reason: '不属于我局职责范围' });
      want.returned++;
      await act(id, 'agent', { action: 'dispatch', unit_id: zj.id });
      want.dispatched++;
    }
    if (i % 6 === 2) continue; // left dispatched
    await act(id, 'zhujian', { action: 'sign' });
    if (i % 6 === 3) continue; // left handling
    await act(id, 'zhujian', { action: 'reply', content: '已维修', resolved: i % 3 !== 0 });
    want.replied++;
    if (i % 5 === 0) {
      await act(id, 'agent', { action: 'review', approve: false, note: '请补充' });
      await act(id, 'zhujian', { action: 'reply', content: '已补充', resolved: true });
    }
    await act(id, 'agent', { action: 'review', approve: true });
    await act(id, 'agent', { action: 'revisit', satisfaction: sats[i % 3] });
    want.closed++;
    want.revisited++;
    if (i % 4 === 0) {
      await act(id, 'agent', { action: 'reopen', reason: '问题再次出现' });
      want.reopened++;
      want.closed--; // open again
      want.revisited--;
      if (i % 8 === 0) {
        await act(id, 'zhujian', { action: 'reply', content: '再次处理', resolved: true });
        await act(id, 'agent', { action: 'review', approve: true });
        await act(id, 'agent', { action: 'revisit', satisfaction: 'satisfied' });
        want.closed++;
        want.revisited++;
      }
    }
  }
  const after0 = await zjFigures();
  assert.equal(after0.dispatched - before0.dispatched, want.dispatched, 'dispatched');
  assert.equal(after0.returned - before0.returned, want.returned, 'returned');
  assert.equal(after0.reopened - before0.reopened, want.reopened, 'reopened');
  assert.ok(after0.closed - before0.closed >= want.closed - want.reopened, 'closed');
  // This month's trend item moved with the per-unit figures of the whole area.
  const trend1 = await api('/api/v1/stats/appeals/trend', { token: T.leader });
  const last = (t) => t.body.items[t.body.items.length - 1];
  assert.equal(last(trend1).dispatched - last(trend0).dispatched, want.dispatched);

  // The server keeps its database while check reads it (SQLite and PostgreSQL alike).
  const check = run(['check', '--db', srv.db.url]);
  assert.match(check.stdout, /statistics roll-up: ok \(equal to a recount\)/, check.stdout + check.stderr);
});

test('the roll-up rebuilds to the same figures', async () => {
  const a = await api('/api/v1/stats/appeals/trend', { token: T.leader });
  const r = run(['rollup', 'rebuild', '--db', srv.db.url]);
  assert.equal(r.status, 0, r.stderr);
  const b = await api('/api/v1/stats/appeals/trend', { token: T.leader });
  assert.deepEqual(b.body, a.body);
});

test('a list past 10,000 matches answers total 10000 with total_capped; fewer are counted exactly', async () => {
  const n = Number(sql(srv.db.url, "SELECT COUNT(*) FROM cases WHERE kind = 'appeal'").trim());
  assert.ok(n > 10000, `the demo holds ${n} appeals`);
  // A filter the counters do not answer (a creation date) counts up to the cap.
  const all = await api('/api/v1/appeals?per_page=20&from=2000-01-01', { token: T.leader });
  assertStatus(all, 200);
  assert.equal(all.body.items.length, 20);
  assert.equal(all.body.total, 10000);
  assert.equal(all.body.total_capped, true);
  // The 500th page (the last the capped total names) and one past it still answer.
  const deep = await api('/api/v1/appeals?per_page=20&page=501&from=2000-01-01', { token: T.leader });
  assertStatus(deep, 200);
  assert.equal(deep.body.total_capped, true);
  // Areas and states alone are counted by migration 021's counters: exact past 10,000,
  // the same items.
  const exact = await api('/api/v1/appeals?per_page=20', { token: T.leader });
  assertStatus(exact, 200);
  assert.equal(exact.body.total, n);
  assert.equal(exact.body.total_capped, false);
  assert.deepEqual(exact.body.items.map((x) => x.id), all.body.items.map((x) => x.id));
  const few = await api('/api/v1/appeals?status=handling&per_page=5', { token: T.zhujian });
  assertStatus(few, 200);
  assert.equal(few.body.total_capped, false);
  const own = Number(sql(srv.db.url, `SELECT COUNT(*) FROM cases WHERE kind = 'appeal' AND status = 'handling' AND handler_id = ${zj.id}`).trim());
  assert.ok(few.body.total >= own, 'the housing bureau sees at least its own handling appeals');
  assert.ok(few.body.total < 10000);
});
