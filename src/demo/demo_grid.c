#include "demo/demo_grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "demo/demo_data.h"
#include "demo/demo_rand.h"
#include "grid/grid.h"
#include "grid/household.h"
#include "grid/patrol.h"
#include "org/unit.h"
#include "org/user.h"

/* Each demo grid: where its boundary lies (south-west corner, size in degrees), whether
 * it is a village grid, its member's login (existing or made here) and name, and the
 * street or village its addresses use. */
static const struct demo_grid {
	const char *unit, *login, *name, *phone;
	double lat, lon, dlat, dlon;
	bool village;
	const char *street;
	bool idle; /* no patrol in the last days: shows on "no patrol this week" */
} grids[] = {
	{"zq_xinhua_g1", "grid01", NULL, NULL, 42.0100, 121.6560, 0.0040, 0.0055, false, "新华路",
	 false},
	{"zq_xinhua_g2", "grid03", "李桂兰", "13941826530", 42.0100, 121.6615, 0.0040, 0.0050,
	 false, "新华北街", false},
	{"zq_xinhua_g3", "grid04", "王建国", "13704182267", 42.0140, 121.6560, 0.0035, 0.0105,
	 false, "光明巷", false},
	{"zq_zhanqian_g1", "grid05", "赵淑珍", "15841807731", 42.0060, 121.6560, 0.0040, 0.0060,
	 false, "站前路", false},
	{"zq_zhanqian_g2", "grid06", "孙志强", "13889134462", 42.0060, 121.6620, 0.0040, 0.0045,
	 false, "铁路街", false},
	{"zq_jiefang_g1", "grid07", "周秀梅", "18841828935", 42.0060, 121.6665, 0.0080, 0.0060,
	 false, "解放大街", false},
	{"hp_zhonghua_g1", "grid08", "吴春燕", "13614189027", 42.0200, 121.6700, 0.0050, 0.0060,
	 false, "中华路", false},
	{"hp_zhonghua_g2", "grid09", "郑宝华", "15904185516", 42.0200, 121.6760, 0.0050, 0.0055,
	 false, "人民大街", true},
	{"yl_yulong_g1", "grid10", "冯丽娟", "13998031246", 42.0300, 121.6400, 0.0050, 0.0070,
	 false, "玉龙路", false},
	{"yl_yulong_g2", "grid11", "陈德胜", "18640829374", 42.0300, 121.6470, 0.0050, 0.0060,
	 false, "华东街", false},
	{"dongwafang_g1", "grid02", NULL, NULL, 41.9600, 121.7300, 0.0180, 0.0250, true, "东瓦房村",
	 false},
	{"dongwafang_g2", "grid12", "白玉珍", "13841852906", 41.9600, 121.7550, 0.0180, 0.0230,
	 true, "东瓦房村", false},
	{"hjd_hanjiadian_g1", "grid13", "韩立军", "15141843317", 41.9780, 121.7300, 0.0220, 0.0300,
	 true, "韩家店村", true},
};
enum { NGRIDS = sizeof grids / sizeof grids[0] };

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周",
				       "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
				       "林", "罗", "郑", "梁", "谢", "宋", "唐", "韩", "冯",
				       "于", "董", "白", "曹", "邓", "许", "姜", "崔", "金"};
static const char *const given[] = {"秀兰", "桂英", "玉兰", "淑珍", "凤英", "建国", "建华", "志强",
				    "国强", "德胜", "宝山", "海峰", "丽娟", "红梅", "春燕", "晓东",
				    "立新", "文博", "振华", "永强", "淑华", "玉珍", "明",   "伟",
				    "静",   "敏",   "磊",   "军",   "洋",   "勇",   "艳",   "杰",
				    "娟",   "涛",   "超",   "霞",   "平",   "刚",   "桂芝", "长青"};
static const char *const place_kinds[][2] = {
	{"小学", "学校"},	{"幼儿园", "学校"}, {"农贸市场", "市场"}, {"加油站", "危化"},
	{"社区卫生站", "医疗"}, {"养老院", "养老"}, {"网吧", "娱乐"},	  {"建筑工地", "工地"}};

typedef struct grid_ctx {
	const int64_t *unit_ids;
	const char *hash;
	int64_t grid_id[NGRIDS], member[NGRIDS];
	actor as[NGRIDS];
	int64_t now;
} grid_ctx;

static int64_t unit_of(const grid_ctx *x, const char *key)
{
	for (size_t i = 0; i < demo_units_count; i++)
		if (!strcmp(demo_units[i].key, key))
			return x->unit_ids[i];
	return 0;
}

static int64_t user_of(store_conn *c, const char *login, err *e)
{
	int64_t id;
	return store_query_int(c, &id, 0, e, "SELECT id FROM users WHERE username = ?", "s",
			       login) < 0
		       ? -1
		       : id;
}

