// 项目库 (investment projects, docs/projects.md): the register and one project with its
// monthly reports. Entry shape: see ../screens.js.
import { Coin } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/projects', name: 'projects', label: '项目库', icon: Coin, roles: ['unit_staff', 'leader', 'admin'], component: () => import('./ProjectListView.vue') },
  { path: '/projects/stats', name: 'project-stats', label: '项目统计', icon: Coin, roles: ['unit_staff', 'leader', 'admin'], component: () => import('./ProjectStatsView.vue') },
  { path: '/projects/:id(\\d+)', name: 'project', label: '项目详情', icon: Coin, roles: ['unit_staff', 'leader', 'admin'], nav: false, component: () => import('./ProjectDetailView.vue') },
];
