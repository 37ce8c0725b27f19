/* Schemes and periods: creation, visibility, the card as JSON, entered values, closing
 * (freezing), the host, drill-downs, a unit's history and the latest cards. */
#include "reviews/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "org/audit.h"
#include "org/unit.h"
#include "reviews/review_internal.h"
#include "reviews/review_metric.h"

json_t *review_metrics_json(void)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < reviews_metric_count(); i++) {
		const struct review_metric *m = reviews_metric_at(i);
		json_array_append_new(arr,
				      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s?}", "name",
						m->name, "label", m->label, "unit", m->unit,
						"unit_kinds", m->unit_kinds, "direction",
						m->direction, "platform", m->platform, "drill",
						m->drill != NULL, "drill_label", m->drill_label));
	}
	return json_pack("{s:o}", "items", arr);
}

bool rv_organizes(const actor *who, const rv_scheme *s)
{
	return actor_has(who, ROLE_ADMIN) ||
	       (actor_has(who, ROLE_UNIT_STAFF) && who->unit_id == s->unit_id);
}

static bool sees_all(const actor *who)
{
	return actor_has(who, ROLE_ADMIN | ROLE_LEADER);
}

/* The units a scheme ranks now: its list, or every enabled unit of its kind under its
 * parent. Ids and paths, ordered by path. */
static int ranked_units(store_conn *c, const rv_scheme *s, json_t **out, err *e)
{
	store_stmt *st;
	if (s->unit_kind[0]) {
		char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
		if (unit_path(c, s->unit_parent_id, lo, sizeof lo, e) < 0)
			return -1;
		scope_upper(lo, hi, sizeof hi);
		st = store_prepare(c,
				   "SELECT id, path, name FROM units WHERE kind = ? AND path >= ?"
				   " AND path < ? AND disabled = 0 ORDER BY path",
				   e);
		if (st)
			store_bindf(st, "sss", s->unit_kind, lo, hi);
	} else {
		st = store_prepare(
			c,
			"SELECT u.id, u.path, u.name FROM review_scheme_units r JOIN units u"
			" ON u.id = r.unit_id WHERE r.scheme_id = ? ORDER BY u.path",
			e);
		if (st)
			store_bindf(st, "i", s->id);
	}
	if (!st)
		return -1;
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "id",
						     (json_int_t)store_col_int(st, 0), "path",
						     store_col_text(st, 1), "name",
						     store_col_text(st, 2)));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int rv_scheme_visible(store_conn *c, const actor *who, const rv_scheme *s, bool *yes, err *e)
{
	*yes = sees_all(who) || rv_organizes(who, s);
	for (size_t j = 0; !*yes && j < s->ni; j++)
		*yes = s->ind[j].assessing_unit_id == who->unit_id;
	if (*yes)
		return 0;
	/* A ranked unit's staff, and anyone above or below a ranked unit. */
	json_t *units;
	if (ranked_units(c, s, &units, e) < 0)
		return -1;
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		const char *p = json_string_value(json_object_get(u, "path"));
		if (scope_contains(who->unit_path, p) || scope_contains(p, who->unit_path)) {
			*yes = true;
			break;
		}
	}
	json_decref(units);
	return 0;
}

/* Loads scheme id for who: 404 when missing or not visible. */
static int scheme_for(store_conn *c, const actor *who, int64_t id, rv_scheme *s, err *e)
{
	bool yes;
	if (rv_scheme_load(c, id, s, e) < 0 || rv_scheme_visible(c, who, s, &yes, e) < 0) {
		rv_scheme_free(s);
		return -1;
	}
	if (!yes) {
		rv_scheme_free(s);
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "考核方案不存在");
	}
	return 0;
}

/* Loads period id and its scheme for who. */
static int period_for(store_conn *c, const actor *who, int64_t id, rv_period *p, rv_scheme *s,
		      err *e)
{
	if (rv_period_load(c, id, p, e) < 0)
		return -1;
	return scheme_for(c, who, p->scheme_id, s, e);
}

/* ---- creating a scheme ---- */

static int unit_exists(store_conn *c, int64_t id, const char *field, err *e)
{
	int64_t n;
	if (store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM units WHERE id = ?", "i", id) < 0)
		return -1;
	return n ? 0 : err_set(e, ERR_INVALID, "invalid_unit", field, "单位不存在");
}

static int insert_indicator(store_conn *c, int64_t scheme, json_t *x, int sort, err *e)
{
	const char *source = json_string_value(json_object_get(x, "source"));
	const char *metric = json_string_value(json_object_get(x, "metric"));
	int64_t assessing = json_integer_value(json_object_get(x, "assessing_unit_id"));
	if (!strcmp(source, "computed") && !reviews_metric_find(metric))
		return err_set(e, ERR_INVALID, "unknown_metric", "metric", "未登记的指标：%s",
			       metric ? metric : "（未填）");
	if (!strcmp(source, "entered")) {
		if (!assessing)
			return err_set(e, ERR_INVALID, "missing_field", "assessing_unit_id",
				       "录入指标须指定考核单位");
		if (unit_exists(c, assessing, "assessing_unit_id", e) < 0)
			return -1;
		metric = NULL;
	} else {
		assessing = 0;
	}
	const char *direction = json_string_value(json_object_get(x, "direction"));
	const char *rule = json_string_value(json_object_get(x, "rule"));
	json_t *bands = json_object_get(x, "bands");
	if (rule && !strcmp(rule, "bands") && !json_array_size(bands))
		return err_set(e, ERR_INVALID, "missing_field", "bands", "分档计分须给出分档");
	char *bands_text = json_array_size(bands) ? json_dumps(bands, JSON_COMPACT) : NULL;
	int64_t rc = store_exec(
		c, e,
		"INSERT INTO review_indicators (scheme_id, name, source, metric, assessing_unit_id,"
		" weight, direction, rule, bands, sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"isssndsssi", scheme, json_string_value(json_object_get(x, "name")), source, metric,
		assessing, json_number_value(json_object_get(x, "weight")),
		direction ? direction : "higher", rule ? rule : "minmax", bands_text,
		(int64_t)sort);
	free(bands_text);
	if (rc < 0 && e->kind == ERR_CONFLICT)
		return err_set(e, ERR_INVALID, "duplicate_indicator", "indicators", "指标名称重复");
	return rc < 0 ? -1 : 0;
}

static int insert_units(store_conn *c, int64_t scheme, json_t *ids, err *e)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		if (unit_exists(c, json_integer_value(v), "unit_ids", e) < 0)
			return -1;
		if (store_exec(c, e,
			       "INSERT INTO review_scheme_units (scheme_id, unit_id) VALUES (?, ?)"
			       " ON CONFLICT DO NOTHING",
			       "ii", scheme, (int64_t)json_integer_value(v)) < 0)
			return -1;
	}
	return 0;
}

