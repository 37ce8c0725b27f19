/* What admins set up for appeal handling: the matter categories (a tree), the routing
 * rules (category × region → handling unit), the deadline policies (appeal type × urgency)
 * and the overrides of the working-day calendar (statutory holidays, make-up working days).
 * Categories, policies and the calendar are city-wide; a routing rule belongs to the region
 * it serves, so an admin manages only the rules of regions in their area. Every change is
 * audited in its own transaction. */
#ifndef YW_APPEAL_ADMIN_H
#define YW_APPEAL_ADMIN_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "org/actor.h"
#include "engine/calendar.h"
#include "core/err.h"
#include "store/store.h"

enum {
	CATEGORY_CODE_MAX = 32,
	CATEGORY_NAME_MAX = 50,
	CATEGORY_FINISH_DAYS_MAX = 60,
	POLICY_SIGN_MINUTES_MAX = 43200,    /* 30 days */
	POLICY_FINISH_MINUTES_MAX = 525600, /* 365 days */
};

/* ---- categories ---- */

/* Whether code is 1..32 of [a-z0-9_-]. */
bool category_code_valid(const char *code);
/* The id of the category with this code; 0 when there is none. */
int category_find_code(store_conn *c, const char *code, int64_t *id, err *e);

typedef struct category_input {
	const char *code, *name;
	int64_t parent_id; /* 0: top level */
	int finish_days;   /* 0: none (the deadline policy decides) */
	bool active;
} category_input;

/* Inside a write transaction: creates a category. 409 duplicate code, 422 invalid_parent. */
int category_create(store_conn *c, const actor *who, const category_input *in, int64_t *id, err *e);

typedef struct category_patch {
	const char *code, *name; /* NULL: unchanged */
	bool set_parent;
	int64_t parent_id; /* with set_parent: 0 makes it top level */
	bool set_finish_days;
	int finish_days; /* with set_finish_days: 0 clears */
	int active;	 /* -1: unchanged */
} category_patch;

/* Inside a write transaction: changes a category; a parent that is the category itself or
 * one of its descendants is 422 invalid_parent, a code in use 409 duplicate. */
int category_update(store_conn *c, const actor *who, int64_t id, const category_patch *p, err *e);
/* {id, parent_id, code, name, finish_days, active}; 404 when missing. */
int category_get(store_conn *c, int64_t id, json_t **out, err *e);
/* Every category, parents before their children (depth first, by sort then id). */
int category_list(store_conn *c, json_t **items, err *e);

/* ---- routing rules ---- */

/* Inside a write transaction: sets the handling unit of (category, region), replacing the
 * pair's rule. The region must be a region (not a department) and the unit any unit, both
 * enabled and within who's area; else 422. *created says whether the pair was new. */
int routing_rule_put(store_conn *c, const actor *who, int64_t category_id, int64_t region_id,
		     int64_t unit_id, int64_t *id, bool *created, err *e);
/* Inside a write transaction: deletes a rule; 404 when missing or its region is outside
 * who's area. */
int routing_rule_delete(store_conn *c, const actor *who, int64_t id, err *e);
/* {id, category:{id,code,name}, region:{id,name,kind}, unit:{id,name,kind}}; 404 outside. */
int routing_rule_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
/* The rules of regions within who's area, optionally of one category or region (0: any),
 * by category code then region path. */
int routing_rule_list(store_conn *c, const actor *who, int64_t category_id, int64_t region_id,
		      int64_t page, int64_t per_page, json_t **items, int64_t *total, err *e);

/* ---- deadline policies ---- */

/* Whether type is '*' (any type) or an appeal type. */
bool deadline_policy_type_valid(const char *type);

typedef struct deadline_policy {
	const char *type;
	bool urgent;
	int64_t sign_minutes; /* 1..POLICY_SIGN_MINUTES_MAX */
	bool sign_working;
	int64_t finish_minutes; /* 1..POLICY_FINISH_MINUTES_MAX */
	bool finish_working;
} deadline_policy;

/* Inside a write transaction: sets the policy of (type, urgent), replacing the old one. */
int deadline_policy_put(store_conn *c, const actor *who, const deadline_policy *p, err *e);
/* The policy of (type, urgent) as JSON; 404 when there is none. */
int deadline_policy_get(store_conn *c, const char *type, bool urgent, json_t **out, err *e);
/* Every policy, '*' first, then by type and urgency. */
int deadline_policy_list(store_conn *c, json_t **items, err *e);

/* ---- the calendar's overrides (table calendar_days) ---- */

/* {year, office_start, office_end, items:[{date, workday, name}]} for year 1970..9999;
 * office hours are minutes after midnight China Standard Time (settings). */
int calendar_days_year(store_conn *c, int year, json_t **out, err *e);
/* Inside a write transaction: marks date "YYYY-MM-DD" a holiday or a make-up working day
 * (name NULL or "": none); 422 invalid_date or invalid_text. */
int calendar_days_put(store_conn *c, const actor *who, const char *date, bool workday,
		      const char *name, err *e);
/* Inside a write transaction: removes date's override; 404 when it has none. */
int calendar_days_delete(store_conn *c, const actor *who, const char *date, err *e);
/* Inside a write transaction: imports CSV lines "date,kind,name" (calendar_import_csv's
 * format) into the table, replacing those dates. All or nothing: the whole text is parsed
 * first, and on a bad line nothing is written (422 invalid_csv naming the line); a text
 * without any line is 422 too. *count is the number of dates written. */
int calendar_days_import(store_conn *c, const actor *who, const char *csv, int *count, err *e);

/* ---- the search index ---- */

/* Inside a write transaction: indexes for search up to `batch` appeals with ids above
 * *after that the search index lacks (rows written with plain SQL, as the benchmark
 * fixtures are), as intake indexes them (number, title, content, address); *after
 * becomes the last id looked at, *n the appeals indexed; *n == 0 with *after unchanged
 * when none is left. yiwang search reindex. */
int appeal_search_reindex(store_conn *c, store *s, int64_t *after, int batch, int64_t *n, err *e);

#endif
