// SPDX-License-Identifier: BSD-2-Clause
/*
 * Board description from a flattened device tree (see board_dt.h for the
 * shape). The blob comes from a file anyone may have written, so it is read
 * like any other hostile input: libfdt's full structure check first, then
 * every property length, string and range checked before use, into a scratch
 * board that replaces the caller's only when everything passed.
 */
#include "board/board_dt.h"

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/safe_math.h"
#include "coproc/armv7m_regs.h" /* VTOR alignment of rproc,boot-address */
#include "coproc/stm32_ipcc_regs.h"
#include "coproc/stm32_usart_regs.h"
#include "coproc/vmmio.h"

/* Room for a node path in a message; longer paths are cut (messages only). */
#define DT_PATH_MAX 128
/* What of dtc's complaint is kept for the error message. */
#define DTC_MSG_MAX 160

/* A coprocessor compatible this reader knows, and what it implies. */
struct dt_compat {
	const char *compatible; /* the string in the node's compatible list */
	bool tee;		/* loaded by the TA (alternate boot) */
	const char *cpu;	/* the core it describes */
};

static const struct dt_compat dt_compats[] = {
	{BOARD_COMPAT_M4_TEE, true, "cortex-m4"},
	{BOARD_COMPAT_M4, false, "cortex-m4"},
	{BOARD_COMPAT_M33_TEE, true, "cortex-m33"},
};

/* State of one board_load_dtb call. */
struct dt_ctx {
	const void *fdt;				/* private, checked copy of the blob */
	const char *base_dir;				/* where relative paths start, or NULL */
	struct rpt_error *err;				/* first failure goes here */
	int rproc_node[BOARD_MAX_RPROCS];		/* node of each coprocessor parsed */
	int mem_node[BOARD_MAX_RPROCS][BOARD_MAX_MEMS]; /* node of each memory, for messages */
	int mbox_node[BOARD_MAX_RPROCS];		/* node of each mailbox, -1 if none */
	int periph_node[BOARD_MAX_RPROCS][BOARD_MAX_PERIPHS]; /* node of each peripheral */
};

/* A peripheral compatible this reader knows, and the model behind it. */
struct dt_periph_compat {
	const char *compatible;	     /* the node's compatible */
	enum board_periph_kind kind; /* its model */
	uint32_t min_size;	     /* bytes of registers the model needs */
	unsigned int irqs; /* interrupts: exactly this many (IPCC), else at most the maximum */
};

static const struct dt_periph_compat dt_periph_compats[] = {
	{BOARD_COMPAT_MBOX, BOARD_PERIPH_IPCC, IPCC_SIZE, 2},
	{BOARD_COMPAT_USART, BOARD_PERIPH_USART, USART_SIZE, 0},
	{BOARD_COMPAT_VMMIO, BOARD_PERIPH_VMMIO, VMMIO_SIZE, 0},
	{BOARD_COMPAT_RAZWI, BOARD_PERIPH_RAZWI, 1, 0},
};

/*
 * The node's full path for a message ("/reserved-memory/retram@38000000").
 * Node names are not checked yet when a message is made, so bytes outside
 * printable ASCII become '?' rather than reaching a terminal or a log.
 */
static const char *dt_path(const struct dt_ctx *c, int node, char *buf, size_t size)
{
	char *p;

	if (fdt_get_path(c->fdt, node, buf, (int)size) < 0)
		snprintf(buf, size, "<node at offset %d>", node);
	for (p = buf; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return buf;
}

/* Record "<node path>: <property>: <reason>" and return -code. */
__attribute__((format(printf, 5, 6))) static int
dt_fail(const struct dt_ctx *c, int node, const char *prop, int code, const char *fmt, ...)
{
	char path[DT_PATH_MAX];
	char msg[RPT_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rpt_error_set(c->err, code, "%s: %s: %s", dt_path(c, node, path, sizeof(path)), prop,
			     msg);
}

/* ------------------------------------------------------------------------ */
/* Property readers: each checks the length before looking at a byte.      */

static bool printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/*
 * A boolean property: absent = false, empty = true. A value is refused
 * because `rproc,secure = <0>` would read as true to us and false to a human.
 */
static int dt_bool(const struct dt_ctx *c, int node, const char *prop, bool *out)
{
	int len;

	*out = false;
	if (!fdt_getprop(c->fdt, node, prop, &len))
		return len == -FDT_ERR_NOTFOUND
			       ? 0
			       : dt_fail(c, node, prop, -RPT_EFORMAT, "%s", fdt_strerror(len));
	if (len != 0)
		return dt_fail(c, node, prop, -RPT_EFORMAT,
			       "boolean property has a %d-byte value (must be empty)", len);
	*out = true;
	return 0;
}

/* One 32-bit cell. Absent: -ENOENT with no error recorded, unless required. */
static int dt_u32(const struct dt_ctx *c, int node, const char *prop, bool required, uint32_t *out)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(c->fdt, node, prop, &len);
	if (!v) {
		if (len != -FDT_ERR_NOTFOUND)
			return dt_fail(c, node, prop, -RPT_EFORMAT, "%s", fdt_strerror(len));
		if (required)
			return dt_fail(c, node, prop, -RPT_EFORMAT, "missing");
		return -ENOENT;
	}
	if (len != 4)
		return dt_fail(c, node, prop, -RPT_EFORMAT, "%d bytes, expected one 32-bit cell",
			       len);
	*out = fdt32_ld(v);
	return 0;
}

/*
 * Check that [s, s + len) is a list of non-empty, printable, NUL-terminated
 * strings and count them. Nothing past len is ever read.
 */
static int dt_check_strings(const struct dt_ctx *c, int node, const char *prop, const char *s,
			    int len, unsigned int *count)
{
	size_t pos = 0, n;

	*count = 0;
	if (len <= 0)
		return dt_fail(c, node, prop, -RPT_EFORMAT, "empty (expected a string)");
	if (s[len - 1] != '\0')
		return dt_fail(c, node, prop, -RPT_EFORMAT, "string not NUL-terminated");
	while (pos < (size_t)len) {
		n = strnlen(s + pos, (size_t)len - pos);
		if (!n)
			return dt_fail(c, node, prop, -RPT_EFORMAT, "empty string at byte %zu",
				       pos);
		if (!printable(s + pos, n))
			return dt_fail(c, node, prop, -RPT_EFORMAT,
				       "string %u holds non-printable bytes", *count);
		(*count)++;
		pos += n + 1;
	}
	return 0;
}

/*
 * The idx-th string of an already checked list (dt_check_strings), or NULL.
 */
static const char *dt_string_at(const char *s, int len, unsigned int idx)
{
	size_t pos = 0;

	while (pos < (size_t)len) {
		if (!idx--)
			return s + pos;
		pos += strlen(s + pos) + 1;
	}
	return NULL;
}

/* A property holding a string list: its bytes, length and count, checked. */
static int dt_strings(const struct dt_ctx *c, int node, const char *prop, bool required,
		      const char **s, int *len, unsigned int *count)
{
	*s = fdt_getprop(c->fdt, node, prop, len);
	*count = 0;
	if (!*s) {
		if (*len != -FDT_ERR_NOTFOUND)
			return dt_fail(c, node, prop, -RPT_EFORMAT, "%s", fdt_strerror(*len));
		*len = 0;
		return required ? dt_fail(c, node, prop, -RPT_EFORMAT, "missing") : 0;
	}
	return dt_check_strings(c, node, prop, *s, *len, count);
}

/* A single string copied into out[size]. Absent: "" (an error if required). */
static int dt_string(const struct dt_ctx *c, int node, const char *prop, bool required, char *out,
		     size_t size)
{
	unsigned int count;
	const char *s;
	int len, ret;

	out[0] = '\0';
	ret = dt_strings(c, node, prop, required, &s, &len, &count);
	if (ret || !count)
		return ret;
	if (count != 1)
		return dt_fail(c, node, prop, -RPT_EFORMAT, "%u strings, expected one", count);
	if ((size_t)len > size)
		return dt_fail(c, node, prop, -RPT_EFORMAT, "%d bytes long, at most %zu allowed",
			       len - 1, size - 1);
	memcpy(out, s, (size_t)len);
	return 0;
}

/* #address-cells or #size-cells of a bus node: absent = the DT default; else 1 or 2. */
static int dt_cells(const struct dt_ctx *c, int bus, const char *prop, uint32_t dflt, uint32_t *out)
{
	int ret;

	ret = dt_u32(c, bus, prop, false, out);
	if (ret == -ENOENT) {
		*out = dflt;
		return 0;
	}
	if (ret)
		return ret;
	if (*out != 1 && *out != 2)
		return dt_fail(c, bus, prop, -RPT_EFORMAT, "%u, only 1 or 2 supported", *out);
	return 0;
}

/* A big-endian number of n (1 or 2) cells. */
static uint64_t dt_read_cells(const fdt32_t *p, uint32_t n)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(&p[i]);
	return v;
}

