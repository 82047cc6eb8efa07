// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocd: owns a virtual board (one remoteproc per coprocessor) and answers
 * rprocctl on a Unix socket. Runs in the foreground, logs to stderr, stops
 * cleanly on SIGTERM/SIGINT. The secure world is in this process by default,
 * or in rproc-teed (--tee socket:PATH), or a real OP-TEE (--tee dev:PATH).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
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

#include "common/ipc_path.h"
#include "common/log_stamp.h"
#include "ctl_server.h"
#include "rpmsg_if.h"
#include "rprocd.h"
#include "version.h"
#include "board/board.h"
#include "vboard/vboard.h"

/* The daemon: its board and its control socket. */
struct daemon {
	struct rprocd d;       /* what the commands act on */
	struct vboard *vb;     /* the board */
	struct ctl_server srv; /* the control socket */
	bool srv_up;	       /* srv is open */
};

static int usage(int code)
{
	fputs("usage: rprocd [--board FILE.dts] [--trust KEY.pem ... | --trust-only KEY.pem ...]\n"
	      "              [--socket PATH]\n"
	      "              [--firmware-dir DIR ...] [--tee inproc|socket:PATH|dev:PATH]\n"
	      "              [--tee-uid UID] [--state-dir DIR] [--rpmsg-dir DIR]\n"
	      "       rprocd --version | --help\n"
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
	      "  --tee socket       the same, at rproc-teed's default socket\n"
	      "  --tee dev:PATH     a real OP-TEE behind the Linux TEE device (/dev/tee0):\n"
	      "                     no emulator and no mailbox here, the kernel owns them\n"
	      "  --trust KEY.pem    extra trusted key (in-process secure world only)\n"
	      "  --trust-only KEY.pem\n"
	      "                     trust only the keys given this way (repeatable; in-process\n"
	      "                     secure world only): the board's trusted-keys are not\n"
	      "                     trusted. The trusted key ids are logged at start\n"
	      "  --socket PATH      where to listen (default: rprocd.sock in the private\n"
	      "                     runtime directory, see README); an existing socket is\n"
	      "                     replaced only if no daemon answers there\n"
	      "  --tee-uid UID      rproc-teed must run as UID or root (default: as us or root)\n"
	      "  --state-dir DIR    in-process secure world: where rollback counters are kept\n"
	      "                     (default /var/lib/rproc-tee for root, else\n"
	      "                     $XDG_STATE_HOME/rproc-tee or ~/.local/state/rproc-tee)\n"
	      "  --rpmsg-dir DIR    where the rpmsg channels' interfaces go: ttyRPMSG<N>\n"
	      "                     (a link to the pty of each \"rpmsg-tty\" channel) and\n"
	      "                     rpmsg<N> (a message socket for each other channel); a\n"
	      "                     private directory (default: the --socket's)\n"
	      "\n"
	      "Log lines carry a monotonic and a wall-clock time stamp, except under systemd\n"
	      "(the journal stamps them). Exit status: 0 stopped by SIGTERM/SIGINT, 1 failed,\n"
	      "2 usage error. See rprocd(1).\n",
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

static void log_stderr(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	(void)level;
	fprintf(stderr, "%s\n", line);
}

/*
 * The default board: the installed one, found from this program's own place
 * (bin/ -> RPT_BOARDS_FROM_BINDIR), else the source tree's (a build tree).
 */
static const char *default_board(char *buf, size_t len)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			n = snprintf(buf, len, "%s/%s/vstm32mp15-m4-tee.dts", exe,
				     RPT_BOARDS_FROM_BINDIR);
			if (n > 0 && (size_t)n < len && !access(buf, R_OK))
				return buf;
		}
	}
	return RPT_DEFAULT_BOARD;
}

/* The rpmsg interfaces' lines (events, not errors) go where the board's go. */
static void log_line(void *priv, const char *line)
{
	log_stderr(priv, RPT_LOG_INFO, line);
}

/* The rpmsg interfaces, in dir or the control socket's directory. */
static int start_rpmsg(struct daemon *dm, const char *dir)
{
	struct rpt_error err = {0};
	char sock_dir[sizeof(dm->srv.path)];

	if (!dir) {
		memcpy(sock_dir, dm->srv.path, sizeof(sock_dir));
		dir = dirname(sock_dir);
	}
	if (rpif_create(&dm->d.rpmsg, dir, log_line, NULL, &err) ||
	    rpif_add_board(dm->d.rpmsg, dm->vb, dm->d.num_procs, &err)) {
		fprintf(stderr, "rprocd: rpmsg: %s\n", rpt_error_msg(&err));
		return -1;
	}
	return 0;
}

static int inject_crash(void *priv, enum rproc_crash_type type)
{
	return vboard_inject_crash(priv, type);
}

static long console_read(void *priv, char *buf, size_t size)
{
	return vboard_console_read(priv, buf, size);
}

