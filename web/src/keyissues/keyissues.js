// 重点问题 words shared by the key-issue screens (docs/projects.md).
export const LIGHT_LABELS = { red: '红灯 · 逾期', yellow: '黄灯 · 临期', green: '绿灯 · 正常' };
export const LIGHT_TAG_TYPES = { red: 'danger', yellow: 'warning', green: 'success' };
export const STATUS_LABELS = { open: '推进中', closed: '已办结' };
export const ACTION_LABELS = {
  progress: '报告进展', instruct: '领导批示', coordinate: '调度协调', milestone_done: '完成节点', close: '办结', reopen: '重新打开',
  create: '登记', urge: '督办',
};
export function dateOf(iso) {
  return iso ? iso.slice(0, 10) : '—';
}
