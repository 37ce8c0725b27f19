#include "org/auth.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "org/audit.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"

int auth_init(err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "crypto_init", NULL, "libsodium 初始化失败");
	/* One hash per core, at most four at once (256 MiB). */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int slots = cores < 1 ? 1 : cores > 4 ? 4 : (int)cores;
	auth_hash_limit(slots, AUTH_HASH_WAIT_MS);
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

/* Passwords that pass the class rule and still head every guessing list. */
static const char *const common_passwords[] = {
	"p@ssw0rd", "p@55w0rd",	 "passw0rd!",	"1qaz@wsx",  "1qaz!qaz",  "1qaz2wsx!",
	"!qaz2wsx", "1q2w3e4r!", "1q2w3e4r5t!", "qwe123!@#", "qwer1234!", "qwer!234",
	"zaq1@wsx", "zaq12wsx!", "a1b2c3d4!",	"abc!@#123", "aa123456!", "aa123456",
	"aa112233", "qq123456",	 "asdf1234!",	"zxcv1234!", "!@#qweasd", "1234qwer!",
};

/* Words that "Word" + digits + symbols make into the commonest strong-looking passwords:
 * "Admin@123", "Password1!", "Fuxin2026!". */
static const char *const common_stems[] = {
	"password", "passwd", "pass",	 "admin",  "administrator", "root",   "test",	 "guest",
	"user",	    "login",  "welcome", "qwerty", "qwer",	    "qwe",    "asdf",	 "zxcv",
	"abc",	    "abcd",   "abcde",	 "abcdef", "iloveyou",	    "woaini", "aini",	 "letmein",
	"huawei",   "fuxin",  "yiwang",	 "china",  "beijing",	    "system", "manager", "super",
};

static void ascii_lower(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] - 'A' + 'a') : in[i];
	out[i] = '\0';
}

/* The letters at the heart of a password: without the digits and ASCII symbols around
 * them ("admin" in "@Admin2026!"); empty when other characters sit in between. */
static void password_stem(const char *lower, char *out, size_t n)
{
	const char *b = lower, *e = lower + strlen(lower);
	while (b < e && !(*b >= 'a' && *b <= 'z'))
		b++;
	while (e > b && !(e[-1] >= 'a' && e[-1] <= 'z'))
		e--;
	for (const char *q = b; q < e; q++)
		if (!(*q >= 'a' && *q <= 'z')) {
			snprintf(out, n, "%s", "");
			return;
		}
	snprintf(out, n, "%.*s", (int)(e - b), b);
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

int auth_password_policy(const char *password, const char *username, err *e)
{
	if (auth_password_ok(password, e) < 0)
		return -1;
	bool upper = false, lower = false, digit = false, symbol = false;
	for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			upper = true;
		else if (*p >= 'a' && *p <= 'z')
			lower = true;
		else if (*p >= '0' && *p <= '9')
			digit = true;
		else
			symbol = true; /* ASCII punctuation, space, and every non-ASCII byte */
	}
	if (upper + lower + digit + symbol < 3)
		return err_set(
			e, ERR_INVALID, "weak_password", "password",
			"密码强度不足：需包含大写字母、小写字母、数字、符号（汉字等也算符号）"
			"中的至少三类");
	char low[512], name[64], stem[512];
	ascii_lower(password, low, sizeof low);
	if (username && *username) {
		ascii_lower(username, name, sizeof name);
		if (strstr(low, name))
			return err_set(e, ERR_INVALID, "weak_password", "password",
				       "密码不能包含用户名");
	}
	password_stem(low, stem, sizeof stem);
	if (in_list(low, common_passwords, sizeof common_passwords / sizeof *common_passwords) ||
	    in_list(stem, common_stems, sizeof common_stems / sizeof *common_stems))
		return err_set(e, ERR_INVALID, "weak_password", "password",
			       "密码过于常见，容易被猜中，请换一个");
	return 0;
}

/* ---- the account policy ---- */

static auth_policy policy = {
	.idle_ms = (int64_t)AUTH_IDLE_MINUTES_DEFAULT * 60 * 1000,
	.password_max_age_ms = (int64_t)AUTH_PASSWORD_DAYS_DEFAULT * 24 * 3600 * 1000,
};

