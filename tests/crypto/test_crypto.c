// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of the OpenSSL adapter: SHA-256 known answers, RSA / ECDSA sign and
 * verify (also against the reference signed images), key loading, key ids,
 * key generation and writing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "testutil.h"

#include "crypto/crypto.h"

/* Layout of the signed image header used by the reference vectors. */
#define SIGN_HDR_SIZE	 20
#define SIGN_HDR_TLV_LEN 8  /* u32 LE: length of the TLV area after the header */
#define SIGN_HDR_SIG_LEN 12 /* u32 LE: length of the signature after the TLVs */

/* ---- helpers ----------------------------------------------------------- */

static struct crypto_key *load_priv(const char *rel)
{
	struct rpt_error err = {0};
	struct crypto_key *key = NULL;
	int ret;

	ret = crypto_key_load_private(rpt_vector_path(rel), NULL, &key, &err);
	if (ret)
		fail_msg("%s: %s", rel, rpt_error_msg(&err));
	assert_non_null(key);
	return key;
}

static struct crypto_key *load_pub(const char *rel)
{
	struct rpt_error err = {0};
	struct crypto_key *key = NULL;
	int ret;

	ret = crypto_key_load_public(rpt_vector_path(rel), &key, &err);
	if (ret)
		fail_msg("%s: %s", rel, rpt_error_msg(&err));
	assert_non_null(key);
	return key;
}

static const char *tmp_path(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", rpt_tmpdir(), name);
	return path;
}

static void key_id_of(const struct crypto_key *key, uint8_t id[CRYPTO_SHA256_SIZE])
{
	assert_int_equal(crypto_key_id(key, id), 0);
}

static void assert_same_id(const struct crypto_key *a, const struct crypto_key *b)
{
	uint8_t ida[CRYPTO_SHA256_SIZE];
	uint8_t idb[CRYPTO_SHA256_SIZE];

	key_id_of(a, ida);
	key_id_of(b, idb);
	assert_memory_equal(ida, idb, sizeof(ida));
}

static void sign_ok(const struct crypto_key *key, const uint8_t *digest, uint8_t *sig,
		    size_t *sig_len)
{
	struct rpt_error err = {0};

	if (crypto_sign_digest(key, digest, sig, sig_len, &err))
		fail_msg("sign: %s", rpt_error_msg(&err));
	assert_int_equal(*sig_len, crypto_key_sig_size(key));
}

static int verify(const struct crypto_key *key, enum crypto_key_type type, const uint8_t *digest,
		  const uint8_t *sig, size_t sig_len, struct rpt_error *err)
{
	rpt_error_clear(err);
	return crypto_verify_digest(key, type, digest, sig, sig_len, err);
}

