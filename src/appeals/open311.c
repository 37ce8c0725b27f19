#include "appeals/open311.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal.h"
#include "org/audit.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "org/privacy.h"

bool open311_datatype_valid(const char *d)
{
	static const char *const types[] = {"string", "number",		 "datetime",
					    "text",   "singlevaluelist", "multivaluelist"};
	for (size_t i = 0; d && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(d, types[i]))
			return true;
	return false;
}

bool open311_code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 1 || n > OPEN311_ATTR_CODE_MAX)
		return false;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* Characters of valid UTF-8 (checked at the edge): bytes that do not continue one. */
static long utf8_chars(const char *s)
{
	long n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool is_list(const char *datatype)
{
	return !strcmp(datatype, "singlevaluelist") || !strcmp(datatype, "multivaluelist");
}

static json_t *text_or_null(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

static json_t *time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char buf[40];
	clock_format_iso(ms, buf, sizeof buf);
	return json_string(buf);
}

/* ---- services ---- */

int open311_services(store_conn *c, json_t **out, err *e)
{
	/* Parents first: the service list reads like the category tree. */
	store_stmt *st = store_prepare(
		c,
		"SELECT cat.code, cat.name, cat.description, COALESCE(o.type, 'realtime'),"
		" o.keywords, p.name,"
		" (SELECT COUNT(*) FROM category_attributes ca WHERE ca.category_id = cat.id)"
		" FROM categories cat LEFT JOIN categories p ON p.id = cat.parent_id"
		" LEFT JOIN open311_services o ON o.category_id = cat.id"
		" WHERE cat.active = 1"
		" ORDER BY COALESCE(p.sort, cat.sort), COALESCE(p.id, cat.id),"
		" CASE WHEN p.id IS NULL THEN 0 ELSE 1 END, cat.sort, cat.id",
		e);
	if (!st)
		return -1;
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *o = json_pack("{s:s, s:s}", "service_code", store_col_text(st, 0),
				      "service_name", store_col_text(st, 1));
		json_object_set_new(o, "description", text_or_null(st, 2));
		json_object_set_new(o, "metadata", json_boolean(store_col_int(st, 6) > 0));
		json_object_set_new(o, "type", json_string(store_col_text(st, 3)));
		json_object_set_new(o, "keywords", text_or_null(st, 4));
		json_object_set_new(o, "group", text_or_null(st, 5));
		json_array_append_new(arr, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

/* The attributes of a category as the specification's attribute objects, in order. */
static int attributes_json(store_conn *c, int64_t category_id, json_t **out, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT code, datatype, variable, required, description, datatype_description,"
		" sort, value_list FROM category_attributes WHERE category_id = ? ORDER BY sort, "
		"id",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, category_id);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *o = json_object();
		json_object_set_new(o, "variable", json_boolean(store_col_int(st, 2)));
		json_object_set_new(o, "code", json_string(store_col_text(st, 0)));
		json_object_set_new(o, "datatype", json_string(store_col_text(st, 1)));
		json_object_set_new(o, "required", json_boolean(store_col_int(st, 3)));
		json_object_set_new(o, "datatype_description", text_or_null(st, 5));
		json_object_set_new(o, "order", json_integer(store_col_int(st, 6)));
		json_object_set_new(o, "description", json_string(store_col_text(st, 4)));
		if (is_list(store_col_text(st, 1))) {
			json_t *values = store_col_null(st, 7)
						 ? NULL
						 : json_loads(store_col_text(st, 7), 0, NULL);
			json_object_set_new(o, "values", values ? values : json_array());
		}
		json_array_append_new(arr, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

typedef struct service {
	int64_t category_id;
	char name[256];
	char type[16];
} service;

static int service_find(store_conn *c, const char *code, service *svc, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT cat.id, cat.name, COALESCE(o.type, 'realtime')"
				 " FROM categories cat LEFT JOIN open311_services o"
				 " ON o.category_id = cat.id WHERE cat.code = ? AND cat.active = 1",
				 "s", code);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "service_not_found", "service_code",
			       "service_code %s was not found", code);
	svc->category_id = store_col_int(st, 0);
	snprintf(svc->name, sizeof svc->name, "%s", store_col_text(st, 1));
	snprintf(svc->type, sizeof svc->type, "%s", store_col_text(st, 2));
	store_done(st);
	return 0;
}

int open311_service_definition(store_conn *c, const char *code, json_t **out, err *e)
{
	service svc;
	json_t *attrs;
	if (service_find(c, code, &svc, e) < 0 ||
	    attributes_json(c, svc.category_id, &attrs, e) < 0)
		return -1;
	*out = json_pack("{s:s, s:o}", "service_code", code, "attributes", attrs);
	return 0;
}

/* ---- POST requests ---- */

/* The name of the option key among values, NULL when it is not one. */
static const char *option_name(json_t *values, const char *key)
{
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v)
	{
		if (!strcmp(json_string_value(json_object_get(v, "key")), key))
			return json_string_value(json_object_get(v, "name"));
	}
	return NULL;
}

int open311_answer_check(json_t *def, const open311_submission *in, json_t **out, err *e)
{
	const char *code = json_string_value(json_object_get(def, "code"));
	const char *datatype = json_string_value(json_object_get(def, "datatype"));
	const char *what = json_string_value(json_object_get(def, "description"));
	json_t *values = json_object_get(def, "values");
	const char *given[OPEN311_VALUES_MAX];
	size_t n = 0;
	bool list_form = false;
	*out = NULL;
	for (size_t i = 0; i < in->nanswers; i++) {
		const open311_answer *a = &in->answers[i];
		if (strcmp(a->code, code) != 0 || !a->value || !*a->value)
			continue;
		if (n == OPEN311_VALUES_MAX)
			return err_set(e, ERR_BAD_REQUEST, "invalid_attribute", code,
				       "attribute[%s] has too many values", code);
		list_form |= a->list;
		given[n++] = a->value;
	}
	if (n == 0) {
		if (json_is_true(json_object_get(def, "required")))
			return err_set(e, ERR_BAD_REQUEST, "missing_attribute", code,
				       "attribute[%s] is required (%s)", code, what);
		return 0;
	}
	bool multi = !strcmp(datatype, "multivaluelist");
	if (!multi && (n > 1 || list_form))
		return err_set(e, ERR_BAD_REQUEST, "invalid_attribute", code,
			       "attribute[%s] takes one value", code);
	json_t *value = NULL;
	strbuf text = STRBUF_INIT;
	int rc = -1;
	if (!strcmp(datatype, "string") || !strcmp(datatype, "text")) {
		bool line = !strcmp(datatype, "string");
		long chars = utf8_chars(given[0]);
		if (chars > (line ? OPEN311_STRING_MAX : OPEN311_TEXT_MAX) ||
		    (line && strpbrk(given[0], "\r\n"))) {
			err_set(e, ERR_BAD_REQUEST, "invalid_attribute", code,
				"attribute[%s] must be %s of at most %d characters", code,
				line ? "one line" : "a text",
				line ? OPEN311_STRING_MAX : OPEN311_TEXT_MAX);
			goto out;
		}
		value = json_string(given[0]);
		strbuf_adds(&text, given[0]);
	} else if (!strcmp(datatype, "number")) {
		char *end;
		double d = strtod(given[0], &end);
		if (end == given[0] || *end || !isfinite(d) || strlen(given[0]) > 32) {
			err_set(e, ERR_BAD_REQUEST, "invalid_attribute", code,
				"attribute[%s] must be a number", code);
			goto out;
		}
		value = json_string(given[0]);
		strbuf_adds(&text, given[0]);
	} else if (!strcmp(datatype, "datetime")) {
		int64_t ms;
		if (clock_parse_iso(given[0], &ms) < 0) {
			err_set(e, ERR_BAD_REQUEST, "invalid_attribute", code,
				"attribute[%s] must be an ISO 8601 date or time", code);
			goto out;
		}
		char iso[40];
		clock_format_iso(ms, iso, sizeof iso);
		value = json_string(iso);
		strbuf_adds(&text, iso);
	} else {
		value = multi ? json_array() : NULL;
		for (size_t i = 0; i < n; i++) {
			const char *name = option_name(values, given[i]);
			if (!name) {
				err_set(e, ERR_BAD_REQUEST, "invalid_attribute", code,
					"attribute[%s]: %s is not one of its values", code,
					given[i]);
				goto out;
			}
			for (size_t j = 0; j < i; j++)
				if (!strcmp(given[i], given[j])) {
					err_set(e, ERR_BAD_REQUEST, "invalid_attribute", code,
						"attribute[%s]: %s is given twice", code, given[i]);
					goto out;
				}
			if (multi)
				json_array_append_new(value, json_string(given[i]));
			else
				value = json_string(given[i]);
			strbuf_addf(&text, "%s%s", i ? "、" : "", name);
		}
	}
	*out = json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", code, "description", what, "datatype",
			 datatype, "value", value, "text", strbuf_str(&text));
	value = NULL;
	rc = 0;
out:
	json_decref(value);
	strbuf_release(&text);
	return rc;
}

