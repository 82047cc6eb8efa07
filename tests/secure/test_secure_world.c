// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure world assembly (src/secure/world), as rproc-teed and the
 * in-process board both use it: what it refuses, the one demo-key warning
 * whatever brought the key in, the boot loader's start, the cores' events by
 * rproc id with the one set of "injected ..." reasons, and the mailbox of a
 * world without cores.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board/board_dt.h"
#include "coproc/coproc.h"
#include "demo_sign.h"
#include "rprocd_fixture.h"
#include "normal/drivers/stm32_ipcc.h"
#include "secure/world/secure_world.h"
#include "testutil.h"

#define TEE_BOARD "boards/vstm32mp15-m4-tee.dts"
#define ELF_BOARD "boards/vstm32mp15-m4.dts"
#define DEMO_WARN "PUBLISHED TEST-ONLY demo key"
#define WAIT_MS	  20000

/* What the world said and what its cores told, captured. */
static struct {
	pthread_mutex_t lock; /* guards everything below (cores report on their threads) */
	char log[16 << 10];   /* every line, one per line */
	size_t log_len;	      /* bytes in log */
	unsigned int warns;   /* lines at RPT_LOG_WARN */
	unsigned int crashes; /* crash events */
	uint32_t crash_id;    /* rproc id of the last one */
	int crash_type;	      /* its type */
	char crash_why[128];  /* its reason */
	unsigned int kicks;   /* doorbell events */
} cap = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void capture(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	pthread_mutex_lock(&cap.lock);
	rpt_log_append(cap.log, sizeof(cap.log), &cap.log_len, line);
	cap.warns += level == RPT_LOG_WARN;
	pthread_mutex_unlock(&cap.lock);
}

static void ev_kick(void *priv, uint32_t rproc_id, uint32_t vq)
{
	(void)priv;
	(void)rproc_id;
	(void)vq;
	pthread_mutex_lock(&cap.lock);
	cap.kicks++;
	pthread_mutex_unlock(&cap.lock);
}

static void ev_crash(void *priv, uint32_t rproc_id, enum rproc_crash_type type, const char *why)
{
	(void)priv;
	pthread_mutex_lock(&cap.lock);
	cap.crashes++;
	cap.crash_id = rproc_id;
	cap.crash_type = type;
	snprintf(cap.crash_why, sizeof(cap.crash_why), "%s", why);
	pthread_mutex_unlock(&cap.lock);
}

static const struct secure_world_events events = {.kick = ev_kick, .crash = ev_crash};

static void cap_reset(void)
{
	pthread_mutex_lock(&cap.lock);
	cap.log[0] = '\0';
	cap.log_len = 0;
	cap.warns = cap.crashes = cap.kicks = 0;
	cap.crash_why[0] = '\0';
	pthread_mutex_unlock(&cap.lock);
}

/* Lines of the captured log holding needle. */
static unsigned int cap_count(const char *needle)
{
	unsigned int n = 0;
	const char *at;

	pthread_mutex_lock(&cap.lock);
	for (at = cap.log; (at = strstr(at, needle)); at += strlen(needle))
		n++;
	pthread_mutex_unlock(&cap.lock);
	return n;
}

static void load(struct board *b, const char *path)
{
	struct rpt_error err = {0};

	if (board_load_file(b, path, &err))
		fail_msg("%s: %s", path, rpt_error_msg(&err));
}

static struct secure_world_config config(struct board *b)
{
	cap_reset();
	return (struct secure_world_config){
		.board = b, .log = capture, .events = &events, .events_priv = NULL};
}

static struct secure_world *world_up(const struct secure_world_config *cfg)
{
	struct rpt_error err = {0};
	struct secure_world *w;

	if (secure_world_create(&w, cfg, &err))
		fail_msg("secure_world_create: %s", rpt_error_msg(&err));
	assert_non_null(w);
	return w;
}

/* A secure world has nothing to do on a board the normal world loads alone: refused. */
static void test_refuses_board_without_tee(void **state)
{
	struct board *b = calloc(1, sizeof(*b));
	struct rpt_error err = {0};
	struct secure_world_config cfg;
	struct secure_world *w = (void *)1;

	(void)state;
	assert_non_null(b);
	load(b, rpt_source_path(ELF_BOARD));
	cfg = config(b);
	assert_int_equal(secure_world_create(&w, &cfg, &err), -EINVAL);
	assert_null(w);
	assert_non_null(strstr(rpt_error_msg(&err), "has no TEE coprocessor"));
	free(b);
}

/* The shipped TEE board trusts the demo key: one warning, at WARN, naming the rproc. */
static void test_demo_key_warned_once(void **state)
{
	struct board *b = calloc(1, sizeof(*b));
	struct secure_world_config cfg;
	struct secure_world *w;

	(void)state;
	assert_non_null(b);
	load(b, rpt_source_path(TEE_BOARD));
	cfg = config(b);
	w = world_up(&cfg);
	assert_int_equal(cap_count(DEMO_WARN), 1);
	assert_int_equal(cap_count("WARNING: rproc 0 trusts the " DEMO_WARN), 1);
	assert_int_equal(cap.warns, 1);
	secure_world_destroy(w);
	free(b);
}

