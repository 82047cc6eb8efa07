// SPDX-License-Identifier: BSD-2-Clause
/*
 * OpenSSL 3 adapter: every primitive comes from libcrypto, this file only
 * converts between OpenSSL's objects and the byte formats of the signed
 * image (raw r||s for ECDSA, bare PKCS#1 v1.5 blocks for RSA) and turns
 * OpenSSL failures into struct rpt_error reports.
 *
 * Only non-deprecated OpenSSL 3 interfaces are used (the build has
 * -Werror, and the deprecated RSA / EC_KEY objects are on their way out).
 */
#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/file_io.h"

/* Smallest RSA modulus accepted: below 2048 bits RSA is no longer considered safe. */
#define CRYPTO_RSA_MIN_BITS 2048
/* Largest RSA modulus accepted: its signature must fit CRYPTO_SIG_MAX bytes. */
#define CRYPTO_RSA_MAX_BITS (CRYPTO_SIG_MAX * 8)
/* Size of r and of s in a raw P-256 signature. */
#define CRYPTO_P256_SCALAR_SIZE (CRYPTO_ECDSA_P256_SIG_SIZE / 2)
/* Room for a DER ECDSA-Sig-Value over P-256 (at most 72 bytes). */
#define CRYPTO_P256_DER_SIG_MAX 80
/* A PEM key is a few KiB; anything much larger is not a key file, say so early. */
#define CRYPTO_PEM_MAX ((size_t)1 << 20)

struct crypto_key {
	EVP_PKEY *pkey;		   /* the key, owned; public-only or a key pair */
	enum crypto_key_type type; /* checked once at load: RSA 2048..4096 bits or EC P-256 */
	bool is_private;	   /* holds the private part: may sign and be written out */
	/*
	 * Verification context set up once at load, duplicated for each verify:
	 * setting one up costs a fifth of an RSA-2048 verify (OpenSSL 3 fetches
	 * the algorithms each time), a copy almost nothing. NULL: set up per call.
	 */
	EVP_PKEY_CTX *verify_tmpl;
};

/* What the PEM password callback needs, and what it tells the caller afterwards. */
struct pem_password {
	const char *password; /* caller's password, NULL if none was given */
	bool asked;	      /* OpenSSL asked: the key is encrypted */
	bool too_long;	      /* the password did not fit OpenSSL's buffer */
};

/*
 * Reason of the most recent OpenSSL failure, for messages, and empty the
 * thread's error queue so that stale entries never explain a later failure.
 */
static const char *ossl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return reason ? reason : "no detail from OpenSSL";
}

/* ---- SHA-256 as the digest of signatures and of the DRBG -------------- */

static EVP_MD *sha256_fetched;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
	ERR_clear_error();
}

/*
 * SHA-256 for signing and verifying contexts, fetched from the provider once
 * per process: EVP_sha256() makes OpenSSL 3 look the algorithm up again at
 * every use (a lock and a hash table walk). Never freed: one object for the
 * process's life. Hashing data does not go through it (sha256.c).
 */
static const EVP_MD *sha256_md(void)
{
	pthread_once(&sha256_once, sha256_fetch);
	return sha256_fetched ? sha256_fetched : EVP_sha256();
}

/* ---- key checks and wrapping ------------------------------------------ */

static const char *key_type_name(enum crypto_key_type type)
{
	switch (type) {
	case CRYPTO_KEY_RSA:
		return "RSA";
	case CRYPTO_KEY_ECDSA_P256:
		return "ECDSA P-256";
	}
	return "unknown";
}

static int check_rsa(EVP_PKEY *pkey, const char *what, struct rpt_error *err)
{
	int bits = EVP_PKEY_get_bits(pkey);

	if (bits < CRYPTO_RSA_MIN_BITS)
		return rpt_error_set(err, EINVAL,
				     "%s: RSA key of %d bits refused, at least %d needed", what,
				     bits, CRYPTO_RSA_MIN_BITS);
	if (bits > CRYPTO_RSA_MAX_BITS)
		return rpt_error_set(err, EINVAL,
				     "%s: RSA key of %d bits refused, at most %d supported", what,
				     bits, CRYPTO_RSA_MAX_BITS);
	return 0;
}

