/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The normal world's remoteproc core, modelled on Linux drivers/remoteproc:
 * a remote processor is allocated by a driver with an ops table, registered
 * (named remoteproc0, remoteproc1, ... like /sys/class/remoteproc), booted and
 * shut down with a power reference count, and recovered after a crash.
 *
 * Two boot sequences (DESIGN section 2):
 *  - classic (rproc_fw_boot): parse_fw caches the resource table, resources
 *    are handled on the cache, load, the cache is copied over the loaded
 *    table, start;
 *  - alternate (rproc_alt_fw_boot, rproc->alt_boot, the TEE case): load, get
 *    the loaded table, handle resources directly on it, start. No cache
 *    exists until the first stop.
 * Recovery is the same for both: stop (the loaded table is saved into the
 * cache first), coredump, load, copy the cache over the new loaded table,
 * start.
 *
 * Locking: every public function takes the rproc's mutex except
 * rproc_report_crash(), which only queues work for the rproc's crash worker
 * thread and may be called from any thread, including from inside an op.
 * Ops are called with the mutex held: an op must not call back into the
 * public API of the same rproc (rproc_log() and the helpers marked "for ops"
 * are fine).
 */
#ifndef RPT_NORMAL_REMOTEPROC_H
#define RPT_NORMAL_REMOTEPROC_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "common/error.h"
#include "common/log.h"		/* enum rpt_log_level: one set of levels for every component */
#include "common/rproc_crash.h" /* enum rproc_crash_type, rproc_crash_to_string() */

#define RPROC_NAME_MAX	  32  /* processor and device names, with the NUL */
#define RPROC_FW_NAME_MAX 128 /* firmware names, with the NUL */
#define RPROC_MAX_MEMS	  16  /* memories of one processor */
#define RPROC_MAX_DEVICES 64  /* remoteproc<N> indices in use at once */
#define RPROC_MAX_VRINGS  2   /* vrings per vdev, as Linux (RVDEV_NUM_VRINGS) */

/*
 * Crash-loop limit: a processor recovered this many times within the window
 * stays crashed at its next crash instead of being recovered again. Linux
 * recovers forever; a firmware that faults at reset then loops hundreds of
 * times a second. The default leaves any sane crash rate alone.
 */
#define RPROC_RECOVERY_LIMIT_MAX	 64u	/* highest configurable count */
#define RPROC_RECOVERY_LIMIT_DEFAULT	 10u	/* recoveries ... */
#define RPROC_RECOVERY_WINDOW_MS_DEFAULT 60000u /* ... within this many milliseconds */

/* Processor states, in Linux's order; rproc_state_string() gives the sysfs text. */
enum rproc_state {
	RPROC_OFFLINE = 0,   /* powered off, nothing loaded */
	RPROC_SUSPENDED = 1, /* kept for Linux compatibility: never entered here */
	RPROC_RUNNING = 2,   /* booted by us and running */
	RPROC_CRASHED = 3,   /* a crash was reported, recovery pending or disabled */
	RPROC_DELETED = 4,   /* rproc_del() was called */
	RPROC_ATTACHED = 5,  /* started by someone else, we attached to it */
	RPROC_DETACHED = 6,  /* running without us, ready to be attached */
	RPROC_LAST = 7,	     /* number of states ("invalid") */
};

/* What happens to a coredump on a crash (Linux debugfs "coredump"). */
enum rproc_dump_mechanism {
	RPROC_COREDUMP_DISABLED = 0, /* no dump is taken (the default, as Linux) */
	RPROC_COREDUMP_ENABLED = 1,  /* a dump is taken and kept */
	RPROC_COREDUMP_INLINE = 2,   /* taken and kept; recovery waits until it is read */
};

/* Longest wait of recovery for an inline dump's reader: Linux's devcoredump timeout. */
#define RPROC_COREDUMP_TIMEOUT_MS 300000u

/*
 * Memory a driver wants firmware read into instead of the loader's own
 * (Linux request_firmware_into_buf): the TEE driver's shared memory, which
 * the TA then reads without a copy.
 */
struct rproc_fw_mem {
	/* size bytes (at least 1) for the image; NULL with err set if there are none. */
	void *(*alloc)(void *priv, size_t size, struct rpt_error *err);
	/* Done with a buffer of alloc. */
	void (*free)(void *priv, void *buf);
	void *priv; /* passed to both */
};

