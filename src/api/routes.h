/* The route tables of the API modules (one per file), for api.c to register. */
#ifndef YW_API_ROUTES_H
#define YW_API_ROUTES_H
#include <stddef.h>

#include "http/http.h"

#define API_TABLE(name)                                                                            \
	extern const struct route name##_routes[];                                                 \
	extern const size_t name##_routes_count;

API_TABLE(api_session)
API_TABLE(api_units)
API_TABLE(api_users)
API_TABLE(api_audit)
API_TABLE(api_appeals)
API_TABLE(api_appeal_admin)
API_TABLE(api_stats)
API_TABLE(api_notifications)
API_TABLE(api_livelihood)
API_TABLE(api_livelihood_projects)
API_TABLE(api_open311)
API_TABLE(api_open311_admin)

#endif
