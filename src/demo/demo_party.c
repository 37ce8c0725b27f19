/* The demo's 智慧党建 (demo_party.h): the tree org by org, then members, activities, wishes
 * and tasks in multi-row inserts, and attendance, steps, dues and points by set-based SQL
 * over them — one transaction, a few hundred statements on either database. */
#include "demo/demo_party.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "demo/demo_data.h"
#include "demo/demo_rand.h"
#include "org/actor.h"
#include "org/audit.h"
#include "party/party.h"

enum { MAX_BRANCHES = 400, DAY = 86400000 };

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
	"林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
	"程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
	"丁", "魏", "薛", "叶", "阎", "白", "包", "宝", "那", "关", "佟", "富", "鲍"};
static const char *const given[] = {
	"建国", "秀英", "桂兰", "玉梅", "志强", "海燕", "国华", "春生", "丽娟", "德胜", "淑珍",
	"永刚", "红梅", "文革", "立新", "晓东", "凤霞", "振华", "金山", "宝林", "明",	"伟",
	"芳",	"静",	"磊",	"洋",	"勇",	"艳",	"杰",	"涛",	"军",	"敏",	"鑫",
	"丹",	"博",	"宁",	"亮",	"欣",	"瑞",	"浩",	"晶",	"斌",	"辉",	"雪"};
static const char *const wish_titles[] = {
	"独居老人希望有人帮忙修理漏水的水龙头", "留守儿童想要一套课外读物",
	"腿脚不便的老人需要代购一周的米面",	"困难户希望冬季前更换破损的窗户塑料布",
	"孤寡老人想请人陪同去镇卫生院体检",	"低保户孩子想要一个新书包",
	"老党员想请人读报并讲讲新政策",		"残疾人家庭需要帮忙清理院内积雪",
	"空巢老人希望有人帮忙挂年画贴春联",	"困难学生希望得到一台旧电脑学习用"};
static const char *const task_titles[] = {"清理村屯主干道两侧垃圾",   "冬季防火安全入户宣传",
					  "协助开展医保缴费动员",     "楼道小广告集中清理",
					  "防范电信诈骗宣传进小区",   "协助网格员入户走访独居老人",
					  "雪后清扫人行道和公交站台", "文明祭扫宣传值守"};

typedef struct branch {
	int64_t id, unit_id, groups[2];
	int ngroups;
	int members;
	double lax; /* the share of meetings it skips */
	bool village;
} branch;

typedef struct party_demo {
	store_conn *c;
	const int64_t *ids;
	int64_t now;
	uint64_t rnd;
	branch br[MAX_BRANCHES];
	int nbr;
	int64_t village_units[64];
	int nvillages;
	int64_t members;
} party_demo;

static int64_t unit_of(const int64_t *ids, const char *key)
{
	for (size_t i = 0; i < demo_units_count; i++)
		if (strcmp(demo_units[i].key, key) == 0)
			return ids[i];
	return 0;
}

static int org_add(party_demo *d, const char *name, const char *kind, int64_t parent, int64_t unit,
		   int64_t secretary, const char *secretary_name, int64_t *id, err *e)
{
	int64_t start = d->now - demo_rnd_int(&d->rnd, 30, 5 * 365 - 10) * (int64_t)DAY;
	int64_t end = start + 5LL * 365 * DAY; /* 任期五年 */
	if (store_query_int(d->c, id, 0, e,
			    "INSERT INTO party_orgs (name, kind, parent_id, unit_id,"
			    " secretary_user_id, secretary_name, committee, term_start, term_end,"
			    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    "ssninssiii", name, kind, parent, unit, secretary, secretary_name,
			    "[\"组织委员\",\"宣传委员\",\"纪检委员\"]", start, end, d->now) < 0)
		return -1;
	return store_exec(d->c, e,
			  "UPDATE party_orgs SET path = COALESCE((SELECT p.path FROM party_orgs p"
			  " WHERE p.id = party_orgs.parent_id), '/') || CAST(id AS TEXT) || '/',"
			  " branch_id = CASE WHEN kind = 'group' THEN parent_id ELSE id END"
			  " WHERE id = ?",
			  "i", *id) < 0
		       ? -1
		       : 0;
}

