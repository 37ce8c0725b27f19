#include "engine/case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/audit.h"
#include "engine/calendar.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/strbuf.h"

/* ---- the registry ---- */

enum { MACHINES_MAX = 16 };
static const struct case_machine *machines[MACHINES_MAX];
static size_t nmachines;

void case_machine_register(const struct case_machine *m)
{
	for (size_t i = 0; i < nmachines; i++)
		if (strcmp(machines[i]->kind, m->kind) == 0) {
			machines[i] = m;
			return;
		}
	if (nmachines < MACHINES_MAX)
		machines[nmachines++] = m;
}

const struct case_machine *case_machine_get(const char *kind)
{
	for (size_t i = 0; kind && i < nmachines; i++)
		if (strcmp(machines[i]->kind, kind) == 0)
			return machines[i];
	return NULL;
}

const struct case_machine *const *case_machines(size_t *n)
{
	*n = nmachines;
	return machines;
}

bool case_state_open(const struct case_machine *m, const char *status)
{
	for (const char *const *s = m->terminal; s && *s; s++)
		if (strcmp(*s, status) == 0)
			return false;
	return true;
}

const struct case_action *case_action_find(const struct case_machine *m, const char *name)
{
	for (size_t i = 0; name && i < m->nactions; i++)
		if (strcmp(m->actions[i].name, name) == 0)
			return &m->actions[i];
	return NULL;
}

bool case_action_from(const struct case_machine *m, const struct case_action *act,
		      const char *status)
{
	for (int i = 0; i < CASE_FROM_MAX && act->from[i]; i++)
		if (strcmp(act->from[i], status) == 0 ||
		    (strcmp(act->from[i], "*") == 0 && case_state_open(m, status)))
			return true;
	return false;
}

unsigned case_rels_of(const actor *who, const case_row *r)
{
	unsigned rels = 0;
	bool region = scope_contains(who->unit_path, r->region_path);
	if (region)
		rels |= CASE_REL_REGION;
	if (region || (r->handler_path[0] && scope_contains(who->unit_path, r->handler_path)))
		rels |= CASE_REL_AREA;
	if (r->handler_id && who->unit_id == r->handler_id)
		rels |= CASE_REL_HOLDER;
	if (r->created_by && who->user_id == r->created_by)
		rels |= CASE_REL_REPORTER;
	return rels;
}

/* ---- who may act ---- */

static bool taker_end(const struct case_taker *t)
{
	return !t->roles && !t->rels && !t->pred;
}

static bool taker_matches(const struct case_taker *t, const case_act_ctx *x)
{
	return (!t->roles || actor_has(x->who, t->roles)) && (x->rels & t->rels) == t->rels &&
	       (!t->pred || t->pred(x));
}

static bool may_take(const case_act_ctx *x)
{
	for (int i = 0; i < CASE_TAKERS_MAX && !taker_end(&x->act->takers[i]); i++)
		if (taker_matches(&x->act->takers[i], x))
			return true;
	return false;
}

/* Whether any taker of act is the citizen, and whether every one is: a citizen has only
 * the citizen's actions, and staff do not see those (they are not actions of theirs). */
static void citizen_takers(const struct case_action *act, bool *any, bool *all)
{
	*any = false;
	*all = true;
	int n = 0;
	for (int i = 0; i < CASE_TAKERS_MAX && !taker_end(&act->takers[i]); i++, n++) {
		bool c = (act->takers[i].rels & CASE_REL_CITIZEN) != 0;
		*any |= c;
		*all &= c;
	}
	if (!n)
		*all = false;
}

json_t *case_allowed_actions(const actor *who, const struct case_machine *m, const case_row *r)
{
	json_t *a = json_array();
	case_act_ctx x = {.who = who, .m = m, .row = (case_row *)r, .rels = case_rels_of(who, r)};
	for (size_t i = 0; i < m->nactions; i++) {
		bool any, all;
		x.act = &m->actions[i];
		citizen_takers(x.act, &any, &all);
		if (all || !case_action_from(m, x.act, r->status) || !may_take(&x))
			continue;
		json_array_append_new(a, json_string(x.act->name));
	}
	return a;
}

