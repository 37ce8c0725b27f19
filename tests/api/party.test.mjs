// 智慧党建 (CONTRACT.md "智慧党建 party building", docs/party.md): the organization tree and
// its area, org upkeep by the organization department, the development chain one step at a
// time, transfers accepted by the receiving branch, masking of personal data, dues,
// activities, attendance and QR sign-in, quotas and flagged branches, wishes and tasks with
// points realized only on fulfilment, rankings, figures, the audit trail and refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, unitByName, userByName } from '../lib/api-helpers.mjs';

const P = '/api/v1/party';
let srv, api;
const T = {};
const U = {};
let dwf; // 东瓦房村党支部
let xinhuaBranch; // 新华社区's branch
let member01; // member01's member record

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const post = (path, token, body) => api(path, { method: 'POST', token, body });
const patch = (path, token, body) => api(path, { method: 'PATCH', token, body });

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  for (const u of ['admin', 'member01', 'dwf_branch', 'party_org', 'dwf_service', 'grid02', 'xinhua', 'xihe', 'leader', 'zhujian', 'dangwei01']) {
    T[u] = await login(api, u);
  }
  for (const n of ['东瓦房村', '新华社区', '韩家店镇']) U[n] = await unitByName(api, T.admin, n);
  const orgs = (await api(`${P}/orgs`, { token: T.party_org })).body.items;
  dwf = orgs.find((o) => o.name === '东瓦房村党支部');
  xinhuaBranch = orgs.find((o) => o.kind === 'branch' && o.unit_id === U['新华社区'].id);
  member01 = (await api(`${P}/me`, { token: T.member01 })).body.member;
  // 新华社区's branch gets dangwei01 as its secretary (the department names secretaries).
  const dw = await userByName(api, T.admin, 'dangwei01');
  assertStatus(await patch(`${P}/orgs/${xinhuaBranch.id}`, T.party_org, { secretary_user_id: dw.id }), 200);
  T.dangwei01 = await login(api, 'dangwei01');
});
after(async () => { if (process.env.PARTY_LOGS) console.log(srv.logs().split('\n').filter((l) => !l.startsWith('{"ts"')).join('\n')); await stopClean(srv); });

async function newMember(token, body = {}) {
  const r = await post(`${P}/members`, token, { name: '测试党员', org_id: dwf.id, status: 'applicant', ...body });
  assertStatus(r, 201);
  return r.body;
}

// A second member login: a party_member user linked to a member of org_id.
async function memberLogin(username, unitId, orgId, token) {
  const u = await post('/api/v1/users', T.admin, {
    username, display_name: `党员${username}`, unit_id: unitId, roles: ['party_member'], password: 'Party-pass-2026',
  });
  assertStatus(u, 201);
  const m = await newMember(token, { name: `党员${username}`, org_id: orgId, status: 'full', user_id: u.body.id });
  return { token: await login(api, username, 'Party-pass-2026'), member: m };
}

test('the tree: kinds, parents and units; the department sees the city, a secretary their village', async () => {
  const all = (await api(`${P}/orgs`, { token: T.party_org })).body.items;
  assert.ok(all.length > 200, `${all.length} orgs`);
  assert.deepEqual([...new Set(all.map((o) => o.kind))].sort(), ['branch', 'committee', 'group']);
  assert.equal(dwf.kind, 'branch');
  assert.equal(dwf.unit_id, U['东瓦房村'].id);
  assert.equal(dwf.secretary_name, '白凤岐');
  const parent = all.find((o) => o.id === dwf.parent_id);
  assert.equal(parent.kind, 'committee');
  assert.equal(parent.unit_id, U['韩家店镇'].id);
  assert.ok(all.filter((o) => o.parent_id === dwf.id).every((o) => o.kind === 'group'));
  assert.equal(all.filter((o) => o.parent_id === null).length, 1);
  const mine = (await api(`${P}/orgs`, { token: T.dwf_branch })).body.items;
  assert.ok(mine.every((o) => o.unit_id === U['东瓦房村'].id), 'only 东瓦房村');
  assert.ok(mine.some((o) => o.id === dwf.id));
  assert.equal(member01.org_name.includes('东瓦房村'), true);
  assert.equal(member01.status, 'full');
  assert.equal(member01.branch_id, dwf.id);
});

