// SPDX-License-Identifier: BSD-2-Clause
/*
 * Crash storm: the crashy demo firmware (firmware/, -DFW_CRASHY) makes a bad
 * memory access 10 ms after every start, so with recovery enabled the TEE
 * board crashes and recovers (stop, coredump, TA re-authentication, start)
 * over and over, for RPT_STORM_SECONDS of wall time (default 60).
 *
 * First half with coredumps enabled (set explicitly: the default is
 * disabled, as in Linux), second half with coredumps disabled. Checked: every crash of the storm recovered
 * (recoveries == crashes, no failed recovery), every crash the core reported
 * was handled, each was the firmware's own bad access, a dump was taken for
 * each crash of the first half and none in the second, the processor is
 * running at the end; and between a measurement after a warm-up and one after
 * the storm (both with the processor stopped): the same descriptors and
 * threads, no heap growth beyond a few bytes per crash, a bounded RSS.
 */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/file_io.h"
#include "demo_sign.h"
#include "testutil.h"
#include "vboard/vboard.h"

#if defined(__SANITIZE_ADDRESS__)
/* From the sanitizer runtime (its header is not installed everywhere). */
size_t __sanitizer_get_current_allocated_bytes(void);
#define STORM_ASAN 1
#else
#define STORM_ASAN 0
#endif

#define TEE_BOARD	"boards/vstm32mp15-m4-tee.dts"
#define CRASHY_ELF	"firmware/rproc-demo-crashy.elf"
#define CRASHY_LINE	"rproc-demo: crashy build"
#define DEFAULT_SECONDS 60
/* Recoveries before the baseline: every lazily made allocation exists by then. */
#define WARMUP_RECOVERIES 50
/* Longest wait for one state change or quiet moment (a recovery takes milliseconds). */
#define WAIT_MS 20000
/*
 * Heap growth allowed between the two measurements (both with the processor
 * offline, so no emulator engine, whose TLB tables come and go, is alive): a
 * fixed slack for what is legitimately live at one and not the other (stdio
 * buffers, the allocator's bookkeeping), plus less than the smallest
 * allocation per crash, so that a leak on the recovery path, which leaks at
 * least that much every time, cannot hide in it.
 */
#define HEAP_SLACK	   (16u << 10)
#define HEAP_PER_CRASH_MAX 8u
/* RSS is coarser (the allocator keeps freed pages, ASan its quarantine): a bound only. */
#define RSS_SLACK (8ul << 20)

/* What the log callback counts (called from the core's and the worker's threads). */
struct storm_log {
	pthread_mutex_t lock;	 /* protects the fields below */
	unsigned long mmufaults; /* "coprocessor crashed (mmufault)" lines: crashes reported */
	unsigned long others;	 /* crashes of any other type (must stay 0) */
	unsigned long failures;	 /* "recovery of ... failed" lines */
	char last_err[512];	 /* the last error line, for failure messages */
};

/* Process resources at one moment (measured with the processor offline). */
struct storm_usage {
	unsigned int fds;     /* open descriptors */
	unsigned int threads; /* threads of this process */
	size_t heap;	      /* bytes allocated and not freed */
	size_t rss;	      /* resident set */
};

/* The processor running, no crash being handled, and the counters at that moment. */
struct storm_snapshot {
	struct rproc_stats stats;
	unsigned long reported; /* crashes the core had reported (log) */
};

static struct storm_log slog = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void count_log(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	pthread_mutex_lock(&slog.lock);
	if (strstr(line, "coprocessor crashed (mmufault)"))
		slog.mmufaults++;
	else if (strstr(line, "coprocessor crashed ("))
		slog.others++;
	if (strstr(line, "recovery of") && strstr(line, "failed"))
		slog.failures++;
	if (level == RPT_LOG_ERR && !strstr(line, "crash") && !strstr(line, "recovering"))
		snprintf(slog.last_err, sizeof(slog.last_err), "%s", line);
	pthread_mutex_unlock(&slog.lock);
	if (getenv("RPT_TEST_VERBOSE"))
		fprintf(stderr, "%s\n", line);
}

