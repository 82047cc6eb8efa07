// SPDX-License-Identifier: BSD-2-Clause
/*
 * Resource handling on tables built here: carveouts (by name, fixed, any),
 * devmem, trace buffers, vdevs and their vrings, addresses checked against
 * the processor's memories, and what the core wrote into the table surviving
 * a crash and recovery.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"
#include "normal/core/remoteproc.h"
#include "rproc_double.h"

static const uint32_t any2[2] = {FW_RSC_ADDR_ANY, FW_RSC_ADDR_ANY};

static struct dbl *with_table(bool alt, const struct tbl *t)
{
	struct dbl *d = dbl_new(alt);

	dbl_set_table(d, t->buf, t->len);
	return d;
}

static void *loaded_entry(struct dbl *d, size_t off)
{
	return dbl_loaded_table(d) + off;
}

static void assert_boot_fails_with(struct dbl *d, const char *msg)
{
	char buf[RPT_ERROR_MSG_MAX];

	dbl_add(d);
	assert_int_not_equal(rproc_boot(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_OFFLINE);
	rproc_last_error(d->rproc, buf, sizeof(buf));
	if (!strstr(buf, msg))
		fail_msg("error \"%s\" does not say \"%s\"", buf, msg);
	assert_true(dbl_logged(d, "remoteproc0: resource handling failed: "));
}

static void test_carveout_in_named_memory(void **state)
{
	struct fw_rsc_carveout *c;
	struct tbl t;
	size_t off;
	bool alt;
	struct dbl *d;

	(void)state;
	for (alt = false;; alt = true) {
		tbl_init(&t, 1);
		off = tbl_carveout(&t, DBL_VBUF_DA, 0x4000, "vdev0buffer");
		d = with_table(alt, &t);
		dbl_add(d);
		assert_int_equal(rproc_boot(d->rproc), 0);
		c = loaded_entry(d, off);
		assert_int_equal(c->da, DBL_VBUF_DA);
		assert_int_equal(c->pa, DBL_VBUF_DA);
		dbl_free(d);
		if (alt)
			break;
	}
}

static void test_carveout_any_named_gets_memory_address(void **state)
{
	struct fw_rsc_carveout *c;
	struct tbl t;
	size_t off;
	struct dbl *d;

	(void)state;
	tbl_init(&t, 1);
	off = tbl_carveout(&t, FW_RSC_ADDR_ANY, 0x2000, "vdev0buffer");
	d = with_table(false, &t);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	c = loaded_entry(d, off);
	assert_int_equal(c->da, DBL_VBUF_DA);
	assert_int_equal(c->pa, DBL_VBUF_DA);
	dbl_free(d);
}

static void test_carveout_outside_memories_refused(void **state)
{
	struct tbl t;
	struct dbl *d;

	(void)state;
	tbl_init(&t, 1);
	tbl_carveout(&t, 0x20000000, 0x1000, "elsewhere");
	d = with_table(false, &t);
	assert_boot_fails_with(
		d,
		"entry 0 (carveout \"elsewhere\"): da 0x20000000 len 0x1000 is outside every memory");
	dbl_free(d);

	/* Straddling the end of a memory is outside too (no partial fit). */
	tbl_init(&t, 1);
	tbl_carveout(&t, 0x1003f000, 0x2000, "straddle");
	d = with_table(true, &t);
	assert_boot_fails_with(d, "outside every memory");
	dbl_free(d);

	/* Wrapping past 4 GiB. */
	tbl_init(&t, 1);
	tbl_carveout(&t, 0xfffff000, 0x2000, "wrap");
	d = with_table(false, &t);
	assert_boot_fails_with(d, "outside every memory");
	dbl_free(d);
}

