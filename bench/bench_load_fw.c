// SPDX-License-Identifier: BSD-2-Clause
/*
 * LOAD_FW throughput of the remoteproc TA on the 4 MiB reference image
 * (isolated/signed/large.rsa2048.sign): signature, hash table, copy-then-hash of every
 * segment into coprocessor memory. Measured two ways on the board with DDR
 * (boards/vstm32mp15-m4-tee-ddr.dts), trusting the vectors' RSA-2048 key:
 *  - in process: a TEE session on the board's in-process TA (vboard);
 *  - across the socket: rproc-teed in a child process, reached through the
 *    socket transport, the image in TEE shared memory (tee_shm_alloc, as the
 *    firmware loader reads it): registered once, no copy per call.
 * Each LOAD_FW is followed by RELEASE_FW (which wipes what was loaded), so
 * every run loads from scratch; only LOAD_FW is timed. The first load on the
 * fresh board is reported apart: it also pays a page fault per page of
 * coprocessor memory written (the emulating host's cost, not the TA's).
 * In process the TA runs on the calling thread and its CPU time (user +
 * system) gives the throughput, as `openssl speed` divides by CPU user time:
 * on a shared, loaded host wall time mostly measures the other jobs. Wall time
 * is printed too. Across the socket the TA runs in rproc-teed: the CPU time of
 * the whole daemon process (clock_getcpuclockid) plus this thread's, i.e. all
 * the CPU work one LOAD_FW costs on both sides of the socket, so that it is
 * compared with openssl on the same terms as in process; the wall time, which
 * on a loaded host also counts waiting for the daemon to be scheduled, is
 * printed too.
 *
 * usage: bench_load_fw SOURCE_DIR BUILD_DIR VECTORS_DIR
 * Prints "key value unit" lines for scripts/bench.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "bench_tmp.h"
#include "common/file_io.h"
#include "normal/tee_client/tee_socket.h"
#include "vboard/vboard.h"

#define RUNS	   10
#define RPROC_ID   0
#define DDR_BOARD  "boards/vstm32mp15-m4-tee-ddr.dts"
#define LARGE_SIGN "isolated/signed/large.rsa2048.sign"
#define RSA_PUB	   "keys/rsa2048.pub.pem"

/* The command line, as paths. */
struct bench_paths {
	char board[4096]; /* the DDR board */
	char image[4096]; /* the 4 MiB signed image */
	char key[4096];	  /* the public key to trust */
	char teed[4096];  /* the rproc-teed binary */
};

static void quiet(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	if (level == RPT_LOG_ERR)
		fprintf(stderr, "%s\n", line);
}

static TEE_Result open_rproc(struct tee_context *ctx, struct tee_session *sess)
{
	const TEE_UUID uuid = TA_RPROC_UUID;
	struct tee_param p[TEE_NUM_PARAMS] = {0};
	uint32_t origin;

	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[0].u.value.a = RPROC_ID;
	return tee_open_session(ctx, &uuid, p, sess, &origin);
}

/* LOAD_FW (memref: the image) or, with img NULL, the simple command cmd. */
static TEE_Result invoke(struct tee_session *sess, uint32_t cmd, const uint8_t *img, size_t len)
{
	struct tee_param p[TEE_NUM_PARAMS] = {0};
	uint32_t origin;

	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[0].u.value.a = RPROC_ID;
	if (img) {
		p[1].type = TEE_PARAM_TYPE_MEMREF_INPUT;
		p[1].u.memref.buffer = (void *)img;
		p[1].u.memref.size = len;
	}
	return tee_invoke(sess, cmd, p, &origin);
}

/* Seconds per LOAD_FW: the first on a fresh board, then the mean of the next RUNS. */
struct load_times {
	double first_wall; /* the first load: also faults in the memory's pages */
	double wall;	   /* mean wall-clock time */
	double cpu;	   /* mean CPU time of this thread (user + system) */
	double peer_cpu;   /* mean CPU time of the peer process (the daemon), or 0 */
};