/* The answers checked against the service's attributes, as the JSON text the appeal keeps
 * (NULL when there are none). */
static int answers_check(store_conn *c, const service *svc, const open311_submission *in,
			 char **out, err *e)
{
	json_t *defs;
	*out = NULL;
	if (attributes_json(c, svc->category_id, &defs, e) < 0)
		return -1;
	int rc = 0;
	/* An answer to an attribute the service does not ask for is an error the partner
	 * should see, not a fact silently dropped. */
	for (size_t i = 0; i < in->nanswers && rc == 0; i++) {
		bool known = false;
		size_t k;
		json_t *d;
		json_array_foreach(defs, k, d)
		{
			if (!strcmp(json_string_value(json_object_get(d, "code")),
				    in->answers[i].code) &&
			    json_is_true(json_object_get(d, "variable")))
				known = true;
		}
		if (!known)
			rc = err_set(e, ERR_BAD_REQUEST, "unknown_attribute", in->answers[i].code,
				     "attribute[%s] is not an attribute of service %s",
				     in->answers[i].code, in->service_code);
	}
	json_t *kept = json_array();
	size_t k;
	json_t *d;
	json_array_foreach(defs, k, d)
	{
		if (rc < 0 || !json_is_true(json_object_get(d, "variable")))
			continue;
		json_t *one;
		if (open311_answer_check(d, in, &one, e) < 0)
			rc = -1;
		else if (one)
			json_array_append_new(kept, one);
	}
	if (rc == 0 && json_array_size(kept))
		*out = json_dumps(kept, JSON_COMPACT);
	json_decref(kept);
	json_decref(defs);
	return rc;
}

