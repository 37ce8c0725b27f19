// 三大调度 reviews (docs/reviews.md): a scheme over two counties, its draft card computed
// from the appeals on read, values entered only by the assessing unit, closing freezes the
// card (later appeals do not change it), the host proposal and its confirmation, what a
// county sees (its rank and the league, not another county's drill-down), meetings, the
// workbook, and bad input answered 4xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, unitByName, userByName, uniqueMarker } from '../lib/api-helpers.mjs';
import { logins } from '../lib/disputes.mjs';

const R = '/api/v1/reviews';
let srv, api, T, U;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T = await logins(api, ['ducha', 'caizheng', 'nongye', 'haizhou', 'xihe', 'zhanqian', 'zhujian', 'leader', 'admin', 'agent']);
  U = {};
  for (const name of ['海州区', '细河区', '太平区', '阜新市财政局', '阜新市农业农村局', '阜新市人民政府督查室']) {
    U[name] = await unitByName(api, T.admin, name);
  }
});
after(async () => { await stopClean(srv); });

// This month in China time: the period whose draft the new appeals below fall in.
const month = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);

async function scheme(body, token = T.ducha) {
  const r = await api(`${R}/schemes`, { method: 'POST', token, body });
  assertStatus(r, 201);
  return r.body;
}
async function open(schemeId, period, token = T.ducha) {
  const r = await api(`${R}/schemes/${schemeId}/periods`, { method: 'POST', token, body: { period } });
  assertStatus(r, 201);
  return r.body;
}
async function card(id, token = T.ducha) {
  const r = await api(`${R}/periods/${id}`, { token });
  assertStatus(r, 200);
  return r.body;
}
const item = (c, unit) => c.items.find((i) => i.unit_id === unit.id);

// An appeal dispatched to unit and left unsigned: it counts in the unit's response rate.
async function dispatchedTo(unit) {
  const a = await api('/api/v1/appeals', { method: 'POST', token: T.agent, body: { content: `调度考核测试诉求${uniqueMarker()}`, channel: '8890', type: 'complaint' } });
  assertStatus(a, 201);
  assertStatus(await api(`/api/v1/appeals/${a.body.id}/actions`, { method: 'POST', token: T.agent, body: { action: 'dispatch', unit_id: unit.id } }), 200);
}

function stability() {
  return {
    name: `单月调度稳定${uniqueMarker()}`, cadence: 'monthly', unit_ids: [U['海州区'].id, U['细河区'].id],
    indicators: [
      { name: '响应率', source: 'computed', metric: 'appeal_response_rate', weight: 40 },
      { name: '超期件数', source: 'computed', metric: 'appeal_overdue', weight: 30, direction: 'lower', rule: 'rank_points' },
      { name: '财务管理', source: 'entered', assessing_unit_id: U['阜新市财政局'].id, weight: 30, rule: 'value' },
    ],
  };
}

test('the registered metrics are listed with their direction and drill-down', async () => {
  const r = await api(`${R}/metrics`, { token: T.haizhou });
  assertStatus(r, 200);
  const names = r.body.items.map((m) => m.name);
  for (const n of ['appeal_response_rate', 'appeal_resolution_rate', 'appeal_satisfaction_rate', 'appeal_on_time_rate',
    'appeal_overdue', 'appeal_reopen_rate', 'dispute_success_rate', 'dispute_village_share']) assert.ok(names.includes(n), n);
  const overdue = r.body.items.find((m) => m.name === 'appeal_overdue');
  assert.equal(overdue.direction, 'lower');
  assert.equal(overdue.drill, true);
});

