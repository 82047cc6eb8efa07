// SPDX-License-Identifier: BSD-2-Clause
#include "common/file_io.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int rpt_read_file(const char *path, uint8_t **data, size_t *size, struct rpt_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	return rpt_read_fd(fd, path, data, size, err);
}

int rpt_fd_size(int fd, const char *path, size_t *size, struct rpt_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rpt_error_set(err, EINVAL, "%s: not a regular file", path);
	if ((uint64_t)st.st_size > RPT_FILE_MAX)
		return rpt_error_set(err, EFBIG, "%s: %lld bytes, larger than the %zu-byte limit",
				     path, (long long)st.st_size, RPT_FILE_MAX);
	*size = (size_t)st.st_size;
	return 0;
}

int rpt_read_all(int fd, const char *path, uint8_t *buf, size_t size, struct rpt_error *err)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rpt_error_set(err, n < 0 ? errno : EIO, "%s: short read", path);
		done += (size_t)n;
	}
	return 0;
}

int rpt_pread_all(int fd, const char *path, void *buf, size_t size, uint64_t off,
		  struct rpt_error *err)
{
	uint8_t *p = buf;

	while (size) {
		ssize_t n;

		if (off > (uint64_t)INT64_MAX - size)
			return rpt_error_set(err, EFBIG, "%s: offset past the largest file", path);
		n = pread(fd, p, size, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rpt_error_set(err, n < 0 ? errno : EIO, "%s: short read", path);
		p += n;
		off += (uint64_t)n;
		size -= (size_t)n;
	}
	return 0;
}

int rpt_read_fd(int fd, const char *path, uint8_t **data, size_t *size, struct rpt_error *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	ret = rpt_fd_size(fd, path, &len, err);
	if (ret)
		goto out_close;
	/* One spare byte so an empty file still gets a valid pointer. */
	buf = malloc(len + 1);
	if (!buf) {
		ret = rpt_error_set(err, ENOMEM, "%s: out of memory", path);
		goto out_close;
	}
	ret = rpt_read_all(fd, path, buf, len, err);
	if (ret) {
		free(buf);
		goto out_close;
	}
	*data = buf;
	*size = len;
out_close:
	close(fd);
	return ret;
}

/*
 * Create a new temporary file next to path: PATH.tmp-<16 random hex digits>,
 * O_EXCL and O_NOFOLLOW so that nothing planted there (a symlink to another
 * file, a file someone else opened) is ever written through.
 */
/*
 * The temporary file could not be created: the fault is the directory's (missing,
 * not a directory, not writable), so name it and the file asked for, never the
 * temporary name the user did not choose.
 */
static int temp_failed(const char *path, int e, struct rpt_error *err)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return rpt_error_set(err, e, "%s: cannot create it in the current directory: %s",
				     path, strerror(e));
	return rpt_error_set(err, e, "%s: cannot create it in directory %.*s: %s", path,
			     slash == path ? 1 : (int)(slash - path), path, strerror(e));
}

static int create_temp(const char *path, mode_t mode, char *tmp, size_t len, struct rpt_error *err)
{
	uint8_t rnd[8];
	unsigned int tries, i;
	int fd, n;

	for (tries = 0; tries < 16; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return rpt_error_set(err, EIO, "%s: no random bytes for a temporary name",
					     path);
		n = snprintf(tmp, len, "%s.tmp-", path);
		if (n < 0 || (size_t)n + 2 * sizeof(rnd) >= len)
			return rpt_error_set(err, ENAMETOOLONG, "%s: path too long", path);
		for (i = 0; i < sizeof(rnd); i++)
			snprintf(tmp + n + (size_t)2 * i, 3, "%02x", rnd[i]);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return temp_failed(path, errno, err);
	}
	return rpt_error_set(err, EEXIST, "%s: no free temporary name", path);
}

/* fsync the directory holding path, so that a rename in it survives a power cut. */
static int sync_dir_of(const char *path, struct rpt_error *err)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd, ret = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return rpt_error_set(err, ENAMETOOLONG, "%s: path too long", path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rpt_error_set(err, errno, "%s: %s", dir, strerror(errno));
	if (fsync(fd) < 0)
		ret = rpt_error_set(err, errno, "%s: fsync: %s", dir, strerror(errno));
	close(fd);
	return ret;
}

