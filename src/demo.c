#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "core/mem.h"
#include "demo_data.h"
#include "unit.h"
#include "user.h"

typedef struct demo_ctx {
	const char *hash;
	int64_t *ids; /* unit ids, by index in demo_units */
} demo_ctx;

static int64_t unit_id_of(demo_ctx *x, const char *key)
{
	for (size_t i = 0; i < demo_units_count; i++)
		if (strcmp(demo_units[i].key, key) == 0)
			return x->ids[i];
	return 0;
}

static unsigned roles_of(const char *list)
{
	unsigned roles = 0;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		roles |= role_parse(w);
	return roles;
}

static int demo_tx(store_conn *c, void *p, err *e)
{
	demo_ctx *x = p;
	int64_t n;
	if (store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM units", NULL) < 0)
		return -1;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "not_empty", "db",
			       "数据库中已有数据，演示数据只能建在空库上");
	actor sys;
	actor_system(&sys, "demo");
	for (size_t i = 0; i < demo_units_count; i++) {
		const struct demo_unit *d = &demo_units[i];
		unit_input in = {.name = d->name,
				 .kind = d->kind,
				 .code = d->code,
				 .parent_id = d->parent_key ? unit_id_of(x, d->parent_key) : 0};
		if (d->parent_key && !in.parent_id)
			return err_set(e, ERR_INTERNAL, "demo_data", NULL,
				       "演示单位 %s 的上级 %s 不存在", d->key, d->parent_key);
		if (unit_create(c, &sys, &in, &x->ids[i], e) < 0)
			return -1;
	}
	for (size_t i = 0; i < demo_users_count; i++) {
		const struct demo_user *d = &demo_users[i];
		user_input in = {.username = d->username,
				 .display_name = d->display_name,
				 .password_hash = x->hash,
				 .unit_id = unit_id_of(x, d->unit_key),
				 .roles = roles_of(d->roles),
				 .phone = d->phone};
		int64_t id;
		if (!in.unit_id)
			return err_set(e, ERR_INTERNAL, "demo_data", NULL,
				       "演示用户 %s 的单位 %s 不存在", d->username, d->unit_key);
		if (user_create(c, &sys, &in, &id, e) < 0)
			return -1;
	}
	return 0;
}

int demo_build(store *s, const char *password, err *e)
{
	/* Every demo user shares one password, so one argon2id hash serves them all: the
	 * shared salt reveals only what the demo states openly. */
	char hash[256];
	if (auth_password_ok(password, e) < 0 ||
	    auth_hash_password(password, hash, sizeof hash, e) < 0)
		return -1;
	demo_ctx x = {.hash = hash, .ids = xcalloc(demo_units_count, sizeof(int64_t))};
	int rc = store_write(s, demo_tx, &x, e);
	free(x.ids);
	return rc;
}
