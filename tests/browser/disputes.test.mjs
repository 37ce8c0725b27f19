// Browser test of the 纠纷化解 screens against the real server: a village mediator on a
// tablet registers a dispute through the form (two parties; a third added and removed),
// records a mediation session and an agreement through the case page's action forms; the
// case shows 已达成协议, the agreement's number, and its PDF link answers application/pdf;
// the desk lists the case and today's session; a leader reads the figures (charts, the
// table against the API, the Excel export) and drills down to the list; the case page and
// the desk on a phone.
//
//   node --test tests/browser/disputes.test.mjs
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
const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 375, height: 740 };

let server, browser, api, mediatorToken, leaderToken;
let disputeId = null; // the dispute registered through the form, shared by the steps below
let disputeNumber = null;

before(async () => {
  server = await startServer();
  api = client(server.url);
  mediatorToken = await apiLogin(api, 'dwf_mediator');
  leaderToken = await apiLogin(api, 'leader');
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

// A fresh context; collects page errors, console errors (other than 401/403 loads) and
// 5xx answers, which each test insists are absent.
async function openPage(viewport) {
  const context = await browser.newContext({
    viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true, hasTouch: viewport !== undefined && viewport.width <= 1024,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { context, page, check: () => problems };
}

// A screenshot of the whole page from its top (the sticky header stays on top), or of the
// window only (a dialog over the page).
async function shot(page, name, { fullPage = true } = {}) {
  if (!SHOTS) return;
  await page.waitForTimeout(500);
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

async function loginAs(page, username) {
  await page.goto(server.url + '/#/login');
  await page.locator('input[data-test=login-username]').fill(username);
  await page.locator('input[data-test=login-password]').fill(demoPassword);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=home]').waitFor();
}

async function expectText(locator, want, what) {
  const ok = (s) => (typeof want === 'string' ? s === want : want.test(s));
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

async function expectCount(locator, n, what) {
  const deadline = Date.now() + WAIT;
  let last = -1;
  for (;;) {
    last = await locator.count();
    if (last === n) return;
    if (Date.now() > deadline) assert.fail(`${what}: expected ${n}, saw ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function noSidewaysScroll(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  const vw = page.viewportSize().width;
  assert.ok(w <= vw, `${what}: page is ${w}px wide on a ${vw}px screen`);
}

async function disputeById(id, token = mediatorToken) {
  const r = await api(`/api/v1/disputes/${id}`, { token });
  assert.equal(r.status, 200, `GET dispute ${id}: ${r.status} ${r.text}`);
  return r.body;
}

// A valid mainland ID number (the check character of GB 11643) from its first 17 digits.
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

const TITLE = '浏览器测试：王某与李某院墙越界纠纷';
const FACTS = '李某翻建院墙时越过原有界线约三十厘米，王某认为侵占了自家宅基地，双方多次争吵。';
const APPLICANT = { name: '王建国', phone: '13904181234', id: idNumber('21090219700101123') };
const RESPONDENT = { name: '李明', phone: '13704185678' };
const TERMS = '一、李明于十五日内将院墙后退三十厘米，费用自理；二、王建国不再追究其他责任。';

test('a village mediator on a tablet registers a dispute, records a session and an agreement; the agreement PDF', async () => {
  const { context, page, check } = await openPage(TABLET);
  try {
    await loginAs(page, 'dwf_mediator');
    // The desk is in the navigation; registration opens from it.
    await page.locator('[data-test=nav-dispute-desk]').first().click();
    await page.locator('[data-test=dispute-desk]').waitFor();
    await page.locator('[data-test=desk-new]').click();
    await page.locator('[data-test=dispute-new]').waitFor();

    // An empty form is not sent: the required fields say so.
    await page.locator('[data-test=dn-submit]').click();
    await expectText(page.locator('.el-form-item__error'), /请选择纠纷类型|请填写标题|请填写纠纷事实/, 'required-field message');

    await page.locator('[data-test=dn-type]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^邻里纠纷$/ }).click();
    await page.locator('input[data-test=dn-title]').fill(TITLE);
    await page.locator('textarea[data-test=dn-facts]').fill(FACTS);
    await page.locator('input[data-test=party-name-0]').fill(APPLICANT.name);
    await page.locator('input[data-test=party-phone-0]').fill(APPLICANT.phone);
    await page.locator('input[data-test=party-id-0]').fill(APPLICANT.id);
    await page.locator('input[data-test=party-address-0]').fill('东瓦房村三组12号');
    await page.locator('input[data-test=party-name-1]').fill(RESPONDENT.name);
    await page.locator('input[data-test=party-phone-1]').fill(RESPONDENT.phone);
    // A third party added by mistake, and removed again.
    await page.locator('[data-test=dn-party-add]').click();
    await expectCount(page.locator('[data-test=dn-party]'), 3, 'three parties');
    await page.locator('[data-test=party-remove-2]').click();
    await expectCount(page.locator('[data-test=dn-party]'), 2, 'two parties again');
    await page.locator('[data-test=dn-people] input').fill('2');
    await page.locator('input[data-test=dn-place]').fill('韩家店镇东瓦房村三组');
    await noSidewaysScroll(page, 'registration form on a tablet');
    await shot(page, 'dispute-new-tablet');
    await page.locator('[data-test=dn-submit]').click();

    // The case page of the new dispute.
    await page.locator('[data-test=dispute-detail]').waitFor();
    disputeNumber = await expectText(page.locator('[data-test=dispute-number]'), /^JF\d+$/, 'number shown');
    disputeId = Number(await page.locator('[data-test=dispute-detail]').getAttribute('data-id'));
    await expectText(page.locator('[data-test=dispute-status]'), '调解中', 'status after registering');
    let d = await disputeById(disputeId);
    assert.equal(d.number, disputeNumber);
    assert.equal(d.status, 'accepted');
    assert.equal(d.level, 'village');
    assert.equal(d.type, 'neighbour');
    assert.equal(d.title, TITLE);
    assert.equal(d.parties.length, 2);
    assert.deepEqual(d.parties.map((p) => [p.name, p.side]), [[APPLICANT.name, 'applicant'], [RESPONDENT.name, 'respondent']]);
    assert.match(d.unit.name, /东瓦房村/);
    // The parties as the server shows them: ID numbers masked for everyone, phones in
    // full for the holding unit's mediator.
    await expectCount(page.locator('[data-test=dispute-party]'), 2, 'two parties on the case page');
    const idShown = await expectText(page.locator('[data-test=dispute-party]').first().locator('[data-test=party-id-number]'), /\*/, 'masked ID number');
    assert.equal(idShown, `${APPLICANT.id.slice(0, 6)}********${APPLICANT.id.slice(-4)}`);
    assert.equal(idShown, d.parties[0].id_number);
    await expectText(page.locator('[data-test=dispute-party]').first().locator('[data-test=party-phone]'), d.parties[0].phone, 'phone as the server shows it');
    await shot(page, 'dispute-registered-tablet');

    // A mediation session through its form (time: now, by default).
    await page.locator('[data-test=dispute-actions] [data-test=action-record_session]').tap();
    const dialog = page.locator('.dispute-action-dialog');
    await dialog.locator('input[data-test=da-place]').fill('东瓦房村村委会调解室');
    await dialog.locator('input[data-test=da-present]').fill('王建国、李明、调解员');
    await dialog.locator('textarea[data-test=da-notes]').fill('双方陈述各自意见，调解员讲解相邻关系的法律规定，李明同意后退院墙。');
    await shot(page, 'dispute-session-form-tablet', { fullPage: false });
    await dialog.locator('[data-test=action-submit]').tap();
    await expectCount(page.locator('[data-test=dispute-record][data-kind=session]'), 1, 'the session in the records');
    d = await disputeById(disputeId);
    assert.equal(d.status, 'accepted');
    assert.equal(d.records.filter((r) => r.kind === 'session').length, 1);

    // The agreement through its form (fulfilment date: 30 days on, by default).
    await page.locator('[data-test=dispute-actions] [data-test=action-agree]').tap();
    await dialog.locator('textarea[data-test=da-terms]').waitFor();
    await dialog.locator('textarea[data-test=da-matters]').fill('院墙越界');
    await dialog.locator('textarea[data-test=da-terms]').fill(TERMS);
    await dialog.locator('input[data-test=da-fulfil-how]').fill('自行拆除重建');
    await shot(page, 'dispute-agree-form-tablet', { fullPage: false });
    await dialog.locator('[data-test=action-submit]').tap();
    await expectText(page.locator('[data-test=dispute-status]'), '已达成协议', 'status after the agreement');
    d = await disputeById(disputeId);
    assert.equal(d.status, 'agreed');
    assert.equal(d.agreement.terms, TERMS);
    await expectText(page.locator('[data-test=agreement-number]'), d.agreement.number, 'agreement number');
    await expectText(page.locator('[data-test=agreement-terms]'), TERMS, 'agreement terms');

    // The agreement's PDF: the link fetches it with the session and saves it.
    const [response, download] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/disputes/${disputeId}/agreement.pdf`)),
      page.waitForEvent('download'),
      page.locator('[data-test=dispute-agreement-pdf]').tap(),
    ]);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /^application\/pdf/);
    assert.equal(readFileSync(await download.path()).subarray(0, 4).toString(), '%PDF', 'a PDF file');
    assert.match(download.suggestedFilename(), /\.pdf$/);

    // The timeline: one entry per API entry, in order.
    const actions = await page.locator('[data-test=timeline-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    assert.deepEqual(actions, d.timeline.map((t) => t.action));
    // Buttons: exactly the allowed actions.
    const buttons = await page.locator('[data-test=dispute-actions] [data-test^=action-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-test').slice(7)));
    assert.deepEqual(buttons.sort(), [...(d.allowed_actions || [])].sort());
    await noSidewaysScroll(page, 'case page on a tablet');
    await shot(page, 'dispute-agreed-tablet');

    // The desk: the case is the mediator's, and today's session is on it.
    await page.locator('[data-test=nav-dispute-desk]').first().click();
    await page.locator(`[data-test=desk-cases] [data-test=desk-case][data-number="${disputeNumber}"]`).first().waitFor();
    await page.locator(`[data-test=desk-session][data-number="${disputeNumber}"]`).first().waitFor();
    await shot(page, 'dispute-desk-tablet');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('a leader reads the figures: charts, the table against the API, Excel, drill-down to the list', async () => {
  const { context, page, check } = await openPage(TABLET);
  try {
    await loginAs(page, 'leader');
    await page.locator('[data-test=nav-dispute-stats]').first().click();
    await page.locator('[data-test=dispute-stats]').waitFor();
    await page.locator('[data-test=ds-level-chart] canvas').waitFor();
    await page.locator('[data-test=ds-type-chart] canvas').waitFor();
    await page.locator('[data-test=ds-month-chart] canvas').waitFor();

    // The period the page shows against the API's figures.
    const from = await page.locator('[data-test=ds-period]').getAttribute('data-from');
    const to = await page.locator('[data-test=ds-period]').getAttribute('data-to');
    assert.match(`${from} ${to}`, /^\d{4}-\d{2}-\d{2} \d{4}-\d{2}-\d{2}$/);
    const stats = await api(`/api/v1/stats/disputes?from=${from}&to=${to}`, { token: leaderToken });
    assert.equal(stats.status, 200, stats.text);
    const cases = stats.body.items.reduce((s, r) => s + Number(r.cases || 0), 0);
    assert.ok(cases > 0, 'the demo year has disputes');
    await expectText(page.locator('[data-test=ds-cases]'), String(stats.body.totals?.cases ?? cases), 'cases in the summary');
    const top = [...stats.body.items].sort((a, b) => b.cases - a.cases)[0];
    const row = page.locator('[data-test=ds-table] .el-table__body-wrapper tr', { has: page.locator(`[data-test=ds-unit-row][data-unit-id="${top.unit_id}"]`) });
    await expectText(row, new RegExp(`${top.unit_name}.*${top.cases}.*${top.agreed}`), 'the busiest unit in the table');
    await noSidewaysScroll(page, 'figures on a tablet');
    await shot(page, 'dispute-stats-tablet');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=ds-export]').click()]);
    assert.equal(readFileSync(await download.path()).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
    assert.match(download.suggestedFilename(), /\.xlsx$/);

    // Drill down: the unit's disputes of the period, as many as the API lists.
    await row.locator('[data-test=ds-unit-row]').click();
    await page.locator('[data-test=dispute-list]').waitFor();
    const list = await api(`/api/v1/disputes?unit_id=${top.unit_id}&from=${from}&to=${to}&per_page=1`, { token: leaderToken });
    assert.equal(list.status, 200, list.text);
    await expectText(page.locator('[data-test=dispute-list] .el-pagination__total'), new RegExp(`共 ${list.body.total} 条`), 'list total as the API says');
    await shot(page, 'dispute-list-tablet');

    // Risk filter: every row listed carries the risk mark.
    await page.locator('[data-test=dl-risk]').click();
    await page.waitForURL(/risk=1/);
    const risky = await api(`/api/v1/disputes?unit_id=${top.unit_id}&from=${from}&to=${to}&risk=1&per_page=1`, { token: leaderToken });
    await expectText(page.locator('[data-test=dispute-list] .el-pagination__total'), new RegExp(`共 ${risky.body.total} 条`), 'risk-filtered total');
    const rows = await page.locator('[data-test=dl-table] .el-table__body-wrapper tr').count();
    const marked = await page.locator('[data-test=dl-table] .el-table__body-wrapper tr [data-test=risk]').count();
    assert.equal(marked, rows, 'every risk-filtered row shows the mark');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('the case page and the desk on a phone', async () => {
  assert.ok(disputeId, 'the first test registered a dispute');
  const { context, page, check } = await openPage(PHONE);
  try {
    await loginAs(page, 'dwf_mediator');
    await page.goto(`${server.url}/#/disputes/${disputeId}`);
    await expectText(page.locator('[data-test=dispute-status]'), '已达成协议', 'status on a phone');
    await page.locator('[data-test=dispute-agreement-pdf]').waitFor();
    await noSidewaysScroll(page, 'case page on a phone');
    await shot(page, 'dispute-detail-phone');
    await page.locator('[data-test=nav-toggle]').click();
    await page.locator('[data-test=nav-drawer] [data-test=nav-dispute-desk]').click();
    await page.locator(`[data-test=desk-case][data-number="${disputeNumber}"]`).first().waitFor();
    await noSidewaysScroll(page, 'desk on a phone');
    await shot(page, 'dispute-desk-phone');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

// A China calendar date `days` from today, and an ISO time `minutes` from now.
function dateIn(days) {
  return new Date(Date.now() + 8 * 3600 * 1000 + days * 86400000).toISOString().slice(0, 10);
}
function timeIn(minutes) {
  return new Date(Date.now() + 8 * 3600 * 1000 + minutes * 60000).toISOString().slice(0, 19) + '+08:00';
}

test('a planned session completed afterwards; the fulfilment check from the desk closes the case', async () => {
  // Through the API: a dispute with a session planned for a moment from now, and a second
  // one agreed with fulfilment due today.
  const act = (id, body) => api(`/api/v1/disputes/${id}/actions`, { method: 'POST', token: mediatorToken, body });
  const reg = (title) => api('/api/v1/disputes', {
    method: 'POST', token: mediatorToken,
    body: { type: 'family', title, facts: '浏览器测试：赡养费给付争议。', parties: [{ name: '赵大娘', side: 'applicant' }, { name: '赵大勇', side: 'respondent' }] },
  });
  const planned = await reg('浏览器测试：赵大娘与赵大勇赡养纠纷（安排调解）');
  assert.equal(planned.status, 201, planned.text);
  const soon = timeIn(5 / 60); // five seconds from now: planned when sent, past when completed
  let r = await act(planned.body.id, { action: 'record_session', held_at: soon, place: '村委会调解室' });
  assert.equal(r.status, 200, r.text);
  const due = await reg('浏览器测试：赵大娘与赵大勇赡养纠纷（履行到期）');
  assert.equal(due.status, 201, due.text);
  r = await act(due.body.id, { action: 'record_session', held_at: timeIn(-30), place: '村委会调解室', notes: '双方同意按月给付赡养费。' });
  assert.equal(r.status, 200, r.text);
  r = await act(due.body.id, { action: 'agree', terms: '赵大勇每月五日前给付赡养费六百元。', fulfil_by: dateIn(0) });
  assert.equal(r.status, 200, r.text);
  await new Promise((res) => setTimeout(res, Math.max(0, Date.parse(soon) - Date.now()) + 500));

  const { context, page, check } = await openPage(TABLET);
  try {
    await loginAs(page, 'dwf_mediator');
    // The planned session, its time now past, waits to be written up: 补记调解.
    await page.goto(`${server.url}/#/disputes/${planned.body.id}`);
    const rec = page.locator('[data-test=dispute-record][data-kind=session]');
    await expectText(rec.locator('[data-test=record-planned]'), '待补记', 'a planned session whose time has passed');
    await rec.locator('[data-test=record-complete]').tap();
    const dialog = page.locator('.dispute-action-dialog');
    await dialog.locator('textarea[data-test=da-notes]').fill('双方当面协商，赵大勇同意每月给付赡养费。');
    await dialog.locator('[data-test=action-submit]').tap();
    await expectCount(page.locator('[data-test=dispute-record] [data-test=record-planned]'), 0, 'no planned session left');
    const d = await disputeById(planned.body.id);
    assert.equal(d.records.length, 1, 'the planned record was completed, not a second one added');
    assert.equal(d.records[0].notes, '双方当面协商，赵大勇同意每月给付赡养费。');

    // The desk lists the agreement due today; 履行回访 opens its form on the case page.
    await page.locator('[data-test=nav-dispute-desk]').first().click();
    const item = page.locator(`[data-test=desk-due-item][data-number="${due.body.number}"]`);
    await expectText(item, /今天到期/, 'due today on the desk');
    await shot(page, 'dispute-desk-due-tablet');
    await item.locator('[data-test=desk-check]').tap();
    await page.locator('.dispute-action-dialog [data-test=da-fulfilled-yes]').waitFor();
    await page.locator('.dispute-action-dialog [data-test=action-submit]').tap();
    await expectText(page.locator('[data-test=dispute-status]'), '已结案', 'closed after the check');
    await expectText(page.locator('[data-test=agreement-fulfilled]'), '已履行', 'fulfilled');
    assert.equal((await disputeById(due.body.id)).status, 'closed');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});