static int check_ec(EVP_PKEY *pkey, const char *what, struct rpt_error *err)
{
	char name[64];
	char enc[32];
	int nid;

	if (!EVP_PKEY_get_group_name(pkey, name, sizeof(name), NULL)) {
		ERR_clear_error();
		return rpt_error_set(err, EINVAL, "%s: EC key without a named curve refused", what);
	}
	nid = OBJ_sn2nid(name);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(name);
	if (nid != NID_X9_62_prime256v1)
		return rpt_error_set(err, EINVAL,
				     "%s: EC key on curve %s refused, only P-256 is accepted", what,
				     name);
	/*
	 * Explicit curve parameters would change the DER SubjectPublicKeyInfo,
	 * hence the key id, of what is otherwise the same P-256 key.
	 */
	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING, enc, sizeof(enc),
					   NULL) &&
	    strcmp(enc, OSSL_PKEY_EC_ENCODING_GROUP) != 0)
		return rpt_error_set(
			err, EINVAL,
			"%s: P-256 key with explicit curve parameters refused, use the named curve",
			what);
	ERR_clear_error();
	return 0;
}

/* Check that OpenSSL's key is one this project accepts and find its type. */
static int check_key(EVP_PKEY *pkey, const char *what, enum crypto_key_type *type,
		     struct rpt_error *err)
{
	const char *name = EVP_PKEY_get0_type_name(pkey);

	if (EVP_PKEY_is_a(pkey, "RSA")) {
		*type = CRYPTO_KEY_RSA;
		return check_rsa(pkey, what, err);
	}
	if (EVP_PKEY_is_a(pkey, "EC")) {
		*type = CRYPTO_KEY_ECDSA_P256;
		return check_ec(pkey, what, err);
	}
	return rpt_error_set(err, EINVAL, "%s: %s key refused, only RSA and EC P-256 are accepted",
			     what, name ? name : "unknown");
}

static EVP_PKEY_CTX *pkey_ctx_new(const struct crypto_key *key, bool sign);

/* Check `pkey` and wrap it; takes ownership of `pkey` in every case. */
static int key_wrap(EVP_PKEY *pkey, bool is_private, const char *what, struct crypto_key **out,
		    struct rpt_error *err)
{
	enum crypto_key_type type = CRYPTO_KEY_RSA;
	struct crypto_key *key;
	int ret;

	ret = check_key(pkey, what, &type, err);
	if (ret)
		goto out_free_pkey;
	key = calloc(1, sizeof(*key));
	if (!key) {
		ret = rpt_error_set(err, ENOMEM, "%s: out of memory", what);
		goto out_free_pkey;
	}
	key->pkey = pkey;
	key->type = type;
	key->is_private = is_private;
	/* Without it (OpenSSL refused), each verify sets one up and says why it failed. */
	key->verify_tmpl = pkey_ctx_new(key, false);
	ERR_clear_error();
	*out = key;
	return 0;

out_free_pkey:
	EVP_PKEY_free(pkey);
	return ret;
}

void crypto_key_free(struct crypto_key *key)
{
	if (!key)
		return;
	EVP_PKEY_CTX_free(key->verify_tmpl);
	EVP_PKEY_free(key->pkey);
	free(key);
}

enum crypto_key_type crypto_key_type(const struct crypto_key *key)
{
	return key->type;
}

bool crypto_key_is_private(const struct crypto_key *key)
{
	return key->is_private;
}

size_t crypto_key_sig_size(const struct crypto_key *key)
{
	if (key->type == CRYPTO_KEY_ECDSA_P256)
		return CRYPTO_ECDSA_P256_SIG_SIZE;
	/* For RSA, EVP_PKEY_get_size() is the modulus size in bytes. */
	return (size_t)EVP_PKEY_get_size(key->pkey);
}

int crypto_key_bits(const struct crypto_key *key)
{
	return EVP_PKEY_get_bits(key->pkey);
}

/* ---- loading ----------------------------------------------------------- */

/* Read a key file whole; the caller wipes it (it may hold a private key) and frees it. */
static int read_key_file(const char *path, uint8_t **data, size_t *size, struct rpt_error *err)
{
	int ret;

	ret = rpt_read_file(path, data, size, err);
	if (ret)
		return ret;
	if (*size > CRYPTO_PEM_MAX) {
		OPENSSL_cleanse(*data, *size);
		free(*data);
		*data = NULL;
		return rpt_error_set(err, EFBIG, "%s: %zu bytes, too large for a PEM key", path,
				     *size);
	}
	return 0;
}

