/* Appeals (诉求): one queue for every hotline and channel, on the case engine. Intake,
 * the lifecycle of CONTRACT.md's action table, routing suggestions, duplicates, masking of
 * personal data, search and the citizen's own view. */
#ifndef YW_APPEAL_H
#define YW_APPEAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "engine/case.h"
#include "org/actor.h"
#include "store/store.h"

/* Who has business with appeals: reads them and takes actions (each action then names its
 * own takers). Deputies, grid members and mediators do not read appeals. */
#define APPEAL_ROLES (ROLE_AGENT | ROLE_LEADER | ROLE_UNIT_STAFF | ROLE_ADMIN)

/* The appeal's state machine (registered by platforms_register). */
extern const struct case_machine appeal_machine;

enum {
	APPEAL_CONTENT_MAX = 4000,
	APPEAL_TITLE_MAX = 100,
	APPEAL_NAME_MAX = 50,
	APPEAL_PHONE_MAX = 20,
	APPEAL_ADDRESS_MAX = 200,
	APPEAL_NOTE_MAX = 2000,
};

bool appeal_channel_valid(const char *channel);
bool appeal_type_valid(const char *type);
bool appeal_satisfaction_valid(const char *s);
bool appeal_status_valid(const char *s);

typedef struct appeal_input {
	const char *content, *title, *channel, *type;
	int64_t category_id; /* 0: none */
	const char *contact_name, *contact_phone, *address, *region_code;
	bool has_coords;
	double lat, lon;
	int64_t region_id; /* 0: from region_code, else the intake unit's region */
	bool urgent, anonymous;
	const char *attributes; /* JSON text (Open311 attributes), or NULL */
} appeal_input;

/* What intake learnt while taking an appeal in, enough to answer with the appeal without
 * reading it back. */
typedef struct appeal_intake_info {
	int64_t id;
	char number[32];
	int64_t created_at;
	char title[APPEAL_TITLE_MAX * 4 + 4];
	int64_t region_id, intake_unit_id;
	char region_name[128], region_kind[16], region_path[SCOPE_PATH_MAX];
	char intake_unit_name[128];
	char category_name[128], category_code[40];
} appeal_intake_info;

/* Inside a write transaction: takes in an appeal. who is an agent, or NULL for a citizen
 * (who then names the client address in ip). Fills info (id, number, ...). */
int appeal_intake(store_conn *c, const actor *who, const char *citizen_ip, const appeal_input *in,
		  appeal_intake_info *info, err *e);
/* The new appeal as appeal_get_json writes it (without the timeline), from what intake
 * learnt. */
void appeal_intake_json(const actor *who, const appeal_input *in, const appeal_intake_info *info,
			strbuf *out);

/* Inside a write transaction: takes the action the body names ({"action": "dispatch", ...})
 * as the table in docs/api-appeals.md says, through case_act. 404 outside who's area, 403
 * wrong role or unit, 409 wrong state, 422 bad input. */
int appeal_act(store_conn *c, const actor *who, int64_t id, json_t *body, err *e);

/* The citizen's rating in status revisit (by number and phone): closes the appeal. */
int appeal_citizen_rate(store_conn *c, const char *number, const char *phone,
			const char *satisfaction, const char *ip, err *e);

/* The appeal as JSON for who (masking applied), with timeline when full: written into out,
 * or as a jansson tree. */
int appeal_get_json(store_conn *c, const actor *who, int64_t id, bool full, strbuf *out, err *e);
/* appeal_get_json in two steps, for a caller that has a statement of its own to step in
 * between (the GET's authentication): appeal_read_send sends the appeal's reads (on
 * PostgreSQL they travel with the next statement stepped: one round trip), and
 * appeal_read_json writes the answer from them as appeal_get_json does. appeal_read_json
 * takes the reads over; appeal_read_drop drops reads never written (safe twice). */
typedef struct appeal_read {
	store_stmt *row, *timeline; /* timeline NULL: not full */
} appeal_read;
int appeal_read_send(store_conn *c, int64_t id, bool full, appeal_read *ar, err *e);
int appeal_read_json(store_conn *c, const actor *who, appeal_read *ar, strbuf *out, err *e);
void appeal_read_drop(appeal_read *ar);
int appeal_get(store_conn *c, const actor *who, int64_t id, bool full, json_t **out, err *e);
/* The citizen's view by number and phone; ERR_NOT_FOUND when they don't match. */
int appeal_public_get(store_conn *c, const char *number, const char *phone, json_t **out, err *e);

typedef struct appeal_filter {
	const char *statuses; /* comma list */
	int64_t unit_id;      /* handled by that unit's subtree */
	const char *channel, *type, *q, *phone;
	int64_t category_id;
	int64_t from, to; /* created_at range, 0: open */
	bool overdue, urgent;
	bool by_deadline; /* sort by deadline instead of newest first */
} appeal_filter;

/* The most a list counts: past it, total is the cap and total_capped true. */
enum { APPEAL_LIST_TOTAL_CAP = 10000 };
/* The same for a search (q=): its matches are tested one by one, newest first. */
enum { APPEAL_SEARCH_TOTAL_CAP = 1000 };

/* One page of appeals within who's area as the list answer {items, total, total_capped,
 * page, per_page}: total counts the matching appeals up to APPEAL_LIST_TOTAL_CAP; when
 * more match, total is the cap and total_capped is true (the list shows "10000+"). */
int appeal_list(store_conn *c, store *s, const actor *who, const appeal_filter *f, int64_t page,
		int64_t per_page, strbuf *out, err *e);

/* The list's area tables (appeal_area and its counters, migration 021) against a recount
 * from the cases' paths: *wrong is the number of rows that differ (0 when exact). yiwang
 * check. */
int appeal_area_verify(store *s, store_conn *c, int64_t *wrong, err *e);

/* Rebuilds those tables from the cases (yiwang rollup rebuild), in the caller's
 * transaction. */
int appeal_area_rebuild(store *s, store_conn *c, err *e);

/* The statements that find an appeal's possible duplicates, each binding a key and the
 * appeal's own id: the same phone (appeals_phone), the same title (cases_title). */
extern const char *const appeal_duplicate_finders[2];

/* The handling unit the routing rules propose for a category and region, 0 when none. */
int appeal_suggest_unit(store_conn *c, int64_t category_id, int64_t region_id, int64_t *unit_id,
			err *e);

#endif
