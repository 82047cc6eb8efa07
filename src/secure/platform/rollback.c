// SPDX-License-Identifier: BSD-2-Clause
/*
 * Rollback protection: the highest security counter accepted per coprocessor.
 *
 * State file (policy.rollback_state), text, always replaced whole and
 * atomically (rpt_write_file_atomic):
 *
 *   rpt-rollback 1\n
 *   <rproc id> <counter>\n        zero or more lines
 *
 * Numbers are unsigned 32-bit decimal without sign or leading zeros, separated
 * by one space; every line ends with '\n'; an id appears at most once. Several
 * coprocessors (even of several boards) may share one file: a commit rewrites
 * it keeping the other ids' lines. A missing file means no counter yet. Any
 * other deviation, an empty file included, makes the file corrupt and
 * platform_init refuses it: silently starting again from "no counter" would
 * reopen the way back to old firmware.
 *
 * The file is only as trustworthy as the storage it lives on (secure storage
 * in a real product): whoever can delete it can reset the counters.
 */
#include "secure/platform/plat_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_io.h"

#define RB_HEADER      "rpt-rollback 1\n"
#define RB_MAX_ENTRIES 64
#define RB_FILE_MAX    4096 /* > header + RB_MAX_ENTRIES longest lines (22 bytes) */

/* One line of the state file. */
struct rb_entry {
	uint32_t id;	  /* rproc id */
	uint32_t counter; /* highest accepted security counter */
};

/* The whole state file, decoded. */
struct rb_table {
	struct rb_entry e[RB_MAX_ENTRIES]; /* in file order */
	unsigned int n;			   /* entries used */
};

/* Parse a canonical decimal u32 ending with `stop`; advance *pp past `stop`. */
static bool parse_u32(const char **pp, const char *end, char stop, uint32_t *out)
{
	const char *p = *pp;
	const char *digits = p;
	uint64_t v = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return false;
		p++;
	}
	if (p == digits || (p - digits > 1 && *digits == '0'))
		return false;
	if (p == end || *p != stop)
		return false;
	*pp = p + 1;
	*out = (uint32_t)v;
	return true;
}

static struct rb_entry *rb_find(struct rb_table *t, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].id == id)
			return &t->e[i];
	return NULL;
}

static int rb_parse(const char *path, const char *buf, size_t len, struct rb_table *t,
		    struct rpt_error *err)
{
	const char *end = buf + len;
	const char *p = buf;
	unsigned int line = 2;
	struct rb_entry e;

	t->n = 0;
	if (len < strlen(RB_HEADER) || memcmp(buf, RB_HEADER, strlen(RB_HEADER)))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"rollback state %s: corrupt: first line is not \"rpt-rollback 1\"", path);
	p += strlen(RB_HEADER);
	for (; p < end; line++) {
		if (!parse_u32(&p, end, ' ', &e.id) || !parse_u32(&p, end, '\n', &e.counter))
			return rpt_error_set(
				err, RPT_EFORMAT,
				"rollback state %s: corrupt: line %u is not \"<rproc id> <counter>\"",
				path, line);
		if (rb_find(t, e.id))
			return rpt_error_set(
				err, RPT_EFORMAT,
				"rollback state %s: corrupt: line %u: rproc id %u again", path,
				line, e.id);
		if (t->n == RB_MAX_ENTRIES)
			return rpt_error_set(err, RPT_EFORMAT,
					     "rollback state %s: corrupt: more than %d entries",
					     path, RB_MAX_ENTRIES);
		t->e[t->n++] = e;
	}
	return 0;
}

/* Read the state file; a missing one is an empty table. */
static int rb_read(const char *path, struct rb_table *t, struct rpt_error *err)
{
	struct rpt_error io = {0};
	uint8_t *data = NULL;
	size_t size = 0;
	int ret;

	t->n = 0;
	ret = rpt_read_file(path, &data, &size, &io);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return rpt_error_set(err, ret, "rollback state: %s", rpt_error_msg(&io));
	if (size > RB_FILE_MAX)
		ret = rpt_error_set(err, RPT_EFORMAT,
				    "rollback state %s: corrupt: %zu bytes, over %d", path, size,
				    RB_FILE_MAX);
	else
		ret = rb_parse(path, (const char *)data, size, t, err);
	free(data);
	return ret;
}

static int rb_write(const char *path, const struct rb_table *t, struct rpt_error *err)
{
	char buf[RB_FILE_MAX];
	size_t len;
	unsigned int i;

	len = (size_t)snprintf(buf, sizeof(buf), "%s", RB_HEADER);
	for (i = 0; i < t->n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u\n", t->e[i].id,
					t->e[i].counter);
	/* Cannot happen with RB_MAX_ENTRIES entries; refuse rather than write a cut file. */
	if (len >= sizeof(buf))
		return rpt_error_set(err, EOVERFLOW, "rollback state %s: too large", path);
	return rpt_write_file_atomic(path, buf, len, err);
}

