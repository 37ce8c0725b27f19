/*
 * A year of Fuxin's convenience services for the demo.
 *
 * The catalogue: service items of the village, township and county levels as the stations
 * of 阜新 offer them (names, materials and time limits after the usual lists of Liaoning's
 * 政务服务事项; fees and limits simplified). The hall of 海州区 takes proxy requests.
 *
 * The history: for every working day of the last year, a few requests at each of a set of
 * stations (东瓦房村 the busiest), in the modes the item and station offer; each runs its
 * steps (补正 now and then, the appointment, the hall's completion, the hand-over) through
 * svc_request_create and svc_request_act with the clock at each step, and most citizens
 * rate the service; a few 差评 are answered and put right. Events after now do not
 * happen, so the last days' requests are still open.
 *
 * Names and phone numbers are made up.
 */
#include "demo/demo_services.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "demo/demo_data.h"
#include "demo/demo_rand.h"
#include "org/actor.h"
#include "services/service.h"

enum { MINUTE = 60000, HOUR = 60 * MINUTE, DAY = 24 * HOUR, CST = 8 * HOUR };

/* level, category, name, kind (i: 即办件, p: 承诺件), promised and legal days, modes
 * (i immediate, a accompanied, p proxy), materials ('|' between), fees, who may apply,
 * the responsible unit (a demo unit key, or NULL). */