static void test_carveout_bigger_than_its_memory_refused(void **state)
{
	struct tbl t;
	struct dbl *d;

	(void)state;
	tbl_init(&t, 1);
	tbl_carveout(&t, DBL_VBUF_DA, 0x8000, "vdev0buffer");
	d = with_table(false, &t);
	assert_boot_fails_with(d, "does not fit in memory vdev0buffer");
	dbl_free(d);
}

static void test_two_carveouts_same_memory_refused(void **state)
{
	struct tbl t;
	struct dbl *d;

	(void)state;
	tbl_init(&t, 2);
	tbl_carveout(&t, DBL_VBUF_DA, 0x1000, "vdev0buffer");
	tbl_carveout(&t, FW_RSC_ADDR_ANY, 0x1000, "vdev0buffer");
	d = with_table(false, &t);
	assert_boot_fails_with(d, "already used by another entry");
	dbl_free(d);
}

static void test_carveout_any_allocated_first_fit(void **state)
{
	struct rpt_error err = {0};
	static uint8_t poolbuf[0x2000];
	struct rproc_memory pool = {.name = "pool",
				    .da = 0x20000000,
				    .pa = 0x20000000,
				    .size = sizeof(poolbuf),
				    .va = poolbuf};
	struct fw_rsc_carveout *c;
	size_t o1, o2;
	struct tbl t;
	struct dbl *d;

	(void)state;
	/* The 16 KiB vdev0buffer memory is kept for its name: only "pool" is free. */
	tbl_init(&t, 2);
	o1 = tbl_carveout(&t, FW_RSC_ADDR_ANY, 0x1000, "a");
	o2 = tbl_carveout(&t, FW_RSC_ADDR_ANY, 0x800, "b");
	d = with_table(false, &t);
	assert_int_equal(rproc_add_memory(d->rproc, &pool, &err), 0);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	c = loaded_entry(d, o1);
	assert_int_equal(c->da, 0x20000000);
	c = loaded_entry(d, o2);
	assert_int_equal(c->da, 0x20001000);
	dbl_free(d);

	/* A third one does not fit. */
	tbl_init(&t, 3);
	tbl_carveout(&t, FW_RSC_ADDR_ANY, 0x1000, "a");
	tbl_carveout(&t, FW_RSC_ADDR_ANY, 0x800, "b");
	tbl_carveout(&t, FW_RSC_ADDR_ANY, 0x800, "c");
	d = with_table(false, &t);
	assert_int_equal(rproc_add_memory(d->rproc, &pool, &err), 0);
	assert_boot_fails_with(d, "entry 2 (carveout \"c\"): no free memory");
	dbl_free(d);
}

static void test_devmem(void **state)
{
	struct tbl t;
	struct dbl *d;

	(void)state;
	tbl_init(&t, 1);
	tbl_devmem(&t, 0x10000000, 0x10000000, 0x1000, "sram");
	d = with_table(false, &t);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	dbl_free(d);

	/* A device range that maps another host physical address: refused. */
	tbl_init(&t, 1);
	tbl_devmem(&t, 0x10000000, 0x40000000, 0x1000, "sneaky");
	d = with_table(false, &t);
	assert_boot_fails_with(d, "pa 0x40000000 does not match memory mcuram2");
	dbl_free(d);
}

static void test_trace_readable(void **state)
{
	static const char msg[] = "m4-demo: hello from the coprocessor\n";
	char buf[128];
	struct tbl t;
	struct dbl *d;
	bool alt;

	(void)state;
	for (alt = false;; alt = true) {
		tbl_demo(&t, NULL);
		d = with_table(alt, &t);
		dbl_add(d);
		assert_int_equal(rproc_boot(d->rproc), 0);
		assert_int_equal(rproc_trace_count(d->rproc), 1);
		/* The firmware writes its trace. */
		memcpy(dbl_va(d, DBL_TRACE_DA), msg, sizeof(msg));
		assert_int_equal(rproc_trace_read(d->rproc, 0, buf, sizeof(buf)), strlen(msg));
		assert_string_equal(buf, msg);
		/* A small buffer gets a NUL-terminated prefix. */
		assert_int_equal(rproc_trace_read(d->rproc, 0, buf, 6), 5);
		assert_string_equal(buf, "m4-de");
		assert_int_equal(rproc_trace_read(d->rproc, 1, buf, sizeof(buf)), -ENOENT);
		/* After shutdown there is no trace any more. */
		assert_int_equal(rproc_shutdown(d->rproc), 0);
		assert_int_equal(rproc_trace_read(d->rproc, 0, buf, sizeof(buf)), -ENOENT);
		dbl_free(d);
		if (alt)
			break;
	}
}

