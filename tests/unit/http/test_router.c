/* The router's rules: a request reaches the route whose method and segments it matches,
 * {name} segments capture exactly one non-empty segment, a known path with the wrong method
 * is told which methods it allows, and anything else is no path at all. No database. */
#include "testutil.h"

#include "core/strbuf.h"
#include "http/router.h"

static int h_list(http_req *r)
{
	(void)r;
	return 0;
}

static int h_get(http_req *r)
{
	(void)r;
	return 1;
}

static const struct route units_routes[] = {
	{"GET", "/", h_list, ROUTE_PUBLIC, 0, NULL},
	{"GET", "/api/v1/health", h_list, ROUTE_PUBLIC, 0, NULL},
	{"GET", "/api/v1/units", h_list, 0, 0, NULL},
	{"POST", "/api/v1/units", h_list, 0, 0, NULL},
	{"GET", "/api/v1/units/{id}", h_get, 0, 0, NULL},
	{"PATCH", "/api/v1/units/{id}", h_get, 0, 0, NULL},
	{"DELETE", "/api/v1/units/{id}", h_get, 0, 0, NULL},
	{"GET", "/api/v1/units/{unit}/users/{user}", h_get, 0, 0, NULL},
	{"GET", "/api/v1/a/{w}/b/{x}/c/{y}/d/{z}", h_get, 0, 0, NULL},
	{"GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", h_list, 0, 0, NULL},
};
enum { N_UNITS_ROUTES = sizeof units_routes / sizeof units_routes[0] };

static int setup(void **state)
{
	router *rt = router_new();
	router_add(rt, units_routes, N_UNITS_ROUTES);
	*state = rt;
	return 0;
}

static int teardown(void **state)
{
	router_free(*state);
	return 0;
}

/* Matches a copy of path, as the server does; the copy lives in buf. */
static enum router_result match(router *rt, const char *method, const char *path, char *buf,
				size_t n, route_match *m, char *allow, size_t allow_n)
{
	snprintf(buf, n, "%s", path);
	return router_match(rt, method, buf, m, allow, allow_n);
}