/*
 * Time LOAD_FW RUNS + 1 times (each released after); -1 on failure. The first
 * load on a fresh board is timed apart: it also faults in the coprocessor
 * memory's pages, which RELEASE_FW keeps (zeroed) for the next. peer is the
 * CPU clock of the process the TA runs in, CLOCK_MONOTONIC (never a CPU
 * clock) when it runs on this thread.
 */
static int time_loads(struct tee_session *sess, const uint8_t *img, size_t len, const char *how,
		      clockid_t peer, struct load_times *t)
{
	double w0, c0, p0 = 0, w;
	TEE_Result res;
	int i;

	*t = (struct load_times){0};
	for (i = 0; i <= RUNS; i++) {
		w0 = bench_clock(CLOCK_MONOTONIC);
		c0 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		if (peer != CLOCK_MONOTONIC)
			p0 = bench_clock(peer);
		res = invoke(sess, TA_RPROC_CMD_LOAD_FW, img, len);
		w = bench_clock(CLOCK_MONOTONIC) - w0;
		if (!i) {
			t->first_wall = w;
		} else {
			t->wall += w / RUNS;
			t->cpu += (bench_clock(CLOCK_THREAD_CPUTIME_ID) - c0) / RUNS;
			if (peer != CLOCK_MONOTONIC)
				t->peer_cpu += (bench_clock(peer) - p0) / RUNS;
		}
		if (res != TEE_SUCCESS) {
			fprintf(stderr, "bench: %s LOAD_FW: 0x%08x\n", how, res);
			return -1;
		}
		res = invoke(sess, TA_RPROC_CMD_RELEASE_FW, NULL, 0);
		if (res != TEE_SUCCESS) {
			fprintf(stderr, "bench: %s RELEASE_FW: 0x%08x\n", how, res);
			return -1;
		}
	}
	return 0;
}

/* Throughput from `secs` per load: CPU time, of this thread (+ the daemon's across the socket). */
static void report(const char *tag, const struct load_times *t, double secs, size_t len)
{
	printf("load_fw_%s_first_ms %.2f ms\n", tag, t->first_wall * 1e3);
	printf("load_fw_%s_wall_ms %.2f ms\n", tag, t->wall * 1e3);
	printf("load_fw_%s_ms %.2f ms\n", tag, secs * 1e3);
	printf("load_fw_%s_mbps %.1f MB/s\n", tag, (double)len / secs / 1e6);
}

static int bench_inproc(const struct bench_paths *bp, const uint8_t *img, size_t len)
{
	struct vboard_opts o = {.log = quiet, .board_path = bp->board};
	struct rpt_error err = {0};
	struct tee_session sess;
	struct load_times t;
	struct vboard *vb;
	int ret;

	o.trust[o.num_trust++] = bp->key;
	if (vboard_create(&vb, &o, &err)) {
		fprintf(stderr, "bench: %s: %s\n", bp->board, rpt_error_msg(&err));
		return -1;
	}
	if (open_rproc(vboard_tee(vb), &sess) != TEE_SUCCESS) {
		fprintf(stderr, "bench: cannot open a session on the in-process TA\n");
		vboard_destroy(vb);
		return -1;
	}
	ret = time_loads(&sess, img, len, "in-process", CLOCK_MONOTONIC, &t);
	tee_close_session(&sess);
	vboard_destroy(vb);
	if (ret)
		return -1;
	/* The TA runs on this thread: its CPU time, as openssl speed measures (user time). */
	report("inproc", &t, t.cpu, len);
	return 0;
}

/* rproc-teed on the DDR board in a child (its log in log_path); -1 if it cannot start. */
static pid_t spawn_teed(const struct bench_paths *bp, const char *sock, const char *log_path)
{
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;
	fd = open(log_path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || dup2(fd, 2) < 0)
		_exit(127);
	execl(bp->teed, "rproc-teed", "--board", bp->board, "--trust", bp->key, "--socket", sock,
	      (char *)NULL);
	_exit(127);
}

