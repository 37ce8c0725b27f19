/* Open311 GeoReport v2 over HTTP (docs/open311.md), under /open311/v2/: the format by the
 * suffix (.json or .xml), parameters from the query string and, for POST, the
 * form-encoded body, empty parameters as absent, jurisdiction_id, API keys (checked
 * whenever one is sent, required to create), a rate limit per key, one audit entry per
 * request made with a key, and errors as the specification's array of {code,
 * description}. Every path under /open311/ answers in that format, unknown ones too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "routes.h"
#include "http/validate.h"
#include "org/audit.h"
#include "http/idem.h"
#include "org/auth.h"
#include "core/clock.h"
#include "core/mem.h"
#include "http/ratelimit.h"
#include "appeals/open311.h"
#include "appeals/open311_params.h"

enum fmt { FMT_XML, FMT_JSON };
enum { MAX_PARAMS = 256, MAX_ANSWERS = 100, ID_LIST_MAX = 1000 };

typedef struct param {
	const char *name, *value;
} param;

/* One Open311 request: its format, its parameters and the partner's key. */
typedef struct o311 {
	http_req *r;
	enum fmt fmt;
	param params[MAX_PARAMS];
	size_t nparams;
	bool too_many;
	int64_t key_id; /* 0: no key sent */
	actor key;
	json_t *read_ids; /* the ids a read returned, for the audit entry */
	char area[64];	  /* the city jurisdiction_id names ("/270/"); "": the deployment */
} o311;

/* ---- rendering ---- */

static void xml_escape(strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': strbuf_adds(sb, "&amp;"); break;
		case '<': strbuf_adds(sb, "&lt;"); break;
		case '>': strbuf_adds(sb, "&gt;"); break;
		case '"': strbuf_adds(sb, "&quot;"); break;
		case '\'': strbuf_adds(sb, "&apos;"); break;
		default: strbuf_addch(sb, *s);
		}
	}
}

/* The element name of one item of a list element. */
static const char *item_name(const char *list)
{
	static const struct {
		const char *list, *item;
	} names[] = {
		{"services", "service"}, {"service_requests", "request"},
		{"errors", "error"},	 {"attributes", "attribute"},
		{"values", "value"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i].list, list))
			return names[i].item;
	return "item";
}

/* The XML mapping of the specification: objects are elements of their fields, lists are
 * elements of their items, null is an empty element. */
static void xml_element(strbuf *sb, const char *name, json_t *v)
{
	if (json_is_null(v)) {
		strbuf_addf(sb, "<%s/>", name);
		return;
	}
	strbuf_addf(sb, "<%s>", name);
	if (json_is_object(v)) {
		const char *k;
		json_t *f;
		json_object_foreach(v, k, f) xml_element(sb, k, f);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) xml_element(sb, item_name(name), item);
	} else if (json_is_string(v)) {
		xml_escape(sb, json_string_value(v));
	} else if (json_is_integer(v)) {
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		strbuf_addf(sb, "%.15g", json_real_value(v));
	} else {
		strbuf_adds(sb, json_is_true(v) ? "true" : "false");
	}
	strbuf_addf(sb, "</%s>", name);
}

/* Answers v (ownership taken): JSON as it is, XML under the root element root. */
static int send(o311 *q, int status, const char *root, json_t *v)
{
	http_req *r = q->r;
	strbuf sb = STRBUF_INIT;
	if (q->fmt == FMT_JSON) {
		/* 15 digits: a latitude sent as 42.01 reads back as 42.01. */
		char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
		strbuf_adds(&sb, s ? s : "[]");
		free(s);
	} else {
		strbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
		xml_element(&sb, root, v);
		strbuf_addch(&sb, '\n');
	}
	json_decref(v);
	if (r->json) {
		json_decref(r->json);
		r->json = NULL;
	}
	free(r->text);
	r->text = strbuf_detach(&sb, &r->text_len);
	r->content_type =
		q->fmt == FMT_JSON ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
	r->status = status;
	return 0;
}

static int status_of(const err *e)
{
	switch (e->kind) {
	case ERR_BAD_REQUEST:
	case ERR_INVALID:
	case ERR_CONFLICT: return 400;
	case ERR_UNAUTHORIZED:
	case ERR_FORBIDDEN:
	case ERR_LOCKED: return 403;
	case ERR_NOT_FOUND: return 404;
	case ERR_TOO_LARGE: return 413;
	case ERR_RATE_LIMITED: return 429;
	case ERR_UNAVAILABLE: return 503;
	default: return 500;
	}
}

