// The route × role matrix (docs/security.md): every route of `yiwang routes` — the route
// tables as the code declares them — called as every role, and without a login.
//
// - Without a login, every route that is not public answers 401.
// - A role the route does not name answers 403 before the handler runs (whatever the ids).
// - A role the route names reaches the handler: never 401, and 403 only where a finer rule
//   of the handler applies (the table FINER below, each with its reason).
// - Inside the caller's area a record is read; outside it the same route answers 404.
//
// A new route is covered the day it is added: the list comes from the binary itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, yiwang } from '../lib/server.mjs';
import { assertStatus, unitByName, stopClean } from '../lib/api-helpers.mjs';

// One demo login per role (each holds that role and no other the matrix needs to tell
// apart); roles without a demo login get a user made by the admin in before().
const AS = {
  admin: 'admin',
  agent: 'agent',
  leader: 'leader',
  unit_staff: 'zhujian',
  grid_member: 'grid01',
  mediator: 'mediator',
  congress_staff: 'congress',
  deputy: 'deputy01',
  party_secretary: 'dwf_branch',
  station_staff: null,
  party_member: 'member01',
};

// The permission table: who may call what, written here independently of the route
// tables, so that a route whose declared roles widen (or a new route nobody thought about)
// fails. Rows are tried in order against "METHOD pattern"; every route must match one.
const ANY = Object.keys(AS);
const APPEALS = ['admin', 'agent', 'leader', 'unit_staff'];
const GRID_READERS = ['admin', 'leader', 'unit_staff', 'grid_member', 'station_staff'];
const LV_READERS = ['admin', 'agent', 'leader', 'unit_staff', 'congress_staff', 'deputy'];
const PARTY_READERS = ['admin', 'leader', 'unit_staff', 'party_secretary', 'party_member', 'station_staff', 'grid_member'];
const PARTY_OFFICE = ['admin', 'leader', 'unit_staff', 'party_secretary'];
const PARTY_MANAGERS = ['admin', 'unit_staff', 'party_secretary'];
const PARTY_PUBLISHERS = ['admin', 'unit_staff', 'station_staff', 'grid_member', 'party_secretary'];
const POLICY = [
  // org: the unit tree, one's own session and inbox are everyone's business
  [/^(DELETE \/api\/v1\/sessions\/current|GET \/api\/v1\/(me|roles|units|units\/\{id\}))$/, ANY],
  [/^POST \/api\/v1\/users\/\{id\}\/password$/, ANY],
  [/^\w+ \/api\/v1\/(units|users|audit)\b/, ['admin']],
  // grants of sensitive roles that take a second admin, and the login log (audit/logins)
  [/^\w+ \/api\/v1\/role-grants\b/, ['admin']],
  [/^\w+ \/api\/v1\/notifications\b/, ANY],
  // 诉求办理
  [/^\w+ \/api\/v1\/(appeals|stats\/appeals)\b/, APPEALS],
  [/^\w+ \/api\/v1\/(categories|routing-rules|deadline-policies|calendar)\b/, ['admin']],
  // 纠纷化解: mediators work cases; agents register and read; leaders read and urge
  [/^(POST|PUT|PATCH|DELETE) \/api\/v1\/disputes\/(types|settings|centres)\b/, ['admin']],
  [/^GET \/api\/v1\/disputes\/settings$/, ['admin']],
  [/^GET \/api\/v1\/disputes\/desk$/, ['mediator']],
  [/^POST \/api\/v1\/disputes$/, ['agent', 'mediator']],
  [/^POST \/api\/v1\/disputes\/\{id\}\/actions$/, ['leader', 'mediator']],
  [/^GET \/api\/v1\/stats\/disputes\b/, ['admin', 'leader', 'mediator']],
  [/^GET \/api\/v1\/disputes\b/, ['admin', 'agent', 'leader', 'mediator']],
  // 三大调度 reviews: the assessing unit's staff enter values; organizers (admin or the
  // organizer unit's staff: finer, in the handler) write; the ranked units and leaders read
  [/^PUT \/api\/v1\/reviews\/periods\/\{id\}\/values$/, ['unit_staff']],
  [/^GET \/api\/v1\/reviews\/units$/, ['admin', 'unit_staff']],
  [/^(POST|PATCH|DELETE) \/api\/v1\/reviews\//, ['admin', 'unit_staff']],
  [/^GET \/api\/v1\/reviews\//, ['admin', 'leader', 'unit_staff']],
  // 社区治理 grid data: grids, households, patrols, figures (grid-base)
  [/^PUT \/api\/v1\/grid\/grids\/\{id\}$/, ['admin', 'unit_staff', 'station_staff']],
  [/^(POST|PATCH) \/api\/v1\/grid\/households(\/\{id\})?$/, ['grid_member', 'unit_staff', 'station_staff']],
  [/^(POST|PATCH) \/api\/v1\/grid\/places(\/\{id\})?$/, ['grid_member', 'unit_staff', 'station_staff']],
  [/^POST \/api\/v1\/grid\/households\/import$/, ['unit_staff', 'station_staff']],
  [/^POST \/api\/v1\/grid\/patrols$/, ['grid_member']],
  [/^PUT \/api\/v1\/grid\/score-weights$/, ['admin']],
  [/^GET \/api\/v1\/(grid\/(grids|households|places|patrols|score-weights)|stats\/grid)\b/, GRID_READERS],
  // 社区治理 grid events: members report in their grid; staff (stations, handling units)
  // work what they hold; leaders and admins read and urge; the city's admins edit the
  // category tree
  [/^POST \/api\/v1\/grid\/events$/, ['grid_member']],
  [/^(POST \/api\/v1\/grid\/events\/\{id\}\/photos|GET \/api\/v1\/grid\/tasks)$/, ['grid_member', 'unit_staff']],
  [/^(POST|PATCH) \/api\/v1\/grid\/categories\b/, ['admin']],
  [/^GET \/api\/v1\/grid\/dispatch-units$/, ['unit_staff']],
  [/^\w+ \/api\/v1\/grid\/(events|photos|categories)\b/, ['admin', 'grid_member', 'leader', 'unit_staff']],
  // 便民服务: station clerks register and serve; the hall (unit staff) completes proxies;
  // admins keep the catalogue; leaders read
  [/^GET \/api\/v1\/services\/items(\/\{id\})?$/, ANY],
  [/^GET \/api\/v1\/services\/items\.xlsx$/, ['admin', 'leader', 'unit_staff', 'station_staff']],
  [/^(POST|PUT|DELETE) \/api\/v1\/services\/(items|stations)\b/, ['admin']],
  [/^POST \/api\/v1\/services\/requests$/, ['station_staff']],
  [/^POST \/api\/v1\/services\/requests\/\{id\}\/actions$/, ['station_staff', 'unit_staff']],
  [/^GET \/api\/v1\/(services\/requests|stats\/services)\b/, ['admin', 'leader', 'unit_staff', 'station_staff']],
  [/^(POST|PATCH) \/api\/v1\/services\/enterprise\b/, ['admin', 'unit_staff', 'station_staff']],
  [/^GET \/api\/v1\/services\/enterprise\b/, ['admin', 'leader', 'unit_staff', 'station_staff']],
  // 民生实事
  [/^POST \/api\/v1\/livelihood\/sessions\/\{id\}\/ballots$/, ['deputy']],
  [/^POST \/api\/v1\/livelihood\/projects\/\{id\}\/(inspections|evaluation)$/, ['deputy']],
  [/^POST \/api\/v1\/livelihood\/projects\/\{id\}\/(milestones|photos|progress|inspections\/\{iid\}\/answer)$/, ['congress_staff', 'unit_staff']],
  [/^GET \/api\/v1\/livelihood\/sessions\/\{id\}\/roll$/, ['congress_staff']],
  [/^POST \/api\/v1\/livelihood\//, ['congress_staff']],
  [/^GET \/api\/v1\/livelihood\//, LV_READERS],
  // 智慧党建: the department and admins keep the tree; secretaries run their branch; members
  // sign in, claim and read their points; stations and grid members publish wishes and tasks
  [/^PUT \/api\/v1\/party\/rules$/, ['admin']],
  [/^(GET \/api\/v1\/party\/me|POST \/api\/v1\/party\/(me\/home|checkin))$/, ['party_member']],
  [/^(POST|PATCH) \/api\/v1\/party\/orgs\b/, ['admin', 'unit_staff']],
  [/^POST \/api\/v1\/party\/(wishes|tasks)\/\{id\}\/actions$/, [...PARTY_PUBLISHERS, 'party_member']],
  [/^POST \/api\/v1\/party\/(wishes|tasks)$/, PARTY_PUBLISHERS],
  [/^GET \/api\/v1\/party\/(orgs|orgs\/\{id\}|wishes|tasks|wishes\/\{id\}|tasks\/\{id\})$/, PARTY_READERS],
  [/^GET \/api\/v1\/party\/activities\/\{id\}\/qr$/, PARTY_MANAGERS],
  [/^GET \/api\/v1\/party\/(activities|points)\b/, [...PARTY_OFFICE, 'party_member']],
  [/^(POST|PATCH) \/api\/v1\/party\//, PARTY_MANAGERS],
  [/^GET \/api\/v1\/(party\/|stats\/party$)/, PARTY_OFFICE],
  // 项目库, 重点问题 and the leaders' cockpit (docs/projects.md)
  [/^(GET|PUT) \/api\/v1\/projects\/offices$/, ['admin']],
  [/^POST \/api\/v1\/projects\/\{id\}\/reports\/\{report_id\}\/key-issue$/, ['admin', 'leader', 'unit_staff']],
  [/^(POST|PATCH) \/api\/v1\/projects\b/, ['admin', 'unit_staff']],
  [/^GET \/api\/v1\/(projects|stats\/projects)\b/, ['admin', 'leader', 'unit_staff']],
  [/^(POST \/api\/v1\/key-issues|GET \/api\/v1\/key-issues\/people)$/, ['admin', 'leader', 'unit_staff']],
  [/^GET \/api\/v1\/key-issues\/desk$/, ['leader']],
  [/^\w+ \/api\/v1\/key-issues\b/, ANY],
  [/^GET \/api\/v1\/cockpit$/, ['admin', 'leader']],
];

// Handler rules finer than the route's roles: an allowed role may still get 403 here.
const FINER = {
  // Changing another user's password takes an admin; the route is open to everyone for
  // their own password.
  'POST /api/v1/users/{id}/password': 'only one\'s own password without the admin role',
  // 社区治理 grid data: the score weights are city-wide, set by an admin of the city.
  'PUT /api/v1/grid/score-weights': 'a city admin only',
  // A request is registered at a service station (a village, community, township or
  // county unit); the matrix's station clerk sits at the city.
  'POST /api/v1/services/requests': 'only a clerk of a service station registers requests',
  // Enterprise service is registered within a county; the matrix's users sit at the city.
  'POST /api/v1/services/enterprise': 'only a unit within a county registers enterprise service',
  // 智慧党建 (docs/party.md): the tree is the organization department's (or an admin's), not
  // every unit's staff; a member's and an activity's records are their org's secretary's;
  // claiming takes a member, confirming the wish's community; the rules a city admin.
  'POST /api/v1/party/orgs': 'the organization department or an admin',
  'PATCH /api/v1/party/orgs/{id}': 'the organization department or an admin',
  'POST /api/v1/party/members': 'the org\'s secretary or the organization department',
  'PATCH /api/v1/party/members/{id}': 'the org\'s secretary or the organization department',
  'POST /api/v1/party/members/{id}/transfer': 'the sending org\'s secretary or the department',
  'POST /api/v1/party/members/{id}/accept': 'the receiving org\'s secretary or the department',
  'POST /api/v1/party/members/{id}/dues': 'the org\'s secretary or the organization department',
  'POST /api/v1/party/activities': 'the org\'s secretary or the organization department',
  'POST /api/v1/party/activities/{id}/attendance': 'the org\'s secretary or the department',
  'GET /api/v1/party/activities/{id}/qr': 'the org\'s secretary or the organization department',
  'POST /api/v1/party/wishes/{id}/actions': 'claim: a member; fulfil: the wish\'s community, never the claimer',
  'POST /api/v1/party/tasks/{id}/actions': 'claim: a member; fulfil: the task\'s community, never the claimer',
  'PUT /api/v1/party/rules': 'a city admin',
  // Staff register key issues only in an office with the key_issues duty (the supervision
  // office), or from a project's problem in one with the projects duty.
  'POST /api/v1/key-issues': 'staff outside the supervision office do not register key issues',
  'POST /api/v1/projects/{id}/reports/{report_id}/key-issue': 'staff outside the offices do not make key issues',
  // County staff register and report for their own county only.
  'POST /api/v1/projects': 'a county outside the caller\'s own',
  // Close is the lead leader's alone; instruct too.
  'POST /api/v1/key-issues/{id}/actions': 'close and instruct only by the lead leader',
};

const NOWHERE = '999999999';
function concrete(pattern) {
  return pattern
    .replace('{date}', '2099-01-01')
    .replace('{number}', 'FX20990101000001')
    .replace('{year}', '2099')
    .replace('{code}', 'NOPE')
    .replace(/\{rest\*\}/, 'nothing/here')
    .replace(/\{[a-z_]+\}/g, NOWHERE);
}

let srv, api;
const routes = yiwang(['routes']).trim().split('\n').map((l) => JSON.parse(l));
const T = {};

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  T.admin = await login(api, 'admin');
  const city = (await api('/api/v1/units?kind=city', { token: T.admin })).body.items[0];
  for (const role of Object.keys(AS)) {
    if (AS[role]) continue;
    const username = `matrix_${role}`;
    const r = await api('/api/v1/users', {
      method: 'POST', token: T.admin,
      body: { username, display_name: `矩阵${role}`, unit_id: city.id, roles: [role], password: 'Matrix-pass-2026' },
    });
    assertStatus(r, 201);
    AS[role] = { username, password: 'Matrix-pass-2026' };
  }
  for (const [role, who] of Object.entries(AS)) {
    T[role] = typeof who === 'string' ? await login(api, who) : await login(api, who.username, who.password);
  }
});

after(() => stopClean(srv));

async function call(route, token) {
  const opts = { method: route.method === '*' ? 'GET' : route.method, token };
  if (['POST', 'PUT', 'PATCH'].includes(opts.method)) opts.body = {};
  return api(concrete(route.pattern), opts);
}

test('the route table names roles for every route that is not public', () => {
  assert.ok(routes.length > 50, `${routes.length} routes`);
  for (const r of routes) {
    if (!r.public) assert.ok(r.roles.length > 0, `${r.method} ${r.pattern} names no role`);
  }
});

test('every route is in the permission table, and declares exactly the roles it gives', () => {
  const wrong = [];
  for (const r of routes.filter((x) => !x.public)) {
    const key = `${r.method} ${r.pattern}`;
    const row = POLICY.find(([re]) => re.test(key));
    if (!row) { wrong.push(`${key}: missing from the permission table`); continue; }
    const want = [...row[1]].sort().join(',');
    const have = [...r.roles].sort().join(',');
    if (want !== have) wrong.push(`${key}: declares ${have}, the table says ${want}`);
  }
  assert.deepEqual(wrong, []);
});

test('without a login every route that is not public answers 401', async () => {
  for (const r of routes.filter((x) => !x.public)) {
    const res = await call(r);
    assert.equal(res.status, 401, `${r.method} ${r.pattern}: ${res.status} ${res.text}`);
  }
});

test('every route as every role: 403 exactly for the roles it does not name', async () => {
  const seen = [];
  const wrong = [];
  for (const r of routes.filter((x) => !x.public)) {
    // Logging out ends the session the matrix uses: it gets a session of its own.
    const logout = r.method === 'DELETE' && r.pattern === '/api/v1/sessions/current';
    for (const role of Object.keys(AS)) {
      const who = AS[role];
      const token = logout
        ? (typeof who === 'string' ? await login(api, who) : await login(api, who.username, who.password))
        : T[role];
      const res = await call(r, token);
      const key = `${r.method} ${r.pattern}`;
      if (!r.roles.includes(role)) {
        if (res.status !== 403) wrong.push(`${key} as ${role} (not named): ${res.status} ${res.text}`);
      } else if (res.status === 401 || res.status >= 500 || (res.status === 403 && !FINER[key])) {
        wrong.push(`${key} as ${role} (named): ${res.status} ${res.text}`);
      }
      seen.push(key);
    }
  }
  assert.deepEqual(wrong, []);
  assert.equal(seen.length, routes.filter((x) => !x.public).length * Object.keys(AS).length);
});

test('public routes answer without a login and never with 401 or a 5xx', async () => {
  for (const r of routes.filter((x) => x.public)) {
    const res = await call(r);
    assert.notEqual(res.status, 401, `${r.method} ${r.pattern}`);
    assert.ok(res.status < 500, `${r.method} ${r.pattern}: ${res.status} ${res.text}`);
  }
});

test('inside the area a record is read; outside it the same route answers 404', async () => {
  const haizhou = await login(api, 'haizhou');
  const xihe = await login(api, 'xihe');
  const hzUnit = await unitByName(api, T.admin, '海州区');
  const xhUnit = await unitByName(api, T.admin, '细河区');
  // Units: each county reads its own, not the other's.
  assertStatus(await api(`/api/v1/units/${hzUnit.id}`, { token: haizhou }), 200);
  assert.equal((await api(`/api/v1/units/${xhUnit.id}`, { token: haizhou })).status, 404);
  assertStatus(await api(`/api/v1/units/${xhUnit.id}`, { token: xihe }), 200);
  // Appeals: one located and handled in 细河区.
  const a = await api('/api/v1/appeals', {
    method: 'POST', token: T.agent, body: { content: '矩阵测试：细河区路灯不亮', channel: '8890', type: 'complaint', region_code: '210911' },
  });
  assertStatus(a, 201);
  assertStatus(await api(`/api/v1/appeals/${a.body.id}`, { token: xihe }), 200);
  assert.equal((await api(`/api/v1/appeals/${a.body.id}`, { token: haizhou })).status, 404);
  const urge = await api(`/api/v1/appeals/${a.body.id}/actions`, { method: 'POST', token: haizhou, body: { action: 'sign' } });
  assert.equal(urge.status, 404, urge.text);
});
