/* The form body and the query parameters, as "query string\nbody": the body goes through
 * http_form_each (application/x-www-form-urlencoded, Open311's POST) and is compared with
 * a decoder written here from http.h's rules; the query's values go through the integer
 * and paging parameters (http_query_int, http_paging) and the statistics period
 * (appeal_stats_period). libmicrohttpd splits and unescapes the query string itself: this
 * harness stands in for its two lookups (MHD_lookup_connection_value,
 * MHD_get_connection_values) with a plain split, so that our parsing of the values gets
 * the fuzzer's bytes. A body is also sniffed as a photo (lv_photo_type). */
#include "fuzz.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdbool.h>

#include "appeals/appeal_stats.h"
#include "http/http.h"
#include "livelihood/livelihood.h"

enum { MAXQ = 64 };
static char *qname[MAXQ], *qvalue[MAXQ];
static int nq;

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* '+' a space, %XX a byte; -1 on a broken or NUL escape (the rule of http_form_each).
 * out holds at least n + 1 bytes. */
static int decode(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return -1;
			int a = hex((unsigned char)s[i + 1]), b = hex((unsigned char)s[i + 2]);
			if (a < 0 || b < 0 || (a == 0 && b == 0))
				return -1;
			out[o++] = (char)(a * 16 + b);
			i += 2;
		} else {
			out[o++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	out[o] = '\0';
	return 0;
}

/* ---- libmicrohttpd's lookups, over the split query ---- */

const char *MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
					const char *key)
{
	(void)c;
	if (kind != MHD_GET_ARGUMENT_KIND)
		return NULL;
	for (int i = 0; i < nq; i++)
		if (!strcmp(qname[i], key))
			return qvalue[i] ? qvalue[i] : "";
	return NULL;
}

int MHD_get_connection_values(struct MHD_Connection *c, enum MHD_ValueKind kind,
			      MHD_KeyValueIterator it, void *cls)
{
	(void)c;
	int i = 0;
	if (kind == MHD_GET_ARGUMENT_KIND)
		for (; i < nq; i++)
			if (it && it(cls, kind, qname[i], qvalue[i]) != MHD_YES)
				return i + 1;
	return i;
}

/* Unescapes s in place as libmicrohttpd does: '+' a space, %XX a byte (a NUL ends the
 * text, as a C string), anything else as it is. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		int a, b;
		if (*s == '+') {
			*o++ = ' ';
		} else if (*s == '%' && (a = hex((unsigned char)s[1])) >= 0 &&
			   (b = hex((unsigned char)s[2])) >= 0) {
			*o++ = (char)(a * 16 + b);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Splits q (no '\n') into the parameters. */
static void split_query(char *q)
{
	nq = 0;
	for (char *save = NULL, *t = strtok_r(q, "&", &save); t && nq < MAXQ;
	     t = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(t, '=');
		if (eq) {
			*eq++ = '\0';
			unescape(eq);
		}
		unescape(t);
		qname[nq] = t;
		qvalue[nq++] = eq;
	}
}

/* ---- the form body ---- */

typedef struct pairs {
	int n;
	char *name[1024], *value[1024];
} pairs;

static int collect(void *ctx, const char *name, const char *value)
{
	pairs *p = ctx;
	if (!strcmp(name, "stop"))
		return 7;
	if (p->n < 1024) {
		p->name[p->n] = strdup(name);
		p->value[p->n] = value ? strdup(value) : NULL;
		p->n++;
	}
	return 0;
}

static void pairs_free(pairs *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->name[i]);
		free(p->value[i]);
	}
}

/* The reference walk: the pairs, or -1 malformed, or 7 stopped. */
static int reference(const char *body, size_t len, pairs *out)
{
	if (memchr(body, '\0', len))
		return -1;
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if (stop > p) {
			const char *eq = memchr(p, '=', (size_t)(stop - p));
			const char *kend = eq ? eq : stop;
			char *k = malloc((size_t)(kend - p) + 1);
			char *v = eq ? malloc((size_t)(stop - eq)) : NULL;
			if (decode(p, (size_t)(kend - p), k) < 0 ||
			    (eq && decode(eq + 1, (size_t)(stop - eq - 1), v) < 0)) {
				free(k);
				free(v);
				return -1;
			}
			int rc = collect(out, k, v);
			free(k);
			free(v);
			if (rc)
				return rc;
		}
		p = stop + 1;
	}
	return 0;
}

