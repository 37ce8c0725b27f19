/* Messages to people: the outbox of messages for outside gateways (SMS), drained through an
 * adapter, and the in-app inbox (the notifications table) as its readers see it.
 *
 * The outbox is at-least-once: a batch is claimed in one transaction (attempts + 1, a
 * lease on next_attempt_at), sent with no transaction open, and the results written in
 * another. A process that dies between sending and writing sends the batch again once the
 * lease runs out. */
#ifndef YW_OUTBOX_H
#define YW_OUTBOX_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

enum {
	OUTBOX_MAX_ATTEMPTS = 5,      /* the fifth failure marks the row failed */
	OUTBOX_BATCH = 100,	      /* rows claimed per transaction */
	OUTBOX_LEASE_MS = 10 * 60000, /* a claimed row is retried after this if never settled */
};

/* An SMS gateway. send returns 0 when the gateway accepted the message, -1 with e filled
 * (its message becomes the row's last_error) otherwise. Called with no transaction open. */
typedef struct sms_adapter {
	const char *name;
	int (*send)(void *ctx, const char *phone, const char *body, err *e);
	void *ctx;
} sms_adapter;

/* The adapter for installations without a gateway: writes one JSON line per message to
 * stderr, saying it was not delivered, with the phone number masked; reports success so
 * that the outbox does not fill up. */
const sms_adapter *outbox_log_adapter(void);

/* Inside a write transaction: queues a message, due now. case_id 0: none. */
int outbox_enqueue(store_conn *c, const char *channel, const char *recipient, const char *body,
		   int64_t case_id, int64_t now, err *e);

/* The wait after the attempts-th failed attempt (1 min, 5 min, 30 min, 2 h). */
int64_t outbox_backoff_ms(int attempts);

/* Sends up to max due 'sms' rows through sms, in batches of OUTBOX_BATCH: sent rows get
 * sent_at; failed ones attempts, last_error and a later next_attempt_at, or failed_at
 * after OUTBOX_MAX_ATTEMPTS. Returns the number of rows the adapter accepted, -1 on a
 * database error. Must not be called inside a write transaction. */
int outbox_drain(store *s, const sms_adapter *sms, int64_t now, int max, err *e);

/* ---- the in-app inbox: notifications of who's unit and of who ---- */

/* Newest first: items {id, kind, title, body, case: {id, number} | null, created_at,
 * read}; total of the filter; unread of the whole inbox. */
int inbox_list(store_conn *c, const actor *who, bool unread_only, int64_t page, int64_t per_page,
	       json_t **items, int64_t *total, int64_t *unread, err *e);
/* Inside a write transaction: marks notification id read (idempotent); ERR_NOT_FOUND when
 * it is not in who's inbox. */
int inbox_mark_read(store_conn *c, const actor *who, int64_t id, int64_t now, err *e);
/* Inside a write transaction: marks every unread notification in who's inbox read. */
int inbox_mark_all_read(store_conn *c, const actor *who, int64_t now, err *e);

#endif
