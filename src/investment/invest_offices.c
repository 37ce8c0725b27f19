/* The offices with a city-wide duty (inv_offices): which units are the development and
 * reform commission ('projects': keeps the register, reads every project) and the
 * supervision office ('key_issues': registers and follows every key issue). */
#include <stdio.h>

#include "investment/invest.h"
#include "org/audit.h"

static const char *const duties[] = {"projects", "key_issues"};

int inv_offices_get(store_conn *c, json_t **out, err *e)
{
	json_t *o = json_object();
	for (size_t i = 0; i < 2; i++) {
		store_stmt *st = store_prepare(c,
					       "SELECT u.id, u.name, u.kind FROM inv_offices o "
					       "JOIN units u ON u.id = o.unit_id"
					       " WHERE o.duty = ? ORDER BY u.path",
					       e);
		if (!st) {
			json_decref(o);
			return -1;
		}
		store_bindf(st, "s", duties[i]);
		json_t *arr = json_array();
		int rc;
		while ((rc = store_step(st, e)) == 1)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "id",
							     (json_int_t)store_col_int(st, 0),
							     "name", store_col_text(st, 1), "kind",
							     store_col_text(st, 2)));
		store_done(st);
		json_object_set_new(o, duties[i], arr);
		if (rc < 0) {
			json_decref(o);
			return -1;
		}
	}
	*out = o;
	return 0;
}

int inv_offices_set(store_conn *c, const actor *who, json_t *body, err *e)
{
	for (size_t i = 0; i < 2; i++) {
		json_t *ids = json_object_get(body, duties[i]);
		if (!ids)
			continue;
		if (store_exec(c, e, "DELETE FROM inv_offices WHERE duty = ?", "s", duties[i]) < 0)
			return -1;
		size_t j;
		json_t *v;
		json_array_foreach(ids, j, v)
		{
			int64_t n;
			if (store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM units WHERE id = ?",
					    "i", (int64_t)json_integer_value(v)) < 0)
				return -1;
			if (!n)
				return err_set(e, ERR_INVALID, "invalid_unit", duties[i],
					       "单位不存在");
			if (store_exec(c, e,
				       "INSERT INTO inv_offices (unit_id, duty) VALUES (?, ?)"
				       " ON CONFLICT DO NOTHING",
				       "is", (int64_t)json_integer_value(v), duties[i]) < 0)
				return -1;
		}
	}
	return audit_append(c, who, "inv_offices_set", "inv_offices", 0, body, e);
}
