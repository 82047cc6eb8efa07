// SPDX-License-Identifier: BSD-2-Clause
/*
 * Signed image parser and builder (format of OP-TEE's sign_rproc_fw.py).
 *
 * The parser never reads the caller's buffer twice for the same field: the
 * header is decoded once into struct simg_layout, and the TLV area is expected
 * to be a private copy already (the TA copies it out of shared memory first).
 */
#include "formats/signed_image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "crypto/crypto.h"

int simg_parse_header(const uint8_t hdr[SIMG_HEADER_SIZE], struct simg_layout *lay,
		      struct rpt_error *err)
{
	uint32_t tlv_len, sign_pad, img_pad;

	memset(lay, 0, sizeof(*lay));
	lay->magic = get_le32(hdr + 0);
	lay->version = get_le32(hdr + 4);
	lay->tlv_len = get_le32(hdr + 8);
	lay->sign_len = get_le32(hdr + 12);
	lay->img_len = get_le32(hdr + 16);

	if (lay->magic != SIMG_MAGIC)
		return rpt_error_set(err, RPT_EFORMAT,
				     "header: magic 0x%08x at offset 0, expected 0x%08x",
				     lay->magic, SIMG_MAGIC);
	if (lay->version != SIMG_VERSION)
		return rpt_error_set(err, RPT_EFORMAT,
				     "header: version %u at offset 4, only version %u is known",
				     lay->version, SIMG_VERSION);
	tlv_len = lay->tlv_len;
	if (tlv_len % 8)
		return rpt_error_set(err, RPT_EFORMAT,
				     "header: tlv_len %u at offset 8 is not a multiple of 8",
				     tlv_len);
	if (tlv_len > SIMG_TLV_MAX)
		return rpt_error_set(err, RPT_EFORMAT,
				     "header: tlv_len %u at offset 8 exceeds the %u-byte limit",
				     tlv_len, SIMG_TLV_MAX);
	if (!lay->sign_len || lay->sign_len > SIMG_SIG_MAX)
		return rpt_error_set(err, RPT_EFORMAT,
				     "header: sign_len %u at offset 12 not in 1..%u", lay->sign_len,
				     SIMG_SIG_MAX);
	if (round_up8_overflow(lay->img_len, &img_pad))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"header: img_len 0x%08x at offset 16 overflows when padded to 8",
			lay->img_len);
	if (!lay->img_len)
		return rpt_error_set(err, RPT_EFORMAT, "header: img_len 0 at offset 16: no image");
	/* sign_len is bounded above, so its rounding cannot wrap; 64-bit sums cannot either. */
	sign_pad = (lay->sign_len + 7u) & ~7u;
	lay->tlv_off = SIMG_HEADER_SIZE;
	lay->sig_off = lay->tlv_off + tlv_len;
	lay->img_off = lay->sig_off + sign_pad;
	lay->total = lay->img_off + img_pad;
	return 0;
}

