// Browser test of the appeal screens (诉求办理) against the real server: one appeal taken
// from the citizens' page on a phone through the agent's workbench, the housing bureau's
// inbox, review, the citizen's rating, and the detail's timeline; plus the caller history,
// duplicates and merge at intake, the agent's one-click revisit, the notification bell,
// the search list and the statistics with the Excel export.
//
//   node --test tests/browser/appeals.test.mjs
//
// Environment as tests/browser/ui.test.mjs: YIWANG_BIN, CHROMIUM, YIWANG_SCREENSHOTS=DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YIWANG_SCREENSHOTS || '';
const WAIT = 15000;
const DESKTOP = { width: 1366, height: 860 };
const PHONE = { width: 375, height: 740 };
const HOUSING = '阜新市住房和城乡建设局';

let server;
let browser;
let api;
let agentToken;

before(async () => {
  server = await startServer();
  api = client(server.url);
  agentToken = await apiLogin(api, 'agent');
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

// A fresh context (own sessionStorage); collects page errors, console errors (other than
// the 401/403 resource loads) and 5xx answers, which each test insists are absent.
async function openPage(viewport, opts = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true, ...opts });
  // A breach of the pages' Content-Security-Policy is a problem like any console error.
  await context.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)));
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  // A citizen's lookup that finds nothing is the server's 404, which the browser logs as a
  // console error; those are expected (as many as such answers), any other 404 is not.
  let console404 = 0;
  let lookup404 = 0;
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error' || /status of 40[13]/.test(m.text())) return;
    if (/status of 404/.test(m.text())) console404++;
    else problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
    if (r.status() === 404 && /\/api\/v1\/public\/appeals\/[^/]+\?phone=/.test(r.url())) lookup404++;
  });
  const check = () => (console404 > lookup404 ? [...problems, `${console404 - lookup404} unexpected 404 answers`] : problems);
  return { context, page, check };
}

