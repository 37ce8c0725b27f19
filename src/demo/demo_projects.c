/* The demo's investment projects and key issues. Projects and reports are written in bulk
 * (deterministic, a few hundred rows per county); the key issues go through ki_create and
 * ki_from_report like any registration, so the engine's cases, timelines and audit entries
 * are real. */
#include "demo/demo_projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "demo/demo_rand.h"
#include "investment/invest.h"
#include "keyissues/key_issue.h"

enum {
	PROJECTS_PER_COUNTY = 43,
	COUNTIES = 7,
	KEY_ISSUES = 30,
	FROM_PROBLEMS = 10,
	REPORT_MONTHS = 25
};

/* A product and the index of its industry in inv_industries' order (migration 015). */
static const struct product {
	const char *name;
	int industry;
} products[] = {
	{"风电场", 0},	       {"光伏发电", 0},	      {"储能电站", 0},	     {"氢能产业园", 0},
	{"农产品精深加工", 1}, {"肉牛屠宰加工", 1},   {"花生深加工", 1},     {"高端液压件", 2},
	{"新能源装备制造", 2}, {"精细化工新材料", 3}, {"氟化工", 3},	     {"数据中心", 4},
	{"智慧物流园", 5},     {"冷链物流中心", 5},   {"文旅综合体", 7},     {"污水处理厂", 8},
	{"集中供热改造", 8},   {"工业互联网平台", 4}, {"生物医药产业园", 3}, {"现代农业示范园", 6}};
static const char *const owners[] = {"阜新能源集团有限公司",	   "辽宁绿源食品有限公司",
				     "阜新德尔汽车部件有限公司",   "阜新恒通氟化学有限公司",
				     "阜新数字产业发展有限公司",   "辽宁阜蒙农业开发有限公司",
				     "彰武县城市建设投资有限公司", "阜新海州文化旅游有限公司"};
static const char *const problems[] = {"用地指标尚未落实，土地征收进度滞后。",
				       "环评审批未完成，影响开工。",
				       "项目融资缺口较大，银行贷款未到位。",
				       "外部供电线路未接入，施工用电受限。",
				       "林地占用手续办理缓慢。",
				       "施工许可证办理周期长。"};
static const char *const tags_pool[] = {
	"[\"新基建\"]", "[\"省重点项目\"]", "[\"省重点项目\",\"新基建\"]", "[]", "[]", "[]"};

typedef struct ctx {
	int64_t now, counties[COUNTIES], industries[16], fagai, ducha, leader;
	int nindustries, ncounties;
	char county_names[COUNTIES][64];
	int64_t team[8];
	int nteam;
} ctx;

static void month_add(int *y, int *m, int k)
{
	int t = *y * 12 + (*m - 1) + k;
	*y = t / 12;
	*m = t % 12 + 1;
}

static int load_refs(store_conn *c, ctx *x, err *e)
{
	store_stmt *st = store_prepare(
		c, "SELECT id, name FROM units WHERE kind = 'county' ORDER BY id LIMIT 7", e);
	if (!st)
		return -1;
	int rc;
	while ((rc = store_step(st, e)) == 1 && x->ncounties < COUNTIES) {
		x->counties[x->ncounties] = store_col_int(st, 0);
		snprintf(x->county_names[x->ncounties++], 64, "%s", store_col_text(st, 1));
	}
	store_done(st);
	if (rc < 0 || !(st = store_prepare(c, "SELECT id FROM inv_industries ORDER BY sort", e)))
		return -1;
	while ((rc = store_step(st, e)) == 1 && x->nindustries < 16)
		x->industries[x->nindustries++] = store_col_int(st, 0);
	store_done(st);
	if (rc < 0)
		return -1;
	const char *team[] = {"fagai", "zhujian", "haizhou", "xihe", "ducha", "hz_hall", NULL};
	for (int i = 0; team[i]; i++) {
		int64_t id = 0;
		if (store_query_int(c, &id, 0, e, "SELECT id FROM users WHERE username = ?", "s",
				    team[i]) < 0)
			return -1;
		if (id)
			x->team[x->nteam++] = id;
	}
	if (store_query_int(c, &x->leader, 0, e, "SELECT id FROM users WHERE username = 'leader'",
			    NULL) < 0 ||
	    store_query_int(c, &x->fagai, 0, e,
			    "SELECT unit_id FROM users WHERE username = 'fagai'", NULL) < 0 ||
	    store_query_int(c, &x->ducha, 0, e,
			    "SELECT unit_id FROM users WHERE username = 'ducha'", NULL) < 0)
		return -1;
	if (x->fagai &&
	    store_exec(c, e, "INSERT INTO inv_offices (unit_id, duty) VALUES (?, 'projects')", "i",
		       x->fagai) < 0)
		return -1;
	if (x->ducha &&
	    store_exec(c, e, "INSERT INTO inv_offices (unit_id, duty) VALUES (?, 'key_issues')",
		       "i", x->ducha) < 0)
		return -1;
	return 0;
}

