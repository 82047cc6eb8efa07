// SPDX-License-Identifier: BSD-2-Clause
/*
 * One caller stuck in a slow exchange (a large LOAD_FW, a slow or hung
 * daemon: up to TEE_SOCKET_REPLY_TIMEOUT_S) must not hold up unrelated
 * callers of the same context: another session's invoke, a doorbell, a
 * GET_SHM. A fake rproc-teed (threads of this process, one per connection)
 * holds the reply to one INVOKE until the test releases it; meanwhile the
 * other calls must complete. Nothing is timed: each wait polls for a
 * condition, with a generous guard that fails the test instead of hanging.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wire/tee_wire.h"
#include "normal/tee_client/tee_hwchan.h"
#include "normal/tee_client/tee_socket.h"
#include "testutil.h"

/* The command the fake holds until released. */
#define CMD_STALL 0x5100u
/* Guard on every wait: far beyond any loaded machine, short of ctest's timeout. */
#define GUARD_MS (60 * 1000)

/* The fake server. */
struct fake {
	char path[108];		/* its socket */
	int listen_fd;		/* listening socket */
	pthread_t acceptor;	/* accepts, one thread per connection */
	atomic_int stalled;	/* an INVOKE of CMD_STALL is being held */
	atomic_int connections; /* connections accepted so far */
	int release[2];		/* [1] written: the held reply goes */
	pthread_t conns[8];	/* connection threads */
	atomic_int num_conns;	/* threads started */
};

/* Connection thread's argument. */
struct fake_conn {
	struct fake *f; /* the server */
	int fd;		/* the connection */
};

static void fake_reply(const struct tee_wire_msg *req, struct tee_wire_msg *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->op = req->op | TEE_WIRE_OP_REPLY;
	r->seq = req->seq;
	r->origin = TEE_WIRE_ORIGIN_TEE;
	if (req->op == TEE_WIRE_OP_HELLO)
		r->version = TEE_WIRE_VERSION;
	if (req->op == TEE_WIRE_OP_OPEN_SESSION)
		r->session = 1;
	if (req->op != TEE_WIRE_OP_OPEN_SESSION && req->op != TEE_WIRE_OP_INVOKE)
		return;
	r->origin = TEE_WIRE_ORIGIN_TRUSTED_APP;
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		r->params[i].type = req->params[i].type;
		r->params[i].fd_index = TEE_WIRE_FD_NONE;
		if (tee_param_is_value(req->params[i].type)) {
			r->params[i].a = req->params[i].a;
			r->params[i].b = req->params[i].b;
		}
	}
}

static void *fake_serve(void *arg)
{
	struct fake_conn *fc = arg;
	uint8_t in[TEE_WIRE_MSG_MAX], out[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg req, reply;
	int fds[TEE_WIRE_MAX_FDS];
	struct rpt_error err;
	unsigned int n;
	size_t len;
	char c;

	for (;;) {
		rpt_error_clear(&err);
		if (tee_wire_recv(fc->fd, in, sizeof(in), &len, fds, &n, false, &err))
			break;
		if (tee_wire_decode(in, len, n, &req, &err)) {
			tee_wire_close_fds(fds, n);
			break;
		}
		tee_wire_close_fds(fds, n);
		if (req.op == TEE_WIRE_OP_INVOKE && req.cmd == CMD_STALL) {
			atomic_store(&fc->f->stalled, 1);
			/* Held until the test says so: the client waits on this exchange. */
			if (read(fc->f->release[0], &c, 1) != 1)
				break;
			atomic_store(&fc->f->stalled, 0);
		}
		fake_reply(&req, &reply);
		if (tee_wire_encode(&reply, out, sizeof(out), &len, &err) ||
		    tee_wire_send(fc->fd, out, len, NULL, 0, false, &err))
			break;
	}
	close(fc->fd);
	free(fc);
	return NULL;
}

static void *fake_accept(void *arg)
{
	struct fake *f = arg;
	struct fake_conn *fc;
	int fd, k;

	while ((fd = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		k = atomic_load(&f->num_conns);
		fc = malloc(sizeof(*fc));
		if (!fc || k >= 8) {
			free(fc);
			close(fd);
			continue;
		}
		fc->f = f;
		fc->fd = fd;
		if (pthread_create(&f->conns[k], NULL, fake_serve, fc)) {
			free(fc);
			close(fd);
			continue;
		}
		atomic_store(&f->num_conns, k + 1);
		atomic_fetch_add(&f->connections, 1);
	}
	return NULL;
}

static void fake_start(struct fake *f)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s/concurrency.sock", rpt_tmpdir());
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	unlink(f->path);
	f->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(f->listen_fd >= 0);
	assert_int_equal(bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->listen_fd, 8), 0);
	assert_int_equal(pipe(f->release), 0);
	assert_int_equal(pthread_create(&f->acceptor, NULL, fake_accept, f), 0);
}

