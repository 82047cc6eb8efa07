// SPDX-License-Identifier: BSD-2-Clause
/* Resource table: the tables of the reference firmware, then hostile variants. */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"

#define TABLE_LEN 0xc8u
/* Entry offsets in the reference table. */
#define OFF_CARVEOUT 0x1cu
#define OFF_TRACE    0x54u
#define OFF_VDEV     0x84u

/* The .resource_table section of a reference ELF, copied into an exact-size buffer. */
static uint8_t *load_table(const char *name, size_t *len)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	Elf32_Shdr sh;
	size_t size;
	uint8_t *file = rpt_slurp(rpt_vector_path(name), &size);
	uint8_t *table;

	assert_int_equal(elf32_open(&elf, file, size, &err), 0);
	assert_int_equal(elf32_find_section(&elf, RSC_TABLE_SECTION, &sh, &err), 0);
	assert_int_equal(sh.sh_size, TABLE_LEN);
	table = malloc(sh.sh_size);
	assert_non_null(table);
	memcpy(table, file + sh.sh_offset, sh.sh_size);
	*len = sh.sh_size;
	elf32_close(&elf);
	free(file);
	return table;
}

struct seen {
	unsigned int count;
	unsigned int idx[8];
	uint32_t type[8];
	size_t offset[8]; /* body offset from the table start */
	size_t body_len[8];
	int stop_at; /* return 42 from this index, -1 never */
};

static uint8_t *visit_base;

static int record(void *ctx, unsigned int idx, uint32_t type, void *body, size_t body_len)
{
	struct seen *s = ctx;

	if (s->count < 8) {
		s->idx[s->count] = idx;
		s->type[s->count] = type;
		s->offset[s->count] = (size_t)((uint8_t *)body - visit_base);
		s->body_len[s->count] = body_len;
	}
	s->count++;
	return (int)idx == s->stop_at ? 42 : 0;
}

static void expect_reject(const uint8_t *table, size_t len, const char *what)
{
	struct rpt_error err = {0};
	int ret = rsc_table_validate(table, len, &err);

	assert_int_equal(ret, -RPT_EFORMAT);
	assert_int_equal(err.code, -RPT_EFORMAT);
	if (!strstr(err.msg, what))
		fail_msg("message \"%s\" does not mention \"%s\"", err.msg, what);
}

static void expect_accept(const uint8_t *table, size_t len)
{
	struct rpt_error err = {0};

	if (rsc_table_validate(table, len, &err))
		fail_msg("rejected: %s", err.msg);
}

static void check_reference_table(const char *elf_name)
{
	struct rpt_error err = {0};
	struct seen s = {.stop_at = -1};
	const struct fw_rsc_carveout *co;
	const struct fw_rsc_trace *tr;
	const struct fw_rsc_vdev *vd;
	size_t len;
	uint8_t *t = load_table(elf_name, &len);

	assert_int_equal(rsc_table_validate(t, len, &err), 0);
	assert_int_equal(err.code, 0);

	visit_base = t;
	assert_int_equal(rsc_table_for_each(t, len, record, &s), 0);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.idx[0], 0);
	assert_int_equal(s.idx[1], 1);
	assert_int_equal(s.idx[2], 2);
	assert_int_equal(s.type[0], RSC_CARVEOUT);
	assert_int_equal(s.type[1], RSC_TRACE);
	assert_int_equal(s.type[2], RSC_VDEV);
	assert_int_equal(s.offset[0], OFF_CARVEOUT + 4);
	assert_int_equal(s.offset[1], OFF_TRACE + 4);
	assert_int_equal(s.offset[2], OFF_VDEV + 4);
	assert_int_equal(s.body_len[0], TABLE_LEN - OFF_CARVEOUT - 4);
	assert_int_equal(s.body_len[1], TABLE_LEN - OFF_TRACE - 4);
	assert_int_equal(s.body_len[2], TABLE_LEN - OFF_VDEV - 4);

	co = (const struct fw_rsc_carveout *)(t + s.offset[0]);
	assert_int_equal(co->da, 0x10042000);
	assert_int_equal(co->pa, FW_RSC_ADDR_ANY);
	assert_int_equal(co->len, 0x4000);
	assert_int_equal(co->flags, 0);
	assert_string_equal((const char *)co->name, "vdev0buffer");

	tr = (const struct fw_rsc_trace *)(t + s.offset[1]);
	assert_int_equal(tr->da, 0x10030000);
	assert_int_equal(tr->len, 0x800);
	assert_string_equal((const char *)tr->name, "trace0");

	vd = (const struct fw_rsc_vdev *)(t + s.offset[2]);
	assert_int_equal(vd->id, 7);
	assert_int_equal(vd->notifyid, 0);
	assert_int_equal(vd->dfeatures, 1);
	assert_int_equal(vd->gfeatures, 0);
	assert_int_equal(vd->config_len, 0);
	assert_int_equal(vd->status, 0);
	assert_int_equal(vd->num_of_vrings, 2);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(vd->vring[i].da, FW_RSC_ADDR_ANY);
		assert_int_equal(vd->vring[i].align, 16);
		assert_int_equal(vd->vring[i].num, 8);
		assert_int_equal(vd->vring[i].notifyid, i);
		assert_int_equal(vd->vring[i].pa, 0);
	}
	/* The vdev fills the table exactly. */
	assert_int_equal(OFF_VDEV + 4 + sizeof(*vd) + 2 * sizeof(vd->vring[0]), TABLE_LEN);

	/* A non-zero return stops the walk and is passed back. */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	assert_int_equal(rsc_table_for_each(t, len, record, &s), 42);
	assert_int_equal(s.count, 2);
	free(t);
}

