// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rprocctl commands, as Linux remoteproc's sysfs and debugfs files:
 * state, firmware, recovery, coredump, traceN, crash, resource_table,
 * carveout_memories, and console (the firmware's UART, which Linux shows on a tty);
 * and rpmsg (the channels Linux shows as /dev/ttyRPMSG<N> and /dev/rpmsg<N>).
 * Every reply is built in a memory stream; errors name the processor.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/emit.h"
#include "formats/rsc_emit.h"
#include "rpmsg_if.h"
#include "rprocd.h"

/* A reply being written. */
struct reply {
	FILE *f;    /* memory stream */
	char *buf;  /* its buffer */
	size_t len; /* and length (valid after fclose) */
};

static enum ctl_status say(struct reply *r, enum ctl_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum ctl_status say(struct reply *r, enum ctl_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
	fputc('\n', r->f);
	return st;
}

static struct rprocd_proc *find_proc(struct rprocd *d, const char *name)
{
	unsigned int i;

	for (i = 0; i < d->num_procs; i++)
		if (!strcmp(d->procs[i].rproc->dev_name, name))
			return &d->procs[i];
	return NULL;
}

/* The reason of the processor's last failure, or strerror. */
static enum ctl_status failed(struct reply *r, struct rproc *rp, const char *what, int ret)
{
	char why[RPT_ERROR_MSG_MAX];

	rproc_last_error(rp, why, sizeof(why));
	return say(r, CTL_FAIL, "%s: %s failed: %s", rp->dev_name, what,
		   why[0] ? why : rpt_strerror(ret));
}

static enum ctl_status cmd_list(struct rprocd *d, struct reply *r)
{
	char fw[RPROC_FW_NAME_MAX];
	unsigned int i;

	fprintf(r->f, "%-12s %-8s %-9s %s\n", "DEVICE", "NAME", "STATE", "FIRMWARE");
	for (i = 0; i < d->num_procs; i++) {
		struct rproc *rp = d->procs[i].rproc;

		rproc_get_firmware(rp, fw, sizeof(fw));
		fprintf(r->f, "%-12s %-8s %-9s %s\n", rp->dev_name, rp->name,
			rproc_state_string(rproc_get_state(rp)), fw);
	}
	return CTL_OK;
}

/* Linux state_store "detach": only an attached processor; it keeps running without us. */
static enum ctl_status cmd_state_detach(struct rproc *rp, enum rproc_state st, struct reply *r)
{
	int ret;

	if (st != RPROC_ATTACHED)
		return say(r, CTL_FAIL, "%s: detach: not attached (state %s)", rp->dev_name,
			   rproc_state_string(st));
	ret = rproc_detach(rp);
	if (ret)
		return failed(r, rp, "detach", ret);
	return say(r, CTL_OK, "%s", rproc_state_string(rproc_get_state(rp)));
}

/*
 * Linux state_store(). start while crashed: rproc_boot() only takes one more
 * power reference (the crash handling brings the processor back). stop while
 * crashed: refused as Linux's rproc_shutdown() refuses it, so that no stop is
 * ever reported that did not happen; a stop that only drops a reference says
 * so.
 */
static enum ctl_status cmd_state(struct rproc *rp, int argc, const char *const *argv,
				 struct reply *r)
{
	enum rproc_state st = rproc_get_state(rp);
	unsigned int refs;
	int ret;

	if (argc == 0)
		return say(r, CTL_OK, "%s", rproc_state_string(st));
	if (!strcmp(argv[0], "start")) {
		if (st == RPROC_RUNNING || st == RPROC_ATTACHED)
			return say(r, CTL_FAIL, "%s: already %s", rp->dev_name,
				   rproc_state_string(st));
		ret = rproc_boot(rp);
		if (ret)
			return failed(r, rp, "start", ret);
		st = rproc_get_state(rp);
		refs = rproc_power_refs(rp);
		if (st == RPROC_CRASHED)
			return say(r, CTL_OK,
				   "crashed (already powered up: power reference taken, %u held; "
				   "recovery restarts it)",
				   refs);
		return say(r, CTL_OK, "%s", rproc_state_string(st));
	}
	if (!strcmp(argv[0], "stop")) {
		/*
		 * Linux refuses to stop a crashed processor. A crash loop is ours
		 * (Linux recovers forever): stopping is then the way out.
		 */
		if (st == RPROC_CRASHED && !rproc_in_crash_loop(rp))
			return say(r, CTL_FAIL,
				   "%s: stop refused: crashed, not running (as in Linux: "
				   "`recovery recover` restarts it, then stop it)",
				   rp->dev_name);
		if (st != RPROC_RUNNING && st != RPROC_ATTACHED && st != RPROC_CRASHED)
			return say(r, CTL_FAIL, "%s: not running (state %s)", rp->dev_name,
				   rproc_state_string(st));
		ret = rproc_shutdown(rp);
		if (ret)
			return failed(r, rp, "stop", ret);
		st = rproc_get_state(rp);
		refs = rproc_power_refs(rp);
		if (st != RPROC_OFFLINE && refs)
			return say(r, CTL_OK,
				   "%s (not stopped: power reference dropped, %u still held)",
				   rproc_state_string(st), refs);
		return say(r, CTL_OK, "%s", rproc_state_string(st));
	}
	if (!strcmp(argv[0], "detach"))
		return cmd_state_detach(rp, st, r);
	return say(r, CTL_USAGE, "%s: state: '%s' is not start, stop or detach", rp->dev_name,
		   argv[0]);
}

/*
 * Linux firmware_store(): the name is kept as given and looked up in the
 * firmware search path at boot. We also look it up now, so that a name that
 * cannot be loaded is refused with the loader's reason.
 */
static enum ctl_status cmd_firmware(struct rproc *rp, int argc, const char *const *argv,
				    struct reply *r)
{
	struct rpt_error err = {0};
	char fw[RPROC_FW_NAME_MAX];
	struct rproc_fw bytes = {0};
	const char *bad;
	int ret;

	if (argc == 0) {
		rproc_get_firmware(rp, fw, sizeof(fw));
		return say(r, CTL_OK, "%s", fw);
	}
	bad = rproc_fw_name_control_char(argv[0], strlen(argv[0]));
	if (bad)
		return say(r, CTL_FAIL,
			   "%s: firmware name refused: control character 0x%02x at byte %zu",
			   rp->dev_name, (unsigned char)*bad, (size_t)(bad - argv[0]));
	if (strlen(argv[0]) >= RPROC_FW_NAME_MAX)
		return say(r, CTL_FAIL, "%s: firmware name refused: longer than %d bytes",
			   rp->dev_name, RPROC_FW_NAME_MAX - 1);
	if (rproc_get_state(rp) != RPROC_OFFLINE)
		return say(r, CTL_FAIL, "%s: firmware can only be changed while offline (state %s)",
			   rp->dev_name, rproc_state_string(rproc_get_state(rp)));
	if (!rp->fw_loader.request)
		return say(r, CTL_FAIL, "%s: no firmware loader", rp->dev_name);
	ret = rp->fw_loader.request(rp->fw_loader.priv, argv[0], &bytes, &err);
	if (ret)
		return say(r, CTL_FAIL, "%s: firmware %s: %s", rp->dev_name, argv[0],
			   err.code ? rpt_error_msg(&err) : rpt_strerror(ret));
	if (rp->fw_loader.release)
		rp->fw_loader.release(rp->fw_loader.priv, &bytes);
	ret = rproc_set_firmware(rp, argv[0]);
	if (ret == -EBUSY)
		return say(r, CTL_FAIL, "%s: firmware can only be changed while offline (state %s)",
			   rp->dev_name, rproc_state_string(rproc_get_state(rp)));
	if (ret)
		return say(r, CTL_FAIL, "%s: firmware %s: %s", rp->dev_name, argv[0],
			   rpt_strerror(ret));
	return say(r, CTL_OK, "%s", argv[0]);
}

static enum ctl_status cmd_recovery(struct rproc *rp, int argc, const char *const *argv,
				    struct reply *r)
{
	int ret;

	if (argc == 0)
		return say(r, CTL_OK, "%s", rproc_recovery_enabled(rp) ? "enabled" : "disabled");
	if (!strcmp(argv[0], "disabled")) {
		rproc_set_recovery(rp, false);
		return say(r, CTL_OK, "%s", argv[0]);
	}
	if (!strcmp(argv[0], "enabled")) {
		/* Linux recovery_store(): a processor left crashed is recovered at once. */
		bool was_crashed = rproc_get_state(rp) == RPROC_CRASHED;

		ret = rproc_set_recovery(rp, true);
		if (ret)
			return failed(r, rp, "recovery", ret);
		if (was_crashed)
			return say(r, CTL_OK, "enabled (recovered: %s)",
				   rproc_state_string(rproc_get_state(rp)));
		return say(r, CTL_OK, "%s", argv[0]);
	}
	if (!strcmp(argv[0], "recover")) {
		if (rproc_get_state(rp) != RPROC_CRASHED)
			return say(r, CTL_FAIL, "%s: recover: not crashed (state %s)", rp->dev_name,
				   rproc_state_string(rproc_get_state(rp)));
		ret = rproc_recover(rp);
		if (ret)
			return failed(r, rp, "recover", ret);
		return say(r, CTL_OK, "%s", rproc_state_string(rproc_get_state(rp)));
	}
	return say(r, CTL_USAGE, "%s: recovery: '%s' is not enabled, disabled or recover",
		   rp->dev_name, argv[0]);
}

static enum ctl_status cmd_coredump(struct rproc *rp, int argc, const char *const *argv,
				    struct reply *r)
{
	static const char *const names[] = {"disabled", "enabled", "inline"};
	unsigned int i;

	if (argc == 0) {
		pthread_mutex_lock(&rp->lock);
		i = rp->dump_conf;
		pthread_mutex_unlock(&rp->lock);
		return say(r, CTL_OK, "%s", rproc_coredump_string((enum rproc_dump_mechanism)i));
	}
	for (i = 0; i < 3; i++) {
		if (strcmp(argv[0], names[i]))
			continue;
		/* Linux coredump_store(): not while the crash is being handled. */
		if (rproc_set_coredump(rp, (enum rproc_dump_mechanism)i) == -EBUSY)
			return say(r, CTL_FAIL,
				   "%s: can't change the coredump configuration while crashed "
				   "(recover it first)",
				   rp->dev_name);
		return say(r, CTL_OK, "%s", names[i]);
	}
	return say(r, CTL_USAGE, "%s: coredump: '%s' is not disabled, enabled or inline",
		   rp->dev_name, argv[0]);
}

static enum ctl_status cmd_trace(struct rproc *rp, int argc, const char *const *argv,
				 struct reply *r)
{
	unsigned long idx = 0;
	char *end, buf[64 << 10];
	ssize_t n;

	if (argc == 1) {
		idx = strtoul(argv[0], &end, 10);
		if (!*argv[0] || *end || idx > 255)
			return say(r, CTL_USAGE, "%s: trace: '%s' is not a trace number",
				   rp->dev_name, argv[0]);
	}
	n = rproc_trace_read(rp, (unsigned int)idx, buf, sizeof(buf));
	if (n < 0 && !rproc_trace_count(rp)) {
		enum rproc_state st = rproc_get_state(rp);

		/* No trace buffers because nothing runs (stopped, or the secure world gone). */
		if (st != RPROC_RUNNING && st != RPROC_ATTACHED)
			return say(r, CTL_FAIL, "%s: no trace%lu: not running (state %s)",
				   rp->dev_name, idx, rproc_state_string(st));
	}
	if (n < 0) {
		unsigned int count = rproc_trace_count(rp); /* read once: it may change meanwhile */

		return say(r, CTL_FAIL, "%s: no trace%lu (the firmware declares %u trace buffer%s)",
			   rp->dev_name, idx, count, count == 1 ? "" : "s");
	}
	fwrite(buf, 1, (size_t)n, r->f);
	return CTL_OK;
}

/* console: what the firmware printed on its console UART (the newest COPROC_CONSOLE_SIZE bytes). */
static enum ctl_status cmd_console(struct rprocd_proc *p, struct reply *r)
{
	char buf[8192];
	long n;

	n = p->console_read ? p->console_read(p->priv, buf, sizeof(buf)) : -EOPNOTSUPP;
	if (n == -EOPNOTSUPP)
		return say(r, CTL_FAIL,
			   "%s: console: not available here (the core runs in rproc-teed)",
			   p->rproc->dev_name);
	if (n < 0)
		return say(r, CTL_FAIL, "%s: console: %s", p->rproc->dev_name,
			   rpt_strerror((int)n));
	fwrite(buf, 1, (size_t)n, r->f);
	return CTL_OK;
}

static enum ctl_status cmd_crash(struct rprocd_proc *p, int argc, const char *const *argv,
				 struct reply *r)
{
	static const struct {
		const char *word;
		enum rproc_crash_type type;
	} types[] = {{"mmufault", RPROC_MMUFAULT},
		     {"watchdog", RPROC_WATCHDOG},
		     {"fatal", RPROC_FATAL_ERROR}};
	struct rproc *rp = p->rproc;
	unsigned int i;
	int ret;

	for (i = 0; i < 3; i++) {
		if (argc == 0 || !strcmp(argv[0], types[i].word))
			break;
	}
	/* Linux debugfs crash takes the number: 0 mmufault, 1 watchdog, 2 fatal error. */
	if (i == 3 && argv[0][0] >= '0' && argv[0][0] <= '2' && !argv[0][1])
		i = (unsigned int)(argv[0][0] - '0');
	if (i == 3)
		return say(r, CTL_USAGE,
			   "%s: crash: '%s' is not mmufault, watchdog or fatal (or 0, 1, 2)",
			   rp->dev_name, argv[0]);
	if (rproc_get_state(rp) != RPROC_RUNNING && rproc_get_state(rp) != RPROC_ATTACHED)
		return say(r, CTL_FAIL, "%s: crash: not running (state %s)", rp->dev_name,
			   rproc_state_string(rproc_get_state(rp)));
	ret = p->inject_crash ? p->inject_crash(p->priv, types[i].type) : 0;
	if (!p->inject_crash)
		rproc_report_crash(rp, types[i].type);
	if (ret == -ETIMEDOUT)
		return say(r, CTL_FAIL, "%s: crash: the core did not stop in time", rp->dev_name);
	if (ret)
		return say(r, CTL_FAIL, "%s: crash: %s", rp->dev_name, rpt_strerror(ret));
	return say(r, CTL_OK, "%s: %s crash injected", rp->dev_name, types[i].word);
}

static enum ctl_status cmd_resource_table(struct rproc *rp, struct reply *r)
{
	struct emit e;
	void *table;
	size_t len;
	int ret;

	ret = rproc_get_rsc_table(rp, &table, &len);
	if (ret)
		return say(r, CTL_FAIL, "%s: no resource table in use (state %s)", rp->dev_name,
			   rproc_state_string(rproc_get_state(rp)));
	emit_init(&e, r->f, false);
	emit_u64(&e, "size", len);
	rsc_table_emit(&e, table, len);
	emit_finish(&e);
	free(table);
	return CTL_OK;
}

/* Linux debugfs carveout_memories: the memories handed to the running firmware. */
static enum ctl_status cmd_carveouts(struct rproc *rp, struct reply *r)
{
	rproc_carveouts_show(rp, r->f);
	return CTL_OK;
}

/* dump: the coredump's bytes are the reply. */
static enum ctl_status cmd_dump(struct rproc *rp, struct reply *r)
{
	uint8_t *dump;
	size_t len;

	if (rproc_get_coredump(rp, &dump, &len))
		return say(r, CTL_FAIL,
			   "%s: no coredump taken yet (coredump is taken on a crash when enabled)",
			   rp->dev_name);
	fwrite(dump, 1, len, r->f);
	free(dump);
	return CTL_OK;
}

/* `rpmsg list`: every channel and endpoint, and where users reach it. */
static enum ctl_status cmd_rpmsg_list(struct rprocd *d, struct rproc *rp, struct reply *r)
{
	char why[RPT_ERROR_MSG_MAX];
	struct rpif_chan_info *ch;
	size_t cap, n, i;

	cap = rpif_channels(d->rpmsg, rp->dev_name, NULL, 0);
	ch = calloc(cap ? cap : 1, sizeof(*ch));
	if (!ch)
		return say(r, CTL_FAIL, "%s: rpmsg list: out of memory", rp->dev_name);
	/* Channels that came meanwhile wait for the next list. */
	n = rpif_channels(d->rpmsg, rp->dev_name, ch, cap);
	if (n > cap)
		n = cap;
	fprintf(r->f, "%-24s %-10s %-10s %s\n", "CHANNEL", "REMOTE", "LOCAL", "INTERFACE");
	for (i = 0; i < n; i++) {
		char src[16], dst[16];

		/* "-" while the endpoint is being made. */
		if (ch[i].src == RPMSG_ADDR_ANY)
			snprintf(src, sizeof(src), "-");
		else
			snprintf(src, sizeof(src), "0x%x", ch[i].src);
		snprintf(dst, sizeof(dst), "0x%x", ch[i].dst);
		fprintf(r->f, "%-24s %-10s %-10s %s", ch[i].name, dst, src,
			ch[i].path[0] ? ch[i].path : "-");
		if (ch[i].rx_dropped || ch[i].tx_dropped)
			fprintf(r->f, " (dropped: %lu from, %lu to the firmware)", ch[i].rx_dropped,
				ch[i].tx_dropped);
		fputc('\n', r->f);
	}
	free(ch);
	/* Why there is nothing: the firmware broke the rules (its daemon log line says it too). */
	if (rpif_state(d->rpmsg, rp->dev_name, why, sizeof(why)) == VIRTIO_RPMSG_BROKEN)
		fprintf(r->f, "%s: rpmsg device broken (nothing flows until a restart): %s\n",
			rp->dev_name, why);
	return CTL_OK;
}

/* A --timeout value in ms, at most RPIF_RECV_MAX_MS. */
static bool parse_ms(const char *s, unsigned int *ms)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > RPIF_RECV_MAX_MS)
		return false;
	*ms = (unsigned int)v;
	return true;
}

