/* The HTTP server: libmicrohttpd in thread-pool mode, our router, limits, static files
 * for the web UI, metrics, one JSON access-log line per request, graceful shutdown. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "http/http.h"
#include "http/idem.h"
#include "http/metrics.h"

typedef struct server {
	app *app;
	metrics *metrics;
	FILE *access_log;
	atomic_int inflight;
	/* Connections accepted that have not yet finished a request: shutdown waits for
	 * them, so that a request already sent is answered, not cut off. */
	atomic_int fresh;
	size_t max_path;
} server;

static server *g_server;

/* ---- access log ---- */

/* One JSON object a line, written with the JSON writer of the responses (core/jsonw.h):
 * a client can send any byte in a path, and the writer turns whatever is not UTF-8 as
 * JSON requires it (overlong forms, surrogates, code points above U+10FFFF, sequences cut
 * short) into U+FFFD, so every line stays valid JSON for the tools that read the log. */
static void access_log_write(server *sv, http_req *r)
{
	if (!sv->access_log)
		return;
	char ts[40];
	clock_format_iso(clock_now_ms(), ts, sizeof ts);
	char ms[32];
	int msn = snprintf(ms, sizeof ms, "%.3f", (double)(clock_mono_ns() - r->started_ns) / 1e6);
	strbuf line = STRBUF_INIT;
	jw_open(&line, '{');
	jw_key(&line, "ts");
	jw_str(&line, ts);
	jw_key(&line, "ip");
	jw_str(&line, r->ip);
	jw_key(&line, "method");
	jw_str(&line, r->method);
	jw_key(&line, "path");
	/* The query is never logged; the path may still carry a phone or ID number (a
	 * client's mistake, an id of its choosing), which the application's rule hides. */
	if (sv->app->redact) {
		char *p = arena_strdup(&r->arena, r->path);
		sv->app->redact(p);
		jw_str(&line, p);
	} else {
		jw_str(&line, r->path);
	}
	jw_key(&line, "route");
	jw_str(&line, r->match.route ? r->match.route->pattern : "");
	jw_key(&line, "status");
	jw_int(&line, r->status);
	jw_key(&line, "ms");
	jw_raw(&line, ms, (size_t)msn);
	jw_key(&line, "user");
	jw_str(&line, r->caller_name ? r->caller_name : "");
	jw_close(&line, '}');
	strbuf_addch(&line, '\n');
	/* One fwrite per line: stdio's lock keeps lines whole between threads. */
	fwrite(line.buf, 1, line.len, sv->access_log);
	strbuf_release(&line);
}

/* ---- static files ---- */

static const char *content_type_for(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".ico", "image/x-icon"},
		{".woff", "font/woff"},
		{".woff2", "font/woff2"},
		{".ttf", "font/ttf"},
		{".txt", "text/plain; charset=utf-8"},
		{".map", "application/json"},
	};
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* Whether a request path is safe to map onto the web directory: no "." or ".." segment,
 * no hidden files, no backslashes or NULs. */
static bool static_path_ok(const char *p)
{
	if (*p != '/' || strchr(p, '\\'))
		return false;
	for (const char *s = p; (s = strchr(s, '/')); s++)
		if (s[1] == '.')
			return false;
	return true;
}

static struct MHD_Response *static_response(server *sv, http_req *r, int *status,
					    const char **ctype, bool *immutable)
{
	const char *web = sv->app->cfg.web_dir;
	const char *p = r->path;
	*immutable = strncmp(p, "/assets/", 8) == 0;
	if (!web || !static_path_ok(p) || strlen(p) > 512)
		return NULL;
	const char *rel = strcmp(p, "/") == 0 ? "/index.html" : p;
	char *file = arena_printf(&r->arena, "%s%s", web, rel);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return NULL;
	*status = 200;
	*ctype = content_type_for(file);
	return MHD_create_response_from_fd((uint64_t)st.st_size, fd);
}

/* ---- dispatch ---- */

static int h_healthz(http_req *r);

