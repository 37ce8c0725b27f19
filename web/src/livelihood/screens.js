// 民生实事 (livelihood): collection, the deputies' ballot, the board, the evaluation; and the
// public page. Entry shape: see ../screens.js.
import { Collection, Finished, TrendCharts, Star } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/livelihood/proposals', name: 'lv-proposals', label: '民生实事征集', icon: Collection, roles: ['congress_staff', 'agent', 'leader', 'admin'], component: () => import('./LivelihoodProposalsView.vue') },
  { path: '/livelihood/sessions', name: 'lv-sessions', label: '代表票决', icon: Finished, roles: ['congress_staff', 'deputy', 'leader'], component: () => import('./LivelihoodSessionsView.vue') },
  { path: '/livelihood/sessions/:id(\\d+)', name: 'lv-session', label: '票决会议', icon: Finished, roles: null, nav: false, component: () => import('./LivelihoodSessionView.vue') },
  { path: '/livelihood/board', name: 'lv-board', label: '挂图作战', icon: TrendCharts, roles: ['congress_staff', 'deputy', 'leader', 'unit_staff', 'admin'], component: () => import('./LivelihoodBoardView.vue') },
  { path: '/livelihood/projects/:id(\\d+)', name: 'lv-project', label: '民生实事项目', icon: TrendCharts, roles: null, nav: false, component: () => import('./LivelihoodProjectView.vue') },
  { path: '/livelihood/evaluation', name: 'lv-evaluation', label: '满意度测评', icon: Star, roles: ['congress_staff', 'deputy', 'leader'], component: () => import('./LivelihoodEvaluationView.vue') },
];

export const PUBLIC_PAGES = [
  { path: '/public/livelihood', name: 'public-livelihood', label: '民生实事', component: () => import('./PublicLivelihoodView.vue') },
];
