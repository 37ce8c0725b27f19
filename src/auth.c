#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "core/clock.h"
#include "core/mem.h"

int auth_init(err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "crypto_init", NULL, "libsodium 初始化失败");
	return 0;
}

void auth_hash_hex(const char *s, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* Characters, not bytes: the policy speaks of what a person types. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int auth_password_ok(const char *password, err *e)
{
	size_t n = password ? utf8_chars(password) : 0;
	if (n < 8 || n > 128)
		return err_set(e, ERR_INVALID, "weak_password", "password",
			       "密码需要 8 到 128 个字符");
	return 0;
}

int auth_hash_password(const char *password, char *out, size_t n, err *e)
{
	if (n < crypto_pwhash_STRBYTES)
		return err_set(e, ERR_INTERNAL, "buffer", NULL, "buffer too small");
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, ERR_INTERNAL, "hash_failed", NULL, "密码哈希失败（内存不足）");
	return 0;
}

bool auth_verify_password(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* 256 random bits as unpadded base64url: 43 characters. */
static void random_token(char *out, size_t n)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, n, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- login ---- */

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	if (crypto_pwhash_str(dummy_hash, "not a password", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

typedef struct login_ctx {
	int64_t user_id;
	const char *username, *ip;
	const char *refused; /* an audit action for a refusal before the password check */
	bool ok;
	char token_hash[65];
	int64_t now, expires_at, ttl;
	int failures;
} login_ctx;

static int login_tx(store_conn *c, void *p, err *e)
{
	login_ctx *x = p;
	actor who;
	memset(&who, 0, sizeof who);
	who.user_id = x->user_id;
	snprintf(who.username, sizeof who.username, "%s", x->user_id ? x->username : "(unknown)");
	snprintf(who.ip, sizeof who.ip, "%s", x->ip);
	if (x->refused) {
		json_t *d = json_pack("{s:s}", "username", x->username);
		int rc = audit_append(c, &who, x->refused, "user", x->user_id, d, e);
		json_decref(d);
		return rc;
	}
	if (!x->ok) {
		/* Count the failure and lock at the limit. A lock that has run out starts
		 * the count afresh. The count is the database's, not the reader's. */
		if (store_exec(c, e,
			       "UPDATE users SET"
			       " failed_logins = CASE WHEN locked_until > 0 AND locked_until <= ? "
			       "THEN 1"
			       " ELSE failed_logins + 1 END,"
			       " locked_until = CASE"
			       " WHEN locked_until > 0 AND locked_until <= ? THEN 0"
			       " WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END"
			       " WHERE id = ?",
			       "iiiii", x->now, x->now, (int64_t)AUTH_MAX_FAILURES,
			       x->now + AUTH_LOCK_MS, x->user_id) < 0)
			return -1;
		int64_t f;
		if (store_query_int(c, &f, 0, e, "SELECT failed_logins FROM users WHERE id = ?",
				    "i", x->user_id) < 0)
			return -1;
		x->failures = (int)f;
		json_t *d = json_pack("{s:I}", "failures", (json_int_t)f);
		int rc = audit_append(c, &who,
				      f >= AUTH_MAX_FAILURES ? "login_locked" : "login_failed",
				      "user", x->user_id, d, e);
		json_decref(d);
		return rc;
	}
	if (store_exec(c, e,
		       "UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = ?"
		       " WHERE id = ?",
		       "ii", x->now, x->user_id) < 0)
		return -1;
	if (store_exec(c, e,
		       "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip)"
		       " VALUES (?, ?, ?, ?, ?)",
		       "siiis", x->token_hash, x->user_id, x->now, x->expires_at, x->ip) < 0)
		return -1;
	return audit_append(c, &who, "login", "user", x->user_id, NULL, e);
}

int auth_login(store *s, const char *username, const char *password, const char *ip, int64_t ttl_ms,
	       char *token, size_t token_n, int64_t *user_id, int64_t *expires_at, err *e)
{
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT id, password_hash, disabled, locked_until FROM users"
				 " WHERE username = ?",
				 "s", username);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* Spend the same time as a real check so that timing does not tell which
		 * usernames exist. */
		pthread_once(&dummy_once, make_dummy);
		if (dummy_hash[0] && auth_verify_password(dummy_hash, password))
			dummy_hash[0] = '\0'; /* cannot happen: nobody knows this password */
		login_ctx u = {.username = username, .ip = ip, .refused = "login_unknown_user"};
		if (store_write(s, login_tx, &u, e) < 0)
			return -1;
		return err_set(e, ERR_UNAUTHORIZED, "invalid_credentials", NULL,
			       "用户名或密码错误");
	}
	login_ctx x = {.user_id = store_col_int(st, 0), .username = username, .ip = ip};
	char *hash = xstrdup(store_col_text(st, 1));
	bool disabled = store_col_int(st, 2) != 0;
	int64_t locked_until = store_col_int(st, 3);
	store_done(st);
	x.now = clock_now_ms();
	if (disabled) {
		free(hash);
		x.refused = "login_disabled";
		if (store_write(s, login_tx, &x, e) < 0)
			return -1;
		return err_set(e, ERR_FORBIDDEN, "account_disabled", NULL,
			       "账号已停用，请联系管理员");
	}
	if (locked_until > x.now) {
		free(hash);
		x.refused = "login_while_locked";
		if (store_write(s, login_tx, &x, e) < 0)
			return -1;
		int minutes = (int)((locked_until - x.now + 59999) / 60000);
		return err_set(e, ERR_LOCKED, "account_locked", NULL,
			       "密码连续错误次数过多，账号已锁定，请 %d 分钟后再试或联系管理员解锁",
			       minutes);
	}
	x.ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	free(hash);
	char tok[64];
	if (x.ok) {
		random_token(tok, sizeof tok);
		auth_hash_hex(tok, x.token_hash);
		x.expires_at = x.now + ttl_ms;
	}
	if (store_write(s, login_tx, &x, e) < 0)
		return -1;
	if (!x.ok) {
		if (x.failures >= AUTH_MAX_FAILURES)
			return err_set(e, ERR_LOCKED, "account_locked", NULL,
				       "密码连续错误 %d 次，账号已锁定 15 分钟，可联系管理员解锁",
				       x.failures);
		return err_set(e, ERR_UNAUTHORIZED, "invalid_credentials", NULL,
			       "用户名或密码错误");
	}
	snprintf(token, token_n, "%s", tok);
	*user_id = x.user_id;
	*expires_at = x.expires_at;
	return 0;
}

/* ---- sessions ---- */

int auth_resolve(store *s, const char *token, actor *out, err *e)
{
	if (!token || strlen(token) != 43)
		return err_set(e, ERR_UNAUTHORIZED, "unauthorized", NULL, "登录已失效，请重新登录");
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	char h[65];
	auth_hash_hex(token, h);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT u.id, u.username, u.unit_id, un.path, u.disabled, un.kind"
		" FROM sessions s JOIN users u ON u.id = s.user_id"
		" JOIN units un ON un.id = u.unit_id"
		" WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?",
		"si", h, clock_now_ms());
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_UNAUTHORIZED, "unauthorized", NULL, "登录已失效，请重新登录");
	memset(out, 0, sizeof *out);
	out->user_id = store_col_int(st, 0);
	snprintf(out->username, sizeof out->username, "%s", store_col_text(st, 1));
	out->unit_id = store_col_int(st, 2);
	snprintf(out->unit_path, sizeof out->unit_path, "%s", store_col_text(st, 3));
	snprintf(out->admin_path, sizeof out->admin_path, "%s", store_col_text(st, 3));
	bool disabled = store_col_int(st, 4) != 0;
	bool department = strcmp(store_col_text(st, 5), "department") == 0;
	store_done(st);
	if (disabled)
		return err_set(e, ERR_UNAUTHORIZED, "unauthorized", NULL, "账号已停用");
	st = store_prepare(c, "SELECT role FROM user_roles WHERE user_id = ?", e);
	if (!st)
		return -1;
	store_bind_int(st, 1, out->user_id);
	while ((rc = store_step(st, e)) == 1)
		out->roles |= role_parse(store_col_text(st, 0));
	store_done(st);
	if (rc < 0)
		return -1;
	if (department && actor_has(out, AUTH_JURISDICTION_ROLES))
		return auth_jurisdiction(c, out->unit_id, out->unit_path, sizeof out->unit_path, e);
	return 0;
}

