// SPDX-License-Identifier: BSD-2-Clause
/*
 * A firmware loader reading "<dir>/<name>" from a search path (the daemon's
 * and the demo's loader), Linux request_firmware() style.
 */
#include "normal/core/rproc_fw_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/file_io.h"

/* Tests: resolve as on a kernel without openat2 (see rproc_fw_dir_force_fallback). */
static bool force_fallback;

void rproc_fw_dir_force_fallback(bool on)
{
	force_fallback = on;
}

/* The name comes from users: no empty, "." or ".." component, relative. */
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

/*
 * Without openat2 (old kernel, or a seccomp filter refusing it): resolve
 * every symlink, check the result is still inside the directory, then open
 * that path without following a last symlink.
 */
static int open_beneath_fallback(const char *dir, const char *name, struct rpt_error *err)
{
	char path[RPROC_FW_DIR_MAX + RPROC_FW_NAME_MAX + 2];
	char real_dir[PATH_MAX], real[PATH_MAX];
	size_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!realpath(dir, real_dir) || !realpath(path, real))
		return errno == ENOENT ? -ENOENT
				       : rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	n = strlen(real_dir);
	if (strncmp(real, real_dir, n) || (real[n] != '/' && real_dir[n - 1] != '/'))
		return rpt_error_set(
			err, EACCES,
			"firmware \"%s\" resolves to %s, outside the firmware directory %s", name,
			real, dir);
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	return fd;
}

/*
 * Open name beneath dir: the kernel refuses any ".." or symlink that would
 * lead out of dir (RESOLVE_BENEATH), and magic links. A descriptor, -ENOENT
 * if dir has no such file (the next directory is tried), or another error.
 */
static int open_beneath(const char *dir, const char *name, struct rpt_error *err)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int dfd, fd;

	if (force_fallback)
		return open_beneath_fallback(dir, name, err);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT || errno == ENOTDIR
			       ? -ENOENT
			       : rpt_error_set(err, errno, "%s: %s", dir, strerror(errno));
	fd = (int)syscall(SYS_openat2, dfd, name, &how, sizeof(how));
	close(dfd);
	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOSYS:
	case EPERM:
		return open_beneath_fallback(dir, name, err);
	case ENOENT:
		return -ENOENT;
	case EXDEV:
	case ELOOP:
		return rpt_error_set(err, EACCES,
				     "firmware \"%s\" leads out of the firmware directory %s "
				     "(through a symlink): refused",
				     name, dir);
	default:
		return rpt_error_set(err, errno, "%s/%s: %s", dir, name, strerror(errno));
	}
}

/* The search path, "dir1:dir2", for messages. */
static void search_path(const struct rproc_fw_dir *d, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < d->num_dirs && used < len; i++) {
		n = snprintf(buf + used, len - used, "%s%s", i ? ":" : "", d->dirs[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/*
 * The whole file behind fd (closed here) into the driver's memory fw->mem
 * when it has some (fw->priv stays NULL), else into a buffer of our own.
 */
static int read_fw(int fd, const char *name, struct rproc_fw *fw, struct rpt_error *err)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int ret;

	if (!fw->mem) {
		ret = rpt_read_fd(fd, name, &data, &size, err);
		if (!ret) {
			fw->data = data;
			fw->size = size;
			fw->priv = data;
		}
		return ret;
	}
	ret = rpt_fd_size(fd, name, &size, err);
	if (!ret) {
		data = fw->mem->alloc(fw->mem->priv, size ? size : 1, err);
		if (!data)
			ret = -ENOMEM;
	}
	if (!ret) {
		ret = rpt_read_all(fd, name, data, size, err);
		if (ret)
			fw->mem->free(fw->mem->priv, data);
	}
	close(fd);
	if (ret)
		return ret;
	fw->data = data;
	fw->size = size;
	return 0;
}

static int file_request(void *priv, const char *name, struct rproc_fw *fw, struct rpt_error *err)
{
	const struct rproc_fw_dir *d = priv;
	char where[256];
	unsigned int i;
	int fd = -ENOENT;

	if (d->allow_absolute && name[0] == '/') {
		fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return rpt_error_set(err, errno, "%s: %s", name, strerror(errno));
		return read_fw(fd, name, fw, err);
	}
	search_path(d, where, sizeof(where));
	if (!name_ok(name))
		return rpt_error_set(err, EINVAL,
				     "firmware name \"%s\" refused (must stay in the firmware "
				     "directory: no \"..\", \".\" or empty component%s)",
				     name, d->allow_absolute ? "" : ", not absolute");
	for (i = 0; i < d->num_dirs && fd == -ENOENT; i++)
		fd = open_beneath(d->dirs[i], name, err);
	if (fd == -ENOENT)
		return rpt_error_set(err, ENOENT, "firmware \"%s\": %s in %s", name,
				     strerror(ENOENT), where);
	if (fd < 0)
		return fd;
	return read_fw(fd, name, fw, err);
}

static void file_release(void *priv, struct rproc_fw *fw)
{
	(void)priv;
	if (fw->mem && !fw->priv && fw->data)
		fw->mem->free(fw->mem->priv, (void *)fw->data);
	free(fw->priv);
	fw->priv = NULL;
}

int rproc_fw_dir_add(struct rproc_fw_dir *d, const char *dir)
{
	if (!dir || !*dir || strlen(dir) >= sizeof(d->dirs[0]))
		return -EINVAL;
	if (d->num_dirs >= RPROC_FW_DIRS_MAX)
		return -ENOSPC;
	snprintf(d->dirs[d->num_dirs++], sizeof(d->dirs[0]), "%s", dir);
	return 0;
}

int rproc_fw_dir_loader(struct rproc_fw_loader *loader, struct rproc_fw_dir *d, const char *dir)
{
	memset(d, 0, sizeof(*d));
	if (rproc_fw_dir_add(d, dir))
		return -EINVAL;
	loader->request = file_request;
	loader->release = file_release;
	loader->priv = d;
	return 0;
}
