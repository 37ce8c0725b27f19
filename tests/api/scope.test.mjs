// Areas: every user sees and acts within their unit's subtree; outside it records answer
// 404 as if they did not exist (docs/api.md "Conventions: Scope").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, allUnits, userByName, stopClean, createUserApproved } from '../lib/api-helpers.mjs';

let srv, api, admin, haizhou, grid01, hzAdmin;
const U = {};
let cityUnits; // every unit, as the city admin sees them
let haizhouSubtree; // ids of 海州区 and its descendants

function subtreeIds(units, rootId) {
  const kids = new Map();
  for (const u of units) {
    if (!kids.has(u.parent_id)) kids.set(u.parent_id, []);
    kids.get(u.parent_id).push(u.id);
  }
  const out = new Set([rootId]);
  const stack = [rootId];
  while (stack.length) for (const k of kids.get(stack.pop()) || []) { out.add(k); stack.push(k); }
  return out;
}

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  [admin, haizhou, grid01] = await Promise.all([login(api, 'admin'), login(api, 'haizhou'), login(api, 'grid01')]);
  for (const n of ['阜新市', '海州区', '细河区', '站前街道', '玉龙街道', '阜新市住房和城乡建设局']) {
    U[n] = await unitByName(api, admin, n);
    assert.ok(U[n], n);
  }
  cityUnits = (await allUnits(api, admin)).items;
  haizhouSubtree = subtreeIds(cityUnits, U['海州区'].id);
  // A county admin for 海州区, made through the API (an admin takes a second admin's
  // approval).
  await createUserApproved(srv, api, admin,
    { username: 'hzadmin', display_name: '海州区管理员', password: 'County-admin-pw-1', unit_id: U['海州区'].id, roles: ['admin'] });
  hzAdmin = await login(api, 'hzadmin', 'County-admin-pw-1');
});
after(async () => { await stopClean(srv); });

describe('county staff (haizhou)', () => {
  test('sees units inside 海州区, with the path starting at its own unit', async () => {
    const r = await api(`/api/v1/units/${U['站前街道'].id}`, { token: haizhou });
    assertStatus(r, 200);
    assert.equal(r.body.name, '站前街道');
    assert.deepEqual(r.body.path.map((p) => p.name), ['海州区', '站前街道']);
    assertStatus(await api(`/api/v1/units/${U['海州区'].id}`, { token: haizhou }), 200);
  });

  test('units outside 海州区 answer 404 not_found, including its parent city and sibling county', async () => {
    for (const n of ['细河区', '玉龙街道', '阜新市', '阜新市住房和城乡建设局']) {
      assertError(await api(`/api/v1/units/${U[n].id}`, { token: haizhou }), 404, 'not_found');
    }
  });

  test('listing never includes a unit outside 海州区, with any filter', async () => {
    const all = await allUnits(api, haizhou);
    assert.equal(all.total, haizhouSubtree.size, 'exactly the 海州区 subtree');
    for (const u of all.items) assert.ok(haizhouSubtree.has(u.id), `${u.name} is inside 海州区`);
    const counties = await api('/api/v1/units?kind=county', { token: haizhou });
    assert.deepEqual(counties.body.items.map((u) => u.name), ['海州区']);
    const yu = await api(`/api/v1/units?q=${encodeURIComponent('玉龙')}`, { token: haizhou });
    assert.equal(yu.body.total, 0, '玉龙街道 is in 细河区');
    const byCode = await api('/api/v1/units?q=210911', { token: haizhou });
    assert.equal(byCode.body.total, 0, '细河区 codes are not matched');
    const foreign = await api(`/api/v1/units?parent_id=${U['细河区'].id}`, { token: haizhou });
    assert.ok(foreign.status === 404 || (foreign.status === 200 && foreign.body.total === 0 && foreign.body.items.length === 0),
      `children of a unit outside the area are not listed (got ${foreign.status} ${JSON.stringify(foreign.body)})`);
    const city = await api(`/api/v1/units?parent_id=${U['阜新市'].id}&per_page=200`, { token: haizhou });
    assert.ok(city.status === 404 || city.body.items.every((u) => haizhouSubtree.has(u.id)));
  });

  test('is not an admin: users and audit are forbidden (403)', async () => {
    assertError(await api('/api/v1/users', { token: haizhou }), 403);
    assertError(await api('/api/v1/audit', { token: haizhou }), 403);
  });
});

describe('grid member (grid01)', () => {
  test('sees only its own grid', async () => {
    const me = (await api('/api/v1/me', { token: grid01 })).body;
    const r = await api('/api/v1/units?per_page=200', { token: grid01 });
    assertStatus(r, 200);
    assert.equal(r.body.total, 1);
    assert.deepEqual(r.body.items.map((u) => u.id), [me.unit.id]);
    const own = await api(`/api/v1/units/${me.unit.id}`, { token: grid01 });
    assertStatus(own, 200);
    assert.deepEqual(own.body.path.map((p) => p.id), [me.unit.id]);
    assertError(await api(`/api/v1/units/${me.unit.parent_id}`, { token: grid01 }), 404, 'not_found');
    assertError(await api(`/api/v1/units/${U['站前街道'].id}`, { token: grid01 }), 404, 'not_found');
    assertError(await api(`/api/v1/units/${U['细河区'].id}`, { token: grid01 }), 404, 'not_found');
    const q = await api(`/api/v1/units?q=${encodeURIComponent('站前')}`, { token: grid01 });
    assert.ok(q.body.items.every((u) => u.id === me.unit.id));
  });
});