/* Connect once the daemon listens (10 s at most); false if it died or never did. */
static bool connect_teed(pid_t pid, const char *sock, struct tee_context *ctx)
{
	struct rpt_error err;
	int i, status;

	for (i = 0; i < 1000; i++) {
		rpt_error_clear(&err);
		if (!tee_socket_init(ctx, sock, &err))
			return true;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return false;
		usleep(10 * 1000);
	}
	fprintf(stderr, "bench: rproc-teed at %s: %s\n", sock, rpt_error_msg(&err));
	return false;
}

static void stop_teed(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
}

static int bench_socket(const struct bench_paths *bp, const uint8_t *img, size_t len)
{
	char sock[108], log_path[256];
	struct tee_context ctx;
	struct tee_session sess;
	struct tee_shm shm;
	struct load_times t;
	clockid_t teed_cpu;
	int ret = -1;
	pid_t pid;

	if (bench_tmp_path(sock, sizeof(sock), "teed.sock") ||
	    bench_tmp_path(log_path, sizeof(log_path), "teed.log"))
		return -1;
	pid = spawn_teed(bp, sock, log_path);
	if (pid < 0)
		return -1;
	if (!connect_teed(pid, sock, &ctx)) {
		fprintf(stderr, "bench: rproc-teed did not come up (see %s)\n", log_path);
		stop_teed(pid);
		return -1;
	}
	if (open_rproc(&ctx, &sess) != TEE_SUCCESS) {
		fprintf(stderr, "bench: cannot open a session through rproc-teed\n");
	} else if (clock_getcpuclockid(pid, &teed_cpu)) {
		fprintf(stderr, "bench: no CPU clock for rproc-teed (pid %d)\n", (int)pid);
		tee_close_session(&sess);
	} else if (tee_shm_alloc(&ctx, len, &shm) != TEE_SUCCESS) {
		fprintf(stderr, "bench: no %zu bytes of TEE shared memory\n", len);
		tee_close_session(&sess);
	} else {
		/* Where the firmware loader reads the file to (tee_rproc's fw_mem). */
		memcpy(shm.buffer, img, len);
		ret = time_loads(&sess, shm.buffer, len, "socket", teed_cpu, &t);
		tee_shm_free(&shm);
		tee_close_session(&sess);
	}
	tee_finalize(&ctx);
	stop_teed(pid);
	if (ret)
		return -1;
	unlink(log_path);
	/* The TA runs in the daemon: its CPU time and ours (the client's side of the call). */
	printf("load_fw_socket_daemon_cpu_ms %.2f ms\n", t.peer_cpu * 1e3);
	printf("load_fw_socket_client_cpu_ms %.2f ms\n", t.cpu * 1e3);
	report("socket", &t, t.peer_cpu + t.cpu, len);
	return 0;
}

int main(int argc, char **argv)
{
	struct rpt_error err = {0};
	struct bench_paths bp;
	uint8_t *img;
	size_t len;
	int ret;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_load_fw SOURCE_DIR BUILD_DIR VECTORS_DIR\n");
		return 2;
	}
	snprintf(bp.board, sizeof(bp.board), "%s/%s", argv[1], DDR_BOARD);
	snprintf(bp.teed, sizeof(bp.teed), "%s/bin/rproc-teed", argv[2]);
	snprintf(bp.image, sizeof(bp.image), "%s/%s", argv[3], LARGE_SIGN);
	snprintf(bp.key, sizeof(bp.key), "%s/%s", argv[3], RSA_PUB);
	signal(SIGPIPE, SIG_IGN);
	if (rpt_read_file(bp.image, &img, &len, &err)) {
		fprintf(stderr, "bench: %s\n", rpt_error_msg(&err));
		return 1;
	}
	printf("load_fw_image_bytes %zu B\n", len);
	ret = bench_inproc(&bp, img, len);
	/* The socket transport is measured if it works; its absence is reported, not fatal. */
	if (!ret && bench_socket(&bp, img, len))
		printf("load_fw_socket_mbps n/a MB/s\n");
	free(img);
	return ret ? 1 : 0;
}