static void test_trace_without_nul_is_bounded(void **state)
{
	char *buf = malloc(0x1000);
	struct tbl t;
	struct dbl *d;

	(void)state;
	assert_non_null(buf);
	tbl_init(&t, 1);
	tbl_trace(&t, DBL_TRACE_DA, 0x100, "trace0");
	d = with_table(false, &t);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	/* A firmware filling its buffer and beyond without a NUL: only its 0x100 bytes. */
	memset(dbl_va(d, DBL_TRACE_DA), 'x', 0x200);
	assert_int_equal(rproc_trace_read(d->rproc, 0, buf, 0x1000), 0x100);
	assert_int_equal(strlen(buf), 0x100);
	dbl_free(d);
	free(buf);
}

/*
 * Linux registers a trace it cannot map and reads "Trace ... not available":
 * the firmware boots, the reason is logged once, the trace says so.
 */
static void test_trace_in_unmapped_memory_not_available(void **state)
{
	char buf[128];
	struct tbl t;
	struct dbl *d;
	unsigned int i, n = 0;

	(void)state;
	tbl_init(&t, 2);
	tbl_trace(&t, DBL_TRACE_DA, 0x100, "trace0");
	tbl_trace(&t, 0x8000, 0x100, "secure"); /* retram: secure, no mapping */
	d = with_table(false, &t);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	assert_int_equal(rproc_trace_count(d->rproc), 2);
	for (i = 0; i < d->nlines; i++)
		n += strstr(d->lines[i], "which the normal world cannot map: not available") !=
		     NULL;
	assert_int_equal(n, 1);
	assert_true(dbl_logged(
		d,
		"remoteproc0: trace1 \"secure\" at da 0x8000 is in memory retram, which the normal world cannot map"));
	assert_int_equal(rproc_trace_read(d->rproc, 1, buf, sizeof(buf)),
			 strlen("Trace trace1 not available\n"));
	assert_string_equal(buf, "Trace trace1 not available\n");
	/* The mapped one still reads. */
	memcpy(dbl_va(d, DBL_TRACE_DA), "hi", 3);
	assert_int_equal(rproc_trace_read(d->rproc, 0, buf, sizeof(buf)), 2);
	dbl_free(d);
}

/* Records what handle_rsc saw; type 200 handled, 300 fails, others ignored. */
static uint32_t seen_types[8];
static size_t seen_offsets[8], seen_avail[8];
static unsigned int num_seen;

static int handle_rsc(struct rproc *rproc, uint32_t type, void *rsc, size_t offset, size_t avail,
		      struct rpt_error *err)
{
	(void)rproc;
	(void)rsc;
	if (num_seen < 8) {
		seen_types[num_seen] = type;
		seen_offsets[num_seen] = offset;
		seen_avail[num_seen++] = avail;
	}
	if (type == 300)
		return rpt_error_set(err, EPROTO, "vendor entry 300 is malformed");
	return type == 200 ? RSC_HANDLED : RSC_IGNORED;
}

