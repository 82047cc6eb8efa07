// SPDX-License-Identifier: BSD-2-Clause
#include "signer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "formats/elf32.h"
#include "formats/image_verify.h"
#include "formats/signed_image.h"

static int parse_u32(const char *s, int base, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int signer_add_plat_tlv(struct signer_plat_tlv *list, unsigned int *count, const char *id,
			const char *value, struct rpt_error *err)
{
	struct signer_plat_tlv *t = NULL;
	uint32_t type, v;
	unsigned int i;

	if (parse_u32(id, 0, &type) || type < SIMG_TLV_PLATFORM_MIN || type > SIMG_TLV_PLATFORM_MAX)
		return rpt_error_set(err, EINVAL,
				     "--plat-tlv: ID '%s' is not in the platform range "
				     "0x10000..0x1ffff",
				     id);
	for (i = 0; i < *count; i++)
		if (list[i].type == type)
			t = &list[i];
	if (!t) {
		if (*count == SIGNER_MAX_PLAT_TLVS)
			return rpt_error_set(err, EINVAL, "--plat-tlv: more than %d TLVs",
					     SIGNER_MAX_PLAT_TLVS);
		t = &list[(*count)++];
	}
	t->type = type;
	if (!strncmp(value, "0x", 2)) {
		if (parse_u32(value + 2, 16, &v))
			return rpt_error_set(err, EINVAL,
					     "--plat-tlv %s: value '%s' is not a 32-bit hex number",
					     id, value);
		put_le32(t->value, v);
		t->len = 4;
		return 0;
	}
	t->len = strlen(value);
	if (t->len > sizeof(t->value))
		return rpt_error_set(err, EINVAL, "--plat-tlv %s: value longer than %zu bytes", id,
				     sizeof(t->value));
	memcpy(t->value, value, t->len);
	return 0;
}

/* Padded size of each image and their sum, refusing anything over 32 bits. */
static int image_sizes(const struct signer_request *req, uint8_t *sizes_le, uint32_t *total,
		       struct rpt_error *err)
{
	unsigned int i;
	size_t padded;

	*total = 0;
	for (i = 0; i < req->num_inputs; i++) {
		if (round_up8_overflow_size(req->inputs[i].size, &padded) || padded > UINT32_MAX ||
		    add_overflow(*total, (uint32_t)padded, total))
			return rpt_error_set(err, EFBIG, "%s: images too large for the format",
					     req->inputs[i].name);
		put_le32(sizes_le + 4 * (size_t)i, (uint32_t)padded);
	}
	return 0;
}

/*
 * Hash every input's program headers; on the way, the verifier's resource-table
 * rule (tied to a loaded segment, valid, one table per firmware): an image that
 * `verify` and the TA would refuse is never signed.
 */
static int build_hashtable(const struct signer_request *req, struct simg_tlv_builder *ht,
			   struct rpt_error *err)
{
	struct simg_summary sum = {0};
	struct elf32_file elf;
	unsigned int i;
	int ret;

	for (i = 0; i < req->num_inputs; i++) {
		ret = elf32_open(&elf, req->inputs[i].elf, req->inputs[i].size, err);
		if (ret) {
			rpt_error_prefix(err, "%s: ", req->inputs[i].name);
			return ret;
		}
		ret = simg_check_image_rsc(&elf, i, &sum, err);
		if (ret) {
			elf32_close(&elf);
			rpt_error_prefix(err, "%s: ", req->inputs[i].name);
			return ret;
		}
		ret = simg_hashtable_append(ht, &elf);
		elf32_close(&elf);
		if (ret)
			return rpt_error_set(err, ret, "%s: cannot build the hash table",
					     req->inputs[i].name);
	}
	return 0;
}

/* The TLV area, in the reference signer's order. */
static int build_tlvs(const struct signer_request *req, struct simg_tlv_builder *tlv,
		      uint32_t *img_len, struct rpt_error *err)
{
	uint8_t sign_type = (uint8_t)crypto_key_type(req->key), hash_type = SIMG_HASH_SHA256;
	uint8_t num = (uint8_t)req->num_inputs, types[SIMG_MAX_IMAGES], sizes[4 * SIMG_MAX_IMAGES];
	struct simg_tlv_builder ht;
	unsigned int i;
	int ret;

	memset(types, SIMG_IMG_ELF, sizeof(types));
	ret = image_sizes(req, sizes, img_len, err);
	if (ret)
		return ret;
	simg_tlv_builder_init(&ht);
	ret = build_hashtable(req, &ht, err);
	if (ret)
		goto out;
	ret = simg_tlv_builder_add(tlv, SIMG_TLV_SIGNTYPE, &sign_type, 1);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_NUM_IMG, &num, 1);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_IMGTYPE, types, num);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_IMGSIZE, sizes, 4 * (size_t)num);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_HASHTYPE, &hash_type, 1);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_HASHTABLE, ht.buf, ht.len);
	if (!ret && req->key_info)
		ret = simg_tlv_builder_add(tlv, SIMG_TLV_PKEYINFO, req->key_info,
					   req->key_info_len);
	for (i = 0; !ret && i < req->num_plat; i++)
		ret = simg_tlv_builder_add(tlv, req->plat[i].type, req->plat[i].value,
					   req->plat[i].len);
	if (ret)
		rpt_error_set(err, ret, "TLV area too large");
