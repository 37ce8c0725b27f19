/* Disputes: mediation units and levels, the caller's area, registration, holds and risk. */
#include "disputes/dispute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "disputes/dispute_internal.h"
#include "org/audit.h"

const char *const dispute_levels[] = {"village", "township", "county", NULL};
const char *const dispute_sources[] = {"walk_in",  "grid_event", "appeal",
				       "referral", "patrol",	 NULL};
const char *const dispute_party_sides[] = {"applicant", "respondent", NULL};
const char *const dispute_party_kinds[] = {"person", "organization", NULL};
const char *const dispute_statuses[] = {"accepted", "agreed",	 "failed", "closed",
					"referred", "withdrawn", NULL};

const char *dispute_level_label(const char *level)
{
	if (!strcmp(level, "village"))
		return "村（社区）级";
	if (!strcmp(level, "township"))
		return "乡镇（街道）级";
	if (!strcmp(level, "county"))
		return "县（区）级";
	return "";
}

const char *dispute_side_label(const char *side)
{
	return !strcmp(side, "applicant") ? "申请人" : "被申请人";
}

bool dispute_id_number_valid(const char *s)
{
	size_t n = strlen(s);
	if (n != 15 && n != 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && !(i == 17 && s[i] == 'X'))
			return false;
	if (n == 15)
		return true;
	/* GB 11643-1999: weights 2^(17-i) mod 11 and the check character table. */
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return s[17] == check[sum % 11];
}

void dispute_mask_id(const char *in, char *out, size_t n)
{
	size_t len = in ? strlen(in) : 0;
	if (len < 11) {
		snprintf(out, n, "%s", len ? "****" : "");
		return;
	}
	char stars[32];
	size_t k = len - 10 < sizeof stars - 1 ? len - 10 : sizeof stars - 1;
	memset(stars, '*', k);
	stars[k] = '\0';
	snprintf(out, n, "%.6s%s%s", in, stars, in + len - 4);
}

void dispute_date_cn(int64_t ms, char *out, size_t n)
{
	char iso[40];
	clock_format_iso(ms, iso, sizeof iso);
	snprintf(out, n, "%d年%d月%d日", atoi(iso), atoi(iso + 5), atoi(iso + 8));
}

/* ---- mediation units ---- */

int dispute_unit_load(store_conn *c, int64_t id, dispute_unit *u, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT u.kind, u.name, u.path, dc.level, r.id, r.path, r.kind,"
				 " r.name FROM units u LEFT JOIN dispute_centres dc"
				 " ON dc.unit_id = u.id LEFT JOIN units r ON r.id = dc.region_id"
				 " WHERE u.id = ?",
				 "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "单位不存在") : -1;
	memset(u, 0, sizeof *u);
	u->id = id;
	const char *kind = store_col_text(st, 0);
	snprintf(u->name, sizeof u->name, "%s", store_col_text(st, 1));
	if (!store_col_null(st, 3)) {
		snprintf(u->level, sizeof u->level, "%s", store_col_text(st, 3));
		u->region_id = store_col_int(st, 4);
		snprintf(u->region_path, sizeof u->region_path, "%s", store_col_text(st, 5));
		snprintf(u->region_kind, sizeof u->region_kind, "%s", store_col_text(st, 6));
		snprintf(u->region_name, sizeof u->region_name, "%s", store_col_text(st, 7));
	} else {
		const char *level = !strcmp(kind, "village") || !strcmp(kind, "community")
					    ? "village"
				    : !strcmp(kind, "township") ? "township"
				    : !strcmp(kind, "county")	? "county"
								: "";
		snprintf(u->level, sizeof u->level, "%s", level);
		u->region_id = id;
		snprintf(u->region_path, sizeof u->region_path, "%s", store_col_text(st, 2));
		snprintf(u->region_kind, sizeof u->region_kind, "%s", kind);
		snprintf(u->region_name, sizeof u->region_name, "%s", u->name);
	}
	store_done(st);
	return 0;
}

