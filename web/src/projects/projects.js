// 项目库 words and helpers shared by the register's screens (docs/projects.md).
import { api } from '../api.js';

export const STAGES = ['谋划', '签约', '开工', '续建', '竣工', '投产'];
export const STATUSES = ['超前', '正常', '滞后'];
export const STATUS_TAG_TYPES = { 超前: 'success', 正常: 'primary', 滞后: 'danger' };
export const TAGS = ['新基建', '省重点项目'];

// 12345.6 → "12,345.6"
export function money(v) {
  if (v === null || v === undefined) return '—';
  return Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 1 });
}
export function pct(v) {
  return v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`;
}

// The local month and last month, YYYY-MM.
export function monthOf(offset = 0) {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

let counties = null;
export async function loadCounties() {
  if (!counties) {
    // The counties of the caller's register (the commission and leaders: all seven).
    const r = await api('/stats/projects');
    counties = r.counties.map((c) => ({ id: c.county_id, name: c.county_name }));
  }
  return counties;
}
let industries = null;
export async function loadIndustries() {
  if (!industries) industries = (await api('/projects/industries')).items;
  return industries;
}
