/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure platform layer under the remoteproc TA — our counterpart of
 * OP-TEE's remoteproc pseudo-TA. The TA is portable; this is what a board
 * port replaces. It owns the coprocessor memories, the trusted keys, the
 * rollback state and the link to the coprocessor itself.
 *
 * Every service takes device addresses (as the coprocessor sees them) and
 * refuses any range that is not wholly inside one memory of the board.
 */
#ifndef RPT_SECURE_PLATFORM_H
#define RPT_SECURE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "board/board.h"
#include "coproc/coproc_ops.h" /* how the platform starts and stops the core */
#include "common/error.h"
#include "crypto/keyring.h"
#include "formats/coredump.h"

/* One memory, mapped in the secure world's address space. */
struct plat_memory {
	const struct board_memory *desc; /* name, addresses, size, access */
	uint8_t *host;			 /* mapping of the whole memory */
	int fd;				 /* memfd behind the mapping (shareable), or -1 */
};

/*
 * Rollback protection state of one coprocessor: the highest security counter
 * accepted so far (read from policy.rollback_state at init, kept in memory
 * only when that path is empty).
 */
struct plat_rollback {
	bool known;	  /* a counter was accepted before */
	uint32_t counter; /* highest accepted; valid if known */
};

/* Secure-side state of one coprocessor. */
struct plat_rproc {
	const struct board_rproc *desc;		 /* the board's description */
	struct plat_memory mems[BOARD_MAX_MEMS]; /* its memories */
	unsigned int num_mems;
	struct keyring keys;		 /* trusted public keys */
	const struct coproc_ops *coproc; /* NULL until a coprocessor is attached */
	void *coproc_priv;
	bool running;		       /* started and not stopped */
	struct plat_rollback rollback; /* highest accepted security counter */
};

struct platform {
	const struct board *board; /* not owned; outlives the platform */
	struct plat_rproc rprocs[BOARD_MAX_RPROCS];
	unsigned int num_rprocs;
};

/*
 * Map every memory of every coprocessor (zero-filled memfd mappings, sealed
 * against resizing), load each one's trusted keys and read its rollback state.
 * The board is checked first (memory sizes, no wrap, no overlap, unique ids).
 * A corrupt rollback state file refuses init. On failure nothing stays allocated.
 */
int platform_init(struct platform *p, const struct board *b, struct rpt_error *err);
/*
 * Stop any coprocessor still running (through its coproc_ops, which must still
 * be valid), discard the memories' contents (also for other holders of the
 * memfds), unmap them and free the keys.
 */
void platform_exit(struct platform *p);

/* The coprocessor with this id, or NULL (ids not on the board do not exist). */
struct plat_rproc *platform_rproc(struct platform *p, uint32_t id);

/* Attach the coprocessor's start/stop (the emulator or a test double); NULL ops detaches. */
void platform_attach_coproc(struct plat_rproc *rp, const struct coproc_ops *ops, void *priv);

/* Add a trusted key at run time (a daemon's --trust). Takes ownership of key. */
int platform_trust_key(struct plat_rproc *rp, struct crypto_key *key, const char *name,
		       struct rpt_error *err);

/*
 * ---- services of the pseudo-TA ----
 *
 * Size 0: an empty range [da, da) is treated as the position da, which must be
 * a byte inside a memory (as a one-byte range would): the end of a memory or a
 * gap between memories is refused. Operations on it then do nothing.
 */

/* The memory wholly holding [da, da + size), or NULL (wrap and partial overlap refused). */
struct plat_memory *plat_find_memory(struct plat_rproc *rp, uint32_t da, uint32_t size);

/* Host pointer to [da, da + size) if inside one memory, else NULL. */
uint8_t *plat_da_to_va(struct plat_rproc *rp, uint32_t da, uint32_t size);

/* Physical address of [da, da + size); -RPT_ERANGE if not inside one memory. */
int plat_da_to_pa(struct plat_rproc *rp, uint32_t da, uint32_t size, uint64_t *pa,
		  struct rpt_error *err);

/* True if [da, da + size) is inside one memory the normal world may access. */
bool plat_da_is_shared(struct plat_rproc *rp, uint32_t da, uint32_t size);

/*
 * Check that a segment [da, da + memsz) may be loaded: wholly inside one
 * loadable memory, no wrap. -RPT_ERANGE with the segment named otherwise.
 */
int plat_check_segment(struct plat_rproc *rp, uint32_t da, uint32_t memsz, struct rpt_error *err);

/*
 * Copy `size` bytes from `src` (possibly shared, possibly changing) into
 * coprocessor memory at da, hashing THE COPY, and compare that hash with
 * `hash`. One pass: each cache-sized chunk is hashed right after it is copied,
 * while it is still in cache. On mismatch the copy is wiped and -RPT_EHASH
 * returned.
 */
int plat_load_segment(struct plat_rproc *rp, uint32_t da, const void *src, uint32_t size,
		      const uint8_t hash[32], struct rpt_error *err);

