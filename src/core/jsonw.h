/* A JSON writer into a strbuf: the hot responses (an appeal, a page of appeals) are written
 * straight from their rows instead of being built as jansson trees and dumped, and every
 * other response tree is dumped by jw_tree, which copies UTF-8 runs whole where jansson
 * walks them one code point at a time. Keys and values are separated automatically: a
 * value or key that follows another inside an object or array gets its comma. */
#ifndef YW_JSONW_H
#define YW_JSONW_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"

/* Opens/closes an object or array. */
void jw_open(strbuf *sb, char bracket);
void jw_close(strbuf *sb, char bracket);
/* A key inside an object: "k": (with the comma before it when needed). */
void jw_key(strbuf *sb, const char *k);
/* Values. A NULL string is null; invalid UTF-8 becomes U+FFFD, never invalid output. */
void jw_str(strbuf *sb, const char *s);
void jw_strn(strbuf *sb, const char *s, size_t n);
void jw_int(strbuf *sb, int64_t v);
void jw_bool(strbuf *sb, bool v);
void jw_null(strbuf *sb);
void jw_real(strbuf *sb, double v);
/* A time in ms as ISO 8601 with +08:00 (clock_format_iso). */
void jw_time(strbuf *sb, int64_t ms);
/* Text that is already JSON, as one value. */
void jw_raw(strbuf *sb, const char *json, size_t n);
/* A jansson value, compact, in its insertion order (as json_dumps(JSON_COMPACT)). */
void jw_tree(strbuf *sb, const json_t *v);

#endif
