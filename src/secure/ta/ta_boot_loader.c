// SPDX-License-Identifier: BSD-2-Clause
/*
 * The boot loader's start of a coprocessor (board property
 * rproc,boot-loader-firmware), before any normal-world daemon runs. On ST's
 * boards the boot loader (U-Boot with OP-TEE) loads and starts the M4
 * firmware through the same remoteproc TA the kernel uses later: a session,
 * LOAD_FW, START_FW, the session closed. The TA is a single-instance
 * keep-alive TA: the firmware stays STARTED in it, and the kernel (here
 * rprocd) finds it running and attaches. Going through the TA's own entry
 * points keeps every check of LOAD_FW (signature, hashes, memory map).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_io.h"
#include "secure/ta/rproc_ta.h"

static TEE_Result boot_invoke(struct rproc_ta *ta, void *sess, uint32_t id, uint32_t cmd,
			      const uint8_t *img, size_t len)
{
	TEE_Param p[TEE_NUM_PARAMS];
	uint32_t types;

	memset(p, 0, sizeof(p));
	p[0].value.a = id;
	if (img) {
		/* An input memref: the TA only reads it (the API has no const buffers). */
		p[1].memref.buffer = (void *)img;
		p[1].memref.size = len;
		types = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT,
					TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	} else {
		types = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
					TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	}
	return rproc_ta_invoke(ta, sess, cmd, types, p);
}

int rproc_ta_boot_loader_start(struct rproc_ta *ta, const struct board_rproc *rp,
			       struct rpt_error *err)
{
	TEE_Param p[TEE_NUM_PARAMS];
	TEE_Result res;
	uint8_t *img = NULL;
	size_t len = 0;
	void *sess = NULL;
	int ret;

	if (!rp->boot.loader_firmware[0])
		return 0;
	ret = rpt_read_file(rp->boot.loader_firmware, &img, &len, err);
	if (ret) {
		rpt_error_prefix(err, "boot loader: %s: ", rp->name);
		return ret;
	}
	memset(p, 0, sizeof(p));
	p[0].value.a = rp->id;
	res = rproc_ta_open_session(ta,
				    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
						    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE),
				    p, &sess);
	if (res == TEE_SUCCESS) {
		res = boot_invoke(ta, sess, rp->id, TA_RPROC_CMD_LOAD_FW, img, len);
		if (res == TEE_SUCCESS)
			res = boot_invoke(ta, sess, rp->id, TA_RPROC_CMD_START_FW, NULL, 0);
		/* A failed start leaves nothing loaded behind (RELEASE is fine when not started). */
		if (res != TEE_SUCCESS)
			boot_invoke(ta, sess, rp->id, TA_RPROC_CMD_RELEASE_FW, NULL, 0);
		rproc_ta_close_session(ta, sess);
	}
	free(img);
	if (res != TEE_SUCCESS)
		return rpt_error_set(err, EIO, "boot loader: %s: starting %s through the TA: %s",
				     rp->name, rp->boot.loader_firmware, tee_result_name(res));
	return 0;
}
