// 便民服务 (services): the station clerk's desk (tablet), the hall's queue, a request's
// page, the catalogue, the figures, enterprise service; the citizen's phone page is public.
// Entry shape: see ../screens.js.
import { Collection, DataAnalysis, Histogram, OfficeBuilding, Service, Tickets } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/services/desk', name: 'service-desk', label: '便民服务站', icon: Service, roles: ['station_staff'], component: () => import('./ServiceDeskView.vue') },
  { path: '/services/hall', name: 'service-hall', label: '代办件办理', icon: OfficeBuilding, roles: ['unit_staff'], component: () => import('./ServiceHallView.vue') },
  { path: '/services/requests', name: 'service-requests', label: '服务申请查询', icon: Tickets, roles: ['leader', 'admin', 'station_staff'], component: () => import('./ServiceListView.vue') },
  { path: '/services/items', name: 'service-items', label: '服务事项目录', icon: Collection, roles: ['admin', 'station_staff', 'leader'], component: () => import('./ServiceCatalogueView.vue') },
  { path: '/services/stats', name: 'service-stats', label: '便民服务统计', icon: Histogram, roles: ['leader', 'admin', 'station_staff'], component: () => import('./ServiceStatsView.vue') },
  { path: '/services/enterprise', name: 'service-enterprise', label: '企业代办', icon: DataAnalysis, roles: ['unit_staff', 'leader', 'admin'], component: () => import('./ServiceEnterpriseView.vue') },
  { path: '/services/requests/:id(\\d+)', name: 'service-request', label: '服务申请', icon: Tickets, roles: null, nav: false, component: () => import('./ServiceRequestView.vue') },
];

export const PUBLIC_PAGES = [
  { path: '/public/service', name: 'public-service', label: '便民服务查询评价', component: () => import('./PublicServiceView.vue') },
];
