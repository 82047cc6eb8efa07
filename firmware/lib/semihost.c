// SPDX-License-Identifier: BSD-2-Clause
/*
 * ARM semihosting (the calls a debugger or QEMU answers at BKPT 0xAB):
 * SYS_WRITE0 prints a NUL-terminated string on the host, SYS_EXIT ends the
 * run with a status (ADP_Stopped_ApplicationExit; on a 32-bit target the
 * status is not passed, so a failure exits through ADP_Stopped_RunTimeError).
 * Only for QEMU builds: run with -semihosting-config enable=on,target=native.
 */
#include "fwlib.h"

#define SYS_WRITE0		     0x04u
#define SYS_EXIT		     0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR    0x20023u

static uint32_t semihost_call(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

void semihost_write0(const char *s)
{
	semihost_call(SYS_WRITE0, s);
}

void semihost_exit(int status)
{
	uintptr_t reason = status ? ADP_STOPPED_RUNTIME_ERROR : ADP_STOPPED_APPLICATION_EXIT;

	semihost_call(SYS_EXIT, (const void *)reason);
	for (;;)
		;
}

void semihost_puthex(uint32_t v)
{
	char buf[9];
	int i;

	for (i = 7; i >= 0; i--, v >>= 4)
		buf[i] = "0123456789abcdef"[v & 0xF];
	buf[8] = 0;
	semihost_write0(buf);
}

void semihost_putdec(uint32_t v)
{
	char buf[11];
	int i = 10;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	semihost_write0(&buf[i]);
}