/* A firmware file's bytes, as a loader hands them over (Linux struct firmware). */
struct rproc_fw {
	const uint8_t *data;		/* the bytes (owned by the loader) */
	size_t size;			/* bytes in data */
	void *priv;			/* loader's own handle for release */
	const struct rproc_fw_mem *mem; /* in: where the driver wants the bytes; NULL: anywhere */
};

/* Where firmware comes from: name -> bytes (tests, the daemon and the demo supply one). */
struct rproc_fw_loader {
	/* Fill *fw with the firmware called name; 0 or a negative errno (message in err). */
	int (*request)(void *priv, const char *name, struct rproc_fw *fw, struct rpt_error *err);
	/* Give back what request() handed out. */
	void (*release)(void *priv, struct rproc_fw *fw);
	void *priv; /* passed to both */
};

/*
 * One memory of the processor (a reserved-memory region of the board), as the
 * normal world sees it. Every address a resource table or an ELF asks for
 * must lie wholly inside one of these.
 */
struct rproc_memory {
	char name[RPROC_NAME_MAX]; /* reserved-memory name: "retram", "vdev0buffer", ... */
	uint32_t da;		   /* device address, as the processor sees it */
	uint64_t pa;		   /* physical address, as the host sees it */
	uint32_t size;		   /* bytes */
	void *va;		   /* host mapping of the whole memory, NULL if none (secure) */
	bool loadable;		   /* firmware lives here: never handed out as a free carveout */
};

struct rproc;

/*
 * The driver's operations (Linux struct rproc_ops, with the ones that apply).
 * Every op that can fail returns 0 or a negative errno and may explain the
 * failure in err; the core prefixes it with the device and the step
 * ("remoteproc0: load failed: ..."). Only load is mandatory.
 */
struct rproc_ops {
	/* Power/clock the processor's surroundings before anything is loaded (optional). */
	int (*prepare)(struct rproc *rproc, struct rpt_error *err);
	/* Undo prepare: always called once for every successful prepare. */
	void (*unprepare)(struct rproc *rproc);
	/* Release the processor from reset, running what load put in memory. */
	int (*start)(struct rproc *rproc, struct rpt_error *err);
	/* Put the processor back into reset (rproc->state says if it crashed). */
	int (*stop)(struct rproc *rproc, struct rpt_error *err);
	/*
	 * Optional (Linux rproc_attach_device()): take over a processor another
	 * entity started (state DETACHED). Without it, attaching is the core's
	 * part alone: loaded table, resources.
	 */
	int (*attach)(struct rproc *rproc, struct rpt_error *err);
	/* Let go of an attached processor, leaving it running. */
	int (*detach)(struct rproc *rproc, struct rpt_error *err);
	/* Ring the doorbell of the virtqueue with this notify id. */
	void (*kick)(struct rproc *rproc, int vqid);
	/* Host pointer to [da, da + len) (optional: by default the memories' mappings). */
	void *(*da_to_va)(struct rproc *rproc, uint32_t da, size_t len);
	/* Classic boot: find the resource table in fw and cache it (rproc_cache_rsc_table). */
	int (*parse_fw)(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err);
	/*
	 * The resource table as loaded in device memory, for the firmware fw that
	 * load just loaded: *table = NULL if the firmware has none.
	 */
	int (*find_loaded_rsc_table)(struct rproc *rproc, const struct rproc_fw *fw, void **table,
				     size_t *len, struct rpt_error *err);
	/* Same without the firmware (alternate boot, attach): asks whoever loaded it. */
	int (*get_loaded_rsc_table)(struct rproc *rproc, void **table, size_t *len,
				    struct rpt_error *err);
	/* Put the firmware into the processor's memory (mandatory; the TA authenticates here). */
	int (*load)(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err);
	/* Reject a firmware that is not for this driver before anything is done (optional). */
	int (*sanity_check)(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err);
	/* Entry point of fw, stored in rproc->bootaddr for start (optional). */
	uint32_t (*get_boot_addr)(struct rproc *rproc, const struct rproc_fw *fw);
	/*
	 * Produce a coredump (ELF core file, malloc'ed, the core frees it). If
	 * NULL, the core dumps the segments registered with
	 * rproc_coredump_add_segment() from the memories' mappings.
	 */
	int (*coredump)(struct rproc *rproc, uint8_t **dump, size_t *len, struct rpt_error *err);
	/* Forget the loaded firmware (the TA wipes it): after a stop or a failed boot. */
	void (*release_fw)(struct rproc *rproc);
	/*
	 * A vendor resource entry (type RSC_VENDOR_START..RSC_VENDOR_END) of the
	 * table in use: rsc is its body, offset that body's offset in the table,
	 * avail the bytes from rsc to the table end (check your size against it).
	 * RSC_HANDLED, RSC_IGNORED (the core warns and skips it) or a negative
	 * errno (the boot fails). Optional: without it every vendor entry is skipped.
	 */
	int (*handle_rsc)(struct rproc *rproc, uint32_t type, void *rsc, size_t offset,
			  size_t avail, struct rpt_error *err);
};