/* Authenticates (unless the route is public) and runs the handler. */
static void run_route(http_req *r)
{
	err e = {0};
	const struct route *rt = r->match.route;
	/* Only with a token: a request without one is refused before any read. */
	if (rt->prefetch && r->token && !(rt->flags & ROUTE_PUBLIC))
		rt->prefetch(r);
	if (!(rt->flags & ROUTE_PUBLIC)) {
		if (http_authenticate(r, &e) < 0) {
			http_error(r, &e);
			goto out;
		}
		if (!(rt->roles & r->caller_roles)) {
			http_fail(r, 403, "forbidden", NULL, "没有权限执行此操作");
			goto out;
		}
	}
	if (idem_begin(r)) /* answered: a bad key, a replay, or its first still running */
		goto out;
	r->match.route->fn(r);
	if (!r->status && !r->defer_fn)
		http_fail(r, 500, "internal_error", NULL, "处理程序没有给出响应");
out:
	if (r->prefetched)
		r->prefetch_drop(r->prefetched);
	r->prefetched = NULL;
}

/* The response to a deferred write, once its outcome is known. */
static void finish_write(http_req *r, int rc, const err *e)
{
	r->defer_fn = NULL;
	r->defer_then(r, rc, e);
	if (!r->status)
		http_fail(r, 500, "internal_error", NULL, "处理程序没有给出响应");
}

/* On the writer's thread, after the commit: wake the connection. */
static void write_done(void *arg, int rc, const err *e)
{
	http_req *r = arg;
	r->defer_rc = rc;
	if (e)
		r->defer_err = *e;
	MHD_resume_connection(r->conn);
}

/* ---- the read cache ----
 * A GET route flagged ROUTE_CACHED answers the same session's same request again from a
 * cache of the worker thread while the database is unchanged: SQLite's data_version on
 * the thread's connection moves with every commit by any connection or process, so any
 * write (an action, a logout, a disabled user) ends every entry. Answers also depend on
 * the clock (deadline flags), so an entry lives at most CACHE_TTL_MS, and never past the
 * expiry of its session, which no write marks. Lists that many screens poll are read
 * once per change instead of once per poll. */
enum {
	CACHE_SLOTS = 8,
	CACHE_TTL_MS = 1000,
	CACHE_MAX_BODY = 256 * 1024,
	CACHE_MAX_KEY = 2048,
	/* After CACHE_COLD_AFTER lookups without a hit the thread's workload is not one the
	 * cache helps (many sessions, rotating requests): only one miss in CACHE_COLD_PROBE
	 * is stored (a copy of the answer and its key), and the first hit restores storing
	 * every miss. Storing fewer answers never changes an answer. */
	CACHE_COLD_AFTER = 64,
	CACHE_COLD_PROBE = 16,
};

typedef struct cache_entry {
	char *key, *body;
	size_t len;
	uint64_t version;
	int64_t at;
	int64_t session_expires; /* the entry ends with its session */
	int status;
	char name[64]; /* the caller, for the access log */
} cache_entry;

typedef struct read_cache {
	cache_entry e[CACHE_SLOTS];
	unsigned next;
	unsigned misses; /* lookups since this thread's last hit */
} read_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	read_cache *rc = p;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(rc->e[i].key);
		free(rc->e[i].body);
	}
	free(rc);
}

static void cache_init(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	(void)kind;
	strbuf *sb = cls;
	strbuf_addch(sb, '&');
	strbuf_adds(sb, k);
	strbuf_addch(sb, '=');
	strbuf_adds(sb, v ? v : "");
	return MHD_YES;
}

/* The entry's key: the session's token, the path and the query as sent. */
static bool cache_key_of(http_req *r, strbuf *key)
{
	strbuf_init(key, CACHE_MAX_KEY);
	if (strbuf_adds(key, r->token) < 0 || strbuf_addch(key, '\n') < 0 ||
	    strbuf_adds(key, r->path) < 0)
		return false;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, key);
	/* A key cut short by the limit would be ambiguous: such a request is not cached. */
	return key->len < CACHE_MAX_KEY - 256;
}

