// SPDX-License-Identifier: BSD-2-Clause
/*
 * The normal world survives a hostile or broken secure-world daemon. A fake
 * rproc-teed (a child process) answers one request with garbage: truncated,
 * oversized, random bytes, the wrong request's answer, descriptors where none
 * belong, an event instead of a reply, more output than there was room for,
 * an empty packet, a hang-up. Each time the call fails with
 * TEE_ERROR_COMMUNICATION (origin COMMS) and a message naming rproc-teed, the
 * next call reconnects and works, and not one descriptor is leaked. The
 * handshake, the shared-memory listing and the event channel get the same
 * treatment.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/safe_math.h"
#include "wire/tee_wire.h"
#include "normal/tee_client/tee_hwchan.h"
#include "normal/tee_client/tee_socket.h"
#include "testutil.h"

/* How the fake misbehaves, once; afterwards it serves properly. */
enum fake_mode {
	FAKE_TRUNCATED_HEADER,
	FAKE_TRUNCATED_BODY,
	FAKE_OVERSIZED,
	FAKE_RANDOM,
	FAKE_WRONG_SEQ,
	FAKE_WRONG_OP,
	FAKE_FDS_ON_REPLY,
	FAKE_TOO_MANY_FDS,
	FAKE_EVENT_INSTEAD,
	FAKE_OUTPUT_OVERFLOW,
	FAKE_WRONG_TYPES,
	FAKE_EMPTY,
	FAKE_HANG_UP,
	FAKE_INVOKE_MODES, /* the modes above break an INVOKE reply; those below something else */
	FAKE_BAD_HELLO,
	FAKE_SESSION_ZERO,
	FAKE_SHM_TOO_SMALL,
	FAKE_EVENT_GARBAGE,
	FAKE_REPLY_ON_CHANNEL,
};

/* The fake server child. */
struct fake {
	pid_t pid;	/* the child */
	char path[108]; /* its socket */
};

/* ---- the fake (child side) ---- */

/* The child's state across its connections. */
static enum fake_mode mode;
static bool misbehaved;

static void send_bytes(int fd, const void *buf, size_t len, const int *fds, unsigned int n)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 24)];
		struct cmsghdr align;
	} ctl;
	struct cmsghdr *cm;

	if (n) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	}
	(void)sendmsg(fd, &mh, MSG_NOSIGNAL);
}

static size_t encode(const struct tee_wire_msg *m, uint8_t *buf, size_t cap)
{
	size_t len = 0;

	if (tee_wire_encode(m, buf, cap, &len, NULL))
		_exit(20); /* the fake's own bug */
	return len;
}

static int memfd_of(size_t size)
{
	int fd = memfd_create("fake", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size))
		_exit(21);
	return fd;
}

/* The proper reply to req: success, parameters echoed, no output. */
static void proper_reply(const struct tee_wire_msg *req, struct tee_wire_msg *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->op = req->op | TEE_WIRE_OP_REPLY;
	r->seq = req->seq;
	r->origin = TEE_WIRE_ORIGIN_TRUSTED_APP;
	r->version = req->op == TEE_WIRE_OP_HELLO ? TEE_WIRE_VERSION : 0;
	if (req->op == TEE_WIRE_OP_OPEN_SESSION)
		r->session = 1;
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		r->params[i].type = req->params[i].type;
		r->params[i].fd_index = TEE_WIRE_FD_NONE;
	}
	if (req->op == TEE_WIRE_OP_GET_SHM) {
		r->num_shm = r->num_fds = 1;
		strcpy(r->shm[0].name, "mcuram2");
		r->shm[0].da = 0x10000000;
		r->shm[0].pa = 0x10000000;
		r->shm[0].size = 0x1000;
	}
}