/* Expect a verification to be refused as a bad signature, with a message naming `why`. */
static void verify_bad(const struct crypto_key *key, enum crypto_key_type type,
		       const uint8_t *digest, const uint8_t *sig, size_t sig_len, const char *why)
{
	struct rpt_error err = {0};

	assert_int_equal(verify(key, type, digest, sig, sig_len, &err), -RPT_ESIGNATURE);
	assert_int_equal(err.code, -RPT_ESIGNATURE);
	if (!strstr(err.msg, why))
		fail_msg("message \"%s\" does not mention \"%s\"", err.msg, why);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Write an OpenSSL key with a writer callback into a file of the temporary directory. */
static const char *write_pkey(const char *name, EVP_PKEY *pkey,
			      int (*writer)(BIO *bio, EVP_PKEY *pkey))
{
	const char *path = tmp_path(name);
	BIO *bio = BIO_new_file(path, "w");

	assert_non_null(bio);
	assert_int_equal(writer(bio, pkey), 1);
	BIO_free(bio);
	return path;
}

static int write_priv_pkcs8(BIO *bio, EVP_PKEY *pkey)
{
	return PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
}

static int write_priv_traditional(BIO *bio, EVP_PKEY *pkey)
{
	return PEM_write_bio_PrivateKey_traditional(bio, pkey, NULL, NULL, 0, NULL, NULL);
}

static int write_pub_spki(BIO *bio, EVP_PKEY *pkey)
{
	return PEM_write_bio_PUBKEY(bio, pkey);
}

/* PKCS#1 "RSA PUBLIC KEY", through the encoder (PEM_write_bio_RSAPublicKey is deprecated). */
static int write_pub_pkcs1(BIO *bio, EVP_PKEY *pkey)
{
	OSSL_ENCODER_CTX *ctx;
	int ok;

	ctx = OSSL_ENCODER_CTX_new_for_pkey(pkey, EVP_PKEY_PUBLIC_KEY, "PEM", "type-specific",
					    NULL);
	if (!ctx)
		return 0;
	ok = OSSL_ENCODER_to_bio(ctx, bio);
	OSSL_ENCODER_CTX_free(ctx);
	return ok;
}

static bool file_contains(const char *path, const char *text)
{
	size_t size;
	uint8_t *data = rpt_slurp(path, &size);
	bool found;

	/* rpt_slurp leaves one spare byte. */
	data[size] = '\0';
	found = strstr((char *)data, text) != NULL;
	free(data);
	return found;
}

/* ---- SHA-256 ----------------------------------------------------------- */

static void hex_to_bin(const char *hex, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
}

static void assert_sha256(const void *data, size_t len, const char *hex)
{
	uint8_t want[CRYPTO_SHA256_SIZE];
	uint8_t got[CRYPTO_SHA256_SIZE];

	hex_to_bin(hex, want, sizeof(want));
	assert_int_equal(crypto_sha256(data, len, got), 0);
	assert_memory_equal(got, want, sizeof(want));
}

static void test_sha256_known_answers(void **state)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	assert_sha256("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_sha256(NULL, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_sha256("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_sha256(two_blocks, strlen(two_blocks),
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_incremental(void **state)
{
	/* Odd, prime-ish chunk sizes so that updates straddle the 64-byte blocks. */
	static const size_t chunks[] = {1, 3, 7, 63, 64, 65, 127, 1000, 4093, 65537};
	const size_t total = (size_t)1 << 20;
	uint8_t one_shot[CRYPTO_SHA256_SIZE];
	uint8_t incr[CRYPTO_SHA256_SIZE];
	uint8_t want[CRYPTO_SHA256_SIZE];
	struct crypto_sha256 h;
	uint8_t *buf = malloc(total);
	size_t done = 0;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < total; i++)
		buf[i] = (uint8_t)(i * 31 + (i >> 11));
	assert_int_equal(crypto_sha256(buf, total, one_shot), 0);

	assert_int_equal(crypto_sha256_init(&h), 0);
	for (size_t i = 0; done < total; i++) {
		size_t n = chunks[i % (sizeof(chunks) / sizeof(chunks[0]))];

		if (n > total - done)
			n = total - done;
		assert_int_equal(crypto_sha256_update(&h, buf + done, n), 0);
		done += n;
	}
	assert_int_equal(crypto_sha256_update(&h, buf, 0), 0);
	assert_int_equal(crypto_sha256_final(&h, incr), 0);
	assert_memory_equal(incr, one_shot, sizeof(incr));

	/* And a different input gives a different digest. */
	buf[total / 2] ^= 1;
	assert_int_equal(crypto_sha256(buf, total, incr), 0);
	assert_memory_not_equal(incr, one_shot, sizeof(incr));
	free(buf);

	/* FIPS 180-2 long message: one million 'a', fed in 997-byte pieces. */
	buf = malloc(997);
	assert_non_null(buf);
	memset(buf, 'a', 997);
	assert_int_equal(crypto_sha256_init(&h), 0);
	for (done = 0; done < 1000000; done += 997)
		assert_int_equal(
			crypto_sha256_update(&h, buf, done + 997 > 1000000 ? 1000000 - done : 997),
			0);
	assert_int_equal(crypto_sha256_final(&h, incr), 0);
	hex_to_bin("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want,
		   sizeof(want));
	assert_memory_equal(incr, want, sizeof(want));
	free(buf);
}

static void test_sha256_lifecycle(void **state)
{
	uint8_t out[CRYPTO_SHA256_SIZE];
	struct crypto_sha256 h;

	(void)state;
	/* final ends the context: using it again is refused, not hashed on. */
	assert_int_equal(crypto_sha256_init(&h), 0);
	assert_int_equal(crypto_sha256_update(&h, "abc", 3), 0);
	assert_int_equal(crypto_sha256_final(&h, out), 0);
	assert_false(h.live);
	assert_int_equal(crypto_sha256_update(&h, "abc", 3), -EINVAL);
	assert_int_equal(crypto_sha256_final(&h, out), -EINVAL);

	/* abort ends it too, and twice is harmless. */
	assert_int_equal(crypto_sha256_init(&h), 0);
	assert_int_equal(crypto_sha256_update(&h, "abc", 3), 0);
	crypto_sha256_abort(&h);
	assert_false(h.live);
	crypto_sha256_abort(&h);
	assert_int_equal(crypto_sha256_update(&h, "abc", 3), -EINVAL);
}

/* ---- key properties ---------------------------------------------------- */

static void test_key_properties(void **state)
{
	struct crypto_key *rsa = load_priv("keys/rsa2048.pem");
	struct crypto_key *rsa_pub = load_pub("keys/rsa2048.pub.pem");
	struct crypto_key *ec = load_priv("keys/ecp256.pem");
	struct crypto_key *ec_pub = load_pub("keys/ecp256.pub.pem");

	(void)state;
	assert_int_equal(crypto_key_type(rsa), CRYPTO_KEY_RSA);
	assert_int_equal(crypto_key_type(rsa_pub), CRYPTO_KEY_RSA);
	assert_int_equal(crypto_key_type(ec), CRYPTO_KEY_ECDSA_P256);
	assert_int_equal(crypto_key_type(ec_pub), CRYPTO_KEY_ECDSA_P256);
	assert_true(crypto_key_is_private(rsa));
	assert_false(crypto_key_is_private(rsa_pub));
	assert_true(crypto_key_is_private(ec));
	assert_false(crypto_key_is_private(ec_pub));
	assert_int_equal(crypto_key_sig_size(rsa), 256);
	assert_int_equal(crypto_key_sig_size(rsa_pub), 256);
	assert_int_equal(crypto_key_sig_size(ec), 64);
	assert_int_equal(crypto_key_sig_size(ec_pub), 64);
	assert_int_equal(crypto_key_bits(rsa), 2048);
	assert_int_equal(crypto_key_bits(ec_pub), 256);
	crypto_key_free(ec_pub);
	crypto_key_free(ec);
	crypto_key_free(rsa_pub);
	crypto_key_free(rsa);
	crypto_key_free(NULL);
}

static void test_key_ids(void **state)
{
	struct crypto_key *rsa = load_priv("keys/rsa2048.pem");
	struct crypto_key *rsa_pub = load_pub("keys/rsa2048.pub.pem");
	struct crypto_key *ec = load_priv("keys/ecp256.pem");
	struct crypto_key *ec_pub = load_pub("keys/ecp256.pub.pem");
	uint8_t id_rsa[CRYPTO_SHA256_SIZE];
	uint8_t id_ec[CRYPTO_SHA256_SIZE];
	uint8_t want[CRYPTO_SHA256_SIZE];
	struct rpt_error err = {0};
	uint8_t *der;
	size_t len;

	(void)state;
	assert_same_id(rsa, rsa_pub);
	assert_same_id(ec, ec_pub);
	key_id_of(rsa, id_rsa);
	key_id_of(ec, id_ec);
	assert_memory_not_equal(id_rsa, id_ec, sizeof(id_rsa));

	/* The id is the SHA-256 of exactly the DER SubjectPublicKeyInfo. */
	assert_int_equal(crypto_key_public_der(rsa, &der, &len, &err), 0);
	assert_int_equal(der[0], 0x30); /* SEQUENCE */
	assert_in_range(len, 290, 300); /* 294 for RSA-2048 */
	assert_int_equal(crypto_sha256(der, len, want), 0);
	assert_memory_equal(id_rsa, want, sizeof(want));
	free(der);
	assert_int_equal(crypto_key_public_der(ec_pub, &der, &len, &err), 0);
	assert_int_equal(len, 91); /* P-256 SPKI, uncompressed point */
	assert_int_equal(crypto_sha256(der, len, want), 0);
	assert_memory_equal(id_ec, want, sizeof(want));
	free(der);

	crypto_key_free(ec_pub);
	crypto_key_free(ec);
	crypto_key_free(rsa_pub);
	crypto_key_free(rsa);
}

static void test_public_pem_roundtrip(void **state)
{
	static const char *const rels[] = {"keys/rsa2048.pem", "keys/ecp256.pem"};
	struct rpt_error err = {0};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct crypto_key *priv = load_priv(rels[i]);
		struct crypto_key *pub = NULL;
		char *pem = NULL;

		assert_int_equal(crypto_key_public_pem(priv, &pem, &err), 0);
		assert_non_null(strstr(pem, "-----BEGIN PUBLIC KEY-----"));
		assert_null(strstr(pem, "PRIVATE"));
		assert_int_equal(crypto_key_load_public_mem(pem, strlen(pem), &pub, &err), 0);
		assert_false(crypto_key_is_private(pub));
		assert_same_id(priv, pub);
		free(pem);
		crypto_key_free(pub);
		crypto_key_free(priv);
	}
}

/* ---- RSA --------------------------------------------------------------- */

static void test_rsa_sign_verify(void **state)
{
	struct crypto_key *priv = load_priv("keys/rsa2048.pem");
	struct crypto_key *pub = load_pub("keys/rsa2048.pub.pem");
	struct crypto_key *ec = load_pub("keys/ecp256.pub.pem");
	uint8_t sig2[CRYPTO_SIG_MAX];
	uint8_t sig[CRYPTO_SIG_MAX];
	uint8_t digest[CRYPTO_SHA256_SIZE];
	struct rpt_error err = {0};
	size_t len2 = 0;
	size_t len = 0;

	(void)state;
	assert_int_equal(crypto_sha256("firmware", 8, digest), 0);
	sign_ok(priv, digest, sig, &len);
	assert_int_equal(len, 256);
	/* PKCS#1 v1.5 is deterministic. */
	sign_ok(priv, digest, sig2, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(sig, sig2, len);

	assert_int_equal(verify(pub, CRYPTO_KEY_RSA, digest, sig, len, &err), 0);
	assert_int_equal(err.code, 0);
	/* The private key verifies as well (it holds the public part). */
	assert_int_equal(verify(priv, CRYPTO_KEY_RSA, digest, sig, len, &err), 0);

	/* Wrong key type: an EC key, claimed as RSA or as ECDSA. */
	verify_bad(ec, CRYPTO_KEY_RSA, digest, sig, len, "does not match");
	verify_bad(ec, CRYPTO_KEY_ECDSA_P256, digest, sig, len, "expected 64");
	/* Claimed ECDSA with the RSA key. */
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, len, "does not match");

	/* Wrong lengths. */
	verify_bad(pub, CRYPTO_KEY_RSA, digest, sig, len - 1, "expected 256");
	verify_bad(pub, CRYPTO_KEY_RSA, digest, sig, len + 1, "expected 256");
	verify_bad(pub, CRYPTO_KEY_RSA, digest, sig, 0, "expected 256");

	/* A flipped bit anywhere in the signature. */
	for (size_t i = 0; i < len; i += 51) {
		sig[i] ^= 0x01;
		verify_bad(pub, CRYPTO_KEY_RSA, digest, sig, len, "does not verify");
		sig[i] ^= 0x01;
	}
	/* A flipped bit in the digest. */
	digest[CRYPTO_SHA256_SIZE - 1] ^= 0x80;
	verify_bad(pub, CRYPTO_KEY_RSA, digest, sig, len, "does not verify");
	digest[CRYPTO_SHA256_SIZE - 1] ^= 0x80;
	/* All-zero and all-ones (>= modulus) signatures. */
	memset(sig2, 0, len);
	verify_bad(pub, CRYPTO_KEY_RSA, digest, sig2, len, "does not verify");
	memset(sig2, 0xff, len);
	verify_bad(pub, CRYPTO_KEY_RSA, digest, sig2, len, "does not verify");
	/* Still fine after all that: no state left behind. */
	assert_int_equal(verify(pub, CRYPTO_KEY_RSA, digest, sig, len, &err), 0);

	crypto_key_free(ec);
	crypto_key_free(pub);
	crypto_key_free(priv);
}

static void test_sign_with_public_key_refused(void **state)
{
	struct crypto_key *pub = load_pub("keys/rsa2048.pub.pem");
	uint8_t digest[CRYPTO_SHA256_SIZE] = {0};
	uint8_t sig[CRYPTO_SIG_MAX];
	struct rpt_error err = {0};
	size_t len = 0;

	(void)state;
	assert_int_equal(crypto_sign_digest(pub, digest, sig, &len, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "public key"));
	assert_int_equal(len, 0);
	crypto_key_free(pub);
}

/* ---- ECDSA ------------------------------------------------------------- */

static void test_ecdsa_sign_verify(void **state)
{
	struct crypto_key *priv = load_priv("keys/ecp256.pem");
	struct crypto_key *pub = load_pub("keys/ecp256.pub.pem");
	struct crypto_key *rsa = load_pub("keys/rsa2048.pub.pem");
	struct crypto_key *other = NULL;
	uint8_t digest[CRYPTO_SHA256_SIZE];
	uint8_t sig2[CRYPTO_SIG_MAX];
	uint8_t sig[CRYPTO_SIG_MAX];
	struct rpt_error err = {0};
	size_t len2 = 0;
	size_t len = 0;

	(void)state;
	assert_int_equal(crypto_sha256("firmware", 8, digest), 0);
	sign_ok(priv, digest, sig, &len);
	assert_int_equal(len, CRYPTO_ECDSA_P256_SIG_SIZE);
	assert_int_equal(verify(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, len, &err), 0);
	assert_int_equal(verify(priv, CRYPTO_KEY_ECDSA_P256, digest, sig, len, &err), 0);

	/* Random nonces: a second signature differs and verifies too. */
	sign_ok(priv, digest, sig2, &len2);
	assert_memory_not_equal(sig, sig2, len);
	assert_int_equal(verify(pub, CRYPTO_KEY_ECDSA_P256, digest, sig2, len2, &err), 0);

	/* Flipped bit in r, in s, in the digest. */
	sig[0] ^= 0x01;
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, len, "does not verify");
	sig[0] ^= 0x01;
	sig[63] ^= 0x40;
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, len, "does not verify");
	sig[63] ^= 0x40;
	digest[0] ^= 0x01;
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, len, "does not verify");
	digest[0] ^= 0x01;

	/* Another P-256 key. */
	assert_int_equal(crypto_key_generate("ecdsa-p256", &other, &err), 0);
	verify_bad(other, CRYPTO_KEY_ECDSA_P256, digest, sig, len, "does not verify");
	/* Claimed as RSA: with the EC key, and with an RSA key. */
	verify_bad(pub, CRYPTO_KEY_RSA, digest, sig, len, "does not match");
	verify_bad(rsa, CRYPTO_KEY_RSA, digest, sig, len, "expected 256");
	/* Wrong lengths, among them the DER size OpenSSL itself would produce. */
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, 63, "expected 64");
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, 65, "expected 64");
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, 72, "expected 64");
	/* r = s = 0, and r = s = 2^256 - 1 (above the group order). */
	memset(sig2, 0, 64);
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig2, 64, "does not verify");
	memset(sig2, 0xff, 64);
	verify_bad(pub, CRYPTO_KEY_ECDSA_P256, digest, sig2, 64, "does not verify");
	assert_int_equal(verify(pub, CRYPTO_KEY_ECDSA_P256, digest, sig, len, &err), 0);

	crypto_key_free(other);
	crypto_key_free(rsa);
	crypto_key_free(pub);
	crypto_key_free(priv);
}

