/* 民生实事: the pure rules, shared helpers, proposal collection (群众提) and candidates. */
#include "livelihood/livelihood.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal.h"
#include "org/audit.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/photo.h"
#include "org/privacy.h"
#include "org/unit.h"

/* ---- pure rules ---- */

bool lv_rule_valid(const char *rule)
{
	return rule && (!strcmp(rule, "roll_majority") || !strcmp(rule, "ballots_majority"));
}

static int by_votes(const void *a, const void *b)
{
	const lv_tally_item *x = a, *y = b;
	if (x->votes != y->votes)
		return x->votes > y->votes ? -1 : 1;
	return (x->position > y->position) - (x->position < y->position);
}

int lv_tally_decide(lv_tally_item *items, size_t n, int seats, const char *rule, int64_t roll_size,
		    int64_t ballots_cast, int *runoff_seats)
{
	*runoff_seats = 0;
	for (size_t i = 0; i < n; i++)
		items[i].elected = items[i].runoff = false;
	if (n == 0)
		return 0;
	qsort(items, n, sizeof *items, by_votes);
	int64_t base = rule && !strcmp(rule, "ballots_majority") ? ballots_cast : roll_size;
	int elected = 0;
	size_t i = 0;
	while (i < n && elected < seats) {
		/* "More than half": 2 * votes > base, exact in integers. */
		if (2 * items[i].votes <= base)
			break;
		size_t j = i;
		while (j < n && items[j].votes == items[i].votes)
			j++;
		int group = (int)(j - i);
		if (elected + group <= seats) {
			for (size_t k = i; k < j; k++)
				items[k].elected = true;
			elected += group;
		} else {
			/* The tie reaches across the last seat: none of them is elected. */
			for (size_t k = i; k < j; k++)
				items[k].runoff = true;
			*runoff_seats = seats - elected;
			break;
		}
		i = j;
	}
	return elected;
}

const char *lv_evaluation_outcome(int64_t roll_size, int64_t satisfied, int64_t basic,
				  int64_t dissatisfied)
{
	int64_t ratings = satisfied + basic + dissatisfied;
	if (2 * ratings <= roll_size)
		return "no_quorum";
	if (2 * satisfied > roll_size)
		return "satisfied";
	if (2 * (satisfied + basic) > roll_size)
		return "basically_satisfied";
	return "dissatisfied";
}

bool lv_rating_valid(const char *rating)
{
	return rating && (!strcmp(rating, "satisfied") || !strcmp(rating, "basically_satisfied") ||
			  !strcmp(rating, "dissatisfied"));
}

bool lv_date_valid(const char *s)
{
	int64_t ms;
	return s && strlen(s) == 10 && clock_parse_iso(s, &ms) == 0;
}

/* Midnight (China time) of the day of ms, as epoch ms. */
static int64_t china_midnight(int64_t ms)
{
	char iso[40];
	clock_format_iso(ms, iso, sizeof iso);
	iso[10] = '\0';
	int64_t out = 0;
	clock_parse_iso(iso, &out);
	return out;
}

const char *lv_milestone_state(const char *due_date, int percent, int64_t now_ms)
{
	if (percent >= 100)
		return "done";
	int64_t due;
	if (!due_date || clock_parse_iso(due_date, &due) < 0)
		return "on_track";
	int64_t days_left = (due - china_midnight(now_ms)) / (24LL * 3600 * 1000);
	if (due < china_midnight(now_ms))
		return "late";
	if (days_left <= LV_RISK_DAYS)
		return "at_risk";
	return "on_track";
}

const char *lv_project_state(const char *const *milestone_states, size_t n)
{
	bool risk = false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(milestone_states[i], "late"))
			return "late";
		if (!strcmp(milestone_states[i], "at_risk"))
			risk = true;
	}
	return risk ? "at_risk" : "on_track";
}

bool lv_state_valid(const char *state)
{
	return state &&
	       (!strcmp(state, "on_track") || !strcmp(state, "at_risk") || !strcmp(state, "late"));
}

bool lv_photo_type(const unsigned char *d, size_t len, const char **mime, const char **ext)
{
	return photo_type(d, len, mime, ext);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void lv_choices_format(const int64_t *ids, size_t n, char *out, size_t outn)
{
	int64_t *sorted = xmalloc((n ? n : 1) * sizeof *sorted);
	memcpy(sorted, ids, n * sizeof *ids);
	qsort(sorted, n, sizeof *sorted, cmp_id);
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < outn; i++)
		used += (size_t)snprintf(out + used, outn - used, "%s%lld", i ? "," : "",
					 (long long)sorted[i]);
	free(sorted);
}