/* The INVOKE reply, spoilt as the mode says. */
static void bad_invoke_reply(int fd, const struct tee_wire_msg *req)
{
	uint8_t buf[TEE_WIRE_MSG_MAX + 256];
	struct tee_wire_msg r;
	int fds[20];
	size_t len;
	unsigned int i;

	proper_reply(req, &r);
	switch (mode) {
	case FAKE_WRONG_SEQ:
		r.seq++;
		break;
	case FAKE_WRONG_OP:
		memset(&r, 0, sizeof(r));
		r.op = TEE_WIRE_OP_CLOSE_SESSION | TEE_WIRE_OP_REPLY;
		r.seq = req->seq;
		r.origin = TEE_WIRE_ORIGIN_TEE;
		break;
	case FAKE_EVENT_INSTEAD:
		memset(&r, 0, sizeof(r));
		r.op = TEE_WIRE_OP_EVENT;
		r.kind = TEE_WIRE_EVENT_CRASH;
		strcpy(r.why, "out of turn");
		break;
	case FAKE_OUTPUT_OVERFLOW:
		r.params[1].size = 0x100000; /* far more than the 64 bytes shared */
		break;
	case FAKE_WRONG_TYPES:
		r.params[2].type = TEE_PARAM_TYPE_NONE;
		break;
	default:
		break;
	}
	len = encode(&r, buf, sizeof(buf));
	switch (mode) {
	case FAKE_TRUNCATED_HEADER:
		send_bytes(fd, buf, 10, NULL, 0);
		return;
	case FAKE_TRUNCATED_BODY:
		send_bytes(fd, buf, len - 8, NULL, 0);
		return;
	case FAKE_OVERSIZED:
		memset(buf + len, 0xA5, sizeof(buf) - len);
		put_le32(buf + 12, (uint32_t)(sizeof(buf) - TEE_WIRE_HDR_SIZE));
		send_bytes(fd, buf, sizeof(buf), NULL, 0);
		return;
	case FAKE_RANDOM:
		srand(42);
		for (i = 0; i < 300; i++)
			buf[i] = (uint8_t)rand();
		send_bytes(fd, buf, 300, NULL, 0);
		return;
	case FAKE_FDS_ON_REPLY:
	case FAKE_TOO_MANY_FDS:
		for (i = 0; i < 20; i++)
			fds[i] = memfd_of(4096);
		/* Also announced in the header: still refused, a reply carries none. */
		if (mode == FAKE_FDS_ON_REPLY)
			put_le32(buf + 16, 3);
		send_bytes(fd, buf, len, fds, mode == FAKE_FDS_ON_REPLY ? 3 : 20);
		for (i = 0; i < 20; i++)
			close(fds[i]);
		return;
	case FAKE_EMPTY:
		send_bytes(fd, buf, 0, NULL, 0);
		return;
	case FAKE_HANG_UP:
		shutdown(fd, SHUT_RDWR);
		return;
	default:
		send_bytes(fd, buf, len, NULL, 0);
		return;
	}
}

/* On the event channel: a malformed event, or a well-formed message that is no event. */
static void bad_event(int fd)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg m;
	size_t len;

	memset(&m, 0, sizeof(m));
	if (mode == FAKE_EVENT_GARBAGE) {
		m.op = TEE_WIRE_OP_EVENT;
		m.kind = TEE_WIRE_EVENT_IPCC_IRQ;
		m.arg = TEE_WIRE_IPCC_IRQ_RX;
		len = encode(&m, buf, sizeof(buf));
		put_le32(buf + TEE_WIRE_HDR_SIZE + 8, 99); /* IPCC lines the block lacks */
	} else {
		m.op = TEE_WIRE_OP_INJECT_CRASH | TEE_WIRE_OP_REPLY;
		m.seq = 77;
		m.origin = TEE_WIRE_ORIGIN_TEE;
		len = encode(&m, buf, sizeof(buf));
	}
	send_bytes(fd, buf, len, NULL, 0);
}

/* Answer one request; false when the connection should go. */
static bool answer(int fd, const struct tee_wire_msg *req)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg r;
	bool bad = !misbehaved;
	int shm_fd;
	size_t len;

	if (req->op == TEE_WIRE_OP_INVOKE && bad && mode < FAKE_INVOKE_MODES) {
		misbehaved = true;
		bad_invoke_reply(fd, req);
		return mode != FAKE_HANG_UP;
	}
	proper_reply(req, &r);
	if (req->op == TEE_WIRE_OP_HELLO && bad && mode == FAKE_BAD_HELLO) {
		misbehaved = true;
		r.version = 0; /* a reserved field set: refused */
		len = encode(&r, buf, sizeof(buf));
		put_le32(buf + TEE_WIRE_HDR_SIZE + 12, 0x55);
		send_bytes(fd, buf, len, NULL, 0);
		return true;
	}
	if (req->op == TEE_WIRE_OP_OPEN_SESSION && bad && mode == FAKE_SESSION_ZERO) {
		misbehaved = true;
		r.session = 0;
	}
	len = encode(&r, buf, sizeof(buf));
	if (req->op == TEE_WIRE_OP_GET_SHM) {
		/* 0x1000 bytes announced; too small a memfd the first time. */
		shm_fd = memfd_of(bad && mode == FAKE_SHM_TOO_SMALL ? 16 : 0x1000);
		misbehaved |= bad && mode == FAKE_SHM_TOO_SMALL;
		send_bytes(fd, buf, len, &shm_fd, 1);
		close(shm_fd);
		return true;
	}
	send_bytes(fd, buf, len, NULL, 0);
	if (req->op == TEE_WIRE_OP_SUBSCRIBE && bad &&
	    (mode == FAKE_EVENT_GARBAGE || mode == FAKE_REPLY_ON_CHANNEL)) {
		misbehaved = true;
		bad_event(fd);
	}
	return true;
}

