#include "routes.h"

void routes_register(router *rt)
{
	router_add(rt, api_session_routes, api_session_routes_count);
	router_add(rt, api_units_routes, api_units_routes_count);
	router_add(rt, api_users_routes, api_users_routes_count);
	router_add(rt, api_audit_routes, api_audit_routes_count);
	router_add(rt, api_appeals_routes, api_appeals_routes_count);
	router_add(rt, api_appeal_admin_routes, api_appeal_admin_routes_count);
	router_add(rt, api_stats_routes, api_stats_routes_count);
	router_add(rt, api_notifications_routes, api_notifications_routes_count);
	router_add(rt, api_livelihood_routes, api_livelihood_routes_count);
	router_add(rt, api_livelihood_projects_routes, api_livelihood_projects_routes_count);
	router_add(rt, api_open311_routes, api_open311_routes_count);
	router_add(rt, api_open311_admin_routes, api_open311_admin_routes_count);
	/* The disputes' fixed paths (types, settings, centres) before /disputes/{id}. */
	router_add(rt, api_dispute_admin_routes, api_dispute_admin_routes_count);
	router_add(rt, api_disputes_routes, api_disputes_routes_count);
	router_add(rt, api_dispute_stats_routes, api_dispute_stats_routes_count);
	router_add(rt, api_reviews_routes, api_reviews_routes_count);
	/* 社区治理: grids, households, patrols, figures */
	router_add(rt, api_grids_routes, api_grids_routes_count);
	router_add(rt, api_households_routes, api_households_routes_count);
	router_add(rt, api_places_routes, api_places_routes_count);
	router_add(rt, api_patrols_routes, api_patrols_routes_count);
	router_add(rt, api_grid_stats_routes, api_grid_stats_routes_count);
	/* 社区治理 grid events */
	router_add(rt, api_grid_events_routes, api_grid_events_routes_count);
	router_add(rt, api_grid_categories_routes, api_grid_categories_routes_count);
	router_add(rt, api_services_routes, api_services_routes_count);
	router_add(rt, api_party_routes, api_party_routes_count);
	/* 项目库, 重点问题 and the leaders' cockpit (docs/projects.md). */
	router_add(rt, api_projects_routes, api_projects_routes_count);
	router_add(rt, api_key_issues_routes, api_key_issues_routes_count);
	router_add(rt, api_cockpit_routes, api_cockpit_routes_count);
}
