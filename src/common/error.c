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

	if (!err || !err->code)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old);
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
