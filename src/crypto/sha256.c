// SPDX-License-Identifier: BSD-2-Clause
/*
 * SHA-256 of data, through OpenSSL's SHA256_Init/Update/Final: the same
 * assembly (SHA-NI, AVX2, ...) as the SHA-256 of its default provider, called
 * without the provider.
 *
 * Why not an EVP digest: in OpenSSL 3 the first EVP digest starts the library
 * (configuration file, default provider, the digest table): about 2.5 ms, a
 * sixth of a whole `rproc-sign sign`, measured on the project's VM. rproc-sign
 * hashes its inputs on a second thread while the main thread starts OpenSSL
 * and loads the key (tools/rproc-sign/signer.c); through EVP that thread would
 * wait for the start and the overlap would be lost. These functions need no
 * start and allocate nothing, so they may run on any thread at any time.
 *
 * They are deprecated since OpenSSL 3.0 (in favour of providers) but present
 * and unchanged in every 3.x; this is the one file allowed to use them, hence
 * OPENSSL_SUPPRESS_DEPRECATED here and nowhere else. Signatures, their digest
 * and the random generator still go through EVP and the providers (crypto.c).
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "crypto/crypto.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

_Static_assert(sizeof(SHA256_CTX) <= CRYPTO_SHA256_STATE_SIZE,
	       "struct crypto_sha256 has no room for OpenSSL's SHA256_CTX");

/*
 * The context is kept as bytes (crypto.h includes no OpenSSL header) and
 * copied into a real SHA256_CTX around each call: 112 bytes against at least
 * one 64-byte block hashed, and no type punning.
 */
int crypto_sha256_init(struct crypto_sha256 *h)
{
	SHA256_CTX ctx;

	h->live = false;
	if (!SHA256_Init(&ctx))
		return -EIO;
	memcpy(h->state, &ctx, sizeof(ctx));
	h->live = true;
	return 0;
}

int crypto_sha256_update(struct crypto_sha256 *h, const void *data, size_t len)
{
	SHA256_CTX ctx;
	int ok;

	if (!h->live)
		return -EINVAL;
	if (!len)
		return 0;
	memcpy(&ctx, h->state, sizeof(ctx));
	ok = SHA256_Update(&ctx, data, len);
	memcpy(h->state, &ctx, sizeof(ctx));
	return ok ? 0 : -EIO;
}

int crypto_sha256_final(struct crypto_sha256 *h, uint8_t out[CRYPTO_SHA256_SIZE])
{
	SHA256_CTX ctx;
	int ok;

	if (!h->live)
		return -EINVAL;
	memcpy(&ctx, h->state, sizeof(ctx));
	ok = SHA256_Final(out, &ctx);
	OPENSSL_cleanse(&ctx, sizeof(ctx));
	crypto_sha256_abort(h);
	return ok ? 0 : -EIO;
}

void crypto_sha256_abort(struct crypto_sha256 *h)
{
	OPENSSL_cleanse(h->state, sizeof(h->state));
	h->live = false;
}

int crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_SIZE])
{
	struct crypto_sha256 h;
	int ret;

	ret = crypto_sha256_init(&h);
	if (ret)
		return ret;
	ret = crypto_sha256_update(&h, data, len);
	if (ret) {
		crypto_sha256_abort(&h);
		return ret;
	}
	return crypto_sha256_final(&h, out);
}
