#include "core/photo.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"

bool photo_type(const unsigned char *d, size_t len, const char **mime, const char **ext)
{
	if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
		*mime = "image/jpeg", *ext = "jpg";
		return true;
	}
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	if (len >= 8 && !memcmp(d, png, 8)) {
		*mime = "image/png", *ext = "png";
		return true;
	}
	if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) {
		*mime = "image/webp", *ext = "webp";
		return true;
	}
	return false;
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0750) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

/* Writes data to path durably: a temporary file, fsync, rename. */
static int write_file(const char *path, const unsigned char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	int rc = off == len && fsync(fd) == 0 ? 0 : -1;
	close(fd);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int photo_save(const char *data_dir, const char *area, const unsigned char *data, size_t len,
	       size_t max, char **rel, const char **mime, err *e)
{
	const char *ext;
	if (len == 0)
		return err_set(e, ERR_INVALID, "empty_file", NULL, "照片为空");
	if (len > max)
		return err_set(e, ERR_TOO_LARGE, "too_large", NULL, "照片不能超过 %zu MB",
			       max >> 20);
	if (!photo_type(data, len, mime, &ext))
		return err_set(e, ERR_INVALID, "unsupported_type", NULL,
			       "只接受 JPEG、PNG 或 WebP 格式的照片");
	char name[33];
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(name, sizeof name, raw, sizeof raw);
	char *r = xasprintf("%.2s/%s.%s", name, name, ext);
	char *dir = xasprintf("%s/%s/%.2s", data_dir, area, name);
	char *path = xasprintf("%s/%s/%s", data_dir, area, r);
	int rc = 0;
	if (mkdirs(dir) < 0 || write_file(path, data, len) < 0) {
		rc = err_set(e, ERR_INTERNAL, "storage", NULL, "无法保存照片文件");
		free(r);
	} else {
		*rel = r;
	}
	free(dir);
	free(path);
	return rc;
}

void photo_remove(const char *data_dir, const char *area, const char *rel)
{
	char *path = xasprintf("%s/%s/%s", data_dir, area, rel);
	unlink(path);
	free(path);
}

int photo_read(const char *data_dir, const char *area, const char *rel, size_t max, char **buf,
	       size_t *len, err *e)
{
	char *path = xasprintf("%s/%s/%s", data_dir, area, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0 || (size_t)sb.st_size > max) {
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "照片文件不存在");
	}
	char *b = xmalloc((size_t)sb.st_size + 1);
	size_t got = 0;
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, b + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)sb.st_size) {
		free(b);
		return err_set(e, ERR_INTERNAL, "storage", NULL, "无法读取照片文件");
	}
	*buf = b;
	*len = got;
	return 0;
}
