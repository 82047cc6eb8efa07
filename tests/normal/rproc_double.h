/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A recording test double for struct rproc_ops: every op appends its name to
 * a log ("sanity_check prepare ..."), and any op can be made to fail on its
 * n-th call. The "firmware" is a resource table built by the test: load
 * copies it pristine into the double's device memory (as a real load would),
 * parse_fw caches it, find/get_loaded_rsc_table point at the loaded copy.
 */
#ifndef RPT_TESTS_RPROC_DOUBLE_H
#define RPT_TESTS_RPROC_DOUBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "normal/core/remoteproc.h"

/* Device memory of the double: mcuram2 + the vdev memories, one host buffer. */
#define DBL_SHARED_DA	0x10000000u
#define DBL_SHARED_SIZE 0x46000u
#define DBL_TABLE_DA	0x10000000u /* where load puts the resource table */
#define DBL_TRACE_DA	0x10030000u /* a trace buffer location in mcuram2 */
#define DBL_VRING0_DA	0x10040000u
#define DBL_VRING1_DA	0x10041000u
#define DBL_VBUF_DA	0x10042000u

#define DBL_LOG_MAX   128
#define DBL_LINES_MAX 64

struct dbl {
	struct rproc *rproc;	     /* the rproc under test */
	char calls[DBL_LOG_MAX][32]; /* op names, in call order */
	unsigned int ncalls;
	char lines[DBL_LINES_MAX][RPT_ERROR_MSG_MAX + 160]; /* log lines of the rproc */
	unsigned int nlines;
	const char *fail_op;	   /* op to fail ("load", ..., "request_firmware") or NULL */
	unsigned int fail_at;	   /* fail its fail_at-th call (1-based; 0 = every call) */
	unsigned int op_count[32]; /* calls per op so far (for fail_at) */
	uint8_t *table;		   /* the firmware's resource table (owned) */
	size_t table_len;	   /* 0: the firmware has no table */
	uint8_t *shared;	   /* host buffer behind DBL_SHARED_DA */
	uint8_t fw_bytes[64];	   /* what the loader hands out */
	bool default_coredump;	   /* load registers a segment for the core's default dump */
	int last_kick;		   /* vqid of the last kick */
};

/*
 * Create the double and its rproc (named "m4", memories retram (secure, no
 * mapping), mcuram2, vdev0vring0/1, vdev0buffer), not yet added. alt: alternate
 * boot. The caller may adjust it (table, memories, flags) then dbl_add().
 */
struct dbl *dbl_new(bool alt);
/* Same, with the ops of the double changed by the caller (e.g. without coredump). */
struct dbl *dbl_new_ops(bool alt, const struct rproc_ops *ops);
void dbl_add(struct dbl *d);
void dbl_free(struct dbl *d);
/* Give the firmware a resource table (copied). */
void dbl_set_table(struct dbl *d, const void *table, size_t len);
/* The ops log as one string: "sanity_check prepare ...". */
const char *dbl_calls(struct dbl *d);
void dbl_clear(struct dbl *d);
/* Fail the n-th call of op from now on (counts restart). */
void dbl_fail(struct dbl *d, const char *op, unsigned int nth);
/* True if a log line contains s. */
bool dbl_logged(struct dbl *d, const char *s);
/* Host pointer of a device address of the shared buffer. */
uint8_t *dbl_va(struct dbl *d, uint32_t da);
/* The table as loaded in device memory. */
uint8_t *dbl_loaded_table(struct dbl *d);

extern const struct rproc_ops dbl_ops;

/* ---- building resource tables ---- */

struct tbl {
	uint8_t buf[2048]; /* the table */
	size_t len;	   /* bytes used */
	unsigned int num;  /* entries */
	size_t off[16];	   /* offset of each entry's type word */
};

void tbl_init(struct tbl *t, unsigned int num_entries);
/* Each returns the offset of the entry's body in the table. */
size_t tbl_carveout(struct tbl *t, uint32_t da, uint32_t len, const char *name);
size_t tbl_devmem(struct tbl *t, uint32_t da, uint32_t pa, uint32_t len, const char *name);
size_t tbl_trace(struct tbl *t, uint32_t da, uint32_t len, const char *name);
/* An entry of any type with body_len zero bytes of body (vendor, unknown). */
size_t tbl_raw(struct tbl *t, uint32_t type, size_t body_len);
/* A vdev with nvrings vrings at da[i] (FW_RSC_ADDR_ANY allowed), num buffers, align. */
size_t tbl_vdev(struct tbl *t, unsigned int nvrings, const uint32_t *da, uint32_t num,
		uint32_t align);
/* The standard table of the m4-demo firmware: carveout vdev0buffer, trace0, rpmsg vdev. */
void tbl_demo(struct tbl *t, size_t *vdev_off);

#endif
