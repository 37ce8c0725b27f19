// Words and helpers of the 便民服务 screens (docs/services.md).
export const MODE_LABELS = { immediate: '即办', accompanied: '陪办', proxy: '代办' };
export const LEVEL_LABELS = { village: '村（社区）级', township: '乡镇（街道）级', county: '县（区）级' };
export const KIND_LABELS = { immediate: '即办件', promised: '承诺件' };
export const STATUS_LABELS = {
  received: '已受理', correcting: '待补正', appointed: '已预约陪办', at_hall: '中心办理中',
  completed: '已办结待送达', done: '已送达', complaint: '差评整改中', withdrawn: '已撤回',
};
export const STATUS_TYPES = {
  received: 'primary', correcting: 'warning', appointed: 'primary', at_hall: 'warning',
  completed: 'success', done: 'info', complaint: 'danger', withdrawn: 'info',
};
export const ACTION_LABELS = {
  create: '受理登记（签署委托）', request_correction: '一次性告知补正', supply: '材料已补正', send: '送中心办理',
  appoint: '预约陪办', complete: '办结', hand_over: '送达', archive: '归档', report: '上报', revisit: '回访',
  withdraw: '撤回', rate: '群众评价', answer_complaint: '答复差评', rectify: '整改完成', urge: '督办',
};
// The seven steps of 代办 in order, each with the action that completes it.
export const PROXY_STEPS = [
  { label: '委托', action: 'create' }, { label: '受理', action: 'accept' }, { label: '办理', action: 'complete' },
  { label: '送达', action: 'hand_over' }, { label: '归档', action: 'archive' }, { label: '上报', action: 'report' },
  { label: '回访', action: 'revisit' },
];

export function timeText(iso) {
  if (!iso) return '—';
  return iso.slice(0, 16).replace('T', ' ');
}

export function percent(x) {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}