int auth_jurisdiction(store_conn *c, int64_t unit_id, char *path, size_t n, err *e)
{
	/* Walk up from the department to the first region: a handful of primary-key reads. */
	int64_t id = unit_id;
	for (int hops = 0; id && hops < 32; hops++) {
		store_stmt *st;
		int rc = store_query_row(
			c, &st, e, "SELECT parent_id, kind, path FROM units WHERE id = ?", "i", id);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		bool region = strcmp(store_col_text(st, 1), "department") != 0;
		if (region)
			snprintf(path, n, "%s", store_col_text(st, 2));
		id = store_col_null(st, 0) ? 0 : store_col_int(st, 0);
		store_done(st);
		if (region)
			return 0;
	}
	return 0;
}

int auth_area(store_conn *c, int64_t unit_id, unsigned roles, char *path, size_t n, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path, kind FROM units WHERE id = ?", "i",
				 unit_id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", "unit_id", "单位不存在");
	snprintf(path, n, "%s", store_col_text(st, 0));
	bool department = strcmp(store_col_text(st, 1), "department") == 0;
	store_done(st);
	if (department && (roles & AUTH_JURISDICTION_ROLES))
		return auth_jurisdiction(c, unit_id, path, n, e);
	return 0;
}

typedef struct logout_ctx {
	const actor *who;
	char hash[65];
} logout_ctx;

