// SPDX-License-Identifier: BSD-2-Clause
#include "common/ipc_path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* An environment directory counts only when absolute: a relative one would depend on the cwd. */
static const char *absolute(const char *dir)
{
	return dir && dir[0] == '/' ? dir : NULL;
}

/* buf = dir + tail, or -ENAMETOOLONG. */
static int join(char *buf, size_t len, struct rpt_error *err, const char *dir, const char *tail)
{
	int w = snprintf(buf, len, "%s%s", dir, tail);

	if (w < 0 || (size_t)w >= len)
		return rpt_error_set(err, ENAMETOOLONG, "default directory does not fit %zu bytes",
				     len);
	return 0;
}

int rpt_runtime_dir_for(uid_t euid, const char *xdg, char *buf, size_t len, struct rpt_error *err)
{
	char uid[16];

	if (euid == 0)
		return join(buf, len, err, "/run/rproc-tee", "");
	if (absolute(xdg))
		return join(buf, len, err, xdg, "/rproc-tee");
	/* Predictable, so rpt_private_dir refuses it unless it is ours and private. */
	snprintf(uid, sizeof(uid), "%u", (unsigned int)euid);
	return join(buf, len, err, "/tmp/rproc-tee-", uid);
}

int rpt_runtime_dir(char *buf, size_t len, struct rpt_error *err)
{
	return rpt_runtime_dir_for(geteuid(), getenv("XDG_RUNTIME_DIR"), buf, len, err);
}

int rpt_default_socket(const char *name, int create, char *buf, size_t len, struct rpt_error *err)
{
	struct sockaddr_un sa;
	char dir[sizeof(sa.sun_path)];
	int ret, n;

	ret = rpt_runtime_dir(dir, sizeof(dir), err);
	if (ret)
		return ret;
	if (create) {
		ret = rpt_private_dir(dir, err);
		if (ret)
			return ret;
	}
	n = snprintf(buf, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len || (size_t)n >= sizeof(sa.sun_path))
		return rpt_error_set(err, ENAMETOOLONG,
				     "default socket path %s/%s does not fit a Unix socket address",
				     dir, name);
	return 0;
}

int rpt_state_dir_for(uid_t euid, const char *override, const char *xdg_state, const char *home,
		      char *buf, size_t len, struct rpt_error *err)
{
	if (absolute(override))
		return join(buf, len, err, override, "");
	if (euid == 0)
		return join(buf, len, err, "/var/lib/rproc-tee", "");
	if (absolute(xdg_state))
		return join(buf, len, err, xdg_state, "/rproc-tee");
	if (absolute(home))
		return join(buf, len, err, home, "/.local/state/rproc-tee");
	return rpt_error_set(
		err, ENOENT,
		"no state directory: set $XDG_STATE_HOME or $HOME, or give --state-dir");
}

int rpt_state_dir(char *buf, size_t len, struct rpt_error *err)
{
	return rpt_state_dir_for(geteuid(), getenv("RPROC_TEE_STATE_DIR"), getenv("XDG_STATE_HOME"),
				 getenv("HOME"), buf, len, err);
}

/* Create the missing directories leading to path (each 0700), not path itself. */
static int make_parents(char *path, struct rpt_error *err)
{
	char *p;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			int e = errno;

			rpt_error_set(err, e, "cannot create %s: %s", path, strerror(e));
			*p = '/';
			return -e;
		}
		*p = '/';
	}
	return 0;
}

int rpt_private_dir(const char *path, struct rpt_error *err)
{
	char tmp[4096];
	struct stat st;
	int ret;

	if (!path || path[0] != '/')
		return rpt_error_set(err, EINVAL, "%s: a private directory must be absolute",
				     path ? path : "(null)");
	if (strlen(path) >= sizeof(tmp))
		return rpt_error_set(err, ENAMETOOLONG, "%.40s...: path too long", path);
	memcpy(tmp, path, strlen(path) + 1);
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
		ret = make_parents(tmp, err);
		if (ret)
			return ret;
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return rpt_error_set(err, errno, "cannot create %s: %s", path,
					     strerror(errno));
		if (lstat(path, &st) < 0)
			return rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return rpt_error_set(err, EPERM, "%s is a symbolic link, not a private directory",
				     path);
	if (!S_ISDIR(st.st_mode))
		return rpt_error_set(err, EPERM, "%s exists and is not a directory", path);
	if (st.st_uid != geteuid())
		return rpt_error_set(err, EPERM,
				     "%s belongs to uid %u, not to us (uid %u): refusing it", path,
				     (unsigned int)st.st_uid, (unsigned int)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return rpt_error_set(err, EPERM,
				     "%s is writable by others (mode %03o): refusing it", path,
				     (unsigned int)(st.st_mode & 0777));
	return 0;
}

int rpt_state_dir_prepare(const char **dir, char *buf, size_t len, struct rpt_error *err)
{
	int ret;

	if (!*dir) {
		ret = rpt_state_dir(buf, len, err);
		if (ret)
			return ret;
		*dir = buf;
	}
	return rpt_private_dir(*dir, err);
}

int rpt_check_peer(int fd, uid_t expected, const char *what, struct rpt_error *err)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	if (expected == RPT_UID_DEFAULT)
		expected = geteuid();
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || clen != sizeof(cred))
		return rpt_error_set(err, EACCES, "%s: no peer credentials (%s): not trusting it",
				     what, strerror(errno));
	if (cred.uid != expected && cred.uid != 0)
		return rpt_error_set(err, EACCES,
				     "%s runs as uid %u (pid %d), expected uid %u or root: "
				     "not trusting it",
				     what, (unsigned int)cred.uid, (int)cred.pid,
				     (unsigned int)expected);
	return 0;
}

int rpt_parse_uid(const char *s, uid_t *uid)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *s == '+' || *s == ' ' ||
	    v >= (unsigned long)(uid_t)-1)
		return -EINVAL;
	*uid = (uid_t)v;
	return 0;
}

int rpt_claim_socket_path(const char *path, int type, struct rpt_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return rpt_error_set(err, ENAMETOOLONG, "socket path %.40s...: too long", path);
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0
				       : rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return rpt_error_set(err, EEXIST, "%s exists and is not a socket: not touching it",
				     path);
	/* Non-blocking: a live server with a full backlog must not hang us; it answers EAGAIN. */
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return rpt_error_set(err, errno, "socket: %s", strerror(errno));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? errno : 0;
	close(fd);
	/* Only "nobody listens" makes it stale; another socket type still answers. */
	if (ret == ENOENT)
		return 0;
	if (ret != ECONNREFUSED)
		return rpt_error_set(err, EADDRINUSE, "%s: another server is listening there",
				     path);
	if (unlink(path) < 0 && errno != ENOENT)
		return rpt_error_set(err, errno, "%s: cannot remove the stale socket: %s", path,
				     strerror(errno));
	return 0;
}
