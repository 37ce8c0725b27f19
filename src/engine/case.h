/* The case engine under every platform. Appeals, grid events, service requests, disputes
 * and key issues are kinds of case: a number, a kind, a state machine declared as data, a
 * holding unit, an owning region, deadlines and an append-only timeline. A kind registers
 * its machine; case_act does the lookup, the permission and state checks, the row lock,
 * the kind's handler, the timeline, the audit entry and the notifications in one
 * transaction. None of the platforms re-implements these.
 *
 * A kind's own table joins the common one by `<kind table>.case_id = cases.id` (appeals:
 * `appeals.case_id`); its fields live there, never in `cases`. A kind's handlers read and
 * write that table through their own repository functions. */
#ifndef YW_CASE_H
#define YW_CASE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "http/validate.h"
#include "org/actor.h"
#include "store/store.h"

/* ---- a case as stored ---- */

/* The common part of a case (the row of `cases`). */
typedef struct case_row {
	int64_t id;
	char kind[16];
	char number[32];
	char status[24];
	int64_t region_id, intake_unit_id, handler_id, assignment_id, created_by;
	char region_path[SCOPE_PATH_MAX], handler_path[SCOPE_PATH_MAX];
	bool urgent;
	int64_t created_at, updated_at, dispatched_at, signed_at, replied_at, closed_at;
	int64_t sign_due_at, finish_due_at, finish_from;
	int sign_alert, finish_alert;
} case_row;

/* ---- machines ---- */

/* A relation of the caller to a case. */
enum case_rel {
	CASE_REL_AREA =
		1u << 0, /* the owning region or the holding unit lies in the caller's area */
	CASE_REL_HOLDER = 1u << 1,   /* the caller's unit is the holding unit (handler_id) */
	CASE_REL_REGION = 1u << 2,   /* the owning region lies in the caller's area */
	CASE_REL_REPORTER = 1u << 3, /* the caller registered the case (created_by) */
	CASE_REL_CITIZEN = 1u << 4,  /* the citizen who filed it, proven by number and phone
					(passed in by the caller of case_act) */
};

typedef struct case_act_ctx case_act_ctx;

/* One way to be allowed an action: any of `roles` (org/actor.h bits; 0 = no role needed),
 * with all of `rels`, and `pred` when set (e.g. "anyone but the one who replied"). */
struct case_taker {
	unsigned roles;
	unsigned rels;
	bool (*pred)(const case_act_ctx *x);
};

/* Who is told of an action (a mask; the units' inboxes). */
enum case_notice_to {
	CASE_TO_HOLDER = 1u << 0,	 /* the holding unit after the action */
	CASE_TO_HOLDER_PARENT = 1u << 1, /* its parent unit */
	CASE_TO_INTAKE = 1u << 2,	 /* the unit that took the case in */
	CASE_TO_REPORTER = 1u << 3,	 /* the user who registered it (created_by) */
};

/* A notification an action sends when it succeeds: kind and title of the inbox entry, to
 * whom, and the body: the named body field when given and set, else the case number.
 * The parent unit (CASE_TO_HOLDER_PARENT) gets parent_title when set. */
struct case_notice {
	const char *kind;  /* "new_case" */
	const char *title; /* "新工单" */
	unsigned to;	   /* CASE_TO_* */
	const char *body;  /* a body field ("reason"), or NULL: the number */
	const char *parent_title;
};

enum { CASE_TAKERS_MAX = 4, CASE_FROM_MAX = 8 };

/* An action is a row: never a branch in a strcmp chain. Write rows with designated
 * initializers ({.name = ..., .from = {...}, ...}): fields left out are zero. */
struct case_action {
	const char *name;		 /* "dispatch" */
	const char *label;		 /* Chinese, for the UI and messages: "派单" */
	const char *from[CASE_FROM_MAX]; /* the states it leaves from; {"*"}: any open state */
	const char *to;			 /* NULL: the state stays; a handler may set x->to */
	struct case_taker takers[CASE_TAKERS_MAX]; /* any one suffices; the list ends at an
						      all-zero row */
	const struct jv_field *body; /* the body's fields (http/validate.h), checked before the
					handler; NULL: none */
	int (*handler)(case_act_ctx *x, err *e); /* the kind's own work; NULL: none */
	const struct case_notice *notice;	 /* sent on success (the handler may change
						    x->notice); NULL: none */
};

