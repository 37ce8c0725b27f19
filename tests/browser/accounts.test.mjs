// The accounts drill in the browser (docs/security.md "Accounts"): an expired password asks
// for a new one at login and holds the screens back until it is given; an idle session
// sends the user to the login page saying why; a second admin approves a pending grant
// on the users screen; the audit screen has the login log as a tab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer, client, login as apiLogin, demoPassword } from '../lib/server.mjs';
import { sql, secondAdmin, APPROVER, stopClean } from '../lib/api-helpers.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = 15000;

let server, browser, api;

before(async () => {
  server = await startServer();
  api = client(server.url);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  await stopClean(server);
});

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { context, page, problems };
}

async function logIn(page, username, password) {
  await page.goto(server.url + '/#/login');
  await page.locator('input[data-test=login-username]').fill(username);
  await page.locator('input[data-test=login-password]').fill(password);
  await page.locator('[data-test=login-submit]').click();
}

async function textOf(locator) {
  return ((await locator.first().textContent()) || '').replace(/\s+/g, ' ').trim();
}

async function until(what, fn) {
  const deadline = Date.now() + WAIT;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('an expired password: the dialog at login, the screens held back, the server\'s reason shown; a new password opens them', async () => {
  sql(server.db.url, "UPDATE users SET password_changed_at = 1 WHERE username = 'zhujian'");
  const { context, page, problems } = await openPage();
  try {
    await logIn(page, 'zhujian', demoPassword);
    const dialog = page.locator('.el-dialog:visible', { hasText: '密码已过期' });
    await dialog.waitFor();
    await page.locator('[data-test=password-expired]').waitFor();
    assert.equal(await page.locator('[data-test=home-unit-name]').count(), 0, 'no screen behind the dialog');
    // The server refuses a password holding the username, and says so.
    await dialog.locator('input[data-test=password-current]').fill(demoPassword);
    await dialog.locator('input[data-test=password-new]').fill('Zhujian-2027!');
    await dialog.locator('input[data-test=password-confirm]').fill('Zhujian-2027!');
    await dialog.locator('[data-test=password-save]').click();
    await until('the reason', async () => /用户名/.test(await textOf(page.locator('[data-test=password-error]')).catch(() => '')));
    await dialog.locator('input[data-test=password-new]').fill('Renewed-pw-2027');
    await dialog.locator('input[data-test=password-confirm]').fill('Renewed-pw-2027');
    await dialog.locator('[data-test=password-save]').click();
    await page.locator('[data-test=home-unit-name]').waitFor();
    await until('the dialog closes', async () => (await page.locator('.el-dialog:visible', { hasText: '密码已过期' }).count()) === 0);
    const r = await api('/api/v1/sessions', { method: 'POST', body: { username: 'zhujian', password: 'Renewed-pw-2027' } });
    assert.equal(r.status, 201);
    assert.equal(r.body.password_expired, false);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an idle session: the next click lands on the login page, which says why', async () => {
  const { context, page, problems } = await openPage();
  try {
    await logIn(page, 'haizhou', demoPassword);
    await page.locator('[data-test=home-unit-name]').waitFor();
    sql(server.db.url, "UPDATE sessions SET last_seen_at = last_seen_at - 1900000 WHERE user_id = (SELECT id FROM users WHERE username = 'haizhou')");
    await page.locator('[data-test=nav-units]').click();
    await page.waitForURL(/#\/login/);
    await until('the idle notice', async () => /长时间未操作/.test(await textOf(page.locator('[data-test=login-expired]')).catch(() => '')));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a second admin approves a pending grant on the users screen; the login log is a tab of the audit screen', async () => {
  const admin = await apiLogin(api, 'admin');
  await secondAdmin(server, api);
  const units = await api(`/api/v1/units?q=${encodeURIComponent('站前街道')}`, { token: admin });
  const made = await api('/api/v1/users', {
    method: 'POST', token: admin,
    body: { username: 'browser.agent', display_name: '浏览器话务员', password: 'Browser-agent-9', unit_id: units.body.items[0].id, roles: ['agent'] },
  });
  assert.equal(made.status, 202);
  const { context, page, problems } = await openPage();
  try {
    await logIn(page, APPROVER.username, APPROVER.password);
    await page.locator('[data-test=home-unit-name]').waitFor();
    await page.locator('[data-test=nav-users]').click();
    await page.locator('[data-test=grants-table]').waitFor();
    await until('the grant row', async () => /浏览器话务员.*热线话务员.*admin/.test(await textOf(page.locator('[data-test=grants-table] .el-table__body-wrapper'))));
    await page.locator('[data-test="grant-approve-browser.agent"]').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await until('no grant waits', async () => (await page.locator('[data-test=grants]').count()) === 0);
    const u = await api('/api/v1/users?q=browser.agent', { token: admin });
    assert.deepEqual(u.body.items[0].roles, ['agent']);
    // The login log: the approver's own login is in it, with the browser's User-Agent.
    await page.locator('[data-test=nav-audit]').click();
    await page.locator('[data-test=audit-table]').waitFor();
    await page.locator('.el-tabs__item', { hasText: '登录日志' }).click();
    await page.locator('[data-test=login-log-table]').waitFor();
    await until('the approver\'s login', async () => /approver.*登录成功.*127\.0\.0\.1.*Mozilla/.test(await textOf(page.locator('[data-test=login-log-table] .el-table__body-wrapper'))));
    await page.locator('input[data-test=login-log-user]').fill('zhujian');
    await page.locator('input[data-test=login-log-user]').press('Enter');
    await until('zhujian\'s logins only', async () => {
      const t = await textOf(page.locator('[data-test=login-log-table] .el-table__body-wrapper'));
      return /zhujian/.test(t) && !/approver/.test(t);
    });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
