// 便民服务 (docs/services.md): the catalogue, every step of proxy (代办), accompanied (陪办)
// and immediate (即办) requests, 补正, the hall's queue, masking, the citizen's page and
// rating (好差评), a 差评 answered and put right, the figures, enterprise service, and
// every refusal: 403 wrong role or unit, 409 wrong state, 404 another station's request,
// 400/422 bad input, 429 past the citizen rate limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, freshDatabase } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, unitByName, run } from '../lib/api-helpers.mjs';

const S = '/api/v1/services';
const P = '/api/v1/public/services/requests';
let srv, api, T, items;

const phone = () => '15' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer({ args: ['--citizen-rate', '1000'] });
  api = client(srv.url);
  T = {};
  for (const u of ['dwf_service', 'station01', 'hz_hall', 'leader', 'admin', 'agent', 'zhujian']) T[u] = await login(api, u);
  const r = await api(`${S}/items`, { token: T.dwf_service });
  assertStatus(r, 200);
  items = r.body.items;
});
after(async () => { await stopClean(srv); });

const item = (name) => {
  const it = items.find((i) => i.name === name);
  assert.ok(it, `item ${name}`);
  return it;
};
const make = async (name, mode, extra = {}, token = T.dwf_service) => {
  const it = item(name);
  const ph = phone();
  const r = await api(`${S}/requests`, {
    method: 'POST', token,
    body: { item_id: it.id, mode, applicant_name: '王桂兰', applicant_phone: ph, materials: it.materials, ...extra },
  });
  assertStatus(r, 201);
  return { ...r.body, phone: ph, item: it };
};
const act = (id, token, body) => api(`${S}/requests/${id}/actions`, { method: 'POST', token, body });
const step = async (id, token, body) => {
  const r = await act(id, token, body);
  assertStatus(r, 200);
  return r.body;
};
const rate = (number, ph, rating) => api(`${P}/${number}/rating`, { method: 'POST', body: { phone: ph, rating } });

test('the catalogue: levels, modes, materials and time limits as the contract says', async () => {
  assert.ok(items.length >= 30, `${items.length} items`);
  for (const lv of ['village', 'township', 'county']) {
    const r = await api(`${S}/items?level=${lv}`, { token: T.leader });
    assertStatus(r, 200);
    assert.ok(r.body.items.length >= 5);
    for (const it of r.body.items) {
      assert.equal(it.level, lv);
      assert.ok(Array.isArray(it.materials) && it.materials.length > 0);
      assert.ok(it.modes.every((m) => ['immediate', 'accompanied', 'proxy'].includes(m)));
      assert.equal(typeof it.time_limit_days, 'number');
      assert.equal(typeof it.id, 'number');
    }
  }
  const a = item('高龄津贴申领');
  assert.equal(a.kind, 'promised');
  assert.equal(a.time_limit_days, 10);
  assertError(await api(`${S}/items?level=city`, { token: T.leader }), 400, 'invalid_parameter', 'level');
});

