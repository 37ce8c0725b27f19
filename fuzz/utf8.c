/* The edge's text checks on raw bytes, against jansson's UTF-8 check as the reference:
 * jv_utf8_chars (valid UTF-8 and its length in characters), jv_has_control, jv_phone, and
 * jw_strn, which writes text into every response and promises JSON even from invalid
 * bytes. */
#include "fuzz.h"

#include <jansson.h>
#include <stdbool.h>

#include "core/jsonw.h"
#include "core/strbuf.h"
#include "http/validate.h"

/* Characters of s, which the caller knows to be valid UTF-8. */
static long count_chars(const char *s)
{
	long n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	size_t len = strlen(s);

	/* jansson takes exactly the strings that are RFC 3629 UTF-8. */
	json_t *ref = json_stringn(s, len);
	long n = jv_utf8_chars(s);
	FUZZ_CHECK((n >= 0) == (ref != NULL));
	if (n >= 0)
		FUZZ_CHECK(n == count_chars(s));

	/* A control character is one of C0, DEL or C1 (U+0080..U+009F). */
	bool ctl = false, ctl_ml = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool c0 = *p < 0x20 || *p == 0x7f;
		bool c1 = *p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
		ctl |= c0 || c1;
		ctl_ml |= (c0 && *p != '\n' && *p != '\t' && *p != '\r') || c1;
	}
	FUZZ_CHECK(jv_has_control(s, false) == ctl);
	FUZZ_CHECK(jv_has_control(s, true) == ctl_ml);

	err e = {0};
	if (jv_phone(s, "phone", &e) == 0) {
		size_t digits = 0;
		for (const char *p = s; *p; p++)
			digits += *p >= '0' && *p <= '9';
		FUZZ_CHECK(strspn(s, "0123456789 +-") == len && digits >= 5);
	}

	/* The response writer: always one valid JSON string; the same text when valid. The
	 * bytes after a NUL are written too (jw_strn takes a length). */
	strbuf sb = STRBUF_INIT;
	jw_strn(&sb, (const char *)data, size);
	json_error_t je;
	json_t *back = json_loadb(sb.buf, sb.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	FUZZ_CHECK(back && json_is_string(back));
	json_t *exact = json_stringn((const char *)data, size);
	if (exact)
		FUZZ_CHECK(json_equal(exact, back));
	else
		FUZZ_CHECK(memmem(json_string_value(back), json_string_length(back), "\xEF\xBF\xBD",
				  3) != NULL);
	json_decref(exact);
	json_decref(back);
	strbuf_release(&sb);
	json_decref(ref);
	free(s);
	return 0;
}
