/* The demo's reviews, made through the same functions as the API: schemes by the supervision
 * office, values entered as the assessing bureaus, periods closed as the organizer. The
 * appeals and disputes of the demo cover its last year; the stability cards before that
 * rank on the entered petition figure alone (the computed columns have no data there).
 * The project cards rank on the project register's metrics (investment against plan,
 * starts of projects ≥ 5000万) computed from the demo's projects, whose reports run over
 * the two years before now and whose plans over last year and this; the township cards
 * add the party branches' quota completion (the party demo's year of activities). */
#include "demo/demo_reviews.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "demo/demo_data.h"
#include "demo/demo_rand.h"
#include "org/unit.h"
#include "reviews/review.h"

typedef struct demo_rv {
	const int64_t *ids;
	actor office, finance, farming, reform, petitions;
	uint64_t rnd;
} demo_rv;

static int64_t unit_of(const demo_rv *x, const char *key)
{
	for (size_t i = 0; i < demo_units_count; i++)
		if (!strcmp(demo_units[i].key, key))
			return x->ids[i];
	return 0;
}

static int staff_of(store_conn *c, demo_rv *x, actor *a, const char *key, err *e)
{
	memset(a, 0, sizeof *a);
	snprintf(a->username, sizeof a->username, "demo");
	a->unit_id = unit_of(x, key);
	a->roles = ROLE_UNIT_STAFF;
	return unit_path(c, a->unit_id, a->unit_path, sizeof a->unit_path, e);
}

/* The ranked units of a card, by reading it. */
static json_t *card_units(store_conn *c, const actor *who, int64_t period, err *e)
{
	json_t *card;
	if (review_period_get(c, who, period, &card, e) < 0)
		return NULL;
	json_t *ids = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(card, "items"), i, it)
		json_array_append(ids, json_object_get(it, "unit_id"));
	json_decref(card);
	return ids;
}

/* Enters one indicator's values for every unit: a unit's own level (from its id) plus
 * a trend over the periods and noise. */
static int enter(store_conn *c, demo_rv *x, const actor *who, int64_t period, json_t *units,
		 const char *indicator, double lo, double hi, int step, err *e)
{
	json_t *values = json_array();
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		int64_t id = json_integer_value(u);
		uint64_t r = demo_rnd_seed((uint64_t)id * 7919u + (uint64_t)strlen(indicator));
		double level = demo_rnd_unit(&r), trend = (demo_rnd_unit(&r) - 0.5) * 0.02 * step;
		double v = lo + (hi - lo) * (0.55 * level + 0.3 * demo_rnd_unit(&x->rnd) + 0.15) +
			   trend * (hi - lo);
		if (v > hi)
			v = hi;
		json_array_append_new(values, json_pack("{s:I, s:s, s:f}", "unit_id",
							(json_int_t)id, "indicator", indicator,
							"value", (double)(int64_t)(v * 10) / 10.0));
	}
	int rc = review_period_values(c, who, period, values, e);
	json_decref(values);
	return rc;
}

static int64_t scheme(store_conn *c, demo_rv *x, const char *json, err *e)
{
	json_error_t je;
	json_t *body = json_loads(json, 0, &je);
	if (!body)
		return err_set(e, ERR_INTERNAL, "demo_reviews", NULL, "方案数据有误：%s", je.text);
	int64_t id = 0;
	int rc = review_scheme_create(c, &x->office, body, &id, e);
	json_decref(body);
	return rc < 0 ? -1 : id;
}