/* The table of the tests below: a trace, then unknown and vendor entries. */
static void tbl_exotic(struct tbl *t, size_t *off)
{
	tbl_init(t, 6);
	tbl_trace(t, DBL_TRACE_DA, 0x100, "trace0");
	off[0] = tbl_raw(t, RSC_LAST, 8);	  /* unknown, between known and vendor */
	off[1] = tbl_raw(t, 600, 0);		  /* unknown, past the vendor range */
	off[2] = tbl_raw(t, 200, 12);		  /* vendor */
	off[3] = tbl_raw(t, RSC_VENDOR_START, 4); /* vendor, first */
	off[4] = tbl_raw(t, RSC_VENDOR_END, 4);	  /* vendor, last: Linux counts it in */
}

/*
 * Linux rproc_handle_resources(): unknown types are skipped with a warning,
 * vendor types (128..512, both included) go to the driver's handle_rsc,
 * which handles, ignores (warning) or fails them.
 */
static void test_unknown_and_vendor_entries(void **state)
{
	struct rproc_ops ops = dbl_ops;
	struct tbl t;
	size_t off[5];
	struct dbl *d;
	bool alt;

	(void)state;
	for (alt = false;; alt = true) {
		/* No handle_rsc: everything we do not know is skipped, the firmware boots. */
		tbl_exotic(&t, off);
		d = with_table(alt, &t);
		dbl_add(d);
		assert_int_equal(rproc_boot(d->rproc), 0);
		assert_int_equal(rproc_trace_count(d->rproc), 1);
		assert_true(dbl_logged(d, "resource entry 1: unsupported resource 4 skipped"));
		assert_true(dbl_logged(d, "resource entry 2: unsupported resource 600 skipped"));
		assert_true(dbl_logged(d, "resource entry 3: unsupported vendor resource 200"));
		assert_true(dbl_logged(d, "resource entry 5: unsupported vendor resource 512"));
		dbl_free(d);

		/* With handle_rsc: the vendor entries, and only they, reach the driver. */
		ops.handle_rsc = handle_rsc;
		num_seen = 0;
		d = dbl_new_ops(alt, &ops);
		dbl_set_table(d, t.buf, t.len);
		dbl_add(d);
		assert_int_equal(rproc_boot(d->rproc), 0);
		assert_int_equal(num_seen, 3);
		assert_int_equal(seen_types[0], 200);
		assert_int_equal(seen_offsets[0], off[2]);
		assert_int_equal(seen_avail[0], t.len - off[2]);
		assert_int_equal(seen_types[1], RSC_VENDOR_START);
		assert_int_equal(seen_types[2], RSC_VENDOR_END);
		assert_false(dbl_logged(d, "unsupported vendor resource 200"));
		assert_true(dbl_logged(d, "unsupported vendor resource 512"));
		dbl_free(d);

		/* A driver failing an entry fails the boot, with its reason. */
		put_le32(t.buf + off[2] - 4, 300);
		d = dbl_new_ops(alt, &ops);
		dbl_set_table(d, t.buf, t.len);
		assert_boot_fails_with(d,
				       "entry 3 (vendor, type 300): vendor entry 300 is malformed");
		dbl_free(d);
		ops.handle_rsc = NULL;
		if (alt)
			break;
	}
}

static void test_vdev_vrings_written(void **state)
{
	struct fw_rsc_vdev *v;
	struct tbl t;
	size_t off;
	struct dbl *d;
	bool alt;

	(void)state;
	for (alt = false;; alt = true) {
		tbl_demo(&t, &off);
		d = with_table(alt, &t);
		dbl_add(d);
		/* Vrings start empty whatever the memory held. */
		memset(dbl_va(d, DBL_VRING0_DA), 0xee, 0x2000);
		assert_int_equal(rproc_boot(d->rproc), 0);
		v = loaded_entry(d, off);
		assert_int_equal(v->vring[0].da, DBL_VRING0_DA);
		assert_int_equal(v->vring[1].da, DBL_VRING1_DA);
		assert_int_equal(v->vring[0].pa, DBL_VRING0_DA);
		assert_int_equal(v->vring[1].pa, DBL_VRING1_DA);
		assert_int_equal(v->vring[0].notifyid, 0);
		assert_int_equal(v->vring[1].notifyid, 1);
		assert_int_equal(dbl_va(d, DBL_VRING0_DA)[0], 0);
		assert_int_equal(dbl_va(d, DBL_VRING1_DA)[0x20], 0);
		/* Kicks go to the driver for known notify ids only. */
		dbl_clear(d);
		assert_int_equal(rproc_kick(d->rproc, 1), 0);
		assert_string_equal(dbl_calls(d), "kick");
		assert_int_equal(d->last_kick, 1);
		assert_int_equal(rproc_kick(d->rproc, 2), -ENOENT);
		dbl_free(d);
		if (alt)
			break;
	}
}

