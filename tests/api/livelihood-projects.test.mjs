// 民生实事 — proposals, candidates, projects and the evaluation over HTTP
// (docs/livelihood.md): a citizen proposes without login and follows the proposal with its
// code (the reason when infeasible), support once per person, merge, an agent converts an
// appeal, candidates keep their proposals; projects from a closed ballot get milestones,
// progress with photos (type by magic bytes, size limit, served with auth only), states
// on track / at risk / late, the board filters, inspections answered by the lead unit,
// sign-off, the evaluation rules and roles, the XLSX report and the public page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, stopClean } from '../lib/api-helpers.mjs';

const LV = '/api/v1/livelihood';
const YEAR = 2042;
const DAY = 24 * 3600 * 1000;
let srv, api, T = {}, dep = [], transport, water, dataDir;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'yiwang-lv-files-'));
  srv = await startServer({ args: ['--data-dir', dataDir, '--max-body', String(2 << 20)], env: { YIWANG_CITIZEN_RATE: '0' } });
  api = client(srv.url);
  for (const u of ['congress', 'admin', 'leader', 'agent', 'zhujian', 'haizhou']) T[u] = await login(api, u);
  const names = Array.from({ length: 40 }, (_, i) => `deputy${String(i + 1).padStart(2, '0')}`);
  dep = await Promise.all(names.map((n) => login(api, n)));
  transport = await unitByName(api, T.congress, '阜新市交通运输局');
  water = await unitByName(api, T.congress, '阜新市住房和城乡建设局');
  assert.ok(transport && water);
});
after(async () => {
  await stopClean(srv);
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (path, token, body) => api(LV + path, { method: 'POST', token, body });
const get = (path, token) => api(LV + path, { token });

// A China calendar date `days` from today.
function dateIn(days) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + days * DAY);
  return d.toISOString().slice(0, 10);
}

// Two projects of YEAR: one led by the housing bureau (staff login `zhujian`), one by the
// transport bureau.
let projects;
async function makeProjects() {
  if (projects) return projects;
  const c = [];
  for (const [title, unit] of [['老旧小区改造测试', water], ['农村公路测试', transport], ['落选项目', transport]]) {
    const r = await post('/candidates', T.congress, { title, description: '说明', budget_wan: 2500, lead_unit_id: unit.id, year: YEAR, target: '年底前完工' });
    assertStatus(r, 201);
    c.push(r.body.id);
  }
  const s = await post('/sessions', T.congress, { title: '项目测试票决', year: YEAR, seats: 2, candidate_ids: c });
  assertStatus(s, 201);
  assertStatus(await post(`/sessions/${s.body.id}/open`, T.congress), 200);
  for (let i = 0; i < 30; i++) assertStatus(await post(`/sessions/${s.body.id}/ballots`, dep[i], { candidate_ids: [c[0], c[1]] }), 201);
  assertStatus(await post(`/sessions/${s.body.id}/close`, T.congress), 200);
  const r = await get(`/projects?year=${YEAR}&per_page=200`, T.congress);
  assertStatus(r, 200);
  assert.equal(r.body.total, 2);
  projects = {
    housing: r.body.items.find((p) => p.candidate_id === c[0]),
    road: r.body.items.find((p) => p.candidate_id === c[1]),
  };
  return projects;
}

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0test photo bytes')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);

function upload(id, token, body, type = 'image/jpeg') {
  const headers = { 'content-type': type };
  return api(`${LV}/projects/${id}/photos`, { method: 'POST', token, headers, raw: body });
}

