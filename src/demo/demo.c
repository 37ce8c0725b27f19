#include "demo/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal_admin.h"
#include "org/auth.h"
#include "core/clock.h"
#include "core/mem.h"
#include "demo/demo_appeals.h"
#include "demo/demo_data.h"
#include "demo/demo_disputes.h"
#include "demo/demo_grid.h"
#include "demo/demo_grid_events.h"
#include "demo/demo_reviews.h"
#include "demo/demo_services.h"
#include "demo/demo_livelihood.h"
#include "demo/demo_party.h"
#include "demo/demo_projects.h"
#include "appeals/open311.h"
#include "org/unit.h"
#include "org/user.h"

typedef struct demo_ctx {
	const char *hash;
	int64_t *ids; /* unit ids, by index in demo_units */
} demo_ctx;

static int64_t unit_id_of(demo_ctx *x, const char *key)
{
	for (size_t i = 0; i < demo_units_count; i++)
		if (strcmp(demo_units[i].key, key) == 0)
			return x->ids[i];
	return 0;
}

static unsigned roles_of(const char *list)
{
	unsigned roles = 0;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		roles |= role_parse(w);
	return roles;
}

/* The matter categories of the hotline, with the unit each goes to by default. */
static const struct demo_category {
	const char *code, *parent, *name;
	int finish_days;  /* 0: the policy's */
	const char *unit; /* the city-wide handling unit (demo unit key), or NULL */
} demo_categories[] = {
	{"heating", NULL, "供暖", 0, "zhujian"},
	{"heating_cold", "heating", "室温不达标", 0, NULL},
	{"heating_leak", "heating", "暖气漏水", 0, NULL},
	{"heating_fee", "heating", "供暖收费", 0, NULL},
	{"water", NULL, "供水", 0, "shuiwu"},
	{"water_outage", "water", "停水", 0, NULL},
	{"water_quality", "water", "水质", 0, NULL},
	{"property", NULL, "物业管理", 0, "zhujian"},
	{"housing", NULL, "房屋建筑", 15, "zhujian"},
	{"roads", NULL, "道路交通", 0, "jiaotong"},
	{"sanitation", NULL, "环境卫生", 0, "chengguan"},
	{"market", NULL, "市场秩序", 0, "shijian"},
	{"food", NULL, "食品安全", 0, "shijian"},
	{"medical", NULL, "医疗服务", 0, "weijian"},
	{"wages", NULL, "劳动工资", 15, "renshe"},
	{"education", NULL, "教育", 0, "jiaoyu"},
	{"power", NULL, "供电", 0, "gongdian"},
	{"environment", NULL, "生态环境", 0, "shengtai"},
	{"social", NULL, "社会保障", 0, "minzheng"},
	{"other", NULL, "其他", 0, NULL},
};

/* Rules more specific than the city-wide ones: (category, region) → unit. */
static const struct demo_rule {
	const char *category, *region, *unit;
} demo_rules[] = {
	{"heating", "fumeng", "fumeng_zhujian"},
	{"heating", "zhangwu", "zhangwu_zhujian"},
	{"sanitation", "xihe", "xihe_chengguan"},
	{"market", "taiping", "taiping_shijian"},
};

/* The State Council's arrangement of 2026 public holidays and make-up working days
 * (国办发明电, 2025-11-04), as an admin would import it. */
static const char holidays_2026[] = "日期,类型,名称\n"
				    "# 元旦\n"
				    "2026-01-01,休,元旦\n"
				    "2026-01-02,休,元旦\n"
				    "2026-01-03,休,元旦\n"
				    "2026-01-04,班,元旦调休\n"
				    "# 春节\n"
				    "2026-02-14,班,春节调休\n"
				    "2026-02-15,休,春节\n"
				    "2026-02-16,休,春节\n"
				    "2026-02-17,休,春节\n"
				    "2026-02-18,休,春节\n"
				    "2026-02-19,休,春节\n"
				    "2026-02-20,休,春节\n"
				    "2026-02-21,休,春节\n"
				    "2026-02-22,休,春节\n"
				    "2026-02-23,休,春节\n"
				    "2026-02-28,班,春节调休\n"
				    "2026-04-04,休,清明节\n"
				    "2026-04-05,休,清明节\n"
				    "2026-04-06,休,清明节\n"
				    "2026-05-01,休,劳动节\n"
				    "2026-05-02,休,劳动节\n"
				    "2026-05-03,休,劳动节\n"
				    "2026-05-04,休,劳动节\n"
				    "2026-05-05,休,劳动节\n"
				    "2026-05-09,班,劳动节调休\n"
				    "2026-06-19,休,端午节\n"
				    "2026-06-20,休,端午节\n"
				    "2026-06-21,休,端午节\n"
				    "2026-09-20,班,国庆节调休\n"
				    "2026-09-25,休,中秋节\n"
				    "2026-09-26,休,中秋节\n"
				    "2026-09-27,休,中秋节\n"
				    "2026-10-01,休,国庆节\n"
				    "2026-10-02,休,国庆节\n"
				    "2026-10-03,休,国庆节\n"
				    "2026-10-04,休,国庆节\n"
				    "2026-10-05,休,国庆节\n"
				    "2026-10-06,休,国庆节\n"
				    "2026-10-07,休,国庆节\n"
				    "2026-10-10,班,国庆节调休\n";

