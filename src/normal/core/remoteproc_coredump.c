// SPDX-License-Identifier: BSD-2-Clause
/*
 * Coredumps (Linux remoteproc_coredump.c): the driver's coredump op (the TEE
 * asks the TA), or by default an ELF core of the registered segments read
 * through the memories' mappings (direct-ELF processors).
 *
 * Modes as Linux's debugfs "coredump": disabled (the default), enabled (the
 * dump is kept, recovery goes on) and inline: recovery waits, holding the
 * rproc's lock as Linux does, until the dump has been read
 * (rproc_get_coredump, the daemon's `dump`) or the timeout passes (Linux's
 * devcoredump drops an unread dump after 5 minutes, which ends its wait).
 * The kept dump has a lock of its own so that it can be read meanwhile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int rproc_coredump_init(struct rproc *rproc)
{
	pthread_condattr_t attr;
	int ret;

	if (pthread_mutex_init(&rproc->dump_lock, NULL))
		return -ENOMEM;
	/* The inline wait is measured on the monotonic clock: a clock change cannot cut it. */
	ret = pthread_condattr_init(&attr);
	if (!ret) {
		ret = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		if (!ret)
			ret = pthread_cond_init(&rproc->dump_cond, &attr);
		pthread_condattr_destroy(&attr);
	}
	if (ret) {
		pthread_mutex_destroy(&rproc->dump_lock);
		return -ENOMEM;
	}
	return 0;
}

void rproc_coredump_cancel(struct rproc *rproc, bool cancel)
{
	pthread_mutex_lock(&rproc->dump_lock);
	rproc->dump_cancel = cancel;
	pthread_cond_broadcast(&rproc->dump_cond);
	pthread_mutex_unlock(&rproc->dump_lock);
}

void rproc_coredump_free(struct rproc *rproc)
{
	rproc_coredump_cleanup(rproc);
	free(rproc->dump);
	rproc->dump = NULL;
	rproc->dump_len = 0;
	pthread_cond_destroy(&rproc->dump_cond);
	pthread_mutex_destroy(&rproc->dump_lock);
}

void rproc_set_coredump_timeout(struct rproc *rproc, unsigned int ms)
{
	pthread_mutex_lock(&rproc->dump_lock);
	rproc->dump_timeout_ms = ms;
	pthread_mutex_unlock(&rproc->dump_lock);
}

int rproc_get_coredump(struct rproc *rproc, uint8_t **dump, size_t *len)
{
	int ret = 0;

	*dump = NULL;
	*len = 0;
	pthread_mutex_lock(&rproc->dump_lock);
	if (!rproc->dump) {
		ret = -ENOENT;
	} else {
		*dump = malloc(rproc->dump_len);
		if (!*dump) {
			ret = -ENOMEM;
		} else {
			memcpy(*dump, rproc->dump, rproc->dump_len);
			*len = rproc->dump_len;
			/* Read: a recovery waiting for this inline dump goes on. */
			rproc->dump_unread = false;
			pthread_cond_broadcast(&rproc->dump_cond);
		}
	}
	pthread_mutex_unlock(&rproc->dump_lock);
	return ret;
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
			rproc_log(rproc, RPT_LOG_WARN,
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
		ret = coredump_build(segs, n, NULL, dump, len, err);
	free(segs);
	return ret;
}

/* Linux's wait_for_completion(&dump_state.dump_done), bounded by the devcoredump timeout. */
static void wait_inline_read(struct rproc *rproc)
{
	struct timespec until;
	bool read, cancelled;
	unsigned int ms;
	int ret = 0;

	pthread_mutex_lock(&rproc->dump_lock);
	ms = rproc->dump_timeout_ms ? rproc->dump_timeout_ms : RPROC_COREDUMP_TIMEOUT_MS;
	pthread_mutex_unlock(&rproc->dump_lock);
	rproc_log(rproc, RPT_LOG_INFO,
		  "inline coredump: recovery waits until it is read (at most %u.%03u s)", ms / 1000,
		  ms % 1000);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&rproc->dump_lock);
	while (rproc->dump_unread && !rproc->dump_cancel && ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&rproc->dump_cond, &rproc->dump_lock, &until);
	read = !rproc->dump_unread;
	cancelled = rproc->dump_cancel;
	rproc->dump_unread = false;
	pthread_mutex_unlock(&rproc->dump_lock);
	if (read)
		rproc_log(rproc, RPT_LOG_INFO, "inline coredump read: recovery goes on");
	else if (cancelled)
		rproc_log(rproc, RPT_LOG_WARN, "inline coredump not read: %s is being removed",
			  rproc->name);
	else
		rproc_log(rproc, RPT_LOG_WARN,
			  "inline coredump not read within %u ms: recovery goes on (the dump is "
			  "kept)",
			  ms);
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
		rproc_log(rproc, RPT_LOG_WARN, "coredump failed: %s",
			  e.code ? rpt_error_msg(&e) : rpt_strerror(ret < 0 ? ret : -EIO));
		return;
	}
	pthread_mutex_lock(&rproc->dump_lock);
	free(rproc->dump);
	rproc->dump = dump;
	rproc->dump_len = len;
	rproc->dump_unread = rproc->dump_conf == RPROC_COREDUMP_INLINE;
	pthread_mutex_unlock(&rproc->dump_lock);
	rproc->stats.coredumps++;
	rproc_log(rproc, RPT_LOG_INFO, "coredump of %s: %zu bytes", rproc->name, len);
	if (rproc->dump_conf == RPROC_COREDUMP_INLINE)
		wait_inline_read(rproc);
}
