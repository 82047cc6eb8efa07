// SPDX-License-Identifier: BSD-2-Clause
#include "signer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_io.h"
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
 * `verify` and the TA would refuse is never signed. With digests (one per
 * program header of every input, in order) the hashes are the caller's, else
 * they are computed from the inputs' bytes.
 */
static int build_hashtable(const struct signer_request *req,
			   const uint8_t (*digests)[CRYPTO_SHA256_SIZE],
			   struct simg_tlv_builder *ht, struct rpt_error *err)
{
	struct simg_summary sum = {0};
	struct elf32_file elf;
	unsigned int i, ph;
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
		if (!digests)
			ret = simg_hashtable_append(ht, &elf);
		for (ph = 0; digests && !ret && ph < elf32_phnum(&elf); ph++)
			ret = simg_hashtable_add(ht, elf32_phdr(&elf, ph), *digests++);
		elf32_close(&elf);
		if (ret)
			return rpt_error_set(err, ret, "%s: cannot build the hash table",
					     req->inputs[i].name);
	}
	return 0;
}

/* The TLV area, in the reference signer's order. */
static int build_tlvs(const struct signer_request *req,
		      const uint8_t (*digests)[CRYPTO_SHA256_SIZE], struct simg_tlv_builder *tlv,
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
	ret = build_hashtable(req, digests, &ht, err);
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

/* Bytes of header | TLV area | signature zero-padded to 8: where the first image starts. */
static size_t prefix_size(size_t tlv_len, size_t sig_len)
{
	return SIMG_HEADER_SIZE + tlv_len + ((sig_len + 7) & ~(size_t)7);
}

/* header | TLVs | signature, zero-padded: the image up to its first ELF. */
static int assemble_prefix(const uint8_t *hdr, const struct simg_tlv_builder *tlv,
			   const uint8_t *sig, size_t sig_len, uint8_t **out, size_t *out_len,
			   struct rpt_error *err)
{
	size_t total = prefix_size(tlv->len, sig_len);
	uint8_t *buf;

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

/* Plain returns after the reason: callers set their outputs exactly when 0 is returned. */
static int check_request(const struct signer_request *req, struct rpt_error *err)
{
	if (!req->num_inputs || req->num_inputs > SIMG_MAX_IMAGES) {
		rpt_error_set(err, EINVAL, "%u input images, expected 1..%d", req->num_inputs,
			      SIMG_MAX_IMAGES);
		return -EINVAL;
	}
	if (!crypto_key_is_private(req->key)) {
		rpt_error_set(err, EINVAL, "the signing key has no private part");
		return -EINVAL;
	}
	return 0;
}

/* The prefix (see signer_build_prefix) with the given digests, or hashing the inputs. */
static int sign_prefix(const struct signer_request *req,
		       const uint8_t (*digests)[CRYPTO_SHA256_SIZE], uint8_t **out, size_t *out_len,
		       struct rpt_error *err)
{
	uint8_t hdr[SIMG_HEADER_SIZE], digest[CRYPTO_SHA256_SIZE], sig[CRYPTO_SIG_MAX];
	size_t sig_len = crypto_key_sig_size(req->key);
	struct simg_tlv_builder tlv;
	uint32_t img_len;
	int ret;

	simg_tlv_builder_init(&tlv);
	ret = build_tlvs(req, digests, &tlv, &img_len, err);
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

int signer_build_prefix(const struct signer_request *req, uint8_t **out, size_t *out_len,
			struct rpt_error *err)
{
	int ret = check_request(req, err);

	return ret ? ret : sign_prefix(req, NULL, out, out_len, err);
}

/* ---- streaming the inputs into the image file ---- */

/* Input bytes read, hashed and written at a time: small enough to stay in L2. */
#define SIGNER_CHUNK ((size_t)64 << 10)

/* Where signer_write_image() writes. */
struct image_out {
	int fd;		  /* the image file */
	const char *name; /* its name, for messages */
};

/* Feed h the part of [off, off + len) that lies in ph's file bytes, if any. */
static int hash_overlap(struct crypto_sha256 *h, const Elf32_Phdr *ph, uint64_t off,
			const uint8_t *chunk, size_t len)
{
	uint64_t lo = ph->p_offset, hi = (uint64_t)ph->p_offset + ph->p_filesz;

	lo = lo > off ? lo : off;
	hi = hi < off + len ? hi : off + len;
	return lo < hi ? crypto_sha256_update(h, chunk + (lo - off), (size_t)(hi - lo)) : 0;
}

/*
 * Copy one input to the image at offset base, zero-padded to 8, in
 * SIGNER_CHUNK pieces read with pread from fd (taken from in->elf when fd < 0),
 * and hash every program header's file bytes from the same pieces as they pass
 * (one SHA-256 per header, fed in file order): each byte is read once and
 * written from a buffer still in cache. digests gets one hash per header.
 */
static int stream_input(const struct signer_input *in, int fd, const struct elf32_file *elf,
			uint8_t *buf, const struct image_out *out, uint64_t base,
			uint8_t (*digests)[CRYPTO_SHA256_SIZE], struct rpt_error *err)
{
	static const uint8_t zeros[8];
	struct crypto_sha256 h[ELF32_MAX_PHDRS] = {{0}};
	unsigned int i, n = elf32_phnum(elf);
	size_t off, len, pad = (8 - in->size % 8) % 8;
	const uint8_t *chunk;
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = crypto_sha256_init(&h[i]);
	for (off = 0; !ret && off < in->size; off += len) {
		len = in->size - off < SIGNER_CHUNK ? in->size - off : SIGNER_CHUNK;
		chunk = fd >= 0 ? buf : in->elf + off;
		if (fd >= 0) {
			ret = rpt_pread_all(fd, in->name, buf, len, off, err);
			if (ret)
				break;
		}
		ret = rpt_pwrite_all(out->fd, out->name, chunk, len, base + off, err);
		for (i = 0; !ret && i < n; i++)
			if (hash_overlap(&h[i], elf32_phdr(elf, i), off, chunk, len))
				ret = rpt_error_set(err, EIO, "%s: segment %u: hashing failed",
						    in->name, i);
	}
	if (!ret && pad)
		ret = rpt_pwrite_all(out->fd, out->name, zeros, pad, base + in->size, err);
	for (i = 0; i < n; i++) {
		if (ret) {
			crypto_sha256_abort(&h[i]);
		} else if (crypto_sha256_final(&h[i], digests[i])) {
			ret = rpt_error_set(err, EIO, "%s: segment %u: hashing failed", in->name,
					    i);
		}
	}
	return ret;
}

/* Program headers of all inputs together: how many digests the hash table takes. */
static int count_phdrs(const struct signer_request *req, size_t *count, struct rpt_error *err)
{
	struct elf32_file elf;
	unsigned int i;
	int ret;

	*count = 0;
	for (i = 0; i < req->num_inputs; i++) {
		ret = elf32_open(&elf, req->inputs[i].elf, req->inputs[i].size, err);
		if (ret) {
			rpt_error_prefix(err, "%s: ", req->inputs[i].name);
			return ret;
		}
		*count += elf32_phnum(&elf);
		elf32_close(&elf);
	}
	return 0;
}

/* Stream every input to its place after a prefix of prefix_len bytes; *end: the image size. */
static int stream_inputs(const struct signer_request *req, const int *fds, size_t prefix_len,
			 const struct image_out *out, uint8_t (*digests)[CRYPTO_SHA256_SIZE],
			 size_t *end, struct rpt_error *err)
{
	struct elf32_file elf;
	uint8_t *buf = malloc(SIGNER_CHUNK);
	uint64_t pos = prefix_len;
	unsigned int i;
	int ret = 0;

	if (!buf)
		return rpt_error_set(err, ENOMEM, "out of memory for a copy buffer");
	for (i = 0; !ret && i < req->num_inputs; i++) {
		const struct signer_input *in = &req->inputs[i];

		ret = elf32_open(&elf, in->elf, in->size, err);
		if (ret) {
			rpt_error_prefix(err, "%s: ", in->name);
			break;
		}
		ret = stream_input(in, fds ? fds[i] : -1, &elf, buf, out, pos, digests, err);
		digests += elf32_phnum(&elf);
		elf32_close(&elf);
		/* No overflow: build_tlvs checked that the padded sizes fit 32 bits. */
		pos += (in->size + 7) & ~(size_t)7;
	}
	free(buf);
	*end = (size_t)pos;
	return ret;
}

int signer_write_image(const struct signer_request *req, const int *fds, int out_fd,
		       const char *out_name, size_t *total, struct rpt_error *err)
{
	const struct image_out out = {.fd = out_fd, .name = out_name};
	uint8_t(*digests)[CRYPTO_SHA256_SIZE] = NULL;
	struct simg_tlv_builder tlv;
	uint8_t *prefix = NULL;
	size_t num_ph, prefix_len, signed_len = 0, end = 0;
	uint32_t img_len;
	int ret;

	ret = check_request(req, err);
	if (!ret)
		ret = count_phdrs(req, &num_ph, err);
	if (ret)
		return ret;
	digests = calloc(num_ph ? num_ph : 1, sizeof(*digests));
	if (!digests)
		return rpt_error_set(err, ENOMEM, "out of memory for %zu segment hashes", num_ph);
	/*
	 * The TLV area with placeholder hashes has its final size: where the images
	 * start. Building it also checks every input before a byte is written.
	 */
	simg_tlv_builder_init(&tlv);
	ret = build_tlvs(req, (const uint8_t(*)[CRYPTO_SHA256_SIZE])digests, &tlv, &img_len, err);
	prefix_len = prefix_size(tlv.len, crypto_key_sig_size(req->key));
	simg_tlv_builder_free(&tlv);
	if (!ret)
		ret = stream_inputs(req, fds, prefix_len, &out, digests, &end, err);
	if (!ret)
		ret = sign_prefix(req, (const uint8_t(*)[CRYPTO_SHA256_SIZE])digests, &prefix,
				  &signed_len, err);
	if (!ret && signed_len != prefix_len)
		ret = rpt_error_set(err, EIO, "header of %zu bytes, %zu expected", signed_len,
				    prefix_len);
	if (!ret)
		ret = rpt_pwrite_all(out_fd, out_name, prefix, prefix_len, 0, err);
	if (!ret)
		*total = end;
	free(prefix);
	free(digests);
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
