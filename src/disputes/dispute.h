/* 纠纷化解 (docs/disputes.md): dispute cases on the case engine. A dispute is registered at
 * a mediation unit (a village's or community's people's mediation committee, or the
 * mediation centre of a township or a county), mediated there (investigations and
 * sessions), and ends in an agreement whose fulfilment is checked, or escalates level by
 * level, fails, is referred or withdrawn. Its parties, records, agreement, judicial
 * confirmation, risk flags and the appeal it came from are its own; its number, holding
 * unit, timeline and permissions are the engine's. */
#ifndef YW_DISPUTE_H
#define YW_DISPUTE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "engine/case.h"
#include "org/actor.h"
#include "store/store.h"

/* Who has business with disputes: they read them (an agent only those it registered). */
#define DISPUTE_READ_ROLES (ROLE_MEDIATOR | ROLE_AGENT | ROLE_LEADER | ROLE_ADMIN)
/* Who registers disputes: a mediator at their own unit, a hotline agent for a place. */
#define DISPUTE_REGISTER_ROLES (ROLE_MEDIATOR | ROLE_AGENT)
/* Who takes actions (each action then names its own takers). */
#define DISPUTE_ACT_ROLES (ROLE_MEDIATOR | ROLE_LEADER)
/* Who reads the statistics, each within their area. */
#define DISPUTE_STATS_ROLES (ROLE_MEDIATOR | ROLE_LEADER | ROLE_ADMIN)

extern const struct case_machine dispute_machine;

enum {
	DISPUTE_TITLE_MAX = 100,
	DISPUTE_TEXT_MAX = 4000,
	DISPUTE_NAME_MAX = 50,
	DISPUTE_PHONE_MAX = 20,
	DISPUTE_ID_NUMBER_MAX = 18,
	DISPUTE_ADDRESS_MAX = 200,
	DISPUTE_PLACE_MAX = 200,
	DISPUTE_PARTIES_MAX = 20,
	DISPUTE_PEOPLE_MAX = 100000,
	DISPUTE_TYPE_CODE_MAX = 32,
	DISPUTE_TYPE_NAME_MAX = 50,
	/* A judicial confirmation is applied for within 30 days of the agreement
	 * (人民调解法 第三十三条). */
	DISPUTE_CONFIRM_DAYS = 30,
	/* Another dispute of the same party or of the same place and type within 90 days
	 * makes a repeated incident. */
	DISPUTE_REPEAT_DAYS = 90,
};

/* The levels a mediation unit can have, lowest first. */
extern const char *const dispute_levels[]; /* "village", "township", "county", NULL */
extern const char *const dispute_sources[];
extern const char *const dispute_party_sides[];
extern const char *const dispute_party_kinds[];
extern const char *const dispute_statuses[];

typedef struct dispute_party_input {
	const char *name, *kind, *side;		 /* kind NULL: person */
	const char *id_number, *phone, *address; /* NULL: not given */
} dispute_party_input;

typedef struct dispute_input {
	const char *type, *title, *facts; /* title and facts may be NULL with from_appeal_id */
	const char *place, *source;	  /* source NULL: walk_in, or appeal */
	const dispute_party_input *parties;
	size_t nparties;
	int64_t region_id;	 /* 0: the mediator's region (required of an agent) */
	int64_t people_involved; /* 0: the number of parties */
	int64_t from_appeal_id;	 /* 0: none */
	bool threats;
} dispute_input;

/* Whether s is a valid mainland ID card number (15 digits, or 17 digits and a check
 * character that matches, X for 10). */
bool dispute_id_number_valid(const char *s);

/* Inside a write transaction: registers a dispute for who (a mediator at their own
 * mediation unit, or an agent for in->region_id: the lowest mediation unit covering it).
 * Checks the type, the region, the appeal (which who must see); flags risks. Fills id. */
int dispute_register(store_conn *c, const actor *who, const dispute_input *in, int64_t *id, err *e);

/* Inside a write transaction: takes action on dispute id with its body (the action rows
 * of dispute_machine say who, from which states, with which fields). */
int dispute_act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body,
		err *e);

/* The dispute as JSON for who: parties masked, records, agreement, confirmation, the
 * appeal it came from, the timeline and the actions who may take. 404 when who may not
 * read it. */
int dispute_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);

typedef struct dispute_filter {
	const char *statuses; /* comma list */
	const char *level, *type, *q;
	int risk;	  /* -1 any */
	int64_t unit_id;  /* held by that unit's subtree */
	int64_t from, to; /* registered in [from, to), 0: open */
	bool mine;	  /* mediated by who */
} dispute_filter;

/* One page of the disputes who may read, newest first. */
int dispute_list(store_conn *c, store *s, const actor *who, const dispute_filter *f, int64_t page,
		 int64_t per_page, json_t **items, int64_t *total, err *e);

/* The mediator's desk: the open disputes their unit holds, today's sessions (held or
 * planned) and the agreements whose fulfilment is due for a check. */
int dispute_desk(store_conn *c, const actor *who, json_t **out, err *e);

#endif
