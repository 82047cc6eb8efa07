/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * STM32 USART/UART register layout (STM32MP15 RM0436, STM32MP2 RM0457, ST's
 * CMSIS USART_TypeDef), as far as the console model and the firmware need it.
 * Plain #defines only (freestanding firmware includes it).
 */
#ifndef RPT_COPROC_STM32_USART_REGS_H
#define RPT_COPROC_STM32_USART_REGS_H

#define USART_CR1   0x00u /* control 1 (UE bit 0, RE bit 2, TE bit 3) */
#define USART_CR2   0x04u /* control 2 */
#define USART_CR3   0x08u /* control 3 */
#define USART_BRR   0x0Cu /* baud rate */
#define USART_GTPR  0x10u /* guard time and prescaler */
#define USART_RTOR  0x14u /* receiver timeout */
#define USART_RQR   0x18u /* requests (write-only) */
#define USART_ISR   0x1Cu /* interrupt and status (read-only) */
#define USART_ICR   0x20u /* interrupt flag clear (write-only) */
#define USART_RDR   0x24u /* receive data */
#define USART_TDR   0x28u /* transmit data (bits 8:0) */
#define USART_PRESC 0x2Cu /* prescaler */
#define USART_SIZE  0x400u

#define USART_CR1_UE (1u << 0)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)

#define USART_ISR_TC	(1u << 6)  /* transmission complete */
#define USART_ISR_TXE	(1u << 7)  /* transmit data register empty (TXFNF with FIFO) */
#define USART_ISR_TEACK (1u << 21) /* transmit enable acknowledge */
#define USART_ISR_REACK (1u << 22) /* receive enable acknowledge */
/* What the model's ISR always reads: a transmitter that is never busy. */
#define USART_ISR_IDLE_TX 0x006000C0u

/* The console UART of each SoC (UART4, as ST's boards wire the coprocessor's console). */
#define STM32MP15_UART4_BASE 0x40010000u
#define STM32MP15_UART4_IRQ  52u /* UART4_IRQn of the M4's NVIC */
#define STM32MP2_UART4_BASE  0x40100000u

#endif
