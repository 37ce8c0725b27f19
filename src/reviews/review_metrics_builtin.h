/* The review metrics over the appeals' and the disputes' figures, registered by
 * platforms_register (src/platforms.c) beside the platforms' machines. */
#ifndef YW_REVIEW_METRICS_BUILTIN_H
#define YW_REVIEW_METRICS_BUILTIN_H
#include <stddef.h>

#include "reviews/review_metric.h"

extern const struct review_metric review_appeal_metrics[];
extern const size_t review_appeal_metrics_count;
extern const struct review_metric review_dispute_metrics[];
extern const size_t review_dispute_metrics_count;

#endif
