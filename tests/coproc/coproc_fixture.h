/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test fixture for the emulated coprocessor, without any TA: the STM32MP15
 * memories as page-aligned anonymous mappings, an ELF loader straight into
 * them, an event recorder and bounded waits.
 */
#ifndef RPT_TESTS_COPROC_FIXTURE_H
#define RPT_TESTS_COPROC_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "coproc/coproc.h"
#include "normal/drivers/stm32_ipcc.h"

#define FIX_MAX_MEMS 6
/* Every wait in these tests gives up after this long (the tests never measure time). */
#define FIX_WAIT_MS 5000u

/* The board's memories (DESIGN section 6), mapped in this process. */
struct fix_board {
	struct coproc_mem mems[FIX_MAX_MEMS]; /* what coproc_create() gets */
	unsigned int num_mems;
};

/* Everything the core reported, for the tests to look at. */
struct fix_events {
	pthread_mutex_t lock;	/* the core thread writes, the test reads */
	unsigned int kicks[32]; /* kick events per vq */
	unsigned int acks;	/* shutdown_ack events */
	unsigned int crashes;	/* crash events */
	int crash_type;		/* type of the last crash */
	char crash_why[256];	/* message of the last crash */
};

extern const struct coproc_events fix_event_ops;
/* The IPCC driver's events (kicks, shutdown acknowledgements), priv a struct fix_events. */
extern const struct stm32_ipcc_events fix_ipcc_events;

void fix_board_init(struct fix_board *b);
void fix_board_fini(struct fix_board *b);
/* Host pointer to [da, da + len) if one memory holds it, else NULL. */
uint8_t *fix_da(struct fix_board *b, uint32_t da, uint32_t len);
/* Load every PT_LOAD segment of an ELF file (fails the test on any problem). */
void fix_load_elf(struct fix_board *b, const char *path);
/* Zero all memories (a fresh board). */
void fix_board_clear(struct fix_board *b);

void fix_events_init(struct fix_events *e);
void fix_events_fini(struct fix_events *e);
unsigned int fix_kicks(struct fix_events *e, uint32_t vq);
unsigned int fix_acks(struct fix_events *e);
unsigned int fix_crashes(struct fix_events *e);

/* Wait until the NUL-terminated text at da (at most len bytes) contains needle. */
bool fix_wait_text(struct fix_board *b, uint32_t da, uint32_t len, const char *needle);
/* Wait until *counter (read under e->lock) is at least want. */
bool fix_wait_count(struct fix_events *e, const unsigned int *counter, unsigned int want);
/* Wait until the core is in state s. */
bool fix_wait_state(struct coproc *c, enum coproc_state s);
/* Wait until the 32-bit word at da equals value. */
bool fix_wait_word(struct fix_board *b, uint32_t da, uint32_t value);

#endif
