/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Produce a signed image, byte-compatible with OP-TEE's sign_rproc_fw.py:
 * TLVs in its order (SIGNTYPE, NUM_IMG, IMGTYPE, IMGSIZE, HASHTYPE, HASHTABLE,
 * [PKEYINFO], [platform TLVs]), each ELF copied whole and padded to 8.
 */
#ifndef RPT_TOOLS_SIGNER_H
#define RPT_TOOLS_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define SIGNER_MAX_PLAT_TLVS 32

/* One platform TLV given on the command line (--plat-tlv ID VALUE). */
struct signer_plat_tlv {
	uint32_t type;	    /* 0x10000..0x1FFFF */
	uint8_t value[256]; /* encoded value */
	size_t len;	    /* bytes in value */
};

struct signer_input {
	const uint8_t *elf; /* the ELF file bytes */
	size_t size;	    /* its size (not padded) */
	const char *name;   /* for messages */
};

struct signer_request {
	const struct signer_input *inputs; /* images, in order */
	unsigned int num_inputs;
	const struct crypto_key *key; /* private signing key */
	const uint8_t *key_info;      /* PKEYINFO value, or NULL */
	size_t key_info_len;
	const struct signer_plat_tlv *plat; /* platform TLVs, in first-given order */
	unsigned int num_plat;
};

/* Build the signed image into a new buffer (free()). */
int signer_build(const struct signer_request *req, uint8_t **out, size_t *out_len,
		 struct rpt_error *err);

/*
 * Only what comes before the images: header | TLV area | signature, zero-padded
 * to 8 (new buffer, free()). The image is that, then each input's bytes
 * zero-padded to 8: a writer can take them from where they are, no copy.
 */
int signer_build_prefix(const struct signer_request *req, uint8_t **out, size_t *out_len,
			struct rpt_error *err);

/*
 * Hashing of the inputs' segments (one SHA-256 per program header, the hash
 * table's entries) on a thread of its own, started as soon as the inputs are
 * open: it needs neither the key nor OpenSSL started (crypto_sha256), so it
 * runs while the caller starts OpenSSL, loads the key and copies the inputs
 * into the image. Input i is read with pread from fds[i] when fds is given and
 * fds[i] >= 0 (a file holding exactly inputs[i]'s bytes, that nobody changes
 * meanwhile), else from inputs[i].elf; inputs and their files must outlive the
 * hasher. Start checks every input's ELF header; the thread allocates nothing.
 */
struct signer_hasher;

int signer_hasher_start(const struct signer_input *inputs, unsigned int num_inputs, const int *fds,
			struct signer_hasher **out, struct rpt_error *err);
/* Join the thread; 0 when every segment was hashed, else why not. Again: the same answer. */
int signer_hasher_wait(struct signer_hasher *hs, struct rpt_error *err);
/* Join the thread if still running (error paths) and free; NULL is ignored. */
void signer_hasher_free(struct signer_hasher *hs);

/*
 * Write the signed image into out_fd (a new, empty file; out_name names it in
 * messages) and set *total to its size. Every input is checked before
 * anything is written; then each is copied to its place (by the kernel,
 * copy_file_range, from fds[i] as signer_hasher_start() reads them, else
 * written from its bytes) while hasher hashes its segments; hasher NULL: one
 * is started here. The prefix (signer_build_prefix) is written last, at
 * offset 0. Nothing is undone on failure: the caller discards the file; a
 * caller's hasher is still the caller's to free.
 */
int signer_write_image(const struct signer_request *req, const int *fds,
		       struct signer_hasher *hasher, int out_fd, const char *out_name,
		       size_t *total, struct rpt_error *err);

/*
 * Parse a --plat-tlv pair the way the reference does: ID (decimal or 0x-hex)
 * must be in the platform range; VALUE "0x..." is a u32 stored little-endian,
 * anything else is the string's bytes. A later TLV with the same ID replaces
 * the earlier value in place (the reference keeps them in a dict).
 */
int signer_add_plat_tlv(struct signer_plat_tlv *list, unsigned int *count, const char *id,
			const char *value, struct rpt_error *err);

#endif
