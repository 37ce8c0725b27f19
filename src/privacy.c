#include "privacy.h"

#include <stdio.h>
#include <string.h>

void privacy_mask_phone(const char *in, char *out, size_t n)
{
	size_t len = in ? strlen(in) : 0;
	/* A mobile number keeps 3 + 4 visible digits; shorter numbers (landlines) keep
	 * fewer, so that at least a third of the digits stay hidden. */
	if (len >= 11)
		snprintf(out, n, "%.3s****%s", in, in + len - 4);
	else if (len >= 8)
		snprintf(out, n, "%.2s****%s", in, in + len - 2);
	else if (len > 0)
		snprintf(out, n, "****");
	else
		snprintf(out, n, "%s", "");
}