static const struct item {
	const char *level, *category, *name;
	char kind;
	int promised, legal;
	const char *modes, *materials, *fees, *applicants, *unit;
} items[] = {
	{"village", "社会保障", "城乡居民养老保险参保登记", 'i', 0, 0, "ip",
	 "居民身份证|户口簿|银行卡（社保卡）", "免费",
	 "年满16周岁、非在校学生、未参加职工养老保险的城乡居民", "renshe"},
	{"village", "医疗保障", "城乡居民医保参保缴费", 'i', 0, 0, "ip", "居民身份证|户口簿",
	 "按年度缴费标准", "未参加职工医保的城乡居民", "yibao"},
	{"village", "社会救助", "高龄津贴申领", 'p', 10, 20, "ip",
	 "居民身份证|户口簿|银行卡（社保卡）", "免费", "年满80周岁的本地户籍老年人", "minzheng"},
	{"village", "社会救助", "残疾人两项补贴", 'p', 15, 20, "ip",
	 "居民身份证|户口簿|第二代残疾人证|银行卡（社保卡）", "免费", "困难残疾人和重度残疾人",
	 "minzheng"},
	{"village", "户籍证明", "户籍证明（村委会出具）", 'i', 0, 0, "i", "居民身份证|户口簿",
	 "免费", "本村户籍居民", NULL},
	{"village", "社会救助", "低保申请", 'p', 20, 30, "ip",
	 "居民身份证|户口簿|家庭收入及财产申报表|授权核对委托书", "免费",
	 "家庭人均收入低于当地低保标准的居民", "minzheng"},
	{"village", "社会救助", "临时救助", 'p', 10, 15, "ip",
	 "居民身份证|户口簿|临时救助申请书|困难情况证明", "免费", "遭遇突发性、紧急性困难的家庭",
	 "minzheng"},
	{"village", "农业农村", "农村建房审批", 'p', 20, 30, "ap",
	 "居民身份证|户口簿|农村宅基地和建房（规划许可）申请表|村民小组意见|建房设计图", "免费",
	 "本集体经济组织成员", "ziran"},
	{"village", "社会保障", "养老保险待遇资格认证", 'i', 0, 0, "i", "居民身份证|社保卡", "免费",
	 "领取城乡居民养老金的人员", "renshe"},
	{"village", "退役军人", "退役军人优待证申领", 'p', 15, 30, "ip",
	 "居民身份证|退役证件|近期免冠照片", "免费", "本地户籍退役军人", NULL},
	{"village", "卫生健康", "计划生育家庭奖励扶助申报", 'p', 15, 30, "ip",
	 "居民身份证|户口簿|独生子女父母光荣证", "免费", "农村计划生育家庭", "weijian"},
	{"village", "农业农村", "耕地地力保护补贴申报", 'i', 0, 0, "i",
	 "居民身份证|土地承包经营权证|一卡通", "免费", "承包耕地的农户", "nongye"},
	{"township", "户籍管理", "新生儿落户", 'p', 5, 10, "iap",
	 "出生医学证明|父母居民身份证|户口簿|结婚证", "免费", "新生儿的父母或监护人", "gongan"},
	{"township", "户籍管理", "居住证办理", 'p', 10, 15, "ap",
	 "居民身份证|居住证申领登记表|合法稳定住所证明|近期照片", "免费",
	 "在本地居住半年以上的非本地户籍人员", "gongan"},
	{"township", "户籍管理", "户籍证明（派出所出具）", 'i', 0, 0, "ip", "居民身份证|户口簿",
	 "免费", "本地户籍居民", "gongan"},
	{"township", "社会保障", "就业创业证申领", 'p', 3, 5, "ip", "居民身份证|近期照片", "免费",
	 "劳动年龄内有就业创业需求的人员", "renshe"},
	{"township", "社会保障", "灵活就业人员社保补贴申领", 'p', 15, 20, "ap",
	 "居民身份证|就业创业证|社保缴费凭证|银行卡", "免费", "就业困难人员灵活就业者", "renshe"},
	{"township", "医疗保障", "医保异地就医备案", 'i', 0, 0, "ip",
	 "居民身份证|医保卡|异地居住证明", "免费", "异地长期居住或转诊的参保人", "yibao"},
	{"township", "医疗保障", "门诊慢特病待遇认定", 'p', 15, 20, "ap",
	 "居民身份证|医保卡|二级以上医院诊断证明|病历", "免费", "患门诊慢特病的参保人", "yibao"},
	{"township", "社会救助", "特困人员救助供养申请", 'p', 20, 30, "ap",
	 "居民身份证|户口簿|特困人员救助供养申请书|残疾证（如有）", "免费",
	 "无劳动能力、无生活来源、无法定赡养人的老年人、残疾人和未成年人", "minzheng"},
	{"township", "民政", "婚姻登记预约指导", 'i', 0, 0, "ia",
	 "双方居民身份证|户口簿|近期合影照片", "免费", "符合婚姻登记条件的当事人", "minzheng"},
	{"township", "卫生健康", "生育登记服务", 'i', 0, 0, "ip", "夫妻双方居民身份证|结婚证",
	 "免费", "育龄夫妻", "weijian"},
	{"county", "市场主体", "个体工商户营业执照办理指导", 'p', 3, 15, "ap",
	 "经营者居民身份证|经营场所证明|个体工商户开业登记申请书", "免费", "有经营能力的公民",
	 "shijian"},
	{"county", "市场主体", "食品经营许可", 'p', 10, 20, "ap",
	 "营业执照|食品经营许可申请书|经营场所平面图|食品安全管理制度", "免费",
	 "从事食品销售和餐饮服务的经营者", "shijian"},
	{"county", "不动产", "不动产登记（农村房屋）", 'p', 15, 30, "ap",
	 "居民身份证|户口簿|宅基地批准文件|房屋竣工验收资料", "按规定收取登记费",
	 "农村房屋所有权人", "ziran"},
	{"county", "社会保障", "工伤认定申请", 'p', 30, 60, "ap",
	 "工伤认定申请表|劳动关系证明|医疗诊断证明", "免费", "受伤职工或其近亲属、用人单位",
	 "renshe"},
	{"county", "社会保障", "城乡居民养老保险待遇申领", 'p', 10, 20, "ap",
	 "居民身份证|户口簿|社保卡", "免费", "年满60周岁的参保人", "renshe"},
	{"county", "医疗保障", "医疗费用手工报销", 'p', 20, 30, "ap",
	 "居民身份证|医保卡|住院发票|费用清单|出院小结", "免费", "异地就医未直接结算的参保人",
	 "yibao"},
	{"county", "残疾人服务", "残疾人证办理", 'p', 20, 30, "ap",
	 "居民身份证|户口簿|近期照片|残疾评定表", "免费", "符合残疾标准的本地户籍人员", NULL},
	{"county", "交通运输", "道路运输从业资格证办理", 'p', 10, 20, "a",
	 "居民身份证|驾驶证|体检证明|培训合格证明", "免费", "从事道路运输的驾驶员", "jiaotong"},
	{"county", "教育", "学生资助申请（家庭经济困难认定）", 'p', 10, 20, "ap",
	 "学生居民身份证|户口簿|家庭经济困难认定申请表", "免费", "家庭经济困难学生", "jiaoyu"},
	{"county", "住房", "公共租赁住房申请", 'p', 30, 60, "ap",
	 "居民身份证|户口簿|收入证明|住房情况证明", "免费", "城镇中低收入住房困难家庭", "zhujian"},
	{"county", "退役军人", "退役军人一次性创业补助申请", 'p', 20, 30, "ap",
	 "居民身份证|退役证件|营业执照|创业项目说明", "免费", "自主就业退役士兵", NULL},
};
enum { NITEMS = sizeof items / sizeof items[0] };

