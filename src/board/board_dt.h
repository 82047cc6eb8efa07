/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading a board (board.h) from a flattened device tree.
 *
 * The shape, modelled on ST's STM32MP15 device trees and kept minimal:
 *
 *   / {
 *	model = "vstm32mp15-m4-tee";
 *	#address-cells = <1>; #size-cells = <1>;
 *	reserved-memory {
 *		#address-cells = <1>; #size-cells = <1>; ranges;
 *		retram: retram@38000000 {
 *			reg = <0x38000000 0x10000>;     one range, parent's cells (1 or 2)
 *			rproc,device-address = <0x0>;   default: the physical address
 *			rproc,secure;                   secure-only after load
 *			rproc,loadable;                 firmware may be loaded here
 *		};
 *	};
 *	ipcc: mailbox@4c001000 {
 *		compatible = "vst,ipcc"; reg = <0x4c001000 0x400>; #mbox-cells = <1>;
 *	};
 *	m4 {
 *		compatible = "st,stm32mp1-m4-tee";  (or "st,stm32mp1-m4", "st,stm32mp2-m33-tee")
 *		rproc,id = <0>;
 *		cpu = "cortex-m4";                  default: from compatible
 *		memory-region = <&retram>, ...;
 *		mboxes = <&ipcc 0>, <&ipcc 1>, <&ipcc 2>, <&ipcc 3>;
 *		mbox-names = "vq0", "vq1", "shutdown", "detach";  each optional;
 *						    detach: ST's 4th IPCC channel, tells
 *						    the firmware the host let go of it
 *		rproc,watchdog-ms = <1000>;         optional
 *		rproc,coredump = "enabled";         optional: "disabled" (default), "enabled", "inline"
 *		rproc,coredump-timeout-ms = <N>;    optional: inline wait, 1..3600000, default 300000
 *		rproc,boot-address = <0x80100000>;  optional, default 0: the vector
 *						    table the core boots through when
 *						    the image names none (128-byte
 *						    aligned, in one of its memories);
 *						    on "st,stm32mp2-m33-tee" a signed
 *						    BOOTADDR TLV (0x10001) overrides it
 *		st,auto-boot;                       optional: rprocd boots it at start
 *						    (attaches if it already runs)
 *		rproc,boot-loader-firmware = "fw.sign";  optional, TEE only: the boot
 *						    loader loaded and started this image
 *						    through the TA before any daemon ran
 *						    (path as trusted-keys); rprocd finds
 *						    it running and attaches
 *		rproc,recovery-limit = <10 60000>;  optional: at most 10 automatic
 *						    recoveries within 60000 ms, then the
 *						    processor stays crashed; <0 0> = no
 *						    limit (Linux); absent: the default
 *						    (10 within 60 s)
 *		secure-policy {                     TEE coprocessors only
 *			coredump-allowed; allow-unversioned;
 *			coredump-secure-memories;   debug boards only, needs coredump-allowed
 *			rollback-state = "path"; trusted-keys = "a.pub.pem", "b.pub.pem";
 *		};
 *	};
 *   };
 *
 * A node is a coprocessor when its compatible is one of the above or when it
 * has an rproc,id (so that a misspelt compatible is reported, not ignored).
 * The blob is hostile: every property is checked for length, termination and
 * range, memories may not overlap (device or physical ranges, within or across
 * coprocessors), and errors name the node and the property.
 */
#ifndef RPT_BOARD_BOARD_DT_H
#define RPT_BOARD_BOARD_DT_H

#include <stddef.h>

#include "board/board.h"
#include "common/error.h"

/* Compatible strings of the coprocessor nodes this reader knows. */
#define BOARD_COMPAT_M4_TEE  "st,stm32mp1-m4-tee"  /* STM32MP15 M4, TEE (alternate) boot */
#define BOARD_COMPAT_M4	     "st,stm32mp1-m4"	   /* STM32MP15 M4, normal world loads the ELF */
#define BOARD_COMPAT_M33_TEE "st,stm32mp2-m33-tee" /* STM32MP25 M33, TEE boot */
/* Compatible of the mailbox node that mboxes must reference. */
#define BOARD_COMPAT_MBOX "vst,ipcc"

/* Largest device-tree blob accepted (boards are a few KiB). */
#define BOARD_DTB_MAX ((size_t)1 << 20)

/*
 * Fill *b from the DTB in [dtb, dtb + size). The blob is copied first and
 * only the copy is read. Relative paths of the secure policy (trusted-keys,
 * rollback-state) are joined to base_dir (NULL: kept as written). Key files
 * are not opened here. On failure *b is left untouched and err says which
 * node and property were wrong.
 */
int board_load_dtb(struct board *b, const void *dtb, size_t size, const char *base_dir,
		   struct rpt_error *err);

/*
 * Fill *b from a board file: a path ending in ".dts" is compiled with dtc
 * (found on PATH, run without a shell) into a temporary file first; anything
 * else is read as a DTB. Relative policy paths are resolved against the
 * board file's directory (made absolute).
 */
int board_load_file(struct board *b, const char *path, struct rpt_error *err);

#endif
