/* Reading disputes: one dispute with everything, the list, the mediator's desk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "disputes/dispute.h"
#include "disputes/dispute_internal.h"
#include "org/privacy.h"
#include "org/unit.h"

static json_t *opt_time(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	char iso[40];
	clock_format_iso(store_col_int(st, col), iso, sizeof iso);
	return json_string(iso);
}

static json_t *opt_text(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

static json_t *opt_bool(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_boolean(store_col_int(st, col) != 0);
}

/* {"id","name"} from two columns, null when the id is. */
static json_t *ref_json(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	return json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, col), "name",
			 store_col_text(st, col + 1));
}

/* The raised flags of the three risk columns from col. */
static json_t *flags_json(store_stmt *st, int col)
{
	static const char *const names[] = {"many_people", "threats", "repeated"};
	json_t *a = json_array();
	for (int i = 0; i < 3; i++)
		if (store_col_int(st, col + i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

int dispute_parties_json(store_conn *c, int64_t id, bool show_phone, json_t **out, err *e)
{
	store_stmt *st = store_prepare(c,
				       "SELECT id, name, kind, side, id_number, phone, address"
				       " FROM dispute_parties WHERE dispute_id = ? ORDER BY sort",
				       e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		char idn[40], phone[40];
		dispute_mask_id(store_col_text(st, 4), idn, sizeof idn);
		if (show_phone)
			snprintf(phone, sizeof phone, "%s", store_col_text(st, 5));
		else
			privacy_mask_phone(store_col_text(st, 5), phone, sizeof phone);
		json_t *p =
			json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0),
				  "name", store_col_text(st, 1), "kind", store_col_text(st, 2),
				  "side", store_col_text(st, 3));
		json_object_set_new(p, "id_number",
				    store_col_null(st, 4) ? json_null() : json_string(idn));
		json_object_set_new(p, "phone",
				    store_col_null(st, 5) ? json_null() : json_string(phone));
		json_object_set_new(p, "address", opt_text(st, 6));
		json_array_append_new(arr, p);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

static int records_json(store_conn *c, int64_t id, int64_t now, json_t **out, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT r.id, r.kind, r.held_at, r.place, r.present, r.notes, r.by_id,"
		" u.display_name, r.created_at, r.updated_at FROM dispute_records r"
		" LEFT JOIN users u ON u.id = r.by_id WHERE r.dispute_id = ? ORDER BY r.held_at, "
		"r.id",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		bool session = !strcmp(store_col_text(st, 1), "session");
		json_t *o = json_pack(
			"{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "id",
			(json_int_t)store_col_int(st, 0), "kind", store_col_text(st, 1), "held_at",
			opt_time(st, 2), "place", opt_text(st, 3), "present", opt_text(st, 4),
			"notes", opt_text(st, 5), "by", ref_json(st, 6), "created_at",
			opt_time(st, 8), "updated_at", opt_time(st, 9), "planned",
			session && store_col_null(st, 5), "upcoming", store_col_int(st, 2) > now);
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

static int from_appeal_json(store_conn *c, int64_t id, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT a.id, a.number, a.title, a.status FROM case_links l"
				 " JOIN cases a ON a.id = l.linked_case_id WHERE l.case_id = ?"
				 " AND l.kind = 'from_appeal'",
				 "i", id);
	if (rc < 0)
		return -1;
	*out = rc == 0 ? json_null()
		       : json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0),
				   "number", store_col_text(st, 1), "title", store_col_text(st, 2),
				   "status", store_col_text(st, 3));
	if (rc == 1)
		store_done(st);
	return 0;
}

/* The columns of one dispute, in this order. */
#define DETAIL_SELECT                                                                              \
	"SELECT c.id, c.number, c.status, c.title, c.content, c.created_at, c.updated_at,"         \
	" c.closed_at, d.type, t.name, d.level, d.people_involved, d.place, d.source,"             \
	" d.risk, d.risk_many_people, d.risk_threats, d.risk_repeated, d.escalations,"             \
	" c.region_id, ru.name, ru.kind, c.handler_id, hu.name, hu.kind,"                          \
	" c.intake_unit_id, iu.name, d.mediator_id, mu.display_name,"                              \
	" d.agreement_no, d.agreement_facts, d.agreement_matters, d.terms, d.fulfil_how,"          \
	" d.fulfil_by, d.copies, d.agreed_at, d.fulfil_checked_at, d.fulfilled,"                   \
	" d.confirm_court, d.confirm_applied_at, d.ruling, d.ruled_at, d.ended_at,"                \
	" d.ended_reason, d.referred_to, d.revisit_at, d.revisit_notes, d.satisfaction,"           \
	" c.created_by, cu.display_name"                                                           \
	" FROM disputes d JOIN cases c ON c.id = d.case_id"                                        \
	" JOIN dispute_types t ON t.code = d.type JOIN units ru ON ru.id = c.region_id"            \
	" LEFT JOIN units hu ON hu.id = c.handler_id JOIN units iu ON iu.id = c.intake_unit_id"    \
	" LEFT JOIN users mu ON mu.id = d.mediator_id LEFT JOIN users cu ON cu.id = c.created_by"  \
	" WHERE d.case_id = ?"

static json_t *unit_ref(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_col_int(st, col), "name",
			 store_col_text(st, col + 1), "kind", store_col_text(st, col + 2));
}

