/* Session lookups besides auth_resolve, for the HTTP edge. */
#include <string.h>

#include "auth.h"

int auth_session_expires_at(store *s, const char *token, int64_t *expires_at, err *e)
{
	*expires_at = 0;
	if (!token || strlen(token) != 43)
		return err_set(e, ERR_UNAUTHORIZED, "unauthorized", NULL, "登录已失效，请重新登录");
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	char h[65];
	auth_hash_hex(token, h);
	return store_query_int(c, expires_at, 0, e,
			       "SELECT expires_at FROM sessions WHERE token_hash = ? AND"
			       " revoked_at IS NULL",
			       "s", h);
}
