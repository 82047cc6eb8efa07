// SPDX-License-Identifier: BSD-2-Clause
/* rprocd's control socket (ctl_server.h). */
#include "ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "common/safe_math.h"

/* A connection still sending its request. */
struct ctl_pending {
	int fd;		   /* -1: free slot */
	uint64_t deadline; /* monotonic ms by which the request must be complete */
	uint8_t hdr[4];	   /* the length prefix */
	size_t hdr_got;	   /* bytes of hdr received */
	uint8_t *body;	   /* the request body (NUL-terminated once complete) */
	uint32_t len;	   /* its length, from hdr */
	size_t got;	   /* bytes of body received */
};

/* What a handler thread gets: a complete request on its connection. */
struct ctl_job {
	struct ctl_server *s; /* back pointer */
	int slot;	      /* index in s->fds */
	int fd;		      /* the connection */
	uint8_t *body;	      /* the request */
	size_t len;	      /* its length */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- listening ---- */

static int listen_at(struct ctl_server *s, struct rpt_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ret;

	ret = rpt_claim_socket_path(s->path, SOCK_STREAM, err);
	if (ret)
		return ret;
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->listen_fd < 0)
		return rpt_error_set(err, errno, "socket: %s", strerror(errno));
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = rpt_error_set(err, errno, "bind %s: %s", s->path, strerror(errno));
		goto out_close;
	}
	/* Nobody can connect before listen(): only our user may talk to us. */
	if (chmod(s->path, 0600) < 0) {
		ret = rpt_error_set(err, errno, "chmod %s: %s", s->path, strerror(errno));
		goto out_unlink;
	}
	if (listen(s->listen_fd, 128) < 0) {
		ret = rpt_error_set(err, errno, "listen %s: %s", s->path, strerror(errno));
		goto out_unlink;
	}
	return 0;

out_unlink:
	unlink(s->path);
out_close:
	close(s->listen_fd);
	s->listen_fd = -1;
	return ret;
}

int ctl_server_open(struct ctl_server *s, struct rprocd *d, const char *path, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->d = d;
	s->listen_fd = -1;
	s->wake[0] = s->wake[1] = -1;
	for (i = 0; i < CTL_SERVER_HANDLERS; i++)
		s->fds[i] = -1;
	if (path) {
		if (strlen(path) >= sizeof(s->path))
			return rpt_error_set(err, ENAMETOOLONG, "socket path too long: %s", path);
		memcpy(s->path, path, strlen(path) + 1);
	} else {
		ret = rpt_default_socket(RPT_RPROCD_SOCKET_NAME, 1, s->path, sizeof(s->path), err);
		if (ret)
			return ret;
	}
	s->pending = calloc(CTL_SERVER_PENDING, sizeof(*s->pending));
	if (!s->pending)
		return rpt_error_set(err, ENOMEM, "out of memory for the connection table");
	for (i = 0; i < CTL_SERVER_PENDING; i++)
		s->pending[i].fd = -1;
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		ret = rpt_error_set(err, errno, "pipe: %s", strerror(errno));
		goto out_free;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->idle, NULL);
	ret = listen_at(s, err);
	if (ret)
		goto out_sync;
	return 0;

out_sync:
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	close(s->wake[0]);
	close(s->wake[1]);
out_free:
	free(s->pending);
	s->pending = NULL;
	return ret;
}

/* ---- handlers ---- */

/* Send all of buf by deadline (non-blocking socket); a stop cuts it short. */
static int send_by(struct ctl_server *s, int fd, const uint8_t *buf, size_t len, uint64_t deadline)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};

	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		uint64_t now;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return -EPIPE;
		now = now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		pthread_mutex_lock(&s->lock);
		n = s->stopping;
		pthread_mutex_unlock(&s->lock);
		if (n)
			return -ECANCELED;
		/* Short waits: a stop is noticed soon even without a shutdown(). */
		(void)poll(&pfd, 1, deadline - now < 200 ? (int)(deadline - now) : 200);
	}
	return 0;
}

/* The reply frame: u32 length | status | payload. */
static void send_reply(struct ctl_server *s, int fd, enum ctl_status st, const void *data,
		       size_t len)
{
	uint64_t deadline = now_ms() + CTL_SERVER_REPLY_MS + len / 1024;
	uint8_t hdr[5];

	if (len >= UINT32_MAX)
		return;
	put_le32(hdr, (uint32_t)len + 1);
	hdr[4] = (uint8_t)st;
	if (!send_by(s, fd, hdr, sizeof(hdr), deadline) && len)
		(void)send_by(s, fd, data, len, deadline);
}

