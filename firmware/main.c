// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-demo: the example coprocessor firmware.
 *
 * Greets on the console UART and in the trace buffer, then polls the IPCC
 * forever (no interrupts yet): answers each vring kick by kicking the same
 * vring back, writes a heartbeat line every HEARTBEAT_MS, refreshes the
 * watchdog, acknowledges a shutdown or detach request and, when the host asks
 * for a crash (IPCC channel 5), reads unmapped memory.
 *
 * IPCC use, as ST's OpenAMP firmware does it (this core is processor 2): a
 * host message on channel n is C1TOC2SR bit n; the firmware handles it, then
 * clears it with C2SCR CHnC, which is the acknowledgement the host waits for
 * (shutdown, detach) or that frees the channel for the host's next kick. The
 * firmware kicks with C2SCR CHnS only when C2TOC1SR bit n is clear (the host
 * cleared our previous kick); until then the kick stays pending here.
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
/* FW_CRASHY: milliseconds (tick page) from the greeting to the bad access. */
#define CRASHY_AFTER_MS 10u

/* State this firmware keeps between loop turns. */
struct demo_state {
	uint32_t
		tx_pending; /* vring kicks to send once the host freed the channel, bit = channel */
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
	if (vmmio_read(VMMIO_TICK_MS) - st->started >= CRASHY_AFTER_MS)
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
	ipcc_write(IPCC_C2SCR, IPCC_SCR_CHC(IPCC_CH_SHUTDOWN));
#endif
}

/*
 * Take the host's vring kicks (acknowledging each by clearing it) and kick
 * the same vrings back, each as soon as the host acknowledged our last kick
 * on that channel.
 */
static void answer_kicks(struct demo_state *st, uint32_t rx)
{
	const uint32_t vrings = (1u << IPCC_CH_VRING0) | (1u << IPCC_CH_VRING1);
	uint32_t kicked = rx & vrings, busy, ch;

	if (kicked) {
		for (ch = 0; ch < IPCC_MAX_CHANNELS; ch++)
			if (kicked & (1u << ch))
				ipcc_write(IPCC_C2SCR, IPCC_SCR_CHC(ch));
		st->tx_pending |= kicked;
	}
	if (!st->tx_pending)
		return;
	busy = ipcc_read(IPCC_C2TOC1SR);
	for (ch = 0; ch < IPCC_MAX_CHANNELS; ch++) {
		if ((st->tx_pending & (1u << ch)) && !(busy & (1u << ch))) {
			ipcc_write(IPCC_C2SCR, IPCC_SCR_CHS(ch));
			st->tx_pending &= ~(1u << ch);
		}
	}
}

static void refresh_watchdog(const struct demo_state *st)
{
#ifdef FW_NOWDG
	(void)st; /* armed at start, never refreshed: the host must see it expire */
#else
	if (st->wdg_period)
		vmmio_write(VMMIO_WDG_KEY, VMMIO_WDG_REFRESH_KEY);
#endif
}

static void heartbeat(struct demo_state *st)
{
	uint32_t now = vmmio_read(VMMIO_TICK_MS);

	if (st->shutting_down || now - st->last_beat < HEARTBEAT_MS)
		return;
	st->last_beat = now;
	st->beats++;
	trace_put_line_u32("rproc-demo: heartbeat ", st->beats);
}

int main(void)
{
	struct demo_state st = {0};
	uint32_t rx;

#ifdef FW_FAULT_AT_RESET
	/* Dies before doing anything, on every start: the host's crash-loop limit must hold. */
	(void)*(volatile uint32_t *)BAD_ADDRESS;
#endif
	/* The console first: a transmitter enabled as a HAL would (the model never stalls). */
	*reg32(FW_UART_BASE, USART_CR1) = USART_CR1_UE | USART_CR1_TE;
	uart_puts("rproc-demo: console up on UART4\r\n");
	trace_puts("rproc-demo: hello from the coprocessor\n");
	st.wdg_period = vmmio_read(VMMIO_WDG_PERIOD_MS);
	if (st.wdg_period)
		vmmio_write(VMMIO_WDG_KEY, VMMIO_WDG_START_KEY);
	st.last_beat = vmmio_read(VMMIO_TICK_MS);
	st.started = st.last_beat;
	for (;;) {
		/* What the host posted to us (processor 1 to processor 2). */
		rx = ipcc_read(IPCC_C1TOC2SR);
		if (rx & (1u << IPCC_CH_CRASH))
			crash_now("rproc-demo: crash requested, reading unmapped memory at "
				  "0xf0000000\n");
		crash_when_due(&st);
		if (rx & (1u << IPCC_CH_SHUTDOWN))
			handle_shutdown(&st);
		if (rx & (1u << IPCC_CH_DETACH)) {
			trace_puts("rproc-demo: host detached, running on\n");
			ipcc_write(IPCC_C2SCR, IPCC_SCR_CHC(IPCC_CH_DETACH));
		}
		answer_kicks(&st, rx);
		refresh_watchdog(&st);
		heartbeat(&st);
	}
}
