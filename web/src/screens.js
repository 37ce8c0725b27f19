// The screens behind the side navigation — ONE list drives both the router and the nav.
// Each platform registers its own in its folder's screens.js (org/, appeals/, disputes/,
// livelihood/ …, as src/ on the server side); this file only puts them in nav order.
//
// Each entry:
//   path       route path (hash history: the URL is /#/path)
//   name       route name; also the nav entry's test hook: data-test="nav-<name>"
//   label      Chinese label in the nav and the page title
//   icon       an icon component from @element-plus/icons-vue
//   roles      null = everyone who is logged in; otherwise the user needs one of these roles
//   component  the view, loaded lazily
//   nav        false: routable but not shown in the navigation (e.g. a detail page)
//
// To add a platform screen, add ONE line to the platform's screens.js, e.g. in appeals/
//   { path: '/appeals', name: 'appeals', label: '诉求查询', icon: Search, roles: ['agent', 'leader'], component: () => import('./AppealListView.vue') },
// A new platform: a folder with its screens.js, and its list added below.
// Entries appear in this order; an entry the user may not see is neither shown nor routable.
// PUBLIC_PAGES are the citizens' pages (no login, outside the staff layout).
import * as org from './org/screens.js';
import * as appeals from './appeals/screens.js';
import * as disputes from './disputes/screens.js';
import * as livelihood from './livelihood/screens.js';
import * as reviews from './reviews/screens.js';
import * as grid from './grid/screens.js';
import * as services from './services/screens.js';
import * as party from './party/screens.js';
import * as cockpit from './cockpit/screens.js';
import * as projects from './projects/screens.js';
import * as keyissues from './keyissues/screens.js';

export const SCREENS = [
  ...org.SCREENS,
  ...cockpit.SCREENS,
  ...appeals.SCREENS,
  ...disputes.SCREENS,
  ...livelihood.SCREENS,
  ...reviews.SCREENS,
  ...grid.SCREENS,
  ...services.SCREENS,
  ...party.SCREENS,
  ...projects.SCREENS,
  ...keyissues.SCREENS,
  ...org.ADMIN_SCREENS,
];

export const PUBLIC_PAGES = [...appeals.PUBLIC_PAGES, ...livelihood.PUBLIC_PAGES, ...services.PUBLIC_PAGES];

export function canSee(screen, userRoles) {
  if (!screen.roles) return true;
  return screen.roles.some((r) => (userRoles || []).includes(r));
}
