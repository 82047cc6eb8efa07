// SPDX-License-Identifier: BSD-2-Clause
/*
 * The isolation rule of START (DESIGN section 6): nothing the firmware
 * executes or trusts for control flow may lie in memory the normal world can
 * write. Otherwise the normal world rewrites a saved return address on the
 * stack, or a reset vector, while the firmware runs, and the core then runs
 * the normal world's code with access to the secure memories.
 *
 * What is checked, for every image of the firmware:
 *  - its vector table (the first TA_VT_CHECK bytes): for image 1 the one at
 *    the boot address (the signed BOOTADDR on STM32MP2, else the board's
 *    default), for the others the start of their lowest executable segment
 *    (the Cortex-M linker convention; image 1 hands over to it);
 *  - the reset handler the vector table names;
 *  - the words just below the initial SP the vector table names (the stack
 *    the firmware starts on);
 *  - every executable (PF_X) PT_LOAD segment.
 * Every address comes from signed data: the program headers (bound one to one
 * to the signed hash table at LOAD) and the loaded, hashed vector table, read
 * from memory that has just been found private (so it is still what was
 * hashed). e_entry and the section headers, which nothing signs, play no part.
 *
 * Around it, START also refuses (-RPT_ENOBOOT, TEE_ERROR_BAD_FORMAT) firmware
 * the core cannot start: nothing loaded at the boot address, or a reset
 * vector outside every executable segment.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/safe_math.h"
#include "formats/elf32.h"
#include "formats/signed_image.h"
#include "ta_internal.h"

_Static_assert(TA_MAX_IMAGES >= SIMG_MAX_IMAGES, "one vector table per image of a signed image");

/* Bytes of a vector table that must be private: SP and the 15 system exception vectors. */
#define TA_VT_CHECK 64u
/* Bytes just below the initial SP that must be private: where the first frames go. */
#define TA_STACK_CHECK 64u

int ta_layout_record(struct ta_rproc_ctx *ctx, const struct elf32_file *elf, unsigned int num_img,
		     uint32_t boot_addr, struct rpt_error *err)
{
	struct ta_layout *lay = &ctx->layout;
	unsigned int img, i;

	memset(lay, 0, sizeof(*lay));
	if (num_img > TA_MAX_IMAGES)
		return rpt_error_set(err, RPT_EFORMAT, "%u images, at most %d", num_img,
				     TA_MAX_IMAGES);
	for (img = 0; img < num_img; img++) {
		lay->vector_table[img] = TA_NO_VECTOR_TABLE;
		for (i = 0; i < elf32_phnum(&elf[img]); i++) {
			const Elf32_Phdr *ph = elf32_phdr(&elf[img], i);

			if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
				continue;
			if (lay->num_exec == TA_MAX_WRITTEN)
				return rpt_error_set(err, RPT_EFORMAT,
						     "more than %d executable segments",
						     TA_MAX_WRITTEN);
			lay->exec[lay->num_exec++] =
				(struct ta_exec_range){ph->p_paddr, ph->p_memsz, img};
			if (lay->vector_table[img] == TA_NO_VECTOR_TABLE ||
			    ph->p_paddr < lay->vector_table[img])
				lay->vector_table[img] = ph->p_paddr;
		}
	}
	lay->num_img = num_img;
	/*
	 * The core boots through the table at the boot address (VTOR), taken
	 * from the signed TLV area or the board: that is image 1's vector table.
	 */
	if (num_img)
		lay->vector_table[0] = boot_addr;
	ctx->boot_addr = boot_addr;
	return 0;
}

int ta_check_boot_loaded(const struct ta_rproc_ctx *ctx, uint32_t boot_addr, struct rpt_error *err)
{
	unsigned int i;

	for (i = 0; i < ctx->num_written; i++)
		if (range_within(boot_addr, TA_BOOT_VT_BYTES, ctx->written[i].da,
				 ctx->written[i].size))
			return 0;
	return rpt_error_set(err, RPT_ENOBOOT,
			     "no vector table at 0x%08x: the firmware loaded nothing there",
			     boot_addr);
}

/*
 * A BOOTADDR the image names was checked at LOAD; what can fail here is the
 * board's default boot address, which the image did not follow.
 */
int ta_check_bootable(struct ta_rproc_ctx *ctx)
{
	int ret = ta_check_boot_loaded(ctx, ctx->boot_addr, &ctx->last_error);

	if (ret)
		rpt_error_set(&ctx->last_error, ret,
			      "rproc %u: the firmware cannot start: no vector table at 0x%08x (the "
			      "boot address): the firmware loaded nothing there (the image names "
			      "no boot address of its own, so the board's default applies)",
			      ctx->id, ctx->boot_addr);
	return ret;
}

