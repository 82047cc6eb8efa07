/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GlobalPlatform numbers shared by both worlds: return codes, parameter
 * types and the parameter union, plus the remoteproc TA's contract (UUID,
 * command ids). The values are GlobalPlatform's and OP-TEE's: keep them.
 */
#ifndef RPT_COMMON_TEE_DEFS_H
#define RPT_COMMON_TEE_DEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t TEE_Result;

#define TEE_SUCCESS		    0x00000000u
#define TEE_ERROR_GENERIC	    0xFFFF0000u
#define TEE_ERROR_ACCESS_DENIED	    0xFFFF0001u
#define TEE_ERROR_CANCEL	    0xFFFF0002u
#define TEE_ERROR_BAD_FORMAT	    0xFFFF0005u
#define TEE_ERROR_BAD_PARAMETERS    0xFFFF0006u
#define TEE_ERROR_BAD_STATE	    0xFFFF0007u
#define TEE_ERROR_ITEM_NOT_FOUND    0xFFFF0008u
#define TEE_ERROR_NOT_IMPLEMENTED   0xFFFF0009u
#define TEE_ERROR_NOT_SUPPORTED	    0xFFFF000Au
#define TEE_ERROR_NO_DATA	    0xFFFF000Bu
#define TEE_ERROR_OUT_OF_MEMORY	    0xFFFF000Cu
#define TEE_ERROR_BUSY		    0xFFFF000Du
#define TEE_ERROR_COMMUNICATION	    0xFFFF000Eu
#define TEE_ERROR_SECURITY	    0xFFFF000Fu
#define TEE_ERROR_SHORT_BUFFER	    0xFFFF0010u
#define TEE_ERROR_OVERFLOW	    0xFFFF300Fu
#define TEE_ERROR_TARGET_DEAD	    0xFFFF3024u
#define TEE_ERROR_SIGNATURE_INVALID 0xFFFF3072u

/* GlobalPlatform storage codes (TEE Internal Core API). */
#define TEE_ERROR_STORAGE_NO_SPACE	0xFFFF3041u
#define TEE_ERROR_STORAGE_NOT_AVAILABLE 0xF0100003u

/* Parameter types, 4 bits each, parameter 0 in the low nibble. */
#define TEE_PARAM_TYPE_NONE	     0u
#define TEE_PARAM_TYPE_VALUE_INPUT   1u
#define TEE_PARAM_TYPE_VALUE_OUTPUT  2u
#define TEE_PARAM_TYPE_VALUE_INOUT   3u
#define TEE_PARAM_TYPE_MEMREF_INPUT  5u
#define TEE_PARAM_TYPE_MEMREF_OUTPUT 6u
#define TEE_PARAM_TYPE_MEMREF_INOUT  7u

#define TEE_PARAM_TYPES(t0, t1, t2, t3)                                                            \
	((uint32_t)(t0) | ((uint32_t)(t1) << 4) | ((uint32_t)(t2) << 8) | ((uint32_t)(t3) << 12))
#define TEE_PARAM_TYPE_GET(t, i) (((t) >> ((i)*4)) & 0xFu)

#define TEE_NUM_PARAMS 4

/* A memory reference (input, output or both): the parameter carries a buffer. */
static inline bool tee_param_is_memref(uint32_t type)
{
	return type == TEE_PARAM_TYPE_MEMREF_INPUT || type == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
	       type == TEE_PARAM_TYPE_MEMREF_INOUT;
}

/* An output (OUTPUT or INOUT, value or memref): the TEE may hand something back in it. */
static inline bool tee_param_is_output(uint32_t type)
{
	return type == TEE_PARAM_TYPE_VALUE_OUTPUT || type == TEE_PARAM_TYPE_VALUE_INOUT ||
	       type == TEE_PARAM_TYPE_MEMREF_OUTPUT || type == TEE_PARAM_TYPE_MEMREF_INOUT;
}

/* A value parameter (input, output or both): two 32-bit integers. */
static inline bool tee_param_is_value(uint32_t type)
{
	return type == TEE_PARAM_TYPE_VALUE_INPUT || type == TEE_PARAM_TYPE_VALUE_OUTPUT ||
	       type == TEE_PARAM_TYPE_VALUE_INOUT;
}

/* One parameter, as the TA sees it. */
typedef union {
	struct {
		void *buffer; /* shared buffer (the TA must treat it as changing under it) */
		size_t size;  /* its size; on output, the size written or needed */
	} memref;
	struct {
		uint32_t a;
		uint32_t b;
	} value;
} TEE_Param;

/* The remoteproc TA of OP-TEE (ta/remoteproc): UUID and commands. */
#define TA_RPROC_UUID                                                                              \
	{                                                                                          \
		0x80a4c275, 0x0a47, 0x4905,                                                        \
		{                                                                                  \
			0x82, 0x85, 0x14, 0x86, 0xa9, 0x77, 0x1a, 0x08                             \
		}                                                                                  \
	}

enum ta_rproc_cmd {
	TA_RPROC_CMD_LOAD_FW = 1,
	TA_RPROC_CMD_START_FW = 2,
	TA_RPROC_CMD_STOP_FW = 3,
	TA_RPROC_CMD_GET_RSC_TABLE = 4,
	TA_RPROC_CMD_GET_COREDUMP = 5,
	TA_RPROC_CMD_RELEASE_FW = 6,
};

/* A UUID as GlobalPlatform lays it out. */
typedef struct {
	uint32_t timeLow;
	uint16_t timeMid;
	uint16_t timeHiAndVersion;
	uint8_t clockSeqAndNode[8];
} TEE_UUID;

/* Name of a remoteproc TA command ("LOAD_FW"), or "?" for any other number. */
const char *ta_rproc_cmd_name(uint32_t cmd);

/* Name of a return code ("TEE_ERROR_BAD_STATE"), for messages. */
const char *tee_result_name(TEE_Result res);

/*
 * A TA reached by a plain function call: GlobalPlatform's TA entry points,
 * each given the TA instance first. The in-process transport calls a TA only
 * through this, so that the normal world never includes the secure world.
 */
struct tee_ta_entry {
	TEE_UUID uuid; /* the TA's UUID: a session on any other is ITEM_NOT_FOUND */
	/*
	 * TA_OpenSessionEntryPoint: *session is the TA's handle for the next calls.
	 * On a failure the TA may write why into reason (TEE_REASON_MAX bytes of
	 * common/tee_result.h, "" on entry; the caller sanitises it).
	 */
	TEE_Result (*open_session)(void *ta, uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS],
				   void **session, char *reason);
	/* TA_CloseSessionEntryPoint. */
	void (*close_session)(void *ta, void *session);
	/* TA_InvokeCommandEntryPoint; reason as for open_session. */
	TEE_Result (*invoke)(void *ta, void *session, uint32_t cmd, uint32_t param_types,
			     TEE_Param params[TEE_NUM_PARAMS], char *reason);
};

#endif
