// Browser test of the leaders' cockpit and the project register (docs/projects.md): a city
// leader logs in and lands on the cockpit, on a 1920×1080 wall display and on a 390×844
// phone — the figures match GET /api/v1/cockpit, the charts draw, the panels do not overlap,
// the type is large enough, nothing scrolls sideways; screenshots go to test-results/.
// County staff then enter a monthly report through the project page's form, and the API
// holds it.
//
//   node --test tests/browser/cockpit.test.mjs
//
// Environment as tests/browser/ui.test.mjs: YIWANG_BIN, CHROMIUM; screenshots always into
// test-results/ (or YIWANG_SCREENSHOTS=DIR).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';
import { assertStatus, sql } from '../lib/api-helpers.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = process.env.YIWANG_SCREENSHOTS || join(ROOT, 'test-results');
const WAIT = 20000;
const WALL = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };

let server, browser, api;

before(async () => {
  server = await startServer();
  api = client(server.url);
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

async function openPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', hasTouch: viewport.width < 800 });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // As the other browser tests: no console errors (a 404 of a platform not built in would
  // be one), but for 401/403 loads.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return { context, page, check: () => problems };
}

async function loginAs(page, username) {
  await page.goto(server.url + '/#/login');
  await page.locator('input[data-test=login-username]').fill(username);
  await page.locator('input[data-test=login-password]').fill(demoPassword);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=home]').waitFor();
}

