// SPDX-License-Identifier: BSD-2-Clause
/*
 * LOAD_FW: authenticate a signed image held in a normal-world buffer and load
 * it into coprocessor memory.
 *
 * The buffer is shared: the normal world may rewrite it while we work. So the
 * header, TLV area and signature are copied once into private memory and only
 * those copies are used; the ELF reader takes private copies of every header
 * it checks; segment bytes are copied into coprocessor memory and the COPY is
 * hashed. Nothing is read twice from the shared buffer for the same purpose.
 *
 * Unsigned parts (the ELF headers) are bound to the signed hash table one to
 * one, across all images. Any failure wipes every byte written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "formats/image_verify.h"
#include "formats/rsc_table.h"
#include "ta_internal.h"

/* Private state of one LOAD_FW. */
struct ta_load {
	struct rproc_ta *ta;	       /* the TA */
	struct ta_rproc_ctx *ctx;      /* the rproc being loaded */
	const uint8_t *shared;	       /* the normal world's image buffer */
	size_t size;		       /* its size */
	uint8_t hdr[SIMG_HEADER_SIZE]; /* private copy of the header */
	struct simg_layout lay;	       /* decoded from hdr */
	uint8_t *meta;		       /* private copy: TLV area, then signature */
	struct simg_tlvs tlvs;	       /* decoded from meta */
	uint8_t digest[32];	       /* SHA-256(header || TLV area) */
	bool has_counter;	       /* the image carries a security counter */
	uint32_t counter;	       /* its value */
	uint32_t boot_addr;   /* where the core boots: signed BOOTADDR or the board's default */
	bool boot_from_image; /* the image's own (signed) BOOTADDR decided it */
	struct elf32_file elf[SIMG_MAX_IMAGES];		/* each image's checked headers */
	unsigned int num_open;				/* elf[] entries opened */
	struct simg_load_range ranges[ELF32_MAX_PHDRS]; /* PT_LOAD spans of all images */
	unsigned int num_ranges;
	struct rpt_error *err; /* where the reason goes */
};

/*
 * OP-TEE's TA answers TEE_ERROR_BAD_PARAMETERS for an image its header
 * refuses (too short, magic, version, lengths that do not add up to the
 * buffer size): the same code here, the message unchanged.
 */
static int header_refused(struct ta_load *ld)
{
	if (ld->err)
		ld->err->code = -EINVAL;
	return -EINVAL;
}

/* Header, size rule, then a private copy of TLV area and signature. */
static int copy_metadata(struct ta_load *ld)
{
	int ret;

	if (ld->size < SIMG_HEADER_SIZE) {
		rpt_error_set(ld->err, RPT_EFORMAT,
			      "image of %zu bytes is shorter than the 20-byte header", ld->size);
		return header_refused(ld);
	}
	memcpy(ld->hdr, ld->shared, SIMG_HEADER_SIZE);
	ret = simg_parse_header(ld->hdr, &ld->lay, ld->err);
	if (!ret)
		ret = simg_check_size(&ld->lay, ld->size, ld->err);
	if (ret)
		return header_refused(ld);
	/* Both lengths are bounded by the header parser (sign_len >= 1): no overflow, no 0. */
	ld->meta = malloc((size_t)ld->lay.tlv_len + ld->lay.sign_len + 1);
	if (!ld->meta)
		return rpt_error_set(ld->err, ENOMEM, "no memory for the TLV area");
	memcpy(ld->meta, ld->shared + ld->lay.tlv_off, ld->lay.tlv_len);
	memcpy(ld->meta + ld->lay.tlv_len, ld->shared + ld->lay.sig_off, ld->lay.sign_len);
	ret = simg_decode_tlvs(&ld->lay, ld->meta, &ld->tlvs, ld->err);
	if (!ret)
		ret = simg_signed_digest(ld->hdr, ld->meta, ld->lay.tlv_len, ld->digest);
	return ret;
}

