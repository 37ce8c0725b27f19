// 社区治理 grid events (docs/grid.md "Events"): every step from the report to the close,
// the verification rule (the reporter and the replier get 403), rework, escalation level
// by level, the invalid report, conversion to an appeal and a dispute with the link both
// ways, the step lights, photos (magic bytes, size, who may fetch them), the area (another
// grid's member and another township get 404), the to-do and the category tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, sql, run, unitByName } from '../lib/api-helpers.mjs';

const G = '/api/v1/grid';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;
// A 1×1 PNG and a tiny JPEG header: enough for the magic bytes.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
  + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)]);
const PASSWORD = 'Grid-Test-2026';

let srv, api, T, U;

function addUser(username, unitId, role) {
  const r = run(['user', 'add', '--db', srv.db.url, '--username', username, '--name', `测试${username}`,
    '--unit', String(unitId), '--roles', role], { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T = {};
  for (const u of ['grid01', 'grid02', 'xinhua', 'zhanqian', 'haizhou', 'zhujian', 'admin', 'leader', 'xihe', 'agent']) {
    T[u] = await login(api, u);
  }
  U = {};
  for (const n of ['新华社区', '站前街道', '海州区', '阜新市住房和城乡建设局', '站前街道新华社区第一网格',
    '韩家店镇东瓦房村第一网格', '东瓦房村']) {
    U[n] = await unitByName(api, T.admin, n);
    assert.ok(U[n], n);
  }
  addUser('grid01b', U['站前街道新华社区第一网格'].id, 'grid_member');
  addUser('xinhua_b', U['新华社区'].id, 'unit_staff');
  T.grid01b = await login(api, 'grid01b', PASSWORD);
  T.xinhua_b = await login(api, 'xinhua_b', PASSWORD);
});
let restartedDb = null; // the database kept across the scheduler test's restart
after(async () => {
  await stopClean(srv);
  if (restartedDb) restartedDb.drop();
});

const report = async (token = T.grid01, extra = {}) => {
  const r = await api(`${G}/events`, { method: 'POST', token, body: {
    category: 'E0101', description: '小区门口垃圾堆放，无人清运。', address: '新华路12号', lat: 42.02, lon: 121.66, ...extra } });
  assertStatus(r, 201);
  return r.body;
};
const act = (id, token, body) => api(`${G}/events/${id}/actions`, { method: 'POST', token, body });
const step = async (id, token, body) => {
  const r = await act(id, token, body);
  assertStatus(r, 200);
  return r.body;
};
const get = async (id, token = T.xinhua) => {
  const r = await api(`${G}/events/${id}`, { token });
  assertStatus(r, 200);
  return r.body;
};
const upload = (id, token, buf, kind = 'before', type) => api(`${G}/events/${id}/photos?kind=${kind}`, {
  method: 'POST', token, raw: buf, headers: type ? { 'content-type': type } : {} });

test('report → file → dispatch → reply → failed verification (rework) → reply → verified and closed', async () => {
  const ev = await report();
  assert.equal(ev.status, 'reported');
  assert.match(ev.number, /^WG\d{14}$/);
  assert.equal(ev.grid.name, '站前街道新华社区第一网格');
  assert.equal(ev.category.code, 'E0101');
  assert.equal(ev.address, '新华路12号');
  assert.equal(ev.step, 'file');
  assert.equal(ev.light, 'green');
  assert.match(ev.finish_due_at, ISO);
  assert.deepEqual([...ev.allowed_actions].sort(), ['file', 'resolve_on_spot']);
  assertStatus(await upload(ev.id, T.grid01, PNG), 201);

  let x = await step(ev.id, T.grid01, { action: 'file' });
  assert.equal(x.status, 'filed');
  assert.equal(x.holder.name, '新华社区');
  assert.equal(x.step, 'dispatch');
  // Only the station holding it dispatches.
  assertError(await act(ev.id, T.grid01, { action: 'dispatch', unit_id: U['阜新市住房和城乡建设局'].id }), 403, 'forbidden');
  assertError(await act(ev.id, T.xinhua, { action: 'dispatch' }), 422, 'missing_field', 'unit_id');
  assertError(await act(ev.id, T.xinhua, { action: 'dispatch', unit_id: U['站前街道新华社区第一网格'].id }), 422, 'invalid_unit', 'unit_id');
  assertError(await act(ev.id, T.xinhua, { action: 'reply', content: 'x' }), 409, 'invalid_state');
  x = await step(ev.id, T.xinhua, { action: 'dispatch', unit_id: U['阜新市住房和城乡建设局'].id, note: '请住建局清运' });
  assert.equal(x.status, 'dispatched');
  assert.equal(x.holder.name, '阜新市住房和城乡建设局');
  assert.equal(x.step, 'handle');
  // The handling unit sees it while it holds it, and replies.
  const seen = await get(ev.id, T.zhujian);
  assert.deepEqual(seen.allowed_actions.filter((a) => a !== 'escalate'), ['reply']);
  x = await step(ev.id, T.zhujian, { action: 'reply', content: '已安排环卫车清运完毕。' });
  assert.equal(x.status, 'verifying');
  assert.equal(x.step, 'verify');
  // Nobody verifies what they reported or replied.
  assertError(await act(ev.id, T.grid01, { action: 'verify', passed: true }), 403, 'forbidden');
  assertError(await act(ev.id, T.zhujian, { action: 'verify', passed: true }), 403, 'forbidden');
  assert.ok(!(await get(ev.id, T.grid01)).allowed_actions.includes('verify'));
  // A failed verification needs a reason and sends it back to the unit (返工).
  assertError(await act(ev.id, T.xinhua, { action: 'verify', passed: false }), 422, 'missing_field', 'reason');
  x = await step(ev.id, T.xinhua, { action: 'verify', passed: false, reason: '现场仍有垃圾' });
  assert.equal(x.status, 'dispatched');
  assert.equal(x.rework_count, 1);
  assert.equal(x.holder.name, '阜新市住房和城乡建设局');
  x = await step(ev.id, T.zhujian, { action: 'reply', content: '已彻底清理。' });
  // The backup grid member (not the reporter) may verify too.
  assert.ok((await get(ev.id, T.grid01b)).allowed_actions.includes('verify'));
  x = await step(ev.id, T.grid01b, { action: 'verify', passed: true });
  assert.equal(x.status, 'closed');
  assert.match(x.closed_at, ISO);
  assert.equal(x.on_time, true);
  assert.equal(x.light, null);
  assert.equal(x.valid, true);
  assert.deepEqual(x.timeline.map((t) => t.action),
    ['create', 'file', 'dispatch', 'reply', 'verify', 'reply', 'verify']);
  assert.equal(x.timeline[4].note, '现场仍有垃圾');
  assert.equal(x.photos.length, 1);
  const audit = await api(`/api/v1/audit?entity=grid_event&entity_id=${ev.id}&per_page=50`, { token: T.admin });
  assertStatus(audit, 200);
  const actions = audit.body.items.map((a) => a.action);
  for (const a of ['grid_event_create', 'grid_event_photo', 'grid_event_file', 'grid_event_dispatch', 'grid_event_verify']) {
    assert.ok(actions.includes(a), `audit has ${a}`);
  }
});

test('dispatched to the station itself: the replier cannot verify, another staff member can', async () => {
  const ev = await report();
  await step(ev.id, T.grid01, { action: 'file' });
  await step(ev.id, T.xinhua, { action: 'dispatch', unit_id: U['新华社区'].id });
  await step(ev.id, T.xinhua, { action: 'reply', content: '社区自行清理。' });
  const d = await get(ev.id, T.xinhua);
  assert.ok(!d.allowed_actions.includes('verify'), 'the replier is not offered verify');
  assertError(await act(ev.id, T.xinhua, { action: 'verify', passed: true }), 403, 'forbidden');
  const x = await step(ev.id, T.xinhua_b, { action: 'verify', passed: true });
  assert.equal(x.status, 'closed');
});

test('resolved on the spot: needs an after photo; the reporter cannot verify it; a failed check goes to the station', async () => {
  const ev = await report();
  assertError(await act(ev.id, T.grid01, { action: 'resolve_on_spot' }), 422, 'missing_field', 'note');
  assertError(await act(ev.id, T.grid01, { action: 'resolve_on_spot', note: '已劝离' }), 422, 'after_photo_required');
  assertStatus(await upload(ev.id, T.grid01, JPEG, 'after', 'image/jpeg'), 201);
  let x = await step(ev.id, T.grid01, { action: 'resolve_on_spot', note: '已现场清理' });
  assert.equal(x.status, 'verifying');
  assert.equal(x.on_spot, true);
  assert.equal(x.photos[0].kind, 'after');
  assertError(await act(ev.id, T.grid01, { action: 'verify', passed: true }), 403, 'forbidden');
  x = await step(ev.id, T.xinhua, { action: 'verify', passed: false, reason: '未清理干净' });
  assert.equal(x.status, 'filed');
  assert.equal(x.holder.name, '新华社区');
  assert.equal(x.rework_count, 1);

  const ok = await report();
  assertStatus(await upload(ok.id, T.grid01, PNG, 'after'), 201);
  await step(ok.id, T.grid01, { action: 'resolve_on_spot', note: '已现场清理' });
  x = await step(ok.id, T.grid01b, { action: 'verify', passed: true });
  assert.equal(x.status, 'closed');
  assert.equal(x.on_spot, true);
  assert.equal(x.rework_count, 0);
});

test('escalation: station → township → district, then no higher', async () => {
  const ev = await report();
  await step(ev.id, T.grid01, { action: 'file' });
  assertError(await act(ev.id, T.xinhua, { action: 'escalate' }), 422, 'missing_field', 'reason');
  let x = await step(ev.id, T.xinhua, { action: 'escalate', reason: '涉及多个部门，社区无法协调' });
  assert.equal(x.status, 'filed');
  assert.equal(x.holder.name, '站前街道');
  assert.equal(x.post.name, '站前街道');
  assert.equal(x.escalation_count, 1);
  assertError(await act(ev.id, T.xinhua, { action: 'dispatch', unit_id: U['新华社区'].id }), 403, 'forbidden');
  x = await step(ev.id, T.zhanqian, { action: 'escalate', reason: '街道无法协调' });
  assert.equal(x.holder.name, '海州区');
  assert.equal(x.escalation_count, 2);
  assertError(await act(ev.id, T.haizhou, { action: 'escalate', reason: '再上报' }), 409, 'top_level');
  x = await step(ev.id, T.haizhou, { action: 'dispatch', unit_id: U['阜新市住房和城乡建设局'].id });
  assert.equal(x.status, 'dispatched');
  // The handling unit that cannot handle it passes it above the post that holds it.
  assertError(await act(ev.id, T.zhujian, { action: 'escalate', reason: '无法处理' }), 409, 'top_level');
  assert.equal(x.timeline.filter((t) => t.action === 'escalate').length, 2);
});

test('the station marks a report invalid: closed, not valid', async () => {
  const ev = await report();
  await step(ev.id, T.grid01, { action: 'file' });
  assertError(await act(ev.id, T.grid01, { action: 'invalidate', reason: 'x' }), 403, 'forbidden');
  const x = await step(ev.id, T.xinhua, { action: 'invalidate', reason: '重复上报' });
  assert.equal(x.status, 'closed');
  assert.equal(x.valid, false);
  assert.equal(x.step, null);
  assertError(await act(ev.id, T.xinhua, { action: 'dispatch', unit_id: U['新华社区'].id }), 409, 'invalid_state');
});

test('conversion to an appeal and to a dispute keeps the link both ways', async () => {
  const ev = await report(T.grid01, { category: 'E0301', description: '工地夜间施工噪音扰民，居民多次投诉。' });
  await step(ev.id, T.grid01, { action: 'file' });
  assertError(await act(ev.id, T.xinhua, { action: 'convert', to: 'court' }), 422, 'invalid_value', 'to');
  let x = await step(ev.id, T.xinhua, { action: 'convert', to: 'appeal', type: 'complaint' });
  assert.equal(x.status, 'converted');
  assert.equal(x.converted_to.kind, 'appeal');
  assert.match(x.converted_to.number, /^FX/);
  const ap = await api(`/api/v1/appeals/${x.converted_to.id}`, { token: T.xinhua });
  assertStatus(ap, 200);
  assert.equal(ap.body.channel, 'grid');
  const tl = ap.body.timeline.find((t) => t.action === 'from_grid_event');
  assert.ok(tl, 'the appeal records where it came from');
  assert.equal(tl.data.grid_event_id, ev.id);
  assert.equal(tl.data.grid_event_number, ev.number);
  const links = sql(srv.db.url, `SELECT kind, linked_case_id FROM case_links WHERE case_id = ${x.converted_to.id}`).trim();
  assert.equal(links, `from_grid_event|${ev.id}`);

  const ev2 = await report(T.grid01, { category: 'E0501', description: '两户因占道摆摊发生争执。' });
  await step(ev2.id, T.grid01, { action: 'file' });
  assertError(await act(ev2.id, T.xinhua, { action: 'convert', to: 'dispute', type: 'neighbour' }), 422, 'missing_field', 'parties');
  x = await step(ev2.id, T.xinhua, { action: 'convert', to: 'dispute', type: 'neighbour',
    parties: [{ name: '张某', side: 'applicant' }, { name: '李某', side: 'respondent' }] });
  assert.equal(x.status, 'converted');
  assert.equal(x.converted_to.kind, 'dispute');
  assert.match(x.converted_to.number, /^JF/);
  const dp = await api(`/api/v1/disputes/${x.converted_to.id}`, { token: T.admin });
  assertStatus(dp, 200);
  assert.ok(dp.body.timeline.some((t) => t.action === 'from_grid_event' && t.data.grid_event_id === ev2.id));
  assert.equal(dp.body.source, 'grid_event');
});

test('lights: green under 80% of the step, yellow to 100%, red past it; the list filters by light', async () => {
  const now = Date.now();
  const mk = async (warn, due) => {
    const ev = await report();
    sql(srv.db.url, `UPDATE grid_events SET step_warn_at = ${now + warn}, step_due_at = ${now + due} WHERE case_id = ${ev.id}`);
    return ev.id;
  };
  const green = await mk(3600e3, 7200e3), yellow = await mk(-600e3, 3600e3), red = await mk(-7200e3, -3600e3);
  assert.equal((await get(green, T.grid01)).light, 'green');
  assert.equal((await get(yellow, T.grid01)).light, 'yellow');
  assert.equal((await get(red, T.grid01)).light, 'red');
  for (const [light, id] of [['green', green], ['yellow', yellow], ['red', red]]) {
    const r = await api(`${G}/events?light=${light}&per_page=200`, { token: T.xinhua });
    assertStatus(r, 200);
    const ids = r.body.items.map((i) => i.id);
    assert.ok(ids.includes(id), `${light} lists its event`);
    for (const other of [green, yellow, red].filter((o) => o !== id)) assert.ok(!ids.includes(other));
    assert.ok(r.body.items.every((i) => i.light === light));
  }
  assertError(await api(`${G}/events?light=blue`, { token: T.xinhua }), 400, 'invalid_parameter', 'light');
  assertError(await api(`${G}/events?status=nope`, { token: T.xinhua }), 400, 'invalid_parameter', 'status');
});

test('photos: magic bytes, size, declared type, who may fetch them', async () => {
  const ev = await report();
  assertError(await upload(ev.id, T.grid01, Buffer.from('GIF89a not a photo at all')), 422, 'unsupported_type');
  assertError(await upload(ev.id, T.grid01, Buffer.alloc(0)), 422, 'empty_file');
  assertError(await upload(ev.id, T.grid01, PNG, 'before', 'image/jpeg'), 422, 'unsupported_type');
  assertError(await upload(ev.id, T.grid01, PNG, 'sideways'), 422, 'invalid_value', 'kind');
  assertError(await upload(ev.id, T.grid01, Buffer.concat([PNG, Buffer.alloc(3 << 20)])), 413, 'too_large');
  assertError(await upload(ev.id, T.grid02, PNG), 404, 'not_found');
  const up = await upload(ev.id, T.grid01, PNG, 'before', 'image/png');
  assertStatus(up, 201);
  assert.equal(up.body.content_type, 'image/png');
  const r = await fetch(srv.url + up.body.url, { headers: { authorization: `Bearer ${T.grid01}` } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), PNG);
  assertError(await api(up.body.url, { token: T.grid02 }), 404, 'not_found');
  assertError(await api(up.body.url, { token: T.xihe }), 404, 'not_found');
  assertStatus(await api(up.body.url, { token: T.xinhua }), 200);
  assertError(await api(up.body.url), 401);
});

test('area: another grid\'s member and another township see 404; members report only in their own grid', async () => {
  const ev = await report();
  for (const t of [T.grid02, T.xihe]) {
    assertError(await api(`${G}/events/${ev.id}`, { token: t }), 404, 'not_found');
    assertError(await act(ev.id, t, { action: 'file' }), 404, 'not_found');
    const l = await api(`${G}/events?per_page=200`, { token: t });
    assertStatus(l, 200);
    assert.ok(!l.body.items.some((i) => i.id === ev.id));
  }
  const other = await report(T.grid02, { address: '东瓦房村3组' });
  assert.equal(other.grid.name, '韩家店镇东瓦房村第一网格');
  assert.equal(other.post.name, '东瓦房村');
  assertError(await api(`${G}/events/${other.id}`, { token: T.xinhua }), 404, 'not_found');
  assertError(await api(`${G}/events/${other.id}`, { token: T.grid01 }), 404, 'not_found');
  assertStatus(await api(`${G}/events/${other.id}`, { token: T.leader }), 200);
  // Only grid members report; bad input is a clear 4xx.
  assertError(await api(`${G}/events`, { method: 'POST', token: T.xinhua, body: { category: 'E0101', description: 'x' } }), 403);
  assertError(await api(`${G}/events`, { method: 'POST', token: T.grid01, body: { description: 'x' } }), 422, 'missing_field', 'category');
  assertError(await api(`${G}/events`, { method: 'POST', token: T.grid01, body: { category: 'NOPE', description: 'x' } }), 422, 'invalid_category', 'category');
  // The category by its name, as an outside client reads it off the tree: the same class
  // as by its code; the id works too.
  const byName = await api(`${G}/events`, { method: 'POST', token: T.grid01, body: { category: '井盖', description: '井盖缺失，夜间危险。' } });
  assertStatus(byName, 201);
  const manhole = (await api(`${G}/categories`, { token: T.grid01 })).body.items.flatMap((k) => [k, ...(k.children || [])]).find((k) => k.code === 'C0101');
  assert.equal(manhole.name, '井盖');
  const byId = await api(`${G}/events`, { method: 'POST', token: T.grid01, body: { category: manhole.id, description: '另一处井盖松动。' } });
  assertStatus(byId, 201);
  assert.equal(byName.body.category.id, manhole.id);
  assert.equal(byId.body.category.id, manhole.id);
  assertError(await api(`${G}/events`, { method: 'POST', token: T.grid01, body: { category: 'E0101' } }), 422, 'missing_field', 'description');
  assertError(await api(`${G}/events`, { method: 'POST', token: T.grid01, body: { category: 'E0101', description: 'x', lat: 91, lon: 1 } }), 422, 'out_of_range', 'lat');
  assertError(await api(`${G}/events`, { method: 'POST', token: T.grid01, body: { category: 'E0101', description: 'x', lat: '4' , lon: 1 } }), 400, 'invalid_type', 'lat');
  // Leaders urge; members do not.
  const u = await step(ev.id, T.leader, { action: 'urge', note: '请尽快处理' });
  assert.equal(u.timeline.at(-1).action, 'urge');
  assertError(await act(ev.id, T.grid01b, { action: 'urge', note: 'x' }), 403, 'forbidden');
  assertError(await act(ev.id, T.xinhua, { action: 'fly' }), 422, 'invalid_action');
});

test('dispatch targets: the station\'s own units first, then departments; never grids', async () => {
  const r = await api(`${G}/dispatch-units?q=${encodeURIComponent('住房')}`, { token: T.xinhua });
  assertStatus(r, 200);
  assert.ok(r.body.items.some((u) => u.name === '阜新市住房和城乡建设局'));
  const all = await api(`${G}/dispatch-units`, { token: T.xinhua });
  assert.equal(all.body.items[0].name, '新华社区');
  assert.ok(all.body.items.every((u) => u.kind !== 'grid'));
  assertError(await api(`${G}/dispatch-units`, { token: T.grid01 }), 403);
});

test('the to-do: the member files, the station dispatches and verifies', async () => {
  const ev = await report();
  let t = await api(`${G}/tasks`, { token: T.grid01 });
  assertStatus(t, 200);
  assert.equal(t.body.items.find((i) => i.id === ev.id)?.task, 'file');
  await step(ev.id, T.grid01, { action: 'file' });
  t = await api(`${G}/tasks`, { token: T.xinhua });
  assert.equal(t.body.items.find((i) => i.id === ev.id)?.task, 'dispatch');
  await step(ev.id, T.xinhua, { action: 'dispatch', unit_id: U['阜新市住房和城乡建设局'].id });
  t = await api(`${G}/tasks`, { token: T.zhujian });
  assert.equal(t.body.items.find((i) => i.id === ev.id)?.task, 'reply');
  await step(ev.id, T.zhujian, { action: 'reply', content: '已处理' });
  t = await api(`${G}/tasks`, { token: T.xinhua });
  assert.equal(t.body.items.find((i) => i.id === ev.id)?.task, 'verify');
  t = await api(`${G}/tasks`, { token: T.grid01 });
  assert.ok(!t.body.items.some((i) => i.id === ev.id), 'the reporter has nothing to verify');
  t = await api(`${G}/tasks`, { token: T.grid01b });
  assert.equal(t.body.items.find((i) => i.id === ev.id)?.task, 'verify');
  assertError(await api(`${G}/tasks`, { token: T.leader }), 403);
});

test('categories: the seeded tree, admins edit it, an inactive one cannot be reported', async () => {
  const r = await api(`${G}/categories`, { token: T.grid01 });
  assertStatus(r, 200);
  const names = r.body.items.map((c) => c.name);
  for (const n of ['市容环境', '宣传广告', '施工管理', '突发事件', '街面秩序', '其他']) assert.ok(names.includes(n), n);
  const pub = r.body.items.find((c) => c.name === '公用设施');
  assert.equal(pub.kind, 'component');
  assert.deepEqual(pub.children.map((c) => c.name), ['井盖', '消防栓', '路灯']);
  assert.ok(pub.children[0].limits.handle_minutes > 0);
  const body = { parent_id: pub.id, code: 'C0199', name: '通信井盖', handle_minutes: 540 };
  assertError(await api(`${G}/categories`, { method: 'POST', token: T.xinhua, body }), 403);
  const c = await api(`${G}/categories`, { method: 'POST', token: T.admin, body });
  assertStatus(c, 201);
  assert.equal(c.body.kind, 'component');
  assert.equal(c.body.limits.handle_minutes, 540);
  assertError(await api(`${G}/categories`, { method: 'POST', token: T.admin, body }), 409, 'duplicate');
  assertError(await api(`${G}/categories`, { method: 'POST', token: T.admin, body: { code: 'X1', name: 'x', kind: 'thing' } }), 422, 'invalid_value', 'kind');
  assertError(await api(`${G}/categories`, { method: 'POST', token: T.admin, body: { code: 'X2', name: 'x', parent_id: c.body.id } }), 422, 'invalid_parent', 'parent_id');
  const ev = await report(T.grid01, { category: c.body.id });
  assert.equal(ev.category.name, '通信井盖');
  const p = await api(`${G}/categories/${c.body.id}`, { method: 'PATCH', token: T.admin, body: { active: false, name: '通信井盖（停用）' } });
  assertStatus(p, 200);
  assert.equal(p.body.active, false);
  assertError(await api(`${G}/categories/${c.body.id}`, { method: 'PATCH', token: T.admin, body: { verify_minutes: 0 } }), 422, 'out_of_range', 'verify_minutes');
  assertError(await api(`${G}/events`, { method: 'POST', token: T.grid01, body: { category: 'C0199', description: 'x' } }), 422, 'invalid_category');
  const all = await api(`${G}/categories?all=1`, { token: T.admin });
  assert.ok(all.body.items.find((x) => x.id === pub.id).children.some((x) => x.code === 'C0199'));
  const act = await api(`${G}/categories`, { token: T.admin });
  assert.ok(!act.body.items.find((x) => x.id === pub.id).children.some((x) => x.code === 'C0199'));
});

test('the scheduler urges an overdue step (the demo\'s year of events) and the demo holds every light', async () => {
  const id = Number(sql(srv.db.url, `SELECT MIN(t.case_id) FROM case_timeline t JOIN cases c ON c.id = t.case_id
    WHERE c.kind = 'grid_event' AND t.action = 'urge' AND t.actor = 'scheduler'`).trim());
  assert.ok(id > 0, 'an event the scheduler urged');
  const ev = await get(id, T.leader);
  const urge = ev.timeline.find((t) => t.action === 'urge');
  assert.match(urge.note, /系统自动督办/);
  assert.match(urge.data.due_at, ISO);
  for (const light of ['green', 'yellow', 'red']) {
    const r = await api(`${G}/events?light=${light}&per_page=1`, { token: T.leader });
    assertStatus(r, 200);
    assert.ok(r.body.total >= 1, `the demo has a ${light} event`);
  }
  const counts = sql(srv.db.url, `SELECT SUM(g.on_spot), SUM(CASE WHEN g.rework_count > 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN g.escalation_count > 0 THEN 1 ELSE 0 END), SUM(1 - g.valid), COUNT(*) FROM grid_events g`).trim().split('|').map(Number);
  assert.ok(counts.every((n) => n > 0), `on the spot, reworked, escalated, invalid, all: ${counts}`);
});

// Each step's due time rides on cases.sign_due_at; the engine asks the machine which
// step it is, so the urge names the late step instead of the engine's 签收.
test('the scheduler\'s urge names the late step: 处置超时 for the handling unit, 派遣超时 for the station', async () => {
  const handling = await report();
  await step(handling.id, T.grid01, { action: 'file' });
  await step(handling.id, T.xinhua, { action: 'dispatch', unit_id: U['阜新市住房和城乡建设局'].id });
  const dispatching = await report();
  await step(dispatching.id, T.grid01, { action: 'file' });
  const past = Date.now() - 3600e3;
  for (const id of [handling.id, dispatching.id]) {
    sql(srv.db.url, `UPDATE grid_events SET step_warn_at = ${past - 600e3}, step_due_at = ${past} WHERE case_id = ${id}`);
    sql(srv.db.url, `UPDATE cases SET sign_due_at = ${past} WHERE id = ${id}`);
  }
  // The scheduler's first pass runs when the server starts.
  await stopClean(srv, { keepDb: true });
  restartedDb = srv.db;
  srv = await startServer({ db: restartedDb });
  api = client(srv.url);
  const zhujian = await login(api, 'zhujian'), xinhua = await login(api, 'xinhua'), leader = await login(api, 'leader');
  const urgeOf = async (id) => {
    for (let i = 0; i < 100; i++) {
      const ev = await get(id, leader);
      const u = ev.timeline.find((t) => t.action === 'urge' && t.actor === 'scheduler');
      if (u) return u;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`no automatic urge on ${id}`);
  };
  const u1 = await urgeOf(handling.id);
  assert.equal(u1.note, '超过处置时限，系统自动督办');
  assert.equal(u1.data.deadline, 'sign');
  const u2 = await urgeOf(dispatching.id);
  assert.equal(u2.note, '超过派遣时限，系统自动督办');
  const inbox = async (token, id) => (await api('/api/v1/notifications?per_page=200', { token })).body.items
    .filter((n) => n.case && n.case.id === id);
  const told = await inbox(zhujian, handling.id);
  assert.ok(told.some((n) => n.kind === 'overdue' && n.title === '处置超时'), JSON.stringify(told));
  assert.ok(told.every((n) => !/签收/.test(n.title + n.body)), 'nothing says 签收');
  const station = await inbox(xinhua, dispatching.id);
  assert.ok(station.some((n) => n.kind === 'overdue' && n.title === '派遣超时'), JSON.stringify(station));
  // Appeals keep the engine's own words.
  const appealUrge = sql(srv.db.url, `SELECT COUNT(*) FROM case_timeline t JOIN cases c ON c.id = t.case_id
    WHERE c.kind = 'appeal' AND t.action = 'urge' AND t.actor = 'scheduler' AND t.note LIKE '%处置%'`).trim();
  assert.equal(Number(appealUrge), 0);
});
