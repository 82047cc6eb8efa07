// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocd's rpmsg interfaces (tools/rprocd/rpmsg_if.c) over a test double of
 * the bus: ttys and their links, message sockets, the relay's waits and
 * drops, hang-up when a channel goes, the ctl side (send/recv/create).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "rpmsg_if.h"
#include "testutil.h"

#define WAIT_MS 10000 /* generous: a loaded 2-core machine */

/* ---- the bus double ---- */

struct fake_ept {
	struct fake_bus *bus; /* back pointer */
	uint32_t addr;	      /* its address */
	rpmsg_rx_cb cb;	      /* its callback */
	void *priv;	      /* and argument */
	bool live;	      /* not destroyed */
};

struct sent {
	uint32_t src, dst;		 /* addresses */
	size_t len;			 /* payload length */
	uint8_t data[RPMSG_MAX_PAYLOAD]; /* payload */
};

struct fake_bus {
	pthread_mutex_t lock;		       /* guards everything */
	pthread_cond_t cond;		       /* full cleared, something sent */
	const struct virtio_rpmsg_listener *l; /* the listener */
	void *lpriv;			       /* its priv */
	struct rpmsg_channel_info chans[8];    /* channels announced */
	unsigned int n_chans;		       /* how many */
	struct fake_ept epts[32];	       /* endpoints made */
	unsigned int n_epts;		       /* how many */
	struct sent sent[256];		       /* messages sent */
	unsigned int n_sent;		       /* how many */
	bool full;			       /* no free transmit buffer */
	bool echo;			       /* every message comes back to its sender */
	bool broken;			       /* the state op says BROKEN */
};

static void fb_init(struct fake_bus *fb, bool echo)
{
	memset(fb, 0, sizeof(*fb));
	pthread_mutex_init(&fb->lock, NULL);
	pthread_cond_init(&fb->cond, NULL);
	fb->echo = echo;
}

static void fb_set_listener(void *bus, const struct virtio_rpmsg_listener *l, void *priv)
{
	struct fake_bus *fb = bus;
	unsigned int i;

	fb->l = l;
	fb->lpriv = priv;
	for (i = 0; l && i < fb->n_chans; i++)
		l->channel_add(priv, &fb->chans[i]);
}

static struct rpmsg_endpoint *fb_create_ept(void *bus, uint32_t addr, rpmsg_rx_cb cb, void *priv,
					    struct rpt_error *err)
{
	struct fake_bus *fb = bus;
	struct fake_ept *e;

	(void)addr;
	pthread_mutex_lock(&fb->lock);
	if (fb->n_epts == 32) {
		pthread_mutex_unlock(&fb->lock);
		rpt_error_set(err, ENOSPC, "fake: no endpoint");
		return NULL;
	}
	e = &fb->epts[fb->n_epts];
	*e = (struct fake_ept){fb, RPMSG_FIRST_HOST_ADDR + fb->n_epts, cb, priv, true};
	fb->n_epts++;
	pthread_mutex_unlock(&fb->lock);
	return (struct rpmsg_endpoint *)e;
}

static void fb_destroy_ept(struct rpmsg_endpoint *ept)
{
	struct fake_ept *e = (struct fake_ept *)ept;

	pthread_mutex_lock(&e->bus->lock);
	e->live = false;
	pthread_mutex_unlock(&e->bus->lock);
}

static uint32_t fb_ept_addr(const struct rpmsg_endpoint *ept)
{
	return ((const struct fake_ept *)ept)->addr;
}

static int fb_sendto(struct rpmsg_endpoint *ept, uint32_t dst, const void *data, size_t len,
		     unsigned int timeout_ms, struct rpt_error *err)
{
	struct fake_ept *e = (struct fake_ept *)ept;
	struct fake_bus *fb = e->bus;
	struct timespec ts;
	struct sent *s;

	assert_true(e->live);
	assert_true(len <= RPMSG_MAX_PAYLOAD);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&fb->lock);
	while (fb->full) {
		if (pthread_cond_timedwait(&fb->cond, &fb->lock, &ts)) {
			pthread_mutex_unlock(&fb->lock);
			return rpt_error_set(err, ETIMEDOUT, "no free transmit buffer");
		}
	}
	assert_true(fb->n_sent < 256);
	s = &fb->sent[fb->n_sent++];
	s->src = e->addr;
	s->dst = dst;
	s->len = len;
	memcpy(s->data, data, len);
	pthread_cond_broadcast(&fb->cond);
	pthread_mutex_unlock(&fb->lock);
	/* The firmware echoes to the sender (in the real bus, from its receive thread). */
	if (fb->echo)
		e->cb(e->priv, data, len, dst);
	return 0;
}

