// 组织 (org): the screens of the organization layer — everyone's 首页 and 组织架构 lead the
// navigation, the administrators' 用户管理 and 审计日志 close it (../screens.js puts the two
// lists at either end). Entry shape: see ../screens.js.
import { HomeFilled, OfficeBuilding, User, Document } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/', name: 'home', label: '首页', icon: HomeFilled, roles: null, component: () => import('./HomeView.vue') },
  { path: '/units', name: 'units', label: '组织架构', icon: OfficeBuilding, roles: null, component: () => import('./UnitsView.vue') },
];

export const ADMIN_SCREENS = [
  { path: '/users', name: 'users', label: '用户管理', icon: User, roles: ['admin'], component: () => import('./UsersView.vue') },
  { path: '/audit', name: 'audit', label: '审计日志', icon: Document, roles: ['admin'], component: () => import('./AuditView.vue') },
];
