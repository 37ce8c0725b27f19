// Appeal intake (docs/api-appeals.md "Intake", "Suggestions, duplicates, history";
// CONTRACT.md "Appeals"): by an agent, by a citizen without login, validation, the
// citizen rate limit, numbering, duplicates and the suggested handling unit.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, stopClean, uniqueMarker, createUserApproved } from '../lib/api-helpers.mjs';

const NUMBER = /^FX(\d{8})(\d{6})$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;

// Today's date in China (UTC+8) as YYYYMMDD.
function chinaDate(ms = Date.now()) {
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10).replace(/-/g, '');
}

describe('appeal intake', () => {
  let srv, api, agent, zhujian, leader;
  const post = (body, token) => api('/api/v1/appeals', { method: 'POST', token, body });

  before(async () => {
    // Citizens' submissions are limited per address; this server allows plenty so the
    // validation tests below are not cut short (the limit has its own server further down).
    srv = await startServer({ args: ['--citizen-rate', '1000'] });
    api = client(srv.url);
    [agent, zhujian, leader] = await Promise.all([login(api, 'agent'), login(api, 'zhujian'), login(api, 'leader')]);
  });
  after(async () => { await stopClean(srv); });

  test('an agent takes in an appeal: 201, status intake, number FX + China date + 6 digits, defaults filled', async () => {
    const before = chinaDate();
    const content = '小区从上周开始供暖不热，室温只有十五度，家里有老人孩子，请尽快处理一下这个问题谢谢';
    const r = await post({ content, channel: '8890', contact_name: '张先生', contact_phone: '13812345678' }, agent);
    const after = chinaDate();
    assertStatus(r, 201);
    const a = r.body;
    assert.equal(typeof a.id, 'number');
    assert.equal(a.status, 'intake');
    assert.equal(a.kind, 'appeal');
    const m = NUMBER.exec(a.number);
    assert.ok(m, `number ${a.number} is FX + 8 digits + 6 digits`);
    assert.ok(m[1] === before || m[1] === after, `number date ${m[1]} is today's China date ${after}`);
    assert.equal(m[1], a.created_at.slice(0, 10).replace(/-/g, ''), 'the date of created_at (+08:00)');
    assert.match(a.created_at, ISO);
    assert.equal(a.content, content);
    assert.equal(a.type, 'complaint', 'type defaults to complaint');
    assert.equal(a.channel, '8890');
    assert.equal(a.title, [...content].slice(0, 30).join(''), 'title defaults to the first 30 characters of content');
    assert.equal(a.contact_phone, '13812345678', 'the agent sees the phone in full');
    assert.equal(a.contact_name, '张先生');
    assert.equal(a.handler, null);
    assert.equal(a.dispatched_at, null);
    assert.equal(a.sign_due_at, null);
    assert.equal(a.finish_due_at, null);
    assert.equal(a.urgent, false);
    assert.equal(a.anonymous, false);
    assert.equal(a.reopen_count, 0);
    assert.equal(a.return_count, 0);
    assert.equal(a.urge_count, 0);
    // The intake answer is the appeal as lists show it: no timeline, suggestion or duplicates.
    for (const k of ['timeline', 'suggested_unit', 'duplicates']) assert.ok(!(k in a), `no ${k} in the intake answer`);
    assert.ok(a.intake_unit && a.intake_unit.name === '阜新市8890便民服务中心', `intake unit is the hotline centre (got ${JSON.stringify(a.intake_unit)})`);
    // It can be read back.
    const g = await api(`/api/v1/appeals/${a.id}`, { token: agent });
    assertStatus(g, 200);
    assert.equal(g.body.number, a.number);
  });

  test('the agent keeps every field given: title, type, channel, category, address, coordinates, region, urgent', async () => {
    const r = await post({
      content: '解放路与中华路交口井盖缺失，存在安全隐患', title: '井盖缺失', type: 'report', channel: '12345',
      category_id: 10, address: '海州区解放路与中华路交口', lat: 42.0115, lon: 121.6608, region_code: '210902006000', urgent: true,
    }, agent);
    assertStatus(r, 201);
    const a = r.body;
    assert.equal(a.title, '井盖缺失');
    assert.equal(a.type, 'report');
    assert.equal(a.channel, '12345');
    assert.equal(a.category.id, 10);
    assert.equal(a.category.code, 'roads');
    assert.equal(a.address, '海州区解放路与中华路交口');
    assert.ok(Math.abs(a.lat - 42.0115) < 1e-9 && Math.abs(a.lon - 121.6608) < 1e-9);
    assert.equal(a.region_code, '210902006000');
    assert.equal(a.region.name, '站前街道');
    assert.equal(a.urgent, true);
  });

  test('numbers of successive intakes increase', async () => {
    const numbers = [];
    for (let i = 0; i < 3; i++) {
      const r = await post({ content: `编号递增测试${i}` }, agent);
      assertStatus(r, 201);
      numbers.push(r.body.number);
    }
    for (let i = 1; i < numbers.length; i++) {
      assert.ok(numbers[i] > numbers[i - 1], `${numbers[i]} > ${numbers[i - 1]}`);
      assert.ok(Number(numbers[i].slice(-6)) > Number(numbers[i - 1].slice(-6)));
    }
  });

  test('a citizen without a token files an appeal: 201, status intake, a number; channel defaults to web', async () => {
    const r = await post({ content: '我家门口路灯坏了一个月了', contact_phone: '13700001111' });
    assertStatus(r, 201);
    assert.equal(r.body.status, 'intake');
    assert.match(r.body.number, NUMBER);
    assert.equal(r.body.content, '我家门口路灯坏了一个月了');
    assert.deepEqual(Object.keys(r.body).sort(), ['content', 'id', 'number', 'status'], 'a citizen gets {id, number, status, content} only');
    // The agent sees it with channel web.
    const g = await api(`/api/v1/appeals/${r.body.id}`, { token: agent });
    assertStatus(g, 200);
    assert.equal(g.body.channel, 'web');
    assert.equal(g.body.status, 'intake');
    assert.equal(g.body.contact_phone, '13700001111');
    const app = await post({ content: '手机客户端提交的诉求', channel: 'app', contact_phone: '13700001112' });
    assertStatus(app, 201);
  });

  test('a citizen may only use channel web or app (422), and must give a phone (422)', async () => {
    for (const channel of ['8890', '12345', 'grid', 'housing']) {
      assertError(await post({ content: '渠道测试', channel, contact_phone: '13700001111' }), 422, undefined, 'channel');
    }
    assertError(await post({ content: '没有留电话' }), 422, undefined, 'contact_phone');
    assertError(await post({ content: '电话为空', contact_phone: '' }), 422, undefined, 'contact_phone');
  });

  test('content is required (422 with field) and at most 4000 characters (422)', async () => {
    assertError(await post({ channel: '8890' }, agent), 422, undefined, 'content');
    assertError(await post({ content: '' }, agent), 422, undefined, 'content');
    assertError(await post({ content: '   ' }, agent), 422, undefined, 'content');
    assertError(await post({ contact_phone: '13700001111' }), 422, undefined, 'content');
    assertStatus(await post({ content: '长'.repeat(4000) }, agent), 201);
    assertError(await post({ content: '长'.repeat(4001) }, agent), 422, undefined, 'content');
    assertError(await post({ content: '标题过长', title: '题'.repeat(101) }, agent), 422, undefined, 'title');
    assertError(await post({ content: '地址过长', address: '址'.repeat(201) }, agent), 422, undefined, 'address');
    assertError(await post({ content: '姓名过长', contact_name: '名'.repeat(51) }, agent), 422, undefined, 'contact_name');
  });

  test('fields of the wrong JSON type are 400; a body that is not JSON is 400', async () => {
    assertError(await post({ content: 123 }, agent), 400, undefined, 'content');
    assertError(await post({ content: '类型', urgent: 'yes' }, agent), 400, undefined, 'urgent');
    assertError(await post({ content: '类型', category_id: '1' }, agent), 400, undefined, 'category_id');
    assertError(await post({ content: '类型', lat: '42.0', lon: 121.6 }, agent), 400, undefined, 'lat');
    assertError(await post({ content: '类型', contact_phone: 13812345678 }, agent), 400, undefined, 'contact_phone');
    assertError(await post({ content: '类型', anonymous: 1 }, agent), 400, undefined, 'anonymous');
    assertError(await api('/api/v1/appeals', { method: 'POST', token: agent, raw: '{"content": "坏的', headers: { 'content-type': 'application/json' } }), 400);
    assertError(await api('/api/v1/appeals', { method: 'POST', token: agent, raw: '[1,2]', headers: { 'content-type': 'application/json' } }), 400);
  });

  test('an invalid phone is 422; digits, spaces, + and - are accepted', async () => {
    for (const phone of ['abc', '138-abcd-5678', '138.1234.5678']) {
      assertError(await post({ content: '电话格式', contact_phone: phone }, agent), 422, undefined, 'contact_phone');
    }
    assertError(await post({ content: '电话过长', contact_phone: '1'.repeat(21) }, agent), 422, undefined, 'contact_phone');
    for (const phone of ['13812345678', '+86 138-1234-5678', '0418 2812345']) {
      assertStatus(await post({ content: '电话格式正确', contact_phone: phone }, agent), 201);
    }
  });

  test('lat without lon (or lon without lat) is 422', async () => {
    const r1 = await post({ content: '只有纬度', lat: 42.01 }, agent);
    assertError(r1, 422);
    assert.ok(['lat', 'lon'].includes(r1.body.error.field), `field names the coordinate (got ${r1.body.error.field})`);
    const r2 = await post({ content: '只有经度', lon: 121.66 }, agent);
    assertError(r2, 422);
    assert.ok(['lat', 'lon'].includes(r2.body.error.field), `field names the coordinate (got ${r2.body.error.field})`);
  });

  test('an unknown category is 422 (category_id); an unknown region_code is 422 (region_code)', async () => {
    assertError(await post({ content: '未知分类', category_id: 99999 }, agent), 422, undefined, 'category_id');
    assertError(await post({ content: '未知区划', region_code: '999999' }, agent), 422, undefined, 'region_code');
    assertError(await post({ content: '未知区划', region_code: '999999', contact_phone: '13700001111' }), 422, undefined, 'region_code');
  });

  test('an unknown type is 422 (type); an unknown channel from an agent is 422 (channel)', async () => {
    assertError(await post({ content: '未知类型', type: 'rant' }, agent), 422, undefined, 'type');
    assertError(await post({ content: '未知渠道', channel: 'fax' }, agent), 422, undefined, 'channel');
  });

  test('an empty channel or type is 422 with that field, not the default (null is absent)', async () => {
    for (const channel of ['', '   ']) {
      assertError(await post({ content: '空渠道', channel }, agent), 422, 'invalid_channel', 'channel');
      assertError(await post({ content: '空渠道', channel, contact_phone: '13700001111' }), 422, 'invalid_channel', 'channel');
    }
    for (const type of ['', '   ']) {
      assertError(await post({ content: '空类型', type }, agent), 422, 'invalid_type', 'type');
      assertError(await post({ content: '空类型', type, contact_phone: '13700001111' }), 422, 'invalid_type', 'type');
    }
    const r = await post({ content: '渠道和类型为 null', channel: null, type: null }, agent);
    assertStatus(r, 201);
    assert.equal(r.body.channel, '8890');
    assert.equal(r.body.type, 'complaint');
  });

  test('an agent files only appeals located in their area: region_id or region_code outside it is 422 with that field, nothing is created', async () => {
    const admin = await login(api, 'admin');
    const [xihe, haizhou, city, yulong] = await Promise.all(['细河区', '海州区', '阜新市', '玉龙街道'].map((n) => unitByName(api, admin, n)));
    // An agent takes a second admin's approval.
    await createUserApproved(srv, api, admin,
      { username: 'xiheintake', display_name: '细河区话务员', password: 'Xihe-intake-pw-1', unit_id: xihe.id, roles: ['agent'] });
    const xa = await login(api, 'xiheintake', 'Xihe-intake-pw-1');
    const M = uniqueMarker('AREA');
    const refused = [
      [{ region_id: haizhou.id }, 'region_id'],
      [{ region_id: city.id }, 'region_id'], // the city is above the agent's area
      [{ region_code: '210902006000' }, 'region_code'], // 站前街道, 海州区
      [{ region_code: '210902' }, 'region_code'],
    ];
    for (const [where, field] of refused) {
      const r = await post({ content: `区域越界 ${M}`, ...where }, xa);
      assertError(r, 422, 'invalid_region', field);
      assert.match(r.body.error.message, /管辖范围/);
    }
    // Inside the area, and by default the agent's own area.
    const own = await post({ content: `本区诉求 ${M}`, region_code: '210911' }, xa);
    assertStatus(own, 201);
    assert.equal(own.body.region.id, xihe.id);
    const town = await post({ content: `街道诉求 ${M}`, region_id: yulong.id }, xa);
    assertStatus(town, 201);
    assert.equal(town.body.region.id, yulong.id);
    const dflt = await post({ content: `默认区域 ${M}` }, xa);
    assertStatus(dflt, 201);
    assert.equal(dflt.body.region.id, xihe.id);
    // Only those three exist, as the city-wide agent sees.
    const all = await api(`/api/v1/appeals?q=${M}&per_page=200`, { token: agent });
    assertStatus(all, 200);
    assert.deepEqual(all.body.items.map((x) => x.id).sort((a, b) => a - b), [own.body.id, town.body.id, dflt.body.id].sort((a, b) => a - b));
    // The city-wide agent may still file anywhere in the city.
    assertStatus(await post({ content: `全市话务员 ${M}`, region_code: '210902006000' }, agent), 201);
  });

  test('a logged-in user who is not an agent cannot take in appeals (403)', async () => {
    assertError(await post({ content: '住建局工作人员代为受理', contact_phone: '13700001111' }, zhujian), 403, 'forbidden');
    assertError(await post({ content: '领导代为受理', contact_phone: '13700001111' }, leader), 403, 'forbidden');
  });

  test('the intake answer is the appeal exactly as GET then shows it, for every field it carries', async () => {
    // The answer is written from what intake knows, not read back: hold it against the read.
    const body = {
      content: '幸福小区3号楼楼道漏水，墙皮脱落', title: '楼道漏水', channel: '12345', type: 'report',
      category: 'heating', contact_name: '李女士', contact_phone: '13912340000', address: '细河区幸福小区3号楼',
      lat: 42.0217, lon: 121.6701, urgent: true, region_code: '210911',
    };
    const r = await post(body, agent);
    assertStatus(r, 201);
    const g = await api(`/api/v1/appeals/${r.body.id}`, { token: agent });
    assertStatus(g, 200);
    for (const k of ['timeline', 'suggested_unit', 'duplicates']) {
      assert.ok(k in g.body, `GET carries ${k}`);
      assert.ok(!(k in r.body), `the intake answer leaves out ${k}`);
      delete g.body[k];
    }
    assert.deepEqual(r.body, g.body);
    assert.equal(r.body.category.code, 'heating');
    assert.equal(r.body.region.name, '细河区');
    assert.equal(r.body.lat, 42.0217);
    assert.deepEqual(r.body.allowed_actions, ['dispatch', 'close', 'urge', 'merge']);
  });

  test('30 parallel intakes all get distinct numbers of today', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      post({ content: `并发受理测试第${i}件`, contact_phone: `1390000${String(i).padStart(4, '0')}` }, agent)));
    for (const r of results) assertStatus(r, 201);
    const numbers = results.map((r) => r.body.number);
    for (const n of numbers) assert.match(n, NUMBER);
    assert.equal(new Set(numbers).size, 30, `distinct numbers: ${numbers.join(' ')}`);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 30, 'distinct ids');
    for (let i = 0; i < 30; i++) assert.equal(results[i].body.content, `并发受理测试第${i}件`);
  });

  test('a second appeal with the same phone within 7 days lists the first in duplicates (reason phone) for the agent', async () => {
    const first = await post({ content: '楼道灯不亮，反映多次没人管', contact_phone: '13655554444' }, agent);
    assertStatus(first, 201);
    const other = await post({ content: '完全不同的事情，广场舞噪音扰民', contact_phone: '13655553333' }, agent);
    assertStatus(other, 201);
    const second = await post({ content: '再次反映：小区门口下水道堵塞', contact_phone: '13655554444' }, agent);
    assertStatus(second, 201);
    const g = await api(`/api/v1/appeals/${second.body.id}`, { token: agent });
    assertStatus(g, 200);
    assert.ok(Array.isArray(g.body.duplicates), 'duplicates is a list');
    const d = g.body.duplicates.find((x) => x.id === first.body.id);
    assert.ok(d, `the first appeal is listed (got ${JSON.stringify(g.body.duplicates)})`);
    assert.equal(d.reason, 'phone');
    assert.equal(d.number, first.body.number);
    assert.equal(d.status, 'intake');
    assert.match(d.created_at, ISO);
    assert.ok(!g.body.duplicates.some((x) => x.id === other.body.id), 'an appeal with another phone and text is not a duplicate');
    assert.ok(!g.body.duplicates.some((x) => x.id === second.body.id), 'not a duplicate of itself');
    // Duplicates are for agents only.
    const gl = await api(`/api/v1/appeals/${second.body.id}`, { token: leader });
    assertStatus(gl, 200);
    assert.ok(!gl.body.duplicates || gl.body.duplicates.length === 0, `no duplicates for a leader (got ${JSON.stringify(gl.body.duplicates)})`);
  });

  test('an appeal with near-identical text from another phone within 7 days is listed in duplicates (reason text)', async () => {
    const text = '幸福小区3号楼下水道堵塞污水外溢';
    const first = await post({ content: text, contact_phone: '13511110001' }, agent);
    assertStatus(first, 201);
    const second = await post({ content: text, contact_phone: '13511110002' }, agent);
    assertStatus(second, 201);
    const g = await api(`/api/v1/appeals/${second.body.id}`, { token: agent });
    assertStatus(g, 200);
    const d = g.body.duplicates.find((x) => x.id === first.body.id);
    assert.ok(d, `the first appeal is listed (got ${JSON.stringify(g.body.duplicates)})`);
    assert.equal(d.reason, 'text');
  });

  test('suggested_unit follows the routing rules: heating in 海州区 → the city 住建局, in 阜新蒙古族自治县 → its own 住建局', async () => {
    const cityZj = await unitByName(api, agent, '阜新市住房和城乡建设局');
    const fmZj = await unitByName(api, agent, '阜新蒙古族自治县住房和城乡建设局');
    assert.ok(cityZj && fmZj);
    const hz = await post({ content: '海州区某小区暖气不热', category_id: 1, region_code: '210902' }, agent);
    assertStatus(hz, 201);
    let g = await api(`/api/v1/appeals/${hz.body.id}`, { token: agent });
    assertStatus(g, 200);
    assert.deepEqual(g.body.suggested_unit && g.body.suggested_unit.id, cityZj.id, `got ${JSON.stringify(g.body.suggested_unit)}`);
    assert.equal(g.body.suggested_unit.name, '阜新市住房和城乡建设局');
    const fm = await post({ content: '县城小区暖气不热', category_id: 1, region_code: '210921' }, agent);
    assertStatus(fm, 201);
    g = await api(`/api/v1/appeals/${fm.body.id}`, { token: agent });
    assertStatus(g, 200);
    assert.equal(g.body.suggested_unit && g.body.suggested_unit.id, fmZj.id, `got ${JSON.stringify(g.body.suggested_unit)}`);
    assert.equal(g.body.suggested_unit.name, '阜新蒙古族自治县住房和城乡建设局');
    // A sub-category inherits its parent's rules; a town inside the county takes the
    // county's rule (the most specific region wins).
    const sub = await post({ content: '阜新镇某小区室温不达标', category_id: 2, region_code: '210921100000' }, agent);
    assertStatus(sub, 201);
    g = await api(`/api/v1/appeals/${sub.body.id}`, { token: agent });
    assert.equal(g.body.suggested_unit && g.body.suggested_unit.id, fmZj.id, `got ${JSON.stringify(g.body.suggested_unit)}`);
    const subHz = await post({ content: '站前街道某小区室温不达标', category_id: 2, region_code: '210902006000' }, agent);
    g = await api(`/api/v1/appeals/${subHz.body.id}`, { token: agent });
    assert.equal(g.body.suggested_unit && g.body.suggested_unit.id, cityZj.id, `got ${JSON.stringify(g.body.suggested_unit)}`);
    // Without a category there is nothing to suggest.
    const none = await post({ content: '没有分类的诉求', region_code: '210902' }, agent);
    g = await api(`/api/v1/appeals/${none.body.id}`, { token: agent });
    assert.equal(g.body.suggested_unit, null);
  });
});

