// 纠纷化解, the action table (docs/disputes.md "Actions"): every step of a dispute from
// investigation to the return visit, the agreement and its PDF, escalation level by level,
// a breach that reopens the case, the 30-day window of judicial confirmation, referral and
// withdrawal, urging and risk warnings, the appeal that became a dispute (shown on both),
// and every refusal: 403 wrong role or unit, 409 wrong state, 400/422 bad input, 404
// outside the area.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, sql, isPostgres, createUserApproved } from '../lib/api-helpers.mjs';
import { mediatorLogin, D, DAY, ISO, dateIn, timeIn, logins, demoUnits, disputeFactory, actOn, ok, freshPhone } from '../lib/disputes.mjs';

let srv, api, T, U, make;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T = await logins(api, ['dwf_mediator', 'hjd_mediator', 'mediator', 'agent', 'leader', 'admin']);
  U = await demoUnits(api, T.admin);
  T.xihe_centre = await mediatorLogin(api, U['细河区矛盾纠纷调解中心']);
  make = disputeFactory(api, 'AC');
});
after(async () => { await stopClean(srv); });

const get = async (id, token = T.leader) => {
  const r = await api(`${D}/${id}`, { token });
  assertStatus(r, 200);
  return r.body;
};
const act = (id, token, body) => actOn(api, id, token, body);
const step = (id, token, body) => ok(api, id, token, body);
const sorted = (a) => [...a].sort();

test('a village dispute from investigation to the return visit', async () => {
  const d = await make(T.dwf_mediator);
  let x = await step(d.id, T.dwf_mediator, { action: 'investigate', held_at: timeIn(-60), place: '东瓦房村3组', present: '双方当事人及邻居', notes: '查看了现场，排水沟确被填平。' });
  assert.equal(x.status, 'accepted');
  assert.equal(x.records.length, 1);
  assert.equal(x.records[0].kind, 'investigation');
  assert.equal(x.records[0].present, '双方当事人及邻居');
  // A session planned ahead, then held: its minutes fill the planned record.
  x = await step(d.id, T.dwf_mediator, { action: 'record_session', held_at: timeIn(24 * 60), place: '村委会调解室', present: '双方当事人' });
  const planned = x.records.find((r) => r.kind === 'session');
  assert.equal(planned.planned, true);
  assert.equal(planned.notes, null);
  const list = await api(`${D}?q=${d.marker}`, { token: T.dwf_mediator });
  assert.match(list.body.items[0].next_session, ISO);
  x = await step(d.id, T.dwf_mediator, { action: 'record_session', record_id: planned.id, held_at: timeIn(-5), place: '村委会调解室', notes: '双方同意由李某恢复排水沟并赔偿。' });
  const held = x.records.find((r) => r.id === planned.id);
  assert.equal(held.planned, false);
  assert.equal(held.notes, '双方同意由李某恢复排水沟并赔偿。');
  assert.equal(x.records.filter((r) => r.kind === 'session').length, 1, 'the planned record was filled in, not duplicated');
  x = await step(d.id, T.dwf_mediator, { action: 'agree', terms: '一、李某十日内恢复排水沟；\n二、李某赔偿王某一千二百元。', fulfil_by: dateIn(10), fulfil_how: '现金支付', matters: '排水沟恢复及损失赔偿' });
  assert.equal(x.status, 'agreed');
  const a = x.agreement;
  assert.match(a.number, /^东调字〔\d{4}〕第\d{4}号$/);
  assert.equal(a.terms, '一、李某十日内恢复排水沟；\n二、李某赔偿王某一千二百元。');
  assert.equal(a.fulfil_by.slice(0, 10), dateIn(10));
  assert.equal(a.copies, 3, 'one for each party and one for the committee');
  assert.equal(a.fulfilment, null);
  assert.equal(x.fulfil_by, a.fulfil_by);
  assert.deepEqual(sorted(x.allowed_actions), ['apply_confirmation', 'check_fulfilment', 'flag_risk']);
  x = await step(d.id, T.dwf_mediator, { action: 'check_fulfilment', fulfilled: true, note: '已履行完毕' });
  assert.equal(x.status, 'closed');
  assert.match(x.closed_at, ISO);
  assert.equal(x.agreement.fulfilment.fulfilled, true);
  x = await step(d.id, T.dwf_mediator, { action: 'revisit', notes: '双方关系融洽。', satisfaction: 'satisfied' });
  assert.equal(x.status, 'closed');
  assert.equal(x.revisit.satisfaction, 'satisfied');
  assert.equal(x.records.filter((r) => r.kind === 'revisit').length, 1);
  const actions = x.timeline.map((t) => t.action);
  assert.deepEqual(actions, ['create', 'investigate', 'record_session', 'record_session', 'agree', 'check_fulfilment', 'revisit']);
  assert.deepEqual(x.timeline.map((t) => t.to), ['accepted', 'accepted', 'accepted', 'accepted', 'agreed', 'closed', 'closed']);
  // The audit trail has each step.
  const audit = await api(`/api/v1/audit?entity=dispute&entity_id=${d.id}&per_page=50`, { token: T.admin });
  assertStatus(audit, 200);
  const names = audit.body.items.map((i) => i.action);
  for (const n of ['dispute_create', 'dispute_investigate', 'dispute_record_session', 'dispute_agree', 'dispute_check_fulfilment', 'dispute_revisit']) assert.ok(names.includes(n), n);
});

