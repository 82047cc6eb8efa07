// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocd: owns a virtual board (one remoteproc per coprocessor) and answers
 * rprocctl on a Unix socket. Runs in the foreground, logs to stderr, stops
 * cleanly on SIGTERM/SIGINT. The secure world is in this process by default,
 * or in rproc-teed (--tee socket:PATH), or a real OP-TEE (--tee dev:PATH).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "rprocd.h"
#include "vboard/vboard.h"

/* The daemon: its board, its socket and the handlers in flight. */
struct daemon {
	struct rprocd d;      /* what the commands act on */
	struct vboard *vb;    /* the board */
	int listen_fd;	      /* control socket */
	char path[108];	      /* its path (removed at exit) */
	pthread_mutex_t lock; /* protects active */
	pthread_cond_t idle;  /* signalled when active drops */
	unsigned int active;  /* connections being handled */
};

/* One connection being handled. */
struct conn {
	struct daemon *dm;
	int fd;
};

#define MAX_ACTIVE 64

static int usage(int code)
{
	fputs("usage: rprocd [--board FILE.dts] [--trust KEY.pem ...] [--socket PATH]\n"
	      "              [--firmware-dir DIR ...] [--tee inproc|socket:PATH|dev:PATH]\n"
	      "Owns the virtual board (default: the built-in vstm32mp15-m4-tee board) and\n"
	      "answers rprocctl. Logs to stderr; SIGTERM/SIGINT stop it.\n"
	      "\n"
	      "  --firmware-dir DIR the firmware search path, like Linux's /lib/firmware:\n"
	      "                     `rprocctl remoteprocN firmware NAME` names a file in the\n"
	      "                     first DIR holding it (given up to 8 times, in order;\n"
	      "                     default: /lib/firmware, then " RPT_FIRMWARE_DIR ").\n"
	      "                     NAME never leaves DIR (no \"..\", no symlink out of it);\n"
	      "                     an absolute NAME is read as given\n"
	      "  --tee inproc       the secure world (TA, secure memories, emulated cores)\n"
	      "                     runs in this process (the default)\n"
	      "  --tee socket:PATH  it runs in rproc-teed listening at PATH (start that\n"
	      "                     first, with the same --board and the keys to --trust):\n"
	      "                     this process never maps a secure memory\n"
	      "  --tee dev:PATH     a real OP-TEE behind the Linux TEE device (/dev/tee0):\n"
	      "                     no emulator and no mailbox here, the kernel owns them\n"
	      "  --trust KEY.pem    extra trusted key (in-process secure world only)\n",
	      code ? stderr : stdout);
	return code;
}

/* --tee, strictly: exit status 2 (usage) for anything else. */
static int parse_tee(struct vboard_opts *o, const char *arg)
{
	struct rpt_error err = {0};

	if (vboard_parse_tee(arg, &o->tee, &o->tee_path, &err)) {
		fprintf(stderr, "rprocd: --tee %s\n", rpt_error_msg(&err));
		return -EINVAL;
	}
	return 0;
}

static const char *tee_where(const struct vboard_opts *o, char *buf, size_t len)
{
	switch (o->tee) {
	case VBOARD_TEE_SOCKET:
		snprintf(buf, len, "secure world in rproc-teed at %s", o->tee_path);
		break;
	case VBOARD_TEE_DEV:
		snprintf(buf, len, "secure world behind the TEE device %s", o->tee_path);
		break;
	default:
		snprintf(buf, len, "secure world in this process");
		break;
	}
	return buf;
}

static void *serve(void *arg)
{
	struct conn *c = arg;
	struct daemon *dm = c->dm;
	struct rpt_error err = {0};
	struct ctl_request req;
	struct timeval tv = {.tv_sec = 5};
	uint8_t *body = NULL;
	size_t len, out_len = 0;
	char *out = NULL;
	enum ctl_status st;

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (ctl_recv_frame(c->fd, &body, &len, CTL_REQUEST_MAX, &err))
		goto out;
	if (ctl_decode_request(body, len, &req, &err)) {
		const char *msg = rpt_error_msg(&err);

		ctl_send_reply(c->fd, CTL_USAGE, msg, strlen(msg), &err);
		goto out;
	}
	st = rprocd_handle(&dm->d, &req, &out, &out_len);
	ctl_send_reply(c->fd, st, out, out_len, &err);
out:
	free(out);
	free(body);
	close(c->fd);
	free(c);
	pthread_mutex_lock(&dm->lock);
	dm->active--;
	pthread_cond_broadcast(&dm->idle);
	pthread_mutex_unlock(&dm->lock);
	return NULL;
}