static int64_t unit_key(const int64_t *ids, const char *key)
{
	for (size_t i = 0; key && i < demo_units_count; i++)
		if (!strcmp(demo_units[i].key, key))
			return ids[i];
	return 0;
}

static json_t *split(const char *s, char sep)
{
	json_t *a = json_array();
	const char *p = s;
	while (p && *p) {
		const char *q = strchr(p, sep);
		size_t n = q ? (size_t)(q - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		p = q ? q + 1 : NULL;
	}
	return a;
}

static json_t *modes_of(const char *m)
{
	json_t *a = json_array();
	for (; *m; m++)
		json_array_append_new(a, json_string(*m == 'i'	 ? "immediate"
						     : *m == 'a' ? "accompanied"
								 : "proxy"));
	return a;
}

int demo_services_setup(store_conn *c, const int64_t *ids, err *e)
{
	actor sys;
	actor_system(&sys, "demo");
	/* Each county's 政务服务中心 is its hall. */
	static const char *const counties[] = {"haizhou", "xinqiu", "taiping", "qinghemen",
					       "xihe",	  "fumeng", "zhangwu"};
	for (size_t k = 0; k < sizeof counties / sizeof counties[0]; k++) {
		char key[32];
		snprintf(key, sizeof key, "%s_hall", counties[k]);
		if (store_exec(c, e, "INSERT INTO svc_halls (unit_id, region_id) VALUES (?, ?)",
			       "ii", unit_key(ids, key), unit_key(ids, counties[k])) < 0)
			return -1;
	}
	for (size_t i = 0; i < NITEMS; i++) {
		const struct item *it = &items[i];
		json_t *b = json_pack(
			"{s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:s, s:s}", "name", it->name,
			"level", it->level, "category", it->category, "kind",
			it->kind == 'i' ? "immediate" : "promised", "promised_days", it->promised,
			"legal_days", it->legal, "modes", modes_of(it->modes), "materials",
			split(it->materials, '|'), "fees", it->fees, "applicants", it->applicants);
		int64_t unit = unit_key(ids, it->unit), id;
		if (unit)
			json_object_set_new(b, "unit_id", json_integer(unit));
		int rc = svc_item_save(c, &sys, 0, b, &id, e);
		json_decref(b);
		if (rc < 0)
			return -1;
	}
	/* 西瓦房村 has nobody to carry proxies this year: immediate only for its village
	 * items. */
	int64_t xwf = unit_key(ids, "hjd_xiwafang");
	json_t *only = json_pack("{s:[s]}", "modes", "immediate");
	int rc = 0;
	for (int64_t k = 1; rc == 0 && k <= 4; k++)
		rc = svc_station_modes_set(c, &sys, xwf, k, only, e);
	json_decref(only);
	return rc;
}

/* ---- the year of requests ---- */

/* The stations and their weights (requests per working day × 10). */
static const struct station {
	const char *key;
	int per_day_x10;
	bool hall; /* its county has a hall taking proxies (海州区) */
} stations[] = {
	{"dongwafang", 22, true},   {"hjd_hanjiadian", 9, true},   {"hjd_xiwafang", 6, true},
	{"hjd_erdaoling", 4, true}, {"hanjiadian", 7, true},	   {"zq_xinhua", 7, true},
	{"zhanqian", 6, true},	    {"cyz_changyingzi", 4, false}, {"sq_shuiquan", 3, false},
	{"fm_fuxin_v1", 3, false},
};

static uint64_t demo_rand_below(uint64_t *g, uint64_t n)
{
	return n ? demo_rnd_next(g) % n : 0;
}
enum { NSTATIONS = sizeof stations / sizeof stations[0] };

static const char *const surnames =
	"王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
	"魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
	"万钱严覃武戴莫孔向汤";
static const char *const given[] = {"淑芬", "桂兰", "秀英", "玉兰", "凤琴", "国庆", "建华", "志强",
				    "德胜", "永福", "春生", "海军", "丽娟", "晓东", "红梅", "振江",
				    "金凤", "宝山", "立新", "雅静", "俊杰", "明辉", "文华", "长海"};

/* One planned step of a request. */
typedef struct ev {
	int64_t at;
	int32_t req; /* index into reqs */
	int8_t step; /* what: see run_event */
} ev;

typedef struct req {
	int64_t id;
	int16_t station, item;
	char mode;
	int8_t rating; /* 0: not rated */
	int8_t missing;
	int8_t answered;
	char name[24], phone[16];
} req;

struct demo_services {
	const int64_t *ids;
	demo_beside inner;
	req *reqs;
	size_t nreqs;
	ev *evs;
	size_t nevs, cap, next, committed;
	int64_t item_ids[NITEMS];
	actor clerks[NSTATIONS], hall;
	bool ready;
};

enum {
	S_CREATE,
	S_CORRECT,
	S_SUPPLY,
	S_SEND,
	S_APPOINT,
	S_COMPLETE,
	S_HAND_OVER,
	S_RATE,
	S_ANSWER,
	S_RECTIFY,
	S_ARCHIVE
};

static void add_ev(demo_services *d, int64_t at, size_t r, int step)
{
	if (d->nevs == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4096;
		d->evs = xrealloc(d->evs, d->cap * sizeof *d->evs);
	}
	d->evs[d->nevs++] = (ev){.at = at, .req = (int32_t)r, .step = (int8_t)step};
}

static int ev_cmp(const void *a, const void *b)
{
	const ev *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->req != y->req)
		return x->req < y->req ? -1 : 1;
	return x->step - y->step;
}

