/* The caller of a request as an actor: org's side of the HTTP edge's authentication.
 * Route files of every platform reach the logged-in user through these. */
#ifndef YW_ORG_CALLER_H
#define YW_ORG_CALLER_H
#include "http/http.h"
#include "org/actor.h"

/* The hook the server calls (app->authenticate): resolves the bearer token into an
 * actor in the request's arena. */
int caller_authenticate(http_req *r, err *e);
/* The logged-in actor; on a public route without login, the anonymous public actor
 * (no roles, no area). Never NULL. */
actor *req_actor(http_req *r);
/* Requires one of roles (403 otherwise): for checks finer than the route's own. */
int caller_require(http_req *r, unsigned roles, err *e);
/* Requires an admin whose admin area is the whole tree (an admin of the root unit): for
 * settings that hold city-wide (categories, deadline policies, the calendar, the audit
 * log). */
int caller_require_city_admin(http_req *r, err *e);
/* Requires an admin (403 otherwise) and confines the rest of the request to the admin's
 * own area: the actor's unit_path becomes its admin_path, so an admin who also holds a
 * role that reads a wider region administers only the subtree of their own unit. */
int caller_require_admin(http_req *r, err *e);

#endif
