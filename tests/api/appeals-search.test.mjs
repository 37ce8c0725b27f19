// Listing and searching appeals (docs/api-appeals.md "Reading"): full text with
// two-character Chinese words, and the filters status, channel, type, category_id,
// from/to, overdue, unit_id, phone, urgent and sort.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, stopClean, uniqueMarker, freshPhone } from '../lib/api-helpers.mjs';

// The demo holds thousands of appeals of its own. Every appeal of this file carries the
// marker M in its content, and every list below is narrowed to q=M (mq adds it to a
// query), so `exactly` can require the answer to be complete on one page.
const M = uniqueMarker('SE');
const mq = (query) => (query ? `${query}&q=${M}` : `q=${M}`);
// Several words in q must all match: q=<words> M narrows a word search to this file.
const mw = (words) => `q=${encodeURIComponent(`${words} ${M}`)}`;
let P1, P99; // phone numbers no demo appeal has: P1 is heat's and decoy's, P99 nobody's

let srv, api;
const T = {};
const S = {}; // the appeals of this file, by name
let zj, jt;
let cats;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function list(query, user = 'agent') {
  const r = await api(`/api/v1/appeals?per_page=200&${query}`, { token: T[user] });
  assertStatus(r, 200);
  assert.ok(Array.isArray(r.body.items));
  assert.equal(typeof r.body.total, 'number');
  return r.body;
}
const ids = (body) => body.items.map((x) => x.id);
async function intake(body) {
  const r = await api('/api/v1/appeals', { method: 'POST', token: T.agent, body: { ...body, content: `${body.content} ${M}` } });
  assertStatus(r, 201);
  await sleep(3); // distinct created_at for the from/to tests
  return r.body;
}
async function act(a, user, body) {
  const r = await api(`/api/v1/appeals/${a.id}/actions`, { method: 'POST', token: T[user], body });
  assertStatus(r, 200);
  return r.body;
}
// Checks that the answer holds exactly the appeals named (within this file's appeals).
function exactly(body, names, what) {
  const got = new Set(ids(body));
  for (const [k, a] of Object.entries(S)) {
    if (names.includes(k)) assert.ok(got.has(a.id), `${what}: ${k} (${a.content}) is found`);
    else assert.ok(!got.has(a.id), `${what}: ${k} (${a.content}) is not found`);
  }
  assert.equal(body.total, body.items.length);
}

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  const users = ['agent', 'zhujian', 'leader', 'haizhou'];
  const tokens = await Promise.all(users.map((u) => login(api, u)));
  users.forEach((u, i) => { T[u] = tokens[i]; });
  zj = await unitByName(api, T.agent, '阜新市住房和城乡建设局');
  jt = await unitByName(api, T.agent, '阜新市交通运输局');
  const c = await api('/api/v1/categories', { token: T.agent });
  assertStatus(c, 200);
  cats = Object.fromEntries(c.body.items.map((x) => [x.code, x.id]));
  P1 = await freshPhone(api, T.agent, '138');
  do P99 = await freshPhone(api, T.agent, '138'); while (P99 === P1);
  S.heat = await intake({ content: '小区供暖温度不达标，家里很冷', category_id: cats.heating, channel: '8890', type: 'complaint', contact_phone: P1, region_code: '210902006000' });
  S.leak = await intake({ content: '楼上卫生间漏水，渗到我家天花板', category_id: cats.property, channel: '12345', type: 'help', contact_phone: '13800000002' });
  S.fee = await intake({ content: '咨询供暖费缴纳的截止时间', category_id: cats.heating_fee, channel: 'web', type: 'inquiry', contact_phone: '13800000003' });
  S.road = await intake({ content: '道路坑洼严重影响出行', category_id: cats.roads, channel: '12345', type: 'report', contact_phone: '13800000004' });
  // 供 and 暖 both occur, but never side by side: not a match for 供暖.
  S.decoy = await intake({ content: '暖气片不热，但供水正常', channel: '8890', type: 'complaint', contact_phone: P1 });
  S.addr = await intake({ content: '深夜施工噪音扰民', address: '海州区解放路88号', channel: '8890', type: 'complaint', contact_phone: '13800000006' });
  S.urgent = await intake({ content: '燃气管道泄漏气味很大', urgent: true, channel: '8890', type: 'help', contact_phone: '13800000007' });
  // heat → 住建局, signed; road → 交通运输局; urgent → 住建局 (1 hour to sign).
  await act(S.heat, 'agent', { action: 'dispatch', unit_id: zj.id });
  S.heat = await act(S.heat, 'zhujian', { action: 'sign' });
  S.road = await act(S.road, 'agent', { action: 'dispatch', unit_id: jt.id });
  S.urgent = await act(S.urgent, 'agent', { action: 'dispatch', unit_id: zj.id });
  S.addr = await act(S.addr, 'agent', { action: 'close', note: '已解答' });
});
after(async () => { await stopClean(srv); });

