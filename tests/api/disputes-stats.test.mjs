// 纠纷化解 statistics (docs/disputes.md "Statistics"): the figures per mediation unit, by
// level, type and month, checked against the disputes this test makes (as the change they
// cause: the demo holds a year of its own), the success rate's definition, the area of
// the caller, refusals, and the workbook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean } from '../lib/api-helpers.mjs';
import { dateIn, logins, demoUnits, disputeFactory, ok } from '../lib/disputes.mjs';

const S = '/api/v1/stats/disputes';
let srv, api, T, U, make;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T = await logins(api, ['dwf_mediator', 'hjd_mediator', 'mediator', 'leader', 'admin', 'agent', 'zhujian']);
  U = await demoUnits(api, T.admin);
  make = disputeFactory(api, 'ST');
});
after(async () => { await stopClean(srv); });

const period = `from=${dateIn(-400)}&to=${dateIn(0)}`;
async function stats(token, query = period) {
  const r = await api(`${S}?${query}`, { token });
  assertStatus(r, 200);
  return r.body;
}
const unitOf = (s, id) => s.items.find((i) => i.unit_id === id) || { cases: 0, agreed: 0, escalated: 0, failed: 0, referrals: 0, withdrawn: 0, open: 0, breaches: 0 };
const typeOf = (s, code) => s.by_type.find((t) => t.type === code) || { cases: 0, agreed: 0, open: 0 };
const monthOf = (s, m) => s.by_month.find((x) => x.month === m);
const FIGURES = ['cases', 'agreed', 'escalated', 'failed', 'referrals', 'withdrawn', 'open', 'breaches'];

test('the figures change by exactly what the records made do', async () => {
  const before = { dwf: await stats(T.dwf_mediator), hjd: await stats(T.hjd_mediator), city: await stats(T.leader) };
  // At 东瓦房村: one agreed, one escalated to the township (and agreed there), one failed
  // and referred, one withdrawn, one agreed then breached, one left open.
  const agreed = await make(T.dwf_mediator, { type: 'medical' });
  await ok(api, agreed.id, T.dwf_mediator, { action: 'agree', terms: '赔偿', fulfil_by: dateIn(5) });
  const up = await make(T.dwf_mediator, { type: 'medical' });
  await ok(api, up.id, T.dwf_mediator, { action: 'escalate', reason: '上报' });
  await ok(api, up.id, T.hjd_mediator, { action: 'agree', terms: '赔偿', fulfil_by: dateIn(5) });
  const failed = await make(T.dwf_mediator, { type: 'medical' });
  await ok(api, failed.id, T.dwf_mediator, { action: 'fail', reason: '不成' });
  await ok(api, failed.id, T.dwf_mediator, { action: 'refer', to: 'court' });
  const gone = await make(T.dwf_mediator, { type: 'medical' });
  await ok(api, gone.id, T.dwf_mediator, { action: 'withdraw' });
  const breached = await make(T.dwf_mediator, { type: 'medical' });
  await ok(api, breached.id, T.dwf_mediator, { action: 'agree', terms: '赔偿', fulfil_by: dateIn(5) });
  await ok(api, breached.id, T.dwf_mediator, { action: 'check_fulfilment', fulfilled: false });
  await make(T.dwf_mediator, { type: 'medical' });
  const after = { dwf: await stats(T.dwf_mediator), hjd: await stats(T.hjd_mediator), city: await stats(T.leader) };

  const delta = (a, b) => Object.fromEntries(FIGURES.map((k) => [k, b[k] - a[k]]));
  const village = U['东瓦房村'].id, centre = U['韩家店镇矛盾纠纷调解中心'].id;
  assert.deepEqual(delta(unitOf(before.dwf, village), unitOf(after.dwf, village)),
    { cases: 6, agreed: 1, escalated: 1, failed: 0, referrals: 1, withdrawn: 1, open: 2, breaches: 1 });
  assert.deepEqual(delta(unitOf(before.hjd, centre), unitOf(after.hjd, centre)),
    { cases: 1, agreed: 1, escalated: 0, failed: 0, referrals: 0, withdrawn: 0, open: 0, breaches: 0 });
  // The city leader sees the same units.
  assert.deepEqual(delta(unitOf(before.city, village), unitOf(after.city, village)),
    delta(unitOf(before.dwf, village), unitOf(after.dwf, village)));
  // The rate is agreed / (agreed + escalated + failed + referred); withdrawn and open cases
  // are not in it.
  for (const it of after.city.items) {
    const den = it.agreed + it.escalated + it.failed + it.referrals;
    if (den === 0) assert.equal(it.success_rate, null);
    else assert.ok(Math.abs(it.success_rate - it.agreed / den) < 1e-9, it.unit_name);
    assert.ok(['village', 'township', 'county'].includes(it.level));
    assert.equal(typeof it.unit_name, 'string');
  }
  const v = unitOf(after.dwf, village);
  assert.equal(v.level, 'village');
  // Its shares: of the agreements about its places (its area), those reached at each level.
  const L = after.dwf.levels, all = L.village + L.township + L.county;
  assert.ok(Math.abs(v.village_share - L.village / all) < 1e-9);
  assert.ok(Math.abs(v.township_share - L.township / all) < 1e-9);
  // Agreements by level: the village's area counts one more at each of village and township.
  assert.equal(after.dwf.levels.village - before.dwf.levels.village, 1);
  assert.equal(after.dwf.levels.township - before.dwf.levels.township, 1);
  assert.equal(after.dwf.levels.county - before.dwf.levels.county, 0);
  // The township centre's share: of the agreements about its township's places.
  const c = unitOf(after.hjd, centre);
  assert.ok(c.village_share > 0 && c.village_share < 1);
  assert.ok(c.village_share + c.township_share <= 1 + 1e-9, 'the rest was agreed at the county');
  // By type and month: the six disputes registered now, three of them agreed (the breached
  // one reached an agreement too).
  assert.deepEqual({ cases: typeOf(after.dwf, 'medical').cases - typeOf(before.dwf, 'medical').cases, agreed: typeOf(after.dwf, 'medical').agreed - typeOf(before.dwf, 'medical').agreed },
    { cases: 6, agreed: 3 });
  const month = dateIn(0).slice(0, 7);
  assert.equal(monthOf(after.dwf, month).cases - monthOf(before.dwf, month).cases, 6);
  assert.equal(after.dwf.totals.unit_name, '合计');
  assert.equal(after.dwf.totals.cases, after.dwf.items.reduce((s, i) => s + i.cases, 0));
});

