/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual board, assembled: from a board description to running remote
 * processors. For each coprocessor of the board it creates the remoteproc
 * with the driver its `compatible` asks for: tee_rproc (alternate boot,
 * "…-tee") or elf_rproc (classic boot, "st,stm32mp1-m4"), and wires the
 * mailbox (shutdown request, doorbells, detach notice) and the core's crash
 * reports to it as on the real SoC. rprocd, the integration tests and the
 * benchmarks all build the system through this one function.
 *
 * Where the secure world is (vboard_opts.tee) picks one backend, once:
 *  - VBOARD_TEE_INPROC (the default): the secure world (src/secure/world:
 *    platform, keys, emulated cores, TA) in this process, reached through
 *    the in-process TEE transport. A board's rproc,boot-loader-firmware is
 *    started through the TA before the remoteproc exists, which then
 *    attaches to it. Classic-boot processors get their memories and core
 *    here, owned by the normal world.
 *  - VBOARD_TEE_SOCKET: rproc-teed at tee_path holds the secure world (the
 *    hardware side of the boundary). This process still reads the board
 *    file (memory descriptions are public), calls the TA through the socket
 *    transport, maps only the memories the daemon shares (a secure memory is
 *    never mapped here), and reaches the mailbox and the cores' crash reports
 *    through the daemon's hardware channel. If the daemon dies, every TEE
 *    call fails cleanly, a processor it was running is reported crashed
 *    (fatal error) and, as recovery cannot reach the TA, ends offline; when
 *    the daemon is back, the next operation reconnects. Every processor of
 *    the board must be a TEE one.
 *  - VBOARD_TEE_DEV: the Linux TEE device at tee_path (/dev/tee0), i.e. the
 *    real OP-TEE remoteproc TA. No emulator and no mailbox here: on a real
 *    board the kernel owns the IPCC, and this process only drives the TA
 *    (stop is immediate, crash injection unsupported). Shared memories are
 *    mapped through /dev/mem when that is allowed, else trace and resource
 *    table cannot be read. Every processor must be a TEE one.
 */
#ifndef RPT_VBOARD_VBOARD_H
#define RPT_VBOARD_VBOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "normal/core/remoteproc.h"
#include "normal/core/rproc_fw_file.h"

#define VBOARD_MAX_TRUST 8

struct board_memory;
struct board_rproc;
struct coproc;
struct tee_context;
struct tee_dev_sys;

/* Where the secure world (TA, secure memories, cores) lives. */
enum vboard_tee {
	VBOARD_TEE_INPROC = 0, /* in this process (the default) */
	VBOARD_TEE_SOCKET,     /* in rproc-teed, reached over its Unix socket */
	VBOARD_TEE_DEV,	       /* a real OP-TEE behind the Linux TEE device */
};

struct vboard_opts {
	const char *board_path;		     /* .dts or .dtb */
	const char *trust[VBOARD_MAX_TRUST]; /* extra trusted public keys (PEM), INPROC only */
	unsigned int num_trust;		     /* entries in trust */
	bool trust_only;	  /* trust names the only trusted keys (replacing the board's) */
	const char *firmware_dir; /* relative firmware names resolve here (if no firmware_dirs) */
	/* the firmware search path, in order (replaces firmware_dir when num_firmware_dirs > 0) */
	const char *firmware_dirs[RPROC_FW_DIRS_MAX];
	unsigned int num_firmware_dirs; /* entries in firmware_dirs */
	/* where every message goes (remoteproc, TA, secure world); NULL: stderr (errors, warnings) */
	void (*log)(void *log_priv, enum rpt_log_level level, const char *line);
	void *log_priv;	     /* passed to log */
	enum vboard_tee tee; /* where the secure world is */
	/* SOCKET: rproc-teed's socket (NULL: its default path); DEV: the device (NULL: /dev/tee0) */
	const char *tee_path;
	bool tee_uid_set; /* SOCKET: tee_uid given (else rproc-teed must run as us or root) */
	uid_t tee_uid;	  /* SOCKET: the uid rproc-teed must run as (or root) */
	/* INPROC: rollback state directory (NULL: only the board's files) */
	const char *state_dir;
	/* TEST HOOK, NULL in production: DEV: the device's system calls (a fake TEE device) */
	const struct tee_dev_sys *test_tee_dev_sys;
};