static void person_name(party_demo *d, char *out, size_t n)
{
	snprintf(out, n, "%s%s", surnames[demo_rnd_int(&d->rnd, 0, 57)],
		 given[demo_rnd_int(&d->rnd, 0, 43)]);
}

/* The tree: 中共阜新市委 → county committees → township committees (each with an organ
 * branch) → a branch for every village and community, with two groups. */
static int build_tree(party_demo *d, int64_t dwf_branch_user, err *e)
{
	int64_t city;
	if (org_add(d, "中共阜新市委员会", "committee", 0, unit_of(d->ids, "fuxin"), 0, "宋志远",
		    &city, e) < 0)
		return -1;
	int64_t county_org[16] = {0}, county_unit[16] = {0};
	int ncounty = 0;
	for (size_t i = 0; i < demo_units_count; i++) {
		const struct demo_unit *u = &demo_units[i];
		char name[200], sec[40];
		if (strcmp(u->kind, "county") == 0 && ncounty < 16) {
			snprintf(name, sizeof name, "中共%s委员会", u->name);
			person_name(d, sec, sizeof sec);
			county_unit[ncounty] = d->ids[i];
			if (org_add(d, name, "committee", city, d->ids[i], 0, sec,
				    &county_org[ncounty], e) < 0)
				return -1;
			ncounty++;
		}
	}
	/* Townships under their county's committee, villages under their township's. */
	int64_t town_org[128] = {0}, town_unit[128] = {0};
	int ntown = 0;
	for (size_t i = 0; i < demo_units_count; i++) {
		const struct demo_unit *u = &demo_units[i];
		if (strcmp(u->kind, "township") != 0 || ntown >= 128)
			continue;
		int64_t parent_unit = unit_of(d->ids, u->parent_key), parent = 0;
		for (int k = 0; k < ncounty; k++)
			if (county_unit[k] == parent_unit)
				parent = county_org[k];
		if (!parent)
			continue;
		char name[200], sec[40];
		bool street = strstr(u->name, "街道") != NULL;
		snprintf(name, sizeof name, "中共%s%s", u->name, street ? "工作委员会" : "委员会");
		person_name(d, sec, sizeof sec);
		town_unit[ntown] = d->ids[i];
		if (org_add(d, name, "committee", parent, d->ids[i], 0, sec, &town_org[ntown], e) <
		    0)
			return -1;
		branch *b = &d->br[d->nbr++];
		memset(b, 0, sizeof *b);
		snprintf(name, sizeof name, "中共%s机关支部委员会", u->name);
		person_name(d, sec, sizeof sec);
		if (org_add(d, name, "branch", town_org[ntown], d->ids[i], 0, sec, &b->id, e) < 0)
			return -1;
		b->unit_id = d->ids[i];
		b->members = (int)demo_rnd_int(&d->rnd, 7, 12);
		b->lax = demo_rnd_unit(&d->rnd) < 0.2 ? 0.35 : 0.04;
		ntown++;
	}
	for (size_t i = 0; i < demo_units_count && d->nbr < MAX_BRANCHES; i++) {
		const struct demo_unit *u = &demo_units[i];
		if (strcmp(u->kind, "village") != 0 && strcmp(u->kind, "community") != 0)
			continue;
		int64_t parent_unit = unit_of(d->ids, u->parent_key), parent = 0;
		for (int k = 0; k < ntown; k++)
			if (town_unit[k] == parent_unit)
				parent = town_org[k];
		if (!parent)
			continue;
		bool dwf = strcmp(u->key, "dongwafang") == 0;
		char name[200], sec[40];
		snprintf(name, sizeof name, "中共%s支部委员会", u->name);
		if (dwf)
			snprintf(sec, sizeof sec, "白凤岐");
		else
			person_name(d, sec, sizeof sec);
		branch *b = &d->br[d->nbr++];
		memset(b, 0, sizeof *b);
		if (org_add(d, dwf ? "东瓦房村党支部" : name, "branch", parent, d->ids[i],
			    dwf ? dwf_branch_user : 0, sec, &b->id, e) < 0)
			return -1;
		b->unit_id = d->ids[i];
		b->village = true;
		b->members = (int)demo_rnd_int(&d->rnd, 24, 36);
		b->lax = dwf ? 0.0 : demo_rnd_unit(&d->rnd) < 0.25 ? 0.3 : 0.03;
		if (d->nvillages < 64)
			d->village_units[d->nvillages++] = d->ids[i];
		for (int g = 0; g < 2; g++) {
			snprintf(name, sizeof name, "%s第%s党小组", u->name, g ? "二" : "一");
			person_name(d, sec, sizeof sec);
			if (org_add(d, name, "group", b->id, d->ids[i], 0, sec, &b->groups[g], e) <
			    0)
				return -1;
		}
		b->ngroups = 2;
	}
	return 0;
}