int plat_rollback_load(struct plat_rproc *rp, struct rpt_error *err)
{
	const char *path = rp->desc->policy.rollback_state;
	struct rb_table t;
	struct rb_entry *e;
	int ret;

	rp->rollback.known = false;
	rp->rollback.counter = 0;
	if (!path[0])
		return 0;
	ret = rb_read(path, &t, err);
	if (ret)
		return ret;
	e = rb_find(&t, rp->desc->id);
	if (e) {
		rp->rollback.known = true;
		rp->rollback.counter = e->counter;
	}
	return 0;
}

int plat_rollback_check(struct plat_rproc *rp, bool has_counter, uint32_t counter,
			struct rpt_error *err)
{
	const struct plat_rollback *rb = &rp->rollback;

	if (!has_counter) {
		if (!rp->desc->policy.allow_unversioned)
			return rpt_error_set(
				err, RPT_EROLLBACK,
				"rproc %u: image has no security counter and the board requires one",
				rp->desc->id);
		if (rb->known && rb->counter > 0)
			return rpt_error_set(
				err, RPT_EROLLBACK,
				"rproc %u: image has no security counter (counts as 0) but %u was accepted before",
				rp->desc->id, rb->counter);
		return 0;
	}
	if (rb->known && counter < rb->counter)
		return rpt_error_set(
			err, RPT_EROLLBACK,
			"rproc %u: security counter %u is lower than %u accepted before",
			rp->desc->id, counter, rb->counter);
	return 0;
}

/*
 * A storage failure as the TA reports it (GlobalPlatform storage codes): full
 * (no space, quota, file size limit) or not available (anything else the
 * file system says). A corrupt file stays a format error.
 */
static int storage_code(int ret)
{
	switch (ret) {
	case -RPT_EFORMAT:
	case -ENOMEM:
		return ret;
	case -ENOSPC:
	case -EDQUOT:
	case -EFBIG:
		return -RPT_ESTORE_FULL;
	default:
		return -RPT_ESTORE;
	}
}

/*
 * Merge into the file as it is now (other ids' lines kept; a counter someone
 * else raised meanwhile is not lowered), write it, and only then update memory.
 */
static int rb_commit_file(struct plat_rproc *rp, uint32_t *counter, struct rpt_error *err)
{
	const char *path = rp->desc->policy.rollback_state;
	struct rb_table t;
	struct rb_entry *e;
	int ret;

	ret = rb_read(path, &t, err);
	if (ret)
		return ret;
	e = rb_find(&t, rp->desc->id);
	if (!e) {
		if (t.n == RB_MAX_ENTRIES)
			return rpt_error_set(err, ENOSPC, "rollback state %s: full (%d ids)", path,
					     RB_MAX_ENTRIES);
		e = &t.e[t.n++];
		e->id = rp->desc->id;
		e->counter = 0;
	} else if (e->counter > *counter) {
		*counter = e->counter;
	}
	e->counter = *counter;
	return rb_write(path, &t, err);
}

int plat_rollback_commit(struct plat_rproc *rp, bool has_counter, uint32_t counter,
			 struct rpt_error *err)
{
	uint32_t keep = counter;
	int ret;

	if (!has_counter)
		return 0;
	if (rp->rollback.known && rp->rollback.counter > keep)
		keep = rp->rollback.counter;
	/* Nothing new to keep: no write, so that a re-load works even on a full disk. */
	if (rp->rollback.known && keep == rp->rollback.counter)
		return 0;
	if (rp->desc->policy.rollback_state[0]) {
		ret = rb_commit_file(rp, &keep, err);
		if (ret) {
			err->code = storage_code(ret);
			rpt_error_prefix(err, "rproc %u: ", rp->desc->id);
			return err->code;
		}
	}
	rp->rollback.known = true;
	rp->rollback.counter = keep;
	return 0;
}

/* Board model as a file name: letters, digits, '-', '_' kept, anything else '_'. */
static void file_name_of(const char *model, char *out, size_t len)
{
	size_t i;

	for (i = 0; model[i] && i + 1 < len; i++) {
		char c = model[i];

		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_';

		out[i] = keep ? c : '_';
	}
	out[i] = 0;
	if (!i)
		snprintf(out, len, "board");
}

int plat_rollback_default_state(struct board *b, const char *dir, struct rpt_error *err)
{
	char name[sizeof(b->model)];
	unsigned int i;
	int n;

	file_name_of(b->model, name, sizeof(name));
	for (i = 0; i < b->num_rprocs; i++) {
		struct board_policy *pol = &b->rprocs[i].policy;

		if (!b->rprocs[i].tee || pol->rollback_state[0])
			continue;
		n = snprintf(pol->rollback_state, sizeof(pol->rollback_state), "%s/%s.rollback",
			     dir, name);
		if (n < 0 || (size_t)n >= sizeof(pol->rollback_state)) {
			pol->rollback_state[0] = 0;
			return rpt_error_set(err, ENAMETOOLONG,
					     "rollback state directory %.60s: path too long", dir);
		}
	}
	return 0;
}