static void test_m4_demo_table(void **state)
{
	(void)state;
	check_reference_table("elf/m4-demo.elf");
}

static void test_m33_ns_table(void **state)
{
	(void)state;
	check_reference_table("elf/m33-ns.elf");
}

static void test_truncations(void **state)
{
	size_t len, cut, accepted = 0;
	uint8_t *t = load_table("elf/m4-demo.elf", &len);

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		uint8_t *buf = malloc(cut ? cut : 1); /* exact size: ASan sees any over-read */
		struct rpt_error err = {0};
		int ret;

		assert_non_null(buf);
		memcpy(buf, t, cut);
		ret = rsc_table_validate(buf, cut, &err);
		if (ret == 0) {
			accepted++;
			assert_int_equal(cut, len);
		} else {
			assert_int_equal(ret, -RPT_EFORMAT);
			assert_true(err.msg[0] != '\0');
		}
		free(buf);
	}
	assert_int_equal(accepted, 1);
	free(t);
}

static void test_reject(void **state)
{
	size_t len;
	uint8_t *orig = load_table("elf/m4-demo.elf", &len);
	uint8_t *t = malloc(len);

	(void)state;
	assert_non_null(t);
#define MUTATE(stmt, what)                                                                         \
	do {                                                                                       \
		memcpy(t, orig, len);                                                              \
		stmt;                                                                              \
		expect_reject(t, len, what);                                                       \
	} while (0)

	/* Header. */
	MUTATE(put_le32(t + 0, 2), "version 2");
	MUTATE(put_le32(t + 0, 0), "version 0");
	MUTATE(put_le32(t + 8, 1), "reserved");
	MUTATE(put_le32(t + 12, 0x80000000u), "reserved");
	MUTATE(put_le32(t + 4, 0xFFFFFFFFu), "4294967295 entries");
	MUTATE(put_le32(t + 4, RSC_TABLE_MAX_ENTRIES + 1), "257 entries");
	MUTATE(put_le32(t + 4, 60), "offset array of 60 entries past end");
	expect_reject(orig, 15, "shorter than its 16-byte header");

	/* Entry offsets. */
	MUTATE(put_le32(t + 16, TABLE_LEN), "entry 0: offset 0xc8: type header past end");
	MUTATE(put_le32(t + 16, TABLE_LEN - 3), "entry 0");
	MUTATE(put_le32(t + 20, 0xFFFFFFFEu), "entry 1: offset 0xfffffffe");
	MUTATE(put_le32(t + 24, 0xFFFFFFFCu), "entry 2");
	MUTATE(put_le32(t + 16, 0), "entry 0: offset 0x0 inside the header");
	MUTATE(put_le32(t + 16, 8), "entry 0: offset 0x8 inside the header");
	MUTATE(put_le32(t + 20, 0x18), "entry 1: offset 0x18 inside the header and offset array");
	/* One more entry: the offset array now ends at 0x20, over the carveout's type word. */
	MUTATE((put_le32(t + 4, 4), put_le32(t + 28, OFF_TRACE)), "entry 0: offset 0x1c inside");

	/* Fixed bodies cut by the table end (trace moved to the end). */
	MUTATE((put_le32(t + 20, TABLE_LEN - 4), put_le32(t + TABLE_LEN - 4, RSC_TRACE)),
	       "entry 1 (trace, type 2) at offset 0xc4: 44-byte body past end");
	MUTATE((put_le32(t + 16, TABLE_LEN - 40), put_le32(t + TABLE_LEN - 40, RSC_CARVEOUT)),
	       "entry 0 (carveout, type 0) at offset 0xa0: 52-byte body past end");
	MUTATE((put_le32(t + 16, TABLE_LEN - 52), put_le32(t + TABLE_LEN - 52, RSC_DEVMEM)),
	       "entry 0 (devmem, type 1)");
	MUTATE((put_le32(t + 24, TABLE_LEN - 20), put_le32(t + TABLE_LEN - 20, RSC_VDEV)),
	       "entry 2 (vdev, type 3) at offset 0xb4: 24-byte body");

	/* vdev: vrings and config space must fit. */
	MUTATE(t[OFF_VDEV + 4 + 21] = 3,
	       "entry 2 (vdev, type 3) at offset 0x84: 3 vrings + config_len 0 past end");
	MUTATE(t[OFF_VDEV + 4 + 21] = 255, "255 vrings");
	MUTATE(put_le32(t + OFF_VDEV + 4 + 16, 1), "2 vrings + config_len 1 past end");
	MUTATE(put_le32(t + OFF_VDEV + 4 + 16, 0xFFFFFFFFu), "config_len 4294967295");
	MUTATE(put_le32(t + OFF_VDEV + 4 + 16, 0xFFFFFFECu), "past end");

	/* Names must end inside their 32 bytes. */
	MUTATE(memset(t + OFF_CARVEOUT + 4 + 20, 'A', RSC_NAME_SIZE),
	       "entry 0 (carveout, type 0) at offset 0x1c: name not NUL-terminated");
	MUTATE(memset(t + OFF_TRACE + 4 + 12, 'B', RSC_NAME_SIZE),
	       "entry 1 (trace, type 2) at offset 0x54: name not NUL-terminated");
	MUTATE((put_le32(t + OFF_CARVEOUT, RSC_DEVMEM), memset(t + OFF_CARVEOUT + 24, 'C', 32)),
	       "entry 0 (devmem, type 1) at offset 0x1c: name not NUL-terminated");
#undef MUTATE

	/* Edge values that are valid. */
	memcpy(t, orig, len);
	memset(t + OFF_CARVEOUT + 4 + 20, 'A', RSC_NAME_SIZE - 1); /* 31 chars + NUL */
	t[OFF_CARVEOUT + 4 + 20 + RSC_NAME_SIZE - 1] = '\0';
	expect_accept(t, len);
	memcpy(t, orig, len);
	put_le32(t + OFF_CARVEOUT, RSC_DEVMEM); /* same layout as a carveout */
	expect_accept(t, len);
	memcpy(t, orig, len);
	put_le32(t + 4, 0); /* no entries */
	expect_accept(t, len);
	expect_accept(t, 16);
	memcpy(t, orig, len);
	put_le32(t + 4, 2); /* fewer entries: the array shrinks, entries stay valid */
	expect_accept(t, len);

	{
		struct rpt_error err = {0};

		assert_int_equal(rsc_table_validate(NULL, 16, &err), -EINVAL);
	}
	free(t);
	free(orig);
}

