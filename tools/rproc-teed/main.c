// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-teed: the secure world in its own process. It owns the remoteproc TA
 * and every coprocessor memory, and serves normal-world clients over a Unix
 * socket (src/secure/teed). SIGTERM and SIGINT stop it cleanly: clients are
 * disconnected, running coprocessors stopped, memories wiped, the socket file
 * removed.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secure/teed/teed.h"
#include "world.h"

#define EXIT_USAGE 2

/* What the command line asked for. */
struct teed_args {
	struct world_options world; /* board, keys, emulator */
	const char *socket_path;    /* --socket, or NULL for the default */
	uid_t uid;		    /* --uid: the peer uid served */
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
	      "                  [--trust KEY.pem ...] [--uid UID] [--no-coproc]\n"
	      "\n"
	      "  --board FILE   the board (device-tree source or blob)\n"
	      "  --builtin      the built-in virtual STM32MP15 board (no key: add --trust)\n"
	      "  --socket PATH  where to listen (default $XDG_RUNTIME_DIR/rproc-teed.sock,\n"
	      "                 else /tmp/rproc-teed-$UID.sock)\n"
	      "  --trust KEY    also trust this PEM public key for every TEE coprocessor\n"
	      "  --uid UID      the only client uid served (default: the daemon's own)\n"
	      "  --no-coproc    do not attach the emulated coprocessors\n",
	      out);
}

static int parse_uid(const char *s, uid_t *uid)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v >= (unsigned long)(uid_t)-1)
		return -EINVAL;
	*uid = (uid_t)v;
	return 0;
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
		if (a->world.num_trust >= WORLD_MAX_TRUST) {
			fprintf(stderr, "rproc-teed: at most %d --trust keys\n", WORLD_MAX_TRUST);
			return -EINVAL;
		}
		a->world.trust[a->world.num_trust++] = arg;
		return 0;
	case 'u':
		if (parse_uid(arg, &a->uid)) {
			fprintf(stderr, "rproc-teed: --uid %s: not a uid\n", arg);
			return -EINVAL;
		}
		return 0;
	case 'n':
		a->world.no_coproc = true;
		return 0;
	default:
		return -EINVAL;
	}
}

static int parse_args(int argc, char **argv, struct teed_args *a)
{
	static const struct option opts[] = {
		{"board", required_argument, NULL, 'b'},  {"builtin", no_argument, NULL, 'B'},
		{"socket", required_argument, NULL, 's'}, {"trust", required_argument, NULL, 't'},
		{"uid", required_argument, NULL, 'u'},	  {"no-coproc", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	int opt;

	memset(a, 0, sizeof(*a));
	a->uid = getuid();
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
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
	struct teed_config cfg = {.socket_path = a->socket_path, .allowed_uid = a->uid};
	struct rpt_error err = {0};
	struct teed *d;
	int ret;

	d = teed_create(&w->ta, &cfg, &err);
	if (!d) {
		fprintf(stderr, "rproc-teed: %s\n", rpt_error_msg(&err));
		return 1;
	}
	running_server = d;
	ret = install_signals();
	if (ret)
		fprintf(stderr, "rproc-teed: cannot install signal handlers: %s\n", strerror(-ret));
	else
		ret = teed_run(d, &err);
	if (ret && err.code)
		fprintf(stderr, "rproc-teed: %s\n", rpt_error_msg(&err));
	running_server = NULL;
	teed_destroy(d);
	fprintf(stderr, "rproc-teed: stopped\n");
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct rpt_error err = {0};
	struct teed_args args;
	struct world *w;
	int status;

	if (parse_args(argc, argv, &args)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* The board, platform and TA are large: keep them off the stack. */
	w = calloc(1, sizeof(*w));
	if (!w) {
		fprintf(stderr, "rproc-teed: out of memory\n");
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