static enum virtio_rpmsg_state fb_state(void *bus, char *why, size_t len)
{
	struct fake_bus *fb = bus;

	if (!fb->broken)
		return VIRTIO_RPMSG_UP;
	snprintf(why, len, "vring1: used.idx jumped");
	return VIRTIO_RPMSG_BROKEN;
}

static const struct rpif_bus_ops fb_ops = {fb_set_listener, fb_create_ept, fb_destroy_ept,
					   fb_ept_addr,	    fb_sendto,	   fb_state};

static void fb_announce(struct fake_bus *fb, const char *name, uint32_t dst)
{
	struct rpmsg_channel_info *c = &fb->chans[fb->n_chans++];

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->dst = dst;
	if (fb->l)
		fb->l->channel_add(fb->lpriv, c);
}

static void fb_remove(struct fake_bus *fb, uint32_t dst)
{
	unsigned int i;

	for (i = 0; i < fb->n_chans; i++) {
		if (fb->chans[i].dst != dst)
			continue;
		if (fb->l)
			fb->l->channel_remove(fb->lpriv, &fb->chans[i]);
		fb->chans[i] = fb->chans[--fb->n_chans];
		return;
	}
	fail_msg("no channel 0x%x", dst);
}

static void fb_set_full(struct fake_bus *fb, bool full)
{
	pthread_mutex_lock(&fb->lock);
	fb->full = full;
	pthread_cond_broadcast(&fb->cond);
	pthread_mutex_unlock(&fb->lock);
}

/* Wait until n messages were sent. */
static bool fb_wait_sent(struct fake_bus *fb, unsigned int n)
{
	int i;

	for (i = 0; i < WAIT_MS / 5; i++) {
		pthread_mutex_lock(&fb->lock);
		if (fb->n_sent >= n) {
			pthread_mutex_unlock(&fb->lock);
			return true;
		}
		pthread_mutex_unlock(&fb->lock);
		usleep(5000);
	}
	return false;
}

/* The live endpoint sending to dst (the channel's), or NULL. */
static struct fake_ept *fb_ept_of(struct fake_bus *fb, uint32_t index)
{
	return index < fb->n_epts ? &fb->epts[index] : NULL;
}

/* ---- the log ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[64 << 10];

static void test_log(void *priv, const char *line)
{
	(void)priv;
	pthread_mutex_lock(&log_lock);
	if (strlen(log_buf) + strlen(line) + 2 < sizeof(log_buf)) {
		strcat(log_buf, line);
		strcat(log_buf, "\n");
	}
	pthread_mutex_unlock(&log_lock);
}

static bool log_has(const char *needle)
{
	bool ret;

	pthread_mutex_lock(&log_lock);
	ret = strstr(log_buf, needle) != NULL;
	pthread_mutex_unlock(&log_lock);
	return ret;
}

/* The log holds needle within WAIT_MS (lines come from the relay threads). */
static bool wait_log(const char *needle)
{
	int i;

	for (i = 0; i < WAIT_MS / 5; i++) {
		if (log_has(needle))
			return true;
		usleep(5000);
	}
	return false;
}

/* ---- helpers ---- */

/* A fresh private directory per test. */
static const char *fresh_dir(void)
{
	static char dir[256];
	static unsigned int n;

	snprintf(dir, sizeof(dir), "%s/d%u", rpt_tmpdir(), n++);
	assert_int_equal(mkdir(dir, 0700), 0);
	pthread_mutex_lock(&log_lock);
	log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
	return dir;
}

static struct rpif *make_if(const char *dir, struct fake_bus *fb, const char *dev)
{
	struct rpt_error err = {0};
	struct rpif *f;

	assert_int_equal(rpif_create(&f, dir, test_log, NULL, &err), 0);
	if (fb)
		assert_int_equal(rpif_add_proc(f, dev, fb, &fb_ops, &err), 0);
	return f;
}

/* Read exactly len bytes from fd within WAIT_MS. */
static void read_exact(int fd, void *buf, size_t len)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
		n = read(fd, (char *)buf + got, len - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
}