/* The ranked units of scheme from body: unit_ids (a list), or unit_kind and parent_id
 * (every unit of the kind under the parent; the root when no parent). */
static int resolve_kind_parent(store_conn *c, json_t *body, const char **kind, int64_t *parent,
			       err *e)
{
	*kind = json_string_value(json_object_get(body, "unit_kind"));
	*parent = json_integer_value(json_object_get(body, "parent_id"));
	json_t *ids = json_object_get(body, "unit_ids");
	if (!json_array_size(ids) && !*kind)
		return err_set(e, ERR_INVALID, "missing_field", "unit_ids",
			       "请列出参加排名的单位，或给出单位类型和上级单位");
	if (*kind && *parent && unit_exists(c, *parent, "parent_id", e) < 0)
		return -1;
	if (*kind && !*parent &&
	    store_query_int(c, parent, 0, e, "SELECT MIN(id) FROM units WHERE parent_id IS NULL",
			    "") < 0)
		return -1;
	return 0;
}

int review_scheme_create(store_conn *c, const actor *who, json_t *body, int64_t *id, err *e)
{
	int64_t organizer = json_integer_value(json_object_get(body, "organizer_unit_id"));
	if (!organizer)
		organizer = who->unit_id;
	if (!actor_has(who, ROLE_ADMIN) && organizer != who->unit_id)
		return err_set(e, ERR_FORBIDDEN, "forbidden", "organizer_unit_id",
			       "只能以本单位名义组织考核");
	if (unit_exists(c, organizer, "organizer_unit_id", e) < 0)
		return -1;
	const char *kind;
	int64_t parent;
	json_t *ids = json_object_get(body, "unit_ids");
	if (resolve_kind_parent(c, body, &kind, &parent, e) < 0)
		return -1;
	json_t *grades = json_object_get(body, "grades");
	char *grades_text = grades ? json_dumps(grades, JSON_COMPACT) : xstrdup("[90,80,70,60]");
	json_t *periods = json_object_get(body, "periods");
	char *periods_text = periods ? json_dumps(periods, JSON_COMPACT) : NULL;
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO review_schemes (name, cadence, custom_periods, unit_id, unit_kind,"
		" unit_parent_id, grades, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
		"?)"
		" RETURNING id",
		"sssisnsni", json_string_value(json_object_get(body, "name")),
		json_string_value(json_object_get(body, "cadence")), periods_text, organizer,
		json_array_size(ids) ? NULL : kind, json_array_size(ids) ? 0 : parent, grades_text,
		who->user_id, clock_now_ms());
	free(grades_text);
	free(periods_text);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal", NULL, "未能保存");
	*id = store_col_int(st, 0);
	store_done(st);
	if (json_array_size(ids) && insert_units(c, *id, ids, e) < 0)
		return -1;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(body, "indicators"), i, x)
	{
		if (insert_indicator(c, *id, x, (int)i, e) < 0)
			return -1;
	}
	return audit_append(c, who, "review_scheme_create", "review_scheme", *id, body, e);
}

/* ---- editing and deleting a scheme ---- */

static int closed_periods(store_conn *c, int64_t scheme, int64_t *n, err *e)
{
	return store_query_int(
		c, n, 0, e,
		"SELECT COUNT(*) FROM review_periods WHERE scheme_id = ? AND status = 'closed'",
		"i", scheme);
}

/* The indicators replaced by list: one of the same name keeps its id (and the values
 * entered for it in the drafts), the others are dropped with their draft values. */
