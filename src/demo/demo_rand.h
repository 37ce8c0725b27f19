/* A deterministic random source for demo builders: xorshift64*, one state per simulated
 * record, so that a record's story does not depend on the others'. */
#ifndef YW_DEMO_RAND_H
#define YW_DEMO_RAND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint64_t demo_rnd_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* A well-mixed non-zero seed from any number (splitmix64's finaliser). */
static inline uint64_t demo_rnd_seed(uint64_t v)
{
	v += 0x9E3779B97F4A7C15ULL;
	v = (v ^ (v >> 30)) * 0xBF58476D1CE4E5B9ULL;
	v = (v ^ (v >> 27)) * 0x94D049BB133111EBULL;
	v ^= v >> 31;
	return v ? v : 1;
}

/* A number in [0, 1). */
static inline double demo_rnd_unit(uint64_t *s)
{
	return (double)(demo_rnd_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* An integer in [lo, hi]. */
static inline int64_t demo_rnd_int(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(demo_rnd_unit(s) * (double)(hi - lo + 1));
}

static inline bool demo_rnd_chance(uint64_t *s, double p)
{
	return demo_rnd_unit(s) < p;
}

/* An index in [0, n) with the weights w. */
static inline size_t demo_rnd_weighted(uint64_t *s, const int *w, size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i];
	int x = total > 0 ? (int)demo_rnd_int(s, 0, total - 1) : 0;
	for (size_t i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#endif