test('proxy (代办): entrust, accept, send to the hall, the hall completes, hand over, archive, report, revisit', async () => {
  const q = await make('高龄津贴申领', 'proxy');
  assert.equal(q.status, 'received');
  assert.match(q.number, /^FW\d{14}$/);
  assert.ok(q.entrusted_at, '委托: the entrustment is signed at registration');
  assert.equal(q.applicant_phone, q.phone, 'the station sees the number');
  assert.deepEqual(q.missing, []);
  assert.ok(q.due_at);
  assert.ok(q.actions.includes('send'));
  // The station cannot complete a proxy request itself; nor hand it over yet.
  assertError(await act(q.id, T.dwf_service, { action: 'complete', result: 'x' }), 409, 'invalid_state');
  assertError(await act(q.id, T.dwf_service, { action: 'hand_over' }), 409, 'invalid_state');
  let x = await step(q.id, T.dwf_service, { action: 'send' });
  assert.equal(x.status, 'at_hall');
  assert.equal(x.hall.name, '海州区政务服务中心');
  // The hall's queue holds it; the hall sees the applicant's number.
  const queue = await api(`${S}/requests?hall=1&per_page=100`, { token: T.hz_hall });
  assertStatus(queue, 200);
  const inQueue = queue.body.items.find((i) => i.id === q.id);
  assert.ok(inQueue, 'in the hall queue');
  assert.equal(inQueue.applicant_phone, q.phone);
  // The station no longer holds it: 403 for complete, 409 for what it may not do now.
  assertError(await act(q.id, T.dwf_service, { action: 'complete', result: 'x' }), 403, 'forbidden');
  assertError(await act(q.id, T.hz_hall, { action: 'complete' }), 422, 'missing_field', 'result');
  x = await step(q.id, T.hz_hall, { action: 'complete', result: '审核通过，自下月起按月发放高龄津贴' });
  assert.equal(x.status, 'completed');
  assert.equal(x.result, '审核通过，自下月起按月发放高龄津贴');
  // Back at the station: the hall still reads it, but no longer holds it to act on.
  assertError(await act(q.id, T.hz_hall, { action: 'hand_over' }), 404, 'not_found');
  x = await step(q.id, T.dwf_service, { action: 'hand_over' });
  assert.equal(x.status, 'done');
  assert.equal(x.on_time, true);
  x = await step(q.id, T.dwf_service, { action: 'archive' });
  assert.ok(x.archived_at);
  assertError(await act(q.id, T.dwf_service, { action: 'archive' }), 409, 'already_done');
  x = await step(q.id, T.dwf_service, { action: 'report' });
  assert.ok(x.reported_at);
  x = await step(q.id, T.dwf_service, { action: 'revisit', notes: '电话回访，老人已收到第一笔津贴' });
  assert.equal(x.revisit_notes, '电话回访，老人已收到第一笔津贴');
  assert.equal(x.status, 'done');
  const acts = x.timeline.map((t) => t.action);
  assert.deepEqual(acts, ['create', 'send', 'complete', 'hand_over', 'archive', 'report', 'revisit']);
  assertStatus(await api(`${S}/requests/${q.id}`, { token: T.hz_hall }), 200);
});

test('补正: missing materials send the request back until supplied', async () => {
  const it = item('残疾人两项补贴');
  const q = await make(it.name, 'proxy', { materials: it.materials.slice(0, 2) });
  assert.equal(q.status, 'correcting');
  assert.deepEqual(q.missing, it.materials.slice(2));
  assertError(await act(q.id, T.dwf_service, { action: 'send' }), 409, 'invalid_state');
  let x = await step(q.id, T.dwf_service, { action: 'supply', materials: it.materials });
  assert.equal(x.status, 'received');
  assert.deepEqual(x.missing, []);
  // The clerk asks for a correction on a request they accepted.
  assertError(await act(q.id, T.dwf_service, { action: 'request_correction', missing: [] }), 422, 'out_of_range', 'missing');
  assertError(await act(q.id, T.dwf_service, { action: 'request_correction' }), 422, 'missing_field', 'missing');
  assertError(await act(q.id, T.dwf_service, { action: 'request_correction', missing: 'x' }), 400, 'invalid_type', 'missing');
  x = await step(q.id, T.dwf_service, { action: 'request_correction', missing: ['第二代残疾人证'] });
  assert.equal(x.status, 'correcting');
  assert.deepEqual(x.missing, ['第二代残疾人证']);
  assert.equal(x.corrections, 2);
  x = await step(q.id, T.dwf_service, { action: 'supply' });
  assert.equal(x.status, 'received');
  x = await step(q.id, T.dwf_service, { action: 'send' });
  assert.equal(x.status, 'at_hall');
});

test('accompanied (陪办): an appointment with time and companion, then complete and hand over', async () => {
  const q = await make('农村建房审批', 'accompanied');
  assertError(await act(q.id, T.dwf_service, { action: 'complete', result: 'x' }), 409, 'invalid_state');
  assertError(await act(q.id, T.dwf_service, { action: 'send' }), 409, 'invalid_mode');
  assertError(await act(q.id, T.dwf_service, { action: 'appoint', at: '2020-01-01T09:00:00+08:00', companion: '白振江' }), 422, 'out_of_range', 'at');
  assertError(await act(q.id, T.dwf_service, { action: 'appoint', at: 'tomorrow', companion: '白振江' }), 422);
  const at = new Date(Date.now() + 2 * 86400e3).toISOString();
  let x = await step(q.id, T.dwf_service, { action: 'appoint', at, companion: '白振江' });
  assert.equal(x.status, 'appointed');
  assert.equal(x.companion, '白振江');
  assert.equal(Date.parse(x.appointment_at), Date.parse(at));
  x = await step(q.id, T.dwf_service, { action: 'complete', result: '已陪同到区政务服务中心提交，审批通过' });
  assert.equal(x.status, 'completed');
  x = await step(q.id, T.dwf_service, { action: 'hand_over' });
  assert.equal(x.status, 'done');
});