static json_t *agreement_json(store_stmt *st)
{
	if (store_col_null(st, 29))
		return json_null();
	json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "number",
			      store_col_text(st, 29), "facts", opt_text(st, 30), "matters",
			      opt_text(st, 31), "terms", opt_text(st, 32), "fulfil_how",
			      opt_text(st, 33), "fulfil_by", opt_time(st, 34), "copies",
			      json_integer(store_col_int(st, 35)), "agreed_at", opt_time(st, 36));
	json_object_set_new(o, "fulfilment",
			    store_col_null(st, 37)
				    ? json_null()
				    : json_pack("{s:o, s:o}", "checked_at", opt_time(st, 37),
						"fulfilled", opt_bool(st, 38)));
	return o;
}

/* The dispute's own fields (everything but parties, records, link, timeline, actions). */
static json_t *detail_json(store_stmt *st)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:I, s:o, s:s, s:b,"
		" s:o, s:I}",
		"id", (json_int_t)store_col_int(st, 0), "number", store_col_text(st, 1), "status",
		store_col_text(st, 2), "title", store_col_text(st, 3), "facts",
		store_col_text(st, 4), "created_at", opt_time(st, 5), "updated_at", opt_time(st, 6),
		"closed_at", opt_time(st, 7), "type", store_col_text(st, 8), "type_name",
		store_col_text(st, 9), "level", store_col_text(st, 10), "people_involved",
		(json_int_t)store_col_int(st, 11), "place", opt_text(st, 12), "source",
		store_col_text(st, 13), "risk", store_col_int(st, 14) != 0, "risk_flags",
		flags_json(st, 15), "escalations", (json_int_t)store_col_int(st, 18));
	json_object_set_new(o, "region", unit_ref(st, 19));
	json_object_set_new(o, "unit", unit_ref(st, 22));
	json_object_set_new(o, "intake_unit", ref_json(st, 25));
	json_object_set_new(o, "mediator", ref_json(st, 27));
	json_object_set_new(o, "created_by", ref_json(st, 49));
	json_object_set_new(o, "agreement", agreement_json(st));
	json_object_set_new(o, "fulfil_by", opt_time(st, 34));
	json_object_set_new(o, "confirmation",
			    store_col_null(st, 40)
				    ? json_null()
				    : json_pack("{s:o, s:o, s:o, s:o}", "court", opt_text(st, 39),
						"applied_at", opt_time(st, 40), "ruling",
						opt_text(st, 41), "ruled_at", opt_time(st, 42)));
	json_object_set_new(o, "ended",
			    store_col_null(st, 43)
				    ? json_null()
				    : json_pack("{s:o, s:o, s:o}", "at", opt_time(st, 43), "reason",
						opt_text(st, 44), "referred_to", opt_text(st, 45)));
	json_object_set_new(o, "referred_to", opt_text(st, 45));
	json_object_set_new(o, "revisit",
			    store_col_null(st, 46)
				    ? json_null()
				    : json_pack("{s:o, s:o, s:o}", "at", opt_time(st, 46), "notes",
						opt_text(st, 47), "satisfaction",
						opt_text(st, 48)));
	return o;
}

/* What the actions list leaves out although the machine allows it from the state: the
 * judicial confirmation's steps out of turn, an escalation from the top. */