static void serve_connection(int fd)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	int fds[TEE_WIRE_MAX_FDS];
	struct tee_wire_msg req;
	unsigned int n;
	size_t len;

	for (;;) {
		if (tee_wire_recv(fd, buf, sizeof(buf), &len, fds, &n, false, NULL))
			break;
		if (tee_wire_decode(buf, len, n, &req, NULL)) {
			tee_wire_close_fds(fds, n);
			break;
		}
		tee_wire_close_fds(fds, n);
		if (!answer(fd, &req))
			break;
	}
	close(fd);
}

static void fake_main(const char *path, int ready)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int lfd, fd;

	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 8))
		_exit(22);
	if (write(ready, "R", 1) != 1)
		_exit(23);
	close(ready);
	/* One connection at a time, as long as the test wants: it kills us. */
	while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		serve_connection(fd);
	_exit(24);
}

/* ---- the test side ---- */

static void fake_start(struct fake *f, enum fake_mode m)
{
	static unsigned int n;
	int ready[2];
	char c;

	snprintf(f->path, sizeof(f->path), "%s/fake-%u.sock", rpt_tmpdir(), n++);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	fflush(stdout);
	fflush(stderr);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (!f->pid) {
		/* Never outlive the test, whatever way it ends. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		mode = m;
		fake_main(f->path, ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		fail_msg("the fake server died before listening");
	close(ready[0]);
}

static void fake_stop(struct fake *f)
{
	int status;

	kill(f->pid, SIGKILL);
	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	unlink(f->path);
}

static unsigned int count_fds(void)
{
	struct dirent *e;
	unsigned int n = 0;
	DIR *d = opendir("/proc/self/fd");

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void connect_ok(struct tee_context *ctx, const struct fake *f)
{
	struct rpt_error err = {0};

	if (tee_socket_init(ctx, f->path, &err))
		fail_msg("tee_socket_init: %s", rpt_error_msg(&err));
}

static TEE_Result open_session(struct tee_context *ctx, struct tee_session *sess, uint32_t *origin)
{
	static const TEE_UUID uuid = TA_RPROC_UUID;
	struct tee_param p[TEE_NUM_PARAMS];

	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	return tee_open_session(ctx, &uuid, p, sess, origin);
}

/* An invoke with a value in, a memref in/out (a memfd travels) and a value out. */
static TEE_Result invoke(struct tee_session *sess, uint32_t *origin)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint8_t buf[64];

	memset(p, 0, sizeof(p));
	memset(buf, 0x11, sizeof(buf));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[1].type = TEE_PARAM_TYPE_MEMREF_INOUT;
	p[1].u.memref.buffer = buf;
	p[1].u.memref.size = sizeof(buf);
	p[2].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	p[2].u.value.a = 0x77;
	return tee_invoke(sess, TA_RPROC_CMD_LOAD_FW, p, origin);
}

static void assert_comm_failure(TEE_Result res, uint32_t origin, const struct tee_context *ctx)
{
	assert_int_equal(res, TEE_ERROR_COMMUNICATION);
	assert_int_equal(origin, TEE_ORIGIN_COMMS);
	assert_non_null(strstr(tee_socket_last_error(ctx), "rproc-teed at"));
}

static void test_invoke_garbage(void **state)
{
	struct tee_session sess;
	struct tee_context ctx;
	unsigned int before;
	uint32_t origin;
	TEE_Result res;
	struct fake f;
	int m;

	(void)state;
	for (m = 0; m < FAKE_INVOKE_MODES; m++) {
		before = count_fds();
		fake_start(&f, (enum fake_mode)m);
		connect_ok(&ctx, &f);
		assert_int_equal(open_session(&ctx, &sess, &origin), TEE_SUCCESS);
		origin = 0;
		res = invoke(&sess, &origin);
		assert_comm_failure(res, origin, &ctx);
		if (getenv("RPT_TEST_VERBOSE"))
			fprintf(stderr, "mode %d: %s\n", m, tee_socket_last_error(&ctx));
		/* The next call reconnects, re-opens the session, and the (now polite) fake answers. */
		if (invoke(&sess, &origin) != TEE_SUCCESS)
			fail_msg("mode %d: no recovery: %s", m, tee_socket_last_error(&ctx));
		tee_close_session(&sess);
		tee_finalize(&ctx);
		fake_stop(&f);
		if (count_fds() != before)
			fail_msg("mode %d: %u descriptors before, %u after", m, before,
				 count_fds());
	}
}

static void test_handshake_and_session_garbage(void **state)
{
	struct rpt_error err = {0};
	struct tee_session sess;
	struct tee_context ctx = {0};
	unsigned int before;
	uint32_t origin = 0;
	TEE_Result res;
	struct fake f;

	(void)state;
	before = count_fds();
	fake_start(&f, FAKE_BAD_HELLO);
	assert_int_equal(tee_socket_init(&ctx, f.path, &err), -RPT_EFORMAT);
	assert_non_null(strstr(rpt_error_msg(&err), "rproc-teed at"));
	assert_null(ctx.ops);
	connect_ok(&ctx, &f);
	tee_finalize(&ctx);
	fake_stop(&f);

	fake_start(&f, FAKE_SESSION_ZERO);
	connect_ok(&ctx, &f);
	res = open_session(&ctx, &sess, &origin);
	assert_comm_failure(res, origin, &ctx);
	assert_int_equal(open_session(&ctx, &sess, &origin), TEE_SUCCESS);
	assert_int_equal(invoke(&sess, &origin), TEE_SUCCESS);
	tee_close_session(&sess);
	tee_finalize(&ctx);
	fake_stop(&f);
	assert_int_equal(count_fds(), before);
}

static void test_shm_garbage(void **state)
{
	struct rpt_error err = {0};
	struct tee_shm_set set;
	struct tee_context ctx;
	unsigned int before;
	struct fake f;

	(void)state;
	before = count_fds();
	fake_start(&f, FAKE_SHM_TOO_SMALL);
	connect_ok(&ctx, &f);
	/* A memfd smaller than announced would fault when touched: refused, nothing mapped. */
	assert_int_equal(tee_socket_map_shared(&ctx, 0, &set, &err), -RPT_EFORMAT);
	assert_int_equal(set.num, 0);
	rpt_error_clear(&err);
	assert_int_equal(tee_socket_map_shared(&ctx, 0, &set, &err), 0);
	assert_int_equal(set.num, 1);
	assert_non_null(tee_shm_set_lookup(&set, 0x10000000, 0x1000));
	tee_socket_unmap_shared(&set);
	tee_finalize(&ctx);
	fake_stop(&f);
	assert_int_equal(count_fds(), before);
}

/* The first event (or failure) of ch, waiting at most 10 s. */
static int next_event(struct tee_event_channel *ch, struct tee_wire_event *ev,
		      struct rpt_error *err)
{
	struct pollfd pfd = {.fd = tee_event_fd(ch), .events = POLLIN};
	int ret;

	while ((ret = tee_event_next(ch, ev, err)) == -EAGAIN)
		if (poll(&pfd, 1, 10000) != 1)
			fail_msg("nothing on the event channel in 10 s");
	return ret;
}

static void test_event_garbage(void **state)
{
	static const enum fake_mode modes[] = {FAKE_EVENT_GARBAGE, FAKE_REPLY_ON_CHANNEL};
	static const uint32_t id0;
	struct tee_event_channel *ch;
	struct rpt_error err;
	struct tee_wire_event ev;
	unsigned int before, i;
	struct fake f;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		before = count_fds();
		fake_start(&f, modes[i]);
		rpt_error_clear(&err);
		assert_int_equal(tee_event_open(&ch, f.path, &id0, 1, &err), 0);
		assert_int_equal(next_event(ch, &ev, &err), -RPT_EFORMAT);
		assert_non_null(strstr(rpt_error_msg(&err), "rproc-teed at"));
		tee_event_close(ch);
		fake_stop(&f);
		assert_int_equal(count_fds(), before);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invoke_garbage),
		cmocka_unit_test(test_handshake_and_session_garbage),
		cmocka_unit_test(test_shm_garbage),
		cmocka_unit_test(test_event_garbage),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