/* Runs what sb holds as one statement and empties it. */
static int flush(party_demo *d, strbuf *sb, err *e)
{
	if (!sb->len)
		return 0;
	int rc = store_exec_script(d->c, sb->buf, e);
	strbuf_reset(sb);
	return rc;
}

static const char *pick_status(party_demo *d)
{
	double x = demo_rnd_unit(&d->rnd);
	return x < 0.80	  ? "full"
	       : x < 0.86 ? "probationary"
	       : x < 0.91 ? "candidate"
	       : x < 0.96 ? "activist"
			  : "applicant";
}

static int build_members(party_demo *d, err *e)
{
	strbuf sb = STRBUF_INIT;
	int rows = 0;
	for (int i = 0; i < d->nbr; i++) {
		branch *b = &d->br[i];
		for (int k = 0; k < b->members; k++) {
			char name[40];
			person_name(d, name, sizeof name);
			const char *status = pick_status(d);
			bool full = strcmp(status, "full") == 0;
			int64_t since = d->now - (full ? demo_rnd_int(&d->rnd, 400, 40 * 365)
						       : demo_rnd_int(&d->rnd, 20, 300)) *
							 (int64_t)DAY;
			int year = (int)demo_rnd_int(&d->rnd, 1945, 2002);
			int month = (int)demo_rnd_int(&d->rnd, 1, 12),
			    day = (int)demo_rnd_int(&d->rnd, 1, 28);
			double s = demo_rnd_unit(&d->rnd);
			const char *state = s < 0.05 ? "mobile" : s < 0.065 ? "lost" : "normal";
			int64_t transfer = 0;
			if (s > 0.985 && d->nbr > 1) {
				state = "transferring";
				transfer = d->br[(i + 1 + demo_rnd_int(&d->rnd, 0, d->nbr - 2)) %
						 d->nbr]
						   .id;
			}
			int64_t org = b->ngroups ? b->groups[k % b->ngroups] : b->id;
			int64_t home = !b->village && d->nvillages
					       ? d->village_units[demo_rnd_int(&d->rnd, 0,
									       d->nvillages - 1)]
					       : 0;
			strbuf_addf(&sb,
				    "%s('%s','%s','%04d-%02d-%02d','2109%02d%04d%02d%02d%03d%d',"
				    "'13%09lld',%lld,'%s',%lld,'%s',%s%lld%s,%s%lld%s,%lld)",
				    rows ? ","
					 : "INSERT INTO party_members (name, gender, birth_date,"
					   " id_number, phone, org_id, status, status_since, state,"
					   " transfer_to_org_id, home_unit_id, created_at) VALUES ",
				    name, demo_rnd_unit(&d->rnd) < 0.55 ? "male" : "female", year,
				    month, day, (int)demo_rnd_int(&d->rnd, 1, 22), year, month, day,
				    (int)demo_rnd_int(&d->rnd, 100, 999),
				    (int)demo_rnd_int(&d->rnd, 0, 9),
				    (long long)demo_rnd_int(&d->rnd, 100000000, 999999999),
				    (long long)org, status, (long long)since, state,
				    transfer ? "" : "NULLIF(", (long long)transfer,
				    transfer ? "" : ",0)", home ? "" : "NULLIF(", (long long)home,
				    home ? "" : ",0)", (long long)d->now);
			d->members++;
			if (++rows == 300) {
				if (flush(d, &sb, e) < 0)
					goto fail;
				rows = 0;
			}
		}
	}
	if (flush(d, &sb, e) < 0)
		goto fail;
	strbuf_release(&sb);
	/* The development chain: one dated step per status reached, 200 days apart. */
	for (int k = 0; party_statuses[k]; k++) {
		char *sql = xasprintf(
			"INSERT INTO party_member_steps (member_id, status, at, note)"
			" SELECT id, '%s', status_since - ((CASE status WHEN 'applicant' THEN 0"
			" WHEN 'activist' THEN 1 WHEN 'candidate' THEN 2 WHEN 'probationary' THEN 3"
			" ELSE 4 END) - %d) * %lld, NULL FROM party_members WHERE (CASE status"
			" WHEN 'applicant' THEN 0 WHEN 'activist' THEN 1 WHEN 'candidate' THEN 2"
			" WHEN 'probationary' THEN 3 ELSE 4 END) >= %d",
			party_statuses[k], k, 200LL * DAY, k);
		int rc = store_exec_script(d->c, sql, e);
		free(sql);
		if (rc < 0)
			return -1;
	}
	return 0;
fail:
	strbuf_release(&sb);
	return -1;
}

