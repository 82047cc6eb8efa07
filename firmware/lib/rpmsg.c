// SPDX-License-Identifier: BSD-2-Clause
/*
 * fwlib's rpmsg, device side (see rpmsg.h). Shared memory is only touched
 * through rd16/rd32/wr16/wr32 below, at addresses inside the windows the
 * firmware gave; every value read there is read once.
 *
 * Legacy split vring of num entries at da (Linux/virtio 0.9.5 vring.h):
 *   desc   da                         num * 16: addr u64, len u32, flags u16, next u16
 *   avail  da + 16 * num              flags u16, idx u16, ring[num] u16, used_event u16
 *   used   align_up(end of avail)     flags u16, idx u16, ring[num] {id u32, len u32},
 *                                     avail_event u16
 */
#include "rpmsg.h"

#include <stddef.h>

#include "cm.h"

static inline uint16_t rd16(uint32_t da)
{
	return *(const volatile uint16_t *)(uintptr_t)da;
}

static inline uint32_t rd32(uint32_t da)
{
	return *(const volatile uint32_t *)(uintptr_t)da;
}

static inline void wr16(uint32_t da, uint16_t v)
{
	*(volatile uint16_t *)(uintptr_t)da = v;
}

static inline void wr32(uint32_t da, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)da = v;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* [da, da + len) lies in w (no wrap anywhere). */
static bool window_holds(const struct rpmsg_window *w, uint32_t da, uint32_t len)
{
	return da >= w->da && len <= w->size && da - w->da <= w->size - len;
}

/* Bytes of a legacy vring (Linux vring_size()); num and align already checked. */
static uint32_t vring_bytes(uint32_t num, uint32_t align)
{
	uint32_t avail_end = VRING_DESC_SIZE * num + 2u * (3u + num);

	return ((avail_end + align - 1u) & ~(align - 1u)) + 2u * 3u + VRING_USED_ELEM_SIZE * num;
}

static void set_broken(struct rpmsg_dev *d, const char *why)
{
	if (d->state == RPMSG_BROKEN)
		return;
	d->state = RPMSG_BROKEN;
	d->why = why;
}

int rpmsg_init(struct rpmsg_dev *d, const struct rpmsg_config *cfg)
{
	unsigned int i;
	uint8_t *p = (uint8_t *)d;

	for (i = 0; i < sizeof(*d); i++)
		p[i] = 0;
	if (!cfg->rsc || !cfg->notify || !cfg->bufs.size || !cfg->vrings.size)
		return RPMSG_ERR_INVAL;
	for (i = 0; i < 2; i++)
		if (!is_pow2(cfg->num[i]) || cfg->num[i] > VRING_NUM_MAX ||
		    !is_pow2(cfg->align[i]) || cfg->align[i] > 4096u ||
		    vring_bytes(cfg->num[i], cfg->align[i]) > cfg->vrings.size)
			return RPMSG_ERR_INVAL;
	d->cfg = *cfg;
	/* CP10/CP11 read as zero on a core without an FPU, or with it left off. */
	d->fpu = (REG32(SCB_CPACR) & SCB_CPACR_FPU_FULL) == SCB_CPACR_FPU_FULL;
	d->next_addr = RPMSG_FIRST_ADDR;
	d->state = RPMSG_WAITING;
	return 0;
}

static struct rpmsg_ept *find_ept(struct rpmsg_dev *d, uint32_t addr)
{
	struct rpmsg_ept *e;

	for (e = d->epts; e; e = e->next)
		if (e->addr == addr)
			return e;
	return NULL;
}

