// Several cities in one deployment (docs/architecture.md "On a cluster"): `yiwang city`
// adds a second root unit (沈阳市) with its own admin beside the demo's 阜新市; each city's
// people see their own city only. 沈阳's agent files appeals and a dispute, its grid
// member reports a grid event; no list, detail, search, statistics, export, unit or user
// listing, or audit of 阜新 shows them (details 404), and the other way round.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, yiwang } from '../lib/server.mjs';
import { assertStatus, assertError, stopClean, uniqueMarker, allUnits } from '../lib/api-helpers.mjs';
import { createKey } from '../lib/open311.mjs';

const SY_ADMIN_PW = 'Shenyang-Admin-2026!';
const SY_AGENT_PW = 'Shenyang-Agent-2026!';

let srv, api;
const T = {};
let syCity, syDistrict, syStreet, syDept, syCentre;
const M = uniqueMarker('CITY');
const syAppeals = [];
let fxAppeal, syDispute, syEvent;
const syExtra = [];

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  yiwang(['city', '--db', srv.db.url, '--city', '沈阳市', '--code', '210100', '--admin', 'sy_admin'], { input: `${SY_ADMIN_PW}\n` });
  T.sy_admin = await login(api, 'sy_admin', SY_ADMIN_PW);
  const units = await allUnits(api, T.sy_admin);
  assert.equal(units.items.length, 1, 'the new city alone');
  syCity = units.items[0];
  assert.equal(syCity.name, '沈阳市');
  assert.equal(syCity.parent_id, null);
  // The new city's admin builds its tree through the API.
  const d = await api('/api/v1/units', { method: 'POST', token: T.sy_admin, body: { parent_id: syCity.id, kind: 'county', name: '和平区', code: '210102' } });
  assertStatus(d, 201);
  syDistrict = d.body;
  const s = await api('/api/v1/units', { method: 'POST', token: T.sy_admin, body: { parent_id: syDistrict.id, kind: 'township', name: '太原街街道', code: '210102001' } });
  assertStatus(s, 201);
  syStreet = s.body;
  const dep = await api('/api/v1/units', { method: 'POST', token: T.sy_admin, body: { parent_id: syCity.id, kind: 'department', name: '沈阳市城市管理局' } });
  assertStatus(dep, 201);
  syDept = dep.body;
  // Its agent (the agent role is granted from the command line, as for any city).
  yiwang(['user', 'add', '--db', srv.db.url, '--username', 'sy_agent', '--name', '沈阳话务员', '--unit', String(syCity.id), '--roles', 'agent'], { input: `${SY_AGENT_PW}\n` });
  T.sy_agent = await login(api, 'sy_agent', SY_AGENT_PW);
  for (const u of ['agent', 'admin', 'leader']) T[u] = await login(api, u);
  for (let i = 0; i < 2; i++) {
    const r = await api('/api/v1/appeals', {
      method: 'POST', token: T.sy_agent,
      body: { content: `沈阳诉求${i}：太原街噪音扰民 ${M}`, region_code: '210102001', contact_phone: '13800001111' },
    });
    assertStatus(r, 201);
    syAppeals.push(r.body);
  }
  // A dispute registered in 沈阳 by its agent, for the street's mediation centre.
  const centre = await api('/api/v1/units', { method: 'POST', token: T.sy_admin, body: { parent_id: syStreet.id, kind: 'department', name: '太原街调解中心' } });
  assertStatus(centre, 201);
  const mark = await api(`/api/v1/disputes/centres/${centre.body.id}`, { method: 'PUT', token: T.sy_admin, body: { region_id: syStreet.id } });
  assert.ok(mark.status === 200 || mark.status === 201 || mark.status === 204, `centre marked (${mark.status} ${JSON.stringify(mark.body)})`);
  syCentre = centre.body;
  const dsp = await api('/api/v1/disputes', {
    method: 'POST', token: T.sy_agent,
    body: { type: 'neighbour', title: `沈阳相邻纠纷 ${M}`, facts: '楼上漏水', region_id: syStreet.id,
      parties: [{ name: '赵某', side: 'applicant' }, { name: '钱某', side: 'respondent' }] },
  });
  assertStatus(dsp, 201);
  syDispute = dsp.body;
  // A grid event reported by a 沈阳 grid member in a grid of the street's community.
  const comm = await api('/api/v1/units', { method: 'POST', token: T.sy_admin, body: { parent_id: syStreet.id, kind: 'community', name: '太原社区' } });
  assertStatus(comm, 201);
  const grid = await api('/api/v1/units', { method: 'POST', token: T.sy_admin, body: { parent_id: comm.body.id, kind: 'grid', name: '太原社区第一网格' } });
  assertStatus(grid, 201);
  syExtra.push(comm.body.id, grid.body.id);
  yiwang(['user', 'add', '--db', srv.db.url, '--username', 'sy_grid', '--name', '沈阳网格员', '--unit', String(grid.body.id), '--roles', 'grid_member'], { input: `${SY_AGENT_PW}\n` });
  T.sy_grid = await login(api, 'sy_grid', SY_AGENT_PW);
  const ev = await api('/api/v1/grid/events', { method: 'POST', token: T.sy_grid, body: { category: '井盖', description: `井盖破损 ${M}` } });
  assertStatus(ev, 201);
  syEvent = ev.body;
  // One of them dispatched to the city's department: something for the statistics.
  const d1 = await api(`/api/v1/appeals/${syAppeals[1].id}/actions`, { method: 'POST', token: T.sy_agent, body: { action: 'dispatch', unit_id: syDept.id } });
  assertStatus(d1, 200);
  const f = await api('/api/v1/appeals', {
    method: 'POST', token: T.agent,
    body: { content: `阜新诉求：路灯不亮 ${M}`, region_code: '210902006000', contact_phone: '13800002222' },
  });
  assertStatus(f, 201);
  fxAppeal = f.body;
});
after(async () => { await stopClean(srv); });