static read_cache *thread_cache(void)
{
	pthread_once(&cache_once, cache_init);
	read_cache *rc = pthread_getspecific(cache_key);
	if (!rc) {
		rc = xcalloc(1, sizeof *rc);
		pthread_setspecific(cache_key, rc);
	}
	return rc;
}

/* Whether an entry's key is r's key (cache_key_of), compared in place: a lookup that
 * misses allocates nothing. */
typedef struct key_cursor {
	const char *p;
	bool ok;
} key_cursor;

static bool cursor_eat(key_cursor *kc, const char *s)
{
	size_t n = strlen(s);
	if (!kc->ok || strncmp(kc->p, s, n) != 0)
		return kc->ok = false;
	kc->p += n;
	return true;
}

static enum MHD_Result match_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	(void)kind;
	key_cursor *kc = cls;
	if (cursor_eat(kc, "&") && cursor_eat(kc, k) && cursor_eat(kc, "="))
		cursor_eat(kc, v ? v : "");
	return kc->ok ? MHD_YES : MHD_NO;
}

static bool cache_key_is(const char *key, http_req *r)
{
	key_cursor kc = {key, true};
	if (!cursor_eat(&kc, r->token) || !cursor_eat(&kc, "\n") || !cursor_eat(&kc, r->path))
		return false;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, match_arg, &kc);
	return kc.ok && *kc.p == '\0';
}

/* Answers r from the cache when it can; else fills *version for cache_put and says in
 * *keep whether the answer is to be stored. */
static bool cache_get(http_req *r, uint64_t *version, bool *keep)
{
	*keep = false;
	if (store_data_version(r->store, version) < 0)
		return false;
	read_cache *rc = thread_cache();
	int64_t now = clock_now_ms();
	for (int i = 0; i < CACHE_SLOTS; i++) {
		cache_entry *ce = &rc->e[i];
		if (!ce->key || ce->version != *version || now - ce->at >= CACHE_TTL_MS ||
		    now < ce->at || now >= ce->session_expires || !cache_key_is(ce->key, r))
			continue;
		r->status = ce->status;
		r->text = xmalloc(ce->len + 1);
		memcpy(r->text, ce->body, ce->len + 1);
		r->text_len = ce->len;
		r->content_type = "application/json; charset=utf-8";
		r->caller_name = arena_strdup(&r->arena, ce->name);
		r->authenticated = true;
		rc->misses = 0;
		return true;
	}
	rc->misses++;
	*keep = rc->misses < CACHE_COLD_AFTER || rc->misses % CACHE_COLD_PROBE == 0;
	return false;
}

static void cache_put(http_req *r, uint64_t version)
{
	if (r->status != 200 || !r->text || r->text_len > CACHE_MAX_BODY || !r->authenticated)
		return;
	/* The session's end, as the authentication hook read it in this request's snapshot. */
	int64_t expires = r->caller_expires_ms;
	if (expires <= clock_now_ms())
		return;
	strbuf key;
	if (!cache_key_of(r, &key)) {
		strbuf_release(&key);
		return;
	}
	read_cache *rc = thread_cache();
	cache_entry *ce = &rc->e[rc->next++ % CACHE_SLOTS];
	free(ce->key);
	free(ce->body);
	ce->key = strbuf_detach(&key, NULL);
	ce->body = xmalloc(r->text_len + 1);
	memcpy(ce->body, r->text, r->text_len);
	ce->body[r->text_len] = '\0';
	ce->len = r->text_len;
	ce->version = version;
	ce->at = clock_now_ms();
	ce->session_expires = expires;
	ce->status = r->status;
	snprintf(ce->name, sizeof ce->name, "%s", r->caller_name ? r->caller_name : "");
}

