// SPDX-License-Identifier: BSD-2-Clause
/*
 * remoteproc core against the recording ops double: the exact order of the
 * ops in every sequence (classic boot, alternate boot, shutdown, crash and
 * recovery), an injected failure at every step of each (what was done is
 * undone, nothing more), reference counting, names, states and strings.
 */
#include "testutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "normal/core/remoteproc.h"
#include "normal/core/remoteproc_internal.h"
#include "rproc_double.h"

#define CLASSIC_BOOT "sanity_check prepare get_boot_addr parse_fw load find_loaded_rsc_table start"
#define ALT_BOOT     "sanity_check prepare get_boot_addr load get_loaded_rsc_table start"
#define SHUTDOWN     "stop release_fw unprepare"

static struct dbl *booted(bool alt)
{
	struct dbl *d = dbl_new(alt);
	struct tbl t;

	tbl_demo(&t, NULL);
	dbl_set_table(d, t.buf, t.len);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	dbl_clear(d);
	return d;
}

/* Nothing of a boot is left: offline, no reference, no resource, no table. */
static void assert_clean_offline(struct rproc *rproc)
{
	assert_int_equal(rproc_get_state(rproc), RPROC_OFFLINE);
	assert_int_equal(rproc->power, 0);
	assert_null(rproc->rsc);
	assert_null(rproc->cached_table);
	assert_null(rproc->table_ptr);
	assert_false(rproc->prepared);
	assert_false(rproc->fw_loaded);
}

static void assert_last_error(struct rproc *rproc, const char *s)
{
	char buf[RPT_ERROR_MSG_MAX];

	rproc_last_error(rproc, buf, sizeof(buf));
	if (!strstr(buf, s))
		fail_msg("last error \"%s\" does not contain \"%s\"", buf, s);
}

static void test_names_in_registration_order(void **state)
{
	struct dbl *a = dbl_new(false), *b = dbl_new(false);

	(void)state;
	assert_string_equal(a->rproc->dev_name, "remoteproc0");
	assert_string_equal(b->rproc->dev_name, "remoteproc1");
	assert_string_equal(a->rproc->name, "m4");
	dbl_free(a);
	/* The lowest free index is reused, as Linux's IDA does. */
	a = dbl_new(false);
	assert_string_equal(a->rproc->dev_name, "remoteproc0");
	dbl_free(a);
	dbl_free(b);
}

static void test_state_strings(void **state)
{
	(void)state;
	assert_string_equal(rproc_state_string(RPROC_OFFLINE), "offline");
	assert_string_equal(rproc_state_string(RPROC_SUSPENDED), "suspended");
	assert_string_equal(rproc_state_string(RPROC_RUNNING), "running");
	assert_string_equal(rproc_state_string(RPROC_CRASHED), "crashed");
	assert_string_equal(rproc_state_string(RPROC_DELETED), "deleted");
	assert_string_equal(rproc_state_string(RPROC_ATTACHED), "attached");
	assert_string_equal(rproc_state_string(RPROC_DETACHED), "detached");
	assert_string_equal(rproc_state_string(RPROC_LAST), "invalid");
	assert_string_equal(rproc_state_string((enum rproc_state)42), "invalid");
	assert_string_equal(rproc_crash_to_string(RPROC_MMUFAULT), "mmufault");
	assert_string_equal(rproc_crash_to_string(RPROC_WATCHDOG), "watchdog");
	assert_string_equal(rproc_crash_to_string(RPROC_FATAL_ERROR), "fatal error");
	assert_string_equal(rproc_coredump_string(RPROC_COREDUMP_DISABLED), "disabled");
	assert_string_equal(rproc_coredump_string(RPROC_COREDUMP_ENABLED), "enabled");
	assert_string_equal(rproc_coredump_string(RPROC_COREDUMP_INLINE), "inline");
}

