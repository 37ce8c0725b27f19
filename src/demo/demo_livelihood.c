/* The demo's 民生实事 (see demo_livelihood.h). In January 2021 Fuxin's congress was the
 * first in Liaoning to choose the city government's livelihood projects by the deputies'
 * vote; the figures of the ten projects follow that year's list (2.22 million m² of old
 * residential areas, 100,000 m² of school repairs, 20 km of water mains, 500 km of rural
 * roads, ...). Everything else (proposal texts, dates, ratings) is made up for the demo
 * and deterministic. */
#include "demo/demo_livelihood.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/auth.h"
#include "core/clock.h"
#include "core/mem.h"
#include "demo/demo_data.h"
#include "livelihood/livelihood.h"
#include "org/unit.h"
#include "org/user.h"

enum { NDEPUTIES = 40, NCANDIDATES = 12, NWINNERS = 10 };

/* The 2021 candidates: the first ten won. */
static const struct demo_candidate {
	const char *title, *description, *unit, *target, *proposal, *place;
	int budget_wan;
	const char *milestones[4]; /* "MM-DD|title|deliverable" */
	const char *inspection, *opinion, *answer;
	int dissatisfied; /* ratings of the year-end evaluation: dissatisfied count */
	int basic;	  /* basically satisfied count */
} cands[NCANDIDATES] = {
	{"老旧小区改造",
	 "改造 2000 年前建成的老旧小区 222 万平方米，涉及楼房 1286 栋、居民 3.6 "
	 "万户：屋面防水、外墙保温、上下水管网、小区道路和照明。",
	 "zhujian",
	 "年底前完成 222 万平方米改造",
	 "我们小区楼顶漏水、外墙没有保温，冬天屋里冷，希望列入老旧小区改造",
	 "海州区站前街道",
	 68000,
	 {"04-15|完成改造方案和施工招标|中标通知书、施工图",
	  "07-31|完成屋面防水和管网改造|分项验收记录",
	  "10-15|完成外墙保温（供暖前）|保温工程验收记录", "11-30|完成竣工验收|竣工验收报告"},
	 "查看了站前街道两个小区的外墙保温施工",
	 "部分楼栋施工围挡占用消防通道，请督促整改",
	 "已责令施工单位当日调整围挡，打通消防通道并安排专人值守",
	 3,
	 8},
	{"中小学校舍维修改造",
	 "维修改造中小学校舍 10 万平方米，更换老旧门窗、供暖设施和卫生间，改造运动场地。",
	 "jiaoyu",
	 "开学前完成 10 万平方米维修",
	 "学校的厕所和暖气太旧了，孩子们冬天上课冷",
	 "细河区",
	 9800,
	 {"04-30|确定维修学校名单和方案|维修清单", "08-25|暑期完成主体维修|施工日志",
	  "09-30|完成验收交付使用|验收报告", NULL},
	 "查看了细河区三所小学暑期维修情况",
	 NULL,
	 NULL,
	 1,
	 4},
	{"城市供水管网改造",
	 "改造老旧供水管网 20 公里，解决部分片区水压低、水质差和跑冒滴漏问题。",
	 "shuiwu",
	 "完成 20 公里供水管网改造",
	 "太平区楼上水压低，高层经常没水",
	 "太平区",
	 12600,
	 {"05-10|完成管网勘察设计|设计文件", "09-30|完成 20 公里管道铺设|隐蔽工程记录",
	  "11-15|完成通水验收|通水验收报告", NULL},
	 "查看了太平区红树街道管网施工现场",
	 "施工后路面恢复不及时，影响居民出行",
	 "已督促施工单位在三日内完成路面恢复，并加装夜间警示灯",
	 2,
	 6},
	{"农村公路建设",
	 "新建和改造农村公路 500 公里，实现具备条件的自然村通硬化路。",
	 "jiaotong",
	 "完成 500 公里农村公路",
	 "村里的土路一下雨就没法走，希望修成水泥路",
	 "阜新蒙古族自治县",
	 45000,
	 {"04-20|完成路线核定和招标|项目清单、中标通知书", "08-31|完成 300 公里路面施工|进度台账",
	  "10-31|完成全部 500 公里|交工验收记录", "11-30|完成竣工验收|竣工验收报告"},
	 "查看了阜蒙县两个乡镇新修的农村公路",
	 "个别路段路肩未培土，存在安全隐患",
	 "已组织返工培土，并对所有新修路段逐段排查",
	 1,
	 5},
	{"城市集中供热管网改造",
	 "改造老旧供热管网 45 公里和换热站 30 座，解决部分小区室温不达标问题。",
	 "zhujian",
	 "供暖季前完成改造，室温达标率提升",
	 "每年冬天暖气不热，室温不到 18 度",
	 "海州区",
	 21500,
	 {"05-31|完成改造方案|设计文件", "09-30|完成管网和换热站改造|分项验收记录",
	  "10-25|完成打压试水|试压记录", NULL},
	 "供暖开始后入户测温",
	 "仍有个别楼栋末端室温偏低",
	 "已对末端楼栋加装循环泵，复测室温达到 18 度以上",
	 4,
	 16},
	{"背街小巷改造",
	 "改造城区背街小巷 120 条，修补路面、完善排水和照明。",
	 "chengguan",
	 "完成 120 条背街小巷改造",
	 "我家门前小巷路灯不亮，路面坑洼",
	 "海州区和平街道",
	 7200,
	 {"05-15|确定改造名单|改造清单", "09-15|完成路面和排水改造|施工记录",
	  "10-31|完成照明安装和验收|验收报告", NULL},
	 "查看了和平街道背街小巷改造",
	 NULL,
	 NULL,
	 1,
	 3},
	{"社区居家养老服务中心建设",
	 "新建社区居家养老服务中心 30 个，提供助餐、日间照料和上门服务。",
	 "minzheng",
	 "建成 30 个社区居家养老服务中心",
	 "老人多的社区需要老年食堂和日间照料",
	 "细河区玉龙街道",
	 3600,
	 {"05-31|完成选址和设计|选址清单", "09-30|完成装修和设备配置|验收记录",
	  "11-30|全部投入运营|运营情况报告", NULL},
	 "查看了玉龙社区养老服务中心运营",
	 "助餐价格偏高，希望给困难老人补贴",
	 "已出台助餐补贴办法，80 岁以上和低保老人每餐补贴 3 元",
	 2,
	 6},
	{"农村饮水安全巩固提升",
	 "实施农村供水工程 60 处，巩固提升 12 万农村人口饮水安全。",
	 "shuiwu",
	 "12 万农村人口受益",
	 "村里井水水质不好，希望接上自来水",
	 "彰武县",
	 8400,
	 {"04-30|完成工程设计|设计文件", "09-30|完成工程建设|施工记录",
	  "11-15|完成水质检测和验收|水质检测报告", NULL},
	 "查看了彰武县农村供水工程",
	 NULL,
	 NULL,
	 1,
	 4},
	{"村卫生室标准化建设",
	 "新建和改造村卫生室 200 个，配齐基本诊疗设备。",
	 "weijian",
	 "完成 200 个村卫生室标准化建设",
	 "村里看病要跑到镇上，希望村卫生室条件好一些",
	 "清河门区",
	 2400,
	 {"05-31|确定建设名单|名单", "09-30|完成建设和设备配置|验收记录", "10-31|完成验收|验收报告",
	  NULL},
	 "查看了清河门区村卫生室",
	 NULL,
	 NULL,
	 0,
	 3},
	{"农村户厕改造",
	 "改造农村户用卫生厕所 1.5 万户，同步建设粪污收集处理设施。",
	 "nongye",
	 "完成 1.5 万户户厕改造",
	 "希望帮助农户改造旱厕",
	 "阜新蒙古族自治县",
	 6000,
	 {"04-30|确定改造农户|农户清单", "09-30|完成改造施工|施工记录", "11-30|完成验收|验收报告",
	  NULL},
	 "入户查看了改厕效果",
	 "冬季防冻措施不足，个别户厕冻裂",
	 "已为改造户加装防冻保温层，冻裂的全部免费修复",
	 5,
	 9},
	{"城区公共停车场建设",
	 "新建公共停车场 10 处，增加停车泊位 3000 个。",
	 "chengguan",
	 "新增停车泊位 3000 个",
	 "老城区停车太难，希望建停车场",
	 "海州区",
	 9000,
	 {NULL},
	 NULL,
	 NULL,
	 NULL,
	 0,
	 0},
	{"新区公交线路优化",
	 "新开和调整公交线路 8 条，覆盖新建住宅区。",
	 "jiaotong",
	 "新开调整公交线路 8 条",
	 "新建小区没有公交车",
	 "细河区",
	 1500,
	 {NULL},
	 NULL,
	 NULL,
	 NULL,
	 0,
	 0},
};