static void dispatch(server *sv, http_req *r)
{
	char *path = arena_strdup(&r->arena, r->path);
	char allow[64];
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	enum router_result rr =
		router_match(sv->app->router, method, path, &r->match, allow, sizeof allow);
	if (rr == ROUTER_NO_METHOD) {
		r->allow = arena_strdup(&r->arena, allow);
		http_fail(r, 405, "method_not_allowed", NULL, "此路径不支持该请求方法");
		return;
	}
	if (rr == ROUTER_NO_PATH) {
		http_fail(r, 404, "not_found", NULL, "没有这个接口");
		return;
	}
	const char *auth = http_header(r, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		const char *tok = auth + 7;
		while (*tok == ' ')
			tok++;
		r->token = arena_strdup(&r->arena, tok);
	}
	/* A read request sees one snapshot from authentication to response (and on SQLite
	 * checks the WAL once, not once per statement). /healthz writes, so it is left out. */
	bool read_only = !strcmp(method, "GET") && r->match.route->fn != h_healthz;
	if (read_only)
		store_read_begin(r->store);
	bool cached = read_only && r->token && (r->match.route->flags & ROUTE_CACHED) &&
		      sv->app->cfg.read_cache;
	uint64_t version = 0;
	bool keep = false;
	if (cached && cache_get(r, &version, &keep)) {
		metrics_read_cache(sv->metrics, true);
		store_read_end(r->store);
		return;
	}
	if (cached)
		metrics_read_cache(sv->metrics, false);
	run_route(r);
	if (keep)
		cache_put(r, version);
	if (read_only)
		store_read_end(r->store);
}

/* The X-Forwarded-For header lines of a request, in order; the last PROXY_MAX_HEADERS
 * when there are more (the walk starts from the right). */
typedef struct xff_lines {
	const char *line[PROXY_MAX_HEADERS];
	size_t n;
} xff_lines;

static enum MHD_Result collect_xff(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	xff_lines *x = cls;
	if (!key || !value || strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	if (x->n == PROXY_MAX_HEADERS) {
		memmove(x->line, x->line + 1, (PROXY_MAX_HEADERS - 1) * sizeof x->line[0]);
		x->n--;
	}
	x->line[x->n++] = value;
	return MHD_YES;
}

/* The only place a request's client address comes from (r->ip: rate limits, the access
 * log, audit entries, the login log): the socket's peer, or behind a trusted front the
 * address X-Forwarded-For names (http/proxy.h). */
static void client_ip(const server_config *cfg, struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *peer = ci ? ci->client_addr : NULL;
	xff_lines x = {.n = 0};
	if (cfg->trusted_proxies.n && proxy_trusted(&cfg->trusted_proxies, peer))
		MHD_get_connection_values(c, MHD_HEADER_KIND, collect_xff, &x);
	proxy_client(&cfg->trusted_proxies, peer, x.line, x.n, out, n);
}

/* The policy of the web UI's pages. Vite builds the app into module scripts and style
 * sheets under /assets, and index.html holds no inline script, so scripts come from the
 * site alone. ECharts writes its tooltips as HTML with style attributes, so inline
 * styles are allowed (styles run no code). Photos are shown from blob: URLs. Nothing
 * loads from another origin, and no site may frame a page (clickjacking). */
static const char page_policy[] =
	"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/* nosniff on every answer, so that a browser never runs an answer as another type than
 * it says; the page policy and its companions on every HTML answer. */
static void add_security_headers(struct MHD_Response *resp, const char *ctype)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (!ctype || strncmp(ctype, "text/html", 9) != 0)
		return;
	MHD_add_response_header(resp, "Content-Security-Policy", page_policy);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
}

