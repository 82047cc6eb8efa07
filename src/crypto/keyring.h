/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A list of trusted public keys and the rule that picks the one to verify
 * with. Shared by `rproc-sign verify` and the secure world's platform layer so
 * both accept exactly the same images.
 *
 * Key selection: when the image carries a PKEYINFO TLV of exactly 32 bytes it
 * is a key id (SHA-256 of the key's DER SubjectPublicKeyInfo) and only that
 * key is tried; an id that matches no trusted key is refused. Any other
 * PKEYINFO is opaque platform information (OP-TEE passes it to its platform
 * verifier), and, as without PKEYINFO, every trusted key is tried.
 *
 * Revoking a key is removing it from the list (the board's trusted-key list):
 * images signed only with it stop verifying at the next load.
 */
#ifndef RPT_CRYPTO_KEYRING_H
#define RPT_CRYPTO_KEYRING_H

#include "crypto/crypto.h"

#define KEYRING_MAX 16
/* Longest key name kept (a path, as long as a board's BOARD_PATH_MAX) with its NUL. */
#define KEYRING_NAME_MAX 256

struct keyring {
	struct crypto_key *keys[KEYRING_MAX];	      /* owned */
	uint8_t ids[KEYRING_MAX][CRYPTO_SHA256_SIZE]; /* key id of keys[i] */
	char names[KEYRING_MAX][KEYRING_NAME_MAX];    /* where each key came from, for messages */
	unsigned int count;			      /* keys in use */
};

void keyring_init(struct keyring *ring);
void keyring_free(struct keyring *ring);

/* Add a key (takes ownership, also on failure). A key already present is not added twice. */
int keyring_add(struct keyring *ring, struct crypto_key *key, const char *name,
		struct rpt_error *err);
/* Load a PEM public key file and add it. */
int keyring_add_file(struct keyring *ring, const char *path, struct rpt_error *err);

/*
 * Verify `sig` over `digest` with the key the rule above selects. On success
 * *used (if not NULL) gets the index of the key that verified.
 * -RPT_ENOKEY: key id matches no trusted key; -RPT_ESIGNATURE: no key verifies.
 */
int keyring_verify(const struct keyring *ring, enum crypto_key_type type,
		   const uint8_t digest[CRYPTO_SHA256_SIZE], const uint8_t *sig, size_t sig_len,
		   const uint8_t *keyinfo, size_t keyinfo_len, unsigned int *used,
		   struct rpt_error *err);

#endif