int lv_choices_parse(const char *s, int64_t *ids, size_t max, size_t *n)
{
	*n = 0;
	if (!*s)
		return 0;
	const char *p = s;
	for (;;) {
		if (*p < '0' || *p > '9' || *n >= max)
			return -1;
		int64_t v = 0;
		while (*p >= '0' && *p <= '9') {
			if (v > (INT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (*p++ - '0');
		}
		ids[(*n)++] = v;
		if (!*p)
			return 0;
		if (*p++ != ',')
			return -1;
	}
}

/* ---- shared helpers ---- */

int64_t lv_area_unit(const actor *who)
{
	const char *p = who->unit_path;
	size_t len = strlen(p);
	if (len < 2)
		return 0;
	size_t end = len - 1; /* the trailing '/' */
	size_t start = end;
	while (start > 0 && p[start - 1] != '/')
		start--;
	return strtoll(p + start, NULL, 10);
}

json_t *lv_unit_ref(store_conn *c, int64_t unit_id, err *e)
{
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e, "SELECT id, name FROM units WHERE id = ?", "i", unit_id);
	if (rc <= 0)
		return json_null();
	json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, 0), "name",
			      store_col_text(st, 1));
	store_done(st);
	return o;
}

int64_t lv_current_year(void)
{
	char iso[40];
	clock_format_iso(clock_now_ms(), iso, sizeof iso);
	return atoi(iso);
}

json_t *lv_budget_wan(int64_t yuan)
{
	if (yuan % 10000 == 0)
		return json_integer(yuan / 10000);
	return json_real((double)yuan / 10000.0);
}

json_t *lv_time_or_null(int64_t ms, bool present)
{
	if (!present)
		return json_null();
	char iso[40];
	clock_format_iso(ms, iso, sizeof iso);
	return json_string(iso);
}

static json_t *opt_text(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

static json_t *opt_int(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_integer(store_col_int(st, col));
}

static void hex_random(char *out, size_t hexlen)
{
	unsigned char raw[64];
	size_t n = hexlen / 2;
	randombytes_buf(raw, n);
	sodium_bin2hex(out, hexlen + 1, raw, n);
}

static void hash_hex(const char *s, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* The area as a path range [lo, hi). */
static void area_range(const actor *who, char *hi, size_t n)
{
	scope_upper(who->unit_path, hi, n);
}

static int require_staff(const actor *who, err *e)
{
	if (!actor_has(who, LV_STAFF))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有人大工作人员可以执行此操作");
	return 0;
}

/* ---- proposal collections ---- */

static int collection_status(store_conn *c, int64_t year, char *status, size_t n, err *e)
{
	status[0] = '\0';
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT status FROM lv_collections WHERE year = ?", "i",
				 year);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		snprintf(status, n, "%s", store_col_text(st, 0));
		store_done(st);
	}
	return 0;
}

int lv_collection_open(store_conn *c, const actor *who, int64_t year, const char *title, err *e)
{
	if (require_staff(who, e) < 0)
		return -1;
	char status[16];
	if (collection_status(c, year, status, sizeof status, e) < 0)
		return -1;
	if (status[0])
		return err_set(e, ERR_CONFLICT, "duplicate", "year", "%lld 年的征集已经存在",
			       (long long)year);
	char deftitle[64];
	snprintf(deftitle, sizeof deftitle, "%lld 年民生实事项目征集", (long long)year);
	if (store_exec(c, e,
		       "INSERT INTO lv_collections (year, unit_id, title, status, created_at)"
		       " VALUES (?, ?, ?, 'open', ?)",
		       "iisi", year, lv_area_unit(who), title ? title : deftitle,
		       clock_now_ms()) < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "year", (json_int_t)year);
	int rc = audit_append(c, who, "livelihood.collection_open", "lv_collection", year, d, e);
	json_decref(d);
	return rc;
}

int lv_collection_close(store_conn *c, const actor *who, int64_t year, err *e)
{
	if (require_staff(who, e) < 0)
		return -1;
	char status[16];
	if (collection_status(c, year, status, sizeof status, e) < 0)
		return -1;
	if (!status[0])
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "没有这一年的征集");
	if (strcmp(status, "open") != 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "征集已经结束");
	if (store_exec(c, e,
		       "UPDATE lv_collections SET status = 'closed', closed_at = ? WHERE year = ?",
		       "ii", clock_now_ms(), year) < 0)
		return -1;
	return audit_append(c, who, "livelihood.collection_close", "lv_collection", year, NULL, e);
}