static unsigned long reported_crashes(void)
{
	unsigned long n;

	pthread_mutex_lock(&slog.lock);
	n = slog.mmufaults;
	pthread_mutex_unlock(&slog.lock);
	return n;
}

/* Logged recovery failures plus crashes of another type than the firmware's bad access. */
static unsigned long logged_anomalies(void)
{
	unsigned long n;

	pthread_mutex_lock(&slog.lock);
	n = slog.failures + slog.others;
	pthread_mutex_unlock(&slog.lock);
	return n;
}

/* The last error line logged (copied under the lock). */
static const char *last_logged_error(void)
{
	static char copy[sizeof(slog.last_err)];

	pthread_mutex_lock(&slog.lock);
	memcpy(copy, slog.last_err, sizeof(copy));
	pthread_mutex_unlock(&slog.lock);
	return copy[0] ? copy : "none";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static unsigned int storm_seconds(void)
{
	const char *v = getenv("RPT_STORM_SECONDS");
	char *end;
	unsigned long s;

	if (!v || !*v)
		return DEFAULT_SECONDS;
	errno = 0;
	s = strtoul(v, &end, 10);
	if (errno || *end || s < 2 || s > 24ul * 3600)
		fail_msg("RPT_STORM_SECONDS='%s': expected whole seconds, 2 to 86400", v);
	return (unsigned int)s;
}

/* ---- process resources ---- */

static unsigned int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static unsigned int thread_count(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %u", &n) == 1)
			break;
	fclose(f);
	assert_int_not_equal(n, 0);
	return n;
}

/* Bytes the allocator has handed out and not got back (whichever allocator is linked). */
static size_t heap_in_use(void)
{
#if STORM_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

static size_t rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, resident = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lu %lu", &size, &resident), 2);
	fclose(f);
	return resident * (size_t)sysconf(_SC_PAGESIZE);
}

static void usage_now(struct storm_usage *u)
{
	u->fds = fd_count();
	u->threads = thread_count();
	u->heap = heap_in_use();
	u->rss = rss_bytes();
}

/* ---- the board ---- */

static struct vboard *board_up(void)
{
	struct vboard_opts o = {.log = count_log};
	struct rpt_error err = {0};
	struct vboard *vb;

	o.board_path = rpt_source_path(TEE_BOARD);
	if (vboard_create(&vb, &o, &err))
		fail_msg("%s: %s", TEE_BOARD, rpt_error_msg(&err));
	return vb;
}

static bool stats_equal(const struct rproc_stats *a, const struct rproc_stats *b)
{
	return a->crashes == b->crashes && a->recoveries == b->recoveries &&
	       a->failed_recoveries == b->failed_recoveries && a->coredumps == b->coredumps;
}

/*
 * Wait for a moment when the processor runs and no crash is being handled:
 * the state read between two identical stats reads (each crash changes state
 * and counters together under the rproc's lock) says the counters are those
 * of a running processor. A recovery that failed leaves it offline or
 * crashed for good: then this fails.
 */
static void quiet_snapshot(struct rproc *rp, struct storm_snapshot *s)
{
	struct rproc_stats before;
	enum rproc_state st = RPROC_OFFLINE;
	double until = now_s() + WAIT_MS / 1000.0;
	char why[RPT_ERROR_MSG_MAX];

	memset(s, 0, sizeof(*s));
	while (now_s() < until) {
		rproc_get_stats(rp, &before);
		s->reported = reported_crashes();
		st = rproc_get_state(rp);
		rproc_get_stats(rp, &s->stats);
		if (st == RPROC_RUNNING && stats_equal(&before, &s->stats))
			return;
		nap_ms(1);
	}
	rproc_last_error(rp, why, sizeof(why));
	fail_msg("never running and quiet in %d ms: state %s, %u crashes, %u recoveries, %u failed "
		 "(last error: %s; last logged: %s)",
		 WAIT_MS, rproc_state_string(st), s->stats.crashes, s->stats.recoveries,
		 s->stats.failed_recoveries, why, last_logged_error());
}

/* Every crash since `base` recovered, and every crash the core reported handled. */
static void assert_all_recovered(const struct rproc_stats *base, const struct storm_snapshot *s,
				 const char *when)
{
	unsigned int crashes = s->stats.crashes - base->crashes;
	unsigned int recoveries = s->stats.recoveries - base->recoveries;

	if (recoveries != crashes || s->stats.failed_recoveries || logged_anomalies())
		fail_msg("%s: %u crashes, %u recoveries, %u failed recoveries, %lu failed "
			 "recoveries or other crash types logged; last error: %s",
			 when, crashes, recoveries, s->stats.failed_recoveries, logged_anomalies(),
			 last_logged_error());
	/* A crash reported while the snapshot was taken may still be queued: at most one. */
	if (s->reported < s->stats.crashes || s->reported > s->stats.crashes + 1ul)
		fail_msg("%s: the core reported %lu crashes, remoteproc handled %u", when,
			 s->reported, s->stats.crashes);
}

/*
 * Let the storm run until `deadline` (and for a second at least), checking
 * now and then that it still storms.
 */
static void storm_until(struct rproc *rp, double deadline)
{
	double last_change = now_s();
	struct rproc_stats st;
	unsigned int last = 0;

	if (deadline < last_change + 1)
		deadline = last_change + 1;
	while (now_s() < deadline) {
		nap_ms(250);
		rproc_get_stats(rp, &st);
		if (st.crashes != last) {
			last = st.crashes;
			last_change = now_s();
		} else if (now_s() - last_change > WAIT_MS / 1000.0) {
			fail_msg("no crash in %d ms: the storm stopped (state %s, %u crashes)",
				 WAIT_MS, rproc_state_string(rproc_get_state(rp)), st.crashes);
		}
	}
}

/* The last coredump holds the firmware's own words about its bad access. */
static void assert_dump_is_crashy(struct rproc *rp)
{
	uint8_t *dump;
	size_t len;

	assert_int_equal(rproc_get_coredump(rp, &dump, &len), 0);
	assert_non_null(memmem(dump, len, CRASHY_LINE, strlen(CRASHY_LINE)));
	free(dump);
}

static void wait_recoveries(struct rproc *rp, unsigned int n)
{
	double until = now_s() + WAIT_MS / 1000.0;
	struct rproc_stats st;

	do {
		rproc_get_stats(rp, &st);
		if (st.recoveries >= n)
			return;
		nap_ms(5);
	} while (now_s() < until);
	fail_msg("only %u recoveries of %u in %d ms (state %s; last logged: %s)", st.recoveries, n,
		 WAIT_MS, rproc_state_string(rproc_get_state(rp)), slog.last_err);
}

static void assert_no_leak(const struct storm_usage *a, const struct storm_usage *b,
			   unsigned int crashes)
{
	size_t heap_max = a->heap + HEAP_SLACK + (size_t)HEAP_PER_CRASH_MAX * crashes;

	printf("storm: fds %u -> %u, threads %u -> %u, heap %zu -> %zu B (bound %zu), rss %zu -> "
	       "%zu KiB\n",
	       a->fds, b->fds, a->threads, b->threads, a->heap, b->heap, heap_max, a->rss >> 10,
	       b->rss >> 10);
	assert_int_equal(b->fds, a->fds);
	assert_int_equal(b->threads, a->threads);
	if (b->heap > heap_max)
		fail_msg("heap grew by %zu bytes over %u crashes (allowed %u + %u per crash)",
			 b->heap - a->heap, crashes, HEAP_SLACK, HEAP_PER_CRASH_MAX);
	/* ASan's quarantine holds freed memory on purpose: RSS says nothing there. */
	if (!STORM_ASAN && b->rss > a->rss + RSS_SLACK)
		fail_msg("RSS grew from %zu to %zu KiB", a->rss >> 10, b->rss >> 10);
}

/*
 * Stop the storm without a race: with recovery off, the next crash stays.
 * Then every crash the core reported has been handled, and the processor
 * shuts down cleanly (no engine, no crash work left). Recovery is turned back
 * on for the next boot; *st gets the counters.
 */
static void pause_storm(struct rproc *rp, struct rproc_stats *st)
{
	double until = now_s() + WAIT_MS / 1000.0;

	rproc_set_recovery(rp, false);
	while (rproc_get_state(rp) != RPROC_CRASHED && now_s() < until)
		nap_ms(1);
	rproc_flush_crash_work(rp);
	assert_int_equal(rproc_get_state(rp), RPROC_CRASHED);
	rproc_get_stats(rp, st);
	assert_int_equal(st->failed_recoveries, 0);
	assert_int_equal(reported_crashes(), st->crashes);
	assert_int_equal(rproc_shutdown(rp), 0);
	assert_int_equal(rproc_get_state(rp), RPROC_OFFLINE);
	rproc_set_recovery(rp, true);
}

static void test_crash_storm(void **state)
{
	unsigned int seconds = storm_seconds();
	struct storm_snapshot first, switched, end;
	struct rproc_stats base, fin;
	struct storm_usage u0, u1;
	struct vboard *vb;
	struct rproc *rp;
	double t0;

	(void)state;
	vb = board_up();
	rp = vboard_proc_rproc(vboard_proc(vb, 0));
	assert_true(rproc_recovery_enabled(rp));
	assert_int_equal(rp->dump_conf, RPROC_COREDUMP_DISABLED); /* the default, as Linux */
	rproc_set_coredump(rp, RPROC_COREDUMP_ENABLED);
	/*
	 * The storm measures the recovery path itself, every crash recovered:
	 * Linux's endless recovery, not the crash-loop limit (which would stop
	 * it after RPROC_RECOVERY_LIMIT_DEFAULT recoveries; tests/tools covers it).
	 */
	assert_int_equal(rproc_set_recovery_limit(rp, 0, 0), 0);
	assert_int_equal(
		rproc_set_firmware(rp, rpt_sign_with_demo_key(rpt_binary_path(CRASHY_ELF))), 0);

	/* Warm-up, then the baseline with the processor offline. */
	assert_int_equal(rproc_boot(rp), 0);
	wait_recoveries(rp, WARMUP_RECOVERIES);
	pause_storm(rp, &base);
	usage_now(&u0);

	/* First half: coredumps enabled: one per crash. */
	t0 = now_s();
	assert_int_equal(rproc_boot(rp), 0);
	storm_until(rp, t0 + seconds / 2.0);
	quiet_snapshot(rp, &first);
	assert_all_recovered(&base, &first, "first half (coredump enabled)");
	assert_int_equal(first.stats.coredumps - base.coredumps,
			 first.stats.crashes - base.crashes);
	assert_dump_is_crashy(rp);

	/* Second half: coredumps disabled: not one more after the switch. */
	rproc_set_coredump(rp, RPROC_COREDUMP_DISABLED);
	quiet_snapshot(rp, &switched);
	storm_until(rp, t0 + seconds);
	quiet_snapshot(rp, &end);
	assert_all_recovered(&base, &end, "end (coredump disabled)");
	assert_int_equal(end.stats.coredumps, switched.stats.coredumps);
	assert_true(end.stats.crashes > switched.stats.crashes);
	assert_int_equal(rproc_get_state(rp), RPROC_RUNNING);
	printf("storm: %.1f s, %u crashes, all recovered, %u coredumps (first half), last "
	       "recovery %.2f ms\n",
	       now_s() - t0, end.stats.crashes - base.crashes,
	       switched.stats.coredumps - base.coredumps, end.stats.last_recovery_us / 1000.0);

	/* The same resources as after the warm-up, again with the processor offline. */
	pause_storm(rp, &fin);
	usage_now(&u1);
	assert_no_leak(&u0, &u1, fin.crashes - base.crashes);
	vboard_destroy(vb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_storm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