test('wrong state is 409, a wrong role or unit 403, bad input 400/422', async () => {
  const d = await make(T.dwf_mediator);
  assertError(await act(d.id, T.dwf_mediator, { action: 'check_fulfilment', fulfilled: true }), 409, 'invalid_state');
  assertError(await act(d.id, T.dwf_mediator, { action: 'revisit', notes: 'x' }), 409, 'invalid_state');
  assertError(await act(d.id, T.dwf_mediator, { action: 'apply_confirmation', court: '海州区人民法院' }), 409, 'invalid_state');
  assertError(await act(d.id, T.hjd_mediator, { action: 'investigate', held_at: timeIn(-1), place: 'p', present: 'x', notes: 'n' }), 403, 'forbidden');
  assertError(await act(d.id, T.leader, { action: 'agree', terms: 't', fulfil_by: dateIn(1) }), 403, 'forbidden');
  assertError(await act(d.id, T.xihe_centre, { action: 'agree', terms: 't', fulfil_by: dateIn(1) }), 404, 'not_found');
  assertError(await act(d.id, T.dwf_mediator, { action: 'dance' }), 422, 'invalid_action', 'action');
  assertError(await act(d.id, T.dwf_mediator, {}), 422, 'missing_field', 'action');
  assertError(await act(d.id, T.dwf_mediator, { action: 'investigate', held_at: timeIn(-1), place: 'p', present: 'x' }), 422, 'missing_field', 'notes');
  assertError(await act(d.id, T.dwf_mediator, { action: 'investigate', held_at: 'yesterday', place: 'p', present: 'x', notes: 'n' }), 422, 'invalid_time', 'held_at');
  assertError(await act(d.id, T.dwf_mediator, { action: 'investigate', held_at: timeIn(120), place: 'p', present: 'x', notes: 'n' }), 422, 'out_of_range', 'held_at');
  assertError(await act(d.id, T.dwf_mediator, { action: 'record_session', held_at: timeIn(-30), place: 'p' }), 422, 'missing_field', 'notes');
  assertError(await act(d.id, T.dwf_mediator, { action: 'record_session', held_at: timeIn(-30), place: 'p', notes: 'n', record_id: 999999999 }), 422, 'invalid_record', 'record_id');
  assertError(await act(d.id, T.dwf_mediator, { action: 'agree', terms: 't', fulfil_by: dateIn(-2) }), 422, 'out_of_range', 'fulfil_by');
  assertError(await act(d.id, T.dwf_mediator, { action: 'agree', fulfil_by: dateIn(2) }), 422, 'missing_field', 'terms');
  assertError(await act(d.id, T.dwf_mediator, { action: 'agree', terms: 't', fulfil_by: dateIn(2), copies: 1 }), 422, 'out_of_range', 'copies');
  assertError(await act(d.id, T.dwf_mediator, { action: 'agree', terms: 7, fulfil_by: dateIn(2) }), 400, 'invalid_type', 'terms');
  assertError(await act(d.id, T.dwf_mediator, { action: 'refer', to: 'police' }), 422, 'invalid_value', 'to');
  assertError(await act(d.id, T.dwf_mediator, { action: 'fail' }), 422, 'missing_field', 'reason');
  assertError(await act(d.id, T.dwf_mediator, { action: 'flag_risk', note: 'x', threats: 'yes' }), 400, 'invalid_type', 'threats');
  // Nothing of that changed the dispute.
  const x = await get(d.id);
  assert.equal(x.status, 'accepted');
  assert.deepEqual(x.timeline.map((t) => t.action), ['create']);
});

