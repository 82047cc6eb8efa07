// SPDX-License-Identifier: BSD-2-Clause
/*
 * The STM32 IPCC (stm32_ipcc_regs.h; RM0436 for the STM32MP15, RM0457 for
 * the STM32MP2's IPCC1), processor 1 = the host, processor 2 = this core.
 *
 * Both processors see the whole register block: processor 1 through
 * coproc_ipcc_host_read/write (the host's driver, any thread), processor 2
 * through the firmware's loads and stores (the core thread). One lock keeps
 * the register file and the interrupt levels consistent between them.
 *
 * The reference manual's rules, as modelled:
 * - CxSCR is write-only (reads 0). Writing CHnS (bit 16 + n) sets channel n
 *   of our own status (C1TOC2SR for processor 1, C2TOC1SR for processor 2);
 *   writing CHnC (bit n) clears channel n of the OTHER side's status (the
 *   acknowledgement). The status registers are read-only.
 * - RX occupied of processor x: CxCR.RXOIE and some channel set in the other
 *   side's status whose CHnOM is clear in CxMR. TX free of processor x:
 *   CxCR.TXFIE and some channel clear in its own status whose CHnFM is clear
 *   in CxMR. Both are levels: the line stays high as long as that holds.
 * - Bits of channels the instance does not have (HWCFGR) read as zero and
 *   ignore writes; the masks reset to "all implemented channels masked".
 * - Only aligned 32-bit accesses do something; other widths read as zero and
 *   ignore writes, as a word-only peripheral's reserved accesses.
 *
 * Processor 2's lines are the board's interrupts (RX occupied, TX free) and
 * go to coproc_irq_set() on every change; processor 1's go to the connected
 * host (coproc_ipcc_host_connect: the normal world's stm32_ipcc driver)
 * after the access, outside the lock. The host's logic is not here.
 */
#include <errno.h>
#include <stdlib.h>

#include "coproc/coproc_internal.h"
#include "coproc/stm32_ipcc_regs.h"

/* Index of each processor in the arrays below. */
enum {
	P1 = 0,
	P2 = 1
};

struct ipcc {
	pthread_mutex_t lock;	    /* protects everything below */
	uint32_t chmask;	    /* implemented channels: bit n = channel n + 1 */
	uint32_t cr[2];		    /* C1CR, C2CR */
	uint32_t mr[2];		    /* C1MR, C2MR */
	uint32_t sr[2];		    /* C1TOC2SR (set by processor 1), C2TOC1SR (set by 2) */
	bool line[2][2];	    /* current level of [processor][0 = RX occupied, 1 = TX free] */
	unsigned long irq_calls[2]; /* coproc_irq_set calls made for processor 2's RX, TX */
};

static struct ipcc *ipcc_of(const struct coproc_periph *p)
{
	return p->state;
}

static int ipcc_create(struct coproc_periph *p, struct rpt_error *err)
{
	struct ipcc *ip;
	uint32_t n = p->desc.channels;

	if (!n || n > IPCC_MAX_CHANNELS)
		return rpt_error_set(err, EINVAL,
				     "coprocessor: IPCC '%s': %u channels (1 to %u supported)",
				     p->desc.name, n, IPCC_MAX_CHANNELS);
	if (p->desc.size < IPCC_SIZE)
		return rpt_error_set(err, EINVAL,
				     "coprocessor: IPCC '%s': 0x%x bytes of registers, needs 0x%x",
				     p->desc.name, p->desc.size, IPCC_SIZE);
	ip = calloc(1, sizeof(*ip));
	if (!ip)
		return rpt_error_set(err, ENOMEM, "coprocessor: out of memory");
	if (pthread_mutex_init(&ip->lock, NULL)) {
		free(ip);
		return rpt_error_set(err, ENOMEM, "coprocessor: cannot create the IPCC lock");
	}
	ip->chmask = (uint32_t)((1ull << n) - 1);
	p->state = ip;
	return 0;
}

