/* The privacy masker (org/privacy.c) on what citizens write: privacy_mask_text on free text
 * (published Open311 descriptions and addresses) and privacy_mask_phone on phone numbers
 * as the edge lets them in (jv_phone). Checked: only digits change, each into '*', so the
 * text keeps its length and its UTF-8; no run of 7 or more digits in a row stays whole;
 * an 11-digit mobile shows at most its first 3 and last 4 digits; a masked phone shows at
 * most 7 of its digits. */
#include "fuzz.h"

#include <stdbool.h>

#include "http/validate.h"
#include "org/privacy.h"

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static void check_text(const char *in)
{
	char *out = privacy_mask_text(in);
	size_t n = strlen(in);
	FUZZ_CHECK(strlen(out) == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(out[i] == in[i] || (digit(in[i]) && out[i] == '*'));
	if (jv_utf8_chars(in) >= 0)
		FUZZ_CHECK(jv_utf8_chars(out) == jv_utf8_chars(in));
	/* Seven digits in a row are a phone number (a landline): never left whole. */
	for (size_t i = 0, run = 0; i < n; i++) {
		run = digit(out[i]) && digit(in[i]) ? run + 1 : 0;
		if (run >= 7)
			fprintf(stderr, "left whole in %s\n", out);
		FUZZ_CHECK(run < 7);
	}
	free(out);
}

static void check_phone(const char *in)
{
	err e = {0};
	if (jv_phone(in, "phone", &e) < 0)
		return;
	char out[64];
	privacy_mask_phone(in, out, sizeof out);
	size_t shown = 0, digits = 0;
	for (const char *p = out; *p; p++)
		shown += digit(*p);
	for (const char *p = in; *p; p++)
		digits += digit(*p);
	FUZZ_CHECK(strlen(out) < sizeof out && shown <= 7);
	if (digits >= 7)
		FUZZ_CHECK(shown < digits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	check_text(s);
	check_phone(s);
	free(s);
	return 0;
}
