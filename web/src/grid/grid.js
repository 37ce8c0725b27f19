// 社区治理 grid events: Chinese words for the API's vocabulary (docs/grid.md "Events") and
// small helpers shared by the event screens.
import { api, getToken } from '../api.js';

export const STATUS_LABELS = {
  reported: '已上报',
  filed: '待派遣',
  dispatched: '处置中',
  verifying: '待核查',
  closed: '已结案',
  converted: '已转办',
};
export const STATUS_TAG_TYPES = {
  reported: 'warning',
  filed: 'primary',
  dispatched: 'primary',
  verifying: 'warning',
  closed: 'info',
  converted: 'info',
};
export const STEP_LABELS = { file: '立案', dispatch: '派遣', handle: '处置', verify: '核查' };
export const LIGHT_LABELS = { green: '正常', yellow: '即将超时', red: '已超时' };
export const ACTION_LABELS = {
  file: '立案上报',
  resolve_on_spot: '即时处置',
  dispatch: '派遣',
  reply: '处置反馈',
  verify: '核查',
  escalate: '上报上级',
  invalidate: '无效上报',
  convert: '转诉求或纠纷',
  urge: '督办',
  create: '上报',
  from_grid_event: '由网格事件转入',
};
export const TASK_LABELS = { file: '待立案', dispatch: '待派遣', reply: '待处置', verify: '待核查' };

export const statusLabel = (s) => STATUS_LABELS[s] || s;
export const actionLabel = (a) => ACTION_LABELS[a] || a;

export function timeText(iso) {
  if (!iso) return '';
  return iso.slice(0, 16).replace('T', ' ');
}

// The category tree flattened for a picker: [{value, label, children}].
export async function categoryOptions() {
  const r = await api('/grid/categories');
  const conv = (c) => ({ value: c.id, label: c.name, kind: c.kind, children: c.children?.length ? c.children.map(conv) : undefined });
  return r.items.map(conv);
}

// A photo fetched with the session token, as an object URL for <img>.
export async function photoUrl(url) {
  const r = await fetch(url, { headers: { authorization: `Bearer ${getToken()}` } });
  if (!r.ok) throw new Error(`照片加载失败（${r.status}）`);
  return URL.createObjectURL(await r.blob());
}

// Uploads one photo file as the raw body (the server checks its bytes).
export async function uploadPhoto(eventId, file, kind = 'before') {
  const r = await fetch(`/api/v1/grid/events/${eventId}/photos?kind=${kind}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${getToken()}`, 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new Error(data?.error?.message || `上传失败（${r.status}）`);
  return data;
}

export function act(id, body) {
  return api(`/grid/events/${id}/actions`, { method: 'POST', body });
}
