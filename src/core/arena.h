/* A per-request arena: many small allocations, freed all at once when the request ends
 * (h2o's memory pools). */
#ifndef YW_ARENA_H
#define YW_ARENA_H
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
	arena_block *head;
} arena;

void arena_init(arena *a);
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every allocation made from the arena; the arena may be used again. */
void arena_free(arena *a);

#endif