test('outside the area an org, a member, an activity and a wish answer 404', async () => {
  assertError(await api(`${P}/orgs/${dwf.id}`, { token: T.xihe }), 404, 'not_found');
  assertError(await api(`${P}/members/${member01.id}`, { token: T.xihe }), 404, 'not_found');
  assertError(await api(`${P}/orgs/${dwf.id}/quota?year=2026`, { token: T.xinhua }), 404);
  assertError(await api(`${P}/points?org_id=${dwf.id}`, { token: T.xinhua }), 404);
  const wish = await post(`${P}/wishes`, T.dwf_service, { title: '范围测试心愿', unit_id: U['东瓦房村'].id });
  assertStatus(wish, 201);
  assertError(await api(`${P}/wishes/${wish.body.id}`, { token: T.xinhua }), 404);
  assertError(await post(`${P}/wishes/${wish.body.id}/actions`, T.xinhua, { action: 'fulfil' }), 404);
  assertError(await post(`${P}/wishes`, T.xinhua, { title: '越界', unit_id: U['东瓦房村'].id }), 422, 'invalid_unit', 'unit_id');
});

test('orgs are kept by the organization department: create, refuse others, term warnings', async () => {
  const r = await post(`${P}/orgs`, T.party_org, {
    name: '东瓦房村第三党小组', kind: 'group', parent_id: dwf.id, unit_id: U['东瓦房村'].id,
    committee: ['组长 白一'], term_start: '2024-01-01', term_end: '2029-01-01',
  });
  assertStatus(r, 201);
  assert.equal(r.body.kind, 'group');
  assert.equal(r.body.parent_id, dwf.id);
  assert.equal(r.body.branch_id, dwf.id);
  assert.deepEqual(r.body.committee, ['组长 白一']);
  assert.equal(r.body.term_warning, false);
  assertError(await post(`${P}/orgs`, T.zhujian, { name: 'x', kind: 'branch', unit_id: U['东瓦房村'].id }), 403, 'forbidden');
  assertError(await post(`${P}/orgs`, T.dwf_branch, { name: 'x', kind: 'branch', unit_id: U['东瓦房村'].id }), 403);
  assertError(await post(`${P}/orgs`, T.party_org, { name: 'x', kind: 'cell', unit_id: U['东瓦房村'].id }), 422, 'invalid_value', 'kind');
  assertError(await post(`${P}/orgs`, T.party_org, { kind: 'branch', unit_id: U['东瓦房村'].id }), 422, 'missing_field', 'name');
  assertError(await post(`${P}/orgs`, T.party_org, { name: 'x', kind: 'group', unit_id: U['东瓦房村'].id }), 422, 'invalid_parent');
  assertError(await post(`${P}/orgs`, T.party_org, { name: 'x', kind: 'branch', unit_id: 'one' }), 400, 'invalid_type', 'unit_id');
  assertError(await patch(`${P}/orgs/${r.body.id}`, T.party_org, { term_start: '2026-01-01', term_end: '2025-01-01' }), 422, 'invalid_term');
  // A term ending in 60 days is warned about, in the org and in the department's flags.
  const soon = new Date(Date.now() + 60 * 86400000).toISOString().slice(0, 10);
  const p = await patch(`${P}/orgs/${r.body.id}`, T.party_org, { term_end: soon });
  assertStatus(p, 200);
  assert.equal(p.body.term_warning, true);
  const flags = await api(`${P}/flags`, { token: T.party_org });
  assertStatus(flags, 200);
  assert.ok(flags.body.term_expiring.some((o) => o.id === r.body.id));
  const audit = await api(`/api/v1/audit?entity=party_org&entity_id=${r.body.id}`, { token: T.admin });
  assert.deepEqual(audit.body.items.map((a) => a.action).sort(), ['party_org_create', 'party_org_update']);
});

