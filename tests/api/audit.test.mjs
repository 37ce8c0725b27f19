// The audit trail over HTTP (docs/api.md "Audit trail").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, run, sql, stopClean } from '../lib/api-helpers.mjs';

let srv, api, admin, agent, unitId, userId;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  [admin, agent] = await Promise.all([login(api, 'admin'), login(api, 'agent')]);
  const zq = await unitByName(api, admin, '站前街道');
  // A few changes: create and rename a unit, create a user and disable it.
  const u = await api('/api/v1/units', { method: 'POST', token: admin, body: { name: '审计测试社区', kind: 'community', parent_id: zq.id } });
  assertStatus(u, 201);
  unitId = u.body.id;
  assertStatus(await api(`/api/v1/units/${unitId}`, { method: 'PATCH', token: admin, body: { name: '审计测试社区二' } }), 200);
  const p = await api('/api/v1/users', {
    method: 'POST', token: admin,
    body: { username: 'audited', display_name: '被审计', password: 'Audit-trail-pw-1', unit_id: unitId, roles: ['grid_member'] },
  });
  assertStatus(p, 201);
  userId = p.body.id;
  assertStatus(await api(`/api/v1/users/${userId}`, { method: 'PATCH', token: admin, body: { disabled: true } }), 200);
});
after(async () => { await stopClean(srv); });

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;

test('GET /api/v1/audit lists entries newest first with actor, action, entity, entity_id, ip and detail', async () => {
  const r = await api('/api/v1/audit?per_page=10', { token: admin });
  assertStatus(r, 200);
  assert.equal(r.body.page, 1);
  assert.equal(r.body.per_page, 10);
  assert.equal(r.body.items.length, 10);
  assert.ok(r.body.total >= 4);
  const seqs = r.body.items.map((e) => e.seq);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] < seqs[i - 1], 'newest first');
  for (const e of r.body.items) {
    for (const k of ['seq', 'at', 'actor', 'action', 'entity', 'entity_id', 'ip', 'detail']) assert.ok(k in e, `entry has ${k}`);
    assert.equal(typeof e.seq, 'number');
    assert.match(e.at, ISO);
    assert.equal(typeof e.action, 'string');
  }
  // The newest entry is the last change made: admin disabling the user.
  const newest = r.body.items[0];
  assert.equal(newest.actor, 'admin');
  assert.equal(newest.entity, 'user');
  assert.equal(newest.entity_id, userId);
  assert.equal(newest.ip, '127.0.0.1');
  assert.equal(typeof newest.detail, 'object');
  // Times do not go backwards along the chain.
  const times = r.body.items.map((e) => Date.parse(e.at));
  for (let i = 1; i < times.length; i++) assert.ok(times[i] <= times[i - 1]);
});

test('entity and entity_id filter the entries of one record', async () => {
  const r = await api(`/api/v1/audit?entity=unit&entity_id=${unitId}`, { token: admin });
  assertStatus(r, 200);
  assert.equal(r.body.total, 2, 'created and renamed');
  assert.equal(r.body.items.length, 2);
  for (const e of r.body.items) {
    assert.equal(e.entity, 'unit');
    assert.equal(e.entity_id, unitId);
    assert.equal(e.actor, 'admin');
    assert.equal(e.ip, '127.0.0.1');
  }
  assert.ok(r.body.items[0].seq > r.body.items[1].seq);
  // The rename's detail mentions the new name; the creation's mentions the first.
  assert.match(JSON.stringify(r.body.items[0].detail), /审计测试社区二/);
  assert.match(JSON.stringify(r.body.items[1].detail), /审计测试社区/);

  const u = await api(`/api/v1/audit?entity=user&entity_id=${userId}`, { token: admin });
  assertStatus(u, 200);
  assert.ok(u.body.total >= 2, 'created and disabled');
  assert.ok(u.body.items.every((e) => e.entity === 'user' && e.entity_id === userId));

  const units = await api('/api/v1/audit?entity=unit&per_page=200', { token: admin });
  assert.ok(units.body.items.every((e) => e.entity === 'unit'));
  assert.ok(units.body.total > 100, 'the demo\'s units were recorded too');

  const none = await api('/api/v1/audit?entity=no_such_thing', { token: admin });
  assertStatus(none, 200);
  assert.equal(none.body.total, 0);
  assertError(await api('/api/v1/audit?entity_id=abc', { token: admin }), 400);
});

test('actor filters by the acting user', async () => {
  const r = await api('/api/v1/audit?actor=agent&per_page=200', { token: admin });
  assertStatus(r, 200);
  assert.ok(r.body.total >= 1, 'agent logged in, so it has at least one entry');
  assert.ok(r.body.items.every((e) => e.actor === 'agent'),
    `only agent's entries; got actors ${[...new Set(r.body.items.map((e) => e.actor))].join(', ')}`);
});

test('paging through the trail: pages continue the order', async () => {
  const p1 = await api('/api/v1/audit?per_page=3&page=1', { token: admin });
  const p2 = await api('/api/v1/audit?per_page=3&page=2', { token: admin });
  assert.equal(p1.body.items.length, 3);
  assert.equal(p2.body.items.length, 3);
  assert.ok(p2.body.items[0].seq < p1.body.items[2].seq);
  assertError(await api('/api/v1/audit?per_page=201', { token: admin }), 400);
});

test('only admins read the audit trail (403 for others, 401 without login)', async () => {
  assertError(await api('/api/v1/audit', { token: agent }), 403);
  assertError(await api('/api/v1/audit'), 401);
});

test('the demo\'s trail runs forward in time: no entry is dated before the one it follows', () => {
  // The demo dates its tree and logins first, then plays through the 2021 livelihood
  // cycle, the year of appeals and the open collection, each in date order.
  const back = sql(srv.db.url, 'SELECT COUNT(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1 WHERE b.at < a.at');
  assert.equal(Number(back.trim()), 0);
  assert.ok(Number(sql(srv.db.url, 'SELECT COUNT(*) FROM audit_log').trim()) > 1000, 'the demo has a history');
});

test('the recorded trail is an intact hash chain (yiwang check)', async () => {
  const c = run(['check', '--db', srv.db.url]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /\bok\b/);
});