static bool ascii_only(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* "张" + "三" → "张三"; "John" + "Smith" → "John Smith". */
static char *person_name(const char *first, const char *last)
{
	if (!first && !last)
		return NULL;
	if (!first || !last)
		return xstrdup(first ? first : last);
	if (ascii_only(first) && ascii_only(last))
		return xasprintf("%s %s", first, last);
	return xasprintf("%s%s", last, first);
}

static const char notice[] = "已受理，热线将派给承办单位办理；承办单位答复并经热线审核后，"
			     "答复见 status_notes";

int open311_submit(store_conn *c, const actor *who, const open311_submission *in,
		   open311_receipt *out, err *e)
{
	service svc;
	char *attrs = NULL;
	memset(out, 0, sizeof *out);
	if (service_find(c, in->service_code, &svc, e) < 0 ||
	    answers_check(c, &svc, in, &attrs, e) < 0)
		return -1;
	char *name = person_name(in->first_name, in->last_name);
	int rc = -1;
	if (name && utf8_chars(name) > APPEAL_NAME_MAX) {
		err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "first_name",
			"first_name and last_name together are at most %d characters",
			APPEAL_NAME_MAX);
		goto out;
	}
	appeal_input ai = {
		.content = in->description ? in->description : svc.name,
		.title = in->description ? NULL : svc.name,
		.channel = "open311",
		.type = "complaint",
		.category_id = svc.category_id,
		.contact_name = name,
		.contact_phone = in->phone,
		.address = in->address_string,
		.has_coords = in->has_coords,
		.lat = in->lat,
		.lon = in->lon,
		.attributes = attrs,
	};
	appeal_intake_info info;
	if (appeal_intake(c, who, NULL, &ai, &info, e) < 0)
		goto out;
	out->case_id = info.id;
	snprintf(out->number, sizeof out->number, "%s", info.number);
	if (!strcmp(svc.type, "batch")) {
		unsigned char raw[16];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(out->token, sizeof out->token, raw, sizeof raw);
	}
	if (store_exec(c, e,
		       "INSERT INTO open311_requests (case_id, api_key_id, token, address_id,"
		       " media_url, email, device_id, account_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       "iissssss", out->case_id, in->api_key_id, out->token[0] ? out->token : NULL,
		       in->address_id, in->media_url, in->email, in->device_id, in->account_id) < 0)
		goto out;
	/* Everything a key did is listed under the key (audit entity api_key). */
	json_t *d = json_pack("{s:s, s:s}", "service_request_id", out->number, "service_code",
			      in->service_code);
	rc = audit_append(c, who, "open311_create", "api_key", in->api_key_id, d, e);
	json_decref(d);
	snprintf(out->service_notice, sizeof out->service_notice, "%s", notice);
out:
	free(name);
	free(attrs);
	return rc;
}