test('the development chain goes one step at a time with its dates; a skip or a step back is 409', async () => {
  const m = await newMember(T.dwf_branch, { date: '2025-03-01' });
  assert.equal(m.status, 'applicant');
  assert.equal(m.steps.length, 1);
  assert.match(m.steps[0].at, /^2025-03-01T00:00:00/);
  assertError(await patch(`${P}/members/${m.id}`, T.dwf_branch, { status: 'candidate' }), 409, 'invalid_step', 'status');
  assertError(await patch(`${P}/members/${m.id}`, T.dwf_branch, { status: 'full' }), 409, 'invalid_step');
  const a = await patch(`${P}/members/${m.id}`, T.dwf_branch, { status: 'activist', date: '2025-09-01' });
  assertStatus(a, 200);
  assert.equal(a.body.status, 'activist');
  assert.match(a.body.status_since, /^2025-09-01/);
  assertError(await patch(`${P}/members/${m.id}`, T.dwf_branch, { status: 'applicant' }), 409, 'invalid_step');
  assertError(await patch(`${P}/members/${m.id}`, T.dwf_branch, { status: 'candidate', date: '2025-01-01' }), 422, 'invalid_date');
  for (const s of ['candidate', 'probationary', 'full']) {
    assertStatus(await patch(`${P}/members/${m.id}`, T.dwf_branch, { status: s }), 200);
  }
  const g = await api(`${P}/members/${m.id}`, { token: T.dwf_branch });
  assert.deepEqual(g.body.steps.map((s) => s.status), ['applicant', 'activist', 'candidate', 'probationary', 'full']);
  assertError(await patch(`${P}/members/${m.id}`, T.dwf_branch, { status: 'full' }), 409, 'invalid_step');
  // Another branch's secretary may not step this member (outside their area: 404).
  assertError(await patch(`${P}/members/${m.id}`, T.dangwei01, { status: 'full' }), 404);
  const audit = await api(`/api/v1/audit?entity=party_member&entity_id=${m.id}`, { token: T.admin });
  assert.equal(audit.body.items.filter((x) => x.action === 'party_member_status').length, 4);
});

test('states: mobile and lost; a transfer moves only when the receiving branch accepts', async () => {
  const m = await newMember(T.dwf_branch, { status: 'full' });
  const s = await patch(`${P}/members/${m.id}`, T.dwf_branch, { state: 'mobile' });
  assertStatus(s, 200);
  assert.equal(s.body.state, 'mobile');
  assertError(await patch(`${P}/members/${m.id}`, T.dwf_branch, { state: 'transferring' }), 422, 'invalid_value', 'state');
  assertStatus(await patch(`${P}/members/${m.id}`, T.dwf_branch, { state: 'normal' }), 200);
  const t = await post(`${P}/members/${m.id}/transfer`, T.dwf_branch, { to_org_id: xinhuaBranch.id });
  assertStatus(t, 200);
  assert.equal(t.body.state, 'transferring');
  assert.equal(t.body.transfer_to_org_id, xinhuaBranch.id);
  assert.equal(t.body.org_id, dwf.id, 'still in the sending branch until accepted');
  assertError(await post(`${P}/members/${m.id}/transfer`, T.dwf_branch, { to_org_id: xinhuaBranch.id }), 409, 'invalid_state');
  // The receiving secretary sees it among the incoming; the sender may not accept it.
  const incoming = await api(`${P}/members?incoming=1`, { token: T.dangwei01 });
  assertStatus(incoming, 200);
  assert.ok(incoming.body.items.some((x) => x.id === m.id));
  assertError(await post(`${P}/members/${m.id}/accept`, T.dwf_branch), 403, 'forbidden');
  const a = await post(`${P}/members/${m.id}/accept`, T.dangwei01);
  assertStatus(a, 200);
  assert.equal(a.body.org_id, xinhuaBranch.id);
  assert.equal(a.body.state, 'normal');
  assertError(await api(`${P}/members/${m.id}`, { token: T.dwf_branch }), 404);
  assertError(await post(`${P}/members/${m.id}/accept`, T.dangwei01), 409, 'invalid_state');
});

test('personal data: full for the own branch and the department, masked for everyone else', async () => {
  const m = await newMember(T.dwf_branch, {
    status: 'full', id_number: '210902198507151234', phone: '13912345678', birth_date: '1985-07-15', gender: 'female',
  });
  for (const who of ['dwf_branch', 'party_org']) {
    const r = await api(`${P}/members/${m.id}`, { token: T[who] });
    assert.equal(r.body.masked, false, who);
    assert.equal(r.body.id_number, '210902198507151234', who);
    assert.equal(r.body.phone, '13912345678', who);
    assert.equal(r.body.birth_date, '1985-07-15', who);
  }
  for (const who of ['admin', 'leader']) {
    const r = await api(`${P}/members/${m.id}`, { token: T[who] });
    assertStatus(r, 200);
    assert.equal(r.body.masked, true, who);
    assert.equal(r.body.id_number, '210****1234', who);
    assert.equal(r.body.phone, '139****5678', who);
    assert.equal(r.body.birth_date, '1985-**-**', who);
    const list = await api(`${P}/members?org_id=${dwf.id}&q=${encodeURIComponent('测试党员')}&per_page=200`, { token: T[who] });
    const row = list.body.items.find((x) => x.id === m.id);
    assert.equal(row.phone, '139****5678');
  }
  assertError(await post(`${P}/members`, T.dwf_branch, { name: 'x', org_id: dwf.id, status: 'full', id_number: '12345' }), 422, 'out_of_range', 'id_number');
  assertError(await post(`${P}/members`, T.dwf_branch, { name: 'x', org_id: dwf.id, status: 'full', id_number: '21090219850715123Y' }), 422, 'invalid_id_number');
  assertError(await post(`${P}/members`, T.dwf_branch, { name: 'x', org_id: dwf.id, status: 'full', birth_date: '1985-13-45' }), 422, 'invalid_date');
});

