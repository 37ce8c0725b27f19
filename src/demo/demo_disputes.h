/* The demo's 纠纷化解: a mediation centre (a department) for every township and county,
 * a mediator for every centre and for every village and community of the demo tree
 * (dwf_mediator at 东瓦房村, hjd_mediator at 韩家店镇's centre, mediator at 海州区's), and
 * a year of about 2,000 disputes registered, mediated, escalated, agreed, checked and
 * revisited through the ordinary domain functions, in time order beside the appeals. */
#ifndef YW_DEMO_DISPUTES_H
#define YW_DEMO_DISPUTES_H
#include <stdint.h>

#include "core/err.h"
#include "demo/demo_appeals.h"
#include "store/store.h"

/* Inside the demo's first transaction: the centres and the mediators' logins
 * (password_hash, the demo's). unit_ids are the demo's unit ids by index in demo_units. */
int demo_disputes_setup(store_conn *c, const int64_t *unit_ids, const char *password_hash, err *e);

typedef struct demo_disputes demo_disputes;

/* The year of disputes up to end, planned; NULL (and 0) when YIWANG_DEMO_DISPUTES=0. Its
 * events run through beside (demo_appeals_build calls it). */
int demo_disputes_open(store *s, const int64_t *unit_ids, int64_t end, demo_disputes **out,
		       demo_beside *beside, err *e);
void demo_disputes_close(demo_disputes *d);

#endif
