/* A growable byte buffer, always NUL-terminated, with an optional maximum so that input
 * from a client can never grow it without limit (see curl's dynbuf). */
#ifndef YW_STRBUF_H
#define YW_STRBUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max; /* 0: unlimited */
} strbuf;

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0, 0                                                                      \
	}

void strbuf_init(strbuf *sb, size_t max);
/* Each append returns 0, or -1 (and appends nothing) when max would be exceeded. */
int strbuf_add(strbuf *sb, const void *data, size_t n);
int strbuf_adds(strbuf *sb, const char *s);
int strbuf_addch(strbuf *sb, char c);
int strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);
void strbuf_reset(strbuf *sb);
/* Hands the buffer to the caller (never NULL) and leaves sb empty. */
char *strbuf_detach(strbuf *sb, size_t *len);
void strbuf_release(strbuf *sb);
/* The contents, "" when nothing was added. */
const char *strbuf_str(const strbuf *sb);

#endif
