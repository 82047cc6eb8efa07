// SPDX-License-Identifier: BSD-2-Clause
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_io.h"

/*
 * Map fd under a read lease; false (fd still open, no lease) if either is
 * refused. A writer that comes along breaks the lease with SIGIO, whose
 * default would kill us: ignored, as we give the lease back when done.
 */
static bool lease_and_map(int fd, unsigned int flags, struct input_file *in)
{
	struct stat st;
	void *p;

	signal(SIGIO, SIG_IGN);
	if (fcntl(fd, F_SETLEASE, F_RDLCK) < 0)
		return false;
	/* Under the lease the size cannot change until we give it back: read it now. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !st.st_size ||
	    (uint64_t)st.st_size > RPT_FILE_MAX)
		goto out_unlease;
	/* MAP_POPULATE: one call maps every page already cached, no fault per page. */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ,
		 MAP_PRIVATE | (flags & INPUT_SPARSE ? 0 : MAP_POPULATE), fd, 0);
	if (p == MAP_FAILED)
		goto out_unlease;
	in->map = p;
	in->data = p;
	in->size = (size_t)st.st_size;
	in->fd = fd;
	return true;

out_unlease:
	fcntl(fd, F_SETLEASE, F_UNLCK);
	return false;
}

int input_open(const char *path, unsigned int flags, struct input_file *in, struct rpt_error *err)
{
	int fd, ret;

	memset(in, 0, sizeof(*in));
	in->fd = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (lease_and_map(fd, flags, in))
		return 0;
	/* rpt_read_fd checks type and size, says why, and closes fd. */
	ret = rpt_read_fd(fd, path, &in->copy, &in->size, err);
	if (ret)
		return ret;
	in->data = in->copy;
	return 0;
}

void input_close(struct input_file *in)
{
	if (in->map)
		munmap(in->map, in->size);
	if (in->fd >= 0) {
		fcntl(in->fd, F_SETLEASE, F_UNLCK);
		close(in->fd);
	}
	free(in->copy);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}
