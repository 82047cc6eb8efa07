// SPDX-License-Identifier: BSD-2-Clause
/* One rprocd daemon driven through rprocctl: see rprocd_fixture.h. */
#include "rprocd_fixture.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.h"
#include "testutil.h"

#define TEE_BOARD  "boards/vstm32mp15-m4-tee.dts"
#define TEE_COMPAT "compatible = \"st,stm32mp1-m4-tee\";"
#define POLICY_AT  "coredump-allowed;" /* a line of the board's secure-policy */

char rpd_sock[512], rpd_out[512], rpd_log[512];

void rpd_paths(void)
{
	snprintf(rpd_sock, sizeof(rpd_sock), "%s/rprocd.sock", rpt_tmpdir());
	snprintf(rpd_out, sizeof(rpd_out), "%s/out.txt", rpt_tmpdir());
	snprintf(rpd_log, sizeof(rpd_log), "%s/rprocd.log", rpt_tmpdir());
}

pid_t rpd_start(const char *log, const char *const *args)
{
	const char *argv[32] = {"rprocd", "--socket", rpd_sock};
	unsigned int n = 3;
	struct stat st;
	pid_t pid;
	int i;

	for (; args && *args; args++) {
		assert_true(n < sizeof(argv) / sizeof(argv[0]) - 1);
		argv[n++] = *args;
	}
	argv[n] = NULL;
	/* A socket left by an earlier daemon would be taken for this one's. */
	unlink(rpd_sock);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen(log, "w", stderr))
			_exit(126);
		execv(rpt_binary_path("bin/rprocd"), (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 1000 && stat(rpd_sock, &st); i++)
		usleep(10 * 1000);
	if (stat(rpd_sock, &st))
		fail_msg("rprocd did not listen; its log:\n%s", rpt_captured(log));
	return pid;
}

void rpd_stop(pid_t pid)
{
	int st;

	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int ctl(const char *fmt, ...)
{
	char words[4096], args[4096 + 600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	snprintf(args, sizeof(args), "--socket '%s' %s", rpd_sock, words);
	return rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocctl"), args);
}

const char *output(void)
{
	return rpt_captured(rpd_out);
}

bool wait_output(const char *cmd, const char *needle, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (ctl("%s", cmd) == 0 && strstr(output(), needle))
			return true;
		usleep(20 * 1000);
	}
	return false;
}

unsigned int count_in_file(const char *path, const char *needle)
{
	char *text = read_text(path);
	unsigned int n = 0;
	const char *p;

	for (p = strstr(text, needle); p; p = strstr(p + strlen(needle), needle))
		n++;
	free(text);
	return n;
}

unsigned int log_count(const char *needle)
{
	return count_in_file(rpd_log, needle);
}

char *read_text(const char *path)
{
	size_t len;
	char *text = (char *)rpt_slurp(path, &len);

	/* rpt_slurp does not NUL-terminate. */
	text = realloc(text, len + 1);
	assert_non_null(text);
	text[len] = '\0';
	return text;
}

char *replace_all(const char *text, const char *from, const char *to)
{
	size_t n = 0, fl = strlen(from), tl = strlen(to);
	const char *p;
	char *out, *o;

	for (p = strstr(text, from); p; p = strstr(p + fl, from))
		n++;
	if (!n)
		fail_msg("board text has no '%s'", from);
	out = malloc(strlen(text) + n * tl + 1);
	assert_non_null(out);
	for (o = out, p = text;;) {
		const char *hit = strstr(p, from);

		if (!hit)
			break;
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, to, tl);
		o += tl;
		p = hit + fl;
	}
	strcpy(o, p);
	return out;
}

const char *board_with(const char *name, const char *node_props, const char *policy_props)
{
	static char path[512];
	char src_dir[600], line[1024], *text, *next;
	struct rpt_error err = {0};

	text = read_text(rpt_source_path(TEE_BOARD));
	/* The board's paths are relative to boards/; the copy lives elsewhere. */
	snprintf(src_dir, sizeof(src_dir), "\"%s/../", rpt_source_path("boards"));
	next = replace_all(text, "\"../", src_dir);
	free(text);
	text = next;
	snprintf(line, sizeof(line), "%s\n\t\t%s", TEE_COMPAT, node_props);
	next = replace_all(text, TEE_COMPAT, line);
	free(text);
	text = next;
	if (policy_props[0]) {
		snprintf(line, sizeof(line), "%s\n\t\t\t%s", POLICY_AT, policy_props);
		next = replace_all(text, POLICY_AT, line);
		free(text);
		text = next;
	}
	snprintf(path, sizeof(path), "%s/%s.dts", rpt_tmpdir(), name);
	assert_int_equal(rpt_write_file_atomic(path, text, strlen(text), &err), 0);
	free(text);
	return path;
}
