// SPDX-License-Identifier: BSD-2-Clause
#include "fw_qemu.h"

#include <stdio.h>
#include <string.h>

#include "testutil.h"

#ifndef RPT_QEMU_ARM
#define RPT_QEMU_ARM ""
#endif

static const char *capture_path(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/qemu.out", rpt_tmpdir());
	return path;
}

int fw_qemu_run(const char *elf)
{
	char args[4096];
	char rel[256];

	/* No QEMU: fail, never skip (scripts/setup installs qemu-system-arm). */
	if (!RPT_QEMU_ARM[0])
		fail_msg("qemu-system-arm was not found when configuring: run scripts/setup");
	snprintf(rel, sizeof(rel), "firmware/%s", elf);
	snprintf(args, sizeof(args),
		 "%d '%s' -M mps2-an386 -nographic -monitor none -serial none "
		 "-semihosting-config enable=on,target=native -kernel '%s'",
		 FW_QEMU_TIMEOUT_S, RPT_QEMU_ARM, rpt_binary_path(rel));
	return rpt_run_capture(capture_path(), "timeout", args);
}

const char *fw_qemu_output(void)
{
	return rpt_captured(capture_path());
}

size_t fw_qemu_words(const char *prefix, uint32_t *out, size_t max)
{
	const char *p = fw_qemu_output();
	size_t plen = strlen(prefix), n = 0;
	unsigned int v;
	int used;

	memset(out, 0, max * sizeof(*out));
	while ((p = strstr(p, prefix))) {
		if (p != fw_qemu_output() && p[-1] != '\n') {
			p += plen;
			continue;
		}
		p += plen;
		while (*p == ' ' && sscanf(p, " %8x%n", &v, &used) == 1) {
			if (n >= max)
				fail_msg("QEMU printed more than %zu words after \"%s\"", max,
					 prefix);
			out[n++] = v;
			p += used;
		}
	}
	return n;
}

#define CHECK_NAME(i, name) #name,
static const char *const names[] = {EXCT_CHECKS(CHECK_NAME)};

const char *exct_check_name(unsigned int i)
{
	return i < sizeof(names) / sizeof(names[0]) ? names[i] : "?";
}

static const char *exc_name(unsigned int exc, char *buf, size_t len)
{
	static const char *const sys[16] = {
		"thread",     "reset", "nmi",	 "hardfault", "memmanage", "busfault",
		"usagefault", "7",     "8",	 "9",	      "10",	   "svc",
		"debugmon",   "13",    "pendsv", "systick",
	};

	if (exc < 16)
		return sys[exc];
	snprintf(buf, len, "irq%u", exc - 16);
	return buf;
}

const char *exct_event_str(uint32_t ev, char *buf, size_t len)
{
	unsigned int a = EXCT_EV_A(ev), b = EXCT_EV_B(ev);
	char exc[16];

	switch (EXCT_EV_KIND(ev)) {
	case EXCT_EV_CHECK:
		snprintf(buf, len, "CHECK %s", exct_check_name(a));
		break;
	case EXCT_EV_ENTER:
		snprintf(buf, len, "ENTER %s EXC_RETURN ffff%04x", exc_name(a, exc, sizeof(exc)),
			 b);
		break;
	case EXCT_EV_EXIT:
		snprintf(buf, len, "EXIT %s", exc_name(a, exc, sizeof(exc)));
		break;
	case EXCT_EV_SVC:
		snprintf(buf, len, "SVC #%u r0 0x%04x", a, b);
		break;
	case EXCT_EV_MARK:
		snprintf(buf, len, "MARK step %u value 0x%x", a, b);
		break;
	case EXCT_EV_FAULT:
		snprintf(buf, len, "FAULT kind %u pc-is-the-faulting-function %u", a, b);
		break;
	case EXCT_EV_UNEXPECTED:
		snprintf(buf, len, "UNEXPECTED %s", exc_name(a, exc, sizeof(exc)));
		break;
	default:
		snprintf(buf, len, "0x%08x", ev);
		break;
	}
	return buf;
}
