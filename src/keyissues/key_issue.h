/* 重点问题, key issues (docs/projects.md): one problem, one lead city leader, a lead unit, a
 * plan with milestones, a task force from several units, monthly coordination items, the
 * leader's instructions, a traffic light from the milestones. A case kind on the engine
 * (kind 'key_issue', numbers ZD...); overdue milestones escalate through the scheduler to
 * the lead leader; only the lead leader closes one. */
#ifndef YW_KEY_ISSUE_H
#define YW_KEY_ISSUE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "engine/case.h"
#include "org/actor.h"
#include "store/store.h"

/* Who registers key issues: the supervision office's staff (an office with the
 * 'key_issues' duty), admins, leaders; the development and reform commission from a
 * project's problem. Reads and actions are open to any role and decided per issue. */
#define KI_CREATE_ROLES (ROLE_LEADER | ROLE_ADMIN | ROLE_UNIT_STAFF)
#define KI_READ_ROLES ROLES_ANY

enum { KI_TITLE_MAX = 100, KI_TEXT_MAX = 5000, KI_TASK_FORCE_MAX = 50, KI_MILESTONES_MAX = 50 };

extern const struct case_machine key_issue_machine;

/* The caller's relations to one key issue (passed to the machine's predicates). */
typedef struct ki_rel {
	bool lead;	   /* the lead leader */
	bool member;	   /* on the task force */
	bool office;	   /* the supervision office, or any leader */
	bool in_lead_unit; /* works in the lead unit's subtree */
	bool area;	   /* the lead unit lies in the caller's area */
	bool creator;	   /* registered it */
} ki_rel;

typedef struct ki_input {
	const char *title, *plan;
	int64_t lead_leader_id, lead_unit_id;
	json_t *task_force;	       /* array of user ids, checked at the edge; borrowed */
	json_t *milestones;	       /* [{title, due}], checked at the edge; borrowed */
	int64_t project_id, report_id; /* from a project's problem; 0: none */
} ki_input;

typedef struct ki_filter {
	const char *status, *light, *q;
	int64_t project_id;
	int mine; /* 1: those the caller leads */
} ki_filter;

/* Inside a write transaction: registers a key issue. 403 for a caller who may not, 422
 * when lead_leader_id is not a leader, a task-force user or the lead unit is unknown. */
int ki_create(store_conn *c, const actor *who, const ki_input *in, int64_t *id, err *e);
/* Inside a write transaction: makes the problems of a project's monthly report a key
 * issue, linked both ways; in->title and in->plan default to the project and problem. */
int ki_from_report(store_conn *c, const actor *who, int64_t project_id, int64_t report_id,
		   ki_input *in, int64_t *id, err *e);
/* One key issue as the caller sees it (404 when they may not). */
int ki_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
int ki_list(store_conn *c, const actor *who, const ki_filter *f, int64_t page, int64_t per_page,
	    json_t **items, int64_t *total, err *e);
/* What the caller leads: open ones first, with counts by light. */
int ki_desk(store_conn *c, const actor *who, json_t **out, err *e);
/* People to pick as lead leader (leaders only) or task force: id, name and unit, at most
 * 50, matching q in the name or the unit's name. No phone numbers. */
int ki_people(store_conn *c, const char *q, bool leaders, json_t **out, err *e);
/* Inside a write transaction: an action of the machine. */
int ki_act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body, err *e);
/* Open key issues with an overdue milestone, in who's view (the cockpit): count and the
 * first few. county_id > 0 keeps those whose lead unit lies in that county. */
int ki_overdue(store_conn *c, const actor *who, int64_t county_id, json_t **out, err *e);

/* Internal to the kind: the caller's relations, the next undone milestone's deadline. */
int ki_relations(store_conn *c, const actor *who, int64_t id, ki_rel *rel, err *e);
int ki_reschedule(store_conn *c, int64_t id, err *e);
/* Adds milestones, task force, coordination items, instructions, progress notes, the
 * timeline and the caller's actions to the detail o. */
int ki_detail_extras(store_conn *c, const actor *who, int64_t id, json_t *o, err *e);
/* The local date of now, and of now plus days, as YYYY-MM-DD. */
void ki_local_date(int64_t now, int days, char out[16]);
/* "red", "yellow" or "green" from the counts of undone milestones overdue and due soon. */
const char *ki_light(int64_t overdue, int64_t due_soon);

#endif