int lv_collection_list(store_conn *c, const actor *who, json_t **items, err *e)
{
	(void)who;
	store_stmt *st =
		store_prepare(c,
			      "SELECT l.year, l.title, l.status, l.created_at, l.closed_at,"
			      " (SELECT COUNT(*) FROM lv_proposals p WHERE p.year = l.year)"
			      " FROM lv_collections l ORDER BY l.year DESC",
			      e);
	if (!st)
		return -1;
	*items = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_array_append_new(
			*items,
			json_pack("{s:I, s:s, s:s, s:o, s:o, s:I}", "year",
				  (json_int_t)store_col_int(st, 0), "title", store_col_text(st, 1),
				  "status", store_col_text(st, 2), "created_at",
				  lv_time_or_null(store_col_int(st, 3), true), "closed_at",
				  lv_time_or_null(store_col_int(st, 4), !store_col_null(st, 4)),
				  "proposals", (json_int_t)store_col_int(st, 5)));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

/* The year a proposal without one goes to: the latest open collection, else next year. */
static int default_year(store_conn *c, int64_t *year, err *e)
{
	return store_query_int(c, year, lv_current_year() + 1, e,
			       "SELECT MAX(year) FROM lv_collections WHERE status = 'open'"
			       " HAVING MAX(year) IS NOT NULL",
			       NULL);
}

/* ---- proposals ---- */

static int root_unit(store_conn *c, int64_t *id, err *e)
{
	return store_query_int(c, id, 0, e,
			       "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1",
			       NULL);
}

int lv_proposal_submit(store_conn *c, const actor *who, lv_proposal_input *in, int64_t *id,
		       char *code, err *e)
{
	if (!in->year && default_year(c, &in->year, e) < 0)
		return -1;
	char status[16];
	if (collection_status(c, in->year, status, sizeof status, e) < 0)
		return -1;
	if (!strcmp(status, "closed"))
		return err_set(e, ERR_CONFLICT, "collection_closed", "year",
			       "%lld 年的项目征集已经结束", (long long)in->year);
	int64_t unit = in->unit_id;
	if (unit) {
		bool ok = false;
		if (who && unit_within(c, who, unit, &ok, e) < 0)
			return -1;
		if (!who && store_query_int(c, &unit, 0, e, "SELECT id FROM units WHERE id = ?",
					    "i", in->unit_id) < 0)
			return -1;
		if ((who && !ok) || !unit)
			return err_set(e, ERR_INVALID, "invalid_unit", "unit_id", "没有这个单位");
	} else if (who) {
		unit = lv_area_unit(who);
	} else if (root_unit(c, &unit, e) < 0) {
		return -1;
	}
	if (!unit)
		return err_set(e, ERR_CONFLICT, "no_units", NULL, "系统中还没有单位");
	if (in->appeal_id) {
		json_t *a;
		if (!who || !actor_has(who, ROLE_AGENT))
			return err_set(e, ERR_FORBIDDEN, "forbidden", "appeal_id",
				       "只有热线话务员可以把诉求转为项目建议");
		if (appeal_get(c, who, in->appeal_id, false, &a, e) < 0) {
			if (e->kind == ERR_NOT_FOUND)
				snprintf(e->field, sizeof e->field, "appeal_id");
			return -1;
		}
		/* The appeal's own words, unless the agent rewrote them. */
		const char *t = json_string_value(json_object_get(a, "title"));
		const char *ct = json_string_value(json_object_get(a, "content"));
		const char *addr = json_string_value(json_object_get(a, "address"));
		char title[3 * LV_TITLE_MAX + 1];
		if (!in->title) {
			if (t && *t) {
				snprintf(title, sizeof title, "%s", t);
			} else {
				/* The first 30 characters of the content. */
				size_t k = 0, chars = 0;
				while (ct && ct[k] && chars < 30) {
					k++;
					while ((ct[k] & 0xC0) == 0x80)
						k++;
					chars++;
				}
				snprintf(title, sizeof title, "%.*s", (int)k, ct ? ct : "");
			}
		}
		int64_t rc = 0;
		char codebuf[LV_RECEIPT_LEN + 1], hash[65];
		hex_random(codebuf, LV_RECEIPT_LEN);
		hash_hex(codebuf, hash);
		int64_t now = clock_now_ms();
		store_stmt *st;
		rc = store_query_row(
			c, &st, e,
			"INSERT INTO lv_proposals (year, unit_id, title, content, place, "
			"contact_name,"
			" contact_phone, channel, appeal_id, proposer_id, code_hash, status,"
			" supports, created_at, updated_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, 'appeal', ?, ?, ?, 'submitted', 0, ?, ?)"
			" RETURNING id",
			"iisssssiisii", in->year, unit, in->title ? in->title : title,
			in->content ? in->content : (ct ? ct : ""), in->place ? in->place : addr,
			in->contact_name ? in->contact_name
					 : json_string_value(json_object_get(a, "contact_name")),
			in->contact_phone, in->appeal_id, who->user_id, hash, now, now);
		json_decref(a);
		if (rc <= 0)
			return -1;
		*id = store_col_int(st, 0);
		while ((rc = store_step(st, e)) == 1)
			;
		store_done(st);
		if (rc < 0)
			return -1;
		snprintf(code, LV_RECEIPT_LEN + 1, "%s", codebuf);
		json_t *d = json_pack("{s:I, s:I}", "appeal_id", (json_int_t)in->appeal_id, "year",
				      (json_int_t)in->year);
		int arc = audit_append(c, who, "livelihood.proposal_from_appeal", "lv_proposal",
				       *id, d, e);
		json_decref(d);
		return arc;
	}
	if (!in->title || !in->content)
		return err_set(e, ERR_INVALID, "missing_field", !in->title ? "title" : "content",
			       "缺少必填字段 %s", !in->title ? "title" : "content");
	char hash[65];
	hex_random(code, LV_RECEIPT_LEN);
	hash_hex(code, hash);
	int64_t now = clock_now_ms();
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO lv_proposals (year, unit_id, title, content, place, contact_name,"
		" contact_phone, channel, proposer_id, code_hash, status, supports, created_at,"
		" updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 0, ?, ?) RETURNING id",
		"iissssssnsii", in->year, unit, in->title, in->content, in->place, in->contact_name,
		in->contact_phone, in->channel, who ? who->user_id : 0, hash, now, now);
	if (rc <= 0)
		return -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	actor anon;
	if (!who) {
		actor_system(&anon, "citizen");
		anon.roles = 0;
	}
	json_t *d = json_pack("{s:I, s:s}", "year", (json_int_t)in->year, "channel", in->channel);
	rc = audit_append(c, who ? who : &anon, "livelihood.proposal_submit", "lv_proposal", *id, d,
			  e);
	json_decref(d);
	return rc;
}

static const char proposal_cols[] =
	"p.id, p.year, p.title, p.content, p.place, p.contact_name, p.contact_phone, p.channel,"
	" p.appeal_id, p.status, p.merged_into, p.reason, p.candidate_id, p.supports,"
	" p.created_at, p.unit_id, n.name, p.updated_at";

static json_t *proposal_json(store_stmt *st, bool contact, bool full_phone)
{
	json_t *o = json_pack(
		"{s:I, s:I, s:s, s:s, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:I, s:o, s:{s:I, s:s},"
		" s:o}",
		"id", (json_int_t)store_col_int(st, 0), "year", (json_int_t)store_col_int(st, 1),
		"title", store_col_text(st, 2), "content", store_col_text(st, 3), "place",
		opt_text(st, 4), "channel", store_col_text(st, 7), "appeal_id", opt_int(st, 8),
		"status", store_col_text(st, 9), "merged_into", opt_int(st, 10), "reason",
		opt_text(st, 11), "candidate_id", opt_int(st, 12), "supports",
		(json_int_t)store_col_int(st, 13), "created_at",
		lv_time_or_null(store_col_int(st, 14), true), "unit", "id",
		(json_int_t)store_col_int(st, 15), "name", store_col_text(st, 16), "updated_at",
		lv_time_or_null(store_col_int(st, 17), true));
	if (contact) {
		json_object_set_new(o, "contact_name", opt_text(st, 5));
		if (store_col_null(st, 6)) {
			json_object_set_new(o, "contact_phone", json_null());
		} else if (full_phone) {
			json_object_set_new(o, "contact_phone", json_string(store_col_text(st, 6)));
		} else {
			char masked[64];
			privacy_mask_phone(store_col_text(st, 6), masked, sizeof masked);
			json_object_set_new(o, "contact_phone", json_string(masked));
		}
	}
	return o;
}

int lv_proposal_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	char hi[SCOPE_PATH_MAX];
	area_range(who, hi, sizeof hi);
	char *sql = xasprintf("SELECT %s FROM lv_proposals p JOIN units n ON n.id = p.unit_id"
			      " WHERE p.id = ? AND n.path >= ? AND n.path < ?",
			      proposal_cols);
	store_stmt *st;
	int rc = store_query_row(c, &st, e, sql, "iss", id, who->unit_path, hi);
	free(sql);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "项目建议不存在");
	bool staff = actor_has(who, LV_STAFF | ROLE_ADMIN);
	int64_t proposer = 0;
	json_t *o = proposal_json(st, staff, actor_has(who, LV_STAFF));
	store_done(st);
	if (store_query_int(c, &proposer, 0, e,
			    "SELECT COALESCE(proposer_id, 0) FROM lv_proposals WHERE id = ?", "i",
			    id) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "mine", json_boolean(proposer && proposer == who->user_id));
	/* The proposals merged into this one. */
	st = store_prepare(
		c, "SELECT id, title FROM lv_proposals WHERE merged_into = ? ORDER BY id", e);
	if (!st) {
		json_decref(o);
		return -1;
	}
	store_bind_int(st, 1, id);
	json_t *merged = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(merged, json_pack("{s:I, s:s}", "id",
							(json_int_t)store_col_int(st, 0), "title",
							store_col_text(st, 1)));
	store_done(st);
	json_object_set_new(o, "merged", merged);
	if (rc < 0) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

