// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rpmsg bus (src/normal/rpmsg/virtio_rpmsg.c) against a fake rproc (the
 * real remoteproc core with the recording driver double: memories
 * vdev0vring0/1 and vdev0buffer are host buffers) and a fake firmware in C
 * that acts on the vrings as the device side does: it takes the buffers the
 * host posted, writes fixed bytes into them, hands them back in the used
 * ring and kicks. Checked: the exact bytes the host writes (descriptors,
 * messages, status, gfeatures), name-service channels, endpoints, sends
 * without a free buffer, stop/crash/restart, and every hostile write.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rproc_double.h"
#include "testutil.h"
#include "common/safe_math.h"
#include "formats/rsc_table.h"
#include "normal/rpmsg/rpmsg_msg.h"
#include "normal/rpmsg/virtio_rpmsg.h"
#include "normal/rpmsg/virtqueue.h"

#define NUM   8u  /* entries of each vring (the demo firmware's) */
#define ALIGN 16u /* used ring alignment */
/* Ring layout for NUM = 8, ALIGN = 16: desc 0..127, avail 128.., used 160.. */
#define AVAIL_OFF 128u
#define USED_OFF  160u
#define FW_ADDR	  0x400u /* the fake firmware's endpoint */
#define WAIT_MS	  20000u /* generous: a loaded 2-core machine */

/* ---- a log capture that the receive thread may write to ---- */

struct logcap {
	pthread_mutex_t lock;
	char lines[64][RPT_ERROR_MSG_MAX + 160];
	enum rpt_log_level level[64];
	unsigned int n;
};

static void cap_line(void *priv, enum rpt_log_level level, const char *line)
{
	struct logcap *c = priv;

	pthread_mutex_lock(&c->lock);
	if (c->n < 64) {
		c->level[c->n] = level;
		snprintf(c->lines[c->n++], sizeof(c->lines[0]), "%s", line);
	}
	pthread_mutex_unlock(&c->lock);
}

/* Lines at level containing s (any level if level < 0). */
static unsigned int cap_count(struct logcap *c, int level, const char *s)
{
	unsigned int i, k = 0;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->n; i++)
		if ((level < 0 || (int)c->level[i] == level) && strstr(c->lines[i], s))
			k++;
	pthread_mutex_unlock(&c->lock);
	return k;
}

/* ---- the listener: what channels it heard of ---- */

struct heard {
	pthread_mutex_t lock;
	unsigned int adds, removes;
	struct rpmsg_channel_info last_add, last_remove;
};

static void h_add(void *priv, const struct rpmsg_channel_info *ch)
{
	struct heard *h = priv;

	pthread_mutex_lock(&h->lock);
	h->adds++;
	h->last_add = *ch;
	pthread_mutex_unlock(&h->lock);
}

static void h_remove(void *priv, const struct rpmsg_channel_info *ch)
{
	struct heard *h = priv;

	pthread_mutex_lock(&h->lock);
	h->removes++;
	h->last_remove = *ch;
	pthread_mutex_unlock(&h->lock);
}

static const struct virtio_rpmsg_listener listener = {.channel_add = h_add,
						      .channel_remove = h_remove};

static unsigned int heard_adds(struct heard *h)
{
	unsigned int n;

	pthread_mutex_lock(&h->lock);
	n = h->adds;
	pthread_mutex_unlock(&h->lock);
	return n;
}