const char *case_body_str(const case_act_ctx *x, const char *key)
{
	const char *s = json_string_value(json_object_get(x->body, key));
	if (!s)
		return NULL;
	const char *t = s;
	while (*t == ' ')
		t++;
	return *t ? s : NULL;
}

int64_t case_body_int(const case_act_ctx *x, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(x->body, key);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

int case_body_bool(const case_act_ctx *x, const char *key)
{
	json_t *v = json_object_get(x->body, key);
	return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* ---- taking an action ---- */

static const char *noun_of(const struct case_machine *m)
{
	return m->noun ? m->noun : "记录";
}

/* The timeline and audit data a body starts with: its declared fields that are not
 * text (texts are the note). */
static json_t *body_data(const struct case_action *act, json_t *body)
{
	json_t *d = json_object();
	for (const struct jv_field *f = act->body; f && f->name; f++) {
		json_t *v = json_object_get(body, f->name);
		if (f->type != JV_STRING && f->type != JV_TEXT && v && !json_is_null(v))
			json_object_set(d, f->name, v);
	}
	return d;
}

/* The note: the first of the body's declared note, reason and content. */
static const char *body_note(const case_act_ctx *x)
{
	static const char *const keys[] = {"note", "reason", "content"};
	for (size_t i = 0; i < 3; i++) {
		const char *s =
			jv_field_find(x->act->body, keys[i]) ? case_body_str(x, keys[i]) : NULL;
		if (s)
			return s;
	}
	return NULL;
}

/* The checks of case_act before anything changes: kind, sight, action, taker, state,
 * body. */
static int act_check(case_act_ctx *x, const char *action, unsigned extra_rels, err *e)
{
	const struct case_machine *m = x->m;
	bool citizen = (extra_rels & CASE_REL_CITIZEN) != 0;
	if (strcmp(x->row->kind, m->kind) != 0 || (!citizen && !(x->rels & CASE_REL_AREA)))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "%s不存在", noun_of(m));
	x->act = case_action_find(m, action);
	bool any = false, all = false;
	if (x->act)
		citizen_takers(x->act, &any, &all);
	if (!x->act || (citizen && !any) || (!citizen && all))
		return err_set(e, ERR_INVALID, "invalid_action", "action", "未知操作：%s", action);
	/* Role first: an action the caller may never take is 403 whatever the state. */
	if (!may_take(x))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "您无权对该%s执行此操作",
			       noun_of(m));
	if (!case_action_from(m, x->act, x->row->status))
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL,
			       "%s当前状态（%s）不能执行此操作", noun_of(m), x->row->status);
	return x->act->body ? jv_check(x->body, x->act->body, e) : 0;
}

/* The action's notice to the units it names (the case as the action left it). */
static int send_notice(case_act_ctx *x, err *e)
{
	const struct case_notice *n = x->notice;
	case_row now;
	if (case_load(x->c, x->row->id, &now, e) < 0)
		return -1;
	const char *body =
		n->body && jv_field_find(x->act->body, n->body) ? case_body_str(x, n->body) : NULL;
	if (!body)
		body = now.number;
	if ((n->to & CASE_TO_INTAKE) &&
	    case_notify(x->c, now.intake_unit_id, 0, now.id, n->kind, n->title, body, e) < 0)
		return -1;
	if ((n->to & CASE_TO_REPORTER) && now.created_by &&
	    case_notify(x->c, 0, now.created_by, now.id, n->kind, n->title, body, e) < 0)
		return -1;
	if (!now.handler_id)
		return 0;
	if ((n->to & CASE_TO_HOLDER) &&
	    case_notify(x->c, now.handler_id, 0, now.id, n->kind, n->title, body, e) < 0)
		return -1;
	if (!(n->to & CASE_TO_HOLDER_PARENT))
		return 0;
	int64_t parent = 0;
	if (store_query_int(x->c, &parent, 0, e, "SELECT parent_id FROM units WHERE id = ?", "i",
			    now.handler_id) < 0)
		return -1;
	return parent ? case_notify(x->c, parent, 0, now.id, n->kind,
				    n->parent_title ? n->parent_title : n->title, body, e)
		      : 0;
}

