// 项目库 (docs/projects.md): registration within a county, monthly reports (one a month, no
// future month, no negative amount), the figures against plan and the status rule
// 超前/正常/滞后 computed here from the numbers the test sent, the missing-report flag to
// the county (the scheduler's pass), a report's problem made a key issue with one action,
// the figures per county exact, and scoping: county staff see their county only (404
// elsewhere), the development and reform commission and leaders see every county.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, unitByName, userByName } from '../lib/api-helpers.mjs';

const P = '/api/v1/projects';
let srv, api, T, U, leaderId;

// The local (China Standard Time) year and month, as the server counts them.
function localNow() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1 };
}
const ym = (y, m) => `${y}-${String(m).padStart(2, '0')}`;
function lastMonth() {
  const { y, m } = localNow();
  return m === 1 ? ym(y - 1, 12) : ym(y, m - 1);
}
function nextMonth() {
  const { y, m } = localNow();
  return m === 12 ? ym(y + 1, 1) : ym(y, m + 1);
}
const pct1 = (part, whole) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);
// The documented rule: cumulative this year against plan × elapsed months / 12, ±10%.
function status(invested, plan, elapsed) {
  if (plan <= 0 || elapsed <= 0) return null;
  const expected = (plan * elapsed) / 12;
  if (invested > expected * 1.1) return '超前';
  if (invested < expected * 0.9) return '滞后';
  return '正常';
}

let serial = 0;
const uniq = (w) => `${w}${Date.now().toString(36)}${serial++}`;

async function make(token, body) {
  const r = await api(P, {
    method: 'POST', token,
    body: { name: uniq('测试项目'), industry: '新能源', total_investment: 6000, planned_start: '2025-03-01', planned_completion: '2027-06-30', ...body },
  });
  assertStatus(r, 201);
  return r.body;
}
const report = (id, token, body) => api(`${P}/${id}/reports`, { method: 'POST', token, body });

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T = {};
  for (const u of ['admin', 'leader', 'fagai', 'haizhou', 'xihe', 'zhujian', 'agent']) T[u] = await login(api, u);
  U = {};
  for (const n of ['海州区', '细河区']) U[n] = await unitByName(api, T.admin, n);
  leaderId = (await userByName(api, T.admin, 'leader')).id;
});
after(() => stopClean(srv));

test('county staff register projects of their county only; the commission registers anywhere', async () => {
  const p = await make(T.haizhou, { county_id: U['海州区'].id, owner: '阜新测试能源有限公司', tags: ['新基建', '省重点项目'], annual_plan: 1200, stage: '开工', leader_id: leaderId, lat: 42.01, lon: 121.66 });
  assert.equal(p.county.id, U['海州区'].id);
  assert.equal(p.county.name, '海州区');
  assert.deepEqual(p.tags, ['新基建', '省重点项目']);
  assert.equal(p.total_investment, 6000);
  assert.equal(p.annual_plan, 1200);
  assert.equal(p.stage, '开工');
  assert.equal(p.leader.id, leaderId);
  assert.equal(p.writable, true);
  assertError(await api(P, { method: 'POST', token: T.haizhou, body: { name: 'x', industry: '新能源', county_id: U['细河区'].id, total_investment: 1, planned_start: '2026-01-01', planned_completion: '2026-12-01' } }), 403, 'forbidden');
  const q = await make(T.fagai, { county_id: U['细河区'].id });
  assert.equal(q.county.name, '细河区');
  // The audit trail has the registration.
  const audit = await api(`/api/v1/audit?entity=invest_project&entity_id=${p.id}`, { token: T.admin });
  assertStatus(audit, 200);
  assert.ok(audit.body.items.some((a) => a.action === 'project_create'));
});