static int64_t month_start(int year, int month)
{
	char base[40];
	snprintf(base, sizeof base, "%04d-%02d-01T00:00:00+08:00", year, month);
	int64_t ms = 0;
	clock_parse_iso(base, &ms);
	return ms;
}

static int activity_row(party_demo *d, strbuf *sb, int *rows, int64_t org, const char *kind,
			int64_t at, const char *title, err *e)
{
	if (at > d->now)
		return 0;
	strbuf_addf(sb, "%s(%lld,'%s',%lld,'%s','%s',%lld)",
		    *rows ? ","
			  : "INSERT INTO party_activities (org_id, kind, held_at, title,"
			    " minutes, created_at) VALUES ",
		    (long long)org, kind, (long long)at, title,
		    "会议由支部书记主持，传达学习上级精神，研究部署近期工作，党员围绕主题作了交流发"
		    "言。",
		    (long long)at);
	if (++*rows == 300) {
		*rows = 0;
		return flush(d, sb, e);
	}
	return 0;
}

/* Twelve months of 三会一课 and 主题党日, each branch skipping a share of them. */
static int build_activities(party_demo *d, err *e)
{
	static const char *const lectures[] = {"学习党的二十大精神专题党课", "全面从严治党专题党课",
					       "乡村振兴与基层治理专题党课",
					       "党史学习教育专题党课"};
	static const char *const themes[] = {"走访慰问困难群众", "清洁家园志愿服务",
					     "重温入党誓词",	 "红色教育基地参观学习",
					     "政策宣讲进农户",	 "防汛防火安全巡查"};
	char iso[40];
	clock_format_iso(d->now, iso, sizeof iso);
	int year = atoi(iso), month = atoi(iso + 5);
	strbuf sb = STRBUF_INIT;
	int rows = 0;
	for (int i = 0; i < d->nbr; i++) {
		branch *b = &d->br[i];
		for (int m = 0; m < 12; m++) {
			int mm = month - 11 + m, yy = year;
			while (mm < 1) {
				mm += 12;
				yy--;
			}
			int64_t start = month_start(yy, mm);
			char title[200];
			snprintf(title, sizeof title, "%d月支委会", mm);
			if (demo_rnd_unit(&d->rnd) >= b->lax &&
			    activity_row(d, &sb, &rows, b->id, "committee_meeting",
					 start + 4LL * DAY + 9LL * 3600000, title, e) < 0)
				goto fail;
			snprintf(title, sizeof title, "%d月主题党日：%s", mm,
				 themes[demo_rnd_int(&d->rnd, 0, 5)]);
			if (demo_rnd_unit(&d->rnd) >= b->lax &&
			    activity_row(d, &sb, &rows, b->id, "theme_day",
					 start + 14LL * DAY + 9LL * 3600000, title, e) < 0)
				goto fail;
			for (int g = 0; g < b->ngroups; g++) {
				snprintf(title, sizeof title, "%d月党小组会", mm);
				if (demo_rnd_unit(&d->rnd) >= b->lax &&
				    activity_row(d, &sb, &rows, b->groups[g], "group_meeting",
						 start + (19LL + g) * DAY + 14LL * 3600000, title,
						 e) < 0)
					goto fail;
			}
			if ((mm - 1) % 3 == 1) { /* the middle month of a quarter */
				snprintf(title, sizeof title, "%d年第%d季度支部党员大会", yy,
					 (mm - 1) / 3 + 1);
				if (demo_rnd_unit(&d->rnd) >= b->lax &&
				    activity_row(d, &sb, &rows, b->id, "branch_meeting",
						 start + 9LL * DAY + 9LL * 3600000, title, e) < 0)
					goto fail;
				if (demo_rnd_unit(&d->rnd) >= b->lax &&
				    activity_row(d, &sb, &rows, b->id, "party_lecture",
						 start + 24LL * DAY + 15LL * 3600000,
						 lectures[demo_rnd_int(&d->rnd, 0, 3)], e) < 0)
					goto fail;
			}
		}
	}
	if (flush(d, &sb, e) < 0)
		goto fail;
	strbuf_release(&sb);
	/* Attendance: about four in five eligible members of the org's subtree; a committee
	 * meeting only its few committee members. Then the points those attendances earned. */
	/* By branch_id and org_id rather than a range of paths: two plain joins. */
	if (store_exec_script(
		    d->c,
		    "INSERT INTO party_attendance (activity_id, member_id, how, at)"
		    " SELECT a.id, m.id, CASE WHEN (a.id + m.id) % 3 = 0 THEN 'qr'"
		    " ELSE 'secretary' END, a.held_at FROM party_activities a"
		    " JOIN party_orgs o ON o.id = a.org_id"
		    " JOIN party_orgs mo ON mo.branch_id = o.id"
		    " JOIN party_members m ON m.org_id = mo.id"
		    " WHERE o.kind = 'branch' AND m.status IN ('probationary', 'full')"
		    " AND m.state = 'normal'"
		    " AND ((a.kind <> 'committee_meeting' AND (a.id * 7 + m.id * 13) % 10 < 8)"
		    " OR (a.kind = 'committee_meeting' AND m.id % 6 = 0))",
		    e) < 0 ||
	    store_exec_script(
		    d->c,
		    "INSERT INTO party_attendance (activity_id, member_id, how, at)"
		    " SELECT a.id, m.id, CASE WHEN (a.id + m.id) % 3 = 0 THEN 'qr'"
		    " ELSE 'secretary' END, a.held_at FROM party_activities a"
		    " JOIN party_orgs o ON o.id = a.org_id JOIN party_members m ON m.org_id = o.id"
		    " WHERE o.kind = 'group' AND m.status IN ('probationary', 'full')"
		    " AND m.state = 'normal' AND (a.id * 7 + m.id * 13) % 10 < 8",
		    e) < 0 ||
	    store_exec_script(d->c,
			      "INSERT INTO party_points (member_id, points, source, ref_id, at)"
			      " SELECT t.member_id, r.points, 'activity', t.activity_id, t.at"
			      " FROM party_attendance t JOIN party_activities a ON a.id ="
			      " t.activity_id JOIN party_point_rules r ON r.source = a.kind"
			      " WHERE r.points > 0",
			      e) < 0)
		return -1;
	return 0;
fail:
	strbuf_release(&sb);
	return -1;
}

