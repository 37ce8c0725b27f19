// Browser test of the 智慧党建 screens against the real server: member01 on a phone
// (390×844) claims a 微心愿 published by 东瓦房村's station; the branch secretary confirms it
// on the desk and shows an activity's sign-in QR code; member01's points rise by the rule's
// 5; the test decodes the QR code (jsQR over the canvas's pixels) and opens the URL it holds
// on member01's phone, which signs member01 in; the organization department's overview shows the tree, the
// flagged branches and the figures.
//
//   node --test tests/browser/party.test.mjs
//
// Environment as tests/browser/ui.test.mjs: YIWANG_BIN, CHROMIUM, YIWANG_SCREENSHOTS=DIR
// (default test-results/party).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import jsQR from 'jsqr';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YIWANG_SCREENSHOTS || 'test-results/party';
const WAIT = 15000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const TITLE = '浏览器测试：孤寡老人想要一副老花镜';

let server, browser, api, T = {};
let wishId, activityId;

before(async () => {
  server = await startServer();
  api = client(server.url);
  for (const u of ['member01', 'dwf_service', 'dwf_branch']) T[u] = await apiLogin(api, u);
  const units = await api(`/api/v1/units?q=${encodeURIComponent('东瓦房村')}`, { token: T.dwf_service });
  const dwf = units.body.items.find((u) => u.name === '东瓦房村');
  const w = await api('/api/v1/party/wishes', { method: 'POST', token: T.dwf_service, body: { title: TITLE, unit_id: dwf.id } });
  assert.equal(w.status, 201, w.text);
  wishId = w.body.id;
  const orgs = (await api('/api/v1/party/orgs', { token: T.dwf_branch })).body.items;
  const branch = orgs.find((o) => o.name === '东瓦房村党支部');
  const a = await api('/api/v1/party/activities', {
    method: 'POST', token: T.dwf_branch,
    body: { org_id: branch.id, kind: 'theme_day', held_at: new Date().toISOString(), title: '浏览器测试：主题党日' },
  });
  assert.equal(a.status, 201, a.text);
  activityId = a.body.id;
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
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  return { context, page, problems };
}

async function shot(page, name) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function loginAs(page, username, path) {
  await page.goto(server.url + '/#/login');
  await page.locator('input[data-test=login-username]').fill(username);
  await page.locator('input[data-test=login-password]').fill(demoPassword);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=home]').waitFor();
  await page.goto(server.url + '/#' + path);
}

async function textOf(locator) {
  return ((await locator.first().textContent()) || '').replace(/\s+/g, ' ').trim();
}