/* ------------------------------------------------------------------------ */
/* Node-level readers.                                                      */

/* The node's name without its unit address, checked against the DT node-name characters. */
static int dt_node_name(const struct dt_ctx *c, int node, char *out, size_t size)
{
	const char *name;
	size_t n, i;
	int len;

	name = fdt_get_name(c->fdt, node, &len);
	if (!name || len < 0)
		return dt_fail(c, node, "name", -RPT_EFORMAT, "unreadable node name");
	n = strcspn(name, "@");
	if (!n || n >= size)
		return dt_fail(c, node, "name", -RPT_EFORMAT,
			       "node name is %zu characters, 1 to %zu allowed", n, size - 1);
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+-",
			    name[i]))
			return dt_fail(c, node, "name", -RPT_EFORMAT,
				       "invalid character 0x%02x in node name",
				       (unsigned char)name[i]);
	memcpy(out, name, n);
	out[n] = '\0';
	return 0;
}

/*
 * The single reg range of a node, in its parent's address and size cells.
 * Refuses a zero size, a size over 32 bits and a range that wraps 64 bits.
 */
static int dt_reg(const struct dt_ctx *c, int node, uint64_t *pa, uint32_t *size)
{
	uint32_t ac = 0, sc = 0;
	const fdt32_t *reg;
	uint64_t sz, end;
	int parent, len, ret;

	parent = fdt_parent_offset(c->fdt, node);
	if (parent < 0)
		return dt_fail(c, node, "reg", -RPT_EFORMAT, "node has no parent");
	ret = dt_cells(c, parent, "#address-cells", 2, &ac);
	if (!ret)
		ret = dt_cells(c, parent, "#size-cells", 1, &sc);
	if (ret)
		return ret;
	reg = fdt_getprop(c->fdt, node, "reg", &len);
	if (!reg)
		return dt_fail(c, node, "reg", -RPT_EFORMAT, "%s",
			       len == -FDT_ERR_NOTFOUND ? "missing" : fdt_strerror(len));
	if ((uint32_t)len != (ac + sc) * 4)
		return dt_fail(
			c, node, "reg", -RPT_EFORMAT,
			"%d bytes, expected %u (one range: #address-cells %u, #size-cells %u)", len,
			(ac + sc) * 4, ac, sc);
	*pa = dt_read_cells(reg, ac);
	sz = dt_read_cells(reg + ac, sc);
	if (!sz)
		return dt_fail(c, node, "reg", -RPT_EFORMAT, "zero size");
	if (sz > UINT32_MAX)
		return dt_fail(c, node, "reg", -RPT_ERANGE, "size 0x%llx larger than 4 GiB - 1",
			       (unsigned long long)sz);
	if (add_overflow(*pa, sz - 1, &end))
		return dt_fail(c, node, "reg", -RPT_ERANGE,
			       "range 0x%llx + 0x%llx wraps past the top of the address space",
			       (unsigned long long)*pa, (unsigned long long)sz);
	*size = (uint32_t)sz;
	return 0;
}

/*
 * The device address of a node with reg [pa, pa + size): its
 * rproc,device-address, else pa itself, which must then fit in 32 bits.
 * The device range may end at 4 GiB but not wrap past it.
 */
static int dt_device_address(const struct dt_ctx *c, int node, uint64_t pa, uint32_t size,
			     uint32_t *da)
{
	const char *prop = "rproc,device-address";
	int ret;

	ret = dt_u32(c, node, prop, false, da);
	if (ret == -ENOENT) {
		prop = "reg";
		if (pa > UINT32_MAX)
			return dt_fail(
				c, node, prop, -RPT_ERANGE,
				"physical address 0x%llx is above 4 GiB: give rproc,device-address",
				(unsigned long long)pa);
		*da = (uint32_t)pa;
	} else if (ret) {
		return ret;
	}
	if ((uint64_t)*da + size > (uint64_t)UINT32_MAX + 1)
		return dt_fail(c, node, prop, -RPT_ERANGE,
			       "device range 0x%x + 0x%x wraps past 4 GiB", *da, size);
	return 0;
}

/* The property that set the node's device address (for overlap messages). */
static const char *dt_da_prop(const struct dt_ctx *c, int node)
{
	return fdt_getprop(c->fdt, node, "rproc,device-address", NULL) ? "rproc,device-address"
								       : "reg";
}

/* One reserved-memory node, reached through memory-region[idx] of rproc node rnode. */
static int dt_parse_memory(const struct dt_ctx *c, int rnode, unsigned int idx, int node,
			   struct board_memory *m)
{
	char path[DT_PATH_MAX];
	int parent, resmem;
	int ret;

