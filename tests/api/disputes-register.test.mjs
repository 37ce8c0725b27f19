// 纠纷化解, registering and reading (CONTRACT.md "纠纷化解 disputes", docs/disputes.md):
// a mediator registers at their own mediation unit and its level, an agent for a place
// (the lowest mediation unit covering it), every refusal at the edge (400/422), roles
// (403), the area (404), masking of ID numbers and phones, the list and its filters, the
// desk, and the administration of types, the risk threshold and the mediation centres.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean } from '../lib/api-helpers.mjs';
import { mediatorLogin, D, ISO, idNumber, dateIn, timeIn, logins, demoUnits, disputeFactory, ok, freshPhone } from '../lib/disputes.mjs';

let srv, api, T, U, make;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T = await logins(api, ['dwf_mediator', 'hjd_mediator', 'mediator', 'agent', 'leader', 'admin', 'grid01', 'zhujian', 'deputy01']);
  U = await demoUnits(api, T.admin);
  T.xihe_centre = await mediatorLogin(api, U['细河区矛盾纠纷调解中心']);
  T.xiwafang = await mediatorLogin(api, U['西瓦房村']);
  make = disputeFactory(api, 'RG');
});
after(async () => { await stopClean(srv); });

const get = (id, token) => api(`${D}/${id}`, { token });
const list = (query, token) => api(`${D}?${query}`, { token });

test('a village mediator registers at its own committee: number JF, status accepted, level village', async () => {
  const d = await make(T.dwf_mediator);
  assert.match(d.number, /^JF\d{8}\d{6}$/);
  assert.equal(d.status, 'accepted');
  assert.equal(d.level, 'village');
  assert.deepEqual(d.unit, { id: U['东瓦房村'].id, name: '东瓦房村', kind: 'village' });
  assert.equal(d.region.id, U['东瓦房村'].id);
  assert.equal(d.type, 'neighbour');
  assert.equal(d.type_name, '邻里纠纷');
  assert.equal(d.people_involved, 2);
  assert.equal(d.source, 'walk_in');
  assert.equal(d.from_appeal_id, null);
  assert.equal(d.mediator.name.length > 0, true);
  assert.match(d.created_at, ISO);
  assert.equal(d.risk, false);
  assert.deepEqual(d.risk_flags, []);
  assert.equal(d.parties.length, 2);
  assert.deepEqual(d.parties.map((p) => p.side), ['applicant', 'respondent']);
  assert.equal(d.timeline[0].action, 'create');
  assert.deepEqual([...d.allowed_actions].sort(),
    ['agree', 'escalate', 'fail', 'flag_risk', 'investigate', 'record_session', 'refer', 'withdraw']);
});

test('ID numbers are masked for everyone; phones are shown only to the holding unit', async () => {
  const phone = freshPhone();
  const idn = idNumber('11010119900307123');
  const d = await make(T.dwf_mediator, {
    parties: [
      { name: '张掩码', side: 'applicant', phone, id_number: idn, address: '东瓦房村2组3号' },
      { name: '某公司', side: 'respondent', kind: 'organization' },
    ],
  });
  const p = d.parties[0];
  assert.equal(p.id_number, `110101********${idn.slice(-4)}`);
  assert.equal(p.phone, phone, 'the holding unit sees the number');
  assert.equal(p.address, '东瓦房村2组3号');
  assert.equal(d.parties[1].kind, 'organization');
  assert.equal(d.parties[1].phone, null);
  for (const user of ['leader', 'hjd_mediator', 'admin']) {
    const r = await get(d.id, T[user]);
    assertStatus(r, 200);
    assert.equal(r.body.parties[0].phone, `${phone.slice(0, 3)}****${phone.slice(-4)}`, user);
    assert.equal(r.body.parties[0].id_number, `110101********${idn.slice(-4)}`, user);
  }
  // The list never carries the parties.
  const l = await list(`q=${d.marker}`, T.leader);
  assertStatus(l, 200);
  assert.equal(l.body.items[0].parties, undefined);
});

test('a township centre registers for a village of its township: level township; elsewhere 422', async () => {
  const d = await make(T.hjd_mediator, { region_id: U['东瓦房村'].id });
  assert.equal(d.level, 'township');
  assert.equal(d.unit.name, '韩家店镇矛盾纠纷调解中心');
  assert.equal(d.region.name, '东瓦房村');
  // Without region_id, the township itself.
  const e = await make(T.hjd_mediator);
  assert.equal(e.region.name, '韩家店镇');
  const r = await api(D, { method: 'POST', token: T.hjd_mediator, body: { type: 'family', title: 't', facts: 'f', region_id: U['新华社区'].id, parties: [{ name: 'a', side: 'applicant' }, { name: 'b', side: 'respondent' }] } });
  assertError(r, 422, 'invalid_region', 'region_id');
});

