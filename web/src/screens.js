// The screens behind the side navigation — ONE array drives both the router and the nav.
//
// Each entry:
//   path       route path (hash history: the URL is /#/path)
//   name       route name; also the nav entry's test hook: data-test="nav-<name>"
//   label      Chinese label in the nav and the page title
//   icon       an icon component from @element-plus/icons-vue
//   roles      null = everyone who is logged in; otherwise the user needs one of these roles
//   component  the view, loaded lazily
//   nav        false: routable but not shown in the navigation (e.g. a detail page)
//
// To add a platform screen (诉求办理, 纠纷化解, 便民服务, 智慧党建, 民生实事 …), add ONE line
// here, e.g.
//   { path: '/appeals', name: 'appeals', label: '诉求办理', icon: Tickets, roles: ['agent', 'unit_staff', 'leader'], component: () => import('./views/AppealsView.vue') },
// Entries appear in this order; an entry the user may not see is neither shown nor routable.
import { HomeFilled, OfficeBuilding, User, Document, Headset, Tickets, Search, DataAnalysis, Memo, Collection, Finished, TrendCharts, Star } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/', name: 'home', label: '首页', icon: HomeFilled, roles: null, component: () => import('./views/HomeView.vue') },
  { path: '/units', name: 'units', label: '组织架构', icon: OfficeBuilding, roles: null, component: () => import('./views/UnitsView.vue') },
  // — platform screens go here —
  { path: '/appeals/workbench', name: 'workbench', label: '受理工作台', icon: Headset, roles: ['agent'], component: () => import('./views/AppealWorkbenchView.vue') },
  { path: '/appeals/inbox', name: 'inbox', label: '单位待办', icon: Memo, roles: ['unit_staff'], component: () => import('./views/AppealInboxView.vue') },
  { path: '/appeals', name: 'appeals', label: '诉求查询', icon: Search, roles: ['agent', 'leader', 'unit_staff', 'admin'], component: () => import('./views/AppealListView.vue') },
  { path: '/appeals/stats', name: 'appeal-stats', label: '统计分析', icon: DataAnalysis, roles: ['leader', 'agent', 'admin', 'unit_staff'], component: () => import('./views/AppealStatsView.vue') },
  { path: '/appeals/:id(\\d+)', name: 'appeal', label: '诉求详情', icon: Tickets, roles: null, nav: false, component: () => import('./views/AppealDetailView.vue') },
  { path: '/livelihood/proposals', name: 'lv-proposals', label: '民生实事征集', icon: Collection, roles: ['congress_staff', 'agent', 'leader', 'admin'], component: () => import('./views/LivelihoodProposalsView.vue') },
  { path: '/livelihood/sessions', name: 'lv-sessions', label: '代表票决', icon: Finished, roles: ['congress_staff', 'deputy', 'leader'], component: () => import('./views/LivelihoodSessionsView.vue') },
  { path: '/livelihood/sessions/:id(\\d+)', name: 'lv-session', label: '票决会议', icon: Finished, roles: null, nav: false, component: () => import('./views/LivelihoodSessionView.vue') },
  { path: '/livelihood/board', name: 'lv-board', label: '挂图作战', icon: TrendCharts, roles: ['congress_staff', 'deputy', 'leader', 'unit_staff', 'admin'], component: () => import('./views/LivelihoodBoardView.vue') },
  { path: '/livelihood/projects/:id(\\d+)', name: 'lv-project', label: '民生实事项目', icon: TrendCharts, roles: null, nav: false, component: () => import('./views/LivelihoodProjectView.vue') },
  { path: '/livelihood/evaluation', name: 'lv-evaluation', label: '满意度测评', icon: Star, roles: ['congress_staff', 'deputy', 'leader'], component: () => import('./views/LivelihoodEvaluationView.vue') },
  { path: '/users', name: 'users', label: '用户管理', icon: User, roles: ['admin'], component: () => import('./views/UsersView.vue') },
  { path: '/audit', name: 'audit', label: '审计日志', icon: Document, roles: ['admin'], component: () => import('./views/AuditView.vue') },
];

export function canSee(screen, userRoles) {
  if (!screen.roles) return true;
  return screen.roles.some((r) => (userRoles || []).includes(r));
}
