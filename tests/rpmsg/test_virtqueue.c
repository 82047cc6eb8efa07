// SPDX-License-Identifier: BSD-2-Clause
/*
 * The driver side of a split virtqueue (src/normal/rpmsg/virtqueue.c).
 *
 * The ring bytes after posting are compared with literal bytes written out
 * by hand from the legacy layout (what Linux's virtqueue_add_split() leaves
 * in memory: one descriptor per buffer from the free list 0, 1, 2, ..., next
 * set to the free list's next even without NEXT, avail entry then avail.idx),
 * not only round trips. Then the device's side is played by hand: used
 * entries written into the ring, and every hostile write the firmware could
 * make, each refused with a reason naming the field and the queue.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "normal/rpmsg/virtqueue.h"
#include "testutil.h"

#define LE16(v) (uint8_t)((v)&0xffu), (uint8_t)(((v) >> 8) & 0xffu)
#define LE32(v) LE16((v)&0xffffu), LE16(((v) >> 16) & 0xffffu)
/* One descriptor: addr u64, len u32, flags u16, next u16. */
#define DESC(addr, len, flags, next) LE32(addr), LE32(0), LE32(len), LE16(flags), LE16(next)
#define Z16			     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0

/* The small queue of the fixed-byte tests: num 4, align 16 (118 bytes). */
#define SMALL_NUM	 4u
#define SMALL_ALIGN	 16u
#define SMALL_AVAIL_OFF	 64u /* 4 descriptors */
#define SMALL_USED_OFF	 80u /* align_up(64 + 2 * (3 + 4), 16) */
#define SMALL_RING_BYTES 118u

/* The queue of the behaviour tests: num 16, align 16. */
#define NUM	 16u
#define ALIGN	 16u
#define USED_OFF 304u /* align_up(256 + 2 * (3 + 16), 16) */
#define RING_LEN 438u /* 304 + 6 + 16 * 8 */

#define BUF_DA(i) (0x10040000u + 512u * (uint32_t)(i))

struct fixture {
	uint8_t ring[1024] __attribute__((aligned(16))); /* the shared ring memory */
	struct virtqueue vq;				 /* the host's queue over it */
	uint16_t dev_used_idx;				 /* the device's used.idx */
	int tokens[NUM];				 /* the addresses are the tokens */
};

static struct fixture *setup_vq(uint32_t num, uint32_t align)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rpt_error err = {0};

	assert_non_null(f);
	memset(f->ring, 0xaa, sizeof(f->ring)); /* init must clear what it uses */
	assert_int_equal(virtqueue_init(&f->vq, "vdev0vring0", f->ring,
					virtqueue_ring_bytes(num, align), num, align, &err),
			 0);
	return f;
}

static void teardown_vq(struct fixture *f)
{
	virtqueue_fini(&f->vq);
	free(f);
}

/* The device hands back descriptor id with len bytes written (used.ring then used.idx). */
static void dev_use(struct fixture *f, size_t used_off, uint32_t num, uint32_t id, uint32_t len)
{
	uint8_t *e = f->ring + used_off + 4 + 8u * (f->dev_used_idx & (num - 1u));

	put_le32(e, id);
	put_le32(e + 4, len);
	f->dev_used_idx++;
	f->ring[used_off + 2] = (uint8_t)f->dev_used_idx;
	f->ring[used_off + 3] = (uint8_t)(f->dev_used_idx >> 8);
}

static void post_rx(struct fixture *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		assert_int_equal(virtqueue_add(&f->vq, BUF_DA(i), 512, true, &f->tokens[i]), 0);
}

/* ---- layout ---- */

static void test_ring_bytes(void **state)
{
	(void)state;
	/* Linux's vring_size(). */
	assert_int_equal(virtqueue_ring_bytes(4, 16), 118);
	assert_int_equal(virtqueue_ring_bytes(16, 16), 438);
	assert_int_equal(virtqueue_ring_bytes(256, 4096), 8192 + 6 + 256 * 8);
	assert_int_equal(virtqueue_ring_bytes(1, 1), 16 + 8 + 6 + 8);
	assert_int_equal(virtqueue_ring_bytes(1024, 0x80000000u), 0x80000000u + 6 + 1024 * 8);
	/* Not powers of two, or too large: no size. */
	assert_int_equal(virtqueue_ring_bytes(0, 16), 0);
	assert_int_equal(virtqueue_ring_bytes(12, 16), 0);
	assert_int_equal(virtqueue_ring_bytes(2048, 16), 0);
	assert_int_equal(virtqueue_ring_bytes(16, 0), 0);
	assert_int_equal(virtqueue_ring_bytes(16, 24), 0);
}