test('escalation moves the dispute up level by level; the county is the top (409)', async () => {
  const d = await make(T.dwf_mediator);
  let x = await step(d.id, T.dwf_mediator, { action: 'escalate', reason: '双方分歧大，村级难以化解' });
  assert.equal(x.status, 'accepted');
  assert.equal(x.level, 'township');
  assert.equal(x.unit.id, U['韩家店镇矛盾纠纷调解中心'].id);
  assert.equal(x.escalations, 1);
  assert.equal(x.mediator, null, 'the new unit\'s mediator takes it on');
  const last = x.timeline[x.timeline.length - 1];
  assert.equal(last.action, 'escalate');
  assert.equal(last.data.to_unit_id, U['韩家店镇矛盾纠纷调解中心'].id);
  // The village still sees it (its place), but no longer mediates it.
  const seen = await get(d.id, T.dwf_mediator);
  assert.deepEqual(seen.allowed_actions, []);
  assertError(await act(d.id, T.dwf_mediator, { action: 'agree', terms: 't', fulfil_by: dateIn(1) }), 403, 'forbidden');
  const inbox = await api('/api/v1/notifications?per_page=50', { token: T.hjd_mediator });
  assert.ok(inbox.body.items.some((n) => n.kind === 'dispute_escalated' && n.case.id === d.id));
  x = await step(d.id, T.hjd_mediator, { action: 'investigate', held_at: timeIn(-1), place: '镇调解中心', present: '双方', notes: '了解情况' });
  assert.equal(x.mediator.id > 0, true);
  x = await step(d.id, T.hjd_mediator, { action: 'escalate', reason: '涉及专业鉴定' });
  assert.equal(x.level, 'county');
  assert.equal(x.unit.name, '海州区矛盾纠纷调解中心');
  assert.ok(!x.allowed_actions.includes('escalate'));
  assertError(await act(d.id, T.mediator, { action: 'escalate', reason: '再上报' }), 409, 'top_level');
  // Failed at the county, it can still be referred; referred is the end.
  x = await step(d.id, T.mediator, { action: 'fail', reason: '调解不成' });
  assert.equal(x.status, 'failed');
  assert.deepEqual(sorted(x.allowed_actions), ['flag_risk', 'refer', 'withdraw']);
  x = await step(d.id, T.mediator, { action: 'refer', to: 'court', reason: '告知起诉' });
  assert.equal(x.status, 'referred');
  assert.equal(x.referred_to, 'court');
  assert.equal(x.ended.reason, '告知起诉');
  assert.match(x.closed_at, ISO);
  assertError(await act(d.id, T.mediator, { action: 'withdraw' }), 409, 'invalid_state');
  assertError(await act(d.id, T.leader, { action: 'urge', note: '督办' }), 409, 'invalid_state');
});

test('failure and escalation from failed, withdrawal', async () => {
  const d = await make(T.dwf_mediator);
  let x = await step(d.id, T.dwf_mediator, { action: 'fail', reason: '各执己见' });
  assert.equal(x.status, 'failed');
  assert.equal(x.ended.reason, '各执己见');
  x = await step(d.id, T.dwf_mediator, { action: 'escalate', reason: '申请上级调解' });
  assert.equal(x.status, 'accepted');
  assert.equal(x.level, 'township');
  assert.equal(x.ended, null);
  const w = await make(T.dwf_mediator);
  x = await step(w.id, T.dwf_mediator, { action: 'withdraw' });
  assert.equal(x.status, 'withdrawn');
  assert.deepEqual(x.allowed_actions, []);
});

