// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-demo: the example coprocessor firmware.
 *
 * Written the way ST's HAL + OpenAMP firmware is: fwlib's vector table and
 * start-up, SysTick at 1 kHz for time, the IPCC's interrupts for the host's
 * messages, and WFI whenever there is nothing to do, with a tickless idle (no
 * 1 ms wake-ups while nothing is due), so an idle demo costs the host next to
 * no CPU. Interrupt handlers only note what happened and mask its
 * source; the main loop does the work (and so is the only one writing to
 * the trace buffer, which is not reentrant).
 *
 * Greets on the console UART and in the trace buffer; once the host's
 * virtio driver is ready (DRIVER_OK in the resource table's vdev entry)
 * announces two rpmsg channels, "rpmsg-tty" and "rpmsg-ping", each echoing
 * every message back to its sender unchanged (fwlib's rpmsg.c, OpenAMP's
 * wire format); writes a heartbeat line every HEARTBEAT_MS, refreshes the
 * watchdog, acknowledges a shutdown or detach request and, when the host
 * asks for a crash (IPCC channel 5), reads unmapped memory.
 *
 * IPCC use, as ST's OpenAMP firmware does it (this core is processor 2): a
 * host message on channel n is C1TOC2SR bit n, which raises the RX-occupied
 * interrupt while C2MR CHnOM is clear. The firmware handles it, then clears
 * it with C2SCR CHnC, which is the acknowledgement the host waits for
 * (shutdown, detach) or that frees the channel for the host's next kick. A
 * kick on channel 1 or 2 (vring 0 or 1) makes the main loop look at the
 * vrings. The firmware kicks a vring it used with C2SCR CHnS only when
 * C2TOC1SR bit n is clear (the host cleared our previous kick); until then
 * the kick stays pending and the TX-free interrupt of that channel says when
 * to send it.
 *
 * Variants (compile-time): FW_NOACK never acknowledges a shutdown request;
 * FW_NOWDG arms the watchdog and then stops refreshing it after the greeting;
 * FW_CRASHY makes the same bad access on its own CRASHY_AFTER_MS (SysTick)
 * after the greeting, every run (a crash storm for the host's recovery path);
 * FW_FAULT_AT_RESET makes it at once, before the greeting (a crash loop).
 */
#include "fw.h"

#define HEARTBEAT_MS 500u
/* Nothing is mapped there: reading it is the demo's bad access. */
#define BAD_ADDRESS 0xF0000000u
/* FW_CRASHY: milliseconds (SysTick) from the greeting to the bad access. */
#define CRASHY_AFTER_MS 10u

#define CH(n)  (1u << (n))
#define VRINGS (CH(IPCC_CH_VRING0) | CH(IPCC_CH_VRING1))
/* Channels 1..5: what the host may post to us. */
#define HOST_MSGS (VRINGS | CH(IPCC_CH_SHUTDOWN) | CH(IPCC_CH_DETACH) | CH(IPCC_CH_CRASH))

/* Written by the interrupt handlers, read (and cleared) by the main loop. */
static volatile uint32_t ticks_ms; /* SysTick interrupts since start: milliseconds */
static volatile uint32_t posted;   /* host messages taken by the RX handler, bit = channel */
static volatile bool tx_freed;	   /* the host cleared a channel we wait to kick on */

/* State of the main loop. */
struct demo_state {
	struct rpmsg_dev rpmsg;	    /* the vdev of our resource table */
	struct rpmsg_ept tty, ping; /* the two echo channels */
	enum rpmsg_state rpmsg_was; /* its state at the last turn (logged on change) */
	uint32_t tx_pending; /* vring kicks waiting for the host to free the channel, bit = ch */
	uint32_t wdg_period; /* watchdog period from the board, 0 = none */
	uint32_t now;	     /* ticks_ms when the loop last looked */
	uint32_t last_beat;  /* ticks_ms of the last heartbeat */
	uint32_t beats;	     /* heartbeats written */
	uint32_t started;    /* ticks_ms of the greeting (FW_CRASHY counts from it) */
	bool shutting_down;  /* shutdown acknowledged: stay quiet until stopped */
};

/*
 * As ST's generated stm32mp1xx_it.c: `while (1) {}`. The core stops at the
 * fault with the faulting code's registers intact; the emulator sees a
 * handler that only spins and reports the fault as it happened (an MMU fault
 * at the faulting PC, what a debugger finds on silicon), and a core dump's
 * backtrace starts at the bad access. Anything run here first (a log line)
 * would move the registers into this handler.
 */
__attribute__((naked)) void hardfault_handler(void)
{
	__asm__ volatile("b .");
}

void systick_handler(void)
{
	ticks_ms++;
}

/*
 * C2MR read-modify-write from the main loop: the handlers change it too, so
 * with interrupts off. set/clear: the mask bits to set and to clear.
 */
static void ipcc_mask(uint32_t set, uint32_t clear)
{
	cm_irq_disable();
	ipcc_write(IPCC_C2MR, (ipcc_read(IPCC_C2MR) | set) & ~clear);
	cm_irq_enable();
}

/*
 * RX occupied: the line stays high while a posted channel is unmasked, so
 * mask what arrived (CHnOM) and leave it to the main loop, which unmasks a
 * channel once it cleared (acknowledged) it.
 */
void FW_IRQ_HANDLER(FW_IPCC_IRQ_RX)(void)
{
	uint32_t mr = ipcc_read(IPCC_C2MR);
	uint32_t rx = ipcc_read(IPCC_C1TOC2SR) & ~mr & HOST_MSGS;

	ipcc_write(IPCC_C2MR, mr | rx);
	posted |= rx;
}

/* TX free: a channel we wait on was cleared by the host; mask them all again (CHnFM). */
void FW_IRQ_HANDLER(FW_IPCC_IRQ_TX)(void)
{
	ipcc_write(IPCC_C2MR, ipcc_read(IPCC_C2MR) | IPCC_MR_CHFM(IPCC_CH_VRING0) |
				      IPCC_MR_CHFM(IPCC_CH_VRING1));
	tx_freed = true;
}

/* Acknowledge the host's message on channel ch and take the next one. */
static void ack(uint32_t ch)
{
	ipcc_write(IPCC_C2SCR, IPCC_SCR_CHC(ch));
	ipcc_mask(0, IPCC_MR_CHOM(ch));
}

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
	if (st->now - st->started >= CRASHY_AFTER_MS)
		crash_now("rproc-demo: crashy build, reading unmapped memory at 0xf0000000\n");
#else
	(void)st;
#endif
}

static void handle_shutdown(struct demo_state *st)
{
#ifdef FW_NOACK
	/* Left masked and uncleared: logged once, never acknowledged. */
	(void)st;
	trace_puts("rproc-demo: shutdown requested, not acknowledging (noack build)\n");
#else
	trace_puts("rproc-demo: shutdown requested, acknowledging\n");
	st->shutting_down = true;
	ack(IPCC_CH_SHUTDOWN);
#endif
}

/*
 * Send the vring kicks rpmsg asked for, each as soon as the host cleared our
 * last kick on that channel; for those still busy, unmask their TX-free
 * interrupt to be woken when it does.
 */
static void send_kicks(struct demo_state *st)
{
	uint32_t busy = ipcc_read(IPCC_C2TOC1SR), ch, wait = 0;

	for (ch = 0; ch < IPCC_MAX_CHANNELS; ch++) {
		if (!(st->tx_pending & CH(ch)))
			continue;
		if (busy & CH(ch)) {
			wait |= IPCC_MR_CHFM(ch);
			continue;
		}
		ipcc_write(IPCC_C2SCR, IPCC_SCR_CHS(ch));
		st->tx_pending &= ~CH(ch);
	}
	if (wait)
		ipcc_mask(0, wait);
}

/* rpmsg wants vring vq kicked: on its IPCC channel, by send_kicks. */
static void rpmsg_notify(void *priv, unsigned int vq)
{
	struct demo_state *st = priv;

	st->tx_pending |= CH(vq == RPMSG_VQ_TX ? IPCC_CH_VRING0 : IPCC_CH_VRING1);
}

/*
 * Both channels: every message goes back to its sender unchanged. Without
 * an empty buffer it waits in its ring for the host to post one (never
 * dropped); one that cannot fit an answer is dropped.
 */
static int echo(struct rpmsg_ept *ept, const volatile uint8_t *data, uint32_t len, uint32_t src)
{
	return rpmsg_send(ept, src, data, len) == RPMSG_ERR_NO_BUFFER ? RPMSG_ERR_NO_BUFFER : 0;
}

static void rpmsg_setup(struct demo_state *st)
{
	const struct rpmsg_config cfg = {
		.rsc = fw_rsc_vdev(),
		.num = {FW_VRING_NUM, FW_VRING_NUM},
		.align = {FW_VRING_ALIGN, FW_VRING_ALIGN},
		.vrings = {FW_VRING_DA, FW_VRING_SIZE},
		.bufs = {FW_VDEV_BUF_DA, FW_VDEV_BUF_SIZE},
		.notify = rpmsg_notify,
		.priv = st,
	};

	/* Our own constants: these cannot fail (a broken build would say so in the trace). */
	if (rpmsg_init(&st->rpmsg, &cfg) ||
	    rpmsg_create_ept(&st->rpmsg, &st->tty, "rpmsg-tty", RPMSG_ADDR_ANY, echo, NULL) ||
	    rpmsg_create_ept(&st->rpmsg, &st->ping, "rpmsg-ping", RPMSG_ADDR_ANY, echo, NULL))
		trace_puts("rproc-demo: rpmsg set-up failed\n");
}

/* The vrings, after any kick or wake-up; a change of state goes to the trace. */
static void serve_rpmsg(struct demo_state *st)
{
	enum rpmsg_state now = rpmsg_service(&st->rpmsg);

	if (now == st->rpmsg_was)
		return;
	st->rpmsg_was = now;
	if (now == RPMSG_READY)
		trace_puts("rproc-demo: rpmsg up (DRIVER_OK): rpmsg-tty, rpmsg-ping\n");
	else if (now == RPMSG_BROKEN)
		trace_put_line2("rproc-demo: rpmsg stopped, host broke a rule: ",
				rpmsg_why(&st->rpmsg));
	else
		trace_puts("rproc-demo: rpmsg reset by the host\n");
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
	if (st->shutting_down || st->now - st->last_beat < HEARTBEAT_MS)
		return;
	st->last_beat = st->now;
	st->beats++;
	trace_put_line_u32("rproc-demo: heartbeat ", st->beats);
}

/* One turn of the main loop: what the handlers noted since the last one. */
static void serve(struct demo_state *st)
{
	uint32_t rx, ch;

	cm_irq_disable();
	rx = posted;
	posted = 0;
	tx_freed = false;
	cm_irq_enable();
	st->now = ticks_ms;

	if (rx & CH(IPCC_CH_CRASH))
		crash_now("rproc-demo: crash requested, reading unmapped memory at 0xf0000000\n");
	crash_when_due(st);
	if (rx & CH(IPCC_CH_SHUTDOWN))
		handle_shutdown(st);
	if (rx & CH(IPCC_CH_DETACH)) {
		trace_puts("rproc-demo: host detached, running on\n");
		ack(IPCC_CH_DETACH);
	}
	/* Taken before the rings are read: a kick that comes meanwhile brings another turn. */
	for (ch = 0; ch < IPCC_MAX_CHANNELS; ch++)
		if (rx & VRINGS & CH(ch))
			ack(ch);
	if (!st->shutting_down)
		serve_rpmsg(st);
	if (st->tx_pending)
		send_kicks(st);
	refresh_watchdog(st);
	heartbeat(st);
}

/* SysTick counts of one millisecond, and the longest period its 24 bits hold. */
#define SYSTICK_PER_MS	(FW_CLOCK_HZ / 1000u)
#define IDLE_MAX_MS	(SYST_RELOAD_MASK / SYSTICK_PER_MS)
#define MIN(a, b)	((a) < (b) ? (a) : (b))

/* Milliseconds until the main loop has something to do on its own (1 at least). */
static uint32_t ms_to_next_deadline(const struct demo_state *st)
{
	uint32_t ms = IDLE_MAX_MS, since = st->now - st->last_beat;

	if (!st->shutting_down)
		ms = MIN(ms, since < HEARTBEAT_MS ? HEARTBEAT_MS - since : 1u);
#ifndef FW_NOWDG
	if (st->wdg_period)
		ms = MIN(ms, st->wdg_period / 4u);
#endif
#ifdef FW_CRASHY
	since = st->now - st->started;
	ms = MIN(ms, since < CRASHY_AFTER_MS ? CRASHY_AFTER_MS - since : 1u);
#endif
	return ms ? ms : 1u;
}

/*
 * Tickless idle, as FreeRTOS's configUSE_TICKLESS_IDLE and Zephyr do: rather
 * than waking every millisecond for nothing, one SysTick period as long as
 * the next deadline, WFI, then account for the time that passed (the whole
 * period if it ended, else what SysTick counted) and go back to the 1 ms
 * tick. Interrupts are masked by the caller: an interrupt that wakes us runs
 * once we are back on the 1 ms tick. (The part of a millisecond already
 * counted when we stop SysTick is lost: firmware time runs a little slow.)
 */
static void sleep_tickless(uint32_t ms)
{
	uint32_t reload = ms * SYSTICK_PER_MS - 1u, left, ended;

	systick_stop();
	REG32(SYST_RVR) = reload;
	REG32(SYST_CVR) = 0;
	REG32(SYST_CSR) = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
	cm_wfi();
	ended = REG32(SCB_ICSR) & SCB_ICSR_PENDSTSET;
	left = REG32(SYST_CVR);
	systick_stop(); /* also drops the period's pending interrupt: counted here */
	ticks_ms += ended ? ms : (reload - left) / SYSTICK_PER_MS;
	systick_start(SYSTICK_PER_MS - 1u);
}

/*
 * Sleep until an interrupt noted something or a deadline comes. PRIMASK is
 * set around the check so a handler cannot run between it and the WFI (WFI
 * still wakes for a pending interrupt); it runs at the cpsie.
 */
static void idle(const struct demo_state *st)
{
	uint32_t ms;

	cm_irq_disable();
	if (!posted && !tx_freed && ticks_ms == st->now) {
		ms = ms_to_next_deadline(st);
		if (ms > 1u)
			sleep_tickless(ms);
		else
			cm_wfi();
	}
	cm_irq_enable();
}

int main(void)
{
	static struct demo_state st; /* in .bss (zeroed): no memset in a freestanding build */

#ifdef FW_FAULT_AT_RESET
	/* Dies before doing anything, on every start: the host's crash-loop limit must hold. */
	(void)*(volatile uint32_t *)BAD_ADDRESS;
#endif
	/* The console first: a transmitter enabled as a HAL would (the model never stalls). */
	*reg32(FW_UART_BASE, USART_CR1) = USART_CR1_UE | USART_CR1_TE;
	uart_puts("rproc-demo: console up on UART4\r\n");
	trace_puts("rproc-demo: hello from the coprocessor\n");
	rpmsg_setup(&st);
	st.wdg_period = vmmio_read(VMMIO_WDG_PERIOD_MS);
	if (st.wdg_period)
		vmmio_write(VMMIO_WDG_KEY, VMMIO_WDG_START_KEY);

	/* HAL_InitTick: a 1 ms tick from the core clock (longer while idle: sleep_tickless). */
	systick_start(SYSTICK_PER_MS - 1u);
	/* The host's messages interrupt us; TX free stays masked until a kick waits. */
	ipcc_write(IPCC_C2CR, IPCC_CR_RXOIE | IPCC_CR_TXFIE);
	ipcc_write(IPCC_C2MR, ipcc_read(IPCC_C2MR) & ~HOST_MSGS);
	nvic_enable(FW_IPCC_IRQ_RX);
	nvic_enable(FW_IPCC_IRQ_TX);

	for (;;) {
		serve(&st);
		idle(&st);
	}
}