static unsigned int heard_removes(struct heard *h)
{
	unsigned int n;

	pthread_mutex_lock(&h->lock);
	n = h->removes;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* ---- an endpoint's inbox ---- */

struct inbox {
	pthread_mutex_t lock;
	unsigned int n;
	uint8_t data[RPMSG_MAX_PAYLOAD];
	size_t len;
	uint32_t src;
};

static void inbox_cb(void *priv, const void *data, size_t len, uint32_t src)
{
	struct inbox *b = priv;

	pthread_mutex_lock(&b->lock);
	memcpy(b->data, data, len);
	b->len = len;
	b->src = src;
	b->n++;
	pthread_mutex_unlock(&b->lock);
}

static unsigned int inbox_count(struct inbox *b)
{
	unsigned int n;

	pthread_mutex_lock(&b->lock);
	n = b->n;
	pthread_mutex_unlock(&b->lock);
	return n;
}

/* ---- one fake system: rproc (double), bus, listener, log, fake firmware ---- */

struct sys {
	struct dbl *d;
	struct virtio_rpmsg *rp;
	struct logcap log;
	struct heard heard;
	uint16_t last_avail[2]; /* fake firmware: avail entries taken */
	uint16_t used_idx[2];	/* fake firmware: used entries given */
};

static uint8_t *ring(struct sys *s, unsigned int i)
{
	return dbl_va(s->d, i ? DBL_VRING1_DA : DBL_VRING0_DA);
}

static struct fw_rsc_vdev *vdev_rsc(struct sys *s, size_t off)
{
	return (struct fw_rsc_vdev *)(dbl_loaded_table(s->d) + off);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Poll until cond(s) holds, at most WAIT_MS. */
#define WAIT_FOR(expr)                                                                             \
	do {                                                                                       \
		unsigned int waited_ = 0;                                                          \
		while (!(expr) && waited_ < WAIT_MS) {                                             \
			sleep_ms(2);                                                               \
			waited_ += 2;                                                              \
		}                                                                                  \
		assert_true(expr);                                                                 \
	} while (0)

static void demo_table(struct tbl *t, size_t *vdev_off)
{
	static const uint32_t any[2] = {FW_RSC_ADDR_ANY, FW_RSC_ADDR_ANY};

	tbl_init(t, 3);
	tbl_carveout(t, DBL_VBUF_DA, 0x4000, "vdev0buffer");
	tbl_trace(t, DBL_TRACE_DA, 0x800, "trace0");
	*vdev_off = tbl_vdev(t, 2, any, NUM, ALIGN);
}

/* A system not yet booted, with the given table (NULL: the demo's). */
static struct sys *sys_new_table(const struct tbl *t)
{
	struct sys *s = calloc(1, sizeof(*s));
	struct rpt_error err = {0};
	struct tbl demo;
	size_t off;

	assert_non_null(s);
	pthread_mutex_init(&s->log.lock, NULL);
	pthread_mutex_init(&s->heard.lock, NULL);
	s->d = dbl_new(true);
	s->d->rproc->log = cap_line;
	s->d->rproc->log_priv = &s->log;
	if (!t) {
		demo_table(&demo, &off);
		t = &demo;
	}
	dbl_set_table(s->d, t->buf, t->len);
	s->rp = virtio_rpmsg_create(s->d->rproc, 0, &err);
	assert_non_null(s->rp);
	virtio_rpmsg_set_listener(s->rp, &listener, &s->heard);
	dbl_add(s->d);
	return s;
}

static void fw_reset(struct sys *s)
{
	memset(s->last_avail, 0, sizeof(s->last_avail));
	memset(s->used_idx, 0, sizeof(s->used_idx));
}

static void sys_boot(struct sys *s)
{
	fw_reset(s);
	assert_int_equal(rproc_boot(s->d->rproc), 0);
}

/* Booted and UP with the demo table. */
static struct sys *sys_up(void)
{
	struct sys *s = sys_new_table(NULL);

	sys_boot(s);
	assert_int_equal(virtio_rpmsg_wait_up(s->rp, WAIT_MS), 0);
	return s;
}

static void sys_free(struct sys *s)
{
	rproc_del(s->d->rproc);
	virtio_rpmsg_destroy(s->rp);
	dbl_free(s->d);
	free(s);
}

/* ---- the fake firmware (device side of the rings) ---- */

static uint16_t avail_idx(struct sys *s, unsigned int q)
{
	return get_le16(ring(s, q) + AVAIL_OFF + 2);
}

/* Take the next buffer the host posted on vring q: its descriptor id, or -1. */
static int fw_take(struct sys *s, unsigned int q)
{
	uint8_t *r = ring(s, q);
	uint16_t id;

	if (__atomic_load_n((uint16_t *)(r + AVAIL_OFF + 2), __ATOMIC_ACQUIRE) == s->last_avail[q])
		return -1;
	id = get_le16(r + AVAIL_OFF + 4 + 2 * (s->last_avail[q] % NUM));
	s->last_avail[q]++;
	return id;
}

static uint32_t desc_addr(struct sys *s, unsigned int q, unsigned int id)
{
	return get_le32(ring(s, q) + 16 * id);
}

static uint32_t desc_len(struct sys *s, unsigned int q, unsigned int id)
{
	return get_le32(ring(s, q) + 16 * id + 8);
}

/* Hand descriptor id back with len written (no kick). */
static void fw_give(struct sys *s, unsigned int q, uint32_t id, uint32_t len)
{
	uint8_t *r = ring(s, q);
	uint8_t *e = r + USED_OFF + 4 + 8 * (s->used_idx[q] % NUM);

	put_le32(e, id);
	put_le32(e + 4, len);
	s->used_idx[q]++;
	__atomic_store_n((uint16_t *)(r + USED_OFF + 2), s->used_idx[q], __ATOMIC_RELEASE);
}

static void fw_kick(struct sys *s, int notifyid)
{
	rproc_vq_interrupt(s->d->rproc, notifyid);
}

/* Write raw bytes into the next rx buffer, hand it back with used_len, kick vring0. */
static void fw_send_raw(struct sys *s, const void *bytes, size_t n, uint32_t used_len)
{
	int id = fw_take(s, 0);

	assert_true(id >= 0);
	memcpy(dbl_va(s->d, desc_addr(s, 0, (unsigned int)id)), bytes, n);
	fw_give(s, 0, (uint32_t)id, used_len);
	fw_kick(s, 0);
}

static void fw_send(struct sys *s, uint32_t src, uint32_t dst, const void *data, uint16_t len)
{
	uint8_t msg[RPMSG_BUF_SIZE];
	size_t n = rpmsg_msg_encode(msg, src, dst, data, len);

	fw_send_raw(s, msg, n, (uint32_t)n);
}

static void fw_announce(struct sys *s, const char *name, uint32_t addr, uint32_t flags)
{
	uint8_t ns[RPMSG_NS_SIZE];

	rpmsg_ns_encode(ns, name, addr, flags);
	fw_send(s, addr, RPMSG_NS_ADDR, ns, sizeof(ns));
}

static size_t channels(struct sys *s)
{
	return virtio_rpmsg_channels(s->rp, NULL, 0);
}

static unsigned long stat_no_ept(struct sys *s)
{
	struct virtio_rpmsg_stats x;

	virtio_rpmsg_get_stats(s->rp, &x);
	return x.rx_no_ept;
}

static unsigned long stat_tx_waits(struct sys *s)
{
	struct virtio_rpmsg_stats x;

	virtio_rpmsg_get_stats(s->rp, &x);
	return x.tx_waits;
}

static enum virtio_rpmsg_state state(struct sys *s)
{
	return virtio_rpmsg_state(s->rp);
}

/* ---- start: Linux's sequence, the exact bytes ---- */

static void test_start_bytes(void **st)
{
	struct sys *s;
	struct tbl t;
	size_t off;
	struct fw_rsc_vdev *v;
	unsigned int i;
	/* desc[0] of vring0: addr 0x10042000 (da), len 512, flags WRITE, next 1 (free list). */
	static const uint8_t desc0[16] = {0x00, 0x20, 0x04, 0x10, 0,	0,    0,    0,
					  0x00, 0x02, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00};

	(void)st;
	/* dfeatures with more than NS offered: only NS is taken (Linux's rpmsg feature table). */
	demo_table(&t, &off);
	((struct fw_rsc_vdev *)(t.buf + off))->dfeatures = 0x30000001u;
	s = sys_new_table(&t);
	sys_boot(s);
	assert_int_equal(virtio_rpmsg_wait_up(s->rp, WAIT_MS), 0);
	v = vdev_rsc(s, off);
	assert_int_equal(v->status, 7);
	assert_int_equal(v->gfeatures, 1);
	assert_int_equal(
		cap_count(&s->log, RPT_LOG_INFO, "status 0x1 -> 0x3 -> 0x7, gfeatures 0x1"), 1);
	/* Receive buffers: the first half of vdev0buffer, 8 posted on vring0. */
	assert_memory_equal(ring(s, 0), desc0, sizeof(desc0));
	for (i = 0; i < NUM; i++) {
		assert_int_equal(desc_addr(s, 0, i), DBL_VBUF_DA + i * RPMSG_BUF_SIZE);
		assert_int_equal(desc_len(s, 0, i), RPMSG_BUF_SIZE);
		assert_int_equal(get_le16(ring(s, 0) + 16 * i + 12), VRING_DESC_F_WRITE);
		assert_int_equal(get_le16(ring(s, 0) + AVAIL_OFF + 4 + 2 * i), i);
	}
	assert_int_equal(avail_idx(s, 0), NUM);
	/* vring1: nothing posted, tx-complete interrupts off (avail.flags NO_INTERRUPT). */
	assert_int_equal(avail_idx(s, 1), 0);
	assert_int_equal(get_le16(ring(s, 1) + AVAIL_OFF), VRING_AVAIL_F_NO_INTERRUPT);
	/* Kicked vring0 after DRIVER_OK. */
	assert_int_equal(s->d->last_kick, 0);
	assert_non_null(strstr(dbl_calls(s->d), "start kick"));
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, ""), 0);
	sys_free(s);
}

