/* Masking of personal data for roles that don't need it. */
#ifndef YW_PRIVACY_H
#define YW_PRIVACY_H
#include <stddef.h>

/* "13812341234" → "138****1234"; other shapes keep their first 3 and last 4 characters
 * and hide the middle; short values are hidden entirely. */
void privacy_mask_phone(const char *in, char *out, size_t n);

#endif
