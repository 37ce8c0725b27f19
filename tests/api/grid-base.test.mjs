// 社区治理's grid data (docs/grid.md "Grids and households", "Patrols", "Figures and
// scores", "Import"): grids with their GeoJSON boundaries and who may set them; households
// masked for everyone but the grid's member, backup and community station; the area
// (outside = 404); the XLSX import (all or nothing, or partial; a broken file → 422);
// patrols (order, future, 24 h, overlap → 409, night minutes); the figures and the
// members' scores against counts made here; the score weights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, maskedPhone, uniqueMarker, run } from '../lib/api-helpers.mjs';
import { xlsx, xlsxParts, zip } from '../lib/xlsx.mjs';

let srv, api;
const T = {};
const G = {}; // grids by name
const U = {}; // user ids by login

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  for (const who of ['admin', 'leader', 'haizhou', 'zhanqian', 'station01', 'xinhua', 'xihe',
    'grid01', 'grid02', 'grid03', 'grid04', 'dwf_service']) T[who] = await login(api, who);
  const r = await api('/api/v1/grid/grids', { token: T.leader });
  assertStatus(r, 200);
  for (const g of r.body.items) G[g.name] = g;
  const me = async (who) => (await api('/api/v1/me', { token: T[who] })).body;
  for (const who of ['grid01', 'grid02', 'grid03', 'grid04']) U[who] = (await me(who)).id;
});
after(() => stopClean(srv));

const XH1 = '站前街道新华社区第一网格';
const DWF1 = '韩家店镇东瓦房村第一网格';

test('grids come with their boundary, member, backup and counts, within the caller\'s area', async () => {
  const xh = G[XH1];
  assert.equal(xh.boundary.type, 'Polygon');
  assert.ok(Math.abs(xh.center.lat - 42.01) < 0.02 && Math.abs(xh.center.lon - 121.66) < 0.02);
  assert.equal(xh.member.id, U.grid01);
  assert.equal(xh.backup.id, U.grid03);
  assert.ok(xh.counts.households > 100 && xh.counts.population >= xh.counts.households / 2);
  assert.equal(G[DWF1].member.id, U.grid02);
  // The community station sees its own three grids; a member sees its grid (and the one
  // it backs up); another county (细河区) sees only its own, and a grid of this one answers 404.
  const station = (await api('/api/v1/grid/grids', { token: T.xinhua })).body.items.map((g) => g.name);
  assert.deepEqual(station.sort(), ['站前街道新华社区第一网格', '站前街道新华社区第三网格', '站前街道新华社区第二网格'].sort());
  const member = (await api('/api/v1/grid/grids', { token: T.grid01 })).body.items.map((g) => g.name);
  assert.ok(member.includes(XH1) && member.length <= 2, member.join());
  const other = (await api('/api/v1/grid/grids', { token: T.xihe })).body.items.map((g) => g.name);
  assert.ok(other.length > 0 && other.every((n) => n.startsWith('玉龙街道')), other.join());
  assertError(await api(`/api/v1/grid/grids/${xh.id}`, { token: T.xihe }), 404, 'not_found');
  assertStatus(await api(`/api/v1/grid/grids/${xh.id}`, { token: T.zhanqian }), 200);
  // parent_id narrows to a community.
  const under = (await api(`/api/v1/grid/grids?parent_id=${xh.parent_id}`, { token: T.leader })).body.items;
  assert.equal(under.length, 3);
});

const square = (lon, lat, d = 0.004) => ({
  type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
});

