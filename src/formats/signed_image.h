/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The signed firmware image of OP-TEE's scripts/sign_rproc_fw.py:
 *
 *   0  u32 magic 0x3543A468 | 4 u32 version 1 | 8 u32 tlv_len | 12 u32 sign_len
 *   16 u32 img_len | 20 TLV area | signature + pad to 8 | images, each padded to 8
 *
 * One parser (used by `rproc-sign verify` and by the TA) and one builder
 * (used by `rproc-sign sign`). The parser works on private copies: the caller
 * hands it the 20 header bytes and the TLV area it has already copied out of
 * any shared buffer.
 */
#ifndef RPT_FORMATS_SIGNED_IMAGE_H
#define RPT_FORMATS_SIGNED_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "formats/elf32.h"

#define SIMG_MAGIC	 0x3543A468u
#define SIMG_VERSION	 1u
#define SIMG_HEADER_SIZE 20u
/* A TLV area or signature larger than this is refused before anything is allocated. */
#define SIMG_TLV_MAX (1u << 20)
#define SIMG_SIG_MAX 512u

enum simg_tlv_type {
	SIMG_TLV_SIGNTYPE = 0x01,
	SIMG_TLV_HASHTYPE = 0x02,
	SIMG_TLV_NUM_IMG = 0x03,
	SIMG_TLV_IMGTYPE = 0x04,
	SIMG_TLV_IMGSIZE = 0x05,
	SIMG_TLV_HASHTABLE = 0x10,
	SIMG_TLV_PKEYINFO = 0x11,
};

#define SIMG_TLV_GENERIC_MAX  0xFFFFu
#define SIMG_TLV_PLATFORM_MIN 0x10000u
#define SIMG_TLV_PLATFORM_MAX 0x1FFFFu
/* Our platform TLV: u32 security counter for rollback protection. */
#define SIMG_TLV_SECURITY_COUNTER 0x10100u
/*
 * STM32MP2's platform TLV: u32 boot address of the M33 (ST signs with
 * `--plat-tlv 0x10001 0x80100000`). Platform-defined: only an STM32MP2
 * coprocessor gives it this meaning (src/secure/platform); other platforms'
 * images may carry anything under 0x10001 (the STM32MP15 vector: "hello").
 */
#define SIMG_TLV_STM32MP2_BOOTADDR 0x10001u

/*
 * A platform TLV whose meaning and size are known: the one table of them
 * (signed_image.c), read by the decoder, `rproc-sign sign`, `verify` and `info`.
 */
struct simg_plat_tlv_rule {
	uint32_t type;	   /* TLV type, in the platform range */
	const char *name;  /* e.g. "SECURITY_COUNTER" */
	uint32_t len;	   /* the one value length the readers accept, in bytes */
	bool everywhere;   /* every board reads it: another size is refused everywhere (and
			    * by this decoder); false: only the platforms in `where` read it,
			    * others treat it as opaque bytes */
	const char *where; /* who reads it and what for, for messages */
};

/* The rule of a platform TLV type, or NULL when the type has no known meaning. */
const struct simg_plat_tlv_rule *simg_plat_tlv_rule(uint32_t type);

/*
 * Check a platform TLV's value length against its rule. 0 when the type is
 * unknown or the size is right; else -RPT_EFORMAT with the rule explained in
 * err (how --plat-tlv encodes values included) and *rule set, so that the
 * caller can refuse (rule->everywhere) or warn.
 */
int simg_plat_tlv_check(uint32_t type, uint32_t len, const struct simg_plat_tlv_rule **rule,
			struct rpt_error *err);

enum simg_sign_type {
	SIMG_SIGN_RSA_PKCS1_SHA256 = 1,
	SIMG_SIGN_ECDSA_P256_SHA256 = 2,
};

#define SIMG_HASH_SHA256     1
#define SIMG_IMG_ELF	     1
#define SIMG_HASH_ENTRY_SIZE 64u