test('a breached agreement reopens the dispute; a new agreement gets a new number', async () => {
  const d = await make(T.dwf_mediator);
  let x = await step(d.id, T.dwf_mediator, { action: 'agree', terms: '赔偿八百元', fulfil_by: dateIn(3) });
  const first = x.agreement.number;
  x = await step(d.id, T.dwf_mediator, { action: 'check_fulfilment', fulfilled: false, note: '对方拒不履行' });
  assert.equal(x.status, 'accepted');
  const last = x.timeline[x.timeline.length - 1];
  assert.equal(last.action, 'check_fulfilment');
  assert.equal(last.data.breach, true);
  assert.equal(last.data.fulfilled, false);
  assert.equal(last.note, '对方拒不履行');
  assert.equal(x.agreement.number, first, 'the breached agreement stays on record');
  assert.equal(x.agreement.fulfilment.fulfilled, false);
  x = await step(d.id, T.dwf_mediator, { action: 'agree', terms: '分两次赔偿八百元', fulfil_by: dateIn(20) });
  assert.equal(x.status, 'agreed');
  assert.notEqual(x.agreement.number, first);
  assert.equal(x.agreement.fulfilment, null);
});

test('judicial confirmation: applied for within 30 days of the agreement, then the ruling', async () => {
  const late = await make(T.dwf_mediator);
  await step(late.id, T.dwf_mediator, { action: 'agree', terms: '赔偿', fulfil_by: dateIn(60) });
  // The agreement of 31 days ago: the window has passed.
  const agreed = Date.now() - 31 * DAY;
  sql(srv.db.url, `UPDATE disputes SET agreed_at = ${agreed} WHERE case_id = ${late.id}`);
  assert.ok(!(await get(late.id, T.dwf_mediator)).allowed_actions.includes('apply_confirmation'));
  assertError(await act(late.id, T.dwf_mediator, { action: 'apply_confirmation', court: '海州区人民法院' }), 422, 'window_passed', 'applied_at');
  const d = await make(T.dwf_mediator);
  await step(d.id, T.dwf_mediator, { action: 'agree', terms: '赔偿两千元', fulfil_by: dateIn(45) });
  assertError(await act(d.id, T.dwf_mediator, { action: 'record_ruling', ruling: 'confirmed' }), 409, 'no_application');
  assertError(await act(d.id, T.dwf_mediator, { action: 'apply_confirmation', court: '海州区人民法院', applied_at: timeIn(60) }), 422, 'out_of_range', 'applied_at');
  assertError(await act(d.id, T.dwf_mediator, { action: 'apply_confirmation' }), 422, 'missing_field', 'court');
  let x = await step(d.id, T.dwf_mediator, { action: 'apply_confirmation', court: '海州区人民法院' });
  assert.equal(x.confirmation.court, '海州区人民法院');
  assert.match(x.confirmation.applied_at, ISO);
  assert.equal(x.confirmation.ruling, null);
  assert.ok(!x.allowed_actions.includes('apply_confirmation'));
  assert.ok(x.allowed_actions.includes('record_ruling'));
  assertError(await act(d.id, T.dwf_mediator, { action: 'apply_confirmation', court: '海州区人民法院' }), 409, 'already_applied');
  assertError(await act(d.id, T.dwf_mediator, { action: 'record_ruling', ruling: 'maybe' }), 422, 'invalid_value', 'ruling');
  x = await step(d.id, T.dwf_mediator, { action: 'record_ruling', ruling: 'confirmed' });
  assert.equal(x.confirmation.ruling, 'confirmed');
  assertError(await act(d.id, T.dwf_mediator, { action: 'record_ruling', ruling: 'rejected' }), 409, 'already_ruled');
  assert.equal(x.status, 'agreed', 'the confirmation does not move the state');
});