static void accept_one(struct daemon *dm)
{
	struct conn *c;
	pthread_attr_t attr;
	pthread_t t;
	int fd = accept4(dm->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	pthread_mutex_lock(&dm->lock);
	while (dm->active >= MAX_ACTIVE)
		pthread_cond_wait(&dm->idle, &dm->lock);
	dm->active++;
	pthread_mutex_unlock(&dm->lock);
	c = malloc(sizeof(*c));
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (c) {
		*c = (struct conn){dm, fd};
		if (!pthread_create(&t, &attr, serve, c)) {
			pthread_attr_destroy(&attr);
			return;
		}
		free(c);
	}
	pthread_attr_destroy(&attr);
	close(fd);
	pthread_mutex_lock(&dm->lock);
	dm->active--;
	pthread_mutex_unlock(&dm->lock);
}

static int listen_on(struct daemon *dm, const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	mode_t old;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "rprocd: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	snprintf(dm->path, sizeof(dm->path), "%s", path);
	dm->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	old = umask(0077); /* only our user may talk to us */
	if (dm->listen_fd < 0 || bind(dm->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(dm->listen_fd, 128)) {
		umask(old);
		fprintf(stderr, "rprocd: cannot listen on %s: %s\n", path, strerror(errno));
		return -1;
	}
	umask(old);
	return 0;
}

/* Serve until SIGTERM/SIGINT. */
static void run(struct daemon *dm)
{
	struct pollfd pfd[2];
	sigset_t set;
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	pfd[0] = (struct pollfd){.fd = dm->listen_fd, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & POLLIN)
			accept_one(dm);
	}
	close(sfd);
	fprintf(stderr, "rprocd: stopping\n");
}

static void log_stderr(void *priv, enum rproc_log_level level, const char *line)
{
	(void)priv;
	(void)level;
	fprintf(stderr, "%s\n", line);
}

static int inject_crash(void *priv, enum rproc_crash_type type)
{
	return vboard_inject_crash(priv, type);
}

static int start_board(struct daemon *dm, struct vboard_opts *o)
{
	struct rpt_error err = {0};
	char where[160];
	unsigned int i;

	if (vboard_create(&dm->vb, o, &err)) {
		fprintf(stderr, "rprocd: %s: %s\n", o->board_path, rpt_error_msg(&err));
		return -1;
	}
	for (i = 0; i < dm->vb->num_procs && i < RPROCD_MAX_PROCS; i++) {
		struct vboard_proc *p = &dm->vb->procs[i];

		/* A real TEE has no emulated core to crash: "crash" then only reports, as debugfs. */
		dm->d.procs[i] = (struct rprocd_proc){
			p->rproc, o->tee == VBOARD_TEE_DEV ? NULL : inject_crash, p};
		fprintf(stderr, "rprocd: %s: %s (%s, %s boot, %s)\n", p->rproc->dev_name,
			p->desc->name, p->desc->compatible,
			p->desc->tee ? "TEE alternate" : "classic ELF",
			tee_where(o, where, sizeof(where)));
	}
	dm->d.num_procs = i;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"board", required_argument, NULL, 'b'},
		{"trust", required_argument, NULL, 't'},
		{"socket", required_argument, NULL, 's'},
		{"firmware-dir", required_argument, NULL, 'f'},
		{"tee", required_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct vboard_opts o = {.board_path = RPT_DEFAULT_BOARD,
				.firmware_dirs = {"/lib/firmware", RPT_FIRMWARE_DIR},
				.num_firmware_dirs = 2,
				.log = log_stderr};
	bool dirs_given = false;
	struct daemon dm = {.listen_fd = -1};
	char def[256];
	const char *path = ctl_default_socket(def, sizeof(def));
	sigset_t set;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.board_path = optarg;
			break;
		case 't':
			if (o.num_trust == VBOARD_MAX_TRUST)
				return usage(2);
			o.trust[o.num_trust++] = optarg;
			break;
		case 's':
			path = optarg;
			break;
		case 'f':
			/* The first --firmware-dir replaces the default search path. */
			if (!dirs_given)
				o.num_firmware_dirs = 0;
			dirs_given = true;
			if (o.num_firmware_dirs == RPROC_FW_DIRS_MAX || !*optarg) {
				fprintf(stderr, "rprocd: --firmware-dir: empty, or more than %d\n",
					RPROC_FW_DIRS_MAX);
				return usage(2);
			}
			o.firmware_dirs[o.num_firmware_dirs++] = optarg;
			break;
		case 'e':
			if (parse_tee(&o, optarg))
				return usage(2);
			break;
		case 'h':
			return usage(0);
		default:
			return usage(2);
		}
	}
	if (optind != argc)
		return usage(2);
	if (o.num_trust && o.tee != VBOARD_TEE_INPROC) {
		fprintf(stderr, "rprocd: --trust is for the in-process secure world: "
				"give the keys to rproc-teed (or provision them in OP-TEE)\n");
		return usage(2);
	}
	/* Signals are read from a signalfd by the main loop; block them everywhere. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&dm.lock, NULL);
	pthread_cond_init(&dm.idle, NULL);
	if (start_board(&dm, &o))
		goto out;
	for (c = 0; c < (int)o.num_firmware_dirs; c++)
		fprintf(stderr, "rprocd: firmware search path %d: %s\n", c + 1, o.firmware_dirs[c]);
	if (listen_on(&dm, path))
		goto out;
	fprintf(stderr, "rprocd: listening on %s\n", path);
	run(&dm);
	rc = 0;
out:
	if (dm.listen_fd >= 0) {
		close(dm.listen_fd);
		unlink(dm.path);
	}
	pthread_mutex_lock(&dm.lock);
	while (dm.active)
		pthread_cond_wait(&dm.idle, &dm.lock);
	pthread_mutex_unlock(&dm.lock);
	vboard_destroy(dm.vb);
	return rc;
}
