// SPDX-License-Identifier: BSD-2-Clause
/*
 * The demo firmware talks rpmsg on the virtual board (issue 14), with the
 * secure world in this process and in rproc-teed (VBOARD_TEE_SOCKET: the
 * vrings and buffers are the daemon's shared memories mapped here, kicks
 * cross the hardware channel): after the boot its channels "rpmsg-tty" and
 * "rpmsg-ping" appear on the bus of vdev 0, a message sent to each comes
 * back (echo), an injected crash takes the channels away and the recovered
 * firmware announces them again, and a shutdown removes them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normal/rpmsg/virtio_rpmsg.h"
#include "split_fixture.h"
#include "testutil.h"
#include "vboard/vboard.h"

#define TEE_BOARD "boards/vstm32mp15-m4-tee.dts"
#define ELF_BOARD "boards/vstm32mp15-m4.dts" /* classic boot: the normal world loads the ELF */
#define WAIT_MS	  20000

/* One board under test, its log, and what the bus told us. */
struct world {
	struct split sys;  /* rproc-teed (socket mode only) */
	struct vboard *vb; /* the board */
	struct rproc *rp;  /* its processor */
	struct virtio_rpmsg *bus;
	pthread_mutex_t lock; /* protects everything below */
	pthread_cond_t cond;  /* broadcast at every echo */
	char log[64 << 10];   /* every message, one per line */
	size_t log_len;
	unsigned int adds, removes; /* listener calls */
	char echo[RPMSG_MAX_PAYLOAD + 1];
	uint32_t echo_src;
	unsigned int echoes;
};

static struct world w;

static void capture(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	(void)level;
	pthread_mutex_lock(&w.lock);
	rpt_log_append(w.log, sizeof(w.log), &w.log_len, line);
	pthread_mutex_unlock(&w.lock);
}

static void ch_add(void *priv, const struct rpmsg_channel_info *ch)
{
	(void)priv;
	(void)ch;
	pthread_mutex_lock(&w.lock);
	w.adds++;
	pthread_mutex_unlock(&w.lock);
}

static void ch_remove(void *priv, const struct rpmsg_channel_info *ch)
{
	(void)priv;
	(void)ch;
	pthread_mutex_lock(&w.lock);
	w.removes++;
	pthread_mutex_unlock(&w.lock);
}

static const struct virtio_rpmsg_listener listener = {.channel_add = ch_add,
						      .channel_remove = ch_remove};

static void rx(void *priv, const void *data, size_t len, uint32_t src)
{
	(void)priv;
	pthread_mutex_lock(&w.lock);
	memcpy(w.echo, data, len);
	w.echo[len] = '\0';
	w.echo_src = src;
	w.echoes++;
	pthread_cond_broadcast(&w.cond);
	pthread_mutex_unlock(&w.lock);
}

static unsigned int locked(const unsigned int *v)
{
	unsigned int n;

	pthread_mutex_lock(&w.lock);
	n = *v;
	pthread_mutex_unlock(&w.lock);
	return n;
}

static void nap_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* The channel called name, once the firmware announced it (fails the test after WAIT_MS). */
static struct rpmsg_channel_info wait_channel(const char *name)
{
	struct rpmsg_channel_info chs[8];
	size_t n, i;
	int ms;

	for (ms = 0; ms < WAIT_MS; ms += 5) {
		n = virtio_rpmsg_channels(w.bus, chs, 8);
		for (i = 0; i < n && i < 8; i++)
			if (!strcmp(chs[i].name, name))
				return chs[i];
		nap_ms(5);
	}
	fail_msg("no channel %s in %d ms (bus state %d)\n%s", name, WAIT_MS,
		 (int)virtio_rpmsg_state(w.bus), w.log);
	return chs[0];
}

/* Send text to the channel and wait for the same text back from it. */
static void echo(struct rpmsg_endpoint *ept, const struct rpmsg_channel_info *ch, const char *text)
{
	struct rpt_error err = {0};
	struct timespec until;
	unsigned int before = locked(&w.echoes);
	int ret = 0;

	if (rpmsg_sendto(ept, ch->dst, text, strlen(text), WAIT_MS, &err))
		fail_msg("send to %s: %s", ch->name, rpt_error_msg(&err));
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&w.lock);
	while (w.echoes == before && ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&w.cond, &w.lock, &until);
	if (w.echoes == before) {
		pthread_mutex_unlock(&w.lock);
		fail_msg("no echo from %s in %d ms\n%s", ch->name, WAIT_MS, w.log);
	}
	assert_string_equal(w.echo, text);
	assert_int_equal(w.echo_src, ch->dst);
	pthread_mutex_unlock(&w.lock);
}

