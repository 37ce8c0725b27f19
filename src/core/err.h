/* Errors travel as return codes plus one of these, filled by the function that failed.
 * The kind decides the HTTP status at the edge; code is a stable snake_case word for
 * clients; message is human words; field names the offending input when there is one. */
#ifndef YW_ERR_H
#define YW_ERR_H

enum err_kind {
	ERR_NONE = 0,
	ERR_BAD_REQUEST,  /* 400: malformed */
	ERR_UNAUTHORIZED, /* 401 */
	ERR_FORBIDDEN,	  /* 403 */
	ERR_NOT_FOUND,	  /* 404, also for records outside the caller's area */
	ERR_CONFLICT,	  /* 409: not allowed in the current state, or a duplicate */
	ERR_TOO_LARGE,	  /* 413 */
	ERR_INVALID,	  /* 422: well-formed but invalid */
	ERR_LOCKED,	  /* 423-like, reported as 403 with code account_locked */
	ERR_RATE_LIMITED, /* 429 */
	ERR_UNAVAILABLE,  /* 503: database unreachable, shutting down */
	ERR_INTERNAL,	  /* 500: a bug or an environment failure, never bad input */
};

typedef struct err {
	enum err_kind kind;
	char code[48];
	char message[256];
	char field[64];
} err;

/* Fills e (when not NULL) and returns -1, so callers can `return err_set(...)`. */
int err_set(err *e, enum err_kind kind, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void err_clear(err *e);
/* The HTTP status that belongs to an error kind. */
int err_http_status(enum err_kind kind);

#endif
