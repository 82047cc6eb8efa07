// SPDX-License-Identifier: BSD-2-Clause
/* What Linux shows in debugfs beside the trace buffers: the table in use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "normal/core/remoteproc.h"

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
