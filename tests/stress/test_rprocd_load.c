// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocd under load: the real daemon (bin/rprocd, a child process)
 * on the built-in TEE board running the demo firmware, and RPT_LOAD_CLIENTS
 * (100) threads each sending RPT_LOAD_COMMANDS (1000) mixed commands through
 * the control protocol of ctl_proto.h (what rprocctl sends), with a few real
 * rprocctl processes alongside.
 *
 * Every reply must be well formed and one of the replies a legal state
 * sequence allows for its command (state strings of Linux, the documented
 * one-line errors); every request must be answered within REPLY_TIMEOUT_S
 * (else: deadlock) and the whole test within TEST_LIMIT_S; at the end the
 * daemon still answers `list` and exits 0 on SIGTERM.
 *
 * The processor is shared by all clients, so a reply is checked against what
 * any interleaving allows: `state start` may report a state other than
 * running when another client stopped or crashed it before the reply was
 * written. Those replies are legal but counted and printed ("raced"), as
 * are the failures only an overloaded host explains (an injected crash whose
 * core did not stop within the emulator's 2 s bound).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "normal/ctl/ctl_proto.h"
#include "testutil.h"

extern char **environ;

#define DEFAULT_CLIENTS	 100
#define DEFAULT_COMMANDS 1000
#define CTL_PROCS	 4u  /* real rprocctl processes at a time */
#define CTL_RUNS	 50u /* commands each of them runs, one process per command */
#define REPLY_TIMEOUT_S	 30  /* a request unanswered this long is a deadlock */
#define TEST_LIMIT_S	 540 /* the whole test (ctest's own limit is 600 s) */
#define MAX_VIOLATIONS	 8   /* kept verbatim for the failure message */
#define PROC		 "remoteproc0"

/* The commands of the mix. */
enum load_cmd {
	CMD_STATE,
	CMD_START,
	CMD_STOP,
	CMD_TRACE,
	CMD_FW_GET,
	CMD_REC_GET,
	CMD_REC_SET,
	CMD_DUMP_GET,
	CMD_DUMP_SET,
	CMD_CRASH,
	CMD_RSC,
	CMD_LIST,
	CMD_COUNT,
};

/* One command of the mix: its rprocctl words (after remoteprocN) and its share. */
struct cmd_desc {
	const char *name;   /* for the summary */
	const char *word;   /* the sysfs/debugfs word, NULL for list */
	unsigned int share; /* weight in the mix */
};

static const struct cmd_desc cmds[CMD_COUNT] = {
	[CMD_STATE] = {"state", "state", 15},
	[CMD_START] = {"state start", "state", 8},
	[CMD_STOP] = {"state stop", "state", 9},
	[CMD_TRACE] = {"trace", "trace", 12},
	[CMD_FW_GET] = {"firmware", "firmware", 6},
	[CMD_REC_GET] = {"recovery", "recovery", 5},
	[CMD_REC_SET] = {"recovery set", "recovery", 5},
	[CMD_DUMP_GET] = {"coredump", "coredump", 5},
	[CMD_DUMP_SET] = {"coredump set", "coredump", 4},
	[CMD_CRASH] = {"crash watchdog", "crash", 3},
	[CMD_RSC] = {"resource-table", "resource-table", 10},
	[CMD_LIST] = {"list", NULL, 8},
};

/* A request as sent: the words and which command of the mix it is. */
struct load_req {
	enum load_cmd cmd;
	const char *argv[4]; /* rprocctl words */
	int argc;	     /* words in argv */
};

/* Counters of one command, summed over every client. */
struct cmd_count {
	unsigned long ok;     /* status 0 */
	unsigned long failed; /* status 1 with a legal message */
	unsigned long
		raced; /* legal only because another client acted in between, or a slow host */
};

/* Everything the clients share (the lock protects the counters and violations). */
struct load {
	char sock[108];			   /* rprocd's socket (fits sockaddr_un's sun_path) */
	char fw[4096];			   /* the firmware set at the start */
	char rprocctl[4096];		   /* the rprocctl binary */
	unsigned int clients;		   /* protocol client threads */
	unsigned int commands;		   /* requests each of them sends */
	pthread_mutex_t lock;		   /* protects everything below */
	struct cmd_count count[CMD_COUNT]; /* legal replies, per command */
	unsigned long requests;		   /* answered */
	unsigned long ctl_runs;		   /* rprocctl processes run */
	double max_latency;		   /* seconds, worst request */
	unsigned long violations;	   /* replies no legal sequence allows, and failures */
	char first[MAX_VIOLATIONS][512];   /* the first violations, verbatim */
};

static struct load ld = {.lock = PTHREAD_MUTEX_INITIALIZER};
static pid_t daemon_pid = -1;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whole-test bound: a hang anywhere ends the test (and the daemon) with a message. */
static void on_alarm(int sig)
{
	static const char msg[] = "test_rprocd_load: FAILED: no end within the time limit "
				  "(deadlock?)\n";

	(void)sig;
	if (daemon_pid > 0)
		kill(daemon_pid, SIGKILL);
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

static unsigned int env_count(const char *name, unsigned int def)
{
	const char *v = getenv(name);
	unsigned long n;
	char *end;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n == 0 || n > 100000)
		fail_msg("%s='%s': expected a count, 1 to 100000", name, v);
	return (unsigned int)n;
}

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&ld.lock);
	if (ld.violations < MAX_VIOLATIONS) {
		va_start(ap, fmt);
		vsnprintf(ld.first[ld.violations], sizeof(ld.first[0]), fmt, ap);
		va_end(ap);
	}
	ld.violations++;
	pthread_mutex_unlock(&ld.lock);
}

