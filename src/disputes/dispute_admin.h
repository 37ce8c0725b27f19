/* The disputes' settings: the list of dispute types, the risk threshold, and which
 * departments are the mediation centres of which townships and counties. */
#ifndef YW_DISPUTE_ADMIN_H
#define YW_DISPUTE_ADMIN_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

/* The types in their order ({"code","name","active","sort"}); inactive ones too when
 * all. */
int dispute_types_list(store_conn *c, bool all, json_t **items, err *e);
/* Inside a write transaction: a new type (409 duplicate when the code exists). */
int dispute_type_create(store_conn *c, const actor *who, const char *code, const char *name,
			int64_t sort, err *e);
/* Inside a write transaction: renames, reorders, (de)activates a type (NULL / -1 keep). */
int dispute_type_update(store_conn *c, const actor *who, const char *code, const char *name,
			int active, int64_t sort, bool set_sort, err *e);
/* One type as JSON; 404 when missing. */
int dispute_type_get(store_conn *c, const char *code, json_t **out, err *e);

/* {"risk_people": n}. */
int dispute_settings_get(store_conn *c, json_t **out, err *e);
/* Inside a write transaction. */
int dispute_settings_put(store_conn *c, const actor *who, int64_t risk_people, err *e);

/* The mediation centres within who's area
 * ({"unit_id","unit_name","region_id","region_name","level"}). */
int dispute_centres_list(store_conn *c, const actor *who, json_t **items, err *e);
/* Inside a write transaction: makes department unit_id the mediation centre of region_id
 * (a township or county it belongs to); both within who's area. */
int dispute_centre_put(store_conn *c, const actor *who, int64_t unit_id, int64_t region_id, err *e);
/* Inside a write transaction: unit_id is a mediation centre no more (404 when it was
 * none). */
int dispute_centre_delete(store_conn *c, const actor *who, int64_t unit_id, err *e);

#endif
