#include "http/router.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

typedef struct compiled {
	const struct route *route;
	int nseg;
	const char *seg[ROUTER_MAX_SEGMENTS];
	bool capture[ROUTER_MAX_SEGMENTS];
	bool rest; /* the last segment captures the rest of the path */
	char *storage;
} compiled;

struct router {
	compiled *routes;
	size_t n, alloc;
};

router *router_new(void)
{
	return xcalloc(1, sizeof(router));
}

void router_free(router *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n; i++)
		free(rt->routes[i].storage);
	free(rt->routes);
	free(rt);
}

/* Splits "/a/b/c" into segments in place; empty segments (a doubled or trailing slash)
 * are kept as "" so that "/a//b" does not match "/a/b". Returns the count, -1 when too
 * many. */
static int split(char *path, const char **seg)
{
	if (*path != '/')
		return -1;
	int n = 0;
	char *p = path + 1;
	if (!*p)
		return 0;
	for (;;) {
		if (n == ROUTER_MAX_SEGMENTS)
			return -1;
		seg[n++] = p;
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	return n;
}

void router_add(router *rt, const struct route *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rt->n == rt->alloc) {
			rt->alloc = rt->alloc ? rt->alloc * 2 : 32;
			rt->routes = xrealloc(rt->routes, rt->alloc * sizeof *rt->routes);
		}
		compiled *c = &rt->routes[rt->n++];
		memset(c, 0, sizeof *c);
		c->route = &routes[i];
		c->storage = xstrdup(routes[i].pattern);
		c->nseg = split(c->storage, c->seg);
		assert(c->nseg >= 0);
		int ncap = 0;
		for (int s = 0; s < c->nseg; s++) {
			size_t len = strlen(c->seg[s]);
			if (len > 2 && c->seg[s][0] == '{' && c->seg[s][len - 1] == '}') {
				c->capture[s] = true;
				((char *)c->seg[s])[len - 1] = '\0';
				c->seg[s]++;
				ncap++;
				if (len > 3 && c->seg[s][len - 3] == '*') {
					assert(s == c->nseg - 1);
					((char *)c->seg[s])[len - 3] = '\0';
					c->rest = true;
				}
			}
		}
		assert(ncap <= ROUTER_MAX_CAPTURES);
		(void)ncap;
	}
}

size_t router_count(const router *rt)
{
	return rt->n;
}

const struct route *router_at(const router *rt, size_t i)
{
	return i < rt->n ? rt->routes[i].route : NULL;
}

static bool match_segments(const compiled *c, const char **seg, int nseg, route_match *m)
{
	if (c->rest ? nseg < c->nseg : c->nseg != nseg)
		return false;
	int ncap = 0;
	for (int s = 0; s < c->nseg; s++) {
		if (c->capture[s]) {
			if (!*seg[s])
				return false;
			m->cap_name[ncap] = c->seg[s];
			m->cap_value[ncap++] = (char *)seg[s];
		} else if (strcmp(c->seg[s], seg[s]) != 0) {
			return false;
		}
	}
	m->ncap = ncap;
	return true;
}

enum router_result router_match(const router *rt, const char *method, char *path, route_match *m,
				char *allow, size_t allow_n)
{
	const char *seg[ROUTER_MAX_SEGMENTS];
	memset(m, 0, sizeof *m);
	if (allow && allow_n)
		allow[0] = '\0';
	int nseg = split(path, seg);
	if (nseg < 0)
		return ROUTER_NO_PATH;
	bool path_seen = false;
	for (size_t i = 0; i < rt->n; i++) {
		route_match tmp;
		if (!match_segments(&rt->routes[i], seg, nseg, &tmp))
			continue;
		const char *rm = rt->routes[i].route->method;
		if (strcmp(rm, method) == 0 || strcmp(rm, "*") == 0) {
			/* A rest capture takes back the slashes split() put out. */
			if (rt->routes[i].rest)
				for (int s = rt->routes[i].nseg; s < nseg; s++)
					((char *)seg[s])[-1] = '/';
			*m = tmp;
			m->route = rt->routes[i].route;
			m->index = (int)i;
			return ROUTER_FOUND;
		}
		if (allow && allow_n) {
			size_t used = strlen(allow);
			const char *meth = rm;
			if (used + strlen(meth) + 3 < allow_n && !strstr(allow, meth)) {
				if (used)
					strcat(allow, ", ");
				strcat(allow, meth);
			}
		}
		path_seen = true;
	}
	return path_seen ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
}