/* Dues for the last twelve months: standards by member, a few recent months unpaid. */
static int build_dues(party_demo *d, err *e)
{
	char iso[40];
	clock_format_iso(d->now, iso, sizeof iso);
	int year = atoi(iso), month = atoi(iso + 5);
	strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb,
		    "INSERT INTO party_dues (member_id, month, standard_fen, paid_at)"
		    " SELECT m.id, x.month, (m.id % 6 + 1) * 100, CASE WHEN"
		    " (m.id * 3 + x.k) % 19 = 0 AND x.k >= 9 THEN NULL"
		    " WHEN x.k = 11 AND m.id % 4 = 0 THEN NULL"
		    " ELSE x.at + (m.id % 20) * 86400000 END FROM party_members m CROSS JOIN (");
	for (int k = 0; k < 12; k++) {
		int mm = month - 11 + k, yy = year;
		while (mm < 1) {
			mm += 12;
			yy--;
		}
		int64_t at = month_start(yy, mm);
		strbuf_addf(&sb, "%sSELECT '%04d-%02d' AS month, %d AS k, %lld AS at",
			    k ? " UNION ALL " : "", yy, mm, k, (long long)at);
	}
	strbuf_adds(&sb, ") x WHERE m.status IN ('probationary', 'full')");
	int rc = store_exec_script(d->c, sb.buf, e);
	strbuf_release(&sb);
	return rc;
}

/* 微心愿 and community tasks at every village and community: half fulfilled, a quarter
 * claimed, the rest open; claimers are full members of the place's branch. */
