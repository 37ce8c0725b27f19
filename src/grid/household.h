/* A grid's households (实有人口, 实有房屋, 特殊人群; docs/grid.md "Grids and households"):
 * address, head, ID and contact numbers, members, housing and tags. Contact and ID
 * numbers, notes and the sensitive tags are shown in full only to whom grid_sees_personal
 * says; everyone else gets them masked by org/privacy.c. */
#ifndef YW_GRID_HOUSEHOLD_H
#define YW_GRID_HOUSEHOLD_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

enum {
	HOUSEHOLD_ADDRESS_MAX = 200,
	HOUSEHOLD_NAME_MAX = 50,
	HOUSEHOLD_NOTES_MAX = 500,
	HOUSEHOLD_TAGS = 6,
	HOUSEHOLD_IMPORT_ROWS_MAX = 5000,
};

/* The tags: word, Chinese label, whether it is sensitive (hidden when masked). */
typedef struct household_tag {
	const char *word, *label;
	bool sensitive;
} household_tag;
extern const household_tag household_tags[HOUSEHOLD_TAGS];
/* The tag named by its word or its Chinese label, NULL when none. */
const household_tag *household_tag_find(const char *name);
/* The housing word for a word or a Chinese label ("租住" → "rented"), NULL when none. */
const char *household_housing_find(const char *name);

/* One household's fields, checked by household_input_check. */
typedef struct household_input {
	const char *address, *head_name, *id_number, *phone, *housing, *notes;
	int64_t members;
	unsigned tags; /* bit i: household_tags[i] */
	/* PATCH: which fields were given */
	bool set_address, set_head, set_id, set_phone, set_housing, set_notes, set_members,
		set_tags;
} household_input;

/* Checks the fields that are set: lengths, the ID number (15 digits, or 17 and a digit
 * or X), the phone, members 0..99, the housing word. 422 with the field otherwise. With
 * create, address and head_name are required. */
int household_input_check(const household_input *in, bool create, err *e);

typedef struct household_filter {
	int64_t grid_id; /* 0: every grid of the area */
	const char *tag; /* a tag word, NULL: any */
	const char *q;	 /* part of the address or the head's name */
	int64_t page, per_page;
} household_filter;

/* The households of the grids who reaches, masked per grid as grid_sees_personal says
 * ("masked": true on a masked row). A sensitive tag filters only the grids whose personal
 * data who sees. */
int household_list(store_conn *c, const actor *who, const household_filter *f, json_t **items,
		   int64_t *total, err *e);
/* One household, as the list shows it; 404 outside who's reach. */
int household_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
/* Inside a write transaction: adds a household to grid_id (grid_sees_personal, else 403).
 * Audited. */
int household_create(store_conn *c, const actor *who, int64_t grid_id, const household_input *in,
		     int64_t *id, err *e);
/* Inside a write transaction: changes the fields set. Audited. */
int household_update(store_conn *c, const actor *who, int64_t id, const household_input *in,
		     err *e);
/* Inside a write transaction: adds n checked households to grid_id with one audit entry
 * (who must see the grid's personal data). */
int household_import(store_conn *c, const actor *who, int64_t grid_id, const household_input *rows,
		     size_t n, err *e);

#endif