/* One project and its reports. */
static int one_project(store_conn *c, ctx *x, int county, int k, err *e)
{
	uint64_t r = demo_rnd_seed((uint64_t)(county * 1000 + k + 7));
	int y, m;
	char iso[40];
	clock_format_iso(x->now, iso, sizeof iso);
	y = atoi(iso);
	m = atoi(iso + 5);
	/* Planned start between 30 months ago and 4 months ahead. */
	int sy = y, sm = m;
	month_add(&sy, &sm, (int)demo_rnd_int(&r, -30, 4));
	int dur = (int)demo_rnd_int(&r, 10, 36), cy = sy, cm = sm;
	month_add(&cy, &cm, dur);
	double total = demo_rnd_unit(&r) < 0.45 ? (double)demo_rnd_int(&r, 5000, 150000)
						: (double)demo_rnd_int(&r, 600, 4999);
	int cur = y * 12 + m - 1, start = sy * 12 + sm - 1, end = cy * 12 + cm - 1;
	bool behind = demo_rnd_unit(&r) < 0.18, skip_last = demo_rnd_unit(&r) < 0.08;
	const char *stage = start > cur	     ? (demo_rnd_unit(&r) < 0.5 ? "谋划" : "签约")
			    : end < cur	     ? (demo_rnd_unit(&r) < 0.5 ? "竣工" : "投产")
			    : start / 12 < y ? "续建"
					     : "开工";
	char name[200], ps[16], pc[16], as[16], ac[16];
	const struct product *pr = &products[demo_rnd_int(&r, 0, 19)];
	snprintf(name, sizeof name, "%.12s%s项目（%d期）", x->county_names[county], pr->name,
		 (int)demo_rnd_int(&r, 1, 3));
	snprintf(ps, sizeof ps, "%04d-%02d-01", sy % 10000, sm % 100);
	snprintf(pc, sizeof pc, "%04d-%02d-28", cy % 10000, cm % 100);
	snprintf(as, sizeof as, "%04d-%02d-01", sy % 10000, sm % 100);
	snprintf(ac, sizeof ac, "%04d-%02d-01", cy % 10000, cm % 100);
	bool started = start <= cur, done = end < cur;
	store_stmt *st = store_prepare(
		c,
		"INSERT INTO invest_projects (name, owner, county_id, lead_unit_id, industry_id, "
		"tags,"
		" total_investment, planned_start, planned_completion, actual_start,"
		" actual_completion, stage, leader_id, service_unit_id, location, lat, lon,"
		" created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		e);
	if (!st)
		return -1;
	char loc[96];
	snprintf(loc, sizeof loc, "%.40s经济开发区", x->county_names[county]);
	store_bindf(st, "ssiiisdsssssnisddii", name, owners[demo_rnd_int(&r, 0, 7)],
		    x->counties[county], x->fagai,
		    x->industries[pr->industry < x->nindustries ? pr->industry : 0],
		    tags_pool[demo_rnd_int(&r, 0, 5)], total, ps, pc, started ? as : NULL,
		    done ? ac : NULL, stage, demo_rnd_unit(&r) < 0.3 ? x->leader : 0,
		    x->counties[county], loc, 41.9 + demo_rnd_unit(&r) * 0.5,
		    121.4 + demo_rnd_unit(&r) * 0.8, x->now, x->now);
	int rc = store_step(st, e);
	int64_t id = rc == 1 ? store_col_int(st, 0) : 0;
	store_done(st);
	if (rc < 0)
		return -1;
	double monthly = total / (double)(dur + 1);
	for (int yr = y - 1; yr <= y; yr++) {
		int first = yr * 12 > start ? yr * 12 : start,
		    last = yr * 12 + 11 < end ? yr * 12 + 11 : end;
		double plan = last >= first ? monthly * (last - first + 1) : 0;
		if (plan > 0 && store_exec(c, e,
					   "INSERT INTO invest_plans (project_id, year, amount)"
					   " VALUES (?, ?, ?)",
					   "iid", id, (int64_t)yr, (double)(int64_t)plan) < 0)
			return -1;
	}
	/* The reports in one statement per project: a round trip each would cost seconds on
	 * PostgreSQL. */
	struct row {
		char month[16];
		double invested;
		const char *stage, *problem;
	} rows[REPORT_MONTHS];
	int n = 0;
	for (int t = start > cur - 24 ? start : cur - 24; t < cur && t <= end && n < REPORT_MONTHS;
	     t++) {
		if ((t == cur - 1 && skip_last) || demo_rnd_unit(&r) < 0.04)
			continue;
		double f = behind ? 0.3 + demo_rnd_unit(&r) * 0.5 : 0.75 + demo_rnd_unit(&r) * 0.6;
		struct row *w = &rows[n++];
		snprintf(w->month, sizeof w->month, "%04d-%02d", (t / 12) % 10000, t % 12 + 1);
		w->invested = (double)(int64_t)(monthly * f * 10) / 10.0;
		w->problem = demo_rnd_unit(&r) < (behind ? 0.12 : 0.02)
				     ? problems[demo_rnd_int(&r, 0, 5)]
				     : NULL;
		w->stage = t == end ? "竣工" : t / 12 > start / 12 ? "续建" : "开工";
	}
	if (!n)
		return 0;
	strbuf sql = STRBUF_INIT;
	strbuf_adds(&sql,
		    "INSERT INTO invest_reports (project_id, month, invested, stage, progress,"
		    " problems, reported_at) VALUES ");
	for (int i = 0; i < n; i++)
		strbuf_adds(&sql, i ? ", (?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?)");
	st = store_prepare(c, strbuf_str(&sql), e);
	strbuf_release(&sql);
	if (!st)
		return -1;
	for (int i = 0, at = 1; i < n; i++) {
		store_bind_int(st, at++, id);
		store_bind_text(st, at++, rows[i].month);
		store_bind_double(st, at++, rows[i].invested);
		store_bind_text(st, at++, rows[i].stage);
		store_bind_text(st, at++, "按计划推进主体工程施工。");
		store_bind_text(st, at++, rows[i].problem);
		store_bind_int(st, at++, x->now);
	}
	rc = store_step(st, e);
	store_done(st);
	return rc < 0 ? -1 : 0;
}

static int tx_projects(store_conn *c, void *p, err *e)
{
	ctx *x = p;
	if (load_refs(c, x, e) < 0)
		return -1;
	for (int i = 0; i < x->ncounties; i++)
		for (int k = 0; k < PROJECTS_PER_COUNTY; k++)
			if (one_project(c, x, i, k, e) < 0)
				return -1;
	return 0;
}

/* Milestones around now: the earlier ones done, some overdue, the rest ahead. */
static json_t *milestones_for(uint64_t *r, int64_t now)
{
	static const char *const steps[] = {"制定工作方案", "召开专题协调会", "完成手续办理",
					    "问题全部解决"};
	json_t *a = json_array();
	int base = (int)demo_rnd_int(r, -75, 10);
	for (int i = 0; i < 4; i++) {
		char due[16];
		ki_local_date(now, base + i * (int)demo_rnd_int(r, 12, 30), due);
		json_array_append_new(a, json_pack("{s:s, s:s}", "title", steps[i], "due", due));
	}
	return a;
}

static json_t *team_for(uint64_t *r, const ctx *x)
{
	json_t *a = json_array();
	int n = (int)demo_rnd_int(r, 3, 5);
	for (int i = 0; i < n && i < x->nteam; i++)
		json_array_append_new(
			a, json_integer(x->team[(i + demo_rnd_int(r, 0, 5)) % x->nteam]));
	return a;
}

/* Marks done the milestones due before today, except in about a third of the issues (those
 * stay overdue), and records a coordination item or two. */
static int follow_up(store_conn *c, const actor *sys, const actor *lead, int64_t id, uint64_t *r,
		     int64_t now, err *e)
{
	bool late = demo_rnd_unit(r) < 0.35;
	char today[16];
	ki_local_date(now, 0, today);
	store_stmt *st = store_prepare(
		c, "SELECT id FROM key_issue_milestones WHERE case_id = ? AND due < ? ORDER BY due",
		e);
	if (!st)
		return -1;
	store_bindf(st, "is", id, today);
	int64_t ids[8];
	int n = 0, rc;
	while ((rc = store_step(st, e)) == 1 && n < 8)
		ids[n++] = store_col_int(st, 0);
	store_done(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n - (late ? 1 : 0); i++) {
		json_t *b = json_pack("{s:I}", "milestone_id", (json_int_t)ids[i]);
		rc = ki_act(c, sys, id, "milestone_done", b, e);
		json_decref(b);
		/* Done on its day, as the history would have it. */
		if (rc < 0 ||
		    store_exec(c, e, "UPDATE key_issue_milestones SET done_at = ? WHERE id = ?",
			       "ii", now - (int64_t)(n - i) * 7 * 86400000LL, ids[i]) < 0)
			return -1;
	}
	json_t *p = json_pack("{s:s}", "note", "专班已完成现场踏查，形成问题清单和责任清单。");
	rc = ki_act(c, sys, id, "progress", p, e);
	json_decref(p);
	if (rc < 0)
		return -1;
	char month[16];
	ki_local_date(now, -30, month);
	month[7] = '\0';
	json_t *b =
		json_pack("{s:s, s:s, s:s, s:s}", "month", month, "problem", "相关审批手续推进缓慢",
			  "measures", "由牵头单位会同自然资源、生态环境部门集中会审，限期办结",
			  "minutes", "会议明确责任分工和完成时限，专班每周调度一次。");
	rc = ki_act(c, sys, id, "coordinate", b, e);
	json_decref(b);
	if (rc < 0 || !late)
		return rc;
	b = json_pack("{s:s}", "note", "节点已逾期，牵头单位要倒排工期，下周专题汇报。");
	rc = ki_act(c, lead, id, "instruct", b, e);
	json_decref(b);
	return rc;
}

static int tx_key_issues(store_conn *c, void *p, err *e)
{
	ctx *x = p;
	actor sys, lead;
	actor_system(&sys, "demo");
	/* The lead leader, for the instructions only the lead leader gives. */
	actor_system(&lead, "leader");
	lead.user_id = x->leader;
	lead.roles = ROLE_LEADER;
	static const char *const titles[] = {"阜新至彰武高速公路连接线征地拆迁",
					     "城区集中供热老旧管网改造",
					     "细河流域水环境综合治理",
					     "玉龙新城棚户区改造遗留问题",
					     "海州露天矿周边地质灾害治理",
					     "农村饮水安全巩固提升",
					     "中心城区停车难问题",
					     "阜新机场航线开通",
					     "工业园区污水处理能力不足",
					     "老旧小区加装电梯推进缓慢"};
	/* The projects' problems first: the earliest reports with problems. */
	store_stmt *st = store_prepare(c,
				       "SELECT r.id, r.project_id FROM invest_reports r"
				       " WHERE r.problems IS NOT NULL ORDER BY r.month DESC, r.id"
				       " LIMIT 10",
				       e);
	if (!st)
		return -1;
	int64_t reps[FROM_PROBLEMS][2];
	int nrep = 0, rc;
	while ((rc = store_step(st, e)) == 1 && nrep < FROM_PROBLEMS) {
		reps[nrep][0] = store_col_int(st, 0);
		reps[nrep++][1] = store_col_int(st, 1);
	}
	store_done(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < KEY_ISSUES; i++) {
		uint64_t r = demo_rnd_seed((uint64_t)(9000 + i));
		json_t *ms = milestones_for(&r, x->now), *team = team_for(&r, x);
		ki_input in = {.lead_leader_id = x->leader, .task_force = team, .milestones = ms};
		int64_t id = 0;
		char title[160];
		if (i < nrep) {
			rc = ki_from_report(c, &sys, reps[i][1], reps[i][0], &in, &id, e);
		} else {
			snprintf(title, sizeof title, "%s", titles[(i - nrep) % 10]);
			if (i - nrep >= 10)
				snprintf(title, sizeof title, "%s（第%d批）",
					 titles[(i - nrep) % 10], (i - nrep) / 10 + 1);
			in.title = title;
			in.plan =
				"明确牵头领导和责任单位，制定时间表和路线图，按月调度，逐项销号。";
			in.lead_unit_id = x->counties[i % x->ncounties];
			rc = ki_create(c, &sys, &in, &id, e);
		}
		json_decref(ms);
		json_decref(team);
		if (rc < 0 || follow_up(c, &sys, &lead, id, &r, x->now, e) < 0)
			return -1;
	}
	return 0;
}

int demo_projects_build(store *s, err *e)
{
	ctx x = {.now = clock_now_ms()};
	if (store_write(s, tx_projects, &x, e) < 0)
		return -1;
	return store_write(s, tx_key_issues, &x, e);
}
