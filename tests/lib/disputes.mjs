// Helpers of the dispute API tests (tests/api/disputes-*.test.mjs): logins, the demo's
// mediation units, a dispute factory and its actions.
import assert from 'node:assert/strict';
import { login } from './server.mjs';
import { assertStatus, unitByName, uniqueMarker } from './api-helpers.mjs';

export const D = '/api/v1/disputes';
export const DAY = 24 * 3600 * 1000;
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;

// A mainland ID number with a valid check character from its first 17 digits.
export function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[s % 11];
}

// A China calendar date `days` from today, and an ISO time `minutes` from now.
export function dateIn(days) {
  return new Date(Date.now() + 8 * 3600 * 1000 + days * DAY).toISOString().slice(0, 10);
}
export function timeIn(minutes) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + minutes * 60000);
  return d.toISOString().slice(0, 19) + '+08:00';
}

// An 11-digit mobile number unlikely to be any other party's.
export function freshPhone() {
  let p = '17';
  while (p.length < 11) p += String(Math.floor(Math.random() * 10));
  return p;
}

// Logs every user in; returns tokens by username.
export async function logins(api, users) {
  const tokens = await Promise.all(users.map((u) => login(api, u)));
  return Object.fromEntries(users.map((u, i) => [u, tokens[i]]));
}

// The demo's units the tests use, looked up by the admin.
export async function demoUnits(api, admin) {
  const names = ['东瓦房村', '西瓦房村', '韩家店镇', '韩家店镇矛盾纠纷调解中心', '海州区',
    '海州区矛盾纠纷调解中心', '细河区', '细河区矛盾纠纷调解中心', '新华社区', '站前街道',
    '阜新市民政局'];
  const U = {};
  for (const n of names) {
    U[n] = await unitByName(api, admin, n);
    assert.ok(U[n], `unit ${n}`);
  }
  return U;
}

// The demo login of the mediator of a mediation unit other than the contract's three
// (docs/disputes.md, "Demo"): tj<unit id>.
export async function mediatorLogin(api, unit) {
  return login(api, `tj${unit.id}`);
}

// A dispute factory: make(token, extra) registers one whose title carries a word of its
// own (d.marker: q=<marker> finds it alone) and whose facts carry the factory's word
// (make.marker: q= finds every dispute this factory made).
export function disputeFactory(api, prefix = 'DS') {
  const M = uniqueMarker(prefix);
  let serial = 0;
  async function make(token, extra = {}) {
    const marker = `${M}n${++serial}`;
    const body = {
      type: 'neighbour',
      title: `相邻排水纠纷 ${marker}`,
      facts: `邻居翻建院墙填平排水沟，雨水倒灌。 ${M} `,
      place: `测试地点${marker}`,
      parties: [
        { name: `王测试${serial}`, side: 'applicant', phone: freshPhone(), id_number: idNumber('21090219800101123') },
        { name: `李测试${serial}`, side: 'respondent', phone: freshPhone() },
      ],
      ...extra,
    };
    const r = await api(D, { method: 'POST', token, body });
    assertStatus(r, 201);
    return Object.defineProperty(r.body, 'marker', { value: marker, enumerable: false });
  }
  make.marker = M;
  return make;
}

// Posts an action; returns the response.
export function actOn(api, id, token, body) {
  return api(`${D}/${id}/actions`, { method: 'POST', token, body });
}

// Posts an action that must succeed; returns the dispute after it.
export async function ok(api, id, token, body) {
  const r = await actOn(api, id, token, body);
  assertStatus(r, 200);
  return r.body;
}
