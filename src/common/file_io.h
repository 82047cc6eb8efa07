/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef RPT_COMMON_FILE_IO_H
#define RPT_COMMON_FILE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "common/error.h"

/* Largest file the tools read whole (firmware images, keys): 256 MiB. */
#define RPT_FILE_MAX ((size_t)256 << 20)

/* Read a whole file into a new buffer (free() it). Refuses files over RPT_FILE_MAX. */
int rpt_read_file(const char *path, uint8_t **data, size_t *size, struct rpt_error *err);

/* Same from an open descriptor (closed in every case); path only names it in messages. */
int rpt_read_fd(int fd, const char *path, uint8_t **data, size_t *size, struct rpt_error *err);

/*
 * The halves of rpt_read_fd, for a caller that reads into memory of its own
 * (the firmware loader into TEE shared memory): the size of the regular file
 * behind fd (RPT_FILE_MAX at most), then exactly size bytes of it into buf.
 * Neither closes fd.
 */
int rpt_fd_size(int fd, const char *path, size_t *size, struct rpt_error *err);
int rpt_read_all(int fd, const char *path, uint8_t *buf, size_t size, struct rpt_error *err);
/* Exactly size bytes at offset off of fd into buf (path names fd in messages). */
int rpt_pread_all(int fd, const char *path, void *buf, size_t size, uint64_t off,
		  struct rpt_error *err);
/* All of data at offset off of fd ("PATH: write failed: ..." otherwise). */
int rpt_pwrite_all(int fd, const char *path, const void *data, size_t size, uint64_t off,
		   struct rpt_error *err);

/* rpt_write_file flags. */
#define RPT_WRITE_NO_SYNC 1u /* skip both fsyncs: for outputs a power cut may lose */
#define RPT_WRITE_SHARED  2u /* mode 0644 (umask applies) instead of 0600 */

/*
 * Replace PATH atomically: the data goes to a new file next to it with an
 * unpredictable name (PATH.tmp-<random>, created O_EXCL|O_NOFOLLOW: a planted
 * symlink or file is never written through), is fsync'ed, renamed over PATH,
 * and the directory fsync'ed (the rename survives a power cut). On failure
 * PATH is unchanged and no temporary file remains.
 */
int rpt_write_file(const char *path, const void *data, size_t size, unsigned int flags,
		   struct rpt_error *err);

/* rpt_write_file of the pieces iov[0..iovcnt) one after the other (no copy into one buffer). */
int rpt_write_filev(const char *path, const struct iovec *iov, unsigned int iovcnt,
		    unsigned int flags, struct rpt_error *err);
/*
 * Writes the content of a file being replaced into fd, the new temporary file
 * (tmp is its name, for messages), in any order (pwrite is fine); returns 0, or
 * a negative errno with err set, and PATH is left unchanged.
 */
typedef int (*rpt_fill_fn)(int fd, const char *tmp, void *ctx, struct rpt_error *err);
/*
 * rpt_write_file with the content written by fill(fd, tmp, ctx, err): for
 * writers that produce the file in pieces, or not front to back.
 */
int rpt_write_file_with(const char *path, rpt_fill_fn fill, void *ctx, unsigned int flags,
			struct rpt_error *err);
/* rpt_write_file with durability and mode 0600 (rollback state, dumps). */
int rpt_write_file_atomic(const char *path, const void *data, size_t size, struct rpt_error *err);

#endif
