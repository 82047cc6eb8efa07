// SPDX-License-Identifier: BSD-2-Clause
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/wait.h>

#include "common/file_io.h"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

/*
 * Paths live in a small ring of static buffers so that several can be used in
 * one call (`f(rpt_vector_path(a), rpt_vector_path(b))`).
 */
static const char *join(const char *dir, const char *rel)
{
	static char ring[RPT_PATH_RING][4096];
	static unsigned int next;
	char *buf = ring[next++ % RPT_PATH_RING];

	snprintf(buf, sizeof(ring[0]), "%s/%s", dir, rel);
	return buf;
}

const char *rpt_vector_path(const char *rel)
{
	return join(env_or("RPT_VECTORS", RPT_DEFAULT_VECTORS_DIR), rel);
}

const char *rpt_source_path(const char *rel)
{
	return join(env_or("RPT_SOURCE_DIR", RPT_DEFAULT_SOURCE_DIR), rel);
}

const char *rpt_binary_path(const char *rel)
{
	return join(env_or("RPT_BINARY_DIR", RPT_DEFAULT_BINARY_DIR), rel);
}

uint8_t *rpt_slurp(const char *path, size_t *size)
{
	struct rpt_error err = {0};
	uint8_t *data = NULL;

	if (rpt_read_file(path, &data, size, &err)) {
		fail_msg("cannot read %s: %s", path, rpt_error_msg(&err));
		return NULL;
	}
	return data;
}

static char tmpdir_path[256];
static pid_t tmpdir_owner;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Only the creating process cleans up: forked children exit through here too. */
static void remove_tmpdir(void)
{
	if (tmpdir_path[0] && getpid() == tmpdir_owner)
		nftw(tmpdir_path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#define TMPDIR_PREFIX "rpt-test-"

/*
 * The folders of earlier test processes that died without exiting (killed by
 * a timeout, an abort, SIGKILL): each name carries its creator's pid, so a
 * folder of ours whose creator no longer exists is removed here. A live pid
 * (even a reused one) keeps its folder: never remove what may be in use.
 */
static void sweep_dead_tmpdirs(void)
{
	struct dirent *de;
	DIR *d = opendir("/tmp");

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[512], *end;
		struct stat st;
		long pid;

		if (strncmp(de->d_name, TMPDIR_PREFIX, sizeof(TMPDIR_PREFIX) - 1))
			continue;
		pid = strtol(de->d_name + sizeof(TMPDIR_PREFIX) - 1, &end, 10);
		if (end == de->d_name + sizeof(TMPDIR_PREFIX) - 1 || *end != '-' || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "/tmp/%s", de->d_name);
		if (lstat(path, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	closedir(d);
}

const char *rpt_tmpdir(void)
{
	if (!tmpdir_path[0]) {
		sweep_dead_tmpdirs();
		snprintf(tmpdir_path, sizeof(tmpdir_path), "/tmp/" TMPDIR_PREFIX "%ld-XXXXXX",
			 (long)getpid());
		if (!mkdtemp(tmpdir_path)) {
			tmpdir_path[0] = '\0';
			fail_msg("mkdtemp failed");
			return NULL;
		}
		tmpdir_owner = getpid();
		atexit(remove_tmpdir);
	}
	return tmpdir_path;
}

/*
 * Daemons started by a test keep their rollback counters in this process's
 * temporary directory, never in the real default state directory: tests must
 * not see each other's counters, nor the ones of an earlier run.
 */
__attribute__((constructor)) static void private_state_dir(void)
{
	char dir[sizeof(tmpdir_path) + 16];

	if (getenv("RPROC_TEE_STATE_DIR"))
		return;
	snprintf(dir, sizeof(dir), "%s/state", rpt_tmpdir());
	setenv("RPROC_TEE_STATE_DIR", dir, 1);
}

int rpt_run_capture(const char *capture, const char *prog, const char *args)
{
	size_t len = strlen(prog) + strlen(args) + strlen(capture) + 32;
	char *cmd = malloc(len);
	int st;

	assert_non_null(cmd);
	snprintf(cmd, len, "'%s' %s >'%s' 2>&1", prog, args, capture);
	st = system(cmd);
	free(cmd);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

const char *rpt_captured(const char *capture)
{
	static char buf[65536];
	FILE *f = fopen(capture, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

bool rpt_wait_path(const char *path, bool exists, unsigned int timeout_ms)
{
	struct stat st;
	unsigned int waited;

	for (waited = 0;; waited += 5) {
		if ((lstat(path, &st) == 0) == exists)
			return true;
		if (waited >= timeout_ms)
			return false;
		usleep(5000);
	}
}

void rpt_log_append(char *buf, size_t size, size_t *len, const char *line)
{
	size_t n = strlen(line);

	if (*len + n + 2 < size) {
		memcpy(buf + *len, line, n);
		*len += n;
		buf[(*len)++] = '\n';
		buf[*len] = '\0';
	}
	if (getenv("RPT_TEST_VERBOSE"))
		fprintf(stderr, "%s\n", line);
}