static enum MHD_Result queue(server *sv, struct MHD_Connection *c, http_req *r)
{
	struct MHD_Response *resp = NULL;
	int status = r->status;
	const char *ctype = r->content_type;
	bool immutable = false;
	if (r->json) {
		strbuf sb = STRBUF_INIT;
		jw_tree(&sb, r->json);
		size_t n;
		char *s = strbuf_detach(&sb, &n);
		resp = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
		ctype = "application/json; charset=utf-8";
	} else if (r->text) {
		resp = MHD_create_response_from_buffer(r->text_len, r->text, MHD_RESPMEM_MUST_FREE);
		r->text = NULL;
	} else if (status == -1) {
		resp = static_response(sv, r, &status, &ctype, &immutable);
		if (!resp) {
			/* An unknown path without an extension is a page of the web app. */
			const char *last = strrchr(r->path, '/');
			if (last && !strchr(last, '.') && strcmp(r->path, "/") != 0) {
				const char *saved = r->path;
				r->path = "/";
				resp = static_response(sv, r, &status, &ctype, &immutable);
				r->path = saved;
			}
		}
		if (!resp) {
			status = 404;
			static const char nf[] = "404 not found\n";
			resp = MHD_create_response_from_buffer(sizeof nf - 1, (void *)nf,
							       MHD_RESPMEM_PERSISTENT);
			ctype = "text/plain; charset=utf-8";
		}
		r->status = status;
	} else {
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (ctype)
		MHD_add_response_header(resp, "Content-Type", ctype);
	add_security_headers(resp, ctype);
	if (r->allow)
		MHD_add_response_header(resp, "Allow", r->allow);
	if (r->disposition)
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->idem_replayed)
		MHD_add_response_header(resp, "Idempotency-Replayed", "true");
	if (r->retry_after > 0) {
		char secs[16];
		snprintf(secs, sizeof secs, "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", secs);
	}
	/* Open311 is a public, read-mostly API that web clients on other sites call. */
	if (strncmp(r->path, "/open311/", 9) == 0)
		MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
	if (r->match.route)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	else if (immutable)
		MHD_add_response_header(resp, "Cache-Control",
					"public, max-age=31536000, immutable");
	else
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
	if (status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static bool is_api_path(const char *p)
{
	return strncmp(p, "/api/", 5) == 0 || strcmp(p, "/api") == 0 ||
	       strncmp(p, "/open311/", 9) == 0 || strcmp(p, "/healthz") == 0 ||
	       strcmp(p, "/metrics") == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	server *sv = cls;
	http_req *r = *con_cls;
	if (!r) {
		r = xcalloc(1, sizeof *r);
		arena_init(&r->arena);
		r->started_ns = clock_mono_ns();
		r->app = sv->app;
		r->store = sv->app->store;
		r->conn = c;
		r->method = arena_strdup(&r->arena, method);
		r->path = arena_strdup(&r->arena, url);
		strbuf_init(&r->body, sv->app->cfg.max_body);
		client_ip(&sv->app->cfg, c, r->ip, sizeof r->ip);
		*con_cls = r;
		atomic_fetch_add(&sv->inflight, 1);
		/* An announced oversize body is refused. A moderately large one is read and
		 * discarded first, because most clients send the whole body before they
		 * read a reply and would see a reset instead of the 413; a huge one is
		 * answered at once and the connection closed. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		unsigned long long announced = cl ? strtoull(cl, NULL, 10) : 0;
		if (announced > sv->app->cfg.max_body) {
			r->body_too_large = true;
			if (announced > (unsigned long long)sv->app->cfg.max_body * 16) {
				http_fail(r, 413, "too_large", NULL, "请求体超过大小限制");
				return queue(sv, c, r);
			}
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->body_too_large && strbuf_add(&r->body, upload, *upload_size) < 0) {
			r->body_too_large = true;
			strbuf_release(&r->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->suspended) { /* resumed: the deferred write is done */
		r->suspended = false;
		finish_write(r, r->defer_rc, &r->defer_err);
		idem_finish(r);
		return queue(sv, c, r);
	}
	if (r->status) /* already answered (413 above) */
		return MHD_YES;
	if (r->body_too_large) {
		http_fail(r, 413, "too_large", NULL, "请求体超过大小限制");
		return queue(sv, c, r);
	}
	if (is_api_path(r->path)) {
		dispatch(sv, r);
		if (r->defer_fn && store_can_defer(r->store)) {
			/* Suspend before queueing, so the writer's resume always finds the
			 * connection suspended. */
			r->suspended = true;
			MHD_suspend_connection(c);
			store_write_async(r->store, r->defer_fn, r->defer_ctx, write_done, r);
			idem_disarm();
			return MHD_YES;
		}
		if (r->defer_fn) {
			err e = {0};
			int rc = store_write(r->store, r->defer_fn, r->defer_ctx, &e);
			finish_write(r, rc, &e);
		}
		idem_finish(r);
	} else if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) {
		r->status = -1; /* a static file, resolved in queue() */
	} else {
		http_fail(r, 405, "method_not_allowed", NULL, "静态页面只支持 GET");
		r->allow = "GET, HEAD";
	}
	return queue(sv, c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)c, (void)toe;
	server *sv = cls;
	http_req *r = *con_cls;
	if (!r)
		return;
	idem_finish(r); /* a request that ended without its answer still leaves its key */
	int64_t ns = clock_mono_ns() - r->started_ns;
	int slot = r->match.route ? r->match.index : is_api_path(r->path) ? -2 : -1;
	metrics_record(sv->metrics, slot, r->status > 0 ? r->status : 500, ns);
	access_log_write(sv, r);
	json_decref(r->json);
	json_decref(r->body_json);
	free(r->text);
	strbuf_release(&r->body);
	arena_free(&r->arena);
	free(r);
	*con_cls = NULL;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci && ci->socket_context) {
		int *fresh = ci->socket_context;
		if (*fresh) {
			*fresh = 0;
			atomic_fetch_sub(&sv->fresh, 1);
		}
	}
	atomic_fetch_sub(&sv->inflight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)c;
	server *sv = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		int *fresh = xmalloc(sizeof *fresh);
		*fresh = 1;
		*socket_context = fresh;
		atomic_fetch_add(&sv->fresh, 1);
		metrics_connection(sv->metrics, 1);
	} else {
		int *fresh = *socket_context;
		if (fresh && *fresh)
			atomic_fetch_sub(&sv->fresh, 1);
		free(fresh);
		*socket_context = NULL;
		metrics_connection(sv->metrics, -1);
	}
}

