/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error reports shared by every layer.
 *
 * One sign convention everywhere: error codes (errno values and the RPT_E*
 * codes below) are positive constants, and a function fails by returning one
 * negated (-EINVAL, -RPT_EFORMAT), 0 on success. A function that reads
 * untrusted bytes, when given a struct rpt_error, also fills it with one line
 * that names what was wrong and where ("image 1: segment 2: p_offset 0x...
 * past end of file"). The code is for programs (the TA maps it to a
 * GlobalPlatform code: common/tee_result.h), the message is for people.
 */
#ifndef RPT_COMMON_ERROR_H
#define RPT_COMMON_ERROR_H

#include <stddef.h>

/*
 * A message's bytes, NUL included: room for a secure world's reason (a TEE
 * reason, common/tee_result.h, up to 255) after the context the normal world
 * puts before it ("load failed: TA LOAD_FW: TEE_ERROR_ACCESS_DENIED: ").
 */
#define RPT_ERROR_MSG_MAX 512

struct rpt_error {
	int code; /* 0 if none, else the failure's negative code (-EIO, -RPT_EHASH) */
	char msg[RPT_ERROR_MSG_MAX]; /* human-readable reason, NUL-terminated ("" if none given) */
};

/*
 * Error codes with a meaning of their own in this project. They lie above
 * every errno value (Linux reserves 1..4095, MAX_ERRNO, kernel-internal codes
 * included), so none can be mistaken for a libc failure and the other way
 * round: -EBUSY is "busy", -RPT_ESTATE is "not in this state".
 */
#define RPT_ERRNO_BASE 0x1000
#define RPT_EFORMAT    (RPT_ERRNO_BASE + 1) /* malformed bytes: size rule, TLV, ELF, table */
#define RPT_ESIGNATURE (RPT_ERRNO_BASE + 2) /* signature does not verify with any trusted key */
#define RPT_EHASH      (RPT_ERRNO_BASE + 3) /* a segment's bytes do not match the signed hash */
#define RPT_ENOKEY     (RPT_ERRNO_BASE + 4) /* no trusted key matches the requested key id */
#define RPT_EROLLBACK  (RPT_ERRNO_BASE + 5) /* security counter lower than one accepted before */
#define RPT_ERANGE     (RPT_ERRNO_BASE + 6) /* an address or length outside the allowed memory */
#define RPT_ESTATE     (RPT_ERRNO_BASE + 7) /* operation not allowed in the current state */
/* Persistent storage (rollback state) failures, reported with GlobalPlatform's storage codes. */
#define RPT_ESTORE_FULL (RPT_ERRNO_BASE + 8) /* full: no space, quota, file size limit */
#define RPT_ESTORE	(RPT_ERRNO_BASE + 9) /* cannot be read or written */
/* The firmware cannot start: no usable vector table, reset vector or stack at its boot address. */
#define RPT_ENOBOOT    (RPT_ERRNO_BASE + 10)
#define RPT_ERRNO_LAST RPT_ENOBOOT

/* The symbolic name of a code of either sign ("RPT_EFORMAT", "EBUSY"); never NULL. */
const char *rpt_errname(int code);
/* strerror() that also knows the RPT_E* codes; a code of either sign. Never NULL. */
const char *rpt_strerror(int code);

/*
 * Record a failure: code (an errno or RPT_E* value, either sign: a callee's
 * negative return passes as it is) and its message. The last one set wins,
 * so a struct rpt_error can be reused without clearing it first; a caller
 * that wants to keep a callee's reason adds its context with
 * rpt_error_prefix() instead of setting a new one. The message may quote the
 * one recorded before (rpt_error_msg(err) as an argument). err may be NULL.
 * Returns the code, negative. What err holds matters only after a failure.
 */
int rpt_error_set(struct rpt_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the message already recorded with context ("image 2: "). Keeps the code. */
void rpt_error_prefix(struct rpt_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* No failure recorded: for an object's "error of the last call" when a new call starts. */
void rpt_error_clear(struct rpt_error *err);

/* The message, or a generic text if none was recorded (never NULL). */
const char *rpt_error_msg(const struct rpt_error *err);

#endif