static int replace_indicators(store_conn *c, int64_t scheme, json_t *list, err *e)
{
	/* The old rows step aside (sort ≥ 1000, a name no one types) until the new are in. */
	json_t *old = json_object();
	store_stmt *st =
		store_prepare(c, "SELECT id, name FROM review_indicators WHERE scheme_id = ?", e);
	if (!st) {
		json_decref(old);
		return -1;
	}
	store_bindf(st, "i", scheme);
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_object_set_new(old, store_col_text(st, 1), json_integer(store_col_int(st, 0)));
	store_done(st);
	if (rc == 0 &&
	    store_exec(c, e,
		       "UPDATE review_indicators SET sort = sort + 1000, name = '\x01' ||"
		       " CAST(id AS TEXT) WHERE scheme_id = ?",
		       "i", scheme) < 0)
		rc = -1;
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
	{
		const char *name = json_string_value(json_object_get(x, "name"));
		int64_t was = json_integer_value(json_object_get(old, name)), now = 0;
		if (rc == 0 && insert_indicator(c, scheme, x, (int)i, e) < 0)
			rc = -1;
		if (rc == 0 && was &&
		    (store_query_int(
			     c, &now, 0, e,
			     "SELECT id FROM review_indicators WHERE scheme_id = ? AND name = ?",
			     "is", scheme, name) < 0 ||
		     store_exec(c, e,
				"UPDATE review_values SET indicator_id = ? WHERE indicator_id = ?",
				"ii", now, was) < 0))
			rc = -1;
	}
	json_decref(old);
	if (rc == 0 &&
	    (store_exec(c, e,
			"DELETE FROM review_values WHERE indicator_id IN (SELECT id FROM"
			" review_indicators WHERE scheme_id = ? AND sort >= 1000)",
			"i", scheme) < 0 ||
	     store_exec(c, e, "DELETE FROM review_indicators WHERE scheme_id = ? AND sort >= 1000",
			"i", scheme) < 0))
		rc = -1;
	return rc < 0 ? -1 : 0;
}

/* The ranked units replaced; the drafts' cards follow (values of units no longer ranked
 * are dropped). */
static int replace_units(store_conn *c, const rv_scheme *s, json_t *body, err *e)
{
	const char *kind;
	int64_t parent;
	json_t *ids = json_object_get(body, "unit_ids");
	if (resolve_kind_parent(c, body, &kind, &parent, e) < 0)
		return -1;
	if (store_exec(c, e, "DELETE FROM review_scheme_units WHERE scheme_id = ?", "i", s->id) <
		    0 ||
	    store_exec(c, e,
		       "UPDATE review_schemes SET unit_kind = ?, unit_parent_id = ? WHERE id = ?",
		       "sni", json_array_size(ids) ? NULL : kind, json_array_size(ids) ? 0 : parent,
		       s->id) < 0)
		return -1;
	if (json_array_size(ids) && insert_units(c, s->id, ids, e) < 0)
		return -1;
	rv_scheme now;
	json_t *units;
	if (rv_scheme_load(c, s->id, &now, e) < 0)
		return -1;
	int rc = ranked_units(c, &now, &units, e);
	rv_scheme_free(&now);
	if (rc < 0)
		return -1;
	store_stmt *st = store_prepare(
		c, "SELECT id FROM review_periods WHERE scheme_id = ? AND status = 'draft'", e);
	if (!st) {
		json_decref(units);
		return -1;
	}
	store_bindf(st, "i", s->id);
	json_t *drafts = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(drafts, json_integer(store_col_int(st, 0)));
	store_done(st);
	size_t i, j;
	json_t *p, *u;
	json_array_foreach(drafts, i, p)
	{
		int64_t pid = json_integer_value(p);
		if (rc == 0 &&
		    store_exec(c, e, "DELETE FROM review_cards WHERE period_id = ?", "i", pid) < 0)
			rc = -1;
		json_array_foreach(units, j, u)
		{
			if (rc == 0 &&
			    store_exec(
				    c, e,
				    "INSERT INTO review_cards (period_id, unit_id) VALUES (?, ?)",
				    "ii", pid,
				    (int64_t)json_integer_value(json_object_get(u, "id"))) < 0)
				rc = -1;
		}
		if (rc == 0 &&
		    store_exec(c, e,
			       "DELETE FROM review_values WHERE period_id = ? AND unit_id"
			       " NOT IN (SELECT unit_id FROM review_cards WHERE period_id = ?)",
			       "ii", pid, pid) < 0)
			rc = -1;
	}
	json_decref(drafts);
	json_decref(units);
	return rc < 0 ? -1 : 0;
}

int review_scheme_update(store_conn *c, const actor *who, int64_t id, json_t *body, err *e)
{
	rv_scheme s;
	if (scheme_for(c, who, id, &s, e) < 0)
		return -1;
	int rc = 0;
	bool structure = json_object_get(body, "indicators") || json_object_get(body, "unit_ids") ||
			 json_object_get(body, "unit_kind") || json_object_get(body, "parent_id") ||
			 json_object_get(body, "grades");
	int64_t closed = 0;
	const char *name = json_string_value(json_object_get(body, "name"));
	json_t *grades = json_object_get(body, "grades");
	if (!rv_organizes(who, &s))
		rc = err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有组织单位可以修改考核方案");
	else if (structure && closed_periods(c, id, &closed, e) < 0)
		rc = -1;
	else if (closed)
		rc = err_set(
			e, ERR_CONFLICT, "scheme_has_closed_periods", "indicators",
			"方案已有 %lld 个关闭的考核期，指标、权重和参评单位不能再改（名称可以改）；"
			"请另建方案",
			(long long)closed);
	if (rc == 0 && name &&
	    store_exec(c, e, "UPDATE review_schemes SET name = ? WHERE id = ?", "si", name, id) < 0)
		rc = -1;
	if (rc == 0 && grades) {
		char *t = json_dumps(grades, JSON_COMPACT);
		if (store_exec(c, e, "UPDATE review_schemes SET grades = ? WHERE id = ?", "si", t,
			       id) < 0)
			rc = -1;
		free(t);
	}
	if (rc == 0 && json_object_get(body, "indicators") &&
	    replace_indicators(c, id, json_object_get(body, "indicators"), e) < 0)
		rc = -1;
	if (rc == 0 && (json_object_get(body, "unit_ids") || json_object_get(body, "unit_kind")) &&
	    replace_units(c, &s, body, e) < 0)
		rc = -1;
	rv_scheme_free(&s);
	if (rc < 0)
		return -1;
	return audit_append(c, who, "review_scheme_update", "review_scheme", id, body, e);
}

