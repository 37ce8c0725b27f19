#include "core/xlsx_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"

lxw_workbook *xlsx_out_open(xlsx_out *o, err *e)
{
	o->wb = NULL;
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	o->path = xasprintf("%s/yiwang-xlsx-XXXXXX", dir);
	int fd = mkstemp(o->path);
	if (fd < 0) {
		free(o->path);
		o->path = NULL;
		err_set(e, ERR_INTERNAL, "xlsx", NULL, "无法创建临时文件");
		return NULL;
	}
	close(fd);
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = (char *)dir};
	o->wb = workbook_new_opt(o->path, &opt);
	if (!o->wb) {
		unlink(o->path);
		free(o->path);
		o->path = NULL;
		err_set(e, ERR_INTERNAL, "xlsx", NULL, "无法创建 Excel 文件");
	}
	return o->wb;
}

static int read_back(const char *path, char **data, size_t *len, err *e)
{
	FILE *fp = fopen(path, "rb");
	struct stat sb;
	if (!fp || fstat(fileno(fp), &sb) < 0) {
		if (fp)
			fclose(fp);
		return err_set(e, ERR_INTERNAL, "xlsx", NULL, "无法读取生成的 Excel 文件");
	}
	char *buf = xmalloc((size_t)sb.st_size + 1);
	size_t n = fread(buf, 1, (size_t)sb.st_size, fp);
	fclose(fp);
	if (n != (size_t)sb.st_size) {
		free(buf);
		return err_set(e, ERR_INTERNAL, "xlsx", NULL, "无法读取生成的 Excel 文件");
	}
	*data = buf;
	*len = n;
	return 0;
}

int xlsx_out_finish(xlsx_out *o, char **data, size_t *len, err *e)
{
	lxw_error xe = workbook_close(o->wb);
	o->wb = NULL;
	int rc = xe != LXW_NO_ERROR ? err_set(e, ERR_INTERNAL, "xlsx", NULL,
					      "生成 Excel 文件失败：%s", lxw_strerror(xe))
				    : read_back(o->path, data, len, e);
	unlink(o->path);
	free(o->path);
	o->path = NULL;
	return rc;
}
