// 重点问题 (docs/projects.md): registration by the supervision office, admins and leaders
// (the lead leader must hold the leader role), the traffic light from the milestones,
// progress, instructions (the lead leader), coordination items, milestones done, close by
// the lead leader only (403 for everyone else, admin included) and reopen, the leader's
// desk, who sees one (404 for the rest), bad input, and an overdue milestone escalated by
// the scheduler to the lead leader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, unitByName, userByName, run } from '../lib/api-helpers.mjs';

const K = '/api/v1/key-issues';
const DAY = 24 * 3600 * 1000;
let srv, api, T, U, ID;

// A local (China Standard Time) date `days` from today.
const dateIn = (days) => new Date(Date.now() + 8 * 3600 * 1000 + days * DAY).toISOString().slice(0, 10);
let serial = 0;
const uniq = (w) => `${w}${Date.now().toString(36)}${serial++}`;

async function make(token, body = {}) {
  const r = await api(K, {
    method: 'POST', token,
    body: {
      title: uniq('重点问题'), lead_leader_id: ID.leader, lead_unit_id: U['海州区'].id,
      task_force: [ID.haizhou, ID.fagai], plan: '一月一调度',
      milestones: [{ title: '方案', due: dateIn(30) }, { title: '完成', due: dateIn(60) }], ...body,
    },
  });
  assertStatus(r, 201);
  return r.body;
}
const act = (id, token, body) => api(`${K}/${id}/actions`, { method: 'POST', token, body });
async function ok(id, token, body) {
  const r = await act(id, token, body);
  assertStatus(r, 200);
  return r.body;
}

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T = {};
  ID = {};
  for (const u of ['admin', 'leader', 'ducha', 'fagai', 'haizhou', 'xihe', 'zhujian', 'agent']) {
    T[u] = await login(api, u);
    ID[u] = (await userByName(api, T.admin, u)).id;
  }
  U = { 海州区: await unitByName(api, T.admin, '海州区') };
});
after(() => stopClean(srv));

test('the supervision office registers a key issue; its plan, task force and milestones', async () => {
  const k = await make(T.ducha);
  assert.match(k.number, /^ZD\d{14}$/);
  assert.equal(k.status, 'open');
  assert.equal(k.lead_leader.id, ID.leader);
  assert.equal(k.lead_unit.id, U['海州区'].id);
  assert.equal(k.plan, '一月一调度');
  assert.deepEqual(k.task_force.map((m) => m.id).sort(), [ID.haizhou, ID.fagai].sort());
  assert.deepEqual(k.milestones.map((m) => m.title), ['方案', '完成']);
  assert.equal(k.light, 'green');
  assert.deepEqual(k.actions.sort(), ['coordinate', 'milestone_done', 'progress', 'reopen'].filter((a) => a !== 'reopen').sort());
  // Leaders and admins register too; other staff do not.
  await make(T.leader);
  await make(T.admin);
  assertError(await api(K, { method: 'POST', token: T.haizhou, body: { title: 'x', lead_leader_id: ID.leader } }), 403, 'forbidden');
  assertError(await api(K, { method: 'POST', token: T.agent, body: { title: 'x', lead_leader_id: ID.leader } }), 403);
  // The lead leader and the task force are told.
  const inbox = await api('/api/v1/notifications?per_page=200', { token: T.leader });
  assert.ok(inbox.body.items.some((n) => n.kind === 'key_issue_lead' && n.case && n.case.id === k.id));
});

test('bad input: the lead leader must be a leader, and every field is checked', async () => {
  const post = (b) => api(K, { method: 'POST', token: T.ducha, body: { title: 'x', lead_leader_id: ID.leader, ...b } });
  assertError(await post({ lead_leader_id: ID.zhujian }), 422, 'not_a_leader', 'lead_leader_id');
  assertError(await post({ lead_leader_id: 999999999 }), 422, 'not_a_leader', 'lead_leader_id');
  assertError(await post({ title: undefined }), 422, 'missing_field', 'title');
  assertError(await post({ title: 'x'.repeat(101) }), 422, undefined, 'title');
  assertError(await post({ lead_leader_id: 'leader' }), 400, 'invalid_type', 'lead_leader_id');
  assertError(await post({ task_force: 'all' }), 400, 'invalid_type', 'task_force');
  assertError(await post({ task_force: [999999999] }), 422, 'invalid_user', 'task_force');
  assertError(await post({ milestones: [{ title: 'a', due: '2026-02-30' }] }), 422, 'invalid_date', 'milestones[0].due');
  assertError(await post({ milestones: [{ due: '2026-02-03' }] }), 422, 'missing_field', 'milestones[0].title');
  assertError(await post({ lead_unit_id: 999999999 }), 422, 'invalid_unit', 'lead_unit_id');
  const k = await make(T.ducha);
  assertError(await act(k.id, T.haizhou, { action: 'fly' }), 422, 'invalid_action');
  assertError(await act(k.id, T.haizhou, { action: 'progress' }), 422, 'missing_field', 'note');
  assertError(await act(k.id, T.haizhou, { action: 'coordinate', month: '2026-13', problem: 'p', measures: 'm' }), 422, 'invalid_month', 'month');
  assertError(await act(k.id, T.haizhou, { action: 'milestone_done', milestone_id: 'x' }), 400);
  assertError(await api(`${K}?light=blue`, { token: T.ducha }), 400, 'invalid_parameter', 'light');
});

