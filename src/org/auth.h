/* Passwords (argon2id), session tokens (256 random bits, stored as a BLAKE2b hash, with
 * expiry and logout), lockout after repeated failures, and API keys. */
#ifndef YW_AUTH_H
#define YW_AUTH_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

enum { AUTH_MAX_FAILURES = 5, AUTH_TOKEN_HEX = 64, AUTH_HASH_WAIT_MS = 5000 };
#define AUTH_LOCK_MS (15 * 60 * 1000)

/* Initialises libsodium and sizes the argon2id gate to the machine; call once before
 * anything else here. */
int auth_init(err *e);
/* argon2id is costly on purpose (64 MiB, tens of milliseconds of a core), so at most slots
 * hashes run at once; the others queue in arrival order, and one that waited wait_ms
 * fails with ERR_UNAVAILABLE "busy" (default: one slot per core up to 4,
 * AUTH_HASH_WAIT_MS). */
void auth_hash_limit(int slots, int wait_ms);
/* Hashes a password with argon2id into out (crypto_pwhash_STRBYTES); busy as above. */
int auth_hash_password(const char *password, char *out, size_t n, err *e);
/* Sets *match to whether password matches an argon2id hash string; busy as above. */
int auth_verify_password(const char *hash, const char *password, bool *match, err *e);
/* Checks a password's length (8..128 characters): the floor every password meets, also
 * those the command line and the demo set without the complexity rule. */
int auth_password_ok(const char *password, err *e);
/* The complexity rule for passwords people choose (GB/T 22239 level 3), beyond the length:
 * at least three of four classes — upper-case letters, lower-case letters, digits, and
 * symbols, where every character outside ASCII (汉字, full-width forms) counts as a symbol;
 * not containing the username (any case); not one of a small list of common passwords and
 * not a common word dressed with digits and symbols ("Admin@2026"). 422 weak_password
 * with the reason in Chinese. username may be NULL. */
int auth_password_policy(const char *password, const char *username, err *e);

/* The account policy of a deployment (serve --session-idle-minutes and
 * --password-max-days): a session unused for idle_ms ends (0: only at its expiry); a
 * password older than password_max_age_ms still logs in, but its sessions may do nothing
 * but change it (0: passwords never expire). Set once at start, before serving. */
typedef struct auth_policy {
	int64_t idle_ms;
	int64_t password_max_age_ms;
} auth_policy;
enum { AUTH_IDLE_MINUTES_DEFAULT = 30, AUTH_PASSWORD_DAYS_DEFAULT = 90 };
/* A session's last use is written at most this often (and at most every half idle time):
 * reads stay reads. */
#define AUTH_SEEN_EVERY_MS (60 * 1000)
void auth_set_policy(const auth_policy *p);
auth_policy auth_get_policy(void);

/* A session's token: 256 random bits as unpadded base64url. */
#define AUTH_TOKEN_LEN 43
/* Whether token has a session token's shape (AUTH_TOKEN_LEN base64url characters): one
 * of any other shape is refused without a read. */
bool auth_token_shaped(const char *token);

/* Checks username and password; on success creates a session and fills token (a
 * 43-character base64url string, buffer of at least 64) and user_id. Failures count
 * towards the lock; everything is in the audit trail. auth_login_check then
 * auth_login_commit. */
int auth_login(store *s, const char *username, const char *password, const char *ip, int64_t ttl_ms,
	       char *token, size_t token_n, int64_t *user_id, int64_t *expires_at, err *e);

/* A login attempt between its two halves. */
typedef struct auth_attempt {
	const char *username, *ip;   /* borrowed */
	const char *user_agent;	     /* borrowed; set by the caller after auth_login_check */
	int64_t user_id;	     /* 0: no such user */
	char hash[256];		     /* the account's password hash, as read */
	bool disabled;		     /* as read: refused without a password check */
	int64_t locked_until;	     /* as read: refused without a password check while ahead */
	int64_t password_changed_at; /* as read: for the login log's password_expired */
	bool checked;		     /* the password was checked against hash */
	bool match;		     /* ...and matched */
} auth_attempt;
/* A budget of failed attempts that the caller keeps (per client address, say): take counts
 * one attempt and says whether the budget allowed it. It is asked just before a password
 * is checked, with a slot of the argon2id gate held, so that attempts in flight never
 * overdraw it; the caller gives the attempt back when the login succeeds. */
typedef struct auth_budget {
	bool (*take)(void *ctx);
	void *ctx;
} auth_budget;
/* The first half of a login: reads the account and checks the password against its hash,
 * outside any transaction (the slow part). A disabled or locked account is not checked
 * (nor budget asked). Fails only on errors: busy, rate_limited (budget refused), the
 * database. budget may be NULL. */
int auth_login_check(store *s, const char *username, const char *password, const char *ip,
		     const auth_budget *budget, auth_attempt *a, err *e);
/* The second half, in one write transaction against the account as it stands then: a
 * wrong password counts towards the lock only while the account is open, and a session is
 * created only while the hash that matched is still the account's and the account is
 * neither disabled nor locked; otherwise the error auth_login gives. */
int auth_login_commit(store *s, const auth_attempt *a, int64_t ttl_ms, char *token, size_t token_n,
		      int64_t *user_id, int64_t *expires_at, err *e);
/* Resolves a bearer token into its actor; ERR_UNAUTHORIZED when unknown, expired or
 * revoked, or when the user was disabled; ERR_UNAUTHORIZED session_idle when unused for
 * the policy's idle time. Records the session's use when its last recorded use is older
 * than AUTH_SEEN_EVERY_MS (a write queued beside the read where the store has a writer
 * thread). Fills the actor's idle_ends and password_expired from the policy. */
int auth_resolve(store *s, const char *token, actor *out, err *e);
/* Roles whose area, for a user placed in a department, is the region the department
 * serves: a hotline agent at the city's hotline centre dispatches across the city. */
#define AUTH_JURISDICTION_ROLES (ROLE_AGENT | ROLE_LEADER | ROLE_CONGRESS_STAFF)
/* Replaces path with the path of the nearest region at or above unit_id. */
int auth_jurisdiction(store_conn *c, int64_t unit_id, char *path, size_t n, err *e);
/* The area a user with roles placed in unit_id reads (actor.unit_path once logged in):
 * the unit's path, or for jurisdiction roles in a department the region it serves. 404
 * when the unit does not exist. */
int auth_area(store_conn *c, int64_t unit_id, unsigned roles, char *path, size_t n, err *e);
/* Ends the session of token. */
int auth_logout(store *s, const actor *who, const char *token, err *e);
/* Ends every session of user_id except keep_token's (NULL: all). Inside a transaction. */
int auth_end_sessions(store_conn *c, int64_t user_id, const char *keep_token, err *e);

/* Creates an API key for a partner; fills key (at least 64 bytes) with the secret,
 * shown once. */
int auth_apikey_create(store *s, const actor *who, const char *name, char *key, size_t key_n,
		       int64_t *id, err *e);
/* Lists keys (never the secret): [{id, name, prefix, created_at, revoked_at}]. */
int auth_apikey_list(store *s, json_t **items, err *e);
int auth_apikey_revoke(store *s, const actor *who, int64_t id, err *e);
/* Resolves an API key to its id and name; ERR_FORBIDDEN when unknown or revoked. */
int auth_apikey_check(store *s, const char *key, int64_t *id, char *name, size_t name_n, err *e);

/* Hex BLAKE2b-256 of a string, into out (65 bytes). */
void auth_hash_hex(const char *s, char out[65]);

#endif