/* No NS offered: gfeatures 0, and 0x35 is nobody's address. */
static void test_no_ns_feature(void **st)
{
	struct sys *s;
	struct tbl t;
	size_t off;

	(void)st;
	demo_table(&t, &off);
	((struct fw_rsc_vdev *)(t.buf + off))->dfeatures = 0;
	s = sys_new_table(&t);
	sys_boot(s);
	assert_int_equal(virtio_rpmsg_wait_up(s->rp, WAIT_MS), 0);
	assert_int_equal(vdev_rsc(s, off)->gfeatures, 0);
	fw_announce(s, "rpmsg-tty", FW_ADDR, RPMSG_NS_CREATE);
	WAIT_FOR(stat_no_ept(s) == 1);
	assert_int_equal(channels(s), 0);
	assert_int_equal(state(s), VIRTIO_RPMSG_UP);
	sys_free(s);
}

/* A table without a vdev: no rpmsg at all, nothing logged as an error. */
static void test_no_vdev(void **st)
{
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e;
	struct sys *s;
	struct tbl t;

	(void)st;
	tbl_init(&t, 1);
	tbl_trace(&t, DBL_TRACE_DA, 0x800, "trace0");
	s = sys_new_table(&t);
	sys_boot(s);
	assert_int_equal(rproc_get_state(s->d->rproc), RPROC_RUNNING);
	assert_int_equal(state(s), VIRTIO_RPMSG_DOWN);
	assert_int_equal(virtio_rpmsg_wait_up(s->rp, 10), -ETIMEDOUT);
	e = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, NULL, NULL, &err);
	assert_non_null(e);
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 0, &err), -ENOTCONN);
	rpmsg_destroy_ept(e);
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, ""), 0);
	sys_free(s);
}

/* ---- name service ---- */

static void test_ns_announcement_bytes(void **st)
{
	/* What OpenAMP's rpmsg_send_ns_message writes: header, then name[32], addr, flags. */
	static const uint8_t ns_msg[RPMSG_HDR_SIZE + RPMSG_NS_SIZE] = {
		0x00, 0x04, 0x00, 0x00,				     /* src 0x400 */
		0x35, 0x00, 0x00, 0x00,				     /* dst 0x35 */
		0x00, 0x00, 0x00, 0x00,				     /* reserved */
		0x28, 0x00,					     /* len 40 */
		0x00, 0x00,					     /* flags */
		'r',  'p',  'm',  's',	'g', '-', 't', 't', 'y',  0, /* name */
		0,    0,    0,	  0,	0,   0,	  0,   0,   0,	  0,	0,    0,    0, 0,
		0,    0,    0,	  0,	0,   0,	  0,   0,   0x00, 0x04, 0x00, 0x00, /* addr 0x400 */
		0x00, 0x00, 0x00, 0x00, /* flags: create */
	};
	struct rpmsg_channel_info ch[2];
	uint8_t enc[RPMSG_HDR_SIZE + RPMSG_NS_SIZE];
	struct sys *s = sys_up();

	(void)st;
	/* Our encoder agrees with the fixed bytes (the fuzzer and the firmware tests use it). */
	rpmsg_ns_encode(enc + RPMSG_HDR_SIZE, "rpmsg-tty", FW_ADDR, RPMSG_NS_CREATE);
	rpmsg_msg_encode(enc, FW_ADDR, RPMSG_NS_ADDR, enc + RPMSG_HDR_SIZE, RPMSG_NS_SIZE);
	assert_memory_equal(enc, ns_msg, sizeof(ns_msg));

	fw_send_raw(s, ns_msg, sizeof(ns_msg), sizeof(ns_msg));
	WAIT_FOR(heard_adds(&s->heard) == 1);
	assert_string_equal(s->heard.last_add.name, "rpmsg-tty");
	assert_int_equal(s->heard.last_add.dst, FW_ADDR);
	assert_int_equal(virtio_rpmsg_channels(s->rp, ch, 2), 1);
	assert_string_equal(ch[0].name, "rpmsg-tty");
	/* The buffer went back to the firmware: desc 0 again, avail.idx 9, and a kick. */
	WAIT_FOR(avail_idx(s, 0) == NUM + 1);
	assert_int_equal(get_le16(ring(s, 0) + AVAIL_OFF + 4 + 2 * (NUM % NUM)), 0);
	assert_int_equal(desc_addr(s, 0, 0), DBL_VBUF_DA);
	assert_int_equal(desc_len(s, 0, 0), RPMSG_BUF_SIZE);

	/* A second channel, then destroy of the first. */
	fw_announce(s, "rpmsg-ping", FW_ADDR + 1, RPMSG_NS_CREATE);
	WAIT_FOR(heard_adds(&s->heard) == 2);
	assert_int_equal(channels(s), 2);
	fw_announce(s, "rpmsg-tty", FW_ADDR, RPMSG_NS_DESTROY);
	WAIT_FOR(heard_removes(&s->heard) == 1);
	assert_string_equal(s->heard.last_remove.name, "rpmsg-tty");
	assert_int_equal(virtio_rpmsg_channels(s->rp, ch, 2), 1);
	assert_string_equal(ch[0].name, "rpmsg-ping");
	/* Duplicates and unknown destroys are warnings, not violations (Linux). */
	fw_announce(s, "rpmsg-ping", FW_ADDR + 1, RPMSG_NS_CREATE);
	fw_announce(s, "nothing", 0x999, RPMSG_NS_DESTROY);
	WAIT_FOR(cap_count(&s->log, RPT_LOG_WARN, "ignored") == 2);
	assert_int_equal(channels(s), 1);
	assert_int_equal(state(s), VIRTIO_RPMSG_UP);
	sys_free(s);
}

