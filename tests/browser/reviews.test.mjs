// Browser test of the 三大调度 review screens against the real server and the demo's cards:
// the supervision office reads a closed monthly league table (ranks, grades and arrows as
// the API has them, the host proposal), the finance bureau enters a township's value on
// the quarterly draft and the card recomputes, a county drills down from its own overdue
// count, and a unit's history draws its chart. Screenshots go to test-results/ (or
// YIWANG_SCREENSHOTS).
//
//   node --test tests/browser/reviews.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YIWANG_SCREENSHOTS || 'test-results';
const WAIT = 15000;
const DESKTOP = { width: 1440, height: 900 };

let server, browser, api, T = {};

before(async () => {
  server = await startServer();
  api = client(server.url);
  for (const u of ['ducha', 'caizheng', 'haizhou']) T[u] = await apiLogin(api, u);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function openPage(username) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  await page.goto(server.url + '/#/login');
  await page.locator('input[data-test=login-username]').fill(username);
  await page.locator('input[data-test=login-password]').fill(demoPassword);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=home]').waitFor();
  return { context, page, problems };
}

async function shot(page, name) {
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function schemeNamed(name, token = T.ducha) {
  const r = await api('/api/v1/reviews/schemes', { token });
  assert.equal(r.status, 200);
  const s = r.body.items.find((x) => x.name === name);
  assert.ok(s, `scheme ${name}`);
  return s;
}

test('the league table of a closed month: ranks, grades, arrows and the host as the API has them', async () => {
  const s = await schemeNamed('单月调度稳定');
  const closed = s.periods_list.find((p) => p.status === 'closed');
  const card = (await api(`/api/v1/reviews/periods/${closed.id}`, { token: T.ducha })).body;
  const { context, page, problems } = await openPage('ducha');
  await page.locator('[data-test=nav-reviews]').click();
  await page.locator('[data-test=rv-schemes]').waitFor();
  await shot(page, 'reviews-schemes');
  await page.goto(`${server.url}/#/reviews/periods/${closed.id}`);
  const league = page.locator('[data-test=rv-league]');
  await league.waitFor();
  await page.locator('[data-test=rv-rank]').first().waitFor();
  // Element Plus renders fixed columns twice; the main table body holds one row per unit.
  const rows = league.locator('.el-table__body-wrapper tbody tr');
  assert.equal(await rows.count(), card.items.length);
  const ranks = await rows.locator('[data-test=rv-rank]').allTextContents();
  assert.deepEqual(ranks.map(Number), card.items.map((i) => i.rank));
  const grades = await rows.locator('[data-test=rv-grade]').allTextContents();
  assert.deepEqual(grades.map((g) => g.trim()), card.items.map((i) => i.grade));
  const ups = card.items.filter((i) => i.rank_delta > 0).length;
  const downs = card.items.filter((i) => i.rank_delta < 0).length;
  assert.equal(await rows.locator('[data-test=rv-arrow][data-dir=up]').count(), ups);
  assert.equal(await rows.locator('[data-test=rv-arrow][data-dir=down]').count(), downs);
  assert.equal((await page.locator('[data-test=rv-status]').getAttribute('data-status')), 'closed');
  assert.equal((await page.locator('[data-test=rv-host-proposal]').textContent()).trim(), card.host_proposal.unit_name);
  await shot(page, 'reviews-league');
  // A unit's history: the chart draws.
  await rows.first().locator('[data-test=rv-unit]').click();
  await page.locator('[data-test=rv-history-chart] canvas').waitFor();
  await shot(page, 'reviews-history');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the finance bureau enters a value on the township draft and the card recomputes', async () => {
  const s = await schemeNamed('季度调度乡镇', T.caizheng);
  const draft = s.periods_list.find((p) => p.status === 'draft');
  const { context, page, problems } = await openPage('caizheng');
  await page.goto(`${server.url}/#/reviews/periods/${draft.id}`);
  const league = page.locator('[data-test=rv-league]');
  await league.waitFor();
  const first = league.locator('.el-table__body-wrapper tbody tr').first();
  const unitName = (await first.locator('[data-test=rv-unit]').textContent()).trim();
  const input = first.locator('[data-test=rv-entry] input');
  await input.fill('61.5');
  await input.press('Tab');
  await page.locator('[data-test=rv-save-values]').click();
  await page.locator('.el-message--success').waitFor();
  const card = (await api(`/api/v1/reviews/periods/${draft.id}`, { token: T.caizheng })).body;
  const it = card.items.find((i) => i.unit_name === unitName);
  assert.equal(it.values['财务管理'].raw, 61.5);
  await shot(page, 'reviews-entry');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a county drills down from its own overdue count to the appeals behind it', async () => {
  const s = await schemeNamed('单月调度稳定', T.haizhou);
  const closed = s.periods_list.filter((p) => p.status === 'closed')[0];
  const { context, page, problems } = await openPage('haizhou');
  await page.goto(`${server.url}/#/reviews/periods/${closed.id}`);
  const league = page.locator('[data-test=rv-league]');
  await league.waitFor();
  const row = league.locator('.el-table__body-wrapper tbody tr', { hasText: '海州区' });
  // The drill links in order of the indicators; 超期件数 is the fourth computed one.
  await row.locator('[data-test=rv-drill]').nth(3).click();
  const dialog = page.locator('[data-test=rv-drill-dialog]');
  await dialog.locator('.el-dialog__title').waitFor();
  assert.match(await dialog.locator('.el-dialog__title').textContent(), /海州区 · 超期的诉求/);
  await shot(page, 'reviews-drill');
  assert.deepEqual(problems, []);
  await context.close();
});

// Picks the first option matching text in an open Element Plus select (a UnitSelect searches).
async function pickOption(page, select, text) {
  await select.click();
  const input = select.locator('input');
  await input.pressSequentially(text);
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

test('the organizer edits a draft scheme\'s units with the unit picker; a closed scheme locks all but the name', async () => {
  const unit = async (name) => (await api(`/api/v1/reviews/units?q=${encodeURIComponent(name)}`, { token: T.ducha })).body.items.find((u) => u.name === name);
  const hz = await unit('海州区'), xh = await unit('细河区');
  const name = `浏览器编辑方案${Date.now()}`;
  const made = await api('/api/v1/reviews/schemes', { method: 'POST', token: T.ducha, body: { name, cadence: 'monthly', unit_ids: [hz.id, xh.id],
    indicators: [{ name: '响应率', source: 'computed', metric: 'appeal_response_rate', weight: 100 }] } });
  assert.equal(made.status, 201);
  const { context, page, problems } = await openPage('ducha');
  await page.goto(`${server.url}/#/reviews`);
  const row = page.locator('[data-test=rv-schemes] .el-table__body-wrapper tbody tr', { hasText: name });
  await row.locator('[data-test=rv-edit]').click();
  const dialog = page.locator('[data-test=rv-editor]');
  await dialog.locator('[data-test=rv-unit-tag]').first().waitFor();
  assert.deepEqual((await dialog.locator('[data-test=rv-unit-tag]').allTextContents()).map((t) => t.trim()), ['海州区', '细河区']);
  await pickOption(page, dialog.locator('[data-test=rv-unit-add]'), '太平区');
  await dialog.locator('[data-test=rv-unit-tag]', { hasText: '太平区' }).waitFor();
  await shot(page, 'reviews-scheme-editor');
  await dialog.locator('[data-test=rv-save]').click();
  await page.locator('.el-message--success').waitFor();
  const after = (await api(`/api/v1/reviews/schemes/${made.body.id}`, { token: T.ducha })).body;
  assert.deepEqual(after.units.map((u) => u.name).sort(), ['太平区', '海州区', '细河区'].sort());
  // The demo's monthly scheme has closed periods: the editor says so and offers the name only.
  await page.goto(`${server.url}/#/reviews`);
  await page.locator('[data-test=rv-schemes] .el-table__body-wrapper tbody tr', { hasText: '单月调度稳定' }).first().locator('[data-test=rv-edit]').click();
  await page.locator('[data-test=rv-locked]').waitFor();
  assert.equal(await page.locator('[data-test=rv-editor] [data-test=rv-unit-add]').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a meeting is recorded with the confirmed host, and its decision raised as a key issue', async () => {
  const s = await schemeNamed('单月调度稳定');
  const { context, page, problems } = await openPage('ducha');
  await page.goto(`${server.url}/#/reviews`);
  await page.locator('[data-test=rv-schemes] .el-table__body-wrapper tbody tr', { hasText: '单月调度稳定' }).first().locator('[data-test=rv-meetings]').click();
  await page.locator('[data-test=review-meetings]').waitFor();
  await page.locator('[data-test=rm-new]').click();
  const dialog = page.locator('[data-test=rm-editor]');
  const title = `浏览器调度会${Date.now()}`;
  await dialog.locator('input[data-test=rm-title]').fill(title);
  await dialog.locator('[data-test=rm-add-dec]').click();
  const dec = dialog.locator('[data-test=rm-dec]').first();
  await dec.locator('input').first().fill('冬季供暖投诉集中，列为重点问题');
  await dec.locator('.el-select').first().click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '重点问题' }).click();
  await dialog.locator('[data-test=rm-save]').click();
  await page.locator('.el-message--success').waitFor();
  const list = (await api(`/api/v1/reviews/schemes/${s.id}/meetings`, { token: T.ducha })).body.items;
  const m = list.find((x) => x.title === title);
  assert.ok(m, 'the meeting is saved');
  const hosted = s.periods_list.find((p) => p.host_unit_id);
  if (hosted) assert.equal(m.host_unit_id, hosted.host_unit_id);
  const block = page.locator('[data-test=rm-meeting]', { hasText: title });
  await block.locator('[data-test=rm-raise]').click();
  const raise = page.locator('[data-test=rm-raise-dialog]');
  await raise.locator('[data-test=rm-leader]').click();
  await page.locator('.el-select-dropdown__item:visible').first().click();
  await raise.locator('[data-test=rm-raise-save]').click();
  await block.locator('[data-test=rm-ki-link]').waitFor();
  const linked = (await api(`/api/v1/reviews/meetings/${m.id}`, { token: T.ducha })).body;
  const kid = linked.decisions[0].key_issue_id;
  assert.ok(kid);
  const ki = await api(`/api/v1/key-issues/${kid}`, { token: T.ducha });
  assert.equal(ki.status, 200);
  assert.equal(ki.body.title, '冬季供暖投诉集中，列为重点问题');
  await shot(page, 'reviews-meetings');
  assert.deepEqual(problems, []);
  await context.close();
});
