// The command line (CONTRACT.md "Commands"): init, demo, user, apikey, backup, check.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, login, freshDatabase } from '../lib/server.mjs';
import { assertError, assertStatus, unitByName, allUnits, run, sha256File, sql, isPostgres, stopClean } from '../lib/api-helpers.mjs';

let srv, api, admin, zq;
const tmp = mkdtempSync(join(tmpdir(), 'yiwang-cli-'));

before(async () => {
  srv = await startServer();
  api = client(srv.url);
  admin = await login(api, 'admin');
  zq = await unitByName(api, admin, '站前街道');
});
after(async () => {
  await stopClean(srv);
  rmSync(tmp, { recursive: true, force: true });
});

const session = (a, username, password) => a('/api/v1/sessions', { method: 'POST', body: { username, password } });
const count = (url, table) => Number(sql(url, `SELECT COUNT(*) FROM ${table}`).trim());

describe('init and demo', () => {
  let db;
  before(() => { db = freshDatabase(); });
  after(() => db.drop());

  test('init --db creates a database with one admin whose password comes from stdin; it serves', async () => {
    const r = run(['init', '--db', db.url], { input: 'Init-root-pw-1\n' });
    assert.equal(r.status, 0, r.stderr);
    const s = await startServer({ db });
    try {
      const a = client(s.url);
      assertError(await session(a, 'admin', 'yiwang-demo'), 401, 'invalid_credentials');
      const t = await login(a, 'admin', 'Init-root-pw-1');
      const me = await a('/api/v1/me', { token: t });
      assert.ok(me.body.roles.includes('admin'));
      const units = await a('/api/v1/units', { token: t });
      assertStatus(units, 200);
      assert.equal(units.body.total, 1);
      assert.equal(units.body.items[0].kind, 'city');
      assert.equal(units.body.items[0].name, '阜新市');
      const users = await a('/api/v1/users', { token: t });
      assert.deepEqual(users.body.items.map((u) => u.username), ['admin']);
    } finally {
      await stopClean(s, { keepDb: true });
    }
    const c = run(['check', '--db', db.url]);
    assert.equal(c.status, 0, c.stdout + c.stderr);
  });

  test('init and demo refuse an existing database: non-zero exit, nothing changed', () => {
    const before = isPostgres
      ? [count(db.url, 'units'), count(db.url, 'users'), count(db.url, 'audit_log')].join()
      : sha256File(db.url);
    const i = run(['init', '--db', db.url], { input: 'Another-root-pw-1\n' });
    assert.notEqual(i.status, 0, 'init refuses');
    assert.ok(i.stderr.length > 0, 'and says why');
    const d = run(['demo', '--db', db.url]);
    assert.notEqual(d.status, 0, 'demo refuses');
    const after = isPostgres
      ? [count(db.url, 'units'), count(db.url, 'users'), count(db.url, 'audit_log')].join()
      : sha256File(db.url);
    assert.equal(after, before, 'the database is unchanged');
  });

  test('demo and init refuse an existing file even when it is not a database', { skip: isPostgres && 'SQLite files only' }, () => {
    const path = join(tmp, 'not-a-db.txt');
    writeFileSync(path, 'keep me\n');
    const h = sha256File(path);
    assert.notEqual(run(['demo', '--db', path]).status, 0);
    assert.notEqual(run(['init', '--db', path], { input: 'Some-root-pw-1\n' }).status, 0);
    assert.equal(sha256File(path), h);
  });

  test('init without a password on stdin fails', () => {
    const fresh = freshDatabase();
    try {
      const r = run(['init', '--db', fresh.url], { input: '' });
      assert.notEqual(r.status, 0);
    } finally {
      fresh.drop();
    }
  });
});