int dispute_scope(store_conn *c, const actor *who, actor *me, err *e)
{
	*me = *who;
	if (!who->unit_id || !actor_has(who, ROLE_MEDIATOR))
		return 0;
	dispute_unit u;
	if (dispute_unit_load(c, who->unit_id, &u, e) < 0)
		return e && e->kind == ERR_NOT_FOUND ? 0 : -1;
	if (u.level[0] && u.region_id != u.id)
		snprintf(me->unit_path, sizeof me->unit_path, "%s", u.region_path);
	return 0;
}

bool dispute_may_read(const actor *me, const case_row *r)
{
	if (actor_has(me, ROLE_MEDIATOR | ROLE_LEADER | ROLE_ADMIN) && case_visible(me, r))
		return true;
	return me->user_id && r->created_by == me->user_id;
}

static int level_rank(const char *level)
{
	for (int i = 0; dispute_levels[i]; i++)
		if (!strcmp(dispute_levels[i], level))
			return i;
	return -1;
}

/* The mediation centre registered for region_id, 0 when none. */
static int centre_of(store_conn *c, int64_t region_id, int64_t *unit_id, err *e)
{
	return store_query_int(c, unit_id, 0, e,
			       "SELECT unit_id FROM dispute_centres WHERE region_id = ?", "i",
			       region_id);
}

int dispute_next_holder(store_conn *c, const dispute_unit *u, dispute_unit *next, err *e)
{
	if (!strcmp(u->level, "county"))
		return err_set(e, ERR_CONFLICT, "top_level", NULL,
			       "县（区）级调解中心受理的纠纷不能再上报");
	/* The ancestors of the region served, nearest first: the first with a centre of a
	 * higher level takes it (a level without a centre is passed over). */
	int64_t ids[32];
	int n = 0;
	for (const char *p = u->region_path + 1; *p && n < 32;) {
		ids[n++] = strtoll(p, NULL, 10);
		const char *slash = strchr(p, '/');
		p = slash ? slash + 1 : p + strlen(p);
	}
	for (int i = n - 2; i >= 0; i--) {
		int64_t centre;
		if (centre_of(c, ids[i], &centre, e) < 0)
			return -1;
		if (!centre)
			continue;
		if (dispute_unit_load(c, centre, next, e) < 0)
			return -1;
		if (level_rank(next->level) > level_rank(u->level))
			return 0;
	}
	return err_set(e, ERR_CONFLICT, "no_centre", NULL, "上级矛盾纠纷调解中心尚未设置");
}

/* The mediation unit of the lowest level covering region (an agent's registration). */
static int holder_for_region(store_conn *c, int64_t region, dispute_unit *u, err *e)
{
	if (dispute_unit_load(c, region, u, e) < 0)
		return -1;
	if (!strcmp(u->region_kind, "grid")) {
		int64_t parent;
		if (store_query_int(c, &parent, 0, e, "SELECT parent_id FROM units WHERE id = ?",
				    "i", region) < 0 ||
		    dispute_unit_load(c, parent, u, e) < 0)
			return -1;
	}
	if (!strcmp(u->level, "village"))
		return 0;
	if (strcmp(u->level, "township") && strcmp(u->level, "county"))
		return err_set(e, ERR_INVALID, "invalid_region", "region_id",
			       "请选择县（区）及以下的行政区域");
	/* A township or county: its centre, else the centre above it. */
	int64_t centre;
	if (centre_of(c, u->region_id, &centre, e) < 0)
		return -1;
	if (centre)
		return dispute_unit_load(c, centre, u, e);
	dispute_unit here = *u;
	return dispute_next_holder(c, &here, u, e);
}

/* ---- holds ---- */

int dispute_hold_start(store_conn *c, int64_t id, const dispute_unit *u, int64_t now, err *e)
{
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e,
				"INSERT INTO dispute_holds (dispute_id, unit_id, level, started_at)"
				" VALUES (?, ?, ?, ?) RETURNING id",
				"iisi", id, u->id, u->level, now);
	if (rc <= 0)
		return -1;
	int64_t hold = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	return store_exec(c, e, "UPDATE disputes SET hold_id = ?, level = ? WHERE case_id = ?",
			  "isi", hold, u->level, id) < 0
		       ? -1
		       : 0;
}

