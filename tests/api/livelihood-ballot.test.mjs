// 民生实事票决 — ballot sessions over HTTP (docs/livelihood.md "Ballot sessions"): who may
// manage sessions, the default roll (every active deputy), the secret ballot and its
// receipt, every refusal with nothing recorded, no tally before the close for anyone,
// the result and the published receipts, the runoff, the ballots_majority rule, the audit
// entry that names no choice, and concurrent ballots of one deputy (exactly one counts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, stopClean, sql } from '../lib/api-helpers.mjs';

const LV = '/api/v1/livelihood';
const YEAR = 2041;
let srv, api, T = {}, dep = [], lead;

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  for (const u of ['congress', 'admin', 'leader', 'agent', 'zhujian']) T[u] = await login(api, u);
  // 40 demo deputies, deputy01 … deputy40.
  const names = Array.from({ length: 40 }, (_, i) => `deputy${String(i + 1).padStart(2, '0')}`);
  dep = await Promise.all(names.map((n) => login(api, n)));
  lead = await unitByName(api, T.congress, '阜新市交通运输局');
  assert.ok(lead);
});
after(async () => { await stopClean(srv); });

const post = (path, token, body) => api(LV + path, { method: 'POST', token, body });
const get = (path, token) => api(LV + path, { token });

let serial = 0;
async function candidates(n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const r = await post('/candidates', T.congress, {
      title: `票决测试项目${++serial}`, description: '测试用候选项目', budget_wan: 100 + serial,
      lead_unit_id: lead.id, year: YEAR,
    });
    assertStatus(r, 201);
    ids.push(r.body.id);
  }
  return ids;
}

async function session(seats, cands, extra = {}) {
  const r = await post('/sessions', T.congress, { title: `${YEAR}年民生实事票决${++serial}`, year: YEAR, seats, candidate_ids: cands, ...extra });
  assertStatus(r, 201);
  assert.equal(typeof r.body.id, 'number');
  assert.equal(r.body.status, 'draft');
  return r.body.id;
}

async function opened(seats, cands, extra) {
  const id = await session(seats, cands, extra);
  const r = await post(`/sessions/${id}/open`, T.congress);
  assertStatus(r, 200);
  assert.equal(r.body.status, 'open');
  return id;
}

const vote = (id, i, ids) => post(`/sessions/${id}/ballots`, dep[i], { candidate_ids: ids });

async function ballotCount(id) {
  const r = await get(`/sessions/${id}`, T.congress);
  assertStatus(r, 200);
  return r.body.ballots_cast;
}

function table(name, where) {
  return Number(sql(srv.db.url, `SELECT COUNT(*) FROM ${name} WHERE ${where}`).trim());
}

test('POST /sessions: congress staff only; {id, status} with the roll of every active deputy', async () => {
  const c = await candidates(3);
  for (const who of ['admin', 'leader', 'agent', 'zhujian']) {
    assertError(await post('/sessions', T[who], { title: '越权', year: YEAR, seats: 1, candidate_ids: c }), 403, 'forbidden');
  }
  assertError(await post('/sessions', dep[0], { title: '越权', year: YEAR, seats: 1, candidate_ids: c }), 403, 'forbidden');
  const r = await post('/sessions', T.congress, { title: '名单测试', year: YEAR, seats: 2, candidate_ids: c });
  assertStatus(r, 201);
  assert.equal(r.body.status, 'draft');
  assert.equal(r.body.roll_size, 40);
  assert.equal(r.body.rule, 'roll_majority');
  assert.equal(r.body.candidates.length, 3);
  assert.deepEqual(r.body.candidates.map((x) => x.id), c);
});