int simg_check_size(const struct simg_layout *lay, uint64_t file_size, struct rpt_error *err)
{
	if (file_size != lay->total)
		return rpt_error_set(err, RPT_EFORMAT,
				     "size rule: file is %llu bytes but the header asks for %llu "
				     "(20 + tlv_len %u + sign_len %u padded + img_len %u padded)",
				     (unsigned long long)file_size, (unsigned long long)lay->total,
				     lay->tlv_len, lay->sign_len, lay->img_len);
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

int simg_tlv_next(const uint8_t *area, size_t len, size_t *pos, struct simg_tlv *tlv,
		  struct rpt_error *err)
{
	size_t off = *pos, rest, padded;

	if (off >= len)
		return 0;
	rest = len - off;
	if (rest < 8) {
		if (!all_zero(area + off, rest))
			return rpt_error_set(err, RPT_EFORMAT,
					     "TLV area: %zu stray non-zero bytes at offset %zu",
					     rest, off);
		*pos = len;
		return 0;
	}
	tlv->type = get_le32(area + off);
	tlv->len = get_le32(area + off + 4);
	tlv->offset = off;
	if (round_up8_overflow_size((size_t)tlv->len + 8, &padded) || padded > rest)
		return rpt_error_set(
			err, RPT_EFORMAT,
			"TLV type 0x%x at offset %zu: length %u runs past the TLV area "
			"(%zu bytes left)",
			tlv->type, off, tlv->len, rest - 8);
	tlv->value = area + off + 8;
	if (!all_zero(tlv->value + tlv->len, padded - 8 - tlv->len))
		return rpt_error_set(err, RPT_EFORMAT,
				     "TLV type 0x%x at offset %zu: padding is not zero", tlv->type,
				     off);
	*pos = off + padded;
	return 1;
}

int simg_find_tlv(const uint8_t *area, size_t len, uint32_t type, struct simg_tlv *tlv,
		  struct rpt_error *err)
{
	size_t pos = 0;
	int ret;

	memset(tlv, 0, sizeof(*tlv));
	while ((ret = simg_tlv_next(area, len, &pos, tlv, err)) > 0)
		if (tlv->type == type)
			return 0;
	return ret ? ret : -ENOENT;
}

/* A generic TLV whose value must be exactly one byte. */
static int tlv_u8(const struct simg_tlv *tlv, const char *name, uint8_t *out, struct rpt_error *err)
{
	if (tlv->len != 1)
		return rpt_error_set(err, RPT_EFORMAT,
				     "TLV %s at offset %zu: length %u, expected 1", name,
				     tlv->offset, tlv->len);
	if (!tlv->value)
		return rpt_error_set(err, RPT_EFORMAT, "TLV %s: no value", name);
	*out = tlv->value[0];
	return 0;
}

/* Bit per generic type seen, so each may appear once. */
static int tlv_bit(uint32_t type)
{
	switch (type) {
	case SIMG_TLV_SIGNTYPE:
		return 0;
	case SIMG_TLV_HASHTYPE:
		return 1;
	case SIMG_TLV_NUM_IMG:
		return 2;
	case SIMG_TLV_IMGTYPE:
		return 3;
	case SIMG_TLV_IMGSIZE:
		return 4;
	case SIMG_TLV_HASHTABLE:
		return 5;
	case SIMG_TLV_PKEYINFO:
		return 6;
	default:
		return -1;
	}
}

static const char *tlv_name(uint32_t type)
{
	static const char *const names[] = {"SIGNTYPE", "HASHTYPE",  "NUM_IMG", "IMGTYPE",
					    "IMGSIZE",	"HASHTABLE", "PKEYINFO"};
	int bit = tlv_bit(type);

	return bit < 0 ? "unknown" : names[bit];
}

/* Store one generic record into the decoded struct (lengths are checked afterwards). */
static int tlv_store(const struct simg_tlv *tlv, struct simg_tlvs *out, struct simg_tlv *keep,
		     struct rpt_error *err)
{
	switch (tlv->type) {
	case SIMG_TLV_SIGNTYPE:
		return tlv_u8(tlv, "SIGNTYPE", &out->sign_type, err);
	case SIMG_TLV_HASHTYPE:
		return tlv_u8(tlv, "HASHTYPE", &out->hash_type, err);
	case SIMG_TLV_NUM_IMG:
		return tlv_u8(tlv, "NUM_IMG", &out->num_img, err);
	case SIMG_TLV_HASHTABLE:
		out->hashtable = tlv->value;
		out->hashtable_len = tlv->len;
		return 0;
	case SIMG_TLV_PKEYINFO:
		out->pkeyinfo = tlv->value;
		out->pkeyinfo_len = tlv->len;
		return 0;
	default: /* IMGTYPE / IMGSIZE: need NUM_IMG, checked after the walk */
		*keep = *tlv;
		return 0;
	}
}

static int check_generic_values(const struct simg_tlvs *t, struct rpt_error *err)
{
	if (t->sign_type != SIMG_SIGN_RSA_PKCS1_SHA256 &&
	    t->sign_type != SIMG_SIGN_ECDSA_P256_SHA256)
		return rpt_error_set(err, RPT_EFORMAT,
				     "TLV SIGNTYPE: %u is neither 1 (RSA) nor 2 (ECDSA P-256)",
				     t->sign_type);
	if (t->hash_type != SIMG_HASH_SHA256)
		return rpt_error_set(err, RPT_EFORMAT, "TLV HASHTYPE: %u is not 1 (SHA-256)",
				     t->hash_type);
	if (!t->num_img || t->num_img > SIMG_MAX_IMAGES)
		return rpt_error_set(err, RPT_EFORMAT, "TLV NUM_IMG: %u images, expected 1..%u",
				     t->num_img, SIMG_MAX_IMAGES);
	if (!t->hashtable_len || t->hashtable_len % SIMG_HASH_ENTRY_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "TLV HASHTABLE: length %u is not a non-zero multiple of %u",
				     t->hashtable_len, SIMG_HASH_ENTRY_SIZE);
	return 0;
}

/* IMGTYPE and IMGSIZE: one entry per image, every image ELF, padded sizes add up to img_len. */
static int check_images(const struct simg_layout *lay, const struct simg_tlv *types,
			const struct simg_tlv *sizes, struct simg_tlvs *t, struct rpt_error *err)
{
	uint32_t sum = 0;
	unsigned int i;

	if (types->len != t->num_img)
		return rpt_error_set(err, RPT_EFORMAT,
				     "TLV IMGTYPE at offset %zu: %u bytes for %u images",
				     types->offset, types->len, t->num_img);
	if (sizes->len != 4u * t->num_img)
		return rpt_error_set(err, RPT_EFORMAT,
				     "TLV IMGSIZE at offset %zu: %u bytes for %u images (4 each)",
				     sizes->offset, sizes->len, t->num_img);
	t->img_type = types->value;
	t->img_size = sizes->value;
	for (i = 0; i < t->num_img; i++) {
		uint32_t sz = simg_img_size(t, i);

		if (t->img_type[i] != SIMG_IMG_ELF)
			return rpt_error_set(
				err, RPT_EFORMAT,
				"TLV IMGTYPE: image %u has type %u, only 1 (ELF) is known", i + 1,
				t->img_type[i]);
		if (!sz || sz % 8)
			return rpt_error_set(err, RPT_EFORMAT,
					     "TLV IMGSIZE: image %u size %u is not a non-zero "
					     "multiple of 8",
					     i + 1, sz);
		if (add_overflow(sum, sz, &sum))
			return rpt_error_set(err, RPT_EFORMAT,
					     "TLV IMGSIZE: sizes overflow 32 bits");
	}
	if (sum != lay->img_len)
		return rpt_error_set(err, RPT_EFORMAT,
				     "TLV IMGSIZE: images add up to %u bytes but the header's "
				     "img_len is %u",
				     sum, lay->img_len);
	return 0;
}

static const struct simg_plat_tlv_rule plat_rules[] = {
	{SIMG_TLV_SECURITY_COUNTER, "SECURITY_COUNTER", 4, true,
	 "every board: rollback protection"},
	{SIMG_TLV_STM32MP2_BOOTADDR, "BOOTADDR", 4, false,
	 "STM32MP2 boards as the boot address; STM32MP15 ignores it"},
};

const struct simg_plat_tlv_rule *simg_plat_tlv_rule(uint32_t type)
{
	size_t i;

	for (i = 0; i < sizeof(plat_rules) / sizeof(plat_rules[0]); i++)
		if (plat_rules[i].type == type)
			return &plat_rules[i];
	return NULL;
}

int simg_plat_tlv_check(uint32_t type, uint32_t len, const struct simg_plat_tlv_rule **rule,
			struct rpt_error *err)
{
	const struct simg_plat_tlv_rule *r = simg_plat_tlv_rule(type);

	*rule = r;
	if (!r || len == r->len)
		return 0;
	/* The usual mistake: `--plat-tlv 0x10100 2` is the 1-byte string "2". */
	return rpt_error_set(err, RPT_EFORMAT,
			     "TLV %s (0x%x): %u bytes, expected %u (a u32 read by %s): --plat-tlv "
			     "stores a VALUE written 0x... as a little-endian u32, anything else "
			     "as the string's bytes",
			     r->name, type, len, r->len, r->where);
}

/*
 * Platform TLVs: those every board reads have one rule, here, for `rproc-sign
 * verify` and the TA alike; the others are opaque to this decoder.
 */
static int decode_platform(const struct simg_tlv *tlv, struct simg_tlvs *out, struct rpt_error *err)
{
	const struct simg_plat_tlv_rule *rule;
	int ret;

	if (tlv->type != SIMG_TLV_SECURITY_COUNTER)
		return 0;
	if (out->has_counter)
		return rpt_error_set(err, RPT_EFORMAT,
				     "TLV SECURITY_COUNTER (0x%x) at offset %zu: appears twice",
				     tlv->type, tlv->offset);
	ret = simg_plat_tlv_check(tlv->type, tlv->value ? tlv->len : 0, &rule, err);
	if (ret || !tlv->value) {
		if (!ret) /* unreachable (no value is 0 bytes), but never read through NULL */
			ret = rpt_error_set(err, RPT_EFORMAT, "TLV SECURITY_COUNTER: no value");
		rpt_error_prefix(err, "at offset %zu: ", tlv->offset);
		return ret;
	}
	out->has_counter = true;
	out->counter = get_le32(tlv->value);
	return 0;
}

/* One record of the walk: range check, at-most-once rule, then store. */
static int decode_one(const struct simg_tlv *tlv, unsigned int *seen, struct simg_tlvs *out,
		      struct simg_tlv *types, struct simg_tlv *sizes, struct rpt_error *err)
{
	int bit = tlv_bit(tlv->type);

	if (tlv->type >= SIMG_TLV_PLATFORM_MIN && tlv->type <= SIMG_TLV_PLATFORM_MAX)
		return decode_platform(tlv, out, err);
	if (bit < 0)
		return rpt_error_set(err, RPT_EFORMAT, "TLV at offset %zu: unknown type 0x%x",
				     tlv->offset, tlv->type);
	if (*seen & (1u << bit))
		return rpt_error_set(err, RPT_EFORMAT, "TLV %s at offset %zu: appears twice",
				     tlv_name(tlv->type), tlv->offset);
	*seen |= 1u << bit;
	return tlv_store(tlv, out, tlv->type == SIMG_TLV_IMGTYPE ? types : sizes, err);
}

int simg_decode_tlvs(const struct simg_layout *lay, const uint8_t *area, struct simg_tlvs *out,
		     struct rpt_error *err)
{
	static const uint32_t required[] = {SIMG_TLV_SIGNTYPE, SIMG_TLV_HASHTYPE,
					    SIMG_TLV_NUM_IMG,  SIMG_TLV_IMGTYPE,
					    SIMG_TLV_IMGSIZE,  SIMG_TLV_HASHTABLE};
	struct simg_tlv tlv = {0}, types = {0}, sizes = {0};
	unsigned int seen = 0, i;
	size_t pos = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	while ((ret = simg_tlv_next(area, lay->tlv_len, &pos, &tlv, err)) > 0) {
		ret = decode_one(&tlv, &seen, out, &types, &sizes, err);
		if (ret)
			goto fail;
	}
	if (ret)
		goto fail;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!(seen & (1u << tlv_bit(required[i])))) {
			ret = rpt_error_set(err, RPT_EFORMAT, "TLV %s missing",
					    tlv_name(required[i]));
			goto fail;
		}
	}
	ret = check_generic_values(out, err);
	if (!ret)
		ret = check_images(lay, &types, &sizes, out, err);
	if (!ret)
		return 0;
