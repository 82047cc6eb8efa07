// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure platform layer: setting up and tearing down each coprocessor's
 * memories, keys and rollback state, signature verification and the link to
 * the coprocessor (start/stop). Address services are in memory.c, rollback
 * state in rollback.c.
 */
#include "secure/platform/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "board/board_dt.h" /* BOARD_COMPAT_M33_TEE: the platform that defines BOOTADDR */
#include "common/safe_math.h"
#include "coproc/armv7m_regs.h" /* VTOR alignment */
#include "formats/signed_image.h"
#include "secure/platform/plat_internal.h"

/* ---- checking the board before trusting its numbers ---- */

static bool str_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/*
 * Address arithmetic in memory.c relies on these: every memory non-empty,
 * inside the 32-bit device space and the 64-bit physical space, and no two
 * memories of one rproc overlapping (so that a device address names one).
 */
static int check_board_memory(const struct board_rproc *brp, unsigned int idx,
			      struct rpt_error *err)
{
	const struct board_memory *m = &brp->mems[idx];
	uint64_t pa_end;
	unsigned int j;

	if (!str_terminated(m->name, sizeof(m->name)))
		return rpt_error_set(err, EINVAL, "memory %u: name not terminated", idx);
	if (!m->size)
		return rpt_error_set(err, EINVAL, "memory %s: size 0", m->name);
	if ((uint64_t)m->da + m->size > (uint64_t)UINT32_MAX + 1)
		return rpt_error_set(err, EINVAL,
				     "memory %s: device range 0x%08x + 0x%x runs past 0xffffffff",
				     m->name, m->da, m->size);
	if (add_overflow(m->pa, (uint64_t)m->size, &pa_end))
		return rpt_error_set(err, EINVAL, "memory %s: physical range 0x%llx + 0x%x wraps",
				     m->name, (unsigned long long)m->pa, m->size);
	for (j = 0; j < idx; j++) {
		const struct board_memory *o = &brp->mems[j];

		if (ranges_overlap(m->da, m->size, o->da, o->size))
			return rpt_error_set(
				err, EINVAL,
				"memory %s [0x%08x, +0x%x) overlaps memory %s [0x%08x, +0x%x)",
				m->name, m->da, m->size, o->name, o->da, o->size);
	}
	return 0;
}

static int check_board_rproc(const struct board *b, unsigned int idx, struct rpt_error *err)
{
	const struct board_rproc *brp = &b->rprocs[idx];
	const struct board_policy *pol = &brp->policy;
	unsigned int i;
	int ret;

	if (!str_terminated(brp->name, sizeof(brp->name)))
		return rpt_error_set(err, EINVAL, "rproc %u: name not terminated", brp->id);
	for (i = 0; i < idx; i++)
		if (b->rprocs[i].id == brp->id)
			return rpt_error_set(err, EINVAL, "rproc %u (%s): id used twice", brp->id,
					     brp->name);
	if (brp->num_mems > BOARD_MAX_MEMS || pol->num_keys > BOARD_MAX_KEYS)
		return rpt_error_set(
			err, EINVAL, "rproc %u (%s): %u memories / %u keys, over %d / %d", brp->id,
			brp->name, brp->num_mems, pol->num_keys, BOARD_MAX_MEMS, BOARD_MAX_KEYS);
	if (!str_terminated(pol->rollback_state, sizeof(pol->rollback_state)))
		return rpt_error_set(err, EINVAL,
				     "rproc %u (%s): rollback state path not terminated", brp->id,
				     brp->name);
	for (i = 0; i < pol->num_keys; i++)
		if (!str_terminated(pol->trusted_keys[i], sizeof(pol->trusted_keys[i])))
			return rpt_error_set(err, EINVAL,
					     "rproc %u (%s): trusted key %u: path not terminated",
					     brp->id, brp->name, i);
	for (i = 0; i < brp->num_mems; i++) {
		ret = check_board_memory(brp, i, err);
		if (ret) {
			rpt_error_prefix(err, "rproc %u (%s): ", brp->id, brp->name);
			return ret;
		}
	}
	return 0;
}