static void test_ops_without_load_refused(void **state)
{
	struct rproc_ops no_load = dbl_ops;
	struct rpt_error err = {0};
	struct dbl *d;

	(void)state;
	no_load.load = NULL;
	assert_null(rproc_alloc("m4", &no_load, NULL, NULL, &err));
	assert_non_null(strstr(rpt_error_msg(&err), "without load"));
	/* A driver swapping its ops after alloc is caught at rproc_add too. */
	d = dbl_new(false);
	d->rproc->ops = &no_load;
	rpt_error_clear(&err);
	assert_int_not_equal(rproc_add(d->rproc, &err), 0);
	assert_non_null(strstr(rpt_error_msg(&err), "without load"));
	d->rproc->ops = &dbl_ops;
	dbl_free(d);
}

static void test_classic_boot_order(void **state)
{
	struct dbl *d = dbl_new(false);
	struct tbl t;

	(void)state;
	tbl_demo(&t, NULL);
	dbl_set_table(d, t.buf, t.len);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_string_equal(dbl_calls(d), CLASSIC_BOOT);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	assert_int_equal(d->rproc->bootaddr, 0x1234);
	/* The cache exists and was copied over the loaded table, which is in use. */
	assert_non_null(d->rproc->cached_table);
	assert_ptr_equal(d->rproc->table_ptr, dbl_loaded_table(d));
	assert_memory_equal(dbl_loaded_table(d), d->rproc->cached_table, t.len);
	dbl_free(d);
}

static void test_alt_boot_order(void **state)
{
	struct dbl *d = dbl_new(true);
	struct tbl t;

	(void)state;
	tbl_demo(&t, NULL);
	dbl_set_table(d, t.buf, t.len);
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_string_equal(dbl_calls(d), ALT_BOOT);
	/* No parse_fw, no cache: the loaded table is the one handled and in use. */
	assert_null(d->rproc->cached_table);
	assert_ptr_equal(d->rproc->table_ptr, dbl_loaded_table(d));
	assert_int_equal(d->rproc->table_sz, t.len);
	dbl_free(d);
}

static void test_shutdown_order(void **state)
{
	struct dbl *d;
	bool alt;

	(void)state;
	for (alt = false;; alt = true) {
		d = booted(alt);
		assert_int_equal(rproc_shutdown(d->rproc), 0);
		assert_string_equal(dbl_calls(d), SHUTDOWN);
		assert_clean_offline(d->rproc);
		/* Not running any more: a further shutdown is refused and calls nothing. */
		dbl_clear(d);
		assert_int_equal(rproc_shutdown(d->rproc), -EINVAL);
		assert_string_equal(dbl_calls(d), "");
		/* And it boots again from scratch. */
		assert_int_equal(rproc_boot(d->rproc), 0);
		assert_string_equal(dbl_calls(d), alt ? ALT_BOOT : CLASSIC_BOOT);
		dbl_free(d);
		if (alt)
			break;
	}
}

static void test_power_refcount(void **state)
{
	struct dbl *d = booted(false);

	(void)state;
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_string_equal(dbl_calls(d), ""); /* second boot only counts */
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_string_equal(dbl_calls(d), ""); /* still used by the first booter */
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_string_equal(dbl_calls(d), SHUTDOWN);
	assert_clean_offline(d->rproc);
	dbl_free(d);
}