fail:
	memset(out, 0, sizeof(*out));
	return ret;
}

void simg_hash_entry_get(const struct simg_tlvs *t, unsigned int idx, struct simg_hash_entry *e)
{
	const uint8_t *p = t->hashtable + (size_t)idx * SIMG_HASH_ENTRY_SIZE;

	e->p_type = get_le32(p + 0);
	e->p_offset = get_le32(p + 4);
	e->p_vaddr = get_le32(p + 8);
	e->p_paddr = get_le32(p + 12);
	e->p_filesz = get_le32(p + 16);
	e->p_memsz = get_le32(p + 20);
	e->p_flags = get_le32(p + 24);
	e->p_align = get_le32(p + 28);
	memcpy(e->hash, p + 32, sizeof(e->hash));
}

bool simg_phdr_matches(const Elf32_Phdr *ph, const struct simg_hash_entry *e)
{
	return ph->p_type == e->p_type && ph->p_offset == e->p_offset &&
	       ph->p_vaddr == e->p_vaddr && ph->p_paddr == e->p_paddr &&
	       ph->p_filesz == e->p_filesz && ph->p_memsz == e->p_memsz &&
	       ph->p_flags == e->p_flags && ph->p_align == e->p_align;
}

int simg_bind_phdrs(const struct simg_tlvs *t, unsigned int img_idx, const struct elf32_file *elf,
		    unsigned int *next_entry, struct rpt_error *err)
{
	unsigned int total = simg_hash_entries(t), n = elf32_phnum(elf), i;
	struct simg_hash_entry e;

	if (n > total - *next_entry)
		return rpt_error_set(err, RPT_EFORMAT,
				     "image %u: %u program headers but only %u hash-table entries "
				     "left",
				     img_idx + 1, n, total - *next_entry);
	for (i = 0; i < n; i++) {
		const Elf32_Phdr *ph = elf32_phdr(elf, i);

		simg_hash_entry_get(t, *next_entry + i, &e);
		if (!simg_phdr_matches(ph, &e))
			return rpt_error_set(err, RPT_EFORMAT,
					     "image %u: program header %u (type 0x%x paddr 0x%08x "
					     "filesz 0x%x) differs from signed hash-table entry %u "
					     "(type 0x%x paddr 0x%08x filesz 0x%x)",
					     img_idx + 1, i, ph->p_type, ph->p_paddr, ph->p_filesz,
					     *next_entry + i, e.p_type, e.p_paddr, e.p_filesz);
	}
	*next_entry += n;
	return 0;
}