/* ---- GET requests ---- */

/* What the public sees of an appeal's progress, in the words of its state. */
static const char *state_note(const char *status)
{
	static const struct {
		const char *status, *note;
	} notes[] = {
		{"intake", "已受理，等待派单"},	     {"dispatched", "已派至承办单位，等待签收"},
		{"handling", "承办单位正在办理"},    {"replied", "承办单位已答复，热线正在审核"},
		{"revisit", "已答复，热线正在回访"}, {"closed", "已办结"},
	};
	for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
		if (!strcmp(notes[i].status, status))
			return notes[i].note;
	return NULL;
}

static json_t *masked_or_null(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	char *m = privacy_mask_text(store_col_text(st, col));
	json_t *v = json_string(m);
	free(m);
	return v;
}

#define REQUEST_SELECT                                                                             \
	"SELECT c.number, c.status, c.content, c.created_at, c.updated_at, c.closed_at,"           \
	" c.finish_due_at, a.address, a.lat, a.lon, a.reply_content, cat.code, cat.name,"          \
	" hu.name, o.case_id, o.address_id, o.media_url, m.number,"                                \
	" (SELECT t.note FROM case_timeline t WHERE t.case_id = c.id AND t.action = 'close'"       \
	" ORDER BY t.id DESC LIMIT 1)"                                                             \
	" FROM cases c JOIN appeals a ON a.case_id = c.id"                                         \
	" JOIN categories cat ON cat.id = a.category_id"                                           \
	" LEFT JOIN units hu ON hu.id = c.handler_id"                                              \
	" LEFT JOIN open311_requests o ON o.case_id = c.id"                                        \
	" LEFT JOIN cases m ON m.id = a.merged_into"

/* One row of REQUEST_SELECT as the specification's request. Personal data never leaves:
 * no name, phone, email, device or account. What the person wrote (description, address,
 * place, media, the reply to them) is published only for requests that came in through
 * Open311, whose submitters published them; a hotline caller did not. Numbers in
 * published text are masked all the same. */
