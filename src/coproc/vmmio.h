/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Register map of the virtual coprocessor's watchdog and tick page (board
 * node compatible "vst,vmmio"): the contract between the emulator
 * (src/coproc) and the firmware (firmware/), which both include this file.
 * Plain #defines only, so that a freestanding cross-compiled firmware can use
 * it. Not a vendor peripheral: what is left of the private mailbox page once
 * the STM32 IPCC took over the doorbells and requests (stm32_ipcc_regs.h).
 * Firmware takes its time from SysTick (the demo does); the tick register
 * stays for firmware written before the exception model.
 *
 * One 4 KiB page of 32-bit registers at the board's address (VMMIO_BASE on
 * the boards of boards/, away from every SoC peripheral the firmware uses).
 * Only aligned 32-bit accesses do something: other widths and unknown
 * offsets read as 0 and ignore writes.
 */
#ifndef RPT_COPROC_VMMIO_H
#define RPT_COPROC_VMMIO_H

#define VMMIO_BASE 0x4C0F0000u
#define VMMIO_SIZE 0x1000u

/* RO: identifies the page ("VMBX") and its layout version (2: no doorbells, no requests). */
#define VMMIO_ID	 0x000u
#define VMMIO_ID_VALUE	 0x58424D56u
#define VMMIO_VERSION	 0x004u
#define VMMIO_VERSION_V2 2u

/* RO: milliseconds since the core was released from reset (host monotonic time). */
#define VMMIO_TICK_MS 0x008u

/*
 * Independent watchdog (IWDG-like). KEY (WO): START_KEY arms it (it cannot be
 * disarmed until the core is reset), REFRESH_KEY restarts its countdown.
 * PERIOD_MS (RO): the board's period, 0 when the board has no watchdog (keys
 * are then ignored). STATUS (RO): 1 while armed. If armed and not refreshed
 * for PERIOD_MS, the host reports a watchdog crash and stops the core.
 */
#define VMMIO_WDG_KEY	       0x030u
#define VMMIO_WDG_START_KEY    0x0000CCCCu
#define VMMIO_WDG_REFRESH_KEY  0x0000AAAAu
#define VMMIO_WDG_PERIOD_MS    0x034u
#define VMMIO_WDG_STATUS       0x038u
#define VMMIO_WDG_STATUS_ARMED 0x1u

#endif