test('the county centre registers at level county', async () => {
  const d = await make(T.mediator, { region_id: U['韩家店镇'].id });
  assert.equal(d.level, 'county');
  assert.equal(d.unit.name, '海州区矛盾纠纷调解中心');
  assert.ok(!d.allowed_actions.includes('escalate'), 'a county case cannot escalate');
});

test('an agent registers for a place: the lowest mediation unit covering it holds the dispute', async () => {
  const v = await make(T.agent, { region_id: U['东瓦房村'].id });
  assert.equal(v.level, 'village');
  assert.equal(v.unit.id, U['东瓦房村'].id);
  assert.equal(v.mediator, null);
  assert.deepEqual(v.allowed_actions, [], 'an agent registers and reads, but does not mediate');
  const t = await make(T.agent, { region_id: U['韩家店镇'].id });
  assert.equal(t.level, 'township');
  assert.equal(t.unit.name, '韩家店镇矛盾纠纷调解中心');
  const c = await make(T.agent, { region_id: U['海州区'].id });
  assert.equal(c.level, 'county');
  assertError(await api(D, { method: 'POST', token: T.agent, body: { type: 'family', title: 't', facts: 'f', parties: [{ name: 'a', side: 'applicant' }, { name: 'b', side: 'respondent' }] } }), 422, 'missing_field', 'region_id');
  assertError(await api(D, { method: 'POST', token: T.agent, body: { type: 'family', title: 't', facts: 'f', region_id: U['阜新市民政局'].id, parties: [{ name: 'a', side: 'applicant' }, { name: 'b', side: 'respondent' }] } }), 422, 'invalid_region', 'region_id');
  // The agent reads what it registered; the holding unit has it on its desk and in its inbox.
  assertStatus(await get(v.id, T.agent), 200);
  const desk = await api(`${D}/desk`, { token: T.dwf_mediator });
  assertStatus(desk, 200);
  assert.ok(desk.body.open.some((x) => x.id === v.id));
  const inbox = await api('/api/v1/notifications?per_page=50', { token: T.dwf_mediator });
  assertStatus(inbox, 200);
  assert.ok(inbox.body.items.some((n) => n.kind === 'new_dispute' && n.case && n.case.id === v.id));
});

test('an agent reads only what it registered; a mediator elsewhere gets 404', async () => {
  const d = await make(T.dwf_mediator);
  assertError(await get(d.id, T.agent), 404, 'not_found');
  assertError(await get(d.id, T.xihe_centre), 404, 'not_found');
  assertError(await get(d.id, T.xiwafang), 404, 'not_found', undefined);
  assertError(await api(`${D}/${d.id}/agreement.pdf`, { token: T.xihe_centre }), 404, 'not_found');
  assertError(await get(999999999, T.leader), 404, 'not_found');
  assertError(await get('abc', T.leader), 404);
  const l = await list(`q=${d.marker}`, T.agent);
  assertStatus(l, 200);
  assert.equal(l.body.total, 0);
  const x = await list(`q=${d.marker}`, T.xihe_centre);
  assert.equal(x.body.total, 0);
});

test('roles: who may register, read and act', async () => {
  const d = await make(T.dwf_mediator);
  for (const user of ['grid01', 'zhujian', 'deputy01']) {
    assertError(await api(D, { method: 'POST', token: T[user], body: {} }), 403, 'forbidden');
    assertError(await list('', T[user]), 403, 'forbidden');
    assertError(await get(d.id, T[user]), 403, 'forbidden');
  }
  assertError(await api(D, { method: 'POST', token: T.leader, body: {} }), 403, 'forbidden');
  assertError(await api(`${D}/${d.id}/actions`, { method: 'POST', token: T.agent, body: { action: 'investigate' } }), 403, 'forbidden');
  assertError(await api(`${D}/desk`, { token: T.agent }), 403, 'forbidden');
  assertError(await api(D, { method: 'POST', body: {} }), 401);
});

test('a mediator placed outside any mediation unit cannot register (403 not_mediation_unit)', async () => {
  const r = await api('/api/v1/users', { method: 'POST', token: T.admin, body: { username: 'med_minzheng', display_name: '民政调解员', password: 'Long-enough-2026', unit_id: U['阜新市民政局'].id, roles: ['mediator'] } });
  assertStatus(r, 201);
  const tok = await login(api, 'med_minzheng', 'Long-enough-2026');
  const body = { type: 'family', title: 't', facts: 'f', parties: [{ name: 'a', side: 'applicant' }, { name: 'b', side: 'respondent' }] };
  assertError(await api(D, { method: 'POST', token: tok, body }), 403, 'not_mediation_unit');
});