static void check_form(const char *body, size_t len)
{
	http_req r;
	memset(&r, 0, sizeof r);
	arena_init(&r.arena);
	strbuf_init(&r.body, 1 << 20);
	strbuf_add(&r.body, body, len);
	pairs got = {0}, want = {0};
	err e = {0};
	int rc = http_form_each(&r, collect, &got, &e);
	int ref = reference(body, len, &want);
	FUZZ_CHECK(rc == ref);
	if (rc == -1)
		FUZZ_CHECK(e.kind == ERR_BAD_REQUEST && !strcmp(e.code, "malformed_form"));
	FUZZ_CHECK(got.n == want.n);
	for (int i = 0; i < got.n; i++) {
		FUZZ_CHECK(!strcmp(got.name[i], want.name[i]));
		FUZZ_CHECK(!got.value[i] == !want.value[i]);
		FUZZ_CHECK(!got.value[i] || !strcmp(got.value[i], want.value[i]));
	}
	pairs_free(&got);
	pairs_free(&want);
	strbuf_release(&r.body);
	arena_free(&r.arena);
}

/* ---- the query's values ---- */

/* Whether v is an integer by http.h's rule: optional '-', digits, fits in int64 (and is
 * not INT64_MIN, which has no positive twin). */
static bool is_int(const char *v, int64_t *out)
{
	const char *d = *v == '-' ? v + 1 : v;
	if (!*d || strspn(d, "0123456789") != strlen(d))
		return false;
	errno = 0;
	long long n = strtoll(v, NULL, 10);
	if (errno || n == INT64_MIN)
		return false;
	*out = n;
	return true;
}

static void check_query(http_req *r)
{
	static const struct {
		const char *name;
		int64_t min, max, def;
	} ints[] = {
		{"page", 1, 1000000, 1},	  {"per_page", 1, 200, 20},
		{"unit_id", 1, INT64_MAX, 0},	  {"year", 1970, 9999, 2026},
		{"id", INT64_MIN, INT64_MAX, 42},
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		int64_t got = -1, want;
		err e = {0};
		int rc = http_query_int(r, ints[i].name, ints[i].min, ints[i].max, ints[i].def,
					&got, &e);
		const char *v = http_query(r, ints[i].name);
		if (!v) {
			FUZZ_CHECK(rc == 0 && got == ints[i].def);
		} else if (is_int(v, &want) && want >= ints[i].min && want <= ints[i].max) {
			FUZZ_CHECK(rc == 0 && got == want);
		} else {
			FUZZ_CHECK(rc == -1 && e.kind == ERR_BAD_REQUEST);
			FUZZ_CHECK(!strcmp(e.field, ints[i].name));
		}
	}
	int64_t page, per_page;
	err e = {0};
	if (http_paging(r, &page, &per_page, &e) == 0)
		FUZZ_CHECK(page >= 1 && page <= 1000000 && per_page >= 1 && per_page <= 200);

	/* The statistics period, after api_stats.c's length check. */
	const char *f = http_query(r, "from"), *t = http_query(r, "to");
	if ((!f || strlen(f) <= 40) && (!t || strlen(t) <= 40)) {
		int64_t from, to;
		const int64_t now = INT64_C(1795000000000); /* 2026-11-18 */
		for (int months = 1; months <= 12; months += 11) {
			err pe = {0};
			if (appeal_stats_period(f, t, now, months, &from, &to, &pe) == 0)
				FUZZ_CHECK(from < to);
			else
				FUZZ_CHECK(pe.kind == ERR_BAD_REQUEST);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t qlen = nl ? (size_t)(nl - data) : size;
	const char *body = nl ? (const char *)nl + 1 : "";
	size_t blen = nl ? size - qlen - 1 : 0;

	char *q = fuzz_str(data, qlen);
	split_query(q);
	http_req r;
	memset(&r, 0, sizeof r);
	r.conn = (void *)&r;
	check_query(&r);
	free(q);
	nq = 0;

	check_form(body, blen);

	const char *mime, *ext;
	if (lv_photo_type((const unsigned char *)body, blen, &mime, &ext))
		FUZZ_CHECK(!strncmp(mime, "image/", 6) &&
			   strstr(mime, ext[0] == 'j' ? "jpeg" : ext));
	return 0;
}
