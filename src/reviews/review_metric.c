/* The metric registry (review_metric.h): rows registered at start-up, read by every
 * request afterwards (no lock: registration ends before the server starts). */
#include "reviews/review_metric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { METRICS_MAX = 128 };

static const struct review_metric *registry[METRICS_MAX];
static size_t registered;

void reviews_metrics_register(const struct review_metric *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (reviews_metric_find(rows[i].name) || registered == METRICS_MAX)
			continue;
		registry[registered++] = &rows[i];
	}
}

const struct review_metric *reviews_metric_find(const char *name)
{
	for (size_t i = 0; name && i < registered; i++)
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	return NULL;
}

size_t reviews_metric_count(void)
{
	return registered;
}

const struct review_metric *reviews_metric_at(size_t i)
{
	return i < registered ? registry[i] : NULL;
}

static int by_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct review_metric_unit *)elem)->path);
}

/* A path names its ancestors by its prefixes ending in '/': "/1/5/23/" holds "/1/",
 * "/1/5/" and itself. Each is looked up among the units (sorted by path). Units may
 * repeat a path only if the same unit is listed twice, which the callers do not do. */
void review_units_each_owner(struct review_metric_unit *units, size_t n, const char *path,
			     void (*fn)(struct review_metric_unit *u, void *ctx), void *ctx)
{
	char prefix[SCOPE_PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof prefix)
		return;
	for (size_t i = 1; i < len; i++) {
		if (path[i] != '/')
			continue;
		memcpy(prefix, path, i + 1);
		prefix[i + 1] = 0;
		struct review_metric_unit *u = bsearch(prefix, units, n, sizeof *units, by_path);
		if (u)
			fn(u, ctx);
	}
}

struct add_ctx {
	double num, den;
};

static void add_one(struct review_metric_unit *u, void *ctx)
{
	const struct add_ctx *a = ctx;
	u->num += a->num;
	u->den += a->den;
}

void review_units_add(struct review_metric_unit *units, size_t n, const char *path, double num,
		      double den)
{
	struct add_ctx a = {num, den};
	review_units_each_owner(units, n, path, add_one, &a);
}

void review_units_rate(struct review_metric_unit *units, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		units[i].has_value = units[i].den > 0;
		units[i].value = units[i].has_value ? 100.0 * units[i].num / units[i].den : 0;
	}
}

void review_units_count(struct review_metric_unit *units, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		units[i].has_value = true;
		units[i].value = units[i].num;
	}
}

void review_units_range(const struct review_metric_unit *units, size_t n, char *lo, char *hi)
{
	/* From the first path to the largest upper bound: one range over every subtree (a
	 * unit that holds another has the larger bound, so take the largest of them all). */
	snprintf(lo, SCOPE_PATH_MAX, "%s", n ? units[0].path : "/");
	scope_upper(n ? units[0].path : "/", hi, SCOPE_PATH_MAX);
	for (size_t i = 1; i < n; i++) {
		char h[SCOPE_PATH_MAX];
		scope_upper(units[i].path, h, sizeof h);
		if (strcmp(h, hi) > 0)
			snprintf(hi, SCOPE_PATH_MAX, "%s", h);
	}
}

/* The memo of the card being built on this thread: a short list (one entry per platform
 * whose metrics share a query). */
struct memo {
	const void *owner;
	int64_t from, to;
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	void *data;
	void (*free_fn)(void *);
	struct memo *next;
};

static _Thread_local struct memo *memos;
static _Thread_local bool memo_on;

void review_metric_memo_begin(void)
{
	memo_on = true;
}

void review_metric_memo_end(void)
{
	while (memos) {
		struct memo *m = memos;
		memos = m->next;
		m->free_fn(m->data);
		free(m);
	}
	memo_on = false;
}

void *review_metric_memo_get(const void *owner, int64_t from, int64_t to, const char *lo,
			     const char *hi)
{
	for (struct memo *m = memos; memo_on && m; m = m->next)
		if (m->owner == owner && m->from == from && m->to == to && !strcmp(m->lo, lo) &&
		    !strcmp(m->hi, hi))
			return m->data;
	return NULL;
}

void review_metric_memo_put(const void *owner, int64_t from, int64_t to, const char *lo,
			    const char *hi, void *data, void (*free_fn)(void *))
{
	if (!memo_on) {
		free_fn(data);
		return;
	}
	struct memo *m = calloc(1, sizeof *m);
	if (!m) {
		free_fn(data);
		return;
	}
	*m = (struct memo){.owner = owner,
			   .from = from,
			   .to = to,
			   .data = data,
			   .free_fn = free_fn,
			   .next = memos};
	snprintf(m->lo, sizeof m->lo, "%s", lo);
	snprintf(m->hi, sizeof m->hi, "%s", hi);
	memos = m;
}