int dispute_hold_end(store_conn *c, int64_t id, const char *outcome, int64_t now, err *e)
{
	int64_t n =
		outcome ? store_exec(c, e,
				     "UPDATE dispute_holds SET outcome = ?, ended_at = ? WHERE id"
				     " = (SELECT hold_id FROM disputes WHERE case_id = ?)",
				     "sii", outcome, now, id)
			: store_exec(c, e,
				     "UPDATE dispute_holds SET outcome = NULL, ended_at = NULL,"
				     " breaches = breaches + 1 WHERE id = (SELECT hold_id"
				     " FROM disputes WHERE case_id = ?)",
				     "i", id);
	return n < 0 ? -1 : 0;
}

/* ---- risk ---- */

int dispute_risk_people(store_conn *c, int64_t *n, err *e)
{
	return store_query_int(c, n, 5, e,
			       "SELECT CAST(value AS BIGINT) FROM settings"
			       " WHERE key = 'dispute_risk_people'",
			       NULL);
}

typedef struct risk_row {
	int64_t people, created_at, handler_id;
	char place[DISPUTE_PLACE_MAX * 4 + 1], type[DISPUTE_TYPE_CODE_MAX + 1];
	char number[32], status[24], title[DISPUTE_TITLE_MAX * 4 + 1];
	int many, threats, repeated;
} risk_row;

static int risk_load(store_conn *c, int64_t id, risk_row *r, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT d.people_involved, c.created_at, c.handler_id, d.place, d.type, c.number,"
		" c.status, c.title, d.risk_many_people, d.risk_threats, d.risk_repeated"
		" FROM disputes d JOIN cases c ON c.id = d.case_id WHERE d.case_id = ?",
		"i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "纠纷不存在") : -1;
	r->people = store_col_int(st, 0);
	r->created_at = store_col_int(st, 1);
	r->handler_id = store_col_int(st, 2);
	snprintf(r->place, sizeof r->place, "%s", store_col_text(st, 3));
	snprintf(r->type, sizeof r->type, "%s", store_col_text(st, 4));
	snprintf(r->number, sizeof r->number, "%s", store_col_text(st, 5));
	snprintf(r->status, sizeof r->status, "%s", store_col_text(st, 6));
	snprintf(r->title, sizeof r->title, "%s", store_col_text(st, 7));
	r->many = (int)store_col_int(st, 8);
	r->threats = (int)store_col_int(st, 9);
	r->repeated = (int)store_col_int(st, 10);
	store_done(st);
	return 0;
}

/* Whether another dispute since `since` shares a party (name and phone) with dispute id,
 * or its place and type. */
static int risk_repeated(store_conn *c, int64_t id, const risk_row *r, int64_t since, bool *yes,
			 err *e)
{
	int64_t n = 0;
	if (r->place[0] &&
	    store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM (SELECT 1 FROM disputes d JOIN cases c"
			    " ON c.id = d.case_id WHERE d.place = ? AND d.type = ?"
			    " AND d.case_id <> ? AND c.created_at >= ? LIMIT 1) x",
			    "ssii", r->place, r->type, id, since) < 0)
		return -1;
	if (!n && store_query_int(c, &n, 0, e,
				  "SELECT COUNT(*) FROM dispute_parties q WHERE q.dispute_id = ?"
				  " AND q.phone IS NOT NULL AND EXISTS (SELECT 1 FROM"
				  " dispute_parties p JOIN cases c ON c.id = p.dispute_id"
				  " WHERE p.name = q.name AND p.phone = q.phone"
				  " AND p.dispute_id <> ? AND c.created_at >= ?)",
				  "iii", id, id, since) < 0)
		return -1;
	*yes = n > 0;
	return 0;
}

/* The township (or, for a county's case, the county) above the holding unit. */
static int township_above(store_conn *c, int64_t holder, int64_t *unit, err *e)
{
	dispute_unit u;
	if (dispute_unit_load(c, holder, &u, e) < 0)
		return -1;
	*unit = u.region_id;
	if (!strcmp(u.level, "village"))
		return store_query_int(c, unit, u.region_id, e,
				       "SELECT parent_id FROM units WHERE id = ?", "i",
				       u.region_id);
	return 0;
}

