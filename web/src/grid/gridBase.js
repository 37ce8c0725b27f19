// Shared words and calls of the grid data screens (docs/grid.md).
import { api, getToken, ApiError } from '../api.js';

export const TAG_LABELS = {
  elderly_alone: '独居老人', disabled: '残疾人', low_income: '低保', left_behind_child: '留守儿童', veteran: '退役军人', key_person: '重点人员',
};
export const TAG_TYPES = {
  elderly_alone: 'warning', disabled: 'danger', low_income: 'danger', left_behind_child: 'warning', veteran: 'success', key_person: 'danger',
};
export const HOUSING_LABELS = { owned: '自有', rented: '租住', public: '公房', vacant: '空置', other: '其他' };

export function minutesText(m) {
  if (!m) return '0 分钟';
  const h = Math.floor(m / 60);
  return h ? `${h} 小时 ${m % 60} 分钟` : `${m} 分钟`;
}

export function timeText(iso) {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

export function percent(v) {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
}

// ISO 8601 with +08:00 for a Date (the server's zone).
export function isoChina(d) {
  const t = new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19);
  return `${t}+08:00`;
}

export async function grids(query) {
  return (await api('/grid/grids', { query })).items;
}

// Uploads an .xlsx file as the raw body; the answer (201) or the server's error with its
// row list (422 invalid_rows) is returned as { ok, data }.
export async function importHouseholds(gridId, file, mode) {
  const r = await fetch(`/api/v1/grid/households/import?grid_id=${gridId}&mode=${mode}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${getToken()}`, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    body: file,
  });
  const data = await r.json().catch(() => null);
  if (r.ok || (r.status === 422 && data?.errors)) return { ok: r.ok, data };
  throw new ApiError(r.status, data?.error?.code || 'import_failed', data?.error?.message || `导入失败（${r.status}）`);
}
