// Who sees which appeal (docs/api-appeals.md "Reading": the area of an appeal is its
// region and its handling unit) and how personal data is masked ("The appeal object").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, stopClean, uniqueMarker, freshPhone, maskedPhone, createUserApproved } from '../lib/api-helpers.mjs';

const HAIZHOU = '210902';
const XIHE = '210911';
const ZHANQIAN = '210902006000';
// The demo holds appeals of its own: every appeal of this file carries the marker M in its
// content, and lists are read narrowed to q=M (one page then holds them all).
const M = uniqueMarker('SC');
let PHONE; // a number no other appeal has (phone= finds only this file's)
let MASKED;

let srv, api;
const T = {};
const U = {};
const A = {}; // appeals by name

const get = (id, user) => api(`/api/v1/appeals/${id}`, { token: T[user] });
async function listIds(user, query = '') {
  const r = await api(`/api/v1/appeals?per_page=200&q=${M}${query}`, { token: T[user] });
  assertStatus(r, 200);
  assert.equal(r.body.total, r.body.items.length, 'one page holds them all');
  return { ids: new Set(r.body.items.map((x) => x.id)), items: r.body.items };
}

async function intake(body) {
  const r = await api('/api/v1/appeals', { method: 'POST', token: T.agent, body: { ...body, content: `${body.content} ${M}` } });
  assertStatus(r, 201);
  return r.body;
}
async function dispatch(a, unit) {
  const r = await api(`/api/v1/appeals/${a.id}/actions`, { method: 'POST', token: T.agent, body: { action: 'dispatch', unit_id: unit.id } });
  assertStatus(r, 200);
  return r.body;
}

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  const users = ['agent', 'zhujian', 'zhanqian', 'haizhou', 'xihe', 'leader'];
  const tokens = await Promise.all(users.map((u) => login(api, u)));
  users.forEach((u, i) => { T[u] = tokens[i]; });
  U.zhujian = await unitByName(api, T.agent, '阜新市住房和城乡建设局');
  U.hzZhujian = await unitByName(api, T.agent, '海州区住房和城乡建设局');
  U.haizhou = await unitByName(api, T.agent, '海州区');
  U.xiheCg = await unitByName(api, T.agent, '细河区城市管理局');
  for (const u of Object.values(U)) assert.ok(u);
  PHONE = await freshPhone(api, T.agent, '138');
  MASKED = maskedPhone(PHONE);
  // Located in 海州区, handled by the city 住建局.
  A.hzByCity = await dispatch(await intake({ content: '海州区小区暖气不热', region_code: HAIZHOU, category_id: 1, contact_name: '张先生', contact_phone: PHONE }), U.zhujian);
  // Located at the city level, handled by a unit inside 海州区.
  A.cityByHz = await dispatch(await intake({ content: '全市范围的房屋问题由海州区住建局承办', contact_phone: '13900001111' }), U.hzZhujian);
  // Located in 细河区, handled by the city 住建局.
  A.xiheByCity = await dispatch(await intake({ content: '细河区小区暖气漏水', region_code: XIHE, contact_phone: '13900002222' }), U.zhujian);
  // Located in 细河区, handled by a unit of 细河区.
  A.xiheByXihe = await dispatch(await intake({ content: '细河区垃圾清运不及时', region_code: XIHE, contact_phone: '13900003333' }), U.xiheCg);
  // Located in 站前街道, not yet dispatched.
  A.zqIntake = await intake({ content: '站前街道某路段路灯不亮', region_code: ZHANQIAN, contact_phone: '13900004444' });
  // Located at the city level, not yet dispatched.
  A.cityIntake = await intake({ content: '市级未派发诉求', contact_phone: '13900005555' });
  // Anonymous, located in 海州区, handled by the city 住建局.
  A.anon = await dispatch(await intake({ content: '匿名反映供热公司乱收费', region_code: HAIZHOU, anonymous: true, contact_name: '李女士', contact_phone: '13987654321' }), U.zhujian);
});
after(async () => { await stopClean(srv); });

