// The appeal action table (CONTRACT.md "Appeals", docs/api-appeals.md "Actions"): every
// transition, its refusals (409 invalid_state from a wrong state, 403 forbidden for the
// wrong role or unit, 422 for an unknown action or bad input), allowed_actions, deadlines,
// extensions, merging, the audit trail, and concurrent signing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, stopClean, uniqueMarker } from '../lib/api-helpers.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;
const ZHANQIAN = '210902006000'; // 站前街道
const DAY = 24 * 3600 * 1000;

let srv, api;
const T = {}; // tokens by username
let zjUnit; // 阜新市住房和城乡建设局

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  const users = ['agent', 'zhujian', 'zhanqian', 'haizhou', 'xihe', 'leader', 'admin'];
  const tokens = await Promise.all(users.map((u) => login(api, u)));
  users.forEach((u, i) => { T[u] = tokens[i]; });
  zjUnit = await unitByName(api, T.agent, '阜新市住房和城乡建设局');
  assert.ok(zjUnit);
});
after(async () => { await stopClean(srv); });

const get = (id, token = T.agent) => api(`/api/v1/appeals/${id}`, { token });
const act = (id, token, body) => api(`/api/v1/appeals/${id}/actions`, { method: 'POST', token, body });
async function ok(id, token, body) {
  const r = await act(id, token, body);
  assertStatus(r, 200);
  return r.body;
}
const sorted = (a) => [...a].sort();
async function allowed(id, user) {
  const r = await get(id, T[user]);
  assertStatus(r, 200);
  return sorted(r.body.allowed_actions);
}

// An appeal located in 站前街道, taken in by the agent, then moved along to `stage`. Its
// content carries a word of its own (appeal.marker) so that a list narrowed to q=<marker>
// holds it alone, whatever appeals the demo holds.
const M = uniqueMarker('AC');
let serial = 0;
async function appeal(stage = 'intake', extra = {}) {
  const marker = `${M}n${++serial}`;
  const r = await api('/api/v1/appeals', {
    method: 'POST', token: T.agent,
    body: { content: `动作测试诉求${serial}：小区暖气不热 ${marker}`, region_code: ZHANQIAN, contact_phone: '13812345678', ...extra },
  });
  assertStatus(r, 201);
  const id = r.body.id;
  const withMarker = (b) => Object.defineProperty(b, 'marker', { value: marker, enumerable: false });
  const steps = [
    ['dispatched', 'agent', { action: 'dispatch', unit_id: zjUnit.id }],
    ['handling', 'zhujian', { action: 'sign' }],
    ['replied', 'zhujian', { action: 'reply', content: '已联系供热公司调整，室温已达标', resolved: true }],
    ['revisit', 'agent', { action: 'review', approve: true }],
    ['closed', 'agent', { action: 'revisit', satisfaction: 'satisfied' }],
  ];
  let body = r.body;
  for (const [to, user, b] of steps) {
    if (body.status === stage) break;
    body = await ok(id, T[user], b);
    assert.equal(body.status, to);
  }
  assert.equal(body.status, stage);
  return withMarker(body);
}

