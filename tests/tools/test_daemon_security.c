// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 11, items 5, 7, 8, 9, 9b and 11: the attacks of a second local user
 * and of slow clients on the daemons, each performed, then the fix holding.
 *
 * Tests run as root in CI: the "other user" is uid 65534 (a forked child that
 * drops to it). Run as another user, the same tests take the path that user
 * can take and still assert the rule (a daemon of the wrong uid refused).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/ipc_path.h"
#include "wire/tee_wire.h"
#include "normal/tee_client/tee_socket.h"
#include "testutil.h"

#define OTHER_UID 65534u

static bool as_root(void)
{
	return geteuid() == 0;
}

/* A directory everyone may traverse (and, with shared, write) for the other uid's files. */
static const char *open_dir(const char *name, mode_t mode)
{
	static char dir[4][300];
	static unsigned int next;
	char *d = dir[next++ % 4];

	assert_int_equal(chmod(rpt_tmpdir(), 0711), 0);
	snprintf(d, sizeof(dir[0]), "%s/%s", rpt_tmpdir(), name);
	if (mkdir(d, mode) < 0)
		assert_int_equal(errno, EEXIST);
	assert_int_equal(chmod(d, mode), 0);
	return d;
}

/* In a forked child: become the other user (root) or stay ourselves. */
static void child_become_other(void)
{
	if (as_root() && (setgid(OTHER_UID) || setuid(OTHER_UID)))
		_exit(120);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait for pid, at most ms (a guard, generous); -1 if it is still running. */
static int wait_exit(pid_t pid, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	int st;

	while (now_ms() < end) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10 * 1000);
	}
	return -1;
}

/* The log at path contains needle (a log not yet created contains nothing). */
static bool log_has(const char *path, const char *needle)
{
	return access(path, F_OK) == 0 && strstr(rpt_captured(path), needle);
}

/* pid exits with code within ms; killed (and the test failed) otherwise. */
static void expect_exit(pid_t pid, int ms, int code)
{
	int ret = wait_exit(pid, ms);

	if (ret < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("pid %d still running after %d ms", (int)pid, ms);
	}
	assert_int_equal(ret, code);
}

/*
 * Fork a daemon to be: the child (0 returned) has its stderr in log, created
 * with mode (exit 127 if it cannot); the parent gets the pid. Our buffered
 * output is flushed first so that the child does not write it again.
 */
static pid_t fork_logged(const char *log, mode_t mode)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int fd = open(log, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode);

		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
	}
	return pid;
}

/* rproc-teed (pid) says "serving on" in its log (bounded wait); fails with the log if it died. */
static void wait_serving(const char *log, pid_t pid)
{
	int i;

	for (i = 0; i < 3000 && !log_has(log, "serving on"); i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			fail_msg("rproc-teed died: %s", rpt_captured(log));
		usleep(10 * 1000);
	}
	assert_true(log_has(log, "serving on"));
}

static int listen_unix(const char *path, int type)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0666) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * In an impostor's child: become the other user, listen at path, tell the
 * parent through ready, and take the one connection (exit 121/122 if not).
 */
static int impostor_accept(const char *path, int type, int ready)
{
	int lfd, fd;

	child_become_other();
	lfd = listen_unix(path, type);
	if (lfd < 0 || write(ready, "r", 1) != 1)
		_exit(121);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		_exit(122);
	return fd;
}

static void wait_for_file(const char *path, pid_t pid)
{
	struct stat st;
	int i;

	for (i = 0; i < 3000 && stat(path, &st); i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			fail_msg("the daemon died before %s appeared", path);
		usleep(10 * 1000);
	}
	assert_int_equal(stat(path, &st), 0);
}

/* ---- item 5: the fake secure world ---- */

/*
 * The impostor: binds the socket before the real daemon, answers HELLO with a
 * forged TEE_SUCCESS (and anything else the same way), and exits with the
 * number of packets it received.
 */