describe('scope', () => {
  test('haizhou sees appeals located in 海州区 and appeals handled by units in 海州区', async () => {
    assertStatus(await get(A.hzByCity.id, 'haizhou'), 200);
    assertStatus(await get(A.cityByHz.id, 'haizhou'), 200);
    assertStatus(await get(A.zqIntake.id, 'haizhou'), 200);
    const { ids } = await listIds('haizhou');
    for (const k of ['hzByCity', 'cityByHz', 'zqIntake', 'anon']) assert.ok(ids.has(A[k].id), `${k} listed for haizhou`);
  });

  test('haizhou does not see appeals located elsewhere and handled elsewhere (404, not listed)', async () => {
    for (const k of ['xiheByCity', 'xiheByXihe', 'cityIntake']) {
      assertError(await get(A[k].id, 'haizhou'), 404);
    }
    const { ids } = await listIds('haizhou');
    for (const k of ['xiheByCity', 'xiheByXihe', 'cityIntake']) assert.ok(!ids.has(A[k].id), `${k} not listed for haizhou`);
  });

  test('xihe does not see an appeal located in 海州区 handled by 住建局 (404, not in lists); it sees its own area\'s', async () => {
    assertError(await get(A.hzByCity.id, 'xihe'), 404);
    assertError(await get(A.cityByHz.id, 'xihe'), 404);
    assertStatus(await get(A.xiheByCity.id, 'xihe'), 200);
    assertStatus(await get(A.xiheByXihe.id, 'xihe'), 200);
    const { ids } = await listIds('xihe');
    assert.ok(!ids.has(A.hzByCity.id));
    assert.ok(!ids.has(A.cityByHz.id));
    assert.ok(!ids.has(A.anon.id));
    assert.ok(ids.has(A.xiheByCity.id));
    assert.ok(ids.has(A.xiheByXihe.id));
    // A search by its number does not reveal it either.
    const q = await api(`/api/v1/appeals?q=${A.hzByCity.number}`, { token: T.xihe });
    assertStatus(q, 200);
    assert.ok(!q.body.items.some((x) => x.id === A.hzByCity.id));
  });

  test('zhujian sees only appeals dispatched to it', async () => {
    for (const k of ['hzByCity', 'xiheByCity', 'anon']) assertStatus(await get(A[k].id, 'zhujian'), 200);
    for (const k of ['cityByHz', 'xiheByXihe', 'zqIntake', 'cityIntake']) assertError(await get(A[k].id, 'zhujian'), 404);
    const { ids, items } = await listIds('zhujian');
    assert.deepEqual([...ids].sort((a, b) => a - b), [A.hzByCity.id, A.xiheByCity.id, A.anon.id].sort((a, b) => a - b));
    for (const it of items) assert.equal(it.handler && it.handler.id, U.zhujian.id);
  });

  test('zhanqian sees appeals located in 站前街道, not those located in 海州区 at large', async () => {
    assertStatus(await get(A.zqIntake.id, 'zhanqian'), 200);
    assertError(await get(A.hzByCity.id, 'zhanqian'), 404);
    assertError(await get(A.cityByHz.id, 'zhanqian'), 404);
    const { ids } = await listIds('zhanqian');
    assert.deepEqual([...ids], [A.zqIntake.id]);
  });

  test('the agent and the leader (whole city) see every appeal', async () => {
    for (const user of ['agent', 'leader']) {
      const { ids } = await listIds(user);
      for (const a of Object.values(A)) assert.ok(ids.has(a.id), `${a.number} listed for ${user}`);
    }
  });

  test('unit_id filters by handling unit within the area; outside the area it adds nothing', async () => {
    const { ids } = await listIds('haizhou', `&unit_id=${U.hzZhujian.id}`);
    assert.deepEqual([...ids], [A.cityByHz.id]);
    const sub = await listIds('haizhou', `&unit_id=${U.haizhou.id}`);
    assert.deepEqual([...sub.ids], [A.cityByHz.id], 'unit_id covers the unit\'s subtree');
    const x = await listIds('xihe', `&unit_id=${U.zhujian.id}`);
    assert.deepEqual([...x.ids], [A.xiheByCity.id], 'xihe sees only what its area holds');
  });
});

describe('an agent placed in a district', () => {
  test('sees and acts on the appeals of that district only', async () => {
    const admin = await login(api, 'admin');
    const xihe = await unitByName(api, admin, '细河区');
    // An agent takes a second admin's approval.
    await createUserApproved(srv, api, admin,
      { username: 'xiheagent', display_name: '细河区话务员', password: 'Xihe-agent-pw-1', unit_id: xihe.id, roles: ['agent'] });
    T.xiheagent = await login(api, 'xiheagent', 'Xihe-agent-pw-1');
    assertError(await get(A.hzByCity.id, 'xiheagent'), 404);
    assertError(await get(A.cityIntake.id, 'xiheagent'), 404);
    const r = await get(A.xiheByXihe.id, 'xiheagent');
    assertStatus(r, 200);
    assert.equal(r.body.contact_phone, '13900003333', 'an agent sees the phone in full');
    assert.ok(r.body.allowed_actions.includes('urge'));
    const { ids } = await listIds('xiheagent');
    assert.ok(ids.has(A.xiheByXihe.id) && ids.has(A.xiheByCity.id));
    assert.ok(!ids.has(A.hzByCity.id) && !ids.has(A.cityIntake.id) && !ids.has(A.anon.id));
    // The phone history covers the agent's area only.
    const p = await api(`/api/v1/appeals?phone=${PHONE}`, { token: T.xiheagent });
    assertStatus(p, 200);
    assert.equal(p.body.total, 0);
    assertError(await api(`/api/v1/appeals/${A.hzByCity.id}/actions`, { method: 'POST', token: T.xiheagent, body: { action: 'urge', note: '越权督办' } }), 404);
  });
});

