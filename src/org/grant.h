/* Grants of sensitive roles that take a second admin (docs/security.md "Accounts"): an
 * admin who gives a user admin, agent, leader or congress_staff, or moves a user who holds
 * one to another unit, asks; another admin whose area covers the user approves or
 * rejects; the one who asked never approves. The command line applies directly. */
#ifndef YW_GRANT_H
#define YW_GRANT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

/* The roles whose grant takes a second admin: an admin manages accounts (and could make
 * more admins); agents, leaders and congress staff read a whole region when placed in a
 * department, and agents and leaders read citizens' contact details across it. */
#define GRANT_SENSITIVE_ROLES (ROLE_ADMIN | ROLE_AGENT | ROLE_LEADER | ROLE_CONGRESS_STAFF)

/* Whether a user placed in unit with roles becoming new_unit with new_roles takes a second
 * admin: a sensitive role is added, or a user who will hold one changes unit. A new user
 * comes from unit 0 and no roles. */
bool grant_needs_approval(int64_t unit, unsigned roles, int64_t new_unit, unsigned new_roles);

/* Inside a write transaction: who asks that user_id become (unit_id, roles), from
 * (base_unit, base_roles) as the user stands now. 409 grant_pending when one already
 * waits for the user. Audited (role_grant_request). *id gets the grant's id. */
int grant_request(store_conn *c, const actor *who, int64_t user_id, int64_t unit_id, unsigned roles,
		  int64_t base_unit, unsigned base_roles, int64_t *id, err *e);

/* Inside a write transaction: approves (applies) or rejects a pending grant, with an
 * optional note. 404 when the user is outside who's admin area; 409 invalid_state when it
 * no longer waits. To approve, who may be neither the one who asked (403 own_grant) nor
 * the user (403 own_account), must be allowed to make the change themself (the checks of
 * user_update: 403/422), and the user must still stand as when it was asked (409
 * grant_stale). The one who asked may reject (withdraw) it. Audited
 * (role_grant_approve, role_grant_reject). */
int grant_decide(store_conn *c, const actor *who, int64_t id, bool approve, const char *note,
		 err *e);

/* A grant as JSON: {id, status, user, unit, roles, base:{unit, roles}, requested_by,
 * requested_at, decided_by, decided_at, note, can_decide}; 404 outside who's area. */
int grant_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);

/* Grants of users within who's admin area, newest first; status "pending", "approved",
 * "rejected", or NULL for all. */
int grant_list(store_conn *c, const actor *who, const char *status, int64_t page, int64_t per_page,
	       json_t **items, int64_t *total, err *e);

#endif
