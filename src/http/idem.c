/* Idempotency keys: see idem.h. The row of a key is inserted by a store_tx_hook inside the
 * transaction of the request's first write, so it commits or vanishes with that write;
 * the answer is stored with it where the handler renders it inside the transaction
 * (intake, Open311), else by a small write once the answer is known. A retry that finds
 * the row committed but no answer stored (the node died, or the database failed over,
 * between the commit and that small write) is answered by re-rendering the resource the
 * write touched (the GET of its path). Two requests with one key at once: on one node the
 * second answers 409 at once (an in-memory set of keys in flight); across nodes the
 * second's INSERT waits on the first's row lock (PostgreSQL) and fails when it commits,
 * rolling back everything the second did, and the second is then answered with the
 * first's answer or 409. */
#include <sodium.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "http/idem.h"

enum { IDEM_TTL_MS = 24 * 3600 * 1000, FLIGHT_MAX = 512, BODY_MAX = 1 << 20 };

/* A key whose row exists without an answer this young is taken as still in flight. */
enum { SETTLE_MS = 30 * 1000 };

typedef struct idem {
	char scope[96];
	char key[IDEM_KEY_MAX + 1];
	char hash[2 * crypto_generichash_BYTES + 1];
	const char *method, *path;
	int64_t now;
	bool in_flight; /* entered in this node's set */
	bool conflict;	/* the key's INSERT lost to another request's */
	/* Noted inside the transaction (heap; the transaction may run again). */
	char *resource;
	int resource_status;
	int status;
	char *ctype, *body;
} idem;

/* ---- this node's keys in flight ---- */

static pthread_mutex_t flight_mu = PTHREAD_MUTEX_INITIALIZER;
static char *flight[FLIGHT_MAX];

static char *flight_name(const idem *x)
{
	return xasprintf("%s\n%s", x->scope, x->key);
}

/* false when the key is already in flight here. */
static bool flight_enter(idem *x)
{
	char *name = flight_name(x);
	int free_slot = -1;
	bool ok = true;
	pthread_mutex_lock(&flight_mu);
	for (int i = 0; i < FLIGHT_MAX; i++) {
		if (!flight[i]) {
			if (free_slot < 0)
				free_slot = i;
		} else if (strcmp(flight[i], name) == 0) {
			ok = false;
			break;
		}
	}
	if (ok && free_slot >= 0) { /* a full set only loses the fast path: the row decides */
		flight[free_slot] = name;
		name = NULL;
		x->in_flight = true;
	}
	pthread_mutex_unlock(&flight_mu);
	free(name);
	return ok;
}

static void flight_leave(idem *x)
{
	if (!x->in_flight)
		return;
	char *name = flight_name(x);
	pthread_mutex_lock(&flight_mu);
	for (int i = 0; i < FLIGHT_MAX; i++)
		if (flight[i] && strcmp(flight[i], name) == 0) {
			free(flight[i]);
			flight[i] = NULL;
			break;
		}
	pthread_mutex_unlock(&flight_mu);
	free(name);
	x->in_flight = false;
}

/* ---- the key ---- */

bool idem_key_valid(const char *key)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++, n++)
		if (*p < 0x21 || *p > 0x7e || n >= IDEM_KEY_MAX)
			return false;
	return n > 0;
}

static void body_hash(const http_req *r, char *out)
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof h, (const unsigned char *)(r->body.buf ? r->body.buf : ""),
			   r->body.len, NULL, 0);
	sodium_bin2hex(out, 2 * sizeof h + 1, h, sizeof h);
}

/* ---- the hook inside the write's transaction ---- */

static int hook_before(store_conn *c, void *arg, err *e)
{
	idem *x = arg;
	/* An expired key not purged yet is free again. */
	if (store_exec(c, e,
		       "DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND "
		       "created_at < ?",
		       "ssi", x->scope, x->key, x->now - IDEM_TTL_MS) < 0)
		return -1;
	err ie = {0};
	if (store_exec(c, &ie,
		       "INSERT INTO idempotency_keys (scope, idem_key, method, path, body_hash, "
		       "created_at) VALUES (?, ?, ?, ?, ?, ?)",
		       "sssssi", x->scope, x->key, x->method, x->path, x->hash, x->now) < 0) {
		if (ie.kind == ERR_CONFLICT && !strcmp(ie.code, "duplicate")) {
			x->conflict = true;
			return err_set(e, ERR_CONFLICT, "idempotency_in_progress", NULL,
				       "同一幂等键的请求正在处理，请稍后重试");
		}
		if (e)
			*e = ie;
		return -1;
	}
	return 0;
}

static int hook_after(store_conn *c, void *arg, err *e)
{
	idem *x = arg;
	if (!x->resource && !x->status)
		return 0;
	return store_exec(c, e,
			  "UPDATE idempotency_keys SET resource = ?, resource_status = ?, "
			  "status = ?, content_type = ?, body = ? WHERE scope = ? AND idem_key = ?",
			  "snnssss", x->resource, (int64_t)x->resource_status, (int64_t)x->status,
			  x->ctype, x->body, x->scope, x->key) < 0
		       ? -1
		       : 0;
}