describe('transitions', () => {
  test('dispatch: agent, intake → dispatched, with the handling unit and dispatched_at', async () => {
    const a = await appeal();
    const d = await ok(a.id, T.agent, { action: 'dispatch', unit_id: zjUnit.id, note: '请尽快处理' });
    assert.equal(d.status, 'dispatched');
    assert.equal(d.handler.id, zjUnit.id);
    assert.equal(d.handler.name, '阜新市住房和城乡建设局');
    assert.match(d.dispatched_at, ISO);
    const last = (await get(a.id)).body.timeline.at(-1);
    assert.equal(last.action, 'dispatch');
    assert.equal(last.from, 'intake');
    assert.equal(last.to, 'dispatched');
    assert.equal(last.actor, 'agent');
  });

  test('dispatch without unit_id is 422; to a unit that does not exist is 422', async () => {
    const a = await appeal();
    assertError(await act(a.id, T.agent, { action: 'dispatch' }), 422, undefined, 'unit_id');
    assertError(await act(a.id, T.agent, { action: 'dispatch', unit_id: 999999 }), 422, undefined, 'unit_id');
    assert.equal((await get(a.id)).body.status, 'intake');
  });

  test('sign: the handling unit, dispatched → handling, signed_at set', async () => {
    const a = await appeal('dispatched');
    const s = await ok(a.id, T.zhujian, { action: 'sign' });
    assert.equal(s.status, 'handling');
    assert.match(s.signed_at, ISO);
    const last = (await get(a.id)).body.timeline.at(-1);
    assert.equal(last.action, 'sign');
    assert.equal(last.actor, 'zhujian');
    assert.equal(last.from, 'dispatched');
    assert.equal(last.to, 'handling');
  });

  test('return: the handling unit\'s return answers 200 with what became of the appeal, which it no longer sees', async () => {
    // docs/api-appeals.md "Actions": when the action takes the appeal out of the caller's
    // sight, 200 with {id, number, status, visible: false}.
    const a = await appeal('dispatched');
    const r = await act(a.id, T.zhujian, { action: 'return', reason: '不属于我局职责范围，应由属地街道处理' });
    assertStatus(r, 200);
    assert.deepEqual(r.body, { id: a.id, number: a.number, status: 'intake', visible: false });
  });

  test('return: dispatched → intake, return_count 1, deadlines cleared; the unit no longer sees it (404); it can be dispatched again', async () => {
    const a = await appeal('dispatched');
    assertError(await act(a.id, T.zhujian, { action: 'return' }), 422, undefined, 'reason');
    assertError(await act(a.id, T.zhujian, { action: 'return', reason: '   ' }), 422, undefined, 'reason');
    // The answer to the return itself is checked above; here, the state it leaves.
    await act(a.id, T.zhujian, { action: 'return', reason: '不属于我局职责范围，应由属地街道处理' });
    const g = await get(a.id);
    assertStatus(g, 200);
    assert.equal(g.body.status, 'intake');
    assert.equal(g.body.return_count, 1);
    assert.equal(g.body.handler, null);
    assert.equal(g.body.sign_due_at, null);
    assert.equal(g.body.finish_due_at, null);
    const last = g.body.timeline.at(-1);
    assert.equal(last.action, 'return');
    assert.equal(last.from, 'dispatched');
    assert.equal(last.to, 'intake');
    assert.equal(last.actor, 'zhujian');
    assertError(await get(a.id, T.zhujian), 404);
    // Narrowed to the appeal's own word: the agent's list finds it, the unit's does not.
    const mine = await api(`/api/v1/appeals?per_page=200&q=${a.marker}`, { token: T.agent });
    assertStatus(mine, 200);
    assert.deepEqual(mine.body.items.map((x) => x.id), [a.id], 'q=<its word> finds it for the agent');
    const list = await api(`/api/v1/appeals?per_page=200&q=${a.marker}`, { token: T.zhujian });
    assertStatus(list, 200);
    assert.ok(!list.body.items.some((x) => x.id === a.id), 'not in the unit\'s list');
    assert.equal(list.body.total, 0);
    assertError(await act(a.id, T.zhujian, { action: 'sign' }), 404);
    // The agent can dispatch it again.
    const d = await ok(a.id, T.agent, { action: 'dispatch', unit_id: zjUnit.id });
    assert.equal(d.status, 'dispatched');
    assert.equal(d.return_count, 1);
    assertStatus(await get(a.id, T.zhujian), 200);
  });

  test('request_extension / decide_extension: approval moves finish_due_at later by working days', async () => {
    const a = await appeal('handling');
    const before = Date.parse(a.finish_due_at);
    const q = await ok(a.id, T.zhujian, { action: 'request_extension', days: 3, reason: '需要协调供热公司更换管道' });
    assert.equal(q.status, 'handling');
    assert.deepEqual(q.extension, { days: 3, reason: '需要协调供热公司更换管道' });
    assert.equal(Date.parse(q.finish_due_at), before, 'the deadline waits for the decision');
    const d = await ok(a.id, T.agent, { action: 'decide_extension', approve: true });
    assert.equal(d.status, 'handling');
    assert.equal(d.extension, null);
    const moved = Date.parse(d.finish_due_at) - before;
    assert.match(d.finish_due_at, ISO);
    assert.ok(moved >= 3 * DAY, `3 working days are at least 3 days later (moved ${moved / DAY} days)`);
    assert.ok(moved <= 17 * DAY, `and not absurdly later (moved ${moved / DAY} days)`);
  });

  test('a rejected extension leaves finish_due_at; a second request while one is pending is 409 extension_pending', async () => {
    const a = await appeal('handling');
    await ok(a.id, T.zhujian, { action: 'request_extension', days: 2, reason: '材料未齐' });
    assertError(await act(a.id, T.zhujian, { action: 'request_extension', days: 5, reason: '再申请' }), 409, 'extension_pending');
    const d = await ok(a.id, T.agent, { action: 'decide_extension', approve: false, note: '请按期办结' });
    assert.equal(d.extension, null);
    assert.equal(d.finish_due_at, a.finish_due_at);
    assertError(await act(a.id, T.agent, { action: 'decide_extension', approve: true }), 409);
  });

  test('extension input: days outside 1–30 or no reason is 422; decide without approve is 422', async () => {
    const a = await appeal('handling');
    assertError(await act(a.id, T.zhujian, { action: 'request_extension', days: 0, reason: '理由' }), 422, undefined, 'days');
    assertError(await act(a.id, T.zhujian, { action: 'request_extension', days: 31, reason: '理由' }), 422, undefined, 'days');
    assertError(await act(a.id, T.zhujian, { action: 'request_extension', days: 3 }), 422, undefined, 'reason');
    await ok(a.id, T.zhujian, { action: 'request_extension', days: 30, reason: '理由' });
    assertError(await act(a.id, T.agent, { action: 'decide_extension' }), 422, undefined, 'approve');
  });

  test('reply: the handling unit, handling → replied, with content and resolved', async () => {
    const a = await appeal('handling');
    assertError(await act(a.id, T.zhujian, { action: 'reply', resolved: true }), 422, undefined, 'content');
    assertError(await act(a.id, T.zhujian, { action: 'reply', content: '已处理' }), 422, undefined, 'resolved');
    const r = await ok(a.id, T.zhujian, { action: 'reply', content: '已安排维修，暖气恢复正常', resolved: true });
    assert.equal(r.status, 'replied');
    assert.match(r.replied_at, ISO);
    assert.equal(r.reply.content, '已安排维修，暖气恢复正常');
    assert.equal(r.reply.resolved, true);
  });

  test('review approve:true → revisit; approve:false sends it back to handling', async () => {
    const a = await appeal('replied');
    assertError(await act(a.id, T.agent, { action: 'review' }), 422, undefined, 'approve');
    const back = await ok(a.id, T.agent, { action: 'review', approve: false, note: '答复不具体，请重新办理' });
    assert.equal(back.status, 'handling');
    assert.deepEqual(await allowed(a.id, 'zhujian'), sorted(['reply', 'request_extension']));
    const again = await ok(a.id, T.zhujian, { action: 'reply', content: '已更换暖气片', resolved: true });
    assert.equal(again.status, 'replied');
    const rv = await ok(a.id, T.agent, { action: 'review', approve: true });
    assert.equal(rv.status, 'revisit');
  });

  test('revisit: agent, revisit → closed with the satisfaction; an unknown satisfaction is 422', async () => {
    const a = await appeal('revisit');
    assertError(await act(a.id, T.agent, { action: 'revisit', satisfaction: 'happy' }), 422, undefined, 'satisfaction');
    assertError(await act(a.id, T.agent, { action: 'revisit' }), 422, undefined, 'satisfaction');
    const c = await ok(a.id, T.agent, { action: 'revisit', satisfaction: 'basically_satisfied', note: '回访市民基本满意' });
    assert.equal(c.status, 'closed');
    assert.equal(c.satisfaction, 'basically_satisfied');
    assert.match(c.closed_at, ISO);
  });

  test('reopen: agent, closed → handling with reopen_count 1; a reason is required', async () => {
    const a = await appeal('closed');
    assertError(await act(a.id, T.agent, { action: 'reopen' }), 422, undefined, 'reason');
    const r = await ok(a.id, T.agent, { action: 'reopen', reason: '市民反映问题再次出现' });
    assert.equal(r.status, 'handling');
    assert.equal(r.reopen_count, 1);
    assert.equal(r.closed_at, null);
    assert.equal(r.handler.id, zjUnit.id);
    assert.match(r.finish_due_at, ISO);
    assert.ok(Date.parse(r.finish_due_at) >= Date.parse(a.finish_due_at), 'the finish deadline restarts');
    assert.ok(Date.parse(r.finish_due_at) > Date.now());
    // The unit handles it again.
    const again = await ok(a.id, T.zhujian, { action: 'reply', content: '再次处理完毕', resolved: true });
    assert.equal(again.status, 'replied');
    assert.equal(again.reopen_count, 1);
  });

  test('close: agent, intake → closed (answered at intake); a note is required', async () => {
    const a = await appeal();
    assertError(await act(a.id, T.agent, { action: 'close' }), 422, undefined, 'note');
    const c = await ok(a.id, T.agent, { action: 'close', note: '已当场解答政策咨询' });
    assert.equal(c.status, 'closed');
    assert.match(c.closed_at, ISO);
    assert.equal(c.handler, null);
  });

  test('urge: agent and leader, any open state, no change of state; urge_count increments', async () => {
    const a = await appeal('dispatched');
    const u1 = await ok(a.id, T.agent, { action: 'urge', note: '请加快办理' });
    assert.equal(u1.status, 'dispatched');
    assert.equal(u1.urge_count, 1);
    const u2 = await ok(a.id, T.leader, { action: 'urge', note: '领导督办' });
    assert.equal(u2.status, 'dispatched');
    assert.equal(u2.urge_count, 2);
    const i = await appeal();
    assert.equal((await ok(i.id, T.leader, { action: 'urge', note: '督办' })).urge_count, 1);
    const h = await appeal('replied');
    const u3 = await ok(h.id, T.leader, { action: 'urge', note: '督办' });
    assert.equal(u3.status, 'replied');
    assert.equal(u3.urge_count, 1);
  });

  test('urge by unit staff is 403 (the handling unit, or a unit whose area holds the appeal)', async () => {
    const a = await appeal('dispatched');
    assertError(await act(a.id, T.zhujian, { action: 'urge', note: '自己督办自己' }), 403, 'forbidden');
    assertError(await act(a.id, T.haizhou, { action: 'urge', note: '区里督办' }), 403, 'forbidden');
    assertError(await act(a.id, T.zhanqian, { action: 'urge', note: '街道督办' }), 403, 'forbidden');
    assert.equal((await get(a.id)).body.urge_count, 0);
  });

  test('merge: agent, intake → merged into another open appeal; into itself 422; into a closed one 409', async () => {
    const target = await appeal('dispatched');
    const a = await appeal();
    assertError(await act(a.id, T.agent, { action: 'merge' }), 422, undefined, 'into_id');
    assertError(await act(a.id, T.agent, { action: 'merge', into_id: a.id }), 422, undefined, 'into_id');
    const closed = await appeal('closed');
    assertError(await act(a.id, T.agent, { action: 'merge', into_id: closed.id }), 409);
    assertError(await act(a.id, T.agent, { action: 'merge', into_id: 999999 }), 422, undefined, 'into_id');
    assert.equal((await get(a.id)).body.status, 'intake');
    const m = await ok(a.id, T.agent, { action: 'merge', into_id: target.id, note: '同一小区同一问题' });
    assert.equal(m.status, 'merged');
    assert.deepEqual(m.merged_into, { id: target.id, number: target.number });
    // A merged appeal is no longer open: it cannot take a merge into it either.
    const b = await appeal();
    assertError(await act(b.id, T.agent, { action: 'merge', into_id: a.id }), 409);
    assert.equal((await get(target.id)).body.status, 'dispatched', 'the target keeps its state');
  });

  test('an unknown action is 422 invalid_action; a missing action is 422', async () => {
    const a = await appeal();
    assertError(await act(a.id, T.agent, { action: 'approve_all' }), 422, 'invalid_action');
    assertError(await act(a.id, T.agent, { action: 'rate', satisfaction: 'satisfied' }), 422, 'invalid_action');
    assertError(await act(a.id, T.agent, {}), 422, undefined, 'action');
    assertError(await act(a.id, T.agent, { action: 7 }), 400);
    assert.equal((await get(a.id)).body.status, 'intake');
  });

  test('actions on an appeal that does not exist are 404', async () => {
    assertError(await act(999999, T.agent, { action: 'urge', note: 'x' }), 404);
  });
});

