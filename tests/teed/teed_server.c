// SPDX-License-Identifier: BSD-2-Clause
#include "teed_server.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "secure/teed/teed.h"
#include "testutil.h"

/* ---- the child ---- */

/* Everything the server child runs (static: the child has nothing else to do). */
struct child_world {
	struct board board;   /* one rproc, id 0 */
	struct platform plat; /* its memories */
	struct rproc_ta ta;   /* the TA served */
	struct teed *server;  /* the socket side */
};

static struct child_world *child;

static int double_start(void *priv, uint32_t boot_addr)
{
	(void)priv;
	(void)boot_addr;
	return 0;
}

static int double_stop(void *priv)
{
	(void)priv;
	return 0;
}

static const struct coproc_ops double_ops = {.start = double_start, .stop = double_stop};

/*
 * Hardware double: an echo. An injected crash is reported, and an IPCC
 * write raises processor 1's lines its low two bits name, as events.
 */
static int hw_inject_crash(void *priv, uint32_t rproc_id, uint32_t type)
{
	teed_post_event(((struct child_world *)priv)->server, rproc_id, TEE_WIRE_EVENT_CRASH, type,
			"injected by the test");
	return 0;
}

/* Processor 1's IPCC window as plain memory: what was written reads back. */
static uint32_t ipcc_regs[TEE_WIRE_IPCC_SIZE / 4];

static int hw_ipcc_read(void *priv, uint32_t rproc_id, uint32_t reg, uint32_t *value)
{
	(void)priv;
	(void)rproc_id;
	*value = ipcc_regs[reg / 4];
	return 0;
}

static int hw_ipcc_write(void *priv, uint32_t rproc_id, uint32_t reg, uint32_t value)
{
	uint32_t lines = value & (TEE_WIRE_IPCC_IRQ_RX | TEE_WIRE_IPCC_IRQ_TX);

	ipcc_regs[reg / 4] = value;
	if (lines)
		teed_post_event(((struct child_world *)priv)->server, rproc_id,
				TEE_WIRE_EVENT_IPCC_IRQ, lines, NULL);
	return 0;
}

static const struct teed_hw_ops double_hw = {
	.inject_crash = hw_inject_crash, .ipcc_read = hw_ipcc_read, .ipcc_write = hw_ipcc_write};

static void child_stop(int sig)
{
	(void)sig;
	if (child && child->server)
		teed_stop(child->server);
}

static void quiet_log(void *priv, const char *msg)
{
	(void)priv;
	(void)msg;
}

static void child_board(struct board *b)
{
	struct board_rproc *rp = &b->rprocs[0];

	snprintf(b->model, sizeof(b->model), "test-stm32mp15");
	b->num_rprocs = 1;
	rp->id = 0;
	snprintf(rp->name, sizeof(rp->name), "m4");
	rp->tee = true;
	/* The older vectors (mcuram2 shared) drive these tests: the legacy layout. */
	board_stm32mp15_legacy_layout(rp, false);
	rp->policy.coredump_allowed = true;
	rp->policy.allow_unversioned = true;
	snprintf(rp->policy.trusted_keys[0], BOARD_PATH_MAX, "%s",
		 rpt_vector_path("keys/rsa2048.pub.pem"));
	rp->policy.num_keys = 1;
}

/* Set up, say "ready" on ready_fd, serve until SIGTERM, tear down. Never returns. */
static void child_main(const char *path, uid_t uid, int ready_fd)
{
	struct teed_config cfg = {.socket_path = path, .allowed_uid = uid, .log = quiet_log};
	struct rpt_error err = {0};
	struct sigaction sa = {.sa_handler = child_stop};
	char ok = 'R';
	int status = 0;

	child = calloc(1, sizeof(*child));
	if (!child)
		_exit(10);
	child_board(&child->board);
	if (platform_init(&child->plat, &child->board, &err) ||
	    rproc_ta_init(&child->ta, &child->plat, &err)) {
		fprintf(stderr, "server child: %s\n", rpt_error_msg(&err));
		_exit(11);
	}
	child->ta.log = quiet_log;
	platform_attach_coproc(platform_rproc(&child->plat, 0), &double_ops, NULL);
	cfg.hw = &double_hw;
	cfg.hw_priv = child; /* its server exists by the time a request can come */
	child->server = teed_create(&child->ta, &cfg, &err);
	if (!child->server) {
		fprintf(stderr, "server child: %s\n", rpt_error_msg(&err));
		_exit(12);
	}
	sigaction(SIGTERM, &sa, NULL);
	if (write(ready_fd, &ok, 1) != 1)
		_exit(13);
	close(ready_fd);
	if (teed_run(child->server, &err)) {
		fprintf(stderr, "server child: %s\n", rpt_error_msg(&err));
		status = 14;
	}
	teed_destroy(child->server);
	rproc_ta_exit(&child->ta);
	platform_exit(&child->plat);
	free(child);
	/* exit, not _exit: under LeakSanitizer a leak in the server fails the exit status. */
	exit(status);
}