static int64_t category_id_of(store_conn *c, const char *code, err *e)
{
	int64_t id = 0;
	if (code && store_query_int(c, &id, 0, e, "SELECT id FROM categories WHERE code = ?", "s",
				    code) < 0)
		return -1;
	return id;
}

/* Open311 attributes of the categories whose appeals need facts the handling unit asks
 * for first: how cold a flat is, where a heating pipe leaks, how far an outage reaches. */
static int demo_open311_setup(store_conn *c, const actor *sys, err *e)
{
	json_t *rooms =
		json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "key", "living", "name", "客厅", "key",
			  "bedroom", "name", "卧室", "key", "kitchen", "name", "厨房");
	json_t *places = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "key", "radiator",
				   "name", "暖气片", "key", "valve", "name", "阀门", "key", "pipe",
				   "name", "管道", "key", "ceiling", "name", "楼上渗漏");
	json_t *scopes = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "key", "household", "name",
				   "本户", "key", "building", "name", "整栋楼", "key", "community",
				   "name", "整个小区");
	const open311_attribute cold[] = {
		{"indoor_temp", "number", "室内温度（℃）", "在房间中央、离地约 1.5 米处测得的温度",
		 true, true, 1, NULL},
		{"room", "singlevaluelist", "测温的房间", NULL, true, false, 2, rooms},
		{"since", "datetime", "从何时开始不热", NULL, true, false, 3, NULL},
	};
	const open311_attribute leak[] = {
		{"floor", "number", "漏水的楼层", NULL, true, true, 1, NULL},
		{"leak_place", "multivaluelist", "漏水的位置", "可多选", true, true, 2, places},
		{"advice", "string", "漏水较大时请先关闭进户阀门，并告知楼下住户", NULL, false,
		 false, 3, NULL},
	};
	const open311_attribute outage[] = {
		{"scope", "singlevaluelist", "停水范围", NULL, true, true, 1, scopes},
		{"since", "datetime", "停水开始时间", NULL, true, false, 2, NULL},
	};
	const struct {
		const char *code, *keywords;
		const open311_attribute *attrs;
		size_t n;
	} services[] = {
		{"heating_cold", "暖气不热,室温低,供热", cold, 3},
		{"heating_leak", "暖气漏水,跑水,管道", leak, 3},
		{"water_outage", "停水,没水,自来水", outage, 2},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof services / sizeof services[0] && rc == 0; i++) {
		int64_t cat = category_id_of(c, services[i].code, e);
		open311_config cfg = {.type = "realtime",
				      .keywords = services[i].keywords,
				      .attributes = services[i].attrs,
				      .nattributes = services[i].n};
		rc = cat <= 0 ? -1 : open311_config_put(c, sys, cat, &cfg, e);
	}
	json_decref(rooms);
	json_decref(places);
	json_decref(scopes);
	return rc;
}