bool idem_tx_active(void)
{
	return store_tx_tag() != NULL;
}

void idem_note_answer(int status, const char *content_type, const char *body)
{
	idem *x = store_tx_tag();
	if (!x || !body || strlen(body) > BODY_MAX)
		return;
	free(x->ctype);
	free(x->body);
	x->status = status;
	x->ctype = xstrdup(content_type);
	x->body = xstrdup(body);
}

void idem_note_resource(int status, const char *path)
{
	idem *x = store_tx_tag();
	if (!x || !path)
		return;
	free(x->resource);
	x->resource = xstrdup(path);
	x->resource_status = status;
}

void idem_disarm(void)
{
	store_tx_hook_arm(NULL);
}

/* ---- answers ---- */

typedef struct found {
	bool exists;
	char method[16], hash[sizeof(((idem *)0)->hash)];
	char *path, *ctype, *body, *resource;
	int status, resource_status;
	int64_t created_at;
} found;

static void found_free(found *f)
{
	free(f->path);
	free(f->ctype);
	free(f->body);
	free(f->resource);
}

static char *col_dup(store_stmt *st, int col)
{
	return store_col_null(st, col) ? NULL : xstrdup(store_col_text(st, col));
}

static int lookup(http_req *r, const idem *x, found *f, err *e)
{
	*f = (found){0};
	store_conn *c = store_conn_get(r->store, e);
	store_stmt *st;
	int rc = c ? store_query_row(c, &st, e,
				     "SELECT method, path, body_hash, status, content_type, body, "
				     "resource, resource_status, created_at FROM idempotency_keys "
				     "WHERE scope = ? AND idem_key = ? AND created_at >= ?",
				     "ssi", x->scope, x->key, x->now - IDEM_TTL_MS)
		   : -1;
	if (rc <= 0)
		return rc;
	f->exists = true;
	snprintf(f->method, sizeof f->method, "%s", store_col_text(st, 0));
	f->path = col_dup(st, 1);
	snprintf(f->hash, sizeof f->hash, "%s", store_col_text(st, 2));
	f->status = store_col_null(st, 3) ? 0 : (int)store_col_int(st, 3);
	f->ctype = col_dup(st, 4);
	f->body = col_dup(st, 5);
	f->resource = col_dup(st, 6);
	f->resource_status = (int)store_col_int(st, 7);
	f->created_at = store_col_int(st, 8);
	store_done(st);
	return 1;
}

static void answer_stored(http_req *r, found *f)
{
	if (r->json)
		json_decref(r->json);
	r->json = NULL;
	free(r->text);
	r->text = NULL;
	r->text_len = 0;
	r->status = f->status;
	if (f->body) {
		r->text_len = strlen(f->body);
		r->text = f->body;
		f->body = NULL;
		r->content_type = arena_strdup(&r->arena, f->ctype ? f->ctype : "application/json");
	}
	r->idem_replayed = true;
}

/* The answer re-rendered from the resource the write touched: its GET, as the caller. */
static bool answer_resource(http_req *r, const found *f)
{
	if (!f->resource)
		return false;
	char *p = arena_strdup(&r->arena, f->resource);
	route_match m;
	if (router_match(r->app->router, "GET", p, &m, NULL, 0) != ROUTER_FOUND)
		return false;
	if (!(m.route->flags & ROUTE_PUBLIC) && !(m.route->roles & r->caller_roles))
		return false;
	const char *method = r->method;
	r->match = m;
	r->method = "GET";
	m.route->fn(r);
	r->method = method; /* the access log tells what was asked */
	if (r->status == 200 && f->resource_status)
		r->status = f->resource_status;
	r->idem_replayed = true;
	return true;
}

/* A row without an answer: the write committed (or is committing) and its answer was not
 * stored. */
static void answer_unstored(http_req *r, const idem *x, const found *f)
{
	if (answer_resource(r, f))
		return;
	if (x->now - f->created_at < SETTLE_MS) {
		http_retry_after(r, 1);
		http_fail(r, 409, "idempotency_in_progress", NULL,
			  "同一幂等键的请求正在处理，请稍后重试");
		return;
	}
	/* Committed long ago, and nothing says what it made: say that much. */
	r->idem_replayed = true;
	http_json(r, 200, json_pack("{s:b, s:s}", "committed", 1, "idempotency_key", x->key));
}

static bool is_write_method(const char *m)
{
	return !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH") ||
	       !strcmp(m, "DELETE");
}