/* A listener set late hears of the channels that exist. */
static void test_listener_late(void **st)
{
	struct heard h = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct sys *s = sys_up();

	(void)st;
	fw_announce(s, "rpmsg-tty", FW_ADDR, RPMSG_NS_CREATE);
	WAIT_FOR(heard_adds(&s->heard) == 1);
	virtio_rpmsg_set_listener(s->rp, &listener, &h);
	assert_int_equal(h.adds, 1);
	assert_string_equal(h.last_add.name, "rpmsg-tty");
	sys_free(s);
	assert_int_equal(h.removes, 1); /* the stop at rproc_del */
}

/* ---- endpoints and messages ---- */

static void test_send_bytes(void **st)
{
	static const uint8_t hello[RPMSG_HDR_SIZE + 5] = {
		0x00, 0x04, 0x00, 0x00, /* src: our endpoint 0x400 */
		0x01, 0x04, 0x00, 0x00, /* dst: the firmware's 0x401 */
		0x00, 0x00, 0x00, 0x00, /* reserved */
		0x05, 0x00, 0x00, 0x00, /* len 5, flags 0 */
		'h',  'e',  'l',  'l',	'o',
	};
	/* vring1 desc[0]: the first transmit buffer (second half: 0x10042000 + 8 * 512). */
	static const uint8_t desc0[16] = {0x00, 0x30, 0x04, 0x10, 0,	0,    0,    0,
					  0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00};
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e;
	struct virtio_rpmsg_stats x;
	struct sys *s = sys_up();
	int id;

	(void)st;
	e = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, NULL, NULL, &err);
	assert_non_null(e);
	assert_int_equal(rpmsg_ept_addr(e), 0x400);
	dbl_clear(s->d);
	assert_int_equal(rpmsg_sendto(e, FW_ADDR + 1, "hello", 5, 0, &err), 0);
	assert_memory_equal(ring(s, 1), desc0, sizeof(desc0));
	assert_int_equal(avail_idx(s, 1), 1);
	id = fw_take(s, 1);
	assert_int_equal(id, 0);
	assert_memory_equal(dbl_va(s->d, desc_addr(s, 1, 0)), hello, sizeof(hello));
	assert_int_equal(s->d->last_kick, 1);
	assert_string_equal(dbl_calls(s->d), "kick");
	virtio_rpmsg_get_stats(s->rp, &x);
	assert_int_equal(x.tx, 1);
	/* Too long: refused before anything is written. */
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, hello, RPMSG_MAX_PAYLOAD + 1, 0, &err),
			 -EMSGSIZE);
	assert_int_equal(avail_idx(s, 1), 1);
	/* The longest fits. */
	{
		uint8_t big[RPMSG_MAX_PAYLOAD];

		memset(big, 0x5A, sizeof(big));
		assert_int_equal(rpmsg_sendto(e, FW_ADDR, big, sizeof(big), 0, &err), 0);
		assert_int_equal(desc_len(s, 1, 1), RPMSG_BUF_SIZE);
	}
	rpmsg_destroy_ept(e);
	sys_free(s);
}

static void test_endpoints(void **st)
{
	struct rpt_error err = {0};
	struct rpmsg_endpoint *a, *b, *c;
	struct sys *s = sys_up();

	(void)st;
	assert_null(rpmsg_create_ept(s->rp, 0x35, NULL, NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	a = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, NULL, NULL, &err);
	b = rpmsg_create_ept(s->rp, 0x402, NULL, NULL, &err);
	c = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, NULL, NULL, &err);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(rpmsg_ept_addr(a), 0x400);
	assert_int_equal(rpmsg_ept_addr(c), 0x401);
	assert_null(rpmsg_create_ept(s->rp, 0x402, NULL, NULL, &err));
	assert_int_equal(err.code, -EADDRINUSE);
	rpmsg_destroy_ept(a);
	a = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, NULL, NULL, &err);
	assert_int_equal(rpmsg_ept_addr(a), 0x400);
	rpmsg_destroy_ept(a);
	rpmsg_destroy_ept(b);
	rpmsg_destroy_ept(c);
	sys_free(s);
}

static void test_receive(void **st)
{
	struct inbox box = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e;
	struct virtio_rpmsg_stats x;
	struct sys *s = sys_up();
	unsigned int i;

	(void)st;
	e = rpmsg_create_ept(s->rp, 0x500, inbox_cb, &box, &err);
	assert_non_null(e);
	/* More messages than buffers: each one is posted again after reading. */
	for (i = 0; i < 3 * NUM; i++) {
		char m[16];
		int n = snprintf(m, sizeof(m), "msg %u", i);

		WAIT_FOR(avail_idx(s, 0) != s->last_avail[0]);
		fw_send(s, FW_ADDR, 0x500, m, (uint16_t)n);
		WAIT_FOR(inbox_count(&box) == i + 1);
		assert_int_equal(box.len, (size_t)n);
		assert_memory_equal(box.data, m, (size_t)n);
		assert_int_equal(box.src, FW_ADDR);
	}
	/* Nobody at 0x501: counted and logged, the device goes on. */
	fw_send(s, FW_ADDR, 0x501, "x", 1);
	WAIT_FOR(stat_no_ept(s) == 1);
	virtio_rpmsg_get_stats(s->rp, &x);
	assert_int_equal(x.rx, 3 * NUM);
	assert_true(x.kicks_in >= 3 * NUM);
	assert_int_equal(cap_count(&s->log, RPT_LOG_WARN, "to 0x501 (1 bytes) has no recipient"),
			 1);
	/* An empty message is a message. */
	WAIT_FOR(avail_idx(s, 0) != s->last_avail[0]);
	fw_send(s, FW_ADDR, 0x500, NULL, 0);
	WAIT_FOR(inbox_count(&box) == 3 * NUM + 1);
	assert_int_equal(box.len, 0);
	assert_int_equal(state(s), VIRTIO_RPMSG_UP);
	rpmsg_destroy_ept(e);
	sys_free(s);
}