void auth_set_policy(const auth_policy *p)
{
	policy = *p;
}

auth_policy auth_get_policy(void)
{
	return policy;
}

/* When a password set at changed_at expires; 0: never. */
static int64_t password_expiry(int64_t changed_at)
{
	return policy.password_max_age_ms ? changed_at + policy.password_max_age_ms : 0;
}

/* ---- the argon2id gate ----
 * One argon2id computation takes 64 MiB and tens of milliseconds of a core, and anyone
 * can ask for one by trying to log in. At most `slots` run at once; the others queue in
 * arrival order, each for at most wait_ms, and are then told to come back (ERR_UNAVAILABLE
 * busy): a flood of logins costs bounded memory and cores, and a burst of real ones (a
 * room of deputies logging in at once) is served in turn. A slot is handed straight to the
 * first in the queue, so a newcomer never overtakes those waiting. */
typedef struct gate_waiter {
	pthread_cond_t wake;
	bool granted;
	struct gate_waiter *next;
} gate_waiter;

static struct {
	pthread_mutex_t mu;
	int slots, wait_ms, running;
	gate_waiter *head, *tail;
} gate = {PTHREAD_MUTEX_INITIALIZER, 2, AUTH_HASH_WAIT_MS, 0, NULL, NULL};

void auth_hash_limit(int slots, int wait_ms)
{
	pthread_mutex_lock(&gate.mu);
	gate.slots = slots > 0 ? slots : 1;
	gate.wait_ms = wait_ms >= 0 ? wait_ms : 0;
	pthread_mutex_unlock(&gate.mu);
}