/* The modes station s offers for item k (西瓦房村: immediate for the first four). */
static const char *offered(int s, int k)
{
	if (!strcmp(stations[s].key, "hjd_xiwafang") && k < 4)
		return "i";
	return items[k].modes;
}

/* Office hours of day's date: 8:30 + minutes. */
static int64_t at_office(int64_t day_start, int minutes)
{
	return day_start + 8 * HOUR + 30 * MINUTE + (int64_t)minutes * MINUTE;
}

static void plan(demo_services *d, int64_t end)
{
	uint64_t g = demo_rnd_seed(0x5e41ce5ULL);
	int64_t first = (end + CST) / DAY * DAY - CST - 365LL * DAY;
	for (int64_t day = first; day < end; day += DAY) {
		int wd = (int)(((day + CST) / DAY + 4) % 7); /* 0 Sunday */
		if (wd == 0 || wd == 6)
			continue;
		for (int s = 0; s < NSTATIONS; s++) {
			int n = stations[s].per_day_x10 / 10 +
				((int)demo_rand_below(&g, 10) < stations[s].per_day_x10 % 10);
			for (int k = 0; k < n; k++) {
				int item;
				const char *m;
				do {
					item = (int)demo_rand_below(&g, NITEMS);
					m = offered(s, item);
				} while (!*m);
				char mode = m[demo_rand_below(&g, strlen(m))];
				/* Only 海州区 has a hall taking proxies in the demo. */
				if (mode == 'p' && !stations[s].hall)
					mode = strchr(m, 'a') ? 'a' : 'i';
				if (!strchr(m, mode))
					continue;
				d->reqs = xrealloc(d->reqs, (d->nreqs + 1) * sizeof *d->reqs);
				req *q = &d->reqs[d->nreqs];
				memset(q, 0, sizeof *q);
				q->station = (int16_t)s;
				q->item = (int16_t)item;
				q->mode = mode;
				size_t sn = demo_rand_below(&g, strlen(surnames) / 3);
				snprintf(
					q->name, sizeof q->name, "%.3s%s", surnames + 3 * sn,
					given[demo_rand_below(&g, sizeof given / sizeof given[0])]);
				snprintf(q->phone, sizeof q->phone, "1%d%09llu",
					 3 + (int)demo_rand_below(&g, 6),
					 (unsigned long long)demo_rand_below(&g, 1000000000ULL));
				size_t r = d->nreqs++;
				int64_t t = at_office(day, (int)demo_rand_below(&g, 480));
				add_ev(d, t, r, S_CREATE);
				if (demo_rand_below(&g, 100) < 8) {
					q->missing = 1;
					add_ev(d, t + 5 * MINUTE, r, S_CORRECT);
					t += (1 + (int64_t)demo_rand_below(&g, 3)) * DAY;
					add_ev(d, t, r, S_SUPPLY);
				}
				const struct item *it = &items[item];
				int days = it->kind == 'p' ? it->promised : 0;
				/* Most are done within the promise; some run late. */
				int64_t span =
					days ? (int64_t)demo_rand_below(
						       &g, (uint64_t)days * 12 / 10 + 1) *
							DAY * 7 / 5
					     : (int64_t)(10 + demo_rand_below(&g, 50)) * MINUTE;
				if (mode == 'p') {
					add_ev(d, t + 30 * MINUTE, r, S_SEND);
					add_ev(d, t + span + HOUR, r, S_COMPLETE);
					t += span + DAY;
				} else if (mode == 'a') {
					add_ev(d, t + 10 * MINUTE, r, S_APPOINT);
					add_ev(d, t + span + 2 * HOUR, r, S_COMPLETE);
					t += span + 3 * HOUR;
				} else {
					add_ev(d, t + span, r, S_COMPLETE);
					t += span + 5 * MINUTE;
				}
				add_ev(d, t, r, S_HAND_OVER);
				if (demo_rand_below(&g, 100) < 70) {
					int p = (int)demo_rand_below(&g, 100);
					q->rating = (int8_t)(p < 55   ? 5
							     : p < 85 ? 4
							     : p < 94 ? 3
							     : p < 97 ? 2
								      : 1);
					add_ev(d, t + (int64_t)(1 + demo_rand_below(&g, 48)) * HOUR,
					       r, S_RATE);
					if (q->rating <= 2 && demo_rand_below(&g, 100) < 80) {
						add_ev(d, t + 3 * DAY, r, S_ANSWER);
						add_ev(d, t + 8 * DAY, r, S_RECTIFY);
					}
				}
				if (demo_rand_below(&g, 100) < 60)
					add_ev(d, t + 2 * DAY, r, S_ARCHIVE);
			}
		}
	}
	qsort(d->evs, d->nevs, sizeof *d->evs, ev_cmp);
	/* Events after the end do not happen. */
	while (d->nevs && d->evs[d->nevs - 1].at >= end)
		d->nevs--;
}

