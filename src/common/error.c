// SPDX-License-Identifier: BSD-2-Clause
#include "common/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rpt_error_set(struct rpt_error *err, int code, const char *fmt, ...)
{
	char msg[RPT_ERROR_MSG_MAX];
	va_list ap;

	if (code > 0)
		code = -code;
	if (!err)
		return code;
	/* Formatted aside first: the arguments may point into err->msg. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err->code = code;
	memcpy(err->msg, msg, sizeof(err->msg));
	return code;
}

void rpt_error_prefix(struct rpt_error *err, const char *fmt, ...)
{
	char prefix[RPT_ERROR_MSG_MAX];
	char old[RPT_ERROR_MSG_MAX];
	va_list ap;
	size_t plen;

	if (!err || !err->code)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	plen = strnlen(prefix, sizeof(err->msg) - 1);
	memcpy(err->msg, prefix, plen);
	/* Keep what fits of the old reason after the prefix, always NUL-terminated. */
	strncpy(err->msg + plen, old, sizeof(err->msg) - plen - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
}

void rpt_error_clear(struct rpt_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

const char *rpt_error_msg(const struct rpt_error *err)
{
	if (!err || !err->code)
		return "no error";
	if (!err->msg[0])
		return rpt_strerror(err->code);
	return err->msg;
}

/* The project's own codes: name and description, indexed by code - RPT_ERRNO_BASE - 1. */
static const struct {
	const char *name;
	const char *text;
} own_codes[RPT_ERRNO_LAST - RPT_ERRNO_BASE] = {
	[RPT_EFORMAT - RPT_ERRNO_BASE - 1] = {"RPT_EFORMAT", "Malformed data"},
	[RPT_ESIGNATURE - RPT_ERRNO_BASE - 1] = {"RPT_ESIGNATURE", "Signature rejected"},
	[RPT_EHASH - RPT_ERRNO_BASE - 1] = {"RPT_EHASH", "Hash mismatch"},
	[RPT_ENOKEY - RPT_ERRNO_BASE - 1] = {"RPT_ENOKEY", "No trusted key"},
	[RPT_EROLLBACK - RPT_ERRNO_BASE - 1] = {"RPT_EROLLBACK", "Rollback refused"},
	[RPT_ERANGE - RPT_ERRNO_BASE - 1] = {"RPT_ERANGE", "Address outside the allowed memory"},
	[RPT_ESTATE - RPT_ERRNO_BASE - 1] = {"RPT_ESTATE", "Not allowed in the current state"},
	[RPT_ESTORE_FULL - RPT_ERRNO_BASE - 1] = {"RPT_ESTORE_FULL", "Secure storage full"},
	[RPT_ESTORE - RPT_ERRNO_BASE - 1] = {"RPT_ESTORE", "Secure storage not available"},
	[RPT_ENOBOOT - RPT_ERRNO_BASE - 1] = {"RPT_ENOBOOT", "Firmware cannot start"},
};

static int own_index(int code)
{
	if (code < 0)
		code = -code;
	return code > RPT_ERRNO_BASE && code <= RPT_ERRNO_LAST ? code - RPT_ERRNO_BASE - 1 : -1;
}

const char *rpt_errname(int code)
{
	const char *name;
	int i = own_index(code);

	if (i >= 0)
		return own_codes[i].name;
	if (code < 0)
		code = -code;
	if (!code)
		return "0";
	name = strerrorname_np(code);
	return name ? name : "unknown error";
}

const char *rpt_strerror(int code)
{
	int i = own_index(code);

	if (i >= 0)
		return own_codes[i].text;
	return strerror(code < 0 ? -code : code);
}
