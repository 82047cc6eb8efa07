// SPDX-License-Identifier: BSD-2-Clause
#include "formats/image_verify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "crypto/crypto.h"
#include "formats/rsc_table.h"

int simg_check_no_overlap(const struct simg_load_range *r, unsigned int n, struct rpt_error *err)
{
	unsigned int i, j;
	uint32_t end;

	for (i = 0; i < n; i++) {
		if (add_overflow(r[i].da, r[i].memsz, &end) && end)
			return rpt_error_set(
				err, RPT_ERANGE,
				"image %u: segment %u at 0x%08x + 0x%x wraps past 4 GiB",
				r[i].img + 1, r[i].phdr, r[i].da, r[i].memsz);
		for (j = 0; j < i; j++)
			if (ranges_overlap(r[i].da, r[i].memsz, r[j].da, r[j].memsz))
				return rpt_error_set(err, RPT_ERANGE,
						     "image %u segment %u (0x%08x+0x%x) overlaps "
						     "image %u segment %u (0x%08x+0x%x)",
						     r[i].img + 1, r[i].phdr, r[i].da, r[i].memsz,
						     r[j].img + 1, r[j].phdr, r[j].da, r[j].memsz);
	}
	return 0;
}

/* Header, size rule and TLVs, on the whole file. */
static int check_container(const uint8_t *file, size_t size, struct simg_summary *sum,
			   struct rpt_error *err)
{
	int ret;

	if (size < SIMG_HEADER_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "truncated: %zu bytes, the header alone needs %u", size,
				     SIMG_HEADER_SIZE);
	ret = simg_parse_header(file, &sum->lay, err);
	if (!ret)
		ret = simg_check_size(&sum->lay, size, err);
	if (!ret)
		ret = simg_decode_tlvs(&sum->lay, file + sum->lay.tlv_off, &sum->tlvs, err);
	return ret;
}

static int check_signature(const uint8_t *file, const struct keyring *ring,
			   struct simg_summary *sum, struct rpt_error *err)
{
	uint8_t digest[CRYPTO_SHA256_SIZE];
	int ret;

	ret = simg_signed_digest(file, file + sum->lay.tlv_off, sum->lay.tlv_len, digest);
	if (ret)
		return rpt_error_set(err, ret, "signature: cannot hash header and TLV area");
	return keyring_verify(ring, (enum crypto_key_type)sum->tlvs.sign_type, digest,
			      file + sum->lay.sig_off, sum->lay.sign_len, sum->tlvs.pkeyinfo,
			      sum->tlvs.pkeyinfo_len, &sum->key_index, err);
}

/* Every program header's bytes against its entry's SHA-256. first = its first entry. */
static int check_hashes(const struct elf32_file *elf, unsigned int img, unsigned int first,
			struct simg_summary *sum, struct rpt_error *err)
{
	uint8_t digest[CRYPTO_SHA256_SIZE];
	struct simg_hash_entry e;
	unsigned int i;
	int ret;

	for (i = 0; i < elf32_phnum(elf); i++) {
		const Elf32_Phdr *ph = elf32_phdr(elf, i);

		simg_hash_entry_get(&sum->tlvs, first + i, &e);
		ret = crypto_sha256(elf32_segment_data(elf, ph), ph->p_filesz, digest);
		if (ret)
			return rpt_error_set(err, ret, "image %u: segment %u: hashing failed",
					     img + 1, i);
		if (memcmp(digest, e.hash, sizeof(digest)))
			return rpt_error_set(
				err, RPT_EHASH,
				"image %u: segment %u (paddr 0x%08x, %u bytes at file "
				"offset 0x%x): SHA-256 differs from the signed hash table",
				img + 1, i, ph->p_paddr, ph->p_filesz, ph->p_offset);
		sum->hashes_checked++;
	}
	return 0;
}

int simg_check_image_rsc(const struct elf32_file *elf, unsigned int img, struct simg_summary *sum,
			 struct rpt_error *err)
{
	struct simg_rsc_location loc;
	const Elf32_Phdr *ph;
	int ret;