/* The header, decoded, with the layout it implies (all offsets checked for overflow). */
struct simg_layout {
	uint32_t magic;
	uint32_t version;
	uint32_t tlv_len;  /* bytes of TLV area */
	uint32_t sign_len; /* bytes of signature (without padding) */
	uint32_t img_len;  /* bytes of all images, each padded to 8 */
	uint64_t tlv_off;  /* = 20 */
	uint64_t sig_off;  /* = 20 + tlv_len */
	uint64_t img_off;  /* = sig_off + r8(sign_len) */
	uint64_t total;	   /* = img_off + r8(img_len): the file size the header demands */
};

/* One TLV record; value points into the TLV area given to the walker. */
struct simg_tlv {
	uint32_t type;
	uint32_t len;
	const uint8_t *value;
	size_t offset; /* of the record within the TLV area, for messages */
};

/* The generic TLVs, decoded. Pointers go into the TLV area given to simg_decode_tlvs(). */
struct simg_tlvs {
	uint8_t sign_type;	  /* enum simg_sign_type */
	uint8_t hash_type;	  /* SIMG_HASH_SHA256 */
	uint8_t num_img;	  /* 1..SIMG_MAX_IMAGES */
	const uint8_t *img_type;  /* num_img bytes */
	const uint8_t *img_size;  /* num_img little-endian u32 */
	const uint8_t *hashtable; /* hashtable_len bytes, SIMG_HASH_ENTRY_SIZE per entry */
	uint32_t hashtable_len;
	const uint8_t *pkeyinfo; /* NULL if absent */
	uint32_t pkeyinfo_len;
	bool has_counter; /* a SECURITY_COUNTER TLV (exactly 4 bytes, at most one) */
	uint32_t counter; /* its value, if has_counter */
};

#define SIMG_MAX_IMAGES 16

/* One hash-table entry: a program header as signed, and the SHA-256 of its file bytes. */
struct simg_hash_entry {
	uint32_t p_type;
	uint32_t p_offset;
	uint32_t p_vaddr;
	uint32_t p_paddr;
	uint32_t p_filesz;
	uint32_t p_memsz;
	uint32_t p_flags;
	uint32_t p_align;
	uint8_t hash[32];
};

/* Decode and check the 20 header bytes: magic, version, lengths, layout without overflow. */
int simg_parse_header(const uint8_t hdr[SIMG_HEADER_SIZE], struct simg_layout *lay,
		      struct rpt_error *err);

/* The size rule: the file must be exactly lay->total bytes. */
int simg_check_size(const struct simg_layout *lay, uint64_t file_size, struct rpt_error *err);

/*
 * Walk the TLV area. *pos starts at 0. Returns 1 and fills *tlv for each
 * record, 0 at the end (trailing zero padding of fewer than 8 bytes is the
 * end), negative if a record runs past the area or its padding is not zero.
 */
int simg_tlv_next(const uint8_t *area, size_t len, size_t *pos, struct simg_tlv *tlv,
		  struct rpt_error *err);

/* Find the record of a type (first one). 0 found, -ENOENT absent, other negatives: bad area. */
int simg_find_tlv(const uint8_t *area, size_t len, uint32_t type, struct simg_tlv *tlv,
		  struct rpt_error *err);

/*
 * Decode every TLV: each generic type at most once, unknown generic types and
 * types above the platform range refused, SIGNTYPE/HASHTYPE/NUM_IMG/IMGTYPE/
 * IMGSIZE/HASHTABLE present with the right lengths, HASHTYPE SHA-256, every
 * IMGTYPE ELF, NUM_IMG in 1..SIMG_MAX_IMAGES, hash table a multiple of 64, and
 * the padded IMGSIZEs summing to img_len exactly. Platform TLVs: this
 * platform's SECURITY_COUNTER at most once and exactly 4 bytes (one rule for
 * `rproc-sign verify` and the TA); other platform types are left opaque.
 */
int simg_decode_tlvs(const struct simg_layout *lay, const uint8_t *area, struct simg_tlvs *out,
		     struct rpt_error *err);