static int verify_signature(struct ta_load *ld)
{
#ifdef RPT_FUZZ_BUILD
	/* Lets the fuzzer reach the ELF and hash-table paths; absent from every other build. */
	if (ld->ta->test_hook_skip_signature)
		return 0;
#endif
	return plat_verify_digest(ld->ctx->plat, ld->tlvs.sign_type, ld->digest,
				  ld->meta + ld->lay.tlv_len, ld->lay.sign_len, ld->tlvs.pkeyinfo,
				  ld->tlvs.pkeyinfo_len, ld->err);
}

/* The security counter (decoded with the TLVs, one rule), then the platform's rollback rule. */
static int check_rollback(struct ta_load *ld)
{
	ld->has_counter = ld->tlvs.has_counter;
	ld->counter = ld->tlvs.counter;
	return plat_rollback_check(ld->ctx->plat, ld->has_counter, ld->counter, ld->err);
}

/*
 * The boot address: the platform reads it from the signed TLV area (the
 * private copy) or gives the board's default. Before anything is written.
 */
static int find_boot_address(struct ta_load *ld)
{
	/* ld->meta is freed by load_cleanup() on every path; the analyzer loses it here. */
	return plat_boot_address( // NOLINT(clang-analyzer-unix.Malloc)
		ld->ctx->plat, ld->meta, ld->lay.tlv_len, &ld->boot_addr, &ld->boot_from_image,
		ld->err);
}

/*
 * A boot address the image names must hold its own vector table: loaded
 * (signed, hashed bytes) and private, or the core would start from zeros or
 * from a table the normal world can rewrite. Checked once the segments are in.
 */
static int check_boot_address(struct ta_load *ld)
{
	struct ta_rproc_ctx *ctx = ld->ctx;
	const struct plat_memory *m;
	int ret;

	if (!ld->boot_from_image)
		return 0;
	ret = ta_check_boot_loaded(ctx, ld->boot_addr, ld->err);
	if (ret) {
		rpt_error_prefix(ld->err, "TLV BOOTADDR: ");
		return ret;
	}
	m = plat_find_memory(ctx->plat, ld->boot_addr, TA_BOOT_VT_BYTES);
	if (m && !m->desc->secure && !ctx->plat->desc->policy.legacy_layout)
		return rpt_error_set(ld->err, EACCES,
				     "TLV BOOTADDR: the vector table at 0x%08x is in memory %s, "
				     "which the normal world can write",
				     ld->boot_addr, m->desc->name);
	return 0;
}

/* Every PT_LOAD of one image: allowed memory, remembered for the overlap check. */
static int collect_segments(struct ta_load *ld, unsigned int img)
{
	const struct elf32_file *elf = &ld->elf[img];
	unsigned int i;
	int ret;

	for (i = 0; i < elf32_phnum(elf); i++) {
		const Elf32_Phdr *ph = elf32_phdr(elf, i);

		if (ph->p_type != PT_LOAD)
			continue;
		ret = plat_check_segment(ld->ctx->plat, ph->p_paddr, ph->p_memsz, ld->err);
		if (ret) {
			rpt_error_prefix(ld->err, "image %u: segment %u: ", img + 1, i);
			return ret;
		}
		if (ld->num_ranges == ELF32_MAX_PHDRS)
			return rpt_error_set(ld->err, RPT_EFORMAT, "more than %d loadable segments",
					     ELF32_MAX_PHDRS);
		ld->ranges[ld->num_ranges++] =
			(struct simg_load_range){ph->p_paddr, ph->p_memsz, img, i};
	}
	return 0;
}

/* Open every image's ELF (private header copies) and bind it to the hash table. */
static int check_images(struct ta_load *ld)
{
	unsigned int img, next_entry = 0;
	int ret;

	for (img = 0; img < ld->tlvs.num_img; img++) {
		uint64_t off = simg_image_offset(&ld->lay, &ld->tlvs, img);

		ret = elf32_open(&ld->elf[img], ld->shared + off, simg_img_size(&ld->tlvs, img),
				 ld->err);
		if (ret) {
			rpt_error_prefix(ld->err, "image %u: ", img + 1);
			return ret;
		}
		ld->num_open++;
		ret = simg_bind_phdrs(&ld->tlvs, img, &ld->elf[img], &next_entry, ld->err);
		if (!ret)
			ret = collect_segments(ld, img);
		if (ret)
			return ret;
	}
	if (next_entry != simg_hash_entries(&ld->tlvs))
		return rpt_error_set(ld->err, RPT_EFORMAT,
				     "hash table: %u entries signed but the images have only %u "
				     "program headers (a header was dropped)",
				     simg_hash_entries(&ld->tlvs), next_entry);
	return simg_check_no_overlap(ld->ranges, ld->num_ranges, ld->err);
}

