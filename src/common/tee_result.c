// SPDX-License-Identifier: BSD-2-Clause
#include "common/tee_result.h"

#include <errno.h>
#include <string.h>

#include "common/error.h"

/* Before: five switch statements that disagreed (rproc_ta, teed, tee_dev, tee_rproc, tee_socket). */
const struct tee_err_map tee_err_table[] = {
	/* Ours: the image and the TA's state machine. */
	{-RPT_EFORMAT, TEE_ERROR_BAD_FORMAT, true},
	{-RPT_ESIGNATURE, TEE_ERROR_SIGNATURE_INVALID, true},
	{-RPT_ENOKEY, TEE_ERROR_SIGNATURE_INVALID, false},
	{-RPT_EHASH, TEE_ERROR_SECURITY, true},
	{-RPT_EROLLBACK, TEE_ERROR_SECURITY, false},
	{-RPT_ERANGE, TEE_ERROR_ACCESS_DENIED, false},
	{-RPT_ESTATE, TEE_ERROR_BAD_STATE, true},
	/*
	 * Authentic firmware that cannot start: the vector table at its boot
	 * address is missing or names a reset handler the core cannot run. The
	 * image's own (signed) content is unusable: GlobalPlatform's "input of
	 * invalid format", not ACCESS_DENIED (no policy refused anything) nor
	 * GENERIC (which says nothing). The command tells it from a LOAD_FW
	 * BAD_FORMAT: START_FW only gives it for this.
	 */
	{-RPT_ENOBOOT, TEE_ERROR_BAD_FORMAT, false},
	{-RPT_ESTORE_FULL, TEE_ERROR_STORAGE_NO_SPACE, true},
	{-RPT_ESTORE, TEE_ERROR_STORAGE_NOT_AVAILABLE, true},
	/* errno values with a GlobalPlatform meaning. */
	{-EACCES, TEE_ERROR_ACCESS_DENIED, true},
	{-EPERM, TEE_ERROR_ACCESS_DENIED, false},
	{-ENOMEM, TEE_ERROR_OUT_OF_MEMORY, true},
	{-EINVAL, TEE_ERROR_BAD_PARAMETERS, true},
	{-ENOENT, TEE_ERROR_ITEM_NOT_FOUND, true},
	{-ENOSPC, TEE_ERROR_SHORT_BUFFER, true},
	{-ENODATA, TEE_ERROR_NO_DATA, true},
	{-EOPNOTSUPP, TEE_ERROR_NOT_SUPPORTED, true},
	{-ENOSYS, TEE_ERROR_NOT_IMPLEMENTED, true},
	{-EBUSY, TEE_ERROR_BUSY, true},
};
const size_t tee_err_table_len = sizeof(tee_err_table) / sizeof(tee_err_table[0]);

TEE_Result tee_result_from_err_or(int err, TEE_Result other)
{
	size_t i;

	if (err > 0)
		err = -err;
	if (!err)
		return TEE_SUCCESS;
	for (i = 0; i < tee_err_table_len; i++)
		if (tee_err_table[i].err == err)
			return tee_err_table[i].res;
	return other;
}

TEE_Result tee_result_from_err(int err)
{
	return tee_result_from_err_or(err, TEE_ERROR_GENERIC);
}

int tee_result_to_err(TEE_Result res)
{
	size_t i;

	if (res == TEE_SUCCESS)
		return 0;
	for (i = 0; i < tee_err_table_len; i++)
		if (tee_err_table[i].back && tee_err_table[i].res == res)
			return tee_err_table[i].err;
	return -EIO;
}

/* What may reach a terminal and a log line: printable ASCII, no control character. */
static bool reason_char_ok(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

size_t tee_reason_sanitize(char dst[TEE_REASON_MAX], const char *src, size_t srclen)
{
	static const char cut[] = "...";
	size_t n, i;

	if (!src)
		srclen = 0;
	n = strnlen(src ? src : "", srclen);
	for (i = 0; i < n && i < TEE_REASON_MAX - 1; i++)
		dst[i] = reason_char_ok((unsigned char)src[i]) ? src[i] : '?';
	/* Cut: say so, in the last bytes that fit. */
	if (n > TEE_REASON_MAX - 1) {
		i = TEE_REASON_MAX - 1;
		memcpy(dst + i - (sizeof(cut) - 1), cut, sizeof(cut) - 1);
	}
	dst[i] = '\0';
	return i;
}

bool tee_reason_valid(const char *text, size_t len)
{
	size_t i;

	if (len > TEE_REASON_MAX - 1)
		return false;
	for (i = 0; i < len; i++)
		if (!reason_char_ok((unsigned char)text[i]))
			return false;
	return true;
}
