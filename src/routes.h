/* Every platform contributes route tables (one per api*.c file); routes_register adds
 * them all to the router, in the order they are matched. */
#ifndef YW_ROUTES_H
#define YW_ROUTES_H
#include <stddef.h>

#include "http/router.h"

#define ROUTE_TABLE(name)                                                                          \
	extern const struct route name##_routes[];                                                 \
	extern const size_t name##_routes_count;

ROUTE_TABLE(api_session)
ROUTE_TABLE(api_units)
ROUTE_TABLE(api_users)
ROUTE_TABLE(api_audit)
ROUTE_TABLE(api_appeals)
ROUTE_TABLE(api_appeal_admin)
ROUTE_TABLE(api_stats)
ROUTE_TABLE(api_notifications)
ROUTE_TABLE(api_livelihood)
ROUTE_TABLE(api_livelihood_projects)
ROUTE_TABLE(api_open311)
ROUTE_TABLE(api_open311_admin)
ROUTE_TABLE(api_dispute_admin)
ROUTE_TABLE(api_disputes)
ROUTE_TABLE(api_dispute_stats)
ROUTE_TABLE(api_reviews)
/* 社区治理: grids, households, patrols, figures */
ROUTE_TABLE(api_grids)
ROUTE_TABLE(api_households)
ROUTE_TABLE(api_places)
ROUTE_TABLE(api_patrols)
ROUTE_TABLE(api_grid_stats)
ROUTE_TABLE(api_grid_events)
ROUTE_TABLE(api_grid_categories)
ROUTE_TABLE(api_services)
ROUTE_TABLE(api_party)
ROUTE_TABLE(api_projects)
ROUTE_TABLE(api_key_issues)
ROUTE_TABLE(api_cockpit)

void routes_register(router *rt);

#endif
