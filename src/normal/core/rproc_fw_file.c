// SPDX-License-Identifier: BSD-2-Clause
/* A firmware loader reading "<dir>/<name>" (the daemon's and the demo's loader). */
#include "normal/core/rproc_fw_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_io.h"

/* The name comes from users: keep it inside the directory. */
static bool name_ok(const char *name)
{
	const char *p = name;
	size_t n;

	if (!*name || *name == '/')
		return false;
	while (*p) {
		n = strcspn(p, "/");
		if (!n || (n == 2 && !strncmp(p, "..", 2)) || (n == 1 && *p == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return true;
}

static int file_request(void *priv, const char *name, struct rproc_fw *fw, struct rpt_error *err)
{
	const struct rproc_fw_dir *d = priv;
	char path[RPROC_FW_DIR_MAX + RPROC_FW_NAME_MAX + 2];
	uint8_t *data = NULL;
	size_t size = 0;
	int ret;

	if (d->allow_absolute && name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else if (!name_ok(name))
		return rpt_error_set(err, EINVAL, "firmware name \"%s\" refused (must stay in %s)",
				     name, d->dir);
	else
		snprintf(path, sizeof(path), "%s/%s", d->dir, name);
	ret = rpt_read_file(path, &data, &size, err);
	if (ret)
		return ret;
	fw->data = data;
	fw->size = size;
	fw->priv = data;
	return 0;
}

static void file_release(void *priv, struct rproc_fw *fw)
{
	(void)priv;
	free(fw->priv);
	fw->priv = NULL;
}

int rproc_fw_dir_loader(struct rproc_fw_loader *loader, struct rproc_fw_dir *d, const char *dir)
{
	if (!dir || !*dir || strlen(dir) >= sizeof(d->dir))
		return -EINVAL;
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	d->allow_absolute = false;
	loader->request = file_request;
	loader->release = file_release;
	loader->priv = d;
	return 0;
}