/*
 * Give OpenSSL the caller's password. Without this callback OpenSSL would
 * prompt on the terminal, which a tool or a daemon must never do; with no
 * password given, decryption simply fails.
 */
static int give_password(char *buf, int size, int rwflag, void *u)
{
	struct pem_password *pw = u;
	size_t len;

	(void)rwflag;
	pw->asked = true;
	if (!pw->password || size <= 0)
		return -1;
	len = strlen(pw->password);
	if (len > (size_t)size) {
		pw->too_long = true;
		return -1;
	}
	memcpy(buf, pw->password, len);
	return (int)len;
}

static int private_load_error(const struct pem_password *pw, const char *path,
			      struct rpt_error *err)
{
	const char *reason = ossl_reason();

	if (pw->asked && !pw->password)
		return rpt_error_set(err, EACCES,
				     "%s: private key is encrypted and no password was given",
				     path);
	if (pw->too_long)
		return rpt_error_set(err, EACCES, "%s: password too long", path);
	if (pw->asked)
		return rpt_error_set(err, EACCES,
				     "%s: cannot decrypt private key: wrong password? (%s)", path,
				     reason);
	return rpt_error_set(err, RPT_EFORMAT, "%s: no PEM private key found (%s)", path, reason);
}

/* Decode DER of the given structure and key type with the one decoder it needs; NULL if not. */
static EVP_PKEY *decode_der_as(const unsigned char *der, size_t len, const char *structure,
			       const char *type)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", structure, type, EVP_PKEY_KEYPAIR, NULL,
					     NULL);
	if (!dctx)
		return NULL;
	if (!OSSL_DECODER_from_data(dctx, &der, &len)) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	return pkey;
}

/* An unencrypted PKCS#8 block: the key type its algorithm names, then that decoder only. */
static EVP_PKEY *decode_plain_pkcs8(const unsigned char *der, long len)
{
	const unsigned char *p = der, *key;
	const ASN1_OBJECT *alg;
	PKCS8_PRIV_KEY_INFO *p8;
	EVP_PKEY *pkey = NULL;
	int key_len;

	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len);
	if (!p8 || !PKCS8_pkey_get0(&alg, &key, &key_len, NULL, p8) || key_len < 0)
		goto out;
	/* RSA's inner RSAPrivateKey is all of the key; an EC key may keep its curve outside. */
	if (OBJ_obj2nid(alg) == NID_rsaEncryption)
		pkey = decode_der_as(key, (size_t)key_len, "type-specific", "RSA");
	else if (OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey)
		pkey = decode_der_as(der, (size_t)len, "PrivateKeyInfo", "EC");
out:
	/* Frees with the key bytes wiped (OpenSSL's free callback for this type). */
	PKCS8_PRIV_KEY_INFO_free(p8);
	return pkey;
}

/*
 * OpenSSL 3.0's generic PEM reader sets up a decoder chain for every key type
 * and structure it knows before it looks at the key (about 1 ms of a 20 ms
 * `rproc-sign sign`). A first PEM block that is an unencrypted key whose type
 * its label (PKCS#1 RSA, SEC1 EC) or PKCS#8 algorithm tells is decoded with
 * that one decoder. NULL, with OpenSSL's error queue empty, for anything else
 * (encrypted, another block first, a failure): the generic reader then decides
 * and explains, as it always did.
 */
static EVP_PKEY *decode_plain_private(const uint8_t *data, size_t size)
{
	char *label = NULL, *header = NULL;
	unsigned char *der = NULL;
	EVP_PKEY *pkey = NULL;
	long len = 0;
	BIO *bio;

	bio = BIO_new_mem_buf(data, (int)size);
	if (!bio)
		return NULL;
	/* A header (Proc-Type, DEK-Info) means a legacy encrypted key. */
	if (!PEM_read_bio(bio, &label, &header, &der, &len) || *header)
		goto out;
	if (!strcmp(label, PEM_STRING_PKCS8INF))
		pkey = decode_plain_pkcs8(der, len);
	else if (!strcmp(label, PEM_STRING_RSA))
		pkey = decode_der_as(der, (size_t)len, "type-specific", "RSA");
	else if (!strcmp(label, PEM_STRING_ECPRIVATEKEY))
		pkey = decode_der_as(der, (size_t)len, "type-specific", "EC");
out:
	OPENSSL_clear_free(der, der ? (size_t)len : 0);
	OPENSSL_free(header);
	OPENSSL_free(label);
	BIO_free(bio);
	ERR_clear_error();
	return pkey;
}

