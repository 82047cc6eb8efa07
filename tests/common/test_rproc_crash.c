// SPDX-License-Identifier: BSD-2-Clause
/*
 * The one crash type of every layer: Linux's numbers (also the wire's, so
 * they may never move) and Linux's names.
 */
#include "testutil.h"

#include "common/rproc_crash.h"

static void test_linux_numbers_and_names(void **state)
{
	(void)state;
	assert_int_equal(RPROC_MMUFAULT, 0);
	assert_int_equal(RPROC_WATCHDOG, 1);
	assert_int_equal(RPROC_FATAL_ERROR, 2);
	assert_int_equal(RPROC_CRASH_MAX, 2);
	assert_string_equal(rproc_crash_to_string(RPROC_MMUFAULT), "mmufault");
	assert_string_equal(rproc_crash_to_string(RPROC_WATCHDOG), "watchdog");
	assert_string_equal(rproc_crash_to_string(RPROC_FATAL_ERROR), "fatal error");
	assert_string_equal(rproc_crash_to_string((enum rproc_crash_type)3), "unknown");
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(rproc_crash_type_valid(0));
	assert_true(rproc_crash_type_valid(2));
	assert_false(rproc_crash_type_valid(3));
	assert_false(rproc_crash_type_valid(0xFFFFFFFFu));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_numbers_and_names),
		cmocka_unit_test(test_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
