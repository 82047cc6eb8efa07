// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure-world server's socket side: listening, admitting clients by
 * uid, the poll loop, receiving packets and sending replies, and carrying
 * hardware events from the threads that post them to the subscribed clients.
 * What a request does is in teed_ops.c.
 */
#include "secure/teed/teed.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "secure/teed/teed_internal.h"

#define TEED_BACKLOG 16

void teed_log(struct teed *d, const char *fmt, ...)
{
	char msg[RPT_ERROR_MSG_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->log)
		d->log(d->log_priv, msg);
	else
		fprintf(stderr, "rproc-teed: %s\n", msg);
}

/* ---- listening ---- */

/*
 * The uid check is the gate; the socket's mode keeps everyone else from even
 * connecting. Served uid is ours: 0600. Another uid: as root the socket is
 * given to it (still 0600); otherwise it cannot be, and the socket is opened
 * to all (0666) so that the served uid can connect, the uid check refusing
 * the rest.
 */
static int open_to_served_uid(struct teed *d, struct rpt_error *err)
{
	mode_t mode = 0600;

	if (d->allowed_uid != geteuid()) {
		if (geteuid() == 0) {
			if (chown(d->path, d->allowed_uid, (gid_t)-1) < 0)
				return rpt_error_set(err, errno, "chown %s to uid %u: %s", d->path,
						     (unsigned int)d->allowed_uid, strerror(errno));
		} else {
			mode = 0666;
		}
	}
	if (chmod(d->path, mode) < 0)
		return rpt_error_set(err, errno, "chmod %s: %s", d->path, strerror(errno));
	return 0;
}

static int listen_on(struct teed *d, struct rpt_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ret;

	ret = rpt_claim_socket_path(d->path, SOCK_SEQPACKET, err);
	if (ret)
		return ret;
	d->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->listen_fd < 0)
		return rpt_error_set(err, errno, "socket: %s", strerror(errno));
	memcpy(sa.sun_path, d->path, strlen(d->path) + 1);
	if (bind(d->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = rpt_error_set(err, errno, "bind %s: %s", d->path, strerror(errno));
		goto out_close;
	}
	ret = open_to_served_uid(d, err);
	if (ret)
		goto out_unlink;
	if (listen(d->listen_fd, TEED_BACKLOG) < 0) {
		ret = rpt_error_set(err, errno, "listen %s: %s", d->path, strerror(errno));
		goto out_unlink;
	}
	return 0;

out_unlink:
	unlink(d->path);
out_close:
	close(d->listen_fd);
	d->listen_fd = -1;
	return ret;
}

/* Remember which files are coprocessor memories (see teed_memfile). */
static int note_memfiles(struct teed *d, struct rpt_error *err)
{
	struct platform *p = d->ta->plat;
	unsigned int i, j;
	struct stat st;

	for (i = 0; i < p->num_rprocs; i++) {
		for (j = 0; j < p->rprocs[i].num_mems; j++) {
			const struct plat_memory *pm = &p->rprocs[i].mems[j];

			if (pm->fd < 0)
				continue;
			if (fstat(pm->fd, &st) < 0)
				return rpt_error_set(err, errno, "memory %s: fstat: %s",
						     pm->desc->name, strerror(errno));
			d->memfiles[d->num_memfiles].dev = st.st_dev;
			d->memfiles[d->num_memfiles].ino = st.st_ino;
			d->num_memfiles++;
		}
	}
	return 0;
}

/* ---- the event inbox ---- */

