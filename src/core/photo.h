/* Uploaded photos on disk, shared by the platforms that take them (livelihood projects,
 * grid events): the type from the first bytes, a durable write under the server's data
 * directory (`serve --data-dir`) with a random name, and reading a stored file back. The
 * rows that say who may see a photo are each platform's own. */
#ifndef YW_PHOTO_H
#define YW_PHOTO_H
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum { PHOTO_BYTES_MAX = 8 << 20 }; /* the largest photo any platform stores */

/* The type of a photo from its first bytes (JPEG, PNG, WebP): the MIME type and the file
 * extension; false for anything else. */
bool photo_type(const unsigned char *data, size_t len, const char **mime, const char **ext);

/* Checks data (422 empty_file or unsupported_type, 413 too_large over max bytes) and
 * writes it to data_dir/area/xx/<random>.<ext> (fsync, rename). Fills *rel (heap) with the
 * path under data_dir/area, *mime with the type. */
int photo_save(const char *data_dir, const char *area, const unsigned char *data, size_t len,
	       size_t max, char **rel, const char **mime, err *e);

/* Removes a file photo_save wrote (when the row that would name it was not stored). */
void photo_remove(const char *data_dir, const char *area, const char *rel);

/* Reads data_dir/area/rel (at most max bytes) into *buf (heap) and *len; 404 not_found
 * when it is missing or larger, 500 storage on a read error. */
int photo_read(const char *data_dir, const char *area, const char *rel, size_t max, char **buf,
	       size_t *len, err *e);

#endif
