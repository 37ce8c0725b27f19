/* The case engine under every platform: numbers, state machines defined as data per kind,
 * the owning region and the handling unit, assignments (one per dispatch), deadlines, the
 * append-only timeline and notifications. Appeals, grid events, service requests,
 * disputes and key issues are kinds of case; none re-implements these. */
#ifndef YW_CASE_H
#define YW_CASE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Who may take a transition. */
enum case_by {
	CASE_BY_AGENT = 1u << 0,   /* an agent whose area holds the case */
	CASE_BY_HANDLER = 1u << 1, /* staff of the handling unit */
	CASE_BY_LEADER = 1u << 2,  /* a leader whose area holds the case */
	CASE_BY_CITIZEN = 1u << 3, /* the citizen who filed it (public pages) */
};

struct case_transition {
	const char *action;
	const char *from; /* a status, or "*" for any open status */
	const char *to;	  /* NULL: the status stays */
	unsigned by;	  /* CASE_BY_* */
};

struct case_kind {
	const char *kind;		  /* "appeal" */
	const char *prefix;		  /* "FX" */
	const char *const *closed_states; /* NULL-terminated; all others are open */
	const struct case_transition *transitions;
	size_t ntransitions;
};

/* The transition for action from status, NULL when there is none. */
const struct case_transition *case_transition_find(const struct case_kind *k, const char *action,
						   const char *status);
bool case_action_known(const struct case_kind *k, const char *action);
bool case_status_open(const struct case_kind *k, const char *status);
/* The actions `by` may take from status (a JSON array of strings). */
json_t *case_actions_for(const struct case_kind *k, const char *status, unsigned by);

/* A case as stored (the common part). Strings are owned copies; case_row_free frees. */
typedef struct case_row {
	int64_t id;
	char kind[16];
	char number[32];
	char status[24];
	int64_t region_id, intake_unit_id, handler_id, assignment_id, created_by;
	char region_path[SCOPE_PATH_MAX], handler_path[SCOPE_PATH_MAX];
	bool urgent;
	int64_t created_at, dispatched_at, signed_at, replied_at, closed_at;
	int64_t sign_due_at, finish_due_at;
	int sign_alert, finish_alert;
	int resolved; /* -1 unknown */
	char satisfaction[24];
	int reopen_count, return_count, urge_count;
	int extension_days;
} case_row;

/* Inside a write transaction, before reading a case to change it: takes the row's lock
 * (PostgreSQL; SQLite's single writer is already exclusive), so two concurrent actions
 * on one case run one after the other and the second sees the first's result. */
int case_lock(store_conn *c, int64_t id, err *e);
/* Loads case id; ERR_NOT_FOUND when missing. No area check. */
int case_load(store_conn *c, int64_t id, case_row *out, err *e);
/* Whether who may see the case: its region or its handling unit lies in who's area. */
bool case_visible(const actor *who, const case_row *r);
/* The roles who acts in on this case (CASE_BY_*). */
unsigned case_by_of(const actor *who, const case_row *r);

/* The next human number, prefix + local date + 6 digits (FX20261128000123). Inside a
 * write transaction. */
int case_number_next(store_conn *c, const char *prefix, int64_t now, char *out, size_t n, err *e);

typedef struct case_new {
	const struct case_kind *kind;
	const char *status; /* the first status */
	int64_t region_id;
	int64_t intake_unit_id;
	const char *title, *content;
	bool urgent;
	int64_t created_by;	  /* 0: a citizen */
	const char *search_extra; /* more text for the full-text index (address), or NULL */
	int64_t at;		  /* the creation time; 0: now */
} case_new;

/* Inside a write transaction: creates the case, its number, its first timeline entry and
 * its search entry. Fills id and number (32 bytes). */
int case_create(store_conn *c, const actor *who, const case_new *in, int64_t *id, char *number,
		err *e);

/* Appends a timeline entry (note and data may be NULL; data borrowed). */
int case_timeline_add(store_conn *c, const actor *who, int64_t case_id, const char *action,
		      const char *from, const char *to, const char *note, json_t *data, err *e);
/* The timeline as a JSON array, oldest first. */
int case_timeline_json(store_conn *c, int64_t case_id, json_t **out, err *e);
/* Sets the status (and updated_at). */
int case_set_status(store_conn *c, int64_t case_id, const char *status, int64_t now, err *e);

/* Dispatches to unit_id: a new assignment with these deadlines, the case's handler,
 * dispatched_at and deadlines set, alerts cleared. */
int case_assign(store_conn *c, int64_t case_id, int64_t unit_id, int64_t now, int64_t sign_due,
		int64_t finish_due, err *e);

/* A notification in the inbox of a unit (user_id 0) or of a user (unit_id 0). */
int case_notify(store_conn *c, int64_t unit_id, int64_t user_id, int64_t case_id, const char *kind,
		const char *title, const char *body, err *e);

/* Deadline targets for a type and urgency from the policy table and the calendar, from
 * start. finish_days > 0 (a category's own) overrides the finish target in working days. */
int case_deadlines(store_conn *c, const char *type, bool urgent, int finish_days, int64_t start,
		   int64_t *sign_due, int64_t *finish_due, err *e);
/* Adds working days to t on the calendar (extensions). */
int case_add_working_days(store_conn *c, int64_t t, int days, int64_t *out, err *e);

/* "none", "warning", "overdue" for an alert level. */
const char *case_alert_word(int level);

#endif