static int check_board(const struct board *b, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	if (b->num_rprocs > BOARD_MAX_RPROCS)
		return rpt_error_set(err, EINVAL, "board: %u coprocessors, over %d", b->num_rprocs,
				     BOARD_MAX_RPROCS);
	for (i = 0; i < b->num_rprocs; i++) {
		ret = check_board_rproc(b, i, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- memories ---- */

/*
 * A zero-filled memfd of the memory's size, mapped shared. The size is sealed:
 * whoever else gets the fd (the emulator, a normal-world peer for shared
 * memories) cannot shrink it under our mapping and make our accesses fault.
 */
static int map_memory(struct plat_memory *pm, const struct board_memory *desc,
		      struct rpt_error *err)
{
	void *host;
	int ret;
	int fd;

	fd = memfd_create(desc->name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return rpt_error_set(err, errno, "memory %s: memfd_create: %s", desc->name,
				     strerror(errno));
	if (ftruncate(fd, (off_t)desc->size) < 0) {
		ret = rpt_error_set(err, errno, "memory %s: cannot size to 0x%x bytes: %s",
				    desc->name, desc->size, strerror(errno));
		goto out_close;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		ret = rpt_error_set(err, errno, "memory %s: cannot seal its size: %s", desc->name,
				    strerror(errno));
		goto out_close;
	}
	host = mmap(NULL, desc->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (host == MAP_FAILED) {
		ret = rpt_error_set(err, errno, "memory %s: mmap of 0x%x bytes: %s", desc->name,
				    desc->size, strerror(errno));
		goto out_close;
	}
	pm->desc = desc;
	pm->host = host;
	pm->fd = fd;
	return 0;

out_close:
	close(fd);
	return ret;
}

/* Discard the contents for every holder of the fd (not only our mapping), then unmap. */
static void unmap_memory(struct plat_memory *pm)
{
	if (!pm->host)
		return;
	(void)fallocate(pm->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			(off_t)pm->desc->size);
	munmap(pm->host, pm->desc->size);
	close(pm->fd);
	pm->host = NULL;
	pm->fd = -1;
}

static void unmap_all(struct plat_rproc *rp)
{
	while (rp->num_mems)
		unmap_memory(&rp->mems[--rp->num_mems]);
}

/* ---- one coprocessor ---- */

static int load_keys(struct plat_rproc *rp, struct rpt_error *err)
{
	const struct board_policy *pol = &rp->desc->policy;
	unsigned int i;
	int ret;

	for (i = 0; i < pol->num_keys; i++) {
		ret = keyring_add_file(&rp->keys, pol->trusted_keys[i], err);
		if (ret) {
			rpt_error_prefix(err, "trusted key %u: ", i);
			return ret;
		}
	}
	return 0;
}

static int init_rproc(struct plat_rproc *rp, const struct board_rproc *desc, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	memset(rp, 0, sizeof(*rp));
	rp->desc = desc;
	keyring_init(&rp->keys);
	for (i = 0; i < BOARD_MAX_MEMS; i++)
		rp->mems[i].fd = -1;

	for (i = 0; i < desc->num_mems; i++) {
		ret = map_memory(&rp->mems[i], &desc->mems[i], err);
		if (ret)
			goto out_unmap;
		rp->num_mems++;
	}
	ret = load_keys(rp, err);
	if (ret)
		goto out_keys;
	ret = plat_rollback_load(rp, err);
	if (ret)
		goto out_keys;
	return 0;

out_keys:
	keyring_free(&rp->keys);
out_unmap:
	unmap_all(rp);
	return ret;
}

static void exit_rproc(struct plat_rproc *rp)
{
	/* Hold the core in reset before its memory goes away under it. */
	if (rp->running && rp->coproc && rp->coproc->stop)
		(void)rp->coproc->stop(rp->coproc_priv);
	rp->running = false;
	keyring_free(&rp->keys);
	unmap_all(rp);
}

int platform_init(struct platform *p, const struct board *b, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = check_board(b, err);
	if (ret)
		return ret;
	p->board = b;
	for (i = 0; i < b->num_rprocs; i++) {
		ret = init_rproc(&p->rprocs[i], &b->rprocs[i], err);
		if (ret) {
			rpt_error_prefix(err, "rproc %u (%s): ", b->rprocs[i].id,
					 b->rprocs[i].name);
			goto out_exit;
		}
		p->num_rprocs++;
	}
	return 0;

out_exit:
	platform_exit(p);
	return ret;
}

void platform_exit(struct platform *p)
{
	while (p->num_rprocs)
		exit_rproc(&p->rprocs[--p->num_rprocs]);
	memset(p, 0, sizeof(*p));
}

struct plat_rproc *platform_rproc(struct platform *p, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < p->num_rprocs; i++)
		if (p->rprocs[i].desc->id == id)
			return &p->rprocs[i];
	return NULL;
}

void platform_attach_coproc(struct plat_rproc *rp, const struct coproc_ops *ops, void *priv)
{
	rp->coproc = ops;
	rp->coproc_priv = ops ? priv : NULL;
	/* Once detached the core is out of our hands: we can no longer stop it. */
	if (!ops)
		rp->running = false;
}

int platform_trust_key(struct plat_rproc *rp, struct crypto_key *key, const char *name,
		       struct rpt_error *err)
{
	int ret;

	if (!key)
		return rpt_error_set(err, EINVAL, "rproc %u: no key to trust", rp->desc->id);
	ret = keyring_add(&rp->keys, key, name ? name : "run-time key", err);
	if (ret)
		rpt_error_prefix(err, "rproc %u: ", rp->desc->id);
	return ret;
}

/* ---- signature ---- */

int plat_verify_digest(struct plat_rproc *rp, uint8_t sign_type, const uint8_t digest[32],
		       const uint8_t *sig, size_t sig_len, const uint8_t *keyinfo,
		       size_t keyinfo_len, struct rpt_error *err)
{
	enum crypto_key_type type;
	int ret;

	switch (sign_type) {
	case SIMG_SIGN_RSA_PKCS1_SHA256:
		type = CRYPTO_KEY_RSA;
		break;
	case SIMG_SIGN_ECDSA_P256_SHA256:
		type = CRYPTO_KEY_ECDSA_P256;
		break;
	default:
		return rpt_error_set(
			err, RPT_EFORMAT,
			"rproc %u: signature type %u unknown (1 = RSA, 2 = ECDSA P-256)",
			rp->desc->id, sign_type);
	}
	if (!sig || !sig_len)
		return rpt_error_set(err, RPT_ESIGNATURE, "rproc %u: empty signature",
				     rp->desc->id);
	if (!keyinfo)
		keyinfo_len = 0;
	ret = keyring_verify(&rp->keys, type, digest, sig, sig_len, keyinfo, keyinfo_len, NULL,
			     err);
	if (ret)
		rpt_error_prefix(err, "rproc %u: ", rp->desc->id);
	return ret;
}

/* ---- the coprocessor ---- */

/* True if the platform of this coprocessor defines BOOTADDR (STM32MP2's M33). */
static bool plat_has_bootaddr_tlv(const struct plat_rproc *rp)
{
	return !strcmp(rp->desc->compatible, BOARD_COMPAT_M33_TEE);
}

int plat_boot_address(struct plat_rproc *rp, const uint8_t *tlv_area, size_t tlv_len,
		      uint32_t *boot_addr, bool *from_image, struct rpt_error *err)
{
	struct simg_tlv tlv;
	size_t pos = 0, first = 0;
	bool seen = false;
	int ret;

	*boot_addr = rp->desc->boot.boot_addr;
	*from_image = false;
	if (!plat_has_bootaddr_tlv(rp))
		return 0;
	while ((ret = simg_tlv_next(tlv_area, tlv_len, &pos, &tlv, err)) > 0) {
		if (tlv.type != SIMG_TLV_STM32MP2_BOOTADDR)
			continue;
		if (seen)
			return rpt_error_set(err, RPT_EFORMAT,
					     "rproc %u: TLV BOOTADDR (0x%x) at offset %zu: appears "
					     "twice (first at offset %zu)",
					     rp->desc->id, tlv.type, tlv.offset, first);
		if (tlv.len != 4 || !tlv.value)
			return rpt_error_set(
				err, RPT_EFORMAT,
				"rproc %u: TLV BOOTADDR (0x%x) at offset %zu: %u bytes, "
				"expected 4 (a u32 boot address, little-endian)",
				rp->desc->id, tlv.type, tlv.offset, tlv.len);
		seen = true;
		first = tlv.offset;
		*boot_addr = get_le32(tlv.value);
	}
	if (ret)
		return ret;
	if (seen && (*boot_addr & ~SCB_VTOR_TBLOFF_MASK))
		return rpt_error_set(err, RPT_EFORMAT,
				     "rproc %u: TLV BOOTADDR (0x%x) at offset %zu: 0x%08x is not "
				     "128-byte aligned as the core's VTOR needs",
				     rp->desc->id, SIMG_TLV_STM32MP2_BOOTADDR, first, *boot_addr);
	*from_image = seen;
	return 0;
}

int plat_start(struct plat_rproc *rp, uint32_t boot_addr, struct rpt_error *err)
{
	const char *why;
	int ret;

	if (!rp->coproc || !rp->coproc->start)
		return rpt_error_set(err, RPT_ESTATE, "rproc %u: no coprocessor attached to start",
				     rp->desc->id);
	if (rp->running)
		return rpt_error_set(err, RPT_ESTATE, "rproc %u: coprocessor already running",
				     rp->desc->id);
	if (!plat_find_memory(rp, boot_addr, 8))
		return rpt_error_set(err, RPT_ENOBOOT,
				     "rproc %u: no vector table at 0x%08x: no memory of the core "
				     "holds it",
				     rp->desc->id, boot_addr);
	ret = rp->coproc->start(rp->coproc_priv, boot_addr);
	if (ret) {
		/* The core's own words when it has them ("reset vector ... not in ..."). */
		why = rp->coproc->last_error ? rp->coproc->last_error(rp->coproc_priv) : NULL;
		return rpt_error_set(err, ret < 0 ? ret : EIO,
				     "rproc %u: coprocessor did not start at 0x%08x: %s",
				     rp->desc->id, boot_addr,
				     why && why[0] ? why : rpt_strerror(ret < 0 ? ret : EIO));
	}
	rp->running = true;
	return 0;
}

int plat_stop(struct plat_rproc *rp, struct rpt_error *err)
{
	int ret;

	if (!rp->running)
		return 0;
	if (!rp->coproc || !rp->coproc->stop) {
		rp->running = false;
		return 0;
	}
	ret = rp->coproc->stop(rp->coproc_priv);
	/* Still marked running: the core may not be in reset, a retry must call stop again. */
	if (ret)
		return rpt_error_set(err, ret < 0 ? ret : EIO,
				     "rproc %u: coprocessor did not stop (%d)", rp->desc->id, ret);
	rp->running = false;
	return 0;
}

/* ---- coredumps ---- */

int plat_dump_segments(struct plat_rproc *rp, struct coredump_segment *segs, struct rpt_error *err)
{
	const struct board_policy *pol = &rp->desc->policy;
	unsigned int i;
	int n = 0;

	if (!pol->coredump_allowed)
		return rpt_error_set(err, EACCES,
				     "rproc %u: coredumps denied by the board's policy "
				     "(no coredump-allowed)",
				     rp->desc->id);
	for (i = 0; i < rp->num_mems; i++) {
		const struct board_memory *m = rp->mems[i].desc;

		/* Secure memory leaves the secure world only on a debug board's say-so. */
		if (m->secure && !pol->coredump_secure)
			continue;
		segs[n].da = m->da;
		segs[n].size = m->size;
		segs[n].data = rp->mems[i].host;
		n++;
	}
	return n;
}

int plat_get_regs(struct plat_rproc *rp, struct coredump_regs *regs, struct rpt_error *err)
{
	int ret;

	if (!rp->coproc || !rp->coproc->get_regs)
		return rpt_error_set(err, ENODATA, "rproc %u: the coprocessor gives no registers",
				     rp->desc->id);
	ret = rp->coproc->get_regs(rp->coproc_priv, regs);
	if (ret == -RPT_ESTATE)
		return rpt_error_set(err, RPT_ESTATE,
				     "rproc %u: the coprocessor runs: its registers change",
				     rp->desc->id);
	if (ret)
		return rpt_error_set(err, ret < 0 ? ret : EIO,
				     "rproc %u: no registers captured (%d)", rp->desc->id, ret);
	return 0;
}
