// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-teed: the secure world in its own process. It owns the remoteproc TA
 * and every coprocessor memory, and serves normal-world clients over a Unix
 * socket (src/secure/teed). The emulated coprocessors live here too (the
 * hardware side of the boundary): their mailbox and their crashes reach the
 * clients through the server's hardware channel. SIGTERM and SIGINT stop it
 * cleanly: clients are disconnected, running coprocessors stopped, memories
 * wiped, the socket file removed.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "common/log_stamp.h"
#include "secure/teed/teed.h"
#include "version.h"
#include "world.h"

#define EXIT_USAGE 2

/*
 * --test-stall: hold one TA command open for a while (fault-injection tests
 * only). Deliberately left out of --help and the man page: not a user's option.
 */
struct test_stall {
	bool on;	 /* the option was given */
	uint32_t cmd;	 /* the TA command to stall before */
	unsigned int ms; /* for how long */
};

/* What the command line asked for. */
struct teed_args {
	struct world_options world; /* board, keys, emulator */
	const char *socket_path;    /* --socket, or NULL for the default */
	uid_t uid;		    /* --uid: the peer uid served */
	struct test_stall stall;    /* --test-stall */
};

/* The server the signal handlers stop (set while teed_run serves). */
static struct teed *volatile running_server;

static void on_signal(int sig)
{
	struct teed *d = running_server;

	(void)sig;
	if (d)
		teed_stop(d);
}

static void usage(FILE *out)
{
	fputs("usage: rproc-teed (--board FILE.dts|FILE.dtb | --builtin) [--socket PATH]\n"
	      "                  [--trust KEY.pem ... | --trust-only KEY.pem ...]\n"
	      "                  [--uid UID] [--no-coproc]\n"
	      "                  [--state-dir DIR]\n"
	      "       rproc-teed --version | --help\n"
	      "\n"
	      "  --board FILE   the board (device-tree source or blob)\n"
	      "  --builtin      the built-in virtual STM32MP15 board (no key: add --trust)\n"
	      "  --socket PATH  where to listen (default: rproc-teed.sock in the private\n"
	      "                 runtime directory: /run/rproc-tee for root, else\n"
	      "                 $XDG_RUNTIME_DIR/rproc-tee or /tmp/rproc-tee-$UID, created\n"
	      "                 0700); an existing socket is replaced only if no server\n"
	      "                 answers there\n"
	      "  --trust KEY    also trust this PEM public key for every TEE coprocessor\n"
	      "  --trust-only KEY\n"
	      "                 trust only the keys given this way (repeatable): the board's\n"
	      "                 trusted-keys are not trusted; the key ids are logged at start\n"
	      "  --uid UID      the only client uid served (default: the daemon's own);\n"
	      "                 the socket is made reachable for it\n"
	      "  --state-dir DIR\n"
	      "                 where rollback counters are kept (default /var/lib/rproc-tee\n"
	      "                 for root, else $XDG_STATE_HOME/rproc-tee or\n"
	      "                 ~/.local/state/rproc-tee; $RPROC_TEE_STATE_DIR overrides)\n"
	      "  --no-coproc    do not attach the emulated coprocessors\n"
	      "\n"
	      "Exit status: 0 stopped by SIGTERM/SIGINT, 1 failed, 2 usage error.\n"
	      "See rproc-teed(1).\n",
	      out);
}

/* "START_FW:2000": a TA command name and a delay of 1 ms to 60 s. */
static int parse_stall(const char *s, struct test_stall *st)
{
	const char *colon = strchr(s, ':');
	unsigned long ms;
	size_t len;
	uint32_t i;
	char *end;

	if (!colon)
		return -EINVAL;
	len = (size_t)(colon - s);
	/* The TA's command names come from the one table in common/tee_defs. */
	for (i = TA_RPROC_CMD_LOAD_FW; i <= TA_RPROC_CMD_RELEASE_FW; i++)
		if (strlen(ta_rproc_cmd_name(i)) == len && !strncmp(ta_rproc_cmd_name(i), s, len))
			break;
	if (i > TA_RPROC_CMD_RELEASE_FW)
		return -EINVAL;
	errno = 0;
	ms = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || colon[1] == '-' || !ms || ms > 60000)
		return -EINVAL;
	st->on = true;
	st->cmd = i;
	st->ms = (unsigned int)ms;
	return 0;
}