test('a citizen proposes without login, follows it by code and sees the reason when it is infeasible', async () => {
  const r = await post('/proposals', undefined, { title: '修缮东瓦房村道路', content: '村道坑洼，雨天难行', place: '韩家店镇东瓦房村', contact_name: '王先生', contact_phone: '13912345678', year: YEAR });
  assertStatus(r, 201);
  assert.equal(r.body.status, 'submitted');
  assert.match(r.body.code, /^[0-9a-f]{32}$/);
  assert.equal(r.body.contact_phone, undefined, 'a citizen gets no staff fields back');
  const id = r.body.id;
  let t = await get(`/public/proposals/${r.body.code}`);
  assertStatus(t, 200);
  assert.equal(t.body.status, 'submitted');
  assertError(await post(`/proposals/${id}/infeasible`, T.admin, { reason: 'x' }), 403, 'forbidden');
  assertError(await post(`/proposals/${id}/infeasible`, T.congress, {}), 422, 'missing_field', 'reason');
  const inf = await post(`/proposals/${id}/infeasible`, T.congress, { reason: '该路段已列入省道改造计划，由省交通厅实施' });
  assertStatus(inf, 200);
  assert.equal(inf.body.status, 'infeasible');
  assert.equal(inf.body.contact_phone, '13912345678', 'congress staff see the contact');
  t = await get(`/public/proposals/${r.body.code}`);
  assert.equal(t.body.status, 'infeasible');
  assert.equal(t.body.reason, '该路段已列入省道改造计划，由省交通厅实施');
  assertError(await post(`/proposals/${id}/infeasible`, T.congress, { reason: '再次' }), 409, 'invalid_state');
  assertError(await get('/public/proposals/0123456789abcdef0123456789abcdef'), 404, 'not_found');
  // Bad input.
  assertError(await post('/proposals', undefined, { content: '没有标题' }), 422, 'missing_field', 'title');
  assertError(await post('/proposals', undefined, { title: 't', content: 'c', contact_phone: 'abc' }), 422, 'invalid_phone', 'contact_phone');
  assertError(await post('/proposals', undefined, { title: 't', content: 'c', channel: 'staff' }), 422, 'invalid_channel', 'channel');
  assertError(await post('/proposals', undefined, { title: 'x'.repeat(101), content: 'c' }), 422, 'too_long', 'title');
});

test('support once per person; merge duplicates; candidates keep the link to their proposals', async () => {
  const a = await post('/proposals', T.agent, { title: '增加公交线路', content: '新区缺少公交', year: YEAR });
  const b = await post('/proposals', undefined, { title: '新区通公交', content: '希望开通公交', year: YEAR });
  assertStatus(a, 201);
  assertStatus(b, 201);
  let s = await post(`/proposals/${a.body.id}/support`, dep[0]);
  assertStatus(s, 200);
  assert.equal(s.body.supports, 1);
  assertError(await post(`/proposals/${a.body.id}/support`, dep[0]), 409, 'already_supported');
  s = await post(`/proposals/${a.body.id}/support`, undefined);
  assertStatus(s, 200);
  assert.equal(s.body.supports, 2);
  assertError(await post(`/proposals/${a.body.id}/support`, undefined), 409, 'already_supported');
  assertError(await post('/proposals/999999/support', dep[1]), 404, 'not_found');
  // Merge b into a.
  assertError(await post(`/proposals/${b.body.id}/merge`, T.congress, { into_id: b.body.id }), 422, 'invalid_merge', 'into_id');
  const m = await post(`/proposals/${b.body.id}/merge`, T.congress, { into_id: a.body.id });
  assertStatus(m, 200);
  assert.equal(m.body.status, 'merged');
  assert.equal(m.body.merged_into, a.body.id);
  const ga = await get(`/proposals/${a.body.id}`, T.congress);
  assert.deepEqual(ga.body.merged.map((x) => x.id), [b.body.id]);
  const t = await get(`/public/proposals/${b.body.code}`);
  assert.equal(t.body.merged_into.id, a.body.id);
  assertError(await post(`/proposals/${a.body.id}/support`, undefined), 409, 'already_supported');
  // A candidate from a.
  assertError(await post('/candidates', T.congress, { title: '开通新区公交', description: 'd', budget_wan: 300, lead_unit_id: transport.id, proposal_ids: [b.body.id] }), 409, 'invalid_state', 'proposal_ids');
  assertError(await post('/candidates', T.congress, { title: 'x', description: 'd', budget_wan: -1, lead_unit_id: transport.id }), 422, 'out_of_range', 'budget_wan');
  assertError(await post('/candidates', T.congress, { title: 'x', description: 'd', budget_wan: '300', lead_unit_id: transport.id }), 400, 'invalid_type', 'budget_wan');
  assertError(await post('/candidates', T.congress, { title: 'x', description: 'd', budget_wan: 3, lead_unit_id: 99999999 }), 422, 'invalid_unit', 'lead_unit_id');
  assertError(await post('/candidates', T.agent, { title: 'x', description: 'd', budget_wan: 3, lead_unit_id: transport.id }), 403, 'forbidden');
  const c = await post('/candidates', T.congress, { title: '开通新区公交', description: '新增两条线路', budget_wan: 312.5, lead_unit_id: transport.id, proposal_ids: [a.body.id], target: '9月底前开通', feasibility: '交通局已论证' });
  assertStatus(c, 201);
  assert.equal(c.body.budget_wan, 312.5);
  assert.equal(c.body.year, YEAR);
  assert.deepEqual(c.body.proposal_ids, [a.body.id]);
  assert.equal(c.body.lead_unit.id, transport.id);
  assert.equal(c.body.target, '9月底前开通');
  const ga2 = await get(`/proposals/${a.body.id}`, T.congress);
  assert.equal(ga2.body.status, 'candidate');
  assert.equal(ga2.body.candidate_id, c.body.id);
  const list = await get(`/proposals?year=${YEAR}&status=candidate`, T.congress);
  assert.ok(list.body.items.some((x) => x.id === a.body.id));
  const pub = await get(`/public/proposals?year=${YEAR}`);
  assertStatus(pub, 200);
  assert.ok(pub.body.items.some((x) => x.id === a.body.id));
  assert.ok(!pub.body.items.some((x) => x.id === b.body.id), 'merged proposals are not listed publicly');
  for (const x of pub.body.items) assert.equal(x.contact_phone, undefined);
});