static void test_vendor(void **state)
{
	struct seen s = {.stop_at = -1};
	size_t len;
	uint8_t *orig = load_table("elf/m4-demo.elf", &len);
	uint8_t *t = malloc(len);

	(void)state;
	assert_non_null(t);
	/* Vendor type 200 in place of the trace: accepted, visited as type 200. */
	memcpy(t, orig, len);
	put_le32(t + OFF_TRACE, 200);
	expect_accept(t, len);
	visit_base = t;
	assert_int_equal(rsc_table_for_each(t, len, record, &s), 0);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.type[1], 200);
	assert_string_equal(rsc_type_name(s.type[1]), "vendor");

	/* Vendor range bounds: Linux counts RSC_VENDOR_END in. */
	put_le32(t + OFF_TRACE, RSC_VENDOR_START);
	expect_accept(t, len);
	put_le32(t + OFF_TRACE, RSC_VENDOR_END);
	expect_accept(t, len);
	assert_true(rsc_type_is_vendor(RSC_VENDOR_END));
	assert_false(rsc_type_is_vendor(RSC_VENDOR_END + 1));
	assert_false(rsc_type_is_vendor(RSC_VENDOR_START - 1));

	/* A vendor entry whose type word is the last 4 bytes: body of 0 bytes, still inside. */
	memcpy(t, orig, len);
	put_le32(t + 24, TABLE_LEN - 4);
	put_le32(t + TABLE_LEN - 4, 300);
	expect_accept(t, len);
	memset(&s, 0, sizeof(s));
	s.stop_at = -1;
	assert_int_equal(rsc_table_for_each(t, len, record, &s), 0);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.type[2], 300);
	assert_int_equal(s.offset[2], TABLE_LEN);
	assert_int_equal(s.body_len[2], 0);
	/* ...but not one whose type word itself is cut. */
	put_le32(t + 24, TABLE_LEN - 2);
	expect_reject(t, len, "entry 2: offset 0xc6: type header past end");

	free(t);
	free(orig);
}