test('bad input is refused with a clear 4xx', async () => {
  const base = { name: 'x', industry: '新能源', county_id: U['海州区'].id, total_investment: 100, planned_start: '2026-01-01', planned_completion: '2026-12-01' };
  const post = (b) => api(P, { method: 'POST', token: T.fagai, body: { ...base, ...b } });
  assertError(await post({ name: undefined }), 422, 'missing_field', 'name');
  assertError(await post({ total_investment: -5 }), 422, 'out_of_range', 'total_investment');
  assertError(await post({ total_investment: '100' }), 400, 'invalid_type', 'total_investment');
  assertError(await post({ industry: '炼金术' }), 422, 'invalid_value', 'industry');
  assertError(await post({ stage: '烂尾' }), 422, 'invalid_value', 'stage');
  assertError(await post({ planned_start: '2026-02-30' }), 422, 'invalid_date', 'planned_start');
  assertError(await post({ planned_completion: '2025-01-01' }), 422, 'out_of_range', 'planned_completion');
  assertError(await post({ county_id: U['海州区'].id + 100000 }), 422, 'invalid_unit', 'county_id');
  assertError(await post({ leader_id: (await userByName(api, T.admin, 'zhujian')).id }), 422, 'not_a_leader', 'leader_id');
  assertError(await post({ tags: 'x' }), 400, 'invalid_type', 'tags');
  assertError(await post({ lat: 200 }), 422, 'out_of_range', 'lat');
  assertError(await api(`${P}?stage=烂尾`, { token: T.fagai }), 400, 'invalid_parameter', 'stage');
  assertError(await api(`${P}?status=x`, { token: T.fagai }), 400, 'invalid_parameter', 'status');
  // A leader reads but does not register; an agent neither.
  assertError(await api(P, { method: 'POST', token: T.leader, body: base }), 403);
  assertError(await api(P, { token: T.agent }), 403);
});

test('scoping: county staff see their county only, 404 elsewhere; the commission and leaders see all', async () => {
  const hz = await make(T.haizhou, { county_id: U['海州区'].id });
  const xh = await make(T.xihe, { county_id: U['细河区'].id });
  assertError(await api(`${P}/${xh.id}`, { token: T.haizhou }), 404, 'not_found');
  assertError(await api(`${P}/${hz.id}`, { token: T.xihe }), 404, 'not_found');
  assertError(await api(`${P}/${hz.id}`, { token: T.zhujian }), 404, 'not_found');
  assertError(await report(xh.id, T.haizhou, { month: lastMonth(), invested: 1, stage: '开工' }), 404);
  assertError(await api(`${P}/${xh.id}`, { method: 'PATCH', token: T.haizhou, body: { name: '改名' } }), 404);
  const list = await api(`${P}?per_page=200`, { token: T.haizhou });
  assertStatus(list, 200);
  assert.ok(list.body.total > 0);
  assert.ok(list.body.items.every((p) => p.county.id === U['海州区'].id), 'only 海州区');
  for (const t of [T.fagai, T.leader, T.admin]) {
    for (const id of [hz.id, xh.id]) assertStatus(await api(`${P}/${id}`, { token: t }), 200);
  }
  const all = await api(`${P}?per_page=200&county_id=${U['细河区'].id}`, { token: T.fagai });
  assert.ok(all.body.items.some((p) => p.id === xh.id));
  assert.ok(all.body.items.every((p) => p.county.id === U['细河区'].id));
  const stats = await api('/api/v1/stats/projects', { token: T.haizhou });
  assertStatus(stats, 200);
  assert.deepEqual(stats.body.counties.map((c) => c.county_id), [U['海州区'].id]);
  const led = await api(`${P}/${hz.id}`, { token: T.leader });
  assert.equal(led.body.writable, false, 'a leader reads');
});