describe('citizen rate limit', () => {
  let srv, api, agent;
  before(async () => {
    srv = await startServer({ args: ['--citizen-rate', '3'] });
    api = client(srv.url);
    agent = await login(api, 'agent');
  });
  after(async () => { await stopClean(srv); });

  test('past the limit a citizen gets 429 rate_limited; an agent with a token is not limited', async () => {
    const post = (body, token) => api('/api/v1/appeals', { method: 'POST', token, body });
    const accepted = uniqueMarker('RL');
    for (let i = 0; i < 3; i++) assertStatus(await post({ content: `限流测试${i} ${accepted}`, contact_phone: '13711112222' }), 201);
    const stored = await api(`/api/v1/appeals?q=${accepted}`, { token: agent });
    assertStatus(stored, 200);
    assert.equal(stored.body.total, 3, 'the accepted submissions are found by their word');
    // The refused submission carries a word nobody else wrote (the demo holds appeals too).
    const refused = uniqueMarker('RL');
    const r = await post({ content: `限流测试超出 ${refused}`, contact_phone: '13711112222' });
    assertError(r, 429, 'rate_limited');
    // Nothing was stored for the refused submission.
    const list = await api(`/api/v1/appeals?q=${refused}`, { token: agent });
    assertStatus(list, 200);
    assert.equal(list.body.total, 0);
    for (let i = 0; i < 3; i++) assertStatus(await post({ content: `话务员受理${i}` }, agent), 201);
  });

  test('the citizen lookup is rate limited like intake', async () => {
    let last;
    for (let i = 0; i < 4; i++) last = await api('/api/v1/public/appeals/FX20000101000001?phone=13711112222');
    assertError(last, 429, 'rate_limited');
  });
});
