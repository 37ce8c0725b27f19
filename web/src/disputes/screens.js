// 纠纷化解 (disputes): the mediator's desk, registration, the list, the figures, and the
// case page. Entry shape: see ../screens.js.
import { ChatLineRound, DocumentAdd, Files, Histogram } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/disputes/desk', name: 'dispute-desk', label: '调解工作台', icon: ChatLineRound, roles: ['mediator'], component: () => import('./DisputeDeskView.vue') },
  { path: '/disputes/new', name: 'dispute-new', label: '纠纷登记', icon: DocumentAdd, roles: ['mediator', 'agent'], component: () => import('./DisputeNewView.vue') },
  { path: '/disputes', name: 'disputes', label: '纠纷查询', icon: Files, roles: ['mediator', 'agent', 'leader', 'admin'], component: () => import('./DisputeListView.vue') },
  { path: '/disputes/stats', name: 'dispute-stats', label: '调解统计', icon: Histogram, roles: ['leader', 'mediator', 'admin'], component: () => import('./DisputeStatsView.vue') },
  { path: '/disputes/:id(\\d+)', name: 'dispute', label: '纠纷详情', icon: Files, roles: null, nav: false, component: () => import('./DisputeDetailView.vue') },
];
