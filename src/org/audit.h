/* The append-only audit trail: who did what to which record, when and from where. Each
 * entry's hash covers the previous entry's hash, so an edited, inserted or deleted row
 * breaks the chain and `yiwang check` finds it. */
#ifndef YW_AUDIT_H
#define YW_AUDIT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Appends an entry inside the caller's write transaction. detail may be NULL; it is
 * borrowed (not stolen). */
int audit_append(store_conn *c, const actor *who, const char *action, const char *entity,
		 int64_t entity_id, json_t *detail, err *e);

/* Lists entries newest first, filtered by entity, entity_id (0: any), actor_id (0: any). */
int audit_list(store_conn *c, const char *entity, int64_t entity_id, int64_t actor_id, int64_t page,
	       int64_t per_page, json_t **items, int64_t *total, err *e);
/* The same within an area (a city admin's city: several cities in one database): entries
 * whose actor is a user of another area are left out. area NULL or "/": everything. */
int audit_list_area(store_conn *c, const char *area, const char *entity, int64_t entity_id,
		    int64_t actor_id, int64_t page, int64_t per_page, json_t **items,
		    int64_t *total, err *e);

/* The login log (docs/security.md "Accounts"): the entries of logins, failed and refused
 * attempts, locks and logouts, each with its time, user, client address and User-Agent. */
typedef struct audit_login_filter {
	/* The users whose unit lies within this area (a path); unknown usernames are
	 * included only when with_unknown. */
	const char *area;
	bool with_unknown;
	int64_t user_id;  /* 0: any */
	int64_t from, to; /* [from, to) in epoch ms; 0: open */
} audit_login_filter;
/* Entries {seq, at, action, user_id, username, ip, user_agent, detail}, newest first. */
int audit_logins(store_conn *c, const audit_login_filter *f, int64_t page, int64_t per_page,
		 json_t **items, int64_t *total, err *e);

typedef struct audit_report {
	int64_t entries;
	int64_t bad_seq; /* first seq whose hash or order is wrong, 0 if none */
	char problem[256];
} audit_report;

/* Walks the whole chain; 0 when intact, 1 when broken (report says where), -1 error. */
int audit_verify(store *s, audit_report *rep, err *e);

#endif