static void fake_teed(const char *path, int ready)
{
	uint8_t in[TEE_WIRE_MSG_MAX > 65536 ? 65536 : TEE_WIRE_MSG_MAX];
	uint8_t out[TEE_WIRE_REPLY_MAX];
	struct rpt_error err = {0};
	int fds[TEE_WIRE_MAX_FDS];
	struct tee_wire_msg req, rep;
	unsigned int nfds, packets = 0;
	size_t len;
	int fd;

	fd = impostor_accept(path, SOCK_SEQPACKET, ready);
	for (;;) {
		rpt_error_clear(&err);
		if (tee_wire_recv(fd, in, sizeof(in), &len, fds, &nfds, false, &err))
			break;
		packets++;
		tee_wire_close_fds(fds, nfds);
		if (tee_wire_decode(in, len, nfds, &req, &err))
			continue;
		memset(&rep, 0, sizeof(rep));
		rep.op = req.op | TEE_WIRE_OP_REPLY;
		rep.seq = req.seq;
		rep.version = TEE_WIRE_VERSION;
		rep.result = TEE_SUCCESS;
		rep.origin = TEE_WIRE_ORIGIN_TEE;
		if (!tee_wire_encode(&rep, out, sizeof(out), &len, &err))
			(void)tee_wire_send(fd, out, len, NULL, 0, false, &err);
	}
	_exit(packets > 100 ? 100 : (int)packets);
}