/* ---- built-in routes: health and metrics ---- */

static int h_healthz(http_req *r)
{
	/* Every probe reads; a write (a durable commit) at most once a second, so that a
	 * load balancer probing hard does not turn into a stream of fsyncs. */
	static _Atomic int64_t last_write;
	int64_t now = clock_now_ms();
	int64_t last = atomic_load(&last_write);
	bool write = now - last >= 1000 && atomic_compare_exchange_strong(&last_write, &last, now);
	err e = {0};
	int rc = write ? store_ping(r->store, &e) : store_ping_read(r->store, &e);
	if (rc < 0) {
		if (write)
			atomic_store(&last_write, 0);
		e.kind = ERR_UNAVAILABLE;
		return http_error(r, &e);
	}
	return http_json(r, 200,
			 json_pack("{s:s, s:s, s:i}", "status", "ok", "database",
				   store_kind_name(r->store), "schema_version",
				   store_schema_version(r->store)));
}

/* Metrics tell how busy each route is and how the database fares: on the service's
 * address for an admin only (anyone else may scrape them on --metrics-listen). */
static int h_metrics(http_req *r)
{
	strbuf sb = STRBUF_INIT;
	metrics_render(g_server->metrics, r->store, &sb);
	r->text = strbuf_detach(&sb, &r->text_len);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	r->status = 200;
	return 0;
}

