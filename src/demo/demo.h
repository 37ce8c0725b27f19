/* The Fuxin demo: the unit tree and every demo login, in one transaction. */
#ifndef YW_DEMO_H
#define YW_DEMO_H
#include "core/err.h"
#include "store/store.h"

/* Fills an empty database; ERR_CONFLICT when it already holds units. */
int demo_build(store *s, const char *password, err *e);

#endif
