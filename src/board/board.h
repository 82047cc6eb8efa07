/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A board, as data: its coprocessors, their memories and the secure world's
 * policy for each. Filled from a device tree (board_dt.c) or, in tests, by
 * hand. Both worlds read it; neither changes it after start-up.
 */
#ifndef RPT_BOARD_BOARD_H
#define RPT_BOARD_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#define BOARD_MAX_RPROCS 8
#define BOARD_MAX_MEMS	 16
#define BOARD_MAX_KEYS	 8
#define BOARD_NAME_MAX	 32
#define BOARD_PATH_MAX	 256
/* Highest rproc,recovery-limit count (RPROC_RECOVERY_LIMIT_MAX of the core). */
#define BOARD_RECOVERY_LIMIT_MAX 64u

/* One memory of a coprocessor (a reserved-memory node). */
struct board_memory {
	char name[BOARD_NAME_MAX]; /* reserved-memory node name: "retram", "mcuram2", ... */
	uint32_t da;		   /* device address, as the coprocessor sees it */
	uint64_t pa;		   /* physical address, as the host sees it */
	uint32_t size;		   /* bytes */
	bool secure;		   /* after load only the secure world may touch it */
	bool loadable;		   /* firmware segments may be loaded into it */
};

/* What the secure world allows for one coprocessor. */
struct board_policy {
	bool coredump_allowed;	/* GET_COREDUMP permitted (default: no) */
	bool coredump_secure;	/* secure memories dumped too (debug boards only) */
	bool allow_unversioned; /* accept images without a security counter */
	/*
	 * legacy-layout: the board knowingly lets firmware run with its vector
	 * table, stack or code in memory the normal world can write (the older
	 * vectors). START then warns at every start instead of refusing.
	 */
	bool legacy_layout;
	char rollback_state[BOARD_PATH_MAX]; /* file keeping the highest counter ("" = none) */
	char trusted_keys[BOARD_MAX_KEYS][BOARD_PATH_MAX]; /* PEM public keys */
	unsigned int num_keys;
};

/* A mailbox channel that is not wired (board_mailbox.vq0/vq1/shutdown). */
#define BOARD_MBOX_NONE UINT32_MAX

/*
 * The IPCC-like mailbox of one coprocessor (its mboxes/mbox-names): doorbells
 * for vring kicks and the shutdown request the firmware acknowledges.
 */
struct board_mailbox {
	char name[BOARD_NAME_MAX]; /* mailbox node name ("mailbox"), "" when the rproc has none */
	uint64_t pa;		   /* register block, as the host sees it */
	uint32_t da;		   /* register block, as the coprocessor sees it */
	uint32_t size;		   /* bytes of the register block */
	uint32_t vq0;		   /* channel kicked for vring 0, or BOARD_MBOX_NONE */
	uint32_t vq1;		   /* channel kicked for vring 1, or BOARD_MBOX_NONE */
	uint32_t shutdown;	   /* channel of the shutdown request, or BOARD_MBOX_NONE */
	uint32_t
		detach; /* channel of the detach notice (ST: the 4th, <&ipcc 3>), or BOARD_MBOX_NONE */
};

/* Peripherals of one coprocessor (rproc,peripherals plus the mailbox), at most. */
#define BOARD_MAX_PERIPHS 16
/* Interrupt lines of one peripheral, at most. */
#define BOARD_PERIPH_MAX_IRQS 4
/* External interrupt lines of the core (NVIC IRQn 0..BOARD_MAX_IRQ - 1, ARMv7-M's 496). */
#define BOARD_MAX_IRQ 496u

/* What a peripheral node is, from its compatible. */
enum board_periph_kind {
	BOARD_PERIPH_IPCC = 1, /* "st,stm32mp1-ipcc": the STM32 IPCC (the mailbox) */
	BOARD_PERIPH_USART,    /* "st,stm32h7-uart": the console UART */
	BOARD_PERIPH_VMMIO,    /* "vst,vmmio": this emulator's watchdog and tick page */
	BOARD_PERIPH_RAZWI,    /* "vst,raz-wi": reads as zero, ignores writes (RCC, GPIO...) */
};

/* One peripheral the coprocessor sees (a DT node with compatible, reg, interrupts). */
struct board_periph {
	char name[BOARD_NAME_MAX];	      /* node name ("mailbox", "serial") for messages */
	enum board_periph_kind kind;	      /* which model */
	uint64_t pa;			      /* register block, as the host sees it */
	uint32_t da;			      /* register block, as the coprocessor sees it */
	uint32_t size;			      /* bytes of the register block */
	uint32_t irqs[BOARD_PERIPH_MAX_IRQS]; /* NVIC lines (IPCC: RX occupied, TX free) */
	unsigned int num_irqs;		      /* how many of irqs are given */
	uint32_t channels;		      /* IPCC: channel count (HWCFGR), else 0 */
};

/*
 * How the coprocessor is started and kept running (Linux stm32_rproc's
 * st,auto-boot; the boot loader's start; the crash-loop limit).
 */
