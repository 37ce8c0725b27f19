/* The router on the real route tables: any method and path, as a request line "METHOD
 * /path" (what follows the first space is the path, bytes and all). Checked against a
 * plain matcher written here from router.h's rules (segments split at '/', empty ones
 * kept, {name} one non-empty segment, {name*} the rest, the first route in table order
 * wins, "*" any method, at most ROUTER_MAX_SEGMENTS segments), and the path captures
 * read back by http_param and http_param_id as handlers read them. */
#include "fuzz.h"

#include <stdbool.h>

#include "http/http.h"
#include "http/router.h"
#include "routes.h"

static router *rt;

/* The reference: whether route matches path (NULL when not), and its captures. */
static bool ref_match(const char *pattern, const char *path, int *ncap)
{
	*ncap = 0;
	if (*path != '/')
		return false;
	const char *p = pattern + 1, *q = path + 1;
	int nseg = 1;
	for (const char *s = q; *s; s++)
		nseg += *s == '/';
	if (!*q)
		nseg = 0;
	if (nseg > ROUTER_MAX_SEGMENTS)
		return false;
	if (!*p) /* the pattern "/" */
		return !*q;
	if (!*q)
		return false;
	for (;;) {
		size_t plen = strcspn(p, "/"), qlen = strcspn(q, "/");
		bool capture = plen > 2 && p[0] == '{' && p[plen - 1] == '}';
		if (capture && p[plen - 2] == '*') { /* the rest, one or more segments */
			if (!qlen)
				return false;
			(*ncap)++;
			return true;
		}
		if (capture) {
			if (!qlen)
				return false;
			(*ncap)++;
		} else if (plen != qlen || memcmp(p, q, plen) != 0) {
			return false;
		}
		p += plen, q += qlen;
		if (!*p || !*q)
			return !*p && !*q;
		p++, q++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!rt) {
		rt = router_new();
		routes_register(rt);
	}
	char *method = fuzz_str(data, size);
	const char *path = fuzz_cut(method, ' ');
	if (!path)
		path = "/";
	size_t plen = strlen(path);
	char *copy = malloc(plen + 1);
	memcpy(copy, path, plen + 1);

	route_match m;
	char allow[64];
	enum router_result rr = router_match(rt, method, copy, &m, allow, sizeof allow);

	/* The reference answer. */
	size_t want = router_count(rt);
	int want_ncap = 0;
	bool path_seen = false;
	for (size_t i = 0; i < router_count(rt); i++) {
		const struct route *r = router_at(rt, i);
		int ncap;
		if (!ref_match(r->pattern, path, &ncap))
			continue;
		path_seen = true;
		if (!strcmp(r->method, method) || !strcmp(r->method, "*")) {
			want = i;
			want_ncap = ncap;
			break;
		}
	}
	if (want < router_count(rt)) {
		FUZZ_CHECK(rr == ROUTER_FOUND);
		FUZZ_CHECK(m.index == (int)want && m.route == router_at(rt, want));
		FUZZ_CHECK(m.ncap == want_ncap && m.ncap <= ROUTER_MAX_CAPTURES);
		for (int c = 0; c < m.ncap; c++) {
			/* A capture is a non-empty piece of the caller's copy. */
			FUZZ_CHECK(m.cap_value[c] > copy && m.cap_value[c] < copy + plen);
			FUZZ_CHECK(*m.cap_value[c] && m.cap_name[c] && *m.cap_name[c]);
			FUZZ_CHECK(strstr(path, m.cap_value[c]) != NULL);
		}
		/* Handlers read captures as text and as ids. */
		http_req r;
		memset(&r, 0, sizeof r);
		r.match = m;
		for (int c = 0; c < m.ncap; c++) {
			FUZZ_CHECK(http_param(&r, m.cap_name[c]) != NULL);
			int64_t id;
			err e = {0};
			if (http_param_id(&r, m.cap_name[c], &id, &e) == 0) {
				/* Only digits, and the number they say. */
				const char *t = http_param(&r, m.cap_name[c]);
				FUZZ_CHECK(id > 0 && strspn(t, "0123456789") == strlen(t));
				FUZZ_CHECK(strtoll(t, NULL, 10) == id);
			} else {
				FUZZ_CHECK(e.kind == ERR_NOT_FOUND);
			}
		}
	} else if (path_seen) {
		FUZZ_CHECK(rr == ROUTER_NO_METHOD);
		FUZZ_CHECK(allow[0] && strlen(allow) < sizeof allow);
	} else {
		FUZZ_CHECK(rr == ROUTER_NO_PATH);
	}
	free(copy);
	free(method);
	return 0;
}
