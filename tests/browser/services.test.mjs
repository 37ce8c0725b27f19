// Browser test of the 便民服务 screens against the real server: a proxy request (代办) from
// the 东瓦房村 station on a tablet (dwf_service: catalogue, materials checklist, the signed
// entrustment, send to the hall) → the county hall's queue (hz_hall completes it with a
// result) → back at the station (hand over) → the citizen on a phone looks it up by number
// and phone, sees the result and rates it.
//
//   node --test tests/browser/services.test.mjs
//
// Environment as tests/browser/ui.test.mjs: YIWANG_BIN, CHROMIUM, YIWANG_SCREENSHOTS=DIR
// (default test-results/services).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YIWANG_SCREENSHOTS || 'test-results/services';
const WAIT = 15000;
const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 375, height: 740 };
const PHONE_NO = '13904186677';

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
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', hasTouch: viewport.width <= 1024 });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[0-9]/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { context, page, check: () => problems };
}

async function shot(page, name) {
  await page.waitForTimeout(400);
  await page.evaluate(() => window.scrollTo(0, 0));
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

test('a proxy request: station (tablet) → hall → station → the citizen rates it on the phone', async () => {
  // 1. The station clerk registers it from the catalogue and sends it to the hall.
  const st = await openPage(TABLET);
  await loginAs(st.page, 'dwf_service');
  await st.page.locator('[data-test=nav-service-desk]').first().click();
  await st.page.locator('[data-test=service-desk]').waitFor();
  await st.page.locator('[data-test=sd-item]').click();
  await st.page.keyboard.type('高龄津贴');
  await st.page.locator('.el-select-dropdown__item:visible', { hasText: /^高龄津贴申领$/ }).click();
  await expectText(st.page.locator('[data-test=sd-item-info]'), /承诺件 · 承诺时限 10 个工作日/, 'item info');
  await st.page.locator('[data-test=sd-mode-proxy]').click();
  await st.page.locator('input[data-test=sd-name]').fill('王桂芝');
  await st.page.locator('input[data-test=sd-phone]').fill(PHONE_NO);
  // The clerk ticks every material of the item's list.
  const boxes = st.page.locator('[data-test=sd-materials] .el-checkbox');
  assert.equal(await boxes.count(), 3);
  for (let i = 0; i < 3; i++) await boxes.nth(i).click();
  // Without the signed entrustment the proxy is not accepted.
  await st.page.locator('[data-test=sd-submit]').click();
  await expectText(st.page.locator('.el-form-item__error'), /委托书/, 'entrustment required');
  await st.page.locator('[data-test=sd-entrusted]').click();
  await noSidewaysScroll(st.page, 'the station desk on a tablet');
  await shot(st.page, 'services-1-station-new');
  await st.page.locator('[data-test=sd-submit]').click();
  await st.page.locator('[data-test=service-request]').waitFor();
  const number = await expectText(st.page.locator('[data-test=sr-number]'), /^FW\d{14}$/, 'number');
  await expectText(st.page.locator('[data-test=sr-status]'), '已受理', 'received');
  await expectText(st.page.locator('[data-test=sr-phone]'), PHONE_NO, 'the station sees the phone');
  await st.page.locator('[data-test=sr-act-send]').click();
  await st.page.locator('[data-test=sr-confirm]').click();
  await expectText(st.page.locator('[data-test=sr-status]'), '中心办理中', 'at the hall');
  await shot(st.page, 'services-2-station-sent');

  // 2. The hall completes it from its queue.
  const hall = await openPage(TABLET);
  await loginAs(hall.page, 'hz_hall');
  await hall.page.locator('[data-test=nav-service-hall]').first().click();
  await hall.page.locator('[data-test=service-hall]').waitFor();
  await hall.page.locator(`[data-test=sh-complete-${number}]`).click();
  await hall.page.locator('textarea[data-test=sh-result]').fill('审核通过，自下月起按月发放高龄津贴每月100元');
  await shot(hall.page, 'services-3-hall-complete');
  await hall.page.locator('[data-test=sh-confirm]').click();
  await expectText(hall.page.locator('.el-message'), /已办结/, 'completed message');
  // The queue reloads after the message: the row leaves it (waitFor fails if it stays).
  await hall.page.locator(`[data-test=sh-complete-${number}]`).waitFor({ state: 'detached' });

  // 3. Back at the station: hand over.
  await st.page.reload();
  await expectText(st.page.locator('[data-test=sr-status]'), '已办结待送达', 'completed');
  await expectText(st.page.locator('[data-test=sr-result]'), /审核通过/, 'result shown');
  await st.page.locator('[data-test=sr-act-hand_over]').click();
  await st.page.locator('[data-test=sr-confirm]').click();
  await expectText(st.page.locator('[data-test=sr-status]'), '已送达', 'done');
  await shot(st.page, 'services-4-station-done');

  // 4. The citizen on the phone page: look up, see the result, rate.
  const ph = await openPage(PHONE);
  await ph.page.goto(server.url + '/#/public/service');
  await ph.page.locator('input[data-test=ps-number]').fill(number);
  await ph.page.locator('input[data-test=ps-phone]').fill('13900000000');
  await ph.page.locator('[data-test=ps-lookup]').click();
  await expectText(ph.page.locator('[data-test=ps-error]'), /没有找到/, 'wrong phone');
  await ph.page.locator('input[data-test=ps-phone]').fill(PHONE_NO);
  await ph.page.locator('[data-test=ps-lookup]').click();
  await expectText(ph.page.locator('[data-test=ps-status]'), '已送达', 'citizen sees done');
  await ph.page.locator('[data-test=ps-stars] .el-rate__item').nth(4).click();
  await shot(ph.page, 'services-5-citizen-rate');
  await ph.page.locator('[data-test=ps-submit-rating]').click();
  await ph.page.locator('[data-test=ps-rated]').waitFor();
  await noSidewaysScroll(ph.page, 'the citizen page on a phone');
  await shot(ph.page, 'services-6-citizen-rated');

  const tok = await apiLogin(api, 'dwf_service');
  const list = await api(`/api/v1/services/requests?per_page=5`, { token: tok });
  const mine = list.body.items.find((i) => i.number === number);
  assert.equal(mine.status, 'done');
  assert.equal(mine.rating, 5);
  for (const c of [st, hall, ph]) {
    assert.deepEqual(c.check(), []);
    await c.context.close();
  }
});

test('the figures, the catalogue and enterprise service pages', async () => {
  const l = await openPage(TABLET);
  await loginAs(l.page, 'leader');
  await l.page.locator('[data-test=nav-service-stats]').first().click();
  await l.page.locator('[data-test=ss-summary]').waitFor();
  const n = Number(await expectText(l.page.locator('[data-test=ss-requests]'), /^\d+$/, 'requests'));
  assert.ok(n > 1000, `a year of demo requests: ${n}`);
  await expectText(l.page.locator('[data-test=ss-units] tbody tr').first(), /东瓦房村/, 'busiest station first');
  await shot(l.page, 'services-7-stats');
  const [download] = await Promise.all([l.page.waitForEvent('download'), l.page.locator('[data-test=ss-export]').click()]);
  assert.match(download.suggestedFilename(), /^便民服务统计_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
  assert.deepEqual(l.check(), []);
  await l.context.close();

  const a = await openPage({ width: 1280, height: 800 });
  await loginAs(a.page, 'admin');
  await a.page.locator('[data-test=nav-service-items]').first().click();
  await a.page.locator('[data-test=si-table] tbody tr').first().waitFor();
  assert.ok(await a.page.locator('[data-test=si-table] tbody tr').count() >= 30);
  await shot(a.page, 'services-8-catalogue');
  await a.page.locator('[data-test=nav-service-enterprise]').first().click();
  await a.page.locator('[data-test=service-enterprise]').waitFor();
  // The demo's enterprise cases: each names its investment project, linked to the register.
  await a.page.locator('[data-test=se-item]').first().waitFor();
  const open = await a.page.locator('[data-test=se-item]').count();
  assert.ok(open >= 5, `${open} enterprise cases in progress`);
  await shot(a.page, 'services-9-enterprise');
  // Per county: 海州区 only.
  await a.page.locator('[data-test=se-county]').click();
  await a.page.locator('.el-select-dropdown__item', { hasText: /^海州区$/ }).click();
  await a.page.waitForFunction(() => [...document.querySelectorAll('[data-test=se-item] .el-tag')].every((t) => !/区|县/.test(t.textContent) || t.textContent.trim() === '海州区'));
  const item = a.page.locator('[data-test=se-item]').first();
  await item.waitFor();
  assert.ok((await item.textContent()).includes('海州区'));
  const link = item.locator('a[data-test=se-project]');
  const href = await link.getAttribute('href');
  assert.match(href, /#\/projects\/\d+$/);
  // Mark the first open step done: its status and date show.
  const btn = item.locator('[data-test=se-done]').first();
  const stepId = await btn.getAttribute('data-id');
  await btn.click();
  const row = a.page.locator(`[data-test=se-done][data-id="${stepId}"]`);
  await row.waitFor({ state: 'detached' });
  const id = await item.getAttribute('data-id');
  const rec = (await api(`/api/v1/services/enterprise/${id}`, { token: await apiLogin(api, 'admin') })).body;
  const step = rec.steps.find((s) => String(s.id) === stepId);
  assert.equal(step?.status, 'done');
  assert.ok(step.done_at);
  await shot(a.page, 'services-10-enterprise-done');
  // The project's page opens from the link.
  await link.click();
  await a.page.waitForURL(/#\/projects\/\d+$/);
  assert.deepEqual(a.check(), []);
  await a.context.close();
});