test('registration refuses bad input with 400/422 and names the field', async () => {
  const base = { type: 'neighbour', title: '标题', facts: '事实', parties: [{ name: '甲', side: 'applicant' }, { name: '乙', side: 'respondent' }] };
  const post = (body) => api(D, { method: 'POST', token: T.dwf_mediator, body });
  const cases = [
    [{ ...base, type: undefined }, 422, 'missing_field', 'type'],
    [{ ...base, type: 'nonsense' }, 422, 'invalid_type', 'type'],
    [{ ...base, type: 7 }, 400, 'invalid_type', 'type'],
    [{ ...base, title: undefined }, 422, 'missing_field', 'title'],
    [{ ...base, facts: '   ' }, 422, 'missing_field', 'facts'],
    [{ ...base, title: '长'.repeat(101) }, 422, 'too_long', 'title'],
    [{ ...base, parties: undefined }, 422, 'missing_field', 'parties'],
    [{ ...base, parties: 'x' }, 400, 'invalid_type', 'parties'],
    [{ ...base, parties: [{ name: '甲', side: 'applicant' }] }, 422, 'missing_party', 'parties'],
    [{ ...base, parties: [{ name: '甲', side: 'applicant' }, { name: '乙', side: 'third' }] }, 422, 'invalid_value', 'parties[1].side'],
    [{ ...base, parties: [{ side: 'applicant' }, { name: '乙', side: 'respondent' }] }, 422, 'missing_field', 'parties[0].name'],
    [{ ...base, parties: [{ name: '甲', side: 'applicant', id_number: '110101199003071230' }, { name: '乙', side: 'respondent' }] }, 422, 'invalid_id_number', 'parties[0].id_number'],
    [{ ...base, parties: [{ name: '甲', side: 'applicant', phone: '12' }, { name: '乙', side: 'respondent' }] }, 422, 'invalid_phone', 'parties[0].phone'],
    [{ ...base, parties: [{ name: '甲', side: 'applicant', kind: 'robot' }, { name: '乙', side: 'respondent' }] }, 422, 'invalid_value', 'parties[0].kind'],
    [{ ...base, parties: Array.from({ length: 21 }, (_, i) => ({ name: `人${i}`, side: i ? 'respondent' : 'applicant' })) }, 422, 'too_many', 'parties'],
    [{ ...base, people_involved: 0 }, 422, 'out_of_range', 'people_involved'],
    [{ ...base, people_involved: '5' }, 400, 'invalid_type', 'people_involved'],
    [{ ...base, source: 'rumour' }, 422, 'invalid_value', 'source'],
    [{ ...base, threats: 'yes' }, 400, 'invalid_type', 'threats'],
    [{ ...base, from_appeal_id: 999999999 }, 422, 'invalid_appeal', 'from_appeal_id'],
  ];
  for (const [body, status, code, field] of cases) assertError(await post(body), status, code, field);
  assertError(await api(D, { method: 'POST', token: T.dwf_mediator, raw: '{not json', headers: { 'content-type': 'application/json' } }), 400);
  assertError(await api(D, { method: 'POST', token: T.dwf_mediator, body: [1, 2] }), 400);
  assertError(await post({ ...base, parties: [{ name: '某公司', kind: 'organization', side: 'applicant', id_number: '9121090012345' }, { name: '乙', side: 'respondent' }] }), 422, 'invalid_id_number', 'parties[0].id_number');
  const org = await make(T.dwf_mediator, { parties: [{ name: '某公司', kind: 'organization', side: 'applicant', id_number: '91210900mA0xyz1234' }, { name: '乙', side: 'respondent' }] });
  assert.equal(org.parties[0].id_number, '912109********1234', 'a credit code, masked like an ID number');
  // A lower-case x in an ID number is taken as X.
  const d = await make(T.dwf_mediator, { parties: [{ name: '甲', side: 'applicant', id_number: '11010519491231002x' }, { name: '乙', side: 'respondent' }] });
  assert.equal(d.parties[0].id_number, '110105********002X');
});