/* ---- the mix ---- */

static uint32_t next_rand(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static void pick(uint32_t *seed, struct load_req *r)
{
	/*
	 * Not "inline": as in Linux it holds the recovery (and so the processor's
	 * other commands) until the dump is read or 5 minutes pass, and no
	 * client here reads dumps; tests/tools/test_rprocd_dump.c covers it.
	 */
	static const char *const dumps[] = {"disabled", "enabled"};
	unsigned int total = 0, i, n;

	for (i = 0; i < CMD_COUNT; i++)
		total += cmds[i].share;
	n = next_rand(seed) % total;
	for (i = 0; n >= cmds[i].share; i++)
		n -= cmds[i].share;
	r->cmd = (enum load_cmd)i;
	r->argc = 2;
	r->argv[0] = PROC;
	r->argv[1] = cmds[i].word;
	switch (r->cmd) {
	case CMD_LIST:
		r->argc = 1;
		r->argv[0] = "list";
		break;
	case CMD_START:
		r->argv[r->argc++] = "start";
		break;
	case CMD_STOP:
		r->argv[r->argc++] = "stop";
		break;
	case CMD_REC_SET:
		/*
		 * Mostly on: with recovery off a crash leaves the processor crashed,
		 * where `state start` only takes another power reference (as in
		 * Linux) and only enough stops bring it down.
		 */
		r->argv[r->argc++] = next_rand(seed) % 8 ? "enabled" : "disabled";
		break;
	case CMD_DUMP_SET:
		r->argv[r->argc++] = dumps[next_rand(seed) % (sizeof(dumps) / sizeof(dumps[0]))];
		break;
	case CMD_CRASH:
		r->argv[r->argc++] = "watchdog";
		break;
	default:
		break;
	}
}

/* ---- what a legal reply is ---- */

/* The states this board can be in (Linux's strings; no attach/detach here). */
static bool legal_state(const char *s)
{
	return !strcmp(s, "offline") || !strcmp(s, "running") || !strcmp(s, "crashed");
}

/* "<prefix><legal state><suffix>" */
static bool state_message(const char *line, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), ll = strlen(line);
	char st[32];

	if (ll < pl + sl || strncmp(line, prefix, pl) || strcmp(line + ll - sl, suffix) ||
	    ll - pl - sl >= sizeof(st))
		return false;
	memcpy(st, line + pl, ll - pl - sl);
	st[ll - pl - sl] = '\0';
	return legal_state(st);
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Text replies: printable, one line ending in '\n'; *line gets it without the '\n'. */
static bool one_line(const char *text, size_t len, char *line, size_t line_max)
{
	size_t i;

	if (!len || text[len - 1] != '\n' || len > line_max)
		return false;
	for (i = 0; i + 1 < len; i++)
		if (text[i] == '\n' || (unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] > 0x7e)
			return false;
	memcpy(line, text, len - 1);
	line[len - 1] = '\0';
	return true;
}

/* A trace: printable text; its first complete line is one of the firmware's. */
static bool trace_text(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);
	size_t i;

	for (i = 0; i < len; i++)
		if (text[i] != '\n' &&
		    ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e))
			return false;
	return !nl || (nl - text >= 12 && !memcmp(text, "rproc-demo: ", 12));
}

