/* 智慧党建 (docs/party.md): party organizations attached to units, members and their
 * development steps, states and transfers, dues, activities with attendance and QR
 * sign-in, quotas, 双报到 wishes and tasks, points. Every function keeps to the actor's
 * area (an org belongs to its attached unit; outside → 404) and audits what it changes. */
#ifndef YW_PARTY_H
#define YW_PARTY_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

enum {
	PARTY_KINDS = 5, /* activity kinds */
	PARTY_NAME_MAX = 100,
	PARTY_TITLE_MAX = 200,
	PARTY_TEXT_MAX = 20000,
	PARTY_ATTEND_MAX = 2000,
	PARTY_TERM_WARN_DAYS = 90,
	PARTY_QR_TTL_S = 600,
};

/* NULL-terminated word lists, in their order (the status chain is in its order). */
extern const char *const party_org_kinds[];
extern const char *const party_activity_kinds[];
extern const char *const party_statuses[];
extern const char *const party_states[];

/* The index of an activity kind, -1 when unknown. */
int party_kind_index(const char *kind);

/* ---- quotas (pure) ---- */

typedef struct party_quota_rule {
	bool quarterly; /* times per quarter; else per month */
	int times;
} party_quota_rule;

/* What months months of a period require of each kind from an org with groups groups (党小组;
 * -1: the org is a group itself), and which kinds fall short: required[k] = times × months
 * (monthly) or times × ceil(months / 3) (quarterly); 党小组会 is required of every group (×
 * groups: none without groups), and a group owes nothing else. Missing bit k set when
 * held[k] < required[k]. Returns the completion 0..1: the sum over kinds of min(held,
 * required) over the sum of required (1 when nothing is required). */
double party_quota_compute(const party_quota_rule rules[PARTY_KINDS], int months, int groups,
			   const int64_t held[PARTY_KINDS], int64_t required[PARTY_KINDS],
			   unsigned *missing);

/* The period [from, to) in epoch ms (China time) of a year and quarter (1..4; 0: the whole
 * year), and its months. */
void party_period(int year, int quarter, int64_t *from, int64_t *to, int *months);
/* The months of a period that have ended by now: all of them for a past period, none for a
 * future one; a quota is owed only for the months behind us. */
int party_months_due(int year, int quarter, int64_t now);

/* ---- the caller ---- */

/* What the party functions know of an actor: its area (an organization department's staff
 * work for the department's region), whether it is the organization department, the org it
 * leads as secretary and its own member record. */
typedef struct party_who {
	actor a; /* the actor with its party area */
	bool dept;
	int64_t lead_org, lead_branch;
	char lead_path[SCOPE_PATH_MAX];
	int64_t member_id, member_org, member_branch;
	char home_path[SCOPE_PATH_MAX]; /* the member's home community (双报到), "" none */
} party_who;

int party_who_load(store_conn *c, const actor *who, party_who *w, err *e);

/* ---- organizations ---- */

/* The tree within the area: [{id,name,kind,parent_id,unit_id,unit_name,secretary_name,
 * committee,term_start,term_end,term_warning,members}] by path. */
int party_org_list(store_conn *c, const party_who *w, json_t **items, err *e);
int party_org_get(store_conn *c, const party_who *w, int64_t id, json_t **out, err *e);
/* Inside a write transaction (body checked at the edge): create / change an org (the
 * organization department or an admin). */
int party_org_create(store_conn *c, const party_who *w, json_t *b, int64_t *id, err *e);
int party_org_update(store_conn *c, const party_who *w, int64_t id, json_t *b, err *e);
/* Orgs whose term ends within PARTY_TERM_WARN_DAYS of now (or has ended). */
int party_term_warnings(store_conn *c, const party_who *w, int64_t now, json_t **items, err *e);
/* The scheduler's task: notifies each org's unit once per term end when it comes within
 * PARTY_TERM_WARN_DAYS. Returns the number notified. */
int party_term_notify(store *s, int64_t now, err *e);

/* ---- members ---- */

int party_member_create(store_conn *c, const party_who *w, json_t *b, int64_t *id, err *e);
/* {status} one step forward (409 otherwise, date optional), {state} normal|mobile|lost,
 * {phone}, {home_unit_id}. */
int party_member_update(store_conn *c, const party_who *w, int64_t id, json_t *b, err *e);
int party_member_transfer(store_conn *c, const party_who *w, int64_t id, int64_t to_org, err *e);
/* The receiving org's secretary (or the department) accepts: the member moves. */
int party_member_accept(store_conn *c, const party_who *w, int64_t id, err *e);
/* The member (personal data masked outside their branch and the department), with steps. */
int party_member_get(store_conn *c, const party_who *w, int64_t id, json_t **out, err *e);
/* Members of org_id's subtree (0: the area), or those transferring in (incoming). */
int party_member_list(store_conn *c, const party_who *w, int64_t org_id, bool incoming,
		      const char *q, int64_t page, int64_t per_page, json_t **items, int64_t *total,
		      err *e);
