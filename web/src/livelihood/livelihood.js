// 民生实事: Chinese words for the livelihood API's vocabulary (docs/livelihood.md) and small
// helpers shared by its screens.
import { getToken } from '../api.js';

export const PROPOSAL_STATUS = {
  submitted: { label: '待筛选', type: 'info' },
  merged: { label: '已合并', type: 'warning' },
  infeasible: { label: '不可行', type: 'danger' },
  candidate: { label: '已列为候选', type: 'success' },
};

export const SESSION_STATUS = {
  draft: { label: '草稿', type: 'info' },
  open: { label: '投票中', type: 'success' },
  closed: { label: '已结束', type: '' },
};

export const RULES = {
  roll_majority: '获得全体代表过半数选票',
  ballots_majority: '获得所投选票过半数',
};

export const STATES = {
  on_track: { label: '正常推进', type: 'success', color: '#27a845' },
  at_risk: { label: '临期预警', type: 'warning', color: '#e6a23c' },
  late: { label: '滞后', type: 'danger', color: '#c0392b' },
  done: { label: '已完成', type: 'primary', color: '#2f7ed8' },
};

export const RATINGS = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};

export const OUTCOMES = {
  satisfied: { label: '满意', type: 'success' },
  basically_satisfied: { label: '基本满意', type: 'warning' },
  dissatisfied: { label: '不满意', type: 'danger' },
  no_quorum: { label: '参评人数不足', type: 'info' },
};

export const wan = (x) => (x === null || x === undefined ? '—' : `${Number(x).toLocaleString('zh-CN')} 万元`);

// The current China year.
export function thisYear() {
  return new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
}

// A photo's bytes need the Bearer token: fetch them as a blob URL for <img>.
export async function photoUrl(url) {
  const r = await fetch(url, { headers: { authorization: `Bearer ${getToken()}` } });
  if (!r.ok) throw new Error(`照片加载失败（${r.status}）`);
  return URL.createObjectURL(await r.blob());
}

// Uploads one photo file as the raw body (type checked again by the server).
export async function uploadPhoto(projectId, file) {
  const r = await fetch(`/api/v1/livelihood/projects/${projectId}/photos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${getToken()}`, 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new Error(data?.error?.message || `上传失败（${r.status}）`);
  return data;
}
