// SPDX-License-Identifier: BSD-2-Clause
/*
 * rpmsg through the real bus (src/normal/rpmsg) and the demo firmware's
 * "rpmsg-ping" echo channel on the built-in virtual board, against a
 * baseline measured in the same run: a Unix-socket (SOCK_SEQPACKET)
 * ping-pong between two host threads with the same 496-byte payload
 * (RPMSG_MAX_PAYLOAD, one full 512-byte buffer).
 *
 * Two figures each:
 *   - round trip: one message out, wait for its echo, RT_RUNS times (after
 *     RT_WARMUP untimed): median and 99th percentile;
 *   - throughput: TP_MSGS echoes with up to TP_WINDOW messages in flight
 *     (the sender blocks when the bus has no free transmit buffer): echoed
 *     messages per second.
 * Every echo is checked against what was sent (a sequence number in the
 * payload), so a lost, duplicated or corrupted message fails the bench.
 *
 * usage: bench_rpmsg SOURCE_DIR BUILD_DIR; prints "key value unit" lines for
 * scripts/bench. A part that cannot run prints its keys as "n/a" with the
 * reason on stderr, and the bench exits 1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "normal/rpmsg/virtio_rpmsg.h"
#include "vboard/vboard.h"

#define PAYLOAD	   RPMSG_MAX_PAYLOAD /* 496 bytes */
#define RT_WARMUP  200		     /* round trips before timing */
#define RT_RUNS	   5000		     /* timed round trips */
#define TP_MSGS	   100000	     /* messages echoed in the throughput run */
#define TP_WINDOW  64		     /* messages in flight at most */
#define UP_TIMEOUT 10000	     /* ms: boot -> DRIVER_OK -> "rpmsg-ping" announced */
#define RX_TIMEOUT 10		     /* s: an echo that does not come in this fails the bench */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n sorted values, nearest rank. */
static double quantile(const double *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n + 0.5);

	if (i >= n)
		i = n - 1;
	return v[i];
}

/* A payload carrying its sequence number (the rest a pattern of it). */
static void fill(uint8_t *buf, uint32_t seq)
{
	size_t i;

	memcpy(buf, &seq, sizeof(seq));
	for (i = sizeof(seq); i < PAYLOAD; i++)
		buf[i] = (uint8_t)(seq * 31u + i);
}

static bool check(const uint8_t *buf, size_t len, uint32_t seq)
{
	uint8_t want[PAYLOAD];

	fill(want, seq);
	return len == PAYLOAD && !memcmp(buf, want, PAYLOAD);
}

struct figures {
	double rt_median_us;	/* round trip, median */
	double rt_p99_us;	/* round trip, 99th percentile */
	double msgs_per_s;	/* echoes per second, TP_WINDOW in flight */
	double rt_cpu_us;	/* CPU time of the whole process per round trip (all threads) */
	double tp_cpu_us;	/* the same per message of the throughput run */
	unsigned long waits;	/* rpmsg: sends that waited for a free transmit buffer */
	unsigned long kicks_in; /* rpmsg: kicks from the firmware, whole run */
};

static void report(const char *tag, const struct figures *f)
{
	if (!f) {
		printf("%s_rt_median_us n/a\n%s_rt_p99_us n/a\n%s_msgs_per_s n/a\n"
		       "%s_rt_cpu_us n/a\n%s_tp_cpu_us n/a\n",
		       tag, tag, tag, tag, tag);
		return;
	}
	printf("%s_rt_median_us %.2f us\n", tag, f->rt_median_us);
	printf("%s_rt_p99_us %.2f us\n", tag, f->rt_p99_us);
	printf("%s_msgs_per_s %.0f msg/s\n", tag, f->msgs_per_s);
	printf("%s_rt_cpu_us %.2f us\n", tag, f->rt_cpu_us);
	printf("%s_tp_cpu_us %.2f us\n", tag, f->tp_cpu_us);
}

/* ---- baseline: two host threads over a Unix SOCK_SEQPACKET pair ---- */

static void *unix_echo(void *arg)
{
	int fd = *(int *)arg;
	uint8_t buf[PAYLOAD];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
			break;
	return NULL;
}

