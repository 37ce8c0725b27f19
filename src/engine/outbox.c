#include "engine/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "org/privacy.h"

/* ---- the log adapter ---- */

static int log_send(void *ctx, const char *phone, const char *body, err *e)
{
	(void)ctx, (void)e;
	char masked[64];
	privacy_mask_phone(phone, masked, sizeof masked);
	json_t *o = json_pack("{s:s, s:s, s:s}", "sms", "log adapter, not delivered", "phone",
			      masked, "body", body);
	char *line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	fprintf(stderr, "%s\n", line ? line : "{}");
	free(line);
	json_decref(o);
	return 0;
}

static const sms_adapter log_adapter = {"log", log_send, NULL};

const sms_adapter *outbox_log_adapter(void)
{
	return &log_adapter;
}

/* ---- the outbox ---- */

int outbox_enqueue(store_conn *c, const char *channel, const char *recipient, const char *body,
		   int64_t case_id, int64_t now, err *e)
{
	return store_exec(c, e,
			  "INSERT INTO outbox (channel, recipient, body, case_id, created_at,"
			  " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
			  "sssnii", channel, recipient, body, case_id, now, now) < 0
		       ? -1
		       : 0;
}

int64_t outbox_backoff_ms(int attempts)
{
	static const int64_t wait_ms[] = {60000, 5 * 60000, 30 * 60000, 120 * 60000};
	int n = (int)(sizeof wait_ms / sizeof wait_ms[0]);
	if (attempts < 1)
		attempts = 1;
	return wait_ms[attempts > n ? n - 1 : attempts - 1];
}

typedef struct message {
	int64_t id;
	int attempts; /* including the one being made */
	char *recipient, *body;
	bool sent;
	char error[320];
} message;

typedef struct batch {
	int64_t now;
	int limit;
	message *m;
	int n;
} batch;

static void batch_clear(batch *b)
{
	for (int i = 0; i < b->n; i++) {
		free(b->m[i].recipient);
		free(b->m[i].body);
	}
	b->n = 0;
}

/* Claims up to b->limit due rows: attempts + 1 and next_attempt_at moved past the lease,
 * so that no other drain takes them while they are being sent. The guarded UPDATE
 * re-checks each row, so a row another drain claimed meanwhile is skipped. May run more
 * than once: it starts from an empty batch. */
