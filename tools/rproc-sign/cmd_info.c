// SPDX-License-Identifier: BSD-2-Clause
/*
 * `rproc-sign info`: everything an image says about itself, decoded, even
 * when a check fails (the failing check is reported at the end).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/file_io.h"
#include "crypto/crypto.h"
#include "common/emit.h"
#include "formats/image_verify.h"
#include "common/safe_math.h"
#include "formats/rsc_emit.h"
#include "formats/rsc_table.h"

static bool printable(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isprint(p[i]))
			return false;
	return n > 0;
}

static void emit_header(struct emit *e, const struct simg_layout *lay, size_t size)
{
	emit_begin_object(e, "header");
	emit_hex(e, "magic", lay->magic);
	emit_u64(e, "version", lay->version);
	emit_u64(e, "tlv_len", lay->tlv_len);
	emit_u64(e, "sign_len", lay->sign_len);
	emit_u64(e, "img_len", lay->img_len);
	emit_u64(e, "file_size", size);
	emit_bool(e, "size_rule_ok", lay->total == size);
	emit_end(e);
}

static const char *tlv_label(uint32_t type)
{
	switch (type) {
	case SIMG_TLV_SIGNTYPE:
		return "SIGNTYPE";
	case SIMG_TLV_HASHTYPE:
		return "HASHTYPE";
	case SIMG_TLV_NUM_IMG:
		return "NUM_IMG";
	case SIMG_TLV_IMGTYPE:
		return "IMGTYPE";
	case SIMG_TLV_IMGSIZE:
		return "IMGSIZE";
	case SIMG_TLV_HASHTABLE:
		return "HASHTABLE";
	case SIMG_TLV_PKEYINFO:
		return "PKEYINFO";
	default:
		if (simg_plat_tlv_rule(type))
			return simg_plat_tlv_rule(type)->name;
		return type >= SIMG_TLV_PLATFORM_MIN && type <= SIMG_TLV_PLATFORM_MAX ? "platform"
										      : "unknown";
	}
}

static void emit_tlv_value(struct emit *e, const struct simg_tlv *t)
{
	const struct simg_plat_tlv_rule *rule;
	struct rpt_error err = {0};
	/*
	 * A known platform TLV of the wrong size is not a number: say why, and show
	 * it as text or bytes (`--plat-tlv 0x10100 2` is the string "2", not 2).
	 */
	bool wrong = simg_plat_tlv_check(t->type, t->len, &rule, &err) != 0;

	if (wrong)
		emit_str(e, "problem", rpt_error_msg(&err));
	if (!wrong && t->type == SIMG_TLV_SIGNTYPE && t->len == 1)
		emit_str(e, "value",
			 t->value[0] == 1   ? "RSA PKCS#1 v1.5 SHA-256"
			 : t->value[0] == 2 ? "ECDSA P-256 SHA-256"
					    : "unknown");
	else if (!wrong && t->type == SIMG_TLV_HASHTABLE)
		emit_u64(e, "entries", t->len / SIMG_HASH_ENTRY_SIZE);
	else if (!wrong && t->len == 1)
		emit_u64(e, "value", t->value[0]);
	else if (!wrong && t->type == SIMG_TLV_STM32MP2_BOOTADDR && t->len == 4)
		emit_hex(e, "value", get_le32(t->value)); /* an address */
	else if (!wrong && t->len == 4 && t->type != SIMG_TLV_IMGTYPE)
		emit_u64(e, "value", get_le32(t->value));
	else if (printable(t->value, t->len) && t->len < 256) {
		char s[256];

		memcpy(s, t->value, t->len);
		s[t->len] = '\0';
		emit_str(e, "text", s);
	} else {
		emit_bytes(e, "bytes", t->value, t->len > 64 ? 64 : t->len);
	}
}

static void emit_tlvs(struct emit *e, const uint8_t *area, size_t len, struct rpt_error *err)
{
	struct simg_tlv t;
	size_t pos = 0;

	emit_begin_array(e, "tlvs");
	while (simg_tlv_next(area, len, &pos, &t, err) > 0) {
		emit_begin_object(e, "");
		emit_hex(e, "type", t.type);
		emit_str(e, "name", tlv_label(t.type));
		emit_u64(e, "offset", SIMG_HEADER_SIZE + t.offset);
		emit_u64(e, "length", t.len);
		emit_tlv_value(e, &t);
		emit_end(e);
	}
	emit_end(e);
}