static void ipcc_destroy(struct coproc_periph *p)
{
	struct ipcc *ip = ipcc_of(p);

	if (!ip)
		return;
	pthread_mutex_destroy(&ip->lock);
	free(ip);
	p->state = NULL;
}

/* What the four lines should be now. Lock held. */
static void levels(const struct ipcc *ip, bool out[2][2])
{
	unsigned int x;

	for (x = P1; x <= P2; x++) {
		uint32_t om = ip->mr[x] & ip->chmask;
		uint32_t fm = (ip->mr[x] >> 16) & ip->chmask;

		/* RX: what the other side set; TX: our own channels that are free again. */
		out[x][0] = (ip->cr[x] & IPCC_CR_RXOIE) && (ip->sr[!x] & ~om & ip->chmask);
		out[x][1] = (ip->cr[x] & IPCC_CR_TXFIE) && (~ip->sr[x] & ~fm & ip->chmask);
	}
}

/*
 * Lock held: drive processor 2's lines that changed (coproc_irq_set takes no
 * lock of ours), and say whether processor 1's are high.
 */
static void update_lines(struct coproc_periph *p, bool *p1_rx, bool *p1_tx)
{
	struct ipcc *ip = ipcc_of(p);
	bool now[2][2];
	unsigned int k;

	levels(ip, now);
	for (k = 0; k < 2; k++) {
		if (now[P2][k] != ip->line[P2][k] && k < p->desc.num_irqs) {
			coproc_irq_set(p->core, p->desc.irqs[k], now[P2][k]);
			ip->irq_calls[k]++;
		}
		ip->line[P2][k] = now[P2][k];
		ip->line[P1][k] = now[P1][k];
	}
	*p1_rx = now[P1][0];
	*p1_tx = now[P1][1];
}

static void ipcc_reset(struct coproc_periph *p)
{
	struct ipcc *ip = ipcc_of(p);
	bool rx, tx;

	pthread_mutex_lock(&ip->lock);
	ip->cr[P1] = ip->cr[P2] = 0;
	ip->mr[P1] = ip->mr[P2] = ip->chmask | ip->chmask << 16;
	ip->sr[P1] = ip->sr[P2] = 0;
	update_lines(p, &rx, &tx);
	pthread_mutex_unlock(&ip->lock);
}

static uint32_t read_locked(const struct ipcc *ip, uint32_t offset)
{
	switch (offset) {
	case IPCC_C1CR:
		return ip->cr[P1];
	case IPCC_C1MR:
		return ip->mr[P1];
	case IPCC_C1TOC2SR:
		return ip->sr[P1];
	case IPCC_C2CR:
		return ip->cr[P2];
	case IPCC_C2MR:
		return ip->mr[P2];
	case IPCC_C2TOC1SR:
		return ip->sr[P2];
	case IPCC_HWCFGR:
		return __builtin_popcount(ip->chmask) & IPCC_HWCFGR_CHANNELS_MASK;
	case IPCC_VER:
		return IPCC_VER_VALUE;
	case IPCC_ID:
		return IPCC_ID_VALUE;
	case IPCC_SID:
		return IPCC_SID_VALUE;
	default: /* C1SCR, C2SCR (write-only) and reserved offsets */
		return 0;
	}
}

/* Processor x writes its SCR: set our own flags, clear the other side's. */
static void scr_write(struct ipcc *ip, unsigned int x, uint32_t value)
{
	ip->sr[!x] &= ~(value & ip->chmask);
	ip->sr[x] |= (value >> 16) & ip->chmask;
}

static void write_locked(struct ipcc *ip, uint32_t offset, uint32_t value)
{
	uint32_t mr_bits = ip->chmask | ip->chmask << 16;

	switch (offset) {
	case IPCC_C1CR:
		ip->cr[P1] = value & (IPCC_CR_RXOIE | IPCC_CR_TXFIE);
		break;
	case IPCC_C1MR:
		ip->mr[P1] = value & mr_bits;
		break;
	case IPCC_C1SCR:
		scr_write(ip, P1, value);
		break;
	case IPCC_C2CR:
		ip->cr[P2] = value & (IPCC_CR_RXOIE | IPCC_CR_TXFIE);
		break;
	case IPCC_C2MR:
		ip->mr[P2] = value & mr_bits;
		break;
	case IPCC_C2SCR:
		scr_write(ip, P2, value);
		break;
	default: /* status, identification and reserved offsets are read-only */
		break;
	}
}