static int tx_claim(store_conn *c, void *ctx, err *e)
{
	batch *b = ctx;
	batch_clear(b);
	store_stmt *st =
		store_prepare(c,
			      "SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
			      " AND next_attempt_at <= ? AND channel = 'sms'"
			      " ORDER BY next_attempt_at LIMIT ?",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ii", b->now, (int64_t)b->limit);
	int64_t *ids = xcalloc((size_t)b->limit, sizeof *ids);
	int nids = 0, rc = 0;
	while (nids < b->limit && (rc = store_step(st, e)) == 1)
		ids[nids++] = store_col_int(st, 0);
	store_done(st);
	if (rc < 0) {
		free(ids);
		return -1;
	}
	for (int i = 0; i < nids; i++) {
		rc = store_query_row(
			c, &st, e,
			"UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?"
			" WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL"
			" AND next_attempt_at <= ? RETURNING recipient, body, attempts",
			"iii", b->now + OUTBOX_LEASE_MS, ids[i], b->now);
		if (rc < 0)
			break;
		if (rc == 0)
			continue;
		message *m = &b->m[b->n++];
		memset(m, 0, sizeof *m);
		m->id = ids[i];
		m->recipient = xstrdup(store_col_text(st, 0));
		m->body = xstrdup(store_col_text(st, 1));
		m->attempts = (int)store_col_int(st, 2);
		/* Finish the statement (PostgreSQL reports RETURNING rows before completion). */
		while ((rc = store_step(st, e)) == 1)
			;
		store_done(st);
		if (rc < 0)
			break;
	}
	free(ids);
	return rc < 0 ? -1 : 0;
}

/* Writes what the gateway answered. Idempotent, so it may run more than once. A failure
 * is recorded only while the row is still ours (same attempts, not sent since). */
static int tx_settle(store_conn *c, void *ctx, err *e)
{
	batch *b = ctx;
	for (int i = 0; i < b->n; i++) {
		const message *m = &b->m[i];
		int64_t n;
		if (m->sent) {
			n = store_exec(
				c, e,
				"UPDATE outbox SET sent_at = ?, last_error = NULL WHERE id = ?",
				"ii", b->now, m->id);
		} else {
			bool give_up = m->attempts >= OUTBOX_MAX_ATTEMPTS;
			n = store_exec(
				c, e,
				"UPDATE outbox SET last_error = ?, next_attempt_at = ?,"
				" failed_at = ? WHERE id = ? AND attempts = ? AND sent_at IS NULL",
				"sinii", m->error, b->now + outbox_backoff_ms(m->attempts),
				give_up ? b->now : 0, m->id, (int64_t)m->attempts);
		}
		if (n < 0)
			return -1;
	}
	return 0;
}

int outbox_drain(store *s, const sms_adapter *sms, int64_t now, int max, err *e)
{
	batch b = {.now = now, .m = xcalloc(OUTBOX_BATCH, sizeof(message))};
	int sent = 0, done = 0, rc = 0;
	while (done < max) {
		b.limit = max - done < OUTBOX_BATCH ? max - done : OUTBOX_BATCH;
		if (store_write(s, tx_claim, &b, e) < 0) {
			rc = -1;
			break;
		}
		for (int i = 0; i < b.n; i++) {
			message *m = &b.m[i];
			err se = {0};
			m->sent = sms->send(sms->ctx, m->recipient, m->body, &se) == 0;
			if (!m->sent)
				snprintf(m->error, sizeof m->error, "%s: %s", sms->name,
					 se.message[0] ? se.message : "send failed");
			sent += m->sent;
		}
		if (b.n && store_write(s, tx_settle, &b, e) < 0) {
			rc = -1;
			break;
		}
		done += b.n;
		if (b.n < b.limit)
			break;
		batch_clear(&b);
	}
	batch_clear(&b);
	free(b.m);
	return rc < 0 ? -1 : sent;
}

/* ---- the inbox ---- */

int inbox_list(store_conn *c, const actor *who, bool unread_only, int64_t page, int64_t per_page,
	       json_t **items, int64_t *total, int64_t *unread, err *e)
{
	if (store_query_int(c, unread, 0, e,
			    "SELECT COUNT(*) FROM notifications WHERE (unit_id = ? OR user_id = ?)"
			    " AND read_at IS NULL",
			    "ii", who->unit_id, who->user_id) < 0)
		return -1;
	if (unread_only)
		*total = *unread;
	else if (store_query_int(
			 c, total, 0, e,
			 "SELECT COUNT(*) FROM notifications WHERE unit_id = ? OR user_id = ?",
			 "ii", who->unit_id, who->user_id) < 0)
		return -1;
	store_stmt *st = store_prepare(
		c,
		"SELECT n.id, n.kind, n.title, n.body, n.case_id, c.number, n.created_at, n.read_at"
		" FROM notifications n LEFT JOIN cases c ON c.id = n.case_id"
		" WHERE (n.unit_id = ? OR n.user_id = ?) AND (? = 0 OR n.read_at IS NULL)"
		" ORDER BY n.id DESC LIMIT ? OFFSET ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "iiiii", who->unit_id, who->user_id, (int64_t)unread_only, per_page,
		    (page - 1) * per_page);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		char at[40];
		clock_format_iso(store_col_int(st, 6), at, sizeof at);
		json_t *kase = store_col_null(st, 4) ? json_null()
						     : json_pack("{s:I, s:s}", "id",
								 (json_int_t)store_col_int(st, 4),
								 "number", store_col_text(st, 5));
		json_array_append_new(
			arr,
			json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:b}", "id",
				  (json_int_t)store_col_int(st, 0), "kind", store_col_text(st, 1),
				  "title", store_col_text(st, 2), "body", store_col_text(st, 3),
				  "case", kase, "created_at", at, "read", !store_col_null(st, 7)));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

int inbox_mark_read(store_conn *c, const actor *who, int64_t id, int64_t now, err *e)
{
	/* COALESCE keeps the first reading time and still counts the row as matched. */
	int64_t n = store_exec(c, e,
			       "UPDATE notifications SET read_at = COALESCE(read_at, ?)"
			       " WHERE id = ? AND (unit_id = ? OR user_id = ?)",
			       "iiii", now, id, who->unit_id, who->user_id);
	if (n < 0)
		return -1;
	return n == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "通知不存在") : 0;
}

int inbox_mark_all_read(store_conn *c, const actor *who, int64_t now, err *e)
{
	return store_exec(c, e,
			  "UPDATE notifications SET read_at = ? WHERE (unit_id = ? OR user_id = ?)"
			  " AND read_at IS NULL",
			  "iii", now, who->unit_id, who->user_id) < 0
		       ? -1
		       : 0;
}
