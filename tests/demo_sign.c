// SPDX-License-Identifier: BSD-2-Clause
#include "demo_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_io.h"
#include "common/safe_math.h"
#include "formats/elf32.h"
#include "signer.h"
#include "testutil.h"

const char *rpt_sign_with_demo_key(const char *elf_path)
{
	static char out[4096 + 64];
	const char *base = strrchr(elf_path, '/');
	struct signer_input in = {.name = elf_path};
	struct signer_request req = {.inputs = &in, .num_inputs = 1};
	struct rpt_error err = {0};
	struct crypto_key *key;
	uint8_t *img;
	size_t len;

	in.elf = rpt_slurp(elf_path, &in.size);
	if (crypto_key_load_private(rpt_source_path("keys/demo-test-only.pem"), NULL, &key, &err))
		fail_msg("demo key: %s", rpt_error_msg(&err));
	req.key = key;
	if (signer_build(&req, &img, &len, &err))
		fail_msg("signing %s: %s", elf_path, rpt_error_msg(&err));
	snprintf(out, sizeof(out), "%s/%s.sign", rpt_tmpdir(), base ? base + 1 : elf_path);
	if (rpt_write_file_atomic(out, img, len, &err))
		fail_msg("%s: %s", out, rpt_error_msg(&err));
	free(img);
	free((void *)in.elf);
	crypto_key_free(key);
	return out;
}

#define MP2_ELF "firmware/rproc-demo-mp2.elf"

const char *rpt_sign_mp2_unstartable(void)
{
	static char out[4096 + 64];
	struct signer_plat_tlv plat[1];
	struct signer_input in = {.name = MP2_ELF};
	struct signer_request req = {.inputs = &in, .num_inputs = 1, .plat = plat};
	struct rpt_error err = {0};
	struct crypto_key *key;
	struct elf32_file e;
	uint8_t *elf, *img;
	size_t elf_len, len, vt = 0;
	unsigned int i;

	elf = rpt_slurp(rpt_binary_path(MP2_ELF), &elf_len);
	assert_int_equal(elf32_open(&e, elf, elf_len, &err), 0);
	for (i = 0; i < elf32_phnum(&e); i++)
		if (elf32_phdr(&e, i)->p_paddr == 0x80100000)
			vt = elf32_phdr(&e, i)->p_offset;
	elf32_close(&e);
	assert_int_not_equal(vt, 0);
	put_le32(elf + vt + 4, 0x80A00101);
	in.elf = elf;
	in.size = elf_len;
	assert_int_equal(signer_add_plat_tlv(plat, &req.num_plat, "0x10001", "0x80100000", &err),
			 0);
	assert_int_equal(crypto_key_load_private(rpt_source_path("keys/demo-test-only.pem"), NULL,
						 &key, &err),
			 0);
	req.key = key;
	assert_int_equal(signer_build(&req, &img, &len, &err), 0);
	snprintf(out, sizeof(out), "%s/unstartable-mp2.sign", rpt_tmpdir());
	assert_int_equal(rpt_write_file_atomic(out, img, len, &err), 0);
	crypto_key_free(key);
	free(img);
	free(elf);
	return out;
}