describe('masking of personal data', () => {
  test('the agent and the handling unit\'s staff see the full phone; leader and haizhou see 138****5678', async () => {
    for (const user of ['agent', 'zhujian']) {
      const r = await get(A.hzByCity.id, user);
      assertStatus(r, 200);
      assert.equal(r.body.contact_phone, PHONE, `${user} sees the full phone`);
      assert.equal(r.body.contact_name, '张先生');
    }
    for (const user of ['leader', 'haizhou']) {
      const r = await get(A.hzByCity.id, user);
      assertStatus(r, 200);
      assert.equal(r.body.contact_phone, MASKED, `${user} sees the masked phone`);
      assert.ok(!r.text.includes(PHONE), `the full phone appears nowhere in ${user}'s answer`);
    }
  });

  test('list items are masked the same way', async () => {
    const pick = async (user) => (await listIds(user)).items.find((x) => x.id === A.hzByCity.id);
    assert.equal((await pick('agent')).contact_phone, PHONE);
    assert.equal((await pick('zhujian')).contact_phone, PHONE);
    assert.equal((await pick('leader')).contact_phone, MASKED);
    assert.equal((await pick('haizhou')).contact_phone, MASKED);
    const r = await api(`/api/v1/appeals?per_page=200&q=${M}`, { token: T.leader });
    assertStatus(r, 200);
    assert.ok(r.body.items.some((x) => x.id === A.hzByCity.id), 'the leader\'s list holds the appeal');
    assert.ok(!r.text.includes(PHONE), 'the full phone appears nowhere in the leader\'s list');
  });

  test('an anonymous appeal shows contact_name and contact_phone null to the handling unit and to others, in full to the agent', async () => {
    const ag = await get(A.anon.id, 'agent');
    assert.equal(ag.body.anonymous, true);
    assert.equal(ag.body.contact_name, '李女士');
    assert.equal(ag.body.contact_phone, '13987654321');
    for (const user of ['zhujian', 'leader', 'haizhou']) {
      const r = await get(A.anon.id, user);
      assertStatus(r, 200);
      assert.equal(r.body.anonymous, true);
      assert.equal(r.body.contact_name, null, `${user}: no name`);
      assert.equal(r.body.contact_phone, null, `${user}: no phone`);
      assert.ok(!r.text.includes('13987654321') && !r.text.includes('李女士'), `${user}: the identity appears nowhere`);
      const it = (await listIds(user)).items.find((x) => x.id === A.anon.id);
      assert.equal(it.contact_name, null);
      assert.equal(it.contact_phone, null);
    }
  });

  test('once the appeal is returned, the former handling unit\'s staff no longer read the phone at all', async () => {
    const a = await dispatch(await intake({ content: '退回后隐私测试', region_code: HAIZHOU, contact_phone: '13811112222' }), U.zhujian);
    assert.equal((await get(a.id, 'zhujian')).body.contact_phone, '13811112222');
    await api(`/api/v1/appeals/${a.id}/actions`, { method: 'POST', token: T.zhujian, body: { action: 'return', reason: '非本单位职责' } });
    assertError(await get(a.id, 'zhujian'), 404);
    assert.equal((await get(a.id, 'haizhou')).body.contact_phone, '138****2222');
  });
});

describe('roles without business with appeals', () => {
  // A deputy (city congress), the 海州区 mediator and a grid member under 站前街道 each hold
  // an area that covers some appeals; none of them handles appeals, so none reads them.
  test('a deputy, a mediator and a grid member are refused (403) on the appeal, the list and the actions', async () => {
    const a = await intake({ content: '站前街道某小区暖气不热', region_code: ZHANQIAN, contact_name: '王先生', contact_phone: '13822223333' });
    for (const user of ['deputy01', 'mediator', 'grid01']) {
      const token = await login(api, user);
      const one = await api(`/api/v1/appeals/${a.id}`, { token });
      assertError(one, 403, 'forbidden');
      assert.ok(!one.text.includes('王先生') && !one.text.includes('暖气不热'), `${user}: nothing of the appeal`);
      assertError(await api(`/api/v1/appeals?q=${M}`, { token }), 403, 'forbidden');
      assertError(await api(`/api/v1/appeals/${a.id}/actions`, { method: 'POST', token, body: { action: 'urge', note: '请尽快' } }), 403, 'forbidden');
      assertError(await api('/api/v1/stats/appeals', { token }), 403, 'forbidden');
    }
  });
});