static void test_init_rejects(void **state)
{
	static uint8_t ring[1024];
	struct virtqueue vq;
	struct rpt_error err = {0};

	(void)state;
	assert_int_equal(virtqueue_init(&vq, "vdev0vring1", ring, sizeof(ring), 12, 16, &err),
			 -EINVAL);
	assert_string_equal(err.msg, "vdev0vring1: num 12 is not a power of two <= 1024");
	assert_int_equal(virtqueue_init(&vq, "vdev0vring1", ring, sizeof(ring), 0, 16, &err),
			 -EINVAL);
	assert_int_equal(virtqueue_init(&vq, "vdev0vring1", ring, sizeof(ring), 2048, 16, &err),
			 -EINVAL);
	assert_int_equal(virtqueue_init(&vq, "vdev0vring1", ring, sizeof(ring), 16, 48, &err),
			 -EINVAL);
	assert_string_equal(err.msg, "vdev0vring1: align 48 is not a power of two");
	assert_int_equal(virtqueue_init(&vq, "vdev0vring1", ring, 437, 16, 16, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "vdev0vring1: ring of 437 bytes, 438 needed for num 16 align 16");
	assert_int_equal(virtqueue_init(&vq, "vdev0vring1", NULL, 4096, 16, 16, &err), -EINVAL);
	/* Nothing half set up: no descriptor to post, fini harmless. */
	assert_int_equal(virtqueue_num_free(&vq), 0);
	assert_int_equal(virtqueue_add(&vq, 0x1000, 512, true, NULL), -EIO);
	virtqueue_fini(&vq);
	virtqueue_fini(&vq);
}

/* ---- the exact bytes a Linux driver writes ---- */

static void test_fixed_bytes_two_rx(void **state)
{
	/* virtio_rpmsg_bus posting its first two receive buffers. */
	static const uint8_t want[SMALL_RING_BYTES] = {
		/* desc[0..3] */
		DESC(0x10040000u, 512, 2, 1),
		DESC(0x10040200u, 512, 2, 2),
		Z16,
		Z16,
		/* avail (64): flags, idx 2, ring 0 1 0 0, used_event */
		LE16(0),
		LE16(2),
		LE16(0),
		LE16(1),
		LE16(0),
		LE16(0),
		LE16(0),
		/* padding to 80 */
		0,
		0,
		/* used (80): flags, idx, 4 elements, avail_event */
		LE16(0),
		LE16(0),
		Z16,
		Z16,
		LE16(0),
	};
	struct fixture *f = setup_vq(SMALL_NUM, SMALL_ALIGN);

	(void)state;
	post_rx(f, 2);
	assert_memory_equal(f->ring, want, sizeof(want));
	/* Not one byte past the ring. */
	assert_int_equal(f->ring[SMALL_RING_BYTES], 0xaa);
	assert_int_equal(virtqueue_num_free(&f->vq), 2);
	teardown_vq(f);
}

static void test_fixed_bytes_full_then_reuse(void **state)
{
	/* All four posted (tx: the device reads, flags 0), the last desc.next 0 as Linux. */
	static const uint8_t want_full[SMALL_USED_OFF] = {
		DESC(0x10040000u, 496, 0, 1),
		DESC(0x10040200u, 497, 0, 2),
		DESC(0x10040400u, 498, 0, 3),
		DESC(0x10040600u, 499, 0, 0),
		LE16(0),
		LE16(4),
		LE16(0),
		LE16(1),
		LE16(2),
		LE16(3),
		LE16(0),
		0,
		0,
	};
	/* Device returns 2 then 0; the next post takes 0 (head of the free list), next 2. */
	static const uint8_t want_reuse[SMALL_USED_OFF] = {
		DESC(0x10041000u, 16, 0, 2),
		DESC(0x10040200u, 497, 0, 2),
		DESC(0x10040400u, 498, 0, 3),
		DESC(0x10040600u, 499, 0, 0),
		LE16(0),
		LE16(5),
		LE16(0),
		LE16(1),
		LE16(2),
		LE16(3),
		LE16(0),
		0,
		0,
	};
	struct fixture *f = setup_vq(SMALL_NUM, SMALL_ALIGN);
	struct rpt_error err = {0};
	uint32_t i, len;
	void *tok;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(virtqueue_add(&f->vq, BUF_DA(i), 496 + i, false, &f->tokens[i]),
				 0);
	assert_memory_equal(f->ring, want_full, sizeof(want_full));
	assert_int_equal(virtqueue_add(&f->vq, 0x10041000u, 16, false, NULL), -ENOSPC);
	assert_memory_equal(f->ring, want_full, sizeof(want_full));

	dev_use(f, SMALL_USED_OFF, SMALL_NUM, 2, 0);
	dev_use(f, SMALL_USED_OFF, SMALL_NUM, 0, 0);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), 1);
	assert_ptr_equal(tok, &f->tokens[2]);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), 1);
	assert_ptr_equal(tok, &f->tokens[0]);
	assert_int_equal(virtqueue_num_free(&f->vq), 2);
	assert_int_equal(virtqueue_add(&f->vq, 0x10041000u, 16, false, NULL), 0);
	assert_memory_equal(f->ring, want_reuse, sizeof(want_reuse));
	teardown_vq(f);
}

