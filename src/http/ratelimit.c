#include "http/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

enum { SLOTS = 4096 };

typedef struct slot {
	char key[64];
	int64_t window;
	int count;
} slot;

/* A fixed table, indexed by hash; a collision evicts the older window's entry, which
 * can only make the limiter more lenient, never lock out a stranger. */
struct ratelimit {
	int limit;
	int64_t window_ms;
	pthread_mutex_t mu;
	slot *slots;
};

ratelimit *ratelimit_new(int limit, int64_t window_ms)
{
	ratelimit *rl = xcalloc(1, sizeof *rl);
	rl->limit = limit;
	rl->window_ms = window_ms > 0 ? window_ms : 60000;
	pthread_mutex_init(&rl->mu, NULL);
	rl->slots = xcalloc(SLOTS, sizeof(slot));
	return rl;
}

void ratelimit_free(ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl->slots);
	free(rl);
}

bool ratelimit_take(ratelimit *rl, const char *key, int64_t now)
{
	if (!rl || rl->limit <= 0)
		return true;
	uint32_t h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	int64_t window = now / rl->window_ms;
	pthread_mutex_lock(&rl->mu);
	slot *s = &rl->slots[h % SLOTS];
	if (strncmp(s->key, key, sizeof s->key) != 0 || s->window != window) {
		strncpy(s->key, key, sizeof s->key - 1);
		s->key[sizeof s->key - 1] = '\0';
		s->window = window;
		s->count = 0;
	}
	bool ok = s->count < rl->limit;
	if (ok)
		s->count++;
	pthread_mutex_unlock(&rl->mu);
	return ok;
}
