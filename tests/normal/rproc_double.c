// SPDX-License-Identifier: BSD-2-Clause
/* The recording rproc_ops double (see rproc_double.h). */
#include "rproc_double.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "formats/rsc_table.h"

static const char *const op_names[] = {
	"sanity_check",
	"prepare",
	"unprepare",
	"get_boot_addr",
	"parse_fw",
	"load",
	"find_loaded_rsc_table",
	"get_loaded_rsc_table",
	"start",
	"stop",
	"coredump",
	"release_fw",
	"kick",
	"attach",
	"detach",
	"request_firmware",
};

static unsigned int op_index(const char *op)
{
	unsigned int i;

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (!strcmp(op_names[i], op))
			return i;
	fail_msg("unknown op %s", op);
	return 0;
}

/* Count the call; true if this call must fail. */
static bool should_fail(struct dbl *d, const char *op)
{
	unsigned int n = ++d->op_count[op_index(op)];

	if (!d->fail_op || strcmp(d->fail_op, op))
		return false;
	return !d->fail_at || d->fail_at == n;
}

/* Log the call; true if this call must fail. */
static bool record(struct dbl *d, const char *op)
{
	if (d->ncalls < DBL_LOG_MAX)
		snprintf(d->calls[d->ncalls++], sizeof(d->calls[0]), "%s", op);
	return should_fail(d, op);
}

static int injected(struct rpt_error *err, const char *op)
{
	return rpt_error_set(err, EIO, "injected %s failure", op);
}

static struct dbl *priv(struct rproc *rproc)
{
	return rproc->priv;
}

static int d_sanity_check(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err)
{
	(void)fw;
	return record(priv(rproc), "sanity_check") ? injected(err, "sanity_check") : 0;
}

static int d_prepare(struct rproc *rproc, struct rpt_error *err)
{
	return record(priv(rproc), "prepare") ? injected(err, "prepare") : 0;
}

static void d_unprepare(struct rproc *rproc)
{
	record(priv(rproc), "unprepare");
}

static uint32_t d_get_boot_addr(struct rproc *rproc, const struct rproc_fw *fw)
{
	(void)fw;
	record(priv(rproc), "get_boot_addr");
	return 0x1234;
}

static int d_parse_fw(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err)
{
	struct dbl *d = priv(rproc);

	(void)fw;
	if (record(d, "parse_fw"))
		return injected(err, "parse_fw");
	if (!d->table_len)
		return 0;
	return rproc_cache_rsc_table(rproc, d->table, d->table_len, err);
}

static int d_load(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err)
{
	struct dbl *d = priv(rproc);

	(void)fw;
	if (record(d, "load"))
		return injected(err, "load");
	/* The image carries the pristine table: loading puts it in device memory. */
	if (d->table_len)
		memcpy(dbl_loaded_table(d), d->table, d->table_len);
	if (d->default_coredump)
		rproc_coredump_add_segment(rproc, DBL_TABLE_DA, 0x100);
	return 0;
}

static int loaded(struct dbl *d, void **table, size_t *len)
{
	*table = d->table_len ? dbl_loaded_table(d) : NULL;
	*len = d->table_len;
	return 0;
}

static int d_find_loaded(struct rproc *rproc, const struct rproc_fw *fw, void **table, size_t *len,
			 struct rpt_error *err)
{
	(void)fw;
	if (record(priv(rproc), "find_loaded_rsc_table"))
		return injected(err, "find_loaded_rsc_table");
	return loaded(priv(rproc), table, len);
}

static int d_get_loaded(struct rproc *rproc, void **table, size_t *len, struct rpt_error *err)
{
	if (record(priv(rproc), "get_loaded_rsc_table"))
		return injected(err, "get_loaded_rsc_table");
	return loaded(priv(rproc), table, len);
}

static int d_start(struct rproc *rproc, struct rpt_error *err)
{
	return record(priv(rproc), "start") ? injected(err, "start") : 0;
}

static int d_stop(struct rproc *rproc, struct rpt_error *err)
{
	return record(priv(rproc), "stop") ? injected(err, "stop") : 0;
}

static int d_attach(struct rproc *rproc, struct rpt_error *err)
{
	return record(priv(rproc), "attach") ? injected(err, "attach") : 0;
}

static int d_detach(struct rproc *rproc, struct rpt_error *err)
{
	return record(priv(rproc), "detach") ? injected(err, "detach") : 0;
}

static void d_kick(struct rproc *rproc, int vqid)
{
	priv(rproc)->last_kick = vqid;
	record(priv(rproc), "kick");
}