static int load_actors(store_conn *c, demo_services *d, err *e)
{
	for (int s = 0; s < NSTATIONS; s++) {
		actor *a = &d->clerks[s];
		actor_system(a, "demo_station");
		int64_t unit = unit_key(d->ids, stations[s].key);
		store_stmt *st;
		int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i",
					 unit);
		if (rc <= 0)
			return rc == 0 ? err_set(e, ERR_INTERNAL, "demo_services", NULL,
						 "站点不存在")
				       : -1;
		a->unit_id = unit;
		snprintf(a->unit_path, sizeof a->unit_path, "%s", store_col_text(st, 0));
		snprintf(a->admin_path, sizeof a->admin_path, "%s", store_col_text(st, 0));
		store_done(st);
		a->roles = ROLE_STATION_STAFF;
		/* The station's clerk: a demo login where there is one. */
		rc = store_query_int(
			c, &a->user_id, 0, e,
			"SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id"
			" WHERE u.unit_id = ? AND r.role = 'station_staff' ORDER BY u.id"
			" LIMIT 1",
			"i", unit);
		if (rc < 0)
			return -1;
		snprintf(a->username, sizeof a->username, "station_clerk");
	}
	actor_system(&d->hall, "demo_hall");
	int64_t hall = unit_key(d->ids, "haizhou_hall");
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", hall);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "demo_services", NULL,
					 "政务服务中心不存在")
			       : -1;
	d->hall.unit_id = hall;
	snprintf(d->hall.unit_path, sizeof d->hall.unit_path, "%s", store_col_text(st, 0));
	store_done(st);
	d->hall.roles = ROLE_UNIT_STAFF;
	if (store_query_int(c, &d->hall.user_id, 0, e,
			    "SELECT id FROM users WHERE username = 'hz_hall'", "") < 0)
		return -1;
	for (size_t k = 0; k < NITEMS; k++)
		if (store_query_int(c, &d->item_ids[k], 0, e,
				    "SELECT id FROM svc_items WHERE level = ? AND name = ?", "ss",
				    items[k].level, items[k].name) < 0)
			return -1;
	d->ready = true;
	return 0;
}