test('the light: green, yellow within 7 days, red when a milestone is overdue', async () => {
  const green = await make(T.ducha, { milestones: [{ title: 'a', due: dateIn(8) }] });
  assert.equal(green.light, 'green');
  const yellow = await make(T.ducha, { milestones: [{ title: 'a', due: dateIn(3) }, { title: 'b', due: dateIn(40) }] });
  assert.equal(yellow.light, 'yellow');
  assert.equal(yellow.milestones[0].due_soon, true);
  const red = await make(T.ducha, { milestones: [{ title: 'a', due: dateIn(-1) }, { title: 'b', due: dateIn(5) }] });
  assert.equal(red.light, 'red');
  assert.equal(red.overdue_milestones, 1);
  assert.equal(red.milestones[0].overdue, true);
  // Done, the overdue one no longer counts: the next is due within 7 days.
  const after = await ok(red.id, T.haizhou, { action: 'milestone_done', milestone_id: red.milestones[0].id });
  assert.equal(after.light, 'yellow');
  assert.ok(after.milestones[0].done_at);
  assertError(await act(red.id, T.haizhou, { action: 'milestone_done', milestone_id: red.milestones[0].id }), 409, 'invalid_state');
  assertError(await act(red.id, T.haizhou, { action: 'milestone_done', milestone_id: green.milestones[0].id }), 422, 'invalid_milestone');
  const none = await make(T.ducha, { milestones: [] });
  assert.equal(none.light, 'green');
  const reds = await api(`${K}?light=red&per_page=200`, { token: T.ducha });
  assert.ok(reds.body.items.every((x) => x.light === 'red'));
  assert.ok(!reds.body.items.some((x) => x.id === red.id));
});

test('progress, instructions, coordination items; only the lead leader instructs', async () => {
  const k = await make(T.ducha);
  let x = await ok(k.id, T.haizhou, { action: 'progress', note: '已完成用地预审' });
  assert.equal(x.progress[0].note, '已完成用地预审');
  const inbox = await api('/api/v1/notifications?per_page=200', { token: T.leader });
  assert.ok(inbox.body.items.some((n) => n.kind === 'key_issue_progress' && n.case.id === k.id && n.body === '已完成用地预审'));
  assertError(await act(k.id, T.haizhou, { action: 'instruct', note: '抓紧' }), 403, 'forbidden');
  assertError(await act(k.id, T.ducha, { action: 'instruct', note: '抓紧' }), 403, 'forbidden');
  x = await ok(k.id, T.leader, { action: 'instruct', note: '本月底前必须解决' });
  assert.equal(x.instructions[0].note, '本月底前必须解决');
  const member = await api('/api/v1/notifications?per_page=200', { token: T.fagai });
  assert.ok(member.body.items.some((n) => n.kind === 'key_issue_instruct' && n.case.id === k.id), 'the task force hears the instruction');
  x = await ok(k.id, T.fagai, { action: 'coordinate', month: '2026-11', problem: '融资缺口', measures: '协调银行授信', minutes: '专题会议纪要' });
  assert.deepEqual(x.coordinations.map((c) => [c.month, c.problem, c.measures, c.minutes]), [['2026-11', '融资缺口', '协调银行授信', '专题会议纪要']]);
  assert.ok(x.timeline.some((t) => t.action === 'coordinate'));
  const audit = await api(`/api/v1/audit?entity=key_issue&entity_id=${k.id}`, { token: T.admin });
  assert.ok(audit.body.items.some((a) => a.action === 'key_issue_instruct'));
});

