/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thin wrapper over OpenSSL 3 libcrypto: SHA-256, RSA PKCS#1 v1.5 and
 * ECDSA P-256 (raw r||s on the wire), PEM keys. No cryptography is written
 * here; this only adapts OpenSSL to the formats of the signed image.
 */
#ifndef RPT_CRYPTO_CRYPTO_H
#define RPT_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define CRYPTO_SHA256_SIZE	   32
#define CRYPTO_ECDSA_P256_SIG_SIZE 64
#define CRYPTO_SIG_MAX		   512 /* RSA-4096 */

/* Room for OpenSSL's SHA256_CTX (112 bytes), checked when sha256.c is built. */
#define CRYPTO_SHA256_STATE_SIZE 128

/*
 * Incremental SHA-256 (sha256.c). Nothing allocated and no OpenSSL start
 * needed: any thread may hash at any time, even while another one starts
 * OpenSSL. A zeroed struct is "not started": update and final refuse it,
 * abort ignores it.
 */
struct crypto_sha256 {
	unsigned char state[CRYPTO_SHA256_STATE_SIZE]; /* OpenSSL's SHA256_CTX, copied in and out */
	bool live;				       /* between init and final/abort */
};

int crypto_sha256_init(struct crypto_sha256 *h);
int crypto_sha256_update(struct crypto_sha256 *h, const void *data, size_t len);
/* Writes the digest and frees the context (also on failure). */
int crypto_sha256_final(struct crypto_sha256 *h, uint8_t out[CRYPTO_SHA256_SIZE]);
/* Frees the context without producing a digest (error paths). */
void crypto_sha256_abort(struct crypto_sha256 *h);
/* One-shot. */
int crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_SIZE]);

enum crypto_key_type {
	CRYPTO_KEY_RSA = 1, /* same numbers as the image's SIGNTYPE TLV */
	CRYPTO_KEY_ECDSA_P256 = 2,
};

struct crypto_key; /* opaque: an EVP_PKEY, public or private */

/* Load a PEM private key (PKCS#1, PKCS#8 or SEC1), optionally encrypted with `password`. */
int crypto_key_load_private(const char *path, const char *password, struct crypto_key **out,
			    struct rpt_error *err);
/* Load a PEM public key (SubjectPublicKeyInfo or PKCS#1 RSA), from a file or a buffer. */
int crypto_key_load_public(const char *path, struct crypto_key **out, struct rpt_error *err);
int crypto_key_load_public_mem(const void *pem, size_t len, struct crypto_key **out,
			       struct rpt_error *err);
void crypto_key_free(struct crypto_key *key);

/* RSA (any size >= 2048) or ECDSA P-256; other keys are refused at load. */
enum crypto_key_type crypto_key_type(const struct crypto_key *key);
bool crypto_key_is_private(const struct crypto_key *key);
/* Signature size on the wire: RSA modulus bytes, or 64 for ECDSA P-256. */
size_t crypto_key_sig_size(const struct crypto_key *key);
/* Bits of the RSA modulus or of the curve (for summaries). */
int crypto_key_bits(const struct crypto_key *key);

/* Key id: SHA-256 of the DER SubjectPublicKeyInfo of the public part. */
int crypto_key_id(const struct crypto_key *key, uint8_t id[CRYPTO_SHA256_SIZE]);

/*
 * Sign a SHA-256 digest. RSA: PKCS#1 v1.5 with the SHA-256 DigestInfo
 * (deterministic). ECDSA: raw r||s, each 32 bytes big-endian. *sig_len gets
 * crypto_key_sig_size(key); sig must hold CRYPTO_SIG_MAX bytes.
 */
int crypto_sign_digest(const struct crypto_key *key, const uint8_t digest[CRYPTO_SHA256_SIZE],
		       uint8_t *sig, size_t *sig_len, struct rpt_error *err);

/*
 * Verify a signature over a SHA-256 digest. `type` is what the image claims
 * (SIGNTYPE); a key of another type fails. Returns 0 if valid,
 * -RPT_ESIGNATURE if not (bad length or bad signature), other negatives on
 * internal failure.
 */
int crypto_verify_digest(const struct crypto_key *key, enum crypto_key_type type,
			 const uint8_t digest[CRYPTO_SHA256_SIZE], const uint8_t *sig,
			 size_t sig_len, struct rpt_error *err);

/* Generate a key: "rsa2048", "rsa3072", "rsa4096" or "ecdsa-p256". */
int crypto_key_generate(const char *type_name, struct crypto_key **out, struct rpt_error *err);

/* Write the private key as unencrypted PKCS#8 PEM (mode 0600). */
int crypto_key_write_private_pem(const struct crypto_key *key, const char *path,
				 struct rpt_error *err);
/* Public key as SubjectPublicKeyInfo PEM into a new NUL-terminated buffer (free()). */
int crypto_key_public_pem(const struct crypto_key *key, char **pem, struct rpt_error *err);
/* Public key as DER SubjectPublicKeyInfo into a new buffer (free()). */
int crypto_key_public_der(const struct crypto_key *key, uint8_t **der, size_t *len,
			  struct rpt_error *err);

#endif
