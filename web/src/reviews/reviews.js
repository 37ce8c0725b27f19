// Words and helpers of the reviews' pages.
export const CADENCE_LABELS = { monthly: '每月', bimonthly: '每两月', quarterly: '每季度', custom: '自定义' };
export const RULE_LABELS = { minmax: '极值法（0–100）', rank_points: '排名计分', bands: '分档计分', value: '直接计分' };
export const DIRECTION_LABELS = { higher: '越高越好', lower: '越低越好' };
export const SOURCE_LABELS = { computed: '系统计算', entered: '部门录入' };
export const STATUS_LABELS = { draft: '草稿（实时计算）', closed: '已关闭（成绩固定）' };
export const GRADE_TYPES = { A: 'success', B: 'success', C: 'info', D: 'warning', E: 'danger' };

// The period key suggested for a cadence: this month, or this quarter.
export function currentPeriod(cadence) {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
  if (cadence === 'quarterly') return `${y}-Q${Math.ceil(m / 3)}`;
  return `${y}-${String(m).padStart(2, '0')}`;
}

export function fmt(v, digits = 2) {
  return v === null || v === undefined ? '—' : Number(v).toFixed(digits).replace(/\.?0+$/, '');
}