/* ---- where messages are delivered ---- */

/* An endpoint that notes the thread its callback ran on. */
struct where {
	pthread_mutex_t lock;
	unsigned int n;	   /* callbacks so far */
	pthread_t thread;  /* the last one's thread */
	unsigned int adds; /* channel_add calls seen before the last callback */
	struct gate *gate; /* the listener, for adds */
};

/* A listener whose channel_add waits until opened (or GATE_MS passed). */
#define GATE_MS 5000u
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool open;	   /* channel_add may return */
	bool timed_out;	   /* it returned because GATE_MS passed */
	unsigned int adds; /* channel_add calls that returned */
	pthread_t thread;  /* the last one's thread */
};

static void gate_add(void *priv, const struct rpmsg_channel_info *ch)
{
	struct gate *g = priv;
	struct timespec until;
	int ret = 0;

	(void)ch;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += GATE_MS / 1000;
	pthread_mutex_lock(&g->lock);
	while (!g->open && ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&g->cond, &g->lock, &until);
	g->timed_out |= !g->open;
	g->thread = pthread_self();
	g->adds++;
	pthread_mutex_unlock(&g->lock);
}

static const struct virtio_rpmsg_listener gate_listener = {.channel_add = gate_add};

static unsigned int gate_adds(struct gate *g)
{
	unsigned int n;

	pthread_mutex_lock(&g->lock);
	n = g->adds;
	pthread_mutex_unlock(&g->lock);
	return n;
}

static void where_cb(void *priv, const void *data, size_t len, uint32_t src)
{
	struct where *w = priv;

	(void)data;
	(void)len;
	(void)src;
	pthread_mutex_lock(&w->lock);
	w->n++;
	w->thread = pthread_self();
	w->adds = gate_adds(w->gate);
	pthread_mutex_unlock(&w->lock);
}

static unsigned int where_count(struct where *w)
{
	unsigned int n;

	pthread_mutex_lock(&w->lock);
	n = w->n;
	pthread_mutex_unlock(&w->lock);
	return n;
}

/*
 * Send until one message is delivered inside the kick (the receive thread
 * may still be finishing a drain of its own when we kick: then it delivers,
 * and we try again once it did): true when one was, within 50 tries.
 */
static bool send_until_inline(struct sys *s, struct where *w)
{
	unsigned int before, i;

	for (i = 0; i < 50; i++) {
		before = where_count(w);
		fw_send(s, FW_ADDR, 0x500, "now", 3);
		if (where_count(w) == before + 1 && pthread_equal(w->thread, pthread_self()))
			return true;
		WAIT_FOR(where_count(w) == before + 1);
		sleep_ms(10);
	}
	return false;
}

/*
 * A message reaches its endpoint in the kick's own context, before the kick
 * returns (Linux: vring_interrupt in the mailbox's interrupt path). An
 * announcement goes to the receive thread: a kick never waits for the
 * listener, and a message that follows an announcement still comes after
 * it, on the thread that heard it.
 */
static void test_delivery_contexts(void **st)
{
	struct gate g = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	struct where w = {.lock = PTHREAD_MUTEX_INITIALIZER, .gate = &g};
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e;
	struct sys *s = sys_up();
	unsigned int delivered;

	(void)st;
	virtio_rpmsg_set_listener(s->rp, &gate_listener, &g);
	e = rpmsg_create_ept(s->rp, 0x500, where_cb, &w, &err);
	assert_non_null(e);

	assert_true(send_until_inline(s, &w)); /* no waiting: it ran inside fw_kick */
	delivered = where_count(&w);

	/* The announcement blocks the receive thread in channel_add... */
	fw_announce(s, "rpmsg-gate", FW_ADDR, RPMSG_NS_CREATE);
	/* ...and the next message may not overtake it, nor make the kick wait. */
	fw_send(s, FW_ADDR, 0x500, "after", 5);
	sleep_ms(50);
	assert_int_equal(where_count(&w), delivered);
	pthread_mutex_lock(&g.lock);
	assert_false(g.timed_out); /* neither kick waited for the listener */
	g.open = true;
	pthread_cond_broadcast(&g.cond);
	pthread_mutex_unlock(&g.lock);
	WAIT_FOR(where_count(&w) == delivered + 1);
	assert_int_equal(w.adds, 1); /* the listener heard of the channel first */
	assert_false(pthread_equal(w.thread, pthread_self()));
	assert_true(pthread_equal(w.thread, g.thread)); /* both on the receive thread */
	assert_int_equal(channels(s), 1);

	/* With the thread idle again, delivery is back in the kick. */
	assert_true(send_until_inline(s, &w));
	assert_false(g.timed_out);
	rpmsg_destroy_ept(e);
	sys_free(s);
}

/* ---- no free transmit buffer ---- */

struct sender {
	struct rpmsg_endpoint *e;
	unsigned int timeout_ms;
	int ret;
	struct rpt_error err;
};

static void *send_thread(void *arg)
{
	struct sender *x = arg;

	x->ret = rpmsg_sendto(x->e, FW_ADDR, "late", 4, x->timeout_ms, &x->err);
	return NULL;
}