int crypto_key_load_private(const char *path, const char *password, struct crypto_key **out,
			    struct rpt_error *err)
{
	struct pem_password pw = {.password = password};
	EVP_PKEY *pkey;
	uint8_t *data;
	size_t size;
	BIO *bio;
	int ret;

	ret = read_key_file(path, &data, &size, err);
	if (ret)
		return ret;
	pkey = decode_plain_private(data, size);
	if (pkey) {
		ret = key_wrap(pkey, true, path, out, err);
		goto out_wipe;
	}
	bio = BIO_new_mem_buf(data, (int)size);
	if (!bio) {
		ret = rpt_error_set(err, ENOMEM, "%s: out of memory", path);
		goto out_wipe;
	}
	pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, give_password, &pw, NULL, NULL);
	if (!pkey) {
		ret = private_load_error(&pw, path, err);
		goto out_bio;
	}
	ret = key_wrap(pkey, true, path, out, err);

out_bio:
	BIO_free(bio);
out_wipe:
	OPENSSL_cleanse(data, size);
	free(data);
	return ret;
}

/* Decode the DER body of a public key PEM block according to its label. */
static int decode_public_der(const char *label, const uint8_t *der, long len, const char *what,
			     EVP_PKEY **out, struct rpt_error *err)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey;

	if (!strcmp(label, PEM_STRING_PUBLIC))
		pkey = d2i_PUBKEY_ex(NULL, &p, len, NULL, NULL);
	else if (!strcmp(label, PEM_STRING_RSA_PUBLIC))
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
	else
		return rpt_error_set(err, RPT_EFORMAT, "%s: PEM block \"%s\" is not a public key",
				     what, label);
	if (!pkey)
		return rpt_error_set(err, RPT_EFORMAT, "%s: cannot decode %s (%s)", what, label,
				     ossl_reason());
	/* OpenSSL would ignore bytes after the key; a well-formed key file has none. */
	if (p != der + len) {
		EVP_PKEY_free(pkey);
		return rpt_error_set(err, RPT_EFORMAT, "%s: %ld trailing bytes after the %s", what,
				     (long)(der + len - p), label);
	}
	*out = pkey;
	return 0;
}

static int load_public_bio(BIO *bio, const char *what, struct crypto_key **out,
			   struct rpt_error *err)
{
	char *label = NULL;
	char *header = NULL;
	uint8_t *der = NULL;
	EVP_PKEY *pkey = NULL;
	long len = 0;
	int ret;

	/* The label is read first so that a private key file is refused, not used as public. */
	if (!PEM_read_bio(bio, &label, &header, &der, &len))
		return rpt_error_set(err, RPT_EFORMAT, "%s: no PEM block found (%s)", what,
				     ossl_reason());
	ret = decode_public_der(label, der, len, what, &pkey, err);
	if (!ret)
		ret = key_wrap(pkey, false, what, out, err);
	OPENSSL_free(der);
	OPENSSL_free(header);
	OPENSSL_free(label);
	return ret;
}

int crypto_key_load_public_mem(const void *pem, size_t len, struct crypto_key **out,
			       struct rpt_error *err)
{
	BIO *bio;
	int ret;

	if (len > CRYPTO_PEM_MAX)
		return rpt_error_set(err, EFBIG, "public key: %zu bytes, too large for a PEM key",
				     len);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return rpt_error_set(err, ENOMEM, "public key: out of memory");
	ret = load_public_bio(bio, "public key", out, err);
	BIO_free(bio);
	return ret;
}

int crypto_key_load_public(const char *path, struct crypto_key **out, struct rpt_error *err)
{
	uint8_t *data;
	size_t size;
	BIO *bio;
	int ret;

	ret = read_key_file(path, &data, &size, err);
	if (ret)
		return ret;
	bio = BIO_new_mem_buf(data, (int)size);
	if (!bio) {
		ret = rpt_error_set(err, ENOMEM, "%s: out of memory", path);
		goto out_free;
	}
	ret = load_public_bio(bio, path, out, err);
	BIO_free(bio);
out_free:
	/* Wiped too: the "public" file may turn out to hold a private key. */
	OPENSSL_cleanse(data, size);
	free(data);
	return ret;
}

