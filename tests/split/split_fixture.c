// SPDX-License-Identifier: BSD-2-Clause
#include "split_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* rprocctl gets this long before `timeout` kills it (the test then fails on status 124). */
#define CTL_TIMEOUT_S "60"

static char out_path[512];

static void nap_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

void split_init(struct split *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->teed_sock, sizeof(s->teed_sock), "%s/%s-teed.sock", rpt_tmpdir(), name);
	snprintf(s->ctl_sock, sizeof(s->ctl_sock), "%s/%s-ctl.sock", rpt_tmpdir(), name);
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->rprocd.log, sizeof(s->rprocd.log), "%s/%s-rprocd.log", rpt_tmpdir(), name);
	snprintf(out_path, sizeof(out_path), "%s/rprocctl.out", rpt_tmpdir());
}

/* fork/exec with stdout and stderr appended to p->log. */
static void spawn(struct proc *p, const char *prog, char *const argv[])
{
	int fd;

	fflush(stdout);
	fflush(stderr);
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid)
		return;
	/* A daemon never outlives the test, whatever way it ends. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	execv(prog, argv);
	_exit(127);
}

/* Reap p within ms; true and *status if it exited. */
static bool reap(struct proc *p, int ms, int *status)
{
	pid_t r;

	for (;;) {
		r = waitpid(p->pid, status, WNOHANG);
		if (r == p->pid) {
			p->pid = 0;
			return true;
		}
		if (r < 0 || ms <= 0)
			return false;
		nap_ms(10);
		ms -= 10;
	}
}

bool split_alive(struct proc *p)
{
	int status;

	return p->pid && !reap(p, 0, &status);
}

static void wait_socket(struct proc *p, const char *path)
{
	struct stat st;
	int ms;

	for (ms = 0; ms < 10000; ms += 10) {
		if (!stat(path, &st) && S_ISSOCK(st.st_mode))
			return;
		if (!split_alive(p))
			fail_msg("%s died before listening:\n%s", p->log, split_log(p));
		nap_ms(10);
	}
	fail_msg("%s: nothing listens at %s after 10 s:\n%s", p->log, path, split_log(p));
}

void split_teed_start(struct split *s, const char *board, const char *extra_key, const char *stall)
{
	char *argv[16];
	int n = 0, ms;

	/* A log of its own for each run: what a test waits for must come from this one. */
	snprintf(s->teed.log, sizeof(s->teed.log), "%s/%s-teed-%u.log", rpt_tmpdir(), s->name,
		 s->teed_runs++);

	argv[n++] = "rproc-teed";
	argv[n++] = "--board";
	argv[n++] = (char *)rpt_source_path(board);
	argv[n++] = "--socket";
	argv[n++] = s->teed_sock;
	argv[n++] = "--trust";
	argv[n++] = (char *)rpt_vector_path("keys/rsa2048.pub.pem");
	if (extra_key) {
		argv[n++] = "--trust";
		argv[n++] = (char *)extra_key;
	}
	if (stall) {
		argv[n++] = "--test-stall";
		argv[n++] = (char *)stall;
	}
	argv[n] = NULL;
	spawn(&s->teed, rpt_binary_path("bin/rproc-teed"), argv);
	/*
	 * A killed daemon leaves its socket file behind (the new one replaces it):
	 * wait for the new one to say it serves, not for the file.
	 */
	for (ms = 0; !strstr(split_log(&s->teed), "rproc-teed: serving on"); ms += 10) {
		if (!split_alive(&s->teed))
			fail_msg("rproc-teed died before listening:\n%s", split_log(&s->teed));
		if (ms >= 10000)
			fail_msg("rproc-teed not serving after 10 s:\n%s", split_log(&s->teed));
		nap_ms(10);
	}
	wait_socket(&s->teed, s->teed_sock);
}

void split_rprocd_start(struct split *s, const char *board)
{
	char tee[300];
	char *argv[] = {"rprocd",   "--board",	 (char *)rpt_source_path(board),
			"--socket", s->ctl_sock, "--tee",
			tee,	    NULL};

	snprintf(tee, sizeof(tee), "socket:%s", s->teed_sock);
	spawn(&s->rprocd, rpt_binary_path("bin/rprocd"), argv);
	wait_socket(&s->rprocd, s->ctl_sock);
}

void split_stop(struct proc *p)
{
	int status;

	assert_int_equal(kill(p->pid, SIGTERM), 0);
	if (!reap(p, 20000, &status)) {
		split_kill(p);
		fail_msg("%s did not stop in 20 s after SIGTERM", p->log);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail_msg("%s ended with status 0x%x:\n%s", p->log, status, split_log(p));
}

void split_kill(struct proc *p)
{
	int status;

	if (!p->pid)
		return;
	kill(p->pid, SIGKILL);
	assert_int_equal(waitpid(p->pid, &status, 0), p->pid);
	p->pid = 0;
}

const char *split_log(struct proc *p)
{
	static char buf[65536];
	FILE *f = fopen(p->log, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

bool split_wait_log(struct proc *p, const char *needle, int ms)
{
	for (; ms > 0; ms -= 10) {
		if (strstr(split_log(p), needle))
			return true;
		nap_ms(10);
	}
	return strstr(split_log(p), needle) != NULL;
}

int split_ctl(struct split *s, const char *fmt, ...)
{
	char words[2048], args[2600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	snprintf(args, sizeof(args), CTL_TIMEOUT_S " '%s' --socket '%s' %s",
		 rpt_binary_path("bin/rprocctl"), s->ctl_sock, words);
	return rpt_run_capture(out_path, "timeout", args);
}

const char *split_out(void)
{
	return rpt_captured(out_path);
}

bool split_wait_ctl(struct split *s, const char *cmd, const char *needle, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (split_ctl(s, "%s", cmd) == 0 && strstr(split_out(), needle))
			return true;
		nap_ms(20);
	}
	return false;
}

pid_t split_ctl_async(struct split *s, const char *out, const char *args)
{
	char cmd[2600];
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "timeout " CTL_TIMEOUT_S " '%s' --socket '%s' %s >'%s' 2>&1",
		 rpt_binary_path("bin/rprocctl"), s->ctl_sock, args, out);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

int split_ctl_wait(pid_t pid, int ms)
{
	struct proc p = {.pid = pid};
	int status;

	if (!reap(&p, ms, &status)) {
		split_kill(&p);
		fail_msg("rprocctl still running after %d ms", ms);
	}
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

bool split_one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl && nl[1] == '\0';
}

bool split_maps_contain(pid_t pid, const char *needle)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

bool split_fds_contain(pid_t pid, const char *needle)
{
	char dir[64], link[4096 + 64], target[4096];
	struct dirent *e;
	bool found = false;
	ssize_t n;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	assert_non_null(d);
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = strstr(target, needle) != NULL;
	}
	closedir(d);
	return found;
}
