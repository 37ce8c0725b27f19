/* The rate limiters' rules: a fixed window allows `limit` events per window of the clock;
 * a sliding window allows `limit` in any window_ms, tells how long until the next, and
 * takes back an event given back; a peek counts nothing; keys do not share budgets; a
 * limit of 0 allows all. No database, no clock: every call names its time. */
#include "testutil.h"

#include "http/ratelimit.h"

enum { MINUTE = 60000 };

static void test_sliding_allows_limit_in_any_window(void **state)
{
	(void)state;
	ratelimit *rl = ratelimit_new_sliding(10, MINUTE);
	int64_t retry = 0;
	/* Ten events spread over 50 s, then the eleventh is refused. */
	for (int i = 0; i < 10; i++)
		assert_true(ratelimit_reserve(rl, "10.0.0.1", 1000000 + i * 5000, &retry));
	assert_false(ratelimit_reserve(rl, "10.0.0.1", 1000000 + 50000, &retry));
	/* The first event (at 1 000 000) leaves the window at 1 060 000. */
	assert_int_equal(retry, 10000);
	assert_false(ratelimit_reserve(rl, "10.0.0.1", 1000000 + 59999, &retry));
	assert_int_equal(retry, 1);
	assert_true(ratelimit_reserve(rl, "10.0.0.1", 1000000 + 60000, &retry));
	/* No clock boundary opens a second budget: 10 more at once are refused. */
	assert_false(ratelimit_reserve(rl, "10.0.0.1", 1000000 + 60001, &retry));
	ratelimit_free(rl);
}

static void test_sliding_refund_gives_the_event_back(void **state)
{
	(void)state;
	ratelimit *rl = ratelimit_new_sliding(3, MINUTE);
	int64_t retry;
	for (int i = 0; i < 3; i++)
		assert_true(ratelimit_reserve(rl, "k", 100 + i, &retry));
	assert_false(ratelimit_reserve(rl, "k", 200, &retry));
	ratelimit_refund(rl, "k", 101);
	assert_true(ratelimit_reserve(rl, "k", 201, &retry));
	assert_false(ratelimit_reserve(rl, "k", 202, &retry));
	/* A refund of an event never counted, or of another key, changes nothing. */
	ratelimit_refund(rl, "k", 5);
	ratelimit_refund(rl, "other", 100);
	assert_false(ratelimit_reserve(rl, "k", 203, &retry));
	ratelimit_free(rl);
}

static void test_peek_tells_without_counting(void **state)
{
	(void)state;
	ratelimit *rl = ratelimit_new_sliding(2, MINUTE);
	int64_t retry = 0;
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_peek(rl, "k", 10, &retry));
	assert_true(ratelimit_reserve(rl, "k", 10, &retry));
	assert_true(ratelimit_reserve(rl, "k", 20, &retry));
	assert_false(ratelimit_peek(rl, "k", 30, &retry));
	assert_int_equal(retry, MINUTE - 20);
	assert_true(ratelimit_peek(rl, "other", 30, &retry));
	ratelimit_free(rl);
}

static void test_keys_have_budgets_of_their_own(void **state)
{
	(void)state;
	ratelimit *rl = ratelimit_new_sliding(2, MINUTE);
	assert_true(ratelimit_take(rl, "10.0.0.1", 1));
	assert_true(ratelimit_take(rl, "10.0.0.1", 2));
	assert_false(ratelimit_take(rl, "10.0.0.1", 3));
	assert_true(ratelimit_take(rl, "10.0.0.2", 3));
	assert_true(ratelimit_take(rl, "2001:db8::1", 3));
	ratelimit_free(rl);
}

static void test_fixed_window_counts_per_clock_window(void **state)
{
	(void)state;
	ratelimit *rl = ratelimit_new(2, MINUTE);
	int64_t retry = 0;
	assert_true(ratelimit_reserve(rl, "k", 120000, &retry));
	assert_true(ratelimit_reserve(rl, "k", 150000, &retry));
	assert_false(ratelimit_reserve(rl, "k", 170000, &retry));
	assert_int_equal(retry, 10000);
	ratelimit_refund(rl, "k", 150000);
	assert_true(ratelimit_reserve(rl, "k", 170001, &retry));
	assert_true(ratelimit_reserve(rl, "k", 180000, &retry)); /* the next window */
	ratelimit_free(rl);
}

static void test_zero_limit_allows_everything(void **state)
{
	(void)state;
	ratelimit *rl = ratelimit_new_sliding(0, MINUTE);
	for (int i = 0; i < 1000; i++)
		assert_true(ratelimit_take(rl, "k", i));
	ratelimit_refund(rl, "k", 1);
	ratelimit_free(rl);
	assert_true(ratelimit_take(NULL, "k", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sliding_allows_limit_in_any_window),
		cmocka_unit_test(test_sliding_refund_gives_the_event_back),
		cmocka_unit_test(test_peek_tells_without_counting),
		cmocka_unit_test(test_keys_have_budgets_of_their_own),
		cmocka_unit_test(test_fixed_window_counts_per_clock_window),
		cmocka_unit_test(test_zero_limit_allows_everything),
	};
	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