int ta_check_reset_vector(struct ta_rproc_ctx *ctx)
{
	const struct ta_layout *lay = &ctx->layout;
	const uint8_t *words = plat_da_to_va(ctx->plat, ctx->boot_addr, TA_BOOT_VT_BYTES);
	uint32_t pc;
	unsigned int i;

	if (!words) /* ta_check_bootable found it loaded, so mapped: cannot happen */
		return rpt_error_set(&ctx->last_error, RPT_ENOBOOT,
				     "rproc %u: the firmware cannot start: vector table at 0x%08x "
				     "not mapped",
				     ctx->id, ctx->boot_addr);
	pc = get_le32(words + 4);
	for (i = 0; i < lay->num_exec; i++)
		if (range_within(pc & ~1u, 2, lay->exec[i].da, lay->exec[i].size))
			return 0;
	return rpt_error_set(&ctx->last_error, RPT_ENOBOOT,
			     "rproc %u: the firmware cannot start: reset vector 0x%08x (vector "
			     "table at 0x%08x) is not in executable memory: no executable segment "
			     "of the firmware holds it",
			     ctx->id, pc, ctx->boot_addr);
}

/* Per START: what was found, and where the messages go. */
struct iso_check {
	struct rproc_ta *ta;	  /* for the warning log */
	struct ta_rproc_ctx *ctx; /* the coprocessor being started */
	bool legacy;		  /* the board declares legacy-layout: warn, do not refuse */
	int ret;		  /* first refusal (-EACCES), 0 if none */
};

/*
 * [da, da + size) must be inside one private memory. Returns true if it is;
 * otherwise refuses START (or, on a legacy board, warns) naming what and where.
 */
static bool require_private(struct iso_check *c, unsigned int img, const char *what, uint32_t da,
			    uint32_t size)
{
	struct plat_rproc *rp = c->ctx->plat;
	const struct plat_memory *m = plat_find_memory(rp, da, size);
	char where[96];

	if (m && m->desc->secure)
		return true;
	if (m)
		snprintf(where, sizeof(where), "memory %s, which the normal world can write",
			 m->desc->name);
	else
		snprintf(where, sizeof(where), "no private memory of the board");
	if (c->legacy) {
		ta_log(c->ta,
		       "rproc %u: WARNING: legacy layout: image %u: %s [0x%08x, +0x%x) is in %s: "
		       "the normal world can take control of the running firmware (allowed only "
		       "because the board declares legacy-layout)",
		       c->ctx->id, img + 1, what, da, size, where);
		return false;
	}
	if (!c->ret)
		c->ret = rpt_error_set(&c->ctx->last_error, EACCES,
				       "rproc %u: START refused: image %u: %s [0x%08x, +0x%x) is "
				       "in %s",
				       c->ctx->id, img + 1, what, da, size, where);
	return false;
}

/* Vector table, reset handler and initial stack of one image. */
static void check_vector_table(struct iso_check *c, unsigned int img, uint32_t vt)
{
	const uint8_t *words;
	uint32_t sp, pc;

	if (!require_private(c, img, "vector table", vt, TA_VT_CHECK))
		return; /* its words are not trustworthy: nothing more to read from it */
	words = plat_da_to_va(c->ctx->plat, vt, TA_VT_CHECK);
	sp = get_le32(words);
	pc = get_le32(words + 4) & ~1u; /* Thumb bit */
	require_private(c, img, "reset handler", pc, 2);
	/* An SP below 64 wraps: no memory holds that range, so it is refused too. */
	require_private(c, img, "initial stack", sp - TA_STACK_CHECK, TA_STACK_CHECK);
}

int ta_check_isolation(struct rproc_ta *ta, struct ta_rproc_ctx *ctx)
{
	const struct ta_layout *lay = &ctx->layout;
	struct iso_check c = {
		.ta = ta, .ctx = ctx, .legacy = ctx->plat->desc->policy.legacy_layout};
	unsigned int img, i;

	for (img = 0; img < lay->num_img; img++)
		if (lay->vector_table[img] != TA_NO_VECTOR_TABLE)
			check_vector_table(&c, img, lay->vector_table[img]);
	for (i = 0; i < lay->num_exec; i++)
		require_private(&c, lay->exec[i].img, "executable segment", lay->exec[i].da,
				lay->exec[i].size);
	return c.ret;
}