static void test_send_no_free_buffer(void **st)
{
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e;
	struct virtio_rpmsg_stats x;
	struct sender snd;
	pthread_t th;
	struct sys *s = sys_up();
	unsigned int i;
	int id;

	(void)st;
	e = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, NULL, NULL, &err);
	for (i = 0; i < NUM; i++) {
		uint8_t b = (uint8_t)i;

		assert_int_equal(rpmsg_sendto(e, FW_ADDR, &b, 1, 0, &err), 0);
	}
	/* The firmware consumed none: no buffer, a clear error after the timeout. */
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 0, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "no free transmit buffer"));
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 30, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "no free transmit buffer"));
	virtio_rpmsg_get_stats(s->rp, &x);
	assert_int_equal(x.tx, NUM);
	assert_int_equal(x.tx_waits, 1);
	/* Nothing dropped: every message is in the ring, in order. */
	assert_int_equal(avail_idx(s, 1), NUM);
	for (i = 0; i < NUM; i++) {
		id = fw_take(s, 1);
		assert_true(id >= 0);
		assert_int_equal(*(dbl_va(s->d, desc_addr(s, 1, (unsigned int)id)) + 16), i);
	}
	/* A sender that waits gets the buffer the firmware hands back (no kick needed). */
	snd = (struct sender){.e = e, .timeout_ms = WAIT_MS, .ret = 1};
	assert_int_equal(pthread_create(&th, NULL, send_thread, &snd), 0);
	WAIT_FOR(stat_tx_waits(s) == 2);
	/* Waiting, it asked for vring1 kicks (Linux upref_sleepers: avail.flags 0). */
	assert_int_equal(get_le16(ring(s, 1) + AVAIL_OFF), 0);
	fw_give(s, 1, 3, 0);
	pthread_join(th, NULL);
	assert_int_equal(snd.ret, 0);
	/* Done waiting: off again. */
	assert_int_equal(get_le16(ring(s, 1) + AVAIL_OFF), VRING_AVAIL_F_NO_INTERRUPT);
	assert_int_equal(avail_idx(s, 1), NUM + 1);
	id = fw_take(s, 1);
	assert_int_equal(id, 3);
	assert_memory_equal(dbl_va(s->d, desc_addr(s, 1, 3)) + 16, "late", 4);
	/* A waiting sender is woken by a stop: -ENOTCONN, not the timeout. */
	snd = (struct sender){.e = e, .timeout_ms = WAIT_MS, .ret = 1};
	assert_int_equal(pthread_create(&th, NULL, send_thread, &snd), 0);
	WAIT_FOR(stat_tx_waits(s) == 3);
	assert_int_equal(rproc_shutdown(s->d->rproc), 0);
	pthread_join(th, NULL);
	assert_int_equal(snd.ret, -ENOTCONN);
	rpmsg_destroy_ept(e);
	sys_free(s);
}

/* ---- stop, crash, restart ---- */

static void test_stop_crash_restart(void **st)
{
	struct inbox box = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e;
	struct sys *s;
	struct tbl t;
	size_t off;

	(void)st;
	demo_table(&t, &off);
	s = sys_new_table(&t);
	sys_boot(s);
	assert_int_equal(virtio_rpmsg_wait_up(s->rp, WAIT_MS), 0);
	e = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, inbox_cb, &box, &err);
	fw_announce(s, "rpmsg-tty", FW_ADDR, RPMSG_NS_CREATE);
	WAIT_FOR(channels(s) == 1);

	/* Stop: channels removed (listener), status reset to 0 in the table, sends refused. */
	assert_int_equal(rproc_shutdown(s->d->rproc), 0);
	assert_int_equal(heard_removes(&s->heard), 1);
	assert_int_equal(channels(s), 0);
	assert_int_equal(vdev_rsc(s, off)->status, 0);
	assert_int_equal(state(s), VIRTIO_RPMSG_DOWN);
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 0, &err), -ENOTCONN);

	/* Start again: afresh (the new firmware announces again); the endpoint is still ours. */
	sys_boot(s);
	assert_int_equal(virtio_rpmsg_wait_up(s->rp, WAIT_MS), 0);
	assert_int_equal(vdev_rsc(s, off)->status, 7);
	assert_int_equal(avail_idx(s, 0), NUM);
	assert_int_equal(channels(s), 0);
	fw_announce(s, "rpmsg-tty", FW_ADDR, RPMSG_NS_CREATE);
	WAIT_FOR(channels(s) == 1);
	fw_send(s, FW_ADDR, rpmsg_ept_addr(e), "again", 5);
	WAIT_FOR(inbox_count(&box) == 1);
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 0, &err), 0);

	/* Crash: recovery stops (crashed) then starts; channels go and come back. */
	rproc_report_crash(s->d->rproc, RPROC_WATCHDOG);
	rproc_flush_crash_work(s->d->rproc);
	assert_int_equal(rproc_get_state(s->d->rproc), RPROC_RUNNING);
	assert_int_equal(heard_removes(&s->heard), 2);
	assert_int_equal(channels(s), 0);
	assert_int_equal(state(s), VIRTIO_RPMSG_UP);
	fw_reset(s);
	assert_int_equal(avail_idx(s, 1), 0); /* fresh rings: what was in flight is gone */
	fw_announce(s, "rpmsg-tty", FW_ADDR, RPMSG_NS_CREATE);
	WAIT_FOR(channels(s) == 1);
	assert_int_equal(heard_adds(&s->heard), 3);
	rpmsg_destroy_ept(e);
	rproc_del(s->d->rproc); /* stops it: the channel goes */
	assert_int_equal(heard_removes(&s->heard), 3);
	sys_free(s);
}

/* ---- hostile firmware ---- */

/*
 * Each case: a device UP with a channel and an endpoint, and a second system
 * beside it; the hostile write breaks the first with exactly one error line
 * naming the field, its channel goes, sends fail with -EIO; the second goes on.
 */
typedef void (*hostile_fn)(struct sys *s);