int review_scheme_delete(store_conn *c, const actor *who, int64_t id, err *e)
{
	rv_scheme s;
	if (scheme_for(c, who, id, &s, e) < 0)
		return -1;
	bool organizes = rv_organizes(who, &s);
	json_t *d = json_pack("{s:s}", "name", s.name);
	rv_scheme_free(&s);
	int64_t closed = 0;
	int rc = 0;
	if (!organizes)
		rc = err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有组织单位可以删除考核方案");
	else if (closed_periods(c, id, &closed, e) < 0)
		rc = -1;
	else if (closed)
		rc = err_set(e, ERR_CONFLICT, "scheme_has_closed_periods", NULL,
			     "方案已有 %lld 个关闭的考核期，成绩须留存，不能删除",
			     (long long)closed);
	static const char *const sql[] = {
		"DELETE FROM review_decisions WHERE meeting_id IN (SELECT id FROM review_meetings"
		" WHERE scheme_id = ?)",
		"DELETE FROM review_meetings WHERE scheme_id = ?",
		"DELETE FROM review_values WHERE period_id IN (SELECT id FROM review_periods"
		" WHERE scheme_id = ?)",
		"DELETE FROM review_cards WHERE period_id IN (SELECT id FROM review_periods"
		" WHERE scheme_id = ?)",
		"DELETE FROM review_periods WHERE scheme_id = ?",
		"DELETE FROM review_indicators WHERE scheme_id = ?",
		"DELETE FROM review_scheme_units WHERE scheme_id = ?",
		"DELETE FROM review_schemes WHERE id = ?",
	};
	for (size_t i = 0; rc == 0 && i < sizeof sql / sizeof sql[0]; i++)
		if (store_exec(c, e, sql[i], "i", id) < 0)
			rc = -1;
	if (rc == 0)
		rc = audit_append(c, who, "review_scheme_delete", "review_scheme", id, d, e);
	json_decref(d);
	return rc;
}

/* ---- schemes: list and one ---- */

static json_t *indicators_json(store_conn *c, const rv_scheme *s)
{
	json_t *arr = json_array();
	for (size_t j = 0; j < s->ni; j++) {
		const rv_indicator *x = &s->ind[j];
		const struct review_metric *m =
			strcmp(x->source, "computed") ? NULL : reviews_metric_find(x->metric);
		char assessing[256];
		rv_unit_name(c, x->assessing_unit_id, assessing, sizeof assessing);
		json_t *o = json_pack("{s:I, s:s, s:s, s:f, s:s, s:s, s:b}", "id",
				      (json_int_t)x->id, "name", x->name, "source", x->source,
				      "weight", x->weight, "direction", x->direction, "rule",
				      review_rule_word(x->rule.rule), "drill", m && m->drill);
		if (!strcmp(x->source, "computed")) {
			json_object_set_new(o, "metric", json_string(x->metric));
			json_object_set_new(o, "metric_label",
					    json_string(m ? m->label : x->metric));
			json_object_set_new(o, "metric_registered", json_boolean(m != NULL));
			json_object_set_new(o, "unit", json_string(m ? m->unit : ""));
		} else {
			json_object_set_new(o, "assessing_unit_id",
					    json_integer(x->assessing_unit_id));
			json_object_set_new(o, "assessing_unit_name", json_string(assessing));
		}
		json_object_set_new(o, "bands", x->bands ? json_incref(x->bands) : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *scheme_json(store_conn *c, const actor *who, const rv_scheme *s)
{
	char organizer[256];
	rv_unit_name(c, s->unit_id, organizer, sizeof organizer);
	json_t *g = json_array();
	for (int i = 0; i < REVIEW_GRADES; i++)
		json_array_append_new(g, json_real(s->grades[i]));
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:o, s:b}", "id", (json_int_t)s->id,
			      "name", s->name, "cadence", s->cadence, "organizer_unit_id",
			      (json_int_t)s->unit_id, "organizer_unit_name", organizer, "grades", g,
			      "indicators", indicators_json(c, s), "can_organize",
			      rv_organizes(who, s));
	if (s->unit_kind[0]) {
		json_object_set_new(o, "unit_kind", json_string(s->unit_kind));
		json_object_set_new(o, "parent_id", json_integer(s->unit_parent_id));
		char parent[256];
		rv_unit_name(c, s->unit_parent_id, parent, sizeof parent);
		json_object_set_new(o, "parent_name", json_string(parent));
	}
	if (s->custom_periods)
		json_object_set_new(o, "periods", json_incref(s->custom_periods));
	return o;
}

/* The scheme's periods, newest first. */
static int periods_json(store_conn *c, int64_t scheme, json_t *o, err *e)
{
	store_stmt *st =
		store_prepare(c,
			      "SELECT id, period_key, status, host_unit_id FROM review_periods"
			      " WHERE scheme_id = ? ORDER BY from_at DESC, id DESC",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "i", scheme);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I}", "id",
						     (json_int_t)store_col_int(st, 0), "period",
						     store_col_text(st, 1), "status",
						     store_col_text(st, 2), "host_unit_id",
						     (json_int_t)store_col_int(st, 3)));
	store_done(st);
	json_object_set_new(o, "periods_list", arr);
	return rc < 0 ? -1 : 0;
}

