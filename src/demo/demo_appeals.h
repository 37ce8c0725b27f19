/* The demo's year of appeals: from 1 December of last year until now, taken in and
 * handled through the ordinary domain functions (appeal_intake, appeal_act, the citizen's
 * rating and the scheduler's deadline passes) with the clock set to each event's time, so
 * that every queue, timeline, notification and statistic shows a year of a northeastern
 * hotline on first start. Deterministic for a given now. */
#ifndef YW_DEMO_APPEALS_H
#define YW_DEMO_APPEALS_H
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* Another history of the same year (the disputes'), run beside the appeals: its events
 * and the appeals' take turns in time order inside the same write transactions, so that
 * the audit trail runs forward in time. */
typedef struct demo_beside {
	/* Inside a window's transaction: runs the history's events before t (each with the
	 * clock set to its time). */
	int (*until)(store_conn *c, int64_t t, void *ctx, err *e);
	/* A window's transaction starts, or starts again when the store retries it: the
	 * history goes back to where the last committed window left it. */
	void (*begin)(void *ctx);
	/* The window committed. */
	void (*commit)(void *ctx);
	void *ctx;
} demo_beside;

/* After the demo's units, users (demo_appeals_staff's too), categories and routing rules
 * exist: the appeals, in one write transaction per demo day, with beside's events (NULL:
 * none) among them. unit_ids are the demo's unit ids by index in demo_units. Leaves the
 * clock restored. The environment can change it: with YIWANG_DEMO_APPEALS=0 there are no
 * appeals and nothing runs beside them (test suites that start many servers);
 * YIWANG_DEMO_NOW=2026-11-30T09:30 ends the history at that time instead of now. */
int demo_appeals_build(store *s, const int64_t *unit_ids, const demo_beside *beside, err *e);
/* A staff login (password_hash, the demo's) for each handling unit that has none, made
 * with the demo's tree: the livelihood cycle, years before the appeals, has these units
 * act too. None when YIWANG_DEMO_APPEALS=0. */
int demo_appeals_staff(store_conn *c, const int64_t *unit_ids, const char *password_hash, err *e);
/* When the appeals' history ends: now (as of the call), or YIWANG_DEMO_NOW. Asked after
 * demo_appeals_build, it is no earlier than the history's last step. */
int demo_appeals_end(int64_t *end, err *e);

#endif
