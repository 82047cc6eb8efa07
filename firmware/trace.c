// SPDX-License-Identifier: BSD-2-Clause
/*
 * The trace buffer Linux shows in debugfs (remoteproc<N>/trace0): plain text,
 * always NUL-terminated. When a line does not fit in what is left, writing
 * wraps to the start, so a reader sees the newest lines from the beginning.
 */
#include "fw.h"

__attribute__((section(".trace"), used)) char trace_buf[FW_TRACE_SIZE];

/* Next byte to write; trace_buf[trace_pos] is always the terminating NUL. */
static uint32_t trace_pos;

static size_t fw_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void trace_puts(const char *s)
{
	size_t len = fw_strlen(s);
	size_t i;

	if (len > FW_TRACE_SIZE - 1)
		len = FW_TRACE_SIZE - 1;
	if (trace_pos + len + 1 > FW_TRACE_SIZE)
		trace_pos = 0;
	/* Terminate first: a reader never runs into the old text through the new line. */
	trace_buf[trace_pos + len] = '\0';
	for (i = 0; i < len; i++)
		trace_buf[trace_pos + i] = s[i];
	trace_pos += len;
}

void trace_put_line_u32(const char *prefix, uint32_t n)
{
	char line[64];
	char digits[11];
	size_t i = 0, d = 0;

	while (*prefix && i < sizeof(line) - sizeof(digits) - 2)
		line[i++] = *prefix++;
	do {
		digits[d++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	while (d)
		line[i++] = digits[--d];
	line[i++] = '\n';
	line[i] = '\0';
	trace_puts(line);
}

void trace_put_line2(const char *prefix, const char *text)
{
	char line[160];
	size_t i = 0;

	while (*prefix && i < sizeof(line) - 2)
		line[i++] = *prefix++;
	while (*text && i < sizeof(line) - 2)
		line[i++] = *text++;
	line[i++] = '\n';
	line[i] = '\0';
	trace_puts(line);
}