test('the list filters by status, level, type, risk, unit, mine and period, newest first', async () => {
  const mk = disputeFactory(api, 'LS');
  const a = await mk(T.dwf_mediator, { type: 'family' });
  const b = await mk(T.hjd_mediator, { region_id: U['东瓦房村'].id, people_involved: 40 });
  const q = (query, token = T.leader) => list(`per_page=200&${query}`, token);
  const both = `q=${mk.marker}`;
  let r = await q(both);
  assertStatus(r, 200);
  assert.deepEqual(r.body.items.map((x) => x.id).slice(0, 2), [b.id, a.id]);
  assert.equal(r.body.page, 1);
  assert.equal(r.body.per_page, 200);
  const item = r.body.items.find((x) => x.id === a.id);
  for (const k of ['id', 'number', 'status', 'level', 'type', 'type_name', 'title', 'unit', 'risk', 'risk_flags', 'people_involved', 'created_at', 'fulfil_by', 'next_session']) assert.ok(k in item, k);
  assert.deepEqual(item.unit, { id: U['东瓦房村'].id, name: '东瓦房村' });
  r = await q(`${both}&level=township`);
  assert.deepEqual(r.body.items.map((x) => x.id), [b.id]);
  r = await q(`${both}&type=family`);
  assert.deepEqual(r.body.items.map((x) => x.id), [a.id]);
  r = await q(`${both}&risk=1`);
  assert.deepEqual(r.body.items.map((x) => x.id), [b.id]);
  assert.deepEqual(r.body.items[0].risk_flags, ['many_people']);
  r = await q(`${both}&unit_id=${U['韩家店镇矛盾纠纷调解中心'].id}`);
  assert.deepEqual(r.body.items.map((x) => x.id), [b.id]);
  r = await q(`${both}&status=accepted,agreed`);
  assert.equal(r.body.total, 2);
  r = await q(`${both}&status=closed`);
  assert.equal(r.body.total, 0);
  r = await q(`${both}&mine=1`, T.dwf_mediator);
  assert.deepEqual(r.body.items.map((x) => x.id), [a.id]);
  r = await q(`${both}&from=${dateIn(1)}`);
  assert.equal(r.body.total, 0);
  r = await q(`${both}&to=${dateIn(0)}`);
  assert.equal(r.body.total, 2);
  assertError(await q('status=nope'), 400, 'invalid_parameter', 'status');
  assertError(await q('level=city'), 400, 'invalid_parameter', 'level');
  assertError(await q('risk=2'), 400, 'invalid_parameter', 'risk');
  assertError(await q('from=yesterday'), 400, 'invalid_parameter', 'from');
  assertError(await list('per_page=500', T.leader), 400, 'invalid_parameter', 'per_page');
});

test('the desk: open disputes, mine, sessions today (planned ones too) and due fulfilment checks', async () => {
  const d = await make(T.dwf_mediator);
  await ok(api, d.id, T.dwf_mediator, { action: 'record_session', held_at: timeIn(1), place: '村委会调解室', present: '双方当事人' });
  const agreed = await make(T.dwf_mediator);
  await ok(api, agreed.id, T.dwf_mediator, { action: 'agree', terms: '当场赔偿五百元', fulfil_by: dateIn(0) });
  const r = await api(`${D}/desk`, { token: T.dwf_mediator });
  assertStatus(r, 200);
  assert.equal(r.body.unit_id, U['东瓦房村'].id);
  assert.ok(r.body.open.some((x) => x.id === d.id));
  assert.ok(r.body.mine.some((x) => x.id === d.id));
  const s = r.body.sessions_today.find((x) => x.dispute_id === d.id);
  if (dateIn(0) === timeIn(1).slice(0, 10)) {
    assert.ok(s, 'the session planned within the hour is on today\'s list');
    assert.equal(s.planned, true);
    assert.equal(s.place, '村委会调解室');
  }
  assert.ok(r.body.due_checks.some((x) => x.id === agreed.id), 'an agreement due today waits for its check');
  const item = r.body.open.find((x) => x.id === d.id);
  assert.match(item.next_session, ISO);
});