struct board_boot {
	bool auto_boot; /* st,auto-boot: rprocd boots (or attaches to) it at start */
	/*
	 * rproc,boot-loader-firmware: the boot loader started this image before
	 * any daemon ran (TEE coprocessors: loaded and started through the TA, as
	 * U-Boot does with OP-TEE); "" = the boot loader leaves it off. Absolute,
	 * or resolved against the board file's directory.
	 */
	char loader_firmware[BOARD_PATH_MAX];
	/*
	 * rproc,boot-address: where the core finds its vector table at reset
	 * (VTOR) when the image names none (default 0: STM32MP15's M4 boots
	 * through RETRAM at 0). On an STM32MP2 TEE coprocessor a signed BOOTADDR
	 * TLV overrides it (src/secure/platform).
	 */
	uint32_t boot_addr;
	bool has_recovery_limit;     /* rproc,recovery-limit given (else the core's default) */
	uint32_t recovery_limit;     /* automatic recoveries allowed ... (0 = no limit) */
	uint32_t recovery_window_ms; /* ... within this many milliseconds */
};

/* The normal world's coredump mode at start-up, numbered as Linux's rproc_dump_mechanism. */
enum board_coredump {
	BOARD_COREDUMP_DISABLED = 0, /* no dump on a crash (Linux's default and ours) */
	BOARD_COREDUMP_ENABLED = 1,  /* a dump is taken on a crash and kept */
	BOARD_COREDUMP_INLINE = 2,   /* same, and recovery waits until it is read */
};

/* Linux's devcoredump keeps an unread dump 5 minutes: the default wait of an inline dump. */
#define BOARD_COREDUMP_TIMEOUT_MS_DEFAULT 300000u
/* Longest inline wait a board may ask for (one hour). */
#define BOARD_COREDUMP_TIMEOUT_MS_MAX 3600000u

/* One coprocessor. */
struct board_rproc {
	uint32_t id;				  /* rproc id the TA is addressed with */
	char name[BOARD_NAME_MAX];		  /* device-tree node name ("m4") */
	char compatible[48];			  /* "st,stm32mp1-m4-tee" or "st,stm32mp1-m4" */
	bool tee;				  /* loaded through the TA (alternate boot) */
	char cpu[16];				  /* "cortex-m4" or "cortex-m33" */
	struct board_memory mems[BOARD_MAX_MEMS]; /* its memories, from memory-region */
	unsigned int num_mems;
	struct board_policy policy; /* secure-world policy */
	uint32_t watchdog_ms;	    /* watchdog period, 0 = none */
	uint32_t clock_hz;	    /* core clock (SysTick counts at it), DT clock-frequency */
	struct board_mailbox mbox;  /* its mailbox (mbox.name "" = none) */
	/* The peripherals it sees (the mailbox's IPCC first when it has one). */
	struct board_periph periphs[BOARD_MAX_PERIPHS];
	unsigned int num_periphs;

	/* The normal world's coredumps (rproc,coredump*). */
	enum board_coredump coredump; /* mode at start-up */
	uint32_t coredump_timeout_ms; /* inline dump: longest wait for a reader (> 0) */
	struct board_boot boot;	      /* start-up and recovery settings */
};

struct board {
	char model[64]; /* "vstm32mp15-m4-tee" */
	struct board_rproc rprocs[BOARD_MAX_RPROCS];
	unsigned int num_rprocs;
};

/* The coprocessor with this rproc id, or NULL. */
const struct board_rproc *board_find_rproc(const struct board *b, uint32_t id);

/* True if the TA loads at least one of its coprocessors (a secure world has work). */
bool board_has_tee(const struct board *b);

/*
 * The memory that wholly holds [da, da + size) (no wrap), or NULL. Size 0 is
 * the position da, which must be a byte of the memory.
 */
const struct board_memory *board_find_memory(const struct board_rproc *rp, uint32_t da,
					     uint32_t size);

/* The memory with this reserved-memory name, or NULL. */
const struct board_memory *board_memory_by_name(const struct board_rproc *rp, const char *name);

/* The first peripheral of this kind, or NULL. */
const struct board_periph *board_find_periph(const struct board_rproc *rp,
					     enum board_periph_kind kind);

/*
 * The peripherals of the virtual STM32MP15 M4 (boards/vstm32mp15-*.dts): the
 * IPCC (0x4C001000, IRQ 103/104, 6 channels), UART4 (0x40010000) and the
 * watchdog/tick page (VMMIO_BASE). Replaces rp's list.
 */
void board_stm32mp15_periphs(struct board_rproc *rp);

/*
 * The STM32MP15 layout of DESIGN section 6, for tests and as the built-in
 * default: retram and mcuram2 private (secure), the vrings, vdev0buffer and
 * ipc-shmem (resource table, trace; loadable) shared. With with_ddr, a
 * private 32 MiB DDR memory at 0x90000000 is added (large.elf). The
 * peripherals are board_stm32mp15_periphs().
 */
void board_stm32mp15_layout(struct board_rproc *rp, bool with_ddr);

/*
 * The legacy layout of the older reference vectors (vectors/elf, vectors/
 * signed): mcuram2 shared (their data, stack and resource table live there),
 * no ipc-shmem. Sets policy.legacy_layout, which such a board must declare.
 */
void board_stm32mp15_legacy_layout(struct board_rproc *rp, bool with_ddr);

#endif
