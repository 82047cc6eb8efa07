// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 15: daemon log lines carry a monotonic and a wall-clock stamp, except
 * under systemd, whose journal stamps them itself ($JOURNAL_STREAM naming the
 * daemon's stderr). The daemons' stderr is replaced in a child here, as they do.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log_stamp.h"
#include "testutil.h"

#define STAMP_RE                                                                                   \
	"^\\[ *([0-9]+)\\.([0-9]{6})\\] [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "

/* A child with stderr in path logs three lines the way the daemons do; journal: under systemd. */
static char *log_in_child(const char *name, bool journal)
{
	char path[600], *text;
	uint8_t *bytes;
	size_t len;
	pid_t pid;
	int st;

	snprintf(path, sizeof(path), "%s/%s", rpt_tmpdir(), name);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = freopen(path, "w", stderr);
		struct stat sb;
		char js[64];

		if (!f || fstat(2, &sb))
			_exit(3);
		snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)sb.st_dev,
			 (unsigned long long)sb.st_ino);
		if (journal)
			setenv("JOURNAL_STREAM", js, 1);
		else
			setenv("JOURNAL_STREAM", "1:1", 1); /* inherited, but not our stderr */
		if (rpt_log_stamp_stderr())
			_exit(4);
		fprintf(stderr, "rprocd: one\n");
		fprintf(stderr, "rprocd: two, ");
		fprintf(stderr, "in two writes\nrprocd: three\n");
		exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	bytes = rpt_slurp(path, &len);
	/* rpt_slurp's bytes are not a string: add the NUL. */
	text = calloc(1, len + 1);
	assert_non_null(text);
	memcpy(text, bytes, len);
	free(bytes);
	return text;
}

static void test_lines_stamped_monotonic_and_wall(void **state)
{
	char *text, *line, *save = NULL;
	double last = -1;
	unsigned int n = 0;
	regmatch_t m[3];
	regex_t re;

	(void)state;
	assert_int_equal(regcomp(&re, STAMP_RE, REG_EXTENDED), 0);
	text = log_in_child("stamped.log", false);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		double t;

		if (regexec(&re, line, 3, m, 0))
			fail_msg("line %u not stamped: '%s'", n + 1, line);
		t = strtod(line + m[1].rm_so, NULL) + strtod(line + m[2].rm_so, NULL) / 1e6;
		assert_true(t >= last);
		last = t;
		assert_non_null(strstr(line, "Z rprocd: "));
	}
	assert_int_equal(n, 3);
	regfree(&re);
	free(text);
}

static void test_no_stamps_under_the_journal(void **state)
{
	char *text;

	(void)state;
	text = log_in_child("journal.log", true);
	assert_string_equal(text, "rprocd: one\nrprocd: two, in two writes\nrprocd: three\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_stamped_monotonic_and_wall),
		cmocka_unit_test(test_no_stamps_under_the_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