test('a draft recomputes on read; values only by the assessing unit; closing freezes the card', async () => {
  const s = await scheme(stability());
  const p = await open(s.id, month);
  assert.equal(p.status, 'draft');
  assert.equal(p.items.length, 2);
  const hz = U['海州区'], xh = U['细河区'];
  const before = item(p, hz).values['响应率'].raw;

  await dispatchedTo(hz);
  await dispatchedTo(hz);
  const draft = await card(p.id);
  const after = item(draft, hz).values['响应率'].raw;
  assert.ok(after !== null);
  assert.ok(before === null || before === 0 || after < before, `${before} → ${after}`);

  // Entered values: the finance bureau's staff only.
  const values = { values: [{ unit_id: hz.id, indicator: '财务管理', value: 92 }, { unit_id: xh.id, indicator: '财务管理', value: 80 }] };
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.haizhou, body: values }), 403, 'forbidden');
  // The agriculture bureau assesses nothing here: the card is not even visible to it.
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.nongye, body: values }), 404);
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.admin, body: values }), 403);
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: [{ unit_id: U['太平区'].id, indicator: '财务管理', value: 1 }] } }), 422, 'unknown_unit');
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: [{ unit_id: hz.id, indicator: '不存在', value: 1 }] } }), 422, 'unknown_indicator');
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: [{ unit_id: hz.id, indicator: '响应率', value: 1 }] } }), 422, 'unknown_indicator');
  const entered = await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: values });
  assertStatus(entered, 200);
  assert.equal(item(entered.body, hz).values['财务管理'].raw, 92);
  assert.equal(item(entered.body, hz).values['财务管理'].score, 92); // rule "value"
  // By the indicator's id too.
  const byId = s.indicators.find((i) => i.name === '财务管理').id;
  assertStatus(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: [{ unit_id: xh.id, indicator: byId, value: 81 }] } }), 200);

  // Only the organizer closes.
  assertError(await api(`${R}/periods/${p.id}/close`, { method: 'POST', token: T.haizhou }), 403, 'forbidden');
  const closed = await api(`${R}/periods/${p.id}/close`, { method: 'POST', token: T.ducha });
  assertStatus(closed, 200);
  assert.equal(closed.body.status, 'closed');
  const frozen = closed.body;
  // Ranks 1..2 by total, grades by the default thresholds, the best unit proposed as host.
  const best = frozen.items[0];
  assert.equal(best.rank, 1);
  assert.equal(frozen.host_proposal.unit_id, best.unit_id);
  for (const it of frozen.items) {
    const g = it.score >= 90 ? 'A' : it.score >= 80 ? 'B' : it.score >= 70 ? 'C' : it.score >= 60 ? 'D' : 'E';
    assert.equal(it.grade, g);
    const w = { 响应率: 40, 超期件数: 30, 财务管理: 30 };
    const total = Object.entries(w).reduce((a, [k, v]) => a + v * it.values[k].score, 0) / 100;
    assert.ok(Math.abs(total - it.score) < 0.011, `${total} vs ${it.score}`);
  }

  // Later data changes nothing: more appeals, a late value, a second close.
  await dispatchedTo(hz);
  await dispatchedTo(xh);
  assert.deepEqual(await card(p.id), frozen);
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: values }), 409, 'period_closed');
  assertError(await api(`${R}/periods/${p.id}/close`, { method: 'POST', token: T.ducha }), 409, 'period_closed');
  // A second draft of the same month is refused; the draft's units see the league.
  assertError(await api(`${R}/schemes/${s.id}/periods`, { method: 'POST', token: T.ducha, body: { period: month } }), 409, 'period_exists');

  // The host: proposed, confirmed by the organizer only, a ranked unit only.
  assertError(await api(`${R}/periods/${p.id}/host`, { method: 'POST', token: T.haizhou, body: { unit_id: hz.id } }), 403, 'forbidden');
  assertError(await api(`${R}/periods/${p.id}/host`, { method: 'POST', token: T.ducha, body: { unit_id: U['太平区'].id } }), 422, 'unknown_unit');
  const host = await api(`${R}/periods/${p.id}/host`, { method: 'POST', token: T.ducha, body: { unit_id: best.unit_id } });
  assertStatus(host, 200);
  assert.equal(host.body.host.unit_id, best.unit_id);

  // The latest closed card for the cockpit, and a unit's history.
  const latest = await api(`${R}/latest`, { token: T.leader });
  assertStatus(latest, 200);
  const mine = latest.body.items.find((x) => x.scheme_id === s.id);
  assert.equal(mine.period, month);
  assert.deepEqual(mine.items.map((i) => [i.unit_id, i.rank, i.grade, i.score]), frozen.items.map((i) => [i.unit_id, i.rank, i.grade, i.score]));
  assert.ok('rank_delta' in mine.items[0] && 'unit_name' in mine.items[0]);
  const hist = await api(`${R}/schemes/${s.id}/units/${hz.id}/history`, { token: T.haizhou });
  assertStatus(hist, 200);
  assert.deepEqual(hist.body.items.map((h) => [h.period, h.rank]), [[month, item(frozen, hz).rank]]);
});

