// 社区治理 (grids). Entry shape: see ../screens.js.
import { Location, House, MapLocation, Histogram } from '@element-plus/icons-vue';

// ---- grid data (grid-base): patrols, households, the map, the figures ----
const GRID_READERS = ['admin', 'leader', 'unit_staff', 'grid_member', 'station_staff'];
export const BASE_SCREENS = [
  { path: '/grid/patrols', name: 'grid-patrols', label: '我的巡查', icon: Location, roles: ['grid_member'], component: () => import('./PatrolView.vue') },
  { path: '/grid/households', name: 'grid-households', label: '我的住户', icon: House, roles: GRID_READERS, component: () => import('./HouseholdView.vue') },
  { path: '/grid/map', name: 'grid-map', label: '网格地图', icon: MapLocation, roles: GRID_READERS, component: () => import('./GridMapView.vue') },
  { path: '/grid/stats', name: 'grid-stats', label: '网格统计', icon: Histogram, roles: ['admin', 'leader', 'unit_staff', 'station_staff'], component: () => import('./GridStatsView.vue') },
];
// ---- end of grid data ----

export const SCREENS = [...BASE_SCREENS];