static int demo_appeal_setup(store_conn *c, demo_ctx *x, err *e)
{
	for (size_t i = 0; i < sizeof demo_categories / sizeof demo_categories[0]; i++) {
		const struct demo_category *d = &demo_categories[i];
		int64_t parent = category_id_of(c, d->parent, e);
		if (parent < 0 ||
		    store_exec(c, e,
			       "INSERT INTO categories (parent_id, code, name, finish_days, sort)"
			       " VALUES (?, ?, ?, ?, ?)",
			       "nssni", parent, d->code, d->name, (int64_t)d->finish_days,
			       (int64_t)i) < 0)
			return -1;
		if (d->unit) {
			int64_t cat = category_id_of(c, d->code, e);
			if (cat < 0 ||
			    store_exec(c, e,
				       "INSERT INTO routing_rules (category_id, region_id, unit_id)"
				       " VALUES (?, ?, ?)",
				       "iii", cat, unit_id_of(x, "fuxin"),
				       unit_id_of(x, d->unit)) < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < sizeof demo_rules / sizeof demo_rules[0]; i++) {
		const struct demo_rule *r = &demo_rules[i];
		int64_t cat = category_id_of(c, r->category, e);
		if (cat < 0 ||
		    store_exec(c, e,
			       "INSERT INTO routing_rules (category_id, region_id, unit_id) VALUES "
			       "(?, ?, ?)",
			       "iii", cat, unit_id_of(x, r->region), unit_id_of(x, r->unit)) < 0)
			return -1;
	}
	actor sys;
	actor_system(&sys, "demo");
	if (demo_open311_setup(c, &sys, e) < 0)
		return -1;
	int imported;
	if (calendar_days_import(c, &sys, holidays_2026, &imported, e) < 0)
		return -1;
	/* Citizens' own submissions land at the city hotline centre. */
	char hotline[32];
	snprintf(hotline, sizeof hotline, "%lld", (long long)unit_id_of(x, "hotline"));
	return store_exec(c, e, "INSERT INTO settings (key, value) VALUES ('intake_unit_id', ?)",
			  "s", hotline) < 0
		       ? -1
		       : 0;
}

static int demo_tx(store_conn *c, void *p, err *e)
{
	demo_ctx *x = p;
	int64_t n;
	if (store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM units", NULL) < 0)
		return -1;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "not_empty", "db",
			       "数据库中已有数据，演示数据只能建在空库上");
	actor sys;
	actor_system(&sys, "demo");
	for (size_t i = 0; i < demo_units_count; i++) {
		const struct demo_unit *d = &demo_units[i];
		unit_input in = {.name = d->name,
				 .kind = d->kind,
				 .code = d->code,
				 .parent_id = d->parent_key ? unit_id_of(x, d->parent_key) : 0};
		if (d->parent_key && !in.parent_id)
			return err_set(e, ERR_INTERNAL, "demo_data", NULL,
				       "演示单位 %s 的上级 %s 不存在", d->key, d->parent_key);
		if (unit_create(c, &sys, &in, &x->ids[i], e) < 0)
			return -1;
	}
	for (size_t i = 0; i < demo_users_count; i++) {
		const struct demo_user *d = &demo_users[i];
		user_input in = {.username = d->username,
				 .display_name = d->display_name,
				 .password_hash = x->hash,
				 .unit_id = unit_id_of(x, d->unit_key),
				 .roles = roles_of(d->roles),
				 .phone = d->phone};
		int64_t id;
		if (!in.unit_id)
			return err_set(e, ERR_INTERNAL, "demo_data", NULL,
				       "演示用户 %s 的单位 %s 不存在", d->username, d->unit_key);
		if (user_create(c, &sys, &in, &id, e) < 0)
			return -1;
	}
	if (demo_appeals_staff(c, x->ids, x->hash, e) < 0 ||
	    demo_disputes_setup(c, x->ids, x->hash, e) < 0 ||
	    demo_services_setup(c, x->ids, e) < 0 || demo_grid_setup(c, x->ids, x->hash, e) < 0)
		return -1;
	return demo_appeal_setup(c, x, e);
}

int demo_build(store *s, const char *password, err *e)
{
	/* Every demo user shares one password, so one argon2id hash serves them all: the
	 * shared salt reveals only what the demo states openly. */
	char hash[256];
	int64_t built = clock_now_ms();
	if (auth_password_ok(password, e) < 0 ||
	    auth_hash_password(password, hash, sizeof hash, e) < 0)
		return -1;
	demo_ctx x = {.hash = hash, .ids = xcalloc(demo_units_count, sizeof(int64_t))};
	/* The audit trail runs forward in time, so the history is made in date order: the
	 * tree and the logins a month before the 2021 livelihood cycle, the earliest of it;
	 * then that cycle, the year of appeals until now, and last the collection open
	 * now. */
	clock_override(demo_livelihood_start() - 31LL * 24 * 3600 * 1000);
	int rc = store_write(s, demo_tx, &x, e);
	clock_override(0);
	if (rc == 0)
		rc = demo_livelihood_history(s, x.ids, e);
	/* The year of disputes runs beside the appeals, in time order with them. */
	int64_t end;
	demo_disputes *disputes = NULL;
	demo_beside beside = {0};
	demo_grid *grid = NULL; /* 社区治理 events, beside the disputes */
	if (rc == 0)
		rc = demo_appeals_end(&end, e);
	if (rc == 0)
		rc = demo_disputes_open(s, x.ids, end, &disputes, &beside, e);
	/* The grid events beside the disputes, the year of service requests beside both. */
	demo_services *services = NULL;
	demo_beside both = {0};
	if (rc == 0)
		rc = demo_grid_events_open(s, x.ids, end, &beside, &grid, e);
	if (rc == 0)
		rc = demo_services_open(x.ids, end, (disputes || grid) ? &beside : NULL, &services,
					&both, e);
	if (rc == 0)
		rc = demo_appeals_build(s, x.ids, (disputes || grid || services) ? &both : NULL, e);
	demo_services_close(services);
	demo_disputes_close(disputes);
	demo_grid_events_close(grid);
	if (rc == 0)
		rc = demo_appeals_end(&end, e);
	if (rc == 0)
		rc = demo_livelihood_open(s, x.ids, end, e);
	/* 社区治理's year of patrols (the members and households were made with the tree). */
	if (rc == 0)
		rc = demo_grid_patrols(s, x.ids, x.hash, e);
	/* 智慧党建: the party tree, members and a year of activities, dues, wishes. */
	if (rc == 0)
		rc = demo_party_build(s, x.ids, e);
	/* 项目库 and 重点问题, made now. */
	if (rc == 0)
		rc = demo_projects_build(s, e);
	/* 营商环境's enterprise cases, for projects of the register. */
	if (rc == 0)
		rc = demo_services_enterprise(s, e);
	/* The review cards, computed from the records above. */
	if (rc == 0)
		rc = demo_reviews_build(s, x.ids, e);
	/* The accounts are made in the demo's past, their passwords now: none starts expired. */
	if (rc == 0)
		rc = user_passwords_set_at(s, built, e);
	free(x.ids);
	return rc;
}