test('rank arrows compare with the previous closed period of the scheme', async () => {
  const hz = U['海州区'], xh = U['细河区'];
  const s = await scheme({
    name: `季度乡镇${uniqueMarker()}`, cadence: 'quarterly', unit_ids: [hz.id, xh.id],
    indicators: [{ name: '乡村振兴', source: 'entered', assessing_unit_id: U['阜新市农业农村局'].id, weight: 1, rule: 'minmax' }],
  });
  const q1 = await open(s.id, '2025-Q1');
  assertStatus(await api(`${R}/periods/${q1.id}/values`, { method: 'PUT', token: T.nongye, body: { values: [{ unit_id: hz.id, indicator: '乡村振兴', value: 70 }, { unit_id: xh.id, indicator: '乡村振兴', value: 90 }] } }), 200);
  assertStatus(await api(`${R}/periods/${q1.id}/close`, { method: 'POST', token: T.ducha }), 200);
  const q2 = await open(s.id, '2025-Q2');
  const v = await api(`${R}/periods/${q2.id}/values`, { method: 'PUT', token: T.nongye, body: { values: [{ unit_id: hz.id, indicator: '乡村振兴', value: 95 }, { unit_id: xh.id, indicator: '乡村振兴', value: 60 }] } });
  assertStatus(v, 200);
  assert.equal(v.body.previous_period, '2025-Q1');
  assert.equal(item(v.body, hz).rank, 1);
  assert.equal(item(v.body, hz).rank_delta, 1); // up one
  assert.equal(item(v.body, xh).rank_delta, -1);
  assert.equal(item(v.body, hz).values['乡村振兴'].score, 100);
  assert.equal(item(v.body, xh).values['乡村振兴'].score, 0);
  assert.equal(v.body.from, '2025-04-01T00:00:00.000+08:00');
  assert.equal(v.body.to, '2025-07-01T00:00:00.000+08:00');
});

test('equal totals share a rank, and the next rank skips', async () => {
  const units = [U['海州区'], U['细河区'], U['太平区']];
  const s = await scheme({
    name: `并列${uniqueMarker()}`, cadence: 'custom', unit_ids: units.map((u) => u.id),
    periods: [{ key: '上半年', from: '2025-01-01', to: '2025-06-30' }],
    grades: [95, 85, 75, 65],
    indicators: [{ name: '得分', source: 'entered', assessing_unit_id: U['阜新市财政局'].id, weight: 1, rule: 'value' }],
  });
  assertError(await api(`${R}/schemes/${s.id}/periods`, { method: 'POST', token: T.ducha, body: { period: '下半年' } }), 422, 'invalid_period');
  const p = await open(s.id, '上半年');
  const v = await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: [
    { unit_id: units[0].id, indicator: '得分', value: 88 }, { unit_id: units[1].id, indicator: '得分', value: 88 }, { unit_id: units[2].id, indicator: '得分', value: 70 }] } });
  assertStatus(v, 200);
  assert.deepEqual(units.map((u) => item(v.body, u).rank), [1, 1, 3]);
  assert.deepEqual(units.map((u) => item(v.body, u).grade), ['B', 'B', 'D']);
  assert.equal(v.body.to, '2025-07-01T00:00:00.000+08:00');
});

