/* Allocation wrapped once: every function here aborts on out-of-memory, so callers
 * never check for NULL. */
#ifndef YW_MEM_H
#define YW_MEM_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new heap string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Caps glibc's malloc arenas at one per core (glibc makes up to eight per core, one per
 * thread that meets contention: with 16 worker threads each kept megabytes freed but not
 * returned). MALLOC_ARENA_MAX in the environment wins. Call first thing in main. */
void mem_limit_arenas(void);

#endif
