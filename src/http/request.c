/* Request input and response helpers for handlers. */
#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "http/http.h"

const char *http_query(http_req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	return v && *v ? v : NULL;
}

const char *http_header(http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

typedef struct pair_walk {
	http_pair_fn fn;
	void *ctx;
} pair_walk;

static enum MHD_Result query_pair(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	pair_walk *w = cls;
	return w->fn(w->ctx, key, value) == 0 ? MHD_YES : MHD_NO;
}

void http_query_each(http_req *r, http_pair_fn fn, void *ctx)
{
	pair_walk w = {fn, ctx};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_pair, &w);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes s[0..n) into out (at least n + 1 bytes). -1 on a malformed escape or an
 * escaped NUL, which would cut the text short unseen. */
static int form_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (n - i < 3)
				return -1;
			int a = hexval((unsigned char)s[i + 1]),
			    b = hexval((unsigned char)s[i + 2]);
			if (a < 0 || b < 0 || (a == 0 && b == 0))
				return -1;
			out[o++] = (char)(a * 16 + b);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return 0;
}

int http_form_each(http_req *r, http_pair_fn fn, void *ctx, err *e)
{
	const char *p = strbuf_str(&r->body);
	const char *end = p + r->body.len;
	if (memchr(p, '\0', r->body.len))
		return err_set(e, ERR_BAD_REQUEST, "malformed_form", NULL, "表单中含有空字符");
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if (stop > p) {
			const char *eq = memchr(p, '=', (size_t)(stop - p));
			const char *kend = eq ? eq : stop;
			char *key = arena_alloc(&r->arena, (size_t)(kend - p) + 1);
			char *val = eq ? arena_alloc(&r->arena, (size_t)(stop - eq)) : NULL;
			if (form_decode(p, (size_t)(kend - p), key) < 0 ||
			    (eq && form_decode(eq + 1, (size_t)(stop - eq - 1), val) < 0))
				return err_set(
					e, ERR_BAD_REQUEST, "malformed_form", NULL,
					"表单编码错误：%% 之后须为两位十六进制数（且不能是 00）");
			int rc = fn(ctx, key, val);
			if (rc)
				return rc;
		}
		p = stop + 1;
	}
	return 0;
}

const char *http_param(http_req *r, const char *name)
{
	for (int i = 0; i < r->match.ncap; i++)
		if (strcmp(r->match.cap_name[i], name) == 0)
			return r->match.cap_value[i];
	return NULL;
}

/* A decimal integer without sign, spaces or leading '+', that fits in int64. */
static int parse_int(const char *s, int64_t *out)
{
	if (!s || !*s)
		return -1;
	const char *p = s;
	bool neg = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	int64_t v = 0;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		int d = *p - '0';
		if (v > (INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? -v : v;
	return 0;
}

int http_param_id(http_req *r, const char *name, int64_t *id, err *e)
{
	if (parse_int(http_param(r, name), id) < 0 || *id <= 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "记录不存在");
	return 0;
}

json_t *http_body_object(http_req *r, err *e)
{
	if (r->body_json)
		return r->body_json;
	if (r->body.len == 0) {
		err_set(e, ERR_BAD_REQUEST, "empty_body", NULL, "请求体为空，需要 JSON 对象");
		return NULL;
	}
	json_error_t je;
	json_t *v = json_loadb(strbuf_str(&r->body), r->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		err_set(e, ERR_BAD_REQUEST, "malformed_json", NULL,
			"JSON 格式错误（第 %d 行第 %d 列）：%s", je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		err_set(e, ERR_BAD_REQUEST, "malformed_json", NULL, "请求体必须是 JSON 对象");
		return NULL;
	}
	r->body_json = v;
	return v;
}

int http_query_int(http_req *r, const char *name, int64_t min, int64_t max, int64_t def,
		   int64_t *out, err *e)
{
	const char *v = http_query(r, name);
	if (!v) {
		*out = def;
		return 0;
	}
	int64_t n;
	if (parse_int(v, &n) < 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name, "参数 %s 必须是整数",
			       name);
	if (n < min || n > max)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name,
			       "参数 %s 必须在 %lld 到 %lld 之间", name, (long long)min,
			       (long long)max);
	*out = n;
	return 0;
}

int http_paging(http_req *r, int64_t *page, int64_t *per_page, err *e)
{
	if (http_query_int(r, "page", 1, 1000000, 1, page, e) < 0 ||
	    http_query_int(r, "per_page", 1, 200, 20, per_page, e) < 0)
		return -1;
	return 0;
}

int http_json(http_req *r, int status, json_t *obj)
{
	if (r->json)
		json_decref(r->json);
	r->status = status;
	r->json = obj;
	return 0;
}

int http_defer_write(http_req *r, store_tx_fn fn, void *ctx,
		     int (*then)(http_req *r, int rc, const err *e))
{
	r->defer_fn = fn;
	r->defer_ctx = ctx;
	r->defer_then = then;
	return 0;
}

int http_json_text(http_req *r, int status, strbuf *sb)
{
	if (r->json)
		json_decref(r->json);
	r->json = NULL;
	free(r->text);
	r->status = status;
	r->text = strbuf_detach(sb, &r->text_len);
	r->content_type = "application/json; charset=utf-8";
	return 0;
}

int http_fail(http_req *r, int status, const char *code, const char *field, const char *message)
{
	json_t *inner = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (field && *field)
		json_object_set_new(inner, "field", json_string(field));
	return http_json(r, status, json_pack("{s:o}", "error", inner));
}

int http_error(http_req *r, const err *e)
{
	if (e->kind == ERR_NONE)
		return http_fail(r, 500, "internal_error", NULL, "内部错误");
	int status = err_http_status(e->kind);
	/* The database unreachable or failing over: the client comes back in a moment (with
	 * its idempotency key, for a write). */
	if (status == 503 && !r->retry_after)
		http_retry_after(r, 1);
	return http_fail(r, status, e->code, e->field, e->message);
}

void http_retry_after(http_req *r, int64_t seconds)
{
	r->retry_after = seconds < 1 ? 1 : seconds > 86400 ? 86400 : (int)seconds;
}

int http_no_content(http_req *r)
{
	if (r->json)
		json_decref(r->json);
	r->json = NULL;
	r->status = 204;
	return 0;
}

int http_list(http_req *r, json_t *items, int64_t total, int64_t page, int64_t per_page)
{
	return http_json(r, 200,
			 json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
				   (json_int_t)total, "page", (json_int_t)page, "per_page",
				   (json_int_t)per_page));
}

int http_authenticate(http_req *r, err *e)
{
	if (r->authenticated)
		return 0;
	if (!r->token)
		return err_set(e, ERR_UNAUTHORIZED, "unauthorized", NULL, "请先登录");
	if (!r->app->authenticate)
		return err_set(e, ERR_UNAUTHORIZED, "unauthorized", NULL, "本服务不接受登录");
	return r->app->authenticate(r, e);
}
