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
  const before = Number((await page.locator('[data-test=patrol-week]').textContent()).match(/\d+/g)?.join('') || 0);
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
  assert.ok(mine.week_minutes >= before);
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