static void board_up_on(enum vboard_tee tee, const char *board, const char *fw)
{
	struct vboard_opts o = {.log = capture, .board_path = rpt_source_path(board), .tee = tee};
	struct rpt_error err = {0};

	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	if (tee == VBOARD_TEE_SOCKET) {
		split_init(&w.sys, "rpmsg");
		split_teed_start(&w.sys, TEE_BOARD, NULL, NULL);
		o.tee_path = w.sys.teed_sock;
	}
	if (vboard_create(&w.vb, &o, &err))
		fail_msg("vboard_create: %s", rpt_error_msg(&err));
	w.rp = vboard_proc_rproc(vboard_proc(w.vb, 0));
	w.bus = vboard_proc_rpmsg(vboard_proc(w.vb, 0));
	assert_non_null(w.bus);
	virtio_rpmsg_set_listener(w.bus, &listener, NULL);
	assert_int_equal(rproc_set_firmware(w.rp, rpt_binary_path(fw)), 0);
}

static void board_up(enum vboard_tee tee)
{
	board_up_on(tee, TEE_BOARD, "firmware/rproc-demo.sign");
}

static void board_down(enum vboard_tee tee)
{
	vboard_destroy(w.vb);
	if (tee == VBOARD_TEE_SOCKET)
		split_stop(&w.sys.teed);
	pthread_cond_destroy(&w.cond);
	pthread_mutex_destroy(&w.lock);
}

static void talk_on(enum vboard_tee tee, const char *board, const char *fw)
{
	struct rpmsg_channel_info tty, ping;
	struct rpt_error err = {0};
	struct rpmsg_endpoint *ept;
	struct rproc_stats st;
	char why[RPT_ERROR_MSG_MAX];
	int ms;

	board_up_on(tee, board, fw);
	assert_int_equal(virtio_rpmsg_state(w.bus), VIRTIO_RPMSG_DOWN);
	if (rproc_boot(w.rp)) {
		rproc_last_error(w.rp, why, sizeof(why));
		fail_msg("boot: %s\n%s", why, w.log);
	}
	assert_int_equal(virtio_rpmsg_wait_up(w.bus, WAIT_MS), 0);
	tty = wait_channel("rpmsg-tty");
	ping = wait_channel("rpmsg-ping");
	assert_true(tty.dst >= RPMSG_FIRST_HOST_ADDR);
	ept = rpmsg_create_ept(w.bus, RPMSG_ADDR_ANY, rx, NULL, &err);
	assert_non_null(ept);
	echo(ept, &tty, "hello");
	echo(ept, &ping, "ping 1");
	echo(ept, &tty, "hello again");

	/* A crash: the channels go, the recovered firmware announces them again. */
	assert_int_equal(vboard_inject_crash(vboard_proc(w.vb, 0), RPROC_MMUFAULT), 0);
	for (ms = 0;; ms += 5) {
		rproc_get_stats(w.rp, &st);
		if (st.recoveries == 1)
			break;
		if (ms > WAIT_MS)
			fail_msg("not recovered in %d ms\n%s", WAIT_MS, w.log);
		nap_ms(5);
	}
	assert_true(locked(&w.removes) >= 2);
	tty = wait_channel("rpmsg-tty");
	ping = wait_channel("rpmsg-ping");
	echo(ept, &tty, "after the crash");
	echo(ept, &ping, "ping 2");

	/* Shutdown: every channel added was removed once; nothing broke. */
	assert_int_equal(rproc_shutdown(w.rp), 0);
	assert_int_equal(virtio_rpmsg_channels(w.bus, NULL, 0), 0);
	assert_int_equal(locked(&w.adds), locked(&w.removes));
	assert_null(strstr(w.log, "rpmsg device broken"));
	assert_int_equal(rpmsg_sendto(ept, tty.dst, "x", 1, 0, &err), -ENOTCONN);
	rpmsg_destroy_ept(ept);
	board_down(tee);
}