static int risk_warn(store_conn *c, const actor *who, int64_t id, const risk_row *r, json_t *flags,
		     err *e)
{
	strbuf why = STRBUF_INIT;
	size_t i;
	json_t *f;
	json_array_foreach(flags, i, f)
	{
		const char *w = json_string_value(f);
		strbuf_adds(&why, i ? "；" : "");
		if (!strcmp(w, "many_people"))
			strbuf_addf(&why, "涉及 %lld 人", (long long)r->people);
		else if (!strcmp(w, "threats"))
			strbuf_adds(&why, "有过激言行或威胁");
		else
			strbuf_addf(&why, "%d 天内重复发生", DISPUTE_REPEAT_DAYS);
	}
	char *body = xasprintf("%s「%s」存在风险（%s），请及时关注、督促化解。", r->number,
			       r->title, strbuf_str(&why));
	char *note = xasprintf("风险预警：%s；已通报乡镇（街道）。", strbuf_str(&why));
	int64_t township = 0;
	json_t *data = json_pack("{s:O}", "flags", flags);
	int rc = township_above(c, r->handler_id, &township, e);
	if (rc == 0)
		rc = case_notify(c, township, 0, id, "dispute_risk", "矛盾纠纷风险预警", body, e);
	if (rc == 0)
		rc = case_timeline_add(c, who, id, "risk_warning", r->status, r->status, note, data,
				       e);
	json_decref(data);
	free(body);
	free(note);
	strbuf_release(&why);
	return rc;
}

int dispute_risk_update(store_conn *c, const actor *who, int64_t id, int threats, err *e)
{
	risk_row r;
	int64_t limit;
	bool repeated;
	if (risk_load(c, id, &r, e) < 0 || dispute_risk_people(c, &limit, e) < 0 ||
	    risk_repeated(c, id, &r, r.created_at - (int64_t)DISPUTE_REPEAT_DAYS * DAY_MS,
			  &repeated, e) < 0)
		return -1;
	int many = r.people > limit, th = threats < 0 ? r.threats : threats, rep = repeated;
	if (store_exec(c, e,
		       "UPDATE disputes SET risk_many_people = ?, risk_threats = ?,"
		       " risk_repeated = ?, risk = ? WHERE case_id = ?",
		       "bbbbi", many, th, rep, many || th || rep, id) < 0)
		return -1;
	json_t *raised = json_array();
	if (many && !r.many)
		json_array_append_new(raised, json_string("many_people"));
	if (th && !r.threats)
		json_array_append_new(raised, json_string("threats"));
	if (rep && !r.repeated)
		json_array_append_new(raised, json_string("repeated"));
	int rc = json_array_size(raised) ? risk_warn(c, who, id, &r, raised, e) : 0;
	json_decref(raised);
	return rc;
}

/* ---- registration ---- */

/* The appeal a dispute is made from: who must see it, and it may have no dispute yet. */
static int appeal_source(store_conn *c, const actor *who, int64_t appeal_id, case_row *a, err *e)
{
	int64_t linked;
	if (case_lock(c, appeal_id, e) < 0)
		return -1;
	if (case_load(c, appeal_id, a, e) < 0 || strcmp(a->kind, "appeal") != 0 ||
	    !actor_has(who, APPEAL_ROLES) || !case_visible(who, a))
		return err_set(e, ERR_INVALID, "invalid_appeal", "from_appeal_id",
			       "诉求不存在或不在您的管辖范围内");
	if (store_query_int(c, &linked, 0, e,
			    "SELECT case_id FROM case_links WHERE linked_case_id = ?"
			    " AND kind = 'from_appeal'",
			    "i", appeal_id) < 0)
		return -1;
	if (linked)
		return err_set(e, ERR_CONFLICT, "appeal_linked", "from_appeal_id",
			       "该诉求已转为矛盾纠纷");
	return 0;
}

