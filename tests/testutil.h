/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the tests: paths to the reference vectors, whole-file reads. */
#ifndef RPT_TESTS_TESTUTIL_H
#define RPT_TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* How many path results stay valid at once (they come from a ring of buffers). */
#define RPT_PATH_RING 16

/*
 * "<vectors>/<rel>", valid for the next RPT_PATH_RING - 1 path calls. The
 * vectors are the copies in tests/vectors, staged into the build tree by CMake
 * (RPT_VECTORS overrides the location).
 */
const char *rpt_vector_path(const char *rel);
/* "<source dir>/<rel>" and "<binary dir>/<rel>", same rules. */
const char *rpt_source_path(const char *rel);
const char *rpt_binary_path(const char *rel);

/* Read a whole file; fails the test if it cannot. free() the result. */
uint8_t *rpt_slurp(const char *path, size_t *size);

/*
 * Run `prog args` through the shell with stdout and stderr captured in the
 * file `capture`; returns the exit status (fails the test if it did not exit).
 * args is one string of already-quoted arguments.
 */
int rpt_run_capture(const char *capture, const char *prog, const char *args);
/* What the last run captured, NUL-terminated, in a static buffer (64 KiB at most). */
const char *rpt_captured(const char *capture);

/*
 * A fresh private temporary directory for this test process (created once, path
 * static: /tmp/rpt-test-<pid>-XXXXXX), removed with its contents when the
 * process that created it exits; those of test processes that were killed are
 * removed by the next test process that makes one.
 */
const char *rpt_tmpdir(void);

/*
 * Poll every 5 ms, at most timeout_ms, until path exists (lstat: a link
 * counts by itself, whatever it points to) or, with exists false, is gone.
 * True when it came to pass.
 */
bool rpt_wait_path(const char *path, bool exists, unsigned int timeout_ms);

/*
 * A captured log (the caller holds its own lock): append `line` and a
 * newline to the NUL-terminated text in buf (size bytes, *len used), or
 * nothing when it would not fit whole. Echoed to stderr when
 * RPT_TEST_VERBOSE is set.
 */
void rpt_log_append(char *buf, size_t size, size_t *len, const char *line);

#endif