/* The specification's error: [{code, description}], code the HTTP status. */
static int fail(o311 *q, int status, const char *description)
{
	return send(q, status, "errors",
		    json_pack("[{s:i, s:s}]", "code", status, "description", description));
}

static int fail_err(o311 *q, const err *e)
{
	return fail(q, status_of(e), e->message[0] ? e->message : "internal error");
}

/* ---- parameters ---- */

static int collect(void *ctx, const char *name, const char *value)
{
	o311 *q = ctx;
	if (q->nparams == MAX_PARAMS) {
		q->too_many = true;
		return 1;
	}
	q->params[q->nparams++] = (param){name, value};
	return 0;
}

/* A parameter's value: the first non-empty one; NULL when absent or empty (the
 * specification treats both alike). */
static const char *get(o311 *q, const char *name)
{
	for (size_t i = 0; i < q->nparams; i++)
		if (!strcmp(q->params[i].name, name) && q->params[i].value && *q->params[i].value)
			return q->params[i].value;
	return NULL;
}

/* Reads the parameters (the query string; for POST also the form body) and checks that
 * each is valid UTF-8 without control characters. */
static int read_params(o311 *q, bool form, err *e)
{
	http_req *r = q->r;
	http_query_each(r, collect, q);
	if (form && r->body.len) {
		const char *ct = http_header(r, "Content-Type");
		if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
			return err_set(e, ERR_BAD_REQUEST, "content_type", NULL,
				       "the body must be application/x-www-form-urlencoded");
		int rc = http_form_each(r, collect, q, e);
		if (rc < 0)
			return -1;
	}
	if (q->too_many)
		return err_set(e, ERR_BAD_REQUEST, "too_many_parameters", NULL,
			       "more than %d parameters", MAX_PARAMS);
	for (size_t i = 0; i < q->nparams; i++) {
		const param *p = &q->params[i];
		if (!open311_param_ok(p->name, p->value))
			return err_set(e, ERR_BAD_REQUEST, "invalid_text", p->name,
				       "parameter %s is not valid UTF-8 text", p->name);
	}
	return 0;
}

/* A text parameter of at most max characters. */
static int text_param(o311 *q, const char *name, size_t max, const char **out, err *e)
{
	*out = get(q, name);
	if (*out && (size_t)jv_utf8_chars(*out) > max)
		return err_set(e, ERR_BAD_REQUEST, "too_long", name,
			       "%s is longer than %zu characters", name, max);
	return 0;
}

static int number_param(o311 *q, const char *name, double min, double max, bool *has, double *out,
			err *e)
{
	const char *v = get(q, name);
	*has = false;
	if (!v)
		return 0;
	if (open311_number(v, min, max, out) < 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name,
			       "%s must be a number between %g and %g", name, min, max);
	*has = true;
	return 0;
}

/* ---- keys, jurisdiction, limits, audit ---- */

/* The partner's key as the actor of what it does: no user, no unit, no area. Its name
 * shows in appeal timelines, cut at a character boundary to fit. */