/* ---- the parent ---- */

void teed_server_start(struct teed_server *s, uid_t uid)
{
	static unsigned int n;

	snprintf(s->path, sizeof(s->path), "%s/teed-%u.sock", rpt_tmpdir(), n++);
	teed_server_restart(s, uid);
}

void teed_server_restart(struct teed_server *s, uid_t uid)
{
	int ready[2];
	char c;

	assert_int_equal(pipe(ready), 0);
	/* Nothing buffered may be written twice (once by the child). */
	fflush(stdout);
	fflush(stderr);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (!s->pid) {
		close(ready[0]);
		child_main(s->path, uid, ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		fail_msg("server child died before listening");
	close(ready[0]);
}

void teed_server_stop(struct teed_server *s)
{
	struct stat st;
	int status;

	assert_int_equal(kill(s->pid, SIGTERM), 0);
	assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_not_equal(stat(s->path, &st), 0);
	s->pid = 0;
}

unsigned int teed_count_fds(pid_t pid)
{
	char dir[64];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	if (pid)
		snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	else
		snprintf(dir, sizeof(dir), "/proc/self/fd");
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- client helpers ---- */

void teed_connect(const struct teed_server *s, struct tee_context *ctx)
{
	struct rpt_error err = {0};

	if (tee_socket_init(ctx, s->path, &err))
		fail_msg("tee_socket_init: %s", rpt_error_msg(&err));
}

TEE_Result teed_open(struct tee_context *ctx, uint32_t id, struct tee_session *sess)
{
	static const TEE_UUID uuid = TA_RPROC_UUID;
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;

	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[0].u.value.a = id;
	return tee_open_session(ctx, &uuid, p, sess, &origin);
}

static void id_param(struct tee_param *p)
{
	memset(p, 0, sizeof(*p) * TEE_NUM_PARAMS);
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[0].u.value.a = 0;
}

TEE_Result teed_load(struct tee_session *sess, const void *img, size_t size)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;

	id_param(p);
	p[1].type = TEE_PARAM_TYPE_MEMREF_INPUT;
	p[1].u.memref.buffer = (void *)img;
	p[1].u.memref.size = size;
	return tee_invoke(sess, TA_RPROC_CMD_LOAD_FW, p, &origin);
}

TEE_Result teed_simple(struct tee_session *sess, uint32_t cmd)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;

	id_param(p);
	return tee_invoke(sess, cmd, p, &origin);
}

TEE_Result teed_rsc(struct tee_session *sess, uint64_t *pa, uint64_t *size)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;
	TEE_Result res;

	id_param(p);
	p[1].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	p[2].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	res = tee_invoke(sess, TA_RPROC_CMD_GET_RSC_TABLE, p, &origin);
	*pa = p[1].u.value.a | (uint64_t)p[1].u.value.b << 32;
	*size = p[2].u.value.a | (uint64_t)p[2].u.value.b << 32;
	return res;
}

TEE_Result teed_coredump(struct tee_session *sess, void *buf, size_t *size)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;
	TEE_Result res;

	id_param(p);
	p[1].type = TEE_PARAM_TYPE_MEMREF_OUTPUT;
	p[1].u.memref.buffer = buf;
	p[1].u.memref.size = *size;
	res = tee_invoke(sess, TA_RPROC_CMD_GET_COREDUMP, p, &origin);
	*size = p[1].u.memref.size;
	return res;
}
