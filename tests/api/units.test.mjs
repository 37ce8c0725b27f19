// The unit tree: listing, reading, and admin changes (docs/api.md "Units").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, allUnits, run, stopClean, uniqueMarker, createUserApproved } from '../lib/api-helpers.mjs';

let srv, api, admin, haizhouStaff;
const U = {}; // demo units by name

const KINDS = ['city', 'county', 'township', 'community', 'village', 'grid', 'department'];

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  [admin, haizhouStaff] = await Promise.all([login(api, 'admin'), login(api, 'haizhou')]);
  for (const n of ['阜新市', '海州区', '细河区', '站前街道', '韩家店镇', '东瓦房村', '新华社区', '阜新市住房和城乡建设局']) {
    U[n] = await unitByName(api, admin, n);
    assert.ok(U[n], `demo unit ${n}`);
  }
});
after(async () => { await stopClean(srv); });

const create = (body, token = admin) => api('/api/v1/units', { method: 'POST', body, token });
const patch = (id, body, token = admin) => api(`/api/v1/units/${id}`, { method: 'PATCH', body, token });
const get = (id, token = admin) => api(`/api/v1/units/${id}`, { token });

describe('listing', () => {
  test('default list: paged, each unit with id, name, kind, code, parent_id', async () => {
    const r = await api('/api/v1/units', { token: admin });
    assertStatus(r, 200);
    assert.equal(r.body.page, 1);
    assert.equal(r.body.per_page, 20);
    assert.equal(r.body.items.length, 20);
    assert.ok(r.body.total > 100, 'the demo has well over a hundred units');
    for (const u of r.body.items) {
      assert.equal(typeof u.id, 'number');
      assert.equal(typeof u.name, 'string');
      assert.ok(KINDS.includes(u.kind), u.kind);
      assert.ok(u.code === null || typeof u.code === 'string');
      assert.ok(u.parent_id === null || typeof u.parent_id === 'number');
    }
  });

  test('paging: pages do not overlap and together give total', async () => {
    const p1 = await api('/api/v1/units?page=1&per_page=7', { token: admin });
    const p2 = await api('/api/v1/units?page=2&per_page=7', { token: admin });
    assertStatus(p1, 200); assertStatus(p2, 200);
    assert.equal(p1.body.per_page, 7);
    assert.equal(p2.body.page, 2);
    assert.equal(p1.body.items.length, 7);
    assert.equal(p2.body.items.length, 7);
    assert.equal(p1.body.total, p2.body.total);
    const ids1 = new Set(p1.body.items.map((u) => u.id));
    assert.ok(p2.body.items.every((u) => !ids1.has(u.id)), 'no unit on both pages');
    const all = await allUnits(api, admin);
    assert.equal(all.items.length, all.total);
    assert.equal(new Set(all.items.map((u) => u.id)).size, all.total, 'every unit once');
  });

  test('per_page must be 1..200 (0 and 500 → 400); a non-numeric page → 400', async () => {
    for (const q of ['per_page=0', 'per_page=500', 'per_page=-1', 'per_page=abc', 'page=abc', 'page=0']) {
      assertError(await api(`/api/v1/units?${q}`, { token: admin }), 400);
    }
    assertStatus(await api('/api/v1/units?per_page=200', { token: admin }), 200);
    assertStatus(await api('/api/v1/units?per_page=1', { token: admin }), 200);
  });

  test('q matches names (two Chinese characters 站前) and codes', async () => {
    const r = await api(`/api/v1/units?q=${encodeURIComponent('站前')}&per_page=200`, { token: admin });
    assertStatus(r, 200);
    assert.ok(r.body.items.some((u) => u.name === '站前街道'));
    assert.ok(r.body.total >= 2);
    for (const u of r.body.items) assert.ok(u.name.includes('站前') || (u.code || '').includes('站前'), u.name);
    const byCode = await api('/api/v1/units?q=210902006000', { token: admin });
    assertStatus(byCode, 200);
    assert.deepEqual(byCode.body.items.map((u) => u.name), ['站前街道']);
    const none = await api(`/api/v1/units?q=${encodeURIComponent('不存在的地方')}`, { token: admin });
    assertStatus(none, 200);
    assert.equal(none.body.total, 0);
    assert.deepEqual(none.body.items, []);
  });

  test('q treats % and _ literally', async () => {
    for (const q of ['%', '_', '100%']) {
      const r = await api(`/api/v1/units?q=${encodeURIComponent(q)}`, { token: admin });
      assertStatus(r, 200);
      assert.equal(r.body.total, 0, `q=${q} matches no demo unit`);
    }
  });

  test('kind filters by kind; an unknown kind → 400', async () => {
    const r = await api('/api/v1/units?kind=county', { token: admin });
    assertStatus(r, 200);
    assert.equal(r.body.total, 7);
    assert.ok(r.body.items.every((u) => u.kind === 'county'));
    const names = r.body.items.map((u) => u.name);
    assert.ok(names.includes('海州区') && names.includes('细河区'));
    assertError(await api('/api/v1/units?kind=planet', { token: admin }), 400);
  });

  test('parent_id lists that unit\'s children, matching children_count', async () => {
    const r = await api(`/api/v1/units?parent_id=${U['海州区'].id}&per_page=200`, { token: admin });
    assertStatus(r, 200);
    assert.ok(r.body.items.every((u) => u.parent_id === U['海州区'].id));
    const names = r.body.items.map((u) => u.name);
    assert.ok(names.includes('站前街道') && names.includes('韩家店镇'));
    assert.ok(!names.includes('东瓦房村'), 'grandchildren are not children');
    const one = await get(U['海州区'].id);
    assert.equal(one.body.children_count, r.body.total);
    // Filters combine.
    const towns = await api(`/api/v1/units?parent_id=${U['海州区'].id}&kind=township&q=${encodeURIComponent('站前')}`, { token: admin });
    assert.deepEqual(towns.body.items.map((u) => u.name), ['站前街道']);
    assertError(await api('/api/v1/units?parent_id=abc', { token: admin }), 400);
  });
});