int lv_proposal_list(store_conn *c, const actor *who, const lv_proposal_filter *f, int64_t page,
		     int64_t per_page, json_t **items, int64_t *total, err *e)
{
	char hi[SCOPE_PATH_MAX];
	area_range(who, hi, sizeof hi);
	strbuf like = STRBUF_INIT;
	if (f->q)
		store_like_pattern(&like, f->q);
	const char *where = " FROM lv_proposals p JOIN units n ON n.id = p.unit_id"
			    " WHERE n.path >= ? AND n.path < ? AND (? = 0 OR p.year = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR p.status = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR p.title LIKE ? ESCAPE '\\'"
			    "      OR p.content LIKE ? ESCAPE '\\')"
			    " AND (? = 0 OR p.proposer_id = ?)";
	const char *q = f->q ? strbuf_str(&like) : NULL;
	int64_t mine = f->mine ? who->user_id : 0;
	char *sql = xasprintf("SELECT COUNT(*)%s", where);
	int rc = store_query_int(c, total, 0, e, sql, "ssiisssssii", who->unit_path, hi, f->year,
				 f->year, f->status, f->status, q, q, q, mine, mine);
	free(sql);
	if (rc < 0) {
		strbuf_release(&like);
		return -1;
	}
	sql = xasprintf("SELECT %s%s ORDER BY p.supports DESC, p.id DESC LIMIT ? OFFSET ?",
			proposal_cols, where);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st) {
		strbuf_release(&like);
		return -1;
	}
	store_bindf(st, "ssiisssssiiii", who->unit_path, hi, f->year, f->year, f->status, f->status,
		    q, q, q, mine, mine, per_page, (page - 1) * per_page);
	strbuf_release(&like);
	bool staff = actor_has(who, LV_STAFF | ROLE_ADMIN);
	*items = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(*items, proposal_json(st, staff, false));
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

