/* 三大调度 review schemes and scorecards (docs/reviews.md): schemes that rank units on
 * indicators, periods whose draft card is computed on read and frozen at close, values
 * entered by assessing units, the host of the next on-site meeting, meetings and their
 * decisions, the league table, a unit's history and drill-downs. Bodies reach these
 * functions checked at the edge (reviews/api.c). */
#ifndef YW_REVIEW_H
#define YW_REVIEW_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

/* Who may call the reviews' routes: readers (the league is shown to the ranked units'
 * staff), and the roles that may organize or enter (finer rules in the handlers). */
#define REVIEW_READ_ROLES (ROLE_ADMIN | ROLE_LEADER | ROLE_UNIT_STAFF)
#define REVIEW_WRITE_ROLES (ROLE_ADMIN | ROLE_UNIT_STAFF)

enum { REVIEW_DRILL_LIMIT = 500 };

/* The registered metrics: {"items":[{name,label,unit,unit_kinds,direction,platform,drill}]}. */
json_t *review_metrics_json(void);

/* Inside a write transaction: a new scheme from body (name, cadence, periods, unit_ids or
 * unit_kind + parent_id, organizer_unit_id, grades, indicators). The caller organizes it:
 * an admin, or staff of the organizer unit (their own unit by default). 422 for units,
 * metrics or rules that do not exist. */
int review_scheme_create(store_conn *c, const actor *who, json_t *body, int64_t *id, err *e);
/* Inside a write transaction: changes the fields body gives. The name always; the
 * indicators (replaced: one of the same name keeps the values entered in the drafts),
 * grades and ranked units (unit_ids, or unit_kind + parent_id; the drafts' cards follow)
 * only while no period is closed — 409 otherwise. Organizer or admin. */
int review_scheme_update(store_conn *c, const actor *who, int64_t id, json_t *body, err *e);
/* Inside a write transaction: deletes a scheme with its drafts and meetings; 409 when a
 * period is closed. Organizer or admin. */
int review_scheme_delete(store_conn *c, const actor *who, int64_t id, err *e);
/* The schemes the caller sees, each with its latest period. */
int review_scheme_list(store_conn *c, const actor *who, json_t **out, err *e);
/* One scheme with its indicators, ranked units and periods; 404 when not visible. */
int review_scheme_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);

/* Inside a write transaction: opens the draft of period key (YYYY-MM, YYYY-Qn, or a custom
 * key) — 409 when it exists; 422 for a key the cadence does not have. */
int review_period_open(store_conn *c, const actor *who, int64_t scheme_id, const char *key,
		       int64_t *id, err *e);
/* The card: computed now for a draft, as frozen for a closed period. */
int review_period_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
/* Inside a write transaction: entered values [{unit_id, indicator (name or id), value}];
 * 422 unknown unit or indicator, 403 not the indicator's assessing unit, 409 closed. */
int review_period_values(store_conn *c, const actor *who, int64_t id, json_t *values, err *e);
/* Inside a write transaction: freezes every raw value, score, total, rank and grade, and
 * the host proposal (the best unit). Organizer or admin; 409 when already closed. */
int review_period_close(store_conn *c, const actor *who, int64_t id, err *e);
/* Inside a write transaction: the organizer confirms the host (a ranked unit). */
int review_period_host(store_conn *c, const actor *who, int64_t id, int64_t unit_id, err *e);
/* The records behind one unit's computed value: 404 for a unit outside the caller's area
 * (unless leader, admin or organizer); 422 for an indicator without a drill-down. */
int review_period_drill(store_conn *c, const actor *who, int64_t id, int64_t unit_id,
			const char *indicator, json_t **out, err *e);
/* A unit's closed cards of one scheme, oldest first. */
int review_unit_history(store_conn *c, const actor *who, int64_t scheme_id, int64_t unit_id,
			json_t **out, err *e);
/* For each scheme the caller sees: its latest closed period and its items. */
int review_latest(store_conn *c, const actor *who, json_t **out, err *e);

/* Meetings (调度会): inside a write transaction, create (meeting_id 0) or replace the
 * fields given; organizer or admin. */
int review_meeting_save(store_conn *c, const actor *who, int64_t scheme_id, int64_t meeting_id,
			json_t *body, int64_t *id, err *e);
int review_meeting_delete(store_conn *c, const actor *who, int64_t meeting_id, err *e);
int review_meeting_get(store_conn *c, const actor *who, int64_t meeting_id, json_t **out, err *e);
int review_meeting_list(store_conn *c, const actor *who, int64_t scheme_id, json_t **out, err *e);

/* The card (as review_period_get answers it) as an .xlsx workbook laid out for printing:
 * title, period, per indicator raw and score, total, rank, grade; A4 landscape. */
int review_period_xlsx(const json_t *card, char **data, size_t *len, err *e);

#endif