test('immediate (即办): complete then hand over at the station; withdraw', async () => {
  const q = await make('户籍证明（村委会出具）', 'immediate');
  let x = await step(q.id, T.dwf_service, { action: 'complete', result: '当场出具户籍证明' });
  assert.equal(x.status, 'completed');
  x = await step(q.id, T.dwf_service, { action: 'hand_over' });
  assert.equal(x.status, 'done');
  assert.equal(x.on_time, true);
  assertError(await act(q.id, T.dwf_service, { action: 'complete', result: 'again' }), 409, 'invalid_state');
  const w = await make('户籍证明（村委会出具）', 'immediate');
  assertError(await act(w.id, T.dwf_service, { action: 'withdraw' }), 422, 'missing_field', 'reason');
  x = await step(w.id, T.dwf_service, { action: 'withdraw', reason: '申请人改日再来' });
  assert.equal(x.status, 'withdrawn');
  assertError(await act(w.id, T.dwf_service, { action: 'complete', result: 'x' }), 409, 'invalid_state');
});

test('registration refusals: wrong role 403, bad input 422/400, modes the station does not offer', async () => {
  const it = item('高龄津贴申领');
  const body = { item_id: it.id, mode: 'proxy', applicant_name: '李国庆', applicant_phone: phone() };
  for (const who of ['agent', 'hz_hall', 'leader', 'admin']) {
    assertError(await api(`${S}/requests`, { method: 'POST', token: T[who], body }), 403, 'forbidden');
  }
  const post = (b) => api(`${S}/requests`, { method: 'POST', token: T.dwf_service, body: { ...body, ...b } });
  assertError(await post({ mode: 'drone' }), 422, 'invalid_value', 'mode');
  assertError(await post({ applicant_phone: undefined }), 422, 'missing_field', 'applicant_phone');
  assertError(await post({ applicant_phone: 'abc' }), 422, null, 'applicant_phone');
  assertError(await post({ item_id: 99999999 }), 422, 'invalid_item', 'item_id');
  assertError(await post({ item_id: 'one' }), 400, 'invalid_type', 'item_id');
  assertError(await post({ materials: [1, 2] }), 400, 'invalid_type', 'materials');
  assertError(await post({ applicant_name: 'x'.repeat(51) }), 422, 'too_long', 'applicant_name');
  // 户籍证明（村委会出具） is immediate only.
  assertError(await post({ item_id: item('户籍证明（村委会出具）').id }), 422, 'mode_not_offered', 'mode');
  assertError(await api(`${S}/requests`, { method: 'POST', token: T.dwf_service, raw: '{', headers: { 'content-type': 'application/json' } }), 400);
});

test('areas and masking: another station 404, the leader reads masked numbers, a stranger unit 404', async () => {
  const q = await make('高龄津贴申领', 'proxy', { id_number: '210902195001011234' });
  assertError(await api(`${S}/requests/${q.id}`, { token: T.station01 }), 404, 'not_found');
  assertError(await act(q.id, T.station01, { action: 'send' }), 404, 'not_found');
  assertError(await act(q.id, T.zhujian, { action: 'complete', result: 'x' }), 404, 'not_found');
  assertError(await api(`${S}/requests/${q.id}`, { token: T.hz_hall }), 404, 'not_found', undefined);
  const l = await api(`${S}/requests/${q.id}`, { token: T.leader });
  assertStatus(l, 200);
  assert.equal(l.body.applicant_phone, `${q.phone.slice(0, 3)}****${q.phone.slice(-4)}`);
  assert.equal(l.body.id_number, '210902********1234');
  assert.equal(l.body.masked, true);
  assert.deepEqual(l.body.actions, []);
  const own = await api(`${S}/requests/${q.id}`, { token: T.dwf_service });
  assert.equal(own.body.id_number, '210902195001011234');
  const list = await api(`${S}/requests?per_page=5`, { token: T.station01 });
  assertStatus(list, 200);
  assert.ok(!list.body.items.some((i) => i.id === q.id));
  assertError(await api(`${S}/requests?status=nope`, { token: T.leader }), 400, 'invalid_parameter', 'status');
});

