// 社区治理 (grid governance). Entry shape: see ../screens.js. Two platforms' screens live
// here: the events block (grid events, the dispatch board) and the grids block (grids,
// households, patrols, figures, the map).
import { Bell, Iphone, List, Promotion } from '@element-plus/icons-vue';

// ---- grid events (上报、派遣、处置、核查) ----
export const EVENT_SCREENS = [
  { path: '/grid/home', name: 'grid-home', label: '网格员首页', icon: Iphone, roles: ['grid_member'], component: () => import('./GridHomeView.vue') },
  { path: '/grid/report', name: 'grid-report', label: '上报事件', icon: Promotion, roles: ['grid_member'], nav: false, component: () => import('./GridReportView.vue') },
  { path: '/grid/board', name: 'grid-board', label: '事件派遣台', icon: Bell, roles: ['unit_staff'], component: () => import('./GridBoardView.vue') },
  { path: '/grid/events', name: 'grid-events', label: '网格事件', icon: List, roles: ['grid_member', 'unit_staff', 'leader', 'admin'], component: () => import('./GridEventListView.vue') },
  { path: '/grid/events/:id(\\d+)', name: 'grid-event', label: '事件详情', icon: List, roles: null, nav: false, component: () => import('./GridEventView.vue') },
];

// ---- grids, households, patrols, figures (the other half) ----
export const BASE_SCREENS = [];

export const SCREENS = [...EVENT_SCREENS, ...BASE_SCREENS];