int lv_proposal_public_list(store_conn *c, int64_t year, int64_t page, int64_t per_page,
			    json_t **items, int64_t *total, err *e)
{
	if (store_query_int(c, total, 0, e,
			    "SELECT COUNT(*) FROM lv_proposals WHERE year = ?"
			    " AND status IN ('submitted', 'candidate')",
			    "i", year) < 0)
		return -1;
	store_stmt *st = store_prepare(
		c,
		"SELECT p.id, p.year, p.title, p.content, p.place, p.status, p.supports,"
		" p.created_at, n.name FROM lv_proposals p JOIN units n ON n.id = p.unit_id"
		" WHERE p.year = ? AND p.status IN ('submitted', 'candidate')"
		" ORDER BY p.supports DESC, p.id DESC LIMIT ? OFFSET ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "iii", year, per_page, (page - 1) * per_page);
	*items = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(
			*items, json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:I, s:o, s:s}", "id",
					  (json_int_t)store_col_int(st, 0), "year",
					  (json_int_t)store_col_int(st, 1), "title",
					  store_col_text(st, 2), "content", store_col_text(st, 3),
					  "place", opt_text(st, 4), "status", store_col_text(st, 5),
					  "supports", (json_int_t)store_col_int(st, 6),
					  "created_at", lv_time_or_null(store_col_int(st, 7), true),
					  "unit_name", store_col_text(st, 8)));
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