static int build_wishes(party_demo *d, int64_t dwf_service, err *e)
{
	strbuf sb = STRBUF_INIT;
	int rows = 0;
	for (int i = 0; i < d->nbr; i++) {
		branch *b = &d->br[i];
		if (!b->village)
			continue;
		int64_t full[64];
		int nfull = 0;
		store_stmt *st =
			store_prepare(d->c,
				      "SELECT m.id FROM party_members m JOIN party_orgs o ON"
				      " o.id = m.org_id WHERE o.branch_id = ? AND m.status ="
				      " 'full' AND m.state = 'normal' ORDER BY m.id",
				      e);
		if (!st)
			goto fail;
		store_bind_int(st, 1, b->id);
		int src;
		while ((src = store_step(st, e)) == 1)
			if (nfull < 64)
				full[nfull++] = store_col_int(st, 0);
		store_done(st);
		if (src < 0)
			goto fail;
		for (int k = 0; k < 9; k++) {
			bool task = k >= 6;
			const char *title = task ? task_titles[demo_rnd_int(&d->rnd, 0, 7)]
						 : wish_titles[demo_rnd_int(&d->rnd, 0, 9)];
			double x = demo_rnd_unit(&d->rnd);
			const char *status = !nfull	? "open"
					     : x < 0.5	? "fulfilled"
					     : x < 0.75 ? "claimed"
							: "open";
			int64_t created = d->now - demo_rnd_int(&d->rnd, 20, 330) * (int64_t)DAY;
			int64_t claimed = created + demo_rnd_int(&d->rnd, 1, 5) * (int64_t)DAY;
			int64_t done = claimed + demo_rnd_int(&d->rnd, 2, 12) * (int64_t)DAY;
			bool dwf = b->unit_id == unit_of(d->ids, "dongwafang");
			char pub[24] = "NULL", cl[24] = "NULL", dn[24] = "NULL", who[24] = "NULL";
			if (dwf && dwf_service)
				snprintf(pub, sizeof pub, "%lld", (long long)dwf_service);
			if (strcmp(status, "open")) {
				snprintf(cl, sizeof cl, "%lld", (long long)claimed);
				snprintf(who, sizeof who, "%lld",
					 (long long)full[demo_rnd_int(&d->rnd, 0, nfull - 1)]);
			}
			if (strcmp(status, "fulfilled") == 0)
				snprintf(dn, sizeof dn, "%lld", (long long)done);
			strbuf_addf(&sb, "%s('%s','%s',%lld,%lld,'%s',%s,%s,%s,%s,%lld)",
				    rows ? ","
					 : "INSERT INTO party_wishes (kind, title, unit_id,"
					   " org_id, status, published_by, claimer_id,"
					   " claimed_at, fulfilled_at, created_at) VALUES ",
				    task ? "task" : "wish", title, (long long)b->unit_id,
				    (long long)b->id, status, pub, who, cl, dn, (long long)created);
			if (++rows == 300) {
				rows = 0;
				if (flush(d, &sb, e) < 0)
					goto fail;
			}
		}
	}
	if (flush(d, &sb, e) < 0)
		goto fail;
	strbuf_release(&sb);
	if (store_exec_script(d->c,
			      "INSERT INTO party_points (member_id, points, source, ref_id, at)"
			      " SELECT w.claimer_id, r.points, w.kind, w.id, w.fulfilled_at"
			      " FROM party_wishes w JOIN party_point_rules r ON r.source = w.kind"
			      " WHERE w.status = 'fulfilled' AND w.claimer_id IS NOT NULL",
			      e) < 0)
		return -1;
	return 0;
fail:
	strbuf_release(&sb);
	return -1;
}

static int64_t user_id_of(store_conn *c, const char *username, err *e)
{
	int64_t id = 0;
	if (store_query_int(c, &id, 0, e, "SELECT id FROM users WHERE username = ?", "s",
			    username) < 0)
		return -1;
	return id;
}

/* member01 is a full member of 东瓦房村党支部 (its first group), with a step history, a
 * fulfilled wish and two open ones to claim. */
