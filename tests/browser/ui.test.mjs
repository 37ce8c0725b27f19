// Browser test of the web UI against the real server: `build/yiwang demo` + `serve`
// (tests/lib/server.mjs), driven by playwright-core with Debian's chromium.
//
//   node --test tests/browser/
//
// Environment: YIWANG_BIN (server binary, default build/yiwang), CHROMIUM (default
// /usr/bin/chromium), YIWANG_SCREENSHOTS=DIR to save screenshots of the screens on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YIWANG_SCREENSHOTS || '';
const WAIT = 15000;

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  api = client(server.url);
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

// A fresh browser context (own sessionStorage) with a viewport; collects uncaught page
// errors and failed requests so that a test can insist there were none.
async function openPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  // A breach of the pages' Content-Security-Policy is a problem like any console error.
  await context.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)));
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
  return { context, page, problems };
}

async function shot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(400); // let transitions and the chart settle
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// Waits until the locator's text (trimmed, whitespace collapsed) satisfies `want`
// (a string for equality, a RegExp, or a predicate); fails with what it last saw.
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
    } catch { /* detached while re-rendering; retry */ }
    if (Date.now() > deadline) assert.fail(`${what}: expected ${want}, saw "${last}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectCount(locator, n, what) {
  const deadline = Date.now() + WAIT;
  let c;
  for (;;) {
    c = await locator.count();
    if (c === n) return;
    if (Date.now() > deadline) assert.fail(`${what}: expected ${n}, found ${c}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const treeNode = (page, name) => page.locator(`[data-test=unit-tree] [data-test=unit-node][data-name="${name}"]`);
const token = (page) => page.evaluate(() => sessionStorage.getItem('yiwang.token'));

async function fillLogin(page, username, password) {
  await page.locator('input[data-test=login-username]').fill(username);
  await page.locator('input[data-test=login-password]').fill(password);
}

test('admin: login form, home, unit tree, search, admin screens, logout (desktop)', async () => {
  const adminToken = await apiLogin(api, 'admin');
  const me = await api('/api/v1/me', { token: adminToken });
  assert.equal(me.status, 200);
  const { context, page, problems } = await openPage({ width: 1366, height: 860 });
  try {
    // Not logged in: the app sends us to the login page. The page forbids framing and
    // scripts from elsewhere (and openPage reports anything it blocks).
    const resp = await page.goto(server.url + '/');
    assert.match(resp.headers()['content-security-policy'] || '', /frame-ancestors 'none'/);
    await page.waitForURL(/#\/login/);
    await shot(page, 'login-desktop');
    await fillLogin(page, 'admin', demoPassword);
    await page.locator('[data-test=login-submit]').click();

    // Home: the user's unit, name in the header, role labels, the chart.
    await expectText(page.locator('[data-test=home-unit-name]'), '阜新市', 'home unit');
    assert.ok(await token(page), 'token kept in sessionStorage');
    await expectText(page.locator('[data-test=user-name]'), me.body.display_name, 'header user name');
    await expectText(page.locator('[data-test=user-unit]'), '阜新市', 'header unit name');
    await expectText(page.locator('header'), /一网 · 阜新市基层治理平台/, 'product name');
    await expectText(page.locator('[data-test=home-roles]'), /系统管理员/, 'role label');
    await page.locator('[data-test=kind-chart] canvas').waitFor();
    // The chart's numbers are the real children of 阜新市, counted by kind.
    const kids = await api(`/api/v1/units?parent_id=${me.body.unit.id}&per_page=200`, { token: adminToken });
    const counties = kids.body.items.filter((u) => u.kind === 'county').length;
    assert.ok(counties >= 7, `阜新市 has ${counties} county-level units`);
    await expectText(page.locator('[data-test=chart-summary]'), new RegExp(`县区 ${counties} 个`), 'chart summary');
    for (const n of ['home', 'units', 'users', 'audit']) await page.locator(`[data-test=nav-${n}]`).waitFor();
    await shot(page, 'home-desktop');

    // 组织架构: 阜新市 → 海州区 → 站前街道.
    await page.locator('[data-test=nav-units]').click();
    await page.waitForURL(/#\/units/);
    await expectCount(page.locator('[data-test=unit-tree] > .el-tree-node'), 1, 'one tree root');
    await expectText(page.locator('[data-test=unit-tree] > .el-tree-node [data-test=unit-node]'), /^阜新市/, 'tree root');
    if (!(await treeNode(page, '海州区').isVisible())) await treeNode(page, '阜新市').click();
    await treeNode(page, '海州区').click();
    await treeNode(page, '站前街道').waitFor({ state: 'visible' });
    // 站前街道 sits under 海州区, one level deeper.
    const hz = page.locator('[data-test=unit-tree] .el-tree-node', { has: page.locator('> .el-tree-node__content [data-name="海州区"]') });
    await hz.locator('> .el-tree-node__children [data-name="站前街道"]').waitFor({ state: 'visible' });
    await expectText(page.locator('[data-test=unit-detail-name]'), '海州区', 'detail after clicking 海州区');
    await expectText(page.locator('[data-test=unit-detail-kind]'), '县区', 'kind label');
    await page.locator('[data-test=unit-actions] [data-test=unit-add]').waitFor();
    await shot(page, 'tree-desktop');

    // Search 东瓦房 → select → the path shows in the detail panel and the tree opens to it.
    await page.locator('input[data-test=unit-search]').fill('东瓦房');
    const hit = page.locator('[data-test=unit-search-item][data-name="东瓦房村"]');
    await hit.click();
    await expectText(page.locator('[data-test=unit-detail] [data-test=unit-detail-name]'), '东瓦房村', 'detail name');
    await expectText(page.locator('[data-test=unit-detail] [data-test=unit-path]'), '阜新市 / 海州区 / 韩家店镇 / 东瓦房村', 'detail path');
    await expectText(page.locator('[data-test=unit-detail] [data-test=unit-detail-kind]'), '村', 'detail kind');
    await expectText(page.locator('[data-test=unit-tree] .el-tree-node.is-current > .el-tree-node__content [data-test=unit-node]'), /^东瓦房村/, 'tree reveals the found unit');
    await shot(page, 'tree-search-desktop');

    // 用户管理: the table lists the demo users; the page total agrees with the API.
    await page.locator('[data-test=nav-users]').click();
    await page.waitForURL(/#\/users/);
    const users = await api('/api/v1/users?per_page=1', { token: adminToken });
    await expectText(page.locator('.el-pagination__total'), new RegExp(`共\\s*${users.body.total}\\s*条`), 'users total');
    await page.locator('input[data-test=user-search]').fill('grid01');
    await page.locator('input[data-test=user-search]').press('Enter');
    await expectText(page.locator('[data-test=users-table] .el-table__body-wrapper'), /grid01.*网格员/, 'grid01 row with role label');
    await shot(page, 'users-desktop');

    // 审计日志: total agrees with the API (asked first: the log only grows).
    const audit = await api('/api/v1/audit?per_page=1', { token: adminToken });
    assert.equal(audit.status, 200);
    await page.locator('[data-test=nav-audit]').click();
    await page.waitForURL(/#\/audit/);
    await page.locator('[data-test=audit-table]').waitFor();
    await expectText(page.locator('.el-pagination__total'), (s) => {
      const m = /共\s*(\d+)\s*条/.exec(s);
      return Boolean(m) && Number(m[1]) >= audit.body.total; // the log only grows
    }, 'audit total');
    await shot(page, 'audit-desktop');

    // Logout: the session ends on the server and the token leaves the browser.
    const tok = await token(page);
    await page.locator('[data-test=logout]').click();
    await page.waitForURL(/#\/login/);
    assert.equal(await token(page), null, 'token cleared on logout');
    const after = await api('/api/v1/me', { token: tok });
    assert.equal(after.status, 401, 'token no longer works after logout');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('grid member on a phone: wrong password, drawer nav without admin entries, own unit as tree root', async () => {
  const gridToken = await apiLogin(api, 'grid01');
  const me = (await api('/api/v1/me', { token: gridToken })).body;
  assert.ok(me.unit && me.unit.name, 'grid01 has a unit');
  const { context, page, problems } = await openPage({ width: 375, height: 740 });
  try {
    await page.goto(server.url + '/');
    await page.waitForURL(/#\/login/);

    // A wrong password: the server's message is shown, no token is kept.
    const wrong = await api('/api/v1/sessions', { method: 'POST', body: { username: 'grid01', password: 'not-the-password' } });
    assert.equal(wrong.status, 401);
    await fillLogin(page, 'grid01', 'still-not-the-password');
    await page.locator('input[data-test=login-password]').press('Enter');
    await expectText(page.locator('[data-test=login-error]'), wrong.body.error.message, 'login error message');
    assert.equal(await token(page), null);
    assert.match(page.url(), /#\/login/);
    await shot(page, 'login-error-phone');

    // Enter in the password field logs in.
    await fillLogin(page, 'grid01', demoPassword);
    await page.locator('input[data-test=login-password]').press('Enter');
    await expectText(page.locator('[data-test=home-unit-name]'), me.unit.name, 'home shows the grid');
    await expectText(page.locator('[data-test=home-roles]'), /网格员/, 'role label');
    await page.locator('[data-test=home-chart]').waitFor();

    // The phone layout: no page-wide horizontal scrolling, a hamburger instead of the aside.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `page is ${width}px wide on a 375px phone`);
    await expectCount(page.locator('.aside'), 0, 'no side column on a phone');
    await shot(page, 'home-phone');

    await page.locator('[data-test=nav-toggle]').click();
    await page.locator('[data-test=nav-drawer] [data-test=nav-units]').waitFor({ state: 'visible' });
    await page.locator('[data-test=nav-drawer] [data-test=nav-home]').waitFor({ state: 'visible' });
    await expectCount(page.locator('[data-test=nav-users]'), 0, 'no 用户管理 entry');
    await expectCount(page.locator('[data-test=nav-audit]'), 0, 'no 审计日志 entry');
    await expectCount(page.getByText('用户管理'), 0, 'no 用户管理 text');
    await shot(page, 'nav-drawer-phone');

    await page.locator('[data-test=nav-drawer] [data-test=nav-units]').click();
    await page.waitForURL(/#\/units/);
    await page.locator('[data-test=nav-drawer] [data-test=nav-units]').waitFor({ state: 'hidden' });
    await expectCount(page.locator('[data-test=unit-tree] > .el-tree-node'), 1, 'one tree root');
    await expectText(page.locator('[data-test=unit-tree] > .el-tree-node > .el-tree-node__content [data-test=unit-node]'), (s) => s.startsWith(me.unit.name), 'tree root is the own unit');
    assert.equal(
      await page.locator('[data-test=unit-tree] > .el-tree-node > .el-tree-node__content [data-test=unit-node]').getAttribute('data-id'),
      String(me.unit.id),
    );
    await expectText(page.locator('[data-test=unit-detail-name]'), me.unit.name, 'detail shows the own unit');
    await expectCount(page.locator('[data-test=unit-actions]'), 0, 'no admin buttons');
    const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w2 <= 375, `units page is ${w2}px wide on a 375px phone`);
    await shot(page, 'tree-phone');

    // An admin screen typed into the address bar goes back home.
    await page.goto(server.url + '/#/users');
    await page.waitForURL(/#\/$/);
    await expectText(page.locator('[data-test=home-unit-name]'), me.unit.name, 'back home');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a 401 from any call clears the token and returns to the login page', async () => {
  const { context, page, problems } = await openPage({ width: 1280, height: 800 });
  try {
    await page.goto(server.url + '/#/units');
    await page.waitForURL(/#\/login/);
    await fillLogin(page, 'zhanqian', demoPassword);
    await page.locator('[data-test=login-submit]').click();
    // After login the page asked for comes back.
    await page.waitForURL(/#\/units/);
    await expectText(page.locator('[data-test=unit-tree] > .el-tree-node > .el-tree-node__content [data-test=unit-node]'), /^站前街道/, 'zhanqian tree root');

    // The session ends behind the UI's back; the next call answers 401.
    const tok = await token(page);
    assert.ok(tok);
    const del = await api('/api/v1/sessions/current', { method: 'DELETE', token: tok });
    assert.equal(del.status, 204);
    await page.locator('input[data-test=unit-search]').fill('站前');
    await page.waitForURL(/#\/login/);
    assert.equal(await token(page), null, 'token cleared after a 401');
    await page.locator('input[data-test=login-username]').waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('admin writes through the dialogs: add a unit, create a user, unlock a locked account', async () => {
  const adminToken = await apiLogin(api, 'admin');
  // Lock `xihe` with five wrong passwords.
  for (let i = 0; i < 5; i++) await api('/api/v1/sessions', { method: 'POST', body: { username: 'xihe', password: 'wrong-password' } });
  const locked = await api('/api/v1/users?q=xihe', { token: adminToken });
  assert.equal(locked.body.items.find((u) => u.username === 'xihe')?.locked, true, 'xihe is locked');

  const { context, page, problems } = await openPage({ width: 1280, height: 800 });
  try {
    await page.goto(server.url + '/');
    await fillLogin(page, 'admin', demoPassword);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=home-unit-name]').waitFor();

    // 新增下级: a community under 站前街道; the kind list offers only what may sit there.
    await page.locator('[data-test=nav-units]').click();
    await treeNode(page, '海州区').click();
    await treeNode(page, '站前街道').click();
    await expectText(page.locator('[data-test=unit-detail-name]'), '站前街道', 'detail');
    await page.locator('[data-test=unit-add]').click();
    await page.locator('input[data-test=unit-add-name]').fill('浏览器测试社区');
    await page.locator('.el-dialog [data-test=unit-add-kind]').click();
    await page.locator('.el-select-dropdown__item:visible').first().waitFor({ timeout: 5000 });
    const kinds = (await page.locator('.el-select-dropdown__item:visible').allTextContents()).map((s) => s.trim());
    assert.deepEqual(kinds.sort(), ['村', '社区', '网格', '部门'].sort(), 'kinds allowed under a township');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '社区' }).click();
    await page.locator('[data-test=unit-add-save]').click();
    await treeNode(page, '浏览器测试社区').click();
    await expectText(page.locator('[data-test=unit-path]'), '阜新市 / 海州区 / 站前街道 / 浏览器测试社区', 'new unit path');
    const made = await api(`/api/v1/units?q=${encodeURIComponent('浏览器测试社区')}`, { token: adminToken });
    assert.equal(made.body.items[0]?.kind, 'community');

    // 新建用户 in the new unit, with two roles.
    await page.locator('[data-test=nav-users]').click();
    await page.locator('[data-test=user-create]').click();
    await page.locator('input[data-test=user-form-username]').fill('browser01');
    await page.locator('input[data-test=user-form-display-name]').fill('浏览器测试员');
    await page.locator('input[data-test=user-form-password]').fill('Browser-test-pw-1');
    await page.locator('.el-dialog .unit-select').click();
    await page.keyboard.type('浏览器测试');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '浏览器测试社区' }).click();
    const roles = page.locator('.el-dialog .el-form-item', { has: page.locator('[data-test=user-form-roles]') });
    for (const label of ['网格员', '调解员']) {
      // Pick from the open dropdown until the choice shows as a tag in the select.
      for (let attempt = 0; ; attempt++) {
        if (!(await page.locator('.el-select-dropdown__item:visible', { hasText: label }).count())) {
          await page.locator('.el-dialog [data-test=user-form-roles]').click();
        }
        await page.locator('.el-select-dropdown__item:visible', { hasText: label }).click();
        try {
          await roles.locator('.el-tag', { hasText: label }).waitFor({ timeout: 2000 });
          break;
        } catch (e) {
          if (attempt >= 2) throw e;
        }
      }
    }
    await page.keyboard.press('Escape');
    await page.locator('[data-test=user-form-save]').click();
    await page.locator('.el-dialog:visible').waitFor({ state: 'hidden' });
    const created = await api('/api/v1/users?q=browser01', { token: adminToken });
    const u = created.body.items.find((x) => x.username === 'browser01');
    assert.ok(u, 'browser01 created');
    assert.equal(u.unit.name, '浏览器测试社区');
    assert.deepEqual([...u.roles].sort(), ['grid_member', 'mediator']);
    await api('/api/v1/sessions', { method: 'POST', body: { username: 'browser01', password: 'Browser-test-pw-1' } })
      .then((r) => assert.equal(r.status, 201, 'the new user can log in'));

    // 解锁 the locked account.
    await page.locator('input[data-test=user-search]').fill('xihe');
    await page.locator('input[data-test=user-search]').press('Enter');
    await page.locator('[data-test=user-unlock-xihe]').click();
    await page.locator('[data-test=user-unlock-xihe]').waitFor({ state: 'detached' });
    const unlocked = await api('/api/v1/users?q=xihe', { token: adminToken });
    assert.equal(unlocked.body.items.find((x) => x.username === 'xihe')?.locked, false, 'xihe unlocked');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