describe('user', () => {
  let token;

  test('user add (password on stdin) makes a user who logs in over HTTP', async () => {
    const r = run(['user', 'add', '--db', srv.db.url, '--username', 'cliuser', '--name', '命令行用户',
      '--unit', String(zq.id), '--roles', 'unit_staff,grid_member'], { input: 'cli-user-pw-1\n' });
    assert.equal(r.status, 0, r.stderr);
    const s = await session(api, 'cliuser', 'cli-user-pw-1');
    assertStatus(s, 201);
    assert.equal(s.body.user.unit.id, zq.id);
    assert.deepEqual([...s.body.user.roles].sort(), ['grid_member', 'unit_staff']);
    token = s.body.token;
  });

  test('user add refuses a taken username, an unknown role and a short password', () => {
    const base = ['user', 'add', '--db', srv.db.url, '--name', '某人', '--unit', String(zq.id)];
    assert.notEqual(run([...base, '--username', 'agent', '--roles', 'agent'], { input: 'Long-enough-pw-1\n' }).status, 0);
    assert.notEqual(run([...base, '--username', 'someone', '--roles', 'emperor'], { input: 'Long-enough-pw-1\n' }).status, 0);
    assert.notEqual(run([...base, '--username', 'someone', '--roles', 'agent'], { input: 'short\n' }).status, 0);
  });

  test('user add, user passwd and init apply the password rule (docs/security.md) unless --allow-weak', async () => {
    const add = (username, pw, ...extra) => run(['user', 'add', '--db', srv.db.url, '--username', username, '--name', '规则',
      '--unit', String(zq.id), '--roles', 'unit_staff', ...extra], { input: `${pw}\n` });
    for (const weak of ['onlylowercase', 'Cliweak.user1!', 'Admin@2026']) {
      const r = add('cliweak.user', weak);
      assert.notEqual(r.status, 0, `${weak} is refused`);
      assert.match(r.stderr, /密码/, 'and the reason is given');
    }
    assert.equal(add('cliweak.user', 'onlylowercase', '--allow-weak').status, 0, '--allow-weak takes it');
    assertStatus(await session(api, 'cliweak.user', 'onlylowercase'), 201);
    const passwd = (pw, ...extra) => run(['user', 'passwd', '--db', srv.db.url, '--username', 'cliweak.user', ...extra], { input: `${pw}\n` });
    assert.notEqual(passwd('12345678').status, 0);
    assert.equal(passwd('12345678', '--allow-weak').status, 0);
    assertStatus(await session(api, 'cliweak.user', '12345678'), 201);
    assert.notEqual(add('cliweak.short', 'short', '--allow-weak').status, 0, 'the length still holds');
    const fresh = freshDatabase();
    try {
      assert.notEqual(run(['init', '--db', fresh.url], { input: 'admin-password\n' }).status, 0);
      assert.equal(run(['init', '--db', fresh.url, '--allow-weak'], { input: 'admin-password\n' }).status, 0);
    } finally {
      fresh.drop();
    }
  });

  test('user disable ends sessions and login → 403 account_disabled; user enable restores it', async () => {
    const r = run(['user', 'disable', '--db', srv.db.url, '--username', 'cliuser']);
    assert.equal(r.status, 0, r.stderr);
    assertError(await api('/api/v1/me', { token }), 401);
    assertError(await session(api, 'cliuser', 'cli-user-pw-1'), 403, 'account_disabled');
    assert.equal(run(['user', 'enable', '--db', srv.db.url, '--username', 'cliuser']).status, 0);
    assertStatus(await session(api, 'cliuser', 'cli-user-pw-1'), 201);
  });

  test('user unlock lifts a lock after 5 failed logins', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await session(api, 'cliuser', 'wrong-password');
      assert.ok([401, 403].includes(r.status));
    }
    assertError(await session(api, 'cliuser', 'cli-user-pw-1'), 403, 'account_locked');
    const r = run(['user', 'unlock', '--db', srv.db.url, '--username', 'cliuser']);
    assert.equal(r.status, 0, r.stderr);
    assertStatus(await session(api, 'cliuser', 'cli-user-pw-1'), 201);
  });

  test('user commands on an unknown username fail', () => {
    assert.notEqual(run(['user', 'disable', '--db', srv.db.url, '--username', 'nobody-at-all']).status, 0);
  });
});