test('monthly reports: one a month, no future month, no negative amount', async () => {
  const p = await make(T.haizhou, { county_id: U['海州区'].id, stage: '开工' });
  assertError(await report(p.id, T.haizhou, { month: nextMonth(), invested: 10, stage: '开工' }), 422, 'future_month', 'month');
  assertError(await report(p.id, T.haizhou, { month: lastMonth(), invested: -1, stage: '开工' }), 422, 'out_of_range', 'invested');
  assertError(await report(p.id, T.haizhou, { month: '2026-13', invested: 1, stage: '开工' }), 422, 'invalid_month', 'month');
  assertError(await report(p.id, T.haizhou, { month: lastMonth(), invested: '1', stage: '开工' }), 400, 'invalid_type', 'invested');
  assertError(await report(p.id, T.haizhou, { month: lastMonth(), invested: 1 }), 422, 'missing_field', 'stage');
  assertError(await report(p.id, T.haizhou, { month: lastMonth(), invested: 1, stage: '完工了' }), 422, 'invalid_value', 'stage');
  assertError(await report(p.id, T.leader, { month: lastMonth(), invested: 1, stage: '开工' }), 403);
  const r = await report(p.id, T.haizhou, { month: lastMonth(), invested: 250.5, stage: '续建', progress: '主体完工', problems: '用地指标未落实' });
  assertStatus(r, 201);
  assert.equal(r.body.stage, '续建', 'the project takes the report\'s stage');
  assert.equal(r.body.reports.length, 1);
  assert.equal(r.body.reports[0].invested, 250.5);
  assert.equal(r.body.reports[0].problems, '用地指标未落实');
  assertError(await report(p.id, T.fagai, { month: lastMonth(), invested: 1, stage: '续建' }), 409, 'duplicate', 'month');
});

test('percentages and 超前/正常/滞后 follow the documented rule exactly', async () => {
  const { y, m } = localNow();
  const plan = 1200, total = 8000;
  const cases = [['超前', 125], ['正常', 100], ['滞后', 50]];
  for (const [want, perMonth] of cases) {
    const p = await make(T.haizhou, { county_id: U['海州区'].id, total_investment: total, annual_plan: plan, stage: '开工', plans: [{ year: y - 1, amount: 900 }] });
    // Last year's December counts since the start, not this year.
    assertStatus(await report(p.id, T.haizhou, { month: ym(y - 1, 12), invested: 300, stage: '开工' }), 201);
    let cum = 0;
    for (let k = 1; k <= m; k++) {
      const r = await report(p.id, T.haizhou, { month: ym(y, k), invested: perMonth + k / 10, stage: '续建' });
      assertStatus(r, 201);
      cum += perMonth + k / 10;
    }
    const got = (await api(`${P}/${p.id}`, { token: T.haizhou })).body;
    // Reports run through the current month here, so m months have elapsed.
    assert.equal(got.months_elapsed, m);
    assert.ok(Math.abs(got.invested_year - cum) < 1e-6);
    assert.ok(Math.abs(got.invested_total - (cum + 300)) < 1e-6);
    assert.equal(got.pct_year_plan, pct1(cum, plan));
    assert.equal(got.pct_total, pct1(cum + 300, total));
    assert.equal(got.status, status(cum, plan, m));
    assert.equal(got.status, want);
    const last = got.reports[got.reports.length - 1];
    assert.ok(Math.abs(last.cumulative_year - cum) < 1e-6);
    assert.equal(last.pct_year_plan, pct1(cum, plan));
    assert.equal(last.pct_total, pct1(cum + 300, total));
    assert.equal(got.reports[0].pct_year_plan, pct1(300, 900), 'December against last year\'s plan');
    const listed = await api(`${P}?status=${encodeURIComponent(want)}&county_id=${U['海州区'].id}&per_page=200`, { token: T.haizhou });
    assert.ok(listed.body.items.some((x) => x.id === p.id));
    assert.ok(listed.body.items.every((x) => x.status === want));
  }
  // Without a plan there is no status.
  const none = await make(T.haizhou, { county_id: U['海州区'].id });
  assert.equal(none.status, null);
});

