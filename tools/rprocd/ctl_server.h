/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rprocd's control socket: accepting rprocctl connections and answering them
 * without ever letting a client hold the daemon.
 *
 * The main thread reads every request itself, non-blocking, each connection
 * with a deadline (CTL_SERVER_REQUEST_MS from accept to the last byte): a
 * client trickling its request costs a descriptor and a buffer, not a
 * handler, and is dropped at its deadline or when the table of pending
 * connections is full and a new one comes (the oldest goes). A complete
 * request goes to a handler thread (at most CTL_SERVER_HANDLERS at once);
 * its reply must be taken within a deadline too. The accept loop never
 * blocks, and SIGTERM/SIGINT (read from a signalfd) end the loop at once:
 * pending connections are closed, replies in flight cut short.
 */
#ifndef RPT_TOOLS_RPROCD_CTL_SERVER_H
#define RPT_TOOLS_RPROCD_CTL_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "rprocd.h"

#define CTL_SERVER_HANDLERS   64    /* requests executed at once */
#define CTL_SERVER_PENDING    256   /* connections still sending their request */
#define CTL_SERVER_REQUEST_MS 5000  /* from accept to a complete request */
#define CTL_SERVER_REPLY_MS   30000 /* to send a reply, plus 1 ms per KiB of it */

struct ctl_pending;

/* The control socket and its connections. */
struct ctl_server {
	struct rprocd *d;	      /* what the requests act on */
	int listen_fd;		      /* the listening socket, -1 when none */
	char path[108];		      /* its path (removed at close) */
	int wake[2];		      /* a handler finished: the loop may start another */
	struct ctl_pending *pending;  /* CTL_SERVER_PENDING slots */
	pthread_mutex_t lock;	      /* guards active, fds, stopping */
	pthread_cond_t idle;	      /* signalled when active drops */
	unsigned int active;	      /* handler threads running */
	int fds[CTL_SERVER_HANDLERS]; /* their connections (-1: free slot) */
	bool stopping;		      /* handlers must cut their replies short */
};

/*
 * Listen at path, or at the default (rprocd.sock in the private runtime
 * directory, created). An existing socket is replaced only if nothing answers
 * there; any other file is refused.
 */
int ctl_server_open(struct ctl_server *s, struct rprocd *d, const char *path,
		    struct rpt_error *err);
/* Serve until SIGTERM or SIGINT (which the caller has blocked in every thread). */
int ctl_server_run(struct ctl_server *s, struct rpt_error *err);
/* Close every connection, wait for the handlers, remove the socket. */
void ctl_server_close(struct ctl_server *s);

#endif