describe('apikey', () => {
  test('apikey create --name prints one key, alone on stdout; apikey list shows it', () => {
    const r = run(['apikey', 'create', '--db', srv.db.url, '--name', '阜新市民热线App']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\S+\n$/, `one line with the key only, got ${JSON.stringify(r.stdout)}`);
    const key = r.stdout.trim();
    assert.ok(key.length >= 20, 'a key long enough to be secret');
    const r2 = run(['apikey', 'create', '--db', srv.db.url, '--name', '第二个合作方']);
    assert.equal(r2.status, 0);
    assert.notEqual(r2.stdout.trim(), key, 'every key is new');
    const list = run(['apikey', 'list', '--db', srv.db.url]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /阜新市民热线App/);
    assert.match(list.stdout, /第二个合作方/);
  });

  test('apikey create without --name fails', () => {
    assert.notEqual(run(['apikey', 'create', '--db', srv.db.url]).status, 0);
  });
});

describe('backup and check', () => {
  test('check reports ok on a sound database', () => {
    const r = run(['check', '--db', srv.db.url]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\bok\b/);
  });

  test('backup --to of a live SQLite database: check accepts the copy and it serves the same units',
    { skip: isPostgres && 'SQLite only' }, async () => {
      const made = await api('/api/v1/units', { method: 'POST', token: admin, body: { name: '备份前社区', kind: 'community', parent_id: zq.id } });
      assertStatus(made, 201);
      const to = join(tmp, 'backup.db');
      // Writes keep coming while the backup runs.
      const writes = Promise.all(Array.from({ length: 10 }, (_, i) =>
        api('/api/v1/units', { method: 'POST', token: admin, body: { name: `备份中社区${i}`, kind: 'community', parent_id: zq.id } })));
      const r = run(['backup', '--db', srv.db.url, '--to', to]);
      assert.equal(r.status, 0, r.stderr);
      for (const w of await writes) assertStatus(w, 201);
      assert.ok(existsSync(to));
      const c = run(['check', '--db', to]);
      assert.equal(c.status, 0, c.stdout + c.stderr);
      // A second backup after the writes finish holds them all.
      const to2 = join(tmp, 'backup2.db');
      assert.equal(run(['backup', '--db', srv.db.url, '--to', to2]).status, 0);
      const copy = await startServer({ db: { url: to2, drop() {} } });
      try {
        const capi = client(copy.url);
        const t = await login(capi, 'admin');
        const live = (await allUnits(api, admin, '&include_disabled=1')).items;
        const backed = (await allUnits(capi, t, '&include_disabled=1')).items;
        assert.deepEqual(backed, live);
        assert.ok(backed.some((u) => u.name === '备份前社区'));
        assert.ok(backed.some((u) => u.name === '备份中社区9'));
      } finally {
        await stopClean(copy);
      }
    });

  test('check exits 1 and names the entry after the audit log was edited behind its back', async () => {
    await stopClean(srv, { keepDb: true });
    const url = srv.db.url;
    assert.equal(run(['check', '--db', url]).status, 0, 'sound before');
    const seq = 137;
    if (isPostgres) {
      sql(url, `ALTER TABLE audit_log DISABLE TRIGGER ALL; UPDATE audit_log SET detail = '{"tampered":true}' WHERE seq = ${seq};`);
    } else {
      sql(url, `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = '{"tampered":true}' WHERE seq = ${seq};`);
    }
    const r = run(['check', '--db', url]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, new RegExp(`\\b${seq}\\b`), `names entry ${seq}: ${r.stdout}${r.stderr}`);
  });
});