static int inbox_init(struct teed_inbox *in, struct rpt_error *err)
{
	if (pipe2(in->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return rpt_error_set(err, errno, "pipe: %s", strerror(errno));
	if (pthread_mutex_init(&in->lock, NULL)) {
		close(in->pipe[0]);
		close(in->pipe[1]);
		return rpt_error_set(err, ENOMEM, "cannot create the event lock");
	}
	return 0;
}

static void inbox_exit(struct teed_inbox *in)
{
	pthread_mutex_destroy(&in->lock);
	close(in->pipe[0]);
	close(in->pipe[1]);
}

/*
 * An interrupt already pending (the same IPCC lines of the same rproc):
 * raising it again changes nothing.
 */
static bool line_pending(const struct teed_inbox *in, uint32_t rproc_id, uint32_t kind,
			 uint32_t arg)
{
	unsigned int i;

	for (i = 0; i < in->count; i++) {
		const struct tee_wire_event *e = &in->ring[(in->head + i) % TEED_INBOX_EVENTS];

		if (e->kind == kind && e->rproc_id == rproc_id && e->arg == arg)
			return true;
	}
	return false;
}

void teed_post_event(struct teed *d, uint32_t rproc_id, enum tee_wire_event_kind kind, uint32_t arg,
		     const char *why)
{
	struct tee_wire_event ev = {.rproc_id = rproc_id, .kind = kind, .arg = arg};
	struct teed_inbox *in = &d->inbox;
	struct rpt_error err = {0};
	ssize_t n;

	if (kind == TEE_WIRE_EVENT_CRASH && why)
		memcpy(ev.why, why, strnlen(why, sizeof(ev.why) - 1));
	/* The wire's own rule: what is queued here is what every client accepts. */
	if (tee_wire_event_check(&ev, &err)) {
		teed_log(d, "rproc %u: dropping a malformed hardware event: %s", rproc_id,
			 rpt_error_msg(&err));
		return;
	}
	pthread_mutex_lock(&in->lock);
	if (kind == TEE_WIRE_EVENT_IPCC_IRQ && line_pending(in, rproc_id, kind, arg))
		goto out;
	if (in->count == TEED_INBOX_EVENTS) {
		in->lost++;
		goto wake;
	}
	in->ring[(in->head + in->count++) % TEED_INBOX_EVENTS] = ev;
wake:
	/* One byte wakes the loop; more would only fill the pipe. */
	if (!in->signalled) {
		in->signalled = true;
		n = write(in->pipe[1], "e", 1);
		(void)n;
	}
out:
	pthread_mutex_unlock(&in->lock);
}

/* Move the inbox's events into d->batch; returns how many, *lost the ones dropped since. */
static unsigned int inbox_take(struct teed *d, unsigned long *lost)
{
	struct teed_inbox *in = &d->inbox;
	unsigned int i, n;
	char drain[64];

	pthread_mutex_lock(&in->lock);
	while (read(in->pipe[0], drain, sizeof(drain)) > 0)
		;
	in->signalled = false;
	n = in->count;
	for (i = 0; i < n; i++)
		d->batch[i] = in->ring[(in->head + i) % TEED_INBOX_EVENTS];
	in->head = 0;
	in->count = 0;
	*lost = in->lost;
	in->lost = 0;
	pthread_mutex_unlock(&in->lock);
	return n;
}

/*
 * The default socket, its private directory created or checked. Serving
 * another uid, that uid must be able to reach the socket: the directory
 * becomes 0711 (searchable, still writable only by us).
 */
static int default_path(struct teed *d, const struct teed_config *cfg, struct rpt_error *err)
{
	char dir[sizeof(d->path)];
	int ret;

	ret = rpt_default_socket(RPT_TEED_SOCKET_NAME, 1, d->path, sizeof(d->path), err);
	if (ret || cfg->allowed_uid == geteuid())
		return ret;
	ret = rpt_runtime_dir(dir, sizeof(dir), err);
	if (!ret && chmod(dir, 0711) < 0)
		ret = rpt_error_set(err, errno, "chmod %s: %s", dir, strerror(errno));
	return ret;
}

static int config_path(struct teed *d, const struct teed_config *cfg, struct rpt_error *err)
{
	int ret;

	if (!cfg->socket_path)
		return default_path(d, cfg, err);
	ret = tee_wire_check_path(cfg->socket_path, err);
	if (ret)
		return ret;
	memcpy(d->path, cfg->socket_path, strlen(cfg->socket_path) + 1);
	return 0;
}

struct teed *teed_create(struct rproc_ta *ta, const struct teed_config *cfg, struct rpt_error *err)
{
	struct teed *d;
	int ret;

	d = calloc(1, sizeof(*d));
	if (!d) {
		rpt_error_set(err, ENOMEM, "out of memory for the server");
		return NULL;
	}
	d->ta = ta;
	d->listen_fd = -1;
	d->allowed_uid = cfg->allowed_uid;
	d->max_clients = cfg->max_clients ? cfg->max_clients : TEED_DEFAULT_CLIENTS;
	d->log = cfg->log;
	d->log_priv = cfg->log_priv;
	d->hw = cfg->hw;
	d->hw_priv = cfg->hw_priv;
	d->test_hook_before_invoke = cfg->test_hook_before_invoke;
	d->test_hook_priv = cfg->test_hook_priv;
	d->next_id = 1;
	ret = config_path(d, cfg, err);
	if (ret)
		goto out_free;
	ret = note_memfiles(d, err);
	if (ret)
		goto out_free;
	d->rx = malloc(TEE_WIRE_MSG_MAX);
	d->clients = calloc(d->max_clients, sizeof(struct teed_client *));
	d->batch = calloc(TEED_INBOX_EVENTS, sizeof(*d->batch));
	if (!d->rx || !d->clients || !d->batch) {
		rpt_error_set(err, ENOMEM, "out of memory for the server's buffers");
		goto out_bufs;
	}
	if (pipe2(d->stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		rpt_error_set(err, errno, "pipe: %s", strerror(errno));
		goto out_bufs;
	}
	if (inbox_init(&d->inbox, err))
		goto out_pipe;
	ret = listen_on(d, err);
	if (ret)
		goto out_inbox;
	return d;

out_inbox:
	inbox_exit(&d->inbox);
out_pipe:
	close(d->stop_pipe[0]);
	close(d->stop_pipe[1]);
out_bufs:
	free(d->batch);
	free(d->clients);
	free(d->rx);
out_free:
	free(d);
	return NULL;
}

/* ---- clients ---- */

static void drop_client(struct teed *d, unsigned int idx)
{
	struct teed_client *c = d->clients[idx];

	teed_client_release(d, c);
	close(c->fd);
	free(c->events);
	free(c);
	d->clients[idx] = d->clients[--d->num_clients];
	d->clients[d->num_clients] = NULL;
}

/* Tell a peer we will not serve it why (one packet, best effort), then hang up. */
static void refuse(int fd, TEE_Result why)
{
	struct tee_wire_msg m = {
		.op = TEE_WIRE_OP_HELLO | TEE_WIRE_OP_REPLY,
		.result = why,
		.origin = TEE_WIRE_ORIGIN_COMMS,
		.version = TEE_WIRE_VERSION,
	};
	struct rpt_error err = {0};
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	size_t len;

	if (!tee_wire_encode(&m, buf, sizeof(buf), &len, &err))
		(void)tee_wire_send(fd, buf, len, NULL, 0, true, &err);
	close(fd);
}

static void accept_client(struct teed *d)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct teed_client *c;
	int fd;

	fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			teed_log(d, "accept: %s", strerror(errno));
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || clen != sizeof(cred)) {
		teed_log(d, "refusing a client: no peer credentials (%s)", strerror(errno));
		close(fd);
		return;
	}
	if (cred.uid != d->allowed_uid) {
		teed_log(d, "refusing pid %d: uid %u, only uid %u is served", (int)cred.pid,
			 (unsigned int)cred.uid, (unsigned int)d->allowed_uid);
		refuse(fd, TEE_ERROR_ACCESS_DENIED);
		return;
	}
	if (d->num_clients >= d->max_clients) {
		teed_log(d, "refusing pid %d: already %u clients", (int)cred.pid, d->num_clients);
		refuse(fd, TEE_ERROR_BUSY);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		teed_log(d, "refusing pid %d: out of memory", (int)cred.pid);
		refuse(fd, TEE_ERROR_OUT_OF_MEMORY);
		return;
	}
	c->fd = fd;
	c->pid = cred.pid;
	c->id = d->next_id++;
	d->clients[d->num_clients++] = c;
	teed_log(d, "client %u (pid %d) connected", c->id, (int)c->pid);
}

static int send_reply(struct teed_client *c, const struct tee_wire_msg *reply, const int *fds,
		      struct rpt_error *err)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	size_t len;
	int ret;

	ret = tee_wire_encode(reply, buf, sizeof(buf), &len, err);
	if (ret)
		return ret;
	/* Non-blocking: a client that does not read its replies is dropped, not waited for. */
	ret = tee_wire_send(c->fd, buf, len, fds, reply->num_fds, true, err);
	if (ret == -EAGAIN)
		rpt_error_prefix(err, "client does not read its replies: ");
	return ret;
}