describe('full-text search', () => {
  test('q=供暖 (two Chinese characters) finds the appeals whose text contains 供暖 and not others', async () => {
    const b = await list(mw('供暖'));
    exactly(b, ['heat', 'fee'], 'q=供暖');
    for (const it of b.items) assert.ok(`${it.title}${it.content}${it.address || ''}`.includes('供暖'));
    // Over all appeals (the demo's too): whatever q=供暖 finds contains 供暖.
    const all = await list(`q=${encodeURIComponent('供暖')}`);
    for (const it of all.items) assert.ok(`${it.title}${it.content}${it.address || ''}`.includes('供暖'), `${it.number} contains 供暖`);
  });

  test('q=漏水 finds the leaking-water appeal only', async () => {
    exactly(await list(mw('漏水')), ['leak'], 'q=漏水');
  });

  test('q finds words in the address', async () => {
    exactly(await list(mw('解放路')), ['addr'], 'q=解放路');
  });

  test('q with several words needs all of them', async () => {
    exactly(await list(mw('供暖 缴纳')), ['fee'], 'q=供暖 缴纳');
    exactly(await list(mw('供暖 漏水')), [], 'q=供暖 漏水');
  });

  test('q=<number> finds the appeal with that number', async () => {
    exactly(await list(`q=${S.road.number}`), ['road'], `q=${S.road.number}`);
  });

  test('q with only punctuation returns 0 items (200)', async () => {
    for (const q of ['，。！？', '!!!', '"', '*', '- + ( )', '"\'']) {
      const b = await list(`q=${encodeURIComponent(q)}`);
      assert.equal(b.total, 0, `q=${q}`);
      assert.deepEqual(b.items, []);
    }
  });

  test('a word nobody wrote finds nothing', async () => {
    // None of this file's appeals says 火箭; a fresh marker is a word nobody wrote at all.
    const b = await list(mw('火箭'));
    assert.equal(b.total, 0);
    assert.deepEqual(b.items, []);
    const n = await list(`q=${uniqueMarker('NOBODY')}`);
    assert.equal(n.total, 0);
    assert.deepEqual(n.items, []);
  });

  test('list items carry no timeline', async () => {
    const b = await list(mq(''));
    assert.equal(b.items.length, 7);
    for (const it of b.items) assert.ok(!('timeline' in it), 'no timeline in list items');
    const all = await list('');
    for (const it of all.items) assert.ok(!('timeline' in it), 'no timeline in list items');
  });
});