test('figures per county are exact: big starts, new, continuing, completed, plan and investment by month', async () => {
  const { y, m } = localNow();
  const city = (await api('/api/v1/units?kind=city', { token: T.admin })).body.items[0];
  const cu = await api('/api/v1/units', { method: 'POST', token: T.admin, body: { name: uniq('统计测试县'), kind: 'county', parent_id: city.id } });
  assertStatus(cu, 201);
  const county = cu.body.id;
  const specs = [
    { total_investment: 5000, actual_start: `${y}-01-15`, annual_plan: 1000, r: [200, 100] }, // big start, new
    { total_investment: 4999, actual_start: `${y}-02-01`, annual_plan: 600, r: [50] }, // new, not big
    { total_investment: 20000, actual_start: `${y - 1}-05-01`, annual_plan: 3000, r: [700, 300] }, // continuing
    { total_investment: 9000, actual_start: `${y - 2}-05-01`, actual_completion: `${y}-01-20`, annual_plan: 500, r: [500] }, // continuing and completed
    { total_investment: 7000, actual_start: `${y - 2}-01-01`, actual_completion: `${y - 1}-06-01`, r: [] }, // done before: none
    { total_investment: 8000, r: [] }, // not started
  ];
  let plan = 0, inv = 0;
  const months = Array(12).fill(0);
  for (const s of specs) {
    const p = await make(T.fagai, { county_id: county, total_investment: s.total_investment, actual_start: s.actual_start, actual_completion: s.actual_completion, annual_plan: s.annual_plan });
    plan += s.annual_plan || 0;
    s.r.forEach((v, i) => { months[i] += v; inv += v; });
    for (let i = 0; i < s.r.length && i < m; i++) {
      assertStatus(await report(p.id, T.fagai, { month: ym(y, i + 1), invested: s.r[i], stage: '续建' }), 201);
    }
  }
  if (m < 2) { inv -= months[1]; months[1] = 0; }
  const st = await api(`/api/v1/stats/projects?year=${y}`, { token: T.fagai });
  assertStatus(st, 200);
  const row = st.body.counties.find((c) => c.county_id === county);
  assert.ok(row, 'the new county is listed');
  assert.equal(row.projects, 6);
  assert.equal(row.big_started, 1);
  assert.equal(row.new, 2);
  assert.equal(row.continuing, 2);
  assert.equal(row.completed, 1);
  assert.equal(row.plan, plan);
  assert.equal(row.invested, inv);
  assert.equal(row.pct_plan, pct1(inv, plan));
  assert.deepEqual(row.months, months);
  assert.equal(st.body.items.length, st.body.counties.length);
  // A past year: nothing of this county.
  const old = await api(`/api/v1/stats/projects?year=${y - 5}`, { token: T.fagai });
  assert.equal(old.body.counties.find((c) => c.county_id === county).invested, 0);
  assertError(await api('/api/v1/stats/projects?year=abc', { token: T.fagai }), 400);
  assertError(await api('/api/v1/stats/projects', { token: T.agent }), 403);
});