static void *handle(void *arg)
{
	struct ctl_job *j = arg;
	struct ctl_server *s = j->s;
	struct rpt_error err = {0};
	struct ctl_request req;
	size_t out_len = 0;
	char *out = NULL;
	enum ctl_status st;
	ssize_t n;

	if (ctl_decode_request(j->body, j->len, &req, &err)) {
		const char *msg = rpt_error_msg(&err);

		send_reply(s, j->fd, CTL_USAGE, msg, strlen(msg));
	} else {
		st = rprocd_handle(s->d, &req, &out, &out_len);
		send_reply(s, j->fd, st, out, out_len);
	}
	free(out);
	free(j->body);
	pthread_mutex_lock(&s->lock);
	close(j->fd);
	s->fds[j->slot] = -1;
	s->active--;
	/*
	 * Wake the loop only now that the slot is free (woken earlier, it could
	 * find no free handler and wait forever with complete requests queued),
	 * and still under the lock: ctl_server_close frees s once active is 0
	 * and it holds the lock. The pipe is non-blocking.
	 */
	n = write(s->wake[1], "w", 1);
	(void)n;
	pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
	free(j);
	return NULL;
}

/* Hand a complete request to a handler. False when none is free (try again later). */
static bool dispatch(struct ctl_server *s, struct ctl_pending *p)
{
	pthread_attr_t attr;
	struct ctl_job *j;
	pthread_t t;
	int slot = -1, i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < CTL_SERVER_HANDLERS && slot < 0; i++)
		if (s->fds[i] < 0)
			slot = i;
	if (slot < 0) {
		pthread_mutex_unlock(&s->lock);
		return false;
	}
	j = malloc(sizeof(*j));
	if (!j)
		goto out_drop;
	*j = (struct ctl_job){s, slot, p->fd, p->body, p->len};
	s->fds[slot] = p->fd;
	s->active++;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, handle, j)) {
		pthread_attr_destroy(&attr);
		s->fds[slot] = -1;
		s->active--;
		free(j);
		goto out_drop;
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_unlock(&s->lock);
	p->fd = -1;
	p->body = NULL;
	return true;

out_drop:
	/* No memory or no thread: this request is refused, the daemon goes on. */
	pthread_mutex_unlock(&s->lock);
	close(p->fd);
	free(p->body);
	p->fd = -1;
	p->body = NULL;
	return true;
}

/* ---- pending connections ---- */