test('the citizen: status page by number and phone, one rating when done, 差评 answered and put right', async () => {
  const q = await make('城乡居民医保参保缴费', 'immediate');
  // Wrong phone and unknown number: the same 404.
  const bad = await api(`${P}/${q.number}?phone=13000000000`);
  assertError(bad, 404, 'not_found');
  const none = await api(`${P}/FW20990101000001?phone=${q.phone}`);
  assertError(none, 404, 'not_found');
  assert.equal(bad.body.error.message, none.body.error.message, 'no hint which part was wrong');
  let pg = await api(`${P}/${q.number}?phone=${q.phone}`);
  assertStatus(pg, 200);
  assert.equal(pg.body.status, 'received');
  assert.equal(pg.body.may_rate, false);
  assert.equal(pg.body.applicant_phone, `${q.phone.slice(0, 3)}****${q.phone.slice(-4)}`);
  assert.equal(pg.body.item.name, '城乡居民医保参保缴费');
  // Not done yet: 409.
  assertError(await rate(q.number, q.phone, 5), 409, 'invalid_state');
  await step(q.id, T.dwf_service, { action: 'complete', result: '已缴费，参保成功' });
  await step(q.id, T.dwf_service, { action: 'hand_over' });
  assertError(await rate(q.number, '13000000000', 5), 404, 'not_found');
  assertError(await rate(q.number, q.phone, 6), 422, 'out_of_range', 'rating');
  assertError(await rate(q.number, q.phone, '5'), 400, 'invalid_type', 'rating');
  assertError(await api(`${P}/${q.number}/rating`, { method: 'POST', body: { rating: 5 } }), 422, 'missing_field', 'phone');
  const ok = await rate(q.number, q.phone, 5);
  assertStatus(ok, 200);
  assert.equal(ok.body.rating, 5);
  assert.equal(ok.body.status, 'done');
  assertError(await rate(q.number, q.phone, 4), 409, 'already_rated');

  // A 差评 opens a complaint due in 15 working days.
  const b = await make('城乡居民医保参保缴费', 'immediate');
  await step(b.id, T.dwf_service, { action: 'complete', result: '已缴费' });
  await step(b.id, T.dwf_service, { action: 'hand_over' });
  const r2 = await rate(b.number, b.phone, 1);
  assertStatus(r2, 200);
  assert.equal(r2.body.status, 'complaint');
  assert.ok(r2.body.complaint.due_at);
  const due = Date.parse(r2.body.complaint.due_at);
  assert.ok(due > Date.now() + 18 * 86400e3 && due < Date.now() + 30 * 86400e3, r2.body.complaint.due_at);
  assertError(await rate(b.number, b.phone, 5), 409, 'invalid_state');
  assertError(await act(b.id, T.dwf_service, { action: 'rectify' }), 409, 'not_answered');
  assertError(await act(b.id, T.dwf_service, { action: 'answer_complaint' }), 422, 'missing_field', 'answer');
  assertError(await act(b.id, T.hz_hall, { action: 'answer_complaint', answer: 'x' }), 404, 'not_found');
  assertError(await act(b.id, T.dwf_service, { action: 'rate', rating: 5 }), 422, 'invalid_action');
  let x = await step(b.id, T.dwf_service, { action: 'answer_complaint', answer: '已向您致歉：缴费凭证当时未打印，现已补发。' });
  assert.equal(x.status, 'complaint');
  assert.equal(x.complaint.answer, '已向您致歉：缴费凭证当时未打印，现已补发。');
  x = await step(b.id, T.dwf_service, { action: 'rectify', note: '打印机已更换' });
  assert.equal(x.status, 'done');
  assert.ok(x.complaint.rectified_at);
  pg = await api(`${P}/${b.number}?phone=${b.phone}`);
  assert.equal(pg.body.complaint.answer, '已向您致歉：缴费凭证当时未打印，现已补发。');
  assert.equal(pg.body.rating, 1);
  assert.equal(pg.body.may_rate, false);
});