test('dispute types: everyone reads the list, the city admin adds, renames and retires types', async () => {
  let r = await api(`${D}/types`, { token: T.dwf_mediator });
  assertStatus(r, 200);
  assert.deepEqual(r.body.items.map((t) => t.code), ['neighbour', 'family', 'property', 'land', 'labour', 'consumer', 'traffic', 'medical', 'other']);
  assertError(await api(`${D}/types`, { method: 'POST', token: T.leader, body: { code: 'x', name: 'x' } }), 403, 'forbidden');
  r = await api(`${D}/types`, { method: 'POST', token: T.admin, body: { code: 'pasture', name: '草场纠纷', sort: 10 } });
  assertStatus(r, 201);
  assert.deepEqual(r.body, { code: 'pasture', name: '草场纠纷', active: true, sort: 10 });
  assertError(await api(`${D}/types`, { method: 'POST', token: T.admin, body: { code: 'pasture', name: '重复' } }), 409, 'duplicate', 'code');
  assertError(await api(`${D}/types`, { method: 'POST', token: T.admin, body: { code: 'Bad Code', name: 'x' } }), 422, 'invalid_value', 'code');
  assertError(await api(`${D}/types`, { method: 'POST', token: T.admin, body: { code: 'ok' } }), 422, 'missing_field', 'name');
  const d = await make(T.dwf_mediator, { type: 'pasture' });
  assert.equal(d.type_name, '草场纠纷');
  r = await api(`${D}/types/pasture`, { method: 'PATCH', token: T.admin, body: { name: '草牧场纠纷', active: false } });
  assertStatus(r, 200);
  assert.equal(r.body.active, false);
  assertError(await api(D, { method: 'POST', token: T.dwf_mediator, body: { type: 'pasture', title: 't', facts: 'f', parties: [{ name: 'a', side: 'applicant' }, { name: 'b', side: 'respondent' }] } }), 422, 'invalid_type', 'type');
  r = await api(`${D}/types`, { token: T.dwf_mediator });
  assert.ok(!r.body.items.some((t) => t.code === 'pasture'), 'retired types leave the list');
  r = await api(`${D}/types?all=1`, { token: T.admin });
  assert.ok(r.body.items.some((t) => t.code === 'pasture' && !t.active));
  assertError(await api(`${D}/types/none`, { method: 'PATCH', token: T.admin, body: { name: 'x' } }), 404, 'not_found');
  assertError(await api(`${D}/types/pasture`, { method: 'PATCH', token: T.admin, body: { active: 'no' } }), 400, 'invalid_type', 'active');
});

test('the risk threshold: the city admin reads and sets it', async () => {
  let r = await api(`${D}/settings`, { token: T.admin });
  assertStatus(r, 200);
  assert.equal(r.body.risk_people, 5);
  assertError(await api(`${D}/settings`, { token: T.leader }), 403, 'forbidden');
  assertError(await api(`${D}/settings`, { method: 'PUT', token: T.admin, body: { risk_people: 0 } }), 422, 'out_of_range', 'risk_people');
  assertError(await api(`${D}/settings`, { method: 'PUT', token: T.admin, body: {} }), 422, 'missing_field', 'risk_people');
  r = await api(`${D}/settings`, { method: 'PUT', token: T.admin, body: { risk_people: 5 } });
  assertStatus(r, 200);
  assert.equal(r.body.risk_people, 5);
});

test('mediation centres: listed within the area, managed by the admin', async () => {
  let r = await api(`${D}/centres`, { token: T.hjd_mediator });
  assertStatus(r, 200);
  const hjd = r.body.items.find((c) => c.region_name === '韩家店镇');
  assert.deepEqual(hjd, { unit_id: U['韩家店镇矛盾纠纷调解中心'].id, unit_name: '韩家店镇矛盾纠纷调解中心', region_id: U['韩家店镇'].id, region_name: '韩家店镇', level: 'township' });
  r = await api(`${D}/centres`, { token: T.leader });
  assert.ok(r.body.items.length >= 8, 'a centre for every county and township of the demo');
  assert.ok(r.body.items.some((c) => c.region_name === '彰武县' && c.level === 'county'));
  assertError(await api(`${D}/centres/${U['阜新市民政局'].id}`, { method: 'PUT', token: T.admin, body: { region_id: U['韩家店镇'].id } }), 422, 'invalid_unit', 'unit_id');
  assertError(await api(`${D}/centres/${U['韩家店镇矛盾纠纷调解中心'].id}`, { method: 'PUT', token: T.admin, body: { region_id: U['东瓦房村'].id } }), 422, 'invalid_region', 'region_id');
  const dept = await api('/api/v1/units', { method: 'POST', token: T.admin, body: { name: '韩家店镇司法所', kind: 'department', parent_id: U['韩家店镇'].id } });
  assertStatus(dept, 201);
  assertError(await api(`${D}/centres/${dept.body.id}`, { method: 'PUT', token: T.admin, body: { region_id: U['韩家店镇'].id } }), 409, 'duplicate', 'region_id');
  assertError(await api(`${D}/centres/${U['阜新市民政局'].id}`, { method: 'DELETE', token: T.admin }), 404, 'not_found');
  assertError(await api(`${D}/centres/${U['海州区矛盾纠纷调解中心'].id}`, { method: 'DELETE', token: T.leader }), 403, 'forbidden');
  r = await api(`${D}/centres/${U['韩家店镇矛盾纠纷调解中心'].id}`, { method: 'PUT', token: T.admin, body: { region_id: U['韩家店镇'].id } });
  assertStatus(r, 200);
});
