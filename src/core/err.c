#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(err *e, enum err_kind kind, const char *code, const char *field, const char *fmt, ...)
{
	if (!e)
		return -1;
	e->kind = kind;
	snprintf(e->code, sizeof e->code, "%s", code ? code : "error");
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof e->message) {
		/* Truncated: do not leave half a UTF-8 character at the end. */
		size_t len = strlen(e->message);
		size_t cut = len;
		while (cut > 0 && ((unsigned char)e->message[cut - 1] & 0xC0) == 0x80)
			cut--;
		if (cut > 0 && ((unsigned char)e->message[cut - 1] & 0x80)) {
			unsigned char lead = (unsigned char)e->message[cut - 1];
			size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
			if (len - (cut - 1) < need)
				e->message[cut - 1] = '\0';
		}
	}
	return -1;
}

void err_clear(err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

int err_http_status(enum err_kind kind)
{
	switch (kind) {
	case ERR_NONE: return 200;
	case ERR_BAD_REQUEST: return 400;
	case ERR_UNAUTHORIZED: return 401;
	case ERR_FORBIDDEN: return 403;
	case ERR_LOCKED: return 403;
	case ERR_NOT_FOUND: return 404;
	case ERR_CONFLICT: return 409;
	case ERR_TOO_LARGE: return 413;
	case ERR_INVALID: return 422;
	case ERR_RATE_LIMITED: return 429;
	case ERR_UNAVAILABLE: return 503;
	case ERR_INTERNAL: return 500;
	}
	return 500;
}