static int stability(store_conn *c, demo_rv *x, err *e)
{
	char *json = xasprintf(
		"{\"name\":\"单月调度稳定\",\"cadence\":\"monthly\",\"unit_kind\":\"county\","
		"\"grades\":[90,80,70,60],\"indicators\":["
		"{\"name\":\"响应率\",\"source\":\"computed\",\"metric\":\"appeal_response_rate\","
		"\"weight\":15},"
		"{\"name\":\"解决率\",\"source\":\"computed\",\"metric\":\"appeal_resolution_"
		"rate\",\"weight\":15},"
		"{\"name\":\"满意率\",\"source\":\"computed\",\"metric\":\"appeal_satisfaction_"
		"rate\",\"weight\":20,"
		"\"rule\":\"bands\",\"bands\":[{\"at\":98,\"score\":100},{\"at\":95,\"score\":90},{"
		"\"at\":90,\"score\":75},{\"at\":0,\"score\":60}]},"
		"{\"name\":\"超期件数\",\"source\":\"computed\",\"metric\":\"appeal_overdue\","
		"\"weight\":10,\"direction\":\"lower\",\"rule\":\"rank_points\"},"
		"{\"name\":\"调解成功率\",\"source\":\"computed\",\"metric\":\"dispute_success_"
		"rate\",\"weight\":15},"
		"{\"name\":\"村级化解占比\",\"source\":\"computed\",\"metric\":\"dispute_village_"
		"share\",\"weight\":10},"
		"{\"name\":\"信访稳定\",\"source\":\"entered\",\"assessing_unit_id\":%lld,"
		"\"weight\":15,\"rule\":\"value\"}]}",
		(long long)unit_of(x, "xinfang"));
	int64_t id = scheme(c, x, json, e);
	free(json);
	if (id < 0)
		return -1;
	/* 2024-12 … 2026-11 closed, 2026-12 a draft. */
	for (int k = 0; k < 25; k++) {
		int y = 2024 + (11 + k) / 12, m = (11 + k) % 12 + 1;
		char key[16];
		snprintf(key, sizeof key, "%04d-%02d", y, m);
		int64_t period;
		if (review_period_open(c, &x->office, id, key, &period, e) < 0)
			return -1;
		json_t *units = card_units(c, &x->office, period, e);
		int rc =
			units ? enter(c, x, &x->petitions, period, units, "信访稳定", 70, 100, k, e)
			      : -1;
		json_decref(units);
		if (rc < 0 || (k < 24 && review_period_close(c, &x->office, period, e) < 0))
			return -1;
	}
	return 0;
}

