// SPDX-License-Identifier: BSD-2-Clause
/*
 * Address services of the platform layer: device address -> memory, host
 * pointer, physical address; loading a segment with its hash checked on the
 * copy; filling memory. Every range must lie wholly inside one memory: a range
 * across two adjacent memories is refused like one past the end, because the
 * memories need not be adjacent on the host (separate mappings).
 */
#include "secure/platform/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/safe_math.h"
#include "crypto/crypto.h"

struct plat_memory *plat_find_memory(struct plat_rproc *rp, uint32_t da, uint32_t size)
{
	const struct board_memory *m = board_find_memory(rp->desc, da, size);
	unsigned int i;

	if (!m)
		return NULL;
	/* rp->mems[] mirrors desc->mems[]; find the mapping of that description. */
	for (i = 0; i < rp->num_mems; i++)
		if (rp->mems[i].desc == m)
			return &rp->mems[i];
	return NULL;
}

/*
 * Say why [da, da + size) was refused, naming the memory it starts in if any
 * (a full list of memories would not fit one message).
 */
static int range_error(struct plat_rproc *rp, const char *what, uint32_t da, uint32_t size,
		       struct rpt_error *err)
{
	const struct board_memory *m = board_find_memory(rp->desc, da, 1);

	if (!m)
		return rpt_error_set(
			err, RPT_ERANGE,
			"rproc %u: %s [0x%08x, +0x%x) starts outside every memory of %s",
			rp->desc->id, what, da, size, rp->desc->name);
	if ((uint64_t)da + size > (uint64_t)UINT32_MAX + 1)
		return rpt_error_set(err, RPT_ERANGE,
				     "rproc %u: %s [0x%08x, +0x%x) wraps past 0xffffffff",
				     rp->desc->id, what, da, size);
	return rpt_error_set(
		err, RPT_ERANGE,
		"rproc %u: %s [0x%08x, +0x%x) starts in memory %s [0x%08x, +0x%x) but runs past its end",
		rp->desc->id, what, da, size, m->name, m->da, m->size);
}

uint8_t *plat_da_to_va(struct plat_rproc *rp, uint32_t da, uint32_t size)
{
	struct plat_memory *m = plat_find_memory(rp, da, size);

	if (!m)
		return NULL;
	return m->host + (da - m->desc->da);
}

int plat_da_to_pa(struct plat_rproc *rp, uint32_t da, uint32_t size, uint64_t *pa,
		  struct rpt_error *err)
{
	struct plat_memory *m = plat_find_memory(rp, da, size);

	if (!m)
		return range_error(rp, "range", da, size, err);
	/* No overflow: platform_init checked pa + size of every memory. */
	*pa = m->desc->pa + (da - m->desc->da);
	return 0;
}

bool plat_da_is_shared(struct plat_rproc *rp, uint32_t da, uint32_t size)
{
	struct plat_memory *m = plat_find_memory(rp, da, size);

	return m && !m->desc->secure;
}

int plat_check_segment(struct plat_rproc *rp, uint32_t da, uint32_t memsz, struct rpt_error *err)
{
	struct plat_memory *m = plat_find_memory(rp, da, memsz);

	if (!m)
		return range_error(rp, "segment", da, memsz, err);
	if (!m->desc->loadable)
		return rpt_error_set(
			err, RPT_ERANGE,
			"rproc %u: segment [0x%08x, +0x%x) is in memory %s, which takes no firmware",
			rp->desc->id, da, memsz, m->desc->name);
	return 0;
}

/*
 * Copy and hash in chunks that stay in the cache between the two: the hash
 * reads the copy it just wrote, not memory (one pass over the image instead of
 * two). Small enough for any L2, large enough that the per-call cost vanishes.
 */
#define PLAT_LOAD_CHUNK (64 * 1024)

/* Copy src into dst, hashing the copy (dst) chunk by chunk. */
static int copy_and_hash(uint8_t *dst, const uint8_t *src, uint32_t size,
			 uint8_t got[CRYPTO_SHA256_SIZE])
{
	struct crypto_sha256 h;
	uint32_t off, n;
	int ret;

	ret = crypto_sha256_init(&h);
	if (ret)
		return ret;
	for (off = 0; off < size; off += n) {
		n = size - off < PLAT_LOAD_CHUNK ? size - off : PLAT_LOAD_CHUNK;
		memcpy(dst + off, src + off, n);
		/* Hash what the coprocessor will run, never src: src may change after the copy. */
		ret = crypto_sha256_update(&h, dst + off, n);
		if (ret) {
			crypto_sha256_abort(&h);
			return ret;
		}
	}
	return crypto_sha256_final(&h, got);
}