static struct route system_routes[] = {
	{"GET", "/healthz", h_healthz, ROUTE_PUBLIC, 0, NULL},
	{"GET", "/metrics", h_metrics, 0, 0, NULL}, /* roles: app->metrics_roles, set at start */
};

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("yiwang: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- the metrics address (serve --metrics-listen) ----
 * A second daemon, on one thread, that answers GET /metrics without a token and nothing
 * else: its address is meant for the scraper's network, so that the service's own address
 * shows metrics to no one but an admin. */

static struct MHD_Response *error_response(const char *code, const char *message)
{
	strbuf sb = STRBUF_INIT;
	jw_open(&sb, '{');
	jw_key(&sb, "error");
	jw_open(&sb, '{');
	jw_key(&sb, "code");
	jw_str(&sb, code);
	jw_key(&sb, "message");
	jw_str(&sb, message);
	jw_close(&sb, '}');
	jw_close(&sb, '}');
	size_t n;
	char *body = strbuf_detach(&sb, &n);
	return MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result on_metrics_request(void *cls, struct MHD_Connection *c, const char *url,
					  const char *method, const char *version,
					  const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version, (void)upload;
	static int begun;
	if (!*con_cls) { /* the headers are in: answer once the request is complete */
		*con_cls = &begun;
		return MHD_YES;
	}
	if (*upload_size) { /* a body is read and ignored */
		*upload_size = 0;
		return MHD_YES;
	}
	server *sv = cls;
	unsigned status = 200;
	const char *ctype = "application/json; charset=utf-8";
	struct MHD_Response *resp;
	if (strcmp(url, "/metrics") != 0) {
		status = 404;
		resp = error_response("not_found", "此地址只提供 /metrics");
	} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		status = 405;
		resp = error_response("method_not_allowed", "/metrics 只支持 GET");
	} else {
		strbuf sb = STRBUF_INIT;
		metrics_render(sv->metrics, sv->app->store, &sb);
		size_t n;
		char *body = strbuf_detach(&sb, &n);
		resp = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
		ctype = "text/plain; version=0.0.4; charset=utf-8";
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", ctype);
	add_security_headers(resp, ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (status == 405)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Resolves host and port for a listening socket. */
static int resolve_listen(const char *what, const char *host, int port, struct addrinfo **ai,
			  err *e)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	char service[16];
	snprintf(service, sizeof service, "%d", port);
	*ai = NULL;
	int gai = getaddrinfo(host, service, &hints, ai);
	if (gai != 0 || !*ai)
		return err_set(e, ERR_INVALID, what, what, "无法解析监听地址 %s：%s", host,
			       gai_strerror(gai));
	return 0;
}

/* Starts the daemon of --metrics-listen; NULL with e set when it cannot listen. */
static struct MHD_Daemon *metrics_listen_start(server *sv, err *e)
{
	const server_config *cfg = &sv->app->cfg;
	struct addrinfo *ai;
	if (resolve_listen("metrics_listen", cfg->metrics_host, cfg->metrics_port, &ai, e) < 0)
		return NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)cfg->metrics_port, NULL, NULL, on_metrics_request, sv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!d)
		err_set(e, ERR_UNAVAILABLE, "metrics_listen", "metrics_listen",
			"无法在 %s:%d 上提供 metrics（端口被占用或地址无效）", cfg->metrics_host,
			cfg->metrics_port);
	return d;
}

/* Every connection takes a descriptor, beside the database's (a few per worker thread),
 * the logs and static files. A service manager's default soft limit (1024 under systemd)
 * is below what the default --max-connections needs: accept() would fail with EMFILE,
 * libmicrohttpd busy-waits, and new clients queue in the kernel while idle ones hold
 * every descriptor. Raise the soft limit to fit, up to the hard limit; past that, lower
 * the connection limit to what there is, and say so. */
static void fit_descriptors(server_config *cfg)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rlim_t spare = 64 + 4 * (rlim_t)(cfg->threads > 0 ? cfg->threads : 1);
	rlim_t need = cfg->max_connections + spare;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		struct rlimit raised = {need, rl.rlim_max};
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
			raised.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
			rl.rlim_cur = raised.rlim_cur;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return;
	unsigned fit = rl.rlim_cur > spare + 16 ? (unsigned)(rl.rlim_cur - spare) : 16;
	fprintf(stderr,
		"yiwang: only %llu file descriptors (ulimit -n): --max-connections lowered from "
		"%u to %u\n",
		(unsigned long long)rl.rlim_cur, cfg->max_connections, fit);
	cfg->max_connections = fit;
}

/* ---- lifecycle ---- */