static void test_firmware_name(void **state)
{
	struct dbl *d = dbl_new(false);
	char name[RPROC_FW_NAME_MAX];

	(void)state;
	dbl_add(d);
	rproc_get_firmware(d->rproc, name, sizeof(name));
	assert_string_equal(name, "rproc-m4-fw");
	assert_int_equal(rproc_set_firmware(d->rproc, "m4-demo.sign\n"), 0);
	rproc_get_firmware(d->rproc, name, sizeof(name));
	assert_string_equal(name, "m4-demo.sign");
	assert_int_equal(rproc_set_firmware(d->rproc, ""), -EINVAL);
	/* A control character would forge a line wherever the name is printed. */
	assert_int_equal(rproc_set_firmware(d->rproc, "a\nremoteproc9 running evil"), -EINVAL);
	assert_int_equal(rproc_set_firmware(d->rproc, "a\tb"), -EINVAL);
	assert_int_equal(rproc_set_firmware(d->rproc, "a\x1b[2Jb"), -EINVAL);
	assert_int_equal(rproc_set_firmware(d->rproc, "a\x7f"), -EINVAL);
	rproc_get_firmware(d->rproc, name, sizeof(name));
	assert_string_equal(name, "m4-demo.sign");
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_int_equal(rproc_set_firmware(d->rproc, "other.sign"), -EBUSY);
	assert_true(dbl_logged(d, "remoteproc0: can't change firmware while running"));
	rproc_get_firmware(d->rproc, name, sizeof(name));
	assert_string_equal(name, "m4-demo.sign");
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_int_equal(rproc_set_firmware(d->rproc, "other.sign"), 0);
	dbl_free(d);
}

/* ---- injected failures in the boot sequences ---- */

struct boot_case {
	const char *op;	     /* op to fail */
	const char *calls;   /* exact ops log */
	const char *message; /* in the last error */
};