struct case_machine {
	const char *kind;	     /* "appeal" */
	const char *prefix;	     /* number prefix: "FX" */
	const char *noun;	     /* Chinese noun for messages: "诉求" → "诉求不存在" */
	const char *const *states;   /* every state, NULL-terminated */
	const char *const *terminal; /* the closed states (no deadlines, no urges),
					NULL-terminated */
	const struct case_action *actions;
	size_t nactions;
	/* What the kind records when the scheduler urges an overdue case (appeals count
	 * it); NULL: nothing beyond the engine's timeline, inbox and audit entries. */
	int (*urged)(store_conn *c, int64_t id, err *e);
	/* The name of the deadline a case nears or has passed, for the scheduler's words
	 * ("处置" → "超过处置时限", "处置超时"): *name a static string, or left NULL for the
	 * engine's own ("签收" for the sign deadline, "办结" for the finish one). NULL: the
	 * engine's own always. */
	int (*deadline_name)(store_conn *c, int64_t id, bool finish, const char **name, err *e);
};

/* Registers a machine (at start-up, before serving; the scheduler reads the registry).
 * Registering a kind again replaces it. */
void case_machine_register(const struct case_machine *m);
/* The machine of a kind, NULL when none is registered. */
const struct case_machine *case_machine_get(const char *kind);
/* The registered machines in order of registration; *n their count. */
const struct case_machine *const *case_machines(size_t *n);
/* Whether status is not one of m's terminal states. */
bool case_state_open(const struct case_machine *m, const char *status);
/* The action named name, NULL when m has none. */
const struct case_action *case_action_find(const struct case_machine *m, const char *name);
/* Whether act leaves from status. */
bool case_action_from(const struct case_machine *m, const struct case_action *act,
		      const char *status);

struct case_act_ctx {
	store_conn *c;
	const actor *who;
	const struct case_machine *m;
	const struct case_action *act;
	case_row *row; /* the case, locked and loaded */
	json_t *body;  /* the request body, checked against act->body; borrowed */
	unsigned rels; /* the caller's relations to the case */
	int64_t now;
	const char *to;	  /* where the case goes: act->to, or what the handler sets */
	const char *note; /* the timeline note; default: the body's note, reason or content */
	json_t *data;	  /* timeline and audit data (the handler may add); owned by the engine;
			     starts with the body's declared non-text fields */
	const struct case_notice *notice; /* act->notice, or what the handler sets */
	void *out;			  /* the kind's own result, passed through */
};

/* Inside a write transaction: takes `action` on case `id` for `who`:
 * locks and loads it; 404 when it is not of m's kind or not visible to who (unless
 * extra_rels carries CASE_REL_CITIZEN); 422 invalid_action for an unknown action (also
 * for an action only a citizen takes when the caller is not one, and the reverse);
 * 403 forbidden when no taker matches (role first: whatever the state); 409 invalid_state
 * when the state is not one it leaves from; 400/422 from the body's declared fields; then
 * the handler, the state change (updated_at), one timeline entry, one audit entry
 * ("<kind>_<action>", with from/to and data) and the notice, in the caller's transaction.
 * A failure leaves the rollback to the caller (store_write rolls the transaction back). */
int case_act(store_conn *c, const actor *who, const struct case_machine *m, int64_t id,
	     const char *action, json_t *body, unsigned extra_rels, void *out, err *e);
/* The actions who may take on r now, as a JSON array of names (for the UI's buttons):
 * those leaving from r's state with a taker who matches, the citizen's own left out.
 * Predicates called from here see an empty context: no connection, no body. */
json_t *case_allowed_actions(const actor *who, const struct case_machine *m, const case_row *r);
/* The caller's relations to r. */
unsigned case_rels_of(const actor *who, const case_row *r);

/* Body fields for handlers, after case_act checked them: a string (NULL when absent,
 * null or blank), an integer (dflt when absent), a boolean (-1 when absent). */
const char *case_body_str(const case_act_ctx *x, const char *key);
int64_t case_body_int(const case_act_ctx *x, const char *key, int64_t dflt);
int case_body_bool(const case_act_ctx *x, const char *key);

/* ---- the common repository ---- */

/* Inside a write transaction, before reading a case to change it: takes the row's lock
 * (PostgreSQL; SQLite's single writer is already exclusive), so two concurrent actions
 * on one case run one after the other and the second sees the first's result. */