/*
 * Firmware memory written as a hostile firmware would (vring0's used.idx
 * jumping far ahead): the bus is broken with one error line naming the
 * field, its channels go, the processor runs on; a restart brings it all back.
 */
static void test_hostile_ring(void **state)
{
	struct rproc_vdev_info info;
	struct rpmsg_channel_info tty;
	struct rpt_error err = {0};
	struct rpmsg_endpoint *ept;
	char why[RPT_ERROR_MSG_MAX];
	uint8_t *used_idx;
	const char *hit;
	int ms;

	(void)state;
	board_up(VBOARD_TEE_INPROC);
	assert_int_equal(rproc_boot(w.rp), 0);
	assert_int_equal(virtio_rpmsg_wait_up(w.bus, WAIT_MS), 0);
	tty = wait_channel("rpmsg-tty");
	ept = rpmsg_create_ept(w.bus, RPMSG_ADDR_ANY, rx, NULL, &err);
	echo(ept, &tty, "before");
	/* vring0 of vdev 0: num 8, align 16 in the demo: used ring at 160, its idx at 162. */
	pthread_mutex_lock(&w.rp->lock);
	assert_int_equal(rproc_vdev_info(w.rp, 0, &info), 0);
	pthread_mutex_unlock(&w.rp->lock);
	assert_int_equal(info.vring[0].num, 8);
	used_idx = (uint8_t *)info.vring[0].va + 162;
	__atomic_store_n(
		(uint16_t *)(void *)used_idx,
		(uint16_t)(__atomic_load_n((uint16_t *)(void *)used_idx, __ATOMIC_ACQUIRE) + 100),
		__ATOMIC_RELEASE);
	rproc_vq_interrupt(w.rp, 0);
	for (ms = 0; virtio_rpmsg_state(w.bus) != VIRTIO_RPMSG_BROKEN; ms += 5) {
		if (ms > WAIT_MS)
			fail_msg("not broken in %d ms\n%s", WAIT_MS, w.log);
		nap_ms(5);
	}
	virtio_rpmsg_broken_reason(w.bus, why, sizeof(why));
	assert_non_null(strstr(why, "vdev0vring0: used.idx"));
	for (ms = 0; virtio_rpmsg_channels(w.bus, NULL, 0); ms += 5) {
		if (ms > WAIT_MS)
			fail_msg("channels still there in %d ms", WAIT_MS);
		nap_ms(5);
	}
	pthread_mutex_lock(&w.lock);
	hit = strstr(w.log, "rpmsg device broken");
	assert_non_null(hit);
	assert_null(strstr(hit + 1, "rpmsg device broken"));
	pthread_mutex_unlock(&w.lock);
	assert_int_equal(rpmsg_sendto(ept, tty.dst, "x", 1, 0, &err), -EIO);
	assert_int_equal(rproc_get_state(w.rp), RPROC_RUNNING);
	/* Restart: afresh. */
	assert_int_equal(rproc_shutdown(w.rp), 0);
	assert_int_equal(rproc_boot(w.rp), 0);
	assert_int_equal(virtio_rpmsg_wait_up(w.bus, WAIT_MS), 0);
	tty = wait_channel("rpmsg-tty");
	echo(ept, &tty, "after");
	assert_int_equal(rproc_shutdown(w.rp), 0);
	assert_int_equal(locked(&w.adds), locked(&w.removes));
	rpmsg_destroy_ept(ept);
	board_down(VBOARD_TEE_INPROC);
}

static void test_inproc(void **state)
{
	(void)state;
	talk_on(VBOARD_TEE_INPROC, TEE_BOARD, "firmware/rproc-demo.sign");
}

static void test_socket(void **state)
{
	(void)state;
	talk_on(VBOARD_TEE_SOCKET, TEE_BOARD, "firmware/rproc-demo.sign");
}

/* Classic boot (the normal world loads the ELF; the table in use is the loaded copy). */
static void test_classic(void **state)
{
	(void)state;
	talk_on(VBOARD_TEE_INPROC, ELF_BOARD, "firmware/rproc-demo.elf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inproc),
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_classic),
		cmocka_unit_test(test_hostile_ring),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
