// SPDX-License-Identifier: BSD-2-Clause
#include "crypto/keyring.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void keyring_init(struct keyring *ring)
{
	memset(ring, 0, sizeof(*ring));
}

void keyring_free(struct keyring *ring)
{
	unsigned int i;

	for (i = 0; i < ring->count; i++)
		crypto_key_free(ring->keys[i]);
	memset(ring, 0, sizeof(*ring));
}

int keyring_add(struct keyring *ring, struct crypto_key *key, const char *name,
		struct rpt_error *err)
{
	uint8_t id[CRYPTO_SHA256_SIZE];
	unsigned int i;
	int ret;

	ret = crypto_key_id(key, id);
	if (ret) {
		crypto_key_free(key);
		return rpt_error_set(err, ret, "%s: cannot compute key id", name);
	}
	for (i = 0; i < ring->count; i++) {
		if (!memcmp(ring->ids[i], id, sizeof(id))) {
			crypto_key_free(key);
			return 0;
		}
	}
	if (ring->count == KEYRING_MAX) {
		crypto_key_free(key);
		return rpt_error_set(err, ENOSPC, "%s: more than %d trusted keys", name,
				     KEYRING_MAX);
	}
	ring->keys[ring->count] = key;
	memcpy(ring->ids[ring->count], id, sizeof(id));
	snprintf(ring->names[ring->count], sizeof(ring->names[0]), "%s", name);
	ring->count++;
	return 0;
}

int keyring_add_file(struct keyring *ring, const char *path, struct rpt_error *err)
{
	struct crypto_key *key;
	const char *base = strrchr(path, '/');
	int ret;

	ret = crypto_key_load_public(path, &key, err);
	if (ret)
		return ret;
	return keyring_add(ring, key, base ? base + 1 : path, err);
}

static int verify_with(const struct keyring *ring, unsigned int i, enum crypto_key_type type,
		       const uint8_t *digest, const uint8_t *sig, size_t sig_len)
{
	/* Failures of individual keys are expected while trying them all: keep no message. */
	struct rpt_error quiet = {0};

	if (crypto_key_type(ring->keys[i]) != type)
		return -RPT_ESIGNATURE;
	return crypto_verify_digest(ring->keys[i], type, digest, sig, sig_len, &quiet);
}

int keyring_verify(const struct keyring *ring, enum crypto_key_type type,
		   const uint8_t digest[CRYPTO_SHA256_SIZE], const uint8_t *sig, size_t sig_len,
		   const uint8_t *keyinfo, size_t keyinfo_len, unsigned int *used,
		   struct rpt_error *err)
{
	bool by_id = keyinfo && keyinfo_len == CRYPTO_SHA256_SIZE;
	unsigned int i, tried = 0;

	for (i = 0; i < ring->count; i++) {
		if (by_id && memcmp(ring->ids[i], keyinfo, CRYPTO_SHA256_SIZE))
			continue;
		tried++;
		if (!verify_with(ring, i, type, digest, sig, sig_len)) {
			if (used)
				*used = i;
			return 0;
		}
	}
	if (by_id && !tried)
		return rpt_error_set(err, RPT_ENOKEY,
				     "signature: the image's key id (PKEYINFO) matches none of the "
				     "%u trusted keys",
				     ring->count);
	return rpt_error_set(err, RPT_ESIGNATURE,
			     "signature: %s signature does not verify with %s%u trusted key%s",
			     type == CRYPTO_KEY_RSA ? "RSA" : "ECDSA P-256",
			     by_id ? "the selected one of " : "any of the ", ring->count,
			     ring->count == 1 ? "" : "s");
}
