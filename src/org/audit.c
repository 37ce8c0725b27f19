#include "org/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "org/privacy.h"

/* The text an entry's hash covers. Fields are separated by '\x1f' (unit separator), which
 * JSON-escaped detail and validated names cannot contain unescaped, so two different
 * entries never share a text. */
static void entry_hash(const char *prev, int64_t seq, int64_t at, int64_t actor_id,
		       const char *actor_name, const char *action, const char *entity,
		       int64_t entity_id, const char *ip, const char *detail, char out[65])
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s\x1f%lld\x1f%lld\x1f%lld\x1f%s\x1f%s\x1f%s\x1f%lld\x1f%s\x1f%s", prev,
		    (long long)seq, (long long)at, (long long)actor_id, actor_name, action, entity,
		    (long long)entity_id, ip, detail);
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)strbuf_str(&sb), sb.len, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
	strbuf_release(&sb);
}

/* Whether a key names a phone number ("phone", "contact_phone", "applicant_phone"). */
static bool phone_key(const char *key)
{
	return key && (strstr(key, "phone") || strstr(key, "mobile"));
}

/* The trail keeps no citizen's phone or ID number (docs/security.md "Accounts"): values
 * under a phone key are masked as phones are shown (138****5678), and in every other
 * text the digit runs as long as a phone, ID card or bank card number are masked
 * (privacy_mask_ids), so record numbers and dates stay readable. */
static void mask_detail(json_t *v, const char *key)
{
	if (json_is_string(v)) {
		char *t = xstrdup(json_string_value(v));
		if (phone_key(key) && strpbrk(t, "0123456789")) {
			char masked[64];
			privacy_mask_phone(t, masked, sizeof masked);
			json_string_set(v, masked);
		} else {
			privacy_mask_ids(t);
			json_string_set(v, t);
		}
		free(t);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) mask_detail(x, k);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) mask_detail(x, key);
	}
}

/* The head's row from the batch's head kept by the SQLite writer (store_batch_chain). */
static int chain_save(store_conn *c, const store_chain *h, err *e)
{
	return store_exec(c, e, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", "is",
			  h->seq, h->hash) < 0
		       ? -1
		       : 0;
}

