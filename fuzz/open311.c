/* Open311's parameters (appeals/open311_params.h, open311_answer_check), as "file\nform":
 * the first line is the last path segment (/open311/v2/{file}: the suffix and the name,
 * a token's shape), the rest the form-encoded parameters a partner posts, read by
 * http_form_each as api_open311.c reads them; then each parameter through the check
 * api_open311.c gives it, and the attribute answers against a service definition with
 * one attribute of each datatype. */
#include "fuzz.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>

#include "appeals/open311.h"
#include "appeals/open311_params.h"
#include "core/clock.h"
#include "http/http.h"
#include "http/validate.h"

enum { MAX_PARAMS = 256, MAX_ANSWERS = 100 };

typedef struct params {
	size_t n;
	const char *name[MAX_PARAMS], *value[MAX_PARAMS];
} params;

static int collect(void *ctx, const char *name, const char *value)
{
	params *p = ctx;
	if (p->n == MAX_PARAMS)
		return 1;
	p->name[p->n] = name;
	p->value[p->n++] = value;
	return 0;
}

static const char definitions[] =
	"[{\"code\":\"where\",\"datatype\":\"string\",\"description\":\"具体位置\","
	"\"required\":true,\"variable\":true},"
	"{\"code\":\"detail\",\"datatype\":\"text\",\"description\":\"详细情况\","
	"\"required\":false,\"variable\":true},"
	"{\"code\":\"indoor_temp\",\"datatype\":\"number\",\"description\":\"室温\","
	"\"required\":false,\"variable\":true},"
	"{\"code\":\"since\",\"datatype\":\"datetime\",\"description\":\"开始时间\","
	"\"required\":false,\"variable\":true},"
	"{\"code\":\"kind\",\"datatype\":\"singlevaluelist\",\"description\":\"类型\","
	"\"required\":true,\"variable\":true,\"values\":[{\"key\":\"lamp\",\"name\":\"路灯\"},"
	"{\"key\":\"road\",\"name\":\"道路\"},{\"key\":\"water\",\"name\":\"供水\"}]},"
	"{\"code\":\"floors\",\"datatype\":\"multivaluelist\",\"description\":\"楼层\","
	"\"required\":false,\"variable\":true,\"values\":[{\"key\":\"1\",\"name\":\"一层\"},"
	"{\"key\":\"2\",\"name\":\"二层\"},{\"key\":\"top\",\"name\":\"顶层\"}]}]";

static json_t *defs;

