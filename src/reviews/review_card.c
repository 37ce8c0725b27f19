/* Loading schemes and periods, and building a card: for a draft, every computed
 * indicator's metric fills the column of all the card's units with one call (one grouped
 * query), the entered values are read in one query, and the scores, totals, ranks and
 * grades follow (review_score.c); a closed card is read back as frozen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "reviews/review_internal.h"
#include "reviews/review_metric.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void rule_from(rv_indicator *x, const char *rule)
{
	x->rule.rule = (enum review_rule)review_rule_parse(rule);
	x->rule.lower_better = !strcmp(x->direction, "lower");
	x->rule.nbands = 0;
	size_t i;
	json_t *b;
	json_array_foreach(x->bands, i, b)
	{
		if (x->rule.nbands == REVIEW_BANDS_MAX)
			break;
		x->rule.bands[x->rule.nbands].at = json_number_value(json_object_get(b, "at"));
		x->rule.bands[x->rule.nbands++].score =
			json_number_value(json_object_get(b, "score"));
	}
}

static int load_indicators(store_conn *c, rv_scheme *s, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT id, name, source, metric, assessing_unit_id, weight, direction, rule, bands"
		" FROM review_indicators WHERE scheme_id = ? ORDER BY sort, id",
		e);
	if (!st)
		return -1;
	store_bindf(st, "i", s->id);
	size_t cap = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (s->ni == cap) {
			cap = cap ? 2 * cap : 8;
			s->ind = xrealloc(s->ind, cap * sizeof *s->ind);
		}
		rv_indicator *x = &s->ind[s->ni++];
		memset(x, 0, sizeof *x);
		x->id = store_col_int(st, 0);
		copy(x->name, sizeof x->name, store_col_text(st, 1));
		copy(x->source, sizeof x->source, store_col_text(st, 2));
		copy(x->metric, sizeof x->metric, store_col_text(st, 3));
		x->assessing_unit_id = store_col_int(st, 4);
		x->weight = store_col_double(st, 5);
		copy(x->direction, sizeof x->direction, store_col_text(st, 6));
		if (!store_col_null(st, 8))
			x->bands = json_loads(store_col_text(st, 8), 0, NULL);
		rule_from(x, store_col_text(st, 7));
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

int rv_scheme_load(store_conn *c, int64_t id, rv_scheme *s, err *e)
{
	memset(s, 0, sizeof *s);
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT id, name, cadence, custom_periods, unit_id, unit_kind,"
				 " unit_parent_id, grades FROM review_schemes WHERE id = ?",
				 "i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "考核方案不存在");
	s->id = store_col_int(st, 0);
	copy(s->name, sizeof s->name, store_col_text(st, 1));
	copy(s->cadence, sizeof s->cadence, store_col_text(st, 2));
	if (!store_col_null(st, 3))
		s->custom_periods = json_loads(store_col_text(st, 3), 0, NULL);
	s->unit_id = store_col_int(st, 4);
	copy(s->unit_kind, sizeof s->unit_kind, store_col_text(st, 5));
	s->unit_parent_id = store_col_int(st, 6);
	json_t *g = json_loads(store_col_text(st, 7), 0, NULL);
	for (int i = 0; i < REVIEW_GRADES; i++)
		s->grades[i] = json_number_value(json_array_get(g, (size_t)i));
	json_decref(g);
	store_done(st);
	return load_indicators(c, s, e);
}

void rv_scheme_free(rv_scheme *s)
{
	for (size_t i = 0; i < s->ni; i++)
		json_decref(s->ind[i].bands);
	free(s->ind);
	json_decref(s->custom_periods);
	memset(s, 0, sizeof *s);
}

int rv_period_load(store_conn *c, int64_t id, rv_period *p, err *e)
{
	memset(p, 0, sizeof *p);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT id, scheme_id, period_key, status, from_at, to_at, closed_at,"
		" host_proposal_id, host_unit_id, host_confirmed_at"
		" FROM review_periods WHERE id = ?",
		"i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "考核期不存在");
	p->id = store_col_int(st, 0);
	p->scheme_id = store_col_int(st, 1);
	copy(p->key, sizeof p->key, store_col_text(st, 2));
	copy(p->status, sizeof p->status, store_col_text(st, 3));
	p->from = store_col_int(st, 4);
	p->to = store_col_int(st, 5);
	p->closed_at = store_col_int(st, 6);
	p->host_proposal_id = store_col_int(st, 7);
	p->host_unit_id = store_col_int(st, 8);
	p->host_confirmed_at = store_col_int(st, 9);
	store_done(st);
	return 0;
}

void rv_unit_name(store_conn *c, int64_t id, char *out, size_t n)
{
	store_stmt *st;
	err e = {0};
	out[0] = 0;
	if (id &&
	    store_query_row(c, &st, &e, "SELECT name FROM units WHERE id = ?", "i", id) == 1) {
		copy(out, n, store_col_text(st, 0));
		store_done(st);
	}
}

static void card_alloc(rv_card *k, size_t nu, size_t ni)
{
	k->nu = nu;
	k->ni = ni;
	size_t cells = nu * ni > 0 ? nu * ni : 1;
	k->raw = xcalloc(cells, sizeof *k->raw);
	k->score = xcalloc(cells, sizeof *k->score);
	k->has = xcalloc(cells, sizeof *k->has);
	k->total = xcalloc(nu ? nu : 1, sizeof *k->total);
	k->rank = xcalloc(nu ? nu : 1, sizeof *k->rank);
	k->grade = xcalloc(nu ? nu : 1, sizeof *k->grade);
}

/* The card's units (ordered by path) with, for a closed card, its frozen totals. */
static int load_units(store_conn *c, const rv_period *p, size_t ni, rv_card *k, err *e)
{
	store_stmt *st =
		store_prepare(c,
			      "SELECT r.unit_id, u.name, u.path, r.total, r.rank_no, r.grade"
			      " FROM review_cards r JOIN units u ON u.id = r.unit_id"
			      " WHERE r.period_id = ? ORDER BY u.path",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "i", p->id);
	size_t cap = 0, n = 0;
	int rc;
	double *total = NULL;
	int *rank = NULL;
	char(*grade)[2] = NULL;
	while ((rc = store_step(st, e)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			k->unit_id = xrealloc(k->unit_id, cap * sizeof *k->unit_id);
			k->name = xrealloc(k->name, cap * sizeof *k->name);
			k->path = xrealloc(k->path, cap * sizeof *k->path);
			total = xrealloc(total, cap * sizeof *total);
			rank = xrealloc(rank, cap * sizeof *rank);
			grade = xrealloc(grade, cap * sizeof *grade);
		}
		k->unit_id[n] = store_col_int(st, 0);
		copy(k->name[n], sizeof k->name[n], store_col_text(st, 1));
		copy(k->path[n], sizeof k->path[n], store_col_text(st, 2));
		total[n] = store_col_double(st, 3);
		rank[n] = (int)store_col_int(st, 4);
		grade[n][0] = store_col_text(st, 5)[0];
		grade[n][1] = 0;
		n++;
	}
	store_done(st);
	if (rc == 0) {
		card_alloc(k, n, ni);
		for (size_t u = 0; u < n; u++) {
			k->total[u] = total[u];
			k->rank[u] = rank[u];
			static const char *const g[] = {"A", "B", "C", "D", "E"};
			k->grade[u] = grade[u][0] >= 'A' && grade[u][0] <= 'E'
					      ? g[grade[u][0] - 'A']
					      : "E";
		}
	}
	free(total);
	free(rank);
	free(grade);
	return rc < 0 ? -1 : 0;
}

