// 诉求办理 (appeals): the staff screens, and the citizens' page outside the staff layout.
// Entry shape: see ../screens.js.
import { Headset, Tickets, Search, DataAnalysis, Memo } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/appeals/workbench', name: 'workbench', label: '受理工作台', icon: Headset, roles: ['agent'], component: () => import('./AppealWorkbenchView.vue') },
  { path: '/appeals/inbox', name: 'inbox', label: '单位待办', icon: Memo, roles: ['unit_staff'], component: () => import('./AppealInboxView.vue') },
  { path: '/appeals', name: 'appeals', label: '诉求查询', icon: Search, roles: ['agent', 'leader', 'unit_staff', 'admin'], component: () => import('./AppealListView.vue') },
  { path: '/appeals/stats', name: 'appeal-stats', label: '统计分析', icon: DataAnalysis, roles: ['leader', 'agent', 'admin', 'unit_staff'], component: () => import('./AppealStatsView.vue') },
  { path: '/appeals/:id(\\d+)', name: 'appeal', label: '诉求详情', icon: Tickets, roles: null, nav: false, component: () => import('./AppealDetailView.vue') },
];

// Pages for citizens: no login, no staff layout (path, name, label, component).
export const PUBLIC_PAGES = [
  { path: '/public/appeal', name: 'public-appeal', label: '市民诉求', component: () => import('./PublicAppealView.vue') },
];
