/* The review metrics over the platforms' figures, registered by platforms_register
 * (src/platforms.c) beside the platforms' machines: the appeals' and the disputes' here in
 * src/reviews/, the grid's, the services', the party's and the investment register's in
 * their platforms' folders (grid_metrics.c, service_metrics.c, party_metrics.c,
 * invest_metrics.c). */
#ifndef YW_REVIEW_METRICS_BUILTIN_H
#define YW_REVIEW_METRICS_BUILTIN_H
#include <stddef.h>

#include "reviews/review_metric.h"

extern const struct review_metric review_appeal_metrics[];
extern const size_t review_appeal_metrics_count;
extern const struct review_metric review_dispute_metrics[];
extern const size_t review_dispute_metrics_count;
extern const struct review_metric grid_review_metrics[];
extern const size_t grid_review_metrics_count;
extern const struct review_metric service_review_metrics[];
extern const size_t service_review_metrics_count;
extern const struct review_metric party_review_metrics[];
extern const size_t party_review_metrics_count;
extern const struct review_metric invest_review_metrics[];
extern const size_t invest_review_metrics_count;

#endif
