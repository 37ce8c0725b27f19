// Words of 智慧党建 in Chinese, and small helpers shared by its views.
export const ORG_KINDS = { committee: '党委', general_branch: '党总支', branch: '党支部', group: '党小组' };
export const KINDS = {
  branch_meeting: '支部党员大会', committee_meeting: '支委会', group_meeting: '党小组会',
  party_lecture: '党课', theme_day: '主题党日',
};
export const STATUSES = {
  applicant: '入党申请人', activist: '入党积极分子', candidate: '发展对象', probationary: '预备党员', full: '正式党员',
};
export const STATUS_ORDER = ['applicant', 'activist', 'candidate', 'probationary', 'full'];
export const STATES = { normal: '正常', mobile: '流动党员', lost: '失联', transferring: '转接中' };
export const WISH_STATUS = { open: '待认领', claimed: '已认领', fulfilled: '已完成' };
export const SOURCES = { activity: '参加活动', wish: '微心愿', task: '社区任务' };

export const dateOf = (iso) => (iso ? iso.slice(0, 10) : '—');
export const timeOf = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '—');
export const pct = (x) => (x == null ? '—' : `${Math.round(x * 1000) / 10}%`);
export function nextStatus(s) {
  const i = STATUS_ORDER.indexOf(s);
  return i >= 0 && i < STATUS_ORDER.length - 1 ? STATUS_ORDER[i + 1] : null;
}
export function currentQuarter() {
  const d = new Date(Date.now() + 8 * 3600000);
  return { year: d.getUTCFullYear(), quarter: Math.floor(d.getUTCMonth() / 3) + 1, month: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}` };
}