static int d_coredump(struct rproc *rproc, uint8_t **dump, size_t *len, struct rpt_error *err)
{
	if (record(priv(rproc), "coredump"))
		return injected(err, "coredump");
	*dump = malloc(4);
	if (!*dump)
		return -ENOMEM;
	memcpy(*dump, "DUMP", 4);
	*len = 4;
	return 0;
}

static void d_release_fw(struct rproc *rproc)
{
	record(priv(rproc), "release_fw");
}

const struct rproc_ops dbl_ops = {
	.prepare = d_prepare,
	.unprepare = d_unprepare,
	.start = d_start,
	.stop = d_stop,
	.attach = d_attach,
	.detach = d_detach,
	.kick = d_kick,
	.parse_fw = d_parse_fw,
	.find_loaded_rsc_table = d_find_loaded,
	.get_loaded_rsc_table = d_get_loaded,
	.load = d_load,
	.sanity_check = d_sanity_check,
	.get_boot_addr = d_get_boot_addr,
	.coredump = d_coredump,
	.release_fw = d_release_fw,
};

static int fw_request(void *p, const char *name, struct rproc_fw *fw, struct rpt_error *err)
{
	struct dbl *d = p;

	(void)name;
	/* Not an op: counted for failure injection, kept out of the ops log. */
	if (should_fail(d, "request_firmware"))
		return injected(err, "request_firmware");
	fw->data = d->fw_bytes;
	fw->size = sizeof(d->fw_bytes);
	return 0;
}

static void fw_release(void *p, struct rproc_fw *fw)
{
	(void)p;
	fw->data = NULL;
}

static void log_line(void *p, enum rpt_log_level level, const char *line)
{
	struct dbl *d = p;

	(void)level;
	if (d->nlines < DBL_LINES_MAX)
		snprintf(d->lines[d->nlines++], sizeof(d->lines[0]), "%s", line);
}

static void add_mem(struct dbl *d, const char *name, uint32_t da, uint64_t pa, uint32_t size,
		    bool mapped, bool loadable)
{
	struct rpt_error err = {0};
	struct rproc_memory m = {0};

	snprintf(m.name, sizeof(m.name), "%s", name);
	m.da = da;
	m.pa = pa;
	m.size = size;
	m.va = mapped ? dbl_va(d, da) : NULL;
	m.loadable = loadable;
	assert_int_equal(rproc_add_memory(d->rproc, &m, &err), 0);
}

struct dbl *dbl_new_ops(bool alt, const struct rproc_ops *ops)
{
	struct rpt_error err = {0};
	struct dbl *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->shared = calloc(1, DBL_SHARED_SIZE);
	assert_non_null(d->shared);
	memset(d->fw_bytes, 0xA5, sizeof(d->fw_bytes));
	d->rproc = rproc_alloc("m4", ops, NULL, d, &err);
	assert_non_null(d->rproc);
	d->rproc->alt_boot = alt;
	/* The recovery tests follow the dump step: on here (the default, off, has its own test). */
	d->rproc->dump_conf = RPROC_COREDUMP_ENABLED;
	d->rproc->fw_loader.request = fw_request;
	d->rproc->fw_loader.release = fw_release;
	d->rproc->fw_loader.priv = d;
	d->rproc->log = log_line;
	d->rproc->log_priv = d;
	add_mem(d, "retram", 0x0, 0x38000000, 0x10000, false, true);
	add_mem(d, "mcuram2", 0x10000000, 0x10000000, 0x40000, true, true);
	add_mem(d, "vdev0vring0", DBL_VRING0_DA, DBL_VRING0_DA, 0x1000, true, false);
	add_mem(d, "vdev0vring1", DBL_VRING1_DA, DBL_VRING1_DA, 0x1000, true, false);
	add_mem(d, "vdev0buffer", DBL_VBUF_DA, DBL_VBUF_DA, 0x4000, true, false);
	return d;
}

struct dbl *dbl_new(bool alt)
{
	return dbl_new_ops(alt, &dbl_ops);
}

void dbl_add(struct dbl *d)
{
	struct rpt_error err = {0};

	assert_int_equal(rproc_add(d->rproc, &err), 0);
}

void dbl_free(struct dbl *d)
{
	if (!d)
		return;
	rproc_free(d->rproc);
	free(d->table);
	free(d->shared);
	free(d);
}

void dbl_set_table(struct dbl *d, const void *table, size_t len)
{
	free(d->table);
	d->table = malloc(len);
	assert_non_null(d->table);
	memcpy(d->table, table, len);
	d->table_len = len;
}

const char *dbl_calls(struct dbl *d)
{
	static char buf[DBL_LOG_MAX * 32];
	size_t pos = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < d->ncalls; i++)
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s", i ? " " : "",
					d->calls[i]);
	return buf;
}