static void run_boot_failure(bool alt, const struct boot_case *c)
{
	struct dbl *d = dbl_new(alt);
	struct tbl t;
	char line[128];

	tbl_demo(&t, NULL);
	dbl_set_table(d, t.buf, t.len);
	dbl_add(d);
	dbl_fail(d, c->op, 1);
	assert_int_not_equal(rproc_boot(d->rproc), 0);
	if (strcmp(dbl_calls(d), c->calls))
		fail_msg("%s boot, %s failing: got \"%s\", expected \"%s\"",
			 alt ? "alternate" : "classic", c->op, dbl_calls(d), c->calls);
	assert_clean_offline(d->rproc);
	assert_last_error(d->rproc, c->message);
	snprintf(line, sizeof(line), "remoteproc0: %s", c->message);
	assert_true(dbl_logged(d, line));
	/* Nothing was left behind: the next boot is a normal one. */
	dbl_clear(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_string_equal(dbl_calls(d), alt ? ALT_BOOT : CLASSIC_BOOT);
	dbl_free(d);
}

static void test_classic_boot_failures(void **state)
{
	static const struct boot_case cases[] = {
		{"request_firmware", "", "request_firmware failed: injected"},
		{"sanity_check", "sanity_check", "firmware sanity check failed: injected"},
		{"prepare", "sanity_check prepare", "prepare failed: injected"},
		{"parse_fw", "sanity_check prepare get_boot_addr parse_fw unprepare",
		 "parse_fw (resource table) failed: injected"},
		{"load", "sanity_check prepare get_boot_addr parse_fw load unprepare",
		 "load failed: injected"},
		{"find_loaded_rsc_table",
		 "sanity_check prepare get_boot_addr parse_fw load find_loaded_rsc_table release_fw unprepare",
		 "getting the loaded resource table failed: injected"},
		{"start", CLASSIC_BOOT " release_fw unprepare", "start failed: injected"},
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_boot_failure(false, &cases[i]);
}

static void test_alt_boot_failures(void **state)
{
	static const struct boot_case cases[] = {
		{"request_firmware", "", "request_firmware failed: injected"},
		{"sanity_check", "sanity_check", "firmware sanity check failed: injected"},
		{"prepare", "sanity_check prepare", "prepare failed: injected"},
		{"load", "sanity_check prepare get_boot_addr load unprepare",
		 "load failed: injected"},
		{"get_loaded_rsc_table",
		 "sanity_check prepare get_boot_addr load get_loaded_rsc_table release_fw unprepare",
		 "getting the loaded resource table failed: injected"},
		{"start", ALT_BOOT " release_fw unprepare", "start failed: injected"},
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_boot_failure(true, &cases[i]);
}

/* A table asking for memory that is not there fails the resource step of both boots. */
static void test_resource_failure_unwinds(void **state)
{
	struct dbl *d;
	struct tbl t;
	bool alt;

	(void)state;
	for (alt = false;; alt = true) {
		d = dbl_new(alt);
		tbl_init(&t, 2);
		tbl_carveout(&t, DBL_VBUF_DA, 0x4000, "vdev0buffer");
		tbl_carveout(&t, 0x20000000, 0x1000, "nowhere");
		dbl_set_table(d, t.buf, t.len);
		dbl_add(d);
		assert_int_equal(rproc_boot(d->rproc), -RPT_ERANGE);
		assert_string_equal(
			dbl_calls(d),
			alt ? "sanity_check prepare get_boot_addr load get_loaded_rsc_table release_fw unprepare"
			    : "sanity_check prepare get_boot_addr parse_fw unprepare");
		assert_clean_offline(d->rproc);
		assert_last_error(d->rproc,
				  "resource handling failed: entry 1 (carveout \"nowhere\")");
		assert_true(dbl_logged(d, "remoteproc0: resource handling failed"));
		dbl_free(d);
		if (alt)
			break;
	}
}

static void test_shutdown_stop_failure(void **state)
{
	struct dbl *d = booted(true);

	(void)state;
	dbl_fail(d, "stop", 1);
	assert_int_not_equal(rproc_shutdown(d->rproc), 0);
	assert_string_equal(dbl_calls(d), "stop");
	/* Still running on its loaded table, reference kept: a retry works. */
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	assert_int_equal(d->rproc->power, 1);
	assert_ptr_equal(d->rproc->table_ptr, dbl_loaded_table(d));
	assert_last_error(d->rproc, "stop failed: injected stop failure");
	dbl_clear(d);
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_string_equal(dbl_calls(d), SHUTDOWN);
	assert_clean_offline(d->rproc);
	dbl_free(d);
}

/* ---- crashes ---- */

static void crash_and_wait(struct dbl *d, enum rproc_crash_type type)
{
	rproc_report_crash(d->rproc, type);
	rproc_flush_crash_work(d->rproc);
}

static void test_crash_recovery_order(void **state)
{
	struct rproc_stats st;
	uint8_t *dump;
	size_t len;
	bool alt;
	struct dbl *d;

	(void)state;
	for (alt = false;; alt = true) {
		d = booted(alt);
		assert_int_equal(rproc_get_coredump(d->rproc, &dump, &len), -ENOENT);
		crash_and_wait(d, RPROC_WATCHDOG);
		assert_string_equal(dbl_calls(d),
				    alt ? "stop coredump load get_loaded_rsc_table start"
					: "stop coredump load find_loaded_rsc_table start");
		assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
		assert_true(dbl_logged(d, "remoteproc0: crash detected in m4: type watchdog"));
		assert_true(dbl_logged(d, "remoteproc0: handling crash #1 in m4"));
		assert_true(dbl_logged(d, "remoteproc0: recovering m4"));
		rproc_get_stats(d->rproc, &st);
		assert_int_equal(st.crashes, 1);
		assert_int_equal(st.recoveries, 1);
		assert_int_equal(st.coredumps, 1);
		assert_int_equal(rproc_get_coredump(d->rproc, &dump, &len), 0);
		assert_int_equal(len, 4);
		assert_memory_equal(dump, "DUMP", 4);
		free(dump);
		/* The cache now exists in both cases, and the loaded table is in use. */
		assert_non_null(d->rproc->cached_table);
		assert_ptr_equal(d->rproc->table_ptr, dbl_loaded_table(d));
		dbl_clear(d);
		assert_int_equal(rproc_shutdown(d->rproc), 0);
		assert_string_equal(dbl_calls(d), SHUTDOWN);
		assert_clean_offline(d->rproc);
		dbl_free(d);
		if (alt)
			break;
	}
}

static void test_recovery_disabled(void **state)
{
	struct dbl *d = booted(true);
	struct rproc_stats st;

	(void)state;
	rproc_set_recovery(d->rproc, false);
	assert_false(rproc_recovery_enabled(d->rproc));
	crash_and_wait(d, RPROC_MMUFAULT);
	assert_string_equal(dbl_calls(d), "");
	assert_int_equal(rproc_get_state(d->rproc), RPROC_CRASHED);
	assert_true(dbl_logged(d, "type mmufault"));
	/* Only the first crash is handled. */
	crash_and_wait(d, RPROC_FATAL_ERROR);
	rproc_get_stats(d->rproc, &st);
	assert_int_equal(st.crashes, 1);
	assert_int_equal(st.recoveries, 0);
	/* The user recovers by hand. */
	assert_int_equal(rproc_recover(d->rproc), 0);
	assert_string_equal(dbl_calls(d), "stop coredump load get_loaded_rsc_table start");
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	assert_int_equal(rproc_recover(d->rproc), -EINVAL); /* not crashed any more */
	dbl_free(d);
}

/* Linux recovery_store(): enabling recovery recovers a crashed processor at once. */
static void test_enabling_recovery_recovers(void **state)
{
	bool alt;
	struct dbl *d;
	struct rproc_stats st;

	(void)state;
	for (alt = false;; alt = true) {
		d = booted(alt);
		assert_int_equal(rproc_set_recovery(d->rproc, false), 0);
		crash_and_wait(d, RPROC_WATCHDOG);
		assert_int_equal(rproc_get_state(d->rproc), RPROC_CRASHED);
		assert_int_equal(rproc_set_recovery(d->rproc, false), 0); /* no effect */
		assert_int_equal(rproc_get_state(d->rproc), RPROC_CRASHED);
		assert_string_equal(dbl_calls(d), "");
		assert_int_equal(rproc_set_recovery(d->rproc, true), 0);
		assert_string_equal(dbl_calls(d),
				    alt ? "stop coredump load get_loaded_rsc_table start"
					: "stop coredump load find_loaded_rsc_table start");
		assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
		rproc_get_stats(d->rproc, &st);
		assert_int_equal(st.recoveries, 1);
		/* Enabling it while running does nothing more. */
		dbl_clear(d);
		assert_int_equal(rproc_set_recovery(d->rproc, true), 0);
		assert_string_equal(dbl_calls(d), "");
		/* A recovery that fails is reported to whoever enabled it. */
		assert_int_equal(rproc_set_recovery(d->rproc, false), 0);
		crash_and_wait(d, RPROC_WATCHDOG);
		dbl_clear(d);
		dbl_fail(d, "load", 1);
		assert_int_not_equal(rproc_set_recovery(d->rproc, true), 0);
		assert_int_equal(rproc_get_state(d->rproc), RPROC_OFFLINE);
		assert_true(rproc_recovery_enabled(d->rproc));
		dbl_free(d);
		if (alt)
			break;
	}
}

/* Linux coredump_store(): -EBUSY while crashed, the setting unchanged. */
static void test_coredump_setting_busy_while_crashed(void **state)
{
	struct dbl *d = booted(false);

	(void)state;
	assert_int_equal(rproc_set_coredump(d->rproc, RPROC_COREDUMP_DISABLED), 0);
	assert_int_equal(rproc_set_coredump(d->rproc, (enum rproc_dump_mechanism)7), -EINVAL);
	assert_int_equal(d->rproc->dump_conf, RPROC_COREDUMP_DISABLED);
	rproc_set_recovery(d->rproc, false);
	crash_and_wait(d, RPROC_FATAL_ERROR);
	assert_int_equal(rproc_set_coredump(d->rproc, RPROC_COREDUMP_ENABLED), -EBUSY);
	assert_true(
		dbl_logged(d, "remoteproc0: can't change coredump configuration while crashed"));
	assert_int_equal(d->rproc->dump_conf, RPROC_COREDUMP_DISABLED);
	assert_int_equal(rproc_recover(d->rproc), 0);
	assert_int_equal(rproc_set_coredump(d->rproc, RPROC_COREDUMP_ENABLED), 0);
	assert_int_equal(d->rproc->dump_conf, RPROC_COREDUMP_ENABLED);
	dbl_free(d);
}

/* Linux rproc_boot() while crashed: one more power reference, nothing else. */
static void test_boot_while_crashed_counts(void **state)
{
	struct dbl *d = booted(true);

	(void)state;
	rproc_set_recovery(d->rproc, false);
	crash_and_wait(d, RPROC_MMUFAULT);
	assert_int_equal(rproc_power_refs(d->rproc), 1);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_string_equal(dbl_calls(d), "");
	assert_int_equal(rproc_power_refs(d->rproc), 2);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_CRASHED);
	assert_int_equal(rproc_recover(d->rproc), 0);
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	assert_int_equal(rproc_power_refs(d->rproc), 1);
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_clean_offline(d->rproc);
	dbl_free(d);
}

static void test_crashed_processor_can_be_shut_down(void **state)
{
	struct dbl *d = booted(false);

	(void)state;
	rproc_set_recovery(d->rproc, false);
	crash_and_wait(d, RPROC_WATCHDOG);
	assert_int_equal(rproc_shutdown(d->rproc), 0);
	assert_string_equal(dbl_calls(d), SHUTDOWN);
	assert_clean_offline(d->rproc);
	dbl_free(d);
}

static void test_crash_when_offline_ignored(void **state)
{
	struct dbl *d = dbl_new(false);
	struct rproc_stats st;

	(void)state;
	dbl_add(d);
	crash_and_wait(d, RPROC_WATCHDOG);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_OFFLINE);
	rproc_get_stats(d->rproc, &st);
	assert_int_equal(st.crashes, 0);
	assert_string_equal(dbl_calls(d), "");
	dbl_free(d);
}

/* Issue 10, 3.6: coredumps are off unless asked for, as in Linux. */
static void test_coredump_default_is_disabled(void **state)
{
	struct rpt_error err = {0};
	struct rproc *r = rproc_alloc("m4", &dbl_ops, NULL, NULL, &err);

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->dump_conf, RPROC_COREDUMP_DISABLED);
	rproc_free(r);
}