/* What handle_rsc did with a vendor entry (Linux enum rsc_handling_status). */
enum rsc_handling_status {
	RSC_HANDLED = 0, /* the driver used it */
	RSC_IGNORED = 1, /* the driver does not know it: skipped with a warning */
};

/* Counters a user can read (crashes seen, recoveries that brought it back). */
struct rproc_stats {
	unsigned int crashes;	 /* crashes handled (the first of a burst) */
	unsigned int recoveries; /* recoveries that ended running */
	unsigned int
		failed_recoveries; /* recoveries that failed (processor left offline/crashed) */
	unsigned int coredumps;	   /* coredumps taken */
	uint64_t last_recovery_us; /* crash report -> running again, last recovery */
};

struct rproc_rsc;
struct rproc_dump_segment;

/*
 * A sub-device started and stopped with the processor (Linux struct
 * rproc_subdev): the virtio-rpmsg bus of a vdev. Registered before
 * rproc_add(), removed after rproc_del(): the list never changes while the
 * processor can run, so rproc_vq_interrupt() walks it without a lock.
 */
struct rproc_subdev {
	/*
	 * The processor runs (booted or attached), rproc lock held. A failure
	 * (host side only: memory, ...) fails the boot as in Linux; what the
	 * firmware got wrong is the sub-device's to report, not a failure.
	 */
	int (*start)(struct rproc_subdev *sd, struct rpt_error *err);
	/* Before the processor stops or is detached (crashed: it crashed), lock held. */
	void (*stop)(struct rproc_subdev *sd, bool crashed);
	/* The firmware kicked the vring with this notify id: any thread, no lock. Optional. */
	void (*vq_interrupt)(struct rproc_subdev *sd, int notifyid);
	struct rproc_subdev *next; /* (core) the next one registered */
};

/* One vring of a handled vdev, as resource handling placed it (copies: not in the table). */
struct rproc_vring_info {
	uint32_t da;	/* device address of the ring */
	void *va;	/* host mapping, NULL if the normal world cannot map it */
	uint32_t len;	/* bytes reserved for it (page-aligned vring size) */
	uint32_t num;	/* entries */
	uint32_t align; /* used ring alignment */
	int notifyid;	/* id the kicks carry */
};

struct fw_rsc_vdev;

/* A handled vdev, for its sub-device (rproc_vdev_info). */
struct rproc_vdev_info {
	struct fw_rsc_vdev *rsc; /* its entry in the table in use: the firmware writes there too */
	size_t rsc_avail;	 /* bytes from rsc to the end of the table */
	unsigned int num_vrings; /* vrings handled (entries of vring) */
	struct rproc_vring_info vring[RPROC_MAX_VRINGS];
	const struct rproc_memory
		*buffer; /* the vdev<N>buffer memory, NULL if the board has none */
};

/*
 * A remote processor. Drivers set the fields marked (driver) between
 * rproc_alloc() and rproc_add(); after that, use the functions.
 */
struct rproc {
	/* ---- identity ---- */
	char name[RPROC_NAME_MAX];     /* the driver's name for it ("m4") */
	char dev_name[RPROC_NAME_MAX]; /* "remoteproc<index>": prefix of every message */
	int index;		       /* the <index>, lowest free at rproc_alloc() */
	const struct rproc_ops *ops;   /* the driver's ops (not owned) */
	void *priv;		       /* the driver's data */