test('urging: a leader of the area and a mediator of a higher level; the holder is told', async () => {
  const d = await make(T.dwf_mediator);
  let x = await step(d.id, T.leader, { action: 'urge', note: '请尽快化解' });
  assert.equal(x.timeline[x.timeline.length - 1].action, 'urge');
  x = await step(d.id, T.hjd_mediator, { action: 'urge', note: '镇调解中心督办' });
  assert.equal(x.timeline[x.timeline.length - 1].note, '镇调解中心督办');
  const inbox = await api('/api/v1/notifications?per_page=50', { token: T.dwf_mediator });
  assert.ok(inbox.body.items.some((n) => n.kind === 'urge' && n.case.id === d.id && n.body === '镇调解中心督办'));
  assertError(await act(d.id, T.dwf_mediator, { action: 'urge', note: '自己督办自己' }), 403, 'forbidden');
  assertError(await act(d.id, T.leader, { action: 'urge' }), 422, 'missing_field', 'note');
  assertError(await act(d.id, T.xihe_centre, { action: 'urge', note: 'x' }), 404, 'not_found');
  // A village mediator does not urge the township.
  const t = await make(T.hjd_mediator, { region_id: U['东瓦房村'].id });
  assertError(await act(t.id, T.dwf_mediator, { action: 'urge', note: 'x' }), 403, 'forbidden');
  assert.ok((await get(t.id, T.leader)).allowed_actions.includes('urge'));
  assert.ok((await get(t.id, T.mediator)).allowed_actions.includes('urge'));
});

test('risk: many people, threats or a repeated incident flag the dispute and warn the township', async () => {
  // A leader of 韩家店镇 reads the township's inbox.
  // leader is a sensitive role: its grant waits for a second admin.
  await createUserApproved(srv, api, T.admin, { username: 'hjd_leader', display_name: '韩镇长', password: 'Long-enough-2026', unit_id: U['韩家店镇'].id, roles: ['leader'] });
  const township = await login(api, 'hjd_leader', 'Long-enough-2026');
  const many = await make(T.dwf_mediator, { people_involved: 12 });
  assert.equal(many.risk, true);
  assert.deepEqual(many.risk_flags, ['many_people']);
  const warn = many.timeline.find((t) => t.action === 'risk_warning');
  assert.ok(warn);
  assert.deepEqual(warn.data.flags, ['many_people']);
  let inbox = await api('/api/v1/notifications?per_page=100', { token: township });
  assert.ok(inbox.body.items.some((n) => n.kind === 'dispute_risk' && n.case.id === many.id));
  // The leader of the township sees and urges it.
  assertStatus(await act(many.id, township, { action: 'urge', note: '请防止矛盾激化' }), 200);
  const threats = await make(T.dwf_mediator, { threats: true });
  assert.deepEqual(threats.risk_flags, ['threats']);
  // Raised later, by the holder.
  const later = await make(T.dwf_mediator);
  assert.equal(later.risk, false);
  let x = await step(later.id, T.dwf_mediator, { action: 'flag_risk', threats: true, note: '一方扬言报复' });
  assert.equal(x.risk, true);
  assert.deepEqual(x.risk_flags, ['threats']);
  x = await step(later.id, T.dwf_mediator, { action: 'flag_risk', threats: false, note: '情绪已平稳' });
  assert.equal(x.risk, false);
  // The same person again within 90 days: repeated.
  const phone = freshPhone();
  const who = [{ name: '赵重复', side: 'applicant', phone }, { name: '钱某', side: 'respondent' }];
  const one = await make(T.dwf_mediator, { parties: who });
  assert.equal(one.risk, false);
  const two = await make(T.dwf_mediator, { parties: who });
  assert.deepEqual(two.risk_flags, ['repeated']);
  // The same place and type, too.
  const p1 = await make(T.dwf_mediator, { place: '东瓦房村重复地点', type: 'land' });
  assert.equal(p1.risk, false);
  const p2 = await make(T.dwf_mediator, { place: '东瓦房村重复地点', type: 'land' });
  assert.deepEqual(p2.risk_flags, ['repeated']);
  // The threshold is a setting.
  assertStatus(await api(`${D}/settings`, { method: 'PUT', token: T.admin, body: { risk_people: 20 } }), 200);
  const under = await make(T.dwf_mediator, { people_involved: 12 });
  assert.equal(under.risk, false);
  assertStatus(await api(`${D}/settings`, { method: 'PUT', token: T.admin, body: { risk_people: 5 } }), 200);
  inbox = await api(`${D}?risk=1&q=${make.marker}&per_page=200`, { token: T.leader });
  assert.ok(inbox.body.items.every((i) => i.risk));
  assert.ok(inbox.body.items.some((i) => i.id === many.id));
});

