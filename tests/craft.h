/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only tools to craft hostile signed images: change bytes, then make the
 * signed parts agree again (re-hash a segment into the hash table, re-sign the
 * header and TLV area with a test key), so that only the unsigned parts lie.
 */
#ifndef RPT_TESTS_CRAFT_H
#define RPT_TESTS_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "formats/signed_image.h"

/* A signed image being crafted; owns its bytes. */
struct craft {
	uint8_t *buf;		/* the file */
	size_t size;		/* bytes */
	struct simg_layout lay; /* its header (refreshed by craft_refresh) */
	struct simg_tlvs tlvs;	/* its TLVs (pointers into buf) */
};

/* Load a vector and decode it (fails the test if it is not a valid container). */
void craft_load(struct craft *c, const char *path);
void craft_free(struct craft *c);
/* Re-decode header and TLVs after an edit (fails the test if it cannot). */
void craft_refresh(struct craft *c);
/* Offset in the file of image img's program header ph (0-based both), and of its ELF. */
size_t craft_image_off(const struct craft *c, unsigned int img);
size_t craft_phdr_off(const struct craft *c, unsigned int img, unsigned int ph);
/* Pointer to the hash-table entry number `entry` (64 bytes). */
uint8_t *craft_entry(struct craft *c, unsigned int entry);
/* Recompute the SHA-256 of entry `entry` from the file bytes its header names. */
void craft_rehash(struct craft *c, unsigned int img, unsigned int entry);
/* Re-sign header + TLV area with a private key (path to PEM). */
void craft_resign(struct craft *c, const char *key_path);
/* Loaded private key for repeated signing. */
void craft_resign_key(struct craft *c, const struct crypto_key *key);

#endif
