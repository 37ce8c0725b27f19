/* Users: a unit, roles, an argon2id password, a lock after repeated failures. */
#ifndef YW_USER_H
#define YW_USER_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

enum { USER_NAME_MAX = 32, USER_DISPLAY_MAX = 50, USER_PHONE_MAX = 20 };

/* Whether a username is 3..32 of [a-z0-9_.-] starting with a letter. */
bool user_name_valid(const char *username);

typedef struct user_input {
	const char *username;
	const char *display_name;
	const char *password_hash; /* from auth_hash_password, computed outside the transaction */
	int64_t unit_id;
	unsigned roles;
	const char *phone; /* NULL: none */
	/* When set, and who is a person (not the command line): sensitive roles
	 * (GRANT_SENSITIVE_ROLES) are not given at once but asked for in a grant that
	 * another admin approves; its id is written here (0: nothing waits). */
	int64_t *grant_id;
} user_input;

/* User management is admin authority: the functions below act within who's admin area
 * (actor.admin_path, the subtree of the admin's own unit), not the wider area another role
 * of the same user may read. A grant may not reach beyond it: the area the user will read
 * with the roles given (auth_area) must lie within it (403 grant_outside_area). */

/* Inside a write transaction. */
int user_create(store_conn *c, const actor *who, const user_input *in, int64_t *id, err *e);

typedef struct user_patch {
	const char *display_name; /* NULL: unchanged */
	int64_t unit_id;	  /* 0: unchanged */
	bool set_roles;
	unsigned roles;
	bool set_phone;
	const char *phone;
	int disabled; /* -1: unchanged */
	/* As user_input.grant_id: a change of roles and unit that takes a second admin
	 * (grant_needs_approval) waits, as a whole, in a grant; the other fields apply. */
	int64_t *grant_id;
} user_patch;

/* Changes another user, whose area must lie within who's admin area (403
 * user_outside_area); nobody changes their own roles or unit (403 own_account). */
int user_update(store_conn *c, const actor *who, int64_t id, const user_patch *p, err *e);
/* Sets a new password hash and ends the user's other sessions (keep_token's survives);
 * for another user, the same area rule as user_update. */
int user_set_password(store_conn *c, const actor *who, int64_t id, const char *hash,
		      const char *keep_token, err *e);
int user_unlock(store_conn *c, const actor *who, int64_t id, err *e);

/* For role grants (org/grant.c). The unit and roles a user holds now. */
int user_placement(store_conn *c, int64_t id, int64_t *unit_id, unsigned *roles, err *e);
/* Whether who may give user id the unit and roles: the user is theirs to manage, the unit
 * lies in their admin area, and so does the area the roles will read (the checks of
 * user_update). */
int user_check_placement(store_conn *c, const actor *who, int64_t id, int64_t unit_id,
			 unsigned roles, err *e);
/* Sets a user's unit and roles, without an audit entry (the caller writes one). */
int user_place(store_conn *c, int64_t id, int64_t unit_id, unsigned roles, err *e);
/* The username of a user, 404 when unknown. */
int user_name_of(store_conn *c, int64_t id, char *out, size_t n, err *e);
/* Role bits as role words, in role order. */
json_t *user_roles_json(unsigned roles);

/* The user as JSON; 404 outside who's area. mask: hide the phone number's middle. */
int user_get(store_conn *c, const actor *who, int64_t id, bool mask, json_t **out, err *e);

typedef struct user_filter {
	const char *q;
	int64_t unit_id;
	const char *role;
} user_filter;

int user_list(store_conn *c, const actor *who, const user_filter *f, bool mask, int64_t page,
	      int64_t per_page, json_t **items, int64_t *total, err *e);
/* Marks every password as set at `at` (epoch ms), in its own transaction: the demo's
 * accounts are made in its past, but their passwords when it is built. */
int user_passwords_set_at(store *s, int64_t at, err *e);
/* The id of a username (any area), 404 when unknown. */
int user_find(store_conn *c, const char *username, int64_t *id, err *e);
/* The password hash of a user (for checking the current password). */
int user_password_hash(store_conn *c, int64_t id, char *out, size_t n, err *e);

#endif