static void deadline_in(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static void unqueue(gate_waiter *w)
{
	gate_waiter **p = &gate.head, *prev = NULL;
	while (*p && *p != w) {
		prev = *p;
		p = &(*p)->next;
	}
	if (!*p)
		return;
	*p = w->next;
	if (gate.tail == w)
		gate.tail = prev;
}

static int gate_enter(err *e)
{
	pthread_mutex_lock(&gate.mu);
	if (!gate.head && gate.running < gate.slots) {
		gate.running++;
		pthread_mutex_unlock(&gate.mu);
		return 0;
	}
	gate_waiter w = {.granted = false};
	pthread_cond_init(&w.wake, NULL);
	if (gate.tail)
		gate.tail->next = &w;
	else
		gate.head = &w;
	gate.tail = &w;
	struct timespec until;
	deadline_in(&until, gate.wait_ms);
	int rc = 0;
	while (!w.granted && rc != ETIMEDOUT)
		rc = pthread_cond_clockwait(&w.wake, &gate.mu, CLOCK_MONOTONIC, &until);
	if (!w.granted)
		unqueue(&w);
	pthread_mutex_unlock(&gate.mu);
	pthread_cond_destroy(&w.wake);
	if (!w.granted)
		return err_set(e, ERR_UNAVAILABLE, "busy", NULL, "服务器正忙，请稍后再试");
	return 0;
}

static void gate_leave(void)
{
	pthread_mutex_lock(&gate.mu);
	gate_waiter *w = gate.head;
	if (w) {
		/* The slot passes to the first waiting; running stays. */
		gate.head = w->next;
		if (!gate.head)
			gate.tail = NULL;
		w->granted = true;
		pthread_cond_signal(&w->wake);
	} else {
		gate.running--;
	}
	pthread_mutex_unlock(&gate.mu);
}

/* Checks password against hash with a slot of the gate; budget (when given) is asked
 * first, with the slot held. */
static int verify(const char *hash, const char *password, const auth_budget *budget, bool *match,
		  err *e)
{
	if (gate_enter(e) < 0)
		return -1;
	if (budget && !budget->take(budget->ctx)) {
		gate_leave();
		return err_set(e, ERR_RATE_LIMITED, "rate_limited", NULL,
			       "登录失败次数过多，请稍后再试");
	}
	*match = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	gate_leave();
	return 0;
}

int auth_hash_password(const char *password, char *out, size_t n, err *e)
{
	if (n < crypto_pwhash_STRBYTES)
		return err_set(e, ERR_INTERNAL, "buffer", NULL, "buffer too small");
	if (gate_enter(e) < 0)
		return -1;
	int rc = crypto_pwhash_str(out, password, strlen(password),
				   crypto_pwhash_OPSLIMIT_INTERACTIVE,
				   crypto_pwhash_MEMLIMIT_INTERACTIVE);
	gate_leave();
	if (rc != 0)
		return err_set(e, ERR_INTERNAL, "hash_failed", NULL, "密码哈希失败（内存不足）");
	return 0;
}

int auth_verify_password(const char *hash, const char *password, bool *match, err *e)
{
	return verify(hash, password, NULL, match, e);
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

int auth_login_check(store *s, const char *username, const char *password, const char *ip,
		     const auth_budget *budget, auth_attempt *a, err *e)
{
	memset(a, 0, sizeof *a);
	a->username = username;
	a->ip = ip;
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT id, password_hash, disabled, locked_until, password_changed_at"
		" FROM users WHERE username = ?",
		"s", username);
	if (rc < 0)
		return -1;
	int64_t now = clock_now_ms();
	bool dummy = rc == 0;
	if (rc == 1) {
		a->user_id = store_col_int(st, 0);
		snprintf(a->hash, sizeof a->hash, "%s", store_col_text(st, 1));
		a->disabled = store_col_int(st, 2) != 0;
		a->locked_until = store_col_int(st, 3);
		a->password_changed_at = store_col_int(st, 4);
		store_done(st);
	}
	/* A disabled or locked account is refused without a look at the password, so
	 * guessing at it costs no hash. (A password that matched is checked against both
	 * again in the transaction.) */
	if (a->disabled || a->locked_until > now)
		return 0;
	if (dummy) {
		/* Spend the same time as a real check so that timing does not tell which
		 * usernames exist. */
		pthread_once(&dummy_once, make_dummy);
		if (!dummy_hash[0])
			return 0;
		snprintf(a->hash, sizeof a->hash, "%s", dummy_hash);
	}
	bool match = false;
	if (verify(a->hash, password, budget, &match, e) < 0)
		return -1;
	a->checked = true;
	a->match = match && !dummy;
	return 0;
}

/* What the transaction found, for the answer; and the audit action of each refusal. */
enum verdict { V_OK, V_WRONG, V_UNKNOWN, V_STALE, V_DISABLED, V_LOCKED };
static const char *const refused_action[] = {[V_UNKNOWN] = "login_unknown_user",
					     [V_STALE] = "login_stale",
					     [V_DISABLED] = "login_disabled",
					     [V_LOCKED] = "login_while_locked"};

typedef struct login_ctx {
	const auth_attempt *a;
	int64_t now, expires_at;
	char token_hash[65];
	enum verdict verdict;
	int64_t failures, locked_until;
} login_ctx;

/* The User-Agent as the login log keeps it: printable ASCII (a browser sends nothing
 * else; any other byte becomes '?'), at most 255 bytes. */
static json_t *user_agent_json(const char *ua)
{
	char out[256];
	size_t n = 0;
	for (; ua && ua[n] && n + 1 < sizeof out; n++)
		out[n] = ua[n] >= 0x20 && ua[n] < 0x7f ? ua[n] : '?';
	out[n] = '\0';
	return json_string(out);
}

/* Every entry of the login log (docs/security.md "Accounts") carries the client's
 * address (the entry's ip) and User-Agent. detail is stolen. */
static int audit_login(store_conn *c, login_ctx *x, const char *action, json_t *detail, err *e)
{
	actor who;
	memset(&who, 0, sizeof who);
	who.user_id = x->a->user_id;
	snprintf(who.username, sizeof who.username, "%s",
		 x->a->user_id ? x->a->username : "(unknown)");
	snprintf(who.ip, sizeof who.ip, "%s", x->a->ip);
	if (!detail)
		detail = json_object();
	if (x->a->user_agent)
		json_object_set_new(detail, "user_agent", user_agent_json(x->a->user_agent));
	int rc = audit_append(c, &who, action, "user", x->a->user_id, detail, e);
	json_decref(detail);
	return rc;
}

/* Why the account refused the attempt's conditional update: disabled, locked, or its
 * password changed since the check (or the account is gone). */
static int refusal(store_conn *c, login_ctx *x, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT disabled, locked_until FROM users WHERE id = ?",
				 "i", x->a->user_id);
	if (rc < 0)
		return -1;
	x->verdict = V_UNKNOWN;
	if (rc == 1) {
		x->locked_until = store_col_int(st, 1);
		x->verdict = store_col_int(st, 0)	? V_DISABLED
			     : x->locked_until > x->now ? V_LOCKED
							: V_STALE;
		store_done(st);
	}
	return audit_login(c, x, refused_action[x->verdict],
			   json_pack("{s:s}", "username", x->a->username), e);
}

