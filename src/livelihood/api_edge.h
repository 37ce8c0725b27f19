/* Edge helpers shared by the two livelihood API files. */
#ifndef YW_API_LIVELIHOOD_EDGE_H
#define YW_API_LIVELIHOOD_EDGE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

/* An array of positive integer ids under key (400 when not one, 422 too_many_code past
 * max); *ids lives in the request's arena. */
int lv_edge_ids(json_t *b, const char *key, bool required, size_t max, const char *too_many_code,
		int64_t **ids, size_t *n, http_req *r, err *e);
/* On a public route: resolves the token when one was sent (401 when it is not valid). */
int lv_edge_optional_login(http_req *r, err *e);
/* On a public route: a caller without login as the public (sees what is published). */
void lv_edge_public_actor(http_req *r);
/* The per-address limit of public submissions (429). */
int lv_edge_rate(http_req *r, err *e);
/* ?year= within 2000..2100 (0 when absent and not required). */
int lv_edge_year(http_req *r, bool required, int64_t *year, err *e);

#endif