test('an agent converts an appeal into a proposal; others may not', async () => {
  const ap = await api('/api/v1/appeals', { method: 'POST', token: T.agent, body: { content: '希望在玉龙社区建一处老年食堂，方便老人就餐', contact_phone: '13800001111', region_code: '210902006000' } });
  assertStatus(ap, 201);
  const r = await post('/proposals', T.agent, { appeal_id: ap.body.id, year: YEAR });
  assertStatus(r, 201);
  assert.equal(r.body.channel, 'appeal');
  assert.equal(r.body.appeal_id, ap.body.id);
  assert.match(r.body.content, /老年食堂/);
  assert.ok(r.body.title.length > 0);
  assertError(await post('/proposals', T.congress, { appeal_id: ap.body.id, year: YEAR }), 403, 'forbidden', 'appeal_id');
  assertError(await post('/proposals', T.agent, { appeal_id: 99999999, year: YEAR }), 404, 'not_found', 'appeal_id');
});

test('milestones, progress with photos and the state: on track, at risk, late', async () => {
  const { housing, road } = await makeProjects();
  const add = (p, token, body) => post(`/projects/${p.id}/milestones`, token, body);
  // The lead unit or congress staff plan; others may not.
  assertError(await add(housing, dep[0], { title: 'x', due_date: dateIn(30) }), 403, 'forbidden');
  // Outside the caller's area the project does not exist.
  assertError(await add(housing, T.haizhou, { title: 'x', due_date: dateIn(30) }), 404, 'not_found');
  assertError(await add(housing, T.congress, { title: 'x', due_date: '2042-02-30' }), 422, 'invalid_date', 'due_date');
  let r = await add(housing, T.zhujian, { title: '完成设计招标', due_date: dateIn(-30), deliverable: '中标通知书' });
  assertStatus(r, 201);
  r = await add(housing, T.congress, { title: '主体施工', due_date: dateIn(60), deliverable: '完成改造面积' });
  assertStatus(r, 201);
  const [m1, m2] = r.body.milestones;
  assert.equal(m1.title, '完成设计招标');
  assert.equal(m1.state, 'late');
  assert.equal(r.body.state, 'late');
  // Progress: the lead unit only, with photos uploaded first.
  assertError(await upload(housing.id, T.congress, JPEG), 403, 'forbidden');
  assertError(await upload(housing.id, T.zhujian, Buffer.from('<html>not a photo</html>'), 'image/jpeg'), 422, 'unsupported_type');
  assertError(await upload(housing.id, T.zhujian, Buffer.from('GIF89a..........'), 'image/gif'), 422, 'unsupported_type');
  assertError(await upload(housing.id, T.zhujian, PNG, 'image/jpeg'), 422, 'unsupported_type');
  assertError(await upload(housing.id, T.zhujian, Buffer.alloc(0)), 422, 'empty_file');
  assertError(await upload(housing.id, T.zhujian, Buffer.concat([JPEG, Buffer.alloc(3 << 20)])), 413, 'too_large');
  const ph = await upload(housing.id, T.zhujian, JPEG);
  assertStatus(ph, 201);
  assert.equal(ph.body.content_type, 'image/jpeg');
  const ph2 = await upload(housing.id, T.zhujian, PNG, 'image/png');
  assertStatus(ph2, 201);
  // Stored as files under the data directory, not in the rows.
  const files = readdirSync(join(dataDir, 'livelihood'), { recursive: true }).filter((f) => statSync(join(dataDir, 'livelihood', f)).isFile());
  assert.equal(files.length, 2);
  assertError(await post(`/projects/${housing.id}/progress`, T.congress, { milestone_id: m1.id, percent: 100, text: 'x' }), 403, 'forbidden');
  assertError(await post(`/projects/${housing.id}/progress`, T.zhujian, { milestone_id: m1.id, percent: 101, text: 'x' }), 422, 'out_of_range', 'percent');
  assertError(await post(`/projects/${housing.id}/progress`, T.zhujian, { milestone_id: 999999, percent: 10, text: 'x' }), 422, 'unknown_milestone', 'milestone_id');
  assertError(await post(`/projects/${housing.id}/progress`, T.zhujian, { milestone_id: m1.id, percent: 10, text: 'x', photo_ids: [999999] }), 422, 'invalid_photo', 'photo_ids');
  r = await post(`/projects/${housing.id}/progress`, T.zhujian, { milestone_id: m1.id, percent: 100, text: '招标完成，已签订施工合同', photo_ids: [ph.body.id, ph2.body.id] });
  assertStatus(r, 201);
  assert.equal(r.body.milestones[0].percent, 100);
  assert.equal(r.body.milestones[0].state, 'done');
  assert.equal(r.body.state, 'on_track');
  assert.equal(r.body.progress, 50);
  assert.equal(r.body.progress_reports[0].photos.length, 2);
  assertError(await post(`/projects/${housing.id}/progress`, T.zhujian, { milestone_id: m2.id, percent: 10, text: 'x', photo_ids: [ph.body.id] }), 422, 'invalid_photo', 'photo_ids');
  // Photos are served back with auth only.
  const url = r.body.progress_reports[0].photos[0].url;
  const raw = await fetch(srv.url + url);
  assert.equal(raw.status, 401);
  const got = await fetch(srv.url + url, { headers: { authorization: `Bearer ${dep[0]}` } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), JPEG);
  // At risk: a milestone within 10 days and unfinished.
  r = await add(road, T.congress, { title: '路基完成', due_date: dateIn(5) });
  assertStatus(r, 201);
  assert.equal(r.body.state, 'at_risk');
  // The board filters by state and unit.
  const late = await get(`/projects?year=${YEAR}&state=at_risk`, T.leader);
  assert.deepEqual(late.body.items.map((p) => p.id), [road.id]);
  const byUnit = await get(`/projects?year=${YEAR}&unit_id=${water.id}`, T.congress);
  assert.deepEqual(byUnit.body.items.map((p) => p.id), [housing.id]);
  assertError(await get(`/projects?state=finished`, T.congress), 400, 'invalid_parameter', 'state');
  // Unit staff see their own projects only.
  const mine = await get(`/projects?year=${YEAR}`, T.zhujian);
  assert.deepEqual(mine.body.items.map((p) => p.id), [housing.id]);
  assertError(await get(`/projects/${road.id}`, T.zhujian), 404, 'not_found');
});