describe('refusals from a wrong state (409 invalid_state)', () => {
  const cases = [
    // [state, user, body]
    ['dispatched', 'agent', { action: 'dispatch', unit_id: 0 }],
    ['handling', 'agent', { action: 'dispatch', unit_id: 0 }],
    ['closed', 'agent', { action: 'dispatch', unit_id: 0 }],
    ['handling', 'zhujian', { action: 'sign' }],
    ['replied', 'zhujian', { action: 'sign' }],
    ['handling', 'zhujian', { action: 'return', reason: '退回' }],
    ['dispatched', 'zhujian', { action: 'request_extension', days: 2, reason: '延期' }],
    ['replied', 'zhujian', { action: 'request_extension', days: 2, reason: '延期' }],
    ['intake', 'agent', { action: 'decide_extension', approve: true }],
    ['dispatched', 'agent', { action: 'decide_extension', approve: true }],
    ['dispatched', 'zhujian', { action: 'reply', content: '答复', resolved: true }],
    ['replied', 'zhujian', { action: 'reply', content: '答复', resolved: true }],
    ['handling', 'agent', { action: 'review', approve: true }],
    ['revisit', 'agent', { action: 'review', approve: true }],
    ['replied', 'agent', { action: 'revisit', satisfaction: 'satisfied' }],
    ['closed', 'agent', { action: 'revisit', satisfaction: 'satisfied' }],
    ['handling', 'agent', { action: 'reopen', reason: '重办' }],
    ['revisit', 'agent', { action: 'reopen', reason: '重办' }],
    ['dispatched', 'agent', { action: 'close', note: '办结' }],
    ['closed', 'agent', { action: 'close', note: '办结' }],
    ['closed', 'agent', { action: 'urge', note: '督办' }],
    ['closed', 'leader', { action: 'urge', note: '督办' }],
    ['dispatched', 'agent', { action: 'merge', into_id: 0 }],
  ];
  for (const [state, user, body] of cases) {
    test(`${body.action} by ${user} in ${state} → 409 invalid_state`, async () => {
      const a = await appeal(state);
      const b = { ...body };
      if ('unit_id' in b) b.unit_id = zjUnit.id;
      if ('into_id' in b) b.into_id = (await appeal()).id;
      assertError(await act(a.id, T[user], b), 409, 'invalid_state');
      assert.equal((await get(a.id)).body.status, state, 'the state is unchanged');
    });
  }

  test('merged is final: no action but none applies', async () => {
    const target = await appeal();
    const a = await appeal();
    await ok(a.id, T.agent, { action: 'merge', into_id: target.id });
    for (const body of [{ action: 'dispatch', unit_id: zjUnit.id }, { action: 'close', note: 'x' }, { action: 'urge', note: 'x' }, { action: 'reopen', reason: 'x' }]) {
      assertError(await act(a.id, T.agent, body), 409, 'invalid_state');
    }
  });
});