test('figures: per station and level, exact counts and rates, per item and mode', async () => {
  const range = `from=${today()}&to=${today()}`;
  const get = async () => {
    const r = await api(`/api/v1/stats/services?${range}`, { token: T.leader });
    assertStatus(r, 200);
    return r.body;
  };
  const unitOf = (s, name) => s.items.find((u) => u.name === name) || { requests: 0, done: 0, on_time: 0, no_travel: 0, rated: 0, complaints: 0, open_complaints: 0, by_mode: { immediate: 0, accompanied: 0, proxy: 0 } };
  const before = await get();
  const b0 = unitOf(before, '东瓦房村');
  // Three requests: immediate done and rated 4, proxy done and rated 2 (open 差评),
  // accompanied done (the citizen travelled).
  const i1 = await make('户籍证明（村委会出具）', 'immediate');
  await step(i1.id, T.dwf_service, { action: 'complete', result: '已出具' });
  await step(i1.id, T.dwf_service, { action: 'hand_over' });
  assertStatus(await rate(i1.number, i1.phone, 4), 200);
  const p1 = await make('临时救助', 'proxy');
  await step(p1.id, T.dwf_service, { action: 'send' });
  await step(p1.id, T.hz_hall, { action: 'complete', result: '批准救助 2000 元' });
  await step(p1.id, T.dwf_service, { action: 'hand_over' });
  assertStatus(await rate(p1.number, p1.phone, 2), 200);
  const a1 = await make('农村建房审批', 'accompanied');
  await step(a1.id, T.dwf_service, { action: 'appoint', at: new Date(Date.now() + 3600e3).toISOString(), companion: '白振江' });
  await step(a1.id, T.dwf_service, { action: 'complete', result: '已批准' });
  await step(a1.id, T.dwf_service, { action: 'hand_over' });
  const after = await get();
  const a = unitOf(after, '东瓦房村');
  assert.equal(a.level, 'village');
  assert.equal(a.requests - b0.requests, 3);
  assert.equal(a.done - b0.done, 3);
  assert.equal(a.on_time - b0.on_time, 3);
  assert.equal(a.no_travel - b0.no_travel, 2, 'immediate and proxy at a village: no travel; accompanied: travel');
  assert.equal(a.rated - b0.rated, 2);
  assert.equal(a.complaints - b0.complaints, 1);
  assert.equal(a.open_complaints - b0.open_complaints, 1);
  assert.equal(a.by_mode.immediate - b0.by_mode.immediate, 1);
  assert.equal(a.by_mode.proxy - b0.by_mode.proxy, 1);
  assert.equal(a.by_mode.accompanied - b0.by_mode.accompanied, 1);
  // The rates follow from the counts, exactly.
  const r4 = (x) => Math.round(x * 10000) / 10000;
  assert.equal(a.on_time_rate, r4(a.on_time / a.done));
  assert.equal(a.no_travel_share, r4(a.no_travel / a.done));
  assert.equal(a.rating_sum - (b0.rating_sum || 0), 6);
  assert.equal(a.avg_rating, Math.round(a.rating_sum / a.rated * 100) / 100);
  // Contract names.
  for (const k of ['requests', 'on_time_rate', 'avg_rating', 'no_travel_share']) assert.ok(k in a, k);
  const lv = after.by_level.find((l) => l.level === 'village');
  assert.ok(lv.requests >= a.requests);
  const it = after.by_item.find((x) => x.name === '临时救助');
  const itb = before.by_item.find((x) => x.name === '临时救助') || { proxy: 0 };
  assert.equal(it.proxy - itb.proxy, 1);
  // The station sees its own figures only; other stations' not.
  const mine = await api(`/api/v1/stats/services?${range}`, { token: T.dwf_service });
  assertStatus(mine, 200);
  assert.deepEqual(mine.body.items.map((u) => u.name), ['东瓦房村']);
  const other = await api(`/api/v1/stats/services?${range}`, { token: T.station01 });
  assert.ok(!other.body.items.some((u) => u.name === '东瓦房村'));
  assertError(await api('/api/v1/stats/services?from=yesterday', { token: T.leader }), 400);
  assertError(await api('/api/v1/stats/services', { token: T.agent }), 403, 'forbidden');
});