test('only the lead leader closes: 403 for admin, the office and the task force; reopen', async () => {
  const k = await make(T.ducha);
  for (const t of [T.admin, T.ducha, T.haizhou, T.fagai]) assertError(await act(k.id, t, { action: 'close' }), 403, 'forbidden');
  const other = await make(T.ducha, { lead_leader_id: ID.leader });
  assert.ok(other.id);
  const mine = (await api(`${K}/${k.id}`, { token: T.leader })).body;
  assert.ok(mine.actions.includes('close'));
  assert.ok(!(await api(`${K}/${k.id}`, { token: T.admin })).body.actions.includes('close'));
  const closed = await ok(k.id, T.leader, { action: 'close', note: '问题已解决' });
  assert.equal(closed.status, 'closed');
  assert.equal(closed.light, null);
  assert.ok(closed.closed_at);
  assertError(await act(k.id, T.leader, { action: 'close' }), 409, 'invalid_state');
  assertError(await act(k.id, T.haizhou, { action: 'progress', note: 'x' }), 409, 'invalid_state');
  assertError(await act(k.id, T.haizhou, { action: 'reopen' }), 403);
  const again = await ok(k.id, T.ducha, { action: 'reopen', note: '问题反弹' });
  assert.equal(again.status, 'open');
});

test('who sees a key issue: the lead leader, the task force, the lead unit, the office, leaders; 404 for others', async () => {
  const k = await make(T.ducha, { task_force: [ID.fagai] });
  for (const t of [T.leader, T.fagai, T.haizhou, T.ducha, T.admin]) assertStatus(await api(`${K}/${k.id}`, { token: t }), 200);
  for (const t of [T.xihe, T.zhujian]) assertError(await api(`${K}/${k.id}`, { token: t }), 404, 'not_found');
  assertError(await act(k.id, T.xihe, { action: 'progress', note: 'x' }), 404);
  const list = await api(`${K}?per_page=200`, { token: T.xihe });
  assertStatus(list, 200);
  assert.ok(!list.body.items.some((x) => x.id === k.id));
  const seen = await api(`${K}?per_page=200&q=${encodeURIComponent(k.title)}`, { token: T.fagai });
  assert.deepEqual(seen.body.items.map((x) => x.id), [k.id]);
});

test('the leader\'s desk lists what the caller leads, with counts by light', async () => {
  const k = await make(T.ducha, { milestones: [{ title: 'a', due: dateIn(-3) }] });
  const desk = await api(`${K}/desk`, { token: T.leader });
  assertStatus(desk, 200);
  assert.ok(desk.body.items.some((x) => x.id === k.id));
  assert.ok(desk.body.items.every((x) => x.lead_leader.id === ID.leader && x.status === 'open'));
  assert.equal(desk.body.counts.open, desk.body.items.length);
  assert.equal(desk.body.counts.red, desk.body.items.filter((x) => x.light === 'red').length);
  assertError(await api(`${K}/desk`, { token: T.ducha }), 403);
});

test('the cockpit: a city leader sees the city, a county head the county; leaders and admins only', async () => {
  const red = await make(T.ducha, { milestones: [{ title: 'a', due: dateIn(-5) }] });
  const city = await api('/api/v1/cockpit', { token: T.leader });
  assertStatus(city, 200);
  assert.equal(city.body.scope.kind, 'city');
  assert.equal(city.body.investment.counties.length, 7);
  assert.equal(city.body.rates.counties.length, 7);
  for (const c of city.body.rates.counties) for (const k of ['response_rate', 'resolution_rate', 'satisfaction_rate']) assert.ok(c[k] === null || (c[k] >= 0 && c[k] <= 1), k);
  assert.ok(city.body.key_issues.overdue >= 1);
  assert.ok(city.body.key_issues.items.length <= 10);
  assert.ok(city.body.key_issues.items.every((k) => k.light === 'red'));
  for (const k of ['today', 'open', 'overdue']) assert.equal(typeof city.body.appeals[k], 'number');
  // The rankings panel is there exactly when this build serves the reviews' latest cards.
  const reviews = await api('/api/v1/reviews/latest', { token: T.leader });
  assert.equal(city.body.panels.rankings, reviews.status !== 404);
  // A county head: a leader whose unit is 海州区.
  const r = run(['user', 'add', '--db', srv.db.url, '--username', 'hz_head', '--name', '海州区长',
    '--unit', String(U['海州区'].id), '--roles', 'leader'], { input: 'County-head-2026\n' });
  assert.equal(r.status, 0, r.stderr);
  const head = await login(api, 'hz_head', 'County-head-2026');
  const county = await api('/api/v1/cockpit', { token: head });
  assertStatus(county, 200);
  assert.equal(county.body.scope.kind, 'county');
  assert.equal(county.body.scope.name, '海州区');
  assert.deepEqual(county.body.investment.counties.map((c) => c.county_id), [U['海州区'].id]);
  assert.ok(county.body.key_issues.items.some((k) => k.id === red.id));
  assert.ok(county.body.key_issues.items.every((k) => k.lead_unit.id === U['海州区'].id));
  assert.ok(county.body.key_issues.overdue <= city.body.key_issues.overdue);
  assert.ok(county.body.appeals.open <= city.body.appeals.open);
  assert.deepEqual(county.body.rates.counties.map((c) => c.county_id), [U['海州区'].id]);
  assert.deepEqual(county.body.rates.counties[0], city.body.rates.counties.find((c) => c.county_id === U['海州区'].id));
  assertStatus(await api('/api/v1/cockpit', { token: T.admin }), 200);
  assertError(await api('/api/v1/cockpit', { token: T.ducha }), 403);
});