describe('reading one unit', () => {
  test('GET /units/{id}: the unit with its path chain from the city and children_count', async () => {
    const r = await get(U['东瓦房村'].id);
    assertStatus(r, 200);
    assert.equal(r.body.name, '东瓦房村');
    assert.equal(r.body.kind, 'village');
    assert.equal(r.body.code, null);
    assert.equal(r.body.parent_id, U['韩家店镇'].id);
    assert.equal(r.body.disabled, false);
    assert.equal(r.body.children_count, 2);
    assert.deepEqual(r.body.path.map((p) => p.name), ['阜新市', '海州区', '韩家店镇', '东瓦房村']);
    assert.deepEqual(r.body.path.map((p) => p.id), [U['阜新市'].id, U['海州区'].id, U['韩家店镇'].id, U['东瓦房村'].id]);
    const city = await get(U['阜新市'].id);
    assert.equal(city.body.parent_id, null);
    assert.equal(city.body.code, '210900');
    assert.deepEqual(city.body.path.map((p) => p.name), ['阜新市']);
  });

  test('an unknown id → 404 not_found', async () => {
    assertError(await get(99999999), 404, 'not_found');
  });
});

describe('changes (admin)', () => {
  test('create → 201 with the unit; it then appears under its parent', async () => {
    const r = await create({ name: '测试社区甲', kind: 'community', parent_id: U['站前街道'].id });
    assertStatus(r, 201);
    assert.equal(typeof r.body.id, 'number');
    assert.equal(r.body.name, '测试社区甲');
    assert.equal(r.body.kind, 'community');
    assert.equal(r.body.parent_id, U['站前街道'].id);
    assert.equal(r.body.code, null);
    assert.equal(r.body.disabled, false);
    const g = await get(r.body.id);
    assertStatus(g, 200);
    assert.deepEqual(g.body.path.map((p) => p.name), ['阜新市', '海州区', '站前街道', '测试社区甲']);
    assert.equal(g.body.children_count, 0);
    const kids = await api(`/api/v1/units?parent_id=${U['站前街道'].id}&per_page=200`, { token: admin });
    assert.ok(kids.body.items.some((u) => u.id === r.body.id));
    // A grid under it, with a code.
    const grid = await create({ name: '测试社区甲第一网格', kind: 'grid', parent_id: r.body.id, code: 'T-GRID-1' });
    assertStatus(grid, 201);
    assert.equal(grid.body.code, 'T-GRID-1');
    assert.equal((await get(r.body.id)).body.children_count, 1);
  });

  test('a kind that may not sit under the parent → 422 invalid_parent', async () => {
    assertError(await create({ name: '错层区', kind: 'county', parent_id: U['站前街道'].id }), 422, 'invalid_parent', 'parent_id');
    assertError(await create({ name: '错层镇', kind: 'township', parent_id: U['阜新市'].id }), 422, 'invalid_parent', 'parent_id');
    assertError(await create({ name: '错层网格', kind: 'grid', parent_id: U['海州区'].id }), 422, 'invalid_parent', 'parent_id');
    assertError(await create({ name: '第二个市', kind: 'city', parent_id: U['阜新市'].id }), 422, 'invalid_parent', 'parent_id');
    assertError(await create({ name: '无处', kind: 'township', parent_id: 99999999 }), 422, 'invalid_parent', 'parent_id');
  });

  test('every allowed parent kind is accepted', async () => {
    const ok = [
      ['county', '阜新市'], ['township', '海州区'], ['community', '站前街道'], ['village', '站前街道'],
      ['grid', '新华社区'], ['grid', '东瓦房村'], ['grid', '站前街道'],
      ['department', '阜新市'], ['department', '海州区'], ['department', '站前街道'], ['department', '阜新市住房和城乡建设局'],
    ];
    for (const [kind, parent] of ok) {
      const r = await create({ name: `允许的${kind}在${parent}`, kind, parent_id: U[parent].id });
      assertStatus(r, 201);
    }
  });

  test('a code already in use → 409 duplicate', async () => {
    assertError(await create({ name: '重复代码街道', kind: 'township', parent_id: U['海州区'].id, code: '210902006000' }),
      409, 'duplicate');
    const a = await create({ name: '代码甲', kind: 'department', parent_id: U['阜新市'].id, code: 'DUP-TEST-1' });
    assertStatus(a, 201);
    assertError(await create({ name: '代码乙', kind: 'department', parent_id: U['阜新市'].id, code: 'DUP-TEST-1' }), 409, 'duplicate');
    const b = await create({ name: '代码丙', kind: 'department', parent_id: U['阜新市'].id, code: 'DUP-TEST-2' });
    assertError(await patch(b.body.id, { code: 'DUP-TEST-1' }), 409, 'duplicate');
  });

  test('missing or blank name → 422 with field name; missing kind / parent_id → 422 with the field', async () => {
    assertError(await create({ kind: 'community', parent_id: U['站前街道'].id }), 422, undefined, 'name');
    assertError(await create({ name: '   ', kind: 'community', parent_id: U['站前街道'].id }), 422, undefined, 'name');
    assertError(await create({ name: '无类型', parent_id: U['站前街道'].id }), 422, undefined, 'kind');
    assertError(await create({ name: '无上级', kind: 'community' }), 422, undefined, 'parent_id');
    assertError(await create({ name: '怪类型', kind: 'planet', parent_id: U['站前街道'].id }), 422, undefined, 'kind');
  });

  test('wrong JSON types → 400', async () => {
    assertError(await create({ name: 123, kind: 'community', parent_id: U['站前街道'].id }), 400);
    assertError(await create({ name: ['a'], kind: 'community', parent_id: U['站前街道'].id }), 400);
    assertError(await create({ name: '类型错', kind: 'community', parent_id: String(U['站前街道'].id) }), 400);
    assertError(await create({ name: '类型错', kind: 'community', parent_id: 1.5 }), 400);
    assertError(await patch(U['站前街道'].id, { disabled: 'yes' }), 400);
  });

  test('rename → 200 and GET shows the new name', async () => {
    const c = await create({ name: '旧名社区', kind: 'community', parent_id: U['站前街道'].id });
    const r = await patch(c.body.id, { name: '新名社区' });
    assertStatus(r, 200);
    assert.equal(r.body.name, '新名社区');
    assert.equal((await get(c.body.id)).body.name, '新名社区');
    assertError(await patch(c.body.id, { name: '' }), 422, undefined, 'name');
  });

  test('moving a township carries its subtree: descendants\' paths follow; other staff areas follow too', async () => {
    const before = await get(U['海州区'].id);
    const r = await patch(U['韩家店镇'].id, { parent_id: U['细河区'].id });
    assertStatus(r, 200);
    assert.equal(r.body.parent_id, U['细河区'].id);
    const town = await get(U['韩家店镇'].id);
    assert.deepEqual(town.body.path.map((p) => p.name), ['阜新市', '细河区', '韩家店镇']);
    const village = await get(U['东瓦房村'].id);
    assert.equal(village.body.parent_id, U['韩家店镇'].id);
    assert.deepEqual(village.body.path.map((p) => p.name), ['阜新市', '细河区', '韩家店镇', '东瓦房村']);
    const grids = await api(`/api/v1/units?parent_id=${U['东瓦房村'].id}`, { token: admin });
    assert.ok(grids.body.total >= 2);
    assert.equal(grids.body.total, village.body.children_count);
    for (const g of grids.body.items) {
      const one = await get(g.id);
      assert.deepEqual(one.body.path.map((p) => p.name).slice(0, 4), ['阜新市', '细河区', '韩家店镇', '东瓦房村']);
    }
    assert.equal((await get(U['海州区'].id)).body.children_count, before.body.children_count - 1);
    // 海州区's staff no longer sees the village; listing by parent shows the move.
    assertError(await get(U['东瓦房村'].id, haizhouStaff), 404, 'not_found');
    const hz = await allUnits(api, haizhouStaff);
    assert.ok(!hz.items.some((u) => u.name === '东瓦房村' || u.name === '韩家店镇'));
    const xk = await api(`/api/v1/units?parent_id=${U['细河区'].id}&per_page=200`, { token: admin });
    assert.ok(xk.body.items.some((u) => u.id === U['韩家店镇'].id));
    // The stored tree is consistent.
    const chk = run(['check', '--db', srv.db.url]);
    assert.equal(chk.status, 0, chk.stdout + chk.stderr);
    // And back again.
    assertStatus(await patch(U['韩家店镇'].id, { parent_id: U['海州区'].id }), 200);
    assert.deepEqual((await get(U['东瓦房村'].id)).body.path.map((p) => p.name), ['阜新市', '海州区', '韩家店镇', '东瓦房村']);
    assertStatus(await get(U['东瓦房村'].id, haizhouStaff), 200);
  });

  test('moving a unit under itself or its own descendant → 422 invalid_parent', async () => {
    // Departments may nest, so only the cycle makes these invalid.
    const a = await create({ name: '循环部门甲', kind: 'department', parent_id: U['阜新市'].id });
    const b = await create({ name: '循环部门乙', kind: 'department', parent_id: a.body.id });
    const c = await create({ name: '循环部门丙', kind: 'department', parent_id: b.body.id });
    assertError(await patch(a.body.id, { parent_id: b.body.id }), 422, 'invalid_parent');
    assertError(await patch(a.body.id, { parent_id: c.body.id }), 422, 'invalid_parent');
    assertError(await patch(a.body.id, { parent_id: a.body.id }), 422, 'invalid_parent');
    assert.equal((await get(a.body.id)).body.parent_id, U['阜新市'].id, 'unchanged');
    // A move to a kind-incompatible parent is refused as well.
    assertError(await patch(U['站前街道'].id, { parent_id: U['新华社区'].id }), 422, 'invalid_parent');
    assertError(await patch(U['站前街道'].id, { parent_id: U['阜新市'].id }), 422, 'invalid_parent');
    // And c under a sibling branch is fine.
    assertStatus(await patch(c.body.id, { parent_id: a.body.id }), 200);
  });

  test('disable hides a unit from lists unless include_disabled=1; enable brings it back', async () => {
    const c = await create({ name: '停用测试社区', kind: 'community', parent_id: U['站前街道'].id });
    const d = await patch(c.body.id, { disabled: true });
    assertStatus(d, 200);
    assert.equal(d.body.disabled, true);
    const q = `q=${encodeURIComponent('停用测试社区')}`;
    assert.equal((await api(`/api/v1/units?${q}`, { token: admin })).body.total, 0);
    const inc = await api(`/api/v1/units?${q}&include_disabled=1`, { token: admin });
    assert.equal(inc.body.total, 1);
    assert.equal(inc.body.items[0].disabled, true);
    assert.equal((await get(c.body.id)).body.disabled, true);
    const e = await patch(c.body.id, { disabled: false });
    assertStatus(e, 200);
    assert.equal(e.body.disabled, false);
    assert.equal((await api(`/api/v1/units?${q}`, { token: admin })).body.total, 1);
  });

  test('the caller\'s own unit cannot be moved or disabled', async () => {
    const r = await patch(U['阜新市'].id, { disabled: true });
    assertError(r, 422);
    assert.equal((await get(U['阜新市'].id)).body.disabled, false);
  });

  test('non-admins cannot create or change units (403)', async () => {
    assertError(await create({ name: '越权社区', kind: 'community', parent_id: U['站前街道'].id }, haizhouStaff), 403);
    assertError(await patch(U['站前街道'].id, { name: '越权改名' }, haizhouStaff), 403);
    assert.equal((await get(U['站前街道'].id)).body.name, '站前街道');
  });

  test('PATCH of an unknown unit → 404', async () => {
    assertError(await patch(99999999, { name: '无' }), 404);
  });
});