/* fd reports hang-up within WAIT_MS: read gives EOF or EIO, never blocks. */
static void assert_hung_up(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char c;
	ssize_t n;

	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	n = read(fd, &c, 1);
	assert_true(n == 0 || (n < 0 && (errno == EIO || errno == ECONNRESET)));
}

static int connect_seqpacket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static struct rpif_chan_info chan_info(struct rpif *f, const char *dev, unsigned int idx)
{
	struct rpif_chan_info ci[8];

	assert_true(rpif_channels(f, dev, ci, 8) > idx);
	return ci[idx];
}

/* ---- tests ---- */

/* An rpmsg-tty channel: a raw, owner-only pty behind <dir>/ttyRPMSG0, bytes both ways. */
static void test_tty_echo(void **state)
{
	const char *dir = fresh_dir();
	struct fake_bus fb;
	struct rpif_chan_info ci;
	struct termios t;
	struct stat st;
	char link[300], target[128], buf[8];
	struct rpif *f;
	ssize_t n;
	int fd;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-tty", 0x400);
	snprintf(link, sizeof(link), "%s/ttyRPMSG0", dir);
	assert_true(rpt_wait_path(link, true, WAIT_MS));
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(link, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_memory_equal(target, "/dev/pts/", 9);
	assert_int_equal(stat(link, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_mode & 077, 0);

	fd = open(link, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	assert_int_equal(tcgetattr(fd, &t), 0);
	assert_int_equal(t.c_lflag & (ECHO | ICANON | ISIG), 0);
	assert_int_equal(t.c_oflag & OPOST, 0);
	assert_int_equal(t.c_iflag & ICRNL, 0);
	assert_int_equal(write(fd, "hello\n", 6), 6);
	read_exact(fd, buf, 6);
	assert_memory_equal(buf, "hello\n", 6);
	assert_true(fb_wait_sent(&fb, 1));
	assert_int_equal(fb.n_sent, 1); /* raw: no echo of the echo */
	assert_int_equal(fb.sent[0].dst, 0x400);
	assert_int_equal(fb.sent[0].src, fb_ept_addr((struct rpmsg_endpoint *)fb_ept_of(&fb, 0)));
	assert_int_equal(fb.sent[0].len, 6);
	assert_memory_equal(fb.sent[0].data, "hello\n", 6);

	ci = chan_info(f, "remoteproc0", 0);
	assert_string_equal(ci.name, "rpmsg-tty");
	assert_int_equal(ci.dst, 0x400);
	assert_int_equal(ci.src, RPMSG_FIRST_HOST_ADDR);
	assert_string_equal(ci.path, link);
	assert_true(ci.tty);
	assert_true(wait_log("remoteproc0: rpmsg rpmsg-tty: firmware 0x400, host 0x400: "));
	close(fd);
	rpif_destroy(f);
	assert_true(rpt_wait_path(link, false, WAIT_MS));
}

/* The channel goes: link removed at once, readers see hang-up; announced again: back. */
static void test_tty_hangup_and_back(void **state)
{
	const char *dir = fresh_dir();
	struct fake_bus fb;
	char link[300], buf[4];
	struct rpif *f;
	int fd;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-tty", 0x400);
	snprintf(link, sizeof(link), "%s/ttyRPMSG0", dir);
	assert_true(rpt_wait_path(link, true, WAIT_MS));
	fd = open(link, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	fb_remove(&fb, 0x400);
	assert_true(access(link, F_OK) && errno == ENOENT); /* gone when remove returns */
	assert_hung_up(fd);
	close(fd);
	assert_true(log_has("rpmsg-tty (0x400) gone: ttyRPMSG0 hung up"));
	assert_int_equal(rpif_channels(f, "remoteproc0", NULL, 0), 0);

	/* The new firmware announces again (another address): ttyRPMSG0 again, working. */
	fb_announce(&fb, "rpmsg-tty", 0x401);
	assert_true(rpt_wait_path(link, true, WAIT_MS));
	fd = open(link, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ab", 2), 2);
	read_exact(fd, buf, 2);
	assert_memory_equal(buf, "ab", 2);
	assert_int_equal(fb.sent[0].dst, 0x401);
	close(fd);
	rpif_destroy(f);
}

/*
 * open(path) as the daemon's own user sees it: in a child without
 * CAP_SYS_ADMIN (which passes a tty's exclusive use); 0 or the errno.
 */
static int open_as_user(const char *path)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (syscall(SYS_capget, &h, d))
			_exit(120);
		d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
		if (syscall(SYS_capset, &h, d))
			_exit(121);
		_exit(open(path, O_RDWR | O_NOCTTY) < 0 ? errno & 0x7f : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_true(WEXITSTATUS(st) < 120);
	return WEXITSTATUS(st);
}

/*
 * screen makes the tty exclusive (TIOCEXCL) and never says otherwise: while
 * its user holds it, another open is refused as on Linux; once it closed, the
 * tty is the user's again (Linux's last close), not EBUSY until the firmware
 * restarts.
 */
static void test_tty_exclusive_use_ends_with_its_user(void **state)
{
	const char *dir = fresh_dir();
	struct fake_bus fb;
	char link[300], buf[2];
	struct rpif *f;
	int fd, excl = 1, ret = EBUSY, i;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-tty", 0x400);
	snprintf(link, sizeof(link), "%s/ttyRPMSG0", dir);
	assert_true(rpt_wait_path(link, true, WAIT_MS));
	fd = open(link, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, TIOCEXCL), 0);
	assert_int_equal(open_as_user(link), EBUSY);
	assert_int_equal(ioctl(fd, TIOCGEXCL, &excl), 0);
	assert_int_equal(excl, 1);
	close(fd);

	for (i = 0; i < WAIT_MS / 5 && ret == EBUSY; i++) {
		ret = open_as_user(link);
		if (ret == EBUSY)
			usleep(5000);
	}
	assert_int_equal(ret, 0);
	fd = open(link, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, TIOCGEXCL, &excl), 0);
	assert_int_equal(excl, 0);
	/* Still the same raw tty, bytes both ways. */
	assert_int_equal(write(fd, "ok", 2), 2);
	read_exact(fd, buf, 2);
	assert_memory_equal(buf, "ok", 2);
	close(fd);
	rpif_destroy(f);
}

/* N the lowest free; planted files never touched, a dead daemon's dangling link reused. */
static void test_tty_numbering_and_planted_files(void **state)
{
	const char *dir = fresh_dir();
	char path[300], victim[300], buf[16];
	struct fake_bus fb;
	struct rpif *f;
	struct stat st;
	FILE *v;

	(void)state;
	/* ttyRPMSG0: someone's file; ttyRPMSG1: a link to a file; ttyRPMSG2: dangling. */
	snprintf(path, sizeof(path), "%s/ttyRPMSG0", dir);
	v = fopen(path, "w");
	assert_non_null(v);
	fputs("mine", v);
	fclose(v);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	v = fopen(victim, "w");
	assert_non_null(v);
	fputs("keep", v);
	fclose(v);
	snprintf(path, sizeof(path), "%s/ttyRPMSG1", dir);
	assert_int_equal(symlink(victim, path), 0);
	snprintf(path, sizeof(path), "%s/ttyRPMSG2", dir);
	assert_int_equal(symlink("/dev/pts/no-such-pty", path), 0);

	fb_init(&fb, false);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-tty", 0x400);
	fb_announce(&fb, "rpmsg-tty-channel", 0x401); /* ST's older examples' name */
	snprintf(path, sizeof(path), "%s/ttyRPMSG2", dir);
	assert_true(rpt_wait_path(path, true, WAIT_MS));
	assert_int_equal(stat(path, &st), 0); /* reclaimed: now a live pty */
	assert_true(S_ISCHR(st.st_mode));
	snprintf(path, sizeof(path), "%s/ttyRPMSG3", dir);
	assert_true(rpt_wait_path(path, true, WAIT_MS));
	assert_string_equal(chan_info(f, "remoteproc0", 0).path + strlen(dir), "/ttyRPMSG2");
	assert_string_equal(chan_info(f, "remoteproc0", 1).path + strlen(dir), "/ttyRPMSG3");
	/* The planted ones are as they were. */
	snprintf(path, sizeof(path), "%s/ttyRPMSG0", dir);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	v = fopen(victim, "r");
	assert_non_null(v);
	assert_non_null(fgets(buf, sizeof(buf), v));
	fclose(v);
	assert_string_equal(buf, "keep");

	/* The lowest free number comes back to the next channel. */
	fb_remove(&fb, 0x400);
	fb_announce(&fb, "rpmsg-tty", 0x402);
	snprintf(path, sizeof(path), "%s/ttyRPMSG2", dir);
	assert_true(rpt_wait_path(path, true, WAIT_MS));
	assert_int_equal(chan_info(f, "remoteproc0", 1).dst, 0x402);
	assert_string_equal(chan_info(f, "remoteproc0", 1).path + strlen(dir), "/ttyRPMSG2");
	rpif_destroy(f);
}

/* Other channels: an owner-only SEQPACKET socket, one message per read/write, 496 at most. */
static void test_msg_socket(void **state)
{
	const char *dir = fresh_dir();
	uint8_t big[RPMSG_MAX_PAYLOAD + 1], buf[600];
	struct rpif_chan_info ci;
	struct fake_bus fb;
	char path[300];
	struct rpif *f;
	struct stat st;
	int fd;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-ping", 0x401);
	snprintf(path, sizeof(path), "%s/rpmsg0", dir);
	assert_true(rpt_wait_path(path, true, WAIT_MS));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	fd = connect_seqpacket(path);
	assert_int_equal(send(fd, "ping", 4, 0), 4);
	assert_int_equal(send(fd, "pong!", 5, 0), 5);
	/* Two messages stay two messages. */
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 5);
	assert_memory_equal(buf, "pong!", 5);
	assert_int_equal(fb.sent[0].dst, 0x401);
	/* 496 bytes go; 497 are refused (counted, logged), the next still goes. */
	memset(big, 'x', sizeof(big));
	assert_int_equal(send(fd, big, RPMSG_MAX_PAYLOAD, 0), RPMSG_MAX_PAYLOAD);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), RPMSG_MAX_PAYLOAD);
	assert_int_equal(send(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	assert_int_equal(send(fd, "z", 1, 0), 1);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 1);
	assert_int_equal(buf[0], 'z');
	assert_int_equal(fb.n_sent, 4);
	ci = chan_info(f, "remoteproc0", 0);
	assert_false(ci.tty);
	assert_int_equal(ci.tx_dropped, 1);
	assert_int_equal(ci.tx, 4);
	assert_true(wait_log("a message of 497 bytes not sent: longer than an rpmsg payload"));

	/* The channel goes: the client sees EOF, the socket is gone. */
	fb_remove(&fb, 0x401);
	assert_true(access(path, F_OK) && errno == ENOENT);
	assert_hung_up(fd);
	close(fd);
	rpif_destroy(f);
}

/* No free buffer: the message waits (not dropped), other processors' channels go on. */
static void test_full_buffer_waits(void **state)
{
	const char *dir = fresh_dir();
	struct fake_bus a, b;
	char pa[300], pb[300], buf[8];
	struct rpt_error err = {0};
	struct rpif *f;
	int fa, fbd;

	(void)state;
	fb_init(&a, true);
	fb_init(&b, true);
	f = make_if(dir, &a, "remoteproc0");
	assert_int_equal(rpif_add_proc(f, "remoteproc1", &b, &fb_ops, &err), 0);
	fb_announce(&a, "rpmsg-ping", 0x401);
	fb_announce(&b, "rpmsg-ping", 0x401);
	snprintf(pa, sizeof(pa), "%s/rpmsg0", dir);
	snprintf(pb, sizeof(pb), "%s/rpmsg1", dir);
	assert_true(rpt_wait_path(pa, true, WAIT_MS));
	assert_true(rpt_wait_path(pb, true, WAIT_MS));
	fa = connect_seqpacket(pa);
	fbd = connect_seqpacket(pb);

	fb_set_full(&a, true);
	assert_int_equal(send(fa, "wait", 4, 0), 4);
	/* remoteproc1 is not held by remoteproc0's stuck firmware. */
	assert_int_equal(send(fbd, "free", 4, 0), 4);
	assert_int_equal(recv(fbd, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "free", 4);
	/* Nor is the ctl side. */
	assert_int_equal(rpif_send(f, "remoteproc1", "rpmsg-ping", "ctl", 3, 1000, &err), 0);
	/* A send through ctl on the full bus fails with the bus's reason after its timeout. */
	assert_int_equal(rpif_send(f, "remoteproc0", "rpmsg-ping", "x", 1, 50, &err), -ETIMEDOUT);
	assert_string_equal(rpt_error_msg(&err), "no free transmit buffer");
	assert_int_equal(a.n_sent, 0);
	fb_set_full(&a, false);
	assert_int_equal(recv(fa, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "wait", 4);
	assert_int_equal(chan_info(f, "remoteproc0", 0).tx_dropped, 0);
	close(fa);
	close(fbd);
	rpif_destroy(f);
}

/* A reader that never reads: the bus's thread never blocks, drops are counted and logged. */
static void test_slow_reader(void **state)
{
	const char *dir = fresh_dir();
	char path[300], buf[8];
	struct fake_ept *e;
	struct fake_bus fb;
	struct rpif *f;
	unsigned int i;
	int fd, tty;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-ping", 0x401);
	fb_announce(&fb, "rpmsg-tty", 0x402);
	snprintf(path, sizeof(path), "%s/rpmsg0", dir);
	assert_true(rpt_wait_path(path, true, WAIT_MS));
	fd = connect_seqpacket(path);
	for (i = 0; i < WAIT_MS / 5; i++) {
		if (chan_info(f, "remoteproc0", 0).src != RPMSG_ADDR_ANY)
			break;
		usleep(5000);
	}
	e = NULL;
	for (i = 0; i < fb.n_epts; i++)
		if (fb.epts[i].priv && fb.epts[i].addr == chan_info(f, "remoteproc0", 0).src)
			e = &fb.epts[i];
	assert_non_null(e);
	/* 20000 messages of 400 bytes (8 MB) at a client that reads none. */
	for (i = 0; i < 20000; i++) {
		char m[400];

		memset(m, (int)(i & 0xff), sizeof(m));
		e->cb(e->priv, m, sizeof(m), 0x401);
	}
	assert_true(chan_info(f, "remoteproc0", 0).rx_dropped > 0);
	assert_true(log_has("rpmsg rpmsg-ping: reader too slow: dropping the oldest messages"));
	/* The other channel goes on. */
	snprintf(path, sizeof(path), "%s/ttyRPMSG0", dir);
	assert_true(rpt_wait_path(path, true, WAIT_MS));
	tty = open(path, O_RDWR | O_NOCTTY);
	assert_true(tty >= 0);
	assert_int_equal(write(tty, "ok", 2), 2);
	read_exact(tty, buf, 2);
	assert_memory_equal(buf, "ok", 2);
	close(tty);
	/* Stopping with the stuck client connected does not hang; it reads what it had, then EOF. */
	rpif_destroy(f);
	for (i = 0; i < 100000; i++) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		char m[600];

		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
		if (recv(fd, m, sizeof(m), 0) <= 0)
			break;
	}
	assert_true(i < 100000);
	close(fd);
}

struct recv_arg {
	struct rpif *f; /* the interfaces */
	long ret;	/* rpif_recv's */
	char buf[64];	/* what it got */
};

static void *recv_thread(void *p)
{
	struct recv_arg *a = p;
	struct rpt_error err = {0};

	a->ret = rpif_recv(a->f, "remoteproc0", "rpmsg-ping", a->buf, sizeof(a->buf), 60000, &err);
	return NULL;
}

/* rprocctl's send/recv: queued messages, timeouts, ambiguity, a reader woken at removal. */
static void test_ctl_send_recv(void **state)
{
	const char *dir = fresh_dir();
	struct rpt_error err = {0};
	struct recv_arg a = {0};
	struct fake_bus fb;
	char buf[RPMSG_MAX_PAYLOAD];
	struct rpif *f;
	pthread_t t;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-ping", 0x401);
	fb_announce(&fb, "rpmsg-tty", 0x402);
	assert_int_equal(rpif_send(f, "remoteproc0", "rpmsg-ping", "hi", 2, 1000, &err), 0);
	assert_int_equal(rpif_send(f, "remoteproc0", "rpmsg0", "again", 5, 1000, &err), 0);
	assert_int_equal(rpif_recv(f, "remoteproc0", "rpmsg-ping", buf, sizeof(buf), 1000, &err),
			 2);
	assert_memory_equal(buf, "hi", 2);
	assert_int_equal(rpif_recv(f, "remoteproc0", "rpmsg0", buf, sizeof(buf), 1000, &err), 5);
	assert_memory_equal(buf, "again", 5);
	assert_int_equal(rpif_recv(f, "remoteproc0", "rpmsg-ping", buf, sizeof(buf), 20, &err),
			 -ETIMEDOUT);
	assert_string_equal(rpt_error_msg(&err), "rpmsg-ping: nothing received in 20 ms");
	assert_int_equal(rpif_recv(f, "remoteproc0", "rpmsg-tty", buf, sizeof(buf), 20, &err),
			 -EINVAL);
	assert_int_equal(rpif_recv(f, "remoteproc0", "nope", buf, sizeof(buf), 20, &err), -ENOENT);
	assert_int_equal(
		rpif_send(f, "remoteproc0", "rpmsg-ping", buf, RPMSG_MAX_PAYLOAD + 1, 20, &err),
		-EMSGSIZE);
	/* Two channels of one name: named by interface only. */
	fb_announce(&fb, "rpmsg-ping", 0x403);
	assert_int_equal(rpif_send(f, "remoteproc0", "rpmsg-ping", "x", 1, 20, &err), -EEXIST);
	fb_remove(&fb, 0x403);

	/* A reader waiting 60 s is woken when the channel goes (not at its timeout). */
	a.f = f;
	assert_int_equal(pthread_create(&t, NULL, recv_thread, &a), 0);
	usleep(50000);
	fb_remove(&fb, 0x401);
	assert_int_equal(pthread_join(t, NULL), 0);
	/* -ENOENT if it came after the removal; never the 60 s timeout. */
	assert_true(a.ret == -ENOTCONN || a.ret == -ENOENT);
	rpif_destroy(f);
}

/* rpmsg create: a user endpoint is a message socket to the given address, until destroyed. */
static void test_user_endpoint(void **state)
{
	const char *dir = fresh_dir();
	struct rpt_error err = {0};
	struct fake_bus fb;
	char path[128], buf[8];
	struct rpif *f;
	int fd;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-tty", 0x400);
	assert_int_equal(
		rpif_create_ept(f, "remoteproc0", "my-ept", 0x410, path, sizeof(path), &err), 0);
	assert_string_equal(path + strlen(dir), "/rpmsg0");
	assert_int_equal(
		rpif_create_ept(f, "remoteproc0", "bad name", 0x410, path, sizeof(path), &err),
		-EINVAL);
	assert_int_equal(rpif_create_ept(f, "remoteproc9", "x", 0x410, path, sizeof(path), &err),
			 -ENODEV);
	/* A name of an interface's form would be found as that interface. */
	assert_int_equal(
		rpif_create_ept(f, "remoteproc0", "rpmsg5", 0x410, path, sizeof(path), &err),
		-EINVAL);
	assert_int_equal(
		rpif_create_ept(f, "remoteproc0", "ttyRPMSG0", 0x410, path, sizeof(path), &err),
		-EINVAL);
	snprintf(path, sizeof(path), "%s/rpmsg0", dir);
	fd = connect_seqpacket(path);
	assert_int_equal(send(fd, "u", 1, 0), 1);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 1);
	assert_true(fb_wait_sent(&fb, 1));
	assert_int_equal(fb.sent[0].dst, 0x410);
	assert_true(chan_info(f, "remoteproc0", 1).user);
	/* The firmware's channels are not the user's to destroy. */
	assert_int_equal(rpif_destroy_ept(f, "remoteproc0", "rpmsg-tty", &err), -EPERM);
	assert_int_equal(rpif_destroy_ept(f, "remoteproc0", "my-ept", &err), 0);
	assert_true(access(path, F_OK) && errno == ENOENT);
	assert_hung_up(fd);
	close(fd);
	rpif_destroy(f);
}

/* A directory others may write to is not used: channels exist, without interfaces. */
static void test_not_private_dir(void **state)
{
	const char *dir = fresh_dir();
	struct rpt_error err = {0};
	struct fake_bus fb;
	char path[300];
	struct rpif *f;

	(void)state;
	assert_int_equal(chmod(dir, 0777), 0);
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	assert_true(log_has("rpmsg: no ttys or sockets for the channels"));
	fb_announce(&fb, "rpmsg-tty", 0x400);
	assert_int_equal(chan_info(f, "remoteproc0", 0).path[0], '\0');
	assert_int_equal(rpif_send(f, "remoteproc0", "rpmsg-tty", "x", 1, 5000, &err), 0);
	assert_int_equal(rpif_create_ept(f, "remoteproc0", "e", 1, path, sizeof(path), &err),
			 -ENOTDIR);
	rpif_destroy(f);
	snprintf(path, sizeof(path), "%s/ttyRPMSG0", dir);
	assert_true(access(path, F_OK) && errno == ENOENT);
}

/* A hostile firmware's name cannot forge a log line or a list line: shown with '?'. */
static void test_hostile_name_shown_printable(void **state)
{
	const char *dir = fresh_dir();
	struct rpt_error err = {0};
	struct fake_bus fb;
	struct rpif *f;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "evil\nrprocd: x\033[2J", 0x401);
	assert_string_equal(chan_info(f, "remoteproc0", 0).name, "evil?rprocd:?x?[2J");
	assert_int_equal(rpif_send(f, "remoteproc0", "evil?rprocd:?x?[2J", "x", 1, 5000, &err), 0);
	assert_true(wait_log("rpmsg evil?rprocd:?x?[2J: firmware 0x401"));
	assert_false(log_has("\033"));
	fb_remove(&fb, 0x401);
	assert_int_equal(rpif_channels(f, "remoteproc0", NULL, 0), 0);
	rpif_destroy(f);
}