static json_t *request_json(store_stmt *st)
{
	const char *status = store_col_text(st, 1);
	bool closed = !strcmp(status, "closed") || !strcmp(status, "merged");
	bool published = !store_col_null(st, 14);
	json_t *o = json_pack("{s:s, s:s}", "service_request_id", store_col_text(st, 0), "status",
			      closed ? "closed" : "open");
	json_t *notes;
	bool reviewed = !strcmp(status, "revisit") || !strcmp(status, "closed");
	if (!strcmp(status, "merged")) {
		char *m = xasprintf("已与诉求 %s 合并办理", store_col_text(st, 17));
		notes = json_string(m);
		free(m);
	} else if (published && reviewed && !store_col_null(st, 10)) {
		notes = masked_or_null(st, 10); /* the reply, once the hotline reviewed it */
	} else if (published && !strcmp(status, "closed") && !store_col_null(st, 18)) {
		notes = masked_or_null(st, 18); /* answered at intake */
	} else {
		notes = json_string(state_note(status));
	}
	json_object_set_new(o, "status_notes", notes);
	json_object_set_new(o, "service_name", json_string(store_col_text(st, 12)));
	json_object_set_new(o, "service_code", json_string(store_col_text(st, 11)));
	json_object_set_new(o, "description", published ? masked_or_null(st, 2) : json_null());
	json_object_set_new(o, "agency_responsible", text_or_null(st, 13));
	json_object_set_new(o, "service_notice", closed ? json_null() : json_string(notice));
	json_object_set_new(o, "requested_datetime", time_or_null(store_col_int(st, 3)));
	int64_t updated =
		closed && !store_col_null(st, 5) ? store_col_int(st, 5) : store_col_int(st, 4);
	json_object_set_new(o, "updated_datetime", time_or_null(updated));
	json_object_set_new(o, "expected_datetime",
			    store_col_null(st, 6) ? json_null()
						  : time_or_null(store_col_int(st, 6)));
	json_object_set_new(o, "address", published ? masked_or_null(st, 7) : json_null());
	json_object_set_new(o, "address_id", published ? text_or_null(st, 15) : json_null());
	json_object_set_new(o, "zipcode", json_null());
	bool coords = published && !store_col_null(st, 8) && !store_col_null(st, 9);
	json_object_set_new(o, "lat", coords ? json_real(store_col_double(st, 8)) : json_null());
	json_object_set_new(o, "long", coords ? json_real(store_col_double(st, 9)) : json_null());
	json_object_set_new(o, "media_url", published ? text_or_null(st, 16) : json_null());
	return o;
}

/* Appends " AND col IN (?, ?, ...)" for the items of a comma list (at most max), their
 * values into vals; the count of items. */
static size_t in_list(strbuf *w, const char *col, char *list, const char **vals, size_t max)
{
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t && n < max;
	     t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (!*t)
			continue;
		strbuf_adds(w, n ? ", ?" : " AND ");
		if (!n)
			strbuf_addf(w, "%s IN (?", col);
		vals[n++] = t;
	}
	if (n)
		strbuf_adds(w, ")");
	return n;
}