describe('refusals by the wrong role or unit (403 forbidden)', () => {
  test('zhanqian sees an appeal located in 站前街道 dispatched to 住建局 but cannot sign, return or reply it', async () => {
    const a = await appeal('dispatched');
    assertStatus(await get(a.id, T.zhanqian), 200);
    assertError(await act(a.id, T.zhanqian, { action: 'sign' }), 403, 'forbidden');
    assertError(await act(a.id, T.zhanqian, { action: 'return', reason: '不归我管' }), 403, 'forbidden');
    assertError(await act(a.id, T.haizhou, { action: 'sign' }), 403, 'forbidden');
    await ok(a.id, T.zhujian, { action: 'sign' });
    assertError(await act(a.id, T.zhanqian, { action: 'reply', content: '答复', resolved: true }), 403, 'forbidden');
    assertError(await act(a.id, T.zhanqian, { action: 'request_extension', days: 2, reason: '延期' }), 403, 'forbidden');
  });

  test('the agent cannot take the handling unit\'s actions', async () => {
    const a = await appeal('dispatched');
    assertError(await act(a.id, T.agent, { action: 'sign' }), 403, 'forbidden');
    assertError(await act(a.id, T.agent, { action: 'return', reason: '退回' }), 403, 'forbidden');
    await ok(a.id, T.zhujian, { action: 'sign' });
    assertError(await act(a.id, T.agent, { action: 'reply', content: '答复', resolved: true }), 403, 'forbidden');
    assertError(await act(a.id, T.agent, { action: 'request_extension', days: 2, reason: '延期' }), 403, 'forbidden');
  });

  test('the handling unit cannot take the agent\'s actions', async () => {
    const a = await appeal('handling');
    assertError(await act(a.id, T.zhujian, { action: 'dispatch', unit_id: zjUnit.id }), 403, 'forbidden');
    await ok(a.id, T.zhujian, { action: 'request_extension', days: 2, reason: '延期' });
    assertError(await act(a.id, T.zhujian, { action: 'decide_extension', approve: true }), 403, 'forbidden');
    await ok(a.id, T.zhujian, { action: 'reply', content: '答复', resolved: true });
    assertError(await act(a.id, T.zhujian, { action: 'review', approve: true }), 403, 'forbidden');
    await ok(a.id, T.agent, { action: 'review', approve: true });
    assertError(await act(a.id, T.zhujian, { action: 'revisit', satisfaction: 'satisfied' }), 403, 'forbidden');
    await ok(a.id, T.agent, { action: 'revisit', satisfaction: 'satisfied' });
    assertError(await act(a.id, T.zhujian, { action: 'reopen', reason: '重办' }), 403, 'forbidden');
  });

  test('a leader may urge but not dispatch, close, merge, review or reopen', async () => {
    const a = await appeal();
    const b = await appeal();
    assertError(await act(a.id, T.leader, { action: 'dispatch', unit_id: zjUnit.id }), 403, 'forbidden');
    assertError(await act(a.id, T.leader, { action: 'close', note: '办结' }), 403, 'forbidden');
    assertError(await act(a.id, T.leader, { action: 'merge', into_id: b.id }), 403, 'forbidden');
    const r = await appeal('replied');
    assertError(await act(r.id, T.leader, { action: 'review', approve: true }), 403, 'forbidden');
    const c = await appeal('closed');
    assertError(await act(c.id, T.leader, { action: 'reopen', reason: '重办' }), 403, 'forbidden');
  });

  test('unit staff whose area holds the appeal cannot dispatch or close it', async () => {
    const a = await appeal();
    assertStatus(await get(a.id, T.zhanqian), 200);
    assertError(await act(a.id, T.zhanqian, { action: 'dispatch', unit_id: zjUnit.id }), 403, 'forbidden');
    assertError(await act(a.id, T.haizhou, { action: 'close', note: '办结' }), 403, 'forbidden');
    assert.equal((await get(a.id)).body.status, 'intake');
  });

  test('an appeal outside the caller\'s area answers 404 to actions too', async () => {
    const a = await appeal('dispatched');
    assertError(await act(a.id, T.xihe, { action: 'sign' }), 404);
    assertError(await act(a.id, T.xihe, { action: 'urge', note: 'x' }), 404);
  });
});