test('the statistics keep to the caller\'s area', async () => {
  const dwf = await stats(T.dwf_mediator);
  assert.deepEqual(dwf.items.map((i) => i.unit_id), [U['东瓦房村'].id]);
  const hjd = await stats(T.hjd_mediator);
  assert.ok(hjd.items.every((i) => i.unit_id !== U['海州区矛盾纠纷调解中心'].id));
  assert.ok(hjd.items.some((i) => i.unit_id === U['东瓦房村'].id));
  const county = await stats(T.mediator);
  assert.ok(county.items.some((i) => i.unit_id === U['海州区矛盾纠纷调解中心'].id));
  const city = await stats(T.leader);
  assert.ok(city.items.length > county.items.length);
  assert.equal(city.by_month.length >= 12, true);
  const sum = city.levels.village + city.levels.township + city.levels.county;
  assert.ok(sum > 1000, 'the demo year');
  assert.ok(city.levels.village / sum > 0.6, 'most agreements are reached in the village');
});

test('refusals: roles and malformed periods', async () => {
  assertError(await api(S, { token: T.agent }), 403, 'forbidden');
  assertError(await api(S, { token: T.zhujian }), 403, 'forbidden');
  assertError(await api(`${S}?from=nonsense`, { token: T.leader }), 400, 'invalid_parameter', 'from');
  assertError(await api(`${S}?from=${dateIn(0)}&to=${dateIn(-3)}`, { token: T.leader }), 400, 'invalid_parameter', 'to');
  assertError(await api(`${S}?from=2000-01-01&to=2026-01-01`, { token: T.leader }), 400, 'range_too_long', 'from');
  // Without a period: the last twelve months.
  const r = await api(S, { token: T.leader });
  assertStatus(r, 200);
  assert.equal(r.body.by_month.length, 12);
});

test('the workbook has the Chinese headers and a row per unit', async () => {
  const r = await fetch(`${srv.url}${S}.xlsx?${period}`, { headers: { authorization: `Bearer ${T.hjd_mediator}` } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="dispute-stats-.*\.xlsx"; filename\*=UTF-8''/);
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  if (spawnSync('unzip', ['-v']).status !== 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'yiwang-xlsx-'));
  const file = join(dir, 's.xlsx');
  writeFileSync(file, buf);
  const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
  const book = execFileSync('unzip', ['-p', file, 'xl/workbook.xml'], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  for (const h of ['调解组织', '层级', '受理数', '调解成功', '调解成功率', '村级化解占比', '平均调解天数', '合计', '东瓦房村', '纠纷类型', '月份']) assert.ok(strings.includes(h), h);
  for (const s of ['按调解组织', '按纠纷类型', '按月份']) assert.ok(book.includes(s), s);
  assertError(await api(`${S}.xlsx`, { token: T.agent }), 403, 'forbidden');
});
