/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error reports shared by every layer.
 *
 * A function that reads untrusted bytes returns 0 or a negative errno and,
 * when given a struct rpt_error, fills it with one line that names what was
 * wrong and where ("image 1: segment 2: p_offset 0x... past end of file").
 * The errno is for programs (the TA maps it to a GlobalPlatform code), the
 * message is for people.
 */
#ifndef RPT_COMMON_ERROR_H
#define RPT_COMMON_ERROR_H

#include <stddef.h>

#define RPT_ERROR_MSG_MAX 256

struct rpt_error {
	int code;		     /* negative errno of the first failure, 0 if none */
	char msg[RPT_ERROR_MSG_MAX]; /* human-readable reason, NUL-terminated */
};

/*
 * Error codes with a meaning of their own in this project, mapped onto errno
 * values so that plain libc failures (-ENOMEM, -EIO) pass through unchanged.
 */
#define RPT_EFORMAT    EBADMSG	    /* malformed bytes: size rule, TLV, ELF, table */
#define RPT_ESIGNATURE EKEYREJECTED /* signature does not verify with any trusted key */
#define RPT_EHASH      EILSEQ	    /* a segment's bytes do not match the signed hash */
#define RPT_ENOKEY     ENOKEY	    /* no trusted key matches the requested key id */
#define RPT_EROLLBACK  EPERM	    /* security counter lower than the one accepted before */
#define RPT_ERANGE     ERANGE	    /* an address or length outside the allowed memory */
#define RPT_ESTATE     EBUSY	    /* operation not allowed in the current state */

/* Persistent storage (rollback state) failures, reported with GlobalPlatform's storage codes. */
#define RPT_ESTORE_FULL EDQUOT	  /* full: no space, quota, file size limit */
#define RPT_ESTORE	ENOMEDIUM /* cannot be read or written */

/* Record the first failure: later calls do not overwrite an earlier reason. Returns -code. */
int rpt_error_set(struct rpt_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the message already recorded with context ("image 2: "). Keeps the code. */
void rpt_error_prefix(struct rpt_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void rpt_error_clear(struct rpt_error *err);

/* The message, or a generic text if none was recorded (never NULL). */
const char *rpt_error_msg(const struct rpt_error *err);

#endif