describe('allowed_actions', () => {
  test('matches what each caller may do in each state', async () => {
    const a = await appeal();
    assert.deepEqual(await allowed(a.id, 'agent'), sorted(['dispatch', 'close', 'urge', 'merge']));
    assert.deepEqual(await allowed(a.id, 'leader'), ['urge']);
    assert.deepEqual(await allowed(a.id, 'zhanqian'), []);

    await ok(a.id, T.agent, { action: 'dispatch', unit_id: zjUnit.id });
    assert.deepEqual(await allowed(a.id, 'zhujian'), sorted(['sign', 'return']));
    assert.deepEqual(await allowed(a.id, 'agent'), ['urge']);
    assert.deepEqual(await allowed(a.id, 'leader'), ['urge']);
    assert.deepEqual(await allowed(a.id, 'zhanqian'), []);

    await ok(a.id, T.zhujian, { action: 'sign' });
    assert.deepEqual(await allowed(a.id, 'zhujian'), sorted(['request_extension', 'reply']));
    assert.deepEqual(await allowed(a.id, 'agent'), ['urge']);

    await ok(a.id, T.zhujian, { action: 'request_extension', days: 2, reason: '延期' });
    assert.deepEqual(await allowed(a.id, 'zhujian'), ['reply']);
    assert.deepEqual(await allowed(a.id, 'agent'), sorted(['decide_extension', 'urge']));

    await ok(a.id, T.agent, { action: 'decide_extension', approve: true });
    assert.deepEqual(await allowed(a.id, 'zhujian'), sorted(['request_extension', 'reply']));
    assert.deepEqual(await allowed(a.id, 'agent'), ['urge']);

    await ok(a.id, T.zhujian, { action: 'reply', content: '已处理', resolved: true });
    assert.deepEqual(await allowed(a.id, 'agent'), sorted(['review', 'urge']));
    assert.deepEqual(await allowed(a.id, 'zhujian'), []);

    await ok(a.id, T.agent, { action: 'review', approve: true });
    assert.deepEqual(await allowed(a.id, 'agent'), sorted(['revisit', 'urge']));
    assert.deepEqual(await allowed(a.id, 'zhujian'), []);

    await ok(a.id, T.agent, { action: 'revisit', satisfaction: 'satisfied' });
    assert.deepEqual(await allowed(a.id, 'agent'), ['reopen']);
    assert.deepEqual(await allowed(a.id, 'leader'), []);
    assert.deepEqual(await allowed(a.id, 'zhujian'), []);

    const target = await appeal();
    const m = await appeal();
    await ok(m.id, T.agent, { action: 'merge', into_id: target.id });
    assert.deepEqual(await allowed(m.id, 'agent'), []);
    assert.deepEqual(await allowed(m.id, 'leader'), []);
  });

  test('each action listed succeeds and each refused one is not listed (the agent at intake, the unit when dispatched)', async () => {
    const a = await appeal();
    const g = await get(a.id);
    for (const name of ['sign', 'return', 'reply', 'review', 'revisit', 'reopen', 'request_extension', 'decide_extension']) {
      assert.ok(!g.body.allowed_actions.includes(name), `${name} not offered at intake`);
    }
    const d = await appeal('dispatched');
    const z = await get(d.id, T.zhujian);
    assert.ok(z.body.allowed_actions.includes('sign'));
    assertStatus(await act(d.id, T.zhujian, { action: 'sign' }), 200);
  });
});

