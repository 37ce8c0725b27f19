// Browser test of the grid data screens against the real server: a grid member on a phone
// (390×844) starts a patrol on 我的巡查, ends it with notes, and finds it in the list and
// in the API; 我的住户 shows the member's households in full and a leader's masked; the
// map draws the grids from their GeoJSON boundaries (a screenshot goes to test-results/);
// the figures page shows the table and exports the workbook.
//
//   node --test tests/browser/grid-base.test.mjs
//
// Environment as tests/browser/ui.test.mjs: YIWANG_BIN, CHROMIUM, YIWANG_SCREENSHOTS=DIR
// (default test-results/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YIWANG_SCREENSHOTS || 'test-results';
const WAIT = 15000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

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
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true, hasTouch: viewport.width < 800 });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message} ${e.stack}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
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

async function shot(page, name) {
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test('a grid member starts and stops a patrol on a phone; it is recorded', async () => {
  const { context, page, check } = await openPage(PHONE);
  await loginAs(page, 'grid01');
  await page.goto(server.url + '/#/grid/patrols');
  // "本周 2 小时 5 分钟" or "45 分钟": the week's minutes as the page shows them.
  const weekMinutes = async () => {
    const text = await page.locator('[data-test=patrol-week]').textContent();
    const n = (text.match(/\d+/g) || []).map(Number);
    return /小时/.test(text) ? n[0] * 60 + (n[1] || 0) : n[0] || 0;
  };
  const before = await weekMinutes();
  await page.locator('[data-test=patrol-start]').click();
  await page.locator('[data-test=patrol-running]').waitFor();
  await page.locator('textarea[data-test=patrol-notes], [data-test=patrol-notes] textarea').fill('浏览器测试：巡查新华路');
  await shot(page, 'grid-patrol-running-phone');
  await page.waitForTimeout(1500);
  await page.locator('[data-test=patrol-stop]').click();
  await page.locator('[data-test=patrol-start]').waitFor();
  await page.locator('[data-test=patrol-item]', { hasText: '浏览器测试：巡查新华路' }).waitFor();
  await shot(page, 'grid-patrols-phone');
  // No sideways scrolling on the phone.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 1, `page is ${wide}px wider than the phone`);
  const token = await apiLogin(api, 'grid01');
  const mine = (await api('/api/v1/grid/patrols?mine=1', { token })).body;
  const p = mine.items.find((x) => x.notes === '浏览器测试：巡查新华路');
  assert.ok(p, 'the patrol is recorded');
  assert.equal(p.grid_name, '站前街道新华社区第一网格');
  assert.ok(mine.week_minutes >= before, `${mine.week_minutes} minutes this week, ${before} before the patrol`);
  assert.equal(await weekMinutes(), mine.week_minutes, 'the page shows the week the server counts');
  assert.deepEqual(check(), []);
  await context.close();
});

test('我的住户: the member sees numbers in full, a leader masked', async () => {
  for (const [who, masked] of [['grid01', false], ['leader', true]]) {
    const { context, page, check } = await openPage(who === 'grid01' ? PHONE : DESKTOP);
    await loginAs(page, who);
    await page.goto(server.url + '/#/grid/households');
    await page.locator('[data-test=hh-item]').first().waitFor();
    const phones = await page.locator('[data-test=hh-phone]').allTextContents();
    assert.ok(phones.length > 0);
    for (const ph of phones) assert.equal(ph.includes('****'), masked, `${who}: ${ph}`);
    assert.equal(await page.locator('[data-test=hh-masked]').count(), masked ? 1 : 0);
    if (who === 'grid01') await shot(page, 'grid-households-phone');
    assert.deepEqual(check(), []);
    await context.close();
  }
});

test('the map draws the grids from their boundaries; the figures page exports', async () => {
  const { context, page, check } = await openPage(DESKTOP);
  await loginAs(page, 'zhanqian');
  await page.goto(server.url + '/#/grid/map');
  const chart = page.locator('[data-test=grid-map-chart]');
  await page.waitForFunction(() => Number(document.querySelector('[data-test=grid-map-chart]')?.dataset.grids) > 0);
  assert.equal(Number(await chart.getAttribute('data-grids')), 6); // 站前街道's six grids
  assert.ok(await chart.locator('canvas').count() >= 1);
  await page.locator('[data-test=grid-map-table] tbody tr').first().waitFor();
  await shot(page, 'grid-map-desktop');
  // The canvas is not blank: the grid fills differ from the background.
  const colours = await page.evaluate(() => {
    const c = document.querySelector('[data-test=grid-map-chart] canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 97) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return seen.size;
  });
  assert.ok(colours > 3, `${colours} colours on the map`);

  await page.goto(server.url + '/#/grid/stats');
  await page.locator('[data-test=gs-table] tbody tr').first().waitFor();
  const rows = await page.locator('[data-test=gs-table] tbody tr').count();
  assert.equal(rows, 6);
  await page.locator('[data-test=gs-level] label', { hasText: '社区（村）' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test=gs-table] tbody tr').length === 3);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=gs-export]').click()]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  await shot(page, 'grid-stats-desktop');
  assert.deepEqual(check(), []);
  await context.close();
});

test('the phone home: report, today\'s tasks, patrols (this week\'s time) and households (their count) in one tap', async () => {
  const { context, page, check } = await openPage(PHONE);
  await loginAs(page, 'grid01');
  await page.goto(server.url + '/#/grid/home');
  const token = await apiLogin(api, 'grid01');
  const patrols = (await api('/api/v1/grid/patrols?mine=1&per_page=1', { token })).body;
  const households = (await api('/api/v1/grid/households?per_page=1', { token })).body;
  assert.ok(households.total > 0);
  await page.waitForFunction((n) => document.querySelector('[data-test=grid-household-count]')?.textContent.includes(`${n} 户`), households.total);
  const week = await page.locator('[data-test=grid-week-minutes]').textContent();
  const h = Math.floor(patrols.week_minutes / 60), m = patrols.week_minutes % 60;
  assert.equal(week.trim(), `本周 ${patrols.week_minutes === 0 ? '0 分钟' : h ? `${h} 小时 ${m} 分钟` : `${m} 分钟`}`);
  // All four within the first screen, no scrolling.
  for (const t of ['grid-report', 'grid-tasks', 'grid-link-patrols', 'grid-link-households']) {
    const box = await page.locator(`[data-test=${t}]`).boundingBox();
    assert.ok(box && box.y >= 0 && box.y + Math.min(box.height, 60) <= PHONE.height, `${t} on the first screen: ${JSON.stringify(box)}`);
  }
  await shot(page, 'grid-home-phone');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 1, `page is ${wide}px wider than the phone`);
  await page.locator('[data-test=grid-link-patrols]').click();
  await page.locator('[data-test=patrol-start]').waitFor();
  await page.goBack();
  await page.locator('[data-test=grid-link-households]').click();
  await page.locator('[data-test=hh-item]').first().waitFor();
  await page.goBack();
  await page.locator('[data-test=grid-report]').click();
  await page.waitForFunction(() => location.hash.startsWith('#/grid/report'));
  assert.deepEqual(check(), []);
  await context.close();
});

