/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where the daemons keep their sockets and their state, and who may talk to
 * them. The one place that chooses those paths: rproc-teed, rprocd, rprocctl
 * and the TEE socket transport all ask here.
 *
 * Sockets live in a private runtime directory (owner-only write, created by
 * the daemon, never a path another user could have created first):
 *   root                          /run/rproc-tee
 *   others, $XDG_RUNTIME_DIR set  $XDG_RUNTIME_DIR/rproc-tee
 *   others, without it            /tmp/rproc-tee-$UID (owner and mode verified)
 * State (rollback counters) lives in a private state directory:
 *   $RPROC_TEE_STATE_DIR if set (absolute), else
 *   root                          /var/lib/rproc-tee
 *   others                        $XDG_STATE_HOME/rproc-tee, else ~/.local/state/rproc-tee
 *
 * A client checks the server's uid (SO_PEERCRED) before sending it anything:
 * a socket someone else bound must never receive an image or be believed.
 */
#ifndef RPT_COMMON_IPC_PATH_H
#define RPT_COMMON_IPC_PATH_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* "Whoever is expected by default": our own euid, or root. */
#define RPT_UID_DEFAULT ((uid_t)-1)

/* Socket file names in the runtime directory. */
#define RPT_TEED_SOCKET_NAME   "rproc-teed.sock"
#define RPT_RPROCD_SOCKET_NAME "rprocd.sock"

/* The runtime directory for effective uid euid with $XDG_RUNTIME_DIR xdg (may be NULL). */
int rpt_runtime_dir_for(uid_t euid, const char *xdg, char *buf, size_t len, struct rpt_error *err);
/* Same for this process. */
int rpt_runtime_dir(char *buf, size_t len, struct rpt_error *err);

/*
 * The default socket `name` in the runtime directory. With create (servers),
 * the directory is made (0700) or checked as rpt_private_dir does; clients
 * only compute the path and rely on the peer check.
 */
int rpt_default_socket(const char *name, int create, char *buf, size_t len, struct rpt_error *err);

/* The state directory for euid with these environment values (any may be NULL). */
int rpt_state_dir_for(uid_t euid, const char *override, const char *xdg_state, const char *home,
		      char *buf, size_t len, struct rpt_error *err);
/* Same for this process ($RPROC_TEE_STATE_DIR, $XDG_STATE_HOME, $HOME). */
int rpt_state_dir(char *buf, size_t len, struct rpt_error *err);

/*
 * The state directory a daemon uses: *dir if given (--state-dir), else the
 * default (written into buf, *dir pointed at it); made private as
 * rpt_private_dir does.
 */
int rpt_state_dir_prepare(const char **dir, char *buf, size_t len, struct rpt_error *err);

/*
 * Make path a private directory, or check that it is one: a real directory
 * (not a symlink), owned by our euid, writable by nobody else. Missing
 * directories (parents included) are created 0700. -EPERM when an existing
 * one fails the check (someone else could have planted or changed it).
 */
int rpt_private_dir(const char *path, struct rpt_error *err);

/*
 * The server at the other end of fd runs as `expected` (RPT_UID_DEFAULT: our
 * euid) or as root. -EACCES otherwise: the caller must send nothing on fd.
 * `what` names the server in the message ("rproc-teed at PATH").
 */
int rpt_check_peer(int fd, uid_t expected, const char *what, struct rpt_error *err);

/* A uid from the command line: decimal, below (uid_t)-1. */
int rpt_parse_uid(const char *s, uid_t *uid);

/*
 * Make path free for a server to bind a socket of `type` (SOCK_STREAM or
 * SOCK_SEQPACKET): nothing there is fine; a socket no server answers on
 * (left by one that died) is removed. Anything else is refused and left
 * alone: -EEXIST for a file that is not a socket, -EADDRINUSE where a server
 * answers.
 */
int rpt_claim_socket_path(const char *path, int type, struct rpt_error *err);

#endif