/*
 * The failed trace read: "no trace0 (the firmware declares N trace
 * buffer[s])". rprocd reads the count after the failed read, and once more
 * for the plural: a restart in between gives N = 1, or even a plural that
 * does not match N ("declares 0 trace buffer"). Legal, but raced.
 */
static bool no_trace_message(const char *line, bool *raced)
{
	static const char prefix[] = PROC ": no trace0 (the firmware declares ";
	static const char stopped[] = PROC ": no trace0: not running (state ";
	const char *rest = line + sizeof(prefix) - 1;
	bool plural;

	/* No buffers because the processor is not running: a legal state must follow. */
	if (!strncmp(line, stopped, sizeof(stopped) - 1)) {
		char st[32];

		return sscanf(line + sizeof(stopped) - 1, "%31[a-z])", st) == 1 &&
		       legal_state(st) && strcmp(st, "running") && strcmp(st, "attached");
	}
	if (strlen(line) <= sizeof(prefix) - 1 || strncmp(line, prefix, sizeof(prefix) - 1) ||
	    (rest[0] != '0' && rest[0] != '1'))
		return false;
	if (!strcmp(rest + 1, " trace buffers)"))
		plural = true;
	else if (!strcmp(rest + 1, " trace buffer)"))
		plural = false;
	else
		return false;
	*raced = rest[0] == '1' || !plural;
	return true;
}

/* `list`: the header line, then "remoteproc0  m4  <state>  <firmware>" */
static bool list_line(const char *line)
{
	char name[32], drv[32], st[32], fw[4096];
	static const char header[] = "DEVICE";

	if (strncmp(line, header, sizeof(header) - 1) || !strchr(line, '\n'))
		return false;
	line = strchr(line, '\n') + 1;
	return sscanf(line, "%31s %31s %31s %4095s", name, drv, st, fw) == 4 &&
	       !strcmp(name, PROC) && !strcmp(drv, "m4") && legal_state(st) && !strcmp(fw, ld.fw);
}

/*
 * Is (status, text) a reply some interleaving of legal transitions allows for
 * r? Returns false for a violation; *raced for a legal reply that only an
 * action of another client in between explains.
 */
static bool legal_reply(const struct load_req *r, int status, const char *text, size_t len,
			bool *raced)
{
	char line[1024] = "";
	bool ok = status == CTL_OK, fail = status == CTL_FAIL;

	*raced = false;
	if (r->cmd == CMD_TRACE) {
		/* Empty: read between a (re)start and the firmware's first line. */
		*raced = ok && !len;
		if (ok)
			return trace_text(text, len);
		if (!fail || !one_line(text, len, line, sizeof(line)))
			return false;
		return no_trace_message(line, raced);
	}
	if (r->cmd == CMD_RSC && ok)
		return starts_with(text, "size") && strstr(text, "vdev0buffer") &&
		       strstr(text, "trace0");
	if (r->cmd == CMD_LIST) {
		if (!ok || len >= sizeof(line) || memchr(text, '\0', len))
			return false;
		memcpy(line, text, len);
		line[len] = '\0';
		return list_line(line);
	}
	if (!one_line(text, len, line, sizeof(line)))
		return false;
	switch (r->cmd) {
	case CMD_STATE:
		return ok && legal_state(line);
	case CMD_START:
		/* Crashed: Linux's rproc_boot() only takes one more power reference. */
		*raced = ok && strcmp(line, "running");
		return (ok && (legal_state(line) ||
			       starts_with(line, "crashed (already powered up: power reference "
						 "taken, "))) ||
		       (fail && (!strcmp(line, PROC ": already running") ||
				 starts_with(line, PROC ": start failed: ")));
	case CMD_STOP:
		/*
		 * Crashed: refused as Linux's rproc_shutdown(), except in a crash
		 * loop (ours), where stop drops a reference; a dropped reference
		 * says so.
		 */
		*raced = ok && strcmp(line, "offline");
		return (ok &&
			(legal_state(line) ||
			 starts_with(line, "running (not stopped: power reference dropped, ") ||
			 starts_with(line, "crashed (not stopped: power reference dropped, "))) ||
		       (fail && (!strcmp(line, PROC ": not running (state offline)") ||
				 starts_with(line, PROC ": stop refused: crashed") ||
				 starts_with(line, PROC ": stop failed: ")));
	case CMD_FW_GET:
		return ok && !strcmp(line, ld.fw);
	case CMD_REC_GET:
		return ok && (!strcmp(line, "enabled") || !strcmp(line, "disabled"));
	case CMD_DUMP_GET:
		return ok && (!strcmp(line, "enabled") || !strcmp(line, "disabled") ||
			      !strcmp(line, "inline"));
	case CMD_REC_SET:
		/* Enabling it recovers a crashed processor at once (Linux recovery_store). */
		*raced = ok && strcmp(line, r->argv[2]);
		return (ok && (!strcmp(line, r->argv[2]) ||
			       (!strcmp(r->argv[2], "enabled") &&
				state_message(line, "enabled (recovered: ", ")")))) ||
		       (fail && starts_with(line, PROC ": recovery failed: "));
	case CMD_DUMP_SET:
		/* Refused while crashed (Linux coredump_store: -EBUSY). */
		*raced = fail;
		return (ok && !strcmp(line, r->argv[2])) ||
		       (fail && !strcmp(line, PROC ": can't change the coredump configuration "
						   "while crashed (recover it first)"));
	case CMD_CRASH:
		/* The core did not stop within its bound (a starved host): strerror(ETIMEDOUT). */
		*raced = fail && !strcmp(line, PROC ": crash: Connection timed out");
		return (ok && !strcmp(line, PROC ": watchdog crash injected")) || *raced ||
		       (fail && (state_message(line, PROC ": crash: not running (state ", ")") ||
				 /* the core stopped meanwhile: -RPT_ESTATE (was EBUSY's text) */
				 !strcmp(line, PROC ": crash: Not allowed in the current state")));
	case CMD_RSC:
		return fail && state_message(line, PROC ": no resource table in use (state ", ")");
	case CMD_LIST:
		return ok && list_line(line);
	default:
		return false;
	}
}

