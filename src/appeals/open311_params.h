/* The Open311 edge's reading of what a partner sends (docs/open311.md): the resource's
 * suffix, parameter text, numbers, addresses, attribute names, tokens and statuses, as
 * functions of the text alone, so that they are tested and fuzzed without HTTP.
 * appeals/api_open311.c answers with their verdicts. */
#ifndef YW_OPEN311_PARAMS_H
#define YW_OPEN311_PARAMS_H
#include <stdbool.h>
#include <stddef.h>

/* Splits a path's last segment ("services.json") into its name (into name, n bytes) and
 * its format; -1 when the suffix is neither .json nor .xml or the name does not fit.
 * *json is set either way (true only for .json), for answering the error. */
int open311_split_file(const char *file, char *name, size_t n, bool *json);
/* Whether a parameter's name and value are valid UTF-8 without control characters (line
 * breaks and tabs allowed in description and attribute answers). */
bool open311_param_ok(const char *name, const char *value);
/* A finite number in [min, max] written in at most 32 characters (strtod's syntax), into
 * *out; -1 otherwise. */
int open311_number(const char *v, double min, double max, double *out);
/* Whether email has one '@' with text on both sides and none of space < > , ; " in it. */
bool open311_email_ok(const char *email);
/* Whether url is an http:// or https:// URL of printable ASCII without " < > \ ^ ` { | }. */
bool open311_media_url_ok(const char *url);
/* "attribute[code]" or "attribute[code][]": the code (into code, n bytes) and whether it
 * is the list form (*list); -1 for any other name, or a code that does not fit n or is not
 * open311_code_valid. */
int open311_attribute_name(const char *name, char *code, size_t n, bool *list);
/* Whether t has the shape of a token: 1..64 of [A-Za-z0-9_-]. */
bool open311_token_shape(const char *t);
/* A status filter: a comma list of "open" and "closed" (spaces before an item and empty
 * items ignored) sets *open and *closed; -1 on any other item. */
int open311_status(const char *status, bool *open, bool *closed);

#endif