int lv_proposal_track(store_conn *c, const char *code, json_t **out, err *e)
{
	char hash[65];
	hash_hex(code, hash);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT p.id, p.year, p.title, p.content, p.status, p.reason, p.supports,"
		" p.created_at, m.title, cd.title, p.merged_into, p.candidate_id"
		" FROM lv_proposals p LEFT JOIN lv_proposals m ON m.id = p.merged_into"
		" LEFT JOIN lv_candidates cd ON cd.id = p.candidate_id WHERE p.code_hash = ?",
		"s", hash);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "没有找到这个查询码对应的建议");
	json_t *o =
		json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:I, s:o, s:o, s:o}", "id",
			  (json_int_t)store_col_int(st, 0), "year",
			  (json_int_t)store_col_int(st, 1), "title", store_col_text(st, 2),
			  "content", store_col_text(st, 3), "status", store_col_text(st, 4),
			  "reason", opt_text(st, 5), "supports", (json_int_t)store_col_int(st, 6),
			  "created_at", lv_time_or_null(store_col_int(st, 7), true), "merged_into",
			  store_col_null(st, 10)
				  ? json_null()
				  : json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, 10),
					      "title", store_col_text(st, 8)),
			  "candidate",
			  store_col_null(st, 11)
				  ? json_null()
				  : json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, 11),
					      "title", store_col_text(st, 9)));
	store_done(st);
	*out = o;
	return 0;
}

int lv_proposal_support(store_conn *c, const actor *who, const char *ip, int64_t id,
			int64_t *supports, err *e)
{
	char status[16] = "";
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e, "SELECT status FROM lv_proposals WHERE id = ?", "i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "项目建议不存在");
	snprintf(status, sizeof status, "%s", store_col_text(st, 0));
	store_done(st);
	if (strcmp(status, "submitted") != 0 && strcmp(status, "candidate") != 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL,
			       "该建议已被合并或认定不可行，不能再附议");
	char key[96];
	if (who) {
		snprintf(key, sizeof key, "u:%lld", (long long)who->user_id);
	} else {
		char h[65];
		hash_hex(ip ? ip : "", h);
		snprintf(key, sizeof key, "ip:%.32s", h);
	}
	int64_t n = store_exec(c, e,
			       "INSERT INTO lv_supports (proposal_id, supporter) VALUES (?, ?)"
			       " ON CONFLICT DO NOTHING",
			       "is", id, key);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "already_supported", NULL, "您已经附议过这条建议");
	if (store_exec(c, e, "UPDATE lv_proposals SET supports = supports + 1 WHERE id = ?", "i",
		       id) < 0 ||
	    store_query_int(c, supports, 0, e, "SELECT supports FROM lv_proposals WHERE id = ?",
			    "i", id) < 0)
		return -1;
	actor anon;
	if (!who) {
		actor_system(&anon, "citizen");
		anon.roles = 0;
		snprintf(anon.ip, sizeof anon.ip, "%s", ip ? ip : "");
	}
	return audit_append(c, who ? who : &anon, "livelihood.proposal_support", "lv_proposal", id,
			    NULL, e);
}

/* The proposal's status within who's area, into status; 404 outside. */
static int proposal_status(store_conn *c, const actor *who, int64_t id, char *status, size_t n,
			   int64_t *year, err *e)
{
	char hi[SCOPE_PATH_MAX];
	area_range(who, hi, sizeof hi);
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e,
				"SELECT p.status, p.year FROM lv_proposals p JOIN units n ON n.id ="
				" p.unit_id WHERE p.id = ? AND n.path >= ? AND n.path < ?",
				"iss", id, who->unit_path, hi);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "项目建议 %lld 不存在",
			       (long long)id);
	snprintf(status, n, "%s", store_col_text(st, 0));
	if (year)
		*year = store_col_int(st, 1);
	store_done(st);
	return 0;
}

