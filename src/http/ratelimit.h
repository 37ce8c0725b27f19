/* Rate limiters by key (a client address, an API key), in two kinds:
 * - fixed window (ratelimit_new): at most `limit` events per window of the clock; cheap,
 *   for request budgets;
 * - sliding window (ratelimit_new_sliding): at most `limit` events in any window_ms; exact,
 *   for small budgets such as failed logins (it keeps the time of each event, `limit` of
 *   them per key in use).
 * Either kind lets a caller reserve an event before the work it guards and give it back
 * when the work turns out not to count (a login that succeeded). */
#ifndef YW_RATELIMIT_H
#define YW_RATELIMIT_H
#include <stdbool.h>
#include <stdint.h>

typedef struct ratelimit ratelimit;

/* limit 0 disables the limiter (every event is allowed). */
ratelimit *ratelimit_new(int limit, int64_t window_ms);
ratelimit *ratelimit_new_sliding(int limit, int64_t window_ms);
void ratelimit_free(ratelimit *rl);
/* Counts one event for key at now; false when the key is over its limit. */
bool ratelimit_take(ratelimit *rl, const char *key, int64_t now);
/* ratelimit_take that tells, when it refuses, how long until the key may try again
 * (*retry_ms >= 1; retry_ms may be NULL). */
bool ratelimit_reserve(ratelimit *rl, const char *key, int64_t now, int64_t *retry_ms);
/* Whether key could have one more event at now, without counting it; *retry_ms as in
 * ratelimit_reserve. */
bool ratelimit_peek(ratelimit *rl, const char *key, int64_t now, int64_t *retry_ms);
/* Gives back the event counted for key at `at` (by take or reserve); nothing when it has
 * already left the window. */
void ratelimit_refund(ratelimit *rl, const char *key, int64_t at);

#endif