/* ---- key id and export ------------------------------------------------- */

int crypto_key_public_der(const struct crypto_key *key, uint8_t **der, size_t *len,
			  struct rpt_error *err)
{
	unsigned char *ossl_der = NULL;
	int n;

	n = i2d_PUBKEY(key->pkey, &ossl_der);
	if (n <= 0)
		return rpt_error_set(err, EIO, "cannot encode public key (%s)", ossl_reason());
	/* Copied so that the caller can free() it as the header promises. */
	*der = malloc((size_t)n);
	if (!*der) {
		OPENSSL_free(ossl_der);
		return rpt_error_set(err, ENOMEM, "public key: out of memory");
	}
	memcpy(*der, ossl_der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(ossl_der);
	return 0;
}

int crypto_key_id(const struct crypto_key *key, uint8_t id[CRYPTO_SHA256_SIZE])
{
	unsigned char *der = NULL;
	int ret;
	int n;

	/* i2d_PUBKEY encodes only the public part, also for a key pair. */
	n = i2d_PUBKEY(key->pkey, &der);
	if (n <= 0) {
		ERR_clear_error();
		return -EIO;
	}
	ret = crypto_sha256(der, (size_t)n, id);
	OPENSSL_free(der);
	return ret;
}

int crypto_key_public_pem(const struct crypto_key *key, char **pem, struct rpt_error *err)
{
	char *data;
	long len;
	BIO *bio;
	int ret = 0;

	bio = BIO_new(BIO_s_mem());
	if (!bio)
		return rpt_error_set(err, ENOMEM, "public key: out of memory");
	if (!PEM_write_bio_PUBKEY(bio, key->pkey)) {
		ret = rpt_error_set(err, EIO, "cannot encode public key (%s)", ossl_reason());
		goto out_bio;
	}
	len = BIO_get_mem_data(bio, &data);
	if (len <= 0) {
		ret = rpt_error_set(err, EIO, "cannot encode public key: empty output");
		goto out_bio;
	}
	*pem = malloc((size_t)len + 1);
	if (!*pem) {
		ret = rpt_error_set(err, ENOMEM, "public key: out of memory");
		goto out_bio;
	}
	memcpy(*pem, data, (size_t)len);
	(*pem)[len] = '\0';

out_bio:
	BIO_free(bio);
	return ret;
}

/* ---- signing ----------------------------------------------------------- */

/*
 * A signing or verifying context over a precomputed SHA-256 digest: for RSA
 * the padding is PKCS#1 v1.5 and the md makes OpenSSL add/check the SHA-256
 * DigestInfo; for ECDSA the md only states the digest length.
 */
static EVP_PKEY_CTX *pkey_ctx_new(const struct crypto_key *key, bool sign)
{
	EVP_PKEY_CTX *ctx;

	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
	if (!ctx)
		return NULL;
	if ((sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) <= 0)
		goto out_free;
	if (key->type == CRYPTO_KEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
		goto out_free;
	if (EVP_PKEY_CTX_set_signature_md(ctx, sha256_md()) <= 0)
		goto out_free;
	return ctx;

out_free:
	EVP_PKEY_CTX_free(ctx);
	return NULL;
}

/* Convert OpenSSL's DER ECDSA-Sig-Value to the raw r||s of the image. */
static int ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t *sig, struct rpt_error *err)
{
	const unsigned char *p = der;
	const BIGNUM *r;
	const BIGNUM *s;
	ECDSA_SIG *esig;
	int ret = 0;

	esig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (!esig)
		return rpt_error_set(err, EIO, "cannot decode ECDSA signature (%s)", ossl_reason());
	ECDSA_SIG_get0(esig, &r, &s);
	if (BN_bn2binpad(r, sig, CRYPTO_P256_SCALAR_SIZE) < 0 ||
	    BN_bn2binpad(s, sig + CRYPTO_P256_SCALAR_SIZE, CRYPTO_P256_SCALAR_SIZE) < 0)
		ret = rpt_error_set(err, EIO, "ECDSA signature value larger than 32 bytes");
	ECDSA_SIG_free(esig);
	return ret;
}

static int sign_ecdsa(EVP_PKEY_CTX *ctx, const uint8_t *digest, uint8_t *sig, struct rpt_error *err)
{
	uint8_t der[CRYPTO_P256_DER_SIG_MAX];
	size_t der_len = sizeof(der);

	if (EVP_PKEY_sign(ctx, der, &der_len, digest, CRYPTO_SHA256_SIZE) <= 0)
		return rpt_error_set(err, EIO, "ECDSA signing failed (%s)", ossl_reason());
	return ecdsa_der_to_raw(der, der_len, sig, err);
}

static int sign_rsa(EVP_PKEY_CTX *ctx, const uint8_t *digest, uint8_t *sig, size_t size,
		    struct rpt_error *err)
{
	size_t len = size;