test('bad input answers 4xx with the field', async () => {
  assertError(await post(`${P}/members`, T.dwf_branch, {}), 422, 'missing_field', 'name');
  assertError(await post(`${P}/members`, T.dwf_branch, { name: 'x', org_id: dwf.id, status: 'boss' }), 422, 'invalid_value', 'status');
  assertError(await post(`${P}/members`, T.dwf_branch, { name: 'x', org_id: 'a', status: 'full' }), 400, 'invalid_type', 'org_id');
  assertError(await post(`${P}/members`, T.dwf_branch, { name: 'x', org_id: 999999999, status: 'full' }), 422, 'invalid_org', 'org_id');
  assertError(await post(`${P}/members`, T.dwf_branch, { name: 'x'.repeat(51), org_id: dwf.id, status: 'full' }), 422, 'too_long', 'name');
  assertError(await patch(`${P}/members/${member01.id}`, T.dwf_branch, {}), 422, 'missing_field');
  assertError(await post(`${P}/activities`, T.dwf_branch, { org_id: dwf.id, kind: 'party', held_at: '2026-01-01', title: 't' }), 422, 'invalid_value', 'kind');
  assertError(await post(`${P}/activities`, T.dwf_branch, { org_id: dwf.id, kind: 'theme_day', held_at: 'yesterday', title: 't' }), 422, null, 'held_at');
  assertError(await post(`${P}/checkin`, T.member01, {}), 422, 'missing_field', 'token');
  assertError(await post(`${P}/members/${member01.id}/dues`, T.dwf_branch, { month: '2026-13', standard: 2 }), 422, 'invalid_month');
  assertError(await post(`${P}/members/${member01.id}/dues`, T.dwf_branch, { month: '2026-01', standard: -1 }), 422, null, 'standard');
  assertError(await api(`${P}/dues?org_id=${dwf.id}&month=2026`, { token: T.dwf_branch }), 400, 'invalid_parameter', 'month');
  assertError(await api(`${P}/orgs/${dwf.id}/quota?year=1999`, { token: T.dwf_branch }), 400);
  assertError(await api(`${P}/orgs/${dwf.id}/quota?year=2026&quarter=5`, { token: T.dwf_branch }), 400);
  const raw = await api(`${P}/members`, { method: 'POST', token: T.dwf_branch, raw: '{"name":', headers: { 'content-type': 'application/json' } });
  assertError(raw, 400);
  assertError(await api(`${P}/rules`, { method: 'PUT', token: T.admin, body: { points: { wish: -3 } } }), 422, 'out_of_range');
  assertError(await api(`${P}/rules`, { method: 'PUT', token: T.admin, body: { quotas: { dance: { period: 'month', times: 1 } } } }), 422, 'invalid_value');
});

test('dues per month: a standard, unpaid then paid, and the paid rate', async () => {
  const m = await newMember(T.dwf_branch, { status: 'full', name: '党费测试' });
  assertError(await post(`${P}/members/${m.id}/dues`, T.dwf_branch, { month: '2026-02', paid: true }), 422, 'missing_field', 'standard');
  assertStatus(await post(`${P}/members/${m.id}/dues`, T.dwf_branch, { month: '2026-02', standard: 5.5, paid: false }), 204);
  let d = await api(`${P}/dues?org_id=${dwf.id}&month=2026-02`, { token: T.dwf_branch });
  assertStatus(d, 200);
  let row = d.body.items.find((x) => x.member_id === m.id);
  assert.equal(row.standard, 5.5);
  assert.equal(row.paid, false);
  const before = d.body.paid;
  assertStatus(await post(`${P}/members/${m.id}/dues`, T.dwf_branch, { month: '2026-02', paid: true }), 204);
  d = await api(`${P}/dues?org_id=${dwf.id}&month=2026-02`, { token: T.party_org });
  row = d.body.items.find((x) => x.member_id === m.id);
  assert.equal(row.paid, true);
  assert.match(row.paid_at, /\+08:00$/);
  assert.equal(d.body.paid, before + 1);
  assert.ok(d.body.paid_rate > 0 && d.body.paid_rate <= 1);
  assertError(await post(`${P}/members/${m.id}/dues`, T.zhujian, { month: '2026-02', paid: true }), 404);
});