out:
	simg_tlv_builder_free(&ht);
	return ret;
}

/* header | TLVs | signature, zero-padded: the image up to its first ELF. */
static int assemble_prefix(const uint8_t *hdr, const struct simg_tlv_builder *tlv,
			   const uint8_t *sig, size_t sig_len, uint8_t **out, size_t *out_len,
			   struct rpt_error *err)
{
	size_t sig_pad = (sig_len + 7) & ~(size_t)7, total;
	uint8_t *buf;

	total = SIMG_HEADER_SIZE + tlv->len + sig_pad;
	buf = calloc(1, total);
	if (!buf) {
		rpt_error_set(err, ENOMEM, "out of memory for a %zu-byte header", total);
		return -ENOMEM;
	}
	memcpy(buf, hdr, SIMG_HEADER_SIZE);
	memcpy(buf + SIMG_HEADER_SIZE, tlv->buf, tlv->len);
	memcpy(buf + SIMG_HEADER_SIZE + tlv->len, sig, sig_len);
	*out = buf;
	*out_len = total;
	return 0;
}

int signer_build_prefix(const struct signer_request *req, uint8_t **out, size_t *out_len,
			struct rpt_error *err)
{
	uint8_t hdr[SIMG_HEADER_SIZE], digest[CRYPTO_SHA256_SIZE], sig[CRYPTO_SIG_MAX];
	size_t sig_len = crypto_key_sig_size(req->key);
	struct simg_tlv_builder tlv;
	uint32_t img_len;
	int ret;

	/* Plain returns after the reason: *out is set exactly when 0 is returned. */
	if (!req->num_inputs || req->num_inputs > SIMG_MAX_IMAGES) {
		rpt_error_set(err, EINVAL, "%u input images, expected 1..%d", req->num_inputs,
			      SIMG_MAX_IMAGES);
		return -EINVAL;
	}
	if (!crypto_key_is_private(req->key)) {
		rpt_error_set(err, EINVAL, "the signing key has no private part");
		return -EINVAL;
	}
	simg_tlv_builder_init(&tlv);
	ret = build_tlvs(req, &tlv, &img_len, err);
	if (ret)
		goto out;
	simg_header_encode(hdr, (uint32_t)tlv.len, (uint32_t)sig_len, img_len);
	ret = simg_signed_digest(hdr, tlv.buf, tlv.len, digest);
	if (ret) {
		rpt_error_set(err, ret, "cannot hash the header and TLV area");
		goto out;
	}
	ret = crypto_sign_digest(req->key, digest, sig, &sig_len, err);
	if (!ret)
		ret = assemble_prefix(hdr, &tlv, sig, sig_len, out, out_len, err);
out:
	simg_tlv_builder_free(&tlv);
	return ret;
}

int signer_build(const struct signer_request *req, uint8_t **out, size_t *out_len,
		 struct rpt_error *err)
{
	size_t pre_len, total, pos;
	uint8_t *pre, *buf;
	unsigned int i;
	int ret;

	ret = signer_build_prefix(req, &pre, &pre_len, err);
	if (ret)
		return ret;
	/* No overflow: build_tlvs checked that the padded sizes fit 32 bits. */
	total = pre_len;
	for (i = 0; i < req->num_inputs; i++)
		total += (req->inputs[i].size + 7) & ~(size_t)7;
	buf = calloc(1, total);
	if (!buf) {
		free(pre);
		return rpt_error_set(err, ENOMEM, "out of memory for a %zu-byte image", total);
	}
	memcpy(buf, pre, pre_len);
	pos = pre_len;
	for (i = 0; i < req->num_inputs; i++) {
		memcpy(buf + pos, req->inputs[i].elf, req->inputs[i].size);
		pos += (req->inputs[i].size + 7) & ~(size_t)7;
	}
	free(pre);
	*out = buf;
	*out_len = total;
	return 0;
}
