// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocctl: the words of Linux remoteproc's sysfs and debugfs, sent to rprocd.
 *
 *   rprocctl list
 *   rprocctl remoteproc0 state [start|stop|detach] (cat/echo .../state)
 *   rprocctl remoteproc0 firmware [NAME]           (cat/echo .../firmware)
 *   rprocctl remoteproc0 recovery [enabled|disabled|recover]
 *   rprocctl remoteproc0 coredump [disabled|enabled|inline]
 *   rprocctl remoteproc0 trace [N]                 (cat debugfs .../traceN)
 *   rprocctl remoteproc0 console                   (the firmware's console UART)
 *   rprocctl remoteproc0 crash [mmufault|watchdog|fatal|0|1|2]
 *   rprocctl remoteproc0 dump --out core.elf|-
 *   rprocctl remoteproc0 resource-table
 *   rprocctl remoteproc0 carveout-memories         (cat debugfs .../carveout_memories)
 *   rprocctl remoteproc0 rpmsg list|send CHANNEL DATA|recv CHANNEL [--timeout MS]
 *                              |create NAME DST|destroy CHANNEL
 *                                                  (the rpmsg channels: ttyRPMSG<N>, rpmsg<N>)
 *
 * Exit status: 0 ok, 1 the operation failed, 2 usage error.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/ipc_path.h"
#include "normal/ctl/ctl_proto.h"
#include "version.h"

/* The help: on stdout with status 0 when asked for, else on stderr with status 2. */
static int usage(int code)
{
	fputs("usage: rprocctl [--socket PATH] [--daemon-uid UID] COMMAND\n"
	      "       rprocctl --version | --help\n"
	      "  list\n"
	      "  remoteprocN state [start|stop|detach]\n"
	      "  remoteprocN firmware [NAME]   (NAME in rprocd's firmware search path,\n"
	      "                                 or an absolute path)\n"
	      "  remoteprocN recovery [enabled|disabled|recover]\n"
	      "  remoteprocN coredump [disabled|enabled|inline]\n"
	      "  remoteprocN trace [N]\n"
	      "  remoteprocN console         (what the firmware printed on its UART)\n"
	      "  remoteprocN crash [mmufault|watchdog|fatal|0|1|2]\n"
	      "  remoteprocN dump --out FILE  (FILE - : the dump on stdout)\n"
	      "  remoteprocN resource-table\n"
	      "  remoteprocN carveout-memories\n"
	      "  remoteprocN rpmsg list      (channels, addresses, their tty or socket)\n"
	      "  remoteprocN rpmsg send CHANNEL DATA\n"
	      "  remoteprocN rpmsg recv CHANNEL [--timeout MS]\n"
	      "  remoteprocN rpmsg create NAME DST   (an endpoint: a message socket)\n"
	      "  remoteprocN rpmsg destroy CHANNEL\n"
	      "  --socket PATH     rprocd's socket (default: rprocd.sock in the private\n"
	      "                    runtime directory, see README)\n"
	      "  --daemon-uid UID  rprocd must run as UID or root (default: as us or root)\n"
	      "exit status: 0 ok, 1 the operation failed, 2 usage error\n"
	      "See rprocctl(1).\n",
	      code ? stderr : stdout);
	return code;
}

/* Connected, and rprocd checked to be who we expect before anything is sent. */
static int connect_daemon(const char *path, uid_t daemon_uid)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct rpt_error err = {0};
	char what[sizeof(addr.sun_path) + 16];
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "rprocctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "rprocctl: cannot reach rprocd at %s: %s (is rprocd running?)\n",
			path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(what, sizeof(what), "rprocd at %s", path);
	if (rpt_check_peer(fd, daemon_uid, what, &err)) {
		fprintf(stderr, "rprocctl: %s\n", rpt_error_msg(&err));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Words the daemon should see: `dump --out F` reduced to `dump` (we write F).
 * A firmware name goes as given, like `echo NAME > .../firmware`: the daemon
 * looks it up in its firmware search path.
 */
static int prepare_words(int argc, char **argv, const char **dump_out)
{
	if (argc >= 2 && !strcmp(argv[1], "dump")) {
		if (argc != 4 || strcmp(argv[2], "--out")) {
			fprintf(stderr, "rprocctl: usage: rprocctl %s dump --out FILE\n", argv[0]);
			return CTL_USAGE;
		}
		*dump_out = argv[3];
	}
	return CTL_OK;
}

/* Print (or save) the reply; its status is our exit code. */
static int handle_reply(const uint8_t *reply, size_t len, const char *dump_out)
{
	struct rpt_error err = {0};
	int status;

	if (!len || reply[0] > CTL_USAGE) {
		fprintf(stderr, "rprocctl: malformed reply from rprocd\n");
		return CTL_FAIL;
	}
	status = reply[0];
	if (status != CTL_OK) {
		fprintf(stderr, "%.*s", (int)(len - 1), (const char *)reply + 1);
		return status;
	}
	if (dump_out && !strcmp(dump_out, "-")) {
		/* `--out -`: the dump's bytes on stdout, for a pipe (gdb, xxd, ssh). */
		if (fwrite(reply + 1, 1, len - 1, stdout) != len - 1 || fflush(stdout)) {
			fprintf(stderr, "rprocctl: writing the dump to stdout: %s\n",
				strerror(errno));
			return CTL_FAIL;
		}
		return CTL_OK;
	}
	if (dump_out) {
		/*
		 * A dump holds the firmware's memory and registers: 0600, never
		 * readable by another user, whatever the caller's umask says.
		 */
		umask(077);
		if (rpt_write_file_atomic(dump_out, reply + 1, len - 1, &err)) {
			fprintf(stderr, "rprocctl: %s\n", rpt_error_msg(&err));
			return CTL_FAIL;
		}
		printf("%s: %zu bytes\n", dump_out, len - 1);
		return CTL_OK;
	}
	fwrite(reply + 1, 1, len - 1, stdout);
	return CTL_OK;
}

static int run(const char *path, uid_t daemon_uid, int argc, char **argv)
{
	const char *dump_out = NULL;
	struct rpt_error err = {0};
	uint8_t *req = NULL, *reply = NULL;
	size_t req_len, reply_len;
	int fd, status;

	status = prepare_words(argc, argv, &dump_out);
	if (status)
		return status;
	if (dump_out)
		argc = 2;
	if (ctl_encode_request(argc, argv, &req, &req_len, &err)) {
		fprintf(stderr, "rprocctl: %s\n", rpt_error_msg(&err));
		return CTL_USAGE;
	}
	fd = connect_daemon(path, daemon_uid);
	if (fd < 0) {
		free(req);
		return CTL_FAIL;
	}
	if (ctl_send_frame(fd, req, req_len, &err) ||
	    ctl_recv_frame(fd, &reply, &reply_len, CTL_REPLY_MAX, &err)) {
		fprintf(stderr, "rprocctl: rprocd at %s: %s\n", path, rpt_error_msg(&err));
		status = CTL_FAIL;
	} else {
		status = handle_reply(reply, reply_len, dump_out);
	}
	close(fd);
	free(req);
	free(reply);
	return status;
}

int main(int argc, char **argv)
{
	struct rpt_error err = {0};
	uid_t daemon_uid = RPT_UID_DEFAULT;
	const char *path = NULL;
	char def[108];
	int i = 1;

	if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")))
		return usage(CTL_OK);
	if (i < argc && !strcmp(argv[i], "--version")) {
		rpt_print_version("rprocctl");
		return CTL_OK;
	}
	while (i + 1 < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--socket")) {
			path = argv[i + 1];
		} else if (!strcmp(argv[i], "--daemon-uid")) {
			if (rpt_parse_uid(argv[i + 1], &daemon_uid)) {
				fprintf(stderr, "rprocctl: --daemon-uid %s: not a uid\n",
					argv[i + 1]);
				return usage(CTL_USAGE);
			}
		} else {
			break;
		}
		i += 2;
	}
	if (i >= argc)
		return usage(CTL_USAGE);
	if (argv[i][0] == '-') {
		fprintf(stderr, "rprocctl: unknown option '%s'\n", argv[i]);
		return usage(CTL_USAGE);
	}
	if (!path) {
		if (rpt_default_socket(RPT_RPROCD_SOCKET_NAME, 0, def, sizeof(def), &err)) {
			fprintf(stderr, "rprocctl: %s\n", rpt_error_msg(&err));
			return CTL_FAIL;
		}
		path = def;
	}
	return run(path, daemon_uid, argc - i, argv + i);
}