static void test_coredump_disabled(void **state)
{
	struct dbl *d = booted(false);
	uint8_t *dump;
	size_t len;

	(void)state;
	rproc_set_coredump(d->rproc, RPROC_COREDUMP_DISABLED);
	crash_and_wait(d, RPROC_WATCHDOG);
	assert_string_equal(dbl_calls(d), "stop load find_loaded_rsc_table start");
	assert_int_equal(rproc_get_coredump(d->rproc, &dump, &len), -ENOENT);
	dbl_free(d);
}

/*
 * Issue 10, 3.7 (Linux's RPROC_COREDUMP_INLINE): the recovery waits, between
 * the dump and the load, until the dump is read; reading it does not need the
 * rproc's lock, which the waiting recovery holds.
 */
static void test_coredump_inline_waits_for_read(void **state)
{
	struct dbl *d = booted(true);
	struct rproc_stats st;
	uint8_t *dump = NULL;
	size_t len;
	int i;

	(void)state;
	rproc_set_coredump(d->rproc, RPROC_COREDUMP_INLINE);
	rproc_set_coredump_timeout(d->rproc, 600000); /* never reached: the read ends it */
	rproc_report_crash(d->rproc, RPROC_WATCHDOG);
	for (i = 0; i < 2000 && rproc_get_coredump(d->rproc, &dump, &len); i++)
		usleep(10 * 1000);
	assert_non_null(dump);
	free(dump);
	rproc_flush_crash_work(d->rproc);
	assert_string_equal(dbl_calls(d), "stop coredump load get_loaded_rsc_table start");
	assert_true(dbl_logged(d, "remoteproc0: inline coredump read: recovery goes on"));
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	rproc_get_stats(d->rproc, &st);
	assert_int_equal(st.recoveries, 1);
	dbl_free(d);
}