/* Proposals beside the candidates' own: merged, infeasible, and the open 2027 ones. */
static const struct demo_proposal {
	const char *title, *content, *place;
	const char *fate; /* "merge:N" (into candidate N's proposal), "infeasible", NULL */
	const char *reason;
	int supports;
} extra_2021[] =
	{
		{"小区暖气不热", "我们小区去年冬天室温只有十五六度，希望改造供热管网",
		 "海州区西山街道", "merge:4", NULL, 12},
		{"学校操场坑洼", "孩子学校的操场坑坑洼洼，体育课容易摔倒", "太平区", "merge:1",
		 NULL, 5},
		{"修建跨河大桥", "希望在细河上修一座大桥连接两岸", "细河区", "infeasible",
		 "投资规模约 6 亿元，超出民生实事项目范围，已转交市发改委纳入重大项目谋划", 8},
		{"建设地铁", "阜新应该修地铁，解决交通拥堵", "阜新市", "infeasible",
		 "城市人口规模不符合国家城市轨道交通建设条件，建议通过优化公交解决出行问题", 3},
},
  open_2027[] = {
	  {"老旧小区加装电梯", "我们楼里老人多，上下楼困难，希望老旧小区加装电梯", "海州区站前街道",
	   NULL, NULL, 23},
	  {"建设城市口袋公园", "社区附近没有休闲的地方，希望利用空地建口袋公园", "细河区玉龙街道",
	   NULL, NULL, 17},
	  {"增设新能源汽车充电桩", "小区和公共停车场缺少充电桩", "海州区", NULL, NULL, 11},
	  {"农村道路安装路灯", "村里主路晚上没有路灯，出行不安全", "彰武县", NULL, NULL, 9},
	  {"社区卫生服务中心延长服务时间", "希望社区医院晚上和周末也能看病", "太平区", NULL, NULL,
	   14},
	  {"中小学课后托管", "双职工家庭接孩子困难，希望学校提供课后托管", "阜新市", NULL, NULL,
	   20},
	  {"供暖老旧管网继续改造", "我们小区的供暖管网还没改造，冬天不热", "新邱区", NULL, NULL,
	   15},
	  {"建设全民健身步道", "希望沿细河修建健身步道", "细河区", NULL, NULL, 7},
};