/* A wrong password counts towards the lock, and the lock is set at the limit, in one
 * conditional statement: concurrent attempts are counted one after the other, and only
 * while the account is open, so they never count beyond the limit. A lock that has run
 * out starts the count afresh. */
static int count_failure(store_conn *c, login_ctx *x, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"UPDATE users SET"
		" failed_logins = CASE WHEN locked_until > 0 THEN 1 ELSE failed_logins + 1 END,"
		" locked_until = CASE WHEN (CASE WHEN locked_until > 0 THEN 1"
		" ELSE failed_logins + 1 END) >= ? THEN CAST(? AS BIGINT) ELSE 0 END"
		" WHERE id = ? AND password_hash = ? AND disabled = 0 AND locked_until <= ?"
		" RETURNING failed_logins",
		"iiisi", (int64_t)AUTH_MAX_FAILURES, x->now + AUTH_LOCK_MS, x->a->user_id,
		x->a->hash, x->now);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return refusal(c, x, e);
	x->failures = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	x->verdict = V_WRONG;
	return audit_login(c, x, x->failures >= AUTH_MAX_FAILURES ? "login_locked" : "login_failed",
			   json_pack("{s:I}", "failures", (json_int_t)x->failures), e);
}

/* The session is created only if the hash the password matched is still the account's
 * and the account is neither disabled nor locked now: the update holds the account's row
 * until the commit, so a password reset or a disabling either comes first (and nothing is
 * created) or comes after and ends the new session with the others. */
static int open_session(store_conn *c, login_ctx *x, err *e)
{
	int64_t n = store_exec(c, e,
			       "UPDATE users SET failed_logins = 0, locked_until = 0,"
			       " last_login_at = ? WHERE id = ? AND password_hash = ?"
			       " AND disabled = 0 AND locked_until <= ?",
			       "iisi", x->now, x->a->user_id, x->a->hash, x->now);
	if (n < 0)
		return -1;
	if (n == 0)
		return refusal(c, x, e);
	if (store_exec(c, e,
		       "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip,"
		       " last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
		       "siiisi", x->token_hash, x->a->user_id, x->now, x->expires_at, x->a->ip,
		       x->now) < 0)
		return -1;
	x->verdict = V_OK;
	int64_t expiry = password_expiry(x->a->password_changed_at);
	return audit_login(
		c, x, "login",
		expiry && expiry <= x->now ? json_pack("{s:b}", "password_expired", 1) : NULL, e);
}

static int login_tx(store_conn *c, void *p, err *e)
{
	login_ctx *x = p;
	const auth_attempt *a = x->a;
	if (!a->user_id || !a->checked) {
		/* Unknown, or refused at the check as the account stood then. */
		x->verdict = !a->user_id ? V_UNKNOWN : a->disabled ? V_DISABLED : V_LOCKED;
		x->locked_until = a->locked_until;
		return audit_login(c, x, refused_action[x->verdict],
				   json_pack("{s:s}", "username", a->username), e);
	}
	return a->match ? open_session(c, x, e) : count_failure(c, x, e);
}

