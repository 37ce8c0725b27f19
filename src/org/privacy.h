/* Masking of personal data for roles that don't need it. */
#ifndef YW_PRIVACY_H
#define YW_PRIVACY_H
#include <stddef.h>

/* "13812341234" → "138****1234"; other shapes keep their first 3 and last 4 characters
 * and hide the middle; short values are hidden entirely. Short and long are counted in
 * digits (all characters when there are none): 11 or more keep 3 + 4 characters, 8 to 10
 * keep 2 + 2, fewer none. */
void privacy_mask_phone(const char *in, char *out, size_t n);
/* Free text with the numbers that may identify a person hidden: in every run of 7 or more
 * digits (11 or more when single spaces or '-' separate them, so that dates stay, unless 7
 * of them stand in a row; an ID card number's final X belongs to the run), the digits
 * other than the first 3 and the last 4 (the first 2 and last 2 in runs shorter than 11)
 * become '*'.
 * "请拨13812345678" → "请拨138****5678". A new heap string. */
char *privacy_mask_text(const char *in);
/* Hides, in place, the numbers that identify a person in text that also carries other
 * numbers (paths, record numbers, dates): every run of digits as long as a mobile number
 * (11 digits, 12–13 with an area code or 86), an ID card number (15, or 17 and an X, or
 * 18) or a bank card (16–19) — single spaces or '-' may separate the digits — keeps its
 * first 3 and last 4 and shows '*' for the rest. 14 digits (our case numbers: a date and a
 * serial) and shorter runs stay. The length of s does not change. */
void privacy_mask_ids(char *s);

#endif
