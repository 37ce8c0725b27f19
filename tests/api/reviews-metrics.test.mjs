// The review metrics the platforms register (docs/reviews.md "Metrics"): for each, a
// scheme over a few of the demo's units whose computed value equals what the platform's
// own figures say for the same units and period — the grid's /api/v1/stats/grid, the
// services' /api/v1/stats/services, the party's per-branch quota, the project register's
// /api/v1/stats/projects — and the drill-downs list as many records as the figures count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from '../lib/server.mjs';
import { allUnits, assertStatus, stopClean, uniqueMarker } from '../lib/api-helpers.mjs';
import { logins } from '../lib/disputes.mjs';

const R = '/api/v1/reviews';
const DAY = 24 * 3600 * 1000;
let srv, api, T, units;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T = await logins(api, ['ducha', 'admin', 'haizhou']);
  units = new Map((await allUnits(api, T.admin)).items.map((u) => [u.id, u]));
});
after(async () => { await stopClean(srv); });

// A China calendar date `days` from today.
const dateIn = (days) => new Date(Date.now() + 8 * 3600 * 1000 + days * DAY).toISOString().slice(0, 10);

// The ancestor (or the unit itself) of unit id that is of kind, or null.
function ancestorOfKind(id, kind) {
  for (let u = units.get(id); u; u = units.get(u.parent_id)) if (u.kind === kind) return u.id;
  return null;
}

// A scheme over unit_ids with one custom period [from, to] (dates inclusive) and the
// computed indicators; opens the period and returns its draft card.
async function draft(unitIds, from, to, metrics) {
  const s = await api(`${R}/schemes`, {
    method: 'POST', token: T.ducha, body: {
      name: `指标核对${uniqueMarker()}`, cadence: 'custom', periods: [{ key: 'P', from, to }], unit_ids: unitIds,
      indicators: metrics.map((m) => ({ name: m, source: 'computed', metric: m, weight: 1 })),
    },
  });
  assertStatus(s, 201);
  const p = await api(`${R}/schemes/${s.body.id}/periods`, { method: 'POST', token: T.ducha, body: { period: 'P' } });
  assertStatus(p, 201);
  return p.body;
}
const raw = (card, unitId, metric) => card.items.find((i) => i.unit_id === unitId).values[metric].raw;
// The card keeps two decimals.
function assertValue(got, expected, what) {
  assert.equal(typeof got, 'number', `${what}: a value`);
  assert.ok(Math.abs(got - expected) <= 0.005 + 1e-9, `${what}: ${got} ≠ ${expected}`);
}
async function drillTotal(card, unitId, metric) {
  const r = await api(`${R}/periods/${card.id}/drill?unit_id=${unitId}&indicator=${encodeURIComponent(metric)}`, { token: T.ducha });
  assertStatus(r, 200);
  return r.body.total;
}

test('GET /api/v1/reviews/metrics lists the platforms\' metrics with their direction', async () => {
  const r = await api(`${R}/metrics`, { token: T.haizhou });
  assertStatus(r, 200);
  const by = Object.fromEntries(r.body.items.map((m) => [m.name, m]));
  const want = {
    grid_rework_rate: ['lower', 'grid'], grid_on_time_rate: ['higher', 'grid'],
    service_on_time_rate: ['higher', 'services'], service_avg_rating: ['higher', 'services'],
    party_quota_completion: ['higher', 'party'], investment_vs_plan: ['higher', 'investment'],
    big_project_starts: ['higher', 'investment'],
  };
  for (const [name, [direction, platform]] of Object.entries(want)) {
    assert.ok(by[name], name);
    assert.equal(by[name].direction, direction, name);
    assert.equal(by[name].platform, platform, name);
  }
  assert.equal(by.investment_vs_plan.unit, '%');
  assert.equal(by.grid_rework_rate.drill, true);
  assert.equal(by.big_project_starts.drill, true);
});

test('grid_rework_rate and grid_on_time_rate equal /api/v1/stats/grid per township', async () => {
  const from = dateIn(-365), to = dateIn(0);
  const st = await api(`/api/v1/stats/grid?level=township&from=${from}&to=${to}`, { token: T.admin });
  assertStatus(st, 200);
  const towns = st.body.items.filter((i) => i.valid > 0 && i.closed > 0).slice(0, 3);
  assert.ok(towns.length >= 1, 'the demo has grid events');
  const card = await draft(towns.map((t) => t.unit_id), from, to, ['grid_rework_rate', 'grid_on_time_rate']);
  for (const t of towns) {
    assertValue(raw(card, t.unit_id, 'grid_rework_rate'), 100 * t.reworked / t.valid, `${t.unit_name} rework`);
    assertValue(raw(card, t.unit_id, 'grid_on_time_rate'), 100 * t.on_time / t.closed, `${t.unit_name} on time`);
    if (t.reworked <= 500) assert.equal(await drillTotal(card, t.unit_id, 'grid_rework_rate'), t.reworked);
    if (t.closed - t.on_time <= 500) assert.equal(await drillTotal(card, t.unit_id, 'grid_on_time_rate'), t.closed - t.on_time);
  }
});

