#include "privacy.h"

#include <stdio.h>
#include <string.h>

void privacy_mask_phone(const char *in, char *out, size_t n)
{
	size_t len = in ? strlen(in) : 0;
	if (len >= 7)
		snprintf(out, n, "%.3s****%s", in, in + len - 4);
	else if (len > 0)
		snprintf(out, n, "****");
	else
		snprintf(out, n, "%s", "");
}
