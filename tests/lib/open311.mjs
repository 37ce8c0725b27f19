// Helpers for the Open311 GeoReport v2 tests (docs/open311.md): every JSON answer is checked
// against the open311 organisation's JSON Schemas (tests/fixtures/open311-schema, or
// YIWANG_OPEN311_SCHEMA), every XML answer is parsed, and errors must be the
// specification's [{code, description}] in either format.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { yiwang } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schemaDir = process.env.YIWANG_OPEN311_SCHEMA || join(root, 'tests', 'fixtures', 'open311-schema');
const load = (name) => JSON.parse(readFileSync(join(schemaDir, name), 'utf8'));

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(load('service.json'), 'service.json');
ajv.addSchema(load('request.json'), 'request.json');
const validators = {
  services: ajv.compile(load('services.json')),
  service_definition: ajv.compile(load('service-definition.json')),
  requests: ajv.compile(load('requests.json')),
};

// Asserts body matches the named schema (services, service_definition, requests).
export function assertSchema(kind, body) {
  const v = validators[kind];
  assert.ok(v(body), `${kind} schema: ${ajv.errorsText(v.errors)}\n${JSON.stringify(body).slice(0, 600)}`);
}

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => ['service', 'request', 'error', 'attribute', 'value'].includes(name) });

// Parses an XML answer (well-formed, with the XML declaration) into objects.
export function parseXml(text) {
  assert.match(text, /^<\?xml version="1\.0" encoding="utf-8"\?>/, 'XML declaration first');
  const ok = XMLValidator.validate(text);
  assert.equal(ok, true, `well-formed XML: ${JSON.stringify(ok)}\n${text.slice(0, 400)}`);
  return parser.parse(text);
}

// A client for /open311/v2: get('services.json'), post('requests.json', {form}).
export function open311(base) {
  async function call(method, path, form) {
    const init = { method, headers: {} };
    if (form !== undefined) {
      init.body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
      init.headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    }
    const r = await fetch(`${base}/open311/v2/${path}`, init);
    const text = await r.text();
    const ct = r.headers.get('content-type') || '';
    let body = null;
    if (ct.startsWith('application/json')) body = JSON.parse(text);
    else if (ct.startsWith('text/xml')) body = parseXml(text);
    return { status: r.status, body, text, headers: r.headers };
  }
  return {
    get: (path) => call('GET', path),
    post: (path, form) => call('POST', path, form),
    call,
  };
}

// Asserts an Open311 error: the status, and a body [{code, description}] (JSON) or
// <errors><error><code/><description/></error></errors> (XML) naming the same status.
export function assertO311Error(r, status, pattern) {
  const ctx = `${r.status} ${r.text.slice(0, 300)}`;
  assert.equal(r.status, status, `status (got ${ctx})`);
  const ct = r.headers.get('content-type') || '';
  let errors;
  if (ct.startsWith('application/json')) {
    errors = r.body;
    assert.ok(Array.isArray(errors) && errors.length >= 1, `an array of errors (got ${ctx})`);
  } else {
    assert.match(ct, /^text\/xml; charset=utf-8/, `XML or JSON (got ${ct})`);
    errors = r.body.errors.error.map((e) => ({ code: Number(e.code), description: e.description }));
  }
  for (const e of errors) {
    assert.deepEqual(Object.keys(e).sort(), ['code', 'description']);
    assert.equal(e.code, status);
    assert.equal(typeof e.description, 'string');
    assert.ok(e.description.length > 0);
  }
  if (pattern) assert.match(errors[0].description, pattern);
}

// Creates an API key for partner name with the CLI; returns { key, id }.
export function createKey(dbUrl, name) {
  const key = yiwang(['apikey', 'create', '--db', dbUrl, '--name', name]).trim();
  const line = yiwang(['apikey', 'list', '--db', dbUrl]).split('\n').find((l) => l.split('\t')[1] === name);
  return { key, id: Number(line.split('\t')[0]) };
}
