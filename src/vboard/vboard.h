/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual board, assembled: from a board description to running remote
 * processors. For each coprocessor of the board it creates the emulated core
 * over the board's memories, and the remoteproc with the driver its
 * `compatible` asks for:
 *  - "…-tee": the secure world (platform layer + remoteproc TA) in this
 *    process, reached through the in-process TEE transport, and tee_rproc
 *    (alternate boot);
 *  - "st,stm32mp1-m4": memories owned by the normal world and elf_rproc
 *    (classic boot).
 * The mailbox (shutdown request, doorbells, detach notice) and the core's
 * crash reports are wired to the remoteproc as on the real SoC. A board's
 * rproc,boot-loader-firmware is loaded and started through the TA before the
 * remoteproc exists (the boot loader's start), which then attaches to it. rprocd, the integration tests
 * and the benchmarks all build the system through this one function.
 *
 * Where the secure world is (vboard_opts.tee):
 *  - VBOARD_TEE_INPROC (the default): as above, everything in this process.
 *  - VBOARD_TEE_SOCKET: rproc-teed at tee_path holds the platform, the TA,
 *    the secure memories and the emulated cores (the hardware side of the
 *    boundary). This process builds none of them: it still reads the board
 *    file (memory descriptions are public), calls the TA through tee_socket,
 *    maps only the memories the daemon shares (tee_socket_map_shared: a
 *    secure memory is never mapped here), and reaches the mailbox and the
 *    cores' crash reports through the daemon's hardware channel: events
 *    arrive on a thread of their own and become rproc_report_crash(). If
 *    the daemon dies, every TEE call fails cleanly, a processor it was
 *    running is reported crashed (fatal error) and, as recovery cannot reach
 *    the TA, ends offline; when the daemon is back, the next operation
 *    reconnects. Every processor of the board must be a TEE one.
 *  - VBOARD_TEE_DEV: the Linux TEE device at tee_path (/dev/tee0), i.e. the
 *    real OP-TEE remoteproc TA. There is no emulator and no mailbox here: on
 *    a real board the kernel owns the IPCC, and this process only drives the
 *    TA (stop is immediate, "crash" only reports). Shared memories are mapped
 *    through /dev/mem when that is allowed, else trace and resource table
 *    cannot be read.
 */
#ifndef RPT_VBOARD_VBOARD_H
#define RPT_VBOARD_VBOARD_H

#include <pthread.h>
#include <stdbool.h>

#include "board/board.h"
#include "coproc/coproc.h"
#include "normal/core/remoteproc.h"
#include "normal/core/rproc_fw_file.h"
#include "normal/tee_client/tee_client.h"
#include "normal/tee_client/tee_socket.h"
#include "secure/ta/rproc_ta.h"

#define VBOARD_MAX_TRUST 8

/* Where the secure world (TA, secure memories, cores) lives. */
enum vboard_tee {
	VBOARD_TEE_INPROC = 0, /* in this process (the default) */
	VBOARD_TEE_SOCKET,     /* in rproc-teed, reached over its Unix socket */
	VBOARD_TEE_DEV,	       /* a real OP-TEE behind the Linux TEE device */
};

struct vboard_opts {
	const char *board_path;		     /* .dts or .dtb */
	const char *trust[VBOARD_MAX_TRUST]; /* extra trusted public keys (PEM) */
	unsigned int num_trust;
	const char *firmware_dir; /* relative firmware names resolve here (if no firmware_dirs) */
	/* the firmware search path, in order (replaces firmware_dir when num_firmware_dirs > 0) */
	const char *firmware_dirs[RPROC_FW_DIRS_MAX];
	unsigned int num_firmware_dirs;
	/* where every message goes (remoteproc, TA); NULL: stderr */
	void (*log)(void *log_priv, enum rproc_log_level level, const char *line);
	void *log_priv;
	enum vboard_tee tee; /* where the secure world is */
	/* SOCKET: rproc-teed's socket (NULL: its default path); DEV: the device (NULL: /dev/tee0) */
	const char *tee_path;
	bool tee_uid_set; /* SOCKET: tee_uid given (else rproc-teed must run as us or root) */
	uid_t tee_uid;	  /* SOCKET: the uid rproc-teed must run as (or root) */
	/* in-process secure world: rollback state directory (NULL: only the board's files) */
	const char *state_dir;
};

struct vboard;

/* One coprocessor of the board and everything that drives it. */
struct vboard_proc {
	struct vboard *vb;		  /* back pointer */
	const struct board_rproc *desc;	  /* its board description */
	struct rproc *rproc;		  /* the remoteproc */
	struct coproc *core;		  /* the emulated Cortex-M */
	uint8_t *nw_maps[BOARD_MAX_MEMS]; /* normal-world memories (direct-ELF boards) */
	struct rproc_memory nw_mems[BOARD_MAX_MEMS];
	pthread_mutex_t ack_lock; /* protects shutdown_acked */
	pthread_cond_t ack_cond;  /* signalled when the firmware acknowledges */
	bool shutdown_acked;	  /* acknowledgement of the pending request */
	bool crashed_meanwhile;	  /* the core crashed since the request: no answer will come */
	unsigned long kicks;	  /* doorbells the firmware rang */
	struct tee_shm_set shm;	  /* SOCKET: the shared memories, from rproc-teed's memfds */
	uint8_t *dev_maps[BOARD_MAX_MEMS]; /* DEV: /dev/mem mappings of the shared memories */
	bool ta_started; /* SOCKET: START_FW succeeded and no STOP/RELEASE since (atomic) */
};

struct vboard {
	struct board board;		  /* the description (read once) */
	struct vboard_opts opts;	  /* as given */
	struct rproc_fw_dir fw_dir;	  /* where firmware names resolve */
	struct rproc_fw_loader fw_loader; /* reads them (for every processor) */
	struct platform plat;		  /* secure world: memories, keys, rollback */
	bool plat_up;
	struct rproc_ta ta; /* secure world: the TA */
	bool ta_up;
	struct tee_context tee; /* the TEE the drivers use (in-process, guarded socket, device) */
	bool tee_up;
	struct vboard_proc procs[BOARD_MAX_RPROCS];
	unsigned int num_procs;
	/* ---- SOCKET only ---- */
	char teed_path[108];		   /* rproc-teed's socket */
	struct tee_context sock;	   /* the connection to it (tee guards it) */
	bool sock_up;			   /* sock is open */
	struct tee_event_channel *events;  /* its hardware events (the event thread's) */
	uint32_t ev_ids[BOARD_MAX_RPROCS]; /* the rproc ids subscribed to */
	unsigned int num_ev_ids;
	pthread_t ev_thread; /* reads events, reconnects the channel */
	bool ev_thread_up;
	int ev_stop[2];		 /* written to stop the event thread */
	pthread_mutex_t ev_lock; /* guards ev_connected */
	pthread_cond_t ev_cond;	 /* signalled when the channel is back */
	bool ev_connected;	 /* subscribed: a crash would reach us */
	bool ev_sync_up;	 /* ev_lock and ev_cond exist */
};

/* Build everything; on failure nothing is left (reason in err). */
int vboard_create(struct vboard **out, const struct vboard_opts *opts, struct rpt_error *err);
/* Shut every processor down and free everything. Safe on NULL. */
void vboard_destroy(struct vboard *vb);

/*
 * Make the core crash for real: a fault, the watchdog or a fatal error
 * (debugfs "crash"); with SOCKET through rproc-teed's INJECT_CRASH.
 * -EOPNOTSUPP with DEV (there is no emulated core to crash).
 */
int vboard_inject_crash(struct vboard_proc *p, enum rproc_crash_type type);

/*
 * Parse a --tee argument: "inproc", "socket:PATH" or "dev:PATH" (a PATH that
 * is not empty; a socket path that fits sun_path). *path points into spec
 * (NULL for inproc). Otherwise a negative errno (-EINVAL, -ENAMETOOLONG) with
 * err saying what is expected.
 */
int vboard_parse_tee(const char *spec, enum vboard_tee *tee, const char **path,
		     struct rpt_error *err);

#endif