/* The bus's state and why it is broken, for rpmsg list; a bus without the op is UP. */
static void test_state(void **state)
{
	static const struct rpif_bus_ops no_state = {fb_set_listener, fb_create_ept, fb_destroy_ept,
						     fb_ept_addr,     fb_sendto,     NULL};
	const char *dir = fresh_dir();
	struct rpt_error err = {0};
	struct fake_bus fb, other;
	char why[128];
	struct rpif *f;

	(void)state;
	fb_init(&fb, true);
	fb_init(&other, true);
	f = make_if(dir, &fb, "remoteproc0");
	assert_int_equal(rpif_add_proc(f, "remoteproc1", &other, &no_state, &err), 0);
	assert_int_equal(rpif_state(f, "remoteproc0", why, sizeof(why)), VIRTIO_RPMSG_UP);
	assert_string_equal(why, "");
	fb.broken = true;
	assert_int_equal(rpif_state(f, "remoteproc0", why, sizeof(why)), VIRTIO_RPMSG_BROKEN);
	assert_string_equal(why, "vring1: used.idx jumped");
	assert_int_equal(rpif_state(f, "remoteproc1", why, sizeof(why)), VIRTIO_RPMSG_UP);
	rpif_destroy(f);
}

/*
 * A peer of another uid is refused even where the file modes would let it
 * in (a directory and a socket opened up by mistake). Tests run as root in
 * CI: the other user is uid 65534, a forked child that drops to it; run as
 * another user, the child stays ourselves and must be served.
 */