static int logout_tx(store_conn *c, void *p, err *e)
{
	logout_ctx *x = p;
	if (store_exec(c, e,
		       "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS "
		       "NULL",
		       "is", clock_now_ms(), x->hash) < 0)
		return -1;
	return audit_append(c, x->who, "logout", "user", x->who->user_id, NULL, e);
}

int auth_logout(store *s, const actor *who, const char *token, err *e)
{
	logout_ctx x = {.who = who};
	auth_hash_hex(token, x.hash);
	return store_write(s, logout_tx, &x, e);
}

int auth_end_sessions(store_conn *c, int64_t user_id, const char *keep_token, err *e)
{
	char keep[65] = "";
	if (keep_token)
		auth_hash_hex(keep_token, keep);
	return store_exec(
		       c, e,
		       "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"
		       " AND token_hash <> ?",
		       "iis", clock_now_ms(), user_id, keep) < 0
		       ? -1
		       : 0;
}

/* ---- API keys ---- */

typedef struct key_ctx {
	const actor *who;
	const char *name;
	char prefix[16], hash[65];
	int64_t id;
} key_ctx;

static int apikey_create_tx(store_conn *c, void *p, err *e)
{
	key_ctx *x = p;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO api_keys (name, prefix, key_hash, created_at)"
				 " VALUES (?, ?, ?, ?) RETURNING id",
				 "sssi", x->name, x->prefix, x->hash, clock_now_ms());
	if (rc <= 0)
		return -1;
	x->id = store_col_int(st, 0);
	store_done(st);
	json_t *d = json_pack("{s:s, s:s}", "name", x->name, "prefix", x->prefix);
	rc = audit_append(c, x->who, "apikey_create", "api_key", x->id, d, e);
	json_decref(d);
	return rc;
}

int auth_apikey_create(store *s, const actor *who, const char *name, char *key, size_t key_n,
		       int64_t *id, err *e)
{
	if (!name || !*name || strlen(name) > 200)
		return err_set(e, ERR_INVALID, "invalid_name", "name",
			       "需要合作方名称（1–200 字节）");
	char tok[64];
	random_token(tok, sizeof tok);
	key_ctx x = {.who = who, .name = name};
	snprintf(x.prefix, sizeof x.prefix, "%.8s", tok);
	auth_hash_hex(tok, x.hash);
	if (store_write(s, apikey_create_tx, &x, e) < 0)
		return -1;
	snprintf(key, key_n, "%s", tok);
	*id = x.id;
	return 0;
}

int auth_apikey_list(store *s, json_t **items, err *e)
{
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	store_stmt *st = store_prepare(
		c, "SELECT id, name, prefix, created_at, revoked_at FROM api_keys ORDER BY id", e);
	if (!st)
		return -1;
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *o =
			json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)store_col_int(st, 0),
				  "name", store_col_text(st, 1), "prefix", store_col_text(st, 2),
				  "created_at", (json_int_t)store_col_int(st, 3));
		json_object_set_new(o, "revoked_at",
				    store_col_null(st, 4) ? json_null()
							  : json_integer(store_col_int(st, 4)));
		json_array_append_new(arr, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

typedef struct revoke_ctx {
	const actor *who;
	int64_t id;
} revoke_ctx;

static int apikey_revoke_tx(store_conn *c, void *p, err *e)
{
	revoke_ctx *x = p;
	int64_t n = store_exec(
		c, e, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
		"ii", clock_now_ms(), x->id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "没有这个有效的 API 密钥");
	return audit_append(c, x->who, "apikey_revoke", "api_key", x->id, NULL, e);
}

int auth_apikey_revoke(store *s, const actor *who, int64_t id, err *e)
{
	revoke_ctx x = {.who = who, .id = id};
	return store_write(s, apikey_revoke_tx, &x, e);
}

int auth_apikey_check(store *s, const char *key, int64_t *id, char *name, size_t name_n, err *e)
{
	if (!key || !*key || strlen(key) > 128)
		return err_set(e, ERR_FORBIDDEN, "invalid_api_key", "api_key", "API 密钥无效");
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	char h[65];
	auth_hash_hex(key, h);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT id, name FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", "s", h);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_FORBIDDEN, "invalid_api_key", "api_key",
			       "API 密钥无效或已吊销");
	*id = store_col_int(st, 0);
	snprintf(name, name_n, "%s", store_col_text(st, 1));
	store_done(st);
	return 0;
}