/* Where the dispute is held and which region owns it, for who. */
static int place_dispute(store_conn *c, const actor *who, int64_t region, dispute_unit *holder,
			 err *e)
{
	char path[SCOPE_PATH_MAX], kind[16];
	store_stmt *st;
	int rc = region ? store_query_row(c, &st, e, "SELECT path, kind FROM units WHERE id = ?",
					  "i", region)
			: 0;
	if (rc < 0)
		return -1;
	if (rc == 1) {
		snprintf(path, sizeof path, "%s", store_col_text(st, 0));
		snprintf(kind, sizeof kind, "%s", store_col_text(st, 1));
		store_done(st);
	}
	bool region_ok = rc == 1 && strcmp(kind, "department") && strcmp(kind, "city");
	if (actor_has(who, ROLE_MEDIATOR)) {
		if (dispute_unit_load(c, who->unit_id, holder, e) < 0)
			return -1;
		if (!holder->level[0])
			return err_set(e, ERR_FORBIDDEN, "not_mediation_unit", NULL,
				       "您所在的单位不是人民调解组织，不能登记纠纷");
		if (region && (!region_ok || !scope_contains(holder->region_path, path)))
			return err_set(e, ERR_INVALID, "invalid_region", "region_id",
				       "纠纷发生地须在本调解组织的辖区内");
		return 0;
	}
	if (!region)
		return err_set(e, ERR_INVALID, "missing_field", "region_id",
			       "请选择纠纷发生地所在的区域");
	if (!region_ok || !scope_contains(who->unit_path, path))
		return err_set(e, ERR_INVALID, "invalid_region", "region_id",
			       "区域不存在、不是行政区域或不在您的管辖范围内");
	return holder_for_region(c, region, holder, e);
}

static int insert_parties(store_conn *c, int64_t id, const dispute_input *in, err *e)
{
	for (size_t i = 0; i < in->nparties; i++) {
		const dispute_party_input *p = &in->parties[i];
		if (store_exec(c, e,
			       "INSERT INTO dispute_parties (dispute_id, sort, name, kind, side,"
			       " id_number, phone, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			       "iissssss", id, (int64_t)i, p->name, p->kind ? p->kind : "person",
			       p->side, p->id_number, p->phone, p->address) < 0)
			return -1;
	}
	return 0;
}

/* The case, its own row, its parties and its first hold. */
static int create_rows(store_conn *c, const actor *who, const dispute_input *in, int64_t region,
		       const dispute_unit *holder, int64_t now, int64_t *id, char *number, err *e)
{
	strbuf extra = STRBUF_INIT;
	strbuf_adds(&extra, in->place ? in->place : "");
	for (size_t i = 0; i < in->nparties; i++)
		strbuf_addf(&extra, " %s", in->parties[i].name);
	case_new cn = {.machine = &dispute_machine,
		       .status = "accepted",
		       .region_id = region,
		       .intake_unit_id = who->unit_id ? who->unit_id : holder->id,
		       .title = in->title,
		       .content = in->facts,
		       .created_by = who->user_id,
		       .search_extra = strbuf_str(&extra),
		       .at = now};
	int rc = case_create(c, who, &cn, id, number, e);
	strbuf_release(&extra);
	if (rc < 0 || case_set_holder(c, *id, holder->id, now, e) < 0)
		return -1;
	int64_t people = in->people_involved ? in->people_involved : (int64_t)in->nparties;
	const char *source = in->source ? in->source : in->from_appeal_id ? "appeal" : "walk_in";
	if (store_exec(c, e,
		       "INSERT INTO disputes (case_id, type, level, people_involved, place,"
		       " source, mediator_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       "ississn", *id, in->type, holder->level, people, in->place, source,
		       actor_has(who, ROLE_MEDIATOR) ? who->user_id : 0) < 0)
		return -1;
	return insert_parties(c, *id, in, e) < 0 ? -1 : dispute_hold_start(c, *id, holder, now, e);
}

static int check_input(store_conn *c, const dispute_input *in, err *e)
{
	int64_t active;
	if (store_query_int(c, &active, 0, e, "SELECT active FROM dispute_types WHERE code = ?",
			    "s", in->type) < 0)
		return -1;
	if (!active)
		return err_set(e, ERR_INVALID, "invalid_type", "type", "纠纷类型不存在或已停用");
	bool applicant = false, respondent = false;
	for (size_t i = 0; i < in->nparties; i++) {
		applicant |= !strcmp(in->parties[i].side, "applicant");
		respondent |= !strcmp(in->parties[i].side, "respondent");
	}
	if (!applicant || !respondent)
		return err_set(e, ERR_INVALID, "missing_party", "parties",
			       "纠纷当事人须至少有一名申请人和一名被申请人");
	if (!in->title || !in->facts)
		return err_set(e, ERR_INVALID, "missing_field", in->title ? "facts" : "title",
			       in->title ? "请填写纠纷主要事实" : "请填写纠纷标题");
	return 0;
}

