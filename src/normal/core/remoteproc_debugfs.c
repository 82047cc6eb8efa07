// SPDX-License-Identifier: BSD-2-Clause
/*
 * What Linux shows in debugfs beside the trace buffers: the table in use and
 * the carveout memories.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "normal/core/remoteproc_internal.h"

int rproc_get_rsc_table(struct rproc *rproc, void **copy, size_t *len)
{
	void *buf = NULL;
	int ret = -ENOENT;

	pthread_mutex_lock(&rproc->lock);
	if (rproc->table_ptr && rproc->table_sz) {
		buf = malloc(rproc->table_sz);
		ret = buf ? 0 : -ENOMEM;
		if (buf) {
			memcpy(buf, rproc->table_ptr, rproc->table_sz);
			*len = rproc->table_sz;
		}
	}
	pthread_mutex_unlock(&rproc->lock);
	*copy = buf;
	return ret;
}

/* One entry in the layout of Linux rproc_carveouts_show(). */
static void carveout_entry(FILE *f, const char *name, uint64_t pa, uint32_t da, size_t len)
{
	fputs("Carveout memory entry:\n", f);
	fprintf(f, "\tName: %s\n", name);
	/* %pK as an unprivileged reader sees it: a host address is nobody's business. */
	fputs("\tVirtual address: 0000000000000000\n", f);
	fprintf(f, "\tDMA address: 0x%016llx\n", (unsigned long long)pa);
	fprintf(f, "\tDevice address: 0x%x\n", da);
	fprintf(f, "\tLength: 0x%zx Bytes\n\n", len);
}

/* Carveouts and vrings in the order they were handled (the list is most recent first). */
static void show_allocations(FILE *f, const struct rproc_rsc *r)
{
	if (!r)
		return;
	show_allocations(f, r->next);
	/* A memory matched by name is already listed as itself. */
	if ((r->kind == RPROC_RSC_CARVEOUT || r->kind == RPROC_RSC_VRING) && !r->claims_mem)
		carveout_entry(f, r->name, r->pa, r->da, r->len);
}

void rproc_carveouts_show(struct rproc *rproc, FILE *f)
{
	unsigned int i;

	pthread_mutex_lock(&rproc->lock);
	/*
	 * Linux's list holds the memories the driver registers at prepare (the
	 * board's reserved memories) and what resource handling allocated on
	 * top, until the processor is shut down: empty while offline.
	 */
	if (rproc->prepared) {
		for (i = 0; i < rproc->num_mems; i++)
			carveout_entry(f, rproc->mems[i].name, rproc->mems[i].pa, rproc->mems[i].da,
				       rproc->mems[i].size);
		show_allocations(f, rproc->rsc);
	}
	pthread_mutex_unlock(&rproc->lock);
}