/* ---- reference signed images ------------------------------------------- */

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A signed image: digest of header||TLVs, and where the signature is. */
struct signed_vec {
	uint8_t *data;			    /* whole file, owned */
	uint8_t digest[CRYPTO_SHA256_SIZE]; /* SHA-256 of header and TLV area */
	const uint8_t *sig;		    /* into data */
	size_t sig_len;			    /* sign_len from the header */
};

static void signed_vec_load(const char *rel, struct signed_vec *v)
{
	size_t size;
	uint32_t tlv_len;

	v->data = rpt_slurp(rpt_vector_path(rel), &size);
	assert_true(size >= SIGN_HDR_SIZE);
	tlv_len = get_le32(v->data + SIGN_HDR_TLV_LEN);
	v->sig_len = get_le32(v->data + SIGN_HDR_SIG_LEN);
	assert_true((size_t)tlv_len + v->sig_len <= size - SIGN_HDR_SIZE);
	assert_int_equal(crypto_sha256(v->data, SIGN_HDR_SIZE + tlv_len, v->digest), 0);
	v->sig = v->data + SIGN_HDR_SIZE + tlv_len;
}

static void test_reference_signatures(void **state)
{
	struct crypto_key *rsa_pub = load_pub("keys/rsa2048.pub.pem");
	struct crypto_key *ec_pub = load_pub("keys/ecp256.pub.pem");
	struct crypto_key *other = NULL;
	struct rpt_error err = {0};
	struct signed_vec r;
	struct signed_vec e;

	(void)state;
	signed_vec_load("signed/m4-demo.rsa2048.sign", &r);
	signed_vec_load("signed/m4-demo.ecp256.sign", &e);
	assert_int_equal(r.sig_len, 256);
	assert_int_equal(e.sig_len, CRYPTO_ECDSA_P256_SIG_SIZE);

	assert_int_equal(verify(rsa_pub, CRYPTO_KEY_RSA, r.digest, r.sig, r.sig_len, &err), 0);
	assert_int_equal(verify(ec_pub, CRYPTO_KEY_ECDSA_P256, e.digest, e.sig, e.sig_len, &err),
			 0);

	/* Keys swapped, whatever type is claimed. */
	verify_bad(ec_pub, CRYPTO_KEY_RSA, r.digest, r.sig, r.sig_len, "does not match");
	verify_bad(ec_pub, CRYPTO_KEY_ECDSA_P256, r.digest, r.sig, r.sig_len, "expected 64");
	verify_bad(rsa_pub, CRYPTO_KEY_ECDSA_P256, e.digest, e.sig, e.sig_len, "does not match");
	verify_bad(rsa_pub, CRYPTO_KEY_RSA, e.digest, e.sig, e.sig_len, "expected 256");
	/* Signatures swapped between the two images. */
	verify_bad(ec_pub, CRYPTO_KEY_ECDSA_P256, r.digest, e.sig, e.sig_len, "does not verify");
	/* Another key of the same type. */
	assert_int_equal(crypto_key_generate("rsa2048", &other, &err), 0);
	verify_bad(other, CRYPTO_KEY_RSA, r.digest, r.sig, r.sig_len, "does not verify");

	crypto_key_free(other);
	free(e.data);
	free(r.data);
	crypto_key_free(ec_pub);
	crypto_key_free(rsa_pub);
}