/* Remember a range before writing it, so a failure half-way still wipes it. */
static int note_written(struct ta_rproc_ctx *ctx, uint32_t da, uint32_t size, struct rpt_error *err)
{
	if (ctx->num_written == TA_MAX_WRITTEN)
		return rpt_error_set(err, RPT_EFORMAT, "more than %d loadable segments",
				     TA_MAX_WRITTEN);
	ctx->written[ctx->num_written++] = (struct plat_range){da, size};
	ctx->secure_zero = false;
	return 0;
}

/* Copy one segment in, hash the copy, zero-fill the rest of p_memsz. */
static int load_segment(struct ta_load *ld, unsigned int img, unsigned int phdr, unsigned int entry)
{
	const struct elf32_file *elf = &ld->elf[img];
	const Elf32_Phdr *ph = elf32_phdr(elf, phdr);
	struct simg_hash_entry e;
	int ret;

	simg_hash_entry_get(&ld->tlvs, entry, &e);
	ret = note_written(ld->ctx, ph->p_paddr, ph->p_memsz, ld->err);
	if (!ret)
		ret = plat_load_segment(ld->ctx->plat, ph->p_paddr, elf32_segment_data(elf, ph),
					ph->p_filesz, e.hash, ld->err);
	if (!ret && ph->p_memsz > ph->p_filesz)
		ret = plat_set_memory(ld->ctx->plat, ph->p_paddr + ph->p_filesz,
				      ph->p_memsz - ph->p_filesz, 0, ld->err);
	if (ret)
		rpt_error_prefix(ld->err, "image %u: segment %u: ", img + 1, phdr);
	return ret;
}