static size_t unit_index(const rv_card *k, int64_t unit_id)
{
	for (size_t u = 0; u < k->nu; u++)
		if (k->unit_id[u] == unit_id)
			return u;
	return (size_t)-1;
}

static size_t ind_index(const rv_scheme *s, int64_t id)
{
	for (size_t j = 0; j < s->ni; j++)
		if (s->ind[j].id == id)
			return j;
	return (size_t)-1;
}

/* One computed column: the metric over all the card's units at once. */
static int compute_column(store_conn *c, const rv_period *p, const rv_indicator *x, size_t j,
			  rv_card *k, err *e)
{
	const struct review_metric *m = reviews_metric_find(x->metric);
	if (!m || !k->nu)
		return 0; /* a platform not there yet contributes nothing */
	struct review_metric_unit *mu = xcalloc(k->nu, sizeof *mu);
	for (size_t u = 0; u < k->nu; u++) {
		mu[u].unit_id = k->unit_id[u];
		copy(mu[u].path, sizeof mu[u].path, k->path[u]);
	}
	/* The card's units come ordered by path from the database; the registry's helpers
	 * need strcmp order, which is that of SQLite and of PostgreSQL's COLLATE "C". */
	int rc = m->compute(c, p->from, p->to, mu, k->nu, e);
	for (size_t u = 0; rc == 0 && u < k->nu; u++) {
		k->has[u * k->ni + j] = mu[u].has_value;
		k->raw[u * k->ni + j] = mu[u].has_value ? review_round2(mu[u].value) : 0;
	}
	free(mu);
	return rc;
}

