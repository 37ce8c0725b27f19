// 纠纷化解 (disputes): Chinese words for the API's vocabulary (docs/disputes.md) and small
// helpers shared by the dispute screens.
import { api, getToken, ApiError } from '../api.js';

export const STATUS_LABELS = {
  accepted: '调解中',
  agreed: '已达成协议',
  failed: '调解不成',
  referred: '已移送',
  withdrawn: '已撤回',
  closed: '已结案',
};
export const STATUS_TAG_TYPES = {
  accepted: 'primary',
  agreed: 'success',
  failed: 'danger',
  referred: 'warning',
  withdrawn: 'info',
  closed: 'info',
};
export const OPEN_STATUSES = ['accepted', 'agreed', 'failed'];

export const LEVEL_LABELS = { village: '村（社区）级', township: '乡镇（街道）级', county: '县（区）级' };
export const LEVEL_SHORT = { village: '村级', township: '乡镇级', county: '县级' };
export const LEVEL_TAG_TYPES = { village: 'success', township: 'warning', county: 'danger' };
export const LEVELS = Object.keys(LEVEL_LABELS);

// The types the server ships; GET /disputes/types (an editable list) replaces them.
export const TYPE_LABELS = {
  neighbour: '邻里纠纷',
  family: '婚姻家庭纠纷',
  property: '物业纠纷',
  land: '土地承包纠纷',
  labour: '劳动争议',
  consumer: '消费纠纷',
  traffic: '交通事故纠纷',
  medical: '医疗纠纷',
  other: '其他纠纷',
};

export const SOURCE_LABELS = {
  walk_in: '当事人来访',
  grid_event: '网格上报',
  appeal: '诉求转办',
  referral: '部门移交',
  patrol: '排查发现',
};
export const SOURCES = Object.keys(SOURCE_LABELS);

export const SIDE_LABELS = { applicant: '申请人', respondent: '被申请人' };
export const PARTY_KIND_LABELS = { person: '自然人', organization: '法人或其他组织' };

export const RECORD_KIND_LABELS = { investigation: '调查', session: '调解', revisit: '回访' };
export const RECORD_TAG_TYPES = { investigation: 'info', session: 'primary', revisit: 'success' };

export const REFER_LABELS = { court: '人民法院（诉讼）', arbitration: '仲裁机构', petition: '信访部门' };
export const REFER_SHORT = { court: '法院', arbitration: '仲裁', petition: '信访' };
export const RULING_LABELS = { confirmed: '确认有效', rejected: '驳回申请' };
export const SATISFACTION_LABELS = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };

export const RISK_FLAG_LABELS = { many_people: '涉及人数多', threats: '有过激言行', repeated: '反复发生' };

// The action words: buttons, dialog titles and timeline entries.
export const ACTION_LABELS = {
  create: '登记受理',
  intake: '登记受理',
  register: '登记受理',
  accept: '登记受理',
  investigate: '调查核实',
  record_session: '记录调解',
  agree: '达成协议',
  escalate: '上报上级',
  fail: '调解不成',
  refer: '移送',
  withdraw: '撤回',
  check_fulfilment: '履行回访',
  apply_confirmation: '申请司法确认',
  record_ruling: '登记确认结果',
  revisit: '回访',
  urge: '督办',
  flag_risk: '风险标记',
  risk: '风险预警',
  risk_flagged: '风险预警',
  breach: '未履行协议',
  fulfilment_due: '履行到期提醒',
  fulfilment_overdue: '履行到期提醒',
};
export const ACTION_TAG_TYPES = {
  investigate: 'info',
  record_session: 'primary',
  agree: 'success',
  escalate: 'warning',
  fail: 'danger',
  refer: 'warning',
  withdraw: 'info',
  check_fulfilment: 'success',
  apply_confirmation: 'primary',
  record_ruling: 'primary',
  revisit: 'success',
  urge: 'danger',
  flag_risk: 'danger',
  risk: 'danger',
  breach: 'danger',
};

export function statusLabel(s) {
  return STATUS_LABELS[s] || s || '—';
}
export function levelLabel(l) {
  return LEVEL_LABELS[l] || l || '—';
}
export function actionLabel(a) {
  return ACTION_LABELS[a] || a || '—';
}
export function sourceLabel(s) {
  return SOURCE_LABELS[s] || s || '—';
}

// A dispute's type in words: its `type_name` when the server sends one, else the list.
export function typeName(d, types) {
  if (!d) return '—';
  if (d.type_name) return d.type_name;
  const code = typeof d === 'string' ? d : d.type;
  const t = (types || []).find((x) => x.code === code);
  return t?.name || TYPE_LABELS[code] || code || '—';
}

// Risk flags come as a list of words or as an object of booleans; either way a list.
export function flagList(f) {
  if (!f) return [];
  if (Array.isArray(f)) return f.filter(Boolean).map(String);
  if (typeof f === 'object') return Object.keys(f).filter((k) => f[k]);
  if (typeof f === 'string') return f.split(',').filter(Boolean);
  return [];
}
// The risk flags of a dispute.
export function riskFlags(d) {
  return flagList(d?.risk_flags);
}
export function riskFlagLabel(f) {
  return RISK_FLAG_LABELS[f] || f;
}

// The active types: GET /disputes/types, else the built-in words (cached for the tab).
let typesPromise = null;
export function loadTypes() {
  if (!typesPromise) {
    typesPromise = api('/disputes/types')
      .then((r) => {
        const items = (r?.items || r || []).filter((t) => t && t.code && t.active !== false);
        return items.length ? items : fallbackTypes();
      })
      .catch(() => {
        typesPromise = null;
        return fallbackTypes();
      });
  }
  return typesPromise;
}
function fallbackTypes() {
  return Object.entries(TYPE_LABELS).map(([code, name]) => ({ code, name, active: true }));
}

// "2026-11-28" of an ISO time (or a date).
export function dateOf(s) {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(String(s || ''));
  return m ? m[1] : '';
}

// The local time now as the API writes it: 2026-11-28T14:30:00+08:00.
export function nowIso(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:00${sign}${p(Math.floor(a / 60))}:${p(a % 60)}`;
}

// Whole days from today to a date (negative: past).
export function daysUntil(date, now = new Date()) {
  const d = dateOf(date);
  if (!d) return null;
  const [y, m, dd] = d.split('-').map(Number);
  const target = new Date(y, m - 1, dd);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((target - today) / 86400000);
}

// Fetches an authenticated file (agreement PDF, statistics workbook) and saves it.
// Returns the Response's content type.
export async function downloadFile(path, fallbackName) {
  const res = await fetch(`/api/v1${path}`, { headers: { authorization: `Bearer ${getToken()}` } });
  if (!res.ok) {
    let msg = `下载失败（${res.status}）`;
    try { msg = (await res.json())?.error?.message || msg; } catch { /* not JSON */ }
    throw new ApiError(res.status, 'download_failed', msg);
  }
  const blob = await res.blob();
  let name = fallbackName;
  const cd = res.headers.get('content-disposition') || '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  if (star) name = decodeURIComponent(star[1]);
  else if (plain) name = plain[1];
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return res.headers.get('content-type') || '';
}
