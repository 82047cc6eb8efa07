// SPDX-License-Identifier: BSD-2-Clause
#include "craft.h"

#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "testutil.h"

void craft_refresh(struct craft *c)
{
	struct rpt_error err = {0};

	if (simg_parse_header(c->buf, &c->lay, &err) ||
	    simg_decode_tlvs(&c->lay, c->buf + c->lay.tlv_off, &c->tlvs, &err))
		fail_msg("craft: %s", rpt_error_msg(&err));
}

void craft_load(struct craft *c, const char *path)
{
	c->buf = rpt_slurp(path, &c->size);
	craft_refresh(c);
}

void craft_free(struct craft *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

size_t craft_image_off(const struct craft *c, unsigned int img)
{
	return (size_t)simg_image_offset(&c->lay, &c->tlvs, img);
}

size_t craft_phdr_off(const struct craft *c, unsigned int img, unsigned int ph)
{
	size_t elf = craft_image_off(c, img);

	return elf + get_le32(c->buf + elf + 28) + 32u * ph;
}

uint8_t *craft_entry(struct craft *c, unsigned int entry)
{
	/* The decoded TLVs point into c->buf, which this struct owns and may change. */
	return c->buf + (c->tlvs.hashtable - c->buf) + (size_t)entry * SIMG_HASH_ENTRY_SIZE;
}

void craft_rehash(struct craft *c, unsigned int img, unsigned int entry)
{
	uint8_t *e = craft_entry(c, entry);
	size_t elf = craft_image_off(c, img);
	uint32_t off = get_le32(e + 4), filesz = get_le32(e + 16);

	assert_true(elf + off + filesz <= c->size);
	assert_int_equal(crypto_sha256(c->buf + elf + off, filesz, e + 32), 0);
}

void craft_resign_key(struct craft *c, const struct crypto_key *key)
{
	uint8_t digest[32], sig[CRYPTO_SIG_MAX];
	struct rpt_error err = {0};
	size_t len;

	assert_int_equal(
		simg_signed_digest(c->buf, c->buf + c->lay.tlv_off, c->lay.tlv_len, digest), 0);
	if (crypto_sign_digest(key, digest, sig, &len, &err))
		fail_msg("craft: sign: %s", rpt_error_msg(&err));
	assert_int_equal(len, c->lay.sign_len);
	memcpy(c->buf + c->lay.sig_off, sig, len);
}

void craft_resign(struct craft *c, const char *key_path)
{
	struct rpt_error err = {0};
	struct crypto_key *key;

	if (crypto_key_load_private(key_path, NULL, &key, &err))
		fail_msg("craft: %s", rpt_error_msg(&err));
	craft_resign_key(c, key);
	crypto_key_free(key);
}