int lv_proposal_merge(store_conn *c, const actor *who, int64_t id, int64_t into_id, err *e)
{
	if (require_staff(who, e) < 0)
		return -1;
	char s1[16], s2[16];
	if (proposal_status(c, who, id, s1, sizeof s1, NULL, e) < 0)
		return -1;
	if (id == into_id)
		return err_set(e, ERR_INVALID, "invalid_merge", "into_id", "不能合并到自身");
	if (proposal_status(c, who, into_id, s2, sizeof s2, NULL, e) < 0) {
		if (e->kind == ERR_NOT_FOUND)
			return err_set(e, ERR_INVALID, "invalid_merge", "into_id",
				       "要合并到的建议不存在");
		return -1;
	}
	if (strcmp(s1, "submitted") != 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "只有待筛选的建议可以合并");
	if (strcmp(s2, "submitted") != 0 && strcmp(s2, "candidate") != 0)
		return err_set(e, ERR_INVALID, "invalid_merge", "into_id",
			       "只能合并到待筛选或已列为候选的建议");
	if (store_exec(c, e,
		       "UPDATE lv_proposals SET status = 'merged', merged_into = ?, updated_at = ?"
		       " WHERE id = ?",
		       "iii", into_id, clock_now_ms(), id) < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "into_id", (json_int_t)into_id);
	int rc = audit_append(c, who, "livelihood.proposal_merge", "lv_proposal", id, d, e);
	json_decref(d);
	return rc;
}

int lv_proposal_infeasible(store_conn *c, const actor *who, int64_t id, const char *reason, err *e)
{
	if (require_staff(who, e) < 0)
		return -1;
	char s[16];
	if (proposal_status(c, who, id, s, sizeof s, NULL, e) < 0)
		return -1;
	if (strcmp(s, "submitted") != 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL,
			       "只有待筛选的建议可以认定为不可行");
	if (store_exec(c, e,
		       "UPDATE lv_proposals SET status = 'infeasible', reason = ?, updated_at = ?"
		       " WHERE id = ?",
		       "sii", reason, clock_now_ms(), id) < 0)
		return -1;
	json_t *d = json_pack("{s:s}", "reason", reason);
	int rc = audit_append(c, who, "livelihood.proposal_infeasible", "lv_proposal", id, d, e);
	json_decref(d);
	return rc;
}

/* ---- candidates ---- */

int lv_candidate_create(store_conn *c, const actor *who, const lv_candidate_input *in, int64_t *id,
			err *e)
{
	if (require_staff(who, e) < 0)
		return -1;
	bool ok = false;
	if (unit_within(c, who, in->lead_unit_id, &ok, e) < 0)
		return -1;
	if (!ok)
		return err_set(e, ERR_INVALID, "invalid_unit", "lead_unit_id", "牵头单位不存在");
	int64_t year = in->year;
	for (size_t i = 0; i < in->nproposals; i++) {
		char s[16];
		int64_t py;
		for (size_t j = 0; j < i; j++)
			if (in->proposal_ids[j] == in->proposal_ids[i])
				return err_set(e, ERR_INVALID, "duplicate_proposal", "proposal_ids",
					       "建议 %lld 重复", (long long)in->proposal_ids[i]);
		if (proposal_status(c, who, in->proposal_ids[i], s, sizeof s, &py, e) < 0) {
			if (e->kind == ERR_NOT_FOUND)
				return err_set(e, ERR_INVALID, "unknown_proposal", "proposal_ids",
					       "建议 %lld 不存在", (long long)in->proposal_ids[i]);
			return -1;
		}
		if (strcmp(s, "submitted") != 0)
			return err_set(e, ERR_CONFLICT, "invalid_state", "proposal_ids",
				       "建议 %lld 已经筛选过", (long long)in->proposal_ids[i]);
		if (!year)
			year = py;
	}
	if (!year)
		year = lv_current_year();
	int64_t now = clock_now_ms();
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO lv_candidates (year, unit_id, title, description, budget_yuan,"
		" lead_unit_id, target, feasibility, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"iissiissnii", year, lv_area_unit(who), in->title, in->description, in->budget_yuan,
		in->lead_unit_id, in->target, in->feasibility, who->user_id, now, now);
	if (rc <= 0)
		return -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	json_t *pids = json_array();
	for (size_t i = 0; i < in->nproposals; i++) {
		if (store_exec(c, e,
			       "UPDATE lv_proposals SET status = 'candidate', candidate_id = ?,"
			       " updated_at = ? WHERE id = ?",
			       "iii", *id, now, in->proposal_ids[i]) < 0) {
			json_decref(pids);
			return -1;
		}
		json_array_append_new(pids, json_integer(in->proposal_ids[i]));
	}
	json_t *d = json_pack("{s:s, s:I, s:I, s:o}", "title", in->title, "budget_yuan",
			      (json_int_t)in->budget_yuan, "lead_unit_id",
			      (json_int_t)in->lead_unit_id, "proposal_ids", pids);
	rc = audit_append(c, who, "livelihood.candidate_create", "lv_candidate", *id, d, e);
	json_decref(d);
	return rc;
}