	parent = fdt_parent_offset(c->fdt, node);
	resmem = fdt_path_offset(c->fdt, "/reserved-memory");
	if (parent < 0 || resmem < 0 || parent != resmem)
		return dt_fail(c, rnode, "memory-region", -RPT_EFORMAT,
			       "entry %u: %s is not a child of /reserved-memory", idx,
			       dt_path(c, node, path, sizeof(path)));
	ret = dt_node_name(c, node, m->name, sizeof(m->name));
	if (!ret)
		ret = dt_reg(c, node, &m->pa, &m->size);
	if (!ret)
		ret = dt_device_address(c, node, m->pa, m->size, &m->da);
	if (!ret)
		ret = dt_bool(c, node, "rproc,secure", &m->secure);
	if (!ret)
		ret = dt_bool(c, node, "rproc,loadable", &m->loadable);
	return ret;
}

/* memory-region: a list of phandles to /reserved-memory children, in order. */
static int dt_parse_memories(struct dt_ctx *c, unsigned int r, int node, struct board_rproc *rp)
{
	const fdt32_t *ph;
	unsigned int i, n;
	int len, mem, ret;

	ph = fdt_getprop(c->fdt, node, "memory-region", &len);
	if (!ph)
		return dt_fail(c, node, "memory-region", -RPT_EFORMAT, "%s",
			       len == -FDT_ERR_NOTFOUND ? "missing" : fdt_strerror(len));
	if (len == 0)
		return dt_fail(c, node, "memory-region", -RPT_EFORMAT, "empty");
	if (len % 4)
		return dt_fail(c, node, "memory-region", -RPT_EFORMAT,
			       "%d bytes, not a list of 32-bit phandles", len);
	n = (unsigned int)len / 4;
	if (n > BOARD_MAX_MEMS)
		return dt_fail(c, node, "memory-region", -RPT_EFORMAT,
			       "%u memories, at most %d supported", n, BOARD_MAX_MEMS);
	for (i = 0; i < n; i++) {
		uint32_t phandle = fdt32_ld(&ph[i]);

		mem = fdt_node_offset_by_phandle(c->fdt, phandle);
		if (mem < 0)
			return dt_fail(c, node, "memory-region", -RPT_EFORMAT,
				       "entry %u: phandle 0x%x points to no node", i, phandle);
		ret = dt_parse_memory(c, node, i, mem, &rp->mems[i]);
		if (ret)
			return ret;
		c->mem_node[r][i] = mem;
	}
	rp->num_mems = n;
	return 0;
}

/*
 * interrupts: one cell per line, the core's NVIC IRQn (the coprocessor's
 * view; the host's GIC lines are not described here). Exactly `exact` cells
 * when exact is not 0.
 */
static int dt_parse_irqs(const struct dt_ctx *c, int node, unsigned int exact,
			 struct board_periph *p)
{
	const fdt32_t *v;
	unsigned int i, n;
	int len;

	v = fdt_getprop(c->fdt, node, "interrupts", &len);
	if (!v) {
		if (len != -FDT_ERR_NOTFOUND)
			return dt_fail(c, node, "interrupts", -RPT_EFORMAT, "%s",
				       fdt_strerror(len));
		if (exact)
			return dt_fail(c, node, "interrupts", -RPT_EFORMAT,
				       "missing (%u lines expected)", exact);
		return 0;
	}
	if (len % 4)
		return dt_fail(c, node, "interrupts", -RPT_EFORMAT,
			       "%d bytes, not a list of 32-bit cells", len);
	n = (unsigned int)len / 4;
	if (exact && n != exact)
		return dt_fail(c, node, "interrupts", -RPT_EFORMAT,
			       "%u lines, expected %u (RX occupied, TX free)", n, exact);
	if (n > BOARD_PERIPH_MAX_IRQS)
		return dt_fail(c, node, "interrupts", -RPT_EFORMAT, "%u lines, at most %d", n,
			       BOARD_PERIPH_MAX_IRQS);
	for (i = 0; i < n; i++) {
		p->irqs[i] = fdt32_ld(&v[i]);
		if (p->irqs[i] >= BOARD_MAX_IRQ)
			return dt_fail(c, node, "interrupts", -RPT_ERANGE,
				       "line %u: IRQ %u, the NVIC has %u", i, p->irqs[i],
				       BOARD_MAX_IRQ);
	}
	p->num_irqs = n;
	return 0;
}

/* vst,channels of an IPCC: HWCFGR's channel count, 4 (ST's use) to 16; default the STM32MP15's 6. */
static int dt_parse_ipcc_channels(const struct dt_ctx *c, int node, struct board_periph *p)
{
	int ret;

	ret = dt_u32(c, node, "vst,channels", false, &p->channels);
	if (ret == -ENOENT) {
		p->channels = STM32MP15_IPCC_CHANNELS;
		return 0;
	}
	if (!ret && (p->channels < 4 || p->channels > IPCC_MAX_CHANNELS))
		return dt_fail(c, node, "vst,channels", -RPT_ERANGE, "%u, expected 4 to %u",
			       p->channels, IPCC_MAX_CHANNELS);
	return ret;
}

/*
 * A peripheral node: a known compatible, one reg range of at least what the
 * model needs, starting a 4 KiB page of the coprocessor's address space
 * (models are mapped by pages), its interrupts.
 */
static int dt_parse_periph(const struct dt_ctx *c, int node, struct board_periph *p)
{
	const struct dt_periph_compat *pc = NULL;
	unsigned int i;
	int ret;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < sizeof(dt_periph_compats) / sizeof(dt_periph_compats[0]); i++)
		if (!fdt_node_check_compatible(c->fdt, node, dt_periph_compats[i].compatible))
			pc = &dt_periph_compats[i];
	if (!pc)
		return dt_fail(c, node, "compatible", -RPT_EFORMAT,
			       "not a peripheral this board can model (%s, %s, %s or %s)",
			       dt_periph_compats[0].compatible, dt_periph_compats[1].compatible,
			       dt_periph_compats[2].compatible, dt_periph_compats[3].compatible);
	p->kind = pc->kind;
	ret = dt_node_name(c, node, p->name, sizeof(p->name));
	if (!ret)
		ret = dt_reg(c, node, &p->pa, &p->size);
	if (!ret)
		ret = dt_device_address(c, node, p->pa, p->size, &p->da);
	if (ret)
		return ret;
	if (p->size < pc->min_size)
		return dt_fail(c, node, "reg", -RPT_ERANGE,
			       "0x%x bytes of registers, %s needs 0x%x", p->size, pc->compatible,
			       pc->min_size);
	if (p->da & 0xFFFu)
		return dt_fail(c, node, dt_da_prop(c, node), -RPT_ERANGE,
			       "device address 0x%08x does not start a 4 KiB page", p->da);
	ret = dt_parse_irqs(c, node, pc->irqs, p);
	if (!ret && p->kind == BOARD_PERIPH_IPCC)
		ret = dt_parse_ipcc_channels(c, node, p);
	return ret;
}

