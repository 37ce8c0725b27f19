/* What the register's files share: the reader's scope and the local calendar. */
#ifndef YW_INVEST_INTERNAL_H
#define YW_INVEST_INTERNAL_H
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

/* Leaders and the 'projects' offices read every county (all = 1); others the counties in
 * their area and the county they work in. */
typedef struct scope {
	int64_t all;
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	const char *path;
} scope;

/* The scope's condition over a county joined as cu; 4 parameters (inv_bind_scope). */
#define SCOPE_SQL                                                                                  \
	" (? = 1 OR (cu.path >= ? AND cu.path < ?)"                                                \
	" OR substr(CAST(? AS TEXT), 1, length(cu.path)) = cu.path) "

int inv_scope_of(store_conn *c, const actor *who, scope *s, err *e);
/* Binds SCOPE_SQL's parameters from position at. */
void inv_bind_scope(store_stmt *st, int at, const scope *s);
/* The local (China Standard Time) year and month of now. */
void inv_local_month(int64_t now, int *y, int *m);
/* part / whole in percent, one decimal; 0 when whole is 0. */
double inv_pct1(double part, double whole);

#endif