test('a report\'s problem becomes a key issue with one action, linked both ways', async () => {
  const p = await make(T.haizhou, { county_id: U['海州区'].id, stage: '开工' });
  const r = await report(p.id, T.haizhou, { month: lastMonth(), invested: 10, stage: '续建', problems: '外部供电线路未接入' });
  const rep = r.body.reports[0];
  const path = `${P}/${p.id}/reports/${rep.id}/key-issue`;
  assertError(await api(path, { method: 'POST', token: T.haizhou, body: { lead_leader_id: leaderId } }), 403, 'forbidden');
  assertError(await api(path, { method: 'POST', token: T.fagai, body: {} }), 422, 'missing_field', 'lead_leader_id');
  const k = await api(path, { method: 'POST', token: T.fagai, body: { lead_leader_id: leaderId, milestones: [{ title: '完成线路接入', due: '2099-01-01' }] } });
  assertStatus(k, 201);
  assert.equal(k.body.project.id, p.id);
  assert.equal(k.body.plan, '外部供电线路未接入');
  assert.equal(k.body.lead_unit.id, U['海州区'].id, 'led by the project\'s county unless given');
  assert.match(k.body.title, /存在问题/);
  const back = (await api(`${P}/${p.id}`, { token: T.haizhou })).body;
  assert.equal(back.reports[0].key_issue.id, k.body.id);
  assert.deepEqual(back.key_issues.map((x) => x.id), [k.body.id]);
  assertError(await api(path, { method: 'POST', token: T.fagai, body: { lead_leader_id: leaderId } }), 409, 'already_key_issue');
  // A report without problems, and a report of another project.
  const q = await make(T.haizhou, { county_id: U['海州区'].id });
  const r2 = (await report(q.id, T.haizhou, { month: lastMonth(), invested: 1, stage: '开工' })).body.reports[0];
  assertError(await api(`${P}/${q.id}/reports/${r2.id}/key-issue`, { method: 'POST', token: T.fagai, body: { lead_leader_id: leaderId } }), 422, 'no_problem');
  assertError(await api(`${P}/${q.id}/reports/${rep.id}/key-issue`, { method: 'POST', token: T.fagai, body: { lead_leader_id: leaderId } }), 404);
});

test('the admin names the offices: the unit named for projects reads every project', async () => {
  const O = `${P}/offices`;
  const fagai = (await userByName(api, T.admin, 'fagai')).unit, zhujian = (await userByName(api, T.admin, 'zhujian')).unit;
  const before = await api(O, { token: T.admin });
  assertStatus(before, 200);
  assert.ok(before.body.projects.some((u) => u.id === fagai.id), JSON.stringify(before.body));
  assert.ok(Array.isArray(before.body.key_issues) && before.body.key_issues.length > 0);
  for (const who of ['fagai', 'leader', 'zhujian']) assertError(await api(O, { token: T[who] }), 403);
  assertError(await api(O, { method: 'PUT', token: T.fagai, body: { projects: [] } }), 403);
  const p = await make(T.fagai, { county_id: U['细河区'].id });
  assertError(await api(`${P}/${p.id}`, { token: T.zhujian }), 404);
  const set = await api(O, { method: 'PUT', token: T.admin, body: { projects: [fagai.id, zhujian.id] } });
  assertStatus(set, 200);
  assert.deepEqual(set.body.projects.map((u) => u.id).sort(), [fagai.id, zhujian.id].sort());
  assert.deepEqual(set.body.key_issues, before.body.key_issues, 'a duty not given is left alone');
  assertStatus(await api(`${P}/${p.id}`, { token: T.zhujian }), 200);
  // Taken away again: the bureau reads no more than its own area.
  assertStatus(await api(O, { method: 'PUT', token: T.admin, body: { projects: before.body.projects.map((u) => u.id) } }), 200);
  assertError(await api(`${P}/${p.id}`, { token: T.zhujian }), 404);
  assertError(await api(O, { method: 'PUT', token: T.admin, body: {} }), 422, 'missing_field');
  assertError(await api(O, { method: 'PUT', token: T.admin, body: { projects: 'x' } }), 400, 'invalid_type', 'projects');
  assertError(await api(O, { method: 'PUT', token: T.admin, body: { key_issues: ['a'] } }), 400, 'invalid_type', 'key_issues');
  assertError(await api(O, { method: 'PUT', token: T.admin, body: { projects: [999999999] } }), 422, 'invalid_unit', 'projects');
  assert.deepEqual((await api(O, { token: T.admin })).body, before.body, 'a refused change changes nothing');
});

