/* A request body as http_body_object reads it: jansson's json_loadb with the server's flag
 * (JSON_REJECT_DUPLICATES), then the edge's checks (http/validate.c) on the fields the
 * handlers read, with the flags and limits they use, and jw_tree, which writes every
 * response tree, on what was parsed. Checked: what jv_str accepts is the text it promises
 * (at most max characters of UTF-8 without controls, not blank when required), jv_int stays
 * in range, and jw_tree writes JSON that reads back equal to the tree. */
#include "fuzz.h"

#include <jansson.h>
#include <stdbool.h>

#include "core/jsonw.h"
#include "core/strbuf.h"
#include "http/validate.h"

/* Text fields as the handlers declare them (name, flags, characters). */
static const struct {
	const char *key;
	unsigned flags;
	size_t max;
} texts[] = {
	{"content", JV_REQUIRED | JV_MULTILINE, 4000},
	{"title", JV_OPTIONAL, 100},
	{"contact_name", JV_OPTIONAL, 50},
	{"contact_phone", JV_OPTIONAL, 20},
	{"address", JV_OPTIONAL, 200},
	{"username", JV_REQUIRED, 64},
	{"password", JV_REQUIRED, 256},
	{"name", JV_OPTIONAL | JV_NULLABLE, 50},
	{"note", JV_OPTIONAL | JV_MULTILINE, 1000},
	{"channel", JV_OPTIONAL, 32},
	{"action", JV_REQUIRED, 32},
	{"due_date", JV_REQUIRED, 10},
	{"phone", JV_OPTIONAL | JV_NULLABLE, 20},
};

static const char *const ints[] = {"category_id", "region_id", "unit_id",  "percent",
				   "year",	  "order",     "parent_id"};

static void check_texts(json_t *o)
{
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		const char *s;
		bool present;
		err e = {0};
		int rc = jv_str(o, texts[i].key, texts[i].flags, texts[i].max, &s, &present, &e);
		json_t *v = json_object_get(o, texts[i].key);
		if (rc < 0) {
			FUZZ_CHECK(e.kind == ERR_INVALID || e.kind == ERR_BAD_REQUEST);
			FUZZ_CHECK(s == NULL && e.code[0] && !strcmp(e.field, texts[i].key));
			continue;
		}
		FUZZ_CHECK(present == (v && (!json_is_null(v) || (texts[i].flags & JV_NULLABLE))));
		if (!s) {
			FUZZ_CHECK(!(texts[i].flags & JV_REQUIRED));
			continue;
		}
		FUZZ_CHECK(json_is_string(v) && s == json_string_value(v));
		long n = jv_utf8_chars(s);
		FUZZ_CHECK(n > 0 && (size_t)n <= texts[i].max);
		FUZZ_CHECK(!jv_has_control(s, texts[i].flags & JV_MULTILINE));
		FUZZ_CHECK(strlen(s) == json_string_length(v) && s[strspn(s, " ")]);
		if (!strcmp(texts[i].key, "contact_phone") || !strcmp(texts[i].key, "phone")) {
			err pe = {0};
			if (jv_phone(s, texts[i].key, &pe) == 0)
				FUZZ_CHECK(strspn(s, "0123456789 +-") == strlen(s));
			else
				FUZZ_CHECK(pe.kind == ERR_INVALID);
		}
	}
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		int64_t n = 0;
		bool present;
		err e = {0};
		if (jv_int(o, ints[i], JV_OPTIONAL, 1, 1000000, &n, &present, &e) == 0 && present)
			FUZZ_CHECK(n >= 1 && n <= 1000000);
	}
	int b;
	err e = {0};
	if (jv_bool(o, "workday", JV_OPTIONAL, &b, &e) == 0)
		FUZZ_CHECK(b >= -1 && b <= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		return 0;
	if (json_is_object(v))
		check_texts(v);

	/* The response writer on the tree: valid JSON that reads back the same. */
	strbuf sb = STRBUF_INIT;
	jw_tree(&sb, v);
	json_t *back = json_loadb(sb.buf, sb.len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (!back)
		fprintf(stderr, "jw_tree wrote %s: %s\n", sb.buf, je.text);
	FUZZ_CHECK(back != NULL);
	FUZZ_CHECK(json_equal(v, back));
	json_decref(back);
	strbuf_release(&sb);
	json_decref(v);
	return 0;
}
