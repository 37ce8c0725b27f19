/* Our small router: routes are (method, path pattern) pairs whose patterns are split into
 * segments; a segment written {name} captures one path segment, and a last segment written
 * {name*} captures the rest of the path (one or more segments, slashes kept). A route whose
 * method is "*" answers every method; it is tried in table order like any other, so a
 * module puts it after its specific routes as their fallback. Each module contributes one
 * table of routes. */
#ifndef YW_ROUTER_H
#define YW_ROUTER_H
#include <stdbool.h>
#include <stddef.h>

typedef struct http_req http_req;
/* A handler fills the response of r (http_json, http_error, ...) and returns 0. */
typedef int (*route_fn)(http_req *r);

enum route_flags {
	ROUTE_PUBLIC = 1u << 0, /* no login needed */
	/* A GET whose answer the same session may be given again while the database is
	 * unchanged, for up to a second (the read cache in http/server.c). */
	ROUTE_CACHED = 1u << 1,
	/* Open to a caller whose password has expired (the application's authentication hook
	 * reads it): changing the password, who one is, logging out. Every other route
	 * answers such a caller 403 until the password is changed. */
	ROUTE_EXPIRED_OK = 1u << 2,
};

/* A route declares who may call it, once: the server answers 401 without a login and
 * 403 unless the caller holds one of `roles` (the application's role bits) before the
 * handler runs. A route that is not ROUTE_PUBLIC and names no roles refuses everyone;
 * the route x role matrix test reads these declarations. */
struct route {
	const char *method;
	const char *pattern; /* "/api/v1/units/{id}" */
	route_fn fn;
	unsigned flags;
	unsigned roles;
	/* Optional: run before authentication when the request carries a token, it sends
	 * the handler's first reads (store_send) and leaves them in the request
	 * (http_req.prefetched), so that on PostgreSQL they travel with the session's
	 * statement: one round trip where there were two. It answers nothing: whatever it
	 * meets, the handler meets again and answers. */
	void (*prefetch)(http_req *r);
};

enum { ROUTER_MAX_SEGMENTS = 16, ROUTER_MAX_CAPTURES = 4 };

typedef struct route_match {
	const struct route *route;
	int index; /* position of the route in the router, for metrics */
	int ncap;
	const char *cap_name[ROUTER_MAX_CAPTURES];
	char *cap_value[ROUTER_MAX_CAPTURES]; /* point into the caller's path copy */
} route_match;

typedef struct router router;

router *router_new(void);
void router_free(router *rt);
/* Adds a module's table; patterns must be valid (checked with assert). */
void router_add(router *rt, const struct route *routes, size_t n);
size_t router_count(const router *rt);
const struct route *router_at(const router *rt, size_t i);

enum router_result { ROUTER_FOUND, ROUTER_NO_PATH, ROUTER_NO_METHOD };
/* Matches method and path. path is modified (split in place; copy it first). On
 * ROUTER_NO_METHOD, allow (if non-NULL) receives the allowed methods, comma separated. */
enum router_result router_match(const router *rt, const char *method, char *path, route_match *m,
				char *allow, size_t allow_n);

#endif
