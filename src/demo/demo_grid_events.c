/*
 * A year of grid events for the demo (docs/grid.md "Demo").
 *
 * A plan first: for every day of the last year, about one or two events in the grids of
 * 站前街道 and 韩家店镇 that have a member, each with a class, a text and a story: resolved
 * on the spot and verified by the station; filed and dispatched to a department, replied
 * and verified, some sent back as rework first, some escalated to the township before the
 * dispatch, some late; a few marked invalid or turned into appeals. Then the steps of all
 * events run in time order, each with the clock set to its time, among the appeals' and
 * disputes' events inside their transactions (demo_beside). Steps after now do not happen:
 * the last days' events stay open, green, yellow or red.
 */
#include "demo/demo_grid_events.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/photo.h"
#include "engine/calendar.h"
#include "demo/demo_data.h"
#include "demo/demo_rand.h"
#include "grid/event.h"
#include "org/audit.h"
#include "org/auth.h"
#include "org/user.h"

enum {
	MINUTE = 60000,
	HOUR = 60 * MINUTE,
	DAY = 24 * HOUR,
	DAYS = 365,
	EVENTS_PER_DAY_X10 = 13,
	MAX_GRIDS = 32,
	MAX_ACTORS = 64,
	IMAGES = 4,
};

/* ---- what members find ---- */

static const struct finding {
	const char *code, *text, *reply;
	bool on_spot_ok;  /* a member can deal with it alone */
	const char *unit; /* the department it goes to (demo_units key) */
} findings[] = {
	{"E0101", "小区出入口垃圾堆放，无人清运，有异味。", "已安排环卫车辆清运，现场已清理干净。",
	 true, "chengguan"},
	{"E0102", "路边堆放建筑渣土约两立方米，影响通行。", "已责令施工方清运渣土并覆盖。", false,
	 "chengguan"},
	{"E0103", "人行道油污面积较大，行人易滑倒。", "已组织冲洗路面。", true, "chengguan"},
	{"E0201", "居民楼道及电线杆张贴大量小广告。", "已清除小广告并加强巡查。", true,
	 "chengguan"},
	{"E0202", "商户门头广告牌松动，有坠落隐患。", "已督促商户加固广告牌。", false, "chengguan"},
	{"E0301", "工地夜间施工噪音扰民，居民反映强烈。", "已责令施工单位停止夜间施工。", false,
	 "zhujian"},
	{"E0302", "工地废弃材料堆放在道路一侧。", "施工单位已清运废弃材料。", false, "zhujian"},
	{"E0401", "路面出现塌陷坑，约半米见方。", "已设置围挡并完成修补。", false, "zhujian"},
	{"E0402", "自来水管破裂，路面积水。", "已关阀抢修，恢复供水。", false, "shuiwu"},
	{"E0501", "流动摊贩在路口摆摊经营。", "已劝离流动摊贩。", true, "chengguan"},
	{"E0502", "商户占道经营，堆放货物。", "已督促商户将货物收回店内。", true, "chengguan"},
	{"E0503", "机动车停放在消防通道上。", "已联系车主挪车并张贴提示。", true, "gongan"},
	{"C0101", "井盖破损，有行人跌落风险。", "已更换井盖。", false, "zhujian"},
	{"C0102", "消防栓漏水，周边结冰。", "已维修消防栓。", false, "shuiwu"},
	{"C0103", "路灯不亮，夜间道路昏暗。", "已更换路灯灯具。", false, "gongdian"},
	{"C0201", "公交站亭玻璃破碎。", "已更换站亭玻璃。", false, "jiaotong"},
	{"C0301", "垃圾箱破损，垃圾外溢。", "已更换垃圾箱。", false, "chengguan"},
};
enum { NFIND = sizeof findings / sizeof findings[0] };

static const char *const places[] = {"新华路", "解放大街",     "站前路",       "中华路",
				     "红旗街", "东瓦房村一组", "东瓦房村三组", "韩家店村委会前",
				     "北二路", "民主街"};