static const char candidate_cols[] =
	"cd.id, cd.year, cd.title, cd.description, cd.budget_yuan, cd.lead_unit_id, lu.name,"
	" cd.target, cd.feasibility, cd.created_at";

static json_t *candidate_json(store_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:I, s:{s:I, s:s}, s:o, s:o, s:o}", "id",
			 (json_int_t)store_col_int(st, 0), "year", (json_int_t)store_col_int(st, 1),
			 "title", store_col_text(st, 2), "description", store_col_text(st, 3),
			 "budget_wan", lv_budget_wan(store_col_int(st, 4)), "lead_unit_id",
			 (json_int_t)store_col_int(st, 5), "lead_unit", "id",
			 (json_int_t)store_col_int(st, 5), "name", store_col_text(st, 6), "target",
			 opt_text(st, 7), "feasibility", opt_text(st, 8), "created_at",
			 lv_time_or_null(store_col_int(st, 9), true));
}

static int add_candidate_proposals(store_conn *c, json_t *o, int64_t id, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT id, title, supports FROM lv_proposals WHERE candidate_id = ? ORDER BY id",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *ids = json_array(), *list = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_array_append_new(ids, json_integer(store_col_int(st, 0)));
		json_array_append_new(list, json_pack("{s:I, s:s, s:I}", "id",
						      (json_int_t)store_col_int(st, 0), "title",
						      store_col_text(st, 1), "supports",
						      (json_int_t)store_col_int(st, 2)));
	}
	store_done(st);
	json_object_set_new(o, "proposal_ids", ids);
	json_object_set_new(o, "proposals", list);
	return rc < 0 ? -1 : 0;
}

int lv_candidate_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	char hi[SCOPE_PATH_MAX];
	area_range(who, hi, sizeof hi);
	char *sql = xasprintf("SELECT %s FROM lv_candidates cd JOIN units lu ON lu.id ="
			      " cd.lead_unit_id JOIN units ou ON ou.id = cd.unit_id"
			      " WHERE cd.id = ? AND ((ou.path >= ? AND ou.path < ?)"
			      " OR (lu.path >= ? AND lu.path < ?))",
			      candidate_cols);
	store_stmt *st;
	int rc = store_query_row(c, &st, e, sql, "issss", id, who->unit_path, hi, who->unit_path,
				 hi);
	free(sql);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "候选项目不存在");
	json_t *o = candidate_json(st);
	store_done(st);
	if (add_candidate_proposals(c, o, id, e) < 0) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

int lv_candidate_list(store_conn *c, const actor *who, int64_t year, int64_t page, int64_t per_page,
		      json_t **items, int64_t *total, err *e)
{
	char hi[SCOPE_PATH_MAX];
	area_range(who, hi, sizeof hi);
	const char *where = " FROM lv_candidates cd JOIN units lu ON lu.id = cd.lead_unit_id"
			    " JOIN units ou ON ou.id = cd.unit_id"
			    " WHERE ((ou.path >= ? AND ou.path < ?) OR (lu.path >= ? AND"
			    " lu.path < ?)) AND (? = 0 OR cd.year = ?)";
	char *sql = xasprintf("SELECT COUNT(*)%s", where);
	int rc = store_query_int(c, total, 0, e, sql, "ssssii", who->unit_path, hi, who->unit_path,
				 hi, year, year);
	free(sql);
	if (rc < 0)
		return -1;
	sql = xasprintf("SELECT %s%s ORDER BY cd.year DESC, cd.id LIMIT ? OFFSET ?", candidate_cols,
			where);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st)
		return -1;
	store_bindf(st, "ssssiiii", who->unit_path, hi, who->unit_path, hi, year, year, per_page,
		    (page - 1) * per_page);
	*items = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(*items, candidate_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	size_t i;
	json_t *it;
	json_array_foreach(*items, i, it)
	{
		if (add_candidate_proposals(c, it, json_integer_value(json_object_get(it, "id")),
					    e) < 0) {
			json_decref(*items);
			return -1;
		}
	}
	return 0;
}

int lv_collection_default_year(store_conn *c, int64_t *year, err *e)
{
	return store_query_int(c, year, lv_current_year() + 1, e,
			       "SELECT MAX(year) FROM lv_collections WHERE status = 'open'"
			       " HAVING MAX(year) IS NOT NULL",
			       NULL);
}