test('inspections with opinions the lead unit answers; sign-off after verification; then no photo or progress is taken (409 signed_off)', async () => {
  const { road } = await makeProjects();
  assertError(await post(`/projects/${road.id}/inspections`, T.congress, { content: 'x' }), 403, 'forbidden');
  let r = await post(`/projects/${road.id}/inspections`, dep[2], { content: '实地查看了路基施工', opinion: '排水沟设计偏窄，建议加宽', visited_on: dateIn(0) });
  assertStatus(r, 201);
  assert.equal(r.body.open_opinions, 1);
  const insp = r.body.inspections[0];
  assert.equal(insp.opinion, '排水沟设计偏窄，建议加宽');
  assert.equal(insp.answer, null);
  // Sign-off refused while milestones are unfinished and opinions unanswered.
  assertError(await post(`/projects/${road.id}/signoff`, T.congress), 409, 'not_finished');
  assertError(await post(`/projects/${road.id}/inspections/${insp.id}/answer`, T.zhujian, { answer: 'x' }), 404, 'not_found');
  assertError(await post(`/projects/${road.id}/inspections/${insp.id}/answer`, dep[2], { answer: 'x' }), 403, 'forbidden');
  const tr = await login(api, 'admin');
  // Transport bureau staff: make one to answer as the lead unit.
  const u = await api('/api/v1/users', { method: 'POST', token: tr, body: { username: 'jiaotong_lv', display_name: '交通局测试', password: 'jiaotong-pw-1', unit_id: transport.id, roles: ['unit_staff'] } });
  assertStatus(u, 201);
  const jt = await login(api, 'jiaotong_lv', 'jiaotong-pw-1');
  r = await post(`/projects/${road.id}/inspections/${insp.id}/answer`, jt, { answer: '已调整设计，排水沟加宽至1.2米' });
  assertStatus(r, 200);
  assert.equal(r.body.open_opinions, 0);
  assert.equal(r.body.inspections[0].answer, '已调整设计，排水沟加宽至1.2米');
  assertError(await post(`/projects/${road.id}/inspections/${insp.id}/answer`, jt, { answer: 'again' }), 409, 'already_answered');
  const m = r.body.milestones[0];
  assertStatus(await post(`/projects/${road.id}/progress`, jt, { milestone_id: m.id, percent: 100, text: '路基全部完成' }), 201);
  const early = await upload(road.id, jt, JPEG); // uploaded before the sign-off, not yet reported
  assertStatus(early, 201);
  assertError(await post(`/projects/${road.id}/signoff`, jt), 403, 'forbidden');
  // Uploads racing the sign-off: each lands before it (201) or is refused (409), never after.
  const racing = Array.from({ length: 24 }, () => upload(road.id, jt, JPEG));
  r = await post(`/projects/${road.id}/signoff`, T.congress, { note: '经实地核验，达到验收标准' });
  assertStatus(r, 200);
  for (const u of await Promise.all(racing)) {
    if (u.status !== 201) assertError(u, 409, 'signed_off');
  }
  const trail = await api(`/api/v1/audit?entity=lv_project&entity_id=${road.id}&per_page=200`, { token: tr });
  assertStatus(trail, 200);
  const signoffSeq = trail.body.items.find((a) => a.action === 'livelihood.signoff').seq;
  const late = trail.body.items.filter((a) => a.action === 'livelihood.photo_upload' && a.seq > signoffSeq);
  assert.equal(late.length, 0, `${late.length} photos were stored after the sign-off`);
  assert.equal(r.body.signed_off, true);
  assert.equal(r.body.signoff_note, '经实地核验，达到验收标准');
  assertError(await post(`/projects/${road.id}/signoff`, T.congress), 409, 'already_signed_off');
  assertError(await post(`/projects/${road.id}/progress`, jt, { milestone_id: m.id, percent: 100, text: 'x' }), 409, 'signed_off');
  // The record is closed: no new photo, and the early one cannot be attached now.
  const closed = (await get(`/projects/${road.id}`, jt)).body;
  assertError(await upload(road.id, jt, JPEG), 409, 'signed_off');
  assertError(await upload(road.id, jt, PNG, 'image/png'), 409, 'signed_off');
  assertError(await post(`/projects/${road.id}/progress`, jt, { milestone_id: m.id, percent: 100, text: '补充照片', photo_ids: [early.body.id] }), 409, 'signed_off');
  assert.deepEqual((await get(`/projects/${road.id}`, jt)).body.progress_reports, closed.progress_reports, 'nothing was added');
});

