// Open311 GeoReport v2 (docs/open311.md; CONTRACT.md "Open311 GeoReport v2"): the service
// list and definitions, POST requests with attributes, GET requests with its filters and
// limits, a single request, tokens, JSON and XML, and what the handling unit sees of it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, yiwang } from '../lib/server.mjs';
import { assertStatus, unitByName, stopClean, uniqueMarker } from '../lib/api-helpers.mjs';
import { open311, assertSchema, assertO311Error, createKey } from '../lib/open311.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;
const DAY = 24 * 3600 * 1000;

describe('Open311 GeoReport v2', () => {
  let srv, api, o, key, keyId, agent, admin;
  // A heating complaint as a partner forwards it.
  const cold = (extra = {}) => ({
    api_key: key, service_code: 'heating_cold', lat: '42.0115', long: '121.6608',
    description: `${uniqueMarker('O')} 家里暖气不热，老人冻得睡不着`,
    'attribute[indoor_temp]': '14.5', ...extra,
  });
  const create = async (form) => {
    const r = await o.post('requests.json', form);
    assertStatus(r, 200);
    return r.body[0].service_request_id;
  };
  const appealOf = async (number) => {
    const r = await api(`/api/v1/appeals?q=${encodeURIComponent(number)}`, { token: agent });
    assertStatus(r, 200);
    const item = r.body.items.find((a) => a.number === number);
    assert.ok(item, `appeal ${number} is in the agent's list`);
    const g = await api(`/api/v1/appeals/${item.id}`, { token: agent });
    assertStatus(g, 200);
    return g.body;
  };

  before(async () => {
    srv = await startServer({ args: ['--open311-rate', '100000'] });
    api = client(srv.url);
    o = open311(srv.url);
    ({ key, id: keyId } = createKey(srv.db.url, '阜新市民随手拍'));
    [agent, admin] = await Promise.all([login(api, 'agent'), login(api, 'admin')]);
  });
  after(async () => { await stopClean(srv); });

  describe('services', () => {
    test('services.json: every active category, valid against the schema, codes as strings, groups by parent', async () => {
      const r = await o.get('services.json');
      assertStatus(r, 200);
      assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8/);
      assertSchema('services', r.body);
      const cold = r.body.find((s) => s.service_code === 'heating_cold');
      assert.deepEqual(
        { name: cold.service_name, metadata: cold.metadata, type: cold.type, group: cold.group },
        { name: '室温不达标', metadata: true, type: 'realtime', group: '供暖' });
      const heating = r.body.find((s) => s.service_code === 'heating');
      assert.equal(heating.metadata, false, 'a category without attributes has no metadata');
      assert.equal(heating.group, null, 'a top-level category has no group');
      assert.ok(r.body.findIndex((s) => s.service_code === 'heating') < r.body.findIndex((s) => s.service_code === 'heating_cold'),
        'parents come before their children');
      const cats = await api('/api/v1/categories');
      const active = cats.body.items.filter((c) => c.active).map((c) => c.code).sort();
      assert.deepEqual(r.body.map((s) => s.service_code).sort(), active);
    });

    test('services.xml: the same list as <services><service>, with the XML declaration', async () => {
      const j = await o.get('services.json');
      const r = await o.get('services.xml');
      assertStatus(r, 200);
      assert.match(r.headers.get('content-type'), /^text\/xml; charset=utf-8/);
      const items = r.body.services.service;
      assert.deepEqual(items.map((s) => s.service_code), j.body.map((s) => s.service_code));
      const cold = items.find((s) => s.service_code === 'heating_cold');
      assert.equal(cold.metadata, 'true');
      assert.equal(cold.type, 'realtime');
      assert.equal(r.headers.get('access-control-allow-origin'), '*', 'web clients elsewhere may read it');
    });

    test('a service definition: the attributes in order, list values, variable=false for advice', async () => {
      const r = await o.get('services/heating_leak.json');
      assertStatus(r, 200);
      assertSchema('service_definition', r.body);
      assert.equal(r.body.service_code, 'heating_leak');
      const a = r.body.attributes;
      assert.deepEqual(a.map((x) => x.code), ['floor', 'leak_place', 'advice']);
      assert.deepEqual(a.map((x) => x.order), [1, 2, 3]);
      assert.deepEqual(a.map((x) => x.datatype), ['number', 'multivaluelist', 'string']);
      assert.equal(a[0].required, true);
      assert.equal(a[2].variable, false);
      assert.deepEqual(a[1].values.map((v) => v.key), ['radiator', 'valve', 'pipe', 'ceiling']);
      assert.ok(!('values' in a[0]), 'no values on a number');
      const x = await o.get('services/heating_leak.xml');
      assertStatus(x, 200);
      const def = x.body.service_definition;
      assert.equal(def.service_code, 'heating_leak');
      assert.deepEqual(def.attributes.attribute.map((at) => at.code), ['floor', 'leak_place', 'advice']);
      assert.deepEqual(def.attributes.attribute[1].values.value.map((v) => v.name), ['暖气片', '阀门', '管道', '楼上渗漏']);
      const plain = await o.get('services/heating.json');
      assertStatus(plain, 200);
      assertSchema('service_definition', plain.body);
      assert.deepEqual(plain.body.attributes, []);
    });

    test('an unknown service is 404 in the asked format; a bad suffix is 400', async () => {
      assertO311Error(await o.get('services/nosuch.json'), 404, /nosuch/);
      assertO311Error(await o.get('services/nosuch.xml'), 404);
      assertO311Error(await o.get('services.csv'), 400);
      assertO311Error(await o.get('services'), 400);
      assertO311Error(await o.get('services/.json'), 400, /service_code/);
    });
  });

  describe('POST requests', () => {
    test('a form-encoded request becomes an appeal of channel open311 with its attributes; the answer has the id, no token', async () => {
      const form = cold({
        'attribute[room]': 'bedroom', 'attribute[since]': '2026-11-20T18:00:00+08:00',
        first_name: '秀英', last_name: '王', phone: '13912345678', email: 'wang@example.cn',
        address_string: '海州区站前街道和平小区3号楼', address_id: 'HP-3', media_url: 'https://img.example.cn/a.jpg',
        device_id: 'dev-1', account_id: 'acc-9', jurisdiction_id: 'fuxin.gov.cn',
      });
      const r = await o.post('requests.json', form);
      assertStatus(r, 200);
      assert.equal(r.body.length, 1);
      const [rec] = r.body;
      assert.equal(typeof rec.service_request_id, 'string');
      assert.match(rec.service_request_id, /^FX\d{14}$/);
      assert.ok(!('token' in rec), 'a realtime service answers no token');
      assert.equal(typeof rec.service_notice, 'string');
      assert.equal(rec.account_id, 'acc-9');
      const a = await appealOf(rec.service_request_id);
      assert.equal(a.channel, 'open311');
      assert.equal(a.status, 'intake');
      assert.equal(a.category.code, 'heating_cold');
      assert.equal(a.content, form.description);
      assert.equal(a.contact_name, '王秀英');
      assert.equal(a.contact_phone, '13912345678');
      assert.equal(a.address, form.address_string);
      assert.equal(a.lat, 42.0115);
      assert.equal(a.lon, 121.6608);
      assert.deepEqual(a.attributes.map((x) => [x.code, x.value, x.text]), [
        ['indoor_temp', '14.5', '14.5'],
        ['room', 'bedroom', '卧室'],
        ['since', '2026-11-20T18:00:00.000+08:00', '2026-11-20T18:00:00.000+08:00'],
      ]);
      assert.equal(a.attributes[0].description, '室内温度（℃）');
      assert.deepEqual(a.open311, { partner: '阜新市民随手拍', media_url: 'https://img.example.cn/a.jpg', address_id: 'HP-3', email: 'wang@example.cn' });
      assert.equal(a.timeline[0].actor, 'open311:阜新市民随手拍');
      assert.equal(a.suggested_unit?.name, '阜新市住房和城乡建设局', 'routed like any heating appeal');
    });

    test('a multivaluelist takes attribute[code][] values; the XML answer is <service_requests><request>', async () => {
      const r = await o.post('requests.xml', new URLSearchParams([
        ['api_key', key], ['service_code', 'heating_leak'], ['address_string', '细河区某小区'],
        ['description', `${uniqueMarker('L')} 楼上暖气漏水`], ['attribute[floor]', '5'],
        ['attribute[leak_place][]', 'radiator'], ['attribute[leak_place][]', 'ceiling'],
      ]).toString());
      assertStatus(r, 200);
      assert.match(r.headers.get('content-type'), /^text\/xml/);
      const id = r.body.service_requests.request[0].service_request_id;
      assert.match(id, /^FX\d{14}$/);
      const a = await appealOf(id);
      assert.deepEqual(a.attributes.map((x) => [x.code, x.value, x.text]), [
        ['floor', '5', '5'],
        ['leak_place', ['radiator', 'ceiling'], '暖气片、楼上渗漏'],
      ]);
    });

    test('attributes are checked against the service definition: 400 for missing, malformed, unknown or repeated answers', async () => {
      const cases = [
        [{ 'attribute[indoor_temp]': '' }, /indoor_temp.*required/],
        [{ 'attribute[indoor_temp]': 'warm' }, /indoor_temp.*number/],
        [{ 'attribute[room]': 'attic' }, /attic/],
        [{ 'attribute[since]': 'yesterday' }, /since/],
        [{ 'attribute[colour]': 'red' }, /colour/],
        [{ 'attribute[indoor_temp][]': '14' }, /one value/],
        [{ 'attribute[bad code!]': '1' }, /attribute/],
      ];
      for (const [extra, pattern] of cases) {
        const form = cold(extra);
        if (extra['attribute[indoor_temp][]']) delete form['attribute[indoor_temp]'];
        assertO311Error(await o.post('requests.json', form), 400, pattern);
      }
      const noAdvice = await o.post('requests.json', {
        api_key: key, service_code: 'heating_leak', lat: '42', long: '121.6', 'attribute[floor]': '3',
        'attribute[leak_place][]': 'pipe', 'attribute[advice]': 'x',
      });
      assertO311Error(noAdvice, 400, /advice/);
      const twice = new URLSearchParams([['api_key', key], ['service_code', 'heating_leak'], ['lat', '42'], ['long', '121.6'],
        ['attribute[floor]', '3'], ['attribute[leak_place][]', 'pipe'], ['attribute[leak_place][]', 'pipe']]).toString();
      assertO311Error(await o.post('requests.json', twice), 400, /twice/);
    });

    test('the documented 400s: no service_code, no location, half a location, out-of-range or too long values, a body that is not a form', async () => {
      const base = cold();
      const without = (k) => { const f = { ...base }; delete f[k]; return f; };
      assertO311Error(await o.post('requests.json', without('service_code')), 400, /service_code/);
      assertO311Error(await o.post('requests.json', { ...base, service_code: '' }), 400, /service_code/);
      assertO311Error(await o.post('requests.json', without('lat')), 400, /lat and long/);
      const noPlace = without('lat');
      delete noPlace.long;
      assertO311Error(await o.post('requests.json', noPlace), 400, /location/);
      assertO311Error(await o.post('requests.json', { ...noPlace, address_string: '', address_id: '' }), 400, /location/,
        'empty parameters are absent');
      assertO311Error(await o.post('requests.json', { ...base, lat: '91' }), 400, /lat/);
      assertO311Error(await o.post('requests.json', { ...base, long: 'east' }), 400, /long/);
      assertO311Error(await o.post('requests.json', { ...base, description: '长'.repeat(4001) }), 400, /description/);
      assertO311Error(await o.post('requests.json', { ...base, email: 'not-an-address' }), 400, /email/);
      assertO311Error(await o.post('requests.json', { ...base, phone: 'call me' }), 400, /phone/);
      assertO311Error(await o.post('requests.json', { ...base, media_url: 'javascript:alert(1)' }), 400, /media_url/);
      assertO311Error(await o.post('requests.json', { ...base, description: 'a\u0001b' }), 400);
      assertO311Error(await o.post('requests.json', `${new URLSearchParams(base)}&x=%zz`), 400, /%/);
      const json = await o.call('POST', 'requests.json');
      assertO311Error(json, 403, /api_key/);
      const r = await fetch(`${srv.url}/open311/v2/requests.json?api_key=${key}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(base),
      });
      assert.equal(r.status, 400);
      const body = await r.json();
      assert.equal(body[0].code, 400);
      assert.match(body[0].description, /x-www-form-urlencoded/);
    });

    test('an unknown or disabled service is 404', async () => {
      assertO311Error(await o.post('requests.json', { ...cold(), service_code: 'nosuch' }), 404, /nosuch/);
      assertO311Error(await o.post('requests.xml', { ...cold(), service_code: 'nosuch' }), 404);
    });

    test('without a description the appeal reads as the service; the api_key may travel in the query string', async () => {
      const r = await fetch(`${srv.url}/open311/v2/requests.json?api_key=${encodeURIComponent(key)}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ service_code: 'water_outage', address_id: 'B-17', 'attribute[scope]': 'building', description: '' }).toString(),
      });
      assert.equal(r.status, 200);
      const [rec] = await r.json();
      const a = await appealOf(rec.service_request_id);
      assert.equal(a.content, '停水');
      assert.equal(a.title, '停水');
      assert.equal(a.contact_name, null);
      assert.equal(a.address, null);
      assert.equal(a.open311.address_id, 'B-17');
    });
  });

  describe('GET requests', () => {
    test('a single request: an array of one, valid against the schema, no personal data, numbers in text masked', async () => {
      const id = await create(cold({
        description: `${uniqueMarker('P')} 暖气不热，请回电13712345678`, first_name: '建国', last_name: '李',
        phone: '13712345678', email: 'li@example.cn', media_url: 'https://img.example.cn/p.jpg',
        address_string: '太平区某小区', device_id: 'device-x', account_id: 'acct-x',
      }));
      const r = await o.get(`requests/${id}.json`);
      assertStatus(r, 200);
      assertSchema('requests', r.body);
      assert.equal(r.body.length, 1);
      const q = r.body[0];
      assert.equal(q.service_request_id, id);
      assert.equal(q.status, 'open');
      assert.equal(q.service_code, 'heating_cold');
      assert.equal(q.service_name, '室温不达标');
      assert.match(q.description, /请回电137\*\*\*\*5678$/);
      assert.equal(q.address, '太平区某小区');
      assert.equal(q.lat, 42.0115);
      assert.equal(q.long, 121.6608);
      assert.equal(q.media_url, 'https://img.example.cn/p.jpg');
      assert.match(q.requested_datetime, ISO);
      assert.match(q.updated_datetime, ISO);
      assert.equal(q.agency_responsible, null, 'not dispatched yet');
      assert.equal(q.expected_datetime, null);
      for (const secret of ['13712345678', '李', '建国', 'li@example.cn', 'device-x', 'acct-x'])
        assert.ok(!r.text.includes(secret), `${secret} is not published`);
      const x = await o.get(`requests/${id}.xml`);
      assertStatus(x, 200);
      const req = x.body.service_requests.request;
      assert.equal(req.length, 1);
      assert.equal(req[0].service_request_id, id);
      assert.equal(req[0].status, 'open');
      assert.equal(req[0].zipcode, '');
      for (const secret of ['13712345678', 'li@example.cn']) assert.ok(!x.text.includes(secret));
    });

    test('an unknown request is 404; an empty id is 400', async () => {
      assertO311Error(await o.get('requests/FX20000101000001.json'), 404, /FX20000101000001/);
      assertO311Error(await o.get('requests/nope.xml'), 404);
      assertO311Error(await o.get('requests/.json'), 400);
    });

    test('the default: the most recent 90 days, newest first, at most 1,000; hotline appeals show no caller text', async () => {
      const r = await o.get('requests.json');
      assertStatus(r, 200);
      assertSchema('requests', r.body);
      assert.equal(r.body.length, 1000, 'the demo holds more than 1,000 appeals in 90 days: the first 1,000');
      const times = r.body.map((q) => Date.parse(q.requested_datetime));
      const now = Date.now();
      assert.ok(times.every((t) => t >= now - 90 * DAY - 60000 && t <= now + 60000), 'all within 90 days');
      assert.deepEqual([...times].sort((a, b) => b - a), times, 'newest first');
      const hotline = r.body.filter((q) => q.description === null);
      assert.ok(hotline.length > 0);
      for (const q of hotline) {
        assert.equal(q.address, null);
        assert.equal(q.lat, null);
      }
      const x = await o.get('requests.xml');
      assertStatus(x, 200);
      assert.equal(x.body.service_requests.request.length, 1000);
    });

    test('filters: service_code (comma list), status (comma list), start_date and end_date', async () => {
      const r = await o.get('requests.json?service_code=heating_cold,water_outage&status=open');
      assertStatus(r, 200);
      assertSchema('requests', r.body);
      assert.ok(r.body.length > 0);
      assert.ok(r.body.every((q) => ['heating_cold', 'water_outage'].includes(q.service_code) && q.status === 'open'));
      const closed = await o.get('requests.json?status=closed');
      assert.ok(closed.body.length > 0 && closed.body.every((q) => q.status === 'closed'));
      const both = await o.get('requests.json?status=open,closed&service_code=heating_fee');
      assert.ok(both.body.some((q) => q.status === 'open') || both.body.some((q) => q.status === 'closed'));
      // A window in the past: 60 to 30 days ago.
      const start = new Date(Date.now() - 60 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
      const end = new Date(Date.now() - 30 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
      const w = await o.get(`requests.json?start_date=${start}&end_date=${end}`);
      assertStatus(w, 200);
      assertSchema('requests', w.body);
      assert.ok(w.body.length > 0);
      assert.ok(w.body.every((q) => {
        const t = Date.parse(q.requested_datetime);
        return t >= Date.parse(start) && t <= Date.parse(end);
      }));
      // Only a start: 90 days from it.
      const s = await o.get(`requests.json?start_date=${new Date(Date.now() - 200 * DAY).toISOString()}`);
      assertStatus(s, 200);
      assert.ok(s.body.every((q) => Date.parse(q.requested_datetime) <= Date.now() - 110 * DAY + 60000));
      // Empty parameters are absent.
      const e = await o.get('requests.json?service_code=&status=&start_date=&end_date=&service_request_id=');
      assertStatus(e, 200);
      assert.equal(e.body.length, 1000);
    });

    test('service_request_id (a comma list) overrides every other filter, old requests included', async () => {
      const old = await o.get(`requests.json?start_date=${new Date(Date.now() - 300 * DAY).toISOString()}&service_code=heating_fee`);
      assertStatus(old, 200);
      assert.ok(old.body.length > 0);
      const oldId = old.body[old.body.length - 1].service_request_id;
      const newId = await create(cold());
      const r = await o.get(`requests.json?service_request_id=${oldId},${newId}&service_code=water_outage&status=closed&start_date=2000-01-01T00:00:00Z&end_date=2000-01-02T00:00:00Z`);
      assertStatus(r, 200);
      assertSchema('requests', r.body);
      assert.deepEqual(r.body.map((q) => q.service_request_id).sort(), [oldId, newId].sort());
    });

    test('the documented 400s and 404s of GET requests', async () => {
      assertO311Error(await o.get('requests.json?start_date=yesterday'), 400, /start_date/);
      assertO311Error(await o.get('requests.xml?end_date=2026-13-45T00:00:00Z'), 400, /end_date/);
      assertO311Error(await o.get('requests.json?start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z'), 400, /after/);
      assertO311Error(await o.get('requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z'), 400, /90 days/);
      assertO311Error(await o.get('requests.json?status=pending'), 400, /status/);
      assertO311Error(await o.get('requests.json?service_code=nosuch'), 404, /nosuch/);
      assertO311Error(await o.get('requests.json?api_key=wrong'), 403, /api_key/);
    });
  });

  describe('an Open311 request goes through dispatch and handling', () => {
    test('agency_responsible, expected_datetime, status_notes with the reviewed reply, closed with updated_datetime at closing', async () => {
      const id = await create(cold());
      const a = await appealOf(id);
      const unit = await unitByName(api, agent, '阜新市住房和城乡建设局');
      const act = async (token, body) => {
        const r = await api(`/api/v1/appeals/${a.id}/actions`, { method: 'POST', token, body });
        assertStatus(r, 200);
        return r.body;
      };
      await act(agent, { action: 'dispatch', unit_id: unit.id });
      let q = (await o.get(`requests/${id}.json`)).body[0];
      assert.equal(q.status, 'open');
      assert.equal(q.agency_responsible, '阜新市住房和城乡建设局');
      assert.match(q.expected_datetime, ISO);
      assert.equal(q.status_notes, '已派至承办单位，等待签收');
      const zhujian = await login(api, 'zhujian');
      await act(zhujian, { action: 'sign' });
      const reply = '已联系供热公司上门排气，室温已达 20℃，联系电话 13800001111';
      await act(zhujian, { action: 'reply', content: reply, resolved: true });
      q = (await o.get(`requests/${id}.json`)).body[0];
      assert.equal(q.status, 'open');
      assert.notEqual(q.status_notes, reply.replace('13800001111', '138****1111'), 'not before the hotline reviewed it');
      await act(agent, { action: 'review', approve: true });
      q = (await o.get(`requests/${id}.json`)).body[0];
      assert.equal(q.status, 'open', 'open until the appeal closes');
      assert.equal(q.status_notes, '已联系供热公司上门排气，室温已达 20℃，联系电话 138****1111');
      const closedAppeal = await act(agent, { action: 'revisit', satisfaction: 'satisfied' });
      const r = await o.get(`requests/${id}.json`);
      assertSchema('requests', r.body);
      q = r.body[0];
      assert.equal(q.status, 'closed');
      assert.equal(q.updated_datetime, closedAppeal.closed_at);
      assert.equal(q.status_notes, '已联系供热公司上门排气，室温已达 20℃，联系电话 138****1111');
      const closedList = await o.get(`requests.json?status=closed&service_code=heating_cold`);
      assert.ok(closedList.body.some((x) => x.service_request_id === id));
      const openList = await o.get(`requests.json?status=open&service_code=heating_cold`);
      assert.ok(!openList.body.some((x) => x.service_request_id === id));
    });
  });

  describe('batch services and tokens', () => {
    test('a batch service answers a token, which GET tokens/{token} turns into the id', async () => {
      const cats = await api('/api/v1/categories');
      const fee = cats.body.items.find((c) => c.code === 'heating_fee');
      const put = await api(`/api/v1/categories/${fee.id}/open311`, { method: 'PUT', token: admin, body: { type: 'batch', keywords: '供暖费' } });
      assertStatus(put, 200);
      assert.equal(put.body.type, 'batch');
      const svc = (await o.get('services.json')).body.find((s) => s.service_code === 'heating_fee');
      assert.equal(svc.type, 'batch');
      assert.equal(svc.keywords, '供暖费');
      const r = await o.post('requests.json', { api_key: key, service_code: 'heating_fee', address_string: '新邱区', description: '供暖费怎么收' });
      assertStatus(r, 200);
      const [rec] = r.body;
      assert.ok(!('service_request_id' in rec), 'a batch service answers no id');
      assert.match(rec.token, /^[0-9a-f]{32}$/);
      const t = await o.get(`tokens/${rec.token}.json`);
      assertStatus(t, 200);
      assert.equal(t.body.length, 1);
      assert.equal(t.body[0].token, rec.token);
      assert.match(t.body[0].service_request_id, /^FX\d{14}$/);
      const g = await o.get(`requests/${t.body[0].service_request_id}.json`);
      assertStatus(g, 200);
      assert.equal(g.body[0].service_code, 'heating_fee');
      const tx = await o.get(`tokens/${rec.token}.xml`);
      assertStatus(tx, 200);
      assert.equal(tx.body.service_requests.request[0].service_request_id, t.body[0].service_request_id);
      assertO311Error(await o.get('tokens/0123456789abcdef0123456789abcdef.json'), 404, /token/);
      assertO311Error(await o.get('tokens/bad!token.xml'), 404);
      assertO311Error(await o.get('tokens/.json'), 400, /token/);
      await api(`/api/v1/categories/${fee.id}/open311`, { method: 'PUT', token: admin, body: { type: 'realtime' } });
    });
  });

  describe('administration of attributes', () => {
    test('a city admin defines attributes; others are refused; bad definitions are 422', async () => {
      const cats = await api('/api/v1/categories');
      const quality = cats.body.items.find((c) => c.code === 'water_quality');
      const body = {
        type: 'realtime', keywords: '水质,浑浊',
        attributes: [
          { code: 'colour', datatype: 'singlevaluelist', description: '水的颜色', required: true, order: 1,
            values: [{ key: 'yellow', name: '发黄' }, { key: 'white', name: '发白' }] },
          { code: 'smell', datatype: 'text', description: '气味描述', order: 2 },
        ],
      };
      const agentPut = await api(`/api/v1/categories/${quality.id}/open311`, { method: 'PUT', token: agent, body });
      assert.equal(agentPut.status, 403);
      const r = await api(`/api/v1/categories/${quality.id}/open311`, { method: 'PUT', token: admin, body });
      assertStatus(r, 200);
      assert.deepEqual(r.body.attributes.map((a) => a.code), ['colour', 'smell']);
      const def = await o.get('services/water_quality.json');
      assertSchema('service_definition', def.body);
      assert.equal(def.body.attributes[0].values[1].name, '发白');
      const bad = [
        { attributes: [{ code: 'x', datatype: 'colour', description: 'd', order: 1 }] },
        { attributes: [{ code: 'x', datatype: 'singlevaluelist', description: 'd', order: 1 }] },
        { attributes: [{ code: 'x', datatype: 'string', description: 'd', order: 1 }, { code: 'x', datatype: 'string', description: 'e', order: 2 }] },
        { attributes: [{ code: 'x', datatype: 'string', description: 'd', order: 1 }, { code: 'y', datatype: 'string', description: 'e', order: 1 }] },
        { type: 'blackbox' },
      ];
      for (const b of bad) {
        const x = await api(`/api/v1/categories/${quality.id}/open311`, { method: 'PUT', token: admin, body: b });
        assert.equal(x.status, 422, JSON.stringify(x.body));
      }
      const missing = await api('/api/v1/categories/999999/open311', { method: 'PUT', token: admin, body: { type: 'realtime' } });
      assert.equal(missing.status, 404);
      const id = await create({ api_key: key, service_code: 'water_quality', lat: '42', long: '121.6', 'attribute[colour]': 'yellow' });
      const a = await appealOf(id);
      assert.deepEqual(a.attributes.map((x) => x.text), ['发黄']);
    });
  });

  describe('keys and audit', () => {
    test('POST without a key, with a wrong key or a revoked one is 403', async () => {
      const form = cold();
      delete form.api_key;
      assertO311Error(await o.post('requests.json', form), 403, /api_key/);
      assertO311Error(await o.post('requests.xml', { ...form, api_key: '' }), 403, /api_key/);
      assertO311Error(await o.post('requests.json', { ...form, api_key: 'x'.repeat(43) }), 403, /api_key/);
      const k = createKey(srv.db.url, '即将吊销的合作方');
      await create({ ...form, api_key: k.key });
      yiwang(['apikey', 'revoke', '--db', srv.db.url, '--id', String(k.id)]);
      assertO311Error(await o.post('requests.json', { ...form, api_key: k.key }), 403, /api_key/);
      assertO311Error(await o.get(`services.json?api_key=${k.key}`), 403, /api_key/);
    });

    test('every request made with a key is in the audit trail: creates, reads and refusals', async () => {
      const k = createKey(srv.db.url, '审计检查合作方');
      const id = await create({ ...cold(), api_key: k.key });
      assertStatus(await o.get(`requests/${id}.json?api_key=${k.key}`), 200);
      assertStatus(await o.get(`requests.json?api_key=${k.key}&service_code=heating_cold`), 200);
      assertStatus(await o.get(`services.xml?api_key=${k.key}`), 200);
      assertO311Error(await o.post('requests.json', { api_key: k.key, service_code: 'heating_cold' }), 400);
      const r = await api(`/api/v1/audit?entity=api_key&entity_id=${k.id}&per_page=50`, { token: admin });
      assertStatus(r, 200);
      const entries = r.body.items.reverse();
      assert.deepEqual(entries.map((x) => x.action),
        ['apikey_create', 'open311_create', 'open311_read', 'open311_read', 'open311_read', 'open311_rejected']);
      assert.equal(entries[1].detail.service_request_id, id);
      assert.deepEqual(entries[2].detail.service_request_ids, [id]);
      assert.ok(entries[3].detail.service_request_ids.includes(id));
      assert.equal(entries[5].detail.status, 400);
      for (const x of entries.slice(1)) assert.equal(x.actor, 'open311:审计检查合作方');
      const a = await appealOf(id);
      const created = await api(`/api/v1/audit?entity=appeal&entity_id=${a.id}`, { token: admin });
      assert.equal(created.body.items[0].action, 'appeal_create');
      assert.equal(created.body.items[0].actor, 'open311:审计检查合作方');
    });
  });

  describe('paths', () => {
    test('unknown paths under /open311 are 404 and other methods 405, in the Open311 format', async () => {
      assertO311Error(await o.get('reports.json'), 404);
      assertO311Error(await o.get('services/heating/extra.xml'), 404);
      const r = await fetch(`${srv.url}/open311/v3/services.json`);
      assert.equal(r.status, 404);
      assert.equal((await r.json())[0].code, 404);
      const del = await o.call('DELETE', 'requests.json');
      assertO311Error(del, 405);
      assert.match(del.headers.get('allow'), /POST/);
      assertO311Error(await o.call('POST', 'services.xml'), 405);
      assertO311Error(await o.call('PUT', 'requests/FX1.json'), 405);
      const head = await fetch(`${srv.url}/open311/v2/services.json`, { method: 'HEAD' });
      assert.equal(head.status, 200);
    });
  });
});