static void hostile_case(hostile_fn fn, const char *field)
{
	struct inbox box = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e, *e2;
	char why[RPT_ERROR_MSG_MAX];
	struct sys *s = sys_up(), *other = sys_up();

	e = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, NULL, NULL, &err);
	e2 = rpmsg_create_ept(other->rp, RPMSG_ADDR_ANY, inbox_cb, &box, &err);
	fw_announce(s, "rpmsg-tty", FW_ADDR, RPMSG_NS_CREATE);
	fw_announce(other, "rpmsg-tty", FW_ADDR, RPMSG_NS_CREATE);
	WAIT_FOR(channels(s) == 1 && channels(other) == 1);

	fn(s);
	WAIT_FOR(state(s) == VIRTIO_RPMSG_BROKEN);
	WAIT_FOR(heard_removes(&s->heard) == 1);
	assert_int_equal(channels(s), 0);
	virtio_rpmsg_broken_reason(s->rp, why, sizeof(why));
	if (!strstr(why, field))
		fail_msg("reason \"%s\" does not name \"%s\"", why, field);
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, ""), 1);
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, field), 1);
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, "remoteproc"), 1);
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 0, &err), -EIO);
	assert_non_null(strstr(err.msg, field));
	assert_int_equal(virtio_rpmsg_wait_up(s->rp, 10), -EIO);
	/* More of the same is not logged again. */
	fw_kick(s, 0);
	fw_kick(s, 1);
	sleep_ms(20);
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, ""), 1);
	/* The processor itself runs on; the other system is untouched. */
	assert_int_equal(rproc_get_state(s->d->rproc), RPROC_RUNNING);
	assert_int_equal(state(other), VIRTIO_RPMSG_UP);
	assert_int_equal(channels(other), 1);
	fw_send(other, FW_ADDR, rpmsg_ept_addr(e2), "fine", 4);
	WAIT_FOR(inbox_count(&box) == 1);
	assert_int_equal(rpmsg_sendto(e2, FW_ADDR, "y", 1, 0, &err), 0);
	assert_int_equal(cap_count(&other->log, RPT_LOG_ERR, ""), 0);

	/* A restart starts afresh. */
	assert_int_equal(rproc_shutdown(s->d->rproc), 0);
	sys_boot(s);
	assert_int_equal(virtio_rpmsg_wait_up(s->rp, WAIT_MS), 0);
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 0, &err), 0);

	rpmsg_destroy_ept(e);
	rpmsg_destroy_ept(e2);
	sys_free(s);
	sys_free(other);
}

static void h_used_idx_jump(struct sys *s)
{
	uint8_t *r = ring(s, 0);

	__atomic_store_n((uint16_t *)(r + USED_OFF + 2), (uint16_t)(s->used_idx[0] + NUM + 1),
			 __ATOMIC_RELEASE);
	fw_kick(s, 0);
}

static void h_used_id_range(struct sys *s)
{
	(void)fw_take(s, 0);
	fw_give(s, 0, 99, 16);
	fw_kick(s, 0);
}

static void h_used_len(struct sys *s)
{
	int id = fw_take(s, 0);

	fw_give(s, 0, (uint32_t)id, RPMSG_BUF_SIZE + 1);
	fw_kick(s, 0);
}

static void h_desc_changed(struct sys *s)
{
	int id = fw_take(s, 0);

	put_le32(ring(s, 0) + 16 * id, DBL_TABLE_DA); /* point our buffer elsewhere */
	fw_give(s, 0, (uint32_t)id, 16);
	fw_kick(s, 0);
}

static void h_short_used_len(struct sys *s)
{
	uint8_t msg[RPMSG_HDR_SIZE];

	rpmsg_msg_encode(msg, FW_ADDR, 0x400, NULL, 0);
	fw_send_raw(s, msg, sizeof(msg), RPMSG_HDR_SIZE - 1);
}

static void h_msg_longer_than_written(struct sys *s)
{
	uint8_t msg[RPMSG_HDR_SIZE + 10];

	rpmsg_msg_encode(msg, FW_ADDR, 0x400, "0123456789", 10);
	put_le16(msg + 12, 100); /* says 100, 10 written */
	fw_send_raw(s, msg, sizeof(msg), sizeof(msg));
}

static void h_msg_longer_than_buffer(struct sys *s)
{
	uint8_t msg[RPMSG_HDR_SIZE];

	rpmsg_msg_encode(msg, FW_ADDR, 0x400, NULL, 0);
	put_le16(msg + 12, 0xFFFF);
	fw_send_raw(s, msg, sizeof(msg), RPMSG_BUF_SIZE);
}

static void h_ns_no_nul(struct sys *s)
{
	uint8_t ns[RPMSG_NS_SIZE];

	rpmsg_ns_encode(ns, "x", 0x777, RPMSG_NS_CREATE);
	memset(ns, 'A', RPMSG_NAME_SIZE);
	fw_send(s, 0x777, RPMSG_NS_ADDR, ns, sizeof(ns));
}

static void h_ns_size(struct sys *s)
{
	uint8_t ns[RPMSG_NS_SIZE];

	rpmsg_ns_encode(ns, "short", 0x777, RPMSG_NS_CREATE);
	fw_send(s, 0x777, RPMSG_NS_ADDR, ns, RPMSG_NS_SIZE - 4);
}

static void h_ns_flags(struct sys *s)
{
	uint8_t ns[RPMSG_NS_SIZE];

	rpmsg_ns_encode(ns, "weird", 0x777, 2);
	fw_send(s, 0x777, RPMSG_NS_ADDR, ns, sizeof(ns));
}

/* The device writes the driver's status byte: NEEDS_RESET (virtio 1.0's "I am broken"). */
static void h_status(struct sys *s)
{
	/* The demo table: carveout, trace, vdev; the vdev body's status is at offset 20. */
	struct resource_table *rt = (struct resource_table *)dbl_loaded_table(s->d);
	uint8_t *vdev = dbl_loaded_table(s->d) + rt->offset[2] + 4;

	vdev[offsetof(struct fw_rsc_vdev, status)] |= 0x40;
	fw_kick(s, 0);
}

static void h_tx_used_id(struct sys *s)
{
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e = rpmsg_create_ept(s->rp, 0x600, NULL, NULL, &err);

	/* vring1: one message sent (desc 0), then a buffer that never was handed back. */
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 0, &err), 0);
	fw_give(s, 1, 5, 0);
	fw_kick(s, 1);
	rpmsg_destroy_ept(e);
}

static void test_hostile_used_idx(void **st)
{
	(void)st;
	hostile_case(h_used_idx_jump, "used.idx");
}

static void test_hostile_used_id(void **st)
{
	(void)st;
	hostile_case(h_used_id_range, "vdev0vring0: used.ring[1].id 99 >= num 8");
}

