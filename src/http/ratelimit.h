/* A fixed-window rate limiter by client address: at most `limit` events per window. */
#ifndef YW_RATELIMIT_H
#define YW_RATELIMIT_H
#include <stdbool.h>
#include <stdint.h>

typedef struct ratelimit ratelimit;

/* limit 0 disables the limiter (ratelimit_take always allows). */
ratelimit *ratelimit_new(int limit, int64_t window_ms);
void ratelimit_free(ratelimit *rl);
/* Counts one event for key at now; false when the key is over its limit. */
bool ratelimit_take(ratelimit *rl, const char *key, int64_t now);

#endif