test('quota per kind and period: required, held, missing; a branch behind is flagged', async () => {
  const parent = dwf.parent_id;
  const b = await post(`${P}/orgs`, T.party_org, { name: '配额测试支部', kind: 'branch', parent_id: parent, unit_id: U['东瓦房村'].id });
  assertStatus(b, 201);
  const add = (kind, held_at) => post(`${P}/activities`, T.party_org, { org_id: b.body.id, kind, held_at, title: `${kind} ${held_at}` });
  assertStatus(await add('branch_meeting', '2026-02-10T09:00:00+08:00'), 201);
  assertStatus(await add('committee_meeting', '2026-01-05T09:00:00+08:00'), 201);
  assertStatus(await add('committee_meeting', '2026-02-05T09:00:00+08:00'), 201);
  assertStatus(await add('theme_day', '2026-01-15T09:00:00+08:00'), 201);
  // Outside the quarter: not counted.
  assertStatus(await add('party_lecture', '2026-04-20T15:00:00+08:00'), 201);
  let q = await api(`${P}/orgs/${b.body.id}/quota?year=2026&quarter=1`, { token: T.party_org });
  assertStatus(q, 200);
  assert.deepEqual(q.body.required, { branch_meeting: 1, committee_meeting: 3, group_meeting: 0, party_lecture: 1, theme_day: 3 });
  assert.deepEqual(q.body.held, { branch_meeting: 1, committee_meeting: 2, group_meeting: 0, party_lecture: 0, theme_day: 1 });
  assert.deepEqual(q.body.missing, ['committee_meeting', 'party_lecture', 'theme_day']);
  let flags = (await api(`${P}/flags?year=2026&quarter=1`, { token: T.party_org })).body;
  assert.deepEqual(flags.behind_quota.find((x) => x.id === b.body.id).missing, ['committee_meeting', 'party_lecture', 'theme_day']);
  assertStatus(await add('committee_meeting', '2026-03-05T09:00:00+08:00'), 201);
  assertStatus(await add('party_lecture', '2026-03-20T15:00:00+08:00'), 201);
  assertStatus(await add('theme_day', '2026-02-15T09:00:00+08:00'), 201);
  assertStatus(await add('theme_day', '2026-03-15T09:00:00+08:00'), 201);
  q = await api(`${P}/orgs/${b.body.id}/quota?year=2026&quarter=1`, { token: T.party_org });
  assert.deepEqual(q.body.missing, []);
  assert.equal(q.body.completion, 1);
  flags = (await api(`${P}/flags?year=2026&quarter=1`, { token: T.party_org })).body;
  assert.equal(flags.behind_quota.some((x) => x.id === b.body.id), false);
  // A branch with groups owes a group meeting per group and month.
  const g = await api(`${P}/orgs/${dwf.id}/quota?year=2026&quarter=1`, { token: T.dwf_branch });
  assert.ok(g.body.required.group_meeting >= 6);
  // The admin edits the quota: theme days twice a month.
  const rules = await api(`${P}/rules`, { method: 'PUT', token: T.admin, body: { quotas: { theme_day: { period: 'month', times: 2 } } } });
  assertStatus(rules, 200);
  assert.deepEqual(rules.body.quotas.theme_day, { period: 'month', times: 2 });
  q = await api(`${P}/orgs/${b.body.id}/quota?year=2026&quarter=1`, { token: T.party_org });
  assert.equal(q.body.required.theme_day, 6);
  assert.deepEqual(q.body.missing, ['theme_day']);
  assertStatus(await api(`${P}/rules`, { method: 'PUT', token: T.admin, body: { quotas: { theme_day: { period: 'month', times: 1 } } } }), 200);
  assertError(await api(`${P}/rules`, { method: 'PUT', token: T.party_org, body: {} }), 403);
});

