/* The Open311 edge's reading of a partner's text (appeals/open311_params.h): the suffix
 * picks the format, attribute names carry a valid code, status lists, numbers, addresses
 * and tokens are what the specification and docs/open311.md allow. No database. */
#include "testutil.h"

#include "appeals/open311_params.h"

static void test_suffix_picks_the_format(void **state)
{
	(void)state;
	char name[32];
	bool json;
	assert_int_equal(open311_split_file("services.json", name, sizeof name, &json), 0);
	assert_string_equal(name, "services");
	assert_true(json);
	assert_int_equal(open311_split_file("requests.xml", name, sizeof name, &json), 0);
	assert_string_equal(name, "requests");
	assert_false(json);
	assert_int_equal(open311_split_file("a.b.json", name, sizeof name, &json), 0);
	assert_string_equal(name, "a.b");
	assert_int_equal(open311_split_file("requests", name, sizeof name, &json), -1);
	assert_int_equal(open311_split_file("requests.csv", name, sizeof name, &json), -1);
	assert_false(json);
	assert_int_equal(open311_split_file("0123456789012345678901234567890123.json", name,
					    sizeof name, &json),
			 -1);
	assert_true(json); /* the error is answered in JSON */
}

static void test_attribute_name_carries_a_valid_code(void **state)
{
	(void)state;
	char code[33];
	bool list;
	assert_int_equal(open311_attribute_name("attribute[where]", code, sizeof code, &list), 0);
	assert_string_equal(code, "where");
	assert_false(list);
	assert_int_equal(open311_attribute_name("attribute[floors][]", code, sizeof code, &list),
			 0);
	assert_string_equal(code, "floors");
	assert_true(list);
	assert_int_equal(open311_attribute_name("attribute[bad code]", code, sizeof code, &list),
			 -1);
	assert_int_equal(open311_attribute_name("attribute[x]y", code, sizeof code, &list), -1);
	assert_int_equal(open311_attribute_name("attribute[]", code, sizeof code, &list), -1);
	assert_int_equal(open311_attribute_name("attribute", code, sizeof code, &list), -1);
	assert_int_equal(open311_attribute_name("attributes[x]", code, sizeof code, &list), -1);
}

static void test_status_is_open_closed_or_both(void **state)
{
	(void)state;
	bool open = false, closed = false;
	assert_int_equal(open311_status("open", &open, &closed), 0);
	assert_true(open);
	assert_false(closed);
	open = false;
	assert_int_equal(open311_status(" open,,closed", &open, &closed), 0);
	assert_true(open && closed);
	assert_int_equal(open311_status("open,pending", &open, &closed), -1);
	assert_int_equal(open311_status("open ", &open, &closed), -1);
}

static void test_numbers_addresses_and_tokens(void **state)
{
	(void)state;
	double d;
	assert_int_equal(open311_number("42.0217", -90, 90, &d), 0);
	assert_true(d > 42.02 && d < 42.03);
	assert_int_equal(open311_number("91", -90, 90, &d), -1);
	assert_int_equal(open311_number("nan", -90, 90, &d), -1);
	assert_int_equal(open311_number("4x", -90, 90, &d), -1);
	assert_int_equal(open311_number("", -90, 90, &d), -1);
	assert_true(open311_email_ok("zhang@example.com"));
	assert_false(open311_email_ok("@example.com"));
	assert_false(open311_email_ok("a@b@c"));
	assert_false(open311_email_ok("a b@c"));
	assert_true(open311_media_url_ok("https://cdn.example.com/p/lamp.jpg"));
	assert_false(open311_media_url_ok("javascript:alert(1)"));
	assert_false(open311_media_url_ok("https://x/<script>"));
	assert_false(open311_media_url_ok("https://例子.中国/"));
	assert_true(open311_token_shape("3f2a9c0d-1e4b_5a6f"));
	assert_false(open311_token_shape(""));
	assert_false(open311_token_shape("a/b"));
	assert_true(open311_param_ok("description", "第一行\r\n第二行"));
	assert_false(open311_param_ok("address_string", "第一行\n第二行"));
	assert_false(open311_param_ok("description", "\xC0\xAF"));
	assert_true(open311_param_ok("flag", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suffix_picks_the_format),
		cmocka_unit_test(test_attribute_name_carries_a_valid_code),
		cmocka_unit_test(test_status_is_open_closed_or_both),
		cmocka_unit_test(test_numbers_addresses_and_tokens),
	};
	return cmocka_run_group_tests_name("open311_params", tests, NULL, NULL);
}
