/* What the reviews' files share: a scheme and a card loaded into memory. */
#ifndef YW_REVIEW_INTERNAL_H
#define YW_REVIEW_INTERNAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "reviews/review_score.h"
#include "store/store.h"

typedef struct rv_indicator {
	int64_t id;
	char name[256];
	char source[16];
	char metric[64];
	int64_t assessing_unit_id;
	double weight;
	char direction[8];
	struct review_rule_def rule;
	json_t *bands; /* owned, NULL when none */
} rv_indicator;

typedef struct rv_scheme {
	int64_t id;
	char name[256];
	char cadence[16];
	json_t *custom_periods; /* owned, NULL when none */
	int64_t unit_id;	/* the organizer unit */
	char unit_kind[16];
	int64_t unit_parent_id;
	double grades[REVIEW_GRADES];
	size_t ni;
	rv_indicator *ind;
} rv_scheme;

typedef struct rv_period {
	int64_t id, scheme_id;
	char key[32];
	char status[8];
	int64_t from, to, closed_at;
	int64_t host_proposal_id, host_unit_id, host_confirmed_at;
} rv_period;

/* A card: nu units × ni indicators; cell (u, j) at u * ni + j. */
typedef struct rv_card {
	size_t nu, ni;
	int64_t *unit_id;
	char (*name)[256];
	char (*path)[SCOPE_PATH_MAX];
	double *raw, *score;
	bool *has;
	double *total;
	int *rank;
	const char **grade;
	int64_t best; /* the unit proposed as host, 0 when no unit */
} rv_card;

int rv_scheme_load(store_conn *c, int64_t id, rv_scheme *s, err *e);
void rv_scheme_free(rv_scheme *s);
int rv_period_load(store_conn *c, int64_t id, rv_period *p, err *e);
/* Whether who organizes s: an admin, or staff of its organizer unit. */
bool rv_organizes(const actor *who, const rv_scheme *s);
/* Whether who sees s (404 otherwise). */
int rv_scheme_visible(store_conn *c, const actor *who, const rv_scheme *s, bool *yes, err *e);
/* The card of period p: computed (draft) or read as frozen (closed). */
int rv_card_build(store_conn *c, const rv_scheme *s, const rv_period *p, rv_card *k, err *e);
void rv_card_free(rv_card *k);
/* The unit's name, "" when none. */
void rv_unit_name(store_conn *c, int64_t id, char *out, size_t n);

#endif