test('POST /sessions refuses bad input with 4xx and a field', async () => {
  const c = await candidates(2);
  assertError(await post('/sessions', T.congress, { title: 'x', year: YEAR, seats: 3, candidate_ids: c }), 422, 'invalid_seats', 'seats');
  assertError(await post('/sessions', T.congress, { title: 'x', year: YEAR, seats: 0, candidate_ids: c }), 422, 'out_of_range', 'seats');
  assertError(await post('/sessions', T.congress, { title: 'x', year: YEAR, seats: 1, candidate_ids: [c[0], c[0]] }), 422, 'duplicate_candidate', 'candidate_ids');
  assertError(await post('/sessions', T.congress, { title: 'x', year: YEAR, seats: 1, candidate_ids: [c[0], 987654] }), 422, 'unknown_candidate', 'candidate_ids');
  assertError(await post('/sessions', T.congress, { title: 'x', year: YEAR, seats: 1, candidate_ids: 'all' }), 400, 'invalid_type', 'candidate_ids');
  assertError(await post('/sessions', T.congress, { title: 'x', year: YEAR, seats: 1, candidate_ids: c, rule: 'plurality' }), 422, 'invalid_rule', 'rule');
  assertError(await post('/sessions', T.congress, { year: YEAR, seats: 1, candidate_ids: c }), 422, 'missing_field', 'title');
});

test('a ballot gets a random receipt; the chair sees ballots cast, never votes, before the close', async () => {
  const c = await candidates(3);
  const id = await opened(2, c);
  const a = await vote(id, 0, [c[0], c[2]]);
  assertStatus(a, 201);
  assert.match(a.body.receipt, /^[0-9a-f]{32}$/);
  const b = await vote(id, 1, [c[1]]);
  assertStatus(b, 201);
  assert.notEqual(a.body.receipt, b.body.receipt);
  const s = await get(`/sessions/${id}`, T.congress);
  assert.equal(s.body.ballots_cast, 2);
  assert.equal(s.body.roll_size, 40);
  for (const cand of s.body.candidates) assert.equal(cand.votes, undefined, 'no votes before the close');
  // Nobody sees a tally or the receipts before the close: not staff, not admin, not the public.
  for (const tok of [T.congress, T.admin, T.leader, dep[0], undefined]) {
    assertError(await get(`/sessions/${id}/result`, tok), 409, 'session_not_closed');
    assertError(await get(`/sessions/${id}/receipts`, tok), 409, 'session_not_closed');
  }
  // The deputy sees they voted.
  const mine = await get(`/sessions/${id}`, dep[0]);
  assert.deepEqual(mine.body.me, { on_roll: true, voted: true });
  const other = await get(`/sessions/${id}`, dep[5]);
  assert.deepEqual(other.body.me, { on_roll: true, voted: false });
});

test('refused ballots record nothing: second ballot, > N choices, repeated or unknown candidate, off the roll, not open', async () => {
  const c = await candidates(4);
  const id = await opened(2, c);
  assertStatus(await vote(id, 0, [c[0]]), 201);
  const before = await ballotCount(id);
  const rows = table('lv_ballots', `session_id = ${id}`);
  assertError(await vote(id, 0, [c[1]]), 409, 'already_voted');
  assertError(await vote(id, 1, [c[0], c[1], c[2]]), 422, 'too_many_choices', 'candidate_ids');
  assertError(await vote(id, 1, [c[1], c[1]]), 422, 'duplicate_choice', 'candidate_ids');
  assertError(await vote(id, 1, [c[1], 999999]), 422, 'unknown_candidate', 'candidate_ids');
  assertError(await vote(id, 1, ['a']), 400, 'invalid_type', 'candidate_ids');
  assertError(await vote(id, 1, 5), 400, 'invalid_type', 'candidate_ids');
  assertError(await post(`/sessions/${id}/ballots`, dep[1], {}), 422, 'missing_field', 'candidate_ids');
  // Not a deputy at all; no login.
  assertError(await post(`/sessions/${id}/ballots`, T.congress, { candidate_ids: [c[0]] }), 403, 'forbidden');
  assertError(await post(`/sessions/${id}/ballots`, undefined, { candidate_ids: [c[0]] }), 401);
  assert.equal(await ballotCount(id), before);
  assert.equal(table('lv_ballots', `session_id = ${id}`), rows);
  // deputy02, refused four times, can still vote.
  assertStatus(await vote(id, 1, [c[1], c[2]]), 201);
  // Off the roll: a session whose roll is deputy01..deputy03 only.
  const roll = await get(`/sessions/${id}/roll`, T.congress);
  assertStatus(roll, 200);
  const three = roll.body.items.filter((u) => ['deputy01', 'deputy02', 'deputy03'].includes(u.username)).map((u) => u.user_id);
  assert.equal(three.length, 3);
  assert.equal(roll.body.voted, 2);
  const small = await opened(1, c, { roll_user_ids: three });
  assertError(await vote(small, 10, [c[0]]), 403, 'not_on_roll');
  assert.equal(await ballotCount(small), 0);
  // Not open: a draft and a closed session.
  const draft = await session(1, c);
  assertError(await vote(draft, 0, [c[0]]), 409, 'session_not_open');
  assertStatus(await post(`/sessions/${small}/close`, T.congress), 200);
  assertError(await vote(small, 0, [c[0]]), 409, 'session_not_open');
  assert.equal(table('lv_ballots', `session_id = ${draft}`), 0);
  assert.equal(table('lv_ballots', `session_id = ${small}`), 0);
});

