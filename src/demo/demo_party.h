/* The demo's 智慧党建: the city committee, county and township committees, a branch for
 * every village and community of the demo tree (two groups each) and an organ branch for
 * every township, about 2,000 members across the development chain, a year of activities
 * with attendance, dues, 微心愿 and community tasks (some claimed, some fulfilled) and the
 * points they realized; 中共阜新市委组织部 as the organization department; dwf_branch the
 * secretary and member01 a full member of 东瓦房村党支部. Bulk rows go in by set-based SQL
 * in one transaction, so the build stays fast on both databases. */
#ifndef YW_DEMO_PARTY_H
#define YW_DEMO_PARTY_H
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* unit_ids: the demo's unit ids by index in demo_units. The year ends now. */
int demo_party_build(store *s, const int64_t *unit_ids, err *e);

#endif