int auth_login_commit(store *s, const auth_attempt *a, int64_t ttl_ms, char *token, size_t token_n,
		      int64_t *user_id, int64_t *expires_at, err *e)
{
	login_ctx x = {.a = a, .now = clock_now_ms()};
	char tok[64];
	random_token(tok, sizeof tok);
	auth_hash_hex(tok, x.token_hash);
	x.expires_at = x.now + ttl_ms;
	if (store_write(s, login_tx, &x, e) < 0)
		return -1;
	switch (x.verdict) {
	case V_OK:
		snprintf(token, token_n, "%s", tok);
		*user_id = a->user_id;
		*expires_at = x.expires_at;
		return 0;
	case V_DISABLED:
		return err_set(e, ERR_FORBIDDEN, "account_disabled", NULL,
			       "账号已停用，请联系管理员");
	case V_LOCKED:
		return err_set(e, ERR_LOCKED, "account_locked", NULL,
			       "密码连续错误次数过多，账号已锁定，请 %d 分钟后再试或联系管理员解锁",
			       (int)((x.locked_until - x.now + 59999) / 60000));
	case V_WRONG:
		if (x.failures >= AUTH_MAX_FAILURES)
			return err_set(e, ERR_LOCKED, "account_locked", NULL,
				       "密码连续错误 %d 次，账号已锁定 15 分钟，可联系管理员解锁",
				       (int)x.failures);
		break;
	case V_UNKNOWN:
	case V_STALE: break;
	}
	return err_set(e, ERR_UNAUTHORIZED, "invalid_credentials", NULL, "用户名或密码错误");
}

int auth_login(store *s, const char *username, const char *password, const char *ip, int64_t ttl_ms,
	       char *token, size_t token_n, int64_t *user_id, int64_t *expires_at, err *e)
{
	auth_attempt a;
	if (auth_login_check(s, username, password, ip, NULL, &a, e) < 0)
		return -1;
	return auth_login_commit(s, &a, ttl_ms, token, token_n, user_id, expires_at, e);
}

/* ---- sessions ---- */

typedef struct seen_ctx {
	char hash[65];
	int64_t now;
} seen_ctx;

static int seen_tx(store_conn *c, void *p, err *e)
{
	seen_ctx *x = p;
	return store_exec(c, e,
			  "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"
			  " AND last_seen_at < ?",
			  "isi", x->now, x->hash, x->now) < 0
		       ? -1
		       : 0;
}

static void seen_done(void *arg, int rc, const err *e)
{
	(void)rc, (void)e;
	free(arg);
}

/* Records that the session was used now. Where the store has a writer thread the write
 * is queued and the request goes on without waiting for it; elsewhere it is one small
 * transaction. Either way a lost write only means the next request records the use. */
static void record_use(store *s, const char *hash, int64_t now)
{
	seen_ctx *x = xmalloc(sizeof *x);
	snprintf(x->hash, sizeof x->hash, "%s", hash);
	x->now = now;
	if (store_can_defer(s)) {
		store_write_async(s, seen_tx, x, seen_done, x);
		return;
	}
	err e = {0};
	store_write(s, seen_tx, x, &e);
	free(x);
}

/* How often a use is written: once a minute, or every half idle time when that is
 * shorter, so that a session in use never looks idle. */
static int64_t seen_every(void)
{
	int64_t half = policy.idle_ms / 2;
	return policy.idle_ms && half < AUTH_SEEN_EVERY_MS ? half : AUTH_SEEN_EVERY_MS;
}