static void test_reference_rsa_signature_reproduced(void **state)
{
	struct crypto_key *priv = load_priv("keys/rsa2048.pem");
	uint8_t sig[CRYPTO_SIG_MAX];
	struct signed_vec r;
	size_t len = 0;

	(void)state;
	signed_vec_load("signed/m4-demo.rsa2048.sign", &r);
	sign_ok(priv, r.digest, sig, &len);
	assert_int_equal(len, r.sig_len);
	assert_memory_equal(sig, r.sig, len);
	free(r.data);
	crypto_key_free(priv);
}

/* ---- generation and writing -------------------------------------------- */

static void generate_roundtrip(const char *type_name, enum crypto_key_type type, int bits)
{
	uint8_t digest[CRYPTO_SHA256_SIZE];
	struct crypto_key *reloaded = NULL;
	struct crypto_key *key = NULL;
	struct crypto_key *pub = NULL;
	const char *path = tmp_path("generated.pem");
	uint8_t sig[CRYPTO_SIG_MAX];
	struct rpt_error err = {0};
	struct stat st;
	size_t len = 0;
	char *pem;

	if (crypto_key_generate(type_name, &key, &err))
		fail_msg("%s: %s", type_name, rpt_error_msg(&err));
	assert_int_equal(crypto_key_type(key), type);
	assert_int_equal(crypto_key_bits(key), bits);
	assert_true(crypto_key_is_private(key));

	/* A stale world-readable file at the path must end up 0600 too. */
	write_file(path, "old", 3);
	assert_int_equal(chmod(path, 0644), 0);
	if (crypto_key_write_private_pem(key, path, &err))
		fail_msg("%s: %s", type_name, rpt_error_msg(&err));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(file_contains(path, "-----BEGIN PRIVATE KEY-----"));

	if (crypto_key_load_private(path, NULL, &reloaded, &err))
		fail_msg("%s: %s", type_name, rpt_error_msg(&err));
	assert_same_id(key, reloaded);
	assert_int_equal(crypto_key_public_pem(key, &pem, &err), 0);
	assert_int_equal(crypto_key_load_public_mem(pem, strlen(pem), &pub, &err), 0);
	free(pem);

	assert_int_equal(crypto_sha256(type_name, strlen(type_name), digest), 0);
	sign_ok(reloaded, digest, sig, &len);
	assert_int_equal(len, type == CRYPTO_KEY_RSA ? (size_t)bits / 8 : 64);
	assert_int_equal(verify(pub, type, digest, sig, len, &err), 0);
	assert_int_equal(verify(key, type, digest, sig, len, &err), 0);
	sig[len / 2] ^= 0x10;
	verify_bad(pub, type, digest, sig, len, "does not verify");

	assert_int_equal(unlink(path), 0);
	crypto_key_free(pub);
	crypto_key_free(reloaded);
	crypto_key_free(key);
}