test('state machine: draft → open → closed, each step once, congress staff only', async () => {
  const c = await candidates(2);
  const id = await session(1, c);
  assertError(await post(`/sessions/${id}/close`, T.congress), 409, 'invalid_state');
  assertError(await post(`/sessions/${id}/open`, T.admin), 403, 'forbidden');
  assertStatus(await post(`/sessions/${id}/open`, T.congress), 200);
  assertError(await post(`/sessions/${id}/open`, T.congress), 409, 'invalid_state');
  assertError(await post(`/sessions/${id}/close`, dep[0]), 403, 'forbidden');
  const closed = await post(`/sessions/${id}/close`, T.congress);
  assertStatus(closed, 200);
  assert.equal(closed.body.status, 'closed');
  assertError(await post(`/sessions/${id}/close`, T.congress), 409, 'invalid_state');
  assertError(await post('/sessions/999999/open', T.congress), 404, 'not_found');
});

test('after the close: result with votes and elected, receipts with choices that recount to it, projects made', async () => {
  const c = await candidates(4);
  const id = await opened(2, c);
  // Roll 40 needs 21. c0: 30, c1: 22, c2: 21 (a majority, but outside the two seats), c3: 7.
  const plan = (i) => (i < 12 ? [c[0], c[1]] : i < 30 ? [c[0], c[2]] : i < 33 ? [c[1], c[2]] : [c[1], c[3]]);
  const receipts = [];
  for (let i = 0; i < 40; i++) {
    const ids = plan(i);
    const r = await vote(id, i, ids);
    assertStatus(r, 201);
    receipts.push({ receipt: r.body.receipt, ids: [...ids].sort((a, b) => a - b) });
  }
  assertStatus(await post(`/sessions/${id}/close`, T.congress), 200);
  const r = await get(`/sessions/${id}/result`, dep[39]);
  assertStatus(r, 200);
  assert.equal(r.body.roll_size, 40);
  assert.equal(r.body.ballots_cast, 40);
  assert.equal(r.body.runoff, null);
  const by = Object.fromEntries(r.body.items.map((x) => [x.candidate_id, x]));
  assert.deepEqual([c[0], c[1], c[2], c[3]].map((k) => by[k].votes), [30, 22, 21, 7]);
  assert.deepEqual([c[0], c[1], c[2], c[3]].map((k) => by[k].elected), [true, true, false, false]);
  assert.equal(typeof by[c[0]].title, 'string');
  assert.deepEqual(r.body.items.map((x) => x.votes), [30, 22, 21, 7], 'ranked by votes');
  assertError(await post(`/sessions/${id}/runoff`, T.congress), 409, 'no_runoff_needed');
  // Published receipts: each deputy finds theirs with the choices cast; anyone recounts.
  const pub = await get(`/sessions/${id}/receipts`);
  assertStatus(pub, 200);
  assert.equal(pub.body.items.length, 40);
  const map = new Map(pub.body.items.map((x) => [x.receipt, x.candidate_ids]));
  for (const mine of receipts) assert.deepEqual(map.get(mine.receipt), mine.ids);
  const recount = {};
  for (const x of pub.body.items) for (const cid of x.candidate_ids) recount[cid] = (recount[cid] || 0) + 1;
  for (const x of r.body.items) assert.equal(recount[x.candidate_id] || 0, x.votes);
  // The result is public after the close.
  assertStatus(await get(`/sessions/${id}/result`), 200);
  // Winners are the year's projects.
  const p = await get(`/projects?year=${YEAR}&per_page=200`, T.congress);
  assertStatus(p, 200);
  const mineProjects = p.body.items.filter((x) => x.session_id === id);
  assert.deepEqual(mineProjects.map((x) => x.candidate_id).sort(), [c[0], c[1]].sort());
  assert.equal(mineProjects[0].lead_unit.id, lead.id);
});