describe('county admin (admin role at 海州区)', () => {
  test('creates units inside its area, but not under 细河区 (422 invalid_parent)', async () => {
    const ok = await api('/api/v1/units', { method: 'POST', token: hzAdmin, body: { name: '海州区测试街道', kind: 'township', parent_id: U['海州区'].id } });
    assertStatus(ok, 201);
    const got = await api(`/api/v1/units/${ok.body.id}`, { token: hzAdmin });
    assert.deepEqual(got.body.path.map((p) => p.name), ['海州区', '海州区测试街道']);
    const bad = await api('/api/v1/units', { method: 'POST', token: hzAdmin, body: { name: '越界街道', kind: 'township', parent_id: U['细河区'].id } });
    assertError(bad, 422, 'invalid_parent', 'parent_id');
    const city = await api('/api/v1/units', { method: 'POST', token: hzAdmin, body: { name: '越界区', kind: 'county', parent_id: U['阜新市'].id } });
    assertError(city, 422, 'invalid_parent', 'parent_id');
    assert.equal(await unitByName(api, admin, '越界街道'), null, 'nothing was created');
  });

  test('cannot change units outside its area (404) nor move a unit out of it (422)', async () => {
    assertError(await api(`/api/v1/units/${U['细河区'].id}`, { method: 'PATCH', token: hzAdmin, body: { name: '改名' } }), 404);
    assertError(await api(`/api/v1/units/${U['站前街道'].id}`, { method: 'PATCH', token: hzAdmin, body: { parent_id: U['细河区'].id } }),
      422, 'invalid_parent');
    assertError(await api(`/api/v1/units/${U['海州区'].id}`, { method: 'PATCH', token: hzAdmin, body: { disabled: true } }), 422);
    assertError(await api(`/api/v1/units/${U['海州区'].id}`, { method: 'PATCH', token: hzAdmin, body: { parent_id: U['细河区'].id } }), 422);
    assert.equal((await api(`/api/v1/units/${U['细河区'].id}`, { token: admin })).body.name, '细河区');
    assert.equal((await api(`/api/v1/units/${U['站前街道'].id}`, { token: admin })).body.parent_id, U['海州区'].id);
  });

  test('sees only users inside 海州区: a 细河区 user is 404', async () => {
    const xihe = await userByName(api, admin, 'xihe');
    assertError(await api(`/api/v1/users/${xihe.id}`, { token: hzAdmin }), 404, 'not_found');
    assertError(await api(`/api/v1/users/${xihe.id}`, { method: 'PATCH', token: hzAdmin, body: { disabled: true } }), 404);
    assertError(await api(`/api/v1/users/${xihe.id}/unlock`, { method: 'POST', token: hzAdmin }), 404);
    assertError(await api(`/api/v1/users/${xihe.id}/password`, { method: 'POST', token: hzAdmin, body: { password: 'taken-over-1' } }), 404);
    const list = await api('/api/v1/users?per_page=200', { token: hzAdmin });
    assertStatus(list, 200);
    const names = list.body.items.map((u) => u.username);
    assert.ok(names.includes('haizhou') && names.includes('zhanqian') && names.includes('grid01'));
    assert.ok(!names.includes('xihe') && !names.includes('admin') && !names.includes('agent'));
    for (const u of list.body.items) assert.ok(haizhouSubtree.has(u.unit.id), `${u.username} is inside 海州区`);
    const byUnit = await api(`/api/v1/users?unit_id=${U['细河区'].id}`, { token: hzAdmin });
    assert.ok(byUnit.status === 404 || (byUnit.status === 200 && byUnit.body.total === 0),
      `users of 细河区 are not listed (got ${byUnit.status} ${JSON.stringify(byUnit.body)})`);
  });

  test('cannot place users outside its area (422 invalid_unit), nor move one there', async () => {
    const r = await api('/api/v1/users', {
      method: 'POST', token: hzAdmin,
      body: { username: 'outsider', display_name: '外人', password: 'Stranger-pw-1', unit_id: U['细河区'].id, roles: ['unit_staff'] },
    });
    assertError(r, 422, 'invalid_unit', 'unit_id');
    const zq = await userByName(api, admin, 'zhanqian');
    assertError(await api(`/api/v1/users/${zq.id}`, { method: 'PATCH', token: hzAdmin, body: { unit_id: U['细河区'].id } }),
      422, 'invalid_unit', 'unit_id');
    assert.equal((await api(`/api/v1/users/${zq.id}`, { token: admin })).body.unit.id, U['站前街道'].id);
  });

  test('cannot read the audit log (403)', async () => {
    assertError(await api('/api/v1/audit', { token: hzAdmin }), 403);
  });
});