/*
 * rpmsg list | send CHANNEL DATA | recv CHANNEL [--timeout MS] |
 * create NAME DST | destroy CHANNEL: the scripts' way to the channels
 * (users' is the ttys and sockets rpmsg list shows).
 */
static enum ctl_status cmd_rpmsg(struct rprocd *d, struct rproc *rp, int argc,
				 const char *const *argv, struct reply *r)
{
	const char *dev = rp->dev_name;
	struct rpt_error err = {0};
	unsigned int ms = RPIF_RECV_DEF_MS;
	char buf[RPMSG_MAX_PAYLOAD], path[128];
	unsigned long dst;
	char *end;
	long n;

	if (argc == 0)
		return say(r, CTL_USAGE,
			   "%s: rpmsg: expected list, send CHANNEL DATA, recv CHANNEL "
			   "[--timeout MS], create NAME DST or destroy CHANNEL",
			   dev);
	if (!rpif_has_proc(d->rpmsg, dev))
		return say(r, CTL_FAIL, "%s: rpmsg: no virtio-rpmsg device here", dev);
	if (!strcmp(argv[0], "list")) {
		if (argc != 1)
			return say(r, CTL_USAGE, "%s: rpmsg list: takes no argument", dev);
		return cmd_rpmsg_list(d, rp, r);
	}
	if (!strcmp(argv[0], "send")) {
		if (argc != 3)
			return say(r, CTL_USAGE, "%s: usage: rpmsg send CHANNEL DATA", dev);
		if (strlen(argv[2]) > RPMSG_MAX_PAYLOAD)
			return say(r, CTL_USAGE, "%s: rpmsg send: DATA is %zu bytes, at most %u",
				   dev, strlen(argv[2]), RPMSG_MAX_PAYLOAD);
		if (rpif_send(d->rpmsg, dev, argv[1], argv[2], strlen(argv[2]), RPIF_SEND_WAIT_MS,
			      &err))
			return say(r, CTL_FAIL, "%s: rpmsg send %s: %s", dev, argv[1],
				   rpt_error_msg(&err));
		return CTL_OK;
	}
	if (!strcmp(argv[0], "recv")) {
		if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "--timeout")))
			return say(r, CTL_USAGE, "%s: usage: rpmsg recv CHANNEL [--timeout MS]",
				   dev);
		if (argc == 4 && !parse_ms(argv[3], &ms))
			return say(r, CTL_USAGE, "%s: rpmsg recv: --timeout %s: 0 to %u ms", dev,
				   argv[3], RPIF_RECV_MAX_MS);
		n = rpif_recv(d->rpmsg, dev, argv[1], buf, sizeof(buf), ms, &err);
		if (n < 0)
			return say(r, CTL_FAIL, "%s: rpmsg recv %s", dev, rpt_error_msg(&err));
		fwrite(buf, 1, (size_t)n, r->f);
		return CTL_OK;
	}
	if (!strcmp(argv[0], "create")) {
		if (argc != 3)
			return say(r, CTL_USAGE, "%s: usage: rpmsg create NAME DST", dev);
		errno = 0;
		dst = strtoul(argv[2], &end, 0);
		if (errno || *end || argv[2][0] < '0' || argv[2][0] > '9' || dst >= RPMSG_ADDR_ANY)
			return say(r, CTL_USAGE, "%s: rpmsg create: DST '%s' is not an address",
				   dev, argv[2]);
		if (rpif_create_ept(d->rpmsg, dev, argv[1], (uint32_t)dst, path, sizeof(path),
				    &err))
			return say(r, CTL_FAIL, "%s: rpmsg create %s: %s", dev, argv[1],
				   rpt_error_msg(&err));
		return say(r, CTL_OK, "%s", path);
	}
	if (!strcmp(argv[0], "destroy")) {
		if (argc != 2)
			return say(r, CTL_USAGE, "%s: usage: rpmsg destroy CHANNEL", dev);
		if (rpif_destroy_ept(d->rpmsg, dev, argv[1], &err))
			return say(r, CTL_FAIL, "%s: rpmsg destroy %s: %s", dev, argv[1],
				   rpt_error_msg(&err));
		return CTL_OK;
	}
	return say(r, CTL_USAGE, "%s: rpmsg: '%s' is not list, send, recv, create or destroy", dev,
		   argv[0]);
}

