/* The unit tree: regions (city, county, township, community/village, grid) and
 * departments at any level, each with a materialized path so that "within my area" is one
 * indexed range lookup. */
#ifndef YW_UNIT_H
#define YW_UNIT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

enum { UNIT_NAME_MAX = 100, UNIT_CODE_MAX = 32 };

/* Whether kind is one of the seven unit kinds. */
bool unit_kind_valid(const char *kind);
/* Chinese label of a kind ("乡镇街道"). */
const char *unit_kind_label(const char *kind);
/* Whether a unit of kind may sit directly under a unit of parent_kind. */
bool unit_parent_allowed(const char *kind, const char *parent_kind);

typedef struct unit_input {
	const char *name;
	const char *kind;
	const char *code; /* NULL: none */
	int64_t parent_id;
} unit_input;

/* Inside a write transaction: creates a unit under a parent within who's area. */
int unit_create(store_conn *c, const actor *who, const unit_input *in, int64_t *id, err *e);

typedef struct unit_patch {
	const char *name; /* NULL: unchanged */
	bool set_code;
	const char *code;  /* with set_code: NULL clears */
	int64_t parent_id; /* 0: unchanged */
	int disabled;	   /* -1: unchanged */
} unit_patch;

/* Inside a write transaction: renames, recodes, moves (with the whole subtree) or
 * disables a unit within who's area. */
int unit_update(store_conn *c, const actor *who, int64_t id, const unit_patch *p, err *e);

/* The unit as JSON (with path and children_count); 404 outside who's area. */
int unit_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);

typedef struct unit_filter {
	const char *q;
	const char *kind;
	int64_t parent_id;
	bool include_disabled;
} unit_filter;

int unit_list(store_conn *c, const actor *who, const unit_filter *f, int64_t page, int64_t per_page,
	      json_t **items, int64_t *total, err *e);

/* Whether unit id lies within who's area (false also when it does not exist). */
int unit_within(store_conn *c, const actor *who, int64_t id, bool *yes, err *e);
/* The path of unit id ("/1/5/"), into out; 404 when missing. */
int unit_path(store_conn *c, int64_t id, char *out, size_t n, err *e);

/* Checks the tree: every path equals its parent's path plus its id, and every copy of a
 * unit's path in other tables (cases' region and handler) equals the unit's. Fills problem
 * and returns 1 on the first inconsistency, 0 when sound, -1 on error. */
int unit_verify_tree(store_conn *c, char *problem, size_t n, err *e);

#endif