static int load_segments(struct ta_load *ld)
{
	unsigned int img, i, entry = 0;
	int ret;

	for (img = 0; img < ld->tlvs.num_img; img++) {
		for (i = 0; i < elf32_phnum(&ld->elf[img]); i++, entry++) {
			if (elf32_phdr(&ld->elf[img], i)->p_type != PT_LOAD)
				continue;
			ret = load_segment(ld, img, i, entry);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Locate the table of every image: at most one image may carry one. */
static int locate_rsc_table(struct ta_load *ld, struct simg_rsc_location *loc, int *owner)
{
	struct simg_rsc_location l;
	unsigned int img;
	int ret;

	*owner = -1;
	for (img = 0; img < ld->tlvs.num_img; img++) {
		ret = simg_locate_rsc_table(&ld->elf[img], &l, ld->err);
		if (ret == -ENOENT)
			continue; /* no table in this image (nothing recorded in err) */
		if (!ret && *owner >= 0)
			ret = rpt_error_set(ld->err, RPT_EFORMAT,
					    "a second resource table (image %d has one already)",
					    *owner + 1);
		if (ret) {
			rpt_error_prefix(ld->err, "image %u: ", img + 1);
			return ret;
		}
		*owner = (int)img;
		*loc = l;
	}
	return 0;
}

/* Where find_rsc_table's walk logs what it skips. */
struct rsc_skip_log {
	struct ta_load *ld; /* the load */
	int owner;	    /* image number - 1, for the message */
};

/*
 * Locating the table needs none of an entry's bytes: vendor and unknown
 * entries are the normal world's business (Linux skips or hands them to its
 * driver). Said once per entry, never a refusal.
 */
static int log_skipped_entry(void *priv, unsigned int idx, uint32_t type, void *body,
			     size_t body_len)
{
	struct rsc_skip_log *l = priv;

	(void)body;
	(void)body_len;
	if (!rsc_type_is_known(type))
		ta_log(l->ld->ta,
		       "rproc %u: image %d: resource table entry %u: %s type %u, left to the normal world",
		       l->ld->ctx->id, l->owner + 1, idx, rsc_type_name(type), type);
	return 0;
}

/*
 * The resource table: tied to a signed loaded segment, in memory the normal
 * world can read (it never sees secure memory), and valid as loaded.
 */
static int find_rsc_table(struct ta_load *ld)
{
	struct ta_rproc_ctx *ctx = ld->ctx;
	struct simg_rsc_location loc = {0};
	const uint8_t *va;
	int ret, owner;

	ret = locate_rsc_table(ld, &loc, &owner);
	if (ret || owner < 0)
		return ret;
	if (!plat_da_is_shared(ctx->plat, loc.da, loc.size))
		ret = rpt_error_set(ld->err, RPT_EFORMAT,
				    "resource table at 0x%08x (%u bytes) is not in memory shared "
				    "with the normal world",
				    loc.da, loc.size);
	va = ret ? NULL : plat_da_to_va(ctx->plat, loc.da, loc.size);
	if (!ret && !va)
		ret = rpt_error_set(ld->err, RPT_ERANGE, "resource table at 0x%08x not mapped",
				    loc.da);
	if (!ret)
		ret = rsc_table_validate(va, loc.size, ld->err);
	if (ret) {
		rpt_error_prefix(ld->err, "image %d: resource table: ", owner + 1);
		return ret;
	}
	rsc_table_for_each((void *)va, loc.size, log_skipped_entry,
			   &(struct rsc_skip_log){ld, owner});
	ctx->has_rsc = true;
	ctx->rsc_da = loc.da;
	ctx->rsc_size = loc.size;
	return 0;
}

static void load_cleanup(struct ta_load *ld)
{
	unsigned int i;

	for (i = 0; i < ld->num_open; i++)
		elf32_close(&ld->elf[i]);
	free(ld->meta);
}

/* Everything after the metadata copy: only runs for a new image in state OFF. */
static int load_new_image(struct ta_load *ld)
{
	struct ta_rproc_ctx *ctx = ld->ctx;
	int ret;

	ret = verify_signature(ld);
	if (!ret)
		ret = check_rollback(ld);
	if (!ret)
		ret = find_boot_address(ld);
	if (!ret)
		ret = check_images(ld);
	if (ret)
		return ret;
	/* Bytes of an earlier run (kept for a coredump) go before anything new is written. */
	ta_wipe_written(ctx);
	ctx->dump_valid = false;
	ret = load_segments(ld);
	if (!ret)
		ret = check_boot_address(ld);
	if (!ret)
		ret = find_rsc_table(ld);
	if (!ret)
		ret = ta_layout_record(ctx, ld->elf, ld->tlvs.num_img, ld->boot_addr, ld->err);
	if (!ret)
		ret = plat_rollback_commit(ctx->plat, ld->has_counter, ld->counter, ld->err);
	if (ret) {
		ta_wipe_written(ctx);
		ctx->has_rsc = false;
		return ret;
	}
	memcpy(ctx->image_id, ld->digest, sizeof(ctx->image_id));
	ctx->state = TA_RPROC_LOADED;
	return 0;
}

int ta_load_fw(struct rproc_ta *ta, struct ta_rproc_ctx *ctx, const uint8_t *shared, size_t size)
{
	struct ta_load ld = {
		.ta = ta, .ctx = ctx, .shared = shared, .size = size, .err = &ctx->last_error};
	int ret;

	if (ctx->state == TA_RPROC_STARTED)
		return rpt_error_set(ld.err, RPT_ESTATE, "LOAD_FW while the firmware runs");
	ret = copy_metadata(&ld);
	if (ret)
		goto out;
	if (ctx->state == TA_RPROC_LOADED) {
		/* Linux may load twice; only the very same signed image is a no-op. */
		if (memcmp(ld.digest, ctx->image_id, sizeof(ld.digest)))
			ret = rpt_error_set(ld.err, RPT_ESTATE,
					    "LOAD_FW of a different image while one is loaded");
		goto out;
	}
	ret = load_new_image(&ld);
out:
	load_cleanup(&ld);
	return ret;
}
