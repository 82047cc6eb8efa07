// SPDX-License-Identifier: BSD-2-Clause
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/file_io.h"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

void rpt_require_vectors(void)
{
	struct stat st;
	const char *dir = env_or("RPT_VECTORS", "../shared/vectors");

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	fprintf(stderr, "SKIP: reference vectors not found at %s\n", dir);
	exit(RPT_TEST_SKIP);
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
	return join(env_or("RPT_VECTORS", "../shared/vectors"), rel);
}

const char *rpt_source_path(const char *rel)
{
	return join(env_or("RPT_SOURCE_DIR", "."), rel);
}

const char *rpt_binary_path(const char *rel)
{
	return join(env_or("RPT_BINARY_DIR", "build"), rel);
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

const char *rpt_tmpdir(void)
{
	static char dir[256];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/rpt-test-XXXXXX");
		if (!mkdtemp(dir)) {
			fail_msg("mkdtemp failed");
			return NULL;
		}
	}
	return dir;
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
