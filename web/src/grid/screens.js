// 社区治理 (grid governance). Entry shape: see ../screens.js. Two blocks: the events
// (report, dispatch, handle, verify) and the grids (households, patrols, the map, figures).
import { Bell, Iphone, List, Promotion, Location, House, MapLocation, Histogram } from '@element-plus/icons-vue';

// ---- grid events (上报、派遣、处置、核查) ----
export const EVENT_SCREENS = [
  { path: '/grid/home', name: 'grid-home', label: '网格员首页', icon: Iphone, roles: ['grid_member'], component: () => import('./GridHomeView.vue') },
  { path: '/grid/report', name: 'grid-report', label: '上报事件', icon: Promotion, roles: ['grid_member'], nav: false, component: () => import('./GridReportView.vue') },
  { path: '/grid/board', name: 'grid-board', label: '事件派遣台', icon: Bell, roles: ['unit_staff'], component: () => import('./GridBoardView.vue') },
  { path: '/grid/events', name: 'grid-events', label: '网格事件', icon: List, roles: ['grid_member', 'unit_staff', 'leader', 'admin'], component: () => import('./GridEventListView.vue') },
  { path: '/grid/events/:id(\\d+)', name: 'grid-event', label: '事件详情', icon: List, roles: null, nav: false, component: () => import('./GridEventView.vue') },
];

// ---- grids: patrols, households, the map, the figures ----
const GRID_READERS = ['admin', 'leader', 'unit_staff', 'grid_member', 'station_staff'];
export const BASE_SCREENS = [
  { path: '/grid/patrols', name: 'grid-patrols', label: '我的巡查', icon: Location, roles: ['grid_member'], component: () => import('./PatrolView.vue') },
  { path: '/grid/households', name: 'grid-households', label: '我的住户', icon: House, roles: GRID_READERS, component: () => import('./HouseholdView.vue') },
  { path: '/grid/map', name: 'grid-map', label: '网格地图', icon: MapLocation, roles: GRID_READERS, component: () => import('./GridMapView.vue') },
  { path: '/grid/stats', name: 'grid-stats', label: '网格统计', icon: Histogram, roles: ['admin', 'leader', 'unit_staff', 'station_staff'], component: () => import('./GridStatsView.vue') },
];

export const SCREENS = [...EVENT_SCREENS, ...BASE_SCREENS];