describe('Open311 jurisdiction and rate limit', () => {
  let srv, o, key;
  before(async () => {
    srv = await startServer({ args: ['--open311-rate', '4', '--open311-jurisdiction', 'fuxin.gov.cn'] });
    o = open311(srv.url);
    ({ key } = createKey(srv.db.url, '限流测试合作方'));
  });
  after(async () => { await stopClean(srv); });

  test('jurisdiction_id: the one served or none is accepted, another is 404', async () => {
    assertStatus(await o.get('services.json?jurisdiction_id=fuxin.gov.cn'), 200);
    assertStatus(await o.get('services.json?jurisdiction_id='), 200);
    assertO311Error(await o.get('services.xml?jurisdiction_id=sfgov.org'), 404, /jurisdiction_id/);
  });

  test('past the limit a key is answered 429 in the Open311 format; another key is not', async () => {
    // Eight requests straddle at most one minute boundary, so one window sees five.
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await o.get(`services.json?api_key=${key}`)).status);
    assert.ok(statuses.includes(429), `429 among ${statuses}`);
    const r = await o.get(`services.json?api_key=${key}`);
    if (r.status === 429) assertO311Error(r, 429, /too many/);
    const other = createKey(srv.db.url, '另一个合作方');
    assertStatus(await o.get(`services.json?api_key=${other.key}`), 200);
  });
});

describe('the open311 channel', () => {
  let srv, api;
  before(async () => { srv = await startServer(); api = client(srv.url); });
  after(async () => { await stopClean(srv); });

  test('an agent cannot take in an appeal as channel open311, but lists and filters by it', async () => {
    const agent = await login(api, 'agent');
    const r = await api('/api/v1/appeals', { method: 'POST', token: agent, body: { content: '冒充开放接口', channel: 'open311' } });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.field, 'channel');
    const l = await api('/api/v1/appeals?channel=open311', { token: agent });
    assertStatus(l, 200);
  });
});
