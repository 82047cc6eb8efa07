// SPDX-License-Identifier: BSD-2-Clause
#include "common/log_stamp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* The stamping stream's state (one per process, behind stdio's own lock). */
struct stamp_stream {
	int fd;		    /* where stamped lines go: the original stderr */
	bool at_line_start; /* the next byte written begins a line */
};

static struct stamp_stream stamp = {STDERR_FILENO, true};

bool rpt_log_under_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

size_t rpt_log_stamp_format(char *buf, size_t len)
{
	struct timespec mono, wall;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &wall);
	gmtime_r(&wall.tv_sec, &tm);
	n = snprintf(buf, len, "[%5lld.%06ld] %04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ",
		     (long long)mono.tv_sec, mono.tv_nsec / 1000, tm.tm_year + 1900, tm.tm_mon + 1,
		     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, wall.tv_nsec / 1000000);
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

/* All of iov, across short writes and EINTR; a log that cannot be written is dropped. */
static void write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
}

/* fopencookie write: stdio hands over whole lines (line-buffered), or a full buffer. */
static ssize_t stamp_write(void *cookie, const char *buf, size_t size)
{
	struct stamp_stream *s = cookie;
	size_t pos = 0;

	while (pos < size) {
		const char *nl = memchr(buf + pos, '\n', size - pos);
		size_t seg = nl ? (size_t)(nl - (buf + pos)) + 1 : size - pos;
		char prefix[96];
		struct iovec iov[2];
		int n = 0;

		if (s->at_line_start)
			iov[n++] = (struct iovec){prefix,
						  rpt_log_stamp_format(prefix, sizeof(prefix))};
		iov[n++] = (struct iovec){(void *)(buf + pos), seg};
		write_all(s->fd, iov, n);
		s->at_line_start = nl != NULL;
		pos += seg;
	}
	return (ssize_t)size;
}

int rpt_log_stamp_stderr(void)
{
	static const cookie_io_functions_t io = {.write = stamp_write};
	FILE *f;

	if (rpt_log_under_journal())
		return 0;
	f = fopencookie(&stamp, "w", io);
	if (!f)
		return -errno;
	if (setvbuf(f, NULL, _IOLBF, BUFSIZ)) {
		fclose(f);
		return -EINVAL;
	}
	fflush(stderr);
	stderr = f;
	return 0;
}