/* The test hook: announce the stall (tests wait for this line), then hold the command. */
static void stall_before_invoke(void *priv, uint32_t cmd)
{
	const struct test_stall *st = priv;
	struct timespec ts = {.tv_sec = st->ms / 1000, .tv_nsec = (long)(st->ms % 1000) * 1000000L};

	if (cmd != st->cmd)
		return;
	fprintf(stderr, "rproc-teed: TEST: stalling %u ms before %s\n", st->ms,
		ta_rproc_cmd_name(cmd));
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int parse_option(struct teed_args *a, int opt, const char *arg)
{
	switch (opt) {
	case 'b':
		a->world.board_path = arg;
		return 0;
	case 'B':
		a->world.builtin = true;
		return 0;
	case 's':
		a->socket_path = arg;
		return 0;
	case 't':
	case 'T':
		/* One way at a time: adding to the board's keys, or naming every key. */
		if (a->world.num_trust && a->world.trust_only != (opt == 'T')) {
			fprintf(stderr,
				"rproc-teed: --trust and --trust-only do not mix: "
				"--trust adds to the board's keys, --trust-only replaces them\n");
			return -EINVAL;
		}
		a->world.trust_only = opt == 'T';
		if (a->world.num_trust >= WORLD_MAX_TRUST) {
			fprintf(stderr, "rproc-teed: at most %d --trust keys\n", WORLD_MAX_TRUST);
			return -EINVAL;
		}
		a->world.trust[a->world.num_trust++] = arg;
		return 0;
	case 'u':
		if (rpt_parse_uid(arg, &a->uid)) {
			fprintf(stderr, "rproc-teed: --uid %s: not a uid\n", arg);
			return -EINVAL;
		}
		return 0;
	case 'n':
		a->world.no_coproc = true;
		return 0;
	case 'd':
		a->world.state_dir = arg;
		return 0;
	case 'S':
		if (parse_stall(arg, &a->stall)) {
			fprintf(stderr,
				"rproc-teed: --test-stall %s: expected CMD:MS (e.g. START_FW:2000)\n",
				arg);
			return -EINVAL;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static int parse_args(int argc, char **argv, struct teed_args *a)
{
	static const struct option opts[] = {
		{"board", required_argument, NULL, 'b'},
		{"builtin", no_argument, NULL, 'B'},
		{"socket", required_argument, NULL, 's'},
		{"trust", required_argument, NULL, 't'},
		{"trust-only", required_argument, NULL, 'T'},
		{"uid", required_argument, NULL, 'u'},
		{"no-coproc", no_argument, NULL, 'n'},
		{"state-dir", required_argument, NULL, 'd'},
		{"test-stall", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	memset(a, 0, sizeof(*a));
	a->uid = getuid();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			exit(0);
		}
		if (opt == 'V') {
			rpt_print_version("rproc-teed");
			exit(0);
		}
		if (parse_option(a, opt, optarg))
			return -EINVAL;
	}
	if (optind != argc) {
		fprintf(stderr, "rproc-teed: unexpected argument %s\n", argv[optind]);
		return -EINVAL;
	}
	if (!a->world.board_path == !a->world.builtin) {
		fprintf(stderr, "rproc-teed: give exactly one of --board FILE and --builtin\n");
		return -EINVAL;
	}
	return 0;
}

static int install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		return -errno;
	/* A client that hangs up mid-reply must not kill the secure world. */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL))
		return -errno;
	return 0;
}

static int serve(struct world *w, const struct teed_args *a)
{
	struct teed_config cfg = {.socket_path = a->socket_path,
				  .allowed_uid = a->uid,
				  .hw = &world_hw_ops,
				  .hw_priv = w};
	struct rpt_error err = {0};
	struct teed *d;
	int ret;

	if (a->stall.on) {
		fprintf(stderr,
			"rproc-teed: TEST: --test-stall %s:%u: never use this outside tests\n",
			ta_rproc_cmd_name(a->stall.cmd), a->stall.ms);
		cfg.test_hook_before_invoke = stall_before_invoke;
		cfg.test_hook_priv = (void *)&a->stall;
	}
	d = teed_create(secure_world_ta(w->sw), &cfg, &err);
	if (!d) {
		fprintf(stderr, "rproc-teed: %s\n", rpt_error_msg(&err));
		return 1;
	}
	world_set_server(w, d);
	running_server = d;
	ret = install_signals();
	if (ret)
		fprintf(stderr, "rproc-teed: cannot install signal handlers: %s\n", strerror(-ret));
	else
		ret = teed_run(d, &err);
	if (ret && err.code)
		fprintf(stderr, "rproc-teed: %s\n", rpt_error_msg(&err));
	running_server = NULL;
	/* No core may post into the server once it is gone. */
	world_set_server(w, NULL);
	teed_destroy(d);
	fprintf(stderr, "rproc-teed: stopped\n");
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct rpt_error err = {0};
	struct teed_args args;
	char state[4096];
	struct world *w;
	int status;

	if (parse_args(argc, argv, &args)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* From here on stderr is the daemon's log: time-stamped unless the journal does it. */
	rpt_log_stamp_stderr();
	/* The board is large: keep it off the stack. */
	w = calloc(1, sizeof(*w));
	if (!w) {
		fprintf(stderr, "rproc-teed: out of memory\n");
		return 1;
	}
	if (rpt_state_dir_prepare(&args.world.state_dir, state, sizeof(state), &err)) {
		fprintf(stderr, "rproc-teed: state directory: %s\n", rpt_error_msg(&err));
		free(w);
		return 1;
	}
	if (world_init(w, &args.world, &err)) {
		fprintf(stderr, "rproc-teed: %s\n", rpt_error_msg(&err));
		free(w);
		return 1;
	}
	fprintf(stderr, "rproc-teed: board %s, %u coprocessor(s)\n", w->board.model,
		w->board.num_rprocs);
	status = serve(w, &args);
	world_exit(w);
	free(w);
	return status;
}