describe('deadlines', () => {
  test('after dispatch sign_due_at and finish_due_at are ISO +08:00, finish after sign, both after dispatch', async () => {
    const a = await appeal('dispatched');
    assert.match(a.dispatched_at, ISO);
    assert.match(a.sign_due_at, ISO);
    assert.match(a.finish_due_at, ISO);
    const d = Date.parse(a.dispatched_at);
    const s = Date.parse(a.sign_due_at);
    const f = Date.parse(a.finish_due_at);
    assert.ok(s > d, 'sign deadline after dispatch');
    assert.ok(f > s, 'finish deadline after the sign deadline');
    assert.equal(a.overdue, false);
    assert.equal(a.sign_alert, 'none');
    assert.equal(a.finish_alert, 'none');
    // An appeal at intake has none.
    const i = await appeal();
    assert.equal(i.sign_due_at, null);
    assert.equal(i.finish_due_at, null);
  });

  test('an urgent appeal gets exactly 1 natural hour to sign and 24 natural hours to finish', async () => {
    const a = await appeal('dispatched', { urgent: true });
    assert.equal(a.urgent, true);
    const d = Date.parse(a.dispatched_at);
    assert.equal(Date.parse(a.sign_due_at) - d, 3600 * 1000, `sign ${a.sign_due_at} vs dispatched ${a.dispatched_at}`);
    assert.equal(Date.parse(a.finish_due_at) - d, 24 * 3600 * 1000, `finish ${a.finish_due_at} vs dispatched ${a.dispatched_at}`);
  });

  test('a housing appeal (finish_days 15) gets a later finish deadline than a plain complaint dispatched with it', async () => {
    const cats = await api('/api/v1/categories', { token: T.agent });
    assertStatus(cats, 200);
    const housing = cats.body.items.find((c) => c.code === 'housing');
    assert.ok(housing, 'the demo has a housing category');
    assert.equal(housing.finish_days, 15);
    const h = await appeal('intake', { category_id: housing.id });
    const p = await appeal('intake');
    const [dh, dp] = await Promise.all([
      ok(h.id, T.agent, { action: 'dispatch', unit_id: zjUnit.id }),
      ok(p.id, T.agent, { action: 'dispatch', unit_id: zjUnit.id }),
    ]);
    assert.ok(Date.parse(dh.finish_due_at) > Date.parse(dp.finish_due_at),
      `housing ${dh.finish_due_at} later than plain ${dp.finish_due_at}`);
    // 15 working days are at least 15 calendar days.
    assert.ok(Date.parse(dh.finish_due_at) - Date.parse(dh.dispatched_at) >= 15 * DAY);
  });
});

