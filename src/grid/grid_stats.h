/* 社区治理's figures (docs/grid.md "Figures and scores"): per grid, community and
 * township, the events found (migration 012's grid_events), valid reports, closures on
 * time and at the first attempt, rework and escalation, patrol time; a grid member's
 * monthly score with the weights an admin sets; both as .xlsx. */
#ifndef YW_GRID_STATS_H
#define YW_GRID_STATS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

/* The level figures are rolled up to. */
enum grid_level { GRID_LEVEL_GRID, GRID_LEVEL_COMMUNITY, GRID_LEVEL_TOWNSHIP };

/* {"from","to","level","items":[{"unit_id","unit_name","level","grids","events","valid",
 * "closed","on_time","first_time","reworked","escalated","on_time_rate",
 * "first_time_rate","rework_rate","escalation_rate","patrols","patrol_minutes",
 * "night_patrol_minutes"}],"totals":{...},"idle_grids":[{"id","name"}]} over the events
 * created and the patrols started in [from, to) in the grids of who's area. closed,
 * on_time, first_time, reworked and escalated count valid events only; on_time and
 * first_time rates are over closed ones, rework and escalation rates over valid ones;
 * null where the denominator is 0. idle_grids: the grids without a patrol this week (now). */
int grid_stats(store_conn *c, const actor *who, int64_t from, int64_t to, enum grid_level level,
	       int64_t now, json_t **out, err *e);

/* The month "2026-11" as [from, to) in China time; 400 invalid_parameter otherwise. */
int grid_month(const char *month, int64_t *from, int64_t *to, err *e);

/* {"month","weights":{...},"items":[{"user_id","name","username","grid_id","grid_name",
 * "reports","verifications_on_time","tasks_done","patrol_minutes","score","rank"}]}: the
 * grid members of who's area in [from, to), best score first (equal scores share a rank). */
int grid_member_scores(store_conn *c, const actor *who, const char *month, int64_t from, int64_t to,
		       json_t **out, err *e);

/* The members' score weights, one set: {"reports","verifications","tasks","patrol_hours",
 * "updated_at"}. */
int grid_weights_get(store_conn *c, json_t **out, err *e);

typedef struct grid_weights {
	double reports, verifications, tasks, patrol_hours;
} grid_weights;

/* Inside a write transaction: sets the weights (each 0..100). Audited. */
int grid_weights_put(store_conn *c, const actor *who, const grid_weights *w, err *e);

/* grid_stats's answer, or grid_member_scores's (members true), as an .xlsx workbook
 * with Chinese headers (a heap buffer). */
int grid_stats_xlsx(const json_t *stats, bool members, char **data, size_t *len, err *e);

#endif

/* ---- the review metrics (grid_metrics.c) ---- */

/* The figures grid_stats counts, per enabled grid whose path lies in [lo, hi), over the
 * events created in [from, to): fn(ctx, grid's path, valid, closed, on_time, reworked)
 * (the same definitions: closed, on_time and reworked count valid events only). One
 * grouped query; grids without events are left out. */
typedef void (*grid_fig_fn)(void *ctx, const char *path, int64_t valid, int64_t closed,
			    int64_t on_time, int64_t reworked);
int grid_stats_each_grid(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			 grid_fig_fn fn, void *ctx, err *e);

/* The valid events created in [from, to) in the grids of [lo, hi) that were reworked
 * (rework true) or closed late (false): items {"id","number","title","grid","status"},
 * at most limit. */
int grid_stats_events(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
		      bool rework, int limit, json_t **items, err *e);