	/* ---- configuration ---- */
	char firmware[RPROC_FW_NAME_MAX]; /* firmware name handed to the loader */
	struct rproc_fw_loader fw_loader; /* (driver) name -> bytes */
	struct rproc_fw_mem fw_mem;	  /* (driver) memory for those bytes; alloc NULL: any */
	bool alt_boot;			  /* (driver) alternate boot: TA loads, table after load */
	bool auto_boot;			  /* (driver) boot at rproc_add() */
	bool recovery_disabled;		  /* crashes are not recovered automatically */
	unsigned int recovery_limit;	  /* recoveries allowed per window, 0 = no limit */
	unsigned int recovery_window_ms;  /* the window of recovery_limit */
	enum rproc_dump_mechanism dump_conf;	  /* coredump on crash: disabled/enabled/inline */
	struct rproc_memory mems[RPROC_MAX_MEMS]; /* its memories (rproc_add_memory) */
	unsigned int num_mems;
	/* (driver) where messages go; NULL: errors and warnings to stderr */
	void (*log)(void *log_priv, enum rpt_log_level level, const char *line);
	void *log_priv;

	/* ---- state, under lock ---- */
	pthread_mutex_t lock;		      /* serialises every state change and op call */
	enum rproc_state state;		      /* see enum rproc_state */
	unsigned int power;		      /* rproc_boot() references */
	bool registered;		      /* between rproc_add() and rproc_del() */
	bool prepared;			      /* ops->prepare succeeded, unprepare pending */
	bool fw_loaded;			      /* ops->load succeeded, release_fw pending */
	uint32_t bootaddr;		      /* from get_boot_addr */
	void *cached_table;		      /* our private copy of the resource table, or NULL */
	void *table_ptr;		      /* table in use: cached or loaded, or NULL */
	size_t table_sz;		      /* bytes of the table */
	struct rproc_rsc *rsc;		      /* handled resources, most recent first */
	unsigned int nb_vdev;		      /* vdevs handled */
	unsigned int nb_trace;		      /* trace buffers handled */
	int max_notifyid;		      /* highest vring notify id given, -1 if none */
	struct rproc_subdev *subdevs;	      /* sub-devices, last registered first */
	struct rproc_dump_segment *dump_segs; /* segments of the default coredump (array) */
	unsigned int num_dump_segs;
	struct rproc_stats stats;    /* counters */
	struct rpt_error last_error; /* why the last operation failed */
	void *clean_table;	     /* attach: the table as found, restored at detach */
	/* automatic recoveries started, ring of their times (CLOCK_MONOTONIC) */
	struct timespec recovery_times[RPROC_RECOVERY_LIMIT_MAX];
	unsigned int recovery_next;  /* ring slot the next recovery uses */
	unsigned int recovery_count; /* slots in use */
	bool crash_loop;	     /* the limit stopped recovery: crashed until the user acts */

	/*
	 * ---- the kept coredump, under dump_lock: readable while a recovery
	 * (holding lock) waits for an inline dump to be read ----
	 */
	pthread_mutex_t dump_lock;    /* protects the fields below */
	pthread_cond_t dump_cond;     /* broadcast when a dump is read or waiting must end */
	uint8_t *dump;		      /* the last coredump, or NULL */
	size_t dump_len;	      /* its bytes */
	bool dump_unread;	      /* an inline dump recovery waits for, not read yet */
	bool dump_cancel;	      /* stop waiting: the rproc is being deleted */
	unsigned int dump_timeout_ms; /* longest inline wait (0: RPROC_COREDUMP_TIMEOUT_MS) */

	/* ---- crash work (Linux crash_handler work), under work_lock ---- */
	pthread_mutex_t work_lock;	  /* protects the fields below */
	pthread_cond_t work_cond;	  /* signalled on new work and on completion */
	pthread_t worker;		  /* the thread handling crashes */
	bool worker_started;		  /* worker exists (between add and del) */
	bool worker_exit;		  /* asks the worker to end */
	bool work_pending;		  /* a crash report waits for the worker */
	bool work_running;		  /* the worker handles a crash right now */
	bool crash_unhandled;		  /* reported, the worker has not taken the lock yet */
	enum rproc_crash_type crash_type; /* type of the pending report */
	struct timespec crash_at;	  /* when it was reported (CLOCK_MONOTONIC) */
};

/* ---- life cycle ---- */

/*
 * Allocate an rproc named remoteproc<lowest free index>. name: the driver's
 * name; firmware: default firmware name (NULL: "rproc-<name>-fw"); ops must
 * have load. NULL on failure (reason in err).
 */