/*
 * Types nobody knows (4..127, past 512): accepted like Linux, with only their
 * type word checked, and visited so that each user can skip them with a word.
 */
static void test_unknown_types_accepted(void **state)
{
	static const uint32_t types[] = {RSC_LAST, 127, RSC_VENDOR_END + 1, 600, 0xFFFFFFFFu};
	static const size_t where[] = {OFF_CARVEOUT, OFF_TRACE, OFF_VDEV};
	size_t len, i, j;
	uint8_t *orig = load_table("elf/m4-demo.elf", &len);
	uint8_t *t = malloc(len);

	(void)state;
	assert_non_null(t);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		for (j = 0; j < sizeof(where) / sizeof(where[0]); j++) {
			struct seen s = {.stop_at = -1};

			memcpy(t, orig, len);
			put_le32(t + where[j], types[i]);
			expect_accept(t, len);
			visit_base = t;
			assert_int_equal(rsc_table_for_each(t, len, record, &s), 0);
			assert_int_equal(s.count, 3);
			assert_int_equal(s.type[j], types[i]);
			assert_string_equal(rsc_type_name(types[i]), "unknown");
			assert_false(rsc_type_is_known(types[i]));
		}
	}
	/* An unknown entry whose type word is the table's last 4 bytes: still accepted. */
	memcpy(t, orig, len);
	put_le32(t + 24, TABLE_LEN - 4);
	put_le32(t + TABLE_LEN - 4, 77);
	expect_accept(t, len);
	free(t);
	free(orig);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(rsc_type_name(RSC_CARVEOUT), "carveout");
	assert_string_equal(rsc_type_name(RSC_DEVMEM), "devmem");
	assert_string_equal(rsc_type_name(RSC_TRACE), "trace");
	assert_string_equal(rsc_type_name(RSC_VDEV), "vdev");
	assert_string_equal(rsc_type_name(RSC_LAST), "unknown");
	assert_string_equal(rsc_type_name(127), "unknown");
	assert_string_equal(rsc_type_name(128), "vendor");
	assert_string_equal(rsc_type_name(511), "vendor");
	assert_string_equal(rsc_type_name(512), "vendor");
	assert_string_equal(rsc_type_name(513), "unknown");
	assert_string_equal(rsc_type_name(0xFFFFFFFFu), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_m4_demo_table), cmocka_unit_test(test_m33_ns_table),
		cmocka_unit_test(test_truncations),   cmocka_unit_test(test_reject),
		cmocka_unit_test(test_vendor),	      cmocka_unit_test(test_unknown_types_accepted),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
