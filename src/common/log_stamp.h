/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time stamps on a daemon's log (its stderr): every line gets the monotonic
 * time (seconds since boot, as the kernel's log shows it) and the wall clock
 * (UTC, ISO 8601), so that lines can be ordered across a clock step and
 * matched with other logs. Not under systemd: the journal stamps each line
 * itself, a second stamp would only clutter `journalctl`.
 */
#ifndef RPT_COMMON_LOG_STAMP_H
#define RPT_COMMON_LOG_STAMP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when stderr is connected to the journal: $JOURNAL_STREAM names the
 * device and inode of fd 2 (systemd.exec(5)); a JOURNAL_STREAM inherited by a
 * process whose stderr was redirected elsewhere does not count.
 */
bool rpt_log_under_journal(void);

/*
 * Replace stderr with a line-buffered stream that writes each line to fd 2
 * prefixed with "[MONO.USEC] YYYY-MM-DDTHH:MM:SS.mmmZ ". Nothing is changed
 * under the journal. Call once, first thing in main(), before any thread.
 * Returns 0, or -errno if the stream could not be made (stderr unchanged).
 */
int rpt_log_stamp_stderr(void);

/* The prefix for the current time into buf (at least 64 bytes); returns its length. */
size_t rpt_log_stamp_format(char *buf, size_t len);

#endif