struct rproc *rproc_alloc(const char *name, const struct rproc_ops *ops, const char *firmware,
			  void *priv, struct rpt_error *err);
/* Add a memory (before rproc_add). Checks size, no wrap, no overlap with the others. */
int rproc_add_memory(struct rproc *rproc, const struct rproc_memory *mem, struct rpt_error *err);
/* Register: start the crash worker, boot if auto_boot. */
int rproc_add(struct rproc *rproc, struct rpt_error *err);
/* Unregister: finish crash work, shut down whatever the power count, state deleted. */
void rproc_del(struct rproc *rproc);
/* Free (rproc_del first if it was added). Safe on NULL. */
void rproc_free(struct rproc *rproc);

/* ---- use ---- */

/* Power up (first reference boots; a DETACHED processor is attached). */
int rproc_boot(struct rproc *rproc);
/*
 * For drivers, before rproc_add(): the processor is already running (started
 * by the boot loader, or by an earlier instance of this daemon): state
 * DETACHED (Linux stm32_rproc sets it when the M4 state says running). With
 * auto_boot, rproc_add() attaches to it; otherwise rproc_boot() ("state
 * start") does. -EBUSY once registered or not offline.
 */
int rproc_set_detached(struct rproc *rproc);
/* Drop a reference; the last one stops the processor and releases everything. */
int rproc_shutdown(struct rproc *rproc);
/*
 * Let go of an ATTACHED processor (it keeps running): state DETACHED, the
 * resource table restored as found at attach (Linux rproc_detach; -EINVAL in
 * any other state, as Linux's sysfs "detach").
 */
int rproc_detach(struct rproc *rproc);
/*
 * Firmware name, settable only while offline (-EBUSY otherwise); empty, too
 * long or with a control character (not printable): -EINVAL.
 */
int rproc_set_firmware(struct rproc *rproc, const char *name);
/* The first control character in the first len bytes of name, or NULL (firmware names). */
const char *rproc_fw_name_control_char(const char *name, size_t len);
void rproc_get_firmware(struct rproc *rproc, char *buf, size_t len);
/*
 * The state as a user sees it: a processor whose crash was reported but not
 * handled yet is "crashed", never "running" (a firmware that faults at once
 * is reported before the crash worker gets the lock).
 */
enum rproc_state rproc_get_state(struct rproc *rproc);
/* Linux sysfs text of a state ("offline", ..., "invalid" for anything else). */
const char *rproc_state_string(enum rproc_state state);
/* "disabled", "enabled", "inline". */
const char *rproc_coredump_string(enum rproc_dump_mechanism conf);

/* ---- crashes ---- */

/* Report a crash from any thread: handled by the crash worker (state crashed, recovery). */
void rproc_report_crash(struct rproc *rproc, enum rproc_crash_type type);
/* Wait until no crash report is pending or being handled (tests, orderly exits). */
void rproc_flush_crash_work(struct rproc *rproc);
/* Recover a CRASHED processor now (what recovery does automatically when enabled). */
int rproc_recover(struct rproc *rproc);
/*
 * Linux recovery_store(): enabling recovery of a CRASHED processor recovers it
 * at once (the result of that recovery is returned; 0 otherwise).
 */
int rproc_set_recovery(struct rproc *rproc, bool enabled);
/*
 * Crash-loop limit: at most count automatic recoveries within window_ms;
 * the next crash leaves the processor crashed with one log line. count 0:
 * no limit (Linux). -EINVAL if count > RPROC_RECOVERY_LIMIT_MAX or a
 * count without a window. The history restarts at every stop and manual
 * recovery.
 */
int rproc_set_recovery_limit(struct rproc *rproc, unsigned int count, unsigned int window_ms);
bool rproc_recovery_enabled(struct rproc *rproc);
/*
 * True while the crash-loop limit keeps the processor crashed. Linux has no
 * such state; here (only) `state stop` may stop a crashed processor.
 */