static void test_generate_rsa2048(void **state)
{
	(void)state;
	generate_roundtrip("rsa2048", CRYPTO_KEY_RSA, 2048);
}

static void test_generate_rsa3072(void **state)
{
	(void)state;
	generate_roundtrip("rsa3072", CRYPTO_KEY_RSA, 3072);
}

static void test_generate_rsa4096(void **state)
{
	(void)state;
	generate_roundtrip("rsa4096", CRYPTO_KEY_RSA, 4096);
}

static void test_generate_ecdsa_p256(void **state)
{
	(void)state;
	generate_roundtrip("ecdsa-p256", CRYPTO_KEY_ECDSA_P256, 256);
}

static void test_generate_and_write_errors(void **state)
{
	struct crypto_key *pub = load_pub("keys/ecp256.pub.pem");
	struct crypto_key *key = NULL;
	struct rpt_error err = {0};

	(void)state;
	assert_int_equal(crypto_key_generate("rsa1024", &key, &err), -EINVAL);
	assert_null(key);
	assert_non_null(strstr(err.msg, "rsa1024"));

	rpt_error_clear(&err);
	assert_int_equal(crypto_key_write_private_pem(pub, tmp_path("pub-as-priv.pem"), &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "private"));
	assert_int_equal(access(tmp_path("pub-as-priv.pem"), F_OK), -1);

	key = load_priv("keys/ecp256.pem");
	rpt_error_clear(&err);
	assert_int_equal(crypto_key_write_private_pem(key, tmp_path("no/such/dir.pem"), &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "no/such/dir.pem"));
	crypto_key_free(key);
	crypto_key_free(pub);
}

