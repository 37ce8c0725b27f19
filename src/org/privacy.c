#include "org/privacy.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"

void privacy_mask_phone(const char *in, char *out, size_t n)
{
	size_t len = in ? strlen(in) : 0, digits = 0;
	for (size_t i = 0; i < len; i++)
		digits += in[i] >= '0' && in[i] <= '9';
	/* A mobile number keeps 3 + 4 visible digits; shorter numbers (landlines) keep
	 * fewer, so that at least a third of the digits stay hidden. The digits decide, not
	 * the characters: "281 - 2345" is a seven-digit number padded to eleven. */
	size_t size = digits ? digits : len;
	if (size >= 11)
		snprintf(out, n, "%.3s****%s", in, in + len - 4);
	else if (size >= 8)
		snprintf(out, n, "%.2s****%s", in, in + len - 2);
	else if (len > 0)
		snprintf(out, n, "****");
	else
		snprintf(out, n, "%s", "");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

char *privacy_mask_text(const char *in)
{
	char *out = xstrdup(in ? in : "");
	size_t n = strlen(out);
	for (size_t i = 0; i < n;) {
		if (!is_digit(out[i])) {
			i++;
			continue;
		}
		/* The run: digits, with one space or '-' allowed between two digits; group is
		 * the digits since the last separator, longest the most of them in a row. */
		size_t end = i, digits = 0, group = 0, longest = 0;
		bool separated = false;
		while (end < n) {
			if (is_digit(out[end])) {
				digits++;
				end++;
				if (++group > longest)
					longest = group;
			} else if ((out[end] == ' ' || out[end] == '-') && end + 1 < n &&
				   is_digit(out[end + 1])) {
				separated = true;
				group = 0;
				end++;
			} else {
				break;
			}
		}
		if (end < n && (out[end] == 'X' || out[end] == 'x') && digits == 17) {
			digits++;
			end++;
		}
		/* Written with separators, only a number as long as a mobile's counts: a
		 * date (2026-11-20) or a range (3-5) is not a person's number. Seven digits
		 * in a row are one whatever follows them (a landline with its extension,
		 * 2812345-801). */
		if (digits >= (separated ? 11u : 7u) || longest >= 7) {
			/* As privacy_mask_phone: shorter numbers show fewer digits. */
			size_t head = digits >= 11 ? 3 : 2, tail = digits >= 11 ? 4 : 2;
			size_t seen = 0;
			for (size_t k = i; k < end; k++) {
				if (out[k] == ' ' || out[k] == '-')
					continue;
				if (seen >= head && seen < digits - tail)
					out[k] = '*';
				seen++;
			}
		}
		i = end;
	}
	return out;
}

/* The end of the run of digits starting at i (single ' ' or '-' allowed between two
 * digits, an X after 17 digits belonging to it), and how many digits it holds. */
static size_t digit_run(const char *s, size_t n, size_t i, size_t *digits)
{
	size_t end = i;
	*digits = 0;
	while (end < n) {
		if (is_digit(s[end])) {
			(*digits)++;
			end++;
		} else if ((s[end] == ' ' || s[end] == '-') && end + 1 < n &&
			   is_digit(s[end + 1]) && end > i) {
			end++;
		} else {
			break;
		}
	}
	if (end < n && (s[end] == 'X' || s[end] == 'x') && *digits == 17) {
		(*digits)++;
		end++;
	}
	return end;
}

void privacy_mask_ids(char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		if (!is_digit(s[i])) {
			i++;
			continue;
		}
		size_t digits;
		size_t end = digit_run(s, n, i, &digits);
		if ((digits >= 11 && digits <= 13) || (digits >= 15 && digits <= 19)) {
			size_t seen = 0;
			for (size_t k = i; k < end; k++) {
				if (s[k] == ' ' || s[k] == '-')
					continue;
				if (seen >= 3 && seen < digits - 4)
					s[k] = '*';
				seen++;
			}
		}
		i = end;
	}
}
