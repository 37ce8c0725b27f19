// The HTTP client for /api/v1 (see docs/api.md). Every call sends the session token as
// `Authorization: Bearer TOKEN`; a 401 from any call (except the login itself) clears the
// token and hands control to onUnauthorized, which the app wires to "go to the login page".
const TOKEN_KEY = 'yiwang.token';
const BASE = '/api/v1';

let unauthorizedHandler = null;
let passwordExpiredHandler = null;

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

// A 403 password_expired from any call: the password must be changed before anything else
// (docs/security.md "Accounts"); the app shows the change-password dialog.
export function onPasswordExpired(fn) {
  passwordExpiredHandler = fn;
}

// An error answer from the server: status, code and message come from the error envelope
// {"error":{"code","message","field"}}; network failures have status 0.
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

function queryString(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

const STATUS_TEXT = {
  400: '请求格式有误',
  401: '未登录或登录已过期',
  403: '没有权限执行此操作',
  404: '记录不存在或不在您的管辖范围内',
  409: '与当前状态冲突',
  413: '提交的内容过大',
  422: '提交的内容无效',
  429: '操作过于频繁，请稍后再试',
  503: '数据库暂不可用，请稍后再试',
};

// api('/units', { query: { q: '海州' } }) → parsed JSON (null for 204).
// Options: method, body (sent as JSON), query (object; empty values are left out),
// auth (default true), redirectOn401 (default true).
export async function api(path, { method = 'GET', body, query, auth = true, redirectOn401 = true } = {}) {
  const headers = { accept: 'application/json' };
  const token = getToken();
  if (auth && token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(BASE + path + queryString(query), { method, headers, body: payload });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;
  const err = (data && data.error) || {};
  const message = err.message || STATUS_TEXT[res.status] || `请求失败（${res.status}）`;
  const error = new ApiError(res.status, err.code || `http_${res.status}`, message, err.field);
  if (res.status === 401 && redirectOn401) {
    setToken(null);
    if (unauthorizedHandler) unauthorizedHandler(error);
  }
  if (res.status === 403 && error.code === 'password_expired' && passwordExpiredHandler) passwordExpiredHandler(error);
  throw error;
}

// Fetches every page of a list (per_page 200) up to `limit` items; returns the items.
export async function fetchAll(path, query = {}, limit = 5000) {
  const items = [];
  for (let page = 1; ; page++) {
    const r = await api(path, { query: { ...query, page, per_page: 200 } });
    const batch = (r && r.items) || [];
    items.push(...batch);
    const total = typeof r?.total === 'number' ? r.total : items.length;
    if (batch.length === 0 || items.length >= total || items.length >= limit) break;
  }
  return items;
}