/* After the handler: the state, the timeline, the audit entry and the notice. */
static int act_record(case_act_ctx *x, const char *from, err *e)
{
	const char *to = x->to ? x->to : from;
	if (strcmp(to, from) != 0
		    ? case_set_status(x->c, x->row->id, to, x->now, e) < 0
		    : store_exec(x->c, e, "UPDATE cases SET updated_at = ? WHERE id = ?", "ii",
				 x->now, x->row->id) < 0)
		return -1;
	if (case_timeline_add(x->c, x->who, x->row->id, x->act->name, from, to, x->note,
			      json_object_size(x->data) ? x->data : NULL, e) < 0)
		return -1;
	json_t *d = json_deep_copy(x->data);
	json_object_set_new(d, "from", json_string(from));
	json_object_set_new(d, "to", json_string(to));
	char action[64];
	snprintf(action, sizeof action, "%s_%s", x->m->kind, x->act->name);
	int rc = audit_append(x->c, x->who, action, x->m->kind, x->row->id, d, e);
	json_decref(d);
	if (rc < 0)
		return -1;
	return x->notice ? send_notice(x, e) : 0;
}

int case_act(store_conn *c, const actor *who, const struct case_machine *m, int64_t id,
	     const char *action, json_t *body, unsigned extra_rels, void *out, err *e)
{
	case_row r;
	if (case_lock(c, id, e) < 0)
		return -1;
	if (case_load(c, id, &r, e) < 0)
		return e && e->kind == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND, "not_found", NULL,
							       "%s不存在", noun_of(m))
						     : -1;
	json_t *empty = body ? NULL : json_object();
	case_act_ctx x = {.c = c,
			  .who = who,
			  .m = m,
			  .row = &r,
			  .body = body ? body : empty,
			  .rels = case_rels_of(who, &r) | extra_rels,
			  .now = clock_now_ms(),
			  .out = out};
	int rc = act_check(&x, action, extra_rels, e);
	if (rc == 0) {
		char from[sizeof r.status];
		snprintf(from, sizeof from, "%s", r.status);
		x.to = x.act->to;
		x.note = body_note(&x);
		x.data = body_data(x.act, x.body);
		x.notice = x.act->notice;
		rc = x.act->handler ? x.act->handler(&x, e) : 0;
		if (rc == 0)
			rc = act_record(&x, from, e);
		json_decref(x.data);
	}
	json_decref(empty);
	return rc < 0 ? -1 : 0;
}

/* ---- the common repository ---- */

static int64_t col_or0(store_stmt *st, int col)
{
	return store_col_null(st, col) ? 0 : store_col_int(st, col);
}

int case_lock(store_conn *c, int64_t id, err *e)
{
	/* A no-op update is the portable row lock (SQLite has no SELECT ... FOR UPDATE). */
	return store_exec(c, e, "UPDATE cases SET updated_at = updated_at WHERE id = ?", "i", id) <
			       0
		       ? -1
		       : 0;
}

