// SPDX-License-Identifier: BSD-2-Clause
/*
 * remoteproc core, with the recording double: attaching to a processor that
 * was running before us (Linux RPROC_DETACHED -> RPROC_ATTACHED), detaching
 * from it, stopping it, and the crash-loop limit, including that a processor
 * whose crash is reported never reads "running".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/rsc_table.h"
#include "rproc_double.h"
#include "testutil.h"

/* The double with the demo table "already loaded by the boot loader", DETACHED. */
static struct dbl *running_before_us(bool auto_boot)
{
	struct dbl *d = dbl_new(true);
	struct tbl t;

	tbl_demo(&t, NULL);
	dbl_set_table(d, t.buf, t.len);
	memcpy(dbl_loaded_table(d), t.buf, t.len);
	assert_int_equal(rproc_set_detached(d->rproc), 0);
	d->rproc->auto_boot = auto_boot;
	dbl_add(d);
	return d;
}

static void test_running_at_add_is_attached(void **state)
{
	struct dbl *d = running_before_us(true);

	(void)state;
	/* Linux rproc_add() with auto_boot: attach, nothing loaded, nothing started. */
	assert_int_equal(rproc_get_state(d->rproc), RPROC_ATTACHED);
	assert_string_equal(dbl_calls(d), "prepare get_loaded_rsc_table attach");
	/* The table is read from device memory: traces and resources are usable. */
	assert_int_equal(rproc_trace_count(d->rproc), 1);
	assert_int_equal(rproc_set_detached(d->rproc), -EBUSY);
	dbl_free(d);
}

static void test_detached_without_auto_boot_waits_for_start(void **state)
{
	struct dbl *d = running_before_us(false);

	(void)state;
	assert_int_equal(rproc_get_state(d->rproc), RPROC_DETACHED);
	assert_string_equal(dbl_calls(d), "");
	/* "state start" on a detached processor attaches (never loads). */
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_ATTACHED);
	assert_string_equal(dbl_calls(d), "prepare get_loaded_rsc_table attach");
	dbl_free(d);
}

static void test_stop_attached_releases_what_it_runs(void **state)
{
	struct dbl *d = running_before_us(true);

	(void)state;
	dbl_clear(d);
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_OFFLINE);
	/* Stopped like our own: what the boot loader loaded is released (the TA wipes it). */
	assert_string_equal(dbl_calls(d), "stop release_fw unprepare");
	/* Then it boots our firmware as usual. */
	dbl_clear(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	assert_non_null(strstr(dbl_calls(d), "load"));
	dbl_free(d);
}

static void test_detach_restores_the_table_and_reattaches(void **state)
{
	struct dbl *d = running_before_us(true);
	const uint8_t *found = d->table; /* as the boot loader left it in memory */
	void *copy;
	size_t len;

	(void)state;
	/* Vring addresses and the virtio status we write go into the firmware's table. */
	assert_int_equal(rproc_vdev_set_status(d->rproc, 0, 0x0f), 0);
	assert_memory_not_equal(found, dbl_loaded_table(d), d->table_len);
	dbl_clear(d);
	assert_int_equal(rproc_detach(d->rproc), 0);
	assert_string_equal(dbl_calls(d), "detach unprepare");
	assert_int_equal(rproc_get_state(d->rproc), RPROC_DETACHED);
	assert_true(dbl_logged(d, "remoteproc0: detached remote processor m4"));
	/* Linux rproc_reset_rsc_table_on_detach(): the next owner finds it as it was. */
	assert_memory_equal(found, dbl_loaded_table(d), d->table_len);
	assert_int_equal(rproc_get_rsc_table(d->rproc, &copy, &len), -ENOENT);
	/* Detached twice: refused, as Linux's sysfs. */
	assert_int_equal(rproc_detach(d->rproc), -EINVAL);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_ATTACHED);
	dbl_free(d);
}

static void test_detach_of_a_booted_processor_refused(void **state)
{
	struct dbl *d = dbl_new(true);
	struct tbl t;

	(void)state;
	tbl_demo(&t, NULL);
	dbl_set_table(d, t.buf, t.len);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	dbl_clear(d);
	/* Linux: "detach" is for an ATTACHED processor only; one we booted is stopped. */
	assert_int_equal(rproc_detach(d->rproc), -EINVAL);
	assert_string_equal(dbl_calls(d), "");
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	dbl_free(d);
}

static struct dbl *booted_running(void)
{
	struct dbl *d = dbl_new(true);
	struct tbl t;

	tbl_demo(&t, NULL);
	dbl_set_table(d, t.buf, t.len);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	return d;
}

static unsigned int lines_with(struct dbl *d, const char *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < d->nlines; i++)
		if (strstr(d->lines[i], s))
			n++;
	return n;
}