async function shot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function expectText(locator, want, what) {
  const ok = (s) => (typeof want === 'string' ? s === want : want instanceof RegExp ? want.test(s) : want(s));
  const deadline = Date.now() + WAIT;
  let last = '(not found)';
  for (;;) {
    try {
      if (await locator.count()) {
        last = ((await locator.first().textContent()) || '').replace(/\s+/g, ' ').trim();
        if (ok(last)) return last;
      }
    } catch { /* re-rendering */ }
    if (Date.now() > deadline) assert.fail(`${what}: expected ${want}, saw "${last}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Polls fn() until it returns a truthy value; fails with what() after WAIT.
async function eventually(fn, what) {
  const deadline = Date.now() + WAIT;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function noSidewaysScroll(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  const vw = page.viewportSize().width;
  assert.ok(w <= vw, `${what}: page is ${w}px wide on a ${vw}px screen`);
}

async function loginAs(page, username) {
  await page.goto(server.url + '/#/login');
  await page.locator('input[data-test=login-username]').fill(username);
  await page.locator('input[data-test=login-password]').fill(demoPassword);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=home]').waitFor();
}

// The appeal as the agent sees it through the API (the test's independent check).
async function appealByNumber(number) {
  const r = await api(`/api/v1/appeals?q=${encodeURIComponent(number)}&per_page=5`, { token: agentToken });
  assert.equal(r.status, 200, `list by number: ${r.status} ${r.text}`);
  const hit = r.body.items.find((a) => a.number === number);
  assert.ok(hit, `appeal ${number} found by the agent`);
  const full = await api(`/api/v1/appeals/${hit.id}`, { token: agentToken });
  assert.equal(full.status, 200);
  return full.body;
}

async function waitStatus(number, status) {
  return eventually(async () => {
    const a = await appealByNumber(number);
    return a.status === status ? a : null;
  }, `${number} reaches ${status}`);
}

// Picks a unit in an open UnitSelect by typing its name and choosing the exact entry.
async function pickUnit(page, select, name) {
  await select.click();
  await page.keyboard.type(name.slice(0, 6));
  const item = page.locator('.el-select-dropdown__item:visible', { has: page.locator('.unit-option-name', { hasText: new RegExp(`^${name}$`) }) });
  await item.first().click();
}

const queueRow = (page, number) => page.locator('[data-test^=queue-] .el-table__body-wrapper tr', { hasText: number });
const inboxRow = (page, number) => page.locator('[data-test=inbox-table] .el-table__body-wrapper tr', { hasText: number });

const CITIZEN_PHONE = '13912345678';
const CONTENT = '浏览器测试：我家暖气片一直不热，室温只有十四度，家里有老人，请尽快处理。';
let number = null; // the citizen's appeal, shared by the steps below

test('a citizen on a phone submits an appeal without logging in and looks it up', async () => {
  const { context, page, check } = await openPage(PHONE);
  try {
    // The login page links to the citizens' page.
    await page.goto(server.url + '/');
    await page.waitForURL(/#\/login/);
    await page.locator('[data-test=login-public-appeal]').click();
    await page.waitForURL(/#\/public\/appeal/);
    await page.locator('textarea[data-test=public-content]').waitFor();
    await noSidewaysScroll(page, 'citizen form');
    await shot(page, 'public-form-phone');

    // Required fields: nothing is sent without content and phone.
    await page.locator('[data-test=public-submit]').click();
    await expectText(page.locator('.el-form-item__error'), /请填写诉求内容|请填写手机号码/, 'required-field message');

    await page.locator('textarea[data-test=public-content]').fill(CONTENT);
    await page.locator('[data-test=public-type-complaint]').click();
    await page.locator('input[data-test=public-name]').fill('浏览器张先生');
    await page.locator('input[data-test=public-phone]').fill(CITIZEN_PHONE);
    await page.locator('input[data-test=public-address]').fill('海州区中华路 12 号 3 单元');
    await page.locator('[data-test=public-submit]').click();

    number = await expectText(page.locator('[data-test=public-number]'), /^FX\d{14}$/, 'number shown after submitting');
    await page.locator('[data-test=public-copy]').click();
    await expectText(page.locator('[data-test=public-copy]'), '已复制', 'copy button');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('yiwang.token')), null, 'no login involved');
    await noSidewaysScroll(page, 'citizen result');
    await shot(page, 'public-created-phone');

    // The server has it, as the citizen typed it, from the web channel.
    const a = await appealByNumber(number);
    assert.equal(a.status, 'intake');
    assert.equal(a.channel, 'web');
    assert.equal(a.type, 'complaint');
    assert.equal(a.content, CONTENT);
    assert.equal(a.contact_phone, CITIZEN_PHONE);
    assert.equal(a.contact_name, '浏览器张先生');

    // Look it up by number and phone.
    await page.locator('[data-test=public-goto-lookup]').click();
    await expectText(page.locator('[data-test=lookup-status]'), '待派单', 'status by lookup');
    // A wrong phone finds nothing.
    await page.locator('input[data-test=lookup-phone]').fill('13000000000');
    await page.locator('[data-test=lookup-submit]').click();
    await expectText(page.locator('[data-test=lookup-error]'), /没有找到/, 'wrong phone');
    await shot(page, 'public-lookup-phone');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('agent workbench: keyboard intake with caller history and merge, then dispatch from 待派单', async () => {
  assert.ok(number, 'the citizen step ran');
  const { context, page, check } = await openPage(DESKTOP);
  try {
    await loginAs(page, 'agent');
    await page.locator('[data-test=nav-workbench]').click();
    await page.waitForURL(/#\/appeals\/workbench/);

    // The phone field has the focus; typing the number shows the caller's history.
    const phone = page.locator('input[data-test=wb-phone]');
    await eventually(() => phone.evaluate((el) => el === document.activeElement), 'phone field focused');
    await page.keyboard.type(CITIZEN_PHONE);
    await page.locator(`[data-test=wb-history-item][data-number="${number}"]`).waitFor();

    // Tab order: phone → name → content → type → category → address → urgent.
    const order = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        let el = document.activeElement;
        while (el && !el.getAttribute('data-test')) el = el.parentElement;
        return el ? el.getAttribute('data-test') : null;
      }));
    }
    assert.deepEqual(order, ['wb-name', 'wb-content', 'wb-type', 'wb-category', 'wb-address', 'wb-urgent'], 'tab order');
    await phone.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type('张先生');
    await page.keyboard.press('Tab');
    await page.keyboard.type('再次来电：暖气还是不热，询问何时上门。');
    await shot(page, 'workbench-typing-desktop');
    await page.keyboard.press('Control+Enter');

    // The new appeal: its number, the citizen's appeal as a duplicate (same phone).
    const created = page.locator('[data-test=wb-created]');
    const second = await expectText(created.locator('[data-test=wb-created-number]'), (s) => /^FX\d{14}$/.test(s) && s !== number, 'created number');
    await created.locator(`[data-test=wb-duplicate]`).first().waitFor();
    const dupRow = created.locator('[data-test=wb-duplicate]', { hasText: number });
    await dupRow.waitFor();
    // The form is reset for the next call, focus back on the phone field.
    assert.equal(await phone.inputValue(), '', 'form reset');
    await eventually(() => phone.evaluate((el) => el === document.activeElement), 'phone field focused again');
    const s2 = await appealByNumber(second);
    assert.equal(s2.channel, '8890', 'default channel');
    assert.equal(s2.contact_phone, CITIZEN_PHONE);
    assert.equal(s2.contact_name, '张先生');
    await shot(page, 'workbench-created-desktop');

    // 合并 into the citizen's appeal.
    await dupRow.locator('[data-test=wb-merge]').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await expectText(created.locator('[data-test=wb-created-status]'), '已合并', 'merged');
    const merged = await waitStatus(second, 'merged');
    assert.equal(merged.merged_into?.number, number, 'merged into the citizen appeal');

    // 待派单: the citizen's appeal; 派单 to the housing bureau through the dialog.
    await page.locator('[data-test=queue-tab-intake]').click();
    const row = queueRow(page, number);
    await row.waitFor();
    await row.locator('[data-test=queue-dispatch]').click();
    const dialog = page.locator('.action-dialog');
    await dialog.waitFor();
    await pickUnit(page, dialog.locator('.unit-select'), HOUSING);
    await shot(page, 'workbench-dispatch-desktop');
    await dialog.locator('[data-test=action-submit]').click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    const d = await waitStatus(number, 'dispatched');
    assert.equal(d.handler?.name, HOUSING);
    assert.ok(d.sign_due_at && d.finish_due_at, 'deadlines set at dispatch');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('housing bureau: notification, inbox with deadline tags, sign and reply', async () => {
  assert.ok(number);
  const { context, page, check } = await openPage(DESKTOP);
  try {
    await loginAs(page, 'zhujian');
    // The bell counts the new case; choosing it opens the appeal.
    const bell = page.locator('[data-test=notif-count]');
    await eventually(async () => Number(await bell.getAttribute('data-count')) >= 1, 'unread notifications');
    await page.locator('[data-test=notif-bell]').click();
    const item = page.locator('[data-test=notif-item]', { hasText: number });
    await item.waitFor();
    await shot(page, 'notifications-desktop');
    const before = Number(await bell.getAttribute('data-count'));
    await item.click();
    await page.waitForURL(/#\/appeals\/\d+$/);
    await expectText(page.locator('[data-test=appeal-number]'), number, 'detail from the notification');
    await eventually(async () => Number(await bell.getAttribute('data-count')) === before - 1, 'marked read');

    // 单位待办: the appeal with its sign deadline.
    await page.locator('[data-test=nav-inbox]').click();
    await page.waitForURL(/#\/appeals\/inbox/);
    // The demo's year of appeals fills the inbox; the search box finds ours.
    await page.locator('[data-test=inbox-table] .el-table__body-wrapper tr').first().waitFor();
    await page.locator('input[data-test=inbox-search]').fill(number);
    await page.locator('input[data-test=inbox-search]').press('Enter');
    const row = inboxRow(page, number);
    await row.waitFor();
    await expectText(row.locator('[data-test=inbox-deadline]'), /剩余|已超期/, 'deadline countdown');
    await expectText(row.locator('.appeal-status'), '待签收', 'status in the inbox');
    await shot(page, 'inbox-desktop');

    // 签收 (one click), then 答复 with resolved.
    await row.locator('[data-test=action-sign]').click();
    await expectText(row.locator('.appeal-status'), '办理中', 'signed');
    await waitStatus(number, 'handling');
    await row.locator('[data-test=action-reply]').click();
    const dialog = page.locator('.action-dialog');
    await dialog.locator('textarea[data-test=action-content]').fill('已安排供热公司上门排查，更换了堵塞的阀门，室温恢复到二十度。');
    assert.ok(await dialog.locator('[data-test=action-resolved]').evaluate((el) => el.closest('.el-switch').classList.contains('is-checked')), 'resolved on by default');
    await shot(page, 'inbox-reply-desktop');
    await dialog.locator('[data-test=action-submit]').click();
    await row.waitFor({ state: 'detached' });
    const r = await waitStatus(number, 'replied');
    assert.equal(r.reply?.resolved, true);
    assert.match(r.reply?.content || '', /更换了堵塞的阀门/);
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('agent approves in 待审核; the citizen rates on the public page; the timeline shows every step', async () => {
  assert.ok(number);
  const agent = await openPage(DESKTOP);
  try {
    const { page } = agent;
    await loginAs(page, 'agent');
    await page.locator('[data-test=nav-workbench]').click();
    await page.locator('[data-test=queue-tab-replied]').click();
    await page.locator('input[data-test=queue-search]').fill(number);
    await page.locator('input[data-test=queue-search]').press('Enter');
    const row = queueRow(page, number);
    await row.waitFor();
    await expectText(row, /已解决/, 'reply shown in the review queue');
    await shot(page, 'workbench-review-desktop');
    await row.locator('[data-test=queue-approve]').click();
    await row.waitFor({ state: 'detached' });
    await waitStatus(number, 'revisit');
    assert.deepEqual(agent.check(), []);
  } finally {
    await agent.context.close();
  }

  // The citizen rates it: 满意 closes the appeal.
  const citizen = await openPage(PHONE);
  try {
    const { page } = citizen;
    await page.goto(server.url + '/#/public/appeal');
    await page.locator('[data-test=public-tab-lookup]').click();
    await page.locator('input[data-test=lookup-number]').fill(number);
    await page.locator('input[data-test=lookup-phone]').fill(CITIZEN_PHONE);
    await page.locator('[data-test=lookup-submit]').click();
    await expectText(page.locator('[data-test=lookup-status]'), '待回访', 'status before rating');
    await expectText(page.locator('[data-test=lookup-reply]'), /更换了堵塞的阀门/, 'reply shown to the citizen');
    await page.locator('[data-test=rate-satisfied]').click();
    await shot(page, 'public-rate-phone');
    await page.locator('[data-test=rate-submit]').click();
    await page.locator('[data-test=rate-done]').waitFor();
    await expectText(page.locator('[data-test=lookup-status]'), '已办结', 'closed after rating');
    await noSidewaysScroll(page, 'citizen lookup');
    const c = await waitStatus(number, 'closed');
    assert.equal(c.satisfaction, 'satisfied');
    assert.deepEqual(citizen.check(), []);
  } finally {
    await citizen.context.close();
  }

  // 诉求查询 → 诉求详情: status 已办结 and the whole way in the timeline.
  const detail = await openPage(DESKTOP);
  try {
    const { page } = detail;
    await loginAs(page, 'agent');
    await page.locator('[data-test=nav-appeals]').click();
    await page.locator('input[data-test=list-q]').fill(number);
    await page.locator('input[data-test=list-q]').press('Enter');
    const row = page.locator('[data-test=list-table] .el-table__body-wrapper tr', { hasText: number });
    await row.waitFor();
    await shot(page, 'list-desktop');
    await row.click();
    await page.waitForURL(/#\/appeals\/\d+$/);
    await expectText(page.locator('[data-test=appeal-number]'), number, 'detail number');
    await expectText(page.locator('[data-test=appeal-status]'), '已办结', 'detail status');
    await expectText(page.locator('[data-test=appeal-handler]'), HOUSING, 'handler');
    await expectText(page.locator('[data-test=appeal-satisfaction]'), '满意', 'satisfaction');
    const api = await appealByNumber(number);
    const want = api.timeline.map((t) => t.action);
    for (const step of ['dispatch', 'sign', 'reply', 'review']) assert.ok(want.includes(step), `API timeline has ${step}: ${want}`);
    assert.ok(want.length >= 6, `intake, merge, dispatch, sign, reply, review, rating: ${want}`);
    await eventually(async () => (await page.locator('[data-test=timeline-item]').count()) === want.length, 'one timeline item per step');
    const shown = await page.locator('[data-test=timeline-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    assert.deepEqual(shown, want, 'timeline in order');
    const text = (await page.locator('[data-test=timeline]').textContent()).replace(/\s+/g, ' ');
    for (const word of ['受理', '派单', '签收', '答复', '审核', '待派单 → 待签收', '待签收 → 办理中', '办理中 → 待审核', '待审核 → 待回访', '待回访 → 已办结']) {
      assert.ok(text.includes(word), `timeline shows ${word}: ${text}`);
    }
    // Closed: no actions left but what the server allows.
    const buttons = await page.locator('[data-test=appeal-actions] [data-test^=action-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-test').slice(7)));
    assert.deepEqual(buttons.sort(), [...(api.allowed_actions || [])].sort(), 'buttons are the allowed actions');
    await shot(page, 'detail-desktop');
    assert.deepEqual(detail.check(), []);
  } finally {
    await detail.context.close();
  }
});

test('agent one-click revisit in 待回访; detail and workbench on a phone', async () => {
  // A second appeal brought to revisit through the API.
  const zt = await apiLogin(api, 'zhujian');
  const housing = (await api(`/api/v1/units?q=${encodeURIComponent(HOUSING)}`, { token: agentToken })).body.items.find((u) => u.name === HOUSING);
  const made = await api('/api/v1/appeals', { method: 'POST', token: agentToken, body: { content: '楼道灯坏了一个月没人修', channel: '8890', type: 'help', contact_phone: '13700001234' } });
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  const step = async (token, body) => {
    const r = await api(`/api/v1/appeals/${id}/actions`, { method: 'POST', token, body });
    assert.equal(r.status, 200, `${body.action}: ${r.text}`);
  };
  await step(agentToken, { action: 'dispatch', unit_id: housing.id });
  await step(zt, { action: 'sign' });
  await step(zt, { action: 'reply', content: '已维修', resolved: true });
  await step(agentToken, { action: 'review', approve: true });

  const { context, page, check } = await openPage(DESKTOP);
  try {
    await loginAs(page, 'agent');
    await page.locator('[data-test=nav-workbench]').click();
    await page.locator('[data-test=queue-tab-revisit]').click();
    await page.locator('input[data-test=queue-search]').fill(made.body.number);
    await page.locator('input[data-test=queue-search]').press('Enter');
    const row = queueRow(page, made.body.number);
    await row.waitFor();
    await shot(page, 'workbench-revisit-desktop');
    await row.locator('[data-test=queue-basically_satisfied]').click();
    await row.waitFor({ state: 'detached' });
    const c = await waitStatus(made.body.number, 'closed');
    assert.equal(c.satisfaction, 'basically_satisfied');

    // The same screens on a phone: no sideways scrolling.
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/#/appeals/${id}`);
    await expectText(page.locator('[data-test=appeal-status]'), '已办结', 'detail on a phone');
    await noSidewaysScroll(page, 'detail on a phone');
    await shot(page, 'detail-phone');
    await page.goto(`${server.url}/#/appeals/workbench`);
    await page.locator('input[data-test=wb-phone]').waitFor();
    await noSidewaysScroll(page, 'workbench on a phone');
    await shot(page, 'workbench-phone');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('statistics: the housing bureau in the table, drill-down, trend chart, Excel export', async () => {
  const { context, page, check } = await openPage(DESKTOP);
  try {
    await loginAs(page, 'leader');
    await page.locator('[data-test=nav-appeal-stats]').click();
    await page.waitForURL(/#\/appeals\/stats/);
    const now = new Date(Date.now() + 8 * 3600e3); // the demo city's calendar
    const from = `${now.toISOString().slice(0, 7)}-01`;
    const leaderToken = await apiLogin(api, 'leader');
    const stats = await api(`/api/v1/stats/appeals?from=${from}&to=${now.toISOString().slice(0, 10)}`, { token: leaderToken });
    assert.equal(stats.status, 200, stats.text);
    const mine = stats.body.items.find((u) => u.unit_name === HOUSING);
    assert.ok(mine && mine.dispatched >= 2, `housing bureau dispatched this month: ${JSON.stringify(mine)}`);
    const row = page.locator('[data-test=stats-table] .el-table__body-wrapper tr', { hasText: HOUSING });
    await row.waitFor();
    const pct = (x) => (x === null || x === undefined ? '—' : `${Math.round(x * 1000) / 10}%`);
    const cells = (await row.locator('td').allTextContents()).map((s) => s.trim());
    assert.equal(cells[1], String(mine.dispatched), 'dispatched');
    assert.deepEqual(cells.slice(2, 8), [mine.response_rate, mine.resolution_rate, mine.satisfaction_rate, mine.on_time_rate, mine.return_rate, mine.reopen_rate].map(pct), 'rates as %');
    await page.locator('[data-test=trend-chart] canvas').waitFor();
    await shot(page, 'stats-desktop');

    // Excel with the Bearer token.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=stats-export]').click()]);
    const file = await download.path();
    const head = readFileSync(file).subarray(0, 2).toString('latin1');
    assert.equal(head, 'PK', 'an xlsx (zip) file');
    assert.match(download.suggestedFilename(), /\.xlsx$/);

    // Drill-down: the unit's appeals.
    await row.locator('[data-test=stats-unit-row]').click();
    await page.waitForURL(new RegExp(`#/appeals\\?.*unit_id=${mine.unit_id}`));
    await page.locator('[data-test=list-table] .el-table__body-wrapper tr').first().waitFor();
    const drilled = await api(`/api/v1/appeals?unit_id=${mine.unit_id}&from=${from}&per_page=1`, { token: leaderToken });
    await expectText(page.locator('.el-pagination__total'), new RegExp(`共\\s*${drilled.body.total}\\s*条`), 'drill-down total');
    await page.locator('input[data-test=list-q]').fill(number);
    await page.locator('input[data-test=list-q]').press('Enter');
    await page.waitForURL(new RegExp(`unit_id=${mine.unit_id}.*q=|q=.*unit_id=${mine.unit_id}`));
    await page.locator('[data-test=list-table] .el-table__body-wrapper tr', { hasText: number }).waitFor();
    await shot(page, 'stats-drill-desktop');

    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/#/appeals/stats`);
    await page.locator('[data-test=trend-chart] canvas').waitFor();
    await noSidewaysScroll(page, 'statistics on a phone');
    await shot(page, 'stats-phone');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});