int case_load(store_conn *c, int64_t id, case_row *r, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT id, kind, number, status, region_id, region_path, intake_unit_id,"
		" handler_id, handler_path, assignment_id, created_by, urgent, created_at,"
		" updated_at, dispatched_at, signed_at, replied_at, closed_at, sign_due_at,"
		" finish_due_at, finish_from, sign_alert, finish_alert FROM cases WHERE id = ?",
		"i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "记录不存在");
	memset(r, 0, sizeof *r);
	r->id = store_col_int(st, 0);
	snprintf(r->kind, sizeof r->kind, "%s", store_col_text(st, 1));
	snprintf(r->number, sizeof r->number, "%s", store_col_text(st, 2));
	snprintf(r->status, sizeof r->status, "%s", store_col_text(st, 3));
	r->region_id = store_col_int(st, 4);
	snprintf(r->region_path, sizeof r->region_path, "%s", store_col_text(st, 5));
	r->intake_unit_id = store_col_int(st, 6);
	r->handler_id = col_or0(st, 7);
	snprintf(r->handler_path, sizeof r->handler_path, "%s", store_col_text(st, 8));
	r->assignment_id = col_or0(st, 9);
	r->created_by = col_or0(st, 10);
	r->urgent = store_col_int(st, 11) != 0;
	int64_t *times[] = {&r->created_at,  &r->updated_at,	&r->dispatched_at,
			    &r->signed_at,   &r->replied_at,	&r->closed_at,
			    &r->sign_due_at, &r->finish_due_at, &r->finish_from};
	for (int i = 0; i < 9; i++)
		*times[i] = col_or0(st, 12 + i);
	r->sign_alert = (int)store_col_int(st, 21);
	r->finish_alert = (int)store_col_int(st, 22);
	store_done(st);
	return 0;
}

bool case_visible(const actor *who, const case_row *r)
{
	return scope_contains(who->unit_path, r->region_path) ||
	       (r->handler_path[0] && scope_contains(who->unit_path, r->handler_path));
}

/* The day's last number from the batch's memo kept by the writer (store_batch_memo):
 * key "prefix day". */
static int numbers_save(store_conn *c, const store_memo *m, err *e)
{
	char prefix[sizeof m->key];
	snprintf(prefix, sizeof prefix, "%s", m->key);
	char *day = strchr(prefix, ' ');
	if (!day)
		return err_set(e, ERR_INTERNAL, "numbering", NULL, "无法生成编号");
	*day++ = '\0';
	return store_exec(c, e,
			  "INSERT INTO case_numbers (prefix, day, seq) VALUES (?, ?, ?)"
			  " ON CONFLICT (prefix, day) DO UPDATE SET seq = excluded.seq",
			  "ssi", prefix, day, m->value) < 0
		       ? -1
		       : 0;
}

/* The day's next number from the table: one upsert, which on PostgreSQL also locks the
 * day's row until the commit, so another server's writer waits for this transaction
 * instead of handing out the same numbers. */
static int numbers_take(store_conn *c, const char *prefix, const char *day, int64_t *seq, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO case_numbers (prefix, day, seq) VALUES (?, ?, 1)"
		" ON CONFLICT (prefix, day) DO UPDATE SET seq = case_numbers.seq + 1"
		" RETURNING seq",
		"ss", prefix, day);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "numbering", NULL, "无法生成编号") : -1;
	*seq = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	return rc < 0 ? -1 : 0;
}

