/* What the files of src/disputes share among themselves (not for other modules): the
 * mediation units and their levels, the caller's dispute area, the holds, risk flags. */
#ifndef YW_DISPUTE_INTERNAL_H
#define YW_DISPUTE_INTERNAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "disputes/dispute.h"

enum { DAY_MS = 86400000 };

/* A mediation unit: its level and the region it serves (itself for a village, community,
 * township or county unit; the registered region for a mediation centre). */
typedef struct dispute_unit {
	int64_t id;
	char level[16]; /* "" when the unit is no mediation unit */
	int64_t region_id;
	char region_path[SCOPE_PATH_MAX];
	char region_kind[16];
	char name[128], region_name[128];
} dispute_unit;

/* Loads unit id as a mediation unit (level "" when it is none); 404 when missing. */
int dispute_unit_load(store_conn *c, int64_t id, dispute_unit *u, err *e);

/* who as disputes see them: a mediator of a mediation centre works for the region the
 * centre serves, so their area is that region's (a mediator elsewhere, and everyone
 * else, keeps their own area). */
int dispute_scope(store_conn *c, const actor *who, actor *me, err *e);

/* Whether me (scoped) may read the dispute r: mediators, leaders and admins within their
 * area; anyone the one who registered it. */
bool dispute_may_read(const actor *me, const case_row *r);

/* The next level's mediation unit above u (village → its township's centre → its
 * county's centre). 409 top_level at a county, 409 no_centre when none is registered. */
int dispute_next_holder(store_conn *c, const dispute_unit *u, dispute_unit *next, err *e);

/* Starts a hold of dispute id by unit at now, and makes it the dispute's current hold. */
int dispute_hold_start(store_conn *c, int64_t id, const dispute_unit *u, int64_t now, err *e);
/* Ends the current hold with outcome ("agreed", "escalated", ...), or with NULL reopens
 * it (a breached agreement: the unit mediates again, breaches counted). */
int dispute_hold_end(store_conn *c, int64_t id, const char *outcome, int64_t now, err *e);

/* Recomputes the risk flags of dispute id (threats: 1 set, 0 clear, -1 keep). When a flag
 * is newly raised, the township above the holding unit is notified and the timeline
 * records the warning (by who). */
int dispute_risk_update(store_conn *c, const actor *who, int64_t id, int threats, err *e);

/* The value of the risk threshold setting (people involved above it are a risk). */
int dispute_risk_people(store_conn *c, int64_t *n, err *e);

/* Chinese words for the PDF and the workbook. */
const char *dispute_level_label(const char *level);
const char *dispute_side_label(const char *side);

/* "110101********1234": an ID number with all but its first 6 and last 4 hidden. */
void dispute_mask_id(const char *in, char *out, size_t n);

/* The local date of ms as "2026年11月28日". */
void dispute_date_cn(int64_t ms, char *out, size_t n);

/* The parties of dispute id as JSON, phones shown in full only when show_phone. */
int dispute_parties_json(store_conn *c, int64_t id, bool show_phone, json_t **out, err *e);

#endif