test('service_on_time_rate and service_avg_rating equal /api/v1/stats/services summed over each township\'s stations', async () => {
  const from = dateIn(-365), to = dateIn(0);
  const st = await api(`/api/v1/stats/services?from=${from}&to=${to}`, { token: T.admin });
  assertStatus(st, 200);
  const sums = new Map();
  for (const s of st.body.items) {
    const town = ancestorOfKind(s.unit_id, 'township');
    if (!town) continue;
    const x = sums.get(town) || { done: 0, on_time: 0, rated: 0, rating_sum: 0 };
    for (const k of Object.keys(x)) x[k] += s[k];
    sums.set(town, x);
  }
  const towns = [...sums.entries()].filter(([, x]) => x.done > 0 && x.rated > 0).slice(0, 3);
  assert.ok(towns.length >= 1, 'the demo has service requests done and rated');
  const card = await draft(towns.map(([id]) => id), from, to, ['service_on_time_rate', 'service_avg_rating']);
  for (const [id, x] of towns) {
    assertValue(raw(card, id, 'service_on_time_rate'), 100 * x.on_time / x.done, `${id} on time`);
    assertValue(raw(card, id, 'service_avg_rating'), x.rating_sum / x.rated, `${id} rating`);
    if (x.done - x.on_time <= 500) assert.equal(await drillTotal(card, id, 'service_on_time_rate'), x.done - x.on_time);
  }
});

test('party_quota_completion is the mean of the branches\' quota completion for the last full quarter', async () => {
  // The last quarter that has ended (China time).
  const today = dateIn(0);
  let y = Number(today.slice(0, 4)), q = Math.floor((Number(today.slice(5, 7)) - 1) / 3);
  if (q === 0) { y--; q = 4; }
  const pad = (n) => String(n).padStart(2, '0');
  const from = `${y}-${pad(3 * q - 2)}-01`;
  const to = new Date(Date.UTC(y, 3 * q, 0)).toISOString().slice(0, 10);
  const orgs = await api('/api/v1/party/orgs', { token: T.admin });
  assertStatus(orgs, 200);
  const byTown = new Map();
  for (const o of orgs.body.items.filter((o) => o.kind === 'branch')) {
    const town = ancestorOfKind(o.unit_id, 'township');
    if (town) byTown.set(town, [...(byTown.get(town) || []), o.id]);
  }
  const towns = [...byTown.entries()].slice(0, 3);
  assert.ok(towns.length >= 1, 'the demo has party branches under townships');
  const card = await draft(towns.map(([id]) => id), from, to, ['party_quota_completion']);
  for (const [id, branches] of towns) {
    let sum = 0;
    for (const b of branches) {
      const r = await api(`/api/v1/party/orgs/${b}/quota?year=${y}&quarter=${q}`, { token: T.admin });
      assertStatus(r, 200);
      sum += r.body.completion;
    }
    assertValue(raw(card, id, 'party_quota_completion'), 100 * sum / branches.length, `${id} quota`);
  }
});

test('investment_vs_plan and big_project_starts equal /api/v1/stats/projects for last year', async () => {
  const y = Number(dateIn(0).slice(0, 4)) - 1;
  const st = await api(`/api/v1/stats/projects?year=${y}`, { token: T.admin });
  assertStatus(st, 200);
  const counties = st.body.counties.filter((c) => c.plan > 0).slice(0, 4);
  assert.ok(counties.length >= 2, 'the demo has planned projects');
  assert.ok(counties.some((c) => c.big_started > 0), 'and big starts');
  const card = await draft(counties.map((c) => c.county_id), `${y}-01-01`, `${y}-12-31`, ['investment_vs_plan', 'big_project_starts']);
  for (const c of counties) {
    assertValue(raw(card, c.county_id, 'investment_vs_plan'), 100 * c.invested / c.plan, `${c.county_name} vs plan`);
    assert.equal(raw(card, c.county_id, 'big_project_starts'), c.big_started, `${c.county_name} starts`);
    assert.equal(await drillTotal(card, c.county_id, 'big_project_starts'), c.big_started);
  }
  // Ranked by the metrics: the county with the most big starts scores 100 in that column.
  const best = counties.reduce((a, b) => (b.big_started > a.big_started ? b : a));
  assert.equal(card.items.find((i) => i.unit_id === best.county_id).values.big_project_starts.score, 100);
});