/* ---- behaviour ---- */

static void test_get_used_round_trip(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);
	struct rpt_error err = {0};
	uint32_t len = 0, i;
	void *tok = NULL;

	(void)state;
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), 0);
	post_rx(f, 3);
	assert_int_equal(virtqueue_num_free(&f->vq), NUM - 3);
	/* Out of order, as a device may. */
	dev_use(f, USED_OFF, NUM, 1, 40);
	dev_use(f, USED_OFF, NUM, 0, 512);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), 1);
	assert_ptr_equal(tok, &f->tokens[1]);
	assert_int_equal(len, 40);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), 1);
	assert_ptr_equal(tok, &f->tokens[0]);
	assert_int_equal(len, 512);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), 0);
	assert_int_equal(virtqueue_num_free(&f->vq), NUM - 1);

	/* Past the 16-bit wrap of both indices, one buffer at a time. */
	for (i = 0; i < 70000; i++) {
		assert_int_equal(virtqueue_add(&f->vq, 0x20000000u + i, 100, true, &f->tokens[5]),
				 0);
		assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), 0);
		/* The descriptor just posted is the head freed last: 0 then itself. */
		dev_use(f, USED_OFF, NUM, 0, i % 101);
		assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, NULL), 1);
		assert_ptr_equal(tok, &f->tokens[5]);
		assert_int_equal(len, i % 101);
	}
	dev_use(f, USED_OFF, NUM, 2, 7);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), 1);
	assert_ptr_equal(tok, &f->tokens[2]);
	assert_int_equal(virtqueue_num_free(&f->vq), NUM);
	assert_false(virtqueue_is_broken(&f->vq));
	assert_string_equal(virtqueue_broken_reason(&f->vq), "");
	teardown_vq(f);
}

static void test_kick_prepare(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	assert_false(virtqueue_kick_prepare(&f->vq)); /* nothing added */
	post_rx(f, 2);
	assert_true(virtqueue_kick_prepare(&f->vq));
	assert_false(virtqueue_kick_prepare(&f->vq)); /* nothing new since */
	/* The device says it polls: no kick. */
	f->ring[USED_OFF] = VRING_USED_F_NO_NOTIFY;
	assert_int_equal(virtqueue_add(&f->vq, BUF_DA(2), 512, true, NULL), 0);
	assert_false(virtqueue_kick_prepare(&f->vq));
	f->ring[USED_OFF] = 0;
	assert_int_equal(virtqueue_add(&f->vq, BUF_DA(3), 512, true, NULL), 0);
	assert_true(virtqueue_kick_prepare(&f->vq));
	teardown_vq(f);
}

static void test_disable_cb(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);
	const uint8_t flags[2] = {LE16(VRING_AVAIL_F_NO_INTERRUPT)};

	(void)state;
	post_rx(f, 1);
	assert_int_equal(f->ring[256], 0);
	virtqueue_disable_cb(&f->vq);
	assert_memory_equal(f->ring + 256, flags, 2);
	/* avail.idx untouched. */
	assert_int_equal(get_le16(f->ring + 258), 1);
	teardown_vq(f);
}