int review_scheme_list(store_conn *c, const actor *who, json_t **out, err *e)
{
	store_stmt *st = store_prepare(c, "SELECT id FROM review_schemes ORDER BY id", e);
	if (!st)
		return -1;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = store_col_int(st, 0);
	}
	store_done(st);
	json_t *arr = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rv_scheme s;
		bool yes = false;
		if (rv_scheme_load(c, ids[i], &s, e) < 0 ||
		    rv_scheme_visible(c, who, &s, &yes, e) < 0)
			rc = -1;
		if (rc == 0 && yes) {
			json_t *o = scheme_json(c, who, &s);
			if (periods_json(c, s.id, o, e) < 0)
				rc = -1;
			json_array_append_new(arr, o);
		}
		rv_scheme_free(&s);
	}
	free(ids);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)json_array_size(arr));
	return 0;
}

int review_scheme_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	rv_scheme s;
	if (scheme_for(c, who, id, &s, e) < 0)
		return -1;
	json_t *o = scheme_json(c, who, &s), *units;
	int rc = ranked_units(c, &s, &units, e);
	if (rc == 0) {
		size_t i;
		json_t *u;
		json_array_foreach(units, i, u) json_object_del(u, "path");
		json_object_set_new(o, "units", units);
		rc = periods_json(c, s.id, o, e);
	}
	rv_scheme_free(&s);
	if (rc < 0) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

/* ---- periods ---- */

static int64_t month_start(int y, int m)
{
	while (m > 12) {
		m -= 12;
		y++;
	}
	char buf[32];
	snprintf(buf, sizeof buf, "%04d-%02d-01", y, m);
	int64_t ms = 0;
	clock_parse_iso(buf, &ms);
	return ms;
}

/* [from, to) of period key under the scheme's cadence. */
static int period_bounds(const rv_scheme *s, const char *key, int64_t *from, int64_t *to, err *e)
{
	int y, m, q, used = 0;
	if (!strcmp(s->cadence, "custom")) {
		size_t i;
		json_t *p;
		json_array_foreach(s->custom_periods, i, p)
		{
			const char *k = json_string_value(json_object_get(p, "key"));
			if (!k || strcmp(k, key))
				continue;
			if (clock_parse_iso(json_string_value(json_object_get(p, "from")), from) <
				    0 ||
			    clock_parse_iso(json_string_value(json_object_get(p, "to")), to) < 0)
				break;
			*to += 86400000; /* the last day is inclusive */
			return 0;
		}
		return err_set(e, ERR_INVALID, "invalid_period", "period", "方案中没有这个考核期");
	}
	bool quarterly = !strcmp(s->cadence, "quarterly");
	if (quarterly
		    ? sscanf(key, "%4d-Q%1d%n", &y, &q, &used) == 2 && used == 7 && q >= 1 && q <= 4
		    : sscanf(key, "%4d-%2d%n", &y, &m, &used) == 2 && used == 7 && m >= 1 &&
			      m <= 12) {
		if (y >= 2000 && y <= 2099) {
			int first = quarterly ? 3 * (q - 1) + 1 : m;
			int months = quarterly ? 3 : !strcmp(s->cadence, "bimonthly") ? 2 : 1;
			*from = month_start(y, first);
			*to = month_start(y, first + months);
			return 0;
		}
	}
	return err_set(e, ERR_INVALID, "invalid_period", "period",
		       quarterly ? "考核期格式为 YYYY-Qn（如 2026-Q3）"
				 : "考核期格式为 YYYY-MM（如 2026-11）");
}

int review_period_open(store_conn *c, const actor *who, int64_t scheme_id, const char *key,
		       int64_t *id, err *e)
{
	rv_scheme s;
	if (scheme_for(c, who, scheme_id, &s, e) < 0)
		return -1;
	int64_t from, to;
	json_t *units = NULL;
	int rc = -1;
	store_stmt *st;
	if (!rv_organizes(who, &s))
		err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有组织单位可以开启考核期");
	else if (period_bounds(&s, key, &from, &to, e) == 0 &&
		 ranked_units(c, &s, &units, e) == 0 &&
		 (rc = store_query_row(
			  c, &st, e,
			  "INSERT INTO review_periods (scheme_id, period_key, status,"
			  " from_at, to_at, opened_by, opened_at) VALUES (?, ?, 'draft',"
			  " ?, ?, ?, ?) RETURNING id",
			  "isiini", scheme_id, key, from, to, who->user_id, clock_now_ms())) == 1) {
		*id = store_col_int(st, 0);
		store_done(st);
		rc = 0;
		size_t i;
		json_t *u;
		json_array_foreach(units, i, u)
		{
			if (rc == 0 &&
			    store_exec(
				    c, e,
				    "INSERT INTO review_cards (period_id, unit_id) VALUES (?, ?)",
				    "ii", *id,
				    (int64_t)json_integer_value(json_object_get(u, "id"))) < 0)
				rc = -1;
		}
		json_t *d =
			json_pack("{s:I, s:s}", "scheme_id", (json_int_t)scheme_id, "period", key);
		if (rc == 0)
			rc = audit_append(c, who, "review_period_open", "review_period", *id, d, e);
		json_decref(d);
	} else if (rc >= 0) {
		rc = -1;
		if (e->kind == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "period_exists", "period", "这个考核期已经开启");
	} else if (e->kind == ERR_CONFLICT) {
		err_set(e, ERR_CONFLICT, "period_exists", "period", "这个考核期已经开启");
	}
	json_decref(units);
	rv_scheme_free(&s);
	return rc;
}

