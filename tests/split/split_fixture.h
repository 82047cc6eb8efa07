/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The split system for tests: the real rproc-teed and rprocd binaries started
 * with fork/exec, sockets in rpt_tmpdir(), rprocctl run through its command
 * line. Every wait is bounded: a daemon that hangs fails the test, it never
 * hangs it.
 */
#ifndef RPT_TESTS_SPLIT_FIXTURE_H
#define RPT_TESTS_SPLIT_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>

/* A process the test started. */
struct proc {
	pid_t pid;     /* 0 once reaped */
	char log[512]; /* its stdout and stderr */
};

/* The two daemons and their sockets. */
struct split {
	char name[32];		/* tells this system's files apart */
	unsigned int teed_runs; /* rproc-teed started so far (each run logs to its own file) */
	char teed_sock[256];	/* rproc-teed's socket */
	char ctl_sock[256];	/* rprocd's control socket */
	struct proc teed;	/* rproc-teed */
	struct proc rprocd;	/* rprocd --tee socket:teed_sock */
};

/* Fresh socket paths for one system (name tells the logs apart). */
void split_init(struct split *s, const char *name);

/*
 * rproc-teed on board (source-relative) trusting the vectors' rsa2048 key
 * (extra_key: one more, absolute, or NULL), with --test-stall stall unless
 * NULL; returns once it listens.
 */
void split_teed_start(struct split *s, const char *board, const char *extra_key, const char *stall);
/* rprocd --tee socket:<teed_sock> on board; returns once it listens. */
void split_rprocd_start(struct split *s, const char *board);

/* SIGTERM, and its exit status must be 0 (bounded wait). */
void split_stop(struct proc *p);
/* SIGKILL and reap. */
void split_kill(struct proc *p);
/* Still running (not exited)? */
bool split_alive(struct proc *p);
/* True once p's log holds needle (polls up to ms). */
bool split_wait_log(struct proc *p, const char *needle, int ms);
/* p's log, NUL-terminated (static buffer). */
const char *split_log(struct proc *p);

/* rprocctl ARGS... against s (bounded); the exit status, output in split_out(). */
int split_ctl(struct split *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *split_out(void);
/* Until `rprocctl cmd` succeeds with needle in its output (polls up to ms). */
bool split_wait_ctl(struct split *s, const char *cmd, const char *needle, int ms);
/* rprocctl in the background (output to out_path); split_ctl_wait reaps it. */
pid_t split_ctl_async(struct split *s, const char *out_path, const char *args);
int split_ctl_wait(pid_t pid, int ms);

/* Exactly one line. */
bool split_one_line(const char *s);
/* A line of /proc/PID/maps holds needle. */
bool split_maps_contain(pid_t pid, const char *needle);
/* A descriptor of pid points at something whose name holds needle. */
bool split_fds_contain(pid_t pid, const char *needle);

#endif