/* Commands of one processor: argv[0] is "remoteprocN", argv[1] the file. */
static enum ctl_status proc_command(struct rprocd *d, struct rprocd_proc *p, int argc,
				    const char *const *argv, struct reply *r)
{
	/* Every command word below ("console": the board's UART, where the board has one). */
	static const char *const known[] = {
		"state",	  "firmware", "recovery",	   "coredump", "trace", "crash",
		"resource-table", "dump",     "carveout-memories", "console",  "rpmsg",
	};
	const char *cmd = argv[1];
	int rest = argc - 2;
	const char *const *args = argv + 2;
	size_t i;

	/* The unknown word first: `firmwre X` is a typo, not a command given an argument. */
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(cmd, known[i]))
			break;
	if (i == sizeof(known) / sizeof(known[0]))
		return say(r, CTL_USAGE, "%s: unknown command '%s' (see rprocctl --help)", argv[0],
			   cmd);
	if (!strcmp(cmd, "rpmsg"))
		return cmd_rpmsg(d, p->rproc, rest, args, r);
	if (rest > 1)
		return say(r, CTL_USAGE, "%s %s: too many arguments", argv[0], cmd);
	if (!strcmp(cmd, "state"))
		return cmd_state(p->rproc, rest, args, r);
	if (!strcmp(cmd, "firmware"))
		return cmd_firmware(p->rproc, rest, args, r);
	if (!strcmp(cmd, "recovery"))
		return cmd_recovery(p->rproc, rest, args, r);
	if (!strcmp(cmd, "coredump"))
		return cmd_coredump(p->rproc, rest, args, r);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(p->rproc, rest, args, r);
	if (!strcmp(cmd, "crash"))
		return cmd_crash(p, rest, args, r);
	if (rest)
		return say(r, CTL_USAGE, "%s %s: takes no argument", argv[0], cmd);
	if (!strcmp(cmd, "resource-table"))
		return cmd_resource_table(p->rproc, r);
	if (!strcmp(cmd, "dump"))
		return cmd_dump(p->rproc, r);
	if (!strcmp(cmd, "carveout-memories"))
		return cmd_carveouts(p->rproc, r);
	if (!strcmp(cmd, "console"))
		return cmd_console(p, r);
	return say(r, CTL_USAGE, "%s: unknown command '%s' (see rprocctl --help)", argv[0], cmd);
}

