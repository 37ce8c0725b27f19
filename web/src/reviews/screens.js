// 三大调度 reviews: the schemes (and their editor), a period's league table with the entry
// form, the host and the drill-down, a unit's history. Entry shape: see ../screens.js.
import { Trophy } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/reviews', name: 'reviews', label: '调度考核', icon: Trophy, roles: ['admin', 'leader', 'unit_staff'], component: () => import('./ReviewSchemesView.vue') },
  { path: '/reviews/periods/:id(\\d+)', name: 'review-period', label: '考核成绩', icon: Trophy, roles: ['admin', 'leader', 'unit_staff'], nav: false, component: () => import('./ReviewPeriodView.vue') },
  { path: '/reviews/schemes/:id(\\d+)/meetings', name: 'review-meetings', label: '调度会', icon: Trophy, roles: ['admin', 'leader', 'unit_staff'], nav: false, component: () => import('./ReviewMeetingsView.vue') },
  { path: '/reviews/schemes/:id(\\d+)/units/:uid(\\d+)', name: 'review-history', label: '历次成绩', icon: Trophy, roles: ['admin', 'leader', 'unit_staff'], nav: false, component: () => import('./ReviewHistoryView.vue') },
];
