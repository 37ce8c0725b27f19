#include "api/validate.h"

#include <string.h>

long jv_utf8_chars(const char *s)
{
	long n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
		if (!len)
			return -1;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xC0) != 0x80)
				return -1;
		p += len;
		n++;
	}
	return n;
}

bool jv_has_control(const char *s, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))) ||
		    *p == 0x7f)
			return true;
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
			return err_set(e, ERR_INVALID, "missing_field", key, "缺少必填字段 %s", key);
		return 0;
	}
	if (present)
		*present = true;
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "字段 %s 必须是字符串", key);
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
			return err_set(e, ERR_INVALID, "missing_field", key, "字段 %s 不能为空", key);
		return 0;
	}
	long n = jv_utf8_chars(s);
	if (n < 0 || (size_t)n > max_chars)
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
			return err_set(e, ERR_INVALID, "missing_field", key, "缺少必填字段 %s", key);
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
			return err_set(e, ERR_INVALID, "missing_field", key, "缺少必填字段 %s", key);
		return 0;
	}
	if (!json_is_boolean(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "字段 %s 必须是 true 或 false",
			       key);
	*out = json_is_true(v);
	return 0;
}
