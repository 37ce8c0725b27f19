// The citizen's own pages (docs/api-appeals.md "Citizens"): looking an appeal up by number
// and phone, seeing the reply once the hotline has reviewed it, and rating it in revisit.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, stopClean } from '../lib/api-helpers.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;
const PHONE = '13912345678';
const REPLY = '经核实，已督促物业于本周内修复单元门禁';

let srv, api, agent, zhujian, zj;
const lookup = (number, phone) =>
  api(`/api/v1/public/appeals/${encodeURIComponent(number)}${phone === undefined ? '' : `?phone=${encodeURIComponent(phone)}`}`);
const rate = (number, body) => api(`/api/v1/public/appeals/${encodeURIComponent(number)}/rating`, { method: 'POST', body });
async function act(id, token, body) {
  const r = await api(`/api/v1/appeals/${id}/actions`, { method: 'POST', token, body });
  assertStatus(r, 200);
  return r.body;
}
// A citizen files an appeal; the agent dispatches it to 住建局.
async function filed(content = '单元门禁坏了半个月没人修', phone = PHONE) {
  const r = await api('/api/v1/appeals', { method: 'POST', body: { content, contact_phone: phone } });
  assertStatus(r, 201);
  return r.body;
}

before(async () => {
  srv = await startServer({ args: ['--citizen-rate', '1000'] });
  api = client(srv.url);
  [agent, zhujian] = await Promise.all([login(api, 'agent'), login(api, 'zhujian')]);
  zj = await unitByName(api, agent, '阜新市住房和城乡建设局');
});
after(async () => { await stopClean(srv); });

describe('citizen lookup', () => {
  test('with the right phone: 200 with number, status, title, created_at, reply null and can_rate false', async () => {
    const a = await filed();
    const r = await lookup(a.number, PHONE);
    assertStatus(r, 200);
    assert.equal(r.body.number, a.number);
    assert.equal(r.body.status, 'intake');
    assert.equal(r.body.title, '单元门禁坏了半个月没人修');
    assert.match(r.body.created_at, ISO);
    assert.equal(r.body.reply, null);
    assert.equal(r.body.can_rate, false);
  });

  test('with a wrong phone, no phone match or an unknown number: 404', async () => {
    const a = await filed();
    assertError(await lookup(a.number, '13900000000'), 404);
    assertError(await lookup(a.number, '1391234567'), 404, undefined);
    assertError(await lookup(a.number, '139123456789'), 404);
    assertError(await lookup('FX19990101000001', PHONE), 404);
    // The agent's intake with another phone is not found under this phone either.
    const other = await api('/api/v1/appeals', { method: 'POST', token: agent, body: { content: '别人的诉求', contact_phone: '13600000000' } });
    assertError(await lookup(other.body.number, PHONE), 404);
    assertStatus(await lookup(other.body.number, '13600000000'), 200);
  });

  test('the reply is not shown until the hotline has reviewed it', async () => {
    const a = await filed();
    await act(a.id, agent, { action: 'dispatch', unit_id: zj.id });
    await act(a.id, zhujian, { action: 'sign' });
    let r = await lookup(a.number, PHONE);
    assertStatus(r, 200);
    assert.equal(r.body.status, 'handling');
    assert.equal(r.body.reply, null);
    await act(a.id, zhujian, { action: 'reply', content: REPLY, resolved: true });
    r = await lookup(a.number, PHONE);
    assert.equal(r.body.status, 'replied');
    assert.equal(r.body.reply, null, 'a reply awaiting review is not shown');
    assert.equal(r.body.can_rate, false);
    assert.ok(!r.text.includes(REPLY));
    // Sent back at review: still nothing to show.
    await act(a.id, agent, { action: 'review', approve: false, note: '答复不完整' });
    r = await lookup(a.number, PHONE);
    assert.equal(r.body.reply, null);
    await act(a.id, zhujian, { action: 'reply', content: REPLY, resolved: true });
    await act(a.id, agent, { action: 'review', approve: true });
    r = await lookup(a.number, PHONE);
    assert.equal(r.body.status, 'revisit');
    assert.deepEqual(r.body.reply && r.body.reply.content, REPLY);
    assert.equal(r.body.can_rate, true);
  });
});

describe('citizen rating', () => {
  test('rating before revisit is 409', async () => {
    const a = await filed();
    assertError(await rate(a.number, { phone: PHONE, satisfaction: 'satisfied' }), 409);
    await act(a.id, agent, { action: 'dispatch', unit_id: zj.id });
    assertError(await rate(a.number, { phone: PHONE, satisfaction: 'satisfied' }), 409);
    await act(a.id, zhujian, { action: 'sign' });
    await act(a.id, zhujian, { action: 'reply', content: REPLY, resolved: true });
    assertError(await rate(a.number, { phone: PHONE, satisfaction: 'satisfied' }), 409);
    const g = await api(`/api/v1/appeals/${a.id}`, { token: agent });
    assert.equal(g.body.status, 'replied');
    assert.equal(g.body.satisfaction, null);
  });

  test('in revisit the citizen\'s rating closes the appeal with the satisfaction; a second rating is 409', async () => {
    const a = await filed();
    await act(a.id, agent, { action: 'dispatch', unit_id: zj.id });
    await act(a.id, zhujian, { action: 'sign' });
    await act(a.id, zhujian, { action: 'reply', content: REPLY, resolved: true });
    await act(a.id, agent, { action: 'review', approve: true });
    assertError(await rate(a.number, { phone: '13900000000', satisfaction: 'satisfied' }), 404);
    assertError(await rate(a.number, { phone: PHONE, satisfaction: 'great' }), 422, undefined, 'satisfaction');
    assertError(await rate(a.number, { phone: PHONE }), 422, undefined, 'satisfaction');
    assert.equal((await lookup(a.number, PHONE)).body.status, 'revisit', 'refused ratings change nothing');
    const r = await rate(a.number, { phone: PHONE, satisfaction: 'basically_satisfied' });
    assertStatus(r, 200);
    const g = await api(`/api/v1/appeals/${a.id}`, { token: agent });
    assert.equal(g.body.status, 'closed');
    assert.equal(g.body.satisfaction, 'basically_satisfied');
    assert.match(g.body.closed_at, ISO);
    const p = await lookup(a.number, PHONE);
    assert.equal(p.body.status, 'closed');
    assert.equal(p.body.can_rate, false);
    assert.equal(p.body.reply.content, REPLY, 'the reviewed reply stays visible');
    assertError(await rate(a.number, { phone: PHONE, satisfaction: 'dissatisfied' }), 409);
    assert.equal((await api(`/api/v1/appeals/${a.id}`, { token: agent })).body.satisfaction, 'basically_satisfied');
    // The agent can no longer revisit it.
    assertError(await api(`/api/v1/appeals/${a.id}/actions`, { method: 'POST', token: agent, body: { action: 'revisit', satisfaction: 'satisfied' } }), 409, 'invalid_state');
  });

  test('rating an unknown number is 404', async () => {
    assertError(await rate('FX19990101000001', { phone: PHONE, satisfaction: 'satisfied' }), 404);
  });
});
