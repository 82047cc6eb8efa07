/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where a component's messages go: a callback the caller chooses (a daemon's
 * stderr, a test's capture), one line per call. Shared by the secure world
 * assembly and the board that embeds it; the levels are numbered like the
 * remoteproc core's enum rpt_log_level, so a line keeps its level from one
 * to the other.
 */
#ifndef RPT_COMMON_LOG_H
#define RPT_COMMON_LOG_H

enum rpt_log_level {
	RPT_LOG_ERR = 0,  /* something failed */
	RPT_LOG_WARN = 1, /* degraded, or dangerous, but going on */
	RPT_LOG_INFO = 2, /* progress */
};

/* One line (no newline) at a level; priv is the caller's. */
typedef void rpt_log_fn(void *priv, enum rpt_log_level level, const char *line);

#endif