static enum ctl_status dispatch(struct rprocd *d, const struct ctl_request *req, struct reply *r)
{
	struct rprocd_proc *p;

	if (req->argc == 1 && !strcmp(req->argv[0], "list"))
		return cmd_list(d, r);
	if (req->argc == 1 && !find_proc(d, req->argv[0]))
		return say(r, CTL_USAGE,
			   "rprocctl: unknown command '%s': expected list or remoteprocN COMMAND "
			   "(see rprocctl --help)",
			   req->argv[0]);
	if (req->argc < 2)
		return say(r, CTL_USAGE, "usage: rprocctl list | rprocctl remoteprocN COMMAND ...");
	p = find_proc(d, req->argv[0]);
	if (!p)
		return say(r, CTL_FAIL, "%s: no such remote processor (rprocctl list shows them)",
			   req->argv[0]);
	return proc_command(d, p, req->argc, req->argv, r);
}

enum ctl_status rprocd_handle(struct rprocd *d, const struct ctl_request *req, char **out,
			      size_t *out_len)
{
	struct reply r = {0};
	enum ctl_status st;

	r.f = open_memstream(&r.buf, &r.len);
	if (!r.f) {
		*out = NULL;
		*out_len = 0;
		return CTL_FAIL;
	}
	st = dispatch(d, req, &r);
	fclose(r.f);
	*out = r.buf;
	*out_len = r.len;
	return st;
}