describe('filters', () => {
  test('status filters by one state or a comma list', async () => {
    exactly(await list(mq('status=intake')), ['leak', 'fee', 'decoy'], 'status=intake');
    exactly(await list(mq('status=dispatched,handling')), ['heat', 'road', 'urgent'], 'status=dispatched,handling');
    exactly(await list(mq('status=closed')), ['addr'], 'status=closed');
    const b = await list('status=dispatched');
    for (const it of b.items) assert.equal(it.status, 'dispatched');
  });

  test('a status list counts each state once and drops none, however often one repeats', async () => {
    const many = `${Array(25).fill('closed').join(',')},intake`;
    exactly(await list(mq(`status=${many}`)), ['leak', 'fee', 'decoy', 'addr'], 'closed ×25 then intake');
    const every = 'intake,dispatched,handling,replied,revisit,closed,merged';
    assert.equal((await list(mq(`status=${every},${every},${every}`))).total, (await list(mq(''))).total);
  });

  test('channel and type filter exactly', async () => {
    exactly(await list(mq('channel=12345')), ['leak', 'road'], 'channel=12345');
    exactly(await list(mq('channel=web')), ['fee'], 'channel=web');
    exactly(await list(mq('type=inquiry')), ['fee'], 'type=inquiry');
    exactly(await list(mq('type=help')), ['leak', 'urgent'], 'type=help');
    exactly(await list(mq('channel=8890&type=complaint')), ['heat', 'decoy', 'addr'], 'channel=8890&type=complaint');
  });

  test('category_id filters by category', async () => {
    exactly(await list(mq(`category_id=${cats.property}`)), ['leak'], 'category_id=property');
    exactly(await list(mq(`category_id=${cats.heating_fee}`)), ['fee'], 'category_id=heating_fee');
    const b = await list(mq(`category_id=${cats.heating}`));
    assert.ok(ids(b).includes(S.heat.id));
    for (const k of ['leak', 'road', 'decoy', 'addr', 'urgent']) assert.ok(!ids(b).includes(S[k].id), `${k} is not heating`);
  });

  test('from/to filter on created_at, as dates or times', async () => {
    const today = S.heat.created_at.slice(0, 10);
    const dayMs = 24 * 3600 * 1000;
    const china = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10);
    const yesterday = china(Date.parse(`${today}T12:00:00+08:00`) - dayMs);
    const tomorrow = china(Date.parse(`${today}T12:00:00+08:00`) + dayMs);
    exactly(await list(mq(`from=${today}`)), Object.keys(S), `from=${today}`);
    exactly(await list(mq(`from=${today}&to=${today}`)), Object.keys(S), `from=to=${today} (the whole day)`);
    exactly(await list(mq(`to=${yesterday}`)), [], `to=${yesterday}`);
    exactly(await list(mq(`from=${tomorrow}`)), [], `from=${tomorrow}`);
    // A time between the creation of the leak and the fee appeals.
    const mid = Math.floor((Date.parse(S.leak.created_at) + Date.parse(S.fee.created_at)) / 2);
    const at = new Date(mid + 8 * 3600 * 1000).toISOString().replace('Z', '+08:00');
    exactly(await list(mq(`from=${encodeURIComponent(at)}`)), ['fee', 'road', 'decoy', 'addr', 'urgent'], `from=${at}`);
    exactly(await list(mq(`to=${encodeURIComponent(at)}`)), ['heat', 'leak'], `to=${at}`);
    assertError(await api('/api/v1/appeals?from=yesterday', { token: T.agent }), 400);
  });

  test('overdue=1 finds none right after dispatch', async () => {
    // None of this file's appeals is overdue (the demo's may be).
    exactly(await list(mq('overdue=1')), [], 'overdue=1');
    const mine = (await list(mq(''))).items;
    assert.equal(mine.length, Object.keys(S).length);
    for (const it of mine) assert.equal(it.overdue, false);
    // Whatever overdue=1 finds is overdue.
    for (const it of (await list('overdue=1')).items) assert.equal(it.overdue, true, `${it.number} is overdue`);
  });

  test('urgent=1 finds the urgent appeal only', async () => {
    exactly(await list(mq('urgent=1')), ['urgent'], 'urgent=1');
  });

  test('unit_id finds the appeals handled by that unit', async () => {
    exactly(await list(mq(`unit_id=${zj.id}`)), ['heat', 'urgent'], `unit_id=住建局`);
    exactly(await list(mq(`unit_id=${jt.id}`)), ['road'], `unit_id=交通运输局`);
    const hz = await unitByName(api, T.agent, '海州区');
    exactly(await list(mq(`unit_id=${hz.id}`)), [], 'unit_id=海州区: nothing of this file handled there');
  });

  test('phone (agents only) finds the caller\'s history; others get 403', async () => {
    // P1 and P99 are numbers no demo appeal has: phone= needs no narrowing.
    const p1 = await list(`phone=${P1}`);
    exactly(p1, ['heat', 'decoy'], `phone=${P1}`);
    assert.equal(p1.total, 2, `phone=${P1}: the caller's history only`);
    const p99 = await list(`phone=${P99}`);
    exactly(p99, [], `phone=${P99}`);
    assert.equal(p99.total, 0);
    for (const user of ['leader', 'zhujian', 'haizhou']) {
      assertError(await api(`/api/v1/appeals?phone=${P1}`, { token: T[user] }), 403, 'forbidden');
    }
  });

  test('an unknown value of an enumerated query parameter is 400 (api.md: "unknown query parameter value")', async () => {
    const queries = ['status=bogus', 'status=intake,bogus', 'channel=fax', 'type=rant', 'sort=random', 'overdue=2', 'urgent=2', 'per_page=500'];
    const got = [];
    for (const q of queries) {
      const r = await api(`/api/v1/appeals?${q}`, { token: T.agent });
      got.push(`${q} → ${r.status}`);
      if (r.status === 400) assertError(r, 400);
    }
    assert.deepEqual(got, queries.map((q) => `${q} → 400`));
  });

  test('filters combine with q', async () => {
    exactly(await list(`${mw('供暖')}&status=intake`), ['fee'], 'q=供暖&status=intake');
    exactly(await list(`${mw('供暖')}&unit_id=${zj.id}`), ['heat'], 'q=供暖&unit_id=住建局');
  });
});