describe('a second city', () => {
  test('its appeals are in its own list and search only', async () => {
    const sy = await api(`/api/v1/appeals?q=${M}`, { token: T.sy_agent });
    assertStatus(sy, 200);
    assert.deepEqual(sy.body.items.map((a) => a.id).sort(), syAppeals.map((a) => a.id).sort());
    const all = await api('/api/v1/appeals?per_page=200', { token: T.sy_admin });
    assertStatus(all, 200);
    assert.equal(all.body.total, 2, 'the new city\'s admin sees its two appeals and none of the demo\'s');
    for (const u of ['agent', 'admin', 'leader']) {
      const fx = await api(`/api/v1/appeals?q=${M}`, { token: T[u] });
      assertStatus(fx, 200);
      assert.deepEqual(fx.body.items.map((a) => a.id), [fxAppeal.id], `${u} sees 阜新's appeal only`);
    }
  });

  test('details across the border are 404, both ways', async () => {
    for (const u of ['agent', 'admin', 'leader']) {
      assertError(await api(`/api/v1/appeals/${syAppeals[0].id}`, { token: T[u] }), 404);
    }
    assertError(await api(`/api/v1/appeals/${fxAppeal.id}`, { token: T.sy_agent }), 404);
    assertError(await api(`/api/v1/appeals/${fxAppeal.id}`, { token: T.sy_admin }), 404);
    assertStatus(await api(`/api/v1/appeals/${syAppeals[0].id}`, { token: T.sy_agent }), 200);
  });

  test('actions across the border are refused and change nothing', async () => {
    const r = await api(`/api/v1/appeals/${syAppeals[0].id}/actions`, { method: 'POST', token: T.agent, body: { action: 'dispatch', unit_id: syDistrict.id } });
    assert.ok(r.status === 404 || r.status === 422, `refused (got ${r.status})`);
    const g = await api(`/api/v1/appeals/${syAppeals[0].id}`, { token: T.sy_agent });
    assert.equal(g.body.status, 'intake');
  });

  test('intake cannot reach into the other city by region code', async () => {
    const r = await api('/api/v1/appeals', {
      method: 'POST', token: T.sy_agent,
      body: { content: `越界受理 ${M}`, region_code: '210902006000', contact_phone: '13800003333' },
    });
    assertError(r, 422, 'invalid_region');
    const back = await api('/api/v1/appeals', {
      method: 'POST', token: T.agent,
      body: { content: `越界受理 ${M}`, region_code: '210102001', contact_phone: '13800003333' },
    });
    assertError(back, 422, 'invalid_region');
  });

  test('units and users: each admin lists its own city only; the other\'s are 404', async () => {
    const fxUnits = await allUnits(api, T.admin);
    assert.ok(!fxUnits.items.some((u) => [syCity.id, syDistrict.id, syStreet.id, syDept.id].includes(u.id)));
    assertError(await api(`/api/v1/units/${syStreet.id}`, { token: T.admin }), 404);
    const syUnits = await allUnits(api, T.sy_admin);
    assert.deepEqual(syUnits.items.map((u) => u.id).sort((a, b) => a - b), [syCity.id, syDistrict.id, syStreet.id, syDept.id, syCentre.id, ...syExtra].sort((a, b) => a - b));
    assertError(await api('/api/v1/units/1', { token: T.sy_admin }), 404);

    const fxUsers = await api('/api/v1/users?per_page=200&q=sy_', { token: T.admin });
    assertStatus(fxUsers, 200);
    assert.equal(fxUsers.body.items.length, 0, '阜新\'s admin does not see 沈阳\'s users');
    const syUsers = await api('/api/v1/users?per_page=200', { token: T.sy_admin });
    assertStatus(syUsers, 200);
    assert.deepEqual(syUsers.body.items.map((u) => u.username).sort(), ['sy_admin', 'sy_agent', 'sy_grid']);
    const agentId = syUsers.body.items.find((u) => u.username === 'sy_agent').id;
    assertError(await api(`/api/v1/users/${agentId}`, { token: T.admin }), 404);
  });

  test('statistics and their export count each city\'s own appeals', async () => {
    const sy = await api('/api/v1/stats/appeals?from=2020-01-01&to=2030-12-31', { token: T.sy_admin });
    assertStatus(sy, 200);
    const text = JSON.stringify(sy.body);
    assert.ok(!text.includes('阜新'), '沈阳\'s statistics name no 阜新 unit');
    assert.deepEqual(sy.body.items.map((x) => [x.unit_id, x.dispatched]), [[syDept.id, 1]]);
    const fx = await api('/api/v1/stats/appeals?from=2020-01-01&to=2030-12-31', { token: T.admin });
    assertStatus(fx, 200);
    assert.ok(!JSON.stringify(fx.body).includes('沈阳'), '阜新\'s statistics name no 沈阳 unit');
    assert.ok(!fx.body.items.some((x) => x.unit_id === syDept.id));
    const x = await fetch(`${srv.url}/api/v1/stats/appeals.xlsx?from=2020-01-01&to=2030-12-31`, { headers: { authorization: `Bearer ${T.sy_admin}` } });
    assert.equal(x.status, 200);
    const buf = Buffer.from(await x.arrayBuffer());
    assert.ok(buf.length > 0);
  });

  test('disputes: each city lists its own; the other\'s detail is 404', async () => {
    const sy = await api('/api/v1/disputes?per_page=200', { token: T.sy_admin });
    assertStatus(sy, 200);
    assert.deepEqual(sy.body.items.map((d) => d.id), [syDispute.id]);
    for (const u of ['agent', 'admin', 'leader']) {
      assertError(await api(`/api/v1/disputes/${syDispute.id}`, { token: T[u] }), 404);
      const l = await api(`/api/v1/disputes?per_page=200&q=${M}`, { token: T[u] });
      assertStatus(l, 200);
      assert.ok(!l.body.items.some((d) => d.id === syDispute.id), `${u}'s dispute list`);
    }
    const fxList = await api('/api/v1/disputes?per_page=1', { token: T.agent });
    assertStatus(fxList, 200);
    assert.ok(fxList.body.total > 0);
    assertError(await api(`/api/v1/disputes/${fxList.body.items[0].id}`, { token: T.sy_agent }), 404);
  });

  test('grid events: each city lists its own; the other\'s detail is 404', async () => {
    for (const u of ['admin', 'leader']) {
      assertError(await api(`/api/v1/grid/events/${syEvent.id}`, { token: T[u] }), 404);
      const l = await api(`/api/v1/grid/events?per_page=200&q=${M}`, { token: T[u] });
      assertStatus(l, 200);
      assert.equal(l.body.items.length, 0, `${u}'s grid event list`);
    }
    const sy = await api('/api/v1/grid/events?per_page=200', { token: T.sy_admin });
    assertStatus(sy, 200);
    assert.deepEqual(sy.body.items.map((x) => x.id), [syEvent.id]);
    const fxList = await api('/api/v1/grid/events?per_page=1', { token: T.admin });
    assertStatus(fxList, 200);
    assert.ok(fxList.body.total > 0);
    assertError(await api(`/api/v1/grid/events/${fxList.body.items[0].id}`, { token: T.sy_admin }), 404);
  });

  test('Open311: a city\'s code is its jurisdiction; its requests land in it and are listed from it alone', async () => {
    const { key } = createKey(srv.db.url, `沈阳随手拍${M}`);
    const form = new URLSearchParams({
      api_key: key, jurisdiction_id: '210100', service_code: 'heating_cold', lat: '41.80', long: '123.43',
      description: `沈阳暖气不热 ${M}`, 'attribute[indoor_temp]': '15',
    });
    const r = await fetch(`${srv.url}/open311/v2/requests.json`, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 200, await r.clone().text());
    const [rec] = await r.json();
    const number = rec.service_request_id;
    const sy = await api(`/api/v1/appeals?q=${encodeURIComponent(number)}`, { token: T.sy_admin });
    assertStatus(sy, 200);
    assert.equal(sy.body.items.length, 1, 'the request is an appeal of 沈阳');
    const fx = await api(`/api/v1/appeals?q=${encodeURIComponent(number)}`, { token: T.admin });
    assert.equal(fx.body.items.length, 0, 'and none of 阜新');
    const list = async (jid) => (await (await fetch(`${srv.url}/open311/v2/requests.json?jurisdiction_id=${jid}&service_request_id=${number}`)).json());
    assert.equal((await list('210100')).length, 1);
    assert.equal((await list('210900')).length, 0, '阜新\'s jurisdiction does not list it');
    const one = await fetch(`${srv.url}/open311/v2/requests/${number}.json?jurisdiction_id=210900`);
    assert.equal(one.status, 404);
  });

  test('the audit trail: each city\'s admin sees its own people\'s entries only', async () => {
    const fx = await api('/api/v1/audit?per_page=200&actor=sy_agent', { token: T.admin });
    assertStatus(fx, 200);
    assert.equal(fx.body.total, 0, '阜新\'s admin sees none of 沈阳\'s agent\'s entries');
    const fxAll = await api('/api/v1/audit?per_page=200', { token: T.admin });
    assert.ok(!fxAll.body.items.some((a) => a.actor === 'sy_agent' || a.actor === 'sy_admin'));
    const sy = await api('/api/v1/audit?per_page=200', { token: T.sy_admin });
    assertStatus(sy, 200);
    assert.ok(sy.body.items.some((a) => a.actor === 'sy_agent'), '沈阳\'s admin sees its agent\'s intakes');
    assert.ok(!sy.body.items.some((a) => a.actor === 'agent' || a.actor === 'admin'), 'and none of 阜新\'s people');
  });
});