/* The grid's boundary: a rectangle with a bent north side, so the map shows shapes. */
static json_t *boundary_of(const struct demo_grid *g)
{
	double s = g->lat, w = g->lon, n = g->lat + g->dlat, e = g->lon + g->dlon;
	double bend = g->dlat * 0.15;
	return json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon",
			 "coordinates", w, s, e, s, e, n, (w + e) / 2, n + bend, w, n, w, s);
}

/* Each grid's member as an actor, the login made first when absent. */
static int members_load(store_conn *c, grid_ctx *x, err *e)
{
	actor sys;
	actor_system(&sys, "demo");
	for (int i = 0; i < NGRIDS; i++) {
		const struct demo_grid *g = &grids[i];
		x->grid_id[i] = unit_of(x, g->unit);
		if (!x->grid_id[i])
			return err_set(e, ERR_INTERNAL, "demo_data", NULL, "演示网格 %s 不存在",
				       g->unit);
		int64_t id = user_of(c, g->login, e);
		if (id < 0)
			return -1;
		if (!id) {
			user_input in = {.username = g->login,
					 .display_name = g->name,
					 .password_hash = x->hash,
					 .unit_id = x->grid_id[i],
					 .roles = ROLE_GRID_MEMBER,
					 .phone = g->phone};
			if (user_create(c, &sys, &in, &id, e) < 0)
				return -1;
		}
		x->member[i] = id;
		actor *a = &x->as[i];
		memset(a, 0, sizeof *a);
		a->user_id = id;
		a->unit_id = x->grid_id[i];
		a->roles = ROLE_GRID_MEMBER;
		snprintf(a->username, sizeof a->username, "%s", g->login);
		snprintf(a->ip, sizeof a->ip, "local");
		if (unit_path(c, x->grid_id[i], a->unit_path, sizeof a->unit_path, e) < 0)
			return -1;
	}
	return 0;
}