test('attendance by the secretary: members of the org only; each attendance earns its points once', async () => {
  const a = await post(`${P}/activities`, T.dwf_branch, { org_id: dwf.id, kind: 'branch_meeting', held_at: new Date().toISOString(), title: '支部党员大会', minutes: '学习讨论' });
  assertStatus(a, 201);
  assert.equal(a.body.attended, 0);
  assert.ok(a.body.expected > 20);
  const m = await newMember(T.dwf_branch, { status: 'full', name: '出席测试' });
  const before = (await api(`${P}/members/${m.id}`, { token: T.dwf_branch })).body.points;
  const r = await post(`${P}/activities/${a.body.id}/attendance`, T.dwf_branch, { member_ids: [m.id] });
  assertStatus(r, 200);
  assert.equal(r.body.attended, 1);
  assert.equal(r.body.attendance[0].how, 'secretary');
  assertStatus(await post(`${P}/activities/${a.body.id}/attendance`, T.dwf_branch, { member_ids: [m.id] }), 200);
  const after = (await api(`${P}/members/${m.id}`, { token: T.dwf_branch })).body.points;
  assert.equal(after - before, 2, 'a branch meeting earns 2 points, once');
  const other = (await api(`${P}/members?org_id=${xinhuaBranch.id}&per_page=1`, { token: T.party_org })).body.items[0];
  assertError(await post(`${P}/activities/${a.body.id}/attendance`, T.dwf_branch, { member_ids: [other.id] }), 422, 'invalid_member', 'member_ids');
  assertError(await post(`${P}/activities/${a.body.id}/attendance`, T.dwf_branch, { member_ids: 'all' }), 400, 'invalid_type');
  assertError(await post(`${P}/activities/${a.body.id}/attendance`, T.dwf_branch, { member_ids: [] }), 422);
  assertError(await post(`${P}/activities/${a.body.id}/attendance`, T.dangwei01, { member_ids: [m.id] }), 404);
  assertError(await post(`${P}/activities/${a.body.id}/attendance`, T.zhujian, { member_ids: [m.id] }), 404);
});

test('an activity not yet held: attendance and QR sign-in refused (422), no points', async () => {
  const tomorrow = new Date(Date.now() + 24 * 3600e3).toISOString();
  const a = await post(`${P}/activities`, T.dwf_branch, { org_id: dwf.id, kind: 'party_lecture', held_at: tomorrow, title: '明天的党课' });
  assertStatus(a, 201);
  const m = await newMember(T.dwf_branch, { status: 'full', name: '未来出席测试' });
  const before = (await api(`${P}/members/${m.id}`, { token: T.dwf_branch })).body.points;
  const r = await post(`${P}/activities/${a.body.id}/attendance`, T.dwf_branch, { member_ids: [m.id] });
  assertError(r, 422, 'activity_in_future', 'held_at');
  assert.match(r.body.error.message, /尚未举行/);
  assert.equal((await api(`${P}/members/${m.id}`, { token: T.dwf_branch })).body.points, before);
  assert.equal((await api(`${P}/activities/${a.body.id}`, { token: T.dwf_branch })).body.attended, 0);
  const mePoints = (await api(`${P}/me`, { token: T.member01 })).body.points;
  const qr = await api(`${P}/activities/${a.body.id}/qr`, { token: T.dwf_branch });
  assertStatus(qr, 200);
  assertError(await post(`${P}/checkin`, T.member01, { token: qr.body.token }), 422, 'activity_in_future');
  assert.equal((await api(`${P}/me`, { token: T.member01 })).body.points, mePoints);
  // Within the two hours before its time, members arriving early sign in.
  const soon = await post(`${P}/activities`, T.dwf_branch, { org_id: dwf.id, kind: 'party_lecture', held_at: new Date(Date.now() + 3600e3).toISOString(), title: '一小时后的党课' });
  assertStatus(await post(`${P}/activities/${soon.body.id}/attendance`, T.dwf_branch, { member_ids: [m.id] }), 200);
});