describe('a move carries what the unit scopes (区划调整)', () => {
  test('a township moved to another county takes its appeals: the old county no longer sees or acts on them (404), the new one does, and the statistics agree', async () => {
    const M = uniqueMarker('MV');
    const town = await create({ name: '迁移测试镇', kind: 'township', parent_id: U['海州区'].id });
    assertStatus(town, 201);
    const village = await create({ name: '迁移测试村', kind: 'village', parent_id: town.body.id });
    const office = await create({ name: '迁移测试镇综合办', kind: 'department', parent_id: town.body.id });
    assertStatus(village, 201);
    assertStatus(office, 201);
    // An agent placed in each county acts on the appeals of that county only (an agent
    // takes a second admin's approval).
    const agentIn = async (username, unit) => {
      await createUserApproved(srv, api, admin,
        { username, display_name: username, password: 'Move-agent-pw-1', unit_id: unit.id, roles: ['agent'] });
      return login(api, username, 'Move-agent-pw-1');
    };
    const [cityAgent, xiheStaff, hzAgent, xhAgent] = await Promise.all([
      login(api, 'agent'), login(api, 'xihe'), agentIn('hzmoveagent', U['海州区']), agentIn('xhmoveagent', U['细河区']),
    ]);
    const intake = async (content, region) => {
      const r = await api('/api/v1/appeals', { method: 'POST', token: cityAgent, body: { content: `${content} ${M}`, region_id: region.id } });
      assertStatus(r, 201);
      return r.body.id;
    };
    const handled = await intake('迁移测试村道路破损', village.body);
    assertStatus(await api(`/api/v1/appeals/${handled}/actions`, {
      method: 'POST', token: cityAgent, body: { action: 'dispatch', unit_id: office.body.id },
    }), 200);
    const waiting = await intake('迁移测试镇路灯不亮', town.body);
    const ids = [handled, waiting].sort((a, b) => a - b);
    const listed = async (token) => {
      const r = await api(`/api/v1/appeals?per_page=200&q=${M}`, { token });
      assertStatus(r, 200);
      return r.body.items.map((x) => x.id).sort((a, b) => a - b);
    };
    const officeStats = async (token) => {
      const r = await api('/api/v1/stats/appeals', { token });
      assertStatus(r, 200);
      return r.body.items.filter((x) => x.unit_id === office.body.id);
    };
    const urge = (id, token) => api(`/api/v1/appeals/${id}/actions`, {
      method: 'POST', token, body: { action: 'urge', note: '请尽快办理' },
    });

    // Before the move: 海州区's.
    assert.deepEqual(await listed(haizhouStaff), ids);
    assert.deepEqual(await listed(xiheStaff), []);
    for (const id of ids) {
      assertStatus(await urge(id, hzAgent), 200);
      assertError(await urge(id, xhAgent), 404);
    }
    assert.equal((await officeStats(haizhouStaff)).length, 1);
    assert.equal((await officeStats(xiheStaff)).length, 0);

    assertStatus(await patch(town.body.id, { parent_id: U['细河区'].id }), 200);

    // After: 细河区's, and 海州区 answers as if they did not exist.
    for (const id of ids) {
      assertError(await api(`/api/v1/appeals/${id}`, { token: haizhouStaff }), 404);
      assertError(await urge(id, hzAgent), 404);
      assertStatus(await api(`/api/v1/appeals/${id}`, { token: xiheStaff }), 200);
      assertStatus(await urge(id, xhAgent), 200);
    }
    assert.deepEqual(await listed(haizhouStaff), []);
    assert.deepEqual(await listed(hzAgent), []);
    assert.deepEqual(await listed(xiheStaff), ids);
    assert.deepEqual(await listed(xhAgent), ids);
    // The statistics follow the tree, as the lists do.
    assert.equal((await officeStats(haizhouStaff)).length, 0);
    const xs = await officeStats(xiheStaff);
    assert.equal(xs.length, 1);
    assert.equal(xs[0].dispatched, 1);
    // And the stored copies of the paths agree with the tree.
    const chk = run(['check', '--db', srv.db.url]);
    assert.equal(chk.status, 0, chk.stdout + chk.stderr);
  });
});