static pid_t start_fake(void (*fake)(const char *, int), const char *path)
{
	int p[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(p[0]);
		fake(path, p[1]);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static void test_fake_teed_never_believed(void **state)
{
	const char *dir = open_dir("shared", 01777);
	struct tee_context ctx = {0};
	struct rpt_error err = {0};
	char path[400];
	pid_t pid;
	int ret;

	(void)state;
	snprintf(path, sizeof(path), "%s/rproc-teed.sock", dir);
	pid = start_fake(fake_teed, path);
	if (as_root())
		ret = tee_socket_init(&ctx, path, &err);
	else /* the impostor is ourselves: expecting another uid shows the same check */
		ret = tee_socket_init_as(&ctx, path, getuid() + 1, &err);
	if (!ret)
		tee_finalize(&ctx);
	assert_int_equal(ret, -EACCES);
	assert_non_null(strstr(rpt_error_msg(&err), "not trusting it"));
	assert_null(ctx.ops);
	/* Not one byte reached it: no HELLO, no image. */
	expect_exit(pid, 30000, 0);
}

/* The impostor rprocd: exits with the number of bytes rprocctl sent it. */
static void fake_rprocd(const char *path, int ready)
{
	char buf[4096];
	ssize_t n;
	int fd, total = 0;

	fd = impostor_accept(path, SOCK_STREAM, ready);
	/* A forged "everything fine" reply, whatever was asked. */
	(void)send(fd, "\x05\0\0\0\0ok!\n", 9, MSG_NOSIGNAL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (int)n;
	_exit(total > 100 ? 100 : total);
}

static void test_fake_rprocd_never_believed(void **state)
{
	const char *dir = open_dir("shared", 01777);
	char path[400], out[400], args[1200];
	pid_t pid;

	(void)state;
	snprintf(path, sizeof(path), "%s/rprocd.sock", dir);
	snprintf(out, sizeof(out), "%s/fake-rprocd.txt", rpt_tmpdir());
	pid = start_fake(fake_rprocd, path);
	if (as_root())
		snprintf(args, sizeof(args), "--socket '%s' list", path);
	else
		snprintf(args, sizeof(args), "--socket '%s' --daemon-uid %u list", path,
			 getuid() + 1);
	assert_int_equal(rpt_run_capture(out, rpt_binary_path("bin/rprocctl"), args), 1);
	assert_non_null(strstr(rpt_captured(out), "not trusting it"));
	assert_null(strstr(rpt_captured(out), "ok!"));
	expect_exit(pid, 30000, 0);
}

/* ---- item 5: where the sockets live ---- */

static void test_runtime_dir_defaults(void **state)
{
	struct rpt_error err = {0};
	char buf[108], longdir[200];

	(void)state;
	assert_int_equal(rpt_runtime_dir_for(0, "/run/user/0", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/run/rproc-tee");
	assert_int_equal(rpt_runtime_dir_for(4242, "/run/user/4242", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/run/user/4242/rproc-tee");
	/* Without a runtime directory: a per-uid one that rpt_private_dir verifies. */
	assert_int_equal(rpt_runtime_dir_for(4242, NULL, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/tmp/rproc-tee-4242");
	assert_int_equal(rpt_runtime_dir_for(4242, "relative", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/tmp/rproc-tee-4242");
	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = 0;
	assert_int_equal(rpt_runtime_dir_for(4242, longdir, buf, sizeof(buf), &err), -ENAMETOOLONG);

	rpt_error_clear(&err);
	assert_int_equal(rpt_state_dir_for(0, NULL, "/x", "/root", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/var/lib/rproc-tee");
	assert_int_equal(rpt_state_dir_for(7, NULL, "/st", "/home/u", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/st/rproc-tee");
	assert_int_equal(rpt_state_dir_for(7, NULL, NULL, "/home/u", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/home/u/.local/state/rproc-tee");
	assert_int_equal(rpt_state_dir_for(0, "/o", NULL, NULL, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/o");
	assert_int_equal(rpt_state_dir_for(7, NULL, NULL, NULL, buf, sizeof(buf), &err), -ENOENT);

	/* The TEE transport and rprocctl use the same directory. */
	rpt_error_clear(&err);
	assert_int_equal(tee_wire_default_path(buf, sizeof(buf), &err), 0);
	assert_null(strstr(buf, "/tmp/rproc-teed-"));
	assert_non_null(strstr(buf, "/rproc-teed.sock"));
}

static void test_private_dir_rules(void **state)
{
	struct rpt_error err = {0};
	char path[400], link[400];
	struct stat st;

	(void)state;
	/* Created, parents too, owner-only. */
	snprintf(path, sizeof(path), "%s/priv/a/b", rpt_tmpdir());
	assert_int_equal(rpt_private_dir(path, &err), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(rpt_private_dir(path, &err), 0);

	/* Writable by others: planted or loosened, refused. */
	assert_int_equal(chmod(path, 0777), 0);
	assert_int_equal(rpt_private_dir(path, &err), -EPERM);
	assert_non_null(strstr(rpt_error_msg(&err), "writable by others"));
	assert_int_equal(chmod(path, 0700), 0);

	/* A symlink to a private directory is still no private directory. */
	snprintf(link, sizeof(link), "%s/priv/link", rpt_tmpdir());
	assert_int_equal(symlink(path, link), 0);
	rpt_error_clear(&err);
	assert_int_equal(rpt_private_dir(link, &err), -EPERM);
	assert_non_null(strstr(rpt_error_msg(&err), "symbolic link"));

	/* Somebody else's directory. */
	rpt_error_clear(&err);
	if (as_root()) {
		snprintf(path, sizeof(path), "%s/priv/theirs", rpt_tmpdir());
		assert_int_equal(mkdir(path, 0700), 0);
		assert_int_equal(chown(path, OTHER_UID, OTHER_UID), 0);
		assert_int_equal(rpt_private_dir(path, &err), -EPERM);
	} else {
		assert_int_equal(rpt_private_dir("/", &err), -EPERM);
	}
	assert_non_null(strstr(rpt_error_msg(&err), "not to us"));
}

/* ---- item 7: the planted symlink ---- */

static void test_atomic_write_planted_symlink(void **state)
{
	struct rpt_error err = {0};
	char victim[400], target[400], planted[450];
	unsigned int entries = 0;
	struct dirent *de;
	struct stat st;
	uint8_t *data;
	size_t len;
	DIR *d;

	(void)state;
	snprintf(victim, sizeof(victim), "%s/victim", rpt_tmpdir());
	snprintf(target, sizeof(target), "%s/out/core.elf", rpt_tmpdir());
	snprintf(planted, sizeof(planted), "%s/out", rpt_tmpdir());
	assert_int_equal(mkdir(planted, 0700), 0);
	assert_int_equal(rpt_write_file_atomic(victim, "ORIGINAL", 8, &err), 0);
	/* The attacker's symlinks where the old code put its temporary file. */
	snprintf(planted, sizeof(planted), "%s.tmp", target);
	assert_int_equal(symlink(victim, planted), 0);

	assert_int_equal(rpt_write_file_atomic(target, "NEW DATA", 8, &err), 0);
	data = rpt_slurp(victim, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(data, "ORIGINAL", 8);
	free(data);
	data = rpt_slurp(target, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(data, "NEW DATA", 8);
	free(data);
	assert_int_equal(lstat(target, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	/* The symlink still points where it did, and no temporary file is left. */
	assert_int_equal(lstat(planted, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	*strrchr(planted, '/') = 0;
	d = opendir(planted);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			entries++;
	closedir(d);
	assert_int_equal(entries, 2); /* core.elf and the planted core.elf.tmp */
}

/* ---- items 8, 11, 9b: rprocd ---- */

/* rprocd with the vectors' key, its log in the temporary directory. */
static pid_t spawn_rprocd(const char *sock, const char *log)
{
	pid_t pid;

	pid = fork_logged(log, 0600);
	if (!pid) {
		execl(rpt_binary_path("bin/rprocd"), "rprocd", "--socket", sock, "--trust",
		      rpt_vector_path("keys/rsa2048.pub.pem"), (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int ctl(const char *sock, const char *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int ctl(const char *sock, const char *out, const char *fmt, ...)
{
	char words[1024], args[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	/* A guard against a hang: the test fails instead of stalling the suite. */
	snprintf(args, sizeof(args), "60 '%s' --socket '%s' %s", rpt_binary_path("bin/rprocctl"),
		 sock, words);
	return rpt_run_capture(out, "timeout", args);
}

/* A live rprocd answering list at sock (bounded wait). */
static void wait_answering(const char *sock, const char *out, pid_t pid)
{
	int i;

	wait_for_file(sock, pid);
	for (i = 0; i < 100; i++) {
		if (!ctl(sock, out, "list"))
			return;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			fail_msg("rprocd at %s died: %s", sock, rpt_captured(out));
		usleep(100 * 1000);
	}
	fail_msg("rprocd at %s does not answer: %s", sock, rpt_captured(out));
}

static void stop_rprocd(pid_t pid)
{
	assert_int_equal(kill(pid, SIGTERM), 0);
	expect_exit(pid, 60000, 0);
}

/* The slow clients: each has sent part of a request and adds one byte every 3 s. */
struct trickle {
	int fds[80];	    /* their connections */
	unsigned int n;	    /* how many */
	volatile bool stop; /* end the thread */
	pthread_t thread;   /* sends the bytes */
};

static void *trickle_thread(void *arg)
{
	struct trickle *t = arg;
	unsigned int i, ms;

	while (!t->stop) {
		for (ms = 0; ms < 3000 && !t->stop; ms += 50)
			usleep(50 * 1000);
		for (i = 0; i < t->n; i++)
			(void)send(t->fds[i], "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	return NULL;
}

static void test_slow_clients_hold_nothing(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char sock[300], log[300], out[300];
	/* A 100-byte request announced; then one byte at a time. */
	static const uint8_t hdr[4] = {100, 0, 0, 0};
	struct trickle t = {.n = 80};
	int ret, stopped;
	unsigned int i;
	bool listed;
	pid_t pid;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/slow.sock", rpt_tmpdir());
	snprintf(log, sizeof(log), "%s/slow.log", rpt_tmpdir());
	snprintf(out, sizeof(out), "%s/slow.txt", rpt_tmpdir());
	pid = spawn_rprocd(sock, log);
	wait_answering(sock, out, pid);

	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	for (i = 0; i < t.n; i++) {
		t.fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(t.fds[i] >= 0);
		assert_int_equal(connect(t.fds[i], (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(send(t.fds[i], hdr, sizeof(hdr), MSG_NOSIGNAL), 4);
	}
	assert_int_equal(pthread_create(&t.thread, NULL, trickle_thread, &t), 0);

	/* The old daemon had all its handlers held: list hung for as long as the trickle. */
	ret = ctl(sock, out, "list");
	listed = !ret && strstr(rpt_captured(out), "remoteproc0");

	/* SIGTERM is acted on at once, slow clients or not (the guard is generous). */
	assert_int_equal(kill(pid, SIGTERM), 0);
	stopped = wait_exit(pid, 20000);
	t.stop = true;
	pthread_join(t.thread, NULL);
	for (i = 0; i < t.n; i++)
		close(t.fds[i]);
	if (stopped < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (!listed)
		fail_msg("list with %u slow clients: exit %d: %s", t.n, ret, rpt_captured(out));
	if (stopped < 0)
		fail_msg("rprocd still running 20 s after SIGTERM with slow clients");
	assert_int_equal(stopped, 0);
}

static void test_socket_path_not_stolen(void **state)
{
	char path[300], log[300], out[300], log2[300];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint8_t *data;
	size_t len;
	pid_t a, b;
	int fd;

	(void)state;
	snprintf(log, sizeof(log), "%s/steal.log", rpt_tmpdir());
	snprintf(log2, sizeof(log2), "%s/steal2.log", rpt_tmpdir());
	snprintf(out, sizeof(out), "%s/steal.txt", rpt_tmpdir());

	/* A regular file is never deleted. */
	snprintf(path, sizeof(path), "%s/precious", rpt_tmpdir());
	assert_int_equal(rpt_write_file_atomic(path, "keep me", 7, NULL), 0);
	a = spawn_rprocd(path, log);
	expect_exit(a, 60000, 1);
	assert_non_null(strstr(rpt_captured(log), "not a socket"));
	data = rpt_slurp(path, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(data, "keep me", 7);
	free(data);

	/* A live daemon keeps its socket: the second one stops, the first still answers. */
	snprintf(path, sizeof(path), "%s/live.sock", rpt_tmpdir());
	a = spawn_rprocd(path, log);
	wait_answering(path, out, a);
	b = spawn_rprocd(path, log2);
	if (wait_exit(b, 60000) != 1) {
		kill(a, SIGKILL);
		waitpid(a, NULL, 0);
		expect_exit(b, 1, 1);
	}
	assert_non_null(strstr(rpt_captured(log2), "another server is listening"));
	assert_int_equal(ctl(path, out, "list"), 0);
	stop_rprocd(a);

	/* A stale socket (its daemon died) is replaced. */
	snprintf(path, sizeof(path), "%s/stale.sock", rpt_tmpdir());
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	a = spawn_rprocd(path, log);
	wait_answering(path, out, a);
	stop_rprocd(a);
}

/* Sign the demo firmware with the vectors' key and security counter `counter`. */
static const char *sign_with_counter(unsigned int counter)
{
	static char img[2][300];
	char args[2048], out[300], *p = img[counter & 1];

	snprintf(p, sizeof(img[0]), "%s/demo-counter-%u.sign", rpt_tmpdir(), counter);
	snprintf(out, sizeof(out), "%s/sign.txt", rpt_tmpdir());
	snprintf(args, sizeof(args), "sign --in '%s' --key '%s' --plat-tlv 0x10100 0x%x --out '%s'",
		 rpt_binary_path("firmware/rproc-demo.elf"), rpt_vector_path("keys/rsa2048.pem"),
		 counter, p);
	if (rpt_run_capture(out, rpt_binary_path("bin/rproc-sign"), args))
		fail_msg("rproc-sign: %s", rpt_captured(out));
	return p;
}

static void test_rollback_survives_restart(void **state)
{
	char sock[300], log[300], out[300], statef[700];
	const char *state_dir = getenv("RPROC_TEE_STATE_DIR");
	const char *high, *low;
	struct stat st;
	pid_t pid;

	(void)state;
	/* testutil points the default there: the daemon gets no --state-dir. */
	assert_non_null(state_dir);
	high = sign_with_counter(5);
	low = sign_with_counter(4);
	snprintf(sock, sizeof(sock), "%s/rb.sock", rpt_tmpdir());
	snprintf(log, sizeof(log), "%s/rb.log", rpt_tmpdir());
	snprintf(out, sizeof(out), "%s/rb.txt", rpt_tmpdir());

	pid = spawn_rprocd(sock, log);
	wait_answering(sock, out, pid);
	assert_int_equal(ctl(sock, out, "remoteproc0 firmware %s", high), 0);
	if (ctl(sock, out, "remoteproc0 state start"))
		fail_msg("counter 5: %s\n%s", rpt_captured(out), rpt_captured(log));
	assert_int_equal(ctl(sock, out, "remoteproc0 state stop"), 0);
	stop_rprocd(pid);

	/* After a restart, the lower counter is refused. */
	pid = spawn_rprocd(sock, log);
	wait_answering(sock, out, pid);
	assert_int_equal(ctl(sock, out, "remoteproc0 firmware %s", low), 0);
	assert_int_equal(ctl(sock, out, "remoteproc0 state start"), 1);
	assert_int_equal(ctl(sock, out, "remoteproc0 state"), 0);
	assert_string_equal(rpt_captured(out), "offline\n");
	/* The same counter again still loads (no rewrite needed). */
	assert_int_equal(ctl(sock, out, "remoteproc0 firmware %s", high), 0);
	assert_int_equal(ctl(sock, out, "remoteproc0 state start"), 0);
	assert_int_equal(ctl(sock, out, "remoteproc0 state stop"), 0);
	stop_rprocd(pid);

	/* The state directory was made private, the counter is in it. */
	assert_int_equal(stat(state_dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(statef, sizeof(statef), "%s/vstm32mp15-m4-tee.rollback", state_dir);
	assert_int_equal(stat(statef, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* ---- item 9: rproc-teed --uid ---- */

static pid_t spawn_teed(const char *sock, const char *log, uid_t uid)
{
	char uid_arg[16];
	pid_t pid;

	snprintf(uid_arg, sizeof(uid_arg), "%u", (unsigned int)uid);
	pid = fork_logged(log, 0600);
	if (!pid) {
		execl(rpt_binary_path("bin/rproc-teed"), "rproc-teed", "--builtin", "--no-coproc",
		      "--uid", uid_arg, "--socket", sock, "--trust",
		      rpt_vector_path("keys/rsa2048.pub.pem"), (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* In a child running as uid: can it be served by the daemon at sock? Its exit status says. */
static int served_as(const char *sock, uid_t uid)
{
	struct tee_context ctx = {0};
	struct rpt_error err = {0};
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		if (uid != geteuid() && (setgid(uid) || setuid(uid)))
			_exit(120);
		if (tee_socket_init(&ctx, sock, &err)) {
			fprintf(stderr, "uid %u: %s\n", (unsigned int)uid, rpt_error_msg(&err));
			_exit(1);
		}
		tee_finalize(&ctx);
		_exit(0);
	}
	return wait_exit(pid, 120000);
}

static void test_teed_serves_the_uid_given(void **state)
{
	const char *dir = open_dir("teed-uid", 0711);
	uid_t served = as_root() ? OTHER_UID : getuid();
	char sock[400], log[400];
	int other, have, root;
	struct stat st;
	pid_t pid;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/teed.sock", dir);
	snprintf(log, sizeof(log), "%s/teed-uid.log", rpt_tmpdir());
	pid = spawn_teed(sock, log, served);
	wait_serving(log, pid);

	/* The uid given is served: it can reach the socket, and the uid check admits it. */
	other = served_as(sock, served);
	have = stat(sock, &st);
	/* Nobody else is, the daemon's own uid included (root: --uid said who). */
	root = as_root() ? served_as(sock, 0) : 1;
	/* The daemon goes before any assertion can leave it running. */
	assert_int_equal(kill(pid, SIGTERM), 0);
	expect_exit(pid, 60000, 0);
	assert_int_equal(other, 0);
	assert_int_equal(have, 0);
	assert_int_equal(st.st_uid, served);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_not_equal(root, 0);
}

/*
 * rprocd checks rproc-teed's uid too, and --tee-uid names another one: a
 * daemon of the other user is refused by default, believed when named.
 */
/* A copy of src at dir/name with mode (the other user reads it there). */
static void copy_for_other(const char *src, const char *dir, const char *name, mode_t mode)
{
	struct rpt_error err = {0};
	char dst[400];
	uint8_t *data;
	size_t size;

	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	assert_int_equal(rpt_read_file(src, &data, &size, &err), 0);
	assert_int_equal(
		rpt_write_file(dst, data, size, RPT_WRITE_SHARED | RPT_WRITE_NO_SYNC, &err), 0);
	free(data);
	assert_int_equal(chmod(dst, mode), 0);
}

static pid_t spawn_teed_as_other(const char *sock, const char *state, const char *log)
{
	const char *bin = open_dir("other-bin", 0755), *boards = open_dir("other-bin/boards", 0755);
	char uid[16], teed[400], board[400], key[400];
	pid_t pid;

	/*
	 * The other user runs copies: the checkout may sit in a directory only we
	 * can enter (a clone in `mktemp -d`). The board names its key as
	 * ../keys/..., so the layout is kept.
	 */
	copy_for_other(rpt_binary_path("bin/rproc-teed"), bin, "rproc-teed", 0755);
	copy_for_other(rpt_source_path("boards/vstm32mp15-m4-tee.dts"), boards,
		       "vstm32mp15-m4-tee.dts", 0644);
	copy_for_other(rpt_source_path("keys/demo-test-only.pub.pem"),
		       open_dir("other-bin/keys", 0755), "demo-test-only.pub.pem", 0644);
	copy_for_other(rpt_vector_path("keys/rsa2048.pub.pem"), bin, "rsa2048.pub.pem", 0644);
	snprintf(teed, sizeof(teed), "%s/rproc-teed", bin);
	snprintf(board, sizeof(board), "%s/vstm32mp15-m4-tee.dts", boards);
	snprintf(key, sizeof(key), "%s/rsa2048.pub.pem", bin);
	pid = fork_logged(log, 0666);
	if (!pid) {
		snprintf(uid, sizeof(uid), "%u", (unsigned int)getuid());
		child_become_other();
		/* It serves us (rprocd's uid); whether rprocd trusts it is the question. */
		execl(teed, "rproc-teed", "--board", board, "--socket", sock, "--state-dir", state,
		      "--uid", uid, "--trust", key, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* rprocd over rproc-teed at teed, expecting the uid given in tee_uid ("" for the default). */
static pid_t spawn_rprocd_split(const char *sock, const char *teed, const char *tee_uid,
				const char *log)
{
	char tee[400];
	pid_t pid;

	snprintf(tee, sizeof(tee), "socket:%s", teed);
	pid = fork_logged(log, 0600);
	if (!pid) {
		if (tee_uid[0])
			execl(rpt_binary_path("bin/rprocd"), "rprocd", "--board",
			      rpt_source_path("boards/vstm32mp15-m4-tee.dts"), "--socket", sock,
			      "--tee", tee, "--tee-uid", tee_uid, (char *)NULL);
		else
			execl(rpt_binary_path("bin/rprocd"), "rprocd", "--board",
			      rpt_source_path("boards/vstm32mp15-m4-tee.dts"), "--socket", sock,
			      "--tee", tee, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void test_rprocd_checks_teed_uid(void **state)
{
	const char *dir = open_dir("shared", 01777);
	char teed[400], st[400], tlog[400], log[400], sock[400], out[400], uid[16];
	int refused_default, refused_named;
	pid_t t, d;

	(void)state;
	snprintf(teed, sizeof(teed), "%s/other-teed.sock", dir);
	snprintf(st, sizeof(st), "%s/other-state", dir);
	snprintf(tlog, sizeof(tlog), "%s/other-teed.log", dir);
	snprintf(log, sizeof(log), "%s/split-uid.log", rpt_tmpdir());
	snprintf(sock, sizeof(sock), "%s/split-uid.sock", rpt_tmpdir());
	snprintf(out, sizeof(out), "%s/split-uid.txt", rpt_tmpdir());
	t = spawn_teed_as_other(teed, st, tlog);
	wait_serving(tlog, t);

	/* Root: the other user's daemon is not trusted by default. Else: naming a wrong uid. */
	snprintf(uid, sizeof(uid), "%u", as_root() ? 0u : getuid() + 1);
	d = spawn_rprocd_split(sock, teed, as_root() ? "" : uid, log);
	refused_default = wait_exit(d, 60000);
	if (refused_default < 0) {
		kill(d, SIGKILL);
		waitpid(d, NULL, 0);
	}
	refused_named = log_has(log, "not trusting it");

	/* Named, it is. */
	snprintf(uid, sizeof(uid), "%u", as_root() ? OTHER_UID : getuid());
	d = spawn_rprocd_split(sock, teed, uid, log);
	wait_answering(sock, out, d);
	stop_rprocd(d);
	assert_int_equal(kill(t, SIGTERM), 0);
	expect_exit(t, 60000, 0);
	assert_int_equal(refused_default, 1);
	assert_true(refused_named);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtime_dir_defaults),
		cmocka_unit_test(test_private_dir_rules),
		cmocka_unit_test(test_fake_teed_never_believed),
		cmocka_unit_test(test_fake_rprocd_never_believed),
		cmocka_unit_test(test_atomic_write_planted_symlink),
		cmocka_unit_test(test_teed_serves_the_uid_given),
		cmocka_unit_test(test_socket_path_not_stolen),
		cmocka_unit_test(test_slow_clients_hold_nothing),
		cmocka_unit_test(test_rollback_survives_restart),
		cmocka_unit_test(test_rprocd_checks_teed_uid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
