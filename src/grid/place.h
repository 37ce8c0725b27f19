/* A grid's key places (重点场所: schools, markets, gas stations…; docs/grid.md "Key
 * places"): name, kind, address, contact and phone. The phone is shown in full only to
 * whom grid_sees_personal says; everyone else gets it masked by org/privacy.c. */
#ifndef YW_GRID_PLACE_H
#define YW_GRID_PLACE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

enum { PLACE_NAME_MAX = 100, PLACE_ADDRESS_MAX = 200, PLACE_CONTACT_MAX = 50 };

/* The kinds a key place may have, NULL-terminated. */
extern const char *const place_kinds[];

/* One place's fields; for a change only those set. */
typedef struct place_input {
	const char *name, *kind, *address, *contact, *phone;
	bool set_name, set_kind, set_address, set_contact, set_phone;
} place_input;

/* The places of grid_id (404 outside who's reach), matching q in the name or address
 * when given, masked as grid_sees_personal says ("masked": true on a masked row). */
int place_list(store_conn *c, const actor *who, int64_t grid_id, const char *q, int64_t page,
	       int64_t per_page, json_t **items, int64_t *total, err *e);
/* One place as the list shows it; 404 outside who's reach. */
int place_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
/* Inside a write transaction: adds a place to grid_id (grid_sees_personal, else 403).
 * Audited. */
int place_create(store_conn *c, const actor *who, int64_t grid_id, const place_input *in,
		 int64_t *id, err *e);
/* Inside a write transaction: changes the fields set (as create's rule). Audited. */
int place_update(store_conn *c, const actor *who, int64_t id, const place_input *in, err *e);

#endif