int rpmsg_create_ept(struct rpmsg_dev *d, struct rpmsg_ept *ept, const char *name, uint32_t addr,
		     rpmsg_ept_cb cb, void *priv)
{
	struct rpmsg_ept **link;

	if (!ept || !cb)
		return RPMSG_ERR_INVAL;
	if (addr == RPMSG_ADDR_ANY) {
		while (find_ept(d, d->next_addr))
			d->next_addr++;
		addr = d->next_addr++;
	} else if (addr < RPMSG_FIRST_ADDR || find_ept(d, addr)) {
		return RPMSG_ERR_INVAL;
	}
	ept->name = name;
	ept->addr = addr;
	ept->cb = cb;
	ept->priv = priv;
	ept->announced = false;
	ept->dev = d;
	ept->next = NULL;
	/* At the end: announced in the order they were created. */
	for (link = &d->epts; *link; link = &(*link)->next)
		;
	*link = ept;
	return 0;
}

/*
 * The host wrote DRIVER_OK: take the vrings where it placed them (each da
 * read once and checked against the vring window with our own num/align).
 */
static void take_vrings(struct rpmsg_dev *d)
{
	static const char *const outside[2] = {
		"vring 0 da (vdev entry) unaligned or outside the vring memory",
		"vring 1 da (vdev entry) unaligned or outside the vring memory",
	};
	struct rpmsg_ept *e;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct rpmsg_vq *vq = &d->vq[i];
		uint32_t num = d->cfg.num[i], align = d->cfg.align[i];
		uint32_t da = d->cfg.rsc->vring[i].da;

		if ((da & (VRING_DESC_SIZE - 1u)) ||
		    !window_holds(&d->cfg.vrings, da, vring_bytes(num, align))) {
			set_broken(d, outside[i]);
			return;
		}
		vq->num = num;
		vq->desc = da;
		vq->avail = da + VRING_DESC_SIZE * num;
		vq->used = (vq->avail + 2u * (3u + num) + align - 1u) & ~(align - 1u);
		vq->last_avail = 0;
		vq->used_idx = 0;
		vq->to_notify = false;
	}
	d->ns = d->cfg.rsc->gfeatures & (1u << VIRTIO_RPMSG_F_NS);
	for (e = d->epts; e; e = e->next)
		e->announced = false;
	d->state = RPMSG_READY;
	d->stats.readies++;
}

/* Follow the host's status byte: DRIVER_OK starts the device, 0 (reset) stops it. */
static void track_status(struct rpmsg_dev *d)
{
	uint8_t status = d->cfg.rsc->status;

	if (!status) {
		d->state = RPMSG_WAITING;
		d->why = NULL;
		return;
	}
	if (d->state == RPMSG_WAITING && (status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(status & VIRTIO_CONFIG_S_FAILED))
		take_vrings(d);
}

/*
 * The next buffer the host made available in vq, not taken yet: 1 with its
 * descriptor's buffer (checked: inside the buffer window, at least a
 * header) in *da, *len and its index in *head; 0 if none; -1 if the ring
 * broke a rule (the device is then broken).
 */
static inline __attribute__((always_inline)) int
vq_peek(struct rpmsg_dev *d, struct rpmsg_vq *vq, uint32_t *da, uint32_t *len, uint16_t *head)
{
	uint16_t idx = rd16(vq->avail + VRING_IDX_OFF), h;
	uint32_t desc, addr_hi;

	if (idx == vq->last_avail)
		return 0;
	if ((uint16_t)(idx - vq->last_avail) > vq->num) {
		set_broken(d, "avail.idx moved by more than the ring size");
		return -1;
	}
	cm_dmb(); /* the entry is read after the index that published it */
	h = rd16(vq->avail + VRING_RING_OFF + 2u * (vq->last_avail & (vq->num - 1u)));
	if (h >= vq->num) {
		set_broken(d, "avail ring entry: descriptor index out of range");
		return -1;
	}
	desc = vq->desc + VRING_DESC_SIZE * h;
	*da = rd32(desc);
	addr_hi = rd32(desc + 4u);
	*len = rd32(desc + 8u);
	/* Chains (flags NEXT) are never followed: Linux and OpenAMP use one descriptor each. */
	if (addr_hi || !window_holds(&d->cfg.bufs, *da, *len)) {
		set_broken(d, "descriptor addr/len outside the buffer memory");
		return -1;
	}
	if (*len < RPMSG_HDR_SIZE || (*da & 3u)) {
		set_broken(d, "descriptor buffer unaligned or shorter than a message header");
		return -1;
	}
	*head = h;
	return 1;
}

/* Hand buffer head back to the host with len bytes used, and take the avail entry. */
static void vq_put_used(struct rpmsg_vq *vq, uint16_t head, uint32_t len)
{
	uint32_t elem =
		vq->used + VRING_RING_OFF + VRING_USED_ELEM_SIZE * (vq->used_idx & (vq->num - 1u));

	wr32(elem, head);
	wr32(elem + 4u, len);
	cm_dmb(); /* the entry before the index that publishes it */
	vq->used_idx++;
	wr16(vq->used + VRING_IDX_OFF, vq->used_idx);
	vq->last_avail++;
	vq->to_notify = true;
}

/* Kick the vrings we used, unless the host asked for no kicks (avail.flags). */
static void kick_used(struct rpmsg_dev *d)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct rpmsg_vq *vq = &d->vq[i];

		if (!vq->to_notify)
			continue;
		vq->to_notify = false;
		cm_dmb(); /* the used ring is written before the host hears of it */
		if (!(rd16(vq->avail + VRING_FLAGS_OFF) & VRING_AVAIL_F_NO_INTERRUPT))
			d->cfg.notify(d->cfg.priv, i);
	}
}