test('the cockpit\'s three rates by county count the appeals about the county, a city bureau\'s too', async () => {
  // A new county with no appeals of its own; three appeals about it handled by the city's
  // housing bureau (no unit under the county ever sees them).
  const city = (await api('/api/v1/units?kind=city', { token: T.admin })).body.items[0];
  const cu = await api('/api/v1/units', { method: 'POST', token: T.admin, body: { name: uniq('驾驶舱测试县'), kind: 'county', parent_id: city.id } });
  assertStatus(cu, 201);
  const bureau = (await userByName(api, T.admin, 'zhujian')).unit;
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const a = await api('/api/v1/appeals', { method: 'POST', token: T.agent, body: { content: uniq('驾驶舱三率测试诉求'), channel: '8890', type: 'complaint', region_id: cu.body.id } });
    assertStatus(a, 201);
    assertStatus(await api(`/api/v1/appeals/${a.body.id}/actions`, { method: 'POST', token: T.agent, body: { action: 'dispatch', unit_id: bureau.id } }), 200);
    ids.push(a.body.id);
  }
  for (const id of ids.slice(0, 2)) assertStatus(await api(`/api/v1/appeals/${id}/actions`, { method: 'POST', token: T.zhujian, body: { action: 'sign' } }), 200);
  // What summing /stats/appeals over the county's units gave: nothing.
  const under = await api(`/api/v1/stats/appeals?unit_id=${cu.body.id}`, { token: T.leader });
  assertStatus(under, 200);
  assert.equal(under.body.items.length, 0);
  const ck = await api('/api/v1/cockpit', { token: T.leader });
  assertStatus(ck, 200);
  const row = ck.body.rates.counties.find((c) => c.county_id === cu.body.id);
  assert.ok(row, 'the new county is listed');
  assert.equal(row.dispatched, 3);
  assert.equal(row.signed_on_time, 2);
  assert.equal(row.response_rate, 2 / 3);
  assert.equal(row.closed, 0);
  assert.equal(row.resolution_rate, null);
  assert.equal(row.satisfaction_rate, null);
  // Every county of the city is there; a county's dispatches are no fewer than its own
  // units received from appeals about it (the stats endpoint's by-unit figures).
  assert.ok(ck.body.rates.counties.length >= 8);
  const hz = ck.body.rates.counties.find((c) => c.county_id === U['海州区'].id);
  assert.ok(hz.dispatched > 0);
  assert.match(ck.body.rates.from, /^\d{4}-\d{2}-01T00:00:00/);
});

test('an overdue milestone escalates to the lead leader through the scheduler', async () => {
  const k = await make(T.ducha, { title: uniq('逾期升级'), milestones: [{ title: '逾期节点', due: dateIn(-2) }, { title: '后续', due: dateIn(20) }] });
  assert.equal(k.light, 'red');
  // The scheduler's first pass runs when the server starts.
  await srv.stop({ keepDb: true });
  const db = srv.db;
  srv = await startServer({ db });
  api = client(srv.url);
  const leader = await login(api, 'leader');
  let hit;
  for (let i = 0; i < 100 && !hit; i++) {
    const inbox = await api('/api/v1/notifications?per_page=200', { token: leader });
    hit = inbox.body.items.find((n) => n.kind === 'key_issue_overdue' && n.case && n.case.id === k.id);
    if (!hit) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(hit, 'the lead leader was told');
  assert.match(hit.body, /逾期节点/);
  const x = (await api(`${K}/${k.id}`, { token: leader })).body;
  assert.equal(x.escalations, 1);
  assert.ok(x.timeline.some((t) => t.action === 'urge'), 'the engine urged it');
  const unit = await api('/api/v1/notifications?per_page=200', { token: await login(api, 'haizhou') });
  assert.ok(unit.body.items.some((n) => n.kind === 'urge' && n.case && n.case.id === k.id), 'the lead unit was urged');
  // Done, the next milestone is the deadline again and nothing is overdue.
  const after = await ok(k.id, leader, { action: 'milestone_done', milestone_id: x.milestones[0].id });
  assert.equal(after.light, 'green');
  await srv.stop();
  db.drop();
  srv = null;
});