describe('sorting and paging', () => {
  test('default order is newest first', async () => {
    // This file's appeals were created one after the other, so newest first is highest
    // id first among them.
    const b = await list(mq(''));
    const got = ids(b);
    assert.equal(got.length, Object.keys(S).length);
    for (let i = 1; i < got.length; i++) assert.ok(got[i] < got[i - 1], 'newest (highest id) first');
    const c = await list(mq('sort=created'));
    assert.deepEqual(ids(c), got);
  });

  test('sort=deadline puts the nearest deadline first', async () => {
    const b = await list(mq('sort=deadline&status=dispatched,handling'));
    exactly(b, ['heat', 'road', 'urgent'], 'sort=deadline&status=dispatched,handling');
    assert.equal(b.items[0].id, S.urgent.id, 'the urgent appeal (1 hour to sign) comes first');
    const due = (it) => Date.parse(it.signed_at ? it.finish_due_at : it.sign_due_at);
    for (let i = 1; i < b.items.length; i++) assert.ok(due(b.items[i]) >= due(b.items[i - 1]), 'deadlines ascend');
    assertError(await api('/api/v1/appeals?sort=random', { token: T.agent }), 400);
  });

  test('page and per_page page through the list; total counts all', async () => {
    const all = await list(mq(''));
    assert.equal(all.total, Object.keys(S).length);
    const p1 = await api(`/api/v1/appeals?per_page=3&page=1&q=${M}`, { token: T.agent });
    const p2 = await api(`/api/v1/appeals?per_page=3&page=2&q=${M}`, { token: T.agent });
    const p3 = await api(`/api/v1/appeals?per_page=3&page=3&q=${M}`, { token: T.agent });
    assertStatus(p1, 200);
    assertStatus(p2, 200);
    assertStatus(p3, 200);
    assert.equal(p1.body.total, all.total);
    assert.equal(p2.body.total, all.total);
    assert.equal(p1.body.items.length, 3);
    assert.deepEqual([...ids(p1.body), ...ids(p2.body)], ids(all).slice(0, 6));
    assert.deepEqual(ids(p3.body), ids(all).slice(6), 'the last page holds the rest');
    // Over the whole list (the demo's appeals too) total counts all, not one page.
    const whole = await list('');
    const w1 = await api('/api/v1/appeals?per_page=3&page=1', { token: T.agent });
    assertStatus(w1, 200);
    assert.equal(w1.body.items.length, 3);
    assert.equal(w1.body.total, whole.total);
    assert.ok(whole.total >= Math.max(whole.items.length, Object.keys(S).length));
  });
});
