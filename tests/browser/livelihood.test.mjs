// Browser test of 民生实事 against the real server: congress staff open a ballot session
// through the API, a deputy on a tablet casts a ballot through the session-hall screen
// (at most N choices, a receipt shown), the chair's live count moves, the result screen
// after the close shows the count and the receipt among the published ones; the board
// charts the demo's 2021 projects and the public page shows them without login.
//
//   node --test tests/browser/livelihood.test.mjs
//
// Environment as tests/browser/ui.test.mjs: YIWANG_BIN, CHROMIUM, YIWANG_SCREENSHOTS=DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YIWANG_SCREENSHOTS || '';
const WAIT = 15000;
const TABLET = { width: 1024, height: 768 };
const DESKTOP = { width: 1366, height: 860 };
const LV = '/api/v1/livelihood';

let server, browser, api, congress;
const cands = [];
let sessionId;

before(async () => {
  server = await startServer();
  api = client(server.url);
  congress = await apiLogin(api, 'congress');
  const lead = (await api('/api/v1/units?q=' + encodeURIComponent('阜新市交通运输局'), { token: congress })).body.items[0];
  for (const title of ['浏览器测试：城区公厕改造', '浏览器测试：社区食堂', '浏览器测试：口袋公园']) {
    const r = await api(`${LV}/candidates`, { method: 'POST', token: congress, body: { title, description: '浏览器测试候选项目', budget_wan: 500, lead_unit_id: lead.id, year: 2043 } });
    assert.equal(r.status, 201, r.text);
    cands.push(r.body.id);
  }
  const s = await api(`${LV}/sessions`, { method: 'POST', token: congress, body: { title: '浏览器测试票决', year: 2043, seats: 2, candidate_ids: cands } });
  assert.equal(s.status, 201, s.text);
  sessionId = s.body.id;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function openPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', hasTouch: viewport === TABLET });
  // A breach of the pages' Content-Security-Policy is a problem like any console error.
  await context.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)));
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { context, page, check: () => problems };
}

async function shot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function loginAs(page, username) {
  await page.goto(server.url + '/#/login');
  await page.locator('input[data-test=login-username]').fill(username);
  await page.locator('input[data-test=login-password]').fill(demoPassword);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=home]').waitFor();
}

async function expectText(locator, want, what) {
  const deadline = Date.now() + WAIT;
  let last = '(not found)';
  for (;;) {
    try {
      if (await locator.count()) {
        last = ((await locator.first().textContent()) || '').replace(/\s+/g, ' ').trim();
        if (want instanceof RegExp ? want.test(last) : last === want) return last;
      }
    } catch { /* re-rendering */ }
    if (Date.now() > deadline) assert.fail(`${what}: expected ${want}, saw "${last}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the chair opens the session; a deputy on a tablet casts a ballot and gets a receipt; the result after the close', async () => {
  const chair = await openPage(DESKTOP);
  const deputy = await openPage(TABLET);
  try {
    // The chair opens the session from its screen and watches the live count.
    await loginAs(chair.page, 'congress');
    await chair.page.goto(`${server.url}/#/livelihood/sessions/${sessionId}`);
    await expectText(chair.page.locator('[data-test=lv-session-status]'), '草稿', 'draft status');
    await chair.page.locator('[data-test=lv-open]').click();
    await expectText(chair.page.locator('[data-test=lv-session-status]'), '投票中', 'open status');
    await expectText(chair.page.locator('[data-test=lv-ballots-cast]'), '0', 'no ballots yet');

    // The deputy finds the open session in the navigation and enters it.
    await loginAs(deputy.page, 'deputy07');
    await deputy.page.locator('[data-test=nav-lv-sessions]').first().click();
    await deputy.page.locator(`[data-test=lv-enter-${sessionId}]`).click();
    await deputy.page.locator('[data-test=lv-ballot]').waitFor();
    await shot(deputy.page, 'lv-ballot-tablet');
    // At most two of three: the third tap does nothing.
    await deputy.page.locator(`[data-test=lv-option-${cands[0]}]`).tap();
    await deputy.page.locator(`[data-test=lv-option-${cands[2]}]`).tap();
    await deputy.page.locator(`[data-test=lv-option-${cands[1]}]`).tap();
    await expectText(deputy.page.locator('[data-test=lv-chosen]'), '已选 2 / 2', 'two chosen');
    // Untap one and choose another: still two.
    await deputy.page.locator(`[data-test=lv-option-${cands[2]}]`).tap();
    await deputy.page.locator(`[data-test=lv-option-${cands[1]}]`).tap();
    await expectText(deputy.page.locator('[data-test=lv-chosen]'), '已选 2 / 2', 'two chosen again');
    await deputy.page.locator('[data-test=lv-cast]').click();
    await deputy.page.locator('.el-message-box__btns .el-button--primary').click();
    const receipt = await expectText(deputy.page.locator('[data-test=lv-receipt]'), /^[0-9a-f]{32}$/, 'receipt shown');
    await shot(deputy.page, 'lv-receipt-tablet');
    assert.equal(await deputy.page.locator('[data-test=lv-ballot]').count(), 0, 'no second ballot offered');

    // The chair's count moves (ballots, not votes).
    await expectText(chair.page.locator('[data-test=lv-ballots-cast]'), '1', 'live count');
    assert.equal(await chair.page.locator('[data-test=lv-result]').count(), 0, 'no result before the close');

    // The server has the ballot exactly as cast, but shows it to nobody before the close.
    const early = await api(`${LV}/sessions/${sessionId}/result`, { token: congress });
    assert.equal(early.status, 409);

    // 21 more deputies vote through the API so that cands[0] is elected.
    for (let i = 1; i <= 21; i++) {
      if (i === 7) continue;
      const tok = await apiLogin(api, `deputy${String(i).padStart(2, '0')}`);
      const r = await api(`${LV}/sessions/${sessionId}/ballots`, { method: 'POST', token: tok, body: { candidate_ids: [cands[0]] } });
      assert.equal(r.status, 201, r.text);
    }
    await chair.page.locator('[data-test=lv-close]').click();
    await chair.page.locator('.el-message-box__btns .el-button--primary').click();
    await chair.page.locator('[data-test=lv-result]').waitFor();
    await expectText(chair.page.locator('[data-test=lv-result-table] .el-table__body tr').first(), /浏览器测试：城区公厕改造.*21.*当选/, 'winner first');
    await shot(chair.page, 'lv-result');

    // The deputy finds their receipt among the published ones with the choices cast.
    const pub = await api(`${LV}/sessions/${sessionId}/receipts`);
    const mine = pub.body.items.find((x) => x.receipt === receipt);
    assert.ok(mine, 'receipt published');
    assert.deepEqual(mine.candidate_ids, [cands[0], cands[1]].sort((a, b) => a - b));
    assert.deepEqual(chair.check(), []);
    assert.deepEqual(deputy.check(), []);
  } finally {
    await chair.context.close();
    await deputy.context.close();
  }
});