int case_number_next(store_conn *c, const char *prefix, int64_t now, char *out, size_t n, err *e)
{
	char iso[40];
	clock_format_iso(now, iso, sizeof iso);
	char day[9];
	snprintf(day, sizeof day, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
	int64_t seq = 0;
	/* On the writer the day's counter lives in memory for the batch: taken from the
	 * table once, written once before the commit (a batch of intakes is one day's
	 * numbers in a row). */
	store_memo *m = store_batch_memo(c, numbers_save);
	char key[sizeof m->key];
	snprintf(key, sizeof key, "%s %s", prefix, day);
	if (m && m->loaded && strcmp(m->key, key) == 0) {
		seq = ++m->value;
		m->dirty = true;
	} else {
		if (m && m->loaded && m->dirty && numbers_save(c, m, e) < 0)
			return -1;
		if (numbers_take(c, prefix, day, &seq, e) < 0)
			return -1;
		if (m) {
			*m = (store_memo){.loaded = true, .value = seq};
			snprintf(m->key, sizeof m->key, "%s", key);
		}
	}
	snprintf(out, n, "%s%s%06lld", prefix, day, (long long)seq);
	return 0;
}

int case_create(store_conn *c, const actor *who, const case_new *in, int64_t *id, char *number,
		err *e)
{
	int64_t now = in->at ? in->at : clock_now_ms();
	char region_path[SCOPE_PATH_MAX];
	store_stmt *st;
	int rc;
	if (in->region_path) {
		snprintf(region_path, sizeof region_path, "%s", in->region_path);
	} else {
		rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i",
				     in->region_id);
		if (rc <= 0)
			return rc == 0 ? err_set(e, ERR_INVALID, "invalid_region", "region_id",
						 "所属区域不存在")
				       : -1;
		snprintf(region_path, sizeof region_path, "%s", store_col_text(st, 0));
		store_done(st);
	}
	if (case_number_next(c, in->machine->prefix, now, number, 32, e) < 0)
		return -1;
	if (store_insert_case(c, id, e,
			      "INSERT INTO cases (id, kind, number, status, region_id, region_path,"
			      " intake_unit_id, title, content, urgent, created_by, created_at,"
			      " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      "sssisissbnii", in->machine->kind, number, in->status, in->region_id,
			      region_path, in->intake_unit_id, in->title, in->content,
			      (int)in->urgent, in->created_by, now, now) < 0)
		return -1;
	strbuf text = STRBUF_INIT;
	case_search_text(&text, number, in->title, in->content, in->search_extra);
	rc = store_fts_put(c, "case", *id, strbuf_str(&text), e);
	strbuf_release(&text);
	if (rc < 0)
		return -1;
	return case_timeline_add(c, who, *id, "create", NULL, in->status, NULL, NULL, e);
}

void case_search_text(strbuf *out, const char *number, const char *title, const char *content,
		      const char *extra)
{
	strbuf_adds(out, number);
	strbuf_addch(out, ' ');
	if (title && (!content || strncmp(content, title, strlen(title)) != 0)) {
		strbuf_adds(out, title);
		strbuf_addch(out, ' ');
	}
	if (content)
		strbuf_adds(out, content);
	strbuf_addch(out, ' ');
	if (extra)
		strbuf_adds(out, extra);
}

int case_timeline_add(store_conn *c, const actor *who, int64_t case_id, const char *action,
		      const char *from, const char *to, const char *note, json_t *data, err *e)
{
	char *d = data ? json_dumps(data, JSON_COMPACT) : NULL;
	int rc = store_run(c, e,
			   "INSERT INTO case_timeline (case_id, at, actor_id, actor, unit_id,"
			   " action, from_status, to_status, note, data)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   "iinsnsssss", case_id, clock_now_ms(), who->user_id, who->username,
			   who->unit_id, action, from, to, note, d);
	free(d);
	return rc;
}

/* The unit's name by a scalar subquery, not a join: PostgreSQL joined a case's few entries
 * to all of units by hashing (a scan of the table and a sort on every read). On SQLite
 * the entries come from the covering index case_timeline_read (migration 022). */
#define TIMELINE_SELECT                                                                            \
	"SELECT t.at, t.actor, t.unit_id, (SELECT u.name FROM units u WHERE u.id = t.unit_id),"    \
	" t.action, t.from_status, t.to_status, t.note, t.data FROM case_timeline t"               \
	" WHERE t.case_id = ? ORDER BY t.id"