int server_run(app *a, err *e)
{
	fit_descriptors(&a->cfg);
	system_routes[1].roles = a->metrics_roles;
	router_add(a->router, system_routes, sizeof system_routes / sizeof system_routes[0]);
	server sv = {.app = a};
	sv.metrics = metrics_new(a->router);
	g_server = &sv;
	const char *al = a->cfg.access_log;
	if (!al || strcmp(al, "-") == 0)
		sv.access_log = stderr;
	else if (strcmp(al, "off") == 0)
		sv.access_log = NULL;
	else if (!(sv.access_log = fopen(al, "a"))) {
		metrics_free(sv.metrics);
		return err_set(e, ERR_INVALID, "access_log", "access_log",
			       "无法打开访问日志 %s：%s", al, strerror(errno));
	}

	struct addrinfo *ai;
	if (resolve_listen("listen", a->cfg.listen_host, a->cfg.listen_port, &ai, e) < 0) {
		metrics_free(sv.metrics);
		return -1;
	}

	/* Workers inherit this mask, so only the main thread receives the signals. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)a->cfg.listen_port, NULL, NULL, on_request, &sv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)a->cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
		a->cfg.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		a->cfg.per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT, a->cfg.timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, &sv, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!d) {
		pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
		metrics_free(sv.metrics);
		if (sv.access_log && sv.access_log != stderr)
			fclose(sv.access_log);
		return err_set(e, ERR_UNAVAILABLE, "listen", "listen",
			       "无法在 %s:%d 上监听（端口被占用或地址无效）", a->cfg.listen_host,
			       a->cfg.listen_port);
	}
	struct MHD_Daemon *md = NULL;
	if (a->cfg.metrics_port && !(md = metrics_listen_start(&sv, e))) {
		MHD_stop_daemon(d);
		pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
		metrics_free(sv.metrics);
		if (sv.access_log && sv.access_log != stderr)
			fclose(sv.access_log);
		return -1;
	}
	if (md)
		fprintf(stderr, "yiwang: metrics on http://%s:%d/metrics\n", a->cfg.metrics_host,
			a->cfg.metrics_port);
	fprintf(stderr, "yiwang: serving %s on http://%s:%d (%d threads, %s)\n",
		store_kind_name(a->store), a->cfg.listen_host, a->cfg.listen_port, a->cfg.threads,
		a->cfg.web_dir ? a->cfg.web_dir : "no web UI");

	int sig = 0;
	sigwait(&sigs, &sig);
	fprintf(stderr, "yiwang: %s received, finishing requests in flight\n",
		sig == SIGTERM ? "SIGTERM" : "SIGINT");
	/* Stop accepting. Connections the kernel already accepted wait in the listen
	 * queue with their requests sent: hand them to the workers rather than reset
	 * them. Then let every request finish (up to 20 s): wait until no request is in
	 * flight and no connection waits for its first answer. Idle keep-alive
	 * connections are not waited for. */
	MHD_socket ls = MHD_quiesce_daemon(d);
	int handed = 0;
	if (ls != MHD_INVALID_SOCKET) {
		for (;;) {
			struct sockaddr_storage addr;
			socklen_t alen = sizeof addr;
			int fd = accept4(ls, (struct sockaddr *)&addr, &alen,
					 SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0)
				break;
			if (MHD_add_connection(d, fd, (struct sockaddr *)&addr, alen) != MHD_YES) {
				fprintf(stderr,
					"yiwang: could not hand over a queued connection\n");
				close(fd);
			} else {
				handed++;
			}
		}
		close(ls);
	}
	if (handed)
		fprintf(stderr, "yiwang: %d queued connection(s) handed to the workers\n", handed);
	int64_t deadline = clock_mono_ns() + (int64_t)20 * 1000000000;
	while (clock_mono_ns() < deadline &&
	       (atomic_load(&sv.inflight) > 0 || atomic_load(&sv.fresh) > 0))
		usleep(10000);
	MHD_stop_daemon(d);
	if (md)
		MHD_stop_daemon(md);
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
	if (sv.access_log && sv.access_log != stderr)
		fclose(sv.access_log);
	metrics_free(sv.metrics);
	g_server = NULL;
	fprintf(stderr, "yiwang: stopped\n");
	return 0;
}