/* 双报到: the member registers at a home community or village (anywhere in the tree); its
 * wishes and tasks become visible to them. */
int party_member_register_home(store_conn *c, const party_who *w, int64_t member_id,
			       int64_t unit_id, err *e);
/* The logged-in member's page: the member, points, wishes claimed. */
int party_me(store_conn *c, const party_who *w, json_t **out, err *e);

/* ---- dues ---- */

int party_dues_list(store_conn *c, const party_who *w, int64_t org_id, const char *month,
		    json_t **out, err *e);
/* Sets the standard (fen; <0: keep) and paid (1, 0; -1 keep) of a member's month. */
int party_dues_set(store_conn *c, const party_who *w, int64_t member_id, const char *month,
		   int64_t standard_fen, int paid, err *e);

/* ---- activities ---- */

int party_activity_create(store_conn *c, const party_who *w, json_t *b, int64_t *id, err *e);
int party_activity_get(store_conn *c, const party_who *w, int64_t id, json_t **out, err *e);
int party_activity_list(store_conn *c, const party_who *w, int64_t org_id, int year, int64_t page,
			int64_t per_page, json_t **items, int64_t *total, err *e);
/* The secretary records who attended (members of the activity's org subtree); each new
 * attendance earns the kind's points. *added: how many were new. */
int party_attendance_add(store_conn *c, const party_who *w, int64_t id, const int64_t *members,
			 size_t n, int64_t *added, err *e);
/* A new sign-in token for the activity, valid ttl_s seconds. token: 33 bytes. */
int party_activity_qr(store_conn *c, const party_who *w, int64_t id, int64_t ttl_s, char *token,
		      int64_t *expires, err *e);
/* The logged-in member signs in with a token: 404 unknown, 409 expired or twice, 403 not a
 * member of the activity's org. */
int party_checkin(store_conn *c, const party_who *w, const char *token, int64_t *activity_id,
		  err *e);

/* ---- quotas and rules ---- */

int party_quota_rules_load(store_conn *c, party_quota_rule rules[PARTY_KINDS], err *e);
/* {required, held, missing, completion} of org id over a year and quarter (0: year). */
int party_org_quota(store_conn *c, const party_who *w, int64_t id, int year, int quarter,
		    json_t **out, err *e);
/* Branches of the area behind their quota in the period: [{id,name,unit_name,missing,
 * completion}]. */
int party_flagged(store_conn *c, const party_who *w, int year, int quarter, json_t **items, err *e);
int party_rules_get(store_conn *c, json_t **out, err *e);
/* Admin: {quotas:{kind:{period,times}}, points:{source:n}}. */
int party_rules_set(store_conn *c, const party_who *w, json_t *b, err *e);

/* The review metric: the quota completion (0..1) of the branches attached within unit_id's
 * subtree over [from, to) — the mean of each branch's party_quota_compute completion, the
 * period's months counted from its length. *has false when the subtree has no branch. */
int party_metric_quota_completion(store_conn *c, int64_t unit_id, int64_t from, int64_t to,
				  double *out, bool *has, err *e);

/* The same over many units at once (the review metric's grouped form): per branch whose
 * unit's path lies in [lo, hi), fn(ctx, the unit's path, the branch's completion 0..1),
 * the months counted as party_metric_quota_completion counts them. Two queries. */
typedef void (*party_branch_done_fn)(void *ctx, const char *unit_path, double done);
int party_metric_quota_each(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			    party_branch_done_fn fn, void *ctx, err *e);

/* ---- wishes and tasks (双报到) ---- */

int party_wish_create(store_conn *c, const party_who *w, const char *kind, json_t *b, int64_t *id,
		      err *e);
int party_wish_list(store_conn *c, const party_who *w, const char *kind, const char *status,
		    bool mine, int64_t page, int64_t per_page, json_t **items, int64_t *total,
		    err *e);
int party_wish_get(store_conn *c, const party_who *w, const char *kind, int64_t id, json_t **out,
		   err *e);
/* claim (a member with a member record; open → claimed), fulfil (staff of the wish's unit or
 * the secretary of its branch, never the claimer: claimed → fulfilled, points to the
 * claimer). */
int party_wish_act(store_conn *c, const party_who *w, const char *kind, int64_t id,
		   const char *action, err *e);

/* ---- points and figures ---- */

int party_points(store_conn *c, const party_who *w, int64_t org_id, int64_t limit, json_t **items,
		 err *e);
int party_branch_ranking(store_conn *c, const party_who *w, json_t **items, err *e);
/* Per branch of the area for a year: quota completion, attendance rate, dues paid rate,
 * tasks claimed and done. */
int party_stats(store_conn *c, const party_who *w, int year, json_t **items, err *e);

#endif
