/* Dispute statistics (docs/disputes.md, "Statistics"): per mediation unit of the caller's
 * area, by level, by type and by month, and the same as an Excel workbook. */
#ifndef YW_DISPUTE_STATS_H
#define YW_DISPUTE_STATS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

enum { DISPUTE_STATS_MONTHS_MAX = 60 };

/* {"from","to","items":[per unit],"totals":{...},"levels":{"village","township","county"},
 * "by_type":[...],"by_month":[...]} over [from, to) within who's area. */
int dispute_stats(store_conn *c, const actor *who, int64_t from, int64_t to, json_t **out, err *e);

/* For the review metrics, one grouped query each over the path range [lo, hi) and the
 * holds started in [from, to): per holding unit, fn(ctx, unit path, agreed, not agreed
 * (escalated, failed or referred: the success rate's denominator is their sum with
 * agreed)); and per agreement, each(ctx, the dispute's region path, its level). */
int dispute_stats_each_unit(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			    void (*fn)(void *ctx, const char *path, int64_t agreed,
				       int64_t not_agreed),
			    void *ctx, err *e);
int dispute_stats_each_agreement(
	store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
	void (*each)(void *ctx, const char *region_path, const char *level), void *ctx, err *e);

/* The answer of dispute_stats as an .xlsx workbook with Chinese headers (heap buffer). */
int dispute_stats_xlsx(const json_t *stats, char **data, size_t *len, err *e);

#endif