bool rproc_in_crash_loop(struct rproc *rproc);
/* Linux coredump_store(): -EBUSY while CRASHED, -EINVAL for an unknown value. */
int rproc_set_coredump(struct rproc *rproc, enum rproc_dump_mechanism conf);
/* rproc_boot() references held now (Linux rproc->power). */
unsigned int rproc_power_refs(struct rproc *rproc);
/* How long a recovery waits for an inline dump to be read (ms, 0: the default). */
void rproc_set_coredump_timeout(struct rproc *rproc, unsigned int ms);
void rproc_get_stats(struct rproc *rproc, struct rproc_stats *stats);
/*
 * A copy of the last coredump (free() it); -ENOENT if none was taken. Never
 * waits for the rproc's lock; reading an inline dump lets the waiting
 * recovery go on (Linux: reading the devcoredump).
 */
int rproc_get_coredump(struct rproc *rproc, uint8_t **dump, size_t *len);
/* The reason of the last failure (empty string if none) into buf. */
void rproc_last_error(struct rproc *rproc, char *buf, size_t len);

/* ---- resources ---- */

/*
 * Copy trace buffer idx (trace0 = 0) into buf like Linux debugfs traceN: the
 * bytes up to the first NUL within the buffer, at most len - 1, NUL-terminated;
 * "Trace traceN not available\n" if the normal world cannot map it.
 * Returns the bytes copied, -ENOENT if there is no such trace.
 */
ssize_t rproc_trace_read(struct rproc *rproc, unsigned int idx, char *buf, size_t len);
unsigned int rproc_trace_count(struct rproc *rproc);
/*
 * A copy of the resource table in use (the loaded one while running; debugfs
 * resource_table). free() it. -ENOENT if no table is in use.
 */
int rproc_get_rsc_table(struct rproc *rproc, void **copy, size_t *len);
/*
 * Linux debugfs carveout_memories, written to f: the processor's memories and
 * the carveouts and vrings allocated beyond them, while it is booted.
 */
void rproc_carveouts_show(struct rproc *rproc, FILE *f);
/* Kick the virtqueue with this notify id (the driver's doorbell). */
int rproc_kick(struct rproc *rproc, int vqid);
/* The virtio status byte of vdev idx in the table in use (Linux rproc_virtio get/set). */
int rproc_vdev_get_status(struct rproc *rproc, unsigned int idx, uint8_t *status);
int rproc_vdev_set_status(struct rproc *rproc, unsigned int idx, uint8_t status);

/* ---- sub-devices (virtio) ---- */

/* Register sd (before rproc_add). */
void rproc_add_subdev(struct rproc *rproc, struct rproc_subdev *sd);
/* Unregister sd (after rproc_del, or before rproc_add). */
void rproc_remove_subdev(struct rproc *rproc, struct rproc_subdev *sd);
/*
 * The firmware kicked the vring with this notify id (Linux
 * rproc_vq_interrupt): passed to the sub-devices. Any thread, no lock
 * taken: drivers call it from their mailbox's receive path.
 */
void rproc_vq_interrupt(struct rproc *rproc, int notifyid);

/* ---- for ops and drivers (no locking: called from ops or before rproc_add) ---- */

/*
 * For sub-devices (start, stop: lock held): vdev number idx of the table in
 * use. 0, or -ENOENT if the table has no such vdev.
 */
int rproc_vdev_info(struct rproc *rproc, unsigned int idx, struct rproc_vdev_info *out);
/*
 * For sub-devices, any thread: ring the doorbell of the vring with this
 * notify id (Linux rproc_virtio_notify: ops->kick, without the rproc lock;
 * the driver's kick is thread-safe).
 */
void rproc_vq_notify(struct rproc *rproc, int notifyid);

/* Host pointer to [da, da + len) inside one memory (or the driver's da_to_va), else NULL. */
void *rproc_da_to_va(struct rproc *rproc, uint32_t da, size_t len);
/* The memory that wholly holds [da, da + len) (no wrap), or NULL. */
const struct rproc_memory *rproc_find_memory(struct rproc *rproc, uint32_t da, uint32_t len);
/* parse_fw helper: validate a resource table and keep a private copy as the cache. */
int rproc_cache_rsc_table(struct rproc *rproc, const void *table, size_t len,
			  struct rpt_error *err);
/* Register [da, da + size) for the default coredump. */
int rproc_coredump_add_segment(struct rproc *rproc, uint32_t da, uint32_t size);
/* Forget the registered segments. */
void rproc_coredump_cleanup(struct rproc *rproc);
/* A message prefixed with "remoteproc<N>: " to the rproc's log. */
void rproc_log(struct rproc *rproc, enum rpt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