describe('audit', () => {
  test('each action of an appeal appears in GET /api/v1/audit?entity=appeal&entity_id=ID', async () => {
    const a = await appeal();
    await ok(a.id, T.agent, { action: 'urge', note: '督办' });
    await ok(a.id, T.agent, { action: 'dispatch', unit_id: zjUnit.id });
    await ok(a.id, T.zhujian, { action: 'sign' });
    await ok(a.id, T.zhujian, { action: 'request_extension', days: 2, reason: '延期' });
    await ok(a.id, T.agent, { action: 'decide_extension', approve: true });
    await ok(a.id, T.zhujian, { action: 'reply', content: '已处理', resolved: true });
    await ok(a.id, T.agent, { action: 'review', approve: true });
    await ok(a.id, T.agent, { action: 'revisit', satisfaction: 'satisfied' });
    const r = await api(`/api/v1/audit?entity=appeal&entity_id=${a.id}&per_page=200`, { token: T.admin });
    assertStatus(r, 200);
    const entries = r.body.items;
    for (const e of entries) {
      assert.equal(e.entity, 'appeal');
      assert.equal(e.entity_id, a.id);
    }
    const expect = [
      ['dispatch', 'agent'], ['sign', 'zhujian'], ['request_extension', 'zhujian'], ['decide_extension', 'agent'],
      ['reply', 'zhujian'], ['review', 'agent'], ['revisit', 'agent'], ['urge', 'agent'],
    ];
    for (const [action, actor] of expect) {
      const e = entries.find((x) => new RegExp(`(^|[_.])${action}$`).test(x.action));
      assert.ok(e, `an entry for ${action} (got ${entries.map((x) => x.action).join(', ')})`);
      assert.equal(e.actor, actor, `${action} by ${actor}`);
      assert.equal(e.ip, '127.0.0.1');
    }
    assert.ok(entries.length >= expect.length + 1, 'the intake is audited too');
    assert.equal(r.body.total, entries.length);
    // A refused action leaves no entry.
    assertError(await act(a.id, T.agent, { action: 'close', note: 'x' }), 409);
    const again = await api(`/api/v1/audit?entity=appeal&entity_id=${a.id}&per_page=200`, { token: T.admin });
    assert.equal(again.body.total, r.body.total);
  });
});

