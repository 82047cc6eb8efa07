// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 15: tests leave no /tmp/rpt-test-* folders behind. A test process
 * removes its folder when it exits; the folder of one that was killed (a
 * timeout, an abort) is removed by the next test process. The probe is this
 * same program run as `test_tmpdir probe exit|kill`.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* Run the probe; returns the folder it made (static). */
static const char *probe(const char *how)
{
	static char dir[512];
	char cmd[600];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "/proc/%ld/exe probe %s", (long)getpid(), how);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(dir, sizeof(dir), p));
	dir[strcspn(dir, "\n")] = '\0';
	pclose(p);
	assert_true(!strncmp(dir, "/tmp/rpt-test-", 14));
	return dir;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void test_folder_removed_at_exit(void **state)
{
	const char *dir;

	(void)state;
	dir = probe("exit");
	assert_false(exists(dir));
}

static void test_killed_test_folder_swept_by_the_next(void **state)
{
	char killed[512];

	(void)state;
	snprintf(killed, sizeof(killed), "%s", probe("kill"));
	/* SIGKILL runs no exit handler: the folder (with a file in it) is still there. */
	assert_true(exists(killed));
	probe("exit");
	assert_false(exists(killed));
	assert_int_equal(errno, ENOENT);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folder_removed_at_exit),
		cmocka_unit_test(test_killed_test_folder_swept_by_the_next),
	};

	if (argc == 3 && !strcmp(argv[1], "probe")) {
		char file[600];
		FILE *f;

		snprintf(file, sizeof(file), "%s/some-output", rpt_tmpdir());
		f = fopen(file, "w");
		if (!f)
			return 1;
		fputs("x\n", f);
		fclose(f);
		printf("%s\n", rpt_tmpdir());
		fflush(stdout);
		if (!strcmp(argv[2], "kill"))
			raise(SIGKILL);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