static int bench_unix(struct figures *f)
{
	static double rt[RT_RUNS];
	uint8_t out[PAYLOAD], in[PAYLOAD];
	pthread_t echo;
	int sv[2], i, ret = -1;
	double t0, c0 = 0;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		perror("bench_rpmsg: socketpair");
		return -1;
	}
	if (pthread_create(&echo, NULL, unix_echo, &sv[1])) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	for (i = -RT_WARMUP; i < RT_RUNS; i++) {
		if (!i)
			c0 = bench_process_cpu();
		fill(out, (uint32_t)i);
		t0 = bench_now();
		if (send(sv[0], out, PAYLOAD, MSG_NOSIGNAL) != PAYLOAD)
			goto out;
		n = recv(sv[0], in, sizeof(in), 0);
		if (n < 0 || !check(in, (size_t)n, (uint32_t)i))
			goto out;
		if (i >= 0)
			rt[i] = bench_now() - t0;
	}
	f->rt_cpu_us = (bench_process_cpu() - c0) / RT_RUNS * 1e6;
	qsort(rt, RT_RUNS, sizeof(rt[0]), cmp_double);
	f->rt_median_us = quantile(rt, RT_RUNS, 0.5) * 1e6;
	f->rt_p99_us = quantile(rt, RT_RUNS, 0.99) * 1e6;

	/* Throughput: TP_WINDOW out, then one more for every echo (same two threads). */
	t0 = bench_now();
	c0 = bench_process_cpu();
	for (i = 0; i < TP_WINDOW + TP_MSGS; i++) {
		if (i >= TP_WINDOW) {
			n = recv(sv[0], in, sizeof(in), 0);
			if (n < 0 || !check(in, (size_t)n, (uint32_t)(i - TP_WINDOW)))
				goto out;
		}
		if (i >= TP_MSGS)
			continue;
		fill(out, (uint32_t)i);
		if (send(sv[0], out, PAYLOAD, MSG_NOSIGNAL) != PAYLOAD)
			goto out;
	}
	f->msgs_per_s = TP_MSGS / (bench_now() - t0);
	f->tp_cpu_us = (bench_process_cpu() - c0) / TP_MSGS * 1e6;
	ret = 0;
out:
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(echo, NULL);
	close(sv[0]);
	close(sv[1]);
	if (ret)
		fprintf(stderr, "bench_rpmsg: the Unix-socket baseline failed\n");
	return ret;
}

/* ---- rpmsg through the bus and the demo firmware's "rpmsg-ping" ---- */

/* What the endpoint's callback (in the firmware's kick) saw. */
struct ping {
	pthread_mutex_t mu; /* guards what follows; with cv */
	pthread_cond_t cv;  /* signalled on every echo */
	uint32_t next;	    /* sequence number the next echo must carry */
	unsigned int got;   /* echoes received in order and intact */
	bool bad;	    /* an echo was lost, duplicated or corrupted */
};