test('a tie across the last seat elects none of the tied; a runoff session is created from the result', async () => {
  const e = await candidates(3);
  const t2 = await opened(2, e);
  // e0: 30, e1: 25, e2: 25 → e0 elected, e1 and e2 tie for the second seat.
  const plan = (i) => (i < 15 ? [e[0], e[1]] : i < 30 ? [e[0], e[2]] : [e[1], e[2]]);
  for (let i = 0; i < 40; i++) assertStatus(await vote(t2, i, plan(i)), 201);
  assertStatus(await post(`/sessions/${t2}/close`, T.congress), 200);
  let r = await get(`/sessions/${t2}/result`, T.congress);
  const v = Object.fromEntries(r.body.items.map((x) => [x.candidate_id, x]));
  assert.deepEqual(e.map((k) => v[k].votes), [30, 25, 25]);
  assert.deepEqual(e.map((k) => v[k].elected), [true, false, false]);
  assert.ok(r.body.runoff);
  assert.deepEqual([...r.body.runoff.candidate_ids].sort(), [e[1], e[2]].sort());
  assert.equal(r.body.runoff.seats, 1);
  assert.equal(r.body.runoff.session_id, null);
  assertError(await post(`/sessions/${t2}/runoff`, T.admin), 403, 'forbidden');
  const ro = await post(`/sessions/${t2}/runoff`, T.congress);
  assertStatus(ro, 201);
  assert.equal(ro.body.status, 'draft');
  assert.equal(ro.body.seats, 1);
  assert.equal(ro.body.runoff_of, t2);
  assert.equal(ro.body.roll_size, 40);
  assert.deepEqual(ro.body.candidates.map((x) => x.id).sort(), [e[1], e[2]].sort());
  assertError(await post(`/sessions/${t2}/runoff`, T.congress), 409, 'runoff_exists');
  r = await get(`/sessions/${t2}/result`, T.congress);
  assert.equal(r.body.runoff.session_id, ro.body.id);
  // The runoff elects one; it becomes a project beside e0.
  assertStatus(await post(`/sessions/${ro.body.id}/open`, T.congress), 200);
  assertError(await vote(ro.body.id, 0, [e[0]]), 422, 'unknown_candidate', 'candidate_ids');
  for (let i = 0; i < 21; i++) assertStatus(await vote(ro.body.id, i, [e[2]]), 201);
  assertStatus(await post(`/sessions/${ro.body.id}/close`, T.congress), 200);
  const fin = await get(`/sessions/${ro.body.id}/result`, T.congress);
  assert.equal(fin.body.items.find((x) => x.candidate_id === e[2]).elected, true);
  const p = await get(`/projects?year=${YEAR}&per_page=200`, T.congress);
  const cids = p.body.items.map((x) => x.candidate_id);
  assert.ok(cids.includes(e[0]) && cids.includes(e[2]) && !cids.includes(e[1]));
});