describe('concurrency', () => {
  test('10 parallel signs of one dispatched appeal by its unit: exactly one 200, the rest 409', async () => {
    const a = await appeal('dispatched');
    const results = await Promise.all(Array.from({ length: 10 }, () => act(a.id, T.zhujian, { action: 'sign' })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, ...Array(9).fill(409)], results.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join(' | '));
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'invalid_state');
    const g = await get(a.id);
    assert.equal(g.body.status, 'handling');
    assert.equal(g.body.timeline.filter((t) => t.action === 'sign').length, 1, 'one sign on the timeline');
  });

  test('parallel dispatch and close of one intake appeal: exactly one wins', async () => {
    const a = await appeal();
    const results = await Promise.all([
      act(a.id, T.agent, { action: 'dispatch', unit_id: zjUnit.id }),
      act(a.id, T.agent, { action: 'close', note: '办结' }),
      act(a.id, T.agent, { action: 'dispatch', unit_id: zjUnit.id }),
      act(a.id, T.agent, { action: 'close', note: '办结' }),
    ]);
    const wins = results.filter((r) => r.status === 200);
    assert.equal(wins.length, 1, results.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join(' | '));
    for (const r of results.filter((x) => x.status !== 200)) assertError(r, 409, 'invalid_state');
    const g = await get(a.id);
    assert.equal(g.body.status, wins[0].body.status);
  });
});
