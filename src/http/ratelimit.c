#include "http/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

enum { SLOTS = 4096 };

typedef struct slot {
	char key[64];
	int64_t window; /* fixed: the window's number */
	int count;	/* fixed: events in the window; sliding: entries in times */
	int64_t *times; /* sliding: the times of the events still in the window */
} slot;

/* A fixed table, indexed by hash; a collision evicts the other key's entry, which can
 * only make the limiter more lenient, never lock out a stranger. */
struct ratelimit {
	int limit;
	int64_t window_ms;
	bool sliding;
	pthread_mutex_t mu;
	slot *slots;
};

static ratelimit *make(int limit, int64_t window_ms, bool sliding)
{
	ratelimit *rl = xcalloc(1, sizeof *rl);
	rl->limit = limit;
	rl->window_ms = window_ms > 0 ? window_ms : 60000;
	rl->sliding = sliding;
	pthread_mutex_init(&rl->mu, NULL);
	rl->slots = xcalloc(SLOTS, sizeof(slot));
	return rl;
}

ratelimit *ratelimit_new(int limit, int64_t window_ms)
{
	return make(limit, window_ms, false);
}

ratelimit *ratelimit_new_sliding(int limit, int64_t window_ms)
{
	return make(limit, window_ms, true);
}

void ratelimit_free(ratelimit *rl)
{
	if (!rl)
		return;
	for (int i = 0; i < SLOTS; i++)
		free(rl->slots[i].times);
	pthread_mutex_destroy(&rl->mu);
	free(rl->slots);
	free(rl);
}

/* The key's slot, under rl->mu; *fresh when it held another key (or none) before. */
static slot *slot_of(ratelimit *rl, const char *key, bool *fresh)
{
	uint32_t h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	slot *s = &rl->slots[h % SLOTS];
	*fresh = strncmp(s->key, key, sizeof s->key - 1) != 0;
	return s;
}

static void slot_claim(slot *s, const char *key)
{
	strncpy(s->key, key, sizeof s->key - 1);
	s->key[sizeof s->key - 1] = '\0';
	s->count = 0;
	s->window = 0;
}

/* Drops the events that have left the window ending at now. */
static void prune(ratelimit *rl, slot *s, int64_t now)
{
	int kept = 0;
	for (int i = 0; i < s->count; i++)
		if (now - s->times[i] < rl->window_ms)
			s->times[kept++] = s->times[i];
	s->count = kept;
}

/* Whether the key may have one more event at now (counted when count is set). */
static bool admit_sliding(ratelimit *rl, slot *s, int64_t now, bool count, int64_t *retry_ms)
{
	if (!s->times)
		s->times = xcalloc((size_t)rl->limit, sizeof *s->times);
	prune(rl, s, now);
	if (s->count < rl->limit) {
		if (count)
			s->times[s->count++] = now;
		return true;
	}
	int64_t oldest = s->times[0];
	for (int i = 1; i < s->count; i++)
		if (s->times[i] < oldest)
			oldest = s->times[i];
	*retry_ms = oldest + rl->window_ms - now;
	return false;
}

static bool admit_fixed(ratelimit *rl, slot *s, int64_t now, bool count, int64_t *retry_ms)
{
	int64_t window = now / rl->window_ms;
	if (s->window != window) {
		s->window = window;
		s->count = 0;
	}
	if (s->count < rl->limit) {
		s->count += count;
		return true;
	}
	*retry_ms = (window + 1) * rl->window_ms - now;
	return false;
}

static bool admit(ratelimit *rl, const char *key, int64_t now, bool count, int64_t *retry_ms)
{
	if (!rl || rl->limit <= 0)
		return true;
	int64_t retry = 0;
	pthread_mutex_lock(&rl->mu);
	bool fresh;
	slot *s = slot_of(rl, key, &fresh);
	bool ok = true;
	if (fresh && count)
		slot_claim(s, key);
	if (!fresh || count)
		ok = rl->sliding ? admit_sliding(rl, s, now, count, &retry)
				 : admit_fixed(rl, s, now, count, &retry);
	pthread_mutex_unlock(&rl->mu);
	if (!ok && retry_ms)
		*retry_ms = retry > 0 ? retry : 1;
	return ok;
}

bool ratelimit_reserve(ratelimit *rl, const char *key, int64_t now, int64_t *retry_ms)
{
	return admit(rl, key, now, true, retry_ms);
}

bool ratelimit_take(ratelimit *rl, const char *key, int64_t now)
{
	return admit(rl, key, now, true, NULL);
}

bool ratelimit_peek(ratelimit *rl, const char *key, int64_t now, int64_t *retry_ms)
{
	return admit(rl, key, now, false, retry_ms);
}

void ratelimit_refund(ratelimit *rl, const char *key, int64_t at)
{
	if (!rl || rl->limit <= 0)
		return;
	pthread_mutex_lock(&rl->mu);
	bool fresh;
	slot *s = slot_of(rl, key, &fresh);
	if (!fresh && rl->sliding) {
		for (int i = 0; i < s->count; i++)
			if (s->times[i] == at) {
				s->times[i] = s->times[--s->count];
				break;
			}
	} else if (!fresh && s->window == at / rl->window_ms && s->count > 0) {
		s->count--;
	}
	pthread_mutex_unlock(&rl->mu);
}