test('a county sees its rank and the league, but not another county\'s drill-down', async () => {
  const hz = U['海州区'], xh = U['细河区'];
  const s = await scheme(stability());
  const p = await open(s.id, '2026-01');
  // The county and the units under it see the league table with every unit.
  for (const who of ['haizhou', 'zhanqian', 'xihe', 'leader', 'caizheng']) {
    const c = await card(p.id, T[who]);
    assert.equal(c.items.length, 2, who);
  }
  // A unit neither ranked, nor assessing, nor organizing does not see it at all.
  assertError(await api(`${R}/periods/${p.id}`, { token: T.zhujian }), 404);
  assertError(await api(`${R}/schemes/${s.id}`, { token: T.zhujian }), 404);
  assert.ok(!(await api(`${R}/schemes`, { token: T.zhujian })).body.items.some((x) => x.id === s.id));
  // Drill-downs: one's own unit yes, the other county no (404); the leader and the organizer both.
  const own = await api(`${R}/periods/${p.id}/drill?unit_id=${hz.id}&indicator=${encodeURIComponent('超期件数')}`, { token: T.haizhou });
  assertStatus(own, 200);
  assert.equal(own.body.unit_id, hz.id);
  for (const x of own.body.items) assert.match(x.number, /^FX/);
  assertError(await api(`${R}/periods/${p.id}/drill?unit_id=${xh.id}&indicator=${encodeURIComponent('超期件数')}`, { token: T.haizhou }), 404);
  assertStatus(await api(`${R}/periods/${p.id}/drill?unit_id=${xh.id}&indicator=${encodeURIComponent('超期件数')}`, { token: T.leader }), 200);
  assertStatus(await api(`${R}/periods/${p.id}/drill?unit_id=${xh.id}&indicator=${encodeURIComponent('超期件数')}`, { token: T.ducha }), 200);
  // The drill lists the overdue appeals the count counted.
  const count = item(await card(p.id), hz).values['超期件数'].raw;
  assert.equal(own.body.total, Math.min(count, 500));
  assertError(await api(`${R}/periods/${p.id}/drill?unit_id=${hz.id}&indicator=${encodeURIComponent('财务管理')}`, { token: T.haizhou }), 422, 'no_drill');
  // Only the organizer opens periods.
  assertError(await api(`${R}/schemes/${s.id}/periods`, { method: 'POST', token: T.haizhou, body: { period: '2026-02' } }), 403, 'forbidden');
});

test('meetings with decisions: organizer writes, ranked units read', async () => {
  const s = await scheme(stability());
  const p = await open(s.id, '2026-03');
  const body = {
    title: '3月稳定调度会', held_on: '2026-04-08', period_id: p.id, host_unit_id: U['海州区'].id,
    sites: ['海州区矛盾纠纷调解中心'], attendees: ['市政府督查室', '海州区'],
    summary: '通报3月考核结果。',
    decisions: [{ text: '细河区整改超期诉求', kind: 'task', owner_unit_id: U['细河区'].id, deadline: '2026-04-30' },
      { text: '供暖投诉集中问题列为重点问题', kind: 'key_issue' }],
  };
  assertError(await api(`${R}/schemes/${s.id}/meetings`, { method: 'POST', token: T.haizhou, body }), 403, 'forbidden');
  const m = await api(`${R}/schemes/${s.id}/meetings`, { method: 'POST', token: T.ducha, body });
  assertStatus(m, 201);
  assert.equal(m.body.decisions.length, 2);
  assert.equal(m.body.decisions[0].owner_unit_name, '细河区');
  assert.equal(m.body.period, '2026-03');
  const list = await api(`${R}/schemes/${s.id}/meetings`, { token: T.xihe });
  assertStatus(list, 200);
  assert.equal(list.body.items[0].id, m.body.id);
  const patched = await api(`${R}/meetings/${m.body.id}`, { method: 'PATCH', token: T.ducha, body: { decisions: [{ text: '已完成', status: 'done' }] } });
  assertStatus(patched, 200);
  assert.deepEqual(patched.body.decisions.map((d) => [d.text, d.status, d.kind]), [['已完成', 'done', 'task']]);
  assert.equal(patched.body.title, '3月稳定调度会');
  assertError(await api(`${R}/meetings/${m.body.id}`, { token: T.zhujian }), 404);
  assertError(await api(`${R}/schemes/${s.id}/meetings`, { method: 'POST', token: T.ducha, body: { title: 'x', held_on: '2026-13-01' } }), 422, 'invalid_date');
  assertStatus(await api(`${R}/meetings/${m.body.id}`, { method: 'DELETE', token: T.ducha }), 204);
  assertError(await api(`${R}/meetings/${m.body.id}`, { token: T.ducha }), 404);
});