/*
 * Receive one packet of client c and answer it. Negative when the client must
 * go (it left, or broke the protocol: err says how); 0 also when there was
 * nothing to read after all.
 */
static int serve_packet(struct teed *d, struct teed_client *c, struct rpt_error *err)
{
	int fds[TEE_WIRE_MAX_FDS], reply_fds[TEE_WIRE_MAX_FDS];
	struct tee_wire_msg req, reply;
	unsigned int nfds;
	size_t len;
	int ret;

	ret = tee_wire_recv(c->fd, d->rx, TEE_WIRE_MSG_MAX, &len, fds, &nfds, true, err);
	if (ret == -EAGAIN)
		return 0;
	if (ret)
		return ret;
	ret = tee_wire_decode(d->rx, len, nfds, &req, err);
	if (ret)
		goto out_close;
	if (req.op & TEE_WIRE_OP_REPLY) {
		ret = rpt_error_set(err, RPT_EFORMAT, "a reply sent to the server");
		goto out_close;
	}
	ret = teed_handle(d, c, &req, fds, &reply, reply_fds, err);
	/* Our copies of the client's descriptors go now: nothing keeps them past the call. */
	tee_wire_close_fds(fds, nfds);
	if (ret)
		return ret;
	return send_reply(c, &reply, reply_fds, err);

out_close:
	tee_wire_close_fds(fds, nfds);
	return ret;
}