test('QR sign-in: the member of the org once; another org 403, expired and twice 409', async () => {
  const a = await post(`${P}/activities`, T.dwf_branch, { org_id: dwf.id, kind: 'theme_day', held_at: new Date().toISOString(), title: '主题党日：扫码签到' });
  assertStatus(a, 201);
  const qr = await api(`${P}/activities/${a.body.id}/qr`, { token: T.dwf_branch });
  assertStatus(qr, 200);
  assert.match(qr.body.token, /^[0-9a-f]{32}$/);
  assert.ok(new Date(qr.body.expires_at) > new Date());
  assertError(await api(`${P}/activities/${a.body.id}/qr`, { token: T.dangwei01 }), 404);
  const before = (await api(`${P}/me`, { token: T.member01 })).body.points;
  const c = await post(`${P}/checkin`, T.member01, { token: qr.body.token });
  assertStatus(c, 201);
  assert.equal(c.body.activity_id, a.body.id);
  assertError(await post(`${P}/checkin`, T.member01, { token: qr.body.token }), 409, 'already_signed_in');
  const me = (await api(`${P}/me`, { token: T.member01 })).body;
  assert.equal(me.points, before + 2);
  assert.equal(me.ledger[0].source, 'activity');
  const got = await api(`${P}/activities/${a.body.id}`, { token: T.dwf_branch });
  assert.equal(got.body.attendance.find((x) => x.member_id === member01.id).how, 'qr');
  // A member of another branch.
  const other = await memberLogin('party_xh01', U['新华社区'].id, xinhuaBranch.id, T.party_org);
  assertError(await post(`${P}/checkin`, other.token, { token: qr.body.token }), 403, 'not_member_of_org');
  // Expired.
  const short = await api(`${P}/activities/${a.body.id}/qr?ttl=1`, { token: T.dwf_branch });
  assertStatus(short, 200);
  await sleep(1300);
  const late = await newMember(T.dwf_branch, { status: 'full' });
  const lateUser = await post('/api/v1/users', T.admin, { username: 'party_dwf02', display_name: '迟到党员', unit_id: U['东瓦房村'].id, roles: ['party_member'], password: 'Party-pass-2026' });
  assertStatus(await patch(`${P}/members/${late.id}`, T.dwf_branch, { user_id: lateUser.body.id }), 200);
  const lateToken = await login(api, 'party_dwf02', 'Party-pass-2026');
  assertError(await post(`${P}/checkin`, lateToken, { token: short.body.token }), 409, 'qr_expired');
  // The old token was replaced; an unknown token is 404.
  assertError(await post(`${P}/checkin`, lateToken, { token: qr.body.token }), 404, 'not_found');
  assertError(await post(`${P}/checkin`, T.dwf_branch, { token: qr.body.token }), 403);
  // A login linked twice is refused.
  assertError(await patch(`${P}/members/${member01.id}`, T.dwf_branch, { user_id: lateUser.body.id }), 409, 'duplicate');
});

test('a wish: a member claims it, the community confirms, never the claimer; points only on fulfilment', async () => {
  const w = await post(`${P}/wishes`, T.dwf_service, { title: '独居老人想要一台收音机', unit_id: U['东瓦房村'].id });
  assertStatus(w, 201);
  assert.equal(w.body.status, 'open');
  assert.equal(w.body.org_id, dwf.id);
  const p0 = (await api(`${P}/me`, { token: T.member01 })).body.points;
  assertError(await post(`${P}/wishes/${w.body.id}/actions`, T.dwf_branch, { action: 'fulfil' }), 409, 'invalid_state');
  assertError(await post(`${P}/wishes/${w.body.id}/actions`, T.dwf_service, { action: 'claim' }), 403);
  const c = await post(`${P}/wishes/${w.body.id}/actions`, T.member01, { action: 'claim' });
  assertStatus(c, 200);
  assert.equal(c.body.status, 'claimed');
  assert.equal(c.body.claimer.id, member01.id);
  assert.equal(c.body.mine, true);
  assertError(await post(`${P}/wishes/${w.body.id}/actions`, T.member01, { action: 'claim' }), 409, 'invalid_state');
  assert.equal((await api(`${P}/me`, { token: T.member01 })).body.points, p0, 'claimed is not realized');
  assertError(await post(`${P}/wishes/${w.body.id}/actions`, T.member01, { action: 'fulfil' }), 403, 'claimer_cannot_confirm');
  assertError(await post(`${P}/wishes/${w.body.id}/actions`, T.zhujian, { action: 'fulfil' }), 404);
  assertError(await post(`${P}/wishes/${w.body.id}/actions`, T.member01, { action: 'grant' }), 422, 'invalid_value', 'action');
  const f = await post(`${P}/wishes/${w.body.id}/actions`, T.dwf_branch, { action: 'fulfil' });
  assertStatus(f, 200);
  assert.equal(f.body.status, 'fulfilled');
  assertError(await post(`${P}/wishes/${w.body.id}/actions`, T.dwf_service, { action: 'fulfil' }), 409);
  const me = (await api(`${P}/me`, { token: T.member01 })).body;
  assert.equal(me.points, p0 + 5);
  assert.equal(me.ledger[0].source, 'wish');
  assert.equal(me.ledger[0].title, '独居老人想要一台收音机');
  const mine = await api(`${P}/wishes?mine=1`, { token: T.member01 });
  assert.ok(mine.body.items.every((x) => x.mine));
  assert.ok(mine.body.items.some((x) => x.id === w.body.id));
  const audit = await api(`/api/v1/audit?entity=party_wish&entity_id=${w.body.id}`, { token: T.admin });
  assert.deepEqual(audit.body.items.map((a) => a.action).sort(), ['party_wish_claim', 'party_wish_create', 'party_wish_fulfil']);
});

