import { createRouter, createWebHashHistory } from 'vue-router';
import { SCREENS, PUBLIC_PAGES, canSee } from './screens.js';
import { getToken, onUnauthorized } from './api.js';
import { session, loadMe, clearSession } from './session.js';
import MainLayout from './components/MainLayout.vue';
import LoginView from './org/LoginView.vue';

const router = createRouter({
  // Hash history: the server needs no SPA fallback, it only serves index.html at `/`.
  history: createWebHashHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: '登录' } },
    // The citizens' pages: no login, outside the staff layout (each platform's PUBLIC_PAGES).
    ...PUBLIC_PAGES.map((p) => ({ path: p.path, name: p.name, component: p.component, meta: { public: true, title: p.label } })),
    {
      path: '/',
      component: MainLayout,
      children: SCREENS.map((s) => ({
        path: s.path === '/' ? '' : s.path.replace(/^\//, ''),
        name: s.name,
        component: s.component,
        meta: { roles: s.roles, title: s.label },
      })),
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) {
    // Already logged in? Then the login page has nothing to do.
    if (to.name === 'login' && getToken() && session.me) return { path: '/' };
    return true;
  }
  if (!getToken()) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  if (!session.me) {
    try {
      await loadMe();
    } catch (e) {
      if (e.status === 401) return { name: 'login' };
      throw e;
    }
  }
  const roles = to.meta.roles;
  if (roles && !roles.some((r) => session.me.roles?.includes(r))) return { path: '/' };
  return true;
});

router.afterEach((to) => {
  const t = to.meta.title;
  document.title = t ? `${t} · 一网 · 阜新市基层治理平台` : '一网 · 阜新市基层治理平台';
});

// A 401 from any call: the token is gone (api.js cleared it); back to the login page.
let redirecting = false;
onUnauthorized((e) => {
  clearSession();
  const current = router.currentRoute.value;
  if (current.name === 'login' || redirecting) return;
  redirecting = true;
  // expired=idle: the session ended after a time unused (401 session_idle).
  const expired = e && e.code === 'session_idle' ? 'idle' : '1';
  const query = current.fullPath && current.fullPath !== '/' ? { redirect: current.fullPath, expired } : { expired };
  router.replace({ name: 'login', query }).finally(() => {
    redirecting = false;
  });
});

export { canSee };
export default router;