/* ---- loading: formats, passwords, refusals ----------------------------- */

static void test_load_other_formats(void **state)
{
	struct crypto_key *ref = load_priv("keys/rsa2048.pem");
	struct crypto_key *ec_ref = load_priv("keys/ecp256.pem");
	EVP_PKEY *pkey = NULL;
	struct crypto_key *key = NULL;
	struct rpt_error err = {0};
	const char *path;
	BIO *bio;

	(void)state;
	bio = BIO_new_file(rpt_vector_path("keys/rsa2048.pem"), "r");
	assert_non_null(bio);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	assert_non_null(pkey);
	BIO_free(bio);

	/* PKCS#1 "RSA PRIVATE KEY". */
	path = write_pkey("pkcs1.pem", pkey, write_priv_traditional);
	assert_true(file_contains(path, "BEGIN RSA PRIVATE KEY"));
	assert_int_equal(crypto_key_load_private(path, NULL, &key, &err), 0);
	assert_same_id(ref, key);
	crypto_key_free(key);
	unlink(path);

	/* PKCS#1 "RSA PUBLIC KEY". */
	path = write_pkey("pkcs1.pub.pem", pkey, write_pub_pkcs1);
	assert_true(file_contains(path, "BEGIN RSA PUBLIC KEY"));
	assert_int_equal(crypto_key_load_public(path, &key, &err), 0);
	assert_false(crypto_key_is_private(key));
	assert_same_id(ref, key);
	crypto_key_free(key);
	unlink(path);
	EVP_PKEY_free(pkey);

	/* SEC1 "EC PRIVATE KEY" is the reference file itself; check it really is SEC1. */
	assert_true(file_contains(rpt_vector_path("keys/ecp256.pem"), "BEGIN EC PRIVATE KEY"));
	assert_int_equal(crypto_key_type(ec_ref), CRYPTO_KEY_ECDSA_P256);

	crypto_key_free(ec_ref);
	crypto_key_free(ref);
}

static int write_encrypted_pkcs8(BIO *bio, EVP_PKEY *pkey)
{
	return PEM_write_bio_PrivateKey(bio, pkey, EVP_aes_256_cbc(), NULL, 0, NULL,
					(void *)"correct horse");
}

static int write_encrypted_traditional(BIO *bio, EVP_PKEY *pkey)
{
	return PEM_write_bio_PrivateKey_traditional(bio, pkey, EVP_aes_128_cbc(), NULL, 0, NULL,
						    (void *)"correct horse");
}

static void check_encrypted(const char *path, const struct crypto_key *ref)
{
	struct crypto_key *key = NULL;
	struct rpt_error err = {0};
	char long_pw[2048];

	assert_int_equal(crypto_key_load_private(path, "correct horse", &key, &err), 0);
	assert_true(crypto_key_is_private(key));
	assert_same_id(ref, key);
	crypto_key_free(key);
	key = NULL;

	assert_int_equal(crypto_key_load_private(path, "wrong horse", &key, &err), -EACCES);
	assert_null(key);
	assert_non_null(strstr(err.msg, "wrong password"));

	rpt_error_clear(&err);
	assert_int_equal(crypto_key_load_private(path, NULL, &key, &err), -EACCES);
	assert_null(key);
	assert_non_null(strstr(err.msg, "no password"));

	rpt_error_clear(&err);
	assert_int_equal(crypto_key_load_private(path, "", &key, &err), -EACCES);
	assert_null(key);

	rpt_error_clear(&err);
	memset(long_pw, 'x', sizeof(long_pw) - 1);
	long_pw[sizeof(long_pw) - 1] = '\0';
	assert_true(crypto_key_load_private(path, long_pw, &key, &err) < 0);
	assert_null(key);
	assert_int_not_equal(err.msg[0], '\0');
}