static void test_enable_cb(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);
	struct rpt_error err = {0};
	void *tok;

	(void)state;
	post_rx(f, 2);
	virtqueue_disable_cb(&f->vq);
	assert_int_equal(get_le16(f->ring + 256), VRING_AVAIL_F_NO_INTERRUPT);
	/* Nothing used: the caller may sleep until the next kick. */
	assert_true(virtqueue_enable_cb(&f->vq));
	assert_int_equal(get_le16(f->ring + 256), 0);
	/* Used meanwhile (its kick may have been skipped): look first. */
	virtqueue_disable_cb(&f->vq);
	dev_use(f, USED_OFF, NUM, 1, 0);
	assert_false(virtqueue_enable_cb(&f->vq));
	assert_int_equal(get_le16(f->ring + 256), 0);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, NULL, &err), 1);
	assert_true(virtqueue_enable_cb(&f->vq));
	/* Broken: never "sleep", the caller must see -EIO. */
	dev_use(f, USED_OFF, NUM, 1, 0);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, NULL, &err), -EIO);
	assert_false(virtqueue_enable_cb(&f->vq));
	teardown_vq(f);
}

static void test_enospc(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);
	uint8_t before[RING_LEN];
	struct rpt_error err = {0};
	void *tok;

	(void)state;
	post_rx(f, NUM);
	assert_int_equal(virtqueue_num_free(&f->vq), 0);
	memcpy(before, f->ring, RING_LEN);
	assert_int_equal(virtqueue_add(&f->vq, 0x1000, 512, true, NULL), -ENOSPC);
	assert_memory_equal(before, f->ring, RING_LEN);
	assert_false(virtqueue_is_broken(&f->vq));
	/* One handed back: one post again. */
	dev_use(f, USED_OFF, NUM, 9, 0);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, NULL, &err), 1);
	assert_ptr_equal(tok, &f->tokens[9]);
	assert_int_equal(virtqueue_add(&f->vq, 0x1000, 512, true, NULL), 0);
	assert_int_equal(virtqueue_add(&f->vq, 0x1000, 512, true, NULL), -ENOSPC);
	teardown_vq(f);
}

/* ---- hostile device writes: each one breaks the queue, naming the field ---- */

/* get_used must refuse with exactly this reason, leave everything as it was, and stay broken. */
static void expect_broken(struct fixture *f, const char *reason)
{
	struct rpt_error err = {0};
	uint32_t free_before = virtqueue_num_free(&f->vq), len = 12345;
	void *tok = f; /* a value get_used must not overwrite */

	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), -EIO);
	assert_int_equal(err.code, -EIO);
	assert_string_equal(err.msg, reason);
	assert_ptr_equal(tok, f);
	assert_int_equal(len, 12345);
	assert_true(virtqueue_is_broken(&f->vq));
	assert_string_equal(virtqueue_broken_reason(&f->vq), reason);
	assert_int_equal(virtqueue_num_free(&f->vq), free_before);
	/* A broken queue does nothing more. */
	rpt_error_clear(&err);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, &len, &err), -EIO);
	assert_string_equal(err.msg, reason);
	assert_int_equal(virtqueue_add(&f->vq, 0x1000, 512, true, NULL), -EIO);
	assert_false(virtqueue_kick_prepare(&f->vq));
	assert_int_equal(virtqueue_num_free(&f->vq), free_before);
}

static void test_hostile_used_idx_jump(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 2);
	dev_use(f, USED_OFF, NUM, 0, 1);
	f->dev_used_idx = 2; /* then claims two more than it wrote */
	dev_use(f, USED_OFF, NUM, 1, 1);
	expect_broken(
		f,
		"vdev0vring0: used.idx 3 jumps 3 entries past the 0 consumed, only 2 buffers posted");
	teardown_vq(f);
}

static void test_hostile_used_idx_backwards(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);
	void *tok;

	(void)state;
	post_rx(f, 2);
	dev_use(f, USED_OFF, NUM, 0, 1);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, NULL, NULL), 1);
	f->ring[USED_OFF + 2] = 0; /* used.idx back to 0: 65535 "new" entries */
	expect_broken(
		f,
		"vdev0vring0: used.idx 0 jumps 65535 entries past the 1 consumed, only 1 buffers posted");
	teardown_vq(f);
}

static void test_hostile_used_id_range(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);
	void *tok;
	int i;

	(void)state;
	post_rx(f, 4);
	for (i = 0; i < 3; i++) {
		dev_use(f, USED_OFF, NUM, (uint32_t)i, 0);
		assert_int_equal(virtqueue_get_used(&f->vq, &tok, NULL, NULL), 1);
	}
	dev_use(f, USED_OFF, NUM, 17, 0);
	expect_broken(f, "vdev0vring0: used.ring[3].id 17 >= num 16");
	teardown_vq(f);
}

static void test_hostile_used_id_huge(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 1);
	dev_use(f, USED_OFF, NUM, 0xffffffffu, 0); /* no wrap into a small index */
	expect_broken(f, "vdev0vring0: used.ring[0].id 4294967295 >= num 16");
	teardown_vq(f);
}