static void key_actor(o311 *q, const char *partner)
{
	actor *a = &q->key;
	memset(a, 0, sizeof *a);
	char *full = arena_printf(&q->r->arena, "open311:%s", partner);
	size_t n = strlen(full);
	if (n >= sizeof a->username) {
		n = sizeof a->username - 1;
		while (n > 0 && ((unsigned char)full[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(a->username, full, n);
	a->username[n] = '\0';
	snprintf(a->unit_path, sizeof a->unit_path, "/");
	snprintf(a->ip, sizeof a->ip, "%s", q->r->ip);
}

/* What every Open311 request goes through before its method: the parameters, the
 * jurisdiction, the key when one is sent (or required), and the rate limit. */
static int begin(o311 *q, http_req *r, enum fmt fmt, bool form, bool key_required, err *e)
{
	memset(q, 0, sizeof *q);
	q->r = r;
	q->fmt = fmt;
	if (read_params(q, form, e) < 0)
		return -1;
	const char *want = r->app->cfg.open311_jurisdiction;
	const char *jid = get(q, "jurisdiction_id");
	/* Several cities in one deployment: a city's code (its root unit's) is a jurisdiction
	 * of its own, whose requests land in and are listed from that city only. */
	int64_t root = 0;
	if (jid && (!want || strcmp(want, jid) != 0)) {
		store_conn *c = store_conn_get(r->store, e);
		if (!c ||
		    store_query_int(c, &root, 0, e,
				    "SELECT id FROM units WHERE parent_id IS NULL AND code = ?",
				    "s", jid) < 0)
			return -1;
		if (root)
			snprintf(q->area, sizeof q->area, "/%lld/", (long long)root);
	}
	if (want && jid && strcmp(want, jid) != 0 && !root)
		return err_set(e, ERR_NOT_FOUND, "jurisdiction_not_found", "jurisdiction_id",
			       "jurisdiction_id %s was not found", jid);
	const char *key = get(q, "api_key");
	if (!key && key_required)
		return err_set(e, ERR_FORBIDDEN, "missing_api_key", "api_key",
			       "api_key is required to create a service request");
	char limit_key[80];
	if (key) {
		char partner[256];
		err ke = {0};
		if (auth_apikey_check(r->store, key, &q->key_id, partner, sizeof partner, &ke) <
		    0) {
			if (ke.kind != ERR_FORBIDDEN)
				return err_set(e, ke.kind, ke.code, NULL, "%s", ke.message);
			return err_set(e, ERR_FORBIDDEN, "invalid_api_key", "api_key",
				       "invalid or revoked api_key");
		}
		key_actor(q, partner);
		if (q->area[0])
			snprintf(q->key.unit_path, sizeof q->key.unit_path, "%s", q->area);
		snprintf(limit_key, sizeof limit_key, "key:%lld", (long long)q->key_id);
	} else {
		snprintf(limit_key, sizeof limit_key, "ip:%s", r->ip);
	}
	if (!ratelimit_take(r->app->open311_limit, limit_key, clock_now_ms())) {
		q->key_id = 0; /* a refused request is not served: nothing to audit */
		return err_set(e, ERR_RATE_LIMITED, "rate_limited", NULL,
			       "too many requests; try again in a minute");
	}
	return 0;
}

typedef struct audit_ctx {
	o311 *q;
	const char *action;
	json_t *detail;
} audit_ctx;

static int audit_tx(store_conn *c, void *p, err *e)
{
	audit_ctx *x = p;
	return audit_append(c, &x->q->key, x->action, "api_key", x->q->key_id, x->detail, e);
}

/* Records a request made with a key (a successful create records itself with the appeal).
 * A read that cannot be recorded is not answered. */
static void finish(o311 *q)
{
	http_req *r = q->r;
	if (!q->key_id) {
		json_decref(q->read_ids);
		q->read_ids = NULL;
		return;
	}
	bool ok = r->status >= 200 && r->status < 300;
	json_t *d = json_pack("{s:s, s:s, s:i}", "method", r->method, "path", r->path, "status",
			      r->status);
	if (q->read_ids)
		json_object_set(d, "service_request_ids", q->read_ids);
	audit_ctx x = {q, ok ? "open311_read" : "open311_rejected", d};
	err e = {0};
	if (store_write(r->store, audit_tx, &x, &e) < 0 && ok)
		fail_err(q, &e);
	json_decref(d);
	json_decref(q->read_ids);
	q->read_ids = NULL;
}

/* The ids of a list of requests, for the audit entry. */
static void note_ids(o311 *q, json_t *requests)
{
	if (!q->key_id)
		return;
	json_t *ids = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(requests, i, v)
		json_array_append(ids, json_object_get(v, "service_request_id"));
	q->read_ids = ids;
}

/* ---- paths ---- */

/* Splits "services.json" into its name and format; -1 when the suffix is neither. */
static int split_file(const char *file, char *name, size_t n, enum fmt *fmt)
{
	bool json;
	int rc = open311_split_file(file, name, n, &json);
	*fmt = json ? FMT_JSON : FMT_XML;
	return rc;
}

/* The format a path asks for, for answering errors: JSON when it ends in .json. */
static enum fmt fmt_of_path(const char *path)
{
	size_t n = strlen(path);
	return n >= 5 && !strcmp(path + n - 5, ".json") ? FMT_JSON : FMT_XML;
}

static int bad_format(http_req *r)
{
	o311 q = {.r = r, .fmt = fmt_of_path(r->path)};
	return fail(&q, 400, "the format must be .json or .xml, as in services.json");
}

/* ---- GET services ---- */

static int services_list(o311 *q)
{
	err e = {0};
	store_conn *c = store_conn_get(q->r->store, &e);
	json_t *out;
	if (!c || open311_services(c, &out, &e) < 0)
		return fail_err(q, &e);
	return send(q, 200, "services", out);
}

static int h_service(http_req *r)
{
	char code[64];
	enum fmt fmt;
	if (split_file(http_param(r, "file"), code, sizeof code, &fmt) < 0)
		return bad_format(r);
	o311 q;
	err e = {0};
	store_conn *c;
	json_t *out;
	if (begin(&q, r, fmt, false, false, &e) < 0)
		fail_err(&q, &e);
	else if (!*code)
		fail(&q, 400, "service_code was not provided");
	else if (!(c = store_conn_get(r->store, &e)) ||
		 open311_service_definition(c, code, &out, &e) < 0)
		fail_err(&q, &e);
	else
		send(&q, 200, "service_definition", out);
	finish(&q);
	return 0;
}

/* ---- POST requests ---- */

typedef struct submit_ctx {
	const actor *who;
	open311_submission in;
	open311_receipt out;
	o311 *q;
} submit_ctx;

static int created_answer(submit_ctx *x);

static int submit_tx(store_conn *c, void *p, err *e)
{
	submit_ctx *x = p;
	if (open311_submit(c, x->who, &x->in, &x->out, e) < 0)
		return -1;
	/* Under an idempotency key (partners retry) the answer commits with the request. */
	if (idem_tx_active()) {
		created_answer(x);
		idem_note_answer(x->q->r->status, x->q->r->content_type, x->q->r->text);
	}
	return 0;
}

static int read_submission(o311 *q, open311_submission *in, open311_answer *answers, err *e)
{
	bool has_lat, has_long;
	memset(in, 0, sizeof *in);
	in->api_key_id = q->key_id;
	if (text_param(q, "service_code", 32, &in->service_code, e) < 0 ||
	    number_param(q, "lat", -90, 90, &has_lat, &in->lat, e) < 0 ||
	    number_param(q, "long", -180, 180, &has_long, &in->lon, e) < 0 ||
	    text_param(q, "address_string", 200, &in->address_string, e) < 0 ||
	    text_param(q, "address_id", 100, &in->address_id, e) < 0 ||
	    text_param(q, "email", 254, &in->email, e) < 0 ||
	    text_param(q, "device_id", 100, &in->device_id, e) < 0 ||
	    text_param(q, "account_id", 100, &in->account_id, e) < 0 ||
	    text_param(q, "first_name", 50, &in->first_name, e) < 0 ||
	    text_param(q, "last_name", 50, &in->last_name, e) < 0 ||
	    text_param(q, "phone", 20, &in->phone, e) < 0 ||
	    text_param(q, "description", OPEN311_DESCRIPTION_MAX, &in->description, e) < 0 ||
	    text_param(q, "media_url", 2000, &in->media_url, e) < 0)
		return -1;
	if (!in->service_code)
		return err_set(e, ERR_BAD_REQUEST, "missing_parameter", "service_code",
			       "service_code was not provided");
	if (has_lat != has_long)
		return err_set(e, ERR_BAD_REQUEST, "invalid_location", has_lat ? "long" : "lat",
			       "lat and long must be sent together");
	in->has_coords = has_lat && has_long;
	if (!in->has_coords && !in->address_string && !in->address_id)
		return err_set(e, ERR_BAD_REQUEST, "missing_location", "lat",
			       "a location is required: lat and long, address_string or "
			       "address_id");
	err pe = {0};
	if (in->phone && jv_phone(in->phone, "phone", &pe) < 0)
		return err_set(e, ERR_BAD_REQUEST, pe.code, "phone",
			       "phone may hold digits, spaces, + and - (at least 5 digits)");
	if (in->email && !open311_email_ok(in->email))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "email",
			       "email is not an email address");
	if (in->media_url && !open311_media_url_ok(in->media_url))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "media_url",
			       "media_url must be an http or https URL");
	size_t n = 0;
	for (size_t i = 0; i < q->nparams; i++) {
		const param *p = &q->params[i];
		if (strncmp(p->name, "attribute", 9) != 0)
			continue;
		char code[OPEN311_ATTR_CODE_MAX + 1];
		bool list;
		if (open311_attribute_name(p->name, code, sizeof code, &list) < 0)
			return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "attribute",
				       "%s is not attribute[code] or attribute[code][]", p->name);
		if (!p->value || !*p->value)
			continue;
		if (n == MAX_ANSWERS)
			return err_set(e, ERR_BAD_REQUEST, "too_many_parameters", "attribute",
				       "more than %d attribute values", MAX_ANSWERS);
		answers[n++] = (open311_answer){arena_strdup(&q->r->arena, code), p->value, list};
	}
	in->answers = answers;
	in->nanswers = n;
	return 0;
}

static int requests_create(o311 *q)
{
	err e = {0};
	submit_ctx x = {.who = &q->key, .q = q};
	open311_answer answers[MAX_ANSWERS];
	if (read_submission(q, &x.in, answers, &e) < 0 ||
	    store_write(q->r->store, submit_tx, &x, &e) < 0)
		return fail_err(q, &e);
	/* Created and recorded with the appeal: no separate audit entry. */
	q->key_id = 0;
	return created_answer(&x);
}

static int created_answer(submit_ctx *xp)
{
	submit_ctx x = *xp;
	o311 *q = x.q;
	json_t *o = x.out.token[0] ? json_pack("{s:s}", "token", x.out.token)
				   : json_pack("{s:s}", "service_request_id", x.out.number);
	json_object_set_new(o, "service_notice", json_string(x.out.service_notice));
	json_object_set_new(o, "account_id",
			    x.in.account_id ? json_string(x.in.account_id) : json_null());
	json_t *arr = json_array();
	json_array_append_new(arr, o);
	return send(q, 200, "service_requests", arr);
}

/* ---- GET requests ---- */

static int time_param(o311 *q, const char *name, int64_t *out, err *e)
{
	const char *v = get(q, name);
	*out = 0;
	if (v && clock_parse_iso(v, out) < 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name,
			       "%s must be a w3 date-time such as 2010-01-01T00:00:00Z", name);
	return 0;
}

static int requests_list(o311 *q)
{
	err e = {0};
	open311_query f = {.area = q->area[0] ? q->area : NULL};
	const int64_t window = (int64_t)OPEN311_WINDOW_DAYS * 24 * 3600 * 1000;
	int64_t start, end;
	f.ids = get(q, "service_request_id");
	f.service_codes = get(q, "service_code");
	if (time_param(q, "start_date", &start, &e) < 0 || time_param(q, "end_date", &end, &e) < 0)
		return fail_err(q, &e);
	if (f.ids) {
		size_t n = 1;
		for (const char *p = f.ids; *p; p++)
			n += *p == ',';
		if (n > ID_LIST_MAX || strlen(f.ids) > (size_t)ID_LIST_MAX * 33)
			return fail(q, 400, "at most 1000 service_request_id values");
	}
	/* Without dates, the most recent 90 days; with one, 90 days from or up to it. A
	 * list of ids overrides the dates. */
	if (f.ids) {
		start = end = 0;
	} else if (!start && !end) {
		end = clock_now_ms();
		start = end - window;
	} else if (!end) {
		end = start + window;
	} else if (!start) {
		start = end - window;
	}
	if (!f.ids && start > end)
		return fail(q, 400, "start_date is after end_date");
	if (!f.ids && end - start > window)
		return fail(q, 400, "start_date and end_date may not span more than 90 days");
	f.start = start;
	f.end = end;
	const char *status = get(q, "status");
	if (status && open311_status(status, &f.open, &f.closed) < 0)
		return fail(q, 400, "status must be open, closed or both");
	store_conn *c = store_conn_get(q->r->store, &e);
	json_t *out;
	if (!c || open311_requests(c, &f, &out, &e) < 0)
		return fail_err(q, &e);
	note_ids(q, out);
	return send(q, 200, "service_requests", out);
}

static int h_request(http_req *r)
{
	char id[64];
	enum fmt fmt;
	if (split_file(http_param(r, "file"), id, sizeof id, &fmt) < 0)
		return bad_format(r);
	o311 q;
	err e = {0};
	store_conn *c;
	json_t *out;
	open311_query f = {.ids = id};
	int began = begin(&q, r, fmt, false, false, &e);
	f.area = q.area[0] ? q.area : NULL;
	if (began < 0)
		fail_err(&q, &e);
	else if (!*id)
		fail(&q, 400, "service_request_id was not provided");
	else if (strchr(id, ','))
		fail(&q, 404, "service_request_id was not found");
	else if (!(c = store_conn_get(r->store, &e)) || open311_requests(c, &f, &out, &e) < 0)
		fail_err(&q, &e);
	else if (json_array_size(out) == 0) {
		json_decref(out);
		char *m = arena_printf(&r->arena, "service_request_id %s was not found", id);
		fail(&q, 404, m);
	} else {
		note_ids(&q, out);
		send(&q, 200, "service_requests", out);
	}
	finish(&q);
	return 0;
}

/* ---- GET tokens ---- */

static int h_token(http_req *r)
{
	char token[80];
	enum fmt fmt;
	if (split_file(http_param(r, "file"), token, sizeof token, &fmt) < 0)
		return bad_format(r);
	o311 q;
	err e = {0};
	store_conn *c;
	json_t *out;
	if (begin(&q, r, fmt, false, false, &e) < 0)
		fail_err(&q, &e);
	else if (!*token)
		fail(&q, 400, "token was not provided");
	else if (!open311_token_shape(token))
		fail(&q, 404, "token was not found");
	else if (!(c = store_conn_get(r->store, &e)) || open311_token(c, token, &out, &e) < 0)
		fail_err(&q, &e);
	else {
		note_ids(&q, out);
		send(&q, 200, "service_requests", out);
	}
	finish(&q);
	return 0;
}

/* ---- /open311/v2/{file}: services and requests ---- */

static int root(http_req *r, bool post)
{
	char name[32];
	enum fmt fmt;
	if (split_file(http_param(r, "file"), name, sizeof name, &fmt) < 0)
		return bad_format(r);
	bool services = !strcmp(name, "services"), requests = !strcmp(name, "requests");
	o311 q;
	err e = {0};
	if (!services && !requests) {
		q = (o311){.r = r, .fmt = fmt};
		return fail(&q, 404, "no such resource: the resources are services and requests");
	}
	if (post && services) {
		q = (o311){.r = r, .fmt = fmt};
		r->allow = "GET, HEAD";
		return fail(&q, 405, "services is read only: use GET");
	}
	if (begin(&q, r, fmt, post, post, &e) < 0)
		fail_err(&q, &e);
	else if (services)
		services_list(&q);
	else if (post)
		requests_create(&q);
	else
		requests_list(&q);
	finish(&q);
	return 0;
}

static int h_get_root(http_req *r)
{
	return root(r, false);
}

static int h_post_root(http_req *r)
{
	return root(r, true);
}

/* Everything else under /open311/: a known resource with another method is 405, the
 * rest 404, both in the Open311 format. */
static int h_fallback(http_req *r)
{
	o311 q = {.r = r, .fmt = fmt_of_path(r->path)};
	const char *rest = http_param(r, "rest");
	static const char *const known[] = {"v2/services.", "v2/requests.", "v2/services/",
					    "v2/requests/", "v2/tokens/"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		size_t n = strlen(known[i]);
		if (!strncmp(rest, known[i], n) && !strchr(rest + n, '/')) {
			r->allow = i == 1 ? "GET, HEAD, POST" : "GET, HEAD";
			return fail(&q, 405, "method not allowed on this resource");
		}
	}
	return fail(&q, 404, "no such Open311 resource; the base URL is /open311/v2/");
}

const struct route api_open311_routes[] = {
	{"GET", "/open311/v2/{file}", h_get_root, ROUTE_PUBLIC, 0, NULL},
	{"POST", "/open311/v2/{file}", h_post_root, ROUTE_PUBLIC, 0, NULL},
	{"GET", "/open311/v2/services/{file}", h_service, ROUTE_PUBLIC, 0, NULL},
	{"GET", "/open311/v2/requests/{file}", h_request, ROUTE_PUBLIC, 0, NULL},
	{"GET", "/open311/v2/tokens/{file}", h_token, ROUTE_PUBLIC, 0, NULL},
	{"*", "/open311/{rest*}", h_fallback, ROUTE_PUBLIC, 0, NULL},
};
const size_t api_open311_routes_count = sizeof api_open311_routes / sizeof api_open311_routes[0];