/* Unread, the inline dump holds the recovery only until the timeout; the dump is kept. */
static void test_coredump_inline_timeout(void **state)
{
	struct dbl *d = booted(true);
	uint8_t *dump;
	size_t len;

	(void)state;
	rproc_set_coredump(d->rproc, RPROC_COREDUMP_INLINE);
	rproc_set_coredump_timeout(d->rproc, 50);
	crash_and_wait(d, RPROC_WATCHDOG);
	assert_true(dbl_logged(d, "inline coredump not read within 50 ms: recovery goes on"));
	assert_string_equal(dbl_calls(d), "stop coredump load get_loaded_rsc_table start");
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	assert_int_equal(rproc_get_coredump(d->rproc, &dump, &len), 0);
	free(dump);
	dbl_free(d);
}

struct recovery_case {
	const char *op; /* op to fail (its call number in the recovery) */
	unsigned int nth;
	const char *calls;	/* exact ops log of the recovery */
	enum rproc_state state; /* where it ends */
};

static void run_recovery_failure(bool alt, const struct recovery_case *c)
{
	struct dbl *d = booted(alt);
	struct rproc_stats st;

	dbl_fail(d, c->op, c->nth);
	crash_and_wait(d, RPROC_FATAL_ERROR);
	if (strcmp(dbl_calls(d), c->calls))
		fail_msg("%s recovery, %s failing: got \"%s\", expected \"%s\"",
			 alt ? "alternate" : "classic", c->op, dbl_calls(d), c->calls);
	assert_int_equal(rproc_get_state(d->rproc), c->state);
	rproc_get_stats(d->rproc, &st);
	if (c->state == RPROC_OFFLINE) {
		assert_clean_offline(d->rproc);
		assert_int_equal(st.failed_recoveries, 1);
		assert_true(dbl_logged(d, "recovery of m4 failed, it is now offline"));
	} else if (c->state == RPROC_CRASHED) {
		assert_int_equal(st.failed_recoveries, 1);
		/* The stop can be retried by hand. */
		dbl_clear(d);
		assert_int_equal(rproc_recover(d->rproc), 0);
		assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	} else {
		assert_int_equal(st.recoveries, 1);
	}
	dbl_free(d);
}

