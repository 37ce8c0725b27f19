/* 社区治理 grid events (docs/grid.md "Events"): what a grid member finds on patrol, on the
 * case engine as kind `grid_event` (numbers WG...), following GB/T 30428's seven steps:
 * report, file, dispatch, handle (reply), verify, close, evaluate. The category tree and
 * each step's time limit and light; photos before and after; conversion into an appeal
 * or a dispute; the figures other code reads (grid_event_figures). */
#ifndef YW_GRID_EVENT_H
#define YW_GRID_EVENT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "engine/calendar.h"
#include "engine/case.h"
#include "org/actor.h"
#include "store/store.h"

extern const struct case_machine grid_event_machine;

enum {
	GRID_TEXT_MAX = 2000,
	GRID_ADDRESS_MAX = 200,
	GRID_NAME_MAX = 50,
	GRID_CODE_MAX = 16,
	GRID_PHOTOS_MAX = 9, /* of each kind (before, after) on one event */
	GRID_STEP_MINUTES_MAX = 30 * 540,
};

/* Who reads events: grid members their grid, staff their unit's area (a station its
 * grids, a handling unit what it holds), leaders and admins their area. */
#define GRID_READ_ROLES (ROLE_GRID_MEMBER | ROLE_UNIT_STAFF | ROLE_LEADER | ROLE_ADMIN)
#define GRID_ACT_ROLES GRID_READ_ROLES

/* ---- lights (pure) ---- */

/* A step's times on the calendar: it starts at start and may take `minutes` working
 * minutes; *due is when they are used up, *warn when 80% of them are. */
void grid_step_times(const calendar *cal, int64_t start, int64_t minutes, int64_t *warn,
		     int64_t *due);
/* The light of a running step at now: "green" before warn, "yellow" from warn to due,
 * "red" past due; NULL when no step runs (due 0). */
const char *grid_light(int64_t warn, int64_t due, int64_t now);
/* Whether s is one of green, yellow, red. */
bool grid_light_valid(const char *s);

/* ---- events ---- */

typedef struct grid_event_input {
	int64_t category_id;  /* or by code: */
	const char *category; /* a code ("E0101") or a name ("井盖"), NULL when the id is given */
	const char *description;
	const char *address; /* NULL: none */
	bool has_coords;
	double lat, lon;
	int64_t at; /* when it was found; 0: now (the demo builds a year of history) */
} grid_event_input;

/* Inside a write transaction: a grid member reports an event in their own grid (403 for
 * anyone else, 422 for an unknown or inactive category). Fills id. */
int grid_event_report(store_conn *c, const actor *who, const grid_event_input *in, int64_t *id,
		      err *e);
/* Inside a write transaction: takes the action the body names ({"action":...}) through
 * case_act. */
int grid_event_act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body,
		   err *e);
/* The event as the caller sees it: fields, grid, category, light, photos, timeline,
 * allowed actions, the case it became. 404 outside the caller's area. */
int grid_event_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);

typedef struct grid_event_filter {
	const char *statuses; /* comma list, NULL: any */
	int64_t grid_id;      /* 0: any */
	const char *light;    /* green|yellow|red, NULL: any */
	const char *q;	      /* full text, NULL: none */
} grid_event_filter;
int grid_event_list(store_conn *c, store *s, const actor *who, const grid_event_filter *f,
		    int64_t page, int64_t per_page, json_t **items, int64_t *total, err *e);
/* The caller's to-do: each item with "task": file, dispatch, reply, verify. */
int grid_event_tasks(store_conn *c, const actor *who, json_t **out, err *e);
/* The units a command post may dispatch to, for the dispatch board: non-grid units of the
 * caller's area first, then the departments (city and county), names containing q (NULL:
 * any), at most 50: {"items":[{id, name, kind}]}. */
int grid_dispatch_units(store_conn *c, const actor *who, const char *q, json_t **out, err *e);
/* Whether s is a state of the machine. */
bool grid_event_status_valid(const char *s);

/* ---- photos ---- */

/* Stores a photo of event id (kind "before" or "after") under data_dir/grid: the reporter
 * and the staff of the holding unit may add them while the event is open. */
int grid_photo_upload(store *s, const actor *who, const char *data_dir, int64_t id,
		      const char *kind, const unsigned char *data, size_t len, json_t **out,
		      err *e);
/* The file of a photo whose event the caller sees: its path under data_dir/grid (heap)
 * and its MIME type; 404 otherwise. */
int grid_photo_file(store_conn *c, const actor *who, int64_t photo_id, char **rel,
		    const char **mime, err *e);

/* ---- categories ---- */

/* The tree: {"items":[{id, parent_id, code, name, kind, limits, active, children:[...]}]};
 * inactive ones only when all is set. */
int grid_categories_json(store_conn *c, bool all, json_t **out, err *e);
/* Inside a write transaction (admins): creates a category from body, fills id. */
int grid_category_create(store_conn *c, const actor *who, json_t *body, int64_t *id, err *e);
/* Inside a write transaction (admins): changes name, limits, active, sort. */
int grid_category_update(store_conn *c, const actor *who, int64_t id, json_t *body, err *e);
int grid_category_get(store_conn *c, int64_t id, json_t **out, err *e);

/* ---- figures for other code (the grid figures page) ---- */

typedef struct grid_event_fig {
	int64_t grid_id;
	int64_t events;	    /* reported in the period */
	int64_t valid;	    /* of them, not marked invalid */
	int64_t closed;	    /* valid and closed (verified) */
	int64_t on_time;    /* closed with closed_at <= finish_due_at */
	int64_t first_time; /* closed without rework */
	int64_t reworked;   /* with at least one failed verification */
	int64_t escalated;  /* escalated at least once */
	int64_t on_spot;    /* resolved on the spot */
} grid_event_fig;

/* Per grid within area_path ("/" for all), events reported in [from, to) (0: open
 * bound), grids without events left out, ordered by grid id. *out is heap (free it). */
int grid_event_figures(store_conn *c, const char *area_path, int64_t from, int64_t to,
		       grid_event_fig **out, size_t *n, err *e);

#endif