	if (EVP_PKEY_sign(ctx, sig, &len, digest, CRYPTO_SHA256_SIZE) <= 0)
		return rpt_error_set(err, EIO, "RSA signing failed (%s)", ossl_reason());
	/* PKCS#1 v1.5 output is always exactly the modulus size. */
	if (len != size)
		return rpt_error_set(err, EIO, "RSA signature of %zu bytes, expected %zu", len,
				     size);
	return 0;
}

static pthread_once_t drbg_once = PTHREAD_ONCE_INIT;

static void drbg_choose(void)
{
	/* Refused once a DRBG exists (it then stays what it is): nothing to report. */
	RAND_set_DRBG_type(NULL, "HASH-DRBG", NULL, NULL, "SHA256");
	ERR_clear_error();
}

/*
 * Signing draws random bytes (RSA blinding, the ECDSA nonce) from OpenSSL's
 * DRBG, created at first use. Its default, CTR-DRBG over AES-256, makes
 * OpenSSL 3.0 load every cipher of the provider first: 1.3 ms of a 20 ms
 * `rproc-sign sign`. Hash_DRBG over SHA-256 (NIST SP 800-90A, the same
 * 256-bit strength, seeded from the same OS source) needs only that one
 * digest of the provider.
 */
static void drbg_setup(void)
{
	pthread_once(&drbg_once, drbg_choose);
}

int crypto_sign_digest(const struct crypto_key *key, const uint8_t digest[CRYPTO_SHA256_SIZE],
		       uint8_t *sig, size_t *sig_len, struct rpt_error *err)
{
	size_t size = crypto_key_sig_size(key);
	EVP_PKEY_CTX *ctx;
	int ret;

	if (!key->is_private)
		return rpt_error_set(err, EINVAL, "cannot sign with a public key");
	drbg_setup();
	ctx = pkey_ctx_new(key, true);
	if (!ctx)
		return rpt_error_set(err, EIO, "cannot set up %s signing (%s)",
				     key_type_name(key->type), ossl_reason());
	if (key->type == CRYPTO_KEY_ECDSA_P256)
		ret = sign_ecdsa(ctx, digest, sig, err);
	else
		ret = sign_rsa(ctx, digest, sig, size, err);
	EVP_PKEY_CTX_free(ctx);
	if (!ret)
		*sig_len = size;
	return ret;
}

/* ---- verification ------------------------------------------------------ */

/* Convert the raw r||s of the image to the DER that OpenSSL verifies. */
static int ecdsa_raw_to_der(const uint8_t *sig, unsigned char **der, int *der_len)
{
	ECDSA_SIG *esig;
	BIGNUM *r;
	BIGNUM *s;
	int ret = -ENOMEM;

	r = BN_bin2bn(sig, CRYPTO_P256_SCALAR_SIZE, NULL);
	s = BN_bin2bn(sig + CRYPTO_P256_SCALAR_SIZE, CRYPTO_P256_SCALAR_SIZE, NULL);
	esig = ECDSA_SIG_new();
	if (!r || !s || !esig)
		goto out_free;
	if (!ECDSA_SIG_set0(esig, r, s))
		goto out_free;
	/* esig owns r and s now. */
	r = NULL;
	s = NULL;
	*der = NULL;
	*der_len = i2d_ECDSA_SIG(esig, der);
	if (*der_len > 0)
		ret = 0;

out_free:
	ECDSA_SIG_free(esig);
	BN_free(s);
	BN_free(r);
	ERR_clear_error();
	return ret;
}

int crypto_verify_digest(const struct crypto_key *key, enum crypto_key_type type,
			 const uint8_t digest[CRYPTO_SHA256_SIZE], const uint8_t *sig,
			 size_t sig_len, struct rpt_error *err)
{
	size_t size = crypto_key_sig_size(key);
	unsigned char *der = NULL;
	const uint8_t *vsig = sig;
	size_t vsig_len = sig_len;
	EVP_PKEY_CTX *ctx;
	int der_len;
	int ret;

	if (type != key->type)
		return rpt_error_set(err, RPT_ESIGNATURE,
				     "signature type %s (%d) does not match the %s key",
				     key_type_name(type), (int)type, key_type_name(key->type));
	if (sig_len != size)
		return rpt_error_set(err, RPT_ESIGNATURE,
				     "%s signature of %zu bytes, expected %zu for this key",
				     key_type_name(type), sig_len, size);
	if (type == CRYPTO_KEY_ECDSA_P256) {
		ret = ecdsa_raw_to_der(sig, &der, &der_len);
		if (ret)
			return rpt_error_set(err, ret, "cannot convert ECDSA signature to DER");
		vsig = der;
		vsig_len = (size_t)der_len;
	}
	ctx = key->verify_tmpl ? EVP_PKEY_CTX_dup(key->verify_tmpl) : pkey_ctx_new(key, false);
	if (!ctx) {
		ret = rpt_error_set(err, EIO, "cannot set up %s verification (%s)",
				    key_type_name(type), ossl_reason());
		goto out_der;
	}
	/* 0 and negatives alike: the bytes come from the image, any failure is a bad signature. */
	if (EVP_PKEY_verify(ctx, vsig, vsig_len, digest, CRYPTO_SHA256_SIZE) != 1)
		ret = rpt_error_set(err, RPT_ESIGNATURE, "%s signature does not verify (%s)",
				    key_type_name(type), ossl_reason());
	else
		ret = 0;
	EVP_PKEY_CTX_free(ctx);
out_der:
	OPENSSL_free(der);
	return ret;
}

/* ---- generation and writing ------------------------------------------- */

int crypto_key_generate(const char *type_name, struct crypto_key **out, struct rpt_error *err)
{
	EVP_PKEY *pkey = NULL;

	if (!strcmp(type_name, "rsa2048"))
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else if (!strcmp(type_name, "rsa3072"))
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	else if (!strcmp(type_name, "rsa4096"))
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	else if (!strcmp(type_name, "ecdsa-p256"))
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else
		return rpt_error_set(
			err, EINVAL,
			"unknown key type \"%s\" (rsa2048, rsa3072, rsa4096, ecdsa-p256)",
			type_name);
	if (!pkey)
		return rpt_error_set(err, EIO, "%s key generation failed (%s)", type_name,
				     ossl_reason());
	return key_wrap(pkey, true, type_name, out, err);
}

int crypto_key_write_private_pem(const struct crypto_key *key, const char *path,
				 struct rpt_error *err)
{
	BIO *bio;
	int ret = 0;
	int fd;

	if (!key->is_private)
		return rpt_error_set(err, EINVAL, "%s: key has no private part to write", path);
	/* Created 0600 from the start: the key is never readable by others, not even briefly. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	/* An existing file keeps its old mode through O_CREAT: tighten it before writing. */
	if (fchmod(fd, 0600) < 0) {
		ret = rpt_error_set(err, errno, "%s: chmod 0600: %s", path, strerror(errno));
		goto out_close;
	}
	/* Straight to the file: no copy of the key is left in a heap buffer. */
	bio = BIO_new_fd(fd, BIO_NOCLOSE);
	if (!bio) {
		ret = rpt_error_set(err, ENOMEM, "%s: out of memory", path);
		goto out_close;
	}
	if (!PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL) ||
	    BIO_flush(bio) <= 0)
		ret = rpt_error_set(err, EIO, "%s: cannot write private key (%s)", path,
				    ossl_reason());
	BIO_free(bio);
out_close:
	if (close(fd) < 0 && !ret)
		ret = rpt_error_set(err, errno, "%s: %s", path, strerror(errno));
	/* Never leave a truncated key behind that a later load would report as garbage. */
	if (ret)
		unlink(path);
	return ret;
}