test('evaluation: congress staff open and close; deputies on the roll rate once; the outcome rules', async () => {
  const { housing, road } = await makeProjects();
  assertError(await post('/evaluations', T.admin, { year: YEAR }), 403, 'forbidden');
  assertError(await post('/evaluations', T.congress, { year: 2099 }), 409, 'no_projects');
  assertError(await post(`/projects/${housing.id}/evaluation`, dep[0], { rating: 'satisfied' }), 409, 'evaluation_not_open');
  const o = await post('/evaluations', T.congress, { year: YEAR });
  assertStatus(o, 201);
  assert.equal(o.body.status, 'open');
  assert.equal(o.body.roll_size, 40);
  assertError(await post('/evaluations', T.congress, { year: YEAR }), 409, 'duplicate');
  // housing: 21 satisfied of 40 → satisfied. road: 15 satisfied + 6 basic → basically; 
  for (let i = 0; i < 21; i++) assertStatus(await post(`/projects/${housing.id}/evaluation`, dep[i], { rating: 'satisfied' }), 201);
  assertError(await post(`/projects/${housing.id}/evaluation`, dep[0], { rating: 'dissatisfied' }), 409, 'already_rated');
  assertError(await post(`/projects/${housing.id}/evaluation`, dep[30], { rating: 'great' }), 422, 'invalid_rating', 'rating');
  assertError(await post(`/projects/${housing.id}/evaluation`, T.congress, { rating: 'satisfied' }), 403, 'forbidden');
  for (let i = 0; i < 21; i++) {
    const rating = i < 15 ? 'satisfied' : 'basically_satisfied';
    assertStatus(await post(`/projects/${road.id}/evaluation`, dep[i], { rating }), 201);
  }
  // No counts before the close.
  const before = await get(`/projects/${housing.id}`, T.congress);
  assert.equal(before.body.evaluation.outcome, null);
  assert.equal(before.body.evaluation.satisfied, null);
  assertError(await post(`/evaluations/${YEAR}/close`, dep[0]), 403, 'forbidden');
  const c = await post(`/evaluations/${YEAR}/close`, T.congress);
  assertStatus(c, 200);
  assert.equal(c.body.status, 'closed');
  const h = await get(`/projects/${housing.id}`, dep[5]);
  assert.deepEqual(
    { s: h.body.evaluation.satisfied, b: h.body.evaluation.basically_satisfied, d: h.body.evaluation.dissatisfied, o: h.body.evaluation.outcome },
    { s: 21, b: 0, d: 0, o: 'satisfied' });
  const rd = await get(`/projects/${road.id}`, dep[5]);
  assert.equal(rd.body.evaluation.outcome, 'basically_satisfied');
  assertError(await post(`/evaluations/${YEAR}/close`, T.congress), 409, 'invalid_state');
  assertError(await post(`/projects/${road.id}/evaluation`, dep[39], { rating: 'satisfied' }), 409, 'evaluation_not_open');
});

