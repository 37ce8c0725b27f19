/* Shared inside src/party/ only: an org as the rules need it, area and permission helpers,
 * column readers. */
#ifndef YW_PARTY_INTERNAL_H
#define YW_PARTY_INTERNAL_H
#include "party/party.h"

typedef struct party_org {
	int64_t id, branch_id, unit_id, parent_id, secretary_user_id;
	char kind[20];
	char path[SCOPE_PATH_MAX];
	char unit_path[SCOPE_PATH_MAX];
	char name[200];
} party_org;

/* The upper bound of w's area. */
void party_area(const party_who *w, char *hi, size_t n);
/* An org within w's area; 404 otherwise. */
int party_org_load(store_conn *c, const party_who *w, int64_t id, party_org *o, err *e);
/* Whether w runs o: the department, an admin of its unit, the secretary of o or an org
 * above it. */
bool party_manages(const party_who *w, const party_org *o);
int party_require_manage(const party_who *w, const party_org *o, err *e);
/* Whether w sees the personal data of a member of branch (or of user_id, themselves). */
bool party_sees_personal(const party_who *w, int64_t branch, int64_t user_id);
/* The first instant of a month in China time (month may run past 12). */
int64_t party_month_start(int year, int month);

/* The year's quota completion of each branch of w's area, keyed by the branch id as text
 * (the months of the year up to now when the year is the current one). */
int party_branch_completions(store_conn *c, const party_who *w, int year, json_t **by_id, err *e);

json_t *party_time(store_stmt *st, int col);
json_t *party_text_or_null(store_stmt *st, int col);
json_t *party_int_or_null(store_stmt *st, int col);
/* Body values checked at the edge: a time (0 when absent), a string, an integer. */
int64_t party_body_time(json_t *b, const char *key);
const char *party_body_str(json_t *b, const char *key);
int64_t party_body_int(json_t *b, const char *key);

#endif