async function waitFor(fn, what) {
  const deadline = Date.now() + WAIT;
  let last;
  for (;;) {
    last = await fn();
    if (last === true) return;
    if (Date.now() > deadline) assert.fail(`${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const myPoints = async () => (await api('/api/v1/party/me', { token: T.member01 })).body.points;

test('member01 claims a wish on the phone; the secretary confirms it; the points rise', async () => {
  const before = await myPoints();
  const m = await openPage(PHONE);
  await loginAs(m.page, 'member01', '/party/me');
  await m.page.locator('[data-test=party-me-points]').waitFor();
  assert.equal(await textOf(m.page.locator('[data-test=party-me-points]')), String(before));
  const item = m.page.locator(`[data-test=party-open-item][data-id="${wishId}"]`);
  await item.waitFor();
  assert.ok((await textOf(item)).includes(TITLE));
  const width = await m.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `the phone page is ${width}px wide`);
  await shot(m.page, 'party-member-open');
  await item.locator('[data-test=party-claim]').click();
  const mine = m.page.locator(`[data-test=party-mine-item][data-id="${wishId}"]`);
  await mine.waitFor();
  assert.equal(await textOf(mine.locator('[data-test=party-mine-status]')), '已认领');
  await m.page.locator(`[data-test=party-open-item][data-id="${wishId}"]`).waitFor({ state: 'detached' });
  assert.equal(await myPoints(), before, 'a claim alone earns nothing');
  await shot(m.page, 'party-member-claimed');

  // The secretary, on a desktop, confirms it.
  const s = await openPage(DESKTOP);
  await loginAs(s.page, 'dwf_branch', '/party/branch');
  await waitFor(async () => (await textOf(s.page.locator('[data-test=party-branch-name]'))) === '东瓦房村党支部' || 'no', 'the branch\'s name');
  const btn = s.page.locator(`[data-test=party-fulfil][data-id="${wishId}"]`);
  await btn.waitFor();
  await shot(s.page, 'party-secretary-confirm');
  await btn.click();
  await btn.waitFor({ state: 'detached' });
  // The sign-in QR code of an activity, with its token as text beside it.
  await s.page.getByRole('tab', { name: '三会一课' }).click();
  await s.page.locator(`[data-test=party-qr][data-id="${activityId}"]`).click();
  const code = s.page.locator('[data-test=party-qr-token]');
  await waitFor(async () => /^[0-9a-f]{32}$/.test(await textOf(code)) || 'no token', 'the token shows');
  const token = await textOf(code);
  const canvas = s.page.locator('canvas[data-test=party-qr-canvas]');
  await canvas.waitFor();
  let qrText = null;
  await waitFor(async () => {
    const img = await canvas.evaluate((c) => {
      if (!c.width || !c.height) return null;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      return { w: d.width, h: d.height, data: Array.from(d.data) };
    });
    if (!img) return 'no pixels';
    const found = jsQR(Uint8ClampedArray.from(img.data), img.w, img.h);
    qrText = found && found.data;
    return !!qrText || 'no QR code in the canvas';
  }, 'the QR code decodes');
  const url = new URL(qrText);
  assert.equal(url.origin, new URL(server.url).origin, 'the QR code points at this web UI');
  assert.equal(url.hash, `#/party/checkin?token=${token}`, 'the QR code holds the sign-in URL');
  await shot(s.page, 'party-secretary-qr');
  await s.page.keyboard.press('Escape');
  await s.page.getByRole('tab', { name: '配额' }).click();
  await s.page.locator('[data-test=party-quota] .el-table__row').first().waitFor();
  await shot(s.page, 'party-secretary-quota');
  assert.deepEqual(s.problems, []);
  await s.context.close();

  // Back on the phone: fulfilled, points up by 5; then the token signs member01 in.
  assert.equal(await myPoints(), before + 5);
  await m.page.reload();
  await waitFor(async () => (await textOf(m.page.locator('[data-test=party-me-points]'))) === String(before + 5), 'points on the page');
  assert.equal(await textOf(m.page.locator(`[data-test=party-mine-item][data-id="${wishId}"] [data-test=party-mine-status]`)), '已完成');
  await m.page.locator('[data-test=party-checkin-token]').waitFor(); // typed fallback still there
  // The phone opens the URL the QR code holds (as its camera app would): signed in.
  await m.page.goto(qrText);
  await m.page.locator('[data-test=party-checkin-ok]').waitFor();
  await shot(m.page, 'party-member-checkin');
  assert.ok((await myPoints()) > before + 5, 'the sign-in earned the activity\'s points');
  // The same code again: refused with a clear message.
  await m.page.goto(server.url + '/#/party/me');
  await m.page.goto(qrText);
  await m.page.locator('[data-test=party-checkin-error]').waitFor();
  assert.ok((await textOf(m.page.locator('[data-test=party-checkin-error]'))).includes('已签到'));
  m.problems.splice(0, m.problems.length, ...m.problems.filter((p) => !/status of 409/.test(p)));
  await m.page.goto(server.url + '/#/party/me');
  await m.page.locator('[data-test=party-me-points]').waitFor();
  await shot(m.page, 'party-member-points');
  assert.deepEqual(m.problems, []);
  await m.context.close();
});

test('the organization department\'s overview: tree, flagged branches, figures', async () => {
  const o = await openPage(DESKTOP);
  await loginAs(o.page, 'party_org', '/party/overview');
  await o.page.locator('[data-test=party-tree] .el-tree-node').first().waitFor();
  assert.ok((await textOf(o.page.locator('[data-test=party-tree]'))).includes('中共阜新市委员会'));
  await o.page.locator('[data-test=party-stats] .el-table__row').first().waitFor();
  const flagged = Number(await textOf(o.page.locator('[data-test=party-flagged-count]')));
  assert.ok(flagged > 0, 'the demo has branches behind their quota');
  await shot(o.page, 'party-overview');
  assert.deepEqual(o.problems, []);
  await o.context.close();
});