/* The cycle opens its collection on this day; nothing of the demo's history is earlier. */
static const char cycle_start[] = "2020-11-02T09:00";

typedef struct dl {
	store *s;
	const int64_t *unit_ids;
	actor staff, deputies[NDEPUTIES], agent, lead[NWINNERS];
	int64_t cand[NCANDIDATES], prop[NCANDIDATES], session, project[NWINNERS];
	int64_t extra[sizeof extra_2021 / sizeof extra_2021[0]];
	int64_t milestone[NWINNERS][4], inspection[NWINNERS];
	int64_t from; /* the 2027 collection's first moment */
} dl;

static int64_t unit_of(const dl *x, const char *key)
{
	for (size_t i = 0; i < demo_units_count; i++)
		if (!strcmp(demo_units[i].key, key))
			return x->unit_ids[i];
	return 0;
}

static int64_t at(const char *iso)
{
	int64_t ms = 0;
	clock_parse_iso(iso, &ms);
	return ms;
}

/* The actor a login would resolve to, for a demo user by name. */
static int actor_named(store_conn *c, const char *username, unsigned roles, actor *a, err *e)
{
	memset(a, 0, sizeof *a);
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT id, unit_id FROM users WHERE username = ?", "s",
				 username);
	if (rc <= 0)
		return rc < 0 ? -1
			      : err_set(e, ERR_INTERNAL, "demo_data", NULL, "演示用户 %s 不存在",
					username);
	a->user_id = store_col_int(st, 0);
	a->unit_id = store_col_int(st, 1);
	store_done(st);
	snprintf(a->username, sizeof a->username, "%s", username);
	snprintf(a->ip, sizeof a->ip, "10.18.9.%d", (int)(a->user_id % 200) + 20);
	a->roles = roles;
	if (unit_path(c, a->unit_id, a->unit_path, sizeof a->unit_path, e) < 0)
		return -1;
	if (roles & AUTH_JURISDICTION_ROLES)
		return auth_jurisdiction(c, a->unit_id, a->unit_path, sizeof a->unit_path, e);
	return 0;
}

