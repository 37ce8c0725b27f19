// GET /api/v1/appeals/{id} reads the appeal before it knows the caller (on PostgreSQL
// the appeal's reads travel with the session's statement, docs/architecture.md "One
// appeal in one round trip"). What a user relies on: a refused request — a dead token, a
// role without appeals, an appeal outside the caller's area, an id that is no appeal —
// answers its own 401/403/404 and leaves nothing behind, so the next request on the same
// connection to the database gets its own appeal, whole. One worker thread, so every
// request uses the same database connection; the read cache is off, so every request
// runs its reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, stopClean, maskedPhone } from '../lib/api-helpers.mjs';

let srv, api;
const T = {};
let mine = []; // appeals zhanqian sees
let elsewhere = []; // appeals the agent sees and zhanqian does not
const truth = new Map(); // id → the agent's answer, read alone

before(async () => {
  srv = await startServer({ args: ['--threads', '1', '--read-cache', 'off'] });
  api = client(srv.url);
  for (const u of ['agent', 'leader', 'zhanqian', 'grid01']) T[u] = await login(api, u);
  const all = await api('/api/v1/appeals?per_page=60', { token: T.agent });
  assertStatus(all, 200);
  const own = await api('/api/v1/appeals?per_page=200', { token: T.zhanqian });
  assertStatus(own, 200);
  const ownIds = new Set(own.body.items.map((x) => x.id));
  mine = own.body.items.slice(0, 12).map((x) => x.id);
  elsewhere = all.body.items.map((x) => x.id).filter((id) => !ownIds.has(id)).slice(0, 12);
  assert.ok(mine.length >= 6 && elsewhere.length >= 6, 'the demo gives both kinds of appeal');
  for (const id of [...mine, ...elsewhere]) {
    const r = await api(`/api/v1/appeals/${id}`, { token: T.agent });
    assertStatus(r, 200);
    assert.equal(r.body.id, id);
    assert.ok(r.body.timeline.length >= 1, 'an appeal has at least its intake on the timeline');
    truth.set(id, r.body);
  }
});
after(async () => { await stopClean(srv); });

const deadToken = () => randomBytes(32).toString('base64url'); // 43 characters, no session

test('refused GETs in between: every answer is its own appeal, whole', async () => {
  const ids = [...mine, ...elsewhere];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const other = ids[(i + 1) % ids.length];
    // Each refusal first reads `other`'s appeal, then refuses.
    assertError(await api(`/api/v1/appeals/${other}`, { token: deadToken() }), 401, 'unauthorized');
    assertError(await api(`/api/v1/appeals/${other}`, { token: T.grid01 }), 403, 'forbidden');
    assertError(await api('/api/v1/appeals/999999999', { token: T.agent }), 404, 'not_found');
    assertError(await api('/api/v1/appeals/abc', { token: T.agent }), 404, 'not_found');
    assertError(await api(`/api/v1/appeals/${elsewhere[i % elsewhere.length]}`, { token: T.zhanqian }), 404, 'not_found');
    const r = await api(`/api/v1/appeals/${id}`, { token: T.agent });
    assertStatus(r, 200);
    assert.deepEqual(r.body, truth.get(id), `appeal ${id} answered as when read alone`);
  }
});

test('a unit and the leader read appeals between refusals, each masked as before', async () => {
  for (const id of [...mine, ...elsewhere]) {
    assertError(await api(`/api/v1/appeals/${id}`, { token: deadToken() }), 401, 'unauthorized');
    const full = truth.get(id);
    const lead = await api(`/api/v1/appeals/${id}`, { token: T.leader });
    assertStatus(lead, 200);
    assert.equal(lead.body.number, full.number);
    assert.deepEqual(lead.body.timeline.map((t) => t.action), full.timeline.map((t) => t.action));
    // The agent sees the caller's phone in full, the leader masked.
    if (!full.anonymous && /^1\d{10}$/.test(full.contact_phone ?? '')) assert.equal(lead.body.contact_phone, maskedPhone(full.contact_phone));
    if (!mine.includes(id)) continue;
    assertError(await api(`/api/v1/appeals/${id}`, { token: T.grid01 }), 403, 'forbidden');
    const own = await api(`/api/v1/appeals/${id}`, { token: T.zhanqian });
    assertStatus(own, 200);
    assert.equal(own.body.id, id);
    assert.equal(own.body.number, full.number);
    assert.deepEqual(own.body.timeline, full.timeline);
  }
});

test('a token that is no session is refused the same with or without an appeal behind it', async () => {
  const list = await api('/api/v1/appeals', { token: deadToken() });
  assertError(list, 401, 'unauthorized');
  for (const path of [`/api/v1/appeals/${mine[0]}`, '/api/v1/appeals/999999999', '/api/v1/appeals/0', '/api/v1/appeals/x']) {
    const r = await api(path, { token: deadToken() });
    assertError(r, 401, 'unauthorized');
    assert.deepEqual(r.body.error, list.body.error, path);
    // A token of the wrong shape (short, long, not base64url) is refused alike.
    for (const token of [T.agent.slice(0, 20), `${T.agent}x`, '!'.repeat(43), `${T.agent.slice(0, 42)}=`]) {
      const bad = await api(path, { token });
      assertError(bad, 401, 'unauthorized');
      assert.deepEqual(bad.body.error, list.body.error, `${path} with a token of ${token.length} characters`);
    }
  }
  // The agent's own session still reads after them.
  assertStatus(await api(`/api/v1/appeals/${mine[0]}`, { token: T.agent }), 200);
});