static void test_vdev_bad_vrings_refused(void **state)
{
	static const uint32_t three[3] = {FW_RSC_ADDR_ANY, FW_RSC_ADDR_ANY, FW_RSC_ADDR_ANY};
	static const uint32_t outside[2] = {0x30000000, FW_RSC_ADDR_ANY};
	struct tbl t;
	struct dbl *d;

	(void)state;
	tbl_init(&t, 1);
	tbl_vdev(&t, 2, any2, 0, 16);
	d = with_table(false, &t);
	assert_boot_fails_with(d, "invalid qsz (0) or alignment (16)");
	dbl_free(d);

	tbl_init(&t, 1);
	tbl_vdev(&t, 2, any2, 8, 24);
	d = with_table(true, &t);
	assert_boot_fails_with(d, "invalid qsz (8) or alignment (24)");
	dbl_free(d);

	tbl_init(&t, 1);
	tbl_vdev(&t, 3, three, 8, 16);
	d = with_table(false, &t);
	assert_boot_fails_with(d, "3 vrings, at most 2 supported");
	dbl_free(d);

	/* A vring larger than its 4 KiB memory. */
	tbl_init(&t, 1);
	tbl_vdev(&t, 2, any2, 1024, 16);
	d = with_table(false, &t);
	assert_boot_fails_with(d, "does not fit in memory vdev0vring0");
	dbl_free(d);

	tbl_init(&t, 1);
	tbl_vdev(&t, 2, outside, 8, 16);
	d = with_table(false, &t);
	d->rproc->mems[2].name[0] = 'X'; /* no vdev0vring0 memory: the fixed da is checked */
	assert_boot_fails_with(d, "da 0x30000000, 0x1000 bytes, is outside every memory");
	dbl_free(d);
}

static void test_malformed_table_refused(void **state)
{
	struct tbl t;
	struct dbl *d;
	char buf[RPT_ERROR_MSG_MAX];

	(void)state;
	tbl_demo(&t, NULL);
	t.buf[0] = 2; /* version */
	d = with_table(false, &t);
	dbl_add(d);
	assert_int_not_equal(rproc_boot(d->rproc), 0);
	rproc_last_error(d->rproc, buf, sizeof(buf));
	assert_non_null(strstr(buf, "parse_fw (resource table) failed: resource table: version 2"));
	dbl_free(d);

	d = with_table(true, &t);
	dbl_add(d);
	assert_int_not_equal(rproc_boot(d->rproc), 0);
	rproc_last_error(d->rproc, buf, sizeof(buf));
	assert_non_null(strstr(buf, "loaded resource table failed: resource table: version 2"));
	assert_string_equal(
		dbl_calls(d),
		"sanity_check prepare get_boot_addr load get_loaded_rsc_table release_fw unprepare");
	dbl_free(d);
}

/*
 * What the core wrote (vring addresses, notify ids) reaches the next instance
 * after a crash in both boots. What was written into the loaded table while
 * it ran (here the virtio status, as a crashed firmware could write anything)
 * is, as in Linux, forgotten in the classic boot (the clean cache parse_fw
 * made is copied over the new load) and carried over in the alternate boot
 * (no cache exists before the first stop: the loaded table is saved into it,
 * DESIGN section 2).
 */