static int act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body,
	       err *e)
{
	json_t *b = body ? body : json_object();
	int rc = svc_request_act(c, who, id, action, b, e);
	json_decref(b);
	return rc;
}

static int run_event(store_conn *c, demo_services *d, const ev *v, err *e)
{
	req *q = &d->reqs[v->req];
	const actor *clerk = &d->clerks[q->station];
	const struct item *it = &items[q->item];
	if (v->step != S_CREATE && !q->id)
		return 0;
	switch (v->step) {
	case S_CREATE: {
		json_t *req_mat = split(it->materials, '|');
		if (q->missing)
			json_array_remove(req_mat, json_array_size(req_mat) - 1);
		svc_input in = {.item_id = d->item_ids[q->item],
				.mode = q->mode == 'i'	 ? "immediate"
					: q->mode == 'a' ? "accompanied"
							 : "proxy",
				.applicant_name = q->name,
				.applicant_phone = q->phone,
				.materials = req_mat};
		int rc = svc_request_create(c, clerk, &in, &q->id, e);
		json_decref(req_mat);
		return rc;
	}
	case S_CORRECT: return 0; /* registered with the missing material: already 补正 */
	case S_SUPPLY:
		return act(c, clerk, q->id, "supply",
			   json_pack("{s:o}", "materials", split(it->materials, '|')), e);
	case S_SEND: return act(c, clerk, q->id, "send", NULL, e);
	case S_APPOINT: {
		char iso[40];
		clock_format_iso(clock_now_ms() + 2 * HOUR, iso, sizeof iso);
		return act(c, clerk, q->id, "appoint",
			   json_pack("{s:s, s:s}", "at", iso, "companion", "代办员 白振江"), e);
	}
	case S_COMPLETE:
		return act(c, q->mode == 'p' ? &d->hall : clerk, q->id, "complete",
			   json_pack("{s:s}", "result",
				     it->kind == 'p' ? "已审核通过，证件（批复）已出具"
						     : "已当场办结"),
			   e);
	case S_HAND_OVER: return act(c, clerk, q->id, "hand_over", NULL, e);
	case S_RATE: {
		char number[32];
		store_stmt *st;
		int rc = store_query_row(c, &st, e, "SELECT number FROM cases WHERE id = ?", "i",
					 q->id);
		if (rc <= 0)
			return rc;
		snprintf(number, sizeof number, "%s", store_col_text(st, 0));
		store_done(st);
		return svc_public_rate(c, number, q->phone, q->rating, "127.0.0.1", e);
	}
	case S_ANSWER:
		return act(c, clerk, q->id, "answer_complaint",
			   json_pack("{s:s}", "answer",
				     "已向申请人致歉并说明情况，今后提前告知所需材料和办理时限。"),
			   e);
	case S_RECTIFY:
		return act(c, clerk, q->id, "rectify",
			   json_pack("{s:s}", "note",
				     "已组织站点人员学习办事指南，一次性告知清单上墙。"),
			   e);
	case S_ARCHIVE: return act(c, clerk, q->id, "archive", NULL, e);
	}
	return 0;
}

