// SPDX-License-Identifier: BSD-2-Clause
/*
 * LOAD_FW of the remoteproc TA with arbitrary bytes. The signature check is
 * skipped (fuzz builds only: RPT_FUZZ_BUILD) so that the ELF, hash-table,
 * segment and resource-table paths are reached; a loaded image then goes
 * through START's isolation rule. After every input the TA must be OFF with
 * coprocessor memory all zero.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secure/ta/rproc_ta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct board board;
static struct platform plat;
static struct rproc_ta ta;
static void *sess;

static void quiet(void *priv, const char *msg)
{
	(void)priv;
	(void)msg;
}

static void setup(void)
{
	struct rpt_error err = {0};
	TEE_Param p[4] = {0};

	board.num_rprocs = 1;
	board.rprocs[0].tee = true;
	board.rprocs[0].policy.allow_unversioned = true;
	board_stm32mp15_layout(&board.rprocs[0], false);
	if (platform_init(&plat, &board, &err) || rproc_ta_init(&ta, &plat, &err))
		abort();
	ta.test_hook_skip_signature = true;
	ta.log = quiet;
	if (rproc_ta_open_session(&ta, TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0), p,
				  &sess))
		abort();
}

static TEE_Result invoke(uint32_t cmd, uint32_t types, TEE_Param *p)
{
	return rproc_ta_invoke(&ta, sess, cmd, types, p);
}

/* After a refused image nothing may remain in coprocessor memory. */
static void check_wiped(void)
{
	static const uint8_t zero[64 << 10];
	struct plat_rproc *rp = &plat.rprocs[0];
	unsigned int i;
	uint32_t k, n;

	for (i = 0; i < rp->num_mems; i++)
		for (k = 0; k < rp->mems[i].desc->size; k += n) {
			n = rp->mems[i].desc->size - k;
			n = n < sizeof(zero) ? n : (uint32_t)sizeof(zero);
			if (memcmp(rp->mems[i].host + k, zero, n))
				abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint32_t simple = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0);
	TEE_Param p[4] = {0};
	uint8_t *copy;

	if (!sess)
		setup();
	/* An exact-size private copy: ASan then sees any read past the image. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	p[1].memref.buffer = copy;
	p[1].memref.size = size;
	if (invoke(TA_RPROC_CMD_LOAD_FW,
		   TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT, 0, 0),
		   p) == TEE_SUCCESS) {
		invoke(TA_RPROC_CMD_GET_RSC_TABLE,
		       TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_OUTPUT,
				       TEE_PARAM_TYPE_VALUE_OUTPUT, 0),
		       p);
		/*
		 * START runs the isolation rule on the loaded image; with no core
		 * attached it then fails, and the firmware stays loaded.
		 */
		if (invoke(TA_RPROC_CMD_START_FW, simple, p) == TEE_SUCCESS)
			abort();
		if (invoke(TA_RPROC_CMD_RELEASE_FW, simple, p) != TEE_SUCCESS)
			abort();
	}
	if (rproc_ta_ctx(&ta, 0)->state != TA_RPROC_OFF)
		abort();
	check_wiped();
	free(copy);
	return 0;
}