static void test_hostile_used_len(void **st)
{
	(void)st;
	hostile_case(h_used_len, "vdev0vring0: used.ring[1].len 513 > posted length 512");
}

static void test_hostile_desc_changed(void **st)
{
	(void)st;
	hostile_case(h_desc_changed, "vdev0vring0: desc[1].addr 0x10000000 changed by the device");
}

static void test_hostile_short_message(void **st)
{
	(void)st;
	hostile_case(h_short_used_len, "used len 15 shorter than a message header");
}

static void test_hostile_len_vs_used(void **st)
{
	(void)st;
	hostile_case(h_msg_longer_than_written, "message len 100 longer than the 10 bytes");
}

static void test_hostile_len_vs_buffer(void **st)
{
	(void)st;
	hostile_case(h_msg_longer_than_buffer, "message len 65535 longer than its buffer");
}

static void test_hostile_ns_name(void **st)
{
	(void)st;
	hostile_case(h_ns_no_nul, "name-service name has no NUL");
}

static void test_hostile_ns_size(void **st)
{
	(void)st;
	hostile_case(h_ns_size, "name-service message len 36");
}

static void test_hostile_ns_flags(void **st)
{
	(void)st;
	hostile_case(h_ns_flags, "name-service flags 0x2");
}

static void test_hostile_status(void **st)
{
	(void)st;
	hostile_case(h_status, "vdev0 status 0x47: the firmware set NEEDS_RESET");
}

static void test_hostile_tx_used(void **st)
{
	(void)st;
	hostile_case(h_tx_used_id, "vdev0vring1: used.ring[0].id 5 was not posted");
}

/* The vdev itself is nonsense: broken at start (status FAILED), the processor runs. */
static void vdev_nonsense(uint32_t num, const char *field)
{
	struct rpt_error err = {0};
	struct rpmsg_endpoint *e;
	char why[RPT_ERROR_MSG_MAX];
	struct sys *s, *other;
	struct tbl t;
	size_t off;

	demo_table(&t, &off);
	((struct fw_rsc_vdev *)(t.buf + off))->vring[0].num = num;
	((struct fw_rsc_vdev *)(t.buf + off))->vring[1].num = num;
	s = sys_new_table(&t);
	other = sys_up();
	sys_boot(s);
	assert_int_equal(rproc_get_state(s->d->rproc), RPROC_RUNNING);
	assert_int_equal(state(s), VIRTIO_RPMSG_BROKEN);
	assert_int_equal(vdev_rsc(s, off)->status, 0x83);
	virtio_rpmsg_broken_reason(s->rp, why, sizeof(why));
	if (!strstr(why, field))
		fail_msg("reason \"%s\" does not name \"%s\"", why, field);
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, ""), 1);
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, field), 1);
	e = rpmsg_create_ept(s->rp, RPMSG_ADDR_ANY, NULL, NULL, &err);
	assert_int_equal(rpmsg_sendto(e, FW_ADDR, "x", 1, 0, &err), -EIO);
	rpmsg_destroy_ept(e);
	assert_int_equal(state(other), VIRTIO_RPMSG_UP);
	sys_free(s);
	sys_free(other);
}

static void test_hostile_vring_num(void **st)
{
	(void)st;
	vdev_nonsense(6, "vdev0vring0: num 6 is not a power of two");
}

static void test_hostile_buffer_too_small(void **st)
{
	(void)st;
	/* 32 entries: 64 buffers of 512 bytes need 32 KiB, vdev0buffer has 16. */
	vdev_nonsense(32, "vdev0buffer: 0x4000 bytes, 64 buffers of 512 need 0x8000");
}

/* A vdev with one vring: rpmsg needs two (Linux: find_vqs fails). */
static void test_hostile_one_vring(void **st)
{
	static const uint32_t any[1] = {FW_RSC_ADDR_ANY};
	char why[RPT_ERROR_MSG_MAX];
	struct sys *s;
	struct tbl t;
	size_t off;

	(void)st;
	tbl_init(&t, 2);
	tbl_carveout(&t, DBL_VBUF_DA, 0x4000, "vdev0buffer");
	off = tbl_vdev(&t, 1, any, NUM, ALIGN);
	s = sys_new_table(&t);
	sys_boot(s);
	assert_int_equal(rproc_get_state(s->d->rproc), RPROC_RUNNING);
	assert_int_equal(state(s), VIRTIO_RPMSG_BROKEN);
	assert_int_equal(vdev_rsc(s, off)->status, 0x83);
	virtio_rpmsg_broken_reason(s->rp, why, sizeof(why));
	assert_string_equal(why, "num_of_vrings 1: rpmsg needs 2");
	assert_int_equal(cap_count(&s->log, RPT_LOG_ERR, ""), 1);
	sys_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_bytes),
		cmocka_unit_test(test_no_ns_feature),
		cmocka_unit_test(test_no_vdev),
		cmocka_unit_test(test_ns_announcement_bytes),
		cmocka_unit_test(test_listener_late),
		cmocka_unit_test(test_send_bytes),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_receive),
		cmocka_unit_test(test_delivery_contexts),
		cmocka_unit_test(test_send_no_free_buffer),
		cmocka_unit_test(test_stop_crash_restart),
		cmocka_unit_test(test_hostile_used_idx),
		cmocka_unit_test(test_hostile_used_id),
		cmocka_unit_test(test_hostile_used_len),
		cmocka_unit_test(test_hostile_desc_changed),
		cmocka_unit_test(test_hostile_short_message),
		cmocka_unit_test(test_hostile_len_vs_used),
		cmocka_unit_test(test_hostile_len_vs_buffer),
		cmocka_unit_test(test_hostile_ns_name),
		cmocka_unit_test(test_hostile_ns_size),
		cmocka_unit_test(test_hostile_ns_flags),
		cmocka_unit_test(test_hostile_status),
		cmocka_unit_test(test_hostile_tx_used),
		cmocka_unit_test(test_hostile_vring_num),
		cmocka_unit_test(test_hostile_buffer_too_small),
		cmocka_unit_test(test_hostile_one_vring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
