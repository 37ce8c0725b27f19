#include "http/validate.h"

#include <string.h>

#include "core/clock.h"

long jv_utf8_chars(const char *s)
{
	/* RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. */
	long n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		int len;
		unsigned cp, min;
		if (c < 0x80) {
			p++;
			n++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return -1;
		}
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		p += len;
		n++;
	}
	return n;
}

bool jv_has_control(const char *s, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))) ||
		    *p == 0x7f)
			return true;
		/* C1 controls U+0080..U+009F are encoded C2 80..C2 9F. */
		if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return true;
	}
	return false;
}

int jv_str(json_t *o, const char *key, unsigned flags, size_t max_chars, const char **out,
	   bool *present, err *e)
{
	*out = NULL;
	if (present)
		*present = false;
	json_t *v = json_object_get(o, key);
	if (!v || (json_is_null(v) && !(flags & JV_NULLABLE))) {
		if (flags & JV_REQUIRED)
			return err_set(e, ERR_INVALID, "missing_field", key, "缺少必填字段 %s",
				       key);
		return 0;
	}
	if (present)
		*present = true;
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "字段 %s 必须是字符串",
			       key);
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return err_set(e, ERR_INVALID, "invalid_text", key, "字段 %s 含有空字符", key);
	if (jv_has_control(s, flags & JV_MULTILINE))
		return err_set(e, ERR_INVALID, "invalid_text", key, "字段 %s 含有控制字符", key);
	/* Leading or trailing spaces only are empty in a person's eyes. */
	const char *t = s;
	while (*t == ' ')
		t++;
	if (!*t) {
		if (flags & JV_REQUIRED)
			return err_set(e, ERR_INVALID, "missing_field", key, "字段 %s 不能为空",
				       key);
		return 0;
	}
	long n = jv_utf8_chars(s);
	if (n < 0)
		return err_set(e, ERR_INVALID, "invalid_text", key, "字段 %s 不是有效的 UTF-8",
			       key);
	if ((size_t)n > max_chars)
		return err_set(e, ERR_INVALID, "too_long", key, "字段 %s 最多 %zu 个字符", key,
			       max_chars);
	*out = s;
	return 0;
}

int jv_int(json_t *o, const char *key, unsigned flags, int64_t min, int64_t max, int64_t *out,
	   bool *present, err *e)
{
	if (present)
		*present = false;
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		if (flags & JV_REQUIRED)
			return err_set(e, ERR_INVALID, "missing_field", key, "缺少必填字段 %s",
				       key);
		return 0;
	}
	if (!json_is_integer(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "字段 %s 必须是整数", key);
	int64_t n = json_integer_value(v);
	if (n < min || n > max)
		return err_set(e, ERR_INVALID, "out_of_range", key, "字段 %s 超出范围", key);
	*out = n;
	if (present)
		*present = true;
	return 0;
}

int jv_bool(json_t *o, const char *key, unsigned flags, int *out, err *e)
{
	*out = -1;
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		if (flags & JV_REQUIRED)
			return err_set(e, ERR_INVALID, "missing_field", key, "缺少必填字段 %s",
				       key);
		return 0;
	}
	if (!json_is_boolean(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key,
			       "字段 %s 必须是 true 或 false", key);
	*out = json_is_true(v);
	return 0;
}

int jv_phone(const char *phone, const char *field, err *e)
{
	if (!phone)
		return 0;
	int digits = 0;
	for (const char *p = phone; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ' && *p != '-' && *p != '+')
			return err_set(e, ERR_INVALID, "invalid_phone", field,
				       "电话号码只能包含数字、空格、+ 和 -");
	}
	if (digits < 5)
		return err_set(e, ERR_INVALID, "invalid_phone", field, "电话号码太短");
	return 0;
}

const struct jv_field *jv_field_find(const struct jv_field *fields, const char *key)
{
	for (const struct jv_field *f = fields; f && f->name; f++)
		if (strcmp(f->name, key) == 0)
			return f;
	return NULL;
}

static int missing(const struct jv_field *f, err *e)
{
	if (f->label)
		return err_set(e, ERR_INVALID, "missing_field", f->name, "%s", f->label);
	return err_set(e, ERR_INVALID, "missing_field", f->name, "缺少必填字段 %s", f->name);
}

static int out_of_range(const struct jv_field *f, err *e)
{
	if (f->label)
		return err_set(e, ERR_INVALID, "out_of_range", f->name, "%s", f->label);
	return err_set(e, ERR_INVALID, "out_of_range", f->name, "字段 %s 超出范围", f->name);
}

static int check_text(json_t *o, const struct jv_field *f, err *e)
{
	size_t max = f->max > 0 ? (size_t)f->max : 2000;
	const char *s;
	if (jv_str(o, f->name, (f->flags & JV_NULLABLE) | (f->type == JV_TEXT ? JV_MULTILINE : 0),
		   max, &s, NULL, e) < 0)
		return -1;
	if (!s)
		return f->flags & JV_REQUIRED ? missing(f, e) : 0;
	if (f->min > 0 && jv_utf8_chars(s) < f->min)
		return out_of_range(f, e);
	if (f->type == JV_ENUM) {
		for (const char *const *w = f->oneof; w && *w; w++)
			if (strcmp(*w, s) == 0)
				return 0;
		return err_set(e, ERR_INVALID, "invalid_value", f->name, "字段 %s 的取值无效",
			       f->name);
	}
	if (f->type == JV_TIME && clock_parse_iso(s, &(int64_t){0}) < 0)
		return err_set(e, ERR_INVALID, "invalid_time", f->name,
			       "字段 %s 须为 ISO 8601 时间", f->name);
	return 0;
}

static int check_number(json_t *v, const struct jv_field *f, err *e)
{
	bool ranged = f->min != 0 || f->max != 0;
	if (f->type == JV_NUMBER) {
		if (!json_is_number(v))
			return err_set(e, ERR_BAD_REQUEST, "invalid_type", f->name,
				       "字段 %s 必须是数字", f->name);
		double d = json_number_value(v);
		return ranged && (d < (double)f->min || d > (double)f->max) ? out_of_range(f, e)
									    : 0;
	}
	if (!json_is_integer(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", f->name, "字段 %s 必须是整数",
			       f->name);
	int64_t n = json_integer_value(v);
	if (f->type == JV_ID && n < 1)
		return out_of_range(f, e);
	return ranged && (n < f->min || n > f->max) ? out_of_range(f, e) : 0;
}

int jv_check(json_t *o, const struct jv_field *fields, err *e)
{
	for (const struct jv_field *f = fields; f && f->name; f++) {
		json_t *v = json_object_get(o, f->name);
		if (v && json_is_null(v) && (f->flags & JV_NULLABLE))
			continue;
		if (!v || json_is_null(v)) {
			if (f->flags & JV_REQUIRED)
				return missing(f, e);
			continue;
		}
		int rc = 0;
		switch (f->type) {
		case JV_STRING:
		case JV_TEXT:
		case JV_ENUM:
		case JV_TIME: rc = check_text(o, f, e); break;
		case JV_BOOL:
			if (!json_is_boolean(v))
				rc = err_set(e, ERR_BAD_REQUEST, "invalid_type", f->name,
					     "字段 %s 必须是 true 或 false", f->name);
			break;
		case JV_INT:
		case JV_ID:
		case JV_NUMBER: rc = check_number(v, f, e); break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

int64_t jv_time_ms(json_t *o, const char *key)
{
	int64_t ms = 0;
	const char *s = json_string_value(json_object_get(o, key));
	if (!s || clock_parse_iso(s, &ms) < 0)
		return 0;
	return ms;
}