test('catalogue admin: create, update, deactivate, station modes, CSV import, XLSX export', async () => {
  const body = {
    name: '测试事项·老年人优待证', level: 'township', category: '社会救助', kind: 'promised', promised_days: 5, legal_days: 10,
    modes: ['immediate', 'proxy'], materials: ['居民身份证', '近期照片'], fees: '免费',
  };
  assertError(await api(`${S}/items`, { method: 'POST', token: T.dwf_service, body }), 403, 'forbidden');
  const c = await api(`${S}/items`, { method: 'POST', token: T.admin, body });
  assertStatus(c, 201);
  assert.equal(c.body.time_limit_days, 5);
  assertError(await api(`${S}/items`, { method: 'POST', token: T.admin, body }), 409, 'duplicate');
  assertError(await api(`${S}/items`, { method: 'POST', token: T.admin, body: { ...body, name: 'x2', promised_days: 20 } }), 422, 'out_of_range', 'promised_days');
  assertError(await api(`${S}/items`, { method: 'POST', token: T.admin, body: { ...body, name: 'x3', modes: ['teleport'] } }), 422, 'invalid_value', 'modes');
  assertError(await api(`${S}/items`, { method: 'POST', token: T.admin, body: { ...body, name: 'x4', level: 'city' } }), 422, 'invalid_value', 'level');
  const u = await api(`${S}/items/${c.body.id}`, { method: 'PUT', token: T.admin, body: { ...body, promised_days: 3 } });
  assertStatus(u, 200);
  assert.equal(u.body.promised_days, 3);
  const dwf = await unitByName(api, T.admin, '东瓦房村');
  assertStatus(await api(`${S}/stations/${dwf.id}/items/${c.body.id}`, { method: 'PUT', token: T.admin, body: { modes: ['immediate'] } }), 200);
  const seen = (await api(`${S}/items?level=township`, { token: T.dwf_service })).body.items.find((i) => i.id === c.body.id);
  assert.deepEqual(seen.station_modes, ['immediate']);
  assertError(await api(`${S}/requests`, { method: 'POST', token: T.dwf_service, body: { item_id: c.body.id, mode: 'proxy', applicant_name: '甲', applicant_phone: phone() } }), 422, 'mode_not_offered');
  assertStatus(await api(`${S}/items/${c.body.id}`, { method: 'DELETE', token: T.admin }), 200);
  assert.ok(!(await api(`${S}/items`, { token: T.leader })).body.items.some((i) => i.id === c.body.id));

  const csv = '\ufeffname,level,category,kind,promised_days,legal_days,modes,materials,fees,unit\n'
    + '测试导入·农机购置补贴,village,农业农村,promised,15,30,immediate;proxy,"居民身份证；购机发票；农机合格证",免费,阜新市农业农村局\n'
    + '测试导入·独生子女证补办,township,卫生健康,immediate,0,0,immediate,居民身份证,免费,\n';
  const im = await api(`${S}/items/import`, { method: 'POST', token: T.admin, body: { csv } });
  assertStatus(im, 200);
  assert.equal(im.body.imported, 2);
  const got = (await api(`${S}/items?level=village`, { token: T.leader })).body.items.find((i) => i.name === '测试导入·农机购置补贴');
  assert.deepEqual(got.materials, ['居民身份证', '购机发票', '农机合格证']);
  assert.deepEqual(got.modes, ['immediate', 'proxy']);
  assert.equal(got.unit.name, '阜新市农业农村局');
  // All or nothing: a bad line names its number, nothing is imported.
  const bad = 'name,level,category,kind,promised_days,modes\n测试导入·甲,village,其他,immediate,0,immediate\n测试导入·乙,city,其他,immediate,0,immediate\n';
  const br = await api(`${S}/items/import`, { method: 'POST', token: T.admin, body: { csv: bad } });
  assertError(br, 422, 'invalid_value', 'csv');
  assert.match(br.body.error.message, /第 3 行/);
  assert.ok(!(await api(`${S}/items?level=village`, { token: T.leader })).body.items.some((i) => i.name === '测试导入·甲'));
  const x = await fetch(`${srv.url}${S}/items.xlsx`, { headers: { authorization: `Bearer ${T.admin}` } });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const buf = Buffer.from(await x.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
});

test('enterprise service: approvals step by step with units and dates, listed per county', async () => {
  const r = await api(`${S}/enterprise`, {
    method: 'POST', token: T.hz_hall,
    body: { enterprise: '阜新市瑞丰农产品加工有限公司', project_id: 12, contact: '赵经理 13904180000',
      steps: [{ name: '立项', unit: '海州区发展和改革局' }, { name: '用地', unit: '海州区自然资源分局' }, { name: '规划' }, { name: '施工许可', unit: '海州区住房和城乡建设局', due_at: '2027-03-31' }] },
  });
  assertStatus(r, 201);
  assert.equal(r.body.county.name, '海州区');
  assert.equal(r.body.project_id, 12);
  assert.equal(r.body.steps.length, 4);
  assert.equal(r.body.steps[3].due_at.slice(0, 10), '2027-03-31');
  const s0 = r.body.steps[0];
  let u = await api(`${S}/enterprise/${r.body.id}/steps/${s0.id}`, { method: 'PATCH', token: T.hz_hall, body: { status: 'in_progress', started_at: '2026-11-02' } });
  assertStatus(u, 200);
  u = await api(`${S}/enterprise/${r.body.id}/steps/${s0.id}`, { method: 'PATCH', token: T.hz_hall, body: { status: 'done', done_at: '2026-11-20', note: '已取得备案证明' } });
  assertStatus(u, 200);
  assert.equal(u.body.steps[0].status, 'done');
  assert.equal(u.body.steps_done, 1);
  assertError(await api(`${S}/enterprise/${r.body.id}/steps/${s0.id}`, { method: 'PATCH', token: T.hz_hall, body: { status: 'finished' } }), 422, 'invalid_value', 'status');
  assertError(await api(`${S}/enterprise/${r.body.id}/steps/${s0.id}`, { method: 'PATCH', token: T.hz_hall, body: { done_at: '2026-10-01', started_at: '2026-11-01' } }), 422, 'out_of_range');
  assertError(await api(`${S}/enterprise`, { method: 'POST', token: T.hz_hall, body: { enterprise: '甲', steps: [] } }), 422, 'out_of_range', 'steps');
  assertError(await api(`${S}/enterprise`, { method: 'POST', token: T.hz_hall, body: { enterprise: '甲', steps: [{}] } }), 422, 'missing_field', 'steps[0].name');
  assertError(await api(`${S}/enterprise`, { method: 'POST', token: T.leader, body: { enterprise: '甲', steps: [{ name: '立项' }] } }), 403, 'forbidden');
  const hz = await unitByName(api, T.admin, '海州区');
  const l = await api(`${S}/enterprise?county_id=${hz.id}`, { token: T.leader });
  assertStatus(l, 200);
  assert.ok(l.body.items.some((i) => i.id === r.body.id));
  assertError(await api(`${S}/enterprise/${r.body.id}`, { token: T.station01 }), 404, 'not_found');
});

test('the citizen pages are rate limited like the public appeal intake', async () => {
  // An empty database (init) is enough: nobody is found, but each try counts.
  const db = freshDatabase();
  assert.equal(run(['init', '--db', db.url], { input: 'Init-root-pw-1\n' }).status, 0);
  const s2 = await startServer({ db, args: ['--citizen-rate', '3'] });
  try {
    const a2 = client(s2.url);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await a2(`${P}/FW20990101000001?phone=13000000000`)).status);
    assert.deepEqual(codes.slice(0, 3), [404, 404, 404]);
    assert.equal(codes[4], 429);
    assertError(await a2(`${P}/FW20990101000001/rating`, { method: 'POST', body: { phone: '13000000000', rating: 5 } }), 429, 'rate_limited');
  } finally { await stopClean(s2); db.drop(); }
});