/* Links the dispute to its appeal both ways: the link row and a timeline entry. */
static int link_appeal(store_conn *c, const actor *who, int64_t id, const char *number,
		       const case_row *a, int64_t now, err *e)
{
	if (store_exec(c, e,
		       "INSERT INTO case_links (case_id, kind, linked_case_id, created_at)"
		       " VALUES (?, 'from_appeal', ?, ?)",
		       "iii", id, a->id, now) < 0)
		return -1;
	char *note = xasprintf("已转为矛盾纠纷 %s，由调解组织化解", number);
	json_t *data =
		json_pack("{s:I, s:s}", "dispute_id", (json_int_t)id, "dispute_number", number);
	int rc =
		case_timeline_add(c, who, a->id, "to_dispute", a->status, a->status, note, data, e);
	json_decref(data);
	free(note);
	return rc;
}

static int audit_create(store_conn *c, const actor *who, int64_t id, const char *number,
			const dispute_input *in, const dispute_unit *holder, err *e)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:I}", "number", number, "type", in->type, "level",
			      holder->level, "unit_id", (json_int_t)holder->id);
	if (in->from_appeal_id)
		json_object_set_new(d, "from_appeal_id", json_integer(in->from_appeal_id));
	int rc = audit_append(c, who, "dispute_create", "dispute", id, d, e);
	json_decref(d);
	return rc;
}

/* The appeal's title and content fill what the input leaves out (heap copies). */
static int appeal_defaults(store_conn *c, const actor *who, dispute_input *in, case_row *a,
			   char **title, char **facts, err *e)
{
	if (appeal_source(c, who, in->from_appeal_id, a, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT title, content FROM cases WHERE id = ?", "i",
				 a->id);
	if (rc <= 0)
		return -1;
	if (!in->title)
		in->title = *title = xstrdup(store_col_text(st, 0));
	if (!in->facts)
		in->facts = *facts = xstrdup(store_col_text(st, 1));
	store_done(st);
	return 0;
}

/* The new dispute's rows, risk flags, the holder's notification and the audit entry. */
static int register_rows(store_conn *c, const actor *who, const dispute_input *in,
			 int64_t appeal_region, int64_t now, int64_t *id, char *number, err *e)
{
	dispute_unit holder;
	int64_t region = in->region_id;
	if (!region && !actor_has(who, ROLE_MEDIATOR))
		region = appeal_region;
	if (check_input(c, in, e) < 0 || place_dispute(c, who, region, &holder, e) < 0)
		return -1;
	if (!region)
		region = holder.region_id;
	if (create_rows(c, who, in, region, &holder, now, id, number, e) < 0 ||
	    dispute_risk_update(c, who, *id, in->threats ? 1 : -1, e) < 0)
		return -1;
	if (who->unit_id != holder.id &&
	    case_notify(c, holder.id, 0, *id, "new_dispute", "新受理纠纷", number, e) < 0)
		return -1;
	return audit_create(c, who, *id, number, in, &holder, e);
}

int dispute_register(store_conn *c, const actor *who, const dispute_input *given, int64_t *id,
		     err *e)
{
	dispute_input in = *given;
	case_row appeal = {0};
	char *title = NULL, *facts = NULL, number[32];
	int64_t now = clock_now_ms();
	int rc = in.from_appeal_id ? appeal_defaults(c, who, &in, &appeal, &title, &facts, e) : 0;
	if (rc == 0)
		rc = register_rows(c, who, &in, appeal.region_id, now, id, number, e);
	if (rc == 0 && appeal.id)
		rc = link_appeal(c, who, *id, number, &appeal, now, e);
	free(title);
	free(facts);
	return rc;
}