static void crash_and_wait(struct dbl *d)
{
	rproc_report_crash(d->rproc, RPROC_FATAL_ERROR);
	rproc_flush_crash_work(d->rproc);
}

static void test_crash_loop_limit(void **state)
{
	struct dbl *d = booted_running();
	struct rproc_stats st;
	unsigned int i;

	(void)state;
	assert_int_equal(rproc_set_recovery_limit(d->rproc, 3, 60000), 0);
	for (i = 0; i < 3; i++) {
		crash_and_wait(d);
		assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	}
	/* The 4th crash within the window: not recovered, one clear line. */
	d->nlines = 0;
	crash_and_wait(d);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_CRASHED);
	rproc_get_stats(d->rproc, &st);
	assert_int_equal(st.crashes, 4);
	assert_int_equal(st.recoveries, 3);
	assert_int_equal(lines_with(d, "crash loop"), 1);
	assert_true(dbl_logged(d, "remoteproc0: m4 crashed again after 3 recoveries within "
				  "60000 ms: crash loop, recovery stopped, it stays crashed"));
	/* Further reports change nothing and log no more. */
	crash_and_wait(d);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_CRASHED);
	assert_int_equal(lines_with(d, "crash loop"), 1);
	/* A manual recovery goes on and starts the count again. */
	assert_int_equal(rproc_recover(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	for (i = 0; i < 3; i++)
		crash_and_wait(d);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	dbl_free(d);
}

static void test_crash_loop_limit_window_and_settings(void **state)
{
	struct dbl *d = booted_running();
	unsigned int i;

	(void)state;
	/* The default is a limit (not Linux's endless loop), generous enough for real crashes. */
	assert_int_equal(d->rproc->recovery_limit, RPROC_RECOVERY_LIMIT_DEFAULT);
	assert_int_equal(d->rproc->recovery_window_ms, RPROC_RECOVERY_WINDOW_MS_DEFAULT);
	assert_int_equal(rproc_set_recovery_limit(d->rproc, RPROC_RECOVERY_LIMIT_MAX + 1, 1000),
			 -EINVAL);
	assert_int_equal(rproc_set_recovery_limit(d->rproc, 2, 0), -EINVAL);
	/* Crashes further apart than the window never reach the limit. */
	assert_int_equal(rproc_set_recovery_limit(d->rproc, 1, 50), 0);
	for (i = 0; i < 3; i++) {
		usleep(120 * 1000);
		crash_and_wait(d);
		assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	}
	/* No limit: Linux's behaviour, every crash recovered. */
	assert_int_equal(rproc_set_recovery_limit(d->rproc, 0, 0), 0);
	for (i = 0; i < 20; i++)
		crash_and_wait(d);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	/* A stop starts the count again. */
	assert_int_equal(rproc_set_recovery_limit(d->rproc, 1, 60000), 0);
	crash_and_wait(d);
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_int_equal(rproc_boot(d->rproc), 0);
	crash_and_wait(d);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	dbl_free(d);
}

/* A start that "faults at once": the crash is reported before start returns. */
static int start_and_fault(struct rproc *rproc, struct rpt_error *err)
{
	int ret = dbl_ops.start(rproc, err);

	rproc_report_crash(rproc, RPROC_MMUFAULT);
	return ret;
}

static void test_reported_crash_never_reads_running(void **state)
{
	struct rproc_ops ops = dbl_ops;
	struct dbl *d;
	unsigned int i;

	(void)state;
	ops.start = start_and_fault;
	d = dbl_new_ops(true, &ops);
	dbl_add(d);
	rproc_set_recovery(d->rproc, false);
	for (i = 0; i < 50; i++) {
		assert_int_equal(rproc_boot(d->rproc), 0);
		/* Before or after the worker handled it: crashed, never running. */
		assert_int_equal(rproc_get_state(d->rproc), RPROC_CRASHED);
		rproc_flush_crash_work(d->rproc);
		assert_int_equal(rproc_get_state(d->rproc), RPROC_CRASHED);
		assert_int_equal(rproc_shutdown(d->rproc), 0);
	}
	dbl_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_running_at_add_is_attached),
		cmocka_unit_test(test_detached_without_auto_boot_waits_for_start),
		cmocka_unit_test(test_stop_attached_releases_what_it_runs),
		cmocka_unit_test(test_detach_restores_the_table_and_reattaches),
		cmocka_unit_test(test_detach_of_a_booted_processor_refused),
		cmocka_unit_test(test_crash_loop_limit),
		cmocka_unit_test(test_crash_loop_limit_window_and_settings),
		cmocka_unit_test(test_reported_crash_never_reads_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