static void ping_cb(void *priv, const void *data, size_t len, uint32_t src)
{
	struct ping *p = priv;

	(void)src;
	pthread_mutex_lock(&p->mu);
	if (check(data, len, p->next)) {
		p->next++;
		p->got++;
	} else {
		p->bad = true;
	}
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Wait until at least `want` echoes came (or one was bad): 0, or -1 (bad, timeout). */
static int ping_wait(struct ping *p, unsigned int want)
{
	struct timespec dl;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += RX_TIMEOUT;
	pthread_mutex_lock(&p->mu);
	while (p->got < want && !p->bad && ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&p->cv, &p->mu, &dl);
	ret = p->got >= want && !p->bad ? 0 : -1;
	pthread_mutex_unlock(&p->mu);
	return ret;
}

static void quiet(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	if (level == RPT_LOG_ERR)
		fprintf(stderr, "%s\n", line);
}

/* The firmware's "rpmsg-ping" address once announced (polls): 0, or -ETIMEDOUT. */
static int find_ping(struct virtio_rpmsg *bus, uint32_t *dst)
{
	struct rpmsg_channel_info ch[16];
	double t0 = bench_now();
	size_t n, i;

	while (bench_now() - t0 < UP_TIMEOUT / 1e3) {
		n = virtio_rpmsg_channels(bus, ch, 16);
		for (i = 0; i < n && i < 16; i++) {
			if (!strcmp(ch[i].name, "rpmsg-ping")) {
				*dst = ch[i].dst;
				return 0;
			}
		}
		usleep(1000);
	}
	return -ETIMEDOUT;
}

static int ping_runs(struct rpmsg_endpoint *ept, uint32_t dst, struct ping *p, struct figures *f)
{
	static double rt[RT_RUNS];
	struct rpt_error err = {0};
	uint8_t out[PAYLOAD];
	unsigned int sent = 0;
	double t0, c0 = 0;
	int i;

	for (i = -RT_WARMUP; i < RT_RUNS; i++, sent++) {
		if (!i)
			c0 = bench_process_cpu();
		fill(out, sent);
		t0 = bench_now();
		if (rpmsg_sendto(ept, dst, out, PAYLOAD, RX_TIMEOUT * 1000, &err)) {
			fprintf(stderr, "bench_rpmsg: send: %s\n", rpt_error_msg(&err));
			return -1;
		}
		if (ping_wait(p, sent + 1)) {
			fprintf(stderr, "bench_rpmsg: echo %u lost or wrong\n", sent);
			return -1;
		}
		if (i >= 0)
			rt[i] = bench_now() - t0;
	}
	f->rt_cpu_us = (bench_process_cpu() - c0) / RT_RUNS * 1e6;
	qsort(rt, RT_RUNS, sizeof(rt[0]), cmp_double);
	f->rt_median_us = quantile(rt, RT_RUNS, 0.5) * 1e6;
	f->rt_p99_us = quantile(rt, RT_RUNS, 0.99) * 1e6;

	/* Throughput: the window, and the bus's own wait for a free transmit buffer. */
	t0 = bench_now();
	c0 = bench_process_cpu();
	for (i = 0; i < TP_MSGS; i++, sent++) {
		if (sent >= TP_WINDOW && ping_wait(p, sent - TP_WINDOW + 1)) {
			fprintf(stderr, "bench_rpmsg: echo %u lost or wrong\n", sent - TP_WINDOW);
			return -1;
		}
		fill(out, sent);
		if (rpmsg_sendto(ept, dst, out, PAYLOAD, RX_TIMEOUT * 1000, &err)) {
			fprintf(stderr, "bench_rpmsg: send: %s\n", rpt_error_msg(&err));
			return -1;
		}
	}
	if (ping_wait(p, sent)) {
		fprintf(stderr, "bench_rpmsg: the last echoes did not come\n");
		return -1;
	}
	f->msgs_per_s = TP_MSGS / (bench_now() - t0);
	f->tp_cpu_us = (bench_process_cpu() - c0) / TP_MSGS * 1e6;
	return 0;
}

static int bench_rpmsg(const char *src, const char *build, struct figures *f)
{
	struct ping p = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	struct vboard_opts o = {.log = quiet};
	struct rpt_error err = {0};
	struct rpmsg_endpoint *ept = NULL;
	struct virtio_rpmsg_stats st;
	struct virtio_rpmsg *bus;
	struct vboard *vb = NULL;
	char board[4096], fw[4096];
	struct rproc *rp;
	uint32_t dst;
	int ret = -1;

	/* The product's path: the signed demo firmware, booted through the TA. */
	snprintf(board, sizeof(board), "%s/boards/vstm32mp15-m4-tee.dts", src);
	snprintf(fw, sizeof(fw), "%s/firmware/rproc-demo.sign", build);
	o.board_path = board;
	if (vboard_create(&vb, &o, &err)) {
		fprintf(stderr, "bench_rpmsg: board: %s\n", rpt_error_msg(&err));
		return -1;
	}
	rp = vboard_proc_rproc(vboard_proc(vb, 0));
	bus = vboard_proc_rpmsg(vboard_proc(vb, 0));
	if (!bus) {
		fprintf(stderr, "bench_rpmsg: the processor has no rpmsg bus\n");
		goto out;
	}
	rproc_set_firmware(rp, fw);
	if (rproc_boot(rp)) {
		fprintf(stderr, "bench_rpmsg: boot failed\n");
		goto out;
	}
	if (virtio_rpmsg_wait_up(bus, UP_TIMEOUT)) {
		fprintf(stderr, "bench_rpmsg: the rpmsg device is not up within %u ms\n",
			UP_TIMEOUT);
		goto down;
	}
	if (find_ping(bus, &dst)) {
		fprintf(stderr,
			"bench_rpmsg: the device is up but the firmware announced no "
			"\"rpmsg-ping\" channel within %u ms (%zu channels)\n",
			UP_TIMEOUT, virtio_rpmsg_channels(bus, NULL, 0));
		goto down;
	}
	ept = rpmsg_create_ept(bus, RPMSG_ADDR_ANY, ping_cb, &p, &err);
	if (!ept) {
		fprintf(stderr, "bench_rpmsg: endpoint: %s\n", rpt_error_msg(&err));
		goto down;
	}
	ret = ping_runs(ept, dst, &p, f);
	virtio_rpmsg_get_stats(bus, &st);
	f->waits = st.tx_waits;
	f->kicks_in = st.kicks_in;
	rpmsg_destroy_ept(ept);
down:
	rproc_shutdown(rp);
out:
	vboard_destroy(vb);
	return ret;
}

int main(int argc, char **argv)
{
	struct figures u = {0}, r = {0};
	int ok_u, ok_r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SOURCE_DIR BUILD_DIR\n", argv[0]);
		return 2;
	}
	ok_u = bench_unix(&u) == 0;
	report("unix", ok_u ? &u : NULL);
	fflush(stdout);
	ok_r = bench_rpmsg(argv[1], argv[2], &r) == 0;
	report("rpmsg", ok_r ? &r : NULL);
	if (ok_r)
		printf("rpmsg_sent %u msgs\nrpmsg_tx_waits %lu sends\nrpmsg_kicks_in %lu kicks\n",
		       RT_WARMUP + RT_RUNS + TP_MSGS, r.waits, r.kicks_in);
	return ok_u && ok_r ? 0 : 1;
}
