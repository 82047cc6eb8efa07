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
 *		compatible = "st,stm32mp1-ipcc"; reg = <0x4c001000 0x400>; #mbox-cells = <1>;
 *		interrupts = <103 104>;             the core's NVIC lines: RX occupied, TX free
 *		vst,channels = <6>;                 HWCFGR channel count, 4..16 (default 6)
 *	};
 *	uart4: serial@40010000 {               console; bytes go to `rprocctl ... console`
 *		compatible = "st,stm32h7-uart"; reg = <0x40010000 0x400>; interrupts = <52>;
 *	};
 *	vmmio: vmmio@4c0f0000 {                 watchdog and tick page (vmmio.h)
 *		compatible = "vst,vmmio"; reg = <0x4c0f0000 0x1000>;
 *	};
 *	rcc: rcc@50000000 {                     read as zero, writes ignored (vendor init)
 *		compatible = "vst,raz-wi"; reg = <0x50000000 0x1000>;
 *	};
 *	A peripheral's reg starts a 4 KiB page of the coprocessor's address
 *	space (rproc,device-address as for memories), covers what its model
 *	needs, overlaps no memory and shares no page with another peripheral.
 *	interrupts: one cell per line (the core's NVIC IRQn, below 496).
 *	m4 {
 *		compatible = "st,stm32mp1-m4-tee";  (or "st,stm32mp1-m4", "st,stm32mp2-m33-tee")
 *		rproc,id = <0>;
 *		cpu = "cortex-m4";                  default: from compatible
 *		clock-frequency = <209000000>;      optional: the core clock SysTick counts
 *						    (one or two cells, 1 Hz..4 GHz); default
 *						    209 MHz (M4), 400 MHz (M33)
 *		memory-region = <&retram>, ...;
 *		mboxes = <&ipcc 0>, <&ipcc 1>, <&ipcc 2>, <&ipcc 3>;
 *		mbox-names = "vq0", "vq1", "shutdown", "detach";  each optional;
 *						    detach: ST's 4th IPCC channel, tells
 *						    the firmware the host let go of it;
 *						    channels below vst,channels
 *		rproc,peripherals = <&uart4>, <&vmmio>, <&rcc>;  the other peripherals
 *						    (addresses no memory and no peripheral
 *						    covers fault)
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
/* Compatible of the mailbox node that mboxes must reference: the STM32 IPCC (ST's Linux DT). */
#define BOARD_COMPAT_MBOX "st,stm32mp1-ipcc"
/* Compatibles of the other peripheral nodes (rproc,peripherals). */
#define BOARD_COMPAT_USART "st,stm32h7-uart" /* the console UART (ST's Linux DT) */
#define BOARD_COMPAT_VMMIO "vst,vmmio"	     /* this emulator's watchdog and tick page */
#define BOARD_COMPAT_RAZWI "vst,raz-wi"	     /* reads as zero, ignores writes */

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