static void test_literal_path_reaches_its_route(void **state)
{
	router *rt = *state;
	char buf[256];
	route_match m;
	assert_int_equal(match(rt, "GET", "/api/v1/health", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_FOUND);
	assert_ptr_equal(m.route, &units_routes[1]);
	assert_int_equal(m.index, 1);
	assert_int_equal(m.ncap, 0);
	assert_true(m.route->flags & ROUTE_PUBLIC);

	assert_int_equal(match(rt, "POST", "/api/v1/units", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_FOUND);
	assert_ptr_equal(m.route, &units_routes[3]);
	assert_int_equal(m.index, 3);

	assert_int_equal(match(rt, "GET", "/", buf, sizeof buf, &m, NULL, 0), ROUTER_FOUND);
	assert_ptr_equal(m.route, &units_routes[0]);
}

static void test_capture_gives_segment_value(void **state)
{
	router *rt = *state;
	char buf[256];
	route_match m;
	assert_int_equal(match(rt, "GET", "/api/v1/units/42", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_FOUND);
	assert_ptr_equal(m.route, &units_routes[4]);
	assert_int_equal(m.ncap, 1);
	assert_string_equal(m.cap_name[0], "id");
	assert_string_equal(m.cap_value[0], "42");
	/* The value points into the caller's copy of the path, not into a new allocation. */
	assert_true(m.cap_value[0] >= buf && m.cap_value[0] < buf + sizeof buf);

	/* Any non-empty text is captured; the handler validates it. */
	assert_int_equal(
		match(rt, "PATCH", "/api/v1/units/%E4%B8%80", buf, sizeof buf, &m, NULL, 0),
		ROUTER_FOUND);
	assert_ptr_equal(m.route, &units_routes[5]);
	assert_string_equal(m.cap_value[0], "%E4%B8%80");
}

static void test_multiple_captures_in_order(void **state)
{
	router *rt = *state;
	char buf[256];
	route_match m;
	assert_int_equal(
		match(rt, "GET", "/api/v1/units/7/users/1234", buf, sizeof buf, &m, NULL, 0),
		ROUTER_FOUND);
	assert_ptr_equal(m.route, &units_routes[7]);
	assert_int_equal(m.ncap, 2);
	assert_string_equal(m.cap_name[0], "unit");
	assert_string_equal(m.cap_value[0], "7");
	assert_string_equal(m.cap_name[1], "user");
	assert_string_equal(m.cap_value[1], "1234");

	assert_int_equal(match(rt, "GET", "/api/v1/a/1/b/2/c/3/d/4", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_FOUND);
	assert_int_equal(m.ncap, ROUTER_MAX_CAPTURES);
	const char *names[] = {"w", "x", "y", "z"}, *values[] = {"1", "2", "3", "4"};
	for (int i = 0; i < ROUTER_MAX_CAPTURES; i++) {
		assert_string_equal(m.cap_name[i], names[i]);
		assert_string_equal(m.cap_value[i], values[i]);
	}
}

static void test_wrong_method_is_no_method_with_allow_list(void **state)
{
	router *rt = *state;
	char buf[256], allow[64];
	route_match m;
	assert_int_equal(
		match(rt, "PUT", "/api/v1/units/9", buf, sizeof buf, &m, allow, sizeof allow),
		ROUTER_NO_METHOD);
	assert_null(m.route);
	assert_string_equal(allow, "GET, PATCH, DELETE");

	assert_int_equal(
		match(rt, "DELETE", "/api/v1/units", buf, sizeof buf, &m, allow, sizeof allow),
		ROUTER_NO_METHOD);
	assert_string_equal(allow, "GET, POST");

	/* Methods are compared exactly, as HTTP says. */
	assert_int_equal(
		match(rt, "get", "/api/v1/health", buf, sizeof buf, &m, allow, sizeof allow),
		ROUTER_NO_METHOD);
	assert_string_equal(allow, "GET");

	/* Without an allow buffer the answer is the same. */
	assert_int_equal(match(rt, "PUT", "/api/v1/units/9", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_NO_METHOD);
}

static void test_allow_list_stays_within_its_buffer(void **state)
{
	router *rt = *state;
	char buf[256];
	char allow[10];
	route_match m;
	memset(allow, 'x', sizeof allow);
	/* "GET, PATCH, DELETE" does not fit in 10 bytes: whole methods only, terminated. */
	assert_int_equal(
		match(rt, "PUT", "/api/v1/units/9", buf, sizeof buf, &m, allow, sizeof allow),
		ROUTER_NO_METHOD);
	assert_non_null(memchr(allow, '\0', sizeof allow));
	assert_string_equal(allow, "GET");
}

static void test_unknown_path_is_no_path(void **state)
{
	router *rt = *state;
	char buf[256], allow[64] = "stale";
	route_match m;
	const char *paths[] = {
		"/api/v1/nothing",
		"/api/v2/units",
		"/api/v1/units/1/users",
		"/api",
		"api/v1/health",
		"",
		"/api/v1/units/1/users/2/x",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		assert_int_equal(
			match(rt, "GET", paths[i], buf, sizeof buf, &m, allow, sizeof allow),
			ROUTER_NO_PATH);
		assert_null(m.route);
		assert_string_equal(allow, "");
	}
}

static void test_trailing_or_double_slash_does_not_match(void **state)
{
	router *rt = *state;
	char buf[256];
	route_match m;
	const char *paths[] = {
		"/api/v1/health/",	  "/api/v1//health", "//api/v1/health",
		"/api/v1/units/",	  "/api/v1/units//", "/api/v1/units//users/2",
		"/api/v1/units/7/users/",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		enum router_result r = match(rt, "GET", paths[i], buf, sizeof buf, &m, NULL, 0);
		if (r != ROUTER_NO_PATH)
			fail_msg("%s matched (result %d)", paths[i], r);
	}
}

static void test_too_many_segments_is_no_path(void **state)
{
	router *rt = *state;
	char buf[512];
	route_match m;
	/* Exactly ROUTER_MAX_SEGMENTS segments still match. */
	assert_int_equal(match(rt, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", buf,
			       sizeof buf, &m, NULL, 0),
			 ROUTER_FOUND);
	assert_ptr_equal(m.route, &units_routes[9]);
	assert_int_equal(match(rt, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", buf,
			       sizeof buf, &m, NULL, 0),
			 ROUTER_NO_PATH);
	/* A long hostile path is refused without reading or writing past the segment table. */
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 200; i++)
		strbuf_adds(&sb, "/a");
	char *p = strbuf_detach(&sb, NULL);
	assert_int_equal(router_match(rt, "GET", p, &m, NULL, 0), ROUTER_NO_PATH);
	free(p);
}

/* A table of 50 routes, as several modules together contribute: every route is reached by
 * its own path and method and by no other. */
static void test_fifty_routes_each_reached(void **state)
{
	(void)state;
	enum { N = 50 };
	static const char *methods[] = {"GET", "POST", "PATCH", "DELETE", "PUT"};
	struct route table[N];
	char *patterns[N];
	for (int i = 0; i < N; i++) {
		/* Ten resources, each with a collection route and an item route. */
		int res = i / 5, kind = i % 5;
		if (kind < 2)
			patterns[i] = xasprintf("/api/v1/res%d", res);
		else
			patterns[i] = xasprintf("/api/v1/res%d/{id}", res);
		table[i] = (struct route){
			methods[kind], patterns[i], kind < 2 ? h_list : h_get, 0, 0, NULL};
	}
	router *rt = router_new();
	router_add(rt, table, 25);
	router_add(rt, table + 25, N - 25);
	assert_int_equal(router_count(rt), N);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(router_at(rt, (size_t)i), &table[i]);
	assert_null(router_at(rt, N));

	for (int i = 0; i < N; i++) {
		int res = i / 5, kind = i % 5;
		char path[64], allow[64];
		route_match m;
		if (kind < 2)
			snprintf(path, sizeof path, "/api/v1/res%d", res);
		else
			snprintf(path, sizeof path, "/api/v1/res%d/%d", res, 1000 + i);
		assert_int_equal(router_match(rt, methods[kind], path, &m, allow, sizeof allow),
				 ROUTER_FOUND);
		assert_ptr_equal(m.route, &table[i]);
		assert_int_equal(m.index, i);
		if (kind >= 2) {
			char want[16];
			snprintf(want, sizeof want, "%d", 1000 + i);
			assert_int_equal(m.ncap, 1);
			assert_string_equal(m.cap_value[0], want);
		} else {
			assert_int_equal(m.ncap, 0);
		}
	}
	char path[] = "/api/v1/res10";
	route_match m;
	assert_int_equal(router_match(rt, "GET", path, &m, NULL, 0), ROUTER_NO_PATH);
	char path2[] = "/api/v1/res3/5";
	char allow[64];
	assert_int_equal(router_match(rt, "GET", path2, &m, allow, sizeof allow), ROUTER_NO_METHOD);
	assert_string_equal(allow, "PATCH, DELETE, PUT");

	router_free(rt);
	for (int i = 0; i < N; i++)
		free(patterns[i]);
}

/* A module's fallback: {name*} takes the rest of the path with its slashes, and a "*"
 * route answers any method, but only after the specific routes before it. */
static void test_rest_capture_and_any_method_fall_back(void **state)
{
	(void)state;
	static const struct route t[] = {
		{"GET", "/o/v2/{file}", h_list, ROUTE_PUBLIC, 0, NULL},
		{"*", "/o/{rest*}", h_get, ROUTE_PUBLIC, 0, NULL},
	};
	router *rt = router_new();
	router_add(rt, t, 2);
	char buf[128];
	route_match m;
	assert_int_equal(match(rt, "GET", "/o/v2/services.json", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_FOUND);
	assert_ptr_equal(m.route, &t[0]);
	assert_int_equal(match(rt, "DELETE", "/o/v2/services.json", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_FOUND);
	assert_ptr_equal(m.route, &t[1]);
	assert_int_equal(m.ncap, 1);
	assert_string_equal(m.cap_name[0], "rest");
	assert_string_equal(m.cap_value[0], "v2/services.json");
	assert_int_equal(match(rt, "GET", "/o/v2/a/b/c.xml", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_FOUND);
	assert_ptr_equal(m.route, &t[1]);
	assert_string_equal(m.cap_value[0], "v2/a/b/c.xml");
	assert_int_equal(match(rt, "GET", "/o", buf, sizeof buf, &m, NULL, 0), ROUTER_NO_PATH);
	assert_int_equal(match(rt, "GET", "/o/", buf, sizeof buf, &m, NULL, 0), ROUTER_NO_PATH);
	assert_int_equal(match(rt, "GET", "/other/x", buf, sizeof buf, &m, NULL, 0),
			 ROUTER_NO_PATH);
	router_free(rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_literal_path_reaches_its_route, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_capture_gives_segment_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multiple_captures_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_method_is_no_method_with_allow_list,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_list_stays_within_its_buffer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_path_is_no_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailing_or_double_slash_does_not_match, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_too_many_segments_is_no_path, setup, teardown),
		cmocka_unit_test(test_fifty_routes_each_reached),
		cmocka_unit_test(test_rest_capture_and_any_method_fall_back),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