bool idem_begin(http_req *r)
{
	const char *key = http_header(r, "Idempotency-Key");
	/* A login's answer is a session token, which is stored nowhere in the clear: a
	 * retried login simply logs in again. */
	if (!key || !is_write_method(r->method) || !strcmp(r->path, "/api/v1/sessions"))
		return false;
	if (!idem_key_valid(key)) {
		http_fail(r, 400, "invalid_idempotency_key", "Idempotency-Key",
			  "Idempotency-Key 须为 1 到 128 个可见 ASCII 字符");
		return true;
	}
	/* A public route that a login changes (intake by an agent): the key is the agent's. */
	if (r->token && !r->authenticated) {
		err ae = {0};
		if (http_authenticate(r, &ae) < 0)
			return false; /* the handler answers the bad token */
	}
	idem *x = arena_alloc(&r->arena, sizeof *x);
	*x = (idem){.method = r->method, .path = r->path, .now = clock_now_ms()};
	snprintf(x->key, sizeof x->key, "%s", key);
	snprintf(x->scope, sizeof x->scope, "%s%s", r->caller_name ? "u:" : "-",
		 r->caller_name ? r->caller_name : "");
	body_hash(r, x->hash);
	/* An action's answer is its case: the path without "/actions...". */
	const char *act = strstr(r->path, "/actions");
	if (act && (act[8] == '\0' || act[8] == '/')) {
		x->resource = xstrndup(r->path, (size_t)(act - r->path));
		x->resource_status = 200;
	}
	r->idem = x;
	err e = {0};
	found f;
	int rc = lookup(r, x, &f, &e);
	if (rc < 0) {
		r->idem = NULL;
		free(x->resource);
		e.kind = ERR_UNAVAILABLE;
		http_error(r, &e);
		return true;
	}
	if (rc > 0) {
		r->idem = NULL;
		free(x->resource);
		if (strcmp(f.method, x->method) != 0 || !f.path || strcmp(f.path, x->path) != 0 ||
		    strcmp(f.hash, x->hash) != 0)
			http_fail(r, 422, "idempotency_key_reused", "Idempotency-Key",
				  "该幂等键已用于另一个请求（方法、路径或内容不同）");
		else if (f.status)
			answer_stored(r, &f);
		else
			answer_unstored(r, x, &f);
		found_free(&f);
		return true;
	}
	if (!flight_enter(x)) {
		r->idem = NULL;
		free(x->resource);
		http_retry_after(r, 1);
		http_fail(r, 409, "idempotency_in_progress", NULL,
			  "同一幂等键的请求正在处理，请稍后重试");
		return true;
	}
	store_tx_hook_arm(&(store_tx_hook){.before = hook_before, .after = hook_after, .arg = x});
	return false;
}

typedef struct store_ctx {
	idem *x;
	int status;
	const char *ctype, *body;
} store_ctx;

static int answer_tx(store_conn *c, void *p, err *e)
{
	store_ctx *s = p;
	idem *x = s->x;
	return store_exec(c, e,
			  "INSERT INTO idempotency_keys (scope, idem_key, method, path, "
			  "body_hash, created_at, status, content_type, body) VALUES (?, ?, ?, "
			  "?, ?, ?, ?, ?, ?) ON CONFLICT (scope, idem_key) DO UPDATE SET status "
			  "= excluded.status, content_type = excluded.content_type, body = "
			  "excluded.body, method = excluded.method, path = excluded.path, "
			  "body_hash = excluded.body_hash, created_at = excluded.created_at "
			  "WHERE idempotency_keys.status IS NULL OR idempotency_keys.created_at "
			  "< ?",
			  "sssssiissi", x->scope, x->key, x->method, x->path, x->hash, x->now,
			  (int64_t)s->status, s->ctype, s->body, x->now - IDEM_TTL_MS) < 0
		       ? -1
		       : 0;
}

static bool storable(int status)
{
	return status >= 200 && status < 500 && status != 401 && status != 408 && status != 409 &&
	       status != 429;
}

void idem_finish(http_req *r)
{
	idem *x = r->idem;
	if (!x)
		return;
	r->idem = NULL;
	idem_disarm();
	flight_leave(x);
	if (x->conflict) {
		/* Another request with this key committed first: its answer, when stored. */
		err e = {0};
		found f;
		if (lookup(r, x, &f, &e) > 0 && f.status && !strcmp(f.hash, x->hash)) {
			answer_stored(r, &f);
		} else {
			http_retry_after(r, 1);
			http_fail(r, 409, "idempotency_in_progress", NULL,
				  "同一幂等键的请求正在处理，请稍后重试");
		}
		found_free(&f);
	} else if (!x->status && storable(r->status)) {
		strbuf sb = STRBUF_INIT;
		store_ctx s = {.x = x, .status = r->status, .ctype = r->content_type};
		if (r->json) {
			jw_tree(&sb, r->json);
			s.body = sb.buf;
			s.ctype = "application/json; charset=utf-8";
		} else if (r->text && r->text_len <= BODY_MAX && !memchr(r->text, 0, r->text_len)) {
			s.body = r->text;
		}
		if (!s.ctype)
			s.ctype = "application/json; charset=utf-8";
		/* Best effort: should it fail, a retry re-renders the resource. */
		err e = {0};
		store_write(r->store, answer_tx, &s, &e);
		strbuf_release(&sb);
	}
	free(x->resource);
	free(x->ctype);
	free(x->body);
}

int64_t idem_purge(store_conn *c, int64_t now_ms, err *e)
{
	return store_exec(c, e, "DELETE FROM idempotency_keys WHERE created_at < ?", "i",
			  now_ms - IDEM_TTL_MS);
}
