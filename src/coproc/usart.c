// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console UART (stm32_usart_regs.h, board node "st,stm32h7-uart"): the
 * STM32 USART register layout with a transmitter that is never busy (ISR
 * always reads TXE, TC, TEACK and REACK: 0x006000C0) and a receiver that
 * never receives. Every byte written to TDR goes to the core's console log,
 * a bounded ring the host reads with coproc_console_read() (`rprocctl
 * remoteprocN console`). The configuration registers keep what is written so
 * that a HAL reading them back finds its values.
 */
#include <errno.h>
#include <stdlib.h>

#include "coproc/coproc_internal.h"
#include "coproc/stm32_usart_regs.h"

/* Read/write configuration registers, by offset / 4 (CR1 .. RTOR, PRESC). */
#define USART_NREGS (USART_PRESC / 4 + 1)

struct usart {
	_Atomic uint32_t regs[USART_NREGS]; /* what was written, at offset / 4 */
};

static int usart_create(struct coproc_periph *p, struct rpt_error *err)
{
	p->state = calloc(1, sizeof(struct usart));
	if (!p->state)
		return rpt_error_set(err, ENOMEM, "coprocessor: out of memory");
	return 0;
}

static void usart_destroy(struct coproc_periph *p)
{
	free(p->state);
	p->state = NULL;
}

static void usart_reset(struct coproc_periph *p)
{
	struct usart *u = p->state;
	unsigned int i;

	for (i = 0; i < USART_NREGS; i++)
		atomic_store(&u->regs[i], 0);
}

static bool is_config(uint32_t reg)
{
	switch (reg) {
	case USART_CR1:
	case USART_CR2:
	case USART_CR3:
	case USART_BRR:
	case USART_GTPR:
	case USART_RTOR:
	case USART_PRESC:
		return true;
	default:
		return false;
	}
}

static uint32_t usart_read(struct coproc_periph *p, uint32_t offset, unsigned int size)
{
	struct usart *u = p->state;
	uint32_t reg = offset & ~3u, v;

	if (reg == USART_ISR)
		v = USART_ISR_IDLE_TX;
	else if (is_config(reg))
		v = atomic_load(&u->regs[reg / 4]);
	else
		return 0; /* RDR (nothing received), write-only and reserved offsets */
	/* A narrower load reads its bytes of the register (little-endian). */
	return size == 4 ? v : (v >> (8 * (offset & 3u))) & ((1u << (8 * size)) - 1);
}

static void usart_write(struct coproc_periph *p, uint32_t offset, unsigned int size, uint32_t value)
{
	struct usart *u = p->state;

	/* TDR: one character per store, whatever its width (HAL stores words, others bytes). */
	if (offset == USART_TDR) {
		coproc_console_putc(p->core, (uint8_t)value);
		return;
	}
	if (size == 4 && is_config(offset))
		atomic_store(&u->regs[offset / 4], value);
}

const struct coproc_periph_model coproc_usart_model = {
	.name = "stm32-usart",
	.kind = BOARD_PERIPH_USART,
	.create = usart_create,
	.reset = usart_reset,
	.read = usart_read,
	.write = usart_write,
	.destroy = usart_destroy,
};

/* ---- the console log ---- */

void coproc_console_putc(struct coproc *c, uint8_t byte)
{
	struct coproc_console *con = &c->console;

	if (byte == '\r')
		return; /* CR LF from the firmware is one line break here */
	/* Firmware bytes reach a terminal: only printable ASCII, newline and tab pass. */
	if (byte != '\n' && byte != '\t' && (byte < 0x20 || byte > 0x7e))
		byte = '?';
	pthread_mutex_lock(&con->lock);
	con->buf[con->total % COPROC_CONSOLE_SIZE] = (char)byte;
	con->total++;
	pthread_mutex_unlock(&con->lock);
}

size_t coproc_console_read(struct coproc *c, char *buf, size_t size)
{
	struct coproc_console *con = &c->console;
	uint64_t start, i;
	size_t n = 0;

	if (!size)
		return 0;
	pthread_mutex_lock(&con->lock);
	start = con->total > COPROC_CONSOLE_SIZE ? con->total - COPROC_CONSOLE_SIZE : 0;
	/* The newest bytes that fit, oldest first. */
	if (con->total - start > size - 1)
		start = con->total - (size - 1);
	for (i = start; i < con->total; i++)
		buf[n++] = con->buf[i % COPROC_CONSOLE_SIZE];
	pthread_mutex_unlock(&con->lock);
	buf[n] = '\0';
	return n;
}
