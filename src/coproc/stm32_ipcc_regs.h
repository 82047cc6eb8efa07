/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * STM32 IPCC (inter-processor communication controller) register layout, as
 * the STM32MP15/MP2 reference manuals and ST's CMSIS headers give it (DESIGN
 * section 10). Shared by the emulator's model, the normal world's driver and
 * the example firmware: plain #defines only (freestanding firmware includes it).
 *
 * Processor 1 is the host (Cortex-A), processor 2 the coprocessor.
 */
#ifndef RPT_COPROC_STM32_IPCC_REGS_H
#define RPT_COPROC_STM32_IPCC_REGS_H

#define IPCC_C1CR     0x000u /* processor 1 control */
#define IPCC_C1MR     0x004u /* processor 1 mask */
#define IPCC_C1SCR    0x008u /* processor 1 status set/clear (write-only, reads 0) */
#define IPCC_C1TOC2SR 0x00Cu /* processor 1 to processor 2 status (read-only) */
#define IPCC_C2CR     0x010u
#define IPCC_C2MR     0x014u
#define IPCC_C2SCR    0x018u
#define IPCC_C2TOC1SR 0x01Cu
#define IPCC_HWCFGR   0x3F0u /* channel count in bits 7:0 */
#define IPCC_VER      0x3F4u
#define IPCC_ID	      0x3F8u
#define IPCC_SID      0x3FCu
#define IPCC_SIZE     0x400u

#define IPCC_CR_RXOIE (1u << 0)	 /* RX occupied interrupt enable */
#define IPCC_CR_TXFIE (1u << 16) /* TX free interrupt enable */

/* CxMR: CHnOM (bit n) masks RX occupied, CHnFM (bit 16 + n) masks TX free. */
#define IPCC_MR_CHOM(n) (1u << (n))
#define IPCC_MR_CHFM(n) (1u << (16 + (n)))
/* CxSCR: CHnC (bit n) clears the other side's flag n, CHnS (bit 16 + n) sets our own. */
#define IPCC_SCR_CHC(n) (1u << (n))
#define IPCC_SCR_CHS(n) (1u << (16 + (n)))

#define IPCC_HWCFGR_CHANNELS_MASK 0xFFu
/* Channels of each SoC's instance (HWCFGR.CHANNELS): RM0436 (MP15) and RM0457 (MP2 IPCC1). */
#define STM32MP15_IPCC_CHANNELS 6u
#define STM32MP2_IPCC1_CHANNELS 16u
#define IPCC_MAX_CHANNELS	16u /* CHnOM/CHnFM are 16-bit fields */
/* Read-only identification, as ST's CMSIS headers give their reset values. */
#define IPCC_VER_VALUE 0x00000010u /* MAJREV 1, MINREV 0 */
#define IPCC_ID_VALUE  0x00100071u /* IPIDR */
#define IPCC_SID_VALUE 0xA3C5DD01u /* SIDR */

/* Where the SoCs put it and how its two interrupts of processor 2 are numbered. */
#define STM32MP15_IPCC_BASE   0x4C001000u
#define STM32MP15_IPCC_IRQ_RX 103u
#define STM32MP15_IPCC_IRQ_TX 104u
#define STM32MP2_IPCC1_BASE   0x40490000u
#define STM32MP2_IPCC1_IRQ_RX 152u
#define STM32MP2_IPCC1_IRQ_TX 153u

/* Channel use of ST's Linux device trees and OpenAMP examples (index = channel - 1). */
#define IPCC_CH_VRING0	 0u /* channel 1: vring 0 kicks */
#define IPCC_CH_VRING1	 1u /* channel 2: vring 1 kicks */
#define IPCC_CH_SHUTDOWN 2u /* channel 3: shutdown request (firmware acknowledges) */
#define IPCC_CH_DETACH	 3u /* channel 4: the host detached (firmware acknowledges) */
/*
 * Not ST's: channel 5 (index 4) is this project's debug "crash on request"
 * of the demo firmware (rprocctl ... crash through the firmware itself). The
 * firmware never acknowledges it: it crashes.
 */
#define IPCC_CH_CRASH 4u

#endif