test('the year report is an XLSX workbook; the public page shows the year without login', async () => {
  await makeProjects();
  const r = await fetch(`${srv.url}${LV}/report.xlsx?year=${YEAR}`, { headers: { authorization: `Bearer ${T.congress}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  if (spawnSync('unzip', ['-v']).status === 0) {
    const file = join(dataDir, 'report.xlsx');
    writeFileSync(file, buf);
    const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
    const sheets = execFileSync('unzip', ['-p', file, 'xl/workbook.xml'], { encoding: 'utf8' });
    for (const h of ['项目名称', '牵头单位', '预算（万元）', '总体进度', '测评结果', '计划完成日期', '交付成果', '进展情况',
      '老旧小区改造测试', '农村公路测试', '完成设计招标', '招标完成，已签订施工合同', '满意', '基本满意']) {
      assert.ok(strings.includes(h), `report lacks ${h}`);
    }
    for (const name of ['项目', '时间节点', '进展报告']) assert.ok(sheets.includes(`name="${name}"`), `sheet ${name}`);
  }
  assertError(await get('/report.xlsx', T.congress), 400, 'invalid_parameter', 'year');
  const pub = await get(`/public/projects?year=${YEAR}`);
  assertStatus(pub, 200);
  assert.equal(pub.body.items.length, 2);
  for (const p of pub.body.items) {
    assert.ok(['on_track', 'at_risk', 'late'].includes(p.state));
    assert.equal(typeof p.progress, 'number');
    assert.ok(Array.isArray(p.milestones));
    assert.equal(p.inspections, undefined);
  }
  assert.ok(pub.body.years.includes(YEAR));
});