static json_t *allowed_json(const actor *me, const case_row *r, const json_t *d)
{
	json_t *all = case_allowed_actions(me, &dispute_machine, r);
	json_t *conf = json_object_get(d, "confirmation");
	json_t *agr = json_object_get(d, "agreement");
	int64_t agreed_at = 0;
	if (json_is_object(agr))
		clock_parse_iso(json_string_value(json_object_get(agr, "agreed_at")), &agreed_at);
	bool window =
		agreed_at && clock_now_ms() - agreed_at <= DISPUTE_CONFIRM_DAYS * 1LL * DAY_MS;
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(all, i, v)
	{
		const char *a = json_string_value(v);
		if ((!strcmp(a, "apply_confirmation") && (!json_is_null(conf) || !window)) ||
		    (!strcmp(a, "record_ruling") &&
		     (json_is_null(conf) || !json_is_null(json_object_get(conf, "ruling")))) ||
		    (!strcmp(a, "escalate") &&
		     !strcmp(json_string_value(json_object_get(d, "level")), "county")))
			continue;
		json_array_append(out, v);
	}
	json_decref(all);
	return out;
}

int dispute_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	actor me;
	case_row r;
	if (dispute_scope(c, who, &me, e) < 0)
		return -1;
	if (case_load(c, id, &r, e) < 0 || strcmp(r.kind, "dispute") != 0 ||
	    !dispute_may_read(&me, &r))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "纠纷不存在");
	store_stmt *st;
	int rc = store_query_row(c, &st, e, DETAIL_SELECT, "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "纠纷不存在") : -1;
	json_t *o = detail_json(st);
	store_done(st);
	json_t *parties = NULL, *records = NULL, *appeal = NULL, *timeline = NULL;
	bool holder_staff = r.handler_id && who->unit_id == r.handler_id;
	if (dispute_parties_json(c, id, holder_staff, &parties, e) < 0 ||
	    records_json(c, id, clock_now_ms(), &records, e) < 0 ||
	    from_appeal_json(c, id, &appeal, e) < 0 ||
	    case_timeline_json(c, id, &timeline, e) < 0) {
		json_decref(o);
		json_decref(parties);
		json_decref(records);
		json_decref(appeal);
		return -1;
	}
	json_object_set_new(o, "parties", parties);
	json_object_set_new(o, "records", records);
	json_object_set(o, "from_appeal_id",
			json_is_object(appeal) ? json_object_get(appeal, "id") : json_null());
	json_object_set_new(o, "from_appeal", appeal);
	json_object_set_new(o, "timeline", timeline);
	json_object_set_new(o, "allowed_actions", allowed_json(&me, &r, o));
	*out = o;
	return 0;
}

/* ---- lists ---- */

/* The columns of a list item, in this order; ? is now (the next session). */
#define ITEM_SELECT                                                                                \
	"SELECT c.id, c.number, c.status, d.level, d.type, t.name, c.title, c.handler_id,"         \
	" hu.name, d.risk, d.risk_many_people, d.risk_threats, d.risk_repeated,"                   \
	" d.people_involved, c.created_at, d.fulfil_by, (SELECT MIN(r.held_at)"                    \
	" FROM dispute_records r WHERE r.dispute_id = c.id AND r.kind = 'session'"                 \
	" AND r.notes IS NULL AND r.held_at >= ?), c.region_id, ru.name, d.mediator_id,"           \
	" mu.display_name, d.fulfil_checked_at"                                                    \
	" FROM cases c JOIN disputes d ON d.case_id = c.id JOIN dispute_types t ON t.code = "      \
	"d.type"                                                                                   \
	" LEFT JOIN units hu ON hu.id = c.handler_id JOIN units ru ON ru.id = c.region_id"         \
	" LEFT JOIN users mu ON mu.id = d.mediator_id"

static json_t *item_json(store_stmt *st)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:I, s:o, s:o, s:o, s:o, s:o}",
		"id", (json_int_t)store_col_int(st, 0), "number", store_col_text(st, 1), "status",
		store_col_text(st, 2), "level", store_col_text(st, 3), "type",
		store_col_text(st, 4), "type_name", store_col_text(st, 5), "title",
		store_col_text(st, 6), "unit", ref_json(st, 7), "risk", store_col_int(st, 9) != 0,
		"risk_flags", flags_json(st, 10), "people_involved",
		(json_int_t)store_col_int(st, 13), "created_at", opt_time(st, 14), "fulfil_by",
		opt_time(st, 15), "next_session", opt_time(st, 16), "region", ref_json(st, 17),
		"mediator", ref_json(st, 19));
	json_object_set_new(o, "fulfil_checked_at", opt_time(st, 21));
	return o;
}

enum { PMAX = 40 };