/* Count a reply, or report it as a violation with what was asked. */
static void judge(const struct load_req *r, int status, const char *text, size_t len,
		  double latency, const char *via)
{
	bool raced;
	bool legal = legal_reply(r, status, text, len, &raced);

	if (!legal)
		violation("%s: '%s %s %s' -> status %d, %zu bytes: '%.300s'", via, r->argv[0],
			  r->argc > 1 ? r->argv[1] : "", r->argc > 2 ? r->argv[2] : "", status, len,
			  text);
	pthread_mutex_lock(&ld.lock);
	ld.requests++;
	if (legal) {
		ld.count[r->cmd].ok += status == CTL_OK;
		ld.count[r->cmd].failed += status != CTL_OK;
		ld.count[r->cmd].raced += raced;
	}
	if (latency > ld.max_latency)
		ld.max_latency = latency;
	pthread_mutex_unlock(&ld.lock);
}

/* ---- protocol clients ---- */

static int connect_daemon(struct rpt_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = REPLY_TIMEOUT_S};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return rpt_error_set(err, errno, "socket: %s", strerror(errno));
	memcpy(addr.sun_path, ld.sock, sizeof(ld.sock));
	/* Bounded both ways: a daemon that never answers makes the read fail, not hang. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		rpt_error_set(err, errno, "connect %s: %s", ld.sock, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* One request, one reply: *status and the reply's text (free()), or -1 (err says why). */
static int exchange(const struct load_req *r, int *status, uint8_t **text, size_t *len,
		    struct rpt_error *err)
{
	uint8_t *req = NULL, *reply = NULL;
	size_t req_len, reply_len;
	int fd, ret = -1;

	if (ctl_encode_request(r->argc, (char **)r->argv, &req, &req_len, err))
		return -1;
	fd = connect_daemon(err);
	if (fd < 0)
		goto out_req;
	if (ctl_send_frame(fd, req, req_len, err) ||
	    ctl_recv_frame(fd, &reply, &reply_len, CTL_REPLY_MAX, err))
		goto out_fd;
	if (!reply_len || reply[0] > CTL_USAGE) {
		rpt_error_set(err, EBADMSG, "malformed reply: %zu bytes, status %d", reply_len,
			      reply_len ? reply[0] : -1);
		goto out_reply;
	}
	*status = reply[0];
	*len = reply_len - 1;
	memmove(reply, reply + 1, *len);
	reply[*len] = '\0'; /* the frame has room: it held the status byte */
	*text = reply;
	reply = NULL;
	ret = 0;
out_reply:
	free(reply);
out_fd:
	close(fd);
out_req:
	free(req);
	return ret;
}