/*
 * Payload copies with the FPU: 64 bytes per VLDM/VSTM pair of D0-D7, then 8
 * per VLDR/VSTR. On silicon this is about as fast as LDM/STM. On the
 * emulated core it halves the number of stores, and there every guest
 * store is costly (Unicorn 2.0.1 checks each one for self-modifying code):
 * an echo costs about a fifth less host CPU. Code built without an FP ABI
 * keeps nothing in FP registers, so only an FP build names them clobbered.
 */
#ifdef __ARM_FP
#define FP_COPY_CLOBBERS "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "memory"
#else
#define FP_COPY_CLOBBERS "memory"
#endif

/* Copy n bytes (rounded down to 8) between word-aligned buffers: what was copied. */
static uint32_t copy_fp(volatile uint8_t *dst, const volatile uint8_t *src, uint32_t n)
{
	uint32_t i = 0;

	for (; i + 64u <= n; i += 64u)
		__asm__ volatile(".fpu fpv4-sp-d16\n\t"
				 "vldmia %1, {d0-d7}\n\t"
				 "vstmia %0, {d0-d7}" ::"r"(dst + i),
				 "r"(src + i)
				 : FP_COPY_CLOBBERS);
	for (; i + 8u <= n; i += 8u)
		__asm__ volatile(".fpu fpv4-sp-d16\n\t"
				 "vldr d0, [%1]\n\t"
				 "vstr d0, [%0]" ::"r"(dst + i),
				 "r"(src + i)
				 : FP_COPY_CLOBBERS);
	return i;
}

/* Copy n bytes between buffers: FP transfers or words when both are aligned (payloads are). */
static void copy_bytes(const struct rpmsg_dev *d, volatile uint8_t *dst,
		       const volatile uint8_t *src, uint32_t n)
{
	bool aligned = !(((uintptr_t)dst | (uintptr_t)src) & 3u);
	uint32_t i = aligned && d->fpu ? copy_fp(dst, src, n) : 0;

	if (aligned)
		for (; i + 4u <= n; i += 4u)
			*(volatile uint32_t *)(dst + i) = *(const volatile uint32_t *)(src + i);
	for (; i < n; i++)
		dst[i] = src[i];
}