/* The mailbox node itself: the IPCC (a peripheral), #mbox-cells = <1>. */
static int dt_parse_mailbox_node(const struct dt_ctx *c, int node, struct board_mailbox *mb,
				 struct board_periph *p)
{
	uint32_t cells = 0;
	int ret;

	if (fdt_node_check_compatible(c->fdt, node, BOARD_COMPAT_MBOX))
		return dt_fail(c, node, "compatible", -RPT_EFORMAT, "mailbox must be \"%s\"",
			       BOARD_COMPAT_MBOX);
	ret = dt_u32(c, node, "#mbox-cells", true, &cells);
	if (ret)
		return ret;
	if (cells != 1)
		return dt_fail(c, node, "#mbox-cells", -RPT_EFORMAT, "%u, expected 1 (the channel)",
			       cells);
	ret = dt_parse_periph(c, node, p);
	if (ret)
		return ret;
	memcpy(mb->name, p->name, sizeof(mb->name)); /* same size, NUL-terminated */
	mb->pa = p->pa;
	mb->da = p->da;
	mb->size = p->size;
	return 0;
}

/* Where the channel named `name` goes in *mb, or NULL if the name is unknown. */
static uint32_t *dt_mbox_slot(struct board_mailbox *mb, const char *name)
{
	if (!strcmp(name, "vq0"))
		return &mb->vq0;
	if (!strcmp(name, "vq1"))
		return &mb->vq1;
	if (!strcmp(name, "shutdown"))
		return &mb->shutdown;
	if (!strcmp(name, "detach"))
		return &mb->detach;
	return NULL;
}

/*
 * Entry i of mboxes (<&mailbox channel>) named `name`: all entries must use
 * the same mailbox, channels are distinct and below the IPCC's vst,channels.
 */
static int dt_parse_mbox_entry(const struct dt_ctx *c, int node, unsigned int i,
			       const fdt32_t *cell, const char *name, int *mbox,
			       struct board_mailbox *mb, struct board_periph *ipcc)
{
	uint32_t phandle = fdt32_ld(&cell[0]);
	uint32_t chan = fdt32_ld(&cell[1]);
	uint32_t *slot;
	int target, ret;

	target = fdt_node_offset_by_phandle(c->fdt, phandle);
	if (target < 0)
		return dt_fail(c, node, "mboxes", -RPT_EFORMAT,
			       "entry %u: phandle 0x%x points to no node", i, phandle);
	if (*mbox < 0) {
		ret = dt_parse_mailbox_node(c, target, mb, ipcc);
		if (ret)
			return ret;
		*mbox = target;
	} else if (target != *mbox) {
		return dt_fail(c, node, "mboxes", -RPT_EFORMAT,
			       "entry %u: a second mailbox (only one per coprocessor)", i);
	}
	slot = dt_mbox_slot(mb, name);
	if (!slot)
		return dt_fail(c, node, "mbox-names", -RPT_EFORMAT,
			       "unknown channel name \"%s\" (vq0, vq1, shutdown, detach)", name);
	if (*slot != BOARD_MBOX_NONE)
		return dt_fail(c, node, "mbox-names", -RPT_EFORMAT, "\"%s\" listed twice", name);
	if (chan >= ipcc->channels)
		return dt_fail(c, node, "mboxes", -RPT_ERANGE,
			       "entry %u: channel %u, the mailbox has %u (0 to %u)", i, chan,
			       ipcc->channels, ipcc->channels - 1);
	if (chan == mb->vq0 || chan == mb->vq1 || chan == mb->shutdown || chan == mb->detach)
		return dt_fail(c, node, "mboxes", -RPT_EFORMAT, "entry %u: channel %u used twice",
			       i, chan);
	*slot = chan;
	return 0;
}

/*
 * mboxes + mbox-names: optional, but both or neither, one entry per name.
 * The mailbox becomes the rproc's first peripheral.
 */
static int dt_parse_mailbox(struct dt_ctx *c, unsigned int r, int node, struct board_rproc *rp)
{
	struct board_mailbox *mb = &rp->mbox;
	const fdt32_t *cells;
	const char *names;
	unsigned int i, n;
	int len, nlen, ret;

	mb->vq0 = mb->vq1 = mb->shutdown = mb->detach = BOARD_MBOX_NONE;
	c->mbox_node[r] = -1;
	cells = fdt_getprop(c->fdt, node, "mboxes", &len);
	if (!cells && len != -FDT_ERR_NOTFOUND)
		return dt_fail(c, node, "mboxes", -RPT_EFORMAT, "%s", fdt_strerror(len));
	ret = dt_strings(c, node, "mbox-names", cells != NULL, &names, &nlen, &n);
	if (ret)
		return ret;
	if (!cells) {
		if (n)
			return dt_fail(c, node, "mboxes", -RPT_EFORMAT,
				       "missing (mbox-names given)");
		return 0;
	}
	if ((size_t)len != (size_t)n * 8)
		return dt_fail(c, node, "mboxes", -RPT_EFORMAT,
			       "%d bytes, expected %u entries of <&mailbox channel> for mbox-names",
			       len, n);
	for (i = 0; i < n; i++) {
		ret = dt_parse_mbox_entry(c, node, i, cells + 2 * (size_t)i,
					  dt_string_at(names, nlen, i), &c->mbox_node[r], mb,
					  &rp->periphs[0]);
		if (ret)
			return ret;
	}
	c->periph_node[r][0] = c->mbox_node[r];
	rp->num_periphs = 1;
	return 0;
}

/*
 * rproc,peripherals: phandles of the other peripheral nodes the coprocessor
 * sees (the mailbox is reached through mboxes, not listed here).
 */
static int dt_parse_periphs(struct dt_ctx *c, unsigned int r, int node, struct board_rproc *rp)
{
	static const char prop[] = "rproc,peripherals";
	char path[DT_PATH_MAX];
	const fdt32_t *ph;
	unsigned int i, j, n;
	int len, target, ret;

	ph = fdt_getprop(c->fdt, node, prop, &len);
	if (!ph)
		return len == -FDT_ERR_NOTFOUND
			       ? 0
			       : dt_fail(c, node, prop, -RPT_EFORMAT, "%s", fdt_strerror(len));
	if (len == 0 || len % 4)
		return dt_fail(c, node, prop, -RPT_EFORMAT,
			       "%d bytes, not a non-empty list of 32-bit phandles", len);
	n = (unsigned int)len / 4;
	if (n > BOARD_MAX_PERIPHS - rp->num_periphs)
		return dt_fail(c, node, prop, -RPT_EFORMAT, "%u peripherals, at most %u here", n,
			       BOARD_MAX_PERIPHS - rp->num_periphs);
	for (i = 0; i < n; i++) {
		uint32_t phandle = fdt32_ld(&ph[i]);
		unsigned int k = rp->num_periphs;

		target = fdt_node_offset_by_phandle(c->fdt, phandle);
		if (target < 0)
			return dt_fail(c, node, prop, -RPT_EFORMAT,
				       "entry %u: phandle 0x%x points to no node", i, phandle);
		for (j = 0; j < k; j++)
			if (c->periph_node[r][j] == target)
				return dt_fail(c, node, prop, -RPT_EFORMAT,
					       "entry %u: %s listed twice (or also in mboxes)", i,
					       dt_path(c, target, path, sizeof(path)));
		ret = dt_parse_periph(c, target, &rp->periphs[k]);
		if (ret)
			return ret;
		if (rp->periphs[k].kind == BOARD_PERIPH_IPCC)
			return dt_fail(c, node, prop, -RPT_EFORMAT,
				       "entry %u: the IPCC %s is the mailbox: reference it with "
				       "mboxes",
				       i, dt_path(c, target, path, sizeof(path)));
		c->periph_node[r][k] = target;
		rp->num_periphs++;
	}
	return 0;
}