static const char *const staff_names[] = {"赵淑兰", "钱永刚", "孙红艳", "周立民", "吴桂珍",
					  "郑国庆", "冯玉梅", "陈志强", "褚秀英", "卫建华"};

/* ---- the plan ---- */

enum step_kind {
	S_REPORT,
	S_FILE,
	S_SPOT,
	S_DISPATCH,
	S_ESCALATE,
	S_REPLY,
	S_VERIFY_OK,
	S_VERIFY_FAIL,
	S_INVALID,
	S_CONVERT
};

typedef struct step {
	int64_t at;
	int ev;
	int kind;
} step;

typedef struct gevent {
	int grid, finding, place;
	bool photo;
	int64_t id;
	int post;    /* the actor holding it as command post */
	int handler; /* the actor of the unit it is dispatched to */
} gevent;

typedef struct grid_ref {
	int64_t id, post_id, township_id;
	int member; /* actors */
	int post, township;
} grid_ref;

struct demo_grid {
	demo_beside inner, self;
	const int64_t *unit_ids;
	int64_t start, end;
	step *steps;
	size_t nsteps, next, committed;
	gevent *events;
	size_t nevents;
	bool ready, ready_committed;
	/* set up in the first transaction */
	grid_ref grids[MAX_GRIDS];
	int ngrids;
	actor actors[MAX_ACTORS];
	int nactors;
	char *images[IMAGES]; /* paths under data_dir/grid */
	const char *image_types[IMAGES];
	int64_t image_sizes[IMAGES];
};

static char *data_dir;

void demo_grid_events_data_dir(const char *dir)
{
	free(data_dir);
	data_dir = dir ? xstrdup(dir) : NULL;
}

static int unit_index(const char *key)
{
	for (size_t i = 0; i < demo_units_count; i++)
		if (!strcmp(demo_units[i].key, key))
			return (int)i;
	return -1;
}

static int cmp_step(const void *a, const void *b)
{
	const step *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->ev != y->ev ? (x->ev < y->ev ? -1 : 1) : (x->kind < y->kind ? -1 : 1);
}

/* An event of the last days may stall after a few steps (work still in hand): stall_after
 * steps of it happen, the rest not; -1: none stalls. */
static int stall_after = -1, stall_seen;

static void add_step(demo_grid *g, size_t *cap, int64_t at, int ev, int kind)
{
	if (at >= g->end || (stall_after >= 0 && stall_seen++ >= stall_after))
		return;
	if (g->nsteps == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		g->steps = xrealloc(g->steps, *cap * sizeof *g->steps);
	}
	g->steps[g->nsteps++] = (step){at, ev, kind};
}

/* A working-hours time of day d: 8:30 to 17:00 China Standard Time. */
static int64_t day_time(int64_t day0, uint64_t *r)
{
	return day0 + 8 * HOUR + 30 * MINUTE + demo_rnd_int(r, 0, 510) * MINUTE;
}

