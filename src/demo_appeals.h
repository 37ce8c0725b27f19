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

/* After the demo's units, users, categories and routing rules exist: adds a staff login
 * (password_hash, the demo's) for each handling unit that has none, then the appeals, in
 * one write transaction per demo day. unit_ids are the demo's unit ids by index in
 * demo_units. Leaves the clock restored. The environment can change it: with
 * YIWANG_DEMO_APPEALS=0 there are no appeals (test suites that start many servers);
 * YIWANG_DEMO_NOW=2026-11-30T09:30 ends the history at that time instead of now. */
int demo_appeals_build(store *s, const int64_t *unit_ids, const char *password_hash, err *e);
/* When the appeals' history starts (0 when YIWANG_DEMO_APPEALS=0 skips it): the demo's
 * tree and logins are dated then, so that the audit trail runs forward in time. */
int demo_appeals_start(int64_t *start, err *e);

#endif