/* A policy path: absolute, or joined to the board file's directory. */
static int dt_policy_path(const struct dt_ctx *c, int node, const char *prop, const char *in,
			  char out[BOARD_PATH_MAX])
{
	int n;

	if (in[0] == '/' || !c->base_dir || !c->base_dir[0])
		n = snprintf(out, BOARD_PATH_MAX, "%s", in);
	else
		n = snprintf(out, BOARD_PATH_MAX, "%s/%s", c->base_dir, in);
	if (n < 0 || n >= BOARD_PATH_MAX)
		return dt_fail(c, node, prop, -ENAMETOOLONG,
			       "longer than %d bytes once resolved (\"%.32s...\")",
			       BOARD_PATH_MAX - 1, in);
	return 0;
}

/* trusted-keys: a string list of PEM public key paths. */
static int dt_parse_keys(const struct dt_ctx *c, int node, struct board_policy *pol)
{
	unsigned int i, n;
	const char *s;
	int len, ret;

	ret = dt_strings(c, node, "trusted-keys", false, &s, &len, &n);
	if (ret)
		return ret;
	if (n > BOARD_MAX_KEYS)
		return dt_fail(c, node, "trusted-keys", -RPT_EFORMAT, "%u keys, at most %d", n,
			       BOARD_MAX_KEYS);
	for (i = 0; i < n; i++) {
		ret = dt_policy_path(c, node, "trusted-keys", dt_string_at(s, len, i),
				     pol->trusted_keys[i]);
		if (ret)
			return ret;
	}
	pol->num_keys = n;
	return 0;
}

/* The secure-policy child of a TEE coprocessor. Absent: everything forbidden. */
static int dt_parse_policy(const struct dt_ctx *c, int rnode, bool tee, struct board_policy *pol)
{
	char rollback[BOARD_PATH_MAX];
	int node, ret;

	node = fdt_subnode_offset(c->fdt, rnode, "secure-policy");
	if (node == -FDT_ERR_NOTFOUND)
		return 0;
	if (node < 0)
		return dt_fail(c, rnode, "secure-policy", -RPT_EFORMAT, "%s", fdt_strerror(node));
	if (!tee)
		return dt_fail(c, node, "secure-policy", -RPT_EFORMAT,
			       "only a TEE coprocessor has a secure-world policy");
	ret = dt_bool(c, node, "coredump-allowed", &pol->coredump_allowed);
	if (!ret)
		ret = dt_bool(c, node, "coredump-secure-memories", &pol->coredump_secure);
	/* Secure memories in dumps is a widening of coredump-allowed, never a dump by itself. */
	if (!ret && pol->coredump_secure && !pol->coredump_allowed)
		ret = dt_fail(c, node, "coredump-secure-memories", -RPT_EFORMAT,
			      "set without coredump-allowed");
	if (!ret)
		ret = dt_bool(c, node, "allow-unversioned", &pol->allow_unversioned);
	if (!ret)
		ret = dt_bool(c, node, "legacy-layout", &pol->legacy_layout);
	if (!ret)
		ret = dt_string(c, node, "rollback-state", false, rollback, sizeof(rollback));
	if (!ret && rollback[0])
		ret = dt_policy_path(c, node, "rollback-state", rollback, pol->rollback_state);
	if (!ret)
		ret = dt_parse_keys(c, node, pol);
	return ret;
}

/* compatible: the first entry this reader knows decides the path; none known is an error. */
static int dt_parse_compatible(const struct dt_ctx *c, int node, const struct dt_compat **out)
{
	unsigned int i, j, n;
	const char *s;
	int len, ret;

	ret = dt_strings(c, node, "compatible", true, &s, &len, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		const char *entry = dt_string_at(s, len, i);

		for (j = 0; j < sizeof(dt_compats) / sizeof(dt_compats[0]); j++) {
			if (!strcmp(entry, dt_compats[j].compatible)) {
				*out = &dt_compats[j];
				return 0;
			}
		}
	}
	return dt_fail(c, node, "compatible", -RPT_EFORMAT,
		       "unknown coprocessor \"%.64s\" (known: %s, %s, %s)", s,
		       dt_compats[0].compatible, dt_compats[1].compatible,
		       dt_compats[2].compatible);
}

/* cpu: optional, but must name the core the compatible describes. */
static int dt_parse_cpu(const struct dt_ctx *c, int node, const struct dt_compat *compat,
			struct board_rproc *rp)
{
	int ret;

	ret = dt_string(c, node, "cpu", false, rp->cpu, sizeof(rp->cpu));
	if (ret)
		return ret;
	if (!rp->cpu[0])
		snprintf(rp->cpu, sizeof(rp->cpu), "%s", compat->cpu);
	else if (strcmp(rp->cpu, compat->cpu) != 0)
		return dt_fail(c, node, "cpu", -RPT_EFORMAT, "\"%s\", but %s is a %s", rp->cpu,
			       compat->compatible, compat->cpu);
	return 0;
}

/* Core clocks of the parts the compatibles describe (STM32MP15 M4, STM32MP25 M33). */
#define DT_CLOCK_M4_HZ	209000000u
#define DT_CLOCK_M33_HZ 400000000u

/*
 * clock-frequency: optional, one or two cells (the binding allows a 64-bit
 * value); the core counts SysTick at it, so it must be non-zero and fit 32 bits.
 */