static int entered_values(store_conn *c, const rv_scheme *s, const rv_period *p, rv_card *k, err *e)
{
	store_stmt *st = store_prepare(
		c, "SELECT unit_id, indicator_id, value FROM review_values WHERE period_id = ?", e);
	if (!st)
		return -1;
	store_bindf(st, "i", p->id);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		size_t u = unit_index(k, store_col_int(st, 0)),
		       j = ind_index(s, store_col_int(st, 1));
		if (u == (size_t)-1 || j == (size_t)-1 || strcmp(s->ind[j].source, "entered"))
			continue;
		k->has[u * k->ni + j] = true;
		k->raw[u * k->ni + j] = store_col_double(st, 2);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

/* Scores per column, totals, ranks, grades and the best unit. */
static void score_card(const rv_scheme *s, rv_card *k)
{
	size_t nu = k->nu, ni = k->ni;
	double *col = xcalloc(nu ? nu : 1, sizeof *col), *sc = xcalloc(nu ? nu : 1, sizeof *sc);
	bool *has = xcalloc(nu ? nu : 1, sizeof *has);
	for (size_t j = 0; j < ni; j++) {
		for (size_t u = 0; u < nu; u++) {
			col[u] = k->raw[u * ni + j];
			has[u] = k->has[u * ni + j];
		}
		review_score_column(&s->ind[j].rule, col, has, nu, sc);
		for (size_t u = 0; u < nu; u++)
			k->score[u * ni + j] = sc[u];
	}
	double *w = xcalloc(ni ? ni : 1, sizeof *w);
	/* A column without any value (a platform with no data for the period, or a value
	 * nobody entered yet) takes no part in the totals: the others' weights carry them. */
	for (size_t j = 0; j < ni; j++) {
		bool any = false;
		for (size_t u = 0; u < nu && !any; u++)
			any = k->has[u * ni + j];
		w[j] = any ? s->ind[j].weight : 0;
	}
	for (size_t u = 0; u < nu; u++)
		k->total[u] = review_total(&k->score[u * ni], w, ni);
	review_rank(k->total, nu, k->rank);
	for (size_t u = 0; u < nu; u++) {
		k->grade[u] = review_grade(k->total[u], s->grades);
		if (k->rank[u] == 1 && !k->best)
			k->best = k->unit_id[u];
	}
	free(w);
	free(col);
	free(sc);
	free(has);
}

static int frozen_cells(store_conn *c, const rv_scheme *s, const rv_period *p, rv_card *k, err *e)
{
	store_stmt *st = store_prepare(
		c, "SELECT unit_id, indicator_id, raw, score FROM review_cells WHERE period_id = ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "i", p->id);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		size_t u = unit_index(k, store_col_int(st, 0)),
		       j = ind_index(s, store_col_int(st, 1));
		if (u == (size_t)-1 || j == (size_t)-1)
			continue;
		k->has[u * k->ni + j] = !store_col_null(st, 2);
		k->raw[u * k->ni + j] = store_col_double(st, 2);
		k->score[u * k->ni + j] = store_col_double(st, 3);
	}
	store_done(st);
	k->best = p->host_proposal_id;
	return rc < 0 ? -1 : 0;
}

int rv_card_build(store_conn *c, const rv_scheme *s, const rv_period *p, rv_card *k, err *e)
{
	memset(k, 0, sizeof *k);
	if (load_units(c, p, s->ni, k, e) < 0)
		return -1;
	if (!strcmp(p->status, "closed"))
		return frozen_cells(c, s, p, k, e);
	/* The metrics of one platform share their query within this build. */
	review_metric_memo_begin();
	int rc = 0;
	for (size_t j = 0; rc == 0 && j < s->ni; j++)
		if (!strcmp(s->ind[j].source, "computed"))
			rc = compute_column(c, p, &s->ind[j], j, k, e);
	review_metric_memo_end();
	if (rc < 0)
		return -1;
	if (entered_values(c, s, p, k, e) < 0)
		return -1;
	score_card(s, k);
	return 0;
}

void rv_card_free(rv_card *k)
{
	free(k->unit_id);
	free(k->name);
	free(k->path);
	free(k->raw);
	free(k->score);
	free(k->has);
	free(k->total);
	free(k->rank);
	free(k->grade);
	memset(k, 0, sizeof *k);
}