static int start_board(struct daemon *dm, struct vboard_opts *o)
{
	struct rpt_error err = {0};
	unsigned int i;

	if (vboard_create(&dm->vb, o, &err)) {
		fprintf(stderr, "rprocd: %s: %s\n", o->board_path, rpt_error_msg(&err));
		return -1;
	}
	for (i = 0; i < vboard_num_procs(dm->vb) && i < RPROCD_MAX_PROCS; i++) {
		struct vboard_proc *p = vboard_proc(dm->vb, i);
		struct rproc *rproc = vboard_proc_rproc(p);
		const struct board_rproc *desc = vboard_proc_desc(p);

		/* A real TEE has no emulated core to crash: "crash" then only reports, as debugfs. */
		dm->d.procs[i] = (struct rprocd_proc){
			rproc, vboard_can_inject_crash(dm->vb) ? inject_crash : NULL, p,
			console_read};
		fprintf(stderr, "rprocd: %s: %s (%s, %s boot, %s)\n", rproc->dev_name, desc->name,
			desc->compatible, desc->tee ? "TEE alternate" : "classic ELF",
			vboard_where(dm->vb));
	}
	dm->d.num_procs = i;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"board", required_argument, NULL, 'b'},
		{"trust", required_argument, NULL, 't'},
		{"trust-only", required_argument, NULL, 'T'},
		{"socket", required_argument, NULL, 's'},
		{"firmware-dir", required_argument, NULL, 'f'},
		{"tee", required_argument, NULL, 'e'},
		{"tee-uid", required_argument, NULL, 'u'},
		{"state-dir", required_argument, NULL, 'S'},
		{"rpmsg-dir", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char board[4096 + 64];
	struct vboard_opts o = {.board_path = default_board(board, sizeof(board)),
				.firmware_dirs = {"/lib/firmware", RPT_FIRMWARE_DIR},
				.num_firmware_dirs = 2,
				.log = log_stderr};
	bool dirs_given = false;
	struct daemon dm = {0};
	struct rpt_error err = {0};
	const char *path = NULL, *rpmsg_dir = NULL;
	char state[4096];
	sigset_t set;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.board_path = optarg;
			break;
		case 't':
		case 'T':
			/* One way at a time: adding to the board's keys, or naming every key. */
			if (o.num_trust && o.trust_only != (c == 'T')) {
				fprintf(stderr,
					"rprocd: --trust and --trust-only do not mix: --trust "
					"adds to the board's keys, --trust-only replaces them\n");
				return usage(2);
			}
			o.trust_only = c == 'T';
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
		case 'u':
			if (rpt_parse_uid(optarg, &o.tee_uid)) {
				fprintf(stderr, "rprocd: --tee-uid %s: not a uid\n", optarg);
				return usage(2);
			}
			o.tee_uid_set = true;
			break;
		case 'S':
			o.state_dir = optarg;
			break;
		case 'R':
			rpmsg_dir = optarg;
			break;
		case 'h':
			return usage(0);
		case 'V':
			rpt_print_version("rprocd");
			return 0;
		default:
			return usage(2);
		}
	}
	if (optind != argc)
		return usage(2);
	if (o.num_trust && o.tee != VBOARD_TEE_INPROC) {
		fprintf(stderr,
			"rprocd: --trust and --trust-only are for the in-process secure world: "
			"give the keys to rproc-teed (or provision them in OP-TEE)\n");
		return usage(2);
	}
	/* From here on stderr is the daemon's log: time-stamped unless the journal does it. */
	rpt_log_stamp_stderr();
	/* Signals are read from a signalfd by the main loop; block them everywhere. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The socket first: a second rprocd must stop before it touches the board. */
	if (ctl_server_open(&dm.srv, &dm.d, path, &err)) {
		fprintf(stderr, "rprocd: %s\n", rpt_error_msg(&err));
		goto out;
	}
	dm.srv_up = true;
	if (o.tee == VBOARD_TEE_INPROC &&
	    rpt_state_dir_prepare(&o.state_dir, state, sizeof(state), &err)) {
		fprintf(stderr, "rprocd: state directory: %s\n", rpt_error_msg(&err));
		goto out;
	}
	if (start_board(&dm, &o) || start_rpmsg(&dm, rpmsg_dir))
		goto out;
	for (c = 0; c < (int)o.num_firmware_dirs; c++)
		fprintf(stderr, "rprocd: firmware search path %d: %s\n", c + 1, o.firmware_dirs[c]);
	fprintf(stderr, "rprocd: listening on %s\n", dm.srv.path);
	if (ctl_server_run(&dm.srv, &err))
		fprintf(stderr, "rprocd: %s\n", rpt_error_msg(&err));
	else
		rc = 0;
	fprintf(stderr, "rprocd: stopping\n");
out:
	/* Waiting `rpmsg recv`s end now, not at their timeout: the handlers finish soon. */
	rpif_stop(dm.d.rpmsg);
	if (dm.srv_up)
		ctl_server_close(&dm.srv);
	/* The interfaces go before the buses they use. */
	rpif_destroy(dm.d.rpmsg);
	vboard_destroy(dm.vb);
	return rc;
}