int audit_append(store_conn *c, const actor *who, const char *action, const char *entity,
		 int64_t entity_id, json_t *detail, err *e)
{
	/* On SQLite's writer the head lives in memory for the batch: read once, written once
	 * before the commit. Otherwise taking the head row first serialises appends on
	 * PostgreSQL (the row stays locked until commit). */
	store_chain *h = store_batch_chain(c, chain_save);
	store_stmt *st;
	int rc;
	int64_t seq;
	char prev[65];
	if (h && !h->loaded) {
		/* A no-op update is the portable row lock: on PostgreSQL another server's
		 * writer waits here until this batch commits, then reads the new head. */
		rc = store_query_row(
			c, &st, e,
			"UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash", NULL);
		if (rc <= 0)
			return rc == 0 ? err_set(e, ERR_INTERNAL, "audit_head", NULL,
						 "审计链头缺失")
				       : -1;
		h->seq = store_col_int(st, 0);
		snprintf(h->hash, sizeof h->hash, "%s", store_col_text(st, 1));
		while ((rc = store_step(st, e)) == 1)
			;
		store_done(st);
		if (rc < 0)
			return -1;
		h->loaded = true;
	}
	if (h) {
		seq = h->seq + 1;
		snprintf(prev, sizeof prev, "%s", h->hash);
	} else {
		rc = store_query_row(
			c, &st, e,
			"UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
			NULL);
		if (rc <= 0)
			return rc == 0 ? err_set(e, ERR_INTERNAL, "audit_head", NULL,
						 "审计链头缺失")
				       : -1;
		seq = store_col_int(st, 0);
		snprintf(prev, sizeof prev, "%s", store_col_text(st, 1));
		/* Finish the statement (PostgreSQL reports RETURNING rows before completion). */
		while ((rc = store_step(st, e)) == 1)
			;
		store_done(st);
		if (rc < 0)
			return -1;
	}
	char *d = xstrdup("{}");
	if (detail) {
		json_t *masked = json_deep_copy(detail);
		mask_detail(masked, NULL);
		free(d);
		d = json_dumps(masked, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(masked);
	}
	int64_t at = clock_now_ms();
	char hash[65];
	const char *ip = who->ip[0] ? who->ip : "local";
	entry_hash(prev, seq, at, who->user_id, who->username, action, entity, entity_id, ip, d,
		   hash);
	int n = store_run(c, e,
			  "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity,"
			  " entity_id, ip, detail, prev_hash, hash)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "iinsssnssss", seq, at, who->user_id, who->username, action, entity,
			  entity_id, ip, d, prev, hash);
	free(d);
	if (n < 0)
		return -1;
	if (h) {
		h->seq = seq;
		memcpy(h->hash, hash, sizeof h->hash);
		h->dirty = true;
		return 0;
	}
	return store_exec(c, e, "UPDATE audit_head SET hash = ? WHERE id = 1", "s", hash) < 0 ? -1
											      : 0;
}

int audit_list(store_conn *c, const char *entity, int64_t entity_id, int64_t actor_id, int64_t page,
	       int64_t per_page, json_t **items, int64_t *total, err *e)
{
	return audit_list_area(c, NULL, entity, entity_id, actor_id, page, per_page, items, total,
			       e);
}

/* An entry belongs to the area of its actor's unit; entries without a user behind them
 * (the command line, citizens, Open311 partners) to every area. */
#define AREA_FILTER                                                                                \
	" AND (CAST(? AS TEXT) IS NULL OR actor_id IS NULL OR EXISTS (SELECT 1 FROM users u"       \
	" JOIN units un ON un.id = u.unit_id WHERE u.id = audit_log.actor_id"                      \
	" AND un.path >= ? AND un.path < ?))"

int audit_list_area(store_conn *c, const char *area, const char *entity, int64_t entity_id,
		    int64_t actor_id, int64_t page, int64_t per_page, json_t **items,
		    int64_t *total, err *e)
{
	char hi[256] = "";
	if (area && strcmp(area, "/") == 0)
		area = NULL;
	/* With one city every entry lies in a city admin's area: no filter to pay for. */
	int64_t roots = 0;
	if (area && store_query_int(c, &roots, 0, e,
				    "SELECT COUNT(*) FROM units WHERE parent_id IS NULL", NULL) < 0)
		return -1;
	if (roots <= 1)
		area = NULL;
	if (area)
		scope_upper(area, hi, sizeof hi);
	if (store_query_int(
		    c, total, 0, e,
		    "SELECT COUNT(*) FROM audit_log WHERE (CAST(? AS TEXT) IS NULL OR entity = ?)"
		    " AND (? = 0 OR entity_id = ?) AND (? = 0 OR actor_id = ?)" AREA_FILTER,
		    "ssiiiisss", entity, entity, entity_id, entity_id, actor_id, actor_id, area,
		    area ? area : "", hi) < 0)
		return -1;
	store_stmt *st = store_prepare(
		c,
		"SELECT seq, at, actor_id, actor, action, entity, entity_id, ip, detail"
		" FROM audit_log WHERE (CAST(? AS TEXT) IS NULL OR entity = ?) AND (? = 0 OR "
		"entity_id = ?)"
		" AND (? = 0 OR actor_id = ?)" AREA_FILTER " ORDER BY seq DESC LIMIT ? OFFSET ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ssiiiisssii", entity, entity, entity_id, entity_id, actor_id, actor_id,
		    area, area ? area : "", hi, per_page, (page - 1) * per_page);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		char at[40];
		clock_format_iso(store_col_int(st, 1), at, sizeof at);
		json_t *detail = json_loads(store_col_text(st, 8), 0, NULL);
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "seq",
				      (json_int_t)store_col_int(st, 0), "at", at, "actor",
				      store_col_text(st, 3), "action", store_col_text(st, 4),
				      "entity", store_col_text(st, 5), "ip", store_col_text(st, 7),
				      "detail", detail ? detail : json_object());
		json_object_set_new(o, "actor_id",
				    store_col_null(st, 2) ? json_null()
							  : json_integer(store_col_int(st, 2)));
		json_object_set_new(o, "entity_id",
				    store_col_null(st, 6) ? json_null()
							  : json_integer(store_col_int(st, 6)));
		json_array_append_new(arr, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

/* The actions of the login log, and the filter they share. */
#define LOGIN_FROM                                                                                 \
	" FROM audit_log a LEFT JOIN users u ON u.id = a.entity_id"                                \
	" LEFT JOIN units un ON un.id = u.unit_id"                                                 \
	" WHERE a.entity = 'user' AND a.action IN ('login', 'login_failed', 'login_locked',"       \
	" 'login_unknown_user', 'login_disabled', 'login_while_locked', 'login_stale', 'logout')"  \
	" AND ((un.path >= ? AND un.path < ?) OR (? = 1 AND a.entity_id IS NULL))"                 \
	" AND (CAST(? AS BIGINT) = 0 OR a.entity_id = ?)"                                          \
	" AND (CAST(? AS BIGINT) = 0 OR a.at >= ?) AND (CAST(? AS BIGINT) = 0 OR a.at < ?)"

static void login_bind(store_stmt *st, const audit_login_filter *f, const char *hi)
{
	store_bindf(st, "ssiiiiiii", f->area, hi, (int64_t)f->with_unknown, f->user_id, f->user_id,
		    f->from, f->from, f->to, f->to);
}

static json_t *login_json(store_stmt *st)
{
	char at[40];
	clock_format_iso(store_col_int(st, 1), at, sizeof at);
	json_t *detail = json_loads(store_col_text(st, 6), 0, NULL);
	if (!detail)
		detail = json_object();
	/* An attempt at an unknown username names it in the detail only. */
	const char *username = store_col_text(st, 3);
	json_t *tried = json_object_get(detail, "username");
	if (store_col_null(st, 4) && json_is_string(tried))
		username = json_string_value(tried);
	json_t *ua = json_object_get(detail, "user_agent");
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:O, s:O}", "seq", (json_int_t)store_col_int(st, 0),
		"at", at, "action", store_col_text(st, 2), "username", username, "ip",
		store_col_text(st, 5), "user_agent", ua ? ua : json_null(), "detail", detail);
	json_object_set_new(o, "user_id",
			    store_col_null(st, 4) ? json_null()
						  : json_integer(store_col_int(st, 4)));
	json_decref(detail);
	return o;
}