int open311_requests(store_conn *c, const open311_query *q, json_t **out, err *e)
{
	enum { MAXV = OPEN311_MAX_REQUESTS };
	const char **vals = xcalloc(MAXV, sizeof *vals);
	char *ids = q->ids ? xstrdup(q->ids) : NULL;
	char *codes = q->service_codes ? xstrdup(q->service_codes) : NULL;
	strbuf w = STRBUF_INIT;
	size_t nv = 0;
	int rc = -1;
	json_t *arr = json_array();
	strbuf_adds(&w, " WHERE c.kind = 'appeal'");
	if (ids) {
		/* The specification: a list of ids overrides every other argument. */
		nv = in_list(&w, "c.number", ids, vals, MAXV);
		if (!nv) {
			*out = arr;
			arr = NULL;
			rc = 0;
			goto out;
		}
	} else {
		if (codes) {
			nv = in_list(&w, "cat.code", codes, vals, MAXV);
			for (size_t i = 0; i < nv; i++) {
				int64_t found;
				if (store_query_int(c, &found, 0, e,
						    "SELECT id FROM categories WHERE code = ?", "s",
						    vals[i]) < 0)
					goto out;
				if (!found) {
					err_set(e, ERR_NOT_FOUND, "service_not_found",
						"service_code", "service_code %s was not found",
						vals[i]);
					goto out;
				}
			}
		}
		strbuf_adds(&w, " AND c.created_at >= ? AND c.created_at <= ?");
		if (q->open != q->closed)
			strbuf_addf(&w, " AND c.status %s ('closed', 'merged')",
				    q->open ? "NOT IN" : "IN");
	}
	/* A city's jurisdiction: its requests only (several cities in one deployment). */
	char hi[SCOPE_PATH_MAX];
	if (q->area) {
		scope_upper(q->area, hi, sizeof hi);
		strbuf_adds(&w, " AND c.region_path >= ? AND c.region_path < ?");
	}
	char *sql = xasprintf(REQUEST_SELECT "%s ORDER BY c.id DESC LIMIT %d", strbuf_str(&w),
			      OPEN311_MAX_REQUESTS);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st)
		goto out;
	for (size_t i = 0; i < nv; i++)
		store_bind_text(st, (int)i + 1, vals[i]);
	int next = (int)nv + 1;
	if (!ids) {
		store_bind_int(st, next++, q->start);
		store_bind_int(st, next++, q->end);
	}
	if (q->area) {
		store_bind_text(st, next++, q->area);
		store_bind_text(st, next, hi);
	}
	int src;
	while ((src = store_step(st, e)) == 1)
		json_array_append_new(arr, request_json(st));
	store_done(st);
	if (src < 0)
		goto out;
	*out = arr;
	arr = NULL;
	rc = 0;
out:
	json_decref(arr);
	strbuf_release(&w);
	free(vals);
	free(ids);
	free(codes);
	return rc;
}

int open311_token(store_conn *c, const char *token, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT c.number FROM open311_requests o JOIN cases c"
				 " ON c.id = o.case_id WHERE o.token = ?",
				 "s", token);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "token_not_found", "token",
			       "token %s was not found", token);
	*out = json_pack("[{s:s, s:s}]", "service_request_id", store_col_text(st, 0), "token",
			 token);
	store_done(st);
	return 0;
}

/* ---- administration ---- */

int open311_config_get(store_conn *c, int64_t category_id, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT cat.code, COALESCE(o.type, 'realtime'), o.keywords"
				 " FROM categories cat LEFT JOIN open311_services o"
				 " ON o.category_id = cat.id WHERE cat.id = ?",
				 "i", category_id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "分类不存在");
	json_t *o = json_pack("{s:I, s:s, s:s}", "category_id", (json_int_t)category_id,
			      "service_code", store_col_text(st, 0), "type", store_col_text(st, 1));
	json_object_set_new(o, "keywords", text_or_null(st, 2));
	store_done(st);
	json_t *attrs;
	if (attributes_json(c, category_id, &attrs, e) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "attributes", attrs);
	*out = o;
	return 0;
}