/* The meeting on site at the host after a project card, with its decisions. */
static int project_meeting(store_conn *c, demo_rv *x, int64_t scheme_id, int64_t period,
			   const char *key, int64_t host, int64_t laggard, err *e)
{
	int y = atoi(key), m = atoi(key + 5) + 2;
	if (m > 12) {
		m -= 12;
		y++;
	}
	char held[48], due[48], title[64];
	snprintf(held, sizeof held, "%04d-%02d-%02d", y, m, 8 + (int)(period % 10));
	snprintf(due, sizeof due, "%04d-%02d-28", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	snprintf(title, sizeof title, "%s双月项目调度现场会", key);
	json_t *body = json_pack(
		"{s:s, s:s, s:I, s:I, s:[s, s], s:[s, s, s, s], s:s, s:[{s:s, s:s, s:I, s:s}, "
		"{s:s, s:s}]}",
		"title", title, "held_on", held, "period_id", (json_int_t)period, "host_unit_id",
		(json_int_t)host, "sites", "重点项目建设现场", "园区企业生产车间", "attendees",
		"市政府分管副市长", "市发展和改革委员会", "市政府督查室", "各县（区）政府负责同志",
		"summary", "观摩承办县（区）重点项目，通报本期考核结果，比学赶超，部署下阶段工作。",
		"decisions", "text", "对投资完成率排名末位的县（区）开展专项督查，限期报送整改措施",
		"kind", "task", "owner_unit_id", (json_int_t)laggard, "deadline", due, "text",
		"项目用地和审批手续滞后问题列为重点问题，由分管市领导包联推进", "kind",
		"key_issue");
	int64_t id;
	int rc = review_meeting_save(c, &x->office, scheme_id, 0, body, &id, e);
	json_decref(body);
	return rc;
}

static int projects(store_conn *c, demo_rv *x, err *e)
{
	char *json = xasprintf(
		"{\"name\":\"双月调度项目\",\"cadence\":\"bimonthly\",\"unit_kind\":\"county\","
		"\"indicators\":["
		"{\"name\":\"投资完成率\",\"source\":\"computed\",\"metric\":\"investment_vs_"
		"plan\",\"weight\":50},"
		"{\"name\":\"5000万元以上项目开工数\",\"source\":\"computed\",\"metric\":"
		"\"big_project_starts\",\"weight\":30,\"rule\":\"rank_points\"},"
		"{\"name\":\"项目服务评价\",\"source\":\"entered\",\"assessing_unit_id\":%lld,"
		"\"weight\":20,\"rule\":\"value\"}]}",
		(long long)unit_of(x, "ducha"));
	int64_t id = scheme(c, x, json, e);
	free(json);
	if (id < 0)
		return -1;
	/* 2025-01, 2025-03, … 2026-09 closed with their hosts and meetings; 2026-11 a draft. */
	for (int k = 0; k < 12; k++) {
		char key[16];
		snprintf(key, sizeof key, "%04d-%02d", 2025 + k / 6, (k % 6) * 2 + 1);
		int64_t period;
		if (review_period_open(c, &x->office, id, key, &period, e) < 0)
			return -1;
		json_t *units = card_units(c, &x->office, period, e);
		int rc =
			units ? enter(c, x, &x->office, period, units, "项目服务评价", 75, 98, k, e)
			      : -1;
		json_decref(units);
		if (rc < 0)
			return -1;
		if (k == 11)
			break;
		json_t *card;
		if (review_period_close(c, &x->office, period, e) < 0 ||
		    review_period_get(c, &x->office, period, &card, e) < 0)
			return -1;
		json_t *items = json_object_get(card, "items");
		int64_t host =
			json_integer_value(json_object_get(json_array_get(items, 0), "unit_id"));
		int64_t last = json_integer_value(json_object_get(
			json_array_get(items, json_array_size(items) - 1), "unit_id"));
		json_decref(card);
		if (review_period_host(c, &x->office, period, host, e) < 0 ||
		    project_meeting(c, x, id, period, key, host, last, e) < 0)
			return -1;
	}
	return 0;
}

static int townships(store_conn *c, demo_rv *x, err *e)
{
	char *json = xasprintf(
		"{\"name\":\"季度调度乡镇\",\"cadence\":\"quarterly\",\"unit_kind\":\"township\","
		"\"indicators\":["
		"{\"name\":\"项目建设\",\"source\":\"entered\",\"assessing_unit_id\":%lld,"
		"\"weight\":40},"
		"{\"name\":\"财务管理\",\"source\":\"entered\",\"assessing_unit_id\":%lld,"
		"\"weight\":30,\"rule\":\"value\"},"
		"{\"name\":\"乡村振兴\",\"source\":\"entered\",\"assessing_unit_id\":%lld,"
		"\"weight\":30},"
		"{\"name\":\"党建活动完成率\",\"source\":\"computed\",\"metric\":\"party_"
		"quota_completion\",\"weight\":20}]}",
		(long long)unit_of(x, "fagai"), (long long)unit_of(x, "caizheng"),
		(long long)unit_of(x, "nongye"));
	int64_t id = scheme(c, x, json, e);
	free(json);
	if (id < 0)
		return -1;
	/* 2025-Q1 … 2026-Q3 closed; 2026-Q4 a draft with the finance bureau's values in. */
	for (int k = 0; k < 8; k++) {
		char key[16];
		snprintf(key, sizeof key, "%04d-Q%d", 2025 + k / 4, k % 4 + 1);
		int64_t period;
		if (review_period_open(c, &x->office, id, key, &period, e) < 0)
			return -1;
		json_t *units = card_units(c, &x->office, period, e);
		int rc = units ? enter(c, x, &x->finance, period, units, "财务管理", 60, 100, k, e)
			       : -1;
		if (rc == 0 && k < 7)
			rc = enter(c, x, &x->reform, period, units, "项目建设", 20, 100, k, e);
		if (rc == 0 && k < 7)
			rc = enter(c, x, &x->farming, period, units, "乡村振兴", 50, 100, k, e);
		json_decref(units);
		if (rc < 0 || (k < 7 && review_period_close(c, &x->office, period, e) < 0))
			return -1;
	}
	return 0;
}

static int tx_reviews(store_conn *c, void *p, err *e)
{
	demo_rv *x = p;
	if (staff_of(c, x, &x->office, "ducha", e) < 0 ||
	    staff_of(c, x, &x->finance, "caizheng", e) < 0 ||
	    staff_of(c, x, &x->farming, "nongye", e) < 0 ||
	    staff_of(c, x, &x->reform, "fagai", e) < 0 ||
	    staff_of(c, x, &x->petitions, "xinfang", e) < 0)
		return -1;
	return stability(c, x, e) < 0 || projects(c, x, e) < 0 || townships(c, x, e) < 0 ? -1 : 0;
}

int demo_reviews_build(store *s, const int64_t *unit_ids, err *e)
{
	demo_rv x = {.ids = unit_ids, .rnd = demo_rnd_seed(2026)};
	return store_write(s, tx_reviews, &x, e);
}
