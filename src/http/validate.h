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
/* ---- declared checks ---- */

enum jv_type {
	JV_STRING, /* one line */
	JV_TEXT,   /* multiline */
	JV_INT,
	JV_BOOL,
	JV_ID,	 /* positive integer */
	JV_TIME, /* ISO 8601 with offset → epoch ms (jv_time_ms) */
	JV_ENUM,
	JV_NUMBER,
};

/* One field of a body. */
struct jv_field {
	const char *name;
	enum jv_type type;
	unsigned flags;		  /* JV_REQUIRED, JV_NULLABLE */
	int64_t min, max;	  /* characters for strings (max; 0: 2000), range for numbers
				     (both 0: any) */
	const char *const *oneof; /* JV_ENUM: the allowed words, NULL-terminated */
	const char *label;	  /* Chinese, for the message: "请填写退单理由" */
};

/* Checks o against fields (NULL-terminated by name == NULL): types (400 invalid_type),
 * required (422 missing_field with the field), ranges and lengths (422 out_of_range /
 * too_long as the jv_* functions above say), enums (422 invalid_value). Unknown keys
 * other than "action" are ignored. The label, when set, is the message of a missing or
 * out-of-range field. */
int jv_check(json_t *o, const struct jv_field *fields, err *e);
/* The field named key of fields, NULL when none. */
const struct jv_field *jv_field_find(const struct jv_field *fields, const char *key);
/* A JV_TIME value of o as epoch ms, 0 when absent or null (after jv_check). */
int64_t jv_time_ms(json_t *o, const char *key);

/* A text's length in characters, -1 when it is not valid UTF-8. */
long jv_utf8_chars(const char *s);
/* Whether s holds a control character (other than \n, \t when multiline). */
bool jv_has_control(const char *s, bool multiline);

#endif