static void test_table_after_recovery(void **state)
{
	struct fw_rsc_vdev *v;
	uint8_t status = 0;
	struct tbl t;
	size_t off;
	struct dbl *d;
	bool alt;

	(void)state;
	for (alt = false;; alt = true) {
		tbl_demo(&t, &off);
		d = with_table(alt, &t);
		dbl_add(d);
		assert_int_equal(rproc_boot(d->rproc), 0);
		assert_int_equal(rproc_vdev_set_status(d->rproc, 0, 0x7), 0);
		v = loaded_entry(d, off);
		assert_int_equal(v->status, 0x7);
		rproc_report_crash(d->rproc, RPROC_WATCHDOG);
		rproc_flush_crash_work(d->rproc);
		assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
		assert_int_equal(v->vring[0].da, DBL_VRING0_DA);
		assert_int_equal(v->vring[1].da, DBL_VRING1_DA);
		assert_int_equal(v->vring[1].notifyid, 1);
		assert_int_equal(v->status, alt ? 0x7 : 0);
		assert_int_equal(rproc_vdev_get_status(d->rproc, 0, &status), 0);
		assert_int_equal(status, alt ? 0x7 : 0);
		assert_int_equal(rproc_vdev_get_status(d->rproc, 1, &status), -ENOENT);
		dbl_free(d);
		if (alt)
			break;
	}
}

/* Without a coredump op the core dumps the segments load registered, as an ELF core. */
static void test_default_coredump(void **state)
{
	struct rproc_ops ops = dbl_ops;
	struct rpt_error err = {0};
	struct elf32_file elf;
	const Elf32_Phdr *ph;
	uint8_t *dump;
	size_t len;
	struct tbl t;
	struct dbl *d;

	(void)state;
	ops.coredump = NULL;
	tbl_demo(&t, NULL);
	d = dbl_new_ops(false, &ops);
	dbl_set_table(d, t.buf, t.len);
	d->default_coredump = true;
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	rproc_report_crash(d->rproc, RPROC_FATAL_ERROR);
	rproc_flush_crash_work(d->rproc);
	assert_int_equal(rproc_get_coredump(d->rproc, &dump, &len), 0);
	assert_int_equal(elf32_open_any(&elf, dump, len, true, &err), 0);
	assert_int_equal(elf.ehdr.e_type, ET_CORE);
	assert_int_equal(elf32_phnum(&elf), 1);
	ph = elf32_phdr(&elf, 0);
	assert_int_equal(ph->p_vaddr, DBL_TABLE_DA);
	assert_int_equal(ph->p_filesz, 0x100);
	/* The dump holds the table as it was when the crash was handled (after stop). */
	assert_memory_equal(dump + ph->p_offset, d->rproc->cached_table, t.len);
	elf32_close(&elf);
	free(dump);
	dbl_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carveout_in_named_memory),
		cmocka_unit_test(test_carveout_any_named_gets_memory_address),
		cmocka_unit_test(test_carveout_outside_memories_refused),
		cmocka_unit_test(test_carveout_bigger_than_its_memory_refused),
		cmocka_unit_test(test_two_carveouts_same_memory_refused),
		cmocka_unit_test(test_carveout_any_allocated_first_fit),
		cmocka_unit_test(test_devmem),
		cmocka_unit_test(test_trace_readable),
		cmocka_unit_test(test_trace_without_nul_is_bounded),
		cmocka_unit_test(test_trace_in_unmapped_memory_not_available),
		cmocka_unit_test(test_unknown_and_vendor_entries),
		cmocka_unit_test(test_vdev_vrings_written),
		cmocka_unit_test(test_vdev_bad_vrings_refused),
		cmocka_unit_test(test_malformed_table_refused),
		cmocka_unit_test(test_table_after_recovery),
		cmocka_unit_test(test_default_coredump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
