/* What http/server.c does itself with a client's bytes before any route: the access log's
 * JSON strings of the path, method and user (the JSON writer's jw_str), and the mapping of a path
 * onto the web directory (static_path_ok, content_type_for). Those are static, so this harness
 * includes server.c. Checked: every escaped text makes a valid JSON string, the same text
 * when it was valid UTF-8; a path let through has no "." segment start and no backslash,
 * and gets one of the known content types. */
#include "../src/http/server.c"

#include "fuzz.h"

static void check_escape(const char *s)
{
	strbuf sb = STRBUF_INIT;
	jw_str(&sb, s);
	json_error_t je;
	json_t *v = json_loadb(sb.buf, sb.len, JSON_DECODE_ANY, &je);
	if (!v)
		fprintf(stderr, "access log line field %s: %s\n", sb.buf, je.text);
	FUZZ_CHECK(v && json_is_string(v));
	json_t *same = json_string(s);
	if (same)
		FUZZ_CHECK(json_equal(v, same));
	json_decref(same);
	json_decref(v);
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	check_escape(s);
	if (static_path_ok(s)) {
		FUZZ_CHECK(s[0] == '/' && !strchr(s, '\\') && !strstr(s, "/."));
		const char *type = content_type_for(s);
		FUZZ_CHECK(type && *type);
	}
	free(s);
	return 0;
}