test('the figures as a workbook: per county with totals, per industry, per month', async () => {
  const { y } = localNow();
  const stats = (await api(`/api/v1/stats/projects?year=${y}`, { token: T.fagai })).body;
  const r = await fetch(`${srv.url}/api/v1/stats/projects/export.xlsx?year=${y}`, { headers: { authorization: `Bearer ${T.fagai}` } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.headers.get('content-disposition'), new RegExp(`^attachment; filename="projects-${y}\\.xlsx"; filename\\*=UTF-8''`));
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  assertError(await api(`/api/v1/stats/projects/export.xlsx?year=1800`, { token: T.fagai }), 400);
  assertError(await api('/api/v1/stats/projects/export.xlsx', { token: T.agent }), 403);
  if (spawnSync('unzip', ['-v']).status !== 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'yiwang-xlsx-'));
  const file = join(dir, 'p.xlsx');
  writeFileSync(file, buf);
  const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
  const book = execFileSync('unzip', ['-p', file, 'xl/workbook.xml'], { encoding: 'utf8' });
  const counties = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  for (const h of ['县（区）', '产业', '项目数', '5000万元以上新开工', '新开工', '续建', '竣工', '占年计划%', '合计', '月份', '累计完成投资（万元）']) assert.ok(strings.includes(h), h);
  for (const c of stats.counties) assert.ok(strings.includes(c.county_name), c.county_name);
  for (const i of stats.industries) assert.ok(strings.includes(i.industry), i.industry);
  for (const s of ['按县区', '按产业', '按月']) assert.ok(book.includes(s), s);
  // The totals row carries the same counts as the API.
  const values = [...counties.matchAll(/<v>([^<]*)<\/v>/g)].map((m) => Number(m[1]));
  assert.ok(values.includes(stats.totals.projects), 'total projects');
});

test('a missing report for last month is flagged, and the scheduler tells the county once', async () => {
  const p = await make(T.haizhou, { county_id: U['海州区'].id, stage: '开工', name: uniq('缺报项目') });
  assert.equal(p.report_missing, true);
  const planned = await make(T.haizhou, { county_id: U['海州区'].id, stage: '谋划' });
  assert.equal(planned.report_missing, false, 'only projects under construction report');
  const flagged = await api(`${P}?missing=1&county_id=${U['海州区'].id}&per_page=200`, { token: T.haizhou });
  assert.ok(flagged.body.items.some((x) => x.id === p.id));
  assert.ok(flagged.body.items.every((x) => x.report_missing));
  const done = await make(T.haizhou, { county_id: U['海州区'].id, stage: '开工' });
  const after = (await report(done.id, T.haizhou, { month: lastMonth(), invested: 5, stage: '开工' })).body;
  assert.equal(after.report_missing, false);
  // The scheduler's first pass runs when the server starts.
  await srv.stop({ keepDb: true });
  const db = srv.db;
  srv = await startServer({ db });
  api = client(srv.url);
  const tok = await login(api, 'haizhou');
  let hit;
  for (let i = 0; i < 100 && !hit; i++) {
    const inbox = await api('/api/v1/notifications?per_page=200', { token: tok });
    hit = inbox.body.items.filter((n) => n.kind === 'project_report_missing' && n.body.includes(p.name));
    if (!hit.length) { hit = undefined; await new Promise((r) => setTimeout(r, 100)); }
  }
  assert.ok(hit, 'the county was told');
  assert.equal(hit.length, 1);
  assert.ok(hit[0].body.includes(lastMonth()));
  const inbox = await api('/api/v1/notifications?per_page=200', { token: tok });
  assert.ok(!inbox.body.items.some((n) => n.kind === 'project_report_missing' && n.body.includes(done.name)));
  const other = await api('/api/v1/notifications?per_page=200', { token: await login(api, 'xihe') });
  assert.ok(!other.body.items.some((n) => n.kind === 'project_report_missing' && n.body.includes(p.name)), 'another county is not told');
  await srv.stop();
  db.drop();
  srv = null;
});