static int config_check(const open311_config *cfg, err *e)
{
	if (strcmp(cfg->type, "realtime") != 0 && strcmp(cfg->type, "batch") != 0)
		return err_set(e, ERR_INVALID, "invalid_type", "type",
			       "type 须为 realtime 或 batch");
	if (cfg->nattributes > OPEN311_ATTRS_MAX)
		return err_set(e, ERR_INVALID, "too_many", "attributes", "一个分类最多 %d 个属性",
			       OPEN311_ATTRS_MAX);
	for (size_t i = 0; i < cfg->nattributes; i++) {
		const open311_attribute *a = &cfg->attributes[i];
		if (!open311_code_valid(a->code))
			return err_set(e, ERR_INVALID, "invalid_code", "attributes",
				       "属性代码须为 1–32 个字母、数字、下划线或连字符");
		if (!open311_datatype_valid(a->datatype))
			return err_set(e, ERR_INVALID, "invalid_datatype", "attributes",
				       "属性 %s 的 datatype 不是规范中的类型", a->code);
		if (a->order < 1)
			return err_set(e, ERR_INVALID, "invalid_order", "attributes",
				       "属性 %s 的 order 须为正整数", a->code);
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(cfg->attributes[j].code, a->code))
				return err_set(e, ERR_INVALID, "duplicate_code", "attributes",
					       "属性代码 %s 重复", a->code);
			if (cfg->attributes[j].order == a->order)
				return err_set(e, ERR_INVALID, "duplicate_order", "attributes",
					       "属性 %s 与 %s 的 order 相同", a->code,
					       cfg->attributes[j].code);
		}
		size_t nv = a->values ? json_array_size(a->values) : 0;
		if (is_list(a->datatype) != (nv > 0) || nv > OPEN311_VALUES_MAX)
			return err_set(e, ERR_INVALID, "invalid_values", "attributes",
				       "属性 %s：列表类型须有 1–%d 个选项，其他类型不能有选项",
				       a->code, OPEN311_VALUES_MAX);
		for (size_t k = 0; k < nv; k++) {
			const char *key = json_string_value(
				json_object_get(json_array_get(a->values, k), "key"));
			for (size_t m = 0; m < k; m++)
				if (!strcmp(key, json_string_value(json_object_get(
							 json_array_get(a->values, m), "key"))))
					return err_set(e, ERR_INVALID, "duplicate_key",
						       "attributes", "属性 %s 的选项 %s 重复",
						       a->code, key);
		}
	}
	return 0;
}

int open311_config_put(store_conn *c, const actor *who, int64_t category_id,
		       const open311_config *cfg, err *e)
{
	int64_t found;
	if (store_query_int(c, &found, 0, e, "SELECT id FROM categories WHERE id = ?", "i",
			    category_id) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "分类不存在");
	if (config_check(cfg, e) < 0)
		return -1;
	if (store_exec(c, e,
		       "INSERT INTO open311_services (category_id, type, keywords) VALUES (?, ?, ?)"
		       " ON CONFLICT (category_id) DO UPDATE SET type = excluded.type,"
		       " keywords = excluded.keywords",
		       "iss", category_id, cfg->type, cfg->keywords) < 0 ||
	    store_exec(c, e, "DELETE FROM category_attributes WHERE category_id = ?", "i",
		       category_id) < 0)
		return -1;
	json_t *codes = json_array();
	int rc = 0;
	for (size_t i = 0; i < cfg->nattributes && rc == 0; i++) {
		const open311_attribute *a = &cfg->attributes[i];
		char *values = a->values && json_array_size(a->values)
				       ? json_dumps(a->values, JSON_COMPACT)
				       : NULL;
		rc = store_exec(c, e,
				"INSERT INTO category_attributes (category_id, code, datatype,"
				" variable, required, description, datatype_description, sort,"
				" value_list) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				"issbbssis", category_id, a->code, a->datatype, a->variable,
				a->required, a->description, a->datatype_description, a->order,
				values) < 0
			     ? -1
			     : 0;
		free(values);
		json_array_append_new(codes, json_string(a->code));
	}
	if (rc == 0) {
		json_t *d = json_pack("{s:s, s:O}", "type", cfg->type, "attributes", codes);
		rc = audit_append(c, who, "open311_config", "category", category_id, d, e);
		json_decref(d);
	}
	json_decref(codes);
	return rc;
}