/* One message from src to dst in the next empty buffer of vring 0. */
static inline __attribute__((always_inline)) int
send_raw(struct rpmsg_dev *d, uint32_t src, uint32_t dst, const volatile void *data, uint32_t len)
{
	struct rpmsg_vq *vq = &d->vq[RPMSG_VQ_TX];
	uint32_t da, blen;
	uint16_t head;
	int r;

	if (d->state != RPMSG_READY)
		return RPMSG_ERR_NOT_READY;
	if (len > RPMSG_MAX_PAYLOAD)
		return RPMSG_ERR_TOO_BIG;
	r = vq_peek(d, vq, &da, &blen, &head);
	if (r < 0)
		return RPMSG_ERR_NOT_READY;
	if (!r)
		return RPMSG_ERR_NO_BUFFER;
	if (len > blen - RPMSG_HDR_SIZE)
		return RPMSG_ERR_TOO_BIG;
	wr32(da, src);
	wr32(da + 4u, dst);
	wr32(da + 8u, 0);
	wr16(da + 12u, (uint16_t)len);
	wr16(da + 14u, 0);
	copy_bytes(d, (volatile uint8_t *)(uintptr_t)(da + RPMSG_HDR_SIZE), data, len);
	vq_put_used(vq, head, RPMSG_HDR_SIZE + len);
	d->stats.tx++;
	return 0;
}

int rpmsg_send(struct rpmsg_ept *ept, uint32_t dst, const volatile void *data, uint32_t len)
{
	struct rpmsg_dev *d = ept->dev;
	int r = send_raw(d, ept->addr, dst, data, len);

	if (!d->in_service)
		kick_used(d);
	return r;
}

/* Announce the endpoints not announced yet; stop at the first without a buffer. */
static void announce(struct rpmsg_dev *d)
{
	uint32_t msg[RPMSG_NS_SIZE / 4];
	struct rpmsg_ept *e;
	const char *s;
	uint8_t *name = (uint8_t *)msg;
	unsigned int i;

	for (e = d->epts; e && d->state == RPMSG_READY; e = e->next) {
		if (e->announced)
			continue;
		if (!d->ns || !e->name) {
			e->announced = true; /* nobody to tell */
			continue;
		}
		/* name[32], NUL-padded (a 32-character name has no NUL, as in Linux). */
		for (i = 0, s = e->name; i < RPMSG_NAME_SIZE; i++)
			name[i] = *s ? (uint8_t)*s++ : 0;
		msg[8] = e->addr;
		msg[9] = RPMSG_NS_CREATE;
		if (send_raw(d, e->addr, RPMSG_NS_ADDR, msg, RPMSG_NS_SIZE))
			return;
		e->announced = true;
	}
}

/* Deliver the host's messages in vring 1 until none is left or an endpoint must wait. */
static void receive(struct rpmsg_dev *d)
{
	struct rpmsg_vq *vq = &d->vq[RPMSG_VQ_RX];
	struct rpmsg_ept *e;
	uint32_t da, blen, src, dst, len;
	uint16_t head;

	while (d->state == RPMSG_READY && vq_peek(d, vq, &da, &blen, &head) == 1) {
		src = rd32(da);
		dst = rd32(da + 4u);
		len = rd16(da + 12u);
		e = len <= blen - RPMSG_HDR_SIZE ? find_ept(d, dst) : NULL;
		if (!e) {
			d->stats.rx_dropped++;
		} else {
			if (e->cb(e, (const volatile uint8_t *)(uintptr_t)(da + RPMSG_HDR_SIZE),
				  len, src) == RPMSG_ERR_NO_BUFFER)
				return; /* left in the ring: retried on a later call */
			d->stats.rx++;
			if (d->state != RPMSG_READY)
				return; /* its answer broke the device: the buffer is not ours to give */
		}
		/* As OpenAMP: the buffer goes back with its descriptor's length. */
		vq_put_used(vq, head, blen);
	}
}

enum rpmsg_state rpmsg_service(struct rpmsg_dev *d)
{
	track_status(d);
	if (d->state != RPMSG_READY)
		return d->state;
	d->in_service = true;
	announce(d); /* first: what we send answers to channels the host knows */
	receive(d);
	d->in_service = false;
	kick_used(d); /* also what was used before a violation broke the device */
	return d->state;
}