void dbl_clear(struct dbl *d)
{
	d->ncalls = 0;
	d->nlines = 0;
}

void dbl_fail(struct dbl *d, const char *op, unsigned int nth)
{
	(void)op_index(op);
	d->fail_op = op;
	d->fail_at = nth;
	memset(d->op_count, 0, sizeof(d->op_count));
}

bool dbl_logged(struct dbl *d, const char *s)
{
	unsigned int i;

	for (i = 0; i < d->nlines; i++)
		if (strstr(d->lines[i], s))
			return true;
	return false;
}

uint8_t *dbl_va(struct dbl *d, uint32_t da)
{
	assert_true(da >= DBL_SHARED_DA && da < DBL_SHARED_DA + DBL_SHARED_SIZE);
	return d->shared + (da - DBL_SHARED_DA);
}

uint8_t *dbl_loaded_table(struct dbl *d)
{
	return dbl_va(d, DBL_TABLE_DA);
}

/* ---- tables ---- */

void tbl_init(struct tbl *t, unsigned int num_entries)
{
	struct resource_table *rt = (struct resource_table *)t->buf;

	memset(t, 0, sizeof(*t));
	rt->ver = RSC_TABLE_VERSION;
	rt->num = num_entries;
	t->len = sizeof(*rt) + 4 * num_entries;
}

static void *tbl_entry(struct tbl *t, uint32_t type, size_t body)
{
	struct resource_table *rt = (struct resource_table *)t->buf;
	uint8_t *p;

	assert_true(t->num < rt->num);
	assert_true(t->len + 4 + body <= sizeof(t->buf));
	rt->offset[t->num] = (uint32_t)t->len;
	t->off[t->num++] = t->len;
	p = t->buf + t->len;
	memcpy(p, &type, 4);
	t->len += 4 + body;
	return p + 4;
}

static size_t body_off(struct tbl *t, void *body)
{
	return (size_t)((uint8_t *)body - t->buf);
}

size_t tbl_raw(struct tbl *t, uint32_t type, size_t body_len)
{
	return body_off(t, tbl_entry(t, type, body_len));
}

size_t tbl_carveout(struct tbl *t, uint32_t da, uint32_t len, const char *name)
{
	struct fw_rsc_carveout *c = tbl_entry(t, RSC_CARVEOUT, sizeof(*c));

	c->da = da;
	c->pa = FW_RSC_ADDR_ANY;
	c->len = len;
	snprintf((char *)c->name, sizeof(c->name), "%s", name);
	return body_off(t, c);
}

size_t tbl_devmem(struct tbl *t, uint32_t da, uint32_t pa, uint32_t len, const char *name)
{
	struct fw_rsc_devmem *c = tbl_entry(t, RSC_DEVMEM, sizeof(*c));

	c->da = da;
	c->pa = pa;
	c->len = len;
	snprintf((char *)c->name, sizeof(c->name), "%s", name);
	return body_off(t, c);
}

size_t tbl_trace(struct tbl *t, uint32_t da, uint32_t len, const char *name)
{
	struct fw_rsc_trace *c = tbl_entry(t, RSC_TRACE, sizeof(*c));

	c->da = da;
	c->len = len;
	snprintf((char *)c->name, sizeof(c->name), "%s", name);
	return body_off(t, c);
}

size_t tbl_vdev(struct tbl *t, unsigned int nvrings, const uint32_t *da, uint32_t num,
		uint32_t align)
{
	struct fw_rsc_vdev *v =
		tbl_entry(t, RSC_VDEV, sizeof(*v) + nvrings * sizeof(struct fw_rsc_vdev_vring));
	unsigned int i;

	v->id = 7; /* rpmsg */
	v->dfeatures = 1;
	v->num_of_vrings = (uint8_t)nvrings;
	for (i = 0; i < nvrings; i++) {
		v->vring[i].da = da[i];
		v->vring[i].align = align;
		v->vring[i].num = num;
		v->vring[i].notifyid = i;
	}
	return body_off(t, v);
}

void tbl_demo(struct tbl *t, size_t *vdev_off)
{
	static const uint32_t any[2] = {FW_RSC_ADDR_ANY, FW_RSC_ADDR_ANY};
	size_t off;

	tbl_init(t, 3);
	tbl_carveout(t, DBL_VBUF_DA, 0x4000, "vdev0buffer");
	tbl_trace(t, DBL_TRACE_DA, 0x800, "trace0");
	off = tbl_vdev(t, 2, any, 8, 16);
	if (vdev_off)
		*vdev_off = off;
}