	ret = simg_locate_rsc_table(elf, &loc, err);
	if (ret == -ENOENT)
		return 0; /* no table: nothing to check (and nothing recorded in err) */
	if (ret)
		goto fail;
	if (sum->has_rsc) {
		ret = rpt_error_set(err, RPT_EFORMAT,
				    "a second resource table (image %u already has one)",
				    sum->rsc_image + 1);
		goto fail;
	}
	ph = elf32_phdr(elf, loc.phdr);
	ret = rsc_table_validate(elf32_segment_data(elf, ph) + loc.seg_off, loc.size, err);
	if (ret)
		goto fail;
	sum->has_rsc = true;
	sum->rsc_image = img;
	sum->rsc = loc;
	return 0;
fail:
	rpt_error_prefix(err, "image %u: resource table: ", img + 1);
	return ret;
}

/* Collect the image's PT_LOAD spans for the overlap check. */
static int add_load_ranges(const struct elf32_file *elf, unsigned int img,
			   struct simg_load_range **ranges, unsigned int *n)
{
	unsigned int i;

	for (i = 0; i < elf32_phnum(elf); i++) {
		const Elf32_Phdr *ph = elf32_phdr(elf, i);
		struct simg_load_range *r;

		if (ph->p_type != PT_LOAD)
			continue;
		r = realloc(*ranges, (*n + 1) * sizeof(**ranges));
		if (!r)
			return -ENOMEM;
		*ranges = r;
		r[*n] = (struct simg_load_range){ph->p_paddr, ph->p_memsz, img, i};
		(*n)++;
	}
	return 0;
}

/* One image: ELF, binding, hashes, resource table. */
static int check_image(const uint8_t *file, unsigned int img, unsigned int *next_entry,
		       struct simg_summary *sum, struct simg_load_range **ranges,
		       unsigned int *nranges, struct rpt_error *err)
{
	uint64_t off = simg_image_offset(&sum->lay, &sum->tlvs, img);
	struct elf32_file elf;
	unsigned int first = *next_entry;
	int ret;

	ret = elf32_open(&elf, file + off, simg_img_size(&sum->tlvs, img), err);
	if (ret) {
		rpt_error_prefix(err, "image %u (file offset 0x%llx): ", img + 1,
				 (unsigned long long)off);
		return ret;
	}
	ret = simg_bind_phdrs(&sum->tlvs, img, &elf, next_entry, err);
	if (!ret)
		ret = check_hashes(&elf, img, first, sum, err);
	if (!ret)
		ret = simg_check_image_rsc(&elf, img, sum, err);
	if (!ret)
		ret = add_load_ranges(&elf, img, ranges, nranges);
	sum->load_segments = *nranges;
	elf32_close(&elf);
	return ret;
}

static int check_images(const uint8_t *file, struct simg_summary *sum, struct rpt_error *err)
{
	struct simg_load_range *ranges = NULL;
	unsigned int img, next_entry = 0, nranges = 0;
	int ret = 0;

	for (img = 0; img < sum->tlvs.num_img && !ret; img++)
		ret = check_image(file, img, &next_entry, sum, &ranges, &nranges, err);
	if (!ret && next_entry != simg_hash_entries(&sum->tlvs))
		ret = rpt_error_set(err, RPT_EFORMAT,
				    "hash table: %u entries signed but the images have only %u "
				    "program headers (a header was dropped)",
				    simg_hash_entries(&sum->tlvs), next_entry);
	if (!ret)
		ret = simg_check_no_overlap(ranges, nranges, err);
	free(ranges);
	return ret;
}

int simg_check_structure(const uint8_t *file, size_t size, struct simg_summary *sum,
			 struct rpt_error *err)
{
	int ret;

	memset(sum, 0, sizeof(*sum));
	ret = check_container(file, size, sum, err);
	if (!ret)
		ret = check_images(file, sum, err);
	return ret;
}

int simg_verify(const uint8_t *file, size_t size, const struct keyring *ring,
		struct simg_summary *sum, struct rpt_error *err)
{
	int ret;

	memset(sum, 0, sizeof(*sum));
	ret = check_container(file, size, sum, err);
	if (!ret)
		ret = check_signature(file, ring, sum, err);
	if (!ret)
		ret = check_images(file, sum, err);
	return ret;
}
