/* The HTTP edge: one http_req per request, carrying the parsed input, the caller and the
 * response being built. Handlers in api/ use only these functions; libmicrohttpd types
 * stay inside server.c. */
#ifndef YW_HTTP_H
#define YW_HTTP_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "http/proxy.h"
#include "http/router.h"
#include "store/store.h"

typedef struct app app;

struct http_req {
	arena arena; /* freed when the request ends */
	app *app;
	store *store;
	const char *method;
	const char *path; /* decoded path, without the query */
	char ip[64];
	void *conn; /* the libmicrohttpd connection */
	strbuf body;
	json_t *body_json; /* the body parsed, owned */
	bool body_too_large;
	route_match match;
	const char *token; /* the bearer token, when one was sent */
	/* The caller, as the application's hook (app->authenticate) resolved the token:
	 * http/ carries the record without knowing its shape, and matches caller_roles
	 * against the route's roles. */
	bool authenticated;
	void *caller;		   /* the application's record, in arena; NULL: anonymous */
	unsigned caller_roles;	   /* role bits, as the route tables declare them */
	const char *caller_name;   /* the username, for the access log */
	int64_t caller_expires_ms; /* when the caller's session ends (the read cache) */
	/* What the route's prefetch sent before authentication (struct route), for its
	 * handler to take over (setting prefetched to NULL); otherwise dropped by
	 * prefetch_drop once the handler has run or the request was refused. */
	void *prefetched;
	void (*prefetch_drop)(void *prefetched);
	/* The response. */
	int status;
	json_t *json; /* JSON body (owned) */
	char *text;   /* or a text body (heap, owned) */
	size_t text_len;
	const char *content_type;
	const char *allow;	 /* Allow header for 405 */
	const char *disposition; /* Content-Disposition header, for downloads */
	int retry_after;	 /* Retry-After header in seconds (429, 503); 0: none */
	int64_t started_ns;
	/* A write handed to the store without holding this thread (http_defer_write). */
	store_tx_fn defer_fn;
	void *defer_ctx;
	int (*defer_then)(http_req *r, int rc, const err *e);
	int defer_rc;
	err defer_err;
	bool suspended;
	/* The request's idempotency key while it runs (http/idem.c); whether the answer is
	 * a replay of the key's first answer (header Idempotency-Replayed). */
	struct idem *idem;
	bool idem_replayed;
};

/* The configuration of a running server, from flags and environment. */
typedef struct server_config {
	const char *db;
	const char *listen_host;
	int listen_port;
	/* serve --metrics-listen: a second address serving only /metrics, without a token;
	 * metrics_port 0: none (the service's address answers /metrics to admins only). */
	const char *metrics_host;
	int metrics_port;
	int threads;
	size_t max_body;
	unsigned max_connections;
	unsigned per_ip_connections;
	unsigned timeout_s;
	const char *web_dir;
	const char *access_log; /* "-" stderr, "off", or a file path */
	int64_t session_ttl_ms;
	int citizen_rate; /* requests a minute per address on public routes; 0: no limit */
	int login_rate;	  /* failed logins a minute per address; 0: no limit */
	bool read_cache;  /* the read cache of ROUTE_CACHED routes (http/server.c) */
	int open311_rate; /* Open311 requests a minute per API key (or per address without
			     one); 0: no limit */
	const char *open311_jurisdiction; /* the jurisdiction_id served, NULL: any */
	const char *data_dir;		  /* uploaded files (livelihood photos) live under it */
	/* serve --trusted-proxy: the fronts whose X-Forwarded-For names the client
	 * (http/proxy.h); none by default. */
	proxy_list trusted_proxies;
} server_config;

/* Resolves r->token into r->caller, caller_roles and caller_name (and sets
 * authenticated); 401 when the token is not a live session. */
typedef int (*http_auth_fn)(http_req *r, err *e);

struct app {
	store *store;
	http_auth_fn authenticate;
	unsigned metrics_roles; /* who may read /metrics on the service's address */
	/* Hides personal data, in place and without changing its length, in the path the
	 * access log writes (org's privacy_mask_ids); NULL: the path as requested. */
	void (*redact)(char *text);
	server_config cfg;
	router *router;
	struct ratelimit *citizen_limit; /* public appeal routes */
	struct ratelimit *open311_limit; /* /open311: per API key, or per address */
	struct ratelimit *login_limit;	 /* failed logins per address (sliding) */
};

/* ---- request input ---- */
/* A query parameter, NULL when absent or empty. */
const char *http_query(http_req *r, const char *name);
const char *http_header(http_req *r, const char *name);
/* Calls fn for every query argument in order, repeated names included; value NULL for
 * a name without '='. */
typedef int (*http_pair_fn)(void *ctx, const char *name, const char *value);
void http_query_each(http_req *r, http_pair_fn fn, void *ctx);
/* Decodes the body as application/x-www-form-urlencoded ('+' is a space, %XX a byte) and
 * calls fn for every pair in order; 400 on a malformed escape. A non-zero return of fn
 * stops the walk and is returned. */
int http_form_each(http_req *r, http_pair_fn fn, void *ctx, err *e);
/* A path capture ({id}) as text. */
const char *http_param(http_req *r, const char *name);
/* A path capture that must be a positive integer id; 404 when it is not. */
int http_param_id(http_req *r, const char *name, int64_t *id, err *e);
/* The body parsed as a JSON object (400 on anything else). Borrowed: owned by r. */
json_t *http_body_object(http_req *r, err *e);
/* Integer query parameter within [min, max], def when absent; 400 when malformed. */
int http_query_int(http_req *r, const char *name, int64_t min, int64_t max, int64_t def,
		   int64_t *out, err *e);
/* page and per_page, validated (per_page 1..200). */
int http_paging(http_req *r, int64_t *page, int64_t *per_page, err *e);

/* ---- responses (each returns 0 so handlers can `return http_json(...)`) ---- */
/* Sends obj (ownership taken) with status. */
int http_json(http_req *r, int status, json_t *obj);
/* Answers with a write: fn runs in a write transaction (ctx must live as long as the
 * request: allocate it in r->arena), and once its outcome is durable then(r, rc, e) gives
 * the response. Where the store has a writer thread the connection is suspended meanwhile,
 * so the worker thread serves other connections and many requests share one commit; fn
 * may then run twice (store_write_async). */
int http_defer_write(http_req *r, store_tx_fn fn, void *ctx,
		     int (*then)(http_req *r, int rc, const err *e));
/* A JSON body already written (core/jsonw.h); takes the buffer and leaves sb empty. */
int http_json_text(http_req *r, int status, strbuf *sb);
/* The error envelope of CONTRACT.md from e. */
int http_error(http_req *r, const err *e);
int http_fail(http_req *r, int status, const char *code, const char *field, const char *message);
int http_no_content(http_req *r);
/* Sets the Retry-After header of the response (seconds, at least 1), for 429 and 503. */
void http_retry_after(http_req *r, int64_t seconds);
/* A list: {"items":items,"total":total,"page","per_page"}; items ownership taken. */
int http_list(http_req *r, json_t *items, int64_t total, int64_t page, int64_t per_page);
/* Authenticates the caller by the bearer token (401 without a live session); once per
 * request. Public routes call it when a login changes what they do. */
int http_authenticate(http_req *r, err *e);

/* ---- server ---- */
/* Runs the server until SIGTERM or SIGINT; returns 0 after a graceful shutdown. */
int server_run(app *a, err *e);

#endif
