#include "appeals/open311_params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/open311.h"
#include "core/mem.h"
#include "http/validate.h"

int open311_split_file(const char *file, char *name, size_t n, bool *json)
{
	const char *dot = strrchr(file, '.');
	*json = dot && !strcmp(dot, ".json");
	if (!dot || (strcmp(dot, ".json") != 0 && strcmp(dot, ".xml") != 0) ||
	    (size_t)(dot - file) >= n)
		return -1;
	snprintf(name, n, "%.*s", (int)(dot - file), file);
	return 0;
}

static bool multiline_param(const char *name)
{
	return !strcmp(name, "description") || !strncmp(name, "attribute[", 10);
}

bool open311_param_ok(const char *name, const char *value)
{
	return jv_utf8_chars(name) >= 0 && !jv_has_control(name, false) &&
	       (!value ||
		(jv_utf8_chars(value) >= 0 && !jv_has_control(value, multiline_param(name))));
}

int open311_number(const char *v, double min, double max, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !isfinite(d) || d < min || d > max || strlen(v) > 32)
		return -1;
	*out = d;
	return 0;
}

bool open311_email_ok(const char *email)
{
	const char *at = strchr(email, '@');
	return at && at != email && at[1] && !strchr(at + 1, '@') && !strpbrk(email, " <>,;\"");
}

bool open311_media_url_ok(const char *url)
{
	bool ok = !strncmp(url, "http://", 7) || !strncmp(url, "https://", 8);
	for (const char *p = url; ok && *p; p++)
		ok = *p > ' ' && *p < 0x7f && !strchr("\"<>\\^`{|}", *p);
	return ok;
}

int open311_attribute_name(const char *name, char *code, size_t n, bool *list)
{
	if (strncmp(name, "attribute[", 10) != 0)
		return -1;
	const char *open = name + 10;
	const char *close = strchr(open, ']');
	if (!close || (size_t)(close - open) >= n)
		return -1;
	snprintf(code, n, "%.*s", (int)(close - open), open);
	*list = !strcmp(close, "][]");
	if (!*list && strcmp(close, "]") != 0)
		return -1;
	return open311_code_valid(code) ? 0 : -1;
}

bool open311_token_shape(const char *t)
{
	size_t n = strlen(t);
	if (n < 1 || n > 64)
		return false;
	for (; *t; t++)
		if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'z') ||
		      (*t >= 'A' && *t <= 'Z') || *t == '-' || *t == '_'))
			return false;
	return true;
}

int open311_status(const char *status, bool *open, bool *closed)
{
	char *list = xstrdup(status);
	int rc = 0;
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (!strcmp(t, "open")) {
			*open = true;
		} else if (!strcmp(t, "closed")) {
			*closed = true;
		} else if (*t) {
			rc = -1;
			break;
		}
	}
	free(list);
	return rc;
}