/* The previous closed period of the scheme: its ranks per unit (0 when none). */
static int previous_ranks(store_conn *c, const rv_period *p, json_t **ranks, char *key, size_t n,
			  err *e)
{
	*ranks = json_object();
	key[0] = 0;
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT id, period_key FROM review_periods WHERE scheme_id = ?"
		" AND status = 'closed' AND from_at < ? ORDER BY from_at DESC LIMIT 1",
		"ii", p->scheme_id, p->from);
	if (rc <= 0)
		return rc;
	int64_t prev = store_col_int(st, 0);
	snprintf(key, n, "%s", store_col_text(st, 1));
	store_done(st);
	st = store_prepare(c, "SELECT unit_id, rank_no FROM review_cards WHERE period_id = ?", e);
	if (!st)
		return -1;
	store_bindf(st, "i", prev);
	while ((rc = store_step(st, e)) == 1) {
		char k[32];
		snprintf(k, sizeof k, "%lld", (long long)store_col_int(st, 0));
		json_object_set_new(*ranks, k, json_integer(store_col_int(st, 1)));
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

static json_t *unit_ref(store_conn *c, int64_t id)
{
	if (!id)
		return json_null();
	char name[256];
	rv_unit_name(c, id, name, sizeof name);
	return json_pack("{s:I, s:s}", "unit_id", (json_int_t)id, "unit_name", name);
}

static json_t *card_items(const rv_scheme *s, const rv_card *k, json_t *prev)
{
	json_t *items = json_array();
	/* In rank order, then by the units' order in the tree. */
	for (int r = 1; r <= (int)k->nu; r++) {
		for (size_t u = 0; u < k->nu; u++) {
			if (k->rank[u] != r)
				continue;
			json_t *values = json_object();
			for (size_t j = 0; j < k->ni; j++) {
				size_t cell = u * k->ni + j;
				json_object_set_new(values, s->ind[j].name,
						    json_pack("{s:o, s:f}", "raw",
							      k->has[cell] ? json_real(k->raw[cell])
									   : json_null(),
							      "score", k->score[cell]));
			}
			char key[32];
			snprintf(key, sizeof key, "%lld", (long long)k->unit_id[u]);
			json_t *was = json_object_get(prev, key);
			json_array_append_new(
				items,
				json_pack("{s:I, s:s, s:f, s:i, s:s, s:o, s:o}", "unit_id",
					  (json_int_t)k->unit_id[u], "unit_name", k->name[u],
					  "score", k->total[u], "rank", k->rank[u], "grade",
					  k->grade[u], "rank_delta",
					  was ? json_integer(json_integer_value(was) - k->rank[u])
					      : json_null(),
					  "values", values));
		}
	}
	return items;
}

/* The indicators the caller may enter values for (their unit assesses them). */
static json_t *can_enter(const actor *who, const rv_scheme *s, const rv_period *p)
{
	json_t *arr = json_array();
	for (size_t j = 0; j < s->ni && !strcmp(p->status, "draft"); j++)
		if (!strcmp(s->ind[j].source, "entered") && actor_has(who, ROLE_UNIT_STAFF) &&
		    s->ind[j].assessing_unit_id == who->unit_id)
			json_array_append_new(arr, json_integer(s->ind[j].id));
	return arr;
}

static json_t *period_head(const rv_scheme *s, const rv_period *p)
{
	char from[40], to[40];
	clock_format_iso(p->from, from, sizeof from);
	clock_format_iso(p->to, to, sizeof to);
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id,
			      "scheme_id", (json_int_t)s->id, "scheme_name", s->name, "cadence",
			      s->cadence, "period", p->key, "status", p->status, "from", from, "to",
			      to);
	if (p->closed_at) {
		char at[40];
		clock_format_iso(p->closed_at, at, sizeof at);
		json_object_set_new(o, "closed_at", json_string(at));
	}
	return o;
}

int review_period_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	rv_period p;
	rv_scheme s;
	if (period_for(c, who, id, &p, &s, e) < 0)
		return -1;
	rv_card k;
	json_t *prev = NULL;
	char prev_key[32];
	int rc = rv_card_build(c, &s, &p, &k, e);
	if (rc == 0)
		rc = previous_ranks(c, &p, &prev, prev_key, sizeof prev_key, e);
	if (rc == 0) {
		json_t *o = period_head(&s, &p);
		json_object_set_new(o, "indicators", indicators_json(c, &s));
		json_object_set_new(o, "items", card_items(&s, &k, prev));
		json_object_set_new(o, "previous_period",
				    prev_key[0] ? json_string(prev_key) : json_null());
		json_object_set_new(o, "host_proposal", unit_ref(c, k.best));
		json_object_set_new(o, "host", unit_ref(c, p.host_unit_id));
		json_object_set_new(o, "can_organize", json_boolean(rv_organizes(who, &s)));
		json_object_set_new(o, "can_enter", can_enter(who, &s, &p));
		*out = o;
	}
	json_decref(prev);
	rv_card_free(&k);
	rv_scheme_free(&s);
	return rc;
}

/* ---- entered values ---- */

static const rv_indicator *indicator_named(const rv_scheme *s, json_t *v)
{
	for (size_t j = 0; j < s->ni; j++) {
		if (json_is_integer(v) && json_integer_value(v) == s->ind[j].id)
			return &s->ind[j];
		if (json_is_string(v) && !strcmp(json_string_value(v), s->ind[j].name))
			return &s->ind[j];
	}
	return NULL;
}