static void test_recovery_failures(void **state)
{
	static const struct recovery_case classic[] = {
		{"stop", 1, "stop", RPROC_CRASHED},
		{"coredump", 1, "stop coredump load find_loaded_rsc_table start", RPROC_RUNNING},
		{"request_firmware", 1, "stop coredump release_fw unprepare", RPROC_OFFLINE},
		{"load", 1, "stop coredump load release_fw unprepare", RPROC_OFFLINE},
		{"find_loaded_rsc_table", 1,
		 "stop coredump load find_loaded_rsc_table release_fw unprepare", RPROC_OFFLINE},
		{"start", 1, "stop coredump load find_loaded_rsc_table start release_fw unprepare",
		 RPROC_OFFLINE},
	};
	static const struct recovery_case alt[] = {
		{"stop", 1, "stop", RPROC_CRASHED},
		{"coredump", 1, "stop coredump load get_loaded_rsc_table start", RPROC_RUNNING},
		{"request_firmware", 1, "stop coredump release_fw unprepare", RPROC_OFFLINE},
		{"load", 1, "stop coredump load release_fw unprepare", RPROC_OFFLINE},
		{"get_loaded_rsc_table", 1,
		 "stop coredump load get_loaded_rsc_table release_fw unprepare", RPROC_OFFLINE},
		{"start", 1, "stop coredump load get_loaded_rsc_table start release_fw unprepare",
		 RPROC_OFFLINE},
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(classic) / sizeof(classic[0]); i++)
		run_recovery_failure(false, &classic[i]);
	for (i = 0; i < sizeof(alt) / sizeof(alt[0]); i++)
		run_recovery_failure(true, &alt[i]);
}

static void *crash_thread(void *arg)
{
	rproc_report_crash(arg, RPROC_WATCHDOG);
	return NULL;
}