static void fake_stop(struct fake *f)
{
	int i;

	/* Wakes accept4 with an error: the acceptor returns. */
	shutdown(f->listen_fd, SHUT_RDWR);
	assert_int_equal(pthread_join(f->acceptor, NULL), 0);
	close(f->listen_fd);
	/* The clients are gone: every connection thread reads EOF and returns. */
	for (i = 0; i < atomic_load(&f->num_conns); i++)
		assert_int_equal(pthread_join(f->conns[i], NULL), 0);
	close(f->release[0]);
	close(f->release[1]);
	unlink(f->path);
}

/* Poll until *flag is want; false after GUARD_MS. */
static bool wait_for(atomic_int *flag, int want)
{
	int waited;

	for (waited = 0; waited < GUARD_MS; waited += 10) {
		if (atomic_load(flag) == want)
			return true;
		poll(NULL, 0, 10);
	}
	return false;
}

/* One invoke on a session of its own thread. */
struct invoker {
	struct tee_session *sess; /* the session */
	uint32_t cmd;		  /* what to invoke */
	TEE_Result res;		  /* its result */
	atomic_int done;	  /* set once it returned */
	pthread_t thread;
};

static void *invoke_thread(void *arg)
{
	struct invoker *iv = arg;
	struct tee_param p[TEE_NUM_PARAMS] = {0};
	uint32_t origin;

	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	iv->res = tee_invoke(iv->sess, iv->cmd, p, &origin);
	atomic_store(&iv->done, 1);
	return NULL;
}

static void start_invoke(struct invoker *iv, struct tee_session *sess, uint32_t cmd)
{
	iv->sess = sess;
	iv->cmd = cmd;
	iv->res = TEE_ERROR_GENERIC;
	atomic_store(&iv->done, 0);
	assert_int_equal(pthread_create(&iv->thread, NULL, invoke_thread, iv), 0);
}

static TEE_Result open_session(struct tee_context *ctx, struct tee_session *sess)
{
	const TEE_UUID uuid = TA_RPROC_UUID;
	struct tee_param p[TEE_NUM_PARAMS] = {0};
	uint32_t origin;

	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	return tee_open_session(ctx, &uuid, p, sess, &origin);
}

/* A doorbell (processor 1's IPCC write), on a thread so that a blocked one fails the test instead of hanging it. */
struct kicker {
	struct tee_context *ctx; /* the context */
	int ret;		 /* tee_hwchan_ipcc_write's result */
	atomic_int done;	 /* set once it returned */
	pthread_t thread;
};

static void *kick_thread(void *arg)
{
	struct kicker *k = arg;
	struct rpt_error err = {0};

	k->ret = tee_hwchan_ipcc_write(k->ctx, 0, 0x00c, 1u << 1, &err); /* C1SCR: CH2S */
	atomic_store(&k->done, 1);
	return NULL;
}

static void test_slow_exchange_blocks_nobody_else(void **state)
{
	struct tee_session a, b;
	struct invoker stuck, other;
	struct kicker kick = {0};
	struct tee_context ctx;
	struct rpt_error err = {0};
	struct tee_shm_set set;
	struct fake f;

	(void)state;
	fake_start(&f);
	assert_int_equal(tee_socket_init(&ctx, f.path, &err), 0);
	assert_int_equal(open_session(&ctx, &a), TEE_SUCCESS);
	assert_int_equal(open_session(&ctx, &b), TEE_SUCCESS);

	/* Session a's exchange is held by the daemon. */
	start_invoke(&stuck, &a, CMD_STALL);
	assert_true(wait_for(&f.stalled, 1));

	/* Meanwhile: another session's invoke, a doorbell and a GET_SHM all complete. */
	start_invoke(&other, &b, TA_RPROC_CMD_RELEASE_FW);
	if (!wait_for(&other.done, 1))
		fail_msg("session b waited for session a's slow exchange");
	assert_int_equal(other.res, TEE_SUCCESS);
	kick.ctx = &ctx;
	assert_int_equal(pthread_create(&kick.thread, NULL, kick_thread, &kick), 0);
	if (!wait_for(&kick.done, 1))
		fail_msg("a doorbell waited for session a's slow exchange");
	assert_int_equal(kick.ret, 0);
	assert_int_equal(tee_socket_map_shared(&ctx, 0, &set, &err), 0);
	assert_int_equal(set.num, 0);
	tee_socket_unmap_shared(&set);
	/* All of it while a was still held. */
	assert_int_equal(atomic_load(&f.stalled), 1);
	assert_int_equal(atomic_load(&stuck.done), 0);

	/* Released, a's call completes as if nothing happened. */
	assert_int_equal(write(f.release[1], "g", 1), 1);
	assert_int_equal(pthread_join(stuck.thread, NULL), 0);
	assert_int_equal(stuck.res, TEE_SUCCESS);
	assert_int_equal(pthread_join(other.thread, NULL), 0);
	assert_int_equal(pthread_join(kick.thread, NULL), 0);
	/* Session b on a connection of its own, the others on what was idle: a bounded pool. */
	assert_true(atomic_load(&f.connections) >= 2);
	assert_true(atomic_load(&f.connections) <= 4);

	tee_close_session(&a);
	tee_close_session(&b);
	tee_finalize(&ctx);
	fake_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slow_exchange_blocks_nobody_else),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
