/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running fwlib firmware under QEMU (qemu-system-arm -M mps2-an386, ARM
 * semihosting) and reading the results blocks it prints: the oracle half of
 * the differential tests of tests/fw.
 */
#ifndef RPT_TESTS_FW_QEMU_H
#define RPT_TESTS_FW_QEMU_H

#include <stddef.h>
#include <stdint.h>

#include "exctest/exct_results.h"
#include "sched/sched_results.h"

/* QEMU gets this long before timeout(1) kills it (the runs take a few seconds). */
#define FW_QEMU_TIMEOUT_S 120

/*
 * Run <build>/firmware/<elf> under QEMU; returns its exit status (0: the
 * firmware's SYS_EXIT said success; 124: timed out). The output stays
 * readable with fw_qemu_output() until the next run.
 */
int fw_qemu_run(const char *elf);
const char *fw_qemu_output(void);

/*
 * The words of the "<prefix> xxxxxxxx ..." lines of the last output, in order,
 * into out (zero-filled first, at most max words). Returns how many were read.
 */
size_t fw_qemu_words(const char *prefix, uint32_t *out, size_t max);

/* One event of an exctest log in words ("ENTER irq3 EXC_RETURN fff1"), for messages. */
const char *exct_event_str(uint32_t ev, char *buf, size_t len);
/* Name of check i ("svc", ...), "?" out of range. */
const char *exct_check_name(unsigned int i);

#endif
