// Browser test of the 社区治理 event screens against the real server: on a phone (390×844)
// the grid member grid01 opens the phone home, reports an event through the form (a class
// from the tree, a description, an address, a photo from the file input the camera fills)
// and files it to the station; the station's staff (xinhua) finds it on the dispatch board
// with its light and dispatches it to a unit; the event page shows 处置中 and the unit.
//
//   node --test tests/browser/grid.test.mjs
//
// Environment as tests/browser/ui.test.mjs: YIWANG_BIN, CHROMIUM, YIWANG_SCREENSHOTS=DIR
// (default test-results/grid).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YIWANG_SCREENSHOTS || 'test-results/grid';
const WAIT = 15000;
const PHONE = { width: 390, height: 844 };
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
  + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

let server, browser, api, adminToken;
let eventId = null;
let eventNumber = null;

before(async () => {
  server = await startServer();
  api = client(server.url);
  adminToken = await apiLogin(api, 'admin');
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
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', hasTouch: true, isMobile: viewport.width < 500 });
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

async function shot(page, name) {
  await page.waitForTimeout(400);
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

async function noSidewaysScroll(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= page.viewportSize().width, `${what}: page is ${w}px wide`);
}

test('a grid member on a phone reports an event with a photo and files it', async () => {
  const { context, page, check } = await openPage(PHONE);
  try {
    await loginAs(page, 'grid01');
    await page.goto(server.url + '/#/grid/home');
    await page.locator('[data-test=grid-home]').waitFor();
    await page.locator('[data-test=grid-link-patrols]').waitFor();
    await page.locator('[data-test=grid-link-households]').waitFor();
    await shot(page, 'grid-01-phone-home');
    await noSidewaysScroll(page, 'phone home');

    await page.locator('[data-test=grid-report]').click();
    await page.locator('[data-test=grid-report-form]').waitFor();
    // The class from the tree: 市容环境, then 暴露垃圾.
    await page.locator('[data-test=grid-category]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^市容环境$/ }).click();
    await page.locator('[data-test=grid-subcategory]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '暴露垃圾' }).click();
    await page.locator('textarea[data-test=grid-description]').fill('浏览器测试：新华路口垃圾堆放两天无人清运。');
    await page.locator('input[data-test=grid-address]').fill('新华路与解放大街交叉口');
    await page.locator('input[data-test=grid-photo-input]').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-test=grid-photo-preview]').waitFor();
    await shot(page, 'grid-02-report-form');
    await noSidewaysScroll(page, 'report form');
    await page.locator('[data-test=grid-submit]').click();

    await page.waitForURL(/#\/grid\/events\/\d+$/);
    eventId = Number(page.url().match(/events\/(\d+)$/)[1]);
    await expectText(page.locator('[data-test=grid-event-status]'), '已上报', 'status after the report');
    eventNumber = await expectText(page.locator('[data-test=grid-event-number]'), /^WG\d{14}$/, 'number');
    await page.locator('img[data-test=grid-photo]').waitFor();
    await page.waitForFunction(() => document.querySelector('img[data-test=grid-photo]')?.naturalWidth > 0);
    await expectText(page.locator('[data-test=grid-event-light]'), /正常/, 'light');

    await page.locator('[data-test=grid-action-file]').click();
    await page.locator('[data-test=grid-action-submit]').click();
    await expectText(page.locator('[data-test=grid-event-status]'), '待派遣', 'status after filing');
    await expectText(page.locator('[data-test=grid-event-holder]'), /新华社区/, 'holder after filing');
    await shot(page, 'grid-03-event-filed');
    await noSidewaysScroll(page, 'event page');

    const r = await api(`/api/v1/grid/events/${eventId}`, { token: adminToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'filed');
    assert.equal(r.body.photos.length, 1);
    assert.equal(r.body.address, '新华路与解放大街交叉口');
    assert.equal(r.body.category.name, '暴露垃圾');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});

test('the station dispatches it from the dispatch board', async () => {
  assert.ok(eventId, 'the event of the first test');
  const { context, page, check } = await openPage(PHONE);
  try {
    await loginAs(page, 'xinhua');
    await page.goto(server.url + '/#/grid/board');
    await page.locator('[data-test=grid-board]').waitFor();
    const item = page.locator(`[data-test=board-dispatch] >> xpath=ancestor::*[@data-test="board-item"]`).filter({ hasText: eventNumber });
    await item.waitFor();
    await expectText(item.locator('[data-light]'), /正常/, 'the board shows the light');
    await shot(page, 'grid-04-dispatch-board');
    await noSidewaysScroll(page, 'dispatch board');

    await item.locator('[data-test=board-dispatch]').click();
    const dialog = page.locator('.el-dialog[data-test=grid-action-dialog]');
    await dialog.waitFor();
    await dialog.locator('[data-test=grid-dispatch-unit]').click();
    await page.keyboard.type('住房');
    await page.locator('.el-select-dropdown__item', { hasText: '阜新市住房和城乡建设局' }).first().click();
    await dialog.locator('textarea[data-test=grid-action-note]').fill('请尽快清运');
    await shot(page, 'grid-05-dispatch-dialog');
    await dialog.locator('[data-test=grid-action-submit]').click();
    await page.locator(`[data-test=board-item][data-number="${eventNumber}"]`).waitFor({ state: 'detached' });

    await page.goto(server.url + `/#/grid/events/${eventId}`);
    await expectText(page.locator('[data-test=grid-event-status]'), '处置中', 'status after dispatch');
    await expectText(page.locator('[data-test=grid-event-holder]'), /阜新市住房和城乡建设局/, 'holder after dispatch');
    await shot(page, 'grid-06-event-dispatched');
    const r = await api(`/api/v1/grid/events/${eventId}`, { token: adminToken });
    assert.equal(r.body.status, 'dispatched');
    assert.equal(r.body.unit.name, '阜新市住房和城乡建设局');
    assert.deepEqual(check(), []);
  } finally {
    await context.close();
  }
});