int case_lock(store_conn *c, int64_t id, err *e);
/* Loads case id; ERR_NOT_FOUND when missing. No area check. */
int case_load(store_conn *c, int64_t id, case_row *out, err *e);
/* Whether who may see the case: its region or its handling unit lies in who's area. */
bool case_visible(const actor *who, const case_row *r);

/* The next human number, prefix + local date + 6 digits (FX20261128000123). Inside a
 * write transaction. */
int case_number_next(store_conn *c, const char *prefix, int64_t now, char *out, size_t n, err *e);

typedef struct case_new {
	const struct case_machine *machine;
	const char *status; /* the first status */
	int64_t region_id;
	int64_t intake_unit_id;
	const char *title, *content;
	bool urgent;
	int64_t created_by;	  /* 0: a citizen */
	const char *search_extra; /* more text for the full-text index (address), or NULL */
	int64_t at;		  /* the creation time; 0: now */
	/* The region's path when the caller has just read it in the same transaction (saves
	 * case_create reading it again); NULL: read it. */
	const char *region_path;
} case_new;

/* Inside a write transaction: creates the case, its number, its first timeline entry and
 * its search entry. Fills id and number (32 bytes). The kind's own row and the audit
 * entry are the caller's. */
int case_create(store_conn *c, const actor *who, const case_new *in, int64_t *id, char *number,
		err *e);

/* The text a case's search entry indexes: its number, title, content and extra (NULL:
 * none), separated by spaces. A title the content begins with (the intake's title is the
 * content's first words) is left out: its words are in the content already. */
void case_search_text(strbuf *out, const char *number, const char *title, const char *content,
		      const char *extra);

/* Appends a timeline entry (note and data may be NULL; data borrowed). */
int case_timeline_add(store_conn *c, const actor *who, int64_t case_id, const char *action,
		      const char *from, const char *to, const char *note, json_t *data, err *e);
/* The timeline as a JSON array, oldest first. */
int case_timeline_json(store_conn *c, int64_t case_id, json_t **out, err *e);
/* The same array written straight into out (the hot read of one case: no jansson tree;
 * the stored data objects, written by case_timeline_add as compact JSON, copied as they
 * are), in two halves for a reader that reads the case's row in between: the timeline's
 * statement prepared, bound and sent (store_send: on PostgreSQL it goes with the row's
 * statement, one round trip for both; NULL on error), then the array written from it
 * (st is finished either way; store_done drops one not written). */
store_stmt *case_timeline_send(store_conn *c, int64_t case_id, err *e);
int case_timeline_write_sent(store_stmt *st, strbuf *out, err *e);
/* Sets the status (and updated_at). */
int case_set_status(store_conn *c, int64_t case_id, const char *status, int64_t now, err *e);

/* Dispatches to unit_id: a new assignment with these deadlines, the case's handler,
 * dispatched_at and deadlines set, signed/replied times and alerts cleared. */
int case_assign(store_conn *c, int64_t case_id, int64_t unit_id, int64_t now, int64_t sign_due,
		int64_t finish_due, err *e);
/* A new holding unit without an assignment or deadlines (escalation of a dispute to the
 * next level): handler_id/handler_path set, updated_at now. 422 invalid_unit when the
 * unit does not exist. */
int case_set_holder(store_conn *c, int64_t case_id, int64_t unit_id, int64_t now, err *e);

/* A notification in the inbox of a unit (user_id 0) or of a user (unit_id 0). */
int case_notify(store_conn *c, int64_t unit_id, int64_t user_id, int64_t case_id, const char *kind,
		const char *title, const char *body, err *e);

/* Deadline targets for a kind, a policy (appeals: their type) and urgency from the
 * policy table (the kind's row for the policy, else its '*' row) and the calendar, from
 * start. finish_days > 0 (a category's own) overrides the finish target in working days. */
int case_deadlines(store_conn *c, const char *kind, const char *policy, bool urgent,
		   int finish_days, int64_t start, int64_t *sign_due, int64_t *finish_due, err *e);
/* Adds working days to t on the calendar (extensions). */
int case_add_working_days(store_conn *c, int64_t t, int days, int64_t *out, err *e);

/* The working-day calendar as the database holds it now (office hours and overrides), for a
 * kind that times its own steps (grid events); the caller frees it with calendar_free.
 * NULL with e on a database error. */
struct calendar;
struct calendar *case_calendar(store_conn *c, err *e);

/* "none", "warning", "overdue" for an alert level. */
const char *case_alert_word(int level);

#endif