static int members_tx(store_conn *c, grid_ctx *x, err *e)
{
	actor sys;
	actor_system(&sys, "demo");
	if (members_load(c, x, e) < 0)
		return -1;
	for (int i = 0; i < NGRIDS; i++) {
		/* The backup: the member of the next grid of the same community or village. */
		int64_t backup = 0;
		for (int k = 1; k < NGRIDS && !backup; k++) {
			int j = (i + k) % NGRIDS;
			if (!strncmp(grids[i].unit, grids[j].unit,
				     strrchr(grids[i].unit, '_') - grids[i].unit + 1))
				backup = x->member[j];
		}
		grid_profile_input in = {.set_boundary = true,
					 .set_member = true,
					 .member_id = x->member[i],
					 .set_backup = backup != 0,
					 .backup_id = backup};
		json_t *raw = boundary_of(&grids[i]);
		int rc = grid_boundary_check(raw, &in.boundary, &in.lat, &in.lon, &in.area_km2, e);
		json_decref(raw);
		if (rc == 0)
			rc = grid_profile_put(c, &sys, x->grid_id[i], &in, e);
		json_decref(in.boundary);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* An ID card number: the district, a birth date, a sequence and the ISO 7064 check. */
static void id_number(uint64_t *r, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	snprintf(out, 19, "210902%04d%02d%02d%03d", (int)demo_rnd_int(r, 1935, 2005),
		 (int)demo_rnd_int(r, 1, 12), (int)demo_rnd_int(r, 1, 28),
		 (int)demo_rnd_int(r, 1, 999));
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

typedef struct household_buf {
	char address[96], head[24], idn[19], phone[16];
} household_buf;

static void household_make(const struct demo_grid *g, size_t k, uint64_t *r, household_buf *b,
			   household_input *in)
{
	if (g->village)
		snprintf(b->address, sizeof b->address, "%s%d组%zu号", g->street, (int)(k / 30) + 1,
			 k % 30 + 1);
	else
		snprintf(b->address, sizeof b->address, "%s%zu号%d单元%d0%d室", g->street,
			 k / 36 + 1, (int)(k / 12) % 3 + 1, (int)(k / 2) % 6 + 1, (int)k % 2 + 1);
	snprintf(b->head, sizeof b->head, "%s%s",
		 surnames[demo_rnd_int(r, 0, sizeof surnames / sizeof *surnames - 1)],
		 given[demo_rnd_int(r, 0, sizeof given / sizeof *given - 1)]);
	id_number(r, b->idn);
	static const char *const pre[] = {"139", "138", "137", "135", "158", "159", "186", "188"};
	snprintf(b->phone, sizeof b->phone, "%s%08d", pre[demo_rnd_int(r, 0, 7)],
		 (int)demo_rnd_int(r, 0, 99999999));
	static const int housing_w[] = {70, 18, 5, 5, 2};
	static const char *const housing[] = {"owned", "rented", "public", "vacant", "other"};
	size_t h = demo_rnd_weighted(r, housing_w, 5);
	*in = (household_input){.address = b->address,
				.head_name = b->head,
				.id_number = b->idn,
				.phone = demo_rnd_chance(r, 0.9) ? b->phone : NULL,
				.housing = housing[h],
				.members = h == 3 ? 0 : demo_rnd_int(r, 1, 5)};
	static const double p_urban[HOUSEHOLD_TAGS] = {0.06, 0.03, 0.04, 0.01, 0.03, 0.01};
	static const double p_village[HOUSEHOLD_TAGS] = {0.09, 0.04, 0.07, 0.06, 0.03, 0.01};
	for (int t = 0; t < HOUSEHOLD_TAGS; t++)
		if (demo_rnd_chance(r, g->village ? p_village[t] : p_urban[t]))
			in->tags |= 1u << t;
	if (in->tags & 1u)
		in->members = 1;
}

static int households_tx(store_conn *c, grid_ctx *x, err *e)
{
	for (int i = 0; i < NGRIDS; i++) {
		const struct demo_grid *g = &grids[i];
		uint64_t r = demo_rnd_seed(0x6772696400ULL + (uint64_t)i);
		size_t n = (size_t)demo_rnd_int(&r, g->village ? 140 : 220, g->village ? 200 : 300);
		household_buf *bufs = xcalloc(n, sizeof *bufs);
		household_input *rows = xcalloc(n, sizeof *rows);
		for (size_t k = 0; k < n; k++)
			household_make(g, k, &r, &bufs[k], &rows[k]);
		int rc = household_import(c, &x->as[i], x->grid_id[i], rows, n, e);
		free(rows);
		free(bufs);
		if (rc < 0)
			return -1;
		for (int p = 0; p < 3; p++) {
			size_t k = (size_t)demo_rnd_int(&r, 0, 7);
			char name[96], phone[16];
			snprintf(name, sizeof name, "%s%s", g->street, place_kinds[k][0]);
			snprintf(phone, sizeof phone, "0418%07d",
				 (int)demo_rnd_int(&r, 0, 9999999));
			if (store_exec(c, e,
				       "INSERT INTO grid_places (grid_id, name, kind, address, "
				       "contact,"
				       " phone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				       "isssssi", x->grid_id[i], name, place_kinds[k][1], g->street,
				       surnames[k], phone, x->now) < 0)
				return -1;
		}
	}
	return 0;
}

/* A year of patrols: most days one by day, now and then one at night. */
static int patrols_tx(store_conn *c, grid_ctx *x, err *e)
{
	enum { HOUR = 3600 * 1000, DAY = 24 * HOUR };
	int64_t today = grid_week_start(x->now);
	while (today + DAY <= x->now)
		today += DAY;
	for (int i = 0; i < NGRIDS; i++) {
		uint64_t r = demo_rnd_seed(0x70617472ULL + (uint64_t)i);
		for (int d = 365; d >= 1; d--) {
			if (grids[i].idle && d <= 12)
				break;
			if (!demo_rnd_chance(&r, grids[i].village ? 0.5 : 0.65))
				continue;
			bool night = demo_rnd_chance(&r, 0.12);
			patrol_input in = {.grid_id = x->grid_id[i]};
			in.started_at = today - (int64_t)d * DAY +
					(night ? demo_rnd_int(&r, 21 * 60, 23 * 60)
					       : demo_rnd_int(&r, 8 * 60, 17 * 60)) *
						60000;
			in.ended_at = in.started_at + demo_rnd_int(&r, 30, 150) * 60000;
			in.notes = night ? "夜间巡查，重点查看门店和路灯" : "日常巡查";
			int64_t id;
			if (in.ended_at > x->now)
				continue;
			if (patrol_create(c, &x->as[i], &in, x->now, &id, e) < 0)
				return -1;
		}
	}
	return 0;
}

int demo_grid_setup(store_conn *c, const int64_t *unit_ids, const char *password_hash, err *e)
{
	grid_ctx x = {.unit_ids = unit_ids, .hash = password_hash, .now = clock_now_ms()};
	return members_tx(c, &x, e) < 0 || households_tx(c, &x, e) < 0 ? -1 : 0;
}

static int patrols_build_tx(store_conn *c, void *p, err *e)
{
	grid_ctx *x = p;
	return members_load(c, x, e) < 0 || patrols_tx(c, x, e) < 0 ? -1 : 0;
}

int demo_grid_patrols(store *s, const int64_t *unit_ids, const char *password_hash, err *e)
{
	grid_ctx x = {.unit_ids = unit_ids, .hash = password_hash, .now = clock_now_ms()};
	return store_write(s, patrols_build_tx, &x, e);
}