/* One event's story from its report at t. */
static void plan_event(demo_grid *g, size_t *cap, int ev, int64_t t, uint64_t *r, bool photos)
{
	const struct finding *f = &findings[g->events[ev].finding];
	add_step(g, cap, t, ev, S_REPORT);
	double x = demo_rnd_unit(r);
	if (photos && f->on_spot_ok && x < 0.45) {
		int64_t spot = t + demo_rnd_int(r, 10, 50) * MINUTE;
		add_step(g, cap, spot, ev, S_SPOT);
		add_step(g, cap, spot + demo_rnd_int(r, 1, 20) * HOUR, ev, S_VERIFY_OK);
		return;
	}
	int64_t filed = t + demo_rnd_int(r, 5, 90) * MINUTE;
	add_step(g, cap, filed, ev, S_FILE);
	if (x > 0.95) {
		add_step(g, cap, filed + demo_rnd_int(r, 1, 4) * HOUR, ev, S_INVALID);
		return;
	}
	if (x > 0.92) {
		add_step(g, cap, filed + demo_rnd_int(r, 1, 5) * HOUR, ev, S_CONVERT);
		return;
	}
	int64_t at = filed + demo_rnd_int(r, 20, 300) * MINUTE;
	if (demo_rnd_chance(r, 0.1)) {
		add_step(g, cap, at, ev, S_ESCALATE);
		at += demo_rnd_int(r, 1, 6) * HOUR;
	}
	add_step(g, cap, at, ev, S_DISPATCH);
	/* Most replies come in a day or two; some are late. */
	at += demo_rnd_int(r, 3, demo_rnd_chance(r, 0.2) ? 120 : 40) * HOUR;
	add_step(g, cap, at, ev, S_REPLY);
	at += demo_rnd_int(r, 1, 20) * HOUR;
	if (demo_rnd_chance(r, 0.12)) {
		add_step(g, cap, at, ev, S_VERIFY_FAIL);
		at += demo_rnd_int(r, 4, 48) * HOUR;
		add_step(g, cap, at, ev, S_REPLY);
		at += demo_rnd_int(r, 1, 20) * HOUR;
	}
	add_step(g, cap, at, ev, S_VERIFY_OK);
}