test('an appeal becomes a dispute: the link shows on both; one dispute per appeal', async () => {
  const content = `两户因院墙越界发生争执，要求调解 ${make.marker}`;
  const a = await api('/api/v1/appeals', { method: 'POST', token: T.agent, body: { content, region_id: U['东瓦房村'].id, contact_phone: '13912345678' } });
  assertStatus(a, 201);
  const r = await api(D, { method: 'POST', token: T.agent, body: { type: 'neighbour', from_appeal_id: a.body.id, parties: [{ name: '孙某', side: 'applicant' }, { name: '周某', side: 'respondent' }] } });
  assertStatus(r, 201);
  const d = r.body;
  assert.equal(d.facts, content, 'the appeal\'s content fills the facts');
  assert.equal(d.title, a.body.title);
  assert.equal(d.source, 'appeal');
  assert.equal(d.from_appeal_id, a.body.id);
  assert.deepEqual(d.from_appeal, { id: a.body.id, number: a.body.number, title: a.body.title, status: 'intake' });
  assert.equal(d.unit.id, U['东瓦房村'].id, 'the appeal\'s place decides the mediation unit');
  const appeal = await api(`/api/v1/appeals/${a.body.id}`, { token: T.agent });
  assertStatus(appeal, 200);
  assert.equal(appeal.body.dispute_id, d.id);
  assert.ok(appeal.body.timeline.some((t) => t.action === 'to_dispute'));
  assertError(await api(D, { method: 'POST', token: T.agent, body: { type: 'neighbour', from_appeal_id: a.body.id, parties: [{ name: '孙某', side: 'applicant' }, { name: '周某', side: 'respondent' }] } }), 409, 'appeal_linked', 'from_appeal_id');
  // A mediator cannot see appeals, so cannot make one a dispute.
  const b = await api('/api/v1/appeals', { method: 'POST', token: T.agent, body: { content: '另一起', region_id: U['东瓦房村'].id } });
  assertError(await api(D, { method: 'POST', token: T.dwf_mediator, body: { type: 'neighbour', from_appeal_id: b.body.id, parties: [{ name: '孙某', side: 'applicant' }, { name: '周某', side: 'respondent' }] } }), 422, 'invalid_appeal', 'from_appeal_id');
  const plain = await api(`/api/v1/appeals/${b.body.id}`, { token: T.agent });
  assert.ok(!('dispute_id' in plain.body), 'only an appeal that became a dispute carries dispute_id');
});

test('the agreement as a PDF: 404 before it exists, then the 调解协议书', async () => {
  const d = await make(T.dwf_mediator, { parties: [{ name: '吴甲方', side: 'applicant', phone: '13900001111', address: '东瓦房村1组1号' }, { name: '郑乙方', side: 'respondent' }] });
  assertError(await api(`${D}/${d.id}/agreement.pdf`, { token: T.dwf_mediator }), 404, 'no_agreement');
  const x = await step(d.id, T.dwf_mediator, { action: 'agree', terms: '郑乙方于十日内赔偿吴甲方人民币叁仟元整。', fulfil_by: dateIn(10), fulfil_how: '银行转账' });
  for (const [user, phone] of [['dwf_mediator', '13900001111'], ['leader', '139****1111']]) {
    const r = await fetch(`${srv.url}${D}/${d.id}/agreement.pdf`, { headers: { authorization: `Bearer ${T[user]}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.match(r.headers.get('content-disposition'), /filename\*=UTF-8''/);
    const buf = Buffer.from(await r.arrayBuffer());
    assert.equal(buf.subarray(0, 5).toString(), '%PDF-');
    if (spawnSync('pdftotext', ['-v']).status !== 0) continue;
    const dir = mkdtempSync(join(tmpdir(), 'yiwang-pdf-'));
    writeFileSync(join(dir, 'a.pdf'), buf);
    const text = execFileSync('pdftotext', [join(dir, 'a.pdf'), '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    rmSync(dir, { recursive: true, force: true });
    const flat = text.replace(/\s+/g, '');
    for (const s of ['人民调解协议书', x.agreement.number, '吴甲方', '郑乙方', '经调解，自愿达成如下协议', '郑乙方于十日内赔偿吴甲方人民币叁仟元整', '银行转账', '本协议一式3份', '东瓦房村人民调解委员会']) assert.ok(flat.includes(s), `${user}: ${s}`);
    assert.ok(flat.includes(phone), `${user} sees the phone as ${phone}`);
  }
});
