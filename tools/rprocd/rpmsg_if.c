// SPDX-License-Identifier: BSD-2-Clause
/* rprocd's rpmsg interfaces: ttys and message sockets for rpmsg channels (rpmsg_if.h). */
#include "rpmsg_if.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc_path.h"

#define RPIF_MAX_PROCS 8  /* processors served (rprocd's RPROCD_MAX_PROCS) */
#define RPIF_DIR_MAX   80 /* the directory's length: "<dir>/ttyRPMSG63" fits a sun_path */
#define RPIF_BACKLOG   8  /* connections waiting while a socket's one client is served */

/* One message from the firmware, waiting for its reader. */
struct rpif_msg {
	uint16_t len;			 /* payload bytes */
	uint8_t data[RPMSG_MAX_PAYLOAD]; /* the payload */
};

/* A processor whose bus is served. */
struct rpif_proc {
	struct rpif *f;			  /* back pointer (the listener's priv is the proc) */
	char name[32];			  /* "remoteproc0" */
	void *bus;			  /* its bus, for ops */
	const struct rpif_bus_ops *ops;	  /* how to use it */
	struct virtio_rpmsg_listener lis; /* our listener on it */
};

/* A channel (or user endpoint) and its interface. */
struct rpif_chan {
	struct rpif *f;			/* back pointer */
	struct rpif_proc *proc;		/* its processor */
	struct rpif_chan *next;		/* in f->chans (f->lock) */
	struct rpmsg_channel_info info; /* name and firmware address, as announced */
	char name[RPMSG_NAME_SIZE]; /* the name shown and looked up (printable: see shown_name) */
	bool tty;		    /* a pseudo-terminal (else a message socket) */
	bool user;		    /* made by rpif_create_ept */
	unsigned int num;	    /* N of ttyRPMSG<N> / rpmsg<N>; RPIF_MAX_IFACES: none */
	char path[128];		    /* the link or socket, "" when none (f->lock) */
	/* The descriptors below belong to the relay thread once it runs. */
	int master;	   /* tty: the pty's master side (non-blocking), -1: none */
	int slave;	   /* tty: its slave, held open (keeps raw mode and input while unread) */
	int closes;	   /* tty: inotify, a user closed the slave (ends TIOCEXCL), -1: none */
	int listen_fd;	   /* socket: the listening socket, -1: none */
	int client;	   /* socket: the one connected client, -1: none */
	int wake;	   /* eventfd: a message queued, or the channel went */
	pthread_t thread;  /* the relay */
	unsigned int refs; /* f->lock: the list, the relay, ctl requests */
	pthread_mutex_t lock;	    /* guards everything below */
	pthread_cond_t cond;	    /* a message came, the endpoint is made, a send ended, gone */
	struct rpmsg_endpoint *ept; /* our endpoint (NULL until made, or if that failed) */
	uint32_t addr;		    /* its address, RPMSG_ADDR_ANY until made */
	bool ept_done;		    /* the relay tried to make ept */
	bool gone;		    /* removed: the relay hangs up and ends */
	unsigned int senders;	    /* rpif_send calls using ept (it outlives them) */
	struct rpif_msg *q;	    /* RPIF_RX_QUEUE messages from the firmware, a ring */
	unsigned int qhead;	    /* its oldest */
	unsigned int qlen;	    /* how many */
	size_t qoff;		    /* tty: bytes of the oldest already written to the pty */
	bool rx_overflow;	    /* dropping (logged once until the queue empties) */
	unsigned long rx;	    /* messages from the firmware */
	unsigned long tx;	    /* messages to it */
	unsigned long rx_dropped;   /* dropped from a full queue */
	unsigned long tx_dropped;   /* not sent (no buffer in time, device down, too long) */
};

struct rpif {
	char dir[RPIF_DIR_MAX];			   /* where interfaces go */
	int dirfd;				   /* it, opened (-1: no interfaces) */
	void (*log)(void *priv, const char *line); /* where lines go */
	void *log_priv;				   /* passed to log */
	pthread_mutex_t lock;			   /* guards everything below and refs */
	pthread_cond_t idle;			   /* a relay ended */
	struct rpif_proc procs[RPIF_MAX_PROCS];	   /* the processors served */
	unsigned int num_procs;			   /* entries in procs */
	struct rpif_chan *chans;		   /* every channel, in creation order */
	uint64_t tty_used;			   /* ttyRPMSG<N> numbers taken */
	uint64_t sock_used;			   /* rpmsg<N> numbers taken */
	unsigned int relays;			   /* relay threads running */
	bool closing;				   /* rpif_stop: no new channel */
};

