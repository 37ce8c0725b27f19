/* Passwords (argon2id), session tokens (256 random bits, stored as a BLAKE2b hash, with
 * expiry and logout), lockout after repeated failures, and API keys. */
#ifndef YW_AUTH_H
#define YW_AUTH_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "actor.h"
#include "core/err.h"
#include "store/store.h"

enum { AUTH_MAX_FAILURES = 5, AUTH_TOKEN_HEX = 64 };
#define AUTH_LOCK_MS (15 * 60 * 1000)

/* Initialises libsodium; call once before anything else here. */
int auth_init(err *e);
/* Hashes a password with argon2id into out (crypto_pwhash_STRBYTES). */
int auth_hash_password(const char *password, char *out, size_t n, err *e);
/* Whether password matches an argon2id hash string. */
bool auth_verify_password(const char *hash, const char *password);
/* Checks a password against the policy (8..128 characters). */
int auth_password_ok(const char *password, err *e);

/* Checks username and password; on success creates a session and fills token (a
 * 43-character base64url string, buffer of at least 64) and user_id. Failures count
 * towards the lock; everything is in the audit trail. */
int auth_login(store *s, const char *username, const char *password, const char *ip, int64_t ttl_ms,
	       char *token, size_t token_n, int64_t *user_id, int64_t *expires_at, err *e);
/* Resolves a bearer token into its actor; ERR_UNAUTHORIZED when unknown, expired or
 * revoked, or when the user was disabled. */
int auth_resolve(store *s, const char *token, actor *out, err *e);
/* Roles whose area, for a user placed in a department, is the region the department
 * serves: a hotline agent at the city's hotline centre dispatches across the city. */
#define AUTH_JURISDICTION_ROLES (ROLE_AGENT | ROLE_LEADER | ROLE_CONGRESS_STAFF)
/* Replaces path with the path of the nearest region at or above unit_id. */
int auth_jurisdiction(store_conn *c, int64_t unit_id, char *path, size_t n, err *e);
/* When the live session of token ends (epoch ms); 0 when there is none (unknown or
 * revoked). For answers kept on behalf of a session (the read cache). */
int auth_session_expires_at(store *s, const char *token, int64_t *expires_at, err *e);
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
