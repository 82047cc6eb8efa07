// SPDX-License-Identifier: BSD-2-Clause
#include "common/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rpt_read_file(const char *path, uint8_t **data, size_t *size, struct rpt_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	return rpt_read_fd(fd, path, data, size, err);
}

int rpt_read_fd(int fd, const char *path, uint8_t **data, size_t *size, struct rpt_error *err)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t done = 0;
	int ret;

	if (fstat(fd, &st) < 0) {
		ret = rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = rpt_error_set(err, EINVAL, "%s: not a regular file", path);
		goto out_close;
	}
	if ((uint64_t)st.st_size > RPT_FILE_MAX) {
		ret = rpt_error_set(err, EFBIG, "%s: %lld bytes, larger than the %zu-byte limit",
				    path, (long long)st.st_size, RPT_FILE_MAX);
		goto out_close;
	}
	/* One spare byte so an empty file still gets a valid pointer. */
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ret = rpt_error_set(err, ENOMEM, "%s: out of memory", path);
		goto out_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = rpt_error_set(err, n < 0 ? errno : EIO, "%s: short read", path);
			goto out_free;
		}
		done += (size_t)n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;

out_free:
	free(buf);
out_close:
	close(fd);
	return ret;
}

int rpt_write_file_atomic(const char *path, const void *data, size_t size, struct rpt_error *err)
{
	const uint8_t *p = data;
	char tmp[4096];
	int ret = 0;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return rpt_error_set(err, ENAMETOOLONG, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return rpt_error_set(err, errno, "%s: %s", tmp, strerror(errno));
	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = rpt_error_set(err, n < 0 ? errno : EIO, "%s: write failed", tmp);
			goto out_unlink;
		}
		p += n;
		size -= (size_t)n;
	}
	if (fsync(fd) < 0) {
		ret = rpt_error_set(err, errno, "%s: fsync: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		ret = rpt_error_set(err, errno, "%s: rename: %s", path, strerror(errno));
		unlink(tmp);
	}
	return ret;

out_unlink:
	close(fd);
	unlink(tmp);
	return ret;
}