test('the board charts the year against its time nodes; the public page shows the projects without login', async () => {
  const { context, page, check } = await openPage(DESKTOP);
  try {
    await loginAs(page, 'leader');
    await page.locator('[data-test=nav-lv-board]').first().click();
    await page.locator('[data-test=lv-board-chart] canvas').waitFor();
    await expectText(page.locator('[data-test=lv-board-table] .el-table__body'), /老旧小区改造/, 'board lists 2021 projects');
    await shot(page, 'lv-board');
    await page.locator('[data-test=lv-board-table] .el-table__body tr', { hasText: '农村公路建设' }).click();
    await page.locator('[data-test=lv-milestones]').waitFor();
    await expectText(page.locator('[data-test=lv-project] .card-title').first(), '农村公路建设', 'project detail');
    await context.clearCookies();
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${server.url}/#/public/livelihood`);
    await expectText(page.locator('[data-test=public-livelihood] h2').first(), /2021 年民生实事项目/, 'public year');
    assert.equal(await page.locator('[data-test=public-lv-project]').count(), 10);
    await shot(page, 'lv-public');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('an agent turns an appeal into a proposal of the open collection', async () => {
  const agent = await apiLogin(api, 'agent');
  const ap = await api('/api/v1/appeals', { method: 'POST', token: agent, body: { content: '浏览器测试：建议在新区修建一座社区图书馆，方便孩子课后阅读', contact_phone: '13800002222', region_code: '210902006000' } });
  assert.equal(ap.status, 201, ap.text);
  const { context, page, check } = await openPage(DESKTOP);
  try {
    await loginAs(page, 'agent');
    await page.locator('[data-test=nav-lv-proposals]').first().click();
    await page.locator('[data-test=lv-new-proposal]').click();
    await page.locator('input[data-test=lv-new-appeal]').fill(ap.body.number);
    await page.locator('.el-dialog__footer .el-button--primary:visible').click();
    await expectText(page.locator('[data-test=lv-proposal-table] .el-table__body'), /社区图书馆/, 'converted proposal listed');
    const r = await api('/api/v1/livelihood/proposals?q=' + encodeURIComponent('社区图书馆'), { token: congress });
    const p = r.body.items.find((x) => x.appeal_id === ap.body.id);
    assert.ok(p, 'proposal linked to the appeal');
    assert.equal(p.channel, 'appeal');
    assert.equal(p.year, 2027);
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});