static int check_value(store_conn *c, const actor *who, const rv_scheme *s, const rv_period *p,
		       json_t *v, const rv_indicator **x, err *e)
{
	*x = indicator_named(s, json_object_get(v, "indicator"));
	if (!*x || strcmp((*x)->source, "entered"))
		return err_set(e, ERR_INVALID, "unknown_indicator", "indicator",
			       "方案中没有这个录入指标");
	int64_t n;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM review_cards WHERE period_id = ? AND unit_id = ?",
			    "ii", p->id,
			    (int64_t)json_integer_value(json_object_get(v, "unit_id"))) < 0)
		return -1;
	if (!n)
		return err_set(e, ERR_INVALID, "unknown_unit", "unit_id", "这个单位不参加本期考核");
	if (!actor_has(who, ROLE_UNIT_STAFF) || (*x)->assessing_unit_id != who->unit_id)
		return err_set(e, ERR_FORBIDDEN, "forbidden", "indicator",
			       "只有考核单位可以录入“%s”", (*x)->name);
	return 0;
}

int review_period_values(store_conn *c, const actor *who, int64_t id, json_t *values, err *e)
{
	rv_period p;
	rv_scheme s;
	if (period_for(c, who, id, &p, &s, e) < 0)
		return -1;
	int rc = 0;
	size_t i;
	json_t *v;
	const rv_indicator *x;
	json_array_foreach(values, i, v)
	{
		if (rc == 0 && check_value(c, who, &s, &p, v, &x, e) < 0)
			rc = -1;
	}
	if (rc == 0 && strcmp(p.status, "draft"))
		rc = err_set(e, ERR_CONFLICT, "period_closed", NULL, "考核期已关闭，成绩已固定");
	json_array_foreach(values, i, v)
	{
		if (rc < 0)
			break;
		check_value(c, who, &s, &p, v, &x, e);
		if (store_exec(c, e,
			       "INSERT INTO review_values (period_id, unit_id, indicator_id, value,"
			       " entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?)"
			       " ON CONFLICT (period_id, unit_id, indicator_id) DO UPDATE SET"
			       " value = excluded.value, entered_by = excluded.entered_by,"
			       " entered_at = excluded.entered_at",
			       "iiidii", p.id,
			       (int64_t)json_integer_value(json_object_get(v, "unit_id")), x->id,
			       json_number_value(json_object_get(v, "value")), who->user_id,
			       clock_now_ms()) < 0)
			rc = -1;
	}
	if (rc == 0) {
		json_t *d = json_pack("{s:O}", "values", values);
		rc = audit_append(c, who, "review_values", "review_period", p.id, d, e);
		json_decref(d);
	}
	rv_scheme_free(&s);
	return rc;
}

/* ---- closing: the card frozen in rows ---- */

static int freeze(store_conn *c, const rv_scheme *s, const rv_period *p, const rv_card *k, err *e)
{
	for (size_t u = 0; u < k->nu; u++) {
		for (size_t j = 0; j < k->ni; j++) {
			size_t cell = u * k->ni + j;
			store_stmt *st = store_prepare(c,
						       "INSERT INTO review_cells (period_id, "
						       "unit_id, indicator_id, raw, score)"
						       " VALUES (?, ?, ?, ?, ?)",
						       e);
			if (!st)
				return -1;
			store_bindf(st, "iii", p->id, k->unit_id[u], s->ind[j].id);
			if (k->has[cell])
				store_bind_double(st, 4, k->raw[cell]);
			else
				store_bind_null(st, 4);
			store_bind_double(st, 5, k->score[cell]);
			int rc = store_step(st, e);
			store_done(st);
			if (rc < 0)
				return -1;
		}
		if (store_exec(c, e,
			       "UPDATE review_cards SET total = ?, rank_no = ?, grade = ?"
			       " WHERE period_id = ? AND unit_id = ?",
			       "disii", k->total[u], (int64_t)k->rank[u], k->grade[u], p->id,
			       k->unit_id[u]) < 0)
			return -1;
	}
	return 0;
}

int review_period_close(store_conn *c, const actor *who, int64_t id, err *e)
{
	rv_period p;
	rv_scheme s;
	if (period_for(c, who, id, &p, &s, e) < 0)
		return -1;
	rv_card k = {0};
	int rc = -1;
	if (!rv_organizes(who, &s))
		err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有组织单位可以关闭考核期");
	else if (strcmp(p.status, "draft"))
		err_set(e, ERR_CONFLICT, "period_closed", NULL, "考核期已经关闭");
	else if (rv_card_build(c, &s, &p, &k, e) == 0 && freeze(c, &s, &p, &k, e) == 0 &&
		 store_exec(c, e,
			    "UPDATE review_periods SET status = 'closed', closed_by = ?, closed_at "
			    "= ?,"
			    " host_proposal_id = ? WHERE id = ? AND status = 'draft'",
			    "iini", who->user_id, clock_now_ms(), k.best, p.id) == 1) {
		json_t *d = json_pack("{s:s, s:I}", "period", p.key, "units", (json_int_t)k.nu);
		rc = audit_append(c, who, "review_period_close", "review_period", p.id, d, e);
		json_decref(d);
	} else if (!e->kind) {
		err_set(e, ERR_CONFLICT, "period_closed", NULL, "考核期已经关闭");
	}
	rv_card_free(&k);
	rv_scheme_free(&s);
	return rc;
}

int review_period_host(store_conn *c, const actor *who, int64_t id, int64_t unit_id, err *e)
{
	rv_period p;
	rv_scheme s;
	if (period_for(c, who, id, &p, &s, e) < 0)
		return -1;
	bool organizes = rv_organizes(who, &s);
	rv_scheme_free(&s);
	if (!organizes)
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有组织单位可以确定承办单位");
	int64_t n;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM review_cards WHERE period_id = ? AND unit_id = ?",
			    "ii", id, unit_id) < 0)
		return -1;
	if (!n)
		return err_set(e, ERR_INVALID, "unknown_unit", "unit_id", "这个单位不参加本期考核");
	if (store_exec(c, e,
		       "UPDATE review_periods SET host_unit_id = ?, host_confirmed_by = ?,"
		       " host_confirmed_at = ? WHERE id = ?",
		       "iiii", unit_id, who->user_id, clock_now_ms(), id) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:I}", "unit_id", (json_int_t)unit_id, "proposed",
			      (json_int_t)p.host_proposal_id);
	int rc = audit_append(c, who, "review_host_confirm", "review_period", id, d, e);
	json_decref(d);
	return rc;
}