static void test_load_encrypted(void **state)
{
	struct crypto_key *ref = load_priv("keys/ecp256.pem");
	struct crypto_key *rsa_ref = load_priv("keys/rsa2048.pem");
	const char *path;
	EVP_PKEY *pkey;
	BIO *bio;

	(void)state;
	bio = BIO_new_file(rpt_vector_path("keys/ecp256.pem"), "r");
	assert_non_null(bio);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	assert_non_null(pkey);
	BIO_free(bio);
	path = write_pkey("enc-pkcs8.pem", pkey, write_encrypted_pkcs8);
	assert_true(file_contains(path, "BEGIN ENCRYPTED PRIVATE KEY"));
	check_encrypted(path, ref);
	unlink(path);
	EVP_PKEY_free(pkey);

	/* Legacy "Proc-Type: 4,ENCRYPTED" PKCS#1. */
	bio = BIO_new_file(rpt_vector_path("keys/rsa2048.pem"), "r");
	assert_non_null(bio);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	assert_non_null(pkey);
	BIO_free(bio);
	path = write_pkey("enc-pkcs1.pem", pkey, write_encrypted_traditional);
	assert_true(file_contains(path, "Proc-Type: 4,ENCRYPTED"));
	check_encrypted(path, rsa_ref);
	unlink(path);
	EVP_PKEY_free(pkey);

	/* A password given for a key that has none is simply unused. */
	{
		struct crypto_key *key = NULL;
		struct rpt_error err = {0};

		assert_int_equal(crypto_key_load_private(rpt_vector_path("keys/ecp256.pem"),
							 "unused", &key, &err),
				 0);
		assert_same_id(ref, key);
		crypto_key_free(key);
	}
	crypto_key_free(rsa_ref);
	crypto_key_free(ref);
}

/* Both loaders must refuse `path`, with a message containing `why`. */
static void load_refused(const char *path, bool private_key, const char *why)
{
	struct crypto_key *key = NULL;
	struct rpt_error err = {0};
	int ret;

	if (private_key)
		ret = crypto_key_load_private(path, NULL, &key, &err);
	else
		ret = crypto_key_load_public(path, &key, &err);
	assert_true(ret < 0);
	assert_int_equal(err.code, ret);
	assert_null(key);
	if (!strstr(err.msg, why))
		fail_msg("%s: message \"%s\" does not mention \"%s\"", path, err.msg, why);
}

static void test_load_garbage(void **state)
{
	static const char garbage[] = "this is not a key\n\x01\x02\x03";
	static const char bad_b64[] =
		"-----BEGIN PUBLIC KEY-----\nAAAA$$$$\n-----END PUBLIC KEY-----\n";
	static const char bad_der[] =
		"-----BEGIN PUBLIC KEY-----\nMAMCAQA=\n-----END PUBLIC KEY-----\n";
	const char *path = tmp_path("garbage.pem");
	struct crypto_key *key = NULL;
	struct rpt_error err = {0};

	(void)state;
	write_file(path, garbage, sizeof(garbage) - 1);
	load_refused(path, true, "no PEM private key");
	load_refused(path, false, "no PEM block");
	write_file(path, "", 0);
	load_refused(path, true, "no PEM private key");
	load_refused(path, false, "no PEM block");
	write_file(path, bad_b64, sizeof(bad_b64) - 1);
	load_refused(path, false, "bad base64");
	write_file(path, bad_der, sizeof(bad_der) - 1);
	load_refused(path, false, "cannot decode");
	unlink(path);

	load_refused(tmp_path("missing.pem"), true, "missing.pem");
	load_refused(tmp_path("missing.pem"), false, "missing.pem");
	assert_int_equal(crypto_key_load_public(tmp_path("missing.pem"), &key, &err), -ENOENT);

	rpt_error_clear(&err);
	assert_int_equal(crypto_key_load_public_mem(garbage, sizeof(garbage) - 1, &key, &err),
			 -RPT_EFORMAT);
	assert_null(key);

	/* Private and public files mixed up. */
	load_refused(rpt_vector_path("keys/rsa2048.pub.pem"), true, "no PEM private key");
	load_refused(rpt_vector_path("keys/ecp256.pem"), false, "not a public key");
	load_refused(rpt_vector_path("keys/rsa2048.pem"), false, "not a public key");
}

/*
 * Unencrypted keys are decoded with the one decoder their PEM label or PKCS#8
 * algorithm names; anything else goes to OpenSSL's generic reader. Both ways
 * give the same key, and a broken key is refused with the generic reader's
 * words: PKCS#8 EC, an "EC PARAMETERS" block before the key (as `openssl
 * ecparam -genkey` writes), a PKCS#8 block whose DER is cut short.
 */