async function until(fn, what) {
  const deadline = Date.now() + WAIT;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch { /* re-rendering */ }
    if (Date.now() > deadline) assert.fail(`${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

// The panels and tiles as boxes; none may overlap another, none may stick out of the page.
async function layout(page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.ck-kpi, .ck-panel')].map((el) => {
      const r = el.getBoundingClientRect();
      return { test: el.dataset.test, x: r.x, y: r.y + window.scrollY, w: r.width, h: r.height };
    });
    const fonts = [...document.querySelectorAll('.ck-panel h2, .ck-kpi-label, .ck-list li, .ck-table td')]
      .map((el) => parseFloat(getComputedStyle(el).fontSize));
    return { boxes, minFont: Math.min(...fonts), scrollWidth: document.documentElement.scrollWidth, title: parseFloat(getComputedStyle(document.querySelector('.ck-head h1')).fontSize) };
  });
}
function overlaps(boxes) {
  const bad = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1) bad.push(`${a.test} × ${b.test}`);
    }
  }
  return bad;
}

test('a city leader lands on the cockpit: a wall display at 1920×1080', async () => {
  const token = await apiLogin(api, 'leader');
  const want = (await api('/api/v1/cockpit', { token })).body;
  const { context, page, check } = await openPage(WALL);
  try {
    await loginAs(page, 'leader');
    await page.locator('[data-test=cockpit]').waitFor();
    await until(async () => /更新于/.test(await page.locator('[data-test=ck-updated]').textContent()), 'the cockpit loaded');
    assert.match(await page.locator('[data-test=ck-title]').textContent(), /阜新市 · 领导驾驶舱/);
    const kpi = async (k) => (await page.locator(`[data-test=ck-kpi-${k}] .ck-kpi-value`).textContent()).replace(/\D+$/, '');
    assert.equal(await kpi('ki-overdue'), String(want.key_issues.overdue));
    assert.equal(await kpi('ki-open'), String(want.key_issues.open));
    assert.equal(await kpi('invest'), want.investment.totals.pct_plan.toFixed(1));
    assert.ok(want.key_issues.overdue > 0, 'the demo has overdue key issues');
    // Both charts draw on a canvas; the county table lists the seven counties.
    await page.locator('[data-test=ck-rates] canvas').waitFor();
    await page.locator('[data-test=ck-investment] canvas').waitFor();

    assert.equal(await page.locator('[data-test=ck-counties] tbody tr').count(), want.investment.counties.length);
    // At most seven rows (the county table's height: the wall never scrolls); the
    // title gives the total.
    assert.equal(await page.locator('[data-test=ck-key-issues] li').count(), Math.min(7, want.key_issues.overdue));
    // The rankings: the latest closed card of the first scheme the leader sees (the demo's
    // 单月调度稳定 over the counties), ranked, the best county first.
    assert.equal(want.panels.rankings, true);
    const reviews = await api('/api/v1/reviews/latest', { token });
    assertStatus(reviews, 200);
    const latest = reviews.body.items[0];
    assert.ok(latest && latest.items.length > 0, 'the demo has closed review cards');
    const panel = page.locator('[data-test=ck-rankings]');
    await panel.waitFor();
    assert.match(await panel.locator('h2').textContent(), new RegExp(`${latest.scheme_name}（${latest.period}）`));
    assert.equal(await panel.locator('li').count(), Math.min(8, latest.items.length));
    const first = panel.locator('li').first();
    assert.equal((await first.locator('.ck-rank').textContent()).trim(), String(latest.items[0].rank));
    assert.equal((await first.locator('.ck-name').textContent()).trim(), latest.items[0].unit_name);
    assert.match(latest.items[0].unit_name, /区|县/, 'a county leads');
    // The panels settle once the charts have drawn and the fonts have loaded (on a
    // loaded machine later than a fixed wait): measure when the page fits or the wait
    // runs out, and report the lowest panel then.
    let l;
    const bottomOf = (boxes) => Math.max(...boxes.map((b) => b.y + b.h));
    try {
      await until(async () => {
        l = await layout(page);
        return bottomOf(l.boxes) <= WALL.height + 2;
      }, 'the cockpit settles within 1080px');
    } catch { /* asserted below, with the lowest panel named */ }
    assert.deepEqual(overlaps(l.boxes), [], 'nothing overlaps');
    assert.ok(l.scrollWidth <= WALL.width, `no sideways scroll (${l.scrollWidth})`);
    assert.ok(l.minFont >= 17, `large type on the wall (smallest ${l.minFont}px)`);
    assert.ok(l.title >= 32, `a large title (${l.title}px)`);
    // Everything of the cockpit fits the screen's height on the wall: no scrolling.
    const bottom = bottomOf(l.boxes);
    const lowest = l.boxes.find((b) => b.y + b.h === bottom);
    assert.ok(bottom <= WALL.height + 2,
      `the cockpit fits 1080px (ends at ${bottom}, the lowest: ${lowest && lowest.test} ${JSON.stringify(lowest)})`);
    await page.screenshot({ path: join(SHOTS, 'cockpit-1920x1080.png') });
    // It refreshes itself: a timer every minute (not waited for here) — the summary is
    // fetched again when the page comes back.
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('the cockpit on a phone (390×844): panels stacked, readable, nothing sideways', async () => {
  const { context, page, check } = await openPage(PHONE);
  try {
    await loginAs(page, 'leader');
    await page.locator('[data-test=cockpit]').waitFor();
    await until(async () => /更新于/.test(await page.locator('[data-test=ck-updated]').textContent()), 'the cockpit loaded');
    await page.locator('[data-test=ck-investment] canvas').waitFor();
    await page.waitForTimeout(800);
    const l = await layout(page);
    assert.deepEqual(overlaps(l.boxes), [], 'nothing overlaps');
    assert.ok(l.scrollWidth <= PHONE.width, `no sideways scroll (${l.scrollWidth})`);
    assert.ok(l.minFont >= 14, `readable (smallest ${l.minFont}px)`);
    const panels = l.boxes.filter((b) => b.test && b.test.startsWith('ck-') && !b.test.startsWith('ck-kpi'));
    const xs = new Set(panels.map((b) => Math.round(b.x)));
    assert.equal(xs.size, 1, 'one column of panels');
    assert.ok(panels.every((b) => b.w <= PHONE.width), 'panels fit the width');
    await page.screenshot({ path: join(SHOTS, 'cockpit-390x844.png'), fullPage: true });
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('county staff enter a monthly report through the project page', async () => {
  const token = await apiLogin(api, 'haizhou');
  const county = (await api('/api/v1/stats/projects', { token })).body.counties[0];
  const made = await api('/api/v1/projects', {
    method: 'POST', token,
    body: { name: '浏览器测试光伏发电项目', county_id: county.county_id, industry: '新能源', total_investment: 8000, annual_plan: 2400, planned_start: '2026-01-01', planned_completion: '2027-12-31', stage: '开工' },
  });
  assert.equal(made.status, 201);
  const { context, page, check } = await openPage({ width: 1366, height: 900 });
  try {
    await loginAs(page, 'haizhou');
    await page.locator('[data-test=nav-projects]').first().click();
    await page.locator('[data-test=project-list]').waitFor();
    await page.locator('input[data-test=pl-q]').fill('浏览器测试光伏');
    await page.locator('input[data-test=pl-q]').press('Enter');
    await until(async () => (await page.locator('[data-test=pl-name]').count()) === 1, 'the project is listed');
    await page.locator('[data-test=pl-name]').first().click();
    await page.locator('[data-test=project-detail]').waitFor();
    await page.locator('[data-test=pd-missing]').waitFor();
    await page.locator('[data-test=pd-report]').click();
    const form = page.locator('[data-test=pd-form]');
    await form.waitFor();
    await form.locator('[data-test=rf-invested] input, input[data-test=rf-invested]').first().fill('650.5');
    await form.locator('textarea[data-test=rf-progress]').fill('完成桩基施工');
    await form.locator('textarea[data-test=rf-problems]').fill('并网接入线路审批未完成');
    await form.locator('[data-test=rf-submit]').click();
    await until(async () => (await page.locator('[data-test=pd-reports] tbody tr').count()) === 1, 'the report is listed');
    await until(async () => (await page.locator('[data-test=pd-missing]').count()) === 0, 'no longer missing');
    const got = (await api(`/api/v1/projects/${made.body.id}`, { token })).body;
    assert.equal(got.reports.length, 1);
    assert.equal(got.reports[0].invested, 650.5);
    assert.equal(got.reports[0].problems, '并网接入线路审批未完成');
    assert.equal(await page.locator('[data-test=pd-pct-total]').textContent(), `${(Math.round((650.5 / 8000) * 1000) / 10).toFixed(1)}%`);
    await page.screenshot({ path: join(SHOTS, 'project-report.png'), fullPage: true });
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('county staff edit a project through its form', async () => {
  const token = await apiLogin(api, 'haizhou');
  const county = (await api('/api/v1/stats/projects', { token })).body.counties[0];
  const made = await api('/api/v1/projects', {
    method: 'POST', token,
    body: { name: `浏览器编辑项目${Date.now()}`, county_id: county.county_id, industry: '新能源', total_investment: 3000, annual_plan: 900, planned_start: '2026-01-01', planned_completion: '2027-12-31' },
  });
  assert.equal(made.status, 201);
  const { context, page, check } = await openPage({ width: 1366, height: 900 });
  try {
    await loginAs(page, 'haizhou');
    await page.goto(`${server.url}/#/projects/${made.body.id}`);
    await page.locator('[data-test=pd-edit]').click();
    const form = page.locator('[data-test=pd-edit-form]');
    await form.locator('input[data-test=pe-name]').fill('浏览器编辑后的项目名称');
    await form.locator('[data-test=pe-total] input').fill('12000');
    await form.locator('[data-test=pe-total] input').press('Tab');
    await form.locator('[data-test=pe-save]').click();
    await until(async () => (await page.locator('[data-test=pd-name]').textContent()).trim() === '浏览器编辑后的项目名称', 'the new name shows');
    const got = (await api(`/api/v1/projects/${made.body.id}`, { token })).body;
    assert.equal(got.name, '浏览器编辑后的项目名称');
    assert.equal(got.total_investment, 12000);
    assert.equal(got.industry, '新能源');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('the figures page: per county and industry as the API has them, the month chart, the workbook', async () => {
  const token = await apiLogin(api, 'fagai');
  const stats = (await api('/api/v1/stats/projects', { token })).body;
  const { context, page, check } = await openPage({ width: 1440, height: 900 });
  try {
    await loginAs(page, 'fagai');
    await page.goto(`${server.url}/#/projects/stats`);
    await page.locator('[data-test=ps-chart] canvas').waitFor();
    assert.equal((await page.locator('[data-test=ps-total-projects]').textContent()).trim(), String(stats.totals.projects));
    assert.equal((await page.locator('[data-test=ps-total-big]').textContent()).trim(), String(stats.totals.big_started));
    const counties = page.locator('[data-test=ps-counties] .el-table__body-wrapper tbody tr');
    assert.equal(await counties.count(), stats.counties.length);
    const industries = page.locator('[data-test=ps-industries] .el-table__body-wrapper tbody tr');
    assert.equal(await industries.count(), stats.industries.length);
    const first = stats.industries[0];
    assert.match(await industries.first().textContent(), new RegExp(`^${first.industry}${first.projects}`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=ps-export]').click()]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    await page.screenshot({ path: join(SHOTS, 'project-stats.png'), fullPage: true });
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('the cockpit draws the three rates by county as the server counts them (by the appeals\' region)', async () => {
  const token = await apiLogin(api, 'leader');
  const want = (await api('/api/v1/cockpit', { token })).body;
  const { context, page } = await openPage(WALL);
  try {
    await loginAs(page, 'leader');
    await page.locator('[data-test=ck-rates] canvas').waitFor();
    const drawn = await until(async () => {
      const d = JSON.parse(await page.locator('[data-test=ck-rates]').getAttribute('data-rates'));
      return d.length ? d : null;
    }, 'the rates are drawn');
    const p1 = (v) => (v === null ? null : Math.round(v * 1000) / 10);
    assert.equal(drawn.length, 7);
    assert.deepEqual(drawn.map((r) => [r.response, r.resolution, r.satisfaction]),
      want.rates.counties.map((c) => [p1(c.response_rate), p1(c.resolution_rate), p1(c.satisfaction_rate)]));
    // No county's rates are summed in the browser any more.
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('/stats/appeals')) asked.push(r.url()); });
    await page.reload();
    await page.locator('[data-test=ck-rates] canvas').waitFor();
    assert.deepEqual(asked, []);
  } finally {
    await context.close();
  }
});

test('the wall still fits 1080px when many key issues are overdue: seven rows, the total in the title', async () => {
  // Every open key issue's undone milestones fall due yesterday: all of them overdue.
  const yesterday = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10);
  sql(server.db.url, `UPDATE key_issue_milestones SET due = '${yesterday}' WHERE done_at IS NULL`);
  const token = await apiLogin(api, 'leader');
  const want = (await api('/api/v1/cockpit', { token })).body;
  assert.ok(want.key_issues.overdue > 7, `more overdue than rows (${want.key_issues.overdue})`);
  const { context, page, check } = await openPage(WALL);
  try {
    await loginAs(page, 'leader');
    await page.locator('[data-test=cockpit]').waitFor();
    const panel = page.locator('[data-test=ck-key-issues]');
    await until(async () => (await panel.locator('li').count()) === 7, 'seven overdue key issues listed');
    assert.match(await panel.locator('h2').textContent(), new RegExp(`（${want.key_issues.overdue} / 在办 ${want.key_issues.open}）`));
    await page.locator('[data-test=ck-investment] canvas').waitFor();
    let l;
    try {
      await until(async () => {
        l = await layout(page);
        return Math.max(...l.boxes.map((b) => b.y + b.h)) <= WALL.height + 2;
      }, 'the cockpit settles within 1080px');
    } catch { /* asserted below */ }
    const bottom = Math.max(...l.boxes.map((b) => b.y + b.h));
    assert.ok(bottom <= WALL.height + 2, `the cockpit fits 1080px (ends at ${bottom})`);
    assert.deepEqual(overlaps(l.boxes), [], 'nothing overlaps');
    await page.screenshot({ path: join(SHOTS, 'cockpit-1920x1080-overdue.png') });
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});
