// SPDX-License-Identifier: BSD-2-Clause
/* The benchmarks' private scratch directory (bench_tmp.h). */
#define _XOPEN_SOURCE 700
#include "bench_tmp.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp_dir[64];
static pid_t tmp_owner;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Only the process that made it cleans up: forked children exit through here too. */
static void remove_tmpdir(void)
{
	if (tmp_dir[0] && getpid() == tmp_owner)
		nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *bench_tmpdir(void)
{
	if (!tmp_dir[0]) {
		snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/rpt-bench-XXXXXX");
		if (!mkdtemp(tmp_dir)) {
			perror("bench: mkdtemp");
			tmp_dir[0] = '\0';
			return NULL;
		}
		tmp_owner = getpid();
		atexit(remove_tmpdir);
	}
	return tmp_dir;
}

int bench_tmp_path(char *buf, size_t len, const char *name)
{
	const char *dir = bench_tmpdir();
	int n;

	if (!dir)
		return -1;
	n = snprintf(buf, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "bench: scratch path %s/%s too long\n", dir, name);
		return -1;
	}
	return 0;
}