/* ---- drill-down, history, latest ---- */

int review_period_drill(store_conn *c, const actor *who, int64_t id, int64_t unit_id,
			const char *indicator, json_t **out, err *e)
{
	rv_period p;
	rv_scheme s;
	if (period_for(c, who, id, &p, &s, e) < 0)
		return -1;
	int rc = -1;
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	json_t *name = json_string(indicator);
	char *end;
	long long as_id = strtoll(indicator, &end, 10);
	const rv_indicator *x = indicator_named(&s, name);
	if (!x && *indicator && !*end) {
		json_t *num = json_integer(as_id);
		x = indicator_named(&s, num);
		json_decref(num);
	}
	json_decref(name);
	const struct review_metric *m =
		x && !strcmp(x->source, "computed") ? reviews_metric_find(x->metric) : NULL;
	int64_t n = 0;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM review_cards WHERE period_id = ? AND unit_id = ?",
			    "ii", id, unit_id) < 0 ||
	    (n && unit_path(c, unit_id, lo, sizeof lo, e) < 0))
		goto done;
	/* Another unit's records are not the caller's to see: outside the area, 404. */
	if (!n || !(sees_all(who) || rv_organizes(who, &s) || scope_contains(who->unit_path, lo))) {
		err_set(e, ERR_NOT_FOUND, "not_found", "unit_id", "单位不存在");
		goto done;
	}
	if (!m || !m->drill) {
		err_set(e, ERR_INVALID, "no_drill", "indicator", "这个指标没有明细");
		goto done;
	}
	scope_upper(lo, hi, sizeof hi);
	json_t *items;
	if (m->drill(c, p.from, p.to, lo, hi, REVIEW_DRILL_LIMIT, &items, e) == 0) {
		char uname[256];
		rv_unit_name(c, unit_id, uname, sizeof uname);
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "unit_id",
				 (json_int_t)unit_id, "unit_name", uname, "indicator", x->name,
				 "metric", m->name, "label",
				 m->drill_label ? m->drill_label : m->label, "period", p.key,
				 "items", items, "total", (json_int_t)json_array_size(items));
		rc = 0;
	}
done:
	rv_scheme_free(&s);
	return rc;
}

int review_unit_history(store_conn *c, const actor *who, int64_t scheme_id, int64_t unit_id,
			json_t **out, err *e)
{
	rv_scheme s;
	if (scheme_for(c, who, scheme_id, &s, e) < 0)
		return -1;
	rv_scheme_free(&s);
	store_stmt *st =
		store_prepare(c,
			      "SELECT p.id, p.period_key, r.total, r.rank_no, r.grade,"
			      " (SELECT COUNT(*) FROM review_cards x WHERE x.period_id = p.id)"
			      " FROM review_periods p JOIN review_cards r ON r.period_id = p.id"
			      " WHERE p.scheme_id = ? AND r.unit_id = ? AND p.status = 'closed' "
			      "ORDER BY p.from_at",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ii", scheme_id, unit_id);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:f, s:I, s:s, s:I}", "period_id",
						     (json_int_t)store_col_int(st, 0), "period",
						     store_col_text(st, 1), "score",
						     store_col_double(st, 2), "rank",
						     (json_int_t)store_col_int(st, 3), "grade",
						     store_col_text(st, 4), "units",
						     (json_int_t)store_col_int(st, 5)));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	char name[256];
	rv_unit_name(c, unit_id, name, sizeof name);
	*out = json_pack("{s:I, s:I, s:s, s:o}", "scheme_id", (json_int_t)scheme_id, "unit_id",
			 (json_int_t)unit_id, "unit_name", name, "items", arr);
	return 0;
}

int review_latest(store_conn *c, const actor *who, json_t **out, err *e)
{
	json_t *schemes;
	if (review_scheme_list(c, who, &schemes, e) < 0)
		return -1;
	json_t *arr = json_array();
	int rc = 0;
	size_t i;
	json_t *sc;
	json_array_foreach(json_object_get(schemes, "items"), i, sc)
	{
		int64_t latest = 0;
		size_t j;
		json_t *p;
		json_array_foreach(json_object_get(sc, "periods_list"), j, p)
		{
			if (!latest &&
			    !strcmp(json_string_value(json_object_get(p, "status")), "closed"))
				latest = json_integer_value(json_object_get(p, "id"));
		}
		if (!latest)
			continue;
		json_t *card;
		if ((rc = review_period_get(c, who, latest, &card, e)) < 0)
			break;
		json_t *items = json_object_get(card, "items");
		json_array_foreach(items, j, p) json_object_del(p, "values");
		json_array_append_new(arr, json_pack("{s:O, s:O, s:O, s:I, s:O, s:O, s:O}",
						     "scheme_id", json_object_get(sc, "id"),
						     "scheme_name", json_object_get(sc, "name"),
						     "cadence", json_object_get(sc, "cadence"),
						     "period_id", (json_int_t)latest, "period",
						     json_object_get(card, "period"), "items",
						     items, "host", json_object_get(card, "host")));
		json_decref(card);
	}
	json_decref(schemes);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o}", "items", arr);
	return 0;
}