static int dt_parse_clock(const struct dt_ctx *c, int node, struct board_rproc *rp)
{
	const fdt32_t *v;
	uint64_t hz;
	int len;

	v = fdt_getprop(c->fdt, node, "clock-frequency", &len);
	if (!v) {
		if (len != -FDT_ERR_NOTFOUND)
			return dt_fail(c, node, "clock-frequency", -RPT_EFORMAT, "%s",
				       fdt_strerror(len));
		rp->clock_hz = strcmp(rp->cpu, "cortex-m33") ? DT_CLOCK_M4_HZ : DT_CLOCK_M33_HZ;
		return 0;
	}
	if (len == 4)
		hz = fdt32_ld(v);
	else if (len == 8)
		hz = (uint64_t)fdt32_ld(v) << 32 | fdt32_ld(v + 1);
	else
		return dt_fail(c, node, "clock-frequency", -RPT_EFORMAT,
			       "%d bytes, expected one or two 32-bit cells", len);
	if (!hz || hz > UINT32_MAX)
		return dt_fail(c, node, "clock-frequency", -RPT_EFORMAT,
			       "%llu Hz (expected 1 to %u)", (unsigned long long)hz, UINT32_MAX);
	rp->clock_hz = (uint32_t)hz;
	return 0;
}

/* Node and property of memory i of rproc r, for overlap messages. */
static int dt_overlap_fail(const struct dt_ctx *c, unsigned int r, unsigned int i, unsigned int r2,
			   unsigned int j, bool device)
{
	char other[DT_PATH_MAX], owner[DT_PATH_MAX];
	int node = c->mem_node[r][i];

	dt_path(c, c->mem_node[r2][j], other, sizeof(other));
	dt_path(c, c->rproc_node[r2], owner, sizeof(owner));
	return dt_fail(c, node, device ? dt_da_prop(c, node) : "reg", -RPT_ERANGE,
		       "%s range overlaps %s (memory of %s)", device ? "device" : "physical", other,
		       owner);
}

/*
 * No two memories may share a byte: device ranges within one coprocessor
 * (the address decides the memory), physical ranges anywhere (one secure
 * memory must not be reachable as another, shared one).
 */
static int dt_check_overlaps(const struct dt_ctx *c, const struct board *b, unsigned int r)
{
	const struct board_rproc *rp = &b->rprocs[r];
	unsigned int i, j, r2;

	for (i = 0; i < rp->num_mems; i++) {
		const struct board_memory *m = &rp->mems[i];

		for (r2 = 0; r2 <= r; r2++) {
			const struct board_rproc *o = &b->rprocs[r2];
			unsigned int end = r2 == r ? i : o->num_mems;

			for (j = 0; j < end; j++) {
				if (ranges_overlap(m->pa, m->size, o->mems[j].pa, o->mems[j].size))
					return dt_overlap_fail(c, r, i, r2, j, false);
				if (r2 == r &&
				    ranges_overlap(m->da, m->size, o->mems[j].da, o->mems[j].size))
					return dt_overlap_fail(c, r, i, r2, j, true);
			}
		}
	}
	return 0;
}

/* A peripheral's registers, mapped by whole pages of the coprocessor's address space. */
static uint32_t periph_pages(const struct board_periph *p)
{
	return (uint32_t)(((uint64_t)p->size + 0xFFFu) & ~(uint64_t)0xFFFu);
}

/*
 * No peripheral's registers may share a byte with a memory of the
 * coprocessor (device or physical range), nor a page with another peripheral.
 */
static int dt_check_periphs(const struct dt_ctx *c, const struct board_rproc *rp, unsigned int r)
{
	char other[DT_PATH_MAX];
	unsigned int i, j;

	for (i = 0; i < rp->num_periphs; i++) {
		const struct board_periph *p = &rp->periphs[i];
		int node = c->periph_node[r][i];

		for (j = 0; j < rp->num_mems; j++) {
			const struct board_memory *m = &rp->mems[j];

			if (ranges_overlap(p->pa, p->size, m->pa, m->size) ||
			    ranges_overlap(p->da, periph_pages(p), m->da, m->size))
				return dt_fail(c, node, "reg", -RPT_ERANGE,
					       "registers overlap memory %s",
					       dt_path(c, c->mem_node[r][j], other, sizeof(other)));
		}
		for (j = 0; j < i; j++)
			if (ranges_overlap(p->da, periph_pages(p), rp->periphs[j].da,
					   periph_pages(&rp->periphs[j])))
				return dt_fail(
					c, node, "reg", -RPT_ERANGE,
					"registers share a 4 KiB page with %s",
					dt_path(c, c->periph_node[r][j], other, sizeof(other)));
	}
	return 0;
}

/* Memories a normal-world loader could not use: secure ones need the TEE path. */
static int dt_check_direct(const struct dt_ctx *c, const struct board_rproc *rp, unsigned int r)
{
	unsigned int i;

	if (rp->tee)
		return 0;
	for (i = 0; i < rp->num_mems; i++)
		if (rp->mems[i].secure)
			return dt_fail(c, c->mem_node[r][i], "rproc,secure", -RPT_EFORMAT,
				       "secure memory used by %s, which has no TEE", rp->name);
	return 0;
}

/*
 * rproc,coredump = "disabled" | "enabled" | "inline" (default "disabled", as
 * Linux) and rproc,coredump-timeout-ms (how long recovery waits for an inline
 * dump to be read; default Linux's devcoredump 5 minutes).
 */
static int dt_parse_coredump(const struct dt_ctx *c, int node, struct board_rproc *rp)
{
	static const char *const modes[] = {"disabled", "enabled", "inline"};
	char mode[16];
	unsigned int i;
	int ret;

	rp->coredump = BOARD_COREDUMP_DISABLED;
	rp->coredump_timeout_ms = BOARD_COREDUMP_TIMEOUT_MS_DEFAULT;
	ret = dt_string(c, node, "rproc,coredump", false, mode, sizeof(mode));
	if (ret)
		return ret;
	if (mode[0]) {
		for (i = 0; i < 3 && strcmp(mode, modes[i]); i++)
			;
		if (i == 3)
			return dt_fail(c, node, "rproc,coredump", -RPT_EFORMAT,
				       "\"%s\" is not disabled, enabled or inline", mode);
		rp->coredump = (enum board_coredump)i;
	}
	ret = dt_u32(c, node, "rproc,coredump-timeout-ms", false, &rp->coredump_timeout_ms);
	if (ret == -ENOENT)
		return 0;
	if (!ret &&
	    (!rp->coredump_timeout_ms || rp->coredump_timeout_ms > BOARD_COREDUMP_TIMEOUT_MS_MAX))
		return dt_fail(c, node, "rproc,coredump-timeout-ms", -RPT_ERANGE,
			       "%u, expected 1 to %u", rp->coredump_timeout_ms,
			       BOARD_COREDUMP_TIMEOUT_MS_MAX);
	return ret;
}

