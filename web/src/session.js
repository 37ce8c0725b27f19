// Who is logged in: the GET /api/v1/me answer and the role labels from GET /api/v1/roles.
import { reactive } from 'vue';
import { api, ApiError, getToken, setToken, onPasswordExpired } from './api.js';
import { ROLE_LABELS } from './labels.js';

export const session = reactive({
  // {id, username, display_name, phone, roles:[], unit:{id,name,kind,code,parent_id,path},
  //  password_expired, password_expires_at}
  me: null,
  roleLabels: { ...ROLE_LABELS }, // role word → Chinese label (server's list wins)
});

// A password that expired while logged in: the layout shows the change-password dialog.
onPasswordExpired(() => {
  if (session.me) session.me.password_expired = true;
});

// An admin of the root unit (the city): the audit trail is theirs.
export function isCityAdmin() {
  return hasRole('admin') && session.me?.unit?.parent_id == null;
}

// Changes one's own password; the server ends one's other sessions. Reloads /me, which
// then no longer says password_expired.
export async function changeOwnPassword(current, password) {
  await api(`/users/${session.me.id}/password`, { method: 'POST', body: { password, current_password: current } });
  await loadMe();
}

export function hasRole(...roles) {
  const mine = session.me?.roles || [];
  return roles.some((r) => mine.includes(r));
}

export function isAdmin() {
  return hasRole('admin');
}

export function roleLabel(role) {
  return session.roleLabels[role] || role;
}

async function loadRoles() {
  try {
    const r = await api('/roles');
    for (const it of r?.items || []) if (it.role && it.label) session.roleLabels[it.role] = it.label;
  } catch (e) {
    if (e.status === 401) throw e;
    // labels fall back to the built-in ones
  }
}

// Loads /me (and the role labels) for the stored token.
export async function loadMe() {
  const [me] = await Promise.all([api('/me'), loadRoles()]);
  session.me = me;
  return me;
}

// When every password-hashing slot is taken (a whole session hall of deputies logging in
// at once) the server answers 503 busy: wait a moment and try again, a few times, instead
// of showing the user an error.
const BUSY_TRIES = 5;

export async function login(username, password) {
  let r;
  for (let attempt = 1; ; attempt++) {
    try {
      r = await api('/sessions', {
        method: 'POST',
        body: { username, password },
        auth: false,
        redirectOn401: false,
      });
      break;
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'busy' || attempt >= BUSY_TRIES) throw e;
      await new Promise((res) => setTimeout(res, 1000 * attempt));
    }
  }
  setToken(r.token);
  session.me = r.user || null;
  // The login answer carries the user; /me is the reference (roles, unit path).
  await loadMe();
  return session.me;
}

export async function logout() {
  try {
    if (getToken()) await api('/sessions/current', { method: 'DELETE', redirectOn401: false });
  } catch {
    // the token is dropped either way
  }
  clearSession();
}

export function clearSession() {
  setToken(null);
  session.me = null;
}
