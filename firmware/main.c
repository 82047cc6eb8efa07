// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-demo: the example coprocessor firmware.
 *
 * Greets in the trace buffer, then polls the mailbox forever: answers each
 * vq doorbell by ringing the same vq back, writes a heartbeat line every
 * HEARTBEAT_MS, refreshes the watchdog, acknowledges a shutdown request and,
 * when the host asks for a crash, reads unmapped memory.
 *
 * Variants (compile-time): FW_NOACK never acknowledges a shutdown request;
 * FW_NOWDG arms the watchdog and then stops refreshing it after the greeting;
 * FW_CRASHY makes the same bad access on its own CRASHY_AFTER_MS after the
 * greeting, every run (a crash storm for the host's recovery path);
 * FW_FAULT_AT_RESET makes it at once, before the greeting (a crash loop).
 */
#include "fw.h"

#define HEARTBEAT_MS 500u
/* Nothing is mapped there: reading it is the demo's bad access. */
#define BAD_ADDRESS 0xF0000000u
/* FW_CRASHY: mailbox milliseconds from the greeting to the bad access. */
#define CRASHY_AFTER_MS 10u

/* Mailbox state this firmware keeps between loop turns. */
struct demo_state {
	uint32_t wdg_period; /* watchdog period from the board, 0 = none */
	uint32_t last_beat;  /* tick of the last heartbeat */
	uint32_t beats;	     /* heartbeats written */
	uint32_t started;    /* tick of the greeting (FW_CRASHY counts from it) */
	int shutting_down;   /* shutdown acknowledged: stay quiet until stopped */
	int shutdown_seen;   /* (FW_NOACK) request logged once */
};

/* why: the trace line saying who wanted the crash. */
static void crash_now(const char *why)
{
	trace_puts(why);
	(void)*(volatile uint32_t *)BAD_ADDRESS;
	for (;;)
		;
}

/* FW_CRASHY: crash on our own once CRASHY_AFTER_MS have passed since the greeting. */
static void crash_when_due(const struct demo_state *st)
{
#ifdef FW_CRASHY
	if (mbox_read(VMMIO_TICK_MS) - st->started >= CRASHY_AFTER_MS)
		crash_now("rproc-demo: crashy build, reading unmapped memory at 0xf0000000\n");
#else
	(void)st;
#endif
}

static void handle_shutdown(struct demo_state *st)
{
#ifdef FW_NOACK
	if (!st->shutdown_seen)
		trace_puts("rproc-demo: shutdown requested, not acknowledging (noack build)\n");
	st->shutdown_seen = 1;
#else
	trace_puts("rproc-demo: shutdown requested, acknowledging\n");
	st->shutting_down = 1;
	mbox_write(VMMIO_SHUTDOWN_ACK, VMMIO_SHUTDOWN_ACK_KEY);
#endif
}

/* Ring every vq the host kicked back to the host. */
static void answer_kicks(void)
{
	uint32_t pending = mbox_read(VMMIO_DB_STATUS);
	uint32_t vq;

	if (!pending)
		return;
	mbox_write(VMMIO_DB_CLEAR, pending);
	for (vq = 0; vq < VMMIO_NUM_VQ; vq++) {
		if (pending & (1u << vq))
			mbox_write(VMMIO_DB_RING, vq);
	}
}

static void refresh_watchdog(const struct demo_state *st)
{
#ifdef FW_NOWDG
	(void)st; /* armed at start, never refreshed: the host must see it expire */
#else
	if (st->wdg_period)
		mbox_write(VMMIO_WDG_KEY, VMMIO_WDG_REFRESH_KEY);
#endif
}

static void heartbeat(struct demo_state *st)
{
	uint32_t now = mbox_read(VMMIO_TICK_MS);

	if (st->shutting_down || now - st->last_beat < HEARTBEAT_MS)
		return;
	st->last_beat = now;
	st->beats++;
	trace_put_line_u32("rproc-demo: heartbeat ", st->beats);
}

int main(void)
{
	struct demo_state st = {0};
	uint32_t req;

#ifdef FW_FAULT_AT_RESET
	/* Dies before doing anything, on every start: the host's crash-loop limit must hold. */
	(void)*(volatile uint32_t *)BAD_ADDRESS;
#endif
	trace_puts("rproc-demo: hello from the coprocessor\n");
	st.wdg_period = mbox_read(VMMIO_WDG_PERIOD_MS);
	if (st.wdg_period)
		mbox_write(VMMIO_WDG_KEY, VMMIO_WDG_START_KEY);
	st.last_beat = mbox_read(VMMIO_TICK_MS);
	st.started = st.last_beat;
	for (;;) {
		req = mbox_read(VMMIO_REQ);
		if (req & VMMIO_REQ_CRASH)
			crash_now("rproc-demo: crash requested, reading unmapped memory at "
				  "0xf0000000\n");
		crash_when_due(&st);
		if (req & VMMIO_REQ_SHUTDOWN)
			handle_shutdown(&st);
		if (req & VMMIO_REQ_DETACH) {
			trace_puts("rproc-demo: host detached, running on\n");
			mbox_write(VMMIO_DETACH_ACK, VMMIO_REQ_DETACH);
		}
		answer_kicks();
		refresh_watchdog(&st);
		heartbeat(&st);
	}
}