static void drop_pending(struct ctl_pending *p)
{
	close(p->fd);
	free(p->body);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

static bool complete(const struct ctl_pending *p)
{
	return p->hdr_got == sizeof(p->hdr) && p->got == p->len;
}

/*
 * Receive buf[*got..want) from fd without blocking: 1 when all of it is in,
 * 0 when the rest has not arrived yet, -1 when the client must go (closed or error).
 */
static int recv_some(int fd, uint8_t *buf, size_t want, size_t *got)
{
	ssize_t n;

	while (*got < want) {
		n = recv(fd, buf + *got, want - *got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		*got += (size_t)n;
	}
	return 1;
}

/* Read what p has sent so far. False when it must go (closed, error, oversized). */
static bool read_pending(struct ctl_pending *p)
{
	int r;

	if (p->hdr_got < sizeof(p->hdr)) {
		r = recv_some(p->fd, p->hdr, sizeof(p->hdr), &p->hdr_got);
		if (r <= 0)
			return r == 0;
		p->len = get_le32(p->hdr);
		if (p->len > CTL_REQUEST_MAX)
			return false;
		p->body = malloc((size_t)p->len + 1);
		if (!p->body)
			return false;
	}
	r = recv_some(p->fd, p->body, p->len, &p->got);
	if (r <= 0)
		return r == 0;
	p->body[p->len] = 0;
	return true;
}

/* A free slot, else the slot of the connection closest to its deadline (dropped). */
static struct ctl_pending *pending_slot(struct ctl_server *s)
{
	struct ctl_pending *oldest = NULL;
	unsigned int i;

	for (i = 0; i < CTL_SERVER_PENDING; i++) {
		struct ctl_pending *p = &s->pending[i];

		if (p->fd < 0)
			return p;
		if (!complete(p) && (!oldest || p->deadline < oldest->deadline))
			oldest = p;
	}
	if (oldest)
		drop_pending(oldest);
	return oldest;
}

/* Take every connection waiting in the backlog; never blocks. */
static void accept_all(struct ctl_server *s)
{
	struct ctl_pending *p;
	int fd;

	for (;;) {
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		p = pending_slot(s);
		if (!p) {
			/* Every slot holds a complete request waiting for a handler. */
			close(fd);
			return;
		}
		*p = (struct ctl_pending){.fd = fd, .deadline = now_ms() + CTL_SERVER_REQUEST_MS};
	}
}

/* ---- the loop ---- */

/* Poll slots before the pending connections': signals, handler wake-ups, the listener. */
#define POLL_FIXED 3

/* Fill pfd with the connections still reading; returns the poll timeout (ms). */
static int fill_poll(struct ctl_server *s, struct pollfd *pfd, int *map, unsigned int *n)
{
	uint64_t now = now_ms(), next = UINT64_MAX;
	unsigned int i;

	*n = 0;
	for (i = 0; i < CTL_SERVER_PENDING; i++) {
		struct ctl_pending *p = &s->pending[i];

		if (p->fd < 0)
			continue;
		/* Complete: waiting for a handler, whose wake-up brings us back. */
		if (complete(p))
			continue;
		if (p->deadline < next)
			next = p->deadline;
		pfd[POLL_FIXED + *n] = (struct pollfd){.fd = p->fd, .events = POLLIN};
		map[(*n)++] = (int)i;
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now < 60000 ? next - now : 60000);
}

static void serve_pending(struct ctl_server *s, struct pollfd *pfd, const int *map, unsigned int n)
{
	uint64_t now = now_ms();
	unsigned int k;

	for (k = 0; k < n; k++) {
		struct ctl_pending *p = &s->pending[map[k]];

		if (pfd[POLL_FIXED + k].revents && !read_pending(p)) {
			drop_pending(p);
			continue;
		}
		if (!complete(p) && now >= p->deadline)
			drop_pending(p);
	}
	/* In the order they were accepted (deadlines are accept time + a constant): no starving. */
	for (;;) {
		struct ctl_pending *first = NULL;

		for (k = 0; k < CTL_SERVER_PENDING; k++) {
			struct ctl_pending *p = &s->pending[k];

			if (p->fd >= 0 && complete(p) && (!first || p->deadline < first->deadline))
				first = p;
		}
		if (!first || !dispatch(s, first))
			break;
	}
}

int ctl_server_run(struct ctl_server *s, struct rpt_error *err)
{
	struct pollfd *pfd;
	int *map, timeout, sfd, ret = 0;
	unsigned int n;
	sigset_t set;
	char drain[64];

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return rpt_error_set(err, errno, "signalfd: %s", strerror(errno));
	pfd = calloc(CTL_SERVER_PENDING + POLL_FIXED, sizeof(*pfd));
	map = calloc(CTL_SERVER_PENDING, sizeof(*map));
	if (!pfd || !map) {
		ret = rpt_error_set(err, ENOMEM, "out of memory for the poll set");
		goto out;
	}
	for (;;) {
		timeout = fill_poll(s, pfd, map, &n);
		pfd[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
		pfd[2] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
		if (poll(pfd, n + POLL_FIXED, timeout) < 0) {
			if (errno == EINTR)
				continue;
			ret = rpt_error_set(err, errno, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents)
			break;
		if (pfd[1].revents)
			while (read(s->wake[0], drain, sizeof(drain)) > 0)
				;
		serve_pending(s, pfd, map, n);
		if (pfd[2].revents)
			accept_all(s);
	}
out:
	free(map);
	free(pfd);
	close(sfd);
	return ret;
}

void ctl_server_close(struct ctl_server *s)
{
	unsigned int i;

	if (!s->pending)
		return;
	for (i = 0; i < CTL_SERVER_PENDING; i++)
		if (s->pending[i].fd >= 0)
			drop_pending(&s->pending[i]);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		unlink(s->path);
		s->listen_fd = -1;
	}
	/* Replies in flight end now: their clients get a cut reply, not a wait. */
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	for (i = 0; i < CTL_SERVER_HANDLERS; i++)
		if (s->fds[i] >= 0)
			shutdown(s->fds[i], SHUT_RDWR);
	while (s->active)
		pthread_cond_wait(&s->idle, &s->lock);
	pthread_mutex_unlock(&s->lock);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	close(s->wake[0]);
	close(s->wake[1]);
	free(s->pending);
	s->pending = NULL;
}