/* rproc,recovery-limit = <count window-ms>: absent leaves the core's default. */
static int dt_parse_recovery_limit(const struct dt_ctx *c, int node, struct board_boot *bt)
{
	static const char prop[] = "rproc,recovery-limit";
	const fdt32_t *v;
	int len;

	v = fdt_getprop(c->fdt, node, prop, &len);
	if (!v)
		return len == -FDT_ERR_NOTFOUND
			       ? 0
			       : dt_fail(c, node, prop, -RPT_EFORMAT, "%s", fdt_strerror(len));
	if (len != 8)
		return dt_fail(c, node, prop, -RPT_EFORMAT,
			       "%d bytes, expected <count window-ms> (8 bytes)", len);
	bt->recovery_limit = fdt32_ld(&v[0]);
	bt->recovery_window_ms = fdt32_ld(&v[1]);
	if (bt->recovery_limit > BOARD_RECOVERY_LIMIT_MAX)
		return dt_fail(c, node, prop, -RPT_ERANGE, "count %u, at most %u",
			       bt->recovery_limit, BOARD_RECOVERY_LIMIT_MAX);
	if (bt->recovery_limit && !bt->recovery_window_ms)
		return dt_fail(c, node, prop, -RPT_ERANGE, "a count of %u needs a window > 0 ms",
			       bt->recovery_limit);
	bt->has_recovery_limit = true;
	return 0;
}

/*
 * rproc,boot-address: optional, default 0. A Cortex-M's VTOR keeps bits 31:7
 * only, so the address must be 128-byte aligned: a board naming another
 * one would start every firmware somewhere it did not say.
 */
static int dt_parse_boot_address(const struct dt_ctx *c, int node, const struct board_rproc *rp,
				 struct board_boot *bt)
{
	static const char prop[] = "rproc,boot-address";
	int ret;

	ret = dt_u32(c, node, prop, false, &bt->boot_addr);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	if (bt->boot_addr & ~SCB_VTOR_TBLOFF_MASK)
		return dt_fail(c, node, prop, -RPT_ERANGE,
			       "0x%08x is not 128-byte aligned as the core's VTOR needs",
			       bt->boot_addr);
	if (!board_find_memory(rp, bt->boot_addr, 8))
		return dt_fail(c, node, prop, -RPT_ERANGE,
			       "0x%08x: no memory of the coprocessor holds a vector table there",
			       bt->boot_addr);
	return 0;
}

/* st,auto-boot, rproc,boot-address, rproc,boot-loader-firmware, rproc,recovery-limit. */
static int dt_parse_boot(const struct dt_ctx *c, int node, const struct board_rproc *rp,
			 struct board_boot *bt)
{
	static const char fw_prop[] = "rproc,boot-loader-firmware";
	char fw[BOARD_PATH_MAX] = "";
	int ret;

	ret = dt_bool(c, node, "st,auto-boot", &bt->auto_boot);
	if (!ret)
		ret = dt_parse_boot_address(c, node, rp, bt);
	if (!ret)
		ret = dt_parse_recovery_limit(c, node, bt);
	if (!ret)
		ret = dt_string(c, node, fw_prop, false, fw, sizeof(fw));
	if (ret || !fw[0])
		return ret;
	/* Only the TA can tell a later daemon what runs: no attach without a TEE here. */
	if (!rp->tee)
		return dt_fail(c, node, fw_prop, -RPT_EFORMAT,
			       "only a TEE coprocessor can be started by the boot loader here");
	return dt_policy_path(c, node, fw_prop, fw, bt->loader_firmware);
}

/* One coprocessor node into b->rprocs[r]. */
static int dt_parse_rproc(struct dt_ctx *c, struct board *b, unsigned int r, int node)
{
	struct board_rproc *rp = &b->rprocs[r];
	const struct dt_compat *compat = NULL;
	int ret;

	c->rproc_node[r] = node;
	ret = dt_node_name(c, node, rp->name, sizeof(rp->name));
	if (!ret)
		ret = dt_parse_compatible(c, node, &compat);
	if (ret || !compat)
		return ret ? ret : -RPT_EFORMAT;
	snprintf(rp->compatible, sizeof(rp->compatible), "%s", compat->compatible);
	rp->tee = compat->tee;
	ret = dt_u32(c, node, "rproc,id", true, &rp->id);
	if (!ret)
		ret = dt_parse_cpu(c, node, compat, rp);
	if (!ret)
		ret = dt_parse_clock(c, node, rp);
	if (!ret) {
		ret = dt_u32(c, node, "rproc,watchdog-ms", false, &rp->watchdog_ms);
		ret = ret == -ENOENT ? 0 : ret;
	}
	if (!ret)
		ret = dt_parse_coredump(c, node, rp);
	if (!ret)
		ret = dt_parse_memories(c, r, node, rp);
	if (!ret)
		ret = dt_parse_mailbox(c, r, node, rp);
	if (!ret)
		ret = dt_parse_periphs(c, r, node, rp);
	if (!ret)
		ret = dt_parse_policy(c, node, rp->tee, &rp->policy);
	if (!ret)
		ret = dt_parse_boot(c, node, rp, &rp->boot);
	if (!ret)
		ret = dt_check_direct(c, rp, r);
	if (!ret)
		ret = dt_check_overlaps(c, b, r);
	if (!ret)
		ret = dt_check_periphs(c, rp, r);
	return ret;
}

/* A coprocessor node: a known compatible, or an rproc,id (a misspelt compatible is reported). */
static bool dt_is_rproc(const struct dt_ctx *c, int node)
{
	unsigned int j;

	if (fdt_getprop(c->fdt, node, "rproc,id", NULL))
		return true;
	for (j = 0; j < sizeof(dt_compats) / sizeof(dt_compats[0]); j++)
		if (!fdt_node_check_compatible(c->fdt, node, dt_compats[j].compatible))
			return true;
	return false;
}

/* No two coprocessors answer to the same rproc id. */
static int dt_check_id(const struct dt_ctx *c, const struct board *b, unsigned int r)
{
	char other[DT_PATH_MAX];
	unsigned int i;

	for (i = 0; i < r; i++)
		if (b->rprocs[i].id == b->rprocs[r].id)
			return dt_fail(c, c->rproc_node[r], "rproc,id", -RPT_EFORMAT,
				       "%u already used by %s", b->rprocs[r].id,
				       dt_path(c, c->rproc_node[i], other, sizeof(other)));
	return 0;
}

