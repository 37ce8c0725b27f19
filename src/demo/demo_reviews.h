/* The demo's 三大调度 reviews (docs/reviews.md): two years of monthly stability cards over
 * the seven counties, bimonthly project reviews with their hosts and meetings, quarterly
 * township cards with the finance and agriculture bureaus' entered values. */
#ifndef YW_DEMO_REVIEWS_H
#define YW_DEMO_REVIEWS_H
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* After the appeals and disputes are in: makes the schemes, closes their past periods
 * (computed from the demo's data, frozen) and leaves the current one of each a draft. */
int demo_reviews_build(store *s, const int64_t *unit_ids, err *e);

#endif
