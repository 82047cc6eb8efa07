/* SPDX-License-Identifier: BSD-2-Clause */
/* A virtual board for whole-chain tests: board file -> running firmware, log captured. */
#ifndef RPT_TESTS_SYS_FIXTURE_H
#define RPT_TESTS_SYS_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>

#include "vboard/vboard.h"

struct sys {
	struct vboard *vb;    /* the board */
	struct rproc *rp;     /* its first processor */
	pthread_mutex_t lock; /* protects log */
	char log[64 << 10];   /* every message, one per line */
	size_t log_len;
};

/*
 * Bring a board up. board: path relative to the source tree (boards/...), or
 * absolute. trust: extra public key (vector-relative) or NULL.
 */
struct sys *sys_up(const char *board, const char *trust);
void sys_down(struct sys *s);

/* True once the trace buffer holds `needle` (polls up to ms milliseconds). */
bool sys_wait_trace(struct sys *s, const char *needle, int ms);
/* True once the processor is in `state` (polls up to ms). */
bool sys_wait_state(struct sys *s, enum rproc_state state, int ms);
/*
 * True once `n` crashes have been handled (polls up to ms). A crash reaches
 * remoteproc like an interrupt, after the core has stopped: wait for it
 * before flushing the crash work.
 */
bool sys_wait_crashes(struct sys *s, unsigned int n, int ms);
/* True if the captured log holds `needle`. */
bool sys_logged(struct sys *s, const char *needle);

/* Boot firmware given by absolute path; fails the test with the reason if it cannot. */
void sys_boot(struct sys *s, const char *fw);

/* Write a copy of a board with text replaced (e.g. to add a property) into the tmpdir. */
const char *sys_board_variant(const char *board, const char *from, const char *to);

#endif