/* The board (opaque). */
struct vboard;
/* One coprocessor of the board and everything that drives it (opaque). */
struct vboard_proc;

/* Build everything; on failure nothing is left (reason in err). */
int vboard_create(struct vboard **out, const struct vboard_opts *opts, struct rpt_error *err);
/* Shut every processor down and free everything. Safe on NULL. */
void vboard_destroy(struct vboard *vb);

/* How many processors the board has (one per coprocessor of the board file). */
unsigned int vboard_num_procs(const struct vboard *vb);
/* Processor i (0-based, board file order), or NULL past the end. */
struct vboard_proc *vboard_proc(struct vboard *vb, unsigned int i);

/* Its remoteproc. */
struct rproc *vboard_proc_rproc(const struct vboard_proc *p);
/* Its board description (name, compatible, memories, ...). */
const struct board_rproc *vboard_proc_desc(const struct vboard_proc *p);
struct virtio_rpmsg;
/*
 * The rpmsg bus of its vdev 0 (normal/rpmsg/virtio_rpmsg.h), NULL where
 * there is none (VBOARD_TEE_DEV: the kernel owns the mailbox there). It
 * exists from creation to vboard_destroy(); it is UP while the firmware runs
 * and its resource table has an rpmsg vdev.
 */
struct virtio_rpmsg *vboard_proc_rpmsg(const struct vboard_proc *p);
/* Doorbells its firmware rang so far. */
unsigned long vboard_proc_kicks(const struct vboard_proc *p);
/* Its emulated core when that runs in this process (INPROC), else NULL. */
struct coproc *vboard_proc_core(const struct vboard_proc *p);
struct stm32_ipcc;
/* Processor 1's driver of its IPCC (in this process, over its registers wherever the core is), or NULL. */
struct stm32_ipcc *vboard_proc_ipcc(const struct vboard_proc *p);
/*
 * What its firmware printed on the console UART (coproc_console_read: the
 * newest bytes that fit, NUL-terminated): the length, or -EOPNOTSUPP when
 * the core does not run in this process (rproc-teed keeps it).
 */
long vboard_console_read(struct vboard_proc *p, char *buf, size_t size);

/* The TEE the drivers use (to open more sessions on the TA), NULL on a board without one. */
struct tee_context *vboard_tee(struct vboard *vb);
/* Where the secure world is, for people ("secure world in this process", ...). */
const char *vboard_where(const struct vboard *vb);

/*
 * Make the core crash for real: a fault, the watchdog or a fatal error
 * (debugfs "crash"); with SOCKET through rproc-teed's INJECT_CRASH.
 * -EOPNOTSUPP where there is no emulated core to crash (DEV): see
 * vboard_can_inject_crash().
 */
int vboard_inject_crash(struct vboard_proc *p, enum rproc_crash_type type);
/* False when vboard_inject_crash() can only fail (DEV: "crash" then only reports). */
bool vboard_can_inject_crash(const struct vboard *vb);

/*
 * Parse a --tee argument: "inproc", "socket", "socket:PATH" or "dev:PATH" (a
 * PATH that is not empty; a socket path that fits sun_path). *path points
 * into spec (NULL for inproc and the default socket). Otherwise a negative
 * errno (-EINVAL, -ENAMETOOLONG) with err saying what is expected.
 */
int vboard_parse_tee(const char *spec, enum vboard_tee *tee, const char **path,
		     struct rpt_error *err);

/*
 * TEST HOOK: the secure world's own mapping of memory `m` of p (a secure
 * one too), to check from outside what firmware could not change. NULL
 * unless the secure world is in this process (INPROC).
 */
const uint8_t *vboard_test_secure_view(struct vboard_proc *p, const struct board_memory *m);

#endif
