// 重点问题 (key issues, docs/projects.md): the leader's desk, the list and one key issue.
// Entry shape: see ../screens.js.
import { Flag, Aim } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/key-issues/desk', name: 'key-issue-desk', label: '我牵头的重点问题', icon: Aim, roles: ['leader'], component: () => import('./KeyIssueListView.vue') },
  { path: '/key-issues', name: 'key-issues', label: '重点问题', icon: Flag, roles: null, component: () => import('./KeyIssueListView.vue') },
  { path: '/key-issues/:id(\\d+)', name: 'key-issue', label: '重点问题详情', icon: Flag, roles: null, nav: false, component: () => import('./KeyIssueDetailView.vue') },
];
