// Chinese words for the API's English vocabulary, and the unit-kind rules of docs/api.md.

export const KIND_LABELS = {
  city: '市',
  county: '县区',
  township: '乡镇街道',
  community: '社区',
  village: '村',
  grid: '网格',
  department: '部门',
};

export const KINDS = Object.keys(KIND_LABELS);

// Lists children the way people read the tree: the administrative levels first, then
// departments; the server's order is kept within a kind.
export function sortUnits(units) {
  const rank = (u) => {
    const i = KINDS.indexOf(u.kind);
    return i < 0 ? KINDS.length : i;
  };
  return units.map((u, i) => [u, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map((x) => x[0]);
}

// el-tag type per kind, so that levels are told apart at a glance.
export const KIND_TAG_TYPES = {
  city: 'danger',
  county: 'warning',
  township: 'success',
  community: 'primary',
  village: 'primary',
  grid: 'info',
  department: 'info',
};

// Which kinds a unit of each kind may sit under (docs/api.md, "Allowed parents").
export const ALLOWED_PARENTS = {
  city: [],
  county: ['city'],
  township: ['county'],
  community: ['township'],
  village: ['township'],
  grid: ['community', 'village', 'township'],
  department: ['city', 'county', 'township', 'department'],
};

// The kinds that may be created under a parent of the given kind.
export function childKindsOf(parentKind) {
  return KINDS.filter((k) => ALLOWED_PARENTS[k].includes(parentKind));
}

export function kindLabel(kind) {
  return KIND_LABELS[kind] || kind || '—';
}

// Fallback role labels; GET /api/v1/roles replaces them when it answers.
export const ROLE_LABELS = {
  admin: '系统管理员',
  agent: '热线话务员',
  leader: '领导',
  unit_staff: '单位工作人员',
  grid_member: '网格员',
  mediator: '调解员',
  congress_staff: '人大工作人员',
  deputy: '人大代表',
  party_secretary: '党组织书记',
  station_staff: '便民服务站工作人员',
  party_member: '党员',
};

// "2026-11-28T13:48:56.123+08:00" → "2026-11-28 13:48:56" (the server already speaks
// local time with its offset, so the wall-clock part is what people expect to read).
export function formatTime(s) {
  if (!s) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(:\d{2})?)/.exec(String(s));
  return m ? `${m[1]} ${m[2]}` : String(s);
}

// The password rule (docs/security.md "Accounts"), as the forms explain it. The server
// decides; passwordProblem only spares a round trip for the obvious cases.
export const PASSWORD_RULE =
  '密码 8–128 个字符，须包含大写字母、小写字母、数字、符号（汉字也算符号）中的至少三类，不能包含用户名，不能是常见密码。';

export function passwordProblem(pw) {
  const s = String(pw || '');
  const n = [...s].length;
  if (n < 8 || n > 128) return '密码长度为 8–128 个字符';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(s)).length;
  if (classes < 3) return '须包含大写字母、小写字母、数字、符号中的至少三类';
  return '';
}

// Roles whose grant takes a second admin's approval (docs/security.md "Accounts").
export const SENSITIVE_ROLES = ['admin', 'agent', 'leader', 'congress_staff'];

// The login log's actions (GET /api/v1/audit/logins).
export const LOGIN_ACTIONS = {
  login: ['登录成功', 'success'],
  login_failed: ['密码错误', 'warning'],
  login_locked: ['密码错误，账号锁定', 'danger'],
  login_while_locked: ['锁定期间尝试登录', 'danger'],
  login_disabled: ['已停用账号尝试登录', 'info'],
  login_unknown_user: ['不存在的用户名', 'info'],
  login_stale: ['登录时密码已被重置', 'info'],
  logout: ['退出登录', ''],
};