int simg_signed_digest(const uint8_t hdr[SIMG_HEADER_SIZE], const uint8_t *tlv, size_t tlv_len,
		       uint8_t digest[32])
{
	struct crypto_sha256 h;
	int ret;

	ret = crypto_sha256_init(&h);
	if (ret)
		return ret;
	ret = crypto_sha256_update(&h, hdr, SIMG_HEADER_SIZE);
	if (!ret)
		ret = crypto_sha256_update(&h, tlv, tlv_len);
	if (ret) {
		crypto_sha256_abort(&h);
		return ret;
	}
	return crypto_sha256_final(&h, digest);
}

/* ---- builder ---- */

void simg_tlv_builder_init(struct simg_tlv_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void simg_tlv_builder_free(struct simg_tlv_builder *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

/* Make room for `more` bytes, zeroed. */
static int builder_grow(struct simg_tlv_builder *b, size_t more)
{
	size_t need, cap;
	uint8_t *p;

	if (add_overflow(b->len, more, &need) || need > SIMG_TLV_MAX)
		return -EFBIG;
	if (need > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < need)
			cap *= 2;
		p = realloc(b->buf, cap);
		if (!p)
			return -ENOMEM;
		b->buf = p;
		b->cap = cap;
	}
	memset(b->buf + b->len, 0, more);
	return 0;
}

static int builder_append(struct simg_tlv_builder *b, const void *data, size_t len)
{
	int ret = builder_grow(b, len);

	if (ret)
		return ret;
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	return 0;
}

int simg_tlv_builder_add(struct simg_tlv_builder *b, uint32_t type, const void *value, size_t len)
{
	uint8_t hdr[8];
	size_t padded = 0;
	int ret;

	if (len > SIMG_TLV_MAX || round_up8_overflow_size(len + 8, &padded))
		return -EFBIG;
	put_le32(hdr, type);
	put_le32(hdr + 4, (uint32_t)len);
	ret = builder_grow(b, padded);
	if (ret)
		return ret;
	memcpy(b->buf + b->len, hdr, sizeof(hdr));
	if (len)
		memcpy(b->buf + b->len + 8, value, len);
	b->len += padded;
	return 0;
}

int simg_hashtable_add(struct simg_tlv_builder *ht, const Elf32_Phdr *ph, const uint8_t digest[32])
{
	const uint32_t fields[8] = {ph->p_type,	  ph->p_offset, ph->p_vaddr, ph->p_paddr,
				    ph->p_filesz, ph->p_memsz,	ph->p_flags, ph->p_align};
	uint8_t entry[SIMG_HASH_ENTRY_SIZE];
	unsigned int f;

	for (f = 0; f < 8; f++)
		put_le32(entry + 4 * (size_t)f, fields[f]);
	memcpy(entry + 32, digest, 32);
	return builder_append(ht, entry, sizeof(entry));
}

int simg_hashtable_append(struct simg_tlv_builder *ht, const struct elf32_file *elf)
{
	uint8_t digest[32];
	unsigned int i;
	int ret;

	for (i = 0; i < elf32_phnum(elf); i++) {
		const Elf32_Phdr *ph = elf32_phdr(elf, i);

		ret = crypto_sha256(elf32_segment_data(elf, ph), ph->p_filesz, digest);
		if (ret)
			return ret;
		ret = simg_hashtable_add(ht, ph, digest);
		if (ret)
			return ret;
	}
	return 0;
}

void simg_header_encode(uint8_t hdr[SIMG_HEADER_SIZE], uint32_t tlv_len, uint32_t sign_len,
			uint32_t img_len)
{
	put_le32(hdr + 0, SIMG_MAGIC);
	put_le32(hdr + 4, SIMG_VERSION);
	put_le32(hdr + 8, tlv_len);
	put_le32(hdr + 12, sign_len);
	put_le32(hdr + 16, img_len);
}

uint64_t simg_image_offset(const struct simg_layout *lay, const struct simg_tlvs *t,
			   unsigned int idx)
{
	uint64_t off = lay->img_off;
	unsigned int i;

	for (i = 0; i < idx; i++)
		off += simg_img_size(t, i);
	return off;
}

/* The PT_LOAD segment whose file bytes hold [off, off + size), or -1. */
static int segment_holding(const struct elf32_file *elf, uint32_t off, uint32_t size)
{
	unsigned int i;

	for (i = 0; i < elf32_phnum(elf); i++) {
		const Elf32_Phdr *ph = elf32_phdr(elf, i);

		if (ph->p_type == PT_LOAD && range_within(off, size, ph->p_offset, ph->p_filesz))
			return (int)i;
	}
	return -1;
}

int simg_locate_rsc_table(const struct elf32_file *elf, struct simg_rsc_location *loc,
			  struct rpt_error *err)
{
	const Elf32_Phdr *ph;
	Elf32_Shdr sh;
	int ret, idx;

	memset(loc, 0, sizeof(*loc));
	ret = elf32_find_section(elf, ".resource_table", &sh, err);
	if (ret)
		return ret;
	if (sh.sh_type != SHT_PROGBITS || !sh.sh_size)
		return rpt_error_set(err, RPT_EFORMAT,
				     "section .resource_table: type %u size %u, expected PROGBITS "
				     "with bytes",
				     sh.sh_type, sh.sh_size);
	idx = segment_holding(elf, sh.sh_offset, sh.sh_size);
	if (idx < 0)
		return rpt_error_set(err, RPT_EFORMAT,
				     "section .resource_table (file offset 0x%x, %u bytes) is not "
				     "inside the file bytes of any loaded segment",
				     sh.sh_offset, sh.sh_size);
	ph = elf32_phdr(elf, (unsigned int)idx);
	loc->phdr = (unsigned int)idx;
	loc->seg_off = sh.sh_offset - ph->p_offset;
	loc->size = sh.sh_size;
	if (sh.sh_addr != ph->p_vaddr + loc->seg_off)
		return rpt_error_set(err, RPT_EFORMAT,
				     "section .resource_table: sh_addr 0x%08x disagrees with its "
				     "segment (p_vaddr 0x%08x + 0x%x)",
				     sh.sh_addr, ph->p_vaddr, loc->seg_off);
	loc->da = ph->p_paddr + loc->seg_off;
	return 0;
}
