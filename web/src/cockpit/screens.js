// 领导驾驶舱 (docs/projects.md "Cockpit"): a leader's home page is the cockpit (org/
// HomeView.vue shows it to leaders); this entry opens it for admins too. Entry shape: see
// ../screens.js.
import { DataBoard } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/cockpit', name: 'cockpit', label: '领导驾驶舱', icon: DataBoard, roles: ['leader', 'admin'], component: () => import('./CockpitView.vue') },
];