test('rule ballots_majority: more than half of the ballots cast', async () => {
  const c = await candidates(2);
  const id = await opened(1, c, { rule: 'ballots_majority' });
  // 10 of 40 vote; 6 for c0 is a majority of the ballots, far from half the roll.
  for (let i = 0; i < 10; i++) assertStatus(await vote(id, i, [i < 6 ? c[0] : c[1]]), 201);
  assertStatus(await post(`/sessions/${id}/close`, T.congress), 200);
  const r = await get(`/sessions/${id}/result`, T.congress);
  assert.equal(r.body.rule, 'ballots_majority');
  assert.equal(r.body.ballots_cast, 10);
  assert.equal(r.body.items[0].candidate_id, c[0]);
  assert.equal(r.body.items[0].elected, true);
  // The same ballots under the default rule elect nobody.
  const d = await candidates(2);
  const id2 = await opened(1, d);
  for (let i = 0; i < 10; i++) assertStatus(await vote(id2, i, [i < 6 ? d[0] : d[1]]), 201);
  assertStatus(await post(`/sessions/${id2}/close`, T.congress), 200);
  const r2 = await get(`/sessions/${id2}/result`, T.congress);
  assert.equal(r2.body.items.filter((x) => x.elected).length, 0);
});

test('secrecy: the ballot table holds receipt, session and choices only; the audit entry names no choice or receipt', async () => {
  const c = await candidates(2);
  const id = await opened(1, c);
  const r = await vote(id, 3, [c[1]]);
  assertStatus(r, 201);
  const cols = srv.db.url.startsWith('postgres')
    ? sql(srv.db.url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'lv_ballots' ORDER BY column_name").trim().split('\n')
    : sql(srv.db.url, "SELECT name FROM pragma_table_info('lv_ballots') ORDER BY name").trim().split('\n');
  assert.deepEqual(cols, ['choices', 'receipt', 'session_id']);
  const audit = await api(`/api/v1/audit?entity=lv_session&entity_id=${id}&per_page=50`, { token: T.admin });
  assertStatus(audit, 200);
  const cast = audit.body.items.filter((x) => x.action === 'livelihood.ballot_cast');
  assert.equal(cast.length, 1);
  assert.equal(cast[0].actor, 'deputy04');
  const text = JSON.stringify(cast[0]);
  assert.ok(!text.includes(r.body.receipt), 'no receipt in the audit trail');
  assert.deepEqual(cast[0].detail, {});
  const all = JSON.stringify(audit.body.items);
  assert.ok(!all.includes(r.body.receipt));
});

test('parallel ballots from one deputy: exactly one counts', async () => {
  const c = await candidates(2);
  const id = await opened(1, c);
  const results = await Promise.all(Array.from({ length: 12 }, (_, k) => vote(id, 7, [c[k % 2]])));
  const ok = results.filter((x) => x.status === 201);
  assert.equal(ok.length, 1, results.map((x) => x.status).join(','));
  for (const x of results) if (x.status !== 201) assertError(x, 409, 'already_voted');
  assert.equal(await ballotCount(id), 1);
  assert.equal(table('lv_ballots', `session_id = ${id}`), 1);
  // Parallel ballots of different deputies all count.
  const many = await Promise.all(Array.from({ length: 20 }, (_, k) => vote(id, 10 + k, [c[0]])));
  for (const x of many) assertStatus(x, 201);
  assert.equal(await ballotCount(id), 21);
  assertStatus(await post(`/sessions/${id}/close`, T.congress), 200);
  const r = await get(`/sessions/${id}/receipts`, T.congress);
  assert.equal(r.body.items.length, 21);
});

test('GET /sessions lists with status and year filters; deputies see open sessions and whether they voted', async () => {
  const c = await candidates(2);
  const id = await opened(1, c);
  const r = await get(`/sessions?status=open&year=${YEAR}&per_page=200`, dep[20]);
  assertStatus(r, 200);
  const s = r.body.items.find((x) => x.id === id);
  assert.ok(s);
  assert.deepEqual(s.me, { on_roll: true, voted: false });
  assertStatus(await vote(id, 20, [c[0]]), 201);
  const r2 = await get(`/sessions?status=open&year=${YEAR}&per_page=200`, dep[20]);
  assert.equal(r2.body.items.find((x) => x.id === id).me.voted, true);
  assertError(await get('/sessions?status=bogus', T.congress), 400, 'invalid_parameter', 'status');
});
