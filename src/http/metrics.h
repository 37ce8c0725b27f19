/* Request counters and latency histograms per route, kept with atomics so the hot path
 * takes no lock; rendered in Prometheus text format at /metrics. */
#ifndef YW_METRICS_H
#define YW_METRICS_H
#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "http/router.h"
#include "store/store.h"

typedef struct metrics metrics;

/* Slots for every route of rt plus "static" and "unmatched". */
metrics *metrics_new(const router *rt);
void metrics_free(metrics *m);
/* route_index -1: static file or page; -2: no route matched. */
void metrics_record(metrics *m, int route_index, int status, int64_t ns);
void metrics_connection(metrics *m, int delta);
/* A read of a ROUTE_CACHED route with the read cache on: answered from it (hit) or not. */
void metrics_read_cache(metrics *m, bool hit);
void metrics_render(metrics *m, const store *s, strbuf *out);

#endif
