// 智慧党建 (party building): the member's phone page, the branch secretary's desk and the
// organization department's overview. Entry shape: see ../screens.js.
import { Flag, Iphone, DataAnalysis } from '@element-plus/icons-vue';

export const SCREENS = [
  { path: '/party/me', name: 'party-me', label: '我的党建', icon: Iphone, roles: ['party_member'], component: () => import('./PartyMemberView.vue') },
  // What the meeting's QR code opens (a URL, so that a phone's own camera app works too).
  { path: '/party/checkin', name: 'party-checkin', label: '扫码签到', icon: Iphone, roles: ['party_member'], nav: false, component: () => import('./PartyCheckinView.vue') },
  { path: '/party/branch', name: 'party-branch', label: '支部工作台', icon: Flag, roles: ['party_secretary'], component: () => import('./PartyBranchView.vue') },
  { path: '/party/overview', name: 'party-overview', label: '党建总览', icon: DataAnalysis, roles: ['unit_staff', 'leader', 'admin'], component: () => import('./PartyOverviewView.vue') },
];