test('key places on the households page: the member adds one; the township sees its phone masked and cannot edit', async () => {
  const name = `浏览器测试加油站${Date.now() % 100000}`;
  {
    const { context, page, check } = await openPage(PHONE);
    await loginAs(page, 'grid01');
    await page.goto(server.url + '/#/grid/households');
    await page.locator('[data-test=grid-places]').waitFor();
    await page.locator('[data-test=pl-add]').click();
    await page.locator('input[data-test=pl-name]').fill(name);
    await page.locator('[data-test=pl-kind]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '危化' }).click();
    await page.locator('input[data-test=pl-address]').fill('新华路99号');
    await page.locator('input[data-test=pl-contact]').fill('李站长');
    await page.locator('input[data-test=pl-phone-input]').fill('13700001111');
    await page.locator('[data-test=pl-save]').click();
    const item = page.locator('[data-test=pl-item]', { hasText: name });
    await item.waitFor();
    assert.equal(await item.locator('[data-test=pl-phone]').textContent(), '13700001111');
    assert.match(await item.textContent(), /危化/);
    await item.scrollIntoViewIfNeeded();
    await shot(page, 'grid-places-phone');
    assert.deepEqual(check(), []);
    await context.close();
  }
  const { context, page, check } = await openPage(DESKTOP);
  await loginAs(page, 'zhanqian');
  await page.goto(server.url + '/#/grid/households');
  await page.locator('[data-test=hh-grid]').click();
  await page.locator('.el-select-dropdown__item', { hasText: '站前街道新华社区第一网格' }).click();
  const item = page.locator('[data-test=pl-item]', { hasText: name });
  await item.waitFor();
  assert.equal(await item.locator('[data-test=pl-phone]').textContent(), '137****1111');
  assert.equal(await page.locator('[data-test=pl-add]').count(), 0);
  assert.equal(await page.locator('[data-test=pl-edit]').count(), 0);
  assert.deepEqual(check(), []);
  await context.close();
});

test('the map: open events as points that open the event; the township and community filters', async () => {
  const { context, page, check } = await openPage(DESKTOP);
  await loginAs(page, 'zhanqian');
  await page.goto(server.url + '/#/grid/map');
  const chart = page.locator('[data-test=grid-map-chart]');
  await page.waitForFunction(() => Number(document.querySelector('[data-test=grid-map-chart]')?.dataset.grids) > 0);
  const token = await apiLogin(api, 'zhanqian');
  const open = (await api('/api/v1/grid/events?status=reported,filed,dispatched,verifying&per_page=200', { token })).body.items;
  const grids = (await api('/api/v1/grid/grids', { token })).body.items;
  // Every open event is drawn: at its position, else near its grid's centre.
  const drawable = (gs) => {
    const byId = new Map(gs.map((g) => [g.id, g]));
    return open.filter((e) => byId.has(e.grid.id) && (typeof e.lat === 'number' || byId.get(e.grid.id).center)).length;
  };
  assert.ok(open.length > 0, 'the demo has open events');
  assert.equal(Number(await chart.getAttribute('data-events')), drawable(grids));
  // 新华社区 only: its grids and their events.
  await page.locator('[data-test=grid-map-community]').click();
  await page.locator('.el-select-dropdown__item', { hasText: '新华社区' }).click();
  const xinhua = grids.filter((g) => g.parent_name === '新华社区');
  assert.ok(xinhua.length > 0 && xinhua.length < grids.length);
  await page.waitForFunction((n) => Number(document.querySelector('[data-test=grid-map-chart]').dataset.grids) === n, xinhua.length);
  const inXinhua = drawable(xinhua);
  assert.equal(Number(await chart.getAttribute('data-events')), inXinhua);
  assert.ok(inXinhua > 0, 'xinhua has open events');
  assert.equal(await page.locator('[data-test=grid-map-table] tbody tr').count(), xinhua.length);
  await shot(page, 'grid-map-xinhua-desktop');
  // A map whose box loses its size (squeezed to nothing, or being laid out) and gets it
  // back neither throws (ECharts 6.1 does at 0×0) nor loses its drawing: the click below
  // still finds the event's point.
  await chart.evaluate((n) => { n.style.width = '0px'; n.style.height = '0px'; });
  await page.waitForTimeout(100);
  await chart.evaluate((n) => { n.style.width = ''; n.style.height = ''; });
  await page.waitForTimeout(100);
  assert.deepEqual(check(), []);
  // A click on an event's point opens it.
  const at = await chart.getAttribute('data-first-point');
  assert.match(at, /^\d+,\d+$/);
  const [x, y] = at.split(',').map(Number);
  await chart.click({ position: { x, y } });
  await page.waitForFunction(() => /^#\/grid\/events\/\d+/.test(location.hash));
  await page.locator('[data-test=grid-event-number]').waitFor();
  assert.deepEqual(check(), []);
  await context.close();
});
