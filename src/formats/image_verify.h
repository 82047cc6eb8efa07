/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whole-file verification of a signed image, in the normal world (the
 * `rproc-sign verify` tool). The TA runs the same rules, but on copies in
 * coprocessor memory; the pieces both use live in signed_image.h.
 */
#ifndef RPT_FORMATS_IMAGE_VERIFY_H
#define RPT_FORMATS_IMAGE_VERIFY_H

#include "crypto/keyring.h"
#include "formats/signed_image.h"

/* A span of device memory one PT_LOAD segment occupies, for overlap checks. */
struct simg_load_range {
	uint32_t da;	   /* p_paddr */
	uint32_t memsz;	   /* p_memsz */
	unsigned int img;  /* image index (0-based) */
	unsigned int phdr; /* program header index in that image */
};

/* Refuse two segments (of the same or different images) sharing a byte, or one that wraps. */
int simg_check_no_overlap(const struct simg_load_range *r, unsigned int n, struct rpt_error *err);

/* What a successful verification found. */
struct simg_summary {
	struct simg_layout lay;	      /* decoded header */
	struct simg_tlvs tlvs;	      /* decoded TLVs (pointers into the file) */
	unsigned int key_index;	      /* keyring index that verified the signature */
	unsigned int hashes_checked;  /* hash-table entries whose bytes matched */
	unsigned int load_segments;   /* PT_LOAD segments in all images */
	bool has_rsc;		      /* a resource table was found */
	unsigned int rsc_image;	      /* its image (0-based) */
	struct simg_rsc_location rsc; /* and where */
};

/*
 * The resource-table rule of one image (image index img, 0-based): a
 * `.resource_table` must be tied to a loaded segment and valid, and only one
 * image of a firmware may have one (sum->has_rsc / rsc_image record the first).
 * The verifier runs it per image; `rproc-sign sign` runs it on its inputs so
 * that it never signs what the verifier would refuse.
 */
int simg_check_image_rsc(const struct elf32_file *elf, unsigned int img, struct simg_summary *sum,
			 struct rpt_error *err);

/*
 * Every check, in order: header, size rule, TLVs, signature (keyring rule),
 * then each image: ELF, program headers bound one to one to the hash table,
 * every entry's bytes hashed, resource table tied to a loaded segment and
 * valid, at most one table; hash table used up exactly; no overlap.
 */
int simg_verify(const uint8_t *file, size_t size, const struct keyring *ring,
		struct simg_summary *sum, struct rpt_error *err);

/* The same checks without the signature (for `info`, which has no key). */
int simg_check_structure(const uint8_t *file, size_t size, struct simg_summary *sum,
			 struct rpt_error *err);

#endif