/* Staff of a lead unit: its first unit_staff login, or an anonymous one of the unit. */
static int unit_staff(store_conn *c, const dl *x, const char *unit, actor *a, err *e)
{
	memset(a, 0, sizeof *a);
	int64_t id = unit_of(x, unit), uid = 0;
	if (store_query_int(c, &uid, 0, e,
			    "SELECT MIN(u.id) FROM users u JOIN user_roles r ON r.user_id = u.id"
			    " WHERE u.unit_id = ? AND r.role = 'unit_staff' HAVING MIN(u.id) IS NOT"
			    " NULL",
			    "i", id) < 0)
		return -1;
	a->user_id = uid;
	a->unit_id = id;
	a->roles = ROLE_UNIT_STAFF;
	snprintf(a->username, sizeof a->username, "%s", unit);
	snprintf(a->ip, sizeof a->ip, "10.18.8.%d", (int)(id % 200) + 20);
	return unit_path(c, id, a->unit_path, sizeof a->unit_path, e);
}

static int tx_actors(store_conn *c, void *p, err *e)
{
	dl *x = p;
	if (actor_named(c, "congress", ROLE_CONGRESS_STAFF, &x->staff, e) < 0 ||
	    actor_named(c, "agent", ROLE_AGENT, &x->agent, e) < 0)
		return -1;
	for (int i = 0; i < NDEPUTIES; i++) {
		char name[32];
		snprintf(name, sizeof name, "deputy%02d", i + 1);
		if (actor_named(c, name, ROLE_DEPUTY, &x->deputies[i], e) < 0)
			return -1;
	}
	for (int i = 0; i < NWINNERS; i++)
		if (unit_staff(c, x, cands[i].unit, &x->lead[i], e) < 0)
			return -1;
	return 0;
}

/* The steps of the 2021 cycle. The projects overlap (one reports progress while another
 * is inspected), so the steps are planned with their dates first and then taken in date
 * order: the audit trail records them as they happened. */
typedef enum {
	EV_COLLECTION_OPEN, /* 征集 */
	EV_PROPOSAL,	    /* i: candidate i's proposal and its supports */
	EV_EXTRA,	    /* i: extra_2021[i] */
	EV_SCREEN,	    /* i: extra_2021[i] merged or found infeasible */
	EV_COLLECTION_CLOSE,
	EV_CANDIDATE,	   /* i */
	EV_SESSION_CREATE, /* 代表定 */
	EV_SESSION_OPEN,
	EV_BALLOT, /* i: deputy i */
	EV_SESSION_CLOSE,
	EV_MILESTONES,	    /* i: project i's plan (政府办) */
	EV_PROGRESS,	    /* i, k: project i's milestone k, half-way or (done) finished */
	EV_INSPECTION,	    /* i */
	EV_ANSWER,	    /* i: the lead unit answers the inspection's opinion */
	EV_SIGNOFF,	    /* i */
	EV_EVALUATION_OPEN, /* 人大评 */
	EV_RATING,	    /* i, k: deputy k rates project i */
	EV_EVALUATION_CLOSE,
} ev_kind;

typedef struct event {
	int64_t t;
	size_t seq; /* order of planning: steps of one moment keep it */
	ev_kind kind;
	int i, k;
	bool done;
} event;