static inline uint32_t simg_img_size(const struct simg_tlvs *t, unsigned int idx)
{
	const uint8_t *p = t->img_size + 4u * idx;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline unsigned int simg_hash_entries(const struct simg_tlvs *t)
{
	return t->hashtable_len / SIMG_HASH_ENTRY_SIZE;
}

/* Decode hash-table entry idx (idx < simg_hash_entries()). */
void simg_hash_entry_get(const struct simg_tlvs *t, unsigned int idx, struct simg_hash_entry *e);

/*
 * True if a program header is exactly the signed one: every field equal.
 * The binding rule of the project: image k's i-th program header must equal
 * hash-table entry (first_k + i), where first_k is the sum of the previous
 * images' e_phnum, and the entries must be used up exactly by the last image.
 */
bool simg_phdr_matches(const Elf32_Phdr *ph, const struct simg_hash_entry *e);

/*
 * Bind one image's program headers to its slice of the hash table starting at
 * *next_entry, advancing it by e_phnum. Fails (naming image and header) if the
 * table runs out or any header differs from its entry. The caller checks at the
 * end that *next_entry == simg_hash_entries().
 */
int simg_bind_phdrs(const struct simg_tlvs *t, unsigned int img_idx, const struct elf32_file *elf,
		    unsigned int *next_entry, struct rpt_error *err);

/*
 * Digest that the signature covers: SHA-256(header[0..20) || TLV area).
 */
int simg_signed_digest(const uint8_t hdr[SIMG_HEADER_SIZE], const uint8_t *tlv, size_t tlv_len,
		       uint8_t digest[32]);

/* ---- builder (the signer) ---- */

/* A TLV area under construction. */
struct simg_tlv_builder {
	uint8_t *buf; /* records so far (owned) */
	size_t len;   /* bytes used */
	size_t cap;   /* bytes allocated */
};

void simg_tlv_builder_init(struct simg_tlv_builder *b);
/* Append a record, zero-padded so that 8 + len is a multiple of 8. */
int simg_tlv_builder_add(struct simg_tlv_builder *b, uint32_t type, const void *value, size_t len);
void simg_tlv_builder_free(struct simg_tlv_builder *b);

/*
 * Append the 64-byte hash-table entries of every program header of an ELF (all
 * types, in order, hashing each one's p_filesz file bytes), as the reference
 * signer does.
 */
int simg_hashtable_append(struct simg_tlv_builder *ht, const struct elf32_file *elf);
/*
 * Append one 64-byte hash-table entry: the program header's fields and the
 * SHA-256 of its p_filesz file bytes, hashed by the caller (a signer that
 * streams the file hashes it on the way).
 */
int simg_hashtable_add(struct simg_tlv_builder *ht, const Elf32_Phdr *ph, const uint8_t digest[32]);

/* Header bytes for given lengths. */
void simg_header_encode(uint8_t hdr[SIMG_HEADER_SIZE], uint32_t tlv_len, uint32_t sign_len,
			uint32_t img_len);

/* ---- images inside a whole file, and their resource table ---- */

/* Where image idx lies in a file whose layout and TLVs were checked (sizes add up). */
uint64_t simg_image_offset(const struct simg_layout *lay, const struct simg_tlvs *t,
			   unsigned int idx);

/* Location of a `.resource_table` tied to a signed PT_LOAD segment. */
struct simg_rsc_location {
	unsigned int phdr; /* index of the PT_LOAD segment holding it */
	uint32_t da;	   /* device address: segment p_paddr + offset in segment */
	uint32_t size;	   /* bytes */
	uint32_t seg_off;  /* offset of the table inside the segment's file bytes */
};

/*
 * Find `.resource_table` (exact, NUL-terminated name) and tie it to the file
 * bytes of exactly one PT_LOAD segment: wholly inside that segment's p_filesz,
 * with sh_addr consistent with the segment's p_vaddr. Section headers are not
 * signed, so the address reported comes from the (signed) program header.
 * Returns 0, -ENOENT if the ELF has no such section (not a failure: nothing
 * is recorded in err), -RPT_EFORMAT otherwise.
 */
int simg_locate_rsc_table(const struct elf32_file *elf, struct simg_rsc_location *loc,
			  struct rpt_error *err);

#endif
