// Security headers (CONTRACT.md "Limits every deployment has"): every HTML answer — the
// web UI's index.html and the pages of the single-page app that fall back to it — carries
// a Content-Security-Policy that forbids framing, X-Frame-Options: DENY and a
// Referrer-Policy; every answer, API and static alike, carries X-Content-Type-Options:
// nosniff.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { startServer, client, login } from '../lib/server.mjs';
import { rawRequest, stopClean } from '../lib/api-helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webDir = join(root, 'build', 'web');

let srv, api, admin;

before(async () => {
  assert.ok(existsSync(join(webDir, 'index.html')), 'build/web/index.html (make all builds it)');
  srv = await startServer({ args: ['--web', webDir] });
  api = client(srv.url);
  admin = await login(api, 'admin');
});
after(async () => { await stopClean(srv); });

// The directives of a policy: { 'script-src': ["'self'"], ... }.
function directives(csp) {
  const out = {};
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = values;
  }
  return out;
}

function assertPageHeaders(r, what) {
  assert.equal(r.status, 200, what);
  assert.match(r.headers.get('content-type') || '', /^text\/html/, what);
  const csp = r.headers.get('content-security-policy');
  assert.ok(csp, `${what}: Content-Security-Policy`);
  const d = directives(csp);
  assert.deepEqual(d['frame-ancestors'], ["'none'"], `${what}: frame-ancestors 'none'`);
  assert.deepEqual(d['default-src'], ["'self'"], `${what}: default-src 'self'`);
  assert.deepEqual(d['script-src'], ["'self'"], `${what}: scripts only from the site, none inline`);
  assert.deepEqual(d['object-src'], ["'none'"], `${what}: object-src 'none'`);
  assert.ok(d['base-uri'], `${what}: base-uri`);
  for (const [name, values] of Object.entries(d)) {
    assert.ok(!values.includes("'unsafe-eval'"), `${what}: ${name} without 'unsafe-eval'`);
    assert.ok(!values.includes('*'), `${what}: ${name} without *`);
  }
  assert.equal(r.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(r.headers.get('referrer-policy'), 'same-origin', `${what}: Referrer-Policy`);
}

describe('HTML answers', () => {
  test('GET / (index.html) carries the CSP, X-Frame-Options, nosniff and Referrer-Policy', async () => {
    const r = await rawRequest(srv.url, { path: '/' });
    assert.equal(r.text, readFileSync(join(webDir, 'index.html'), 'utf8'));
    assertPageHeaders(r, 'GET /');
    assertPageHeaders(await rawRequest(srv.url, { path: '/index.html' }), 'GET /index.html');
    assertPageHeaders(await rawRequest(srv.url, { method: 'HEAD', path: '/' }), 'HEAD /');
  });

  test('a page of the app (the SPA fallback to index.html) carries them too', async () => {
    for (const path of ['/login', '/appeals/42', '/admin/users?q=x', '/public/appeal']) {
      const r = await rawRequest(srv.url, { path });
      assert.equal(r.text, readFileSync(join(webDir, 'index.html'), 'utf8'), path);
      assertPageHeaders(r, path);
    }
  });

  test('the built index.html needs nothing the policy forbids: no inline script, no inline handler', () => {
    const html = readFileSync(join(webDir, 'index.html'), 'utf8');
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(m[1], /\bsrc=/, `an inline <script> would be refused: ${m[0].slice(0, 80)}`);
      assert.equal(m[2].trim(), '', 'a script with src has no body');
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handler attributes');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, 'nothing from another origin');
  });
});

describe('every answer carries X-Content-Type-Options: nosniff', () => {
  test('API answers: success, errors, health, Open311', async () => {
    const answers = {
      'GET /api/v1/me (200)': await api('/api/v1/me', { token: admin }),
      'GET /api/v1/me without login (401)': await api('/api/v1/me'),
      'GET /api/v1/nope (404)': await api('/api/v1/nope', { token: admin }),
      'DELETE /api/v1/units (405)': await api('/api/v1/units', { method: 'DELETE', token: admin }),
      'POST /api/v1/units malformed (400)': await api('/api/v1/units', { method: 'POST', token: admin, raw: '{', headers: { 'content-type': 'application/json' } }),
      'GET /healthz': await api('/healthz'),
      'GET /open311/v2/services.json': await api('/open311/v2/services.json'),
    };
    for (const [what, r] of Object.entries(answers)) {
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
      assert.equal(r.headers.get('x-frame-options'), null, `${what}: page headers are for pages`);
    }
  });

  test('static files and a missing one', async () => {
    const html = readFileSync(join(webDir, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), 'index.html names its assets');
    for (const path of [...assets, '/favicon.svg']) {
      const r = await rawRequest(srv.url, { path });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    }
    const missing = await rawRequest(srv.url, { path: '/assets/nothing-here.js' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('x-content-type-options'), 'nosniff', '404 of a file');
  });
});
