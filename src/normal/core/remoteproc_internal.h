/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared between the core's files only (Linux remoteproc_internal.h). */
#ifndef RPT_NORMAL_REMOTEPROC_INTERNAL_H
#define RPT_NORMAL_REMOTEPROC_INTERNAL_H

#include "formats/rsc_table.h"
#include "normal/core/remoteproc.h"

/* What a handled resource-table entry became. */
enum rproc_rsc_kind {
	RPROC_RSC_CARVEOUT, /* memory given to the firmware */
	RPROC_RSC_DEVMEM,   /* a device range mapped for the firmware */
	RPROC_RSC_TRACE,    /* a trace buffer we can read */
	RPROC_RSC_VDEV,	    /* a virtio device */
	RPROC_RSC_VRING,    /* one vring of a vdev */
};

/*
 * One handled resource (Linux keeps carveouts, mappings, traces and rvdevs in
 * separate lists; one list, most recent first, releases them in reverse order).
 */
struct rproc_rsc {
	enum rproc_rsc_kind kind;	/* what it is */
	unsigned int index;		/* trace number, vdev number, or vring number in its vdev */
	unsigned int vdev;		/* a vring's vdev number */
	char name[RSC_NAME_SIZE];	/* the entry's name (NUL-terminated copy) */
	uint32_t da;			/* device address given */
	uint32_t len;			/* bytes */
	uint64_t pa;			/* physical address */
	void *va;			/* host mapping, NULL if none */
	const struct rproc_memory *mem; /* memory it lies in */
	bool owns;			/* [da, da + len) is taken: allocations avoid it */
	bool claims_mem;		/* matched its memory by name: no other entry may */
	size_t rsc_offset;		/* offset of the entry's body in the table */
	int notifyid;			/* a vring's notify id, -1 otherwise */
	uint32_t num;			/* a vring's entries */
	uint32_t align;			/* a vring's used ring alignment */
	struct rproc_rsc *next;		/* older entry */
};

/* One range of the default coredump. */
struct rproc_dump_segment {
	uint32_t da;   /* device address */
	uint32_t size; /* bytes */
};

/* Start every sub-device (processor running, lock held); on failure the started ones stop. */
int rproc_start_subdevices(struct rproc *rproc);
/* Stop every sub-device, last started first (lock held). */
void rproc_stop_subdevices(struct rproc *rproc, bool crashed);

/* Handle every entry of rproc->table_ptr (validated first); err says which failed. */
int rproc_handle_resources(struct rproc *rproc, struct rpt_error *err);
/* Forget every handled resource and the coredump segments. */
void rproc_resource_cleanup(struct rproc *rproc);
/*
 * Take a coredump as rproc->dump_conf says (never fails the caller: logs
 * instead). Inline: then wait, lock held as Linux holds it, until the dump is
 * read, the timeout passes or rproc_coredump_cancel() is called.
 */
void rproc_do_coredump(struct rproc *rproc);
/* The dump lock and condition (rproc_alloc). 0 or -ENOMEM. */
int rproc_coredump_init(struct rproc *rproc);
/* End any inline wait now (cancel = true: rproc_del) or allow waits again (false: rproc_add). */
void rproc_coredump_cancel(struct rproc *rproc, bool cancel);
/* Free the kept coredump, the segment list and the dump lock. */
void rproc_coredump_free(struct rproc *rproc);
/* Format and log "remoteproc<N>: <step> failed: <reason>", keep it as the last error. */
int rproc_fail(struct rproc *rproc, const char *step, int ret, const struct rpt_error *err);

#endif