static void test_crash_reported_from_another_thread(void **state)
{
	struct dbl *d = booted(true);
	struct rproc_stats st;
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, crash_thread, d->rproc), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	rproc_flush_crash_work(d->rproc);
	rproc_get_stats(d->rproc, &st);
	assert_int_equal(st.crashes, 1);
	assert_int_equal(st.recoveries, 1);
	assert_int_equal(rproc_get_state(d->rproc), RPROC_RUNNING);
	dbl_free(d);
}

static void test_attach_detach(void **state)
{
	struct dbl *d = dbl_new(false);
	struct tbl t;

	(void)state;
	tbl_demo(&t, NULL);
	dbl_set_table(d, t.buf, t.len);
	/* Started by someone else: the firmware and its table are already in memory. */
	memcpy(dbl_loaded_table(d), t.buf, t.len);
	d->rproc->state = RPROC_DETACHED;
	dbl_add(d);
	assert_int_equal(rproc_boot(d->rproc), 0);
	assert_string_equal(dbl_calls(d), "prepare get_loaded_rsc_table attach");
	assert_int_equal(rproc_get_state(d->rproc), RPROC_ATTACHED);
	dbl_clear(d);
	assert_int_equal(rproc_detach(d->rproc), 0);
	assert_string_equal(dbl_calls(d), "detach unprepare");
	assert_int_equal(rproc_get_state(d->rproc), RPROC_DETACHED);
	/* An attach that fails undoes the prepare. */
	dbl_clear(d);
	dbl_fail(d, "attach", 1);
	assert_int_not_equal(rproc_boot(d->rproc), 0);
	assert_string_equal(dbl_calls(d), "prepare get_loaded_rsc_table attach unprepare");
	assert_int_equal(rproc_get_state(d->rproc), RPROC_DETACHED);
	assert_null(d->rproc->rsc);
	dbl_free(d);
}

static void test_free_while_running_shuts_down(void **state)
{
	struct dbl *d = booted(false);
	struct rproc *rproc = d->rproc;

	(void)state;
	assert_int_equal(rproc_boot(rproc), 0); /* two users */
	rproc_del(rproc);
	assert_string_equal(dbl_calls(d), SHUTDOWN);
	assert_int_equal(rproc_get_state(rproc), RPROC_DELETED);
	assert_int_equal(rproc_boot(rproc), -ENODEV);
	dbl_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_in_registration_order),
		cmocka_unit_test(test_state_strings),
		cmocka_unit_test(test_ops_without_load_refused),
		cmocka_unit_test(test_classic_boot_order),
		cmocka_unit_test(test_alt_boot_order),
		cmocka_unit_test(test_shutdown_order),
		cmocka_unit_test(test_power_refcount),
		cmocka_unit_test(test_firmware_name),
		cmocka_unit_test(test_classic_boot_failures),
		cmocka_unit_test(test_alt_boot_failures),
		cmocka_unit_test(test_resource_failure_unwinds),
		cmocka_unit_test(test_shutdown_stop_failure),
		cmocka_unit_test(test_crash_recovery_order),
		cmocka_unit_test(test_recovery_disabled),
		cmocka_unit_test(test_enabling_recovery_recovers),
		cmocka_unit_test(test_coredump_setting_busy_while_crashed),
		cmocka_unit_test(test_boot_while_crashed_counts),
		cmocka_unit_test(test_crashed_processor_can_be_shut_down),
		cmocka_unit_test(test_crash_when_offline_ignored),
		cmocka_unit_test(test_coredump_default_is_disabled),
		cmocka_unit_test(test_coredump_disabled),
		cmocka_unit_test(test_coredump_inline_waits_for_read),
		cmocka_unit_test(test_coredump_inline_timeout),
		cmocka_unit_test(test_recovery_failures),
		cmocka_unit_test(test_crash_reported_from_another_thread),
		cmocka_unit_test(test_attach_detach),
		cmocka_unit_test(test_free_while_running_shuts_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
