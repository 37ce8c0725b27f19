/* Filled in by the work on issue 3 (see docs/api-appeals.md). */
#include "api/routes.h"

const struct route api_stats_routes[] = {{NULL, NULL, NULL, 0}};
const size_t api_stats_routes_count = 0;