/* The parameters of a list query, bound in order. */
typedef struct params {
	size_t n;
	struct {
		bool is_int;
		int64_t i;
		const char *s;
	} v[PMAX];
} params;

static void ps(params *p, const char *s)
{
	if (p->n < PMAX)
		p->v[p->n].is_int = false, p->v[p->n++].s = s;
}

static void pi(params *p, int64_t i)
{
	if (p->n < PMAX)
		p->v[p->n].is_int = true, p->v[p->n++].i = i;
}

static void bind_all(store_stmt *st, const params *p, int from)
{
	for (int k = 0; k < (int)p->n; k++) {
		if (p->v[k].is_int)
			store_bind_int(st, from + k, p->v[k].i);
		else
			store_bind_text(st, from + k, p->v[k].s);
	}
}

/* Who may read what: mediators, leaders and admins their area; anyone what they
 * registered. Appends the condition to w. */
static void where_readable(const actor *me, strbuf *w, params *p, char *hi)
{
	bool area = actor_has(me, ROLE_MEDIATOR | ROLE_LEADER | ROLE_ADMIN);
	scope_upper(me->unit_path, hi, SCOPE_PATH_MAX);
	strbuf_adds(w, " WHERE c.kind = 'dispute' AND (c.created_by = ?");
	pi(p, me->user_id ? me->user_id : -1);
	if (area) {
		strbuf_adds(w, " OR (c.region_path >= ? AND c.region_path < ?)"
			       " OR (c.handler_path >= ? AND c.handler_path < ?)");
		ps(p, me->unit_path), ps(p, hi), ps(p, me->unit_path), ps(p, hi);
	}
	strbuf_adds(w, ")");
}

/* The filters; 0, or 1 when nothing can match (an unknown unit). */
static int where_filters(store_conn *c, store *s, const actor *me, const dispute_filter *f,
			 strbuf *w, params *p, char **statuses, char **fts, char *upath, char *uhi,
			 err *e)
{
	if (f->statuses) {
		*statuses = xstrdup(f->statuses);
		strbuf_adds(w, " AND c.status IN (''");
		for (char *sv = NULL, *t = strtok_r(*statuses, ",", &sv); t;
		     t = strtok_r(NULL, ",", &sv))
			strbuf_adds(w, ", ?"), ps(p, t);
		strbuf_adds(w, ")");
	}
	if (f->level)
		strbuf_adds(w, " AND d.level = ?"), ps(p, f->level);
	if (f->type)
		strbuf_adds(w, " AND d.type = ?"), ps(p, f->type);
	if (f->risk >= 0)
		strbuf_adds(w, " AND d.risk = ?"), pi(p, f->risk);
	if (f->mine)
		strbuf_adds(w, " AND d.mediator_id = ?"), pi(p, me->user_id);
	if (f->from)
		strbuf_adds(w, " AND c.created_at >= ?"), pi(p, f->from);
	if (f->to)
		strbuf_adds(w, " AND c.created_at < ?"), pi(p, f->to);
	if (f->unit_id) {
		if (unit_path(c, f->unit_id, upath, SCOPE_PATH_MAX, e) < 0)
			return e->kind == ERR_NOT_FOUND ? 1 : -1;
		scope_upper(upath, uhi, SCOPE_PATH_MAX);
		strbuf_adds(w, " AND c.handler_path >= ? AND c.handler_path < ?");
		ps(p, upath), ps(p, uhi);
	}
	if (f->q) {
		*fts = store_fts_query(s, f->q);
		if (!*fts)
			return 1;
		strbuf_addf(w, " AND c.id IN (%s)", store_fts_ids_sql(s, "case"));
		ps(p, *fts);
	}
	return 0;
}

static int run_list(store_conn *c, const strbuf *w, const params *p, int64_t page, int64_t per_page,
		    json_t *items, int64_t *total, err *e)
{
	char *count_sql = xasprintf("SELECT COUNT(*) FROM cases c JOIN disputes d"
				    " ON d.case_id = c.id%s",
				    strbuf_str(w));
	char *list_sql =
		xasprintf(ITEM_SELECT "%s ORDER BY c.id DESC LIMIT ? OFFSET ?", strbuf_str(w));
	int rc = 0;
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		store_stmt *st = store_prepare(c, pass ? list_sql : count_sql, e);
		if (!st) {
			rc = -1;
			break;
		}
		if (pass)
			store_bind_int(st, 1, clock_now_ms());
		bind_all(st, p, pass ? 2 : 1);
		if (pass) {
			store_bind_int(st, (int)p->n + 2, per_page);
			store_bind_int(st, (int)p->n + 3, (page - 1) * per_page);
		}
		int src;
		while ((src = store_step(st, e)) == 1) {
			if (pass)
				json_array_append_new(items, item_json(st));
			else
				*total = store_col_int(st, 0);
		}
		store_done(st);
		rc = src < 0 ? -1 : 0;
	}
	free(count_sql);
	free(list_sql);
	return rc;
}

