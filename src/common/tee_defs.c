// SPDX-License-Identifier: BSD-2-Clause
#include "common/tee_defs.h"

const char *tee_result_name(TEE_Result res)
{
	switch (res) {
	case TEE_SUCCESS:
		return "TEE_SUCCESS";
	case TEE_ERROR_GENERIC:
		return "TEE_ERROR_GENERIC";
	case TEE_ERROR_ACCESS_DENIED:
		return "TEE_ERROR_ACCESS_DENIED";
	case TEE_ERROR_CANCEL:
		return "TEE_ERROR_CANCEL";
	case TEE_ERROR_BAD_FORMAT:
		return "TEE_ERROR_BAD_FORMAT";
	case TEE_ERROR_BAD_PARAMETERS:
		return "TEE_ERROR_BAD_PARAMETERS";
	case TEE_ERROR_BAD_STATE:
		return "TEE_ERROR_BAD_STATE";
	case TEE_ERROR_ITEM_NOT_FOUND:
		return "TEE_ERROR_ITEM_NOT_FOUND";
	case TEE_ERROR_NOT_IMPLEMENTED:
		return "TEE_ERROR_NOT_IMPLEMENTED";
	case TEE_ERROR_NOT_SUPPORTED:
		return "TEE_ERROR_NOT_SUPPORTED";
	case TEE_ERROR_NO_DATA:
		return "TEE_ERROR_NO_DATA";
	case TEE_ERROR_OUT_OF_MEMORY:
		return "TEE_ERROR_OUT_OF_MEMORY";
	case TEE_ERROR_BUSY:
		return "TEE_ERROR_BUSY";
	case TEE_ERROR_COMMUNICATION:
		return "TEE_ERROR_COMMUNICATION";
	case TEE_ERROR_SECURITY:
		return "TEE_ERROR_SECURITY";
	case TEE_ERROR_SHORT_BUFFER:
		return "TEE_ERROR_SHORT_BUFFER";
	case TEE_ERROR_OVERFLOW:
		return "TEE_ERROR_OVERFLOW";
	case TEE_ERROR_STORAGE_NO_SPACE:
		return "TEE_ERROR_STORAGE_NO_SPACE";
	case TEE_ERROR_STORAGE_NOT_AVAILABLE:
		return "TEE_ERROR_STORAGE_NOT_AVAILABLE";
	case TEE_ERROR_TARGET_DEAD:
		return "TEE_ERROR_TARGET_DEAD";
	case TEE_ERROR_SIGNATURE_INVALID:
		return "TEE_ERROR_SIGNATURE_INVALID";
	default:
		return "TEE_ERROR_UNKNOWN";
	}
}

const char *ta_rproc_cmd_name(uint32_t cmd)
{
	static const char *const names[] = {
		[TA_RPROC_CMD_LOAD_FW] = "LOAD_FW",
		[TA_RPROC_CMD_START_FW] = "START_FW",
		[TA_RPROC_CMD_STOP_FW] = "STOP_FW",
		[TA_RPROC_CMD_GET_RSC_TABLE] = "GET_RSC_TABLE",
		[TA_RPROC_CMD_GET_COREDUMP] = "GET_COREDUMP",
		[TA_RPROC_CMD_RELEASE_FW] = "RELEASE_FW",
	};

	if (cmd < sizeof(names) / sizeof(names[0]) && names[cmd])
		return names[cmd];
	return "?";
}