/* Every coprocessor node of the tree, in document order. */
static int dt_parse_rprocs(struct dt_ctx *c, struct board *b)
{
	int node, depth = 0, ret;

	for (node = fdt_next_node(c->fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(c->fdt, node, &depth)) {
		if (!dt_is_rproc(c, node))
			continue;
		if (b->num_rprocs == BOARD_MAX_RPROCS)
			return dt_fail(c, node, "rproc,id", -RPT_EFORMAT,
				       "more than %d coprocessors", BOARD_MAX_RPROCS);
		ret = dt_parse_rproc(c, b, b->num_rprocs, node);
		if (!ret)
			ret = dt_check_id(c, b, b->num_rprocs);
		if (ret)
			return ret;
		b->num_rprocs++;
	}
	if (node != -FDT_ERR_NOTFOUND)
		return rpt_error_set(c->err, -RPT_EFORMAT, "device tree: %s", fdt_strerror(node));
	if (!b->num_rprocs)
		return rpt_error_set(c->err, -RPT_EFORMAT,
				     "/: no coprocessor node (compatible \"%s\", \"%s\" or \"%s\")",
				     dt_compats[0].compatible, dt_compats[1].compatible,
				     dt_compats[2].compatible);
	return 0;
}

/* Header and structure checks on the private copy, before any property is read. */
static int dt_check_blob(const void *fdt, size_t size, struct rpt_error *err)
{
	int ret;

	if (size < sizeof(struct fdt_header))
		return rpt_error_set(err, -RPT_EFORMAT,
				     "device tree: %zu bytes, shorter than a header", size);
	ret = fdt_check_header(fdt);
	if (ret)
		return rpt_error_set(err, -RPT_EFORMAT, "device tree: bad header: %s",
				     fdt_strerror(ret));
	if (fdt_totalsize(fdt) > size)
		return rpt_error_set(err, -RPT_EFORMAT,
				     "device tree: totalsize %u larger than the %zu bytes given",
				     fdt_totalsize(fdt), size);
	ret = fdt_check_full(fdt, size);
	if (ret)
		return rpt_error_set(err, -RPT_EFORMAT, "device tree: malformed: %s",
				     fdt_strerror(ret));
	return 0;
}

int board_load_dtb(struct board *b, const void *dtb, size_t size, const char *base_dir,
		   struct rpt_error *err)
{
	struct board *nb = NULL;
	struct dt_ctx *c = NULL;
	void *fdt = NULL;
	int ret;

	if (!b || !dtb)
		return rpt_error_set(err, -EINVAL, "board_load_dtb: no board or no blob");
	if (size > BOARD_DTB_MAX)
		return rpt_error_set(err, -EFBIG, "device tree: %zu bytes, at most %zu accepted",
				     size, BOARD_DTB_MAX);
	/* A private copy: the caller's buffer may change while we read it. */
	fdt = malloc(size ? size : 1);
	nb = calloc(1, sizeof(*nb));
	c = calloc(1, sizeof(*c));
	if (!fdt || !nb || !c) {
		ret = rpt_error_set(err, -ENOMEM, "device tree: out of memory");
		goto out;
	}
	memcpy(fdt, dtb, size);
	ret = dt_check_blob(fdt, size, err);
	if (ret)
		goto out;
	c->fdt = fdt;
	c->base_dir = base_dir;
	c->err = err;
	ret = dt_string(c, 0, "model", false, nb->model, sizeof(nb->model));
	if (!ret)
		ret = dt_parse_rprocs(c, nb);
	if (!ret)
		*b = *nb;
out:
	free(c);
	free(nb);
	free(fdt);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* Board files: .dtb read as is, .dts compiled by dtc first.                */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* In the child: dtc with stdin from /dev/null and stderr into the pipe. Never returns. */
static void dtc_exec(const char *src, const char *out, int errfd)
{
	static const char msg[] = "cannot execute dtc\n";
	char *argv[] = {"dtc", "-q",	    "-I", "dts",       "-O", "dtb",
			"-o",  (char *)out, "--", (char *)src, NULL};
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
	    dup2(errfd, STDERR_FILENO) < 0)
		_exit(126);
	execvp("dtc", argv);
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(127);
	_exit(127);
}

/* Read the child's stderr to EOF, keeping the start as one line. */
static void dtc_collect(int fd, char *msg, size_t size)
{
	char chunk[256];
	size_t used = 0, i;
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n && used + 1 < size; i++)
			msg[used++] = chunk[i] == '\n' || chunk[i] == '\r' ? ' ' : chunk[i];
	}
	while (used && msg[used - 1] == ' ')
		used--;
	msg[used] = '\0';
	if (!printable(msg, used))
		snprintf(msg, size, "(unprintable output)");
}

/* Run `dtc -I dts -O dtb -o out -- src` without a shell; dtc's complaint goes into err. */
static int dtc_run(const char *src, const char *out, struct rpt_error *err)
{
	char msg[DTC_MSG_MAX];
	int pipefd[2], status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return rpt_error_set(err, -errno, "%s: pipe: %s", src, strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return rpt_error_set(err, -e, "%s: fork: %s", src, strerror(e));
	}
	if (pid == 0)
		dtc_exec(src, out, pipefd[1]);
	close(pipefd[1]);
	dtc_collect(pipefd[0], msg, sizeof(msg));
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return rpt_error_set(err, -errno, "%s: waitpid: %s", src, strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return rpt_error_set(err, -RPT_EFORMAT, "%s: dtc failed (%s %d): %s", src,
				     WIFEXITED(status) ? "exit" : "signal",
				     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
				     msg[0] ? msg : "no message");
	return 0;
}

/* Compile a .dts into a private temporary file and read the blob back. */
static int dts_compile(const char *src, uint8_t **data, size_t *size, struct rpt_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char out[PATH_MAX];
	int fd, ret;

	if (!tmp || !tmp[0])
		tmp = "/tmp";
	ret = snprintf(out, sizeof(out), "%s/rpt-board-XXXXXX.dtb", tmp);
	if (ret < 0 || (size_t)ret >= sizeof(out))
		return rpt_error_set(err, -ENAMETOOLONG, "%s: TMPDIR too long", src);
	fd = mkostemps(out, 4, O_CLOEXEC);
	if (fd < 0)
		return rpt_error_set(err, -errno, "%s: temporary file in %s: %s", src, tmp,
				     strerror(errno));
	ret = dtc_run(src, out, err);
	if (!ret)
		ret = rpt_read_file(out, data, size, err);
	unlink(out);
	close(fd);
	return ret;
}

/* The absolute directory holding path, into dir[PATH_MAX]. */
static int board_dir(const char *path, char *dir, struct rpt_error *err)
{
	const char *slash = strrchr(path, '/');
	char parent[PATH_MAX];

	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == path)
		snprintf(parent, sizeof(parent), "/");
	else if ((size_t)(slash - path) < sizeof(parent))
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	else
		return rpt_error_set(err, -ENAMETOOLONG, "%s: path too long", path);
	if (!realpath(parent, dir))
		return rpt_error_set(err, -errno, "%s: directory %s: %s", path, parent,
				     strerror(errno));
	return 0;
}

int board_load_file(struct board *b, const char *path, struct rpt_error *err)
{
	char dir[PATH_MAX];
	uint8_t *data = NULL;
	size_t size = 0;
	int ret;

	if (!b || !path)
		return rpt_error_set(err, -EINVAL, "board_load_file: no board or no path");
	ret = board_dir(path, dir, err);
	if (ret)
		return ret;
	if (has_suffix(path, ".dts"))
		ret = dts_compile(path, &data, &size, err);
	else
		ret = rpt_read_file(path, &data, &size, err);
	if (ret)
		goto out;
	ret = board_load_dtb(b, data, size, dir, err);
	if (ret)
		rpt_error_prefix(err, "%s: ", path);
out:
	free(data);
	return ret;
}