int audit_logins(store_conn *c, const audit_login_filter *f, int64_t page, int64_t per_page,
		 json_t **items, int64_t *total, err *e)
{
	char hi[256];
	scope_upper(f->area, hi, sizeof hi);
	store_stmt *st = store_prepare(c, "SELECT COUNT(*)" LOGIN_FROM, e);
	if (!st)
		return -1;
	login_bind(st, f, hi);
	int rc = store_step(st, e);
	*total = rc == 1 ? store_col_int(st, 0) : 0;
	store_done(st);
	if (rc < 0)
		return -1;
	st = store_prepare(
		c,
		"SELECT a.seq, a.at, a.action, a.actor, a.entity_id, a.ip, a.detail" LOGIN_FROM
		" ORDER BY a.seq DESC LIMIT ? OFFSET ?",
		e);
	if (!st)
		return -1;
	login_bind(st, f, hi);
	store_bind_int(st, 10, per_page);
	store_bind_int(st, 11, (page - 1) * per_page);
	json_t *arr = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, login_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

int audit_verify(store *s, audit_report *rep, err *e)
{
	memset(rep, 0, sizeof *rep);
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	store_stmt *st =
		store_prepare(c,
			      "SELECT seq, at, actor_id, actor, action, entity, entity_id, ip,"
			      " detail, prev_hash, hash FROM audit_log ORDER BY seq",
			      e);
	if (!st)
		return -1;
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	int64_t expect = 1;
	int rc, broken = 0;
	while ((rc = store_step(st, e)) == 1) {
		int64_t seq = store_col_int(st, 0);
		rep->entries++;
		char h[65];
		entry_hash(prev, seq, store_col_int(st, 1),
			   store_col_null(st, 2) ? 0 : store_col_int(st, 2), store_col_text(st, 3),
			   store_col_text(st, 4), store_col_text(st, 5),
			   store_col_null(st, 6) ? 0 : store_col_int(st, 6), store_col_text(st, 7),
			   store_col_text(st, 8), h);
		const char *why = NULL;
		if (seq != expect)
			why = "序号不连续（有记录被删除或插入）";
		else if (strcmp(store_col_text(st, 9), prev) != 0)
			why = "前一哈希不符（有记录被删除、插入或修改）";
		else if (strcmp(store_col_text(st, 10), h) != 0)
			why = "哈希不符（记录内容被修改）";
		if (why) {
			rep->bad_seq = seq;
			snprintf(rep->problem, sizeof rep->problem, "审计记录 #%lld：%s",
				 (long long)seq, why);
			broken = 1;
			break;
		}
		snprintf(prev, sizeof prev, "%s", h);
		expect = seq + 1;
	}
	store_done(st);
	if (rc < 0)
		return -1;
	if (broken)
		return 1;
	store_stmt *hd;
	rc = store_query_row(c, &hd, e, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		snprintf(rep->problem, sizeof rep->problem, "审计链头缺失");
		return 1;
	}
	if (store_col_int(hd, 0) != expect - 1 || strcmp(store_col_text(hd, 1), prev) != 0) {
		rep->bad_seq = expect;
		snprintf(rep->problem, sizeof rep->problem,
			 "审计链头指向 #%lld，但最后一条记录是 #%lld（末尾记录被删除）",
			 (long long)store_col_int(hd, 0), (long long)(expect - 1));
		broken = 1;
	}
	store_done(hd);
	return broken;
}