static void *client_main(void *arg)
{
	unsigned int id = *(const unsigned int *)arg;
	uint32_t seed = id * 2654435761u + 1;
	struct rpt_error err;
	struct load_req r;
	unsigned int i;
	size_t len;
	uint8_t *text;
	double t0;
	int status;

	for (i = 0; i < ld.commands; i++) {
		pick(&seed, &r);
		rpt_error_clear(&err);
		t0 = now_s();
		if (exchange(&r, &status, &text, &len, &err)) {
			violation("client %u: '%s %s': %s (after %.1f s)", id, r.argv[0],
				  r.argc > 1 ? r.argv[1] : "", rpt_error_msg(&err), now_s() - t0);
			continue;
		}
		judge(&r, status, (const char *)text, len, now_s() - t0, "protocol");
		free(text);
	}
	return NULL;
}

/* ---- real rprocctl processes ---- */

/* Run rprocctl with r's words; its exit code and everything it printed. */
static int run_rprocctl(const struct load_req *r, int *code, char *out, size_t max, size_t *len)
{
	const char *argv[8] = {"rprocctl", "--socket", ld.sock};
	posix_spawn_file_actions_t fa;
	int p[2], st, i, ret;
	ssize_t n;
	pid_t pid;

	for (i = 0; i < r->argc; i++)
		argv[3 + i] = r->argv[i];
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	ret = posix_spawn(&pid, ld.rprocctl, &fa, NULL, (char **)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (ret) {
		close(p[0]);
		return -ret;
	}
	*len = 0;
	while ((n = read(p[0], out + *len, max - 1 - *len)) > 0)
		*len += (size_t)n;
	out[*len] = '\0';
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -ECHILD;
	*code = WEXITSTATUS(st);
	return 0;
}

static void *ctl_main(void *arg)
{
	uint32_t seed = *(const unsigned int *)arg * 40503u + 7;
	static _Thread_local char out[64 << 10];
	struct load_req r;
	unsigned int i;
	size_t len = 0;
	double t0;
	int code = -1, ret;

	for (i = 0; i < CTL_RUNS; i++) {
		pick(&seed, &r);
		t0 = now_s();
		ret = run_rprocctl(&r, &code, out, sizeof(out), &len);
		if (ret) {
			violation("rprocctl '%s %s': did not run or exit: %s", r.argv[0],
				  r.argc > 1 ? r.argv[1] : "", strerror(-ret));
			continue;
		}
		judge(&r, code, out, len, now_s() - t0, "rprocctl");
		pthread_mutex_lock(&ld.lock);
		ld.ctl_runs++;
		pthread_mutex_unlock(&ld.lock);
	}
	return NULL;
}

/* ---- the daemon ---- */

static void start_daemon(void)
{
	char log[512];
	struct stat st;
	int i, fd;

	if (snprintf(ld.sock, sizeof(ld.sock), "%s/rprocd.sock", rpt_tmpdir()) >=
	    (int)sizeof(ld.sock))
		fail_msg("socket path too long: %s/rprocd.sock", rpt_tmpdir());
	snprintf(log, sizeof(log), "%s/rprocd.log", rpt_tmpdir());
	fflush(NULL);
	daemon_pid = fork();
	assert_true(daemon_pid >= 0);
	if (daemon_pid == 0) {
		fd = open(log, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execl(rpt_binary_path("bin/rprocd"), "rprocd", "--socket", ld.sock, "--trust",
		      rpt_vector_path("keys/rsa2048.pub.pem"), (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1000 && stat(ld.sock, &st); i++) {
		if (waitpid(daemon_pid, &fd, WNOHANG) == daemon_pid)
			fail_msg("rprocd exited before listening (see %s)", log);
		usleep(10 * 1000);
	}
	if (stat(ld.sock, &st))
		fail_msg("rprocd did not listen on %s in 10 s (see %s)", ld.sock, log);
}

/* One request from the test itself (not counted): status, and the reply text in line. */
static int ask(const char *a0, const char *a1, const char *a2, char *line, size_t max)
{
	struct load_req r = {.argv = {a0, a1, a2}, .argc = a2 ? 3 : a1 ? 2 : 1};
	struct rpt_error err = {0};
	uint8_t *text = NULL;
	size_t len;
	int status = -1;

	if (exchange(&r, &status, &text, &len, &err)) {
		fail_msg("rprocd: %s", rpt_error_msg(&err));
		return -1;
	}
	snprintf(line, max, "%s", (const char *)text);
	free(text);
	return status;
}

static void stop_daemon(void)
{
	double until = now_s() + 60;
	int st;
	pid_t ret;

	assert_int_equal(kill(daemon_pid, SIGTERM), 0);
	while ((ret = waitpid(daemon_pid, &st, WNOHANG)) == 0 && now_s() < until)
		usleep(20 * 1000);
	if (ret != daemon_pid) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, &st, 0);
		daemon_pid = -1;
		fail_msg("rprocd did not exit within 60 s of SIGTERM");
	}
	daemon_pid = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail_msg("rprocd: %s %d after SIGTERM (see %s/rprocd.log)",
			 WIFEXITED(st) ? "exit status" : "killed by signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), rpt_tmpdir());
}

static void print_summary(double elapsed)
{
	unsigned int i;

	printf("load: %u clients x %u commands + %u rprocctl x %u: %lu requests in %.1f s "
	       "(%.0f/s), slowest reply %.3f s\n",
	       ld.clients, ld.commands, CTL_PROCS, CTL_RUNS, ld.requests, elapsed,
	       ld.requests / elapsed, ld.max_latency);
	printf("load: %-16s %8s %8s %8s\n", "command", "ok", "failed", "raced");
	for (i = 0; i < CMD_COUNT; i++)
		printf("load: %-16s %8lu %8lu %8lu\n", cmds[i].name, ld.count[i].ok,
		       ld.count[i].failed, ld.count[i].raced);
}

static void run_clients(void)
{
	unsigned int n = ld.clients + CTL_PROCS, i;
	pthread_t *threads = calloc(n, sizeof(*threads));
	unsigned int *ids = calloc(n, sizeof(*ids)); /* each thread's number: its seed */

	assert_non_null(threads);
	assert_non_null(ids);
	for (i = 0; i < n; i++) {
		void *(*fn)(void *) = i < ld.clients ? client_main : ctl_main;

		ids[i] = i;
		if (pthread_create(&threads[i], NULL, fn, &ids[i]))
			fail_msg("cannot create client thread %u", i);
	}
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	free(ids);
	free(threads);
}

static void test_load(void **unused)
{
	char line[4096], state[64];
	double t0;
	unsigned int i;

	(void)unused;
	ld.clients = env_count("RPT_LOAD_CLIENTS", DEFAULT_CLIENTS);
	ld.commands = env_count("RPT_LOAD_COMMANDS", DEFAULT_COMMANDS);
	snprintf(ld.fw, sizeof(ld.fw), "%s", rpt_binary_path("firmware/rproc-demo.sign"));
	snprintf(ld.rprocctl, sizeof(ld.rprocctl), "%s", rpt_binary_path("bin/rprocctl"));
	start_daemon();
	assert_int_equal(ask(PROC, "firmware", ld.fw, line, sizeof(line)), CTL_OK);
	assert_int_equal(ask(PROC, "state", "start", line, sizeof(line)), CTL_OK);
	assert_string_equal(line, "running\n");

	t0 = now_s();
	run_clients();
	print_summary(now_s() - t0);
	for (i = 0; i < ld.violations && i < MAX_VIOLATIONS; i++)
		printf("load: violation: %s\n", ld.first[i]);
	if (ld.violations)
		fail_msg("%lu replies no legal state sequence allows (first ones above)",
			 ld.violations);
	assert_int_equal(ld.requests, (unsigned long)ld.clients * ld.commands +
					      (unsigned long)CTL_PROCS * CTL_RUNS);

	/* Still serving, and consistent with itself once the last crash work is done. */
	usleep(200 * 1000);
	assert_int_equal(ask(PROC, "state", NULL, state, sizeof(state)), CTL_OK);
	state[strcspn(state, "\n")] = '\0';
	assert_int_equal(ask("list", NULL, NULL, line, sizeof(line)), CTL_OK);
	if (!list_line(line) || !strstr(line, state))
		fail_msg("after the load: list says '%s', state says '%s'", line, state);
	stop_daemon();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
	};
	int ret;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(TEST_LIMIT_S);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	return ret;
}
