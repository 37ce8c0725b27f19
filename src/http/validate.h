/* Validation of JSON input at the edge: types (400 when wrong), presence and ranges (422),
 * lengths counted in characters, control characters refused. */
#ifndef YW_VALIDATE_H
#define YW_VALIDATE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

enum { JV_OPTIONAL = 0, JV_REQUIRED = 1, JV_MULTILINE = 2, JV_NULLABLE = 4 };

/* A string field of 1..max_chars characters. *out is NULL when absent (or null with
 * JV_NULLABLE, then *present says it was given). Borrowed from o. */
int jv_str(json_t *o, const char *key, unsigned flags, size_t max_chars, const char **out,
	   bool *present, err *e);
/* An integer field within [min, max]; *present false when absent. */
int jv_int(json_t *o, const char *key, unsigned flags, int64_t min, int64_t max, int64_t *out,
	   bool *present, err *e);
/* A boolean field; *out -1 when absent, else 0 or 1. */
int jv_bool(json_t *o, const char *key, unsigned flags, int *out, err *e);
/* A phone number: digits, spaces, '+' and '-', with at least 5 digits (422 otherwise).
 * NULL passes (the field was absent). */
int jv_phone(const char *phone, const char *field, err *e);
/* A text's length in characters, -1 when it is not valid UTF-8. */
long jv_utf8_chars(const char *s);
/* Whether s holds a control character (other than \n, \t when multiline). */
bool jv_has_control(const char *s, bool multiline);

#endif
