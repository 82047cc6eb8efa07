// SPDX-License-Identifier: BSD-2-Clause
#include "demo_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_io.h"
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