static void emit_segment(struct emit *e, const struct elf32_file *elf, unsigned int i,
			 const struct simg_tlvs *t, unsigned int entry)
{
	const Elf32_Phdr *ph = elf32_phdr(elf, i);
	uint8_t digest[CRYPTO_SHA256_SIZE];
	struct simg_hash_entry he;
	bool have = entry < simg_hash_entries(t);

	emit_begin_object(e, "");
	emit_u64(e, "index", i);
	emit_hex(e, "type", ph->p_type);
	emit_hex(e, "offset", ph->p_offset);
	emit_hex(e, "vaddr", ph->p_vaddr);
	emit_hex(e, "paddr", ph->p_paddr);
	emit_hex(e, "filesz", ph->p_filesz);
	emit_hex(e, "memsz", ph->p_memsz);
	emit_hex(e, "flags", ph->p_flags);
	if (have) {
		simg_hash_entry_get(t, entry, &he);
		emit_bool(e, "header_matches_signed_entry", simg_phdr_matches(ph, &he));
		emit_str(e, "hash",
			 !crypto_sha256(elf32_segment_data(elf, ph), ph->p_filesz, digest) &&
					 !memcmp(digest, he.hash, sizeof(digest))
				 ? "ok"
				 : "BAD");
	} else {
		emit_str(e, "hash", "no signed entry");
	}
	emit_end(e);
}

static void emit_rsc_table(struct emit *e, const struct elf32_file *elf, unsigned int img)
{
	struct rpt_error err = {0};
	struct simg_rsc_location loc;
	const Elf32_Phdr *ph;
	uint8_t *copy;

	if (simg_locate_rsc_table(elf, &loc, &err))
		return;
	ph = elf32_phdr(elf, loc.phdr);
	emit_begin_object(e, "resource_table");
	emit_u64(e, "image", img + 1);
	emit_hex(e, "da", loc.da);
	emit_u64(e, "size", loc.size);
	copy = malloc(loc.size);
	if (copy &&
	    !rsc_table_validate(elf32_segment_data(elf, ph) + loc.seg_off, loc.size, &err)) {
		memcpy(copy, elf32_segment_data(elf, ph) + loc.seg_off, loc.size);
		rsc_table_emit(e, copy, loc.size);
	} else {
		emit_str(e, "error", rpt_error_msg(&err));
	}
	free(copy);
	emit_end(e);
}

static void emit_image(struct emit *e, const uint8_t *file, const struct simg_layout *lay,
		       const struct simg_tlvs *t, unsigned int img, unsigned int *entry)
{
	uint64_t off = simg_image_offset(lay, t, img);
	struct rpt_error err = {0};
	struct elf32_file elf;
	unsigned int i;

	emit_begin_object(e, "");
	emit_u64(e, "index", img + 1);
	emit_hex(e, "offset", off);
	emit_u64(e, "size", simg_img_size(t, img));
	if (elf32_open(&elf, file + off, simg_img_size(t, img), &err)) {
		emit_str(e, "error", rpt_error_msg(&err));
		emit_end(e);
		return;
	}
	emit_hex(e, "entry", elf.ehdr.e_entry);
	emit_begin_array(e, "segments");
	for (i = 0; i < elf32_phnum(&elf); i++)
		emit_segment(e, &elf, i, t, *entry + i);
	emit_end(e);
	*entry += elf32_phnum(&elf);
	emit_rsc_table(e, &elf, img);
	elf32_close(&elf);
	emit_end(e);
}

static int describe(struct emit *e, const uint8_t *file, size_t size)
{
	struct rpt_error err = {0}, serr = {0};
	struct simg_summary sum;
	struct simg_layout lay;
	struct simg_tlvs t;
	unsigned int img, entry = 0;
	int check;

	if (size < SIMG_HEADER_SIZE || simg_parse_header(file, &lay, &err))
		return cli_fail(EXIT_FAIL, "info: not a signed image: %s",
				size < SIMG_HEADER_SIZE ? "shorter than the 20-byte header"
							: rpt_error_msg(&err));
	check = simg_check_structure(file, size, &sum, &serr);
	emit_header(e, &lay, size);
	if (size >= lay.tlv_off + lay.tlv_len)
		emit_tlvs(e, file + lay.tlv_off, lay.tlv_len, &err);
	if (lay.total == size && !simg_decode_tlvs(&lay, file + lay.tlv_off, &t, &err)) {
		emit_begin_array(e, "images");
		for (img = 0; img < t.num_img; img++)
			emit_image(e, file, &lay, &t, img, &entry);
		emit_end(e);
	}
	emit_str(e, "structure", check ? rpt_error_msg(&serr) : "ok");
	emit_str(e, "signature", "not checked (use `rproc-sign verify --key`)");
	return check ? EXIT_FAIL : EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
	struct rpt_error err = {0};
	const char *path = NULL;
	bool json = false;
	struct emit e;
	uint8_t *file;
	size_t size;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' || path)
			return cli_fail(EXIT_USAGE, "info: usage: rproc-sign info IMAGE [--json]");
		else
			path = argv[i];
	}
	if (!path)
		return cli_fail(EXIT_USAGE, "info: usage: rproc-sign info IMAGE [--json]");
	if (rpt_read_file(path, &file, &size, &err))
		return cli_fail_err(EXIT_FAIL, "info", &err);
	emit_init(&e, stdout, json);
	emit_str(&e, "file", path);
	rc = describe(&e, file, size);
	emit_finish(&e);
	free(file);
	return rc;
}