/* ---- events to clients ---- */

/*
 * Send the client's queued events until the socket would block (then the
 * loop waits for POLLOUT). Negative only when the client must go.
 */
static int flush_events(struct teed_client *c, struct rpt_error *err)
{
	uint8_t buf[TEE_WIRE_HDR_SIZE + TEE_WIRE_EVENT_BODY];
	struct tee_wire_msg m;
	size_t len;
	int ret;

	while (c->ev_count) {
		const struct tee_wire_event *e = &c->events[c->ev_head];

		memset(&m, 0, sizeof(m));
		m.op = TEE_WIRE_OP_EVENT;
		m.rproc_id = e->rproc_id;
		m.kind = e->kind;
		m.arg = e->arg;
		memcpy(m.why, e->why, sizeof(m.why));
		ret = tee_wire_encode(&m, buf, sizeof(buf), &len, err);
		if (ret)
			return ret;
		ret = tee_wire_send(c->fd, buf, len, NULL, 0, true, err);
		if (ret == -EAGAIN)
			return 0;
		if (ret)
			return ret;
		c->ev_head = (c->ev_head + 1) % TEED_CLIENT_EVENTS;
		c->ev_count--;
	}
	return 0;
}

/* Queue e for c; when the queue is full, make room by sending, else mark the client as too slow. */
static void queue_event(struct teed_client *c, const struct tee_wire_event *e)
{
	struct rpt_error ignored = {0};

	if (c->ev_overflow)
		return;
	/* A send error shows again at the next flush, where it drops the client. */
	if (c->ev_count == TEED_CLIENT_EVENTS)
		(void)flush_events(c, &ignored);
	if (c->ev_count == TEED_CLIENT_EVENTS) {
		c->ev_overflow = true;
		return;
	}
	c->events[(c->ev_head + c->ev_count++) % TEED_CLIENT_EVENTS] = *e;
}

/* The inbox's events to every subscribed client, then out as far as each socket takes them. */
static void deliver_events(struct teed *d)
{
	struct rpt_error err;
	unsigned long lost;
	unsigned int i, k, n;
	int idx, ret;

	n = inbox_take(d, &lost);
	if (lost)
		teed_log(d, "%lu hardware events lost: the server fell behind", lost);
	for (i = 0; i < n; i++) {
		idx = teed_rproc_index(d, d->batch[i].rproc_id);
		for (k = 0; idx >= 0 && k < d->num_clients; k++)
			if (d->clients[k]->subs & (1u << idx))
				queue_event(d->clients[k], &d->batch[i]);
	}
	for (k = d->num_clients; k-- > 0;) {
		struct teed_client *c = d->clients[k];

		rpt_error_clear(&err);
		if (c->ev_overflow)
			ret = rpt_error_set(
				&err, ENOBUFS,
				"does not read its events (%u queued and its socket full)",
				c->ev_count);
		else
			ret = flush_events(c, &err);
		if (!ret)
			continue;
		teed_log(d, "client %u (pid %d): %s; disconnecting it", c->id, (int)c->pid,
			 rpt_error_msg(&err));
		drop_client(d, k);
	}
}