bool auth_token_shaped(const char *token)
{
	static const char b64url[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	return token && strspn(token, b64url) == AUTH_TOKEN_LEN && !token[AUTH_TOKEN_LEN];
}

int auth_resolve(store *s, const char *token, actor *out, err *e)
{
	if (!auth_token_shaped(token))
		return err_set(e, ERR_UNAUTHORIZED, "unauthorized", NULL, "登录已失效，请重新登录");
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	char h[65];
	auth_hash_hex(token, h);
	int64_t now = clock_now_ms();
	store_stmt *st;
	/* The session, its user and the user's roles in one statement (one row per role):
	 * on PostgreSQL every statement is a round trip. For a user placed in a department it
	 * also finds the nearest region among the three units above, the area an agent or a
	 * leader there works for (a department nested deeper costs auth_jurisdiction's read). */
	int rc = store_query_row(
		c, &st, e,
		"SELECT u.id, u.username, u.unit_id, un.path, u.disabled, un.kind, s.expires_at,"
		" s.last_seen_at, u.password_changed_at, r.role,"
		" CASE WHEN un.kind = 'department' THEN (SELECT CASE"
		" WHEN p1.kind <> 'department' THEN p1.path WHEN p2.kind <> 'department' THEN "
		"p2.path"
		" WHEN p3.kind <> 'department' THEN p3.path END FROM units p1"
		" LEFT JOIN units p2 ON p2.id = p1.parent_id LEFT JOIN units p3 ON p3.id = "
		"p2.parent_id"
		" WHERE p1.id = un.parent_id) END"
		" FROM sessions s JOIN users u ON u.id = s.user_id"
		" JOIN units un ON un.id = u.unit_id"
		" LEFT JOIN user_roles r ON r.user_id = u.id"
		" WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?",
		"si", h, now);
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
	out->session_expires = store_col_int(st, 6);
	int64_t seen = store_col_int(st, 7);
	out->password_expires = password_expiry(store_col_int(st, 8));
	char region[SCOPE_PATH_MAX] = "";
	if (!store_col_null(st, 10))
		snprintf(region, sizeof region, "%s", store_col_text(st, 10));
	do {
		if (!store_col_null(st, 9))
			out->roles |= role_parse(store_col_text(st, 9));
	} while ((rc = store_step(st, e)) == 1);
	store_done(st);
	if (rc < 0)
		return -1;
	if (disabled)
		return err_set(e, ERR_UNAUTHORIZED, "unauthorized", NULL, "账号已停用");
	if (policy.idle_ms && now - seen >= policy.idle_ms)
		return err_set(e, ERR_UNAUTHORIZED, "session_idle", NULL,
			       "超过 %lld 分钟未操作，登录已失效，请重新登录",
			       (long long)(policy.idle_ms / 60000));
	if (now - seen >= seen_every()) {
		record_use(s, h, now);
		seen = now;
	}
	out->idle_ends = policy.idle_ms ? seen + policy.idle_ms : 0;
	out->password_expired = out->password_expires && out->password_expires <= now;
	if (department && actor_has(out, AUTH_JURISDICTION_ROLES)) {
		if (region[0]) {
			snprintf(out->unit_path, sizeof out->unit_path, "%s", region);
			return 0;
		}
		/* Departments nested deeper, or none of the three above is a region. */
		return auth_jurisdiction(c, out->unit_id, out->unit_path, sizeof out->unit_path, e);
	}
	return 0;
}

/* The ids on a unit's path ("/1/148/2001/" → 1, 148, 2001), when path is that of unit_id;
 * 0 otherwise. */
static int path_ids(const char *path, int64_t unit_id, int64_t *ids, int max)
{
	int n = 0;
	const char *p = path;
	if (*p != '/')
		return 0;
	while (p[1]) {
		char *end;
		long long v = strtoll(p + 1, &end, 10);
		if (end == p + 1 || *end != '/' || v <= 0 || n == max)
			return 0;
		ids[n++] = v;
		p = end;
	}
	return n && ids[n - 1] == unit_id ? n : 0;
}

int auth_jurisdiction(store_conn *c, int64_t unit_id, char *path, size_t n, err *e)
{
	/* The nearest region among the unit's ancestors (itself included), found in one
	 * read by the ids its path holds: on PostgreSQL each read is a round trip. */
	int64_t ids[32];
	int k = path_ids(path, unit_id, ids, 32);
	if (k) {
		strbuf sql = STRBUF_INIT;
		strbuf_adds(&sql, "SELECT path FROM units WHERE kind <> 'department' AND id IN (");
		for (int i = 0; i < k; i++)
			strbuf_adds(&sql, i ? ", ?" : "?");
		strbuf_adds(&sql, ") ORDER BY LENGTH(path) DESC LIMIT 1");
		store_stmt *st = store_prepare(c, strbuf_str(&sql), e);
		strbuf_release(&sql);
		if (!st)
			return -1;
		for (int i = 0; i < k; i++)
			store_bind_int(st, i + 1, ids[i]);
		int rc = store_step(st, e);
		if (rc == 1)
			snprintf(path, n, "%s", store_col_text(st, 0));
		store_done(st);
		return rc < 0 ? -1 : 0;
	}
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
	json_t *d = json_object();
	if (x->who->user_agent)
		json_object_set_new(d, "user_agent", user_agent_json(x->who->user_agent));
	int rc = audit_append(c, x->who, "logout", "user", x->who->user_id, d, e);
	json_decref(d);
	return rc;
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