int plat_load_segment(struct plat_rproc *rp, uint32_t da, const void *src, uint32_t size,
		      const uint8_t hash[32], struct rpt_error *err)
{
	uint8_t got[CRYPTO_SHA256_SIZE];
	uint8_t *dst;
	int ret;

	ret = plat_check_segment(rp, da, size, err);
	if (ret)
		return ret;
	if (size && !src)
		return rpt_error_set(err, EINVAL, "rproc %u: segment 0x%08x: no source bytes",
				     rp->desc->id, da);
	dst = plat_da_to_va(rp, da, size);
	ret = copy_and_hash(dst, src, size, got);
	if (ret) {
		ret = rpt_error_set(err, ret, "rproc %u: segment 0x%08x: cannot hash it",
				    rp->desc->id, da);
		goto out_wipe;
	}
	if (CRYPTO_memcmp(got, hash, sizeof(got))) {
		ret = rpt_error_set(
			err, RPT_EHASH,
			"rproc %u: segment [0x%08x, +0x%x): SHA-256 of the loaded bytes differs from the signed hash",
			rp->desc->id, da, size);
		goto out_wipe;
	}
	return 0;

out_wipe:
	/* No unauthenticated byte stays in coprocessor memory. */
	memset(dst, 0, size);
	return ret;
}

int plat_set_memory(struct plat_rproc *rp, uint32_t da, uint32_t size, uint8_t value,
		    struct rpt_error *err)
{
	uint8_t *dst = plat_da_to_va(rp, da, size);

	if (!dst)
		return range_error(rp, "fill", da, size, err);
	memset(dst, value, size);
	return 0;
}

/*
 * Give [off, off + len) of memory m back (zero for every holder of the memfd);
 * false if that is not possible.
 */
static bool punch(struct plat_memory *m, uint64_t off, uint64_t len)
{
	if (!len)
		return true;
	return m->fd >= 0 && !fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					(off_t)off, (off_t)len);
}

/*
 * The next range of keep[] (clipped to memory m) starting at or after `from`,
 * lowest first: false if none. O(n) per call, n <= a load's segments.
 */
static bool next_kept(const struct plat_memory *m, const struct plat_range *keep,
		      unsigned int num_keep, uint64_t from, uint64_t *start, uint64_t *end)
{
	uint64_t lo = m->desc->da, hi = lo + m->desc->size;
	bool found = false;
	unsigned int i;

	for (i = 0; i < num_keep; i++) {
		uint64_t s = keep[i].da, e = s + keep[i].size;

		if (s < lo)
			s = lo;
		if (e > hi)
			e = hi;
		if (s >= e || e <= from)
			continue;
		if (s < from)
			s = from;
		if (!found || s < *start) {
			*start = s;
			*end = e;
			found = true;
		}
	}
	return found;
}

/* Zero memory m whole: the kept ranges in place, the gaps between them punched. */
static void wipe_memory(struct plat_memory *m, const struct plat_range *keep, unsigned int num_keep)
{
	uint64_t base = m->desc->da, cur = base, end = base + m->desc->size, s = 0, e = 0;
	bool punched = true;

	while (cur < end) {
		if (!next_kept(m, keep, num_keep, cur, &s, &e))
			s = e = end;
		punched = punch(m, cur - base, s - cur) && punched;
		memset(m->host + (s - base), 0, (size_t)(e - s));
		cur = e;
	}
	/*
	 * Where punching is not possible, zero it through our mapping (a 32 MiB DDR
	 * then gets touched page by page: only without a memfd).
	 */
	if (!punched)
		memset(m->host, 0, m->desc->size);
}

void plat_wipe_secure(struct plat_rproc *rp, const struct plat_range *keep, unsigned int num_keep)
{
	unsigned int i;

	for (i = 0; i < rp->num_mems; i++) {
		struct plat_memory *m = &rp->mems[i];

		if (!m->desc->secure || !m->host)
			continue;
		wipe_memory(m, keep, num_keep);
	}
}