int dispute_list(store_conn *c, store *s, const actor *who, const dispute_filter *f, int64_t page,
		 int64_t per_page, json_t **items, int64_t *total, err *e)
{
	actor me;
	if (dispute_scope(c, who, &me, e) < 0)
		return -1;
	strbuf w = STRBUF_INIT;
	params p = {0};
	char hi[SCOPE_PATH_MAX], upath[SCOPE_PATH_MAX], uhi[SCOPE_PATH_MAX];
	char *statuses = NULL, *fts = NULL;
	*items = json_array();
	*total = 0;
	where_readable(&me, &w, &p, hi);
	int rc = where_filters(c, s, &me, f, &w, &p, &statuses, &fts, upath, uhi, e);
	if (rc == 0)
		rc = run_list(c, &w, &p, page, per_page, *items, total, e);
	free(statuses);
	free(fts);
	strbuf_release(&w);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return -1;
	}
	return 0;
}

/* ---- the desk ---- */

/* Items of the disputes held by unit with a condition of their own (params after the
 * unit), ordered by order. */
static int desk_items(store_conn *c, int64_t unit, const char *cond, const char *order, int64_t a1,
		      json_t **out, err *e)
{
	char *sql = xasprintf(ITEM_SELECT " WHERE c.kind = 'dispute' AND c.handler_id = ?"
					  " AND %s ORDER BY %s LIMIT 200",
			      cond, order);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st)
		return -1;
	store_bindf(st, "ii", clock_now_ms(), unit);
	if (a1)
		store_bind_int(st, 3, a1);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, item_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

static int sessions_today(store_conn *c, int64_t unit, int64_t from, int64_t to, json_t **out,
			  err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT r.id, r.dispute_id, c.number, c.title, r.held_at, r.place, r.present,"
		" r.notes FROM dispute_records r JOIN cases c ON c.id = r.dispute_id"
		" WHERE c.handler_id = ? AND r.kind = 'session' AND r.held_at >= ?"
		" AND r.held_at < ? ORDER BY r.held_at, r.id",
		e);
	if (!st)
		return -1;
	store_bindf(st, "iii", unit, from, to);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr,
				      json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:b}",
						"record_id", (json_int_t)store_col_int(st, 0),
						"dispute_id", (json_int_t)store_col_int(st, 1),
						"number", store_col_text(st, 2), "title",
						store_col_text(st, 3), "held_at", opt_time(st, 4),
						"place", opt_text(st, 5), "present",
						opt_text(st, 6), "planned", store_col_null(st, 7)));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int dispute_desk(store_conn *c, const actor *who, json_t **out, err *e)
{
	int64_t now = clock_now_ms();
	char day[40];
	clock_format_iso(now, day, sizeof day);
	day[10] = '\0';
	int64_t start;
	clock_parse_iso(day, &start);
	json_t *open = NULL, *sessions = NULL, *due = NULL;
	if (desk_items(c, who->unit_id, "c.status IN ('accepted', 'agreed', 'failed')",
		       "d.risk DESC, c.id DESC", 0, &open, e) < 0 ||
	    sessions_today(c, who->unit_id, start, start + DAY_MS, &sessions, e) < 0 ||
	    desk_items(c, who->unit_id,
		       "c.status = 'agreed' AND d.fulfil_checked_at IS NULL AND d.fulfil_by < ?",
		       "d.fulfil_by, c.id", start + DAY_MS, &due, e) < 0) {
		json_decref(open);
		json_decref(sessions);
		return -1;
	}
	json_t *mine = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(open, i, v)
	{
		json_t *m = json_object_get(v, "mediator");
		if (json_is_object(m) &&
		    json_integer_value(json_object_get(m, "id")) == who->user_id)
			json_array_append(mine, v);
	}
	*out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:s}", "unit_id", (json_int_t)who->unit_id,
			 "open", open, "mine", mine, "sessions_today", sessions, "due_checks", due,
			 "date", day);
	return 0;
}