static void test_other_uid_refused(void **state)
{
	const char *dir = fresh_dir();
	struct fake_bus fb;
	char path[300];
	struct rpif *f;
	pid_t pid;
	int st;

	(void)state;
	fb_init(&fb, true);
	f = make_if(dir, &fb, "remoteproc0");
	fb_announce(&fb, "rpmsg-ping", 0x401);
	snprintf(path, sizeof(path), "%s/rpmsg0", dir);
	assert_true(rpt_wait_path(path, true, WAIT_MS));
	assert_int_equal(chmod(rpt_tmpdir(), 0711), 0);
	assert_int_equal(chmod(dir, 0711), 0);
	assert_int_equal(chmod(path, 0666), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		char buf[8];
		int fd;

		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(120);
		if (strlen(path) >= sizeof(sa.sun_path))
			_exit(122);
		memcpy(sa.sun_path, path, strlen(path) + 1);
		fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			_exit(121);
		(void)send(fd, "evil", 4, MSG_NOSIGNAL);
		/* Refused: EOF (or a reset); served: the echo. */
		_exit(recv(fd, buf, sizeof(buf), 0) > 0 ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (geteuid() == 0) {
		assert_int_equal(WEXITSTATUS(st), 0);
		assert_int_equal(fb.n_sent, 0);
		assert_true(log_has("runs as uid 65534"));
	} else {
		assert_int_equal(WEXITSTATUS(st), 1);
	}
	assert_int_equal(chmod(rpt_tmpdir(), 0700), 0);
	rpif_destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tty_echo),
		cmocka_unit_test(test_tty_hangup_and_back),
		cmocka_unit_test(test_tty_numbering_and_planted_files),
		cmocka_unit_test(test_tty_exclusive_use_ends_with_its_user),
		cmocka_unit_test(test_msg_socket),
		cmocka_unit_test(test_full_buffer_waits),
		cmocka_unit_test(test_slow_reader),
		cmocka_unit_test(test_ctl_send_recv),
		cmocka_unit_test(test_user_endpoint),
		cmocka_unit_test(test_not_private_dir),
		cmocka_unit_test(test_other_uid_refused),
		cmocka_unit_test(test_hostile_name_shown_printable),
		cmocka_unit_test(test_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