/* A step that no longer applies (the request went elsewhere, a 差评 answered twice) is
 * skipped: the demo's plan is a guess at what people do, the machine decides. */
static int run_one(store_conn *c, demo_services *d, const ev *v, err *e)
{
	clock_override(v->at);
	int rc = run_event(c, d, v, e);
	if (rc < 0 && (e->kind == ERR_CONFLICT || e->kind == ERR_FORBIDDEN)) {
		memset(e, 0, sizeof *e);
		rc = 0;
	}
	return rc;
}

static int until(store_conn *c, int64_t t, void *ctx, err *e)
{
	demo_services *d = ctx;
	int64_t saved = clock_now_ms();
	if (!d->ready && load_actors(c, d, e) < 0)
		return -1;
	while (d->next < d->nevs && d->evs[d->next].at < t) {
		const ev *v = &d->evs[d->next];
		if (d->inner.until && d->inner.until(c, v->at, d->inner.ctx, e) < 0)
			return -1;
		if (run_one(c, d, v, e) < 0)
			return -1;
		d->next++;
	}
	clock_override(saved);
	return d->inner.until ? d->inner.until(c, t, d->inner.ctx, e) : 0;
}

static void begin(void *ctx)
{
	demo_services *d = ctx;
	d->next = d->committed;
	if (d->inner.begin)
		d->inner.begin(d->inner.ctx);
}

static void commit(void *ctx)
{
	demo_services *d = ctx;
	d->committed = d->next;
	if (d->inner.commit)
		d->inner.commit(d->inner.ctx);
}

int demo_services_open(const int64_t *unit_ids, int64_t end, const demo_beside *inner,
		       demo_services **out, demo_beside *outer, err *e)
{
	(void)e;
	*out = NULL;
	const char *env = getenv("YIWANG_DEMO_SERVICES");
	if (env && !strcmp(env, "0")) {
		if (inner)
			*outer = *inner;
		return 0;
	}
	demo_services *d = xcalloc(1, sizeof *d);
	d->ids = unit_ids;
	if (inner)
		d->inner = *inner;
	plan(d, end);
	*outer = (demo_beside){.until = until, .begin = begin, .commit = commit, .ctx = d};
	*out = d;
	return 0;
}

void demo_services_close(demo_services *d)
{
	if (!d)
		return;
	free(d->reqs);
	free(d->evs);
	free(d);
}

/* ---- 营商环境: enterprise cases for the register's projects ---- */

#define ENTERPRISE_CASES 20
#define DAY_MS (24LL * 3600 * 1000)

static const struct {
	const char *name, *unit; /* the unit after the county's name */
	int days;		 /* the promised days of the approval */
} approvals[] = {
	{"立项（备案）", "发展和改革局", 5},	  {"用地预审与选址", "自然资源分局", 20},
	{"建设工程规划许可", "自然资源分局", 15}, {"环境影响评价审批", "生态环境分局", 30},
	{"施工许可", "住房和城乡建设局", 10},
};
enum { NAPPROVALS = sizeof approvals / sizeof approvals[0] };