/* Fill [da, da + size) with `value` (zero-fill of bss; wiping). Any memory of the board. */
int plat_set_memory(struct plat_rproc *rp, uint32_t da, uint32_t size, uint8_t value,
		    struct rpt_error *err);

/* A range of device addresses. */
struct plat_range {
	uint32_t da;   /* first device address */
	uint32_t size; /* bytes */
};

/*
 * Zero every secure (private) memory of the coprocessor, whole: whatever the
 * loader or the firmware itself wrote there at run time. For every holder of
 * the memory (the emulated core's mapping too). Call only while the core is
 * held in reset.
 *
 * The parts of secure memories inside keep[] (what the last load wrote) are
 * zeroed in place and stay allocated: the next load of a firmware of the same
 * layout then writes into pages that exist, where fresh pages would cost a
 * page fault each (more than the copy itself on a virtualised host). The rest
 * is given back (hole punched). Ranges of keep[] outside secure memories are
 * ignored: shared memory is the caller's business.
 */
void plat_wipe_secure(struct plat_rproc *rp, const struct plat_range *keep, unsigned int num_keep);

/* Verify the image's signature over `digest` with the trusted keys (keyring rule). */
int plat_verify_digest(struct plat_rproc *rp, uint8_t sign_type, const uint8_t digest[32],
		       const uint8_t *sig, size_t sig_len, const uint8_t *keyinfo,
		       size_t keyinfo_len, struct rpt_error *err);

/*
 * Give every TEE coprocessor of b that names no rollback-state file the
 * default one, DIR/<board model>.rollback (one file per board, one line per
 * rproc id), before platform_init. Board-named files are kept.
 */
int plat_rollback_default_state(struct board *b, const char *dir, struct rpt_error *err);

/*
 * Rollback protection. check: refuse a counter lower than the highest one
 * accepted before for this rproc (-RPT_EROLLBACK), and an image without
 * counter unless the policy allows it. An allowed image without counter
 * counts as counter 0, so it is refused once a higher counter was accepted
 * (otherwise it would be the way back). commit: remember max(stored, counter)
 * (atomic write of the state file, format in rollback.c) once the image is
 * loaded; an image without counter, or with the counter already stored,
 * changes nothing and writes nothing (a re-load works on a full disk). A
 * failed write is -RPT_ESTORE_FULL (no space) or -RPT_ESTORE, the stored
 * counter unchanged.
 */
int plat_rollback_check(struct plat_rproc *rp, bool has_counter, uint32_t counter,
			struct rpt_error *err);
int plat_rollback_commit(struct plat_rproc *rp, bool has_counter, uint32_t counter,
			 struct rpt_error *err);

/*
 * Coredump policy: the memories a GET_COREDUMP may show, into segs (room for
 * BOARD_MAX_MEMS). Memories the normal world shares always; secure memories
 * only when the board sets coredump-secure-memories (debug boards). Returns
 * how many were written; -EACCES if the board does not allow coredumps.
 */
int plat_dump_segments(struct plat_rproc *rp, struct coredump_segment *segs, struct rpt_error *err);

/*
 * The core's registers when it last stopped or crashed. -RPT_ESTATE while it
 * runs (no dump of a running core), -ENODATA if the coprocessor cannot tell
 * (none attached, no get_regs, nothing captured).
 */
int plat_get_regs(struct plat_rproc *rp, struct coredump_regs *regs, struct rpt_error *err);

/*
 * The boot address of a verified image, from its signed TLV area only (the
 * private copy, tlv_len bytes; never e_entry or anything else unsigned).
 * Platform TLVs are platform-defined: a coprocessor whose compatible is
 * "st,stm32mp2-m33-tee" gives BOOTADDR (SIMG_TLV_STM32MP2_BOOTADDR, 0x10001)
 * its STM32MP2 meaning and
 * refuses one that is not exactly 4 bytes, appears twice or is not 128-byte
 * aligned (VTOR) with -RPT_EFORMAT naming the TLV; every other platform
 * (STM32MP15) treats 0x10001 as opaque signed data (the reference vector's
 * 0x10001 "hello"). *from_image tells whether the image named it; if not,
 * *boot_addr is the board's default (rproc,boot-address, else 0).
 */
int plat_boot_address(struct plat_rproc *rp, const uint8_t *tlv_area, size_t tlv_len,
		      uint32_t *boot_addr, bool *from_image, struct rpt_error *err);

/*
 * start: -RPT_ESTATE without an attached coprocessor or when already running,
 * -RPT_ENOBOOT if boot_addr is in no memory (or the core says it cannot
 * start there: its reason, from the optional last_error op, is kept in err).
 * stop: holds the core in reset if it runs; without a coprocessor, or when not
 * running, there is nothing to do (0).
 */
int plat_start(struct plat_rproc *rp, uint32_t boot_addr, struct rpt_error *err);
int plat_stop(struct plat_rproc *rp, struct rpt_error *err);

#endif
