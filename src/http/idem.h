/* Idempotency keys (docs/architecture.md "On a cluster", docs/api.md): a write request
 * carrying `Idempotency-Key` is answered once; a retry with the same key from the same
 * caller gets the first answer back instead of a second write. The key's row is inserted
 * inside the transaction of the write it guards (a store_tx_hook around the request's
 * first write), so after a failover or a dead node the retry, on any node, finds it
 * exactly when the write committed. */
#ifndef YW_IDEM_H
#define YW_IDEM_H
#include <stdbool.h>

#include "http/http.h"

/* The longest key accepted; a key is 1..IDEM_KEY_MAX visible ASCII characters. */
enum { IDEM_KEY_MAX = 128 };

/* Whether key is a well-formed idempotency key. */
bool idem_key_valid(const char *key);

/* Before the handler of a POST/PUT/PATCH/DELETE (the caller already authenticated where
 * the route needs it): without the header, does nothing and returns false. With it,
 * answers r and returns true when the request must not run: 400 invalid_idempotency_key,
 * 422 idempotency_key_reused (same key, other method, path or body), 409
 * idempotency_in_progress (its first request has not finished), or the first answer
 * replayed. Otherwise arms the hook on the request's first write and returns false. */
bool idem_begin(http_req *r);
/* Once r's answer is final: stores it under the key (unless the write's transaction
 * already did), or turns a lost race for the key into the winner's answer or a 409. */
void idem_finish(http_req *r);
/* After the handler ran on this thread: a hook no write took is dropped. */
void idem_disarm(void);

/* Inside a write transaction guarded by a key (no-op otherwise): whether one is. */
bool idem_tx_active(void);
/* ...records the answer itself (the handler renders it inside the transaction), so that
 * the key and the answer commit together. body is copied. */
void idem_note_answer(int status, const char *content_type, const char *body);
/* ...records the path whose GET re-renders the answer with status. */
void idem_note_resource(int status, const char *path);

/* The scheduler's purge: deletes keys older than 24 hours; rows deleted, or -1. */
int64_t idem_purge(store_conn *c, int64_t now_ms, err *e);

#endif
