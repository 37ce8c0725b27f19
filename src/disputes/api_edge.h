/* Edge helpers shared by the disputes' route files. */
#ifndef YW_DISPUTES_API_EDGE_H
#define YW_DISPUTES_API_EDGE_H
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* Answers with a file: data (heap, taken), its type, and a name in ASCII plus the
 * Chinese one (RFC 5987); inline shows it in the browser instead of downloading. */
int dispute_edge_file(http_req *r, char *data, size_t len, const char *type, const char *ascii_name,
		      const char *name, bool inline_);

#endif