test('community tasks likewise, confirmed by the station; 双报到 opens a home community', async () => {
  const t = await post(`${P}/tasks`, T.grid02, { title: '协助清扫村道积雪', unit_id: U['东瓦房村'].id });
  assertStatus(t, 201);
  assert.equal(t.body.kind, 'task');
  assertError(await api(`${P}/wishes/${t.body.id}`, { token: T.grid02 }), 404, 'not_found');
  const p0 = (await api(`${P}/me`, { token: T.member01 })).body.points;
  assertStatus(await post(`${P}/tasks/${t.body.id}/actions`, T.member01, { action: 'claim' }), 200);
  assertStatus(await post(`${P}/tasks/${t.body.id}/actions`, T.grid02, { action: 'fulfil' }), 200);
  assert.equal((await api(`${P}/me`, { token: T.member01 })).body.points, p0 + 3);
  // A 新华社区 member registers at 东瓦房村 and sees and claims its wishes.
  const other = await memberLogin('party_xh02', U['新华社区'].id, xinhuaBranch.id, T.party_org);
  const w = await post(`${P}/wishes`, T.dwf_service, { title: '双报到心愿', unit_id: U['东瓦房村'].id });
  assertError(await post(`${P}/wishes/${w.body.id}/actions`, other.token, { action: 'claim' }), 404);
  assertError(await post(`${P}/me/home`, other.token, { unit_id: U['韩家店镇'].id }), 422, 'invalid_unit');
  assertStatus(await post(`${P}/me/home`, other.token, { unit_id: U['东瓦房村'].id }), 204);
  assertStatus(await post(`${P}/wishes/${w.body.id}/actions`, other.token, { action: 'claim' }), 200);
  assertError(await post(`${P}/wishes`, T.member01, { title: 'x', unit_id: U['东瓦房村'].id }), 403);
});

test('points: members highest first, branches ranked; stats per branch', async () => {
  const r = await api(`${P}/points?org_id=${dwf.id}`, { token: T.dwf_branch });
  assertStatus(r, 200);
  const pts = r.body.items.map((x) => x.points);
  assert.deepEqual(pts, [...pts].sort((a, b) => b - a), JSON.stringify(pts));
  assert.ok(r.body.items.some((x) => x.id === member01.id));
  assert.equal(r.body.items[0].rank, 1);
  assertStatus(await api(`${P}/points?org_id=${dwf.id}`, { token: T.member01 }), 200);
  const b = await api(`${P}/points/branches`, { token: T.party_org });
  assertStatus(b, 200);
  const per = b.body.items.map((x) => x.per_member);
  assert.deepEqual(per, [...per].sort((x, y) => y - x));
  assert.ok(b.body.items.length > 100);
  const s = await api('/api/v1/stats/party?year=2026', { token: T.party_org });
  assertStatus(s, 200);
  const row = s.body.items.find((x) => x.id === dwf.id);
  for (const k of ['quota_completion', 'attendance_rate', 'dues_paid_rate']) {
    assert.ok(row[k] > 0 && row[k] <= 1, `${k} ${row[k]}`);
  }
  assert.ok(row.tasks_claimed >= row.tasks_done && row.tasks_done > 0);
  const mine = await api('/api/v1/stats/party?year=2026', { token: T.dwf_branch });
  assert.ok(mine.body.items.some((x) => x.id === dwf.id));
  assert.ok(mine.body.items.every((x) => x.unit_name === '东瓦房村'), 'only the secretary\'s village');
  assertError(await api('/api/v1/stats/party?year=2026', { token: T.member01 }), 403);
});
