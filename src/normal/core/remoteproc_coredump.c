// SPDX-License-Identifier: BSD-2-Clause
/*
 * Coredumps (Linux remoteproc_coredump.c): the driver's coredump op (the TEE
 * asks the TA), or by default an ELF core of the registered segments read
 * through the memories' mappings (direct-ELF processors).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/coredump.h"
#include "normal/core/remoteproc_internal.h"

int rproc_coredump_add_segment(struct rproc *rproc, uint32_t da, uint32_t size)
{
	struct rproc_dump_segment *segs;

	if (!size)
		return 0;
	if (rproc->num_dump_segs >= COREDUMP_MAX_SEGMENTS)
		return -ENOSPC;
	segs = realloc(rproc->dump_segs, (rproc->num_dump_segs + 1) * sizeof(*segs));
	if (!segs)
		return -ENOMEM;
	segs[rproc->num_dump_segs].da = da;
	segs[rproc->num_dump_segs].size = size;
	rproc->dump_segs = segs;
	rproc->num_dump_segs++;
	return 0;
}

void rproc_coredump_cleanup(struct rproc *rproc)
{
	free(rproc->dump_segs);
	rproc->dump_segs = NULL;
	rproc->num_dump_segs = 0;
}

void rproc_coredump_free(struct rproc *rproc)
{
	rproc_coredump_cleanup(rproc);
	free(rproc->dump);
	rproc->dump = NULL;
	rproc->dump_len = 0;
}

/* The default: every registered segment the normal world can read. */
static int default_coredump(struct rproc *rproc, uint8_t **dump, size_t *len, struct rpt_error *err)
{
	struct coredump_segment *segs;
	unsigned int i, n = 0;
	int ret;

	if (!rproc->num_dump_segs)
		return rpt_error_set(err, ENODATA, "no segment registered for a coredump");
	segs = calloc(rproc->num_dump_segs, sizeof(*segs));
	if (!segs)
		return rpt_error_set(err, ENOMEM, "out of memory");
	for (i = 0; i < rproc->num_dump_segs; i++) {
		const struct rproc_dump_segment *s = &rproc->dump_segs[i];
		void *va = rproc_da_to_va(rproc, s->da, s->size);

		if (!va) {
			rproc_log(rproc, RPROC_LOG_WARN,
				  "coredump: segment da 0x%x size 0x%x not mapped, left out", s->da,
				  s->size);
			continue;
		}
		segs[n].da = s->da;
		segs[n].size = s->size;
		segs[n].data = va;
		n++;
	}
	if (!n)
		ret = rpt_error_set(err, ENODATA, "no readable segment to dump");
	else
		ret = coredump_build(segs, n, dump, len, err);
	free(segs);
	return ret;
}

void rproc_do_coredump(struct rproc *rproc)
{
	struct rpt_error e = {0};
	uint8_t *dump = NULL;
	size_t len = 0;
	int ret;

	if (rproc->dump_conf == RPROC_COREDUMP_DISABLED)
		return;
	if (rproc->ops->coredump)
		ret = rproc->ops->coredump(rproc, &dump, &len, &e);
	else
		ret = default_coredump(rproc, &dump, &len, &e);
	if (!ret && (!dump || !len)) {
		free(dump);
		ret = rpt_error_set(&e, ENODATA, "the dump is empty");
	}
	if (ret) {
		/* A missing dump must not stop the recovery: say so and go on. */
		rproc_log(rproc, RPROC_LOG_WARN, "coredump failed: %s",
			  e.code ? rpt_error_msg(&e) : strerror(ret < 0 ? -ret : EIO));
		return;
	}
	free(rproc->dump);
	rproc->dump = dump;
	rproc->dump_len = len;
	rproc->stats.coredumps++;
	rproc_log(rproc, RPROC_LOG_INFO, "coredump of %s: %zu bytes", rproc->name, len);
}
