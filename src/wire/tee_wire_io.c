// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE wire protocol (tee_wire.h): packets with their descriptors over a
 * SOCK_SEQPACKET socket, and the daemon's socket path. The messages inside
 * the packets: tee_wire.c.
 */
#include "wire/tee_wire.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/ipc_path.h"

/* ---- sockets ---- */

/* Control buffer for TEE_WIRE_MAX_FDS descriptors, aligned as the cmsg macros need. */
union fd_control {
	char buf[CMSG_SPACE(sizeof(int) * TEE_WIRE_MAX_FDS)];
	struct cmsghdr align;
};

void tee_wire_close_fds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int tee_wire_send(int sock, const uint8_t *buf, size_t len, const int *fds, unsigned int nfds,
		  bool nonblock, struct rpt_error *err)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	union fd_control ctl;
	struct cmsghdr *cm;
	ssize_t n;

	if (nfds > TEE_WIRE_MAX_FDS)
		return rpt_error_set(err, EINVAL, "%u descriptors, over %u", nfds,
				     TEE_WIRE_MAX_FDS);
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | (nonblock ? MSG_DONTWAIT : 0));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rpt_error_set(err, errno, "send: %s", strerror(errno));
	if ((size_t)n != len)
		return rpt_error_set(err, EIO, "send: %zd of %zu bytes went out", n, len);
	return 0;
}

/*
 * Collect the descriptors of every SCM_RIGHTS message (all of them, to close
 * them on error). False if a control message is not SCM_RIGHTS or there were
 * more descriptors than fit fds[] (the extra ones are closed here).
 */
static bool collect_fds(struct msghdr *mh, int fds[TEE_WIRE_MAX_FDS], unsigned int *nfds)
{
	struct cmsghdr *cm;
	bool ok = true;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t i, n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len < CMSG_LEN(0)) {
			ok = false;
			continue;
		}
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
			if (*nfds < TEE_WIRE_MAX_FDS) {
				fds[(*nfds)++] = fd;
			} else {
				close(fd);
				ok = false;
			}
		}
	}
	return ok;
}

int tee_wire_recv(int sock, uint8_t *buf, size_t cap, size_t *len, int fds[TEE_WIRE_MAX_FDS],
		  unsigned int *nfds, bool nonblock, struct rpt_error *err)
{
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	union fd_control ctl;
	ssize_t n;
	int ret;

	*nfds = 0;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | (nonblock ? MSG_DONTWAIT : 0));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		ret = errno;
		return rpt_error_set(err, ret, "receive: %s", strerror(ret));
	}
	if (!collect_fds(&mh, fds, nfds)) {
		ret = rpt_error_set(err, RPT_EFORMAT,
				    "packet with a control message other than up to %u descriptors",
				    TEE_WIRE_MAX_FDS);
		goto out_close;
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		ret = rpt_error_set(err, RPT_EFORMAT, "packet with more than %u descriptors",
				    TEE_WIRE_MAX_FDS);
		goto out_close;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		ret = rpt_error_set(err, RPT_EFORMAT, "packet over %zu bytes", cap);
		goto out_close;
	}
	/* A zero-length packet is what a closed connection reads as too: treat both alike. */
	if (!n) {
		ret = rpt_error_set(err, EPIPE, "connection closed by the peer");
		goto out_close;
	}
	*len = (size_t)n;
	return 0;

out_close:
	tee_wire_close_fds(fds, *nfds);
	*nfds = 0;
	return ret;
}

/* ---- socket paths ---- */

int tee_wire_check_path(const char *path, struct rpt_error *err)
{
	struct sockaddr_un sa;
	size_t n = path ? strlen(path) : 0;

	if (!n)
		return rpt_error_set(err, EINVAL, "empty socket path");
	if (n >= sizeof(sa.sun_path))
		return rpt_error_set(err, ENAMETOOLONG,
				     "socket path %.40s...: %zu bytes, a Unix socket takes %zu",
				     path, n, sizeof(sa.sun_path) - 1);
	return 0;
}

int tee_wire_default_path(char *buf, size_t len, struct rpt_error *err)
{
	/* Clients only compute it: the directory is the server's to create. */
	return rpt_default_socket(RPT_TEED_SOCKET_NAME, 0, buf, len, err);
}

int tee_wire_choose_path(const char *given, char *buf, size_t len, struct rpt_error *err)
{
	int ret;

	if (!given)
		return tee_wire_default_path(buf, len, err);
	ret = tee_wire_check_path(given, err);
	if (ret)
		return ret;
	if (strlen(given) >= len)
		return rpt_error_set(err, ENAMETOOLONG, "socket path %.40s...: over %zu bytes",
				     given, len - 1);
	memcpy(buf, given, strlen(given) + 1);
	return 0;
}