/* The grids with a member, read before the plan (the setup loads the actors later). */
static int count_grids(store *s, const int64_t *ids, int64_t *grid_ids, int *n, err *e)
{
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	*n = 0;
	const char *towns[] = {"zhanqian", "hanjiadian"};
	for (int k = 0; k < 2; k++) {
		int i = unit_index(towns[k]);
		if (i < 0)
			continue;
		char path[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
		int64_t tid = ids[i];
		store_stmt *st;
		int rc =
			store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", tid);
		if (rc <= 0)
			return rc;
		snprintf(path, sizeof path, "%s", store_col_text(st, 0));
		store_done(st);
		scope_upper(path, hi, sizeof hi);
		st = store_prepare(
			c,
			"SELECT DISTINCT g.id FROM units g JOIN users u ON u.unit_id = g.id"
			" JOIN user_roles r ON r.user_id = u.id AND r.role = 'grid_member'"
			" WHERE g.kind = 'grid' AND u.disabled = 0 AND g.path >= ?"
			" AND g.path < ? ORDER BY g.id",
			e);
		if (!st)
			return -1;
		store_bindf(st, "ss", path, hi);
		while ((rc = store_step(st, e)) == 1 && *n < MAX_GRIDS)
			grid_ids[(*n)++] = store_col_int(st, 0);
		store_done(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- the actors ---- */

static int actor_of(store_conn *c, int64_t user_id, actor *out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT u.username, u.unit_id FROM users u WHERE u.id = ?", "i",
				 user_id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "demo_grid", NULL, "演示用户不存在") : -1;
	memset(out, 0, sizeof *out);
	out->user_id = user_id;
	snprintf(out->username, sizeof out->username, "%s", store_col_text(st, 0));
	out->unit_id = store_col_int(st, 1);
	store_done(st);
	snprintf(out->ip, sizeof out->ip, "10.21.%d.%d", (int)(out->unit_id % 200),
		 (int)(user_id % 200) + 10);
	st = store_prepare(c, "SELECT role FROM user_roles WHERE user_id = ?", e);
	if (!st)
		return -1;
	store_bind_int(st, 1, user_id);
	while ((rc = store_step(st, e)) == 1)
		out->roles |= role_parse(store_col_text(st, 0));
	store_done(st);
	if (rc < 0)
		return -1;
	return auth_area(c, out->unit_id, out->roles, out->unit_path, sizeof out->unit_path, e);
}

/* The actor index of a user of unit with role (made when the unit has none). */
static int staff_of(store_conn *c, demo_grid *g, int64_t unit, const char *role, int *out, err *e)
{
	int64_t uid;
	if (store_query_int(c, &uid, 0, e,
			    "SELECT MIN(u.id) FROM users u JOIN user_roles r ON r.user_id = u.id"
			    " WHERE u.unit_id = ? AND r.role = ? AND u.disabled = 0",
			    "is", unit, role) < 0)
		return -1;
	for (int i = 0; uid && i < g->nactors; i++)
		if (g->actors[i].user_id == uid)
			return *out = i, 0;
	if (!uid) {
		/* A station or unit without a login of its own gets one: wg<unit id>. */
		char username[32], hash[256];
		snprintf(username, sizeof username, "wg%lld", (long long)unit);
		store_stmt *st;
		int rc = store_query_row(
			c, &st, e, "SELECT password_hash FROM users WHERE username = 'xinhua'",
			NULL);
		if (rc <= 0)
			return rc == 0 ? err_set(e, ERR_INTERNAL, "demo_grid", NULL, "缺少演示用户")
				       : -1;
		snprintf(hash, sizeof hash, "%s", store_col_text(st, 0));
		store_done(st);
		actor sys;
		actor_system(&sys, "demo");
		user_input in = {.username = username,
				 .display_name = staff_names[unit % 10],
				 .password_hash = hash,
				 .unit_id = unit,
				 .roles = role_parse(role)};
		if (user_create(c, &sys, &in, &uid, e) < 0)
			return -1;
	}
	if (g->nactors == MAX_ACTORS)
		return err_set(e, ERR_INTERNAL, "demo_grid", NULL, "演示用户过多");
	if (actor_of(c, uid, &g->actors[g->nactors], e) < 0)
		return -1;
	*out = g->nactors++;
	return 0;
}

/* ---- images ---- */

static uint32_t crc32_of(const unsigned char *p, size_t n, uint32_t c)
{
	c = ~c;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static void chunk(strbuf *sb, const char *type, const unsigned char *data, size_t n)
{
	unsigned char h[8];
	be32(h, (uint32_t)n);
	memcpy(h + 4, type, 4);
	strbuf_add(sb, (const char *)h, 8);
	strbuf_add(sb, (const char *)data, n);
	uint32_t c = crc32_of(h + 4, 4, 0);
	c = crc32_of(data, n, c);
	be32(h, c);
	strbuf_add(sb, (const char *)h, 4);
}

/* A small PNG (W×H RGB, stored deflate): a sky, a street and a coloured heap (before) or a
 * clean street (after), in variant's colours. */
static void make_png(int variant, strbuf *out)
{
	enum { W = 96, H = 72 };
	size_t row = 1 + 3 * W, raw_n = row * H;
	unsigned char *raw = xmalloc(raw_n);
	static const unsigned char heaps[IMAGES][3] = {
		{120, 90, 50}, {70, 110, 60}, {150, 60, 40}, {90, 90, 110}};
	for (int y = 0; y < H; y++) {
		unsigned char *p = raw + (size_t)y * row;
		*p++ = 0;
		for (int x = 0; x < W; x++, p += 3) {
			unsigned char r = 170, gg = 200, b = 230; /* sky */
			if (y > H / 2)
				r = gg = b = (unsigned char)(110 + (x + y) % 7); /* street */
			int dx = x - W / 2, dy = y - (H * 3) / 4;
			bool heap = variant % 2 == 0 && dx * dx * 2 + dy * dy * 9 < 600;
			if (heap)
				r = heaps[variant][0], gg = heaps[variant][1],
				b = heaps[variant][2];
			p[0] = r, p[1] = gg, p[2] = b;
		}
	}
	/* zlib: a header, stored blocks of at most 65535 bytes, the Adler-32. */
	strbuf z = STRBUF_INIT;
	strbuf_add(&z, "\x78\x01", 2);
	uint32_t a = 1, bsum = 0;
	for (size_t i = 0; i < raw_n; i++) {
		a = (a + raw[i]) % 65521;
		bsum = (bsum + a) % 65521;
	}
	for (size_t off = 0; off < raw_n;) {
		size_t n = raw_n - off > 65535 ? 65535 : raw_n - off;
		unsigned char h[5] = {off + n == raw_n ? 1 : 0, (unsigned char)n,
				      (unsigned char)(n >> 8), (unsigned char)~n,
				      (unsigned char)(~n >> 8)};
		strbuf_add(&z, (const char *)h, 5);
		strbuf_add(&z, (const char *)raw + off, n);
		off += n;
	}
	unsigned char ad[4];
	be32(ad, (bsum << 16) | a);
	strbuf_add(&z, (const char *)ad, 4);
	free(raw);
	strbuf_add(out, "\x89PNG\r\n\x1a\n", 8);
	unsigned char ihdr[13];
	be32(ihdr, W);
	be32(ihdr + 4, H);
	ihdr[8] = 8, ihdr[9] = 2, ihdr[10] = ihdr[11] = ihdr[12] = 0;
	chunk(out, "IHDR", ihdr, 13);
	chunk(out, "IDAT", (const unsigned char *)strbuf_str(&z), z.len);
	chunk(out, "IEND", NULL, 0);
	strbuf_release(&z);
}

static int write_images(demo_grid *g, err *e)
{
	for (int i = 0; data_dir && i < IMAGES; i++) {
		free(g->images[i]); /* written again when the store retried the transaction */
		g->images[i] = NULL;
		strbuf png = STRBUF_INIT;
		make_png(i, &png);
		int rc = photo_save(data_dir, "grid", (const unsigned char *)strbuf_str(&png),
				    png.len, PHOTO_BYTES_MAX, &g->images[i], &g->image_types[i], e);
		g->image_sizes[i] = (int64_t)png.len;
		strbuf_release(&png);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A photo row of one of the generated images, as an upload would make it. */
static int add_photo(store_conn *c, demo_grid *g, const actor *who, int64_t id, const char *kind,
		     int image, err *e)
{
	if (!g->images[image])
		return 0;
	if (store_exec(c, e,
		       "INSERT INTO grid_event_photos (case_id, kind, file, content_type, size,"
		       " uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       "isssiii", id, kind, g->images[image], g->image_types[image],
		       g->image_sizes[image], who->user_id, clock_now_ms()) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s}", "kind", kind, "content_type", g->image_types[image]);
	int rc = audit_append(c, who, "grid_event_photo", "grid_event", id, d, e);
	json_decref(d);
	return rc;
}

/* ---- the run ---- */

static int setup(store_conn *c, demo_grid *g, err *e)
{
	g->nactors = 0;
	for (int i = 0; i < g->ngrids; i++) {
		grid_ref *r = &g->grids[i];
		store_stmt *st;
		int rc = store_query_row(c, &st, e,
					 "SELECT g.parent_id, p.parent_id FROM units g JOIN units p"
					 " ON p.id = g.parent_id WHERE g.id = ?",
					 "i", r->id);
		if (rc <= 0)
			return rc == 0 ? err_set(e, ERR_INTERNAL, "demo_grid", NULL, "网格不存在")
				       : -1;
		r->post_id = store_col_int(st, 0);
		r->township_id = store_col_int(st, 1);
		store_done(st);
		if (staff_of(c, g, r->id, "grid_member", &r->member, e) < 0 ||
		    staff_of(c, g, r->post_id, "unit_staff", &r->post, e) < 0 ||
		    staff_of(c, g, r->township_id, "unit_staff", &r->township, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < g->nevents; i++) {
		int u = unit_index(findings[g->events[i].finding].unit);
		if (u < 0 ||
		    staff_of(c, g, g->unit_ids[u], "unit_staff", &g->events[i].handler, e) < 0)
			return -1;
	}
	return 0;
}

static int act(store_conn *c, demo_grid *g, int who, gevent *ev, json_t *body, err *e)
{
	const char *action = json_string_value(json_object_get(body, "action"));
	int rc = grid_event_act(c, &g->actors[who], ev->id, action, body, e);
	json_decref(body);
	return rc;
}

static int run_step(store_conn *c, demo_grid *g, const step *s, err *e)
{
	gevent *ev = &g->events[s->ev];
	const struct finding *f = &findings[ev->finding];
	grid_ref *gr = &g->grids[ev->grid];
	const actor *member = &g->actors[gr->member];
	clock_override(s->at);
	switch (s->kind) {
	case S_REPORT: {
		char addr[64];
		snprintf(addr, sizeof addr, "%s%d号", places[ev->place], 1 + s->ev % 97);
		grid_event_input in = {
			.category = f->code, .description = f->text, .address = addr};
		if (grid_event_report(c, member, &in, &ev->id, e) < 0)
			return -1;
		ev->post = gr->post;
		return ev->photo ? add_photo(c, g, member, ev->id, "before", (s->ev % 2) * 2, e)
				 : 0;
	}
	case S_FILE: return act(c, g, gr->member, ev, json_pack("{s:s}", "action", "file"), e);
	case S_SPOT:
		if (add_photo(c, g, member, ev->id, "after", 1 + (s->ev % 2) * 2, e) < 0)
			return -1;
		return act(c, g, gr->member, ev,
			   json_pack("{s:s, s:s}", "action", "resolve_on_spot", "note", f->reply),
			   e);
	case S_ESCALATE: {
		int post = ev->post;
		ev->post = gr->township;
		return act(c, g, post, ev,
			   json_pack("{s:s, s:s}", "action", "escalate", "reason",
				     "涉及多个部门，社区协调不了，请街道（乡镇）指挥所派遣"),
			   e);
	}
	case S_DISPATCH:
		return act(c, g, ev->post, ev,
			   json_pack("{s:s, s:I}", "action", "dispatch", "unit_id",
				     (json_int_t)g->actors[ev->handler].unit_id),
			   e);
	case S_REPLY:
		return act(c, g, ev->handler, ev,
			   json_pack("{s:s, s:s}", "action", "reply", "content", f->reply), e);
	case S_VERIFY_OK:
		return act(c, g, ev->post, ev,
			   json_pack("{s:s, s:b}", "action", "verify", "passed", 1), e);
	case S_VERIFY_FAIL:
		return act(c, g, ev->post, ev,
			   json_pack("{s:s, s:b, s:s}", "action", "verify", "passed", 0, "reason",
				     "现场核查仍未处置到位，请返工"),
			   e);
	case S_INVALID:
		return act(c, g, ev->post, ev,
			   json_pack("{s:s, s:s}", "action", "invalidate", "reason",
				     "重复上报，已有同一事件在办"),
			   e);
	default:
		return act(c, g, ev->post, ev,
			   json_pack("{s:s, s:s, s:s}", "action", "convert", "to", "appeal", "type",
				     "complaint"),
			   e);
	}
}

static int until(store_conn *c, int64_t t, void *ctx, err *e)
{
	demo_grid *g = ctx;
	int rc = 0;
	while (rc == 0 && g->next < g->nsteps && g->steps[g->next].at < t) {
		const step *s = &g->steps[g->next];
		if (g->inner.until && g->inner.until(c, s->at, g->inner.ctx, e) < 0)
			return -1;
		if (!g->ready) {
			clock_override(s->at - MINUTE);
			if (setup(c, g, e) < 0 || write_images(g, e) < 0)
				return -1;
			g->ready = true;
		}
		rc = run_step(c, g, s, e);
		g->next++;
	}
	if (rc < 0)
		return -1;
	return g->inner.until ? g->inner.until(c, t, g->inner.ctx, e) : 0;
}

static void begin(void *ctx)
{
	demo_grid *g = ctx;
	if (g->inner.begin)
		g->inner.begin(g->inner.ctx);
	g->next = g->committed;
	g->ready = g->ready_committed;
}

static void commit(void *ctx)
{
	demo_grid *g = ctx;
	if (g->inner.commit)
		g->inner.commit(g->inner.ctx);
	g->committed = g->next;
	g->ready_committed = g->ready;
}

int demo_grid_events_open(store *s, const int64_t *unit_ids, int64_t end, demo_beside *beside,
			  demo_grid **out, err *e)
{
	*out = NULL;
	const char *env = getenv("YIWANG_DEMO_GRID");
	if (env && !strcmp(env, "0"))
		return 0;
	int64_t grid_ids[MAX_GRIDS];
	int ngrids;
	if (count_grids(s, unit_ids, grid_ids, &ngrids, e) < 0)
		return -1;
	if (!ngrids)
		return 0;
	demo_grid *g = xcalloc(1, sizeof *g);
	g->unit_ids = unit_ids;
	g->end = end;
	g->start = end - (int64_t)DAYS * DAY;
	g->ngrids = ngrids;
	for (int i = 0; i < ngrids; i++)
		g->grids[i].id = grid_ids[i];
	uint64_t r = demo_rnd_seed(0x67726964);
	size_t cap = 0, evcap = 0;
	/* Local midnight of the first day (China Standard Time). */
	int64_t day0 = g->start - ((g->start + 8 * HOUR) % DAY);
	for (int d = 0; d <= DAYS; d++) {
		int64_t today = day0 + (int64_t)d * DAY;
		int n = (int)demo_rnd_int(&r, 0, 2 * EVENTS_PER_DAY_X10) / 10;
		for (int k = 0; k < n; k++) {
			if (g->nevents == evcap) {
				evcap = evcap ? evcap * 2 : 256;
				g->events = xrealloc(g->events, evcap * sizeof *g->events);
			}
			int ev = (int)g->nevents++;
			/* The grids with the contract's members see the most. */
			g->events[ev] = (gevent){.grid = (int)demo_rnd_int(&r, 0, ngrids - 1),
						 .finding = (int)demo_rnd_int(&r, 0, NFIND - 1),
						 .place = (int)demo_rnd_int(&r, 0, 9),
						 .photo = data_dir && demo_rnd_chance(&r, 0.6)};
			/* Of the last three weeks, most events are still open. */
			bool recent = d >= DAYS - 21 && demo_rnd_chance(&r, 0.85);
			stall_after = recent ? (int)demo_rnd_int(&r, 1, 4) : -1;
			stall_seen = 0;
			plan_event(g, &cap, ev, day_time(today, &r), &r, data_dir != NULL);
			stall_after = -1;
		}
	}
	/* Three events dispatched lately, one of each light: their handle step has used 30%,
	 * 85% and 140% of its two working days by now. */
	calendar *cal = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	static const int64_t used[] = {324, 918, 1512};
	for (int k = 0; k < 3; k++) {
		int64_t t = end;
		while (t > end - 30LL * DAY && calendar_elapsed(cal, t, end, true) < used[k])
			t -= 10 * MINUTE;
		if (g->nevents == evcap) {
			evcap = evcap ? evcap * 2 : 256;
			g->events = xrealloc(g->events, evcap * sizeof *g->events);
		}
		int ev = (int)g->nevents++;
		g->events[ev] = (gevent){.grid = k % ngrids, .finding = 12 + k, .place = k};
		add_step(g, &cap, t - 90 * MINUTE, ev, S_REPORT);
		add_step(g, &cap, t - 60 * MINUTE, ev, S_FILE);
		add_step(g, &cap, t, ev, S_DISPATCH);
	}
	calendar_free(cal);
	qsort(g->steps, g->nsteps, sizeof *g->steps, cmp_step);
	g->inner = *beside;
	*beside = (demo_beside){.until = until, .begin = begin, .commit = commit, .ctx = g};
	*out = g;
	return 0;
}

void demo_grid_events_close(demo_grid *g)
{
	if (!g)
		return;
	for (int i = 0; i < IMAGES; i++)
		free(g->images[i]);
	free(g->steps);
	free(g->events);
	free(g);
}
