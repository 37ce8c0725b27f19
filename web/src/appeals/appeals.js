// Appeals (诉求办理): Chinese words for the API's vocabulary (docs/api-appeals.md) and small
// helpers shared by the appeal screens.

export const STATUS_LABELS = {
  intake: '待派单',
  dispatched: '待签收',
  handling: '办理中',
  replied: '待审核',
  revisit: '待回访',
  closed: '已办结',
  merged: '已合并',
};
export const STATUS_TAG_TYPES = {
  intake: 'danger',
  dispatched: 'warning',
  handling: 'primary',
  replied: 'warning',
  revisit: 'success',
  closed: 'info',
  merged: 'info',
};
// What a citizen reads on the public page (the same states in plainer words).
export const PUBLIC_STATUS_LABELS = {
  intake: '已受理，等待派单',
  dispatched: '已派至承办单位',
  handling: '承办单位办理中',
  replied: '承办单位已答复，审核中',
  revisit: '已答复，等待回访评价',
  closed: '已办结',
  merged: '已与相同诉求合并办理',
};

export const CHANNEL_LABELS = {
  8890: '8890 热线',
  12345: '12345 热线',
  12315: '12315 市场监管',
  12320: '12320 卫生健康',
  housing: '住建服务热线',
  web: '政务服务网',
  app: '手机 App',
  grid: '网格上报',
  open311: '开放接口（Open311）',
};
// Channels an agent may pick at intake (the API's list; open311 comes in by API key only).
export const INTAKE_CHANNELS = ['8890', '12345', '12315', '12320', 'housing', 'web', 'app', 'grid'];

export const TYPE_LABELS = {
  complaint: '投诉',
  inquiry: '咨询',
  help: '求助',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
};
export const TYPES = Object.keys(TYPE_LABELS);

export const SATISFACTION_LABELS = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};
export const SATISFACTIONS = Object.keys(SATISFACTION_LABELS);
export const SATISFACTION_TAG_TYPES = { satisfied: 'success', basically_satisfied: 'primary', dissatisfied: 'danger' };

// Actions of the action table, and the words the timeline may carry besides them.
export const ACTION_LABELS = {
  intake: '受理',
  create: '受理',
  dispatch: '派单',
  sign: '签收',
  return: '退单',
  request_extension: '申请延期',
  decide_extension: '审批延期',
  reply: '答复',
  review: '审核',
  revisit: '回访',
  rating: '市民评价',
  rate: '市民评价',
  citizen_rating: '市民评价',
  reopen: '重办',
  close: '办结',
  urge: '督办',
  merge: '合并',
  merged: '被合并',
  merged_from: '合并来件',
  warning: '临期预警',
  overdue: '超期',
  sign_warning: '签收临期',
  sign_overdue: '签收超期',
  finish_warning: '办理临期',
  finish_overdue: '办理超期',
};
export const ACTION_TAG_TYPES = {
  dispatch: 'primary',
  sign: 'success',
  return: 'warning',
  request_extension: 'warning',
  decide_extension: 'warning',
  reply: 'success',
  review: 'primary',
  revisit: 'success',
  reopen: 'danger',
  close: 'info',
  urge: 'danger',
  merge: 'info',
  overdue: 'danger',
  warning: 'warning',
};
export function actionLabel(a) {
  return ACTION_LABELS[a] || a || '—';
}

export const ALERT_LABELS = { none: '正常', warning: '临期', overdue: '已超期' };
export const ALERT_TAG_TYPES = { none: 'success', warning: 'warning', overdue: 'danger' };

export const NOTIFICATION_LABELS = {
  new_case: '新工单',
  returned: '退单',
  replied: '已答复',
  warning: '临期预警',
  overdue: '超期',
  urge: '督办',
  extension_requested: '延期申请',
  extension_decided: '延期审批',
  reopened: '重办',
};

export function statusLabel(s) {
  return STATUS_LABELS[s] || s || '—';
}
export function channelLabel(c) {
  return CHANNEL_LABELS[c] || c || '—';
}
export function typeLabel(t) {
  return TYPE_LABELS[t] || t || '—';
}

// A fraction 0..1 (or null) as "87.5%" / "—".
export function percent(x) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return '—';
  const v = Math.round(Number(x) * 1000) / 10;
  return `${v}%`;
}

// "3天5小时" for a number of milliseconds (absolute value).
export function durationText(ms) {
  const m = Math.max(0, Math.floor(Math.abs(ms) / 60000));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  if (d > 0) return h ? `${d}天${h}小时` : `${d}天`;
  if (h > 0) return mm ? `${h}小时${mm}分` : `${h}小时`;
  return `${mm}分钟`;
}

// The deadline that matters now: signing while dispatched, finishing while handling (and
// later open states). Returns {kind:'sign'|'finish', due, alert} or null.
export function currentDeadline(a) {
  if (!a) return null;
  if (a.status === 'dispatched' && a.sign_due_at) return { kind: 'sign', due: a.sign_due_at, alert: a.sign_alert || 'none' };
  if (['dispatched', 'handling', 'replied'].includes(a.status) && a.finish_due_at) {
    return { kind: 'finish', due: a.finish_due_at, alert: a.finish_alert || 'none' };
  }
  return null;
}

// The countdown tag for a deadline: {text, type}. The server's alert decides the colour
// (红 overdue / 橙 warning); a deadline already past on this clock is overdue either way.
export function countdown(due, alert, now = Date.now()) {
  if (!due) return null;
  const t = Date.parse(due);
  if (Number.isNaN(t)) return null;
  const left = t - now;
  if (left < 0 || alert === 'overdue') {
    return { text: left < 0 ? `已超期 ${durationText(left)}` : '已超期', type: 'danger', overdue: true };
  }
  return { text: `剩余 ${durationText(left)}`, type: alert === 'warning' ? 'warning' : 'success', overdue: false };
}

// A local calendar date as YYYY-MM-DD.
export function isoDate(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// The unit a timeline entry or appeal field names: an object {id,name} or a plain string.
export function nameOf(x) {
  if (!x) return '';
  if (typeof x === 'string') return x;
  return x.display_name || x.name || x.username || '';
}

// Who did a timeline step: the server names users by username; the citizen and the
// scheduler get words.
export function actorText(actor) {
  const n = nameOf(actor);
  if (!n) return '系统';
  if (n === 'citizen') return '市民';
  if (n === 'scheduler' || n === 'system') return '系统';
  return n;
}

// Only digits of a phone number (for the ≥ 7 digits check of the workbench).
export function phoneDigits(s) {
  return String(s || '').replace(/\D/g, '');
}
