/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Register map of the virtual coprocessor's mailbox page: the contract
 * between the emulator (src/coproc) and the firmware (firmware/), which both
 * include this file. Plain #defines only, so that a freestanding
 * cross-compiled firmware can use it.
 *
 * One 4 KiB page of 32-bit registers at VMMIO_BASE (where the STM32MP15's
 * IPCC sits). Only aligned 32-bit accesses do something: other widths and
 * unknown offsets read as 0 and ignore writes. Nothing raises an interrupt:
 * the firmware polls (an exception-free design keeps the emulator free of
 * per-instruction work).
 */
#ifndef RPT_COPROC_VMMIO_H
#define RPT_COPROC_VMMIO_H

#define VMMIO_BASE 0x4C001000u
#define VMMIO_SIZE 0x1000u

/* RO: identifies the mailbox ("VMBX") and its layout version. */
#define VMMIO_ID	 0x000u
#define VMMIO_ID_VALUE	 0x58424D56u
#define VMMIO_VERSION	 0x004u
#define VMMIO_VERSION_V1 1u

/* RO: milliseconds since the core was released from reset (host monotonic time). */
#define VMMIO_TICK_MS 0x008u

/*
 * Host -> firmware doorbells, one bit per virtqueue notify id (0..31).
 * STATUS (RO): bit n set when the host kicked vq n; it stays set until the
 * firmware writes 1 to the bit in CLEAR (WO, write-1-to-clear).
 */
#define VMMIO_DB_STATUS 0x010u
#define VMMIO_DB_CLEAR	0x014u
/* Firmware -> host doorbell (WO): write a notify id (0..31) to kick that vq on the host. */
#define VMMIO_DB_RING 0x018u
#define VMMIO_NUM_VQ  32u

/*
 * Host requests (RO). SHUTDOWN: the host wants the firmware to stop cleanly;
 * the firmware answers by writing VMMIO_SHUTDOWN_ACK_KEY to SHUTDOWN_ACK (WO),
 * which clears the request. CRASH: a debug request to crash on purpose (the
 * demo firmware then reads unmapped memory).
 */
#define VMMIO_REQ	       0x020u
#define VMMIO_REQ_SHUTDOWN     0x1u
#define VMMIO_REQ_CRASH	       0x2u
#define VMMIO_SHUTDOWN_ACK     0x024u
#define VMMIO_SHUTDOWN_ACK_KEY 0x5D0A4C4Bu
/*
 * DETACH: the host let go of the firmware, which keeps running (Linux
 * stm32_rproc's "detach" IPCC channel): the vrings are no longer served until
 * the host attaches again. The firmware clears the request by writing
 * VMMIO_REQ_DETACH to DETACH_ACK (WO).
 */
#define VMMIO_REQ_DETACH 0x4u
#define VMMIO_DETACH_ACK 0x028u

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