typedef struct plan {
	event *v;
	size_t n, cap;
} plan;

static void plan_add(plan *pl, int64_t t, ev_kind kind, int i, int k, bool done)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 256;
		pl->v = xrealloc(pl->v, pl->cap * sizeof *pl->v);
	}
	pl->v[pl->n] = (event){t, pl->n, kind, i, k, done};
	pl->n++;
}

static int64_t at_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t at_fmt(const char *fmt, ...)
{
	char when[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(when, sizeof when, fmt, ap);
	va_end(ap);
	return at(when);
}

static int64_t milestone_due(const struct demo_candidate *d, int k)
{
	char date[16];
	snprintf(date, sizeof date, "2021-%.5s", d->milestones[k]);
	return at(date);
}

enum { HOUR_MS = 3600 * 1000, DAY_MS = 24 * HOUR_MS };

static void plan_2021(plan *pl)
{
	plan_add(pl, at(cycle_start), EV_COLLECTION_OPEN, 0, 0, false);
	for (int i = 0; i < NCANDIDATES; i++)
		plan_add(pl, at_fmt("2020-11-%02dT%02d:20", 3 + i, 9 + i % 8), EV_PROPOSAL, i, 0,
			 false);
	int nextra = (int)(sizeof extra_2021 / sizeof extra_2021[0]);
	for (int i = 0; i < nextra; i++)
		plan_add(pl, at_fmt("2020-11-%02dT15:40", 10 + i), EV_EXTRA, i, 0, false);
	/* Screening in December. */
	for (int i = 0; i < nextra; i++)
		plan_add(pl, at("2020-12-10T10:00"), EV_SCREEN, i, 0, false);
	plan_add(pl, at("2020-12-15T17:00"), EV_COLLECTION_CLOSE, 0, 0, false);
	for (int i = 0; i < NCANDIDATES; i++)
		plan_add(pl, at_fmt("2020-12-%02dT10:%02d", 18 + i / 6, 10 * (i % 6)), EV_CANDIDATE,
			 i, 0, false);
	/* The ballot at the congress session of January 2021. */
	plan_add(pl, at("2021-01-26T08:30"), EV_SESSION_CREATE, 0, 0, false);
	plan_add(pl, at("2021-01-26T09:00"), EV_SESSION_OPEN, 0, 0, false);
	for (int i = 0; i < NDEPUTIES; i++)
		plan_add(pl, at("2021-01-26T09:05") + (int64_t)i * 37 * 1000, EV_BALLOT, i, 0,
			 false);
	plan_add(pl, at("2021-01-26T09:40"), EV_SESSION_CLOSE, 0, 0, false);
	for (int i = 0; i < NWINNERS; i++) {
		const struct demo_candidate *d = &cands[i];
		plan_add(pl, at("2021-02-20T10:00") + (int64_t)i * HOUR_MS, EV_MILESTONES, i, 0,
			 false);
		/* Each node reported half-way and done a few days before its date. */
		for (int k = 0; k < 4 && d->milestones[k]; k++) {
			int64_t due = milestone_due(d, k);
			plan_add(pl, due - (int64_t)(20 + i % 5) * DAY_MS, EV_PROGRESS, i, k,
				 false);
			plan_add(pl, due - (int64_t)(2 + i % 3) * DAY_MS, EV_PROGRESS, i, k, true);
		}
		/* A deputies' inspection in the autumn, its opinion answered a week later. */
		int64_t visit = at("2021-09-14T14:00") + (int64_t)i * 2 * DAY_MS;
		plan_add(pl, visit, EV_INSPECTION, i, 0, false);
		if (d->opinion)
			plan_add(pl, visit + 7LL * DAY_MS, EV_ANSWER, i, 0, false);
		/* 销号 in December after the congress staff's verification. */
		plan_add(pl, at("2021-12-06T10:00") + (int64_t)i * 5 * HOUR_MS, EV_SIGNOFF, i, 0,
			 false);
	}
	/* The year-end evaluation of December 2021: 38 of the 40 deputies rate every
	 * project. */
	plan_add(pl, at("2021-12-20T09:00"), EV_EVALUATION_OPEN, 0, 0, false);
	for (int i = 0; i < NWINNERS; i++)
		for (int k = 0; k < NDEPUTIES - 2; k++)
			plan_add(pl, at("2021-12-20T09:10") + (int64_t)(k * 11 + i) * 1000,
				 EV_RATING, i, k, false);
	plan_add(pl, at("2021-12-20T10:30"), EV_EVALUATION_CLOSE, 0, 0, false);
}

static int by_time(const void *a, const void *b)
{
	const event *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int do_proposal(store_conn *c, dl *x, int i, err *e)
{
	char code[LV_RECEIPT_LEN + 1];
	lv_proposal_input in = {.year = 2021,
				.title = cands[i].title,
				.content = cands[i].proposal,
				.place = cands[i].place,
				.channel = i % 3 ? "web" : "app"};
	if (lv_proposal_submit(c, NULL, &in, &x->prop[i], code, e) < 0)
		return -1;
	for (int k = 0; k < 6 + (i * 7) % 20; k++) {
		char ip[32];
		snprintf(ip, sizeof ip, "10.%d.%d.%d", 60 + i, k / 200, k % 200);
		int64_t n;
		if (lv_proposal_support(c, NULL, ip, x->prop[i], &n, e) < 0)
			return -1;
	}
	return 0;
}

static int do_extra(store_conn *c, dl *x, int i, err *e)
{
	char code[LV_RECEIPT_LEN + 1];
	lv_proposal_input in = {.year = 2021,
				.title = extra_2021[i].title,
				.content = extra_2021[i].content,
				.place = extra_2021[i].place,
				.channel = "web"};
	return lv_proposal_submit(c, NULL, &in, &x->extra[i], code, e);
}

static int do_screen(store_conn *c, dl *x, int i, err *e)
{
	const struct demo_proposal *d = &extra_2021[i];
	if (!strncmp(d->fate, "merge:", 6))
		return lv_proposal_merge(c, &x->staff, x->extra[i], x->prop[atoi(d->fate + 6)], e);
	return lv_proposal_infeasible(c, &x->staff, x->extra[i], d->reason, e);
}

static int do_candidate(store_conn *c, dl *x, int i, err *e)
{
	const char *feas = "经牵头单位和市财政局论证，资金已纳入 2021 年预算，当年可以完成。";
	lv_candidate_input in = {.year = 2021,
				 .title = cands[i].title,
				 .description = cands[i].description,
				 .target = cands[i].target,
				 .feasibility = feas,
				 .budget_yuan = (int64_t)cands[i].budget_wan * 10000,
				 .lead_unit_id = unit_of(x, cands[i].unit),
				 .proposal_ids = &x->prop[i],
				 .nproposals = 1};
	if (!in.lead_unit_id)
		return err_set(e, ERR_INTERNAL, "demo_data", NULL, "牵头单位 %s 不存在",
			       cands[i].unit);
	return lv_candidate_create(c, &x->staff, &in, &x->cand[i], e);
}

static int do_session_create(store_conn *c, dl *x, err *e)
{
	lv_session_input in = {.title = "阜新市 2021 年民生实事项目代表票决",
			       .year = 2021,
			       .seats = NWINNERS,
			       .rule = "roll_majority",
			       .candidate_ids = x->cand,
			       .ncandidates = NCANDIDATES};
	return lv_session_create(c, &x->staff, &in, &x->session, e);
}

static int do_ballot(store_conn *c, dl *x, int i, err *e)
{
	/* Most deputies choose ten; thirty of them pass over one of the winners for a
	 * runner-up, six leave one place blank. */
	int64_t pick[NWINNERS];
	size_t n = 0;
	int skip = i < 30 ? (i * 7) % NWINNERS : i < 36 ? (i * 3) % NWINNERS : -1;
	for (int k = 0; k < NWINNERS; k++)
		if (k != skip)
			pick[n++] = x->cand[k];
	if (i < 30)
		pick[n++] = x->cand[NWINNERS + i % 2];
	char receipt[LV_RECEIPT_LEN + 1];
	return lv_ballot_cast(c, &x->deputies[i], x->session, pick, n, receipt, e);
}

/* The session's close makes the winners projects. */
static int do_session_close(store_conn *c, dl *x, err *e)
{
	if (lv_session_close(c, &x->staff, x->session, e) < 0)
		return -1;
	for (int i = 0; i < NWINNERS; i++)
		if (store_query_int(c, &x->project[i], 0, e,
				    "SELECT id FROM lv_projects WHERE candidate_id = ?", "i",
				    x->cand[i]) < 0)
			return -1;
	return 0;
}

static int do_milestones(store_conn *c, dl *x, int i, err *e)
{
	const struct demo_candidate *d = &cands[i];
	for (int k = 0; k < 4 && d->milestones[k]; k++) {
		char buf[256];
		snprintf(buf, sizeof buf, "%s", d->milestones[k]);
		char *title = strchr(buf, '|'), *deliv = title ? strchr(title + 1, '|') : NULL;
		if (!title || !deliv)
			return err_set(e, ERR_INTERNAL, "demo_data", NULL, "时间节点格式错误");
		*title++ = '\0';
		*deliv++ = '\0';
		char date[16];
		snprintf(date, sizeof date, "2021-%.5s", buf);
		lv_milestone_input in = {.title = title, .due_date = date, .deliverable = deliv};
		if (lv_milestone_add(c, &x->lead[i], x->project[i], &in, &x->milestone[i][k], e) <
		    0)
			return -1;
	}
	return 0;
}

static int do_progress(store_conn *c, dl *x, int i, int k, bool done, err *e)
{
	static const char *half[] = {"工作已过半，按计划推进", "正在施工，进度正常"};
	char text[256];
	if (done) {
		snprintf(text, sizeof text, "已完成：%s", strchr(cands[i].milestones[k], '|') + 1);
		char *bar = strchr(text, '|');
		if (bar)
			*bar = '\0';
	} else {
		snprintf(text, sizeof text, "%s", half[k % 2]);
	}
	lv_progress_input in = {
		.milestone_id = x->milestone[i][k], .percent = done ? 100 : 50, .text = text};
	int64_t id;
	return lv_progress_add(c, &x->lead[i], x->project[i], &in, &id, e);
}

static int do_inspection(store_conn *c, dl *x, int i, err *e)
{
	const struct demo_candidate *d = &cands[i];
	char visited[40];
	clock_format_iso(clock_now_ms(), visited, sizeof visited);
	visited[10] = '\0';
	lv_inspection_input in = {
		.visited_on = visited, .content = d->inspection, .opinion = d->opinion};
	return lv_inspection_add(c, &x->deputies[(i * 4 + 3) % NDEPUTIES], x->project[i], &in,
				 &x->inspection[i], e);
}

static int do_rating(store_conn *c, dl *x, int i, int k, err *e)
{
	const struct demo_candidate *d = &cands[i];
	int slot = (k + i * 5) % (NDEPUTIES - 2);
	const char *r = slot < d->dissatisfied		    ? "dissatisfied"
			: slot < d->dissatisfied + d->basic ? "basically_satisfied"
							    : "satisfied";
	return lv_rating_add(c, &x->deputies[k], x->project[i], r, e);
}

static int take(store_conn *c, dl *x, const event *ev, err *e)
{
	int i = ev->i;
	switch (ev->kind) {
	case EV_COLLECTION_OPEN:
		return lv_collection_open(c, &x->staff, 2021, "2021 年民生实事项目征集", e);
	case EV_PROPOSAL: return do_proposal(c, x, i, e);
	case EV_EXTRA: return do_extra(c, x, i, e);
	case EV_SCREEN: return do_screen(c, x, i, e);
	case EV_COLLECTION_CLOSE: return lv_collection_close(c, &x->staff, 2021, e);
	case EV_CANDIDATE: return do_candidate(c, x, i, e);
	case EV_SESSION_CREATE: return do_session_create(c, x, e);
	case EV_SESSION_OPEN: return lv_session_open(c, &x->staff, x->session, e);
	case EV_BALLOT: return do_ballot(c, x, i, e);
	case EV_SESSION_CLOSE: return do_session_close(c, x, e);
	case EV_MILESTONES: return do_milestones(c, x, i, e);
	case EV_PROGRESS: return do_progress(c, x, i, ev->k, ev->done, e);
	case EV_INSPECTION: return do_inspection(c, x, i, e);
	case EV_ANSWER:
		return lv_inspection_answer(c, &x->lead[i], x->project[i], x->inspection[i],
					    cands[i].answer, e);
	case EV_SIGNOFF:
		return lv_project_signoff(c, &x->staff, x->project[i],
					  "经实地核验，达到年度目标，同意销号", e);
	case EV_EVALUATION_OPEN: return lv_evaluation_open(c, &x->staff, 2021, e);
	case EV_RATING: return do_rating(c, x, i, ev->k, e);
	case EV_EVALUATION_CLOSE: return lv_evaluation_close(c, &x->staff, 2021, e);
	}
	return err_set(e, ERR_INTERNAL, "demo_data", NULL, "未知的演示步骤");
}

/* The whole cycle, 征集 to 人大评, each step with the clock at its date. */
static int tx_cycle_2021(store_conn *c, void *p, err *e)
{
	dl *x = p;
	plan pl = {0};
	plan_2021(&pl);
	qsort(pl.v, pl.n, sizeof *pl.v, by_time);
	int rc = 0;
	for (size_t i = 0; i < pl.n && rc == 0; i++) {
		clock_override(pl.v[i].t);
		rc = take(c, x, &pl.v[i], e);
	}
	clock_override(0);
	free(pl.v);
	return rc;
}

/* Sets the clock to now, or to `from` if that is later (YIWANG_DEMO_NOW can end the
 * appeals' history after now). Never later than needed: a server started on the demo
 * right away appends at its own now, and an entry dated ahead would put it behind. */
static void clock_at_least(int64_t from)
{
	clock_override(0);
	int64_t now = clock_now_ms();
	clock_override(now > from ? now : from);
}

/* 征集 for 2027, open now. It follows the appeals' history, which runs until now
 * (x->from): dated earlier, its steps would come in the audit trail after entries later
 * than themselves. */
static int tx_collect_2027(store_conn *c, void *p, err *e)
{
	dl *x = p;
	clock_at_least(x->from);
	if (lv_collection_open(c, &x->staff, 2027, "2027 年民生实事项目征集", e) < 0)
		return -1;
	char code[LV_RECEIPT_LEN + 1];
	size_t n = sizeof open_2027 / sizeof open_2027[0];
	for (size_t i = 0; i < n; i++) {
		clock_at_least(x->from);
		lv_proposal_input in = {.year = 2027,
					.title = open_2027[i].title,
					.content = open_2027[i].content,
					.place = open_2027[i].place,
					.channel = i % 2 ? "app" : "web"};
		int64_t id;
		if (lv_proposal_submit(c, NULL, &in, &id, code, e) < 0)
			return -1;
		for (int k = 0; k < open_2027[i].supports; k++) {
			char ip[32];
			snprintf(ip, sizeof ip, "10.%d.%d.%d", 120 + (int)i, k / 200, k % 200);
			int64_t s;
			if (lv_proposal_support(c, NULL, ip, id, &s, e) < 0)
				return -1;
		}
	}
	clock_override(0);
	return 0;
}

int64_t demo_livelihood_start(void)
{
	return at(cycle_start);
}

static int build(store *s, const int64_t *unit_ids, int64_t from, store_tx_fn step, err *e)
{
	dl *x = xcalloc(1, sizeof *x);
	x->s = s;
	x->unit_ids = unit_ids;
	x->from = from;
	int rc = store_write(s, tx_actors, x, e);
	if (rc == 0)
		rc = store_write(s, step, x, e);
	clock_override(0);
	free(x);
	return rc;
}

int demo_livelihood_history(store *s, const int64_t *unit_ids, err *e)
{
	return build(s, unit_ids, 0, tx_cycle_2021, e);
}

int demo_livelihood_open(store *s, const int64_t *unit_ids, int64_t from, err *e)
{
	return build(s, unit_ids, from, tx_collect_2027, e);
}