int case_timeline_json(store_conn *c, int64_t case_id, json_t **out, err *e)
{
	store_stmt *st = store_prepare(c, TIMELINE_SELECT, e);
	if (!st)
		return -1;
	store_bind_int(st, 1, case_id);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		char at[40];
		clock_format_iso(store_col_int(st, 0), at, sizeof at);
		json_t *o = json_pack("{s:s, s:s, s:s}", "at", at, "actor", store_col_text(st, 1),
				      "action", store_col_text(st, 4));
		json_object_set_new(o, "unit",
				    store_col_null(st, 2)
					    ? json_null()
					    : json_pack("{s:I, s:s}", "id",
							(json_int_t)store_col_int(st, 2), "name",
							store_col_text(st, 3)));
		for (int k = 5; k <= 7; k++) {
			static const char *names[] = {"from", "to", "note"};
			json_object_set_new(o, names[k - 5],
					    store_col_null(st, k)
						    ? json_null()
						    : json_string(store_col_text(st, k)));
		}
		json_t *data =
			store_col_null(st, 8) ? NULL : json_loads(store_col_text(st, 8), 0, NULL);
		if (data)
			json_object_set_new(o, "data", data);
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

store_stmt *case_timeline_send(store_conn *c, int64_t case_id, err *e)
{
	store_stmt *st = store_prepare(c, TIMELINE_SELECT, e);
	if (!st)
		return NULL;
	store_bind_int(st, 1, case_id);
	if (store_send(st, e) < 0) {
		store_done(st);
		return NULL;
	}
	return st;
}

int case_timeline_write_sent(store_stmt *st, strbuf *out, err *e)
{
	jw_open(out, '[');
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		jw_open(out, '{');
		jw_key(out, "at");
		jw_time(out, store_col_int(st, 0));
		jw_key(out, "actor");
		jw_str(out, store_col_text(st, 1));
		jw_key(out, "action");
		jw_str(out, store_col_text(st, 4));
		jw_key(out, "unit");
		if (store_col_null(st, 2)) {
			jw_null(out);
		} else {
			jw_open(out, '{');
			jw_key(out, "id");
			jw_int(out, store_col_int(st, 2));
			jw_key(out, "name");
			jw_str(out, store_col_text(st, 3));
			jw_close(out, '}');
		}
		static const char *names[] = {"from", "to", "note"};
		for (int k = 5; k <= 7; k++) {
			jw_key(out, names[k - 5]);
			jw_str(out, store_col_null(st, k) ? NULL : store_col_text(st, k));
		}
		if (!store_col_null(st, 8)) {
			const char *d = store_col_text(st, 8);
			jw_key(out, "data");
			jw_raw(out, d, strlen(d));
		}
		jw_close(out, '}');
	}
	store_done(st);
	if (rc < 0)
		return -1;
	jw_close(out, ']');
	return 0;
}

int case_set_status(store_conn *c, int64_t case_id, const char *status, int64_t now, err *e)
{
	return store_exec(c, e, "UPDATE cases SET status = ?, updated_at = ? WHERE id = ?", "sii",
			  status, now, case_id) < 0
		       ? -1
		       : 0;
}

int case_assign(store_conn *c, int64_t case_id, int64_t unit_id, int64_t now, int64_t sign_due,
		int64_t finish_due, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", unit_id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INVALID, "invalid_unit", "unit_id",
					 "承办单位不存在")
			       : -1;
	char path[SCOPE_PATH_MAX];
	snprintf(path, sizeof path, "%s", store_col_text(st, 0));
	store_done(st);
	rc = store_query_row(c, &st, e,
			     "INSERT INTO case_assignments (case_id, unit_id, dispatched_at,"
			     " sign_due_at, finish_due_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			     "iiiii", case_id, unit_id, now, sign_due, finish_due);
	if (rc <= 0)
		return -1;
	int64_t aid = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	return store_exec(
		       c, e,
		       "UPDATE cases SET handler_id = ?, handler_path = ?, assignment_id = ?,"
		       " dispatched_at = ?, sign_due_at = ?, finish_due_at = ?, signed_at = NULL,"
		       " replied_at = NULL, sign_alert = 0, finish_alert = 0, finish_from = NULL,"
		       " updated_at = ? WHERE id = ?",
		       "isiiiiii", unit_id, path, aid, now, sign_due, finish_due, now, case_id) < 0
		       ? -1
		       : 0;
}