static void check_file(const char *file)
{
	static const size_t sizes[] = {32, 64, 80};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char name[80];
		bool json;
		int rc = open311_split_file(file, name, sizes[i], &json);
		const char *dot = strrchr(file, '.');
		FUZZ_CHECK(json == (dot && !strcmp(dot, ".json")));
		if (rc < 0)
			continue;
		/* The name and the suffix make up the segment. */
		size_t n = strlen(name);
		FUZZ_CHECK(n < sizes[i] && !strncmp(file, name, n));
		FUZZ_CHECK(!strcmp(file + n, json ? ".json" : ".xml"));
		bool shape = n >= 1 && n <= 64;
		for (const char *p = name; *p; p++)
			shape &= (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
				 (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_';
		FUZZ_CHECK(open311_token_shape(name) == shape);
	}
}

static void check_param(const char *name, const char *v)
{
	if (!v || !*v)
		return;
	double d;
	if (!strcmp(name, "lat") || !strcmp(name, "long")) {
		double lim = name[1] == 'a' ? 90 : 180;
		if (open311_number(v, -lim, lim, &d) == 0)
			FUZZ_CHECK(isfinite(d) && d >= -lim && d <= lim && strlen(v) <= 32);
	} else if (!strcmp(name, "email")) {
		const char *at = strchr(v, '@');
		bool want = at && at > v && at[1] && !strchr(at + 1, '@') &&
			    strcspn(v, " <>,;\"") == strlen(v);
		FUZZ_CHECK(open311_email_ok(v) == want);
	} else if (!strcmp(name, "media_url")) {
		if (open311_media_url_ok(v)) {
			FUZZ_CHECK(!strncmp(v, "http://", 7) || !strncmp(v, "https://", 8));
			for (const unsigned char *p = (const unsigned char *)v; *p; p++)
				FUZZ_CHECK(*p > ' ' && *p < 0x7f && !strchr("\"<>\\^`{|}", *p));
		}
	} else if (!strcmp(name, "status")) {
		bool open = false, closed = false;
		if (open311_status(v, &open, &closed) == 0)
			FUZZ_CHECK(open == (strstr(v, "open") != NULL) &&
				   closed == (strstr(v, "closed") != NULL));
	} else if (!strcmp(name, "start_date") || !strcmp(name, "end_date")) {
		int64_t ms;
		if (clock_parse_iso(v, &ms) == 0) {
			char iso[40];
			clock_format_iso(ms, iso, sizeof iso);
			int64_t back;
			FUZZ_CHECK(clock_parse_iso(iso, &back) == 0 && back == ms);
		}
	} else if (!strcmp(name, "phone")) {
		err e = {0};
		if (jv_phone(v, "phone", &e) == 0)
			FUZZ_CHECK(strspn(v, "0123456789 +-") == strlen(v));
	}
}

/* The answers given, checked against each attribute as open311_submit does. */
static void check_answers(const params *p)
{
	open311_answer answers[MAX_ANSWERS];
	/* One more than the answers kept: the name after the last is still read. */
	char codes[MAX_ANSWERS + 1][OPEN311_ATTR_CODE_MAX + 1];
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (strncmp(p->name[i], "attribute", 9) != 0)
			continue;
		bool list;
		if (open311_attribute_name(p->name[i], codes[n], sizeof codes[n], &list) < 0)
			return; /* api_open311.c answers 400 */
		/* What was read is the name back. */
		size_t cl = strlen(codes[n]);
		FUZZ_CHECK(open311_code_valid(codes[n]));
		FUZZ_CHECK(!strncmp(p->name[i] + 10, codes[n], cl));
		FUZZ_CHECK(!strcmp(p->name[i] + 10 + cl, list ? "][]" : "]"));
		if (!p->value[i] || !*p->value[i])
			continue;
		if (n == MAX_ANSWERS)
			return;
		answers[n] = (open311_answer){codes[n], p->value[i], list};
		n++;
	}
	open311_submission in = {.service_code = "0101", .answers = answers, .nanswers = n};
	size_t k;
	json_t *def;
	json_array_foreach(defs, k, def)
	{
		json_t *out = NULL;
		err e = {0};
		if (open311_answer_check(def, &in, &out, &e) < 0) {
			FUZZ_CHECK(e.kind == ERR_BAD_REQUEST && !out);
			continue;
		}
		if (!out)
			continue;
		const char *text = json_string_value(json_object_get(out, "text"));
		const char *type = json_string_value(json_object_get(def, "datatype"));
		json_t *value = json_object_get(out, "value");
		FUZZ_CHECK(text && jv_utf8_chars(text) >= 0 && value);
		if (!strcmp(type, "string"))
			FUZZ_CHECK(jv_utf8_chars(text) <= OPEN311_STRING_MAX &&
				   !strpbrk(text, "\r\n"));
		if (!strcmp(type, "datetime")) {
			int64_t ms;
			FUZZ_CHECK(clock_parse_iso(json_string_value(value), &ms) == 0);
		}
		if (!strcmp(type, "multivaluelist"))
			FUZZ_CHECK(json_is_array(value) && json_array_size(value) >= 1 &&
				   json_array_size(value) <= 3);
		/* What the appeal keeps is written with it. */
		char *s = json_dumps(out, JSON_COMPACT);
		FUZZ_CHECK(s != NULL);
		free(s);
		json_decref(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!defs)
		defs = json_loads(definitions, 0, NULL);
	const uint8_t *nl = memchr(data, '\n', size);
	char *file = fuzz_str(data, nl ? (size_t)(nl - data) : size);
	check_file(file);
	free(file);
	if (!nl)
		return 0;

	http_req r;
	memset(&r, 0, sizeof r);
	arena_init(&r.arena);
	strbuf_init(&r.body, 1 << 20);
	strbuf_add(&r.body, nl + 1, size - (size_t)(nl + 1 - data));
	params p = {0};
	err e = {0};
	bool ok = http_form_each(&r, collect, &p, &e) == 0;
	for (size_t i = 0; ok && i < p.n; i++)
		ok = open311_param_ok(p.name[i], p.value[i]);
	if (ok) {
		for (size_t i = 0; i < p.n; i++)
			check_param(p.name[i], p.value[i]);
		check_answers(&p);
	}
	strbuf_release(&r.body);
	arena_free(&r.arena);
	return 0;
}