static uint32_t ipcc_read(struct coproc_periph *p, uint32_t offset, unsigned int size)
{
	struct ipcc *ip = ipcc_of(p);
	uint32_t v;

	if (size != 4)
		return 0;
	pthread_mutex_lock(&ip->lock);
	v = read_locked(ip, offset);
	pthread_mutex_unlock(&ip->lock);
	return v;
}

/* One write by either processor; then processor 1's handlers if its lines are high. */
static void ipcc_access_write(struct coproc_periph *p, uint32_t offset, uint32_t value)
{
	struct ipcc *ip = ipcc_of(p);
	bool rx, tx;

	pthread_mutex_lock(&ip->lock);
	write_locked(ip, offset, value);
	update_lines(p, &rx, &tx);
	pthread_mutex_unlock(&ip->lock);
	if ((rx || tx) && p->core->ipcc_host)
		p->core->ipcc_host->irq(p->core->ipcc_host_priv, rx, tx);
}

static void ipcc_write(struct coproc_periph *p, uint32_t offset, unsigned int size, uint32_t value)
{
	if (size == 4)
		ipcc_access_write(p, offset, value);
}

const struct coproc_periph_model coproc_ipcc_model = {
	.name = "stm32-ipcc",
	.kind = BOARD_PERIPH_IPCC,
	.create = ipcc_create,
	.reset = ipcc_reset,
	.read = ipcc_read,
	.write = ipcc_write,
	.destroy = ipcc_destroy,
};

/* ---- processor 1's view ---- */

static int host_check(const struct coproc *c, uint32_t offset)
{
	if (!c->ipcc)
		return -ENODEV;
	if ((offset & 3u) || offset >= IPCC_SIZE)
		return -EINVAL;
	return 0;
}

int coproc_ipcc_host_read(struct coproc *c, uint32_t offset, uint32_t *value)
{
	int ret = host_check(c, offset);

	if (!ret)
		*value = ipcc_read(c->ipcc, offset, 4);
	return ret;
}

int coproc_ipcc_host_write(struct coproc *c, uint32_t offset, uint32_t value)
{
	int ret = host_check(c, offset);

	if (!ret)
		ipcc_access_write(c->ipcc, offset, value);
	return ret;
}

void coproc_ipcc_host_connect(struct coproc *c, const struct coproc_ipcc_host *host, void *priv)
{
	c->ipcc_host = host;
	c->ipcc_host_priv = priv;
}

int coproc_ipcc_lines(struct coproc *c, struct coproc_ipcc_lines *out)
{
	struct ipcc *ip;

	if (!c->ipcc)
		return -ENODEV;
	ip = ipcc_of(c->ipcc);
	pthread_mutex_lock(&ip->lock);
	out->p1_rx = ip->line[P1][0];
	out->p1_tx = ip->line[P1][1];
	out->p2_rx = ip->line[P2][0];
	out->p2_tx = ip->line[P2][1];
	out->p2_rx_calls = ip->irq_calls[0];
	out->p2_tx_calls = ip->irq_calls[1];
	pthread_mutex_unlock(&ip->lock);
	return 0;
}

int coproc_ipcc_core_access(struct coproc *c, uint32_t offset, unsigned int size, bool write,
			    uint32_t *value)
{
	if (!c->ipcc)
		return -ENODEV;
	if (offset >= IPCC_SIZE || (size != 1 && size != 2 && size != 4) || (offset & (size - 1)))
		return -EINVAL;
	if (write)
		ipcc_write(c->ipcc, offset, size, *value);
	else
		*value = ipcc_read(c->ipcc, offset, size);
	return 0;
}