int case_set_holder(store_conn *c, int64_t case_id, int64_t unit_id, int64_t now, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", unit_id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INVALID, "invalid_unit", "unit_id",
					 "承办单位不存在")
			       : -1;
	char path[SCOPE_PATH_MAX];
	snprintf(path, sizeof path, "%s", store_col_text(st, 0));
	store_done(st);
	return store_exec(c, e,
			  "UPDATE cases SET handler_id = ?, handler_path = ?, updated_at = ?"
			  " WHERE id = ?",
			  "isii", unit_id, path, now, case_id) < 0
		       ? -1
		       : 0;
}

int case_notify(store_conn *c, int64_t unit_id, int64_t user_id, int64_t case_id, const char *kind,
		const char *title, const char *body, err *e)
{
	return store_exec(c, e,
			  "INSERT INTO notifications (unit_id, user_id, case_id, kind, title, body,"
			  " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			  "nnnsssi", unit_id, user_id, case_id, kind, title, body,
			  clock_now_ms()) < 0
		       ? -1
		       : 0;
}

/* The calendar as the database holds it now: office hours and every override. Loaded per
 * use; dispatches are far fewer than reads, and the table is small. */
static calendar *load_calendar(store_conn *c, err *e)
{
	int64_t start, end;
	if (store_query_int(
		    c, &start, CALENDAR_WORK_START, e,
		    "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'office_start'",
		    NULL) < 0 ||
	    store_query_int(c, &end, CALENDAR_WORK_END, e,
			    "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'office_end'",
			    NULL) < 0)
		return NULL;
	calendar *cal = calendar_new((int)start, (int)end);
	if (!cal)
		cal = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	store_stmt *st = store_prepare(c, "SELECT day, workday, name FROM calendar_days", e);
	if (!st) {
		calendar_free(cal);
		return NULL;
	}
	int rc;
	while ((rc = store_step(st, e)) == 1)
		calendar_set_day(cal, store_col_text(st, 0), store_col_int(st, 1) != 0,
				 store_col_text(st, 2), NULL);
	store_done(st);
	if (rc < 0) {
		calendar_free(cal);
		return NULL;
	}
	return cal;
}

int case_deadlines(store_conn *c, const char *kind, const char *policy, bool urgent,
		   int finish_days, int64_t start, int64_t *sign_due, int64_t *finish_due, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT sign_minutes, sign_working, finish_minutes, finish_working"
		" FROM deadline_policies WHERE kind = ? AND (type = ? OR type = '*') AND urgent = ?"
		" ORDER BY CASE WHEN type = '*' THEN 1 ELSE 0 END LIMIT 1",
		"ssi", kind, policy ? policy : "*", (int64_t)(urgent ? 1 : 0));
	if (rc < 0)
		return -1;
	int64_t sm = 120, fm = 5 * 540;
	bool sw = true, fw = true;
	if (rc == 1) {
		sm = store_col_int(st, 0);
		sw = store_col_int(st, 1) != 0;
		fm = store_col_int(st, 2);
		fw = store_col_int(st, 3) != 0;
		store_done(st);
	}
	calendar *cal = load_calendar(c, e);
	if (!cal)
		return -1;
	if (finish_days > 0 && !urgent) {
		fm = (int64_t)finish_days * calendar_day_minutes(cal);
		fw = true;
	}
	*sign_due = calendar_add(cal, start, sm, sw);
	*finish_due = calendar_add(cal, start, fm, fw);
	calendar_free(cal);
	return 0;
}

int case_add_working_days(store_conn *c, int64_t t, int days, int64_t *out, err *e)
{
	calendar *cal = load_calendar(c, e);
	if (!cal)
		return -1;
	*out = calendar_add(cal, t, (int64_t)days * calendar_day_minutes(cal), true);
	calendar_free(cal);
	return 0;
}

calendar *case_calendar(store_conn *c, err *e)
{
	return load_calendar(c, e);
}

const char *case_alert_word(int level)
{
	return level >= 2 ? "overdue" : level == 1 ? "warning" : "none";
}