test('catalogue XLSX round trip: the export imports into a fresh catalogue as the same items', async () => {
  const x = await fetch(`${srv.url}${S}/items.xlsx`, { headers: { authorization: `Bearer ${T.admin}` } });
  assert.equal(x.status, 200);
  const book = Buffer.from(await x.arrayBuffer());
  const all = (await api(`${S}/items`, { token: T.admin })).body.items;
  const shape = (list) => list.map((i) => ({
    name: i.name, level: i.level, category: i.category, kind: i.kind, promised_days: i.promised_days,
    legal_days: i.legal_days, modes: i.modes, materials: i.materials, fees: i.fees || null,
    applicants: i.applicants || null, description: i.description || null, unit: i.unit ? i.unit.name : null,
  })).sort((a, b) => (a.level + a.name).localeCompare(b.level + b.name));
  const db = freshDatabase();
  assert.equal(run(['init', '--db', db.url], { input: 'Init-root-pw-1\n' }).status, 0);
  const s2 = await startServer({ db });
  try {
    const a2 = client(s2.url);
    const t = await login(a2, 'admin', 'Init-root-pw-1');
    const city = (await a2('/api/v1/units', { token: t })).body.items[0];
    // The responsible units, by name, as the workbook names them.
    for (const name of new Set(all.filter((i) => i.unit).map((i) => i.unit.name))) {
      assertStatus(await a2('/api/v1/units', { method: 'POST', token: t, body: { name, kind: 'department', parent_id: city.id } }), 201);
    }
    assert.equal((await a2(`${S}/items`, { token: t })).body.items.length, 0);
    const im = await fetch(`${s2.url}${S}/items/import`, {
      method: 'POST', body: book,
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    const ib = await im.json();
    assert.equal(im.status, 200, JSON.stringify(ib));
    assert.equal(ib.imported, all.length);
    const got = (await a2(`${S}/items`, { token: t })).body.items;
    assert.deepEqual(shape(got), shape(all));
    // All or nothing, the row named: a workbook with a bad level in its third data row.
    const { xlsx } = await import('../lib/xlsx.mjs');
    const rows = [['事项名称', '层级', '类别', '事项类型'], ['name', 'level', 'category', 'kind', 'promised_days', 'modes', 'materials'],
      ['导入测试·甲', 'village', '其他', 'immediate', 0, 'immediate', '居民身份证'], [],
      ['导入测试·乙', 'village', '其他', 'immediate', 0, 'immediate；proxy', '居民身份证；户口簿'],
      ['导入测试·丙', 'city', '其他', 'immediate', 0, 'immediate', '居民身份证']];
    const bad = await fetch(`${s2.url}${S}/items/import`, { method: 'POST', body: xlsx(rows), headers: { authorization: `Bearer ${t}` } });
    const bb = await bad.json();
    assert.equal(bad.status, 422);
    assert.equal(bb.error.field, 'file');
    assert.match(bb.error.message, /第 6 行（level）/);
    assert.ok(!(await a2(`${S}/items`, { token: t })).body.items.some((i) => i.name.startsWith('导入测试')));
    // Not a workbook at all (the zip's magic, then garbage): 422 bad_xlsx.
    const junk = await fetch(`${s2.url}${S}/items/import`, { method: 'POST', body: Buffer.from('PK\x03\x04garbage'), headers: { authorization: `Bearer ${t}` } });
    assert.equal(junk.status, 422);
    assert.equal((await junk.json()).error.code, 'bad_xlsx');
  } finally { await stopClean(s2); db.drop(); }
});

test('the figures as a workbook: GET /stats/services.xlsx', async () => {
  const x = await fetch(`${srv.url}/api/v1/stats/services.xlsx?from=2020-01-01&to=${today()}`, { headers: { authorization: `Bearer ${T.leader}` } });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.match(x.headers.get('content-disposition'), /service-stats-2020-01-01_/);
  const buf = Buffer.from(await x.arrayBuffer());
  assert.equal(buf.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  assert.equal((await fetch(`${srv.url}/api/v1/stats/services.xlsx`, { headers: { authorization: `Bearer ${T.agent}` } })).status, 403);
});

test('every county has its hall: a proxy request from 太平区 goes to 太平区政务服务中心; a county without one → 409 no_hall', async () => {
  const newClerk = async (username, unitId) => {
    const u = await api('/api/v1/users', { method: 'POST', token: T.admin, body: { username, display_name: '测试代办员', unit_id: unitId, roles: ['station_staff'], password: 'Station-pass-2026' } });
    assertStatus(u, 201);
    return login(api, username, 'Station-pass-2026');
  };
  const sq = await unitByName(api, T.admin, '水泉村');
  const clerk = await newClerk('svc_sq01', sq.id);
  const q = await make('高龄津贴申领', 'proxy', {}, clerk);
  const x = await step(q.id, clerk, { action: 'send' });
  assert.equal(x.status, 'at_hall');
  assert.equal(x.hall.name, '太平区政务服务中心');
  const tp = await login(api, 'tp_hall');
  assertError(await act(q.id, T.hz_hall, { action: 'complete', result: 'x' }), 404);
  assert.equal((await step(q.id, tp, { action: 'complete', result: '审核通过' })).status, 'completed');
  assert.equal((await step(q.id, clerk, { action: 'hand_over' })).status, 'done');
  for (const u of ['xq_hall', 'qhm_hall', 'xh_hall', 'fm_hall', 'zw_hall']) await login(api, u);

  // A new county, no hall registered: the clear 409.
  const city = await unitByName(api, T.admin, '阜新市');
  const county = await api('/api/v1/units', { method: 'POST', token: T.admin, body: { name: '测试县', kind: 'county', parent_id: city.id } });
  assertStatus(county, 201);
  const town = await api('/api/v1/units', { method: 'POST', token: T.admin, body: { name: '测试县测试镇', kind: 'township', parent_id: county.body.id } });
  assertStatus(town, 201);
  const village = await api('/api/v1/units', { method: 'POST', token: T.admin, body: { name: '测试县测试村', kind: 'village', parent_id: town.body.id } });
  assertStatus(village, 201);
  const clerk2 = await newClerk('svc_test01', village.body.id);
  const q2 = await make('高龄津贴申领', 'proxy', {}, clerk2);
  const r = await act(q2.id, clerk2, { action: 'send' });
  assertError(r, 409, 'no_hall');
  assert.equal(r.body.error.message, '本县（区）政务服务中心尚未设置');
});