/* ---- the loop ---- */

/* Poll slots before the clients': stop pipe, listening socket, event inbox. */
#define POLL_FIXED 3

/* Client c's poll entry was ready: send what waits, read what came. Negative: drop it. */
static int serve_client(struct teed *d, struct teed_client *c, short revents, struct rpt_error *err)
{
	int ret = 0;

	if (revents & POLLOUT)
		ret = flush_events(c, err);
	if (!ret && (revents & (POLLIN | POLLHUP | POLLERR)))
		ret = serve_packet(d, c, err);
	return ret;
}

static void serve_ready(struct teed *d, struct pollfd *pfd, unsigned int n)
{
	struct rpt_error err;
	unsigned int k;
	int ret;

	/* pfd[POLL_FIXED + k] is client k at poll time; walk backwards so that dropping keeps indexes. */
	for (k = n; k-- > 0;) {
		struct teed_client *c = d->clients[k];

		if (!pfd[POLL_FIXED + k].revents)
			continue;
		rpt_error_clear(&err);
		ret = serve_client(d, c, pfd[POLL_FIXED + k].revents, &err);
		if (!ret)
			continue;
		if (ret == -EPIPE || ret == -ECONNRESET)
			teed_log(d, "client %u (pid %d) disconnected", c->id, (int)c->pid);
		else
			teed_log(d, "client %u (pid %d): %s; disconnecting it", c->id, (int)c->pid,
				 rpt_error_msg(&err));
		/* drop_client moves the last client into slot k: one served already. */
		drop_client(d, k);
	}
}

static void fill_poll(struct teed *d, struct pollfd *pfd)
{
	unsigned int i;

	pfd[0] = (struct pollfd){.fd = d->stop_pipe[0], .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = d->listen_fd, .events = POLLIN};
	pfd[2] = (struct pollfd){.fd = d->inbox.pipe[0], .events = POLLIN};
	for (i = 0; i < d->num_clients; i++) {
		struct teed_client *c = d->clients[i];

		/* Wait for room only while events wait: a full socket must not spin the loop. */
		pfd[POLL_FIXED + i] = (struct pollfd){
			.fd = c->fd, .events = (short)(POLLIN | (c->ev_count ? POLLOUT : 0))};
	}
}

int teed_run(struct teed *d, struct rpt_error *err)
{
	struct pollfd *pfd;
	unsigned int n;
	int ret = 0;

	pfd = calloc(d->max_clients + POLL_FIXED, sizeof(*pfd));
	if (!pfd)
		return rpt_error_set(err, ENOMEM, "out of memory for the poll set");
	teed_log(d, "serving on %s (uid %u)", d->path, (unsigned int)d->allowed_uid);
	while (!d->stopping) {
		n = d->num_clients;
		fill_poll(d, pfd);
		if (poll(pfd, n + POLL_FIXED, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = rpt_error_set(err, errno, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents || d->stopping)
			break;
		serve_ready(d, pfd, n);
		if (pfd[2].revents)
			deliver_events(d);
		if (pfd[1].revents)
			accept_client(d);
	}
	free(pfd);
	return ret;
}

void teed_stop(struct teed *d)
{
	int saved = errno;
	char c = 1;
	ssize_t n;

	d->stopping = 1;
	/* A full pipe means a stop is pending already: nothing more to do. */
	n = write(d->stop_pipe[1], &c, 1);
	(void)n;
	errno = saved;
}

void teed_destroy(struct teed *d)
{
	if (!d)
		return;
	while (d->num_clients)
		drop_client(d, d->num_clients - 1);
	close(d->listen_fd);
	unlink(d->path);
	close(d->stop_pipe[0]);
	close(d->stop_pipe[1]);
	inbox_exit(&d->inbox);
	free(d->batch);
	free(d->clients);
	free(d->rx);
	free(d);
}

const char *teed_socket_path(const struct teed *d)
{
	return d->path;
}