static int wire_member01(party_demo *d, int64_t dwf_unit, err *e)
{
	int64_t user = user_id_of(d->c, "member01", e), member = 0, org = 0;
	if (user <= 0)
		return user < 0 ? -1 : 0;
	if (store_query_int(d->c, &org, 0, e,
			    "SELECT g.id FROM party_orgs g JOIN party_orgs b ON b.id = g.parent_id"
			    " WHERE b.unit_id = ? AND b.kind = 'branch' AND g.kind = 'group'"
			    " ORDER BY g.id LIMIT 1",
			    "i", dwf_unit) < 0 ||
	    store_query_int(
		    d->c, &member, 0, e,
		    "SELECT m.id FROM party_members m WHERE m.org_id = ? AND m.status = 'full'"
		    " AND m.state = 'normal' ORDER BY m.id LIMIT 1",
		    "i", org) < 0)
		return -1;
	if (!member)
		return err_set(e, ERR_INTERNAL, "demo_data", NULL, "东瓦房村党支部没有正式党员");
	int64_t since = d->now - 6LL * 365 * DAY;
	if (store_exec(d->c, e,
		       "UPDATE party_members SET user_id = ?, name = (SELECT display_name FROM"
		       " users WHERE id = ?), gender = 'male', status_since = ? WHERE id = ?",
		       "iiii", user, user, since, member) < 0 ||
	    store_exec(d->c, e, "DELETE FROM party_member_steps WHERE member_id = ?", "i", member) <
		    0)
		return -1;
	for (int k = 0; party_statuses[k]; k++)
		if (store_exec(d->c, e,
			       "INSERT INTO party_member_steps (member_id, status, at) VALUES (?, "
			       "?, ?)",
			       "isi", member, party_statuses[k],
			       since - (int64_t)(4 - k) * 200 * DAY) < 0)
			return -1;
	int64_t branch_org = 0, service = user_id_of(d->c, "dwf_service", e);
	if (store_query_int(d->c, &branch_org, 0, e,
			    "SELECT id FROM party_orgs WHERE unit_id = ? AND kind = 'branch'", "i",
			    dwf_unit) < 0)
		return -1;
	static const char *const open_wishes[] = {"五保户张大爷想要一个带靠背的轮椅坐垫",
						  "村小学的孩子们想要一批跳绳和毽子"};
	for (int k = 0; k < 2; k++)
		if (store_exec(d->c, e,
			       "INSERT INTO party_wishes (kind, title, unit_id, org_id, status,"
			       " published_by, created_at) VALUES ('wish', ?, ?, ?, 'open', ?, ?)",
			       "siini", open_wishes[k], dwf_unit, branch_org, service,
			       d->now - (int64_t)(k + 1) * DAY) < 0)
			return -1;
	return 0;
}

static int tx_party(store_conn *c, void *p, err *e)
{
	party_demo *d = p;
	d->c = c;
	d->nbr = 0;
	d->nvillages = 0;
	d->members = 0;
	d->rnd = demo_rnd_seed(13);
	int64_t zuzhibu = unit_of(d->ids, "zuzhibu"), city = unit_of(d->ids, "fuxin");
	int64_t dwf_unit = unit_of(d->ids, "dongwafang");
	int64_t dwf_branch = user_id_of(c, "dwf_branch", e);
	int64_t dwf_service = user_id_of(c, "dwf_service", e);
	if (dwf_branch < 0 || dwf_service < 0)
		return -1;
	if (zuzhibu &&
	    store_exec(c, e, "INSERT INTO party_departments (unit_id, region_id) VALUES (?, ?)",
		       "ii", zuzhibu, city) < 0)
		return -1;
	if (build_tree(d, dwf_branch, e) < 0 || build_members(d, e) < 0 ||
	    build_activities(d, e) < 0 || build_dues(d, e) < 0 ||
	    build_wishes(d, dwf_service, e) < 0 || wire_member01(d, dwf_unit, e) < 0)
		return -1;
	/* Realized points also for member01's fulfilled wish (made after the bulk pass). */
	actor sys;
	actor_system(&sys, "demo");
	json_t *detail =
		json_pack("{s:i, s:I}", "branches", d->nbr, "members", (json_int_t)d->members);
	int rc = audit_append(c, &sys, "party_demo", "party_org", 0, detail, e);
	json_decref(detail);
	return rc;
}

int demo_party_build(store *s, const int64_t *unit_ids, err *e)
{
	party_demo *d = xcalloc(1, sizeof *d);
	d->ids = unit_ids;
	d->now = clock_now_ms();
	int rc = store_write(s, tx_party, d, e);
	free(d);
	return rc;
}
