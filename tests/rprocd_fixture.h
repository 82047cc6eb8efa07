/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One rprocd daemon driven through rprocctl, for the tests of the daemon's
 * command line: its socket, log and rprocctl's captured output live in the
 * test's temporary directory. The short names (ctl, output, ...) are the
 * words the tests read as.
 */
#ifndef RPT_RPROCD_FIXTURE_H
#define RPT_RPROCD_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>

/* The daemon's control socket; a test may point it elsewhere for a while. */
extern char rpd_sock[512];
/* Where rprocctl's stdout and stderr are captured. */
extern char rpd_out[512];
/* The daemon's stderr. */
extern char rpd_log[512];

/* Set rpd_sock, rpd_out and rpd_log to their files in rpt_tmpdir(). */
void rpd_paths(void);

/*
 * Start `rprocd --socket rpd_sock args...` (args NULL-terminated, NULL for
 * none) with its stderr in log, and wait (generously) for the socket; the
 * test fails with the log if it does not appear. Returns the daemon's pid.
 */
pid_t rpd_start(const char *log, const char *const *args);
/* SIGTERM the daemon and wait for it: it must exit 0. */
void rpd_stop(pid_t pid);

/* Run `rprocctl --socket rpd_sock <fmt...>`, output in rpd_out; its exit status. */
int ctl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What the last ctl() printed (static buffer, see rpt_captured). */
const char *output(void);
/* Repeat `rprocctl cmd` until it succeeds with needle in its output, at most ms. */
bool wait_output(const char *cmd, const char *needle, int ms);

/* Occurrences of needle in the file at path. */
unsigned int count_in_file(const char *path, const char *needle);
/* Occurrences of needle in the daemon's log (rpd_log). */
unsigned int log_count(const char *needle);

/* A whole text file, NUL-terminated (malloc'ed); fails the test if it cannot. */
char *read_text(const char *path);
/* text with every `from` replaced by `to` (malloc'ed); `from` must occur. */
char *replace_all(const char *text, const char *from, const char *to);

/*
 * The shipped TEE board (with ST's "detach" mailbox channel) written to
 * <tmpdir>/<name>.dts with its relative paths made absolute, node_props added
 * to the coprocessor node and policy_props to its secure-policy (either may
 * be ""). Returns the file's path (static until the next call).
 */
const char *board_with(const char *name, const char *node_props, const char *policy_props);

#endif
