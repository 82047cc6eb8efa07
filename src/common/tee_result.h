/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error codes <-> GlobalPlatform results: the one table both worlds use. The
 * TA answers a failure with tee_result_from_err(); the normal world turns a
 * result back into a code with tee_result_to_err(), so a caller sees on either
 * side of the TEE the code that was meant (-RPT_ESTATE, not a -EBUSY guess).
 *
 * GlobalPlatform has fewer codes than we do: RPT_ENOKEY shares
 * SIGNATURE_INVALID with RPT_ESIGNATURE, RPT_EROLLBACK shares SECURITY with
 * RPT_EHASH, RPT_ERANGE and EPERM share ACCESS_DENIED with EACCES,
 * RPT_ENOBOOT (START_FW) shares BAD_FORMAT with RPT_EFORMAT (LOAD_FW). Each
 * result comes back as one code of its class (the entry marked `back`); the
 * message the TA logs keeps the exact reason.
 */
#ifndef RPT_COMMON_TEE_RESULT_H
#define RPT_COMMON_TEE_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/tee_defs.h"

/* One row of the table. */
struct tee_err_map {
	int err;	/* the code, negative (-ENOMEM, -RPT_EFORMAT) */
	TEE_Result res; /* what GlobalPlatform calls it */
	bool back;	/* this row also answers res -> err (exactly one row per res) */
};

extern const struct tee_err_map tee_err_table[];
extern const size_t tee_err_table_len;

/*
 * The GlobalPlatform result for 0 or a function's failure code (the sign is
 * ignored, as rpt_error_set() does): TEE_SUCCESS for 0, `other` for a code the
 * table does not know.
 */
TEE_Result tee_result_from_err_or(int err, TEE_Result other);
/* The same, with TEE_ERROR_GENERIC for an unknown code: what the TA answers. */
TEE_Result tee_result_from_err(int err);
/* 0 for TEE_SUCCESS, the negative code of the table, -EIO for a result it does not know. */
int tee_result_to_err(TEE_Result res);

/*
 * The reason next to a failed result: the one line the secure world (our TA,
 * rproc-teed) wrote for the failure, carried to the normal world's user as it
 * was written, never guessed from the code. Bytes, NUL included: at most
 * TEE_REASON_MAX - 1 characters of printable ASCII (a longer message is cut,
 * ending "..."). A struct rpt_error's message holds one whole with its context.
 */
#define TEE_REASON_MAX 256

/*
 * Copy the reason src (any bytes, NUL-terminated or srclen long, NULL = none)
 * into dst (TEE_REASON_MAX bytes) as a text that is safe on a terminal and in
 * one log line: every byte outside printable ASCII (control characters, the
 * ESC of an escape sequence, DEL, bytes >= 0x80) becomes '?', and a text
 * longer than TEE_REASON_MAX - 1 is cut and ends with "...". Returns the
 * length of dst.
 */
size_t tee_reason_sanitize(char dst[TEE_REASON_MAX], const char *src, size_t srclen);

/* True if text (NUL-terminated) is what tee_reason_sanitize() makes: printable ASCII, bounded. */
bool tee_reason_valid(const char *text, size_t len);

#endif