static void test_load_private_fast_and_generic_agree(void **state)
{
	static const char params[] = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
				     "-----END EC PARAMETERS-----\n";
	static const char cut[] = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\n"
				  "-----END PRIVATE KEY-----\n";
	struct crypto_key *ec_ref = load_priv("keys/ecp256.pem");
	struct crypto_key *key = NULL;
	struct rpt_error err = {0};
	char both[4096];
	uint8_t *sec1;
	size_t len;
	const char *path;
	EVP_PKEY *pkey;
	BIO *bio;

	(void)state;
	bio = BIO_new_file(rpt_vector_path("keys/ecp256.pem"), "r");
	assert_non_null(bio);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	assert_non_null(pkey);
	BIO_free(bio);
	path = write_pkey("ec-pkcs8.pem", pkey, write_priv_pkcs8);
	assert_true(file_contains(path, "BEGIN PRIVATE KEY"));
	assert_int_equal(crypto_key_load_private(path, NULL, &key, &err), 0);
	assert_int_equal(crypto_key_type(key), CRYPTO_KEY_ECDSA_P256);
	assert_same_id(ec_ref, key);
	crypto_key_free(key);
	key = NULL;
	EVP_PKEY_free(pkey);

	sec1 = rpt_slurp(rpt_vector_path("keys/ecp256.pem"), &len);
	assert_true(sizeof(params) - 1 + len < sizeof(both));
	memcpy(both, params, sizeof(params) - 1);
	memcpy(both + sizeof(params) - 1, sec1, len);
	free(sec1);
	path = tmp_path("ec-params-first.pem");
	write_file(path, both, sizeof(params) - 1 + len);
	assert_int_equal(crypto_key_load_private(path, NULL, &key, &err), 0);
	assert_same_id(ec_ref, key);
	crypto_key_free(key);
	key = NULL;

	path = tmp_path("cut.pem");
	write_file(path, cut, sizeof(cut) - 1);
	load_refused(path, true, "no PEM private key");
	unlink(path);
	unlink(tmp_path("ec-params-first.pem"));
	unlink(tmp_path("ec-pkcs8.pem"));
	crypto_key_free(ec_ref);
}

/* A key of a refused kind, generated here, written both ways and loaded both ways. */
static void check_refused_pkey(EVP_PKEY *pkey, const char *why)
{
	const char *priv;
	const char *pub;

	assert_non_null(pkey);
	priv = write_pkey("refused.pem", pkey, write_priv_pkcs8);
	load_refused(priv, true, why);
	pub = write_pkey("refused.pub.pem", pkey, write_pub_spki);
	load_refused(pub, false, why);
	unlink(tmp_path("refused.pem"));
	unlink(tmp_path("refused.pub.pem"));
	EVP_PKEY_free(pkey);
}

/* EVP_PKEY_Q_keygen only knows the key size for "RSA", not "RSA-PSS". */
static EVP_PKEY *rsa_pss_keygen(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL);
	EVP_PKEY *pkey = NULL;

	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 1);
	assert_int_equal(EVP_PKEY_generate(ctx, &pkey), 1);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static void test_load_refused_keys(void **state)
{
	(void)state;
	check_refused_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024), "1024 bits");
	check_refused_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"), "secp384r1");
	check_refused_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), "ED25519");
	check_refused_pkey(rsa_pss_keygen(), "RSA-PSS");
}

/* P-256 itself, but spelled out as explicit parameters: another SPKI, so another key id. */
static void test_load_refused_explicit_curve(void **state)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	(void)state;
	assert_non_null(pkey);
	assert_int_equal(EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING,
							OSSL_PKEY_EC_ENCODING_EXPLICIT),
			 1);
	check_refused_pkey(pkey, "explicit curve parameters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_known_answers),
		cmocka_unit_test(test_sha256_incremental),
		cmocka_unit_test(test_sha256_lifecycle),
		cmocka_unit_test(test_key_properties),
		cmocka_unit_test(test_key_ids),
		cmocka_unit_test(test_public_pem_roundtrip),
		cmocka_unit_test(test_rsa_sign_verify),
		cmocka_unit_test(test_sign_with_public_key_refused),
		cmocka_unit_test(test_ecdsa_sign_verify),
		cmocka_unit_test(test_reference_signatures),
		cmocka_unit_test(test_reference_rsa_signature_reproduced),
		cmocka_unit_test(test_generate_rsa2048),
		cmocka_unit_test(test_generate_rsa3072),
		cmocka_unit_test(test_generate_rsa4096),
		cmocka_unit_test(test_generate_ecdsa_p256),
		cmocka_unit_test(test_generate_and_write_errors),
		cmocka_unit_test(test_load_other_formats),
		cmocka_unit_test(test_load_private_fast_and_generic_agree),
		cmocka_unit_test(test_load_encrypted),
		cmocka_unit_test(test_load_garbage),
		cmocka_unit_test(test_load_refused_keys),
		cmocka_unit_test(test_load_refused_explicit_curve),
	};
	int failed;

	failed = cmocka_run_group_tests(tests, NULL, NULL);
	/* Every test removes its files; only the directory itself is left. */
	rmdir(rpt_tmpdir());
	return failed;
}