test('the card as a workbook', async () => {
  const s = await scheme(stability());
  const p = await open(s.id, '2026-04');
  const r = await fetch(`${srv.url}${R}/periods/${p.id}/export.xlsx`, { headers: { authorization: `Bearer ${T.haizhou}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="review-\d+-2026-04\.xlsx"/);
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
});

test('bad input is answered 4xx with the field', async () => {
  const post = (body, token = T.ducha) => api(`${R}/schemes`, { method: 'POST', token, body });
  const good = stability();
  assertError(await post({ ...good, name: undefined }), 422, 'missing_field', 'name');
  assertError(await post({ ...good, cadence: 'weekly' }), 422, 'invalid_value', 'cadence');
  assertError(await post({ ...good, indicators: 'x' }), 400, 'invalid_type', 'indicators');
  assertError(await post({ ...good, indicators: [] }), 422, 'missing_field', 'indicators');
  assertError(await post({ ...good, indicators: [{ name: 'x', source: 'computed', metric: 'no_such_metric', weight: 1 }] }), 422, 'unknown_metric', 'metric');
  assertError(await post({ ...good, indicators: [{ name: 'x', source: 'entered', weight: 1 }] }), 422, 'missing_field', 'assessing_unit_id');
  assertError(await post({ ...good, indicators: [{ name: 'x', source: 'computed', metric: 'appeal_overdue', weight: 1, rule: 'bands' }] }), 422, 'missing_field', 'bands');
  assertError(await post({ ...good, indicators: [{ name: 'x', source: 'computed', metric: 'appeal_overdue', weight: -1 }] }), 422, undefined, 'weight');
  assertError(await post({ ...good, unit_ids: [999999999] }), 422, 'invalid_unit', 'unit_ids');
  assertError(await post({ ...good, unit_ids: ['a'] }), 400, 'invalid_type', 'unit_ids');
  assertError(await post({ ...good, grades: [60, 70, 80, 90] }), 422, 'invalid_value', 'grades');
  assertError(await post({ ...good, cadence: 'custom' }), 422, 'missing_field', 'periods');
  assertError(await post({ ...good, organizer_unit_id: U['海州区'].id }), 403, 'forbidden');
  const s = await scheme(stability());
  for (const period of ['2026-13', '2026-1', '26-01', 'abc', '2026-Q1']) {
    assertError(await api(`${R}/schemes/${s.id}/periods`, { method: 'POST', token: T.ducha, body: { period } }), 422, 'invalid_period', 'period');
  }
  assertError(await api(`${R}/schemes/${s.id}/periods`, { method: 'POST', token: T.ducha, body: {} }), 422, 'missing_field', 'period');
  assertError(await api(`${R}/schemes/999999999/periods`, { method: 'POST', token: T.ducha, body: { period: '2026-01' } }), 404);
  const p = await open(s.id, '2026-05');
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: 'x' } }), 400, 'invalid_type');
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: [{ unit_id: U['海州区'].id, indicator: '财务管理', value: 'high' }] } }), 400, 'invalid_type', 'value');
  assertError(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: [{ unit_id: U['海州区'].id, value: 1 }] } }), 422, 'missing_field', 'indicator');
  assertError(await api(`${R}/periods/${p.id}/drill?unit_id=x&indicator=a`, { token: T.ducha }), 400);
  assertError(await api(`${R}/periods/${p.id}/drill?indicator=a`, { token: T.ducha }), 422, 'missing_field', 'unit_id');
  assertError(await api(`${R}/periods/999999999`, { token: T.ducha }), 404);
  assertError(await api(`${R}/periods/${p.id}/host`, { method: 'POST', token: T.ducha, body: { unit_id: 'x' } }), 400);
});

test('a scheme is edited while no period is closed; then only its name; deleted only without a closed period', async () => {
  const s = await scheme(stability());
  const path = `${R}/schemes/${s.id}`;
  const p = await open(s.id, '2026-06');
  const hz = U['海州区'], xh = U['细河区'], tp = U['太平区'];
  assertStatus(await api(`${R}/periods/${p.id}/values`, { method: 'PUT', token: T.caizheng, body: { values: [{ unit_id: hz.id, indicator: '财务管理', value: 88 }] } }), 200);
  // Organizer or admin only; outside the scheme's units 404.
  assertError(await api(path, { method: 'PATCH', token: T.haizhou, body: { name: 'x' } }), 403, 'forbidden');
  assertError(await api(path, { method: 'PATCH', token: T.zhujian, body: { name: 'x' } }), 404);
  assertError(await api(path, { method: 'DELETE', token: T.haizhou }), 403, 'forbidden');
  // Weights, indicators and units change while every period is a draft; the draft follows.
  const ind = stability().indicators;
  ind[0].weight = 50;
  ind.splice(1, 1, { name: '满意率', source: 'computed', metric: 'appeal_satisfaction_rate', weight: 20 });
  const r = await api(path, { method: 'PATCH', token: T.ducha, body: { name: `改名${uniqueMarker()}`, indicators: ind, unit_ids: [hz.id, xh.id, tp.id] } });
  assertStatus(r, 200);
  assert.match(r.body.name, /^改名/);
  assert.deepEqual(r.body.indicators.map((i) => [i.name, i.weight]), [['响应率', 50], ['满意率', 20], ['财务管理', 30]]);
  const draft = await card(p.id);
  assert.equal(draft.items.length, 3);
  assert.ok(item(draft, tp));
  // The value entered for 财务管理 (same name) is kept.
  const fin = item(draft, hz).cells ?? item(draft, hz).values;
  assert.ok(JSON.stringify(fin).includes('88'), JSON.stringify(item(draft, hz)));
  // Every county under the city instead of a list.
  const byKind = await api(path, { method: 'PATCH', token: T.ducha, body: { unit_kind: 'county' } });
  assertStatus(byKind, 200);
  assert.equal(byKind.body.unit_kind, 'county');
  assert.ok((await card(p.id)).items.length >= 7);
  assertStatus(await api(path, { method: 'PATCH', token: T.ducha, body: { unit_ids: [hz.id, xh.id] } }), 200);
  assertError(await api(path, { method: 'PATCH', token: T.ducha, body: { parent_id: hz.id } }), 422, 'missing_field', 'unit_kind');
  assertError(await api(path, { method: 'PATCH', token: T.ducha, body: { indicators: [] } }), 422, 'missing_field', 'indicators');
  assertError(await api(path, { method: 'PATCH', token: T.ducha, body: { name: '' } }), 422, undefined, 'name');
  assertError(await api(path, { method: 'PATCH', token: T.ducha, body: { unit_ids: [999999999] } }), 422, 'invalid_unit', 'unit_ids');
  // Once a period is closed: indicators and units 409, the name still changes; no delete.
  assertStatus(await api(`${R}/periods/${p.id}/close`, { method: 'POST', token: T.ducha }), 200);
  const frozen = await card(p.id);
  const locked = await api(path, { method: 'PATCH', token: T.ducha, body: { indicators: ind.slice(0, 1) } });
  assertError(locked, 409, 'scheme_has_closed_periods');
  assert.match(locked.body.error.message, /关闭/);
  assertError(await api(path, { method: 'PATCH', token: T.ducha, body: { unit_ids: [hz.id] } }), 409, 'scheme_has_closed_periods');
  const renamed = await api(path, { method: 'PATCH', token: T.ducha, body: { name: '单月调度稳定（改）' } });
  assertStatus(renamed, 200);
  assert.equal(renamed.body.name, '单月调度稳定（改）');
  assert.deepEqual((await card(p.id)).items, frozen.items);
  assertError(await api(path, { method: 'DELETE', token: T.ducha }), 409, 'scheme_has_closed_periods');
  // A scheme with drafts and meetings only is deleted whole.
  const s2 = await scheme(stability());
  await open(s2.id, '2026-06');
  assertStatus(await api(`${R}/schemes/${s2.id}/meetings`, { method: 'POST', token: T.ducha, body: { title: '会', held_on: '2026-06-30', decisions: [{ text: '做' }] } }), 201);
  assertStatus(await api(`${R}/schemes/${s2.id}`, { method: 'DELETE', token: T.admin }), 204);
  assertError(await api(`${R}/schemes/${s2.id}`, { token: T.ducha }), 404);
  assertError(await api(`${R}/schemes/${s2.id}`, { method: 'DELETE', token: T.ducha }), 404);
});

test('a meeting\'s host defaults to the confirmed host; a decision links the key issue made for it', async () => {
  const s = await scheme(stability());
  const p = await open(s.id, '2026-07');
  assertStatus(await api(`${R}/periods/${p.id}/close`, { method: 'POST', token: T.ducha }), 200);
  assertStatus(await api(`${R}/periods/${p.id}/host`, { method: 'POST', token: T.ducha, body: { unit_id: U['细河区'].id } }), 200);
  const m = await api(`${R}/schemes/${s.id}/meetings`, { method: 'POST', token: T.ducha, body: { title: '7月调度会', held_on: '2026-08-05', decisions: [{ text: '供暖问题列为重点问题', kind: 'key_issue' }] } });
  assertStatus(m, 201);
  assert.equal(m.body.host_unit_id, U['细河区'].id);
  assert.equal(m.body.decisions[0].key_issue_id, null);
  const leader = await userByName(api, T.admin, 'leader');
  const ki = await api('/api/v1/key-issues', { method: 'POST', token: T.ducha, body: { title: `供暖问题${uniqueMarker()}`, lead_leader_id: leader.id, lead_unit_id: U['细河区'].id } });
  assertStatus(ki, 201);
  const d = m.body.decisions[0];
  const linked = await api(`${R}/meetings/${m.body.id}`, { method: 'PATCH', token: T.ducha, body: { decisions: [{ text: d.text, kind: 'key_issue', key_issue_id: ki.body.id }] } });
  assertStatus(linked, 200);
  assert.equal(linked.body.decisions[0].key_issue_id, ki.body.id);
  assertError(await api(`${R}/meetings/${m.body.id}`, { method: 'PATCH', token: T.ducha, body: { decisions: [{ text: 'x', key_issue_id: 'a' }] } }), 400, undefined, 'key_issue_id');
  // An explicit host wins.
  const m2 = await api(`${R}/schemes/${s.id}/meetings`, { method: 'POST', token: T.ducha, body: { title: '另一次', held_on: '2026-08-06', host_unit_id: U['海州区'].id } });
  assert.equal(m2.body.host_unit_id, U['海州区'].id);
});

test('the organizer finds any unit of the city for the editor\'s picker', async () => {
  const r = await api(`${R}/units?q=${encodeURIComponent('海州')}`, { token: T.ducha });
  assertStatus(r, 200);
  assert.ok(r.body.items.some((u) => u.id === U['海州区'].id && u.kind === 'county'));
  const counties = await api(`${R}/units?kind=county`, { token: T.ducha });
  assert.ok(counties.body.items.length >= 7 && counties.body.items.every((u) => u.kind === 'county'));
  assertError(await api(`${R}/units?q=${'长'.repeat(51)}`, { token: T.ducha }), 422, 'too_long', 'q');
  assertError(await api(`${R}/units`, { token: T.leader }), 403);
});
