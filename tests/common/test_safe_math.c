// SPDX-License-Identifier: BSD-2-Clause
/*
 * The overflow-safe range arithmetic every parser and every shared-memory
 * lookup relies on: ranges that wrap are never inside anything, and the one
 * physical-to-host translation answers only for ranges wholly inside.
 */
#include "testutil.h"

#include "common/safe_math.h"

static void test_range_within(void **state)
{
	(void)state;
	assert_true(range_within(0x1000, 0x10, 0x1000, 0x10));
	assert_true(range_within(0x1008, 0, 0x1000, 0x10));
	assert_false(range_within(0x1008, 0x10, 0x1000, 0x10));
	assert_false(range_within(0xFFF, 1, 0x1000, 0x10));
	/* A range that wraps past the top is inside nothing, not even the whole space. */
	assert_false(range_within(UINT64_MAX - 1, 4, 0, UINT64_MAX));
}

static void test_phys_range_ptr(void **state)
{
	uint8_t mem[0x100];

	(void)state;
	assert_ptr_equal(phys_range_ptr(mem, 0x10000000, sizeof(mem), 0x10000000, 0x100), mem);
	assert_ptr_equal(phys_range_ptr(mem, 0x10000000, sizeof(mem), 0x10000040, 0x20),
			 mem + 0x40);
	/* One byte past the end, below the start, wrapping, or nothing mapped: no pointer. */
	assert_null(phys_range_ptr(mem, 0x10000000, sizeof(mem), 0x100000F0, 0x11));
	assert_null(phys_range_ptr(mem, 0x10000000, sizeof(mem), 0x0FFFFFFF, 2));
	assert_null(phys_range_ptr(mem, 0x10000000, sizeof(mem), UINT64_MAX, 2));
	assert_null(phys_range_ptr(NULL, 0x10000000, sizeof(mem), 0x10000000, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_within),
		cmocka_unit_test(test_phys_range_ptr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
