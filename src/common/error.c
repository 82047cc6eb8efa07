// SPDX-License-Identifier: BSD-2-Clause
#include "common/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rpt_error_set(struct rpt_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code > 0)
		code = -code;
	if (!err || err->code)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
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
		return strerror(-err->code);
	return err->msg;
}