static void rpif_log(struct rpif *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rpif_log(struct rpif *f, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (f->log)
		f->log(f->log_priv, line);
	else
		fprintf(stderr, "%s\n", line);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void wake(struct rpif_chan *ch)
{
	uint64_t one = 1;
	ssize_t n = write(ch->wake, &one, sizeof(one));

	(void)n; /* a full counter already wakes the relay */
}

/* The interface's file name ("ttyRPMSG0"), or "" */
static const char *base_name(const struct rpif_chan *ch)
{
	const char *s = strrchr(ch->path, '/');

	return s ? s + 1 : ch->path;
}

/* ---- interfaces ---- */

/* A link left by a daemon that died: a symlink whose target no longer exists. */
static bool stale_link(struct rpif *f, const char *name, const char *target)
{
	char old[128];
	struct stat st;
	ssize_t n;

	if (fstatat(f->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISLNK(st.st_mode))
		return false;
	n = readlinkat(f->dirfd, name, old, sizeof(old) - 1);
	if (n > 0) {
		old[n] = '\0';
		/* Already pointing at our pty (its number was reused): as good as stale. */
		if (!strcmp(old, target))
			return true;
	}
	return fstatat(f->dirfd, name, &st, 0) && errno == ENOENT;
}

/* The link <dir>/ttyRPMSG<N> to pts, N the lowest free (f->lock held). */
static int tty_link(struct rpif_chan *ch, const char *pts, struct rpt_error *err)
{
	struct rpif *f = ch->f;
	char name[32];
	unsigned int n;

	for (n = 0; n < RPIF_MAX_IFACES; n++) {
		if (f->tty_used & (1ull << n))
			continue;
		snprintf(name, sizeof(name), "ttyRPMSG%u", n);
		/* symlinkat never follows or replaces what is there: nothing planted is used. */
		if (symlinkat(pts, f->dirfd, name)) {
			if (errno != EEXIST)
				return rpt_error_set(err, errno, "link %s/%s: %s", f->dir, name,
						     strerror(errno));
			if (!stale_link(f, name, pts) || unlinkat(f->dirfd, name, 0) ||
			    symlinkat(pts, f->dirfd, name))
				continue; /* someone else's: the next number */
		}
		f->tty_used |= 1ull << n;
		ch->num = n;
		snprintf(ch->path, sizeof(ch->path), "%s/%s", f->dir, name);
		return 0;
	}
	return rpt_error_set(err, ENOSPC, "no free ttyRPMSG<N> in %s (N < %u)", f->dir,
			     RPIF_MAX_IFACES);
}

/*
 * Linux ends a tty's exclusive use (TIOCEXCL: screen sets it, never clears it)
 * at its last close. Ours never comes (we hold the slave, and the master keeps
 * the pair anyway), so the daemon's own user could never open the tty again
 * after screen (EBUSY; only CAP_SYS_ADMIN passes). A close by any user ends it
 * here: while the tty is exclusive only a CAP_SYS_ADMIN opener can close
 * besides the one who made it so. Without inotify (its per-user instance
 * limit) the tty still works, exclusive use just stays (f->lock held).
 */
static void tty_watch_closes(struct rpif_chan *ch, const char *pts)
{
	ch->closes = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ch->closes >= 0 &&
	    inotify_add_watch(ch->closes, pts, IN_CLOSE_WRITE | IN_CLOSE_NOWRITE) >= 0)
		return;
	rpif_log(ch->f,
		 "rprocd: %s: rpmsg %s: %s: exclusive use (TIOCEXCL) will outlive its user: "
		 "inotify: %s",
		 ch->proc->name, ch->name, base_name(ch), strerror(errno));
	if (ch->closes >= 0)
		close(ch->closes);
	ch->closes = -1;
}

/* A pseudo-terminal in raw mode, owner-only, and its link (f->lock held). */
static int tty_make(struct rpif_chan *ch, struct rpt_error *err)
{
	struct termios t;
	char pts[64];
	int ret;

	ch->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (ch->master < 0)
		return rpt_error_set(err, errno, "posix_openpt: %s", strerror(errno));
	if (grantpt(ch->master) || unlockpt(ch->master) ||
	    ptsname_r(ch->master, pts, sizeof(pts))) {
		ret = rpt_error_set(err, errno, "pty set-up: %s", strerror(errno));
		goto out_master;
	}
	ch->slave = open(pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (ch->slave < 0) {
		ret = rpt_error_set(err, errno, "open %s: %s", pts, strerror(errno));
		goto out_master;
	}
	/*
	 * Raw, as a serial line to an echoing firmware must be (a tty echo or
	 * CR/LF translation would send the firmware's echo back to it, forever);
	 * owner-only (grantpt leaves it writable by group tty).
	 */
	if (fchmod(ch->slave, 0600) || tcgetattr(ch->slave, &t)) {
		ret = rpt_error_set(err, errno, "%s: %s", pts, strerror(errno));
		goto out_slave;
	}
	cfmakeraw(&t);
	if (tcsetattr(ch->slave, TCSANOW, &t) ||
	    fcntl(ch->master, F_SETFL, fcntl(ch->master, F_GETFL) | O_NONBLOCK)) {
		ret = rpt_error_set(err, errno, "%s: %s", pts, strerror(errno));
		goto out_slave;
	}
	ret = tty_link(ch, pts, err);
	if (ret)
		goto out_slave;
	tty_watch_closes(ch, pts);
	return 0;

out_slave:
	close(ch->slave);
	ch->slave = -1;
out_master:
	close(ch->master);
	ch->master = -1;
	return ret;
}

/* A message socket <dir>/rpmsg<N>, N the lowest free (f->lock held). */
static int sock_make(struct rpif_chan *ch, struct rpt_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct rpif *f = ch->f;
	struct rpt_error e = {0};
	unsigned int n;

	for (n = 0; n < RPIF_MAX_IFACES; n++) {
		if (f->sock_used & (1ull << n))
			continue;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/rpmsg%u", f->dir, n);
		/* A socket nobody serves (a dead daemon's) is reclaimed; anything else is skipped. */
		if (rpt_claim_socket_path(sa.sun_path, SOCK_SEQPACKET, &e))
			continue;
		ch->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (ch->listen_fd < 0)
			return rpt_error_set(err, errno, "socket: %s", strerror(errno));
		if (bind(ch->listen_fd, (struct sockaddr *)&sa, sizeof(sa))) {
			close(ch->listen_fd);
			ch->listen_fd = -1;
			if (errno == EADDRINUSE)
				continue;
			return rpt_error_set(err, errno, "bind %s: %s", sa.sun_path,
					     strerror(errno));
		}
		/* Nobody can connect before listen(): only our user may. */
		if (fchmodat(f->dirfd, sa.sun_path + strlen(f->dir) + 1, 0600, 0) ||
		    listen(ch->listen_fd, RPIF_BACKLOG)) {
			int ret = rpt_error_set(err, errno, "%s: %s", sa.sun_path, strerror(errno));

			unlink(sa.sun_path);
			close(ch->listen_fd);
			ch->listen_fd = -1;
			return ret;
		}
		f->sock_used |= 1ull << n;
		ch->num = n;
		memcpy(ch->path, sa.sun_path, sizeof(sa.sun_path));
		return 0;
	}
	return rpt_error_set(err, ENOSPC, "no free rpmsg<N> in %s (N < %u)", f->dir,
			     RPIF_MAX_IFACES);
}

/* Remove the interface's name (f->lock held): from here on nobody new reaches it. */
static void iface_unlink(struct rpif_chan *ch)
{
	struct rpif *f = ch->f;

	if (!ch->path[0])
		return;
	unlinkat(f->dirfd, base_name(ch), 0);
	if (ch->tty)
		f->tty_used &= ~(1ull << ch->num);
	else
		f->sock_used &= ~(1ull << ch->num);
	ch->num = RPIF_MAX_IFACES;
	ch->path[0] = '\0';
}

/* ---- channels ---- */

/*
 * The firmware's name as people and scripts see it: a byte outside
 * printable ASCII, or a space, shown as '?' (a newline in a hostile
 * firmware's name would forge a log line or a line of `rpmsg list`).
 */
static void shown_name(char out[RPMSG_NAME_SIZE], const char *name)
{
	size_t i;

	for (i = 0; i < RPMSG_NAME_SIZE - 1 && name[i]; i++)
		out[i] = name[i] > ' ' && name[i] <= '~' ? name[i] : '?';
	out[i] = '\0';
}

static void chan_free(struct rpif_chan *ch)
{
	pthread_cond_destroy(&ch->cond);
	pthread_mutex_destroy(&ch->lock);
	if (ch->wake >= 0)
		close(ch->wake);
	free(ch->q);
	free(ch);
}

/* Drop a reference (f->lock held). */
static void chan_put_locked(struct rpif_chan *ch)
{
	if (--ch->refs == 0)
		chan_free(ch);
}

static void chan_put(struct rpif_chan *ch)
{
	struct rpif *f = ch->f;

	pthread_mutex_lock(&f->lock);
	chan_put_locked(ch);
	pthread_mutex_unlock(&f->lock);
}

/* Take it off the list and tell its relay to hang up (f->lock held). */
static void chan_remove_locked(struct rpif_chan *ch)
{
	struct rpif *f = ch->f;
	struct rpif_chan **pp;

	for (pp = &f->chans; *pp; pp = &(*pp)->next) {
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	}
	rpif_log(f, "rprocd: %s: rpmsg %s (0x%x) gone%s%s%s", ch->proc->name, ch->name,
		 ch->info.dst, ch->path[0] ? ": " : "", base_name(ch),
		 ch->path[0] ? (ch->tty ? " hung up" : " closed") : "");
	iface_unlink(ch);
	pthread_mutex_lock(&ch->lock);
	ch->gone = true;
	pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->lock);
	wake(ch);
	chan_put_locked(ch);
}

/* An endpoint callback (the kick's context): never blocks on a reader, drops the oldest when full. */
static void chan_rx(void *priv, const void *data, size_t len, uint32_t src)
{
	struct rpif_chan *ch = priv;
	struct rpif_msg *m;
	bool overflow = false;

	(void)src;
	if (len > RPMSG_MAX_PAYLOAD)
		len = RPMSG_MAX_PAYLOAD; /* the bus never delivers more */
	pthread_mutex_lock(&ch->lock);
	if (ch->gone) {
		pthread_mutex_unlock(&ch->lock);
		return;
	}
	if (ch->qlen == RPIF_RX_QUEUE) {
		ch->qhead = (ch->qhead + 1) % RPIF_RX_QUEUE;
		ch->qlen--;
		ch->qoff = 0;
		ch->rx_dropped++;
		overflow = !ch->rx_overflow;
		ch->rx_overflow = true;
	}
	m = &ch->q[(ch->qhead + ch->qlen) % RPIF_RX_QUEUE];
	m->len = (uint16_t)len;
	memcpy(m->data, data, len);
	ch->qlen++;
	ch->rx++;
	pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->lock);
	if (overflow)
		rpif_log(ch->f,
			 "rprocd: %s: rpmsg %s: reader too slow: dropping the oldest messages "
			 "(%u kept; rpmsg list counts them)",
			 ch->proc->name, ch->name, RPIF_RX_QUEUE);
	wake(ch);
}

/* ---- the relay ---- */

/* What the relay holds for the firmware. */
struct relay_tx {
	uint8_t buf[RPMSG_MAX_PAYLOAD + 1]; /* one message (+1: to see an oversized one) */
	size_t len;			    /* its length; 0: nothing pending */
	uint64_t since;			    /* when it was read */
	bool failing;			    /* the last one was dropped (logged once) */
};

static void tx_dropped(struct rpif_chan *ch, struct relay_tx *t, const char *why)
{
	pthread_mutex_lock(&ch->lock);
	ch->tx_dropped++;
	pthread_mutex_unlock(&ch->lock);
	if (!t->failing)
		rpif_log(ch->f, "rprocd: %s: rpmsg %s: a message of %zu bytes not sent: %s",
			 ch->proc->name, ch->name, t->len, why);
	t->failing = true;
	t->len = 0;
}

/* Try to send what is pending for one slice; it stays pending while no buffer is free. */
static void relay_send(struct rpif_chan *ch, struct relay_tx *t)
{
	struct rpif_proc *p = ch->proc;
	struct rpt_error err = {0};
	int ret;

	if (!ch->ept) {
		tx_dropped(ch, t, "no endpoint");
		return;
	}
	ret = p->ops->sendto(ch->ept, ch->info.dst, t->buf, t->len, RPIF_TX_SLICE_MS, &err);
	if (!ret) {
		pthread_mutex_lock(&ch->lock);
		ch->tx++;
		pthread_mutex_unlock(&ch->lock);
		if (t->failing)
			rpif_log(ch->f, "rprocd: %s: rpmsg %s: sending again", p->name, ch->name);
		t->failing = false;
		t->len = 0;
		return;
	}
	/* No free buffer yet: the writer waits (we read no more) up to RPIF_TX_WAIT_MS. */
	if (ret == -ETIMEDOUT && now_ms() - t->since < RPIF_TX_WAIT_MS)
		return;
	tx_dropped(ch, t, rpt_error_msg(&err));
}

/* Deliver queued messages to the pty or the client, as far as they take them. */
static void relay_deliver(struct rpif_chan *ch)
{
	pthread_mutex_lock(&ch->lock);
	while (ch->qlen) {
		struct rpif_msg *m = &ch->q[ch->qhead];
		ssize_t n;

		if (ch->tty) {
			n = write(ch->master, m->data + ch->qoff, m->len - ch->qoff);
			if (n < 0)
				break; /* full (EAGAIN): POLLOUT brings us back */
			ch->qoff += (size_t)n;
			if (ch->qoff < m->len)
				continue;
		} else {
			if (ch->client < 0)
				break; /* kept for the next client or `rpmsg recv` */
			n = send(ch->client, m->data, m->len, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				break;
			if (n < 0) {
				/* The client went: the message stays for the next one. */
				close(ch->client);
				ch->client = -1;
				break;
			}
		}
		ch->qhead = (ch->qhead + 1) % RPIF_RX_QUEUE;
		ch->qlen--;
		ch->qoff = 0;
	}
	if (!ch->qlen)
		ch->rx_overflow = false;
	pthread_mutex_unlock(&ch->lock);
}

/* Read one message from the pty or the client into t. */
static void relay_input(struct rpif_chan *ch, struct relay_tx *t, short revents)
{
	ssize_t n;

	if (ch->tty) {
		n = read(ch->master, t->buf, RPMSG_MAX_PAYLOAD);
		if (n > 0) {
			t->len = (size_t)n;
			t->since = now_ms();
		}
		return;
	}
	/* MSG_TRUNC: the real length of a longer message, which is refused, not cut. */
	n = recv(ch->client, t->buf, sizeof(t->buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && (revents & (POLLHUP | POLLRDHUP | POLLERR)))) {
		pthread_mutex_lock(&ch->lock);
		close(ch->client);
		ch->client = -1;
		pthread_mutex_unlock(&ch->lock);
		return;
	}
	t->len = (size_t)n;
	t->since = now_ms();
	if (t->len > RPMSG_MAX_PAYLOAD)
		tx_dropped(ch, t, "longer than an rpmsg payload (496 bytes)");
}

/* A client for the message socket: our uid or root only. */
static void relay_accept(struct rpif_chan *ch)
{
	struct rpt_error err = {0};
	char what[160];
	int fd;

	fd = accept4(ch->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	snprintf(what, sizeof(what), "client of %s", ch->path[0] ? ch->path : ch->name);
	if (rpt_check_peer(fd, RPT_UID_DEFAULT, what, &err)) {
		rpif_log(ch->f, "rprocd: %s: rpmsg %s: %s", ch->proc->name, ch->name,
			 rpt_error_msg(&err));
		close(fd);
		return;
	}
	pthread_mutex_lock(&ch->lock);
	ch->client = fd;
	pthread_mutex_unlock(&ch->lock);
}

/* A user closed the tty: its exclusive use ends (tty_watch_closes). */
static void relay_closed(struct rpif_chan *ch, int closes)
{
	struct inotify_event ev[16]; /* a watched file's events carry no name */

	/* Which user closed tells nothing more: drained, the events wake us once. */
	while (read(closes, ev, sizeof(ev)) > 0)
		;
	pthread_mutex_lock(&ch->lock);
	if (ch->slave >= 0)
		ioctl(ch->slave, TIOCNXCL);
	pthread_mutex_unlock(&ch->lock);
}

/* Hang up: the tty's readers see EOF/EIO, the socket's client EOF. */
static void relay_hangup(struct rpif_chan *ch)
{
	pthread_mutex_lock(&ch->lock);
	if (ch->master >= 0)
		close(ch->master);
	if (ch->slave >= 0)
		close(ch->slave);
	if (ch->closes >= 0)
		close(ch->closes);
	if (ch->client >= 0)
		close(ch->client);
	if (ch->listen_fd >= 0)
		close(ch->listen_fd);
	ch->master = ch->slave = ch->closes = ch->client = ch->listen_fd = -1;
	pthread_mutex_unlock(&ch->lock);
}

static void relay_loop(struct rpif_chan *ch)
{
	struct relay_tx *t = calloc(1, sizeof(*t));
	struct pollfd pfd[4];
	int io, closes, n, i_io, i_listen, i_closes;
	bool have_rx;
	uint64_t drain;

	if (!t) {
		rpif_log(ch->f, "rprocd: %s: rpmsg %s: out of memory for the relay", ch->proc->name,
			 ch->name);
		return;
	}
	for (;;) {
		pthread_mutex_lock(&ch->lock);
		if (ch->gone) {
			pthread_mutex_unlock(&ch->lock);
			break;
		}
		have_rx = ch->qlen > 0;
		io = ch->tty ? ch->master : ch->client;
		closes = ch->closes;
		pthread_mutex_unlock(&ch->lock);
		n = 0;
		i_io = i_listen = i_closes = -1;
		pfd[n++] = (struct pollfd){.fd = ch->wake, .events = POLLIN};
		if (io >= 0) {
			/* While a message waits for a buffer, its writer waits too: no reading. */
			pfd[n] = (struct pollfd){.fd = io,
						 .events =
							 (short)((t->len ? 0 : POLLIN | POLLRDHUP) |
								 (have_rx ? POLLOUT : 0))};
			i_io = n++;
		}
		if (!ch->tty && io < 0 && ch->listen_fd >= 0) {
			pfd[n] = (struct pollfd){.fd = ch->listen_fd, .events = POLLIN};
			i_listen = n++;
		}
		if (closes >= 0) {
			pfd[n] = (struct pollfd){.fd = closes, .events = POLLIN};
			i_closes = n++;
		}
		if (poll(pfd, (nfds_t)n, t->len ? 0 : -1) < 0 && errno != EINTR) {
			rpif_log(ch->f, "rprocd: %s: rpmsg %s: poll: %s", ch->proc->name, ch->name,
				 strerror(errno));
			break;
		}
		if (pfd[0].revents && read(ch->wake, &drain, sizeof(drain)) < 0)
			drain = 0;
		if (t->len)
			relay_send(ch, t);
		relay_deliver(ch);
		if (i_io >= 0 && !t->len && pfd[i_io].revents) {
			relay_input(ch, t, pfd[i_io].revents);
			if (t->len)
				relay_send(ch, t);
		}
		if (i_listen >= 0 && pfd[i_listen].revents)
			relay_accept(ch);
		if (i_closes >= 0 && pfd[i_closes].revents)
			relay_closed(ch, closes);
	}
	free(t);
}

static void *relay_thread(void *arg)
{
	struct rpif_chan *ch = arg;
	struct rpif_proc *p = ch->proc;
	struct rpif *f = ch->f;
	struct rpt_error err = {0};
	struct rpmsg_endpoint *ept;

	/* Made here, not in the listener: the bus's own thread never waits on us. */
	ept = p->ops->create_ept(p->bus, RPMSG_ADDR_ANY, chan_rx, ch, &err);
	pthread_mutex_lock(&ch->lock);
	ch->ept = ept;
	ch->addr = ept ? p->ops->ept_addr(ept) : RPMSG_ADDR_ANY;
	ch->ept_done = true;
	pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->lock);
	pthread_mutex_lock(&f->lock);
	if (!ept)
		rpif_log(f, "rprocd: %s: rpmsg %s (0x%x): no endpoint: %s", p->name, ch->name,
			 ch->info.dst, rpt_error_msg(&err));
	else
		rpif_log(f, "rprocd: %s: rpmsg %s: firmware 0x%x, host 0x%x: %s", p->name, ch->name,
			 ch->info.dst, ch->addr, ch->path[0] ? ch->path : "(no interface)");
	pthread_mutex_unlock(&f->lock);

	relay_loop(ch);
	relay_hangup(ch);
	/* Sends through rpif_send end (bounded by their timeout) before the endpoint goes. */
	pthread_mutex_lock(&ch->lock);
	while (ch->senders)
		pthread_cond_wait(&ch->cond, &ch->lock);
	ch->ept = NULL;
	pthread_mutex_unlock(&ch->lock);
	if (ept)
		p->ops->destroy_ept(ept);

	pthread_mutex_lock(&f->lock);
	f->relays--;
	pthread_cond_broadcast(&f->idle);
	chan_put_locked(ch);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* A channel, its interface and its relay (f->lock held). */
static struct rpif_chan *chan_new(struct rpif_proc *p, const char *name, uint32_t dst, bool user,
				  struct rpt_error *err)
{
	struct rpif *f = p->f;
	pthread_condattr_t ca;
	pthread_attr_t attr;
	struct rpif_chan *ch;
	int ret;

	if (f->closing) {
		rpt_error_set(err, ESHUTDOWN, "rprocd is stopping");
		return NULL;
	}
	ch = calloc(1, sizeof(*ch));
	if (!ch || !(ch->q = calloc(RPIF_RX_QUEUE, sizeof(*ch->q)))) {
		free(ch);
		rpt_error_set(err, ENOMEM, "out of memory for a channel");
		return NULL;
	}
	ch->f = f;
	ch->proc = p;
	memcpy(ch->info.name, name, strnlen(name, RPMSG_NAME_SIZE - 1));
	shown_name(ch->name, ch->info.name);
	ch->info.dst = dst;
	ch->user = user;
	ch->tty = !user && (!strcmp(ch->info.name, RPIF_TTY_CHANNEL) ||
			    !strcmp(ch->info.name, RPIF_TTY_CHANNEL_ST));
	ch->num = RPIF_MAX_IFACES;
	ch->master = ch->slave = ch->closes = ch->listen_fd = ch->client = -1;
	ch->addr = RPMSG_ADDR_ANY;
	ch->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ch->wake < 0) {
		rpt_error_set(err, errno, "eventfd: %s", strerror(errno));
		free(ch->q);
		free(ch);
		return NULL;
	}
	pthread_mutex_init(&ch->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ch->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (f->dirfd >= 0) {
		ret = ch->tty ? tty_make(ch, err) : sock_make(ch, err);
		if (ret && user)
			goto out_free;
		if (ret)
			rpif_log(f, "rprocd: %s: rpmsg %s (0x%x): no interface: %s", p->name,
				 ch->name, dst, rpt_error_msg(err));
	}
	ch->refs = 2; /* the list's and the relay's */
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = pthread_create(&ch->thread, &attr, relay_thread, ch);
	pthread_attr_destroy(&attr);
	if (ret) {
		rpt_error_set(err, ret, "no relay thread: %s", strerror(ret));
		iface_unlink(ch);
		relay_hangup(ch);
		goto out_free;
	}
	f->relays++;
	ch->next = NULL;
	{
		struct rpif_chan **pp = &f->chans;

		while (*pp)
			pp = &(*pp)->next;
		*pp = ch;
	}
	return ch;

out_free:
	chan_free(ch);
	return NULL;
}

/* ---- the listener ---- */

static void on_channel_add(void *priv, const struct rpmsg_channel_info *info)
{
	struct rpif_proc *p = priv;
	struct rpt_error err = {0};
	char name[RPMSG_NAME_SIZE];

	pthread_mutex_lock(&p->f->lock);
	if (!chan_new(p, info->name, info->dst, false, &err) && !p->f->closing) {
		shown_name(name, info->name);
		rpif_log(p->f, "rprocd: %s: rpmsg %s (0x%x): %s", p->name, name, info->dst,
			 rpt_error_msg(&err));
	}
	pthread_mutex_unlock(&p->f->lock);
}

static void on_channel_remove(void *priv, const struct rpmsg_channel_info *info)
{
	struct rpif_proc *p = priv;
	struct rpif_chan *ch;

	pthread_mutex_lock(&p->f->lock);
	for (ch = p->f->chans; ch; ch = ch->next) {
		if (ch->proc == p && !ch->user && ch->info.dst == info->dst &&
		    !strncmp(ch->info.name, info->name, RPMSG_NAME_SIZE)) {
			chan_remove_locked(ch);
			break;
		}
	}
	pthread_mutex_unlock(&p->f->lock);
}

/* ---- the daemon's side ---- */

int rpif_create(struct rpif **out, const char *dir, void (*log)(void *priv, const char *line),
		void *log_priv, struct rpt_error *err)
{
	struct rpt_error e = {0};
	struct rpif *f;
	struct stat st;

	f = calloc(1, sizeof(*f));
	if (!f)
		return rpt_error_set(err, ENOMEM, "out of memory for the rpmsg interfaces");
	f->dirfd = -1;
	f->log = log;
	f->log_priv = log_priv;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->idle, NULL);
	if (strlen(dir) >= sizeof(f->dir)) {
		rpt_error_set(&e, ENAMETOOLONG, "%s: longer than %zu bytes", dir,
			      sizeof(f->dir) - 1);
	} else if (!rpt_private_dir(dir, &e)) {
		memcpy(f->dir, dir, strlen(dir) + 1);
		/* Checked again on what we opened: the directory cannot be swapped under us. */
		f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (f->dirfd < 0)
			rpt_error_set(&e, errno, "%s: %s", dir, strerror(errno));
		else if (fstat(f->dirfd, &st) || st.st_uid != geteuid() || (st.st_mode & 022))
			rpt_error_set(&e, EPERM, "%s: not a private directory", dir);
		else
			e.code = 0;
		if (e.code && f->dirfd >= 0) {
			close(f->dirfd);
			f->dirfd = -1;
		}
	}
	if (f->dirfd < 0)
		rpif_log(f,
			 "rprocd: rpmsg: no ttys or sockets for the channels: %s (give "
			 "--rpmsg-dir a private directory)",
			 rpt_error_msg(&e));
	*out = f;
	return 0;
}

int rpif_add_proc(struct rpif *f, const char *dev_name, void *bus, const struct rpif_bus_ops *ops,
		  struct rpt_error *err)
{
	struct rpif_proc *p;

	pthread_mutex_lock(&f->lock);
	if (f->num_procs == RPIF_MAX_PROCS || strlen(dev_name) >= sizeof(p->name)) {
		pthread_mutex_unlock(&f->lock);
		return rpt_error_set(err, ENOSPC, "%s: rpmsg: too many processors", dev_name);
	}
	p = &f->procs[f->num_procs];
	*p = (struct rpif_proc){.f = f, .bus = bus, .ops = ops};
	memcpy(p->name, dev_name, strlen(dev_name) + 1);
	p->lis = (struct virtio_rpmsg_listener){on_channel_add, on_channel_remove};
	f->num_procs++;
	pthread_mutex_unlock(&f->lock);
	/* The channels that exist now come at once, from this thread. */
	ops->set_listener(bus, &p->lis, p);
	return 0;
}

void rpif_stop(struct rpif *f)
{
	unsigned int i;

	if (!f)
		return;
	for (i = 0; i < f->num_procs; i++)
		f->procs[i].ops->set_listener(f->procs[i].bus, NULL, NULL);
	pthread_mutex_lock(&f->lock);
	f->closing = true;
	while (f->chans)
		chan_remove_locked(f->chans);
	pthread_mutex_unlock(&f->lock);
}

void rpif_destroy(struct rpif *f)
{
	if (!f)
		return;
	rpif_stop(f);
	pthread_mutex_lock(&f->lock);
	while (f->relays)
		pthread_cond_wait(&f->idle, &f->lock);
	pthread_mutex_unlock(&f->lock);
	if (f->dirfd >= 0)
		close(f->dirfd);
	pthread_cond_destroy(&f->idle);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* Processor dev_name (f->lock held), or NULL. */
static struct rpif_proc *find_proc(struct rpif *f, const char *dev_name)
{
	unsigned int i;

	for (i = 0; i < f->num_procs; i++)
		if (!strcmp(f->procs[i].name, dev_name))
			return &f->procs[i];
	return NULL;
}

bool rpif_has_proc(struct rpif *f, const char *dev_name)
{
	bool ret;

	if (!f)
		return false;
	pthread_mutex_lock(&f->lock);
	ret = find_proc(f, dev_name) != NULL;
	pthread_mutex_unlock(&f->lock);
	return ret;
}

enum virtio_rpmsg_state rpif_state(struct rpif *f, const char *dev_name, char *why, size_t len)
{
	struct rpif_proc *p;

	if (len)
		why[0] = '\0';
	pthread_mutex_lock(&f->lock);
	p = find_proc(f, dev_name);
	pthread_mutex_unlock(&f->lock);
	/* procs never move once added: p stays valid. */
	if (!p || !p->ops->state)
		return VIRTIO_RPMSG_UP;
	return p->ops->state(p->bus, why, len);
}

size_t rpif_channels(struct rpif *f, const char *dev_name, struct rpif_chan_info *out, size_t max)
{
	struct rpif_chan *ch;
	size_t n = 0;

	pthread_mutex_lock(&f->lock);
	for (ch = f->chans; ch; ch = ch->next) {
		if (strcmp(ch->proc->name, dev_name))
			continue;
		if (n < max) {
			struct rpif_chan_info *i = &out[n];

			memset(i, 0, sizeof(*i));
			memcpy(i->name, ch->name, sizeof(i->name));
			memcpy(i->path, ch->path, sizeof(i->path));
			i->dst = ch->info.dst;
			i->tty = ch->tty;
			i->user = ch->user;
			pthread_mutex_lock(&ch->lock);
			i->src = ch->addr;
			i->rx = ch->rx;
			i->tx = ch->tx;
			i->rx_dropped = ch->rx_dropped;
			i->tx_dropped = ch->tx_dropped;
			pthread_mutex_unlock(&ch->lock);
		}
		n++;
	}
	pthread_mutex_unlock(&f->lock);
	return n;
}

/* CHANNEL of dev_name: a name only one channel has, or an interface's name (f->lock held). */
static struct rpif_chan *chan_find_locked(struct rpif *f, const char *dev_name, const char *chan,
					  struct rpt_error *err)
{
	struct rpif_chan *ch, *found = NULL;
	unsigned int named = 0;

	for (ch = f->chans; ch; ch = ch->next) {
		if (strcmp(ch->proc->name, dev_name))
			continue;
		if (ch->path[0] && !strcmp(base_name(ch), chan))
			return ch;
		if (!strncmp(ch->name, chan, RPMSG_NAME_SIZE) && !named++)
			found = ch;
	}
	if (named > 1) {
		rpt_error_set(err, EEXIST,
			      "%u channels are named %s: name one by its interface "
			      "(rpmsg list shows them)",
			      named, chan);
		return NULL;
	}
	if (!named)
		rpt_error_set(err, ENOENT, "no rpmsg channel %s (rpmsg list shows them)", chan);
	return found;
}

/* The same, referenced (chan_put when done). */
static struct rpif_chan *chan_get(struct rpif *f, const char *dev_name, const char *chan,
				  struct rpt_error *err)
{
	struct rpif_chan *ch;

	pthread_mutex_lock(&f->lock);
	ch = chan_find_locked(f, dev_name, chan, err);
	if (ch)
		ch->refs++;
	pthread_mutex_unlock(&f->lock);
	return ch;
}

/* An absolute CLOCK_MONOTONIC time ms from now. */
static struct timespec deadline_in(unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Milliseconds left until `until` (0 once it passed): one deadline for a whole call. */
static unsigned int ms_left(const struct timespec *until)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(until->tv_sec - now.tv_sec) * 1000 +
	     (until->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (unsigned int)ms : 0;
}

int rpif_send(struct rpif *f, const char *dev_name, const char *chan, const void *data, size_t len,
	      unsigned int timeout_ms, struct rpt_error *err)
{
	struct timespec until = deadline_in(timeout_ms);
	struct rpmsg_endpoint *ept = NULL;
	struct rpif_chan *ch;
	int ret = 0;

	if (len > RPMSG_MAX_PAYLOAD)
		return rpt_error_set(err, EMSGSIZE, "%zu bytes: at most %u fit a message", len,
				     RPMSG_MAX_PAYLOAD);
	ch = chan_get(f, dev_name, chan, err);
	if (!ch)
		return err->code;
	pthread_mutex_lock(&ch->lock);
	while (!ch->ept_done && !ch->gone && !ret)
		ret = -pthread_cond_timedwait(&ch->cond, &ch->lock, &until);
	if (ch->gone)
		ret = rpt_error_set(err, ENOTCONN, "%s: the channel went away", chan);
	else if (!ch->ept_done)
		ret = rpt_error_set(err, ETIMEDOUT, "%s: its endpoint is still being made", chan);
	else if (!ch->ept)
		ret = rpt_error_set(err, ENOTCONN, "%s: no endpoint", chan);
	else
		ret = 0;
	if (!ret) {
		ch->senders++;
		ept = ch->ept;
	}
	pthread_mutex_unlock(&ch->lock);
	if (!ret) {
		/* The wait for the endpoint came out of the same timeout. */
		ret = ch->proc->ops->sendto(ept, ch->info.dst, data, len, ms_left(&until), err);
		pthread_mutex_lock(&ch->lock);
		ch->senders--;
		if (!ret)
			ch->tx++;
		pthread_cond_broadcast(&ch->cond);
		pthread_mutex_unlock(&ch->lock);
	}
	chan_put(ch);
	return ret;
}

long rpif_recv(struct rpif *f, const char *dev_name, const char *chan, void *buf, size_t size,
	       unsigned int timeout_ms, struct rpt_error *err)
{
	struct timespec until = deadline_in(timeout_ms);
	struct rpif_chan *ch;
	long ret = 0;

	ch = chan_get(f, dev_name, chan, err);
	if (!ch)
		return err->code;
	if (ch->tty) {
		ret = rpt_error_set(err, EINVAL, "%s is a tty: its messages go to %s", chan,
				    ch->path[0] ? ch->path : "its terminal");
		chan_put(ch);
		return ret;
	}
	pthread_mutex_lock(&ch->lock);
	while (!ch->qlen && !ch->gone && !ret)
		ret = -pthread_cond_timedwait(&ch->cond, &ch->lock, &until);
	if (ch->qlen) {
		struct rpif_msg *m = &ch->q[ch->qhead];

		ret = m->len;
		memcpy(buf, m->data, m->len < size ? m->len : size);
		ch->qhead = (ch->qhead + 1) % RPIF_RX_QUEUE;
		ch->qlen--;
		if (!ch->qlen)
			ch->rx_overflow = false;
	} else if (ch->gone) {
		ret = rpt_error_set(err, ENOTCONN, "%s: the channel went away", chan);
	} else {
		ret = rpt_error_set(err, ETIMEDOUT, "%s: nothing received in %u ms", chan,
				    timeout_ms);
	}
	pthread_mutex_unlock(&ch->lock);
	chan_put(ch);
	return ret;
}

/* Is name prefix followed by decimal digits only (and at least one)? */
static bool iface_like(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(name, prefix, n) || !name[n])
		return false;
	for (name += n; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

int rpif_create_ept(struct rpif *f, const char *dev_name, const char *name, uint32_t dst,
		    char *path, size_t path_len, struct rpt_error *err)
{
	struct rpif_proc *p;
	struct rpif_chan *ch;
	const char *c;

	if (!*name || strlen(name) >= RPMSG_NAME_SIZE)
		return rpt_error_set(err, EINVAL, "endpoint name: 1 to %u bytes",
				     RPMSG_NAME_SIZE - 1);
	for (c = name; *c; c++)
		if (*c <= ' ' || *c > '~' || *c == '/')
			return rpt_error_set(err, EINVAL,
					     "endpoint name: printable, no space or '/'");
	/* Channels are found by name or interface: an endpoint may not take an interface's. */
	if (iface_like(name, "ttyRPMSG") || iface_like(name, "rpmsg"))
		return rpt_error_set(
			err, EINVAL,
			"endpoint name %s: the form of an interface's name (ttyRPMSG<N>, "
			"rpmsg<N>)",
			name);
	pthread_mutex_lock(&f->lock);
	p = find_proc(f, dev_name);
	if (!p) {
		pthread_mutex_unlock(&f->lock);
		return rpt_error_set(err, ENODEV, "no rpmsg bus");
	}
	if (f->dirfd < 0) {
		pthread_mutex_unlock(&f->lock);
		return rpt_error_set(err, ENOTDIR, "no directory for interfaces (--rpmsg-dir)");
	}
	ch = chan_new(p, name, dst, true, err);
	if (ch) {
		rpif_log(f, "rprocd: %s: rpmsg endpoint %s to 0x%x created: %s", p->name, name, dst,
			 ch->path);
		snprintf(path, path_len, "%s", ch->path);
	}
	pthread_mutex_unlock(&f->lock);
	return ch ? 0 : err->code;
}

int rpif_destroy_ept(struct rpif *f, const char *dev_name, const char *chan, struct rpt_error *err)
{
	struct rpif_chan *ch;
	int ret = 0;

	pthread_mutex_lock(&f->lock);
	ch = chan_find_locked(f, dev_name, chan, err);
	if (!ch)
		ret = err->code;
	else if (!ch->user)
		ret = rpt_error_set(err, EPERM,
				    "%s is the firmware's channel (it goes when the firmware "
				    "destroys it)",
				    chan);
	else
		chan_remove_locked(ch);
	pthread_mutex_unlock(&f->lock);
	return ret;
}