/* No demo key, no warning; the demo key as an extra key (--trust): the same one warning. */
static void test_demo_key_warning_follows_the_key(void **state)
{
	const char *demo_pub = rpt_source_path("keys/demo-test-only.pub.pem");
	struct board *b = calloc(1, sizeof(*b));
	struct secure_world_config cfg;
	struct secure_world *w;

	(void)state;
	assert_non_null(b);
	load(b, rpt_source_path(TEE_BOARD));
	assert_int_equal(b->rprocs[0].policy.num_keys, 1);
	snprintf(b->rprocs[0].policy.trusted_keys[0], BOARD_PATH_MAX, "%s",
		 rpt_vector_path("keys/rsa2048.pub.pem"));
	cfg = config(b);
	w = world_up(&cfg);
	assert_int_equal(cap_count(DEMO_WARN), 0);
	secure_world_destroy(w);

	cfg = config(b);
	cfg.trust = &demo_pub;
	cfg.num_trust = 1;
	w = world_up(&cfg);
	assert_int_equal(cap_count(DEMO_WARN), 1);
	assert_int_equal(cap_count("keys/demo-test-only.pub.pem)"), 1);
	secure_world_destroy(w);
	free(b);
}

/* An extra key that cannot be read: refused, naming it, nothing left up. */
static void test_bad_extra_key_refused(void **state)
{
	const char *bad = "/nonexistent/key.pem";
	struct board *b = calloc(1, sizeof(*b));
	struct rpt_error err = {0};
	struct secure_world_config cfg;
	struct secure_world *w;

	(void)state;
	assert_non_null(b);
	load(b, rpt_source_path(TEE_BOARD));
	cfg = config(b);
	cfg.trust = &bad;
	cfg.num_trust = 1;
	assert_int_not_equal(secure_world_create(&w, &cfg, &err), 0);
	assert_null(w);
	assert_non_null(strstr(rpt_error_msg(&err), "trusted key /nonexistent/key.pem: "));
	free(b);
}

static bool wait_crashes(unsigned int n)
{
	struct timespec ts = {0, 5 * 1000000L};
	unsigned int got;
	int ms;

	for (ms = 0; ms < WAIT_MS; ms += 5) {
		pthread_mutex_lock(&cap.lock);
		got = cap.crashes;
		pthread_mutex_unlock(&cap.lock);
		if (got >= n)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/*
 * The boot loader's firmware runs once the world is up; a crash injected by
 * rproc id comes back as an event with the core's own reason, and the world
 * tells that the core is stopped by it.
 */
static void test_boot_loader_start_and_crash_events(void **state)
{
	struct board *b = calloc(1, sizeof(*b));
	struct secure_world_config cfg;
	struct secure_world *w;
	struct coproc *core;
	char props[700];
	uint32_t type = 99;

	(void)state;
	assert_non_null(b);
	snprintf(props, sizeof(props), "rproc,boot-loader-firmware = \"%s\";",
		 rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf")));
	load(b, board_with("bootloader", props, ""));
	cfg = config(b);
	w = world_up(&cfg);
	assert_int_equal(cap_count("rproc 0: the boot loader started "), 1);
	assert_int_equal(secure_world_core(w, 0, &core), 0);
	assert_non_null(core);
	assert_int_equal(coproc_state(core), COPROC_RUNNING);
	assert_false(secure_world_crashed(w, 0, &type));

	/* Only known ids, known types. */
	assert_int_equal(secure_world_inject_crash(w, 7, RPROC_MMUFAULT), -ENOENT);
	assert_int_equal(secure_world_core(w, 7, &core), -ENOENT);
	assert_int_equal(secure_world_inject_crash(w, 0, 3), -EINVAL);

	assert_int_equal(secure_world_inject_crash(w, 0, RPROC_WATCHDOG), 0);
	assert_true(wait_crashes(1));
	pthread_mutex_lock(&cap.lock);
	assert_int_equal(cap.crash_id, 0);
	assert_int_equal(cap.crash_type, RPROC_WATCHDOG);
	assert_string_equal(cap.crash_why, "injected watchdog expiry");
	pthread_mutex_unlock(&cap.lock);
	assert_true(secure_world_crashed(w, 0, &type));
	assert_int_equal(type, RPROC_WATCHDOG);
	/* The mailbox of a core that no longer runs. */
	assert_int_equal(stm32_ipcc_kick(secure_world_ipcc(w, 0), 0), -RPT_ESTATE);
	secure_world_destroy(w);
	free(b);
}

/* Without cores (rproc-teed --no-coproc): nothing starts, the mailbox is not there. */
static void test_no_cores(void **state)
{
	struct board *b = calloc(1, sizeof(*b));
	struct secure_world_config cfg;
	struct secure_world *w;
	struct coproc *core = (void *)1;
	char props[700];
	uint32_t type;

	(void)state;
	assert_non_null(b);
	snprintf(props, sizeof(props), "rproc,boot-loader-firmware = \"%s\";",
		 rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf")));
	load(b, board_with("bootloader-nocores", props, ""));
	cfg = config(b);
	cfg.no_cores = true;
	w = world_up(&cfg);
	assert_int_equal(cap_count("boot loader"), 0);
	assert_non_null(secure_world_ta(w));
	assert_non_null(secure_world_rproc(w, 0));
	assert_null(secure_world_rproc(w, 7));
	assert_int_equal(secure_world_core(w, 0, &core), -EOPNOTSUPP);
	assert_null(core);
	assert_null(secure_world_ipcc(w, 0));
	assert_int_equal(secure_world_inject_crash(w, 0, RPROC_FATAL_ERROR), -EOPNOTSUPP);
	assert_false(secure_world_crashed(w, 0, &type));
	secure_world_destroy(w);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_board_without_tee),
		cmocka_unit_test(test_demo_key_warned_once),
		cmocka_unit_test(test_demo_key_warning_follows_the_key),
		cmocka_unit_test(test_bad_extra_key_refused),
		cmocka_unit_test(test_boot_loader_start_and_crash_events),
		cmocka_unit_test(test_no_cores),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