static int enterprise_tx(store_conn *c, void *p, err *e)
{
	(void)p;
	store_stmt *st = store_prepare(
		c,
		"SELECT p.id, COALESCE(p.owner, p.name), p.county_id, cu.name, h.unit_id,"
		" hu.path FROM invest_projects p JOIN units cu ON cu.id = p.county_id"
		" JOIN svc_halls h ON h.region_id = p.county_id JOIN units hu ON hu.id = h.unit_id"
		" ORDER BY p.id",
		e);
	if (!st)
		return -1;
	struct {
		int64_t project, hall;
		char owner[200], county[64], path[SCOPE_PATH_MAX];
	} picks[ENTERPRISE_CASES];
	size_t n = 0;
	int rc;
	/* At most three projects of each county, in id order: a spread over the counties. */
	int64_t counties[16] = {0};
	int per[16] = {0};
	while ((rc = store_step(st, e)) == 1 && n < ENTERPRISE_CASES) {
		int64_t cid = store_col_int(st, 2);
		size_t k = 0;
		while (k < 16 && counties[k] && counties[k] != cid)
			k++;
		if (k == 16)
			continue;
		counties[k] = cid;
		if (per[k]++ >= 3)
			continue;
		picks[n].project = store_col_int(st, 0);
		snprintf(picks[n].owner, sizeof picks[n].owner, "%s", store_col_text(st, 1));
		snprintf(picks[n].county, sizeof picks[n].county, "%s", store_col_text(st, 3));
		picks[n].hall = store_col_int(st, 4);
		snprintf(picks[n].path, sizeof picks[n].path, "%s", store_col_text(st, 5));
		n++;
	}
	store_done(st);
	if (rc < 0)
		return -1;
	int64_t now = clock_now_ms();
	for (size_t i = 0; i < n; i++) {
		actor a;
		actor_system(&a, "demo_enterprise");
		a.unit_id = picks[i].hall;
		snprintf(a.unit_path, sizeof a.unit_path, "%s", picks[i].path);
		snprintf(a.admin_path, sizeof a.admin_path, "%s", picks[i].path);
		a.roles = ROLE_UNIT_STAFF;
		/* Started 30 to 220 days ago; i % 6 approvals done, the next in progress. */
		int64_t start = now - (int64_t)(30 + (i * 37) % 190) * DAY_MS;
		int ndone = (int)(i % (NAPPROVALS + 1));
		json_t *steps = json_array();
		int64_t at = start;
		for (int k = 0; k < NAPPROVALS; k++) {
			char unit[128], due[40];
			snprintf(unit, sizeof unit, "%s%s", picks[i].county, approvals[k].unit);
			at += (int64_t)approvals[k].days * DAY_MS;
			clock_format_iso(at, due, sizeof due);
			json_array_append_new(steps, json_pack("{s:s, s:s, s:s}", "name",
							       approvals[k].name, "unit", unit,
							       "due_at", due));
		}
		char contact[64];
		snprintf(contact, sizeof contact, "%s经理 139%08zu", i % 2 ? "王" : "李",
			 (size_t)(41800000 + i * 7919));
		json_t *b = json_pack("{s:s, s:I, s:s, s:o}", "enterprise", picks[i].owner,
				      "project_id", (json_int_t)picks[i].project, "contact",
				      contact, "steps", steps);
		int64_t id;
		rc = svc_enterprise_create(c, &a, b, &id, e);
		json_decref(b);
		if (rc < 0)
			return -1;
		/* The steps' ids in order, then their progress with dates. */
		int64_t sids[NAPPROVALS];
		store_stmt *ss = store_prepare(
			c,
			"SELECT id FROM svc_enterprise_steps WHERE enterprise_id = ? ORDER BY seq",
			e);
		if (!ss)
			return -1;
		store_bindf(ss, "i", id);
		int m = 0;
		while ((rc = store_step(ss, e)) == 1 && m < NAPPROVALS)
			sids[m++] = store_col_int(ss, 0);
		store_done(ss);
		if (rc < 0)
			return -1;
		int64_t t = start;
		for (int k = 0; k < m && k <= ndone; k++) {
			char s1[40], s2[40];
			clock_format_iso(t, s1, sizeof s1);
			/* Done a little within the promised days (a late one now and then). */
			int64_t took =
				(int64_t)approvals[k].days * DAY_MS * (7 + (int)((i + k) % 5)) / 10;
			int64_t end = t + took;
			if (k == ndone || end >= now) {
				json_t *u = json_pack("{s:s, s:s}", "status", "in_progress",
						      "started_at", s1);
				rc = svc_enterprise_step_update(c, &a, id, sids[k], u, e);
				json_decref(u);
				if (rc < 0)
					return -1;
				break;
			}
			clock_format_iso(end, s2, sizeof s2);
			json_t *u = json_pack("{s:s, s:s, s:s}", "status", "done", "started_at", s1,
					      "done_at", s2);
			rc = svc_enterprise_step_update(c, &a, id, sids[k], u, e);
			json_decref(u);
			if (rc < 0)
				return -1;
			t = end;
		}
	}
	return 0;
}

int demo_services_enterprise(store *s, err *e)
{
	return store_write(s, enterprise_tx, NULL, e);
}
