#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "core/mem.h"

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				0.05,	0.1,   0.25,   0.5,   1.0,  2.5};
enum { NB = sizeof bounds / sizeof bounds[0], CLASSES = 5 };

typedef struct slot {
	atomic_uint_fast64_t by_class[CLASSES]; /* 1xx..5xx */
	atomic_uint_fast64_t bucket[NB + 1];
	atomic_uint_fast64_t sum_ns;
	atomic_uint_fast64_t count;
} slot;

struct metrics {
	const router *rt;
	size_t nslots;
	slot *slots;
	atomic_int open_connections;
	atomic_uint_fast64_t cache_hits, cache_misses;
};

metrics *metrics_new(const router *rt)
{
	metrics *m = xcalloc(1, sizeof *m);
	m->rt = rt;
	m->nslots = router_count(rt) + 2;
	m->slots = xcalloc(m->nslots, sizeof *m->slots);
	return m;
}

void metrics_free(metrics *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

void metrics_record(metrics *m, int route_index, int status, int64_t ns)
{
	size_t i = route_index >= 0 ? (size_t)route_index
				    : router_count(m->rt) + (size_t)(-route_index - 1);
	if (i >= m->nslots)
		return;
	slot *s = &m->slots[i];
	int cls = status / 100 - 1;
	if (cls < 0 || cls >= CLASSES)
		cls = CLASSES - 1;
	atomic_fetch_add_explicit(&s->by_class[cls], 1, memory_order_relaxed);
	double secs = (double)ns / 1e9;
	int b = 0;
	while (b < NB && secs > bounds[b])
		b++;
	atomic_fetch_add_explicit(&s->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_ns, (uint64_t)(ns > 0 ? ns : 0), memory_order_relaxed);
	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

void metrics_connection(metrics *m, int delta)
{
	atomic_fetch_add_explicit(&m->open_connections, delta, memory_order_relaxed);
}

void metrics_read_cache(metrics *m, bool hit)
{
	atomic_fetch_add_explicit(hit ? &m->cache_hits : &m->cache_misses, 1, memory_order_relaxed);
}

static void labels(metrics *m, size_t i, const char **route, const char **method)
{
	size_t n = router_count(m->rt);
	if (i < n) {
		*route = router_at(m->rt, i)->pattern;
		*method = router_at(m->rt, i)->method;
	} else {
		*route = i == n ? "static" : "unmatched";
		*method = "any";
	}
}

void metrics_render(metrics *m, const store *s, strbuf *out)
{
	strbuf_adds(
		out,
		"# HELP yiwang_http_requests_total Requests answered, by route and status class.\n"
		"# TYPE yiwang_http_requests_total counter\n");
	for (size_t i = 0; i < m->nslots; i++) {
		const char *route, *method;
		labels(m, i, &route, &method);
		for (int c = 0; c < CLASSES; c++) {
			uint64_t v = atomic_load_explicit(&m->slots[i].by_class[c],
							  memory_order_relaxed);
			if (v)
				strbuf_addf(out,
					    "yiwang_http_requests_total{route=\"%s\",method=\"%s\","
					    "code=\"%dxx\"} %llu\n",
					    route, method, c + 1, (unsigned long long)v);
		}
	}
	strbuf_adds(out,
		    "# HELP yiwang_http_request_duration_seconds Time from request to response.\n"
		    "# TYPE yiwang_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < m->nslots; i++) {
		slot *sl = &m->slots[i];
		uint64_t count = atomic_load_explicit(&sl->count, memory_order_relaxed);
		if (!count)
			continue;
		const char *route, *method;
		labels(m, i, &route, &method);
		uint64_t cum = 0;
		for (int b = 0; b <= NB; b++) {
			cum += atomic_load_explicit(&sl->bucket[b], memory_order_relaxed);
			if (b < NB)
				strbuf_addf(out,
					    "yiwang_http_request_duration_seconds_bucket{route=\"%"
					    "s\",method=\"%s\",le=\"%g\"} %llu\n",
					    route, method, bounds[b], (unsigned long long)cum);
			else
				strbuf_addf(out,
					    "yiwang_http_request_duration_seconds_bucket{route=\"%"
					    "s\",method=\"%s\",le=\"+Inf\"} %llu\n",
					    route, method, (unsigned long long)cum);
		}
		strbuf_addf(out,
			    "yiwang_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} "
			    "%.6f\n"
			    "yiwang_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"}"
			    " %llu\n",
			    route, method,
			    (double)atomic_load_explicit(&sl->sum_ns, memory_order_relaxed) / 1e9,
			    route, method, (unsigned long long)count);
	}
	strbuf_addf(
		out,
		"# HELP yiwang_db_seconds_total Time spent in the database.\n"
		"# TYPE yiwang_db_seconds_total counter\n"
		"yiwang_db_seconds_total %.6f\n"
		"# HELP yiwang_db_calls_total Statements and commits run.\n"
		"# TYPE yiwang_db_calls_total counter\n"
		"yiwang_db_calls_total %llu\n"
		"# HELP yiwang_http_connections_open Client connections open now.\n"
		"# TYPE yiwang_http_connections_open gauge\n"
		"yiwang_http_connections_open %d\n"
		"# HELP yiwang_read_cache_hits_total Reads answered from the read cache.\n"
		"# TYPE yiwang_read_cache_hits_total counter\n"
		"yiwang_read_cache_hits_total %llu\n"
		"# HELP yiwang_read_cache_misses_total Reads the read cache could not answer.\n"
		"# TYPE yiwang_read_cache_misses_total counter\n"
		"yiwang_read_cache_misses_total %llu\n",
		(double)store_db_ns(s) / 1e9, (unsigned long long)store_db_calls(s),
		atomic_load_explicit(&m->open_connections, memory_order_relaxed),
		(unsigned long long)atomic_load_explicit(&m->cache_hits, memory_order_relaxed),
		(unsigned long long)atomic_load_explicit(&m->cache_misses, memory_order_relaxed));
}
