// SPDX-License-Identifier: BSD-2-Clause
/*
 * Every structural check of a signed image (header, size rule, TLV walk and
 * decode, each ELF, hash-table binding, segment hashes, resource table) on
 * arbitrary bytes. The signature is not checked: it would stop the fuzzer at
 * the first gate, and it is an OpenSSL call, not our parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "formats/image_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpt_error err = {0};
	struct simg_summary sum;
	int ret;

	ret = simg_check_structure(data, size, &sum, &err);
	/* A rejection must say why. */
	if (ret && !err.msg[0])
		abort();
	return 0;
}