static void test_hostile_used_id_not_posted(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 2);
	dev_use(f, USED_OFF, NUM, 5, 0);
	expect_broken(f, "vdev0vring0: used.ring[0].id 5 was not posted (or already returned)");
	teardown_vq(f);
}

static void test_hostile_used_id_twice(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);
	void *tok;

	(void)state;
	post_rx(f, 2);
	dev_use(f, USED_OFF, NUM, 0, 0);
	dev_use(f, USED_OFF, NUM, 0, 0);
	assert_int_equal(virtqueue_get_used(&f->vq, &tok, NULL, NULL), 1);
	expect_broken(f, "vdev0vring0: used.ring[1].id 0 was not posted (or already returned)");
	teardown_vq(f);
}

static void test_hostile_used_len(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 2);
	dev_use(f, USED_OFF, NUM, 1, 513);
	expect_broken(f, "vdev0vring0: used.ring[0].len 513 > posted length 512 of desc[1]");
	teardown_vq(f);
}

static void test_hostile_desc_addr(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 2);
	put_le32(f->ring + 16, 0x30000000u); /* desc[1].addr: somewhere else */
	dev_use(f, USED_OFF, NUM, 1, 16);
	expect_broken(
		f,
		"vdev0vring0: desc[1].addr 0x30000000 changed by the device (posted 0x10040200)");
	teardown_vq(f);
}

static void test_hostile_desc_addr_high(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 1);
	put_le32(f->ring + 4, 1); /* the high half of a 64-bit address */
	dev_use(f, USED_OFF, NUM, 0, 16);
	expect_broken(
		f,
		"vdev0vring0: desc[0].addr 0x110040000 changed by the device (posted 0x10040000)");
	teardown_vq(f);
}

static void test_hostile_desc_len(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 1);
	put_le32(f->ring + 8, 4096); /* a longer buffer than posted */
	dev_use(f, USED_OFF, NUM, 0, 16);
	expect_broken(f, "vdev0vring0: desc[0].len 4096 changed by the device (posted 512)");
	teardown_vq(f);
}

static void test_hostile_desc_next_flag(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 2);
	f->ring[12] = VRING_DESC_F_WRITE | VRING_DESC_F_NEXT; /* desc[0] chained to desc[1] */
	dev_use(f, USED_OFF, NUM, 0, 16);
	expect_broken(f, "vdev0vring0: desc[0].flags 0x3: NEXT set, a chain the host never made "
			 "(posted 0x2)");
	teardown_vq(f);
}

static void test_hostile_desc_flags(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 1);
	f->ring[12] = 0; /* WRITE cleared */
	dev_use(f, USED_OFF, NUM, 0, 16);
	expect_broken(f, "vdev0vring0: desc[0].flags 0x0 changed by the device (posted 0x2)");
	teardown_vq(f);
}

static void test_hostile_desc_next(void **state)
{
	struct fixture *f = setup_vq(NUM, ALIGN);

	(void)state;
	post_rx(f, 1);
	f->ring[14] = 0; /* desc[0].next points back at itself: a loop if ever followed */
	dev_use(f, USED_OFF, NUM, 0, 16);
	expect_broken(f, "vdev0vring0: desc[0].next 0 changed by the device (posted 1)");
	teardown_vq(f);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_bytes),
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_fixed_bytes_two_rx),
		cmocka_unit_test(test_fixed_bytes_full_then_reuse),
		cmocka_unit_test(test_get_used_round_trip),
		cmocka_unit_test(test_kick_prepare),
		cmocka_unit_test(test_disable_cb),
		cmocka_unit_test(test_enable_cb),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_hostile_used_idx_jump),
		cmocka_unit_test(test_hostile_used_idx_backwards),
		cmocka_unit_test(test_hostile_used_id_range),
		cmocka_unit_test(test_hostile_used_id_huge),
		cmocka_unit_test(test_hostile_used_id_not_posted),
		cmocka_unit_test(test_hostile_used_id_twice),
		cmocka_unit_test(test_hostile_used_len),
		cmocka_unit_test(test_hostile_desc_addr),
		cmocka_unit_test(test_hostile_desc_addr_high),
		cmocka_unit_test(test_hostile_desc_len),
		cmocka_unit_test(test_hostile_desc_next_flag),
		cmocka_unit_test(test_hostile_desc_flags),
		cmocka_unit_test(test_hostile_desc_next),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