test('the station or an admin sets a boundary, checked as a GeoJSON polygon of sane size', async () => {
  const id = G['站前街道新华社区第二网格'].id;
  const put = (token, body) => api(`/api/v1/grid/grids/${id}`, { method: 'PUT', token, body });
  const ok = await put(T.xinhua, { boundary: square(121.661, 42.011), notes: '新华北街两侧' });
  assertStatus(ok, 200);
  assert.deepEqual(ok.body.boundary, square(121.661, 42.011));
  assert.equal(ok.body.notes, '新华北街两侧');
  assert.ok(ok.body.area_km2 > 0.1 && ok.body.area_km2 < 0.25, String(ok.body.area_km2));
  // A Feature holding a MultiPolygon is taken too.
  const multi = { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: [square(121.661, 42.011).coordinates, square(121.666, 42.011, 0.002).coordinates] } };
  const multiSet = await put(T.admin, { boundary: multi });
  assertStatus(multiSet, 200);
  assert.equal(multiSet.body.boundary.type, 'MultiPolygon');
  for (const [why, b] of [
    ['a point', { type: 'Point', coordinates: [121.66, 42.01] }],
    ['outside China', square(10, 50)],
    ['open ring', { type: 'Polygon', coordinates: [[[121.66, 42.01], [121.67, 42.01], [121.67, 42.02], [121.66, 42.02]]] }],
    ['too large', square(121.0, 41.5, 0.8)],
    ['no area', { type: 'Polygon', coordinates: [[[121.66, 42.01], [121.67, 42.01], [121.68, 42.01], [121.66, 42.01]]] }],
    ['strings', { type: 'Polygon', coordinates: [[['121.66', '42.01'], [121.67, 42.01], [121.67, 42.02], ['121.66', '42.01']]] }],
    ['three positions', { type: 'Polygon', coordinates: [[[121.66, 42.01], [121.67, 42.01], [121.66, 42.01]]] }],
    ['latitude outside China', square(121.66, 60)],
    ['no rings', { type: 'Polygon', coordinates: [] }],
    ['coordinates not an array', { type: 'Polygon', coordinates: 'x' }],
    ['a position of one number', { type: 'Polygon', coordinates: [[[121.66], [121.67, 42.01], [121.67, 42.02], [121.66]]] }],
    ['a Feature of a point', { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [121.66, 42.01] } }],
    ['a FeatureCollection', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: square(121.661, 42.011) }] }],
    ['no type', { coordinates: square(121.661, 42.011).coordinates }],
    ['a string', 'POLYGON((121.66 42.01, 121.67 42.01, 121.67 42.02, 121.66 42.01))'],
  ]) {
    const res = await put(T.xinhua, { boundary: b });
    assert.equal(res.status, 422, `${why}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 'invalid_boundary', why);
    assert.equal(res.body.error.field, 'boundary', why);
    assert.ok(res.body.error.message.length > 0, why);
  }
  // None of them changed the grid: it keeps the last good boundary.
  const kept = (await api(`/api/v1/grid/grids/${id}`, { token: T.xinhua })).body;
  assert.deepEqual(kept.boundary, multiSet.body.boundary);
  // Too many points.
  const ring = Array.from({ length: 2100 }, (_, i) => [121.66 + 0.004 * Math.cos(i / 334), 42.01 + 0.004 * Math.sin(i / 334)]);
  ring.push(ring[0]);
  assertError(await put(T.xinhua, { boundary: { type: 'Polygon', coordinates: [ring] } }), 422, 'invalid_boundary');
  // The member and backup must be grid members of the community, not one person.
  assertError(await put(T.xinhua, { member_user_id: U.grid02 }), 422, 'invalid_member', 'member_user_id');
  assertError(await put(T.xinhua, { member_user_id: U.grid03, backup_user_id: U.grid03 }), 422, 'same_person');
  // A township's station staff and a grid member may not; another area gets 404.
  assertError(await put(T.station01, { notes: 'x' }), 403, 'forbidden');
  assertError(await put(T.grid01, { notes: 'x' }), 403);
  assertError(await api(`/api/v1/grid/grids/${G[DWF1].id}`, { method: 'PUT', token: T.xinhua, body: { notes: 'x' } }), 404);
});

test('households: contact, ID numbers and sensitive tags in full only for the member, backup and station', async () => {
  const grid = G[XH1].id;
  const mark = uniqueMarker('住户');
  const phone = '13912345678', idn = '21090219500101123X';
  const made = await api('/api/v1/grid/households', {
    method: 'POST', token: T.grid01,
    body: { grid_id: grid, address: `${mark}新华路8号`, head_name: '测试户主', phone, id_number: idn, members: 3, housing: '租住', tags: ['低保', 'elderly_alone', 'disabled'], notes: `联系人电话 ${phone}` },
  });
  assertStatus(made, 201);
  assert.equal(made.body.housing, 'rented');
  assert.deepEqual(made.body.tags.sort(), ['disabled', 'elderly_alone', 'low_income']);
  const view = async (who, q = '') => {
    const r = await api(`/api/v1/grid/households?grid_id=${grid}&q=${encodeURIComponent(mark)}${q}`, { token: T[who] });
    assertStatus(r, 200);
    return r.body.items;
  };
  for (const who of ['grid01', 'grid03', 'xinhua']) {
    const [h] = await view(who);
    assert.equal(h.masked, false, who);
    assert.equal(h.phone, phone);
    assert.equal(h.id_number, idn);
    assert.deepEqual(h.tags.sort(), ['disabled', 'elderly_alone', 'low_income']);
    assert.equal((await view(who, '&tag=low_income')).length, 1, who);
  }
  for (const who of ['station01', 'zhanqian', 'haizhou', 'leader', 'admin']) {
    const [h] = await view(who);
    assert.equal(h.masked, true, who);
    assert.equal(h.phone, maskedPhone(phone));
    assert.equal(h.id_number, `${idn.slice(0, 3)}****${idn.slice(-4)}`);
    assert.deepEqual(h.tags, ['elderly_alone'], who);
    assert.ok(!h.notes.includes(phone), h.notes);
    // A sensitive tag does not pick households out for them.
    assert.deepEqual(await view(who, '&tag=low_income'), [], who);
    assert.equal((await view(who, '&tag=独居老人')).length, 1, who);
  }
  // Outside the area: 404 for the list, the household and a change.
  assertError(await api(`/api/v1/grid/households?grid_id=${grid}`, { token: T.xihe }), 404);
  assertError(await api(`/api/v1/grid/households/${made.body.id}`, { token: T.grid02 }), 404);
  assertError(await api(`/api/v1/grid/households/${made.body.id}`, { method: 'PATCH', token: T.grid02, body: { members: 2 } }), 404);
  // In the area but not the grid's keeper: 403.
  assertError(await api(`/api/v1/grid/households/${made.body.id}`, { method: 'PATCH', token: T.station01, body: { members: 2 } }), 403);
  assertError(await api(`/api/v1/grid/households/${made.body.id}`, { method: 'PATCH', token: T.grid04, body: { members: 2 } }), 404);
  // The station changes it; the audit trail has it, its numbers masked.
  const patched = await api(`/api/v1/grid/households/${made.body.id}`, { method: 'PATCH', token: T.xinhua, body: { members: 4, tags: ['veteran'] } });
  assertStatus(patched, 200);
  assert.equal(patched.body.members, 4);
  assert.deepEqual(patched.body.tags, ['veteran']);
  const audit = await api(`/api/v1/audit?entity=grid_household&entity_id=${made.body.id}`, { token: T.admin });
  assertStatus(audit, 200);
  assert.deepEqual(audit.body.items.map((a) => a.action).sort(), ['household.create', 'household.update']);
  // Bad input: 422 with the field.
  const bad = (body, field) => api('/api/v1/grid/households', { method: 'POST', token: T.grid01, body: { grid_id: grid, address: '新华路9号', head_name: '某', ...body } })
    .then((r) => assertError(r, 422, undefined, field));
  await bad({ id_number: '12345' }, 'id_number');
  await bad({ phone: 'abc' }, 'phone');
  await bad({ members: 120 }, 'members');
  await bad({ housing: '别墅' }, 'housing');
  await bad({ tags: ['unknown'] }, 'tags');
  await bad({ address: '' }, 'address');
});

test('key places: kept by the member, backup and station; listed within a grid with the phone masked above the station', async () => {
  const grid = G[XH1].id;
  const mark = uniqueMarker('场所');
  const phone = '13812345678';
  const before = (await api(`/api/v1/grid/grids/${grid}`, { token: T.grid01 })).body;
  const made = await api('/api/v1/grid/places', {
    method: 'POST', token: T.grid01,
    body: { grid_id: grid, name: `${mark}新华小学`, kind: '学校', address: '新华路20号', contact: '王校长', phone },
  });
  assertStatus(made, 201);
  assert.equal(made.body.kind, '学校');
  assert.equal(made.body.grid.id, grid);
  assert.equal(made.body.phone, phone);
  const view = async (who) => {
    const r = await api(`/api/v1/grid/places?grid_id=${grid}&q=${encodeURIComponent(mark)}`, { token: T[who] });
    assertStatus(r, 200);
    assert.equal(r.body.total, 1, who);
    return r.body.items[0];
  };
  for (const who of ['grid01', 'grid03', 'xinhua']) {
    const p = await view(who);
    assert.equal(p.masked, false, who);
    assert.equal(p.phone, phone, who);
  }
  for (const who of ['station01', 'zhanqian', 'haizhou', 'leader', 'admin']) {
    const p = await view(who);
    assert.equal(p.masked, true, who);
    assert.equal(p.phone, maskedPhone(phone), who);
    assert.equal(p.contact, '王校长');
  }
  // The grid's profile counts it and lists it, masked the same way.
  const after = (await api(`/api/v1/grid/grids/${grid}`, { token: T.leader })).body;
  assert.equal(after.counts.places, before.counts.places + 1);
  assert.equal(after.places.find((p) => p.id === made.body.id).phone, maskedPhone(phone));
  // The list without a grid, outside the area, a stranger's change.
  assertError(await api('/api/v1/grid/places', { token: T.grid01 }), 400, 'missing_parameter', 'grid_id');
  assertError(await api(`/api/v1/grid/places?grid_id=${grid}`, { token: T.xihe }), 404);
  assertError(await api(`/api/v1/grid/places/${made.body.id}`, { token: T.grid02 }), 404);
  assertError(await api(`/api/v1/grid/places/${made.body.id}`, { method: 'PATCH', token: T.grid02, body: { kind: '市场' } }), 404);
  assertError(await api(`/api/v1/grid/places/${made.body.id}`, { method: 'PATCH', token: T.station01, body: { kind: '市场' } }), 403);
  assertError(await api('/api/v1/grid/places', { method: 'POST', token: T.grid02, body: { grid_id: grid, name: '外网格', kind: '学校' } }), 404);
  // The station changes it; audited.
  const patched = await api(`/api/v1/grid/places/${made.body.id}`, { method: 'PATCH', token: T.xinhua, body: { kind: '医疗', phone: null } });
  assertStatus(patched, 200);
  assert.equal(patched.body.kind, '医疗');
  assert.equal(patched.body.phone, '');
  assert.equal(patched.body.name, `${mark}新华小学`);
  const audit = await api(`/api/v1/audit?entity=grid_place&entity_id=${made.body.id}`, { token: T.admin });
  assertStatus(audit, 200);
  assert.deepEqual(audit.body.items.map((a) => a.action).sort(), ['place.create', 'place.update']);
  // Bad input: 4xx with the field.
  const bad = (body, field, status = 422) => api('/api/v1/grid/places', { method: 'POST', token: T.grid01, body: { grid_id: grid, name: '某场所', kind: '市场', ...body } })
    .then((r) => assertError(r, status, undefined, field));
  await bad({ kind: '城堡' }, 'kind');
  await bad({ kind: undefined }, 'kind');
  await bad({ name: '' }, 'name');
  await bad({ name: '长'.repeat(101) }, 'name');
  await bad({ phone: 'abc' }, 'phone');
  await bad({ grid_id: undefined }, 'grid_id');
  await bad({ name: 5 }, 'name', 400);
  assertError(await api(`/api/v1/grid/places/${made.body.id}`, { method: 'PATCH', token: T.xinhua, body: { name: '' } }), 422, undefined, 'name');
});

const HEAD = ['地址', '户主姓名', '身份证号', '联系电话', '人口数', '房屋类型', '标签', '备注'];

test('import from XLSX: all rows or none, or the good rows in partial mode; every bad row reported', async () => {
  const grid = G['站前街道新华社区第三网格'].id;
  const mark = uniqueMarker('导入');
  const count = async () => (await api(`/api/v1/grid/households?grid_id=${grid}&q=${encodeURIComponent(mark)}&per_page=200`, { token: T.xinhua })).body.total;
  const good = [HEAD,
    [`${mark}光明巷1号`, '李四', '210902198001011236', 13812340001, 3, '自有', '独居老人、残疾人', '二楼'],
    [`${mark}光明巷2号`, '王五', '', '13812340002', 2, '租住', '', ''],
    [],
    [`${mark}光明巷3号`, '赵六', '', '', '', '', '低保,留守儿童', '']];
  const up = (body, q = '') => api(`/api/v1/grid/households/import?grid_id=${grid}${q}`, { method: 'POST', token: T.xinhua, raw: body, headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
  const r = await up(xlsx(good));
  assertStatus(r, 201);
  assert.equal(r.body.imported, 3);
  assert.equal(await count(), 3);
  const rows = (await api(`/api/v1/grid/households?grid_id=${grid}&q=${encodeURIComponent(mark)}`, { token: T.xinhua })).body.items;
  const li = rows.find((h) => h.head_name === '李四');
  assert.equal(li.phone, '13812340001');
  assert.deepEqual(li.tags.sort(), ['disabled', 'elderly_alone']);
  assert.equal(rows.find((h) => h.head_name === '赵六').members, 1);
  // Inline strings read the same.
  assertStatus(await up(xlsx([HEAD, [`${mark}光明巷4号`, '钱七']], { inline: true })), 201);
  assert.equal(await count(), 4);

  // Bad rows: nothing imported, each reported with its row number and field.
  const mixed = [HEAD,
    [`${mark}光明巷5号`, '孙八', '', '', 2],
    ['', '无地址', '', '', 1],
    [`${mark}光明巷6号`, '周九', '123', '', 1],
    [`${mark}光明巷7号`, '吴十', '', '', 200],
    [`${mark}光明巷8号`, '郑一', '', '', 1, '', '外星人']];
  const refused = await up(xlsx(mixed));
  assertError(refused, 422, 'invalid_rows', 'file');
  assert.deepEqual(refused.body.errors.map((e) => [e.row, e.field]), [[3, 'address'], [4, 'id_number'], [5, 'members'], [6, 'tags']]);
  assert.equal(await count(), 4);
  // Partial: the good row goes in, the rest is reported.
  const partial = await up(xlsx(mixed), '&mode=partial');
  assertStatus(partial, 201);
  assert.equal(partial.body.imported, 1);
  assert.equal(partial.body.invalid, 4);
  assert.equal(await count(), 5);

  // Not a workbook, truncated, no header, a missing sheet, too many rows: 422 with a message.
  for (const [body, code] of [
    [Buffer.from('地址,户主姓名\n新华路,张三\n'), 'bad_xlsx'],
    [xlsx(good).subarray(0, 300), 'bad_xlsx'],
    [xlsx([['名字', '年龄'], ['张三', 3]]), 'bad_xlsx'],
    [zip({ ...xlsxParts(good), 'xl/worksheets/sheet1.xml': undefined }), 'bad_xlsx'],
    [xlsx([HEAD, ...Array.from({ length: 5001 }, (_, i) => [`x${i}`, 'y'])]), 'xlsx_too_large'],
    // A picture renamed .xlsx, and a zip that is some other document (no workbook).
    [Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'), 'bad_xlsx'],
    [zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' }), 'bad_xlsx'],
  ]) {
    const res = await up(body);
    assertError(res, 422, code);
    assert.match(res.body.error.message, /Excel/);
  }
  assert.equal(await count(), 5);
  // Only the grid's keepers import; another area's grid is 404.
  assertError(await api(`/api/v1/grid/households/import?grid_id=${grid}`, { method: 'POST', token: T.station01, raw: xlsx(good) }), 403);
  assertError(await api(`/api/v1/grid/households/import?grid_id=${G[DWF1].id}`, { method: 'POST', token: T.xinhua, raw: xlsx(good) }), 404);
  assertStatus(await api(`/api/v1/grid/households/import?grid_id=${G[DWF1].id}&mode=partial`, { method: 'POST', token: T.dwf_service, raw: xlsx([HEAD, [`${mark}东瓦房村9组1号`, '白二']]) }), 201);
});

const iso = (ms) => new Date(ms).toISOString();
const MIN = 60000, HOUR = 60 * MIN;

test('patrols: order, not in the future, at most 24 hours, no overlap (409); night minutes counted', async () => {
  const post = (body, who = 'grid04') => api('/api/v1/grid/patrols', { method: 'POST', token: T[who], body });
  // 2025-06-01 21:30 to 23:00 China time: 90 minutes, 60 of them at night.
  const a = await post({ started_at: '2025-06-01T21:30:00+08:00', ended_at: '2025-06-01T23:00:00+08:00', notes: '夜巡' });
  assertStatus(a, 201);
  assert.equal(a.body.minutes, 90);
  assert.equal(a.body.night_minutes, 60);
  assert.equal(a.body.grid_id, G['站前街道新华社区第三网格'].id);
  // Across midnight and past 06:00: 05:00 is at night, 06:00 onwards not.
  const b = await post({ started_at: '2025-06-02T04:00:00+08:00', ended_at: '2025-06-02T07:15:00+08:00' });
  assertStatus(b, 201);
  assert.equal(b.body.minutes, 195);
  assert.equal(b.body.night_minutes, 120);
  assertError(await post({ started_at: '2025-06-01T22:30:00+08:00', ended_at: '2025-06-01T23:30:00+08:00' }), 409, 'overlapping');
  assertError(await post({ started_at: '2025-06-01T20:00:00+08:00', ended_at: '2025-06-01T21:31:00+08:00' }), 409, 'overlapping');
  // One that holds another whole overlaps too.
  assertError(await post({ started_at: '2025-06-01T21:00:00+08:00', ended_at: '2025-06-01T23:30:00+08:00' }), 409, 'overlapping');
  assertError(await post({ started_at: '2025-06-01T22:00:00+08:00', ended_at: '2025-06-01T22:10:00+08:00' }), 409, 'overlapping');
  // The same person in the grid they back up, at the same time: still one person.
  assertError(await post({ grid_id: G['站前街道新华社区第二网格'].id, started_at: '2025-06-01T22:00:00+08:00', ended_at: '2025-06-01T22:30:00+08:00' }), 409, 'overlapping');
  // Another member at the same time is no overlap.
  assertStatus(await post({ grid_id: G['站前街道新华社区第二网格'].id, started_at: '2025-06-01T22:00:00+08:00', ended_at: '2025-06-01T22:30:00+08:00' }, 'grid03'), 201);
  // Touching ends are not an overlap.
  assertStatus(await post({ started_at: '2025-06-01T23:00:00+08:00', ended_at: '2025-06-01T23:10:00+08:00' }), 201);
  assertError(await post({ started_at: '2025-06-03T10:00:00+08:00', ended_at: '2025-06-03T09:00:00+08:00' }), 422, 'invalid_period', 'ended_at');
  assertError(await post({ started_at: iso(Date.now() + HOUR), ended_at: iso(Date.now() + 2 * HOUR) }), 422, 'in_future');
  assertError(await post({ started_at: '2025-06-04T08:00:00+08:00', ended_at: '2025-06-05T08:01:00+08:00' }), 422, 'too_long');
  assertError(await post({ ended_at: '2025-06-05T08:01:00+08:00' }), 422, 'missing_field', 'started_at');
  assertError(await post({ started_at: 'yesterday', ended_at: '2025-06-05T08:01:00+08:00' }), 422, undefined, 'started_at');
  // The backup patrols the grid it backs up; outside the area: 404.
  const backup = await post({ grid_id: G['站前街道新华社区第二网格'].id, started_at: '2025-06-06T08:00:00+08:00', ended_at: '2025-06-06T09:00:00+08:00' });
  assertStatus(backup, 201);
  assert.equal(backup.body.grid_id, G['站前街道新华社区第二网格'].id);
  assertError(await post({ grid_id: G[DWF1].id, started_at: '2025-06-06T08:00:00+08:00', ended_at: '2025-06-06T09:00:00+08:00' }), 404);
  // The list: the grid's patrols in a period, their sums.
  const g = G['站前街道新华社区第三网格'].id;
  const list = await api(`/api/v1/grid/patrols?grid_id=${g}&from=2025-06-01&to=2025-06-03`, { token: T.xinhua });
  assertStatus(list, 200);
  assert.equal(list.body.total, 3);
  assert.equal(list.body.minutes, 90 + 195 + 10);
  assert.equal(list.body.night_minutes, 60 + 120 + 10);
  assertError(await api(`/api/v1/grid/patrols?grid_id=${g}`, { token: T.xihe }), 404);
  // This week's minutes for the member, and the grids without a patrol this week.
  const now = Date.now();
  const weekBefore = (await api('/api/v1/grid/patrols?mine=1', { token: T.grid01 })).body.week_minutes;
  const mine = await post({ started_at: iso(now - 40 * MIN), ended_at: iso(now - 10 * MIN) }, 'grid01');
  assertStatus(mine, 201);
  const week = (await api('/api/v1/grid/patrols?mine=1', { token: T.grid01 })).body;
  // 30 more minutes this week (unless the week began within the last 40 minutes).
  const monday = new Date(now + 8 * HOUR);
  const weekStart = Date.UTC(monday.getUTCFullYear(), monday.getUTCMonth(), monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7)) - 8 * HOUR;
  if (now - 40 * MIN >= weekStart) assert.equal(week.week_minutes, weekBefore + 30);
  else assert.ok(week.week_minutes >= weekBefore);
  const idle = (await api('/api/v1/grid/grids?no_patrol_this_week=1', { token: T.leader })).body.items.map((x) => x.name);
  assert.ok(idle.includes('韩家店镇韩家店村第一网格'), idle.join());
  assert.ok(!idle.includes(XH1));
});

test('the score weights: one set, the members\'; everyone reads them, a city admin sets them (0..100)', async () => {
  const r = await api('/api/v1/grid/score-weights', { token: T.grid01 });
  assertStatus(r, 200);
  for (const k of ['reports', 'verifications', 'tasks', 'patrol_hours']) assert.equal(typeof r.body[k], 'number', k);
  const put = (body, who = 'admin') => api('/api/v1/grid/score-weights', { method: 'PUT', token: T[who], body });
  const ok = await put({ reports: 3, verifications: 2, tasks: 4, patrol_hours: 1.5 });
  assertStatus(ok, 200);
  assert.deepEqual({ ...ok.body, updated_at: null }, { reports: 3, verifications: 2, tasks: 4, patrol_hours: 1.5, updated_at: null });
  assert.match(ok.body.updated_at, /^\d{4}-\d\d-\d\dT/);
  // The members' scores use exactly these.
  const month = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 7);
  const scores = await api(`/api/v1/stats/grid/members?month=${month}`, { token: T.leader });
  assertStatus(scores, 200);
  assert.deepEqual(scores.body.weights, { reports: 3, verifications: 2, tasks: 4, patrol_hours: 1.5 });
  // Old clients that name the role still work; another role is refused, not stored unused.
  assertStatus(await put({ role: 'grid_member', reports: 3, verifications: 2, tasks: 4, patrol_hours: 1.5 }), 200);
  assertError(await put({ role: 'leader', reports: 1, verifications: 1, tasks: 1, patrol_hours: 1 }), 422, 'invalid_value', 'role');
  assertError(await put({ reports: 300, verifications: 1, tasks: 1, patrol_hours: 1 }), 422, undefined, 'reports');
  assertError(await put({ reports: -1, verifications: 1, tasks: 1, patrol_hours: 1 }), 422, undefined, 'reports');
  assertError(await put({ reports: 1, verifications: 1, tasks: 1 }), 422, 'missing_field', 'patrol_hours');
  assertError(await put({ reports: '1', verifications: 1, tasks: 1, patrol_hours: 1 }), 400, 'invalid_type', 'reports');
  assertError(await put({ reports: 1, verifications: 1, tasks: 1, patrol_hours: 1 }, 'leader'), 403);
  assertError(await put({ reports: 1, verifications: 1, tasks: 1, patrol_hours: 1 }, 'zhanqian'), 403);
  const still = (await api('/api/v1/grid/score-weights', { token: T.leader })).body;
  assert.equal(still.reports, 3, 'refused changes changed nothing');
});

// A 1×1 PNG: the after photo of an event resolved on the spot.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
  + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const FIGS = ['events', 'valid', 'closed', 'on_time', 'first_time', 'reworked', 'escalated', 'patrols', 'patrol_minutes', 'night_patrol_minutes'];

test('figures per grid, community and township, and the members\' scores, exactly as the events and patrols made here', async () => {
  // A second member at 新华社区第三网格, who verifies what grid04 resolves on the spot.
  const g3 = G['站前街道新华社区第三网格'];
  const add = run(['user', 'add', '--db', srv.db.url, '--username', 'grid04b', '--name', '测试网格员',
    '--unit', String(g3.id), '--roles', 'grid_member'], { input: 'Grid-Base-2026\n' });
  assert.equal(add.status, 0, add.stderr);
  T.grid04b = await login(api, 'grid04b', 'Grid-Base-2026');
  U.grid04b = (await api('/api/v1/me', { token: T.grid04b })).body.id;
  const zhujian = await login(api, 'zhujian');
  const units = (await api('/api/v1/units?q=' + encodeURIComponent('阜新市住房和城乡建设局'), { token: T.admin })).body.items;
  const dept = units.find((u) => u.name === '阜新市住房和城乡建设局').id;
  const weights = { reports: 2, verifications: 1.5, tasks: 3, patrol_hours: 0.5 };
  assertStatus(await api('/api/v1/grid/score-weights', { method: 'PUT', token: T.admin, body: weights }), 200);

  const now = new Date(Date.now() + 8 * HOUR);
  const month = now.toISOString().slice(0, 7);
  const period = `from=${month}-01&to=${iso(Date.now() + 24 * HOUR).slice(0, 10)}`;
  const stats = async (level, who = 'leader') => {
    const r = await api(`/api/v1/stats/grid?${period}&level=${level}`, { token: T[who] });
    assertStatus(r, 200);
    return r.body;
  };
  const members = async (who = 'xinhua') => {
    const r = await api(`/api/v1/stats/grid/members?month=${month}`, { token: T[who] });
    assertStatus(r, 200);
    return r.body;
  };
  const before = { grid: await stats('grid'), community: await stats('community'), members: await members() };

  const ev = async () => {
    const r = await api('/api/v1/grid/events', { method: 'POST', token: T.grid04, body: { category: 'E0101', description: '楼道堆放杂物，影响通行。', address: '光明巷3号' } });
    assertStatus(r, 201);
    assert.equal(r.body.grid.id, g3.id);
    return r.body.id;
  };
  const step = async (id, token, body) => assertStatus(await api(`/api/v1/grid/events/${id}/actions`, { method: 'POST', token, body }), 200);
  // Closed at the first attempt.
  const a = await ev();
  await step(a, T.grid04, { action: 'file' });
  await step(a, T.xinhua, { action: 'dispatch', unit_id: dept });
  await step(a, zhujian, { action: 'reply', content: '已清理。' });
  await step(a, T.xinhua, { action: 'verify', passed: true });
  // Closed after one rework.
  const b = await ev();
  await step(b, T.grid04, { action: 'file' });
  await step(b, T.xinhua, { action: 'dispatch', unit_id: dept });
  await step(b, zhujian, { action: 'reply', content: '已清理。' });
  await step(b, T.xinhua, { action: 'verify', passed: false, reason: '仍有杂物' });
  await step(b, zhujian, { action: 'reply', content: '已彻底清理。' });
  await step(b, T.xinhua, { action: 'verify', passed: true });
  // Escalated and open; reported and open; invalid.
  const c = await ev();
  await step(c, T.grid04, { action: 'file' });
  await step(c, T.xinhua, { action: 'escalate', reason: '社区无法协调' });
  await ev();
  const d = await ev();
  await step(d, T.grid04, { action: 'file' });
  await step(d, T.xinhua, { action: 'invalidate', reason: '重复上报' });
  // Resolved on the spot by grid04, verified by grid04b.
  const f = await ev();
  assertStatus(await api(`/api/v1/grid/events/${f}/photos?kind=after`, { method: 'POST', token: T.grid04, raw: PNG }), 201);
  await step(f, T.grid04, { action: 'resolve_on_spot', note: '已现场清理' });
  await step(f, T.grid04b, { action: 'verify', passed: true });
  // A patrol now: 20 minutes.
  const p = await api('/api/v1/grid/patrols', { method: 'POST', token: T.grid04, body: { started_at: iso(Date.now() - 25 * MIN), ended_at: iso(Date.now() - 5 * MIN) } });
  assertStatus(p, 201);

  const after = { grid: await stats('grid'), community: await stats('community'), township: await stats('township'), members: await members() };
  const row = (s, id) => s.items.find((i) => i.unit_id === id) || Object.fromEntries(FIGS.map((k) => [k, 0]));
  const delta = (x, y) => Object.fromEntries(FIGS.map((k) => [k, y[k] - x[k]]));
  assert.deepEqual(delta(row(before.grid, g3.id), row(after.grid, g3.id)), {
    events: 6, valid: 5, closed: 3, on_time: 3, first_time: 2, reworked: 1, escalated: 1,
    patrols: 1, patrol_minutes: p.body.minutes, night_patrol_minutes: p.body.night_minutes,
  });
  assert.deepEqual(delta(row(before.community, g3.parent_id), row(after.community, g3.parent_id)), delta(row(before.grid, g3.id), row(after.grid, g3.id)));
  // Rates are their counts' fractions, null without a denominator; every level sums its grids.
  for (const level of ['grid', 'community', 'township']) {
    for (const it of after[level].items) {
      const r = (n, dd) => (dd ? n / dd : null);
      for (const [k, n, dd] of [['on_time_rate', 'on_time', 'closed'], ['first_time_rate', 'first_time', 'closed'], ['rework_rate', 'reworked', 'valid'], ['escalation_rate', 'escalated', 'valid']]) {
        if (r(it[n], it[dd]) === null) assert.equal(it[k], null, `${level} ${it.unit_name} ${k}`);
        else assert.ok(Math.abs(it[k] - it[n] / it[dd]) < 1e-9, `${level} ${it.unit_name} ${k}`);
      }
    }
  }
  const byCommunity = {}, byTownship = {};
  for (const it of after.grid.items) {
    const g = Object.values(G).find((x) => x.id === it.unit_id);
    for (const [acc, key] of [[byCommunity, g.parent_id], [byTownship, g.township_id]]) {
      acc[key] ??= Object.fromEntries(FIGS.map((k) => [k, 0]));
      for (const k of FIGS) acc[key][k] += it[k];
    }
  }
  for (const it of after.community.items) assert.deepEqual(Object.fromEntries(FIGS.map((k) => [k, it[k]])), byCommunity[it.unit_id], it.unit_name);
  for (const it of after.township.items) assert.deepEqual(Object.fromEntries(FIGS.map((k) => [k, it[k]])), byTownship[it.unit_id], it.unit_name);
  assert.deepEqual(Object.fromEntries(FIGS.map((k) => [k, after.grid.totals[k]])),
    Object.fromEntries(FIGS.map((k) => [k, after.grid.items.reduce((sum, it) => sum + it[k], 0)])));
  // The area: the station sees its three grids only; another county none of these.
  assert.deepEqual((await stats('grid', 'xinhua')).items.map((i) => i.unit_id).sort(), Object.values(G).filter((g) => g.parent_id === g3.parent_id).map((g) => g.id).sort());
  assert.ok(!(await stats('grid', 'xihe')).items.some((i) => i.unit_id === g3.id));
  assertError(await api('/api/v1/stats/grid?level=street', { token: T.leader }), 400, 'invalid_parameter', 'level');

  // Scores: grid04 reported 6 and resolved 1 on the spot; grid04b verified it on time.
  const m = (s, id) => s.items.find((i) => i.user_id === id) || { reports: 0, verifications_on_time: 0, tasks_done: 0, patrol_minutes: 0 };
  const sd = (id) => ['reports', 'verifications_on_time', 'tasks_done', 'patrol_minutes'].map((k) => m(after.members, id)[k] - m(before.members, id)[k]);
  assert.deepEqual(sd(U.grid04), [6, 0, 1, p.body.minutes]);
  assert.deepEqual(sd(U.grid04b), [0, 1, 0, 0]);
  assert.deepEqual(after.members.weights, weights);
  for (const it of after.members.items) {
    const want = weights.reports * it.reports + weights.verifications * it.verifications_on_time + weights.tasks * it.tasks_done + weights.patrol_hours * it.patrol_minutes / 60;
    assert.ok(Math.abs(it.score - Math.round(want * 100) / 100) < 1e-9, it.name);
  }
  const ranks = after.members.items.map((i) => i.rank);
  assert.equal(ranks[0], 1);
  for (let i = 1; i < ranks.length; i++) {
    const same = after.members.items[i].score === after.members.items[i - 1].score;
    assert.equal(ranks[i], same ? ranks[i - 1] : i + 1);
  }
  assertError(await api('/api/v1/stats/grid/members?month=2026-13', { token: T.leader }), 400, 'invalid_parameter', 'month');

  // Both as workbooks.
  for (const path of [`/api/v1/stats/grid.xlsx?${period}&level=community`, `/api/v1/stats/grid/members.xlsx?month=${month}`]) {
    const r = await fetch(srv.url + path, { headers: { authorization: `Bearer ${T.leader}` } });
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
    const buf = Buffer.from(await r.arrayBuffer());
    assert.equal(buf.subarray(0, 2).toString(), 'PK');
  }
});