/*
 * Put the finished temporary file tmp in place of path, atomically: a reader
 * of path sees the old file or the new one, never a mix.
 *
 * Without durability asked for, an existing regular file is swapped out with
 * renameat2(RENAME_EXCHANGE) and then unlinked under the temporary name,
 * rather than renamed over. Why: on ext4, renaming over an existing file
 * makes the kernel start writing the new file's data back inside rename()
 * (the auto_da_alloc heuristic that stands in for a missing fsync), which
 * costs a 4 MiB image about 2 ms of the caller's time; a durable caller has
 * fsync'ed already and uses a plain rename. Anything else (no old file, a
 * directory, a filesystem without RENAME_EXCHANGE) takes the plain rename,
 * whose errors (EISDIR...) are the ones users know.
 */
static int replace_file(const char *tmp, const char *path, bool durable, struct rpt_error *err)
{
	struct stat st;

	if (!durable && lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		int e;

		if (unlink(tmp) == 0)
			return 0;
		/* Something else took the old name meanwhile: put it back and report. */
		e = errno;
		renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE);
		return rpt_error_set(err, e, "%s: removing the replaced file: %s", path,
				     strerror(e));
	}
	if (rename(tmp, path) < 0)
		return rpt_error_set(err, errno, "%s: rename: %s", path, strerror(errno));
	return 0;
}

/* Write all of data to fd (tmp names it in messages). */
static int write_all(int fd, const char *tmp, const void *data, size_t size, struct rpt_error *err)
{
	const uint8_t *p = data;

	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rpt_error_set(err, n < 0 ? errno : EIO, "%s: write failed: %s", tmp,
					     strerror(n < 0 ? errno : EIO));
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

int rpt_pwrite_all(int fd, const char *path, const void *data, size_t size, uint64_t off,
		   struct rpt_error *err)
{
	const uint8_t *p = data;

	while (size) {
		ssize_t n;

		if (off > (uint64_t)INT64_MAX - size)
			return rpt_error_set(err, EFBIG, "%s: offset past the largest file", path);
		n = pwrite(fd, p, size, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rpt_error_set(err, n < 0 ? errno : EIO, "%s: write failed: %s", path,
					     strerror(n < 0 ? errno : EIO));
		p += n;
		off += (uint64_t)n;
		size -= (size_t)n;
	}
	return 0;
}

int rpt_write_file(const char *path, const void *data, size_t size, unsigned int flags,
		   struct rpt_error *err)
{
	struct iovec iov = {.iov_base = (void *)data, .iov_len = size};

	return rpt_write_filev(path, &iov, 1, flags, err);
}

/* What rpt_write_filev() writes: the pieces, one after the other. */
struct iov_pieces {
	const struct iovec *iov; /* the pieces */
	unsigned int iovcnt;	 /* how many */
};

static int write_pieces(int fd, const char *tmp, void *ctx, struct rpt_error *err)
{
	const struct iov_pieces *p = ctx;
	unsigned int i;
	int ret;

	for (i = 0; i < p->iovcnt; i++) {
		ret = write_all(fd, tmp, p->iov[i].iov_base, p->iov[i].iov_len, err);
		if (ret)
			return ret;
	}
	return 0;
}

int rpt_write_filev(const char *path, const struct iovec *iov, unsigned int iovcnt,
		    unsigned int flags, struct rpt_error *err)
{
	struct iov_pieces p = {.iov = iov, .iovcnt = iovcnt};

	return rpt_write_file_with(path, write_pieces, &p, flags, err);
}

int rpt_write_file_with(const char *path, rpt_fill_fn fill, void *ctx, unsigned int flags,
			struct rpt_error *err)
{
	char tmp[4096];
	int ret = 0;
	int fd;

	fd = create_temp(path, flags & RPT_WRITE_SHARED ? 0644 : 0600, tmp, sizeof(tmp), err);
	if (fd < 0)
		return fd;
	ret = fill(fd, tmp, ctx, err);
	if (ret)
		goto out_unlink;
	if (!(flags & RPT_WRITE_NO_SYNC) && fsync(fd) < 0) {
		ret = rpt_error_set(err, errno, "%s: fsync: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = rpt_error_set(err, errno, "%s: close: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	ret = replace_file(tmp, path, !(flags & RPT_WRITE_NO_SYNC), err);
	if (ret)
		goto out_unlink;
	if (!(flags & RPT_WRITE_NO_SYNC))
		return sync_dir_of(path, err);
	return 0;

out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}

int rpt_write_file_atomic(const char *path, const void *data, size_t size, struct rpt_error *err)
{
	return rpt_write_file(path, data, size, 0, err);
}
