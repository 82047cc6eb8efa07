/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The remoteproc trusted application (OP-TEE's ta/remoteproc contract, with
 * the weaknesses of DESIGN section 9 fixed). Entry points are shaped like a
 * GlobalPlatform TA: open session, invoke command, close session.
 */
#ifndef RPT_SECURE_RPROC_TA_H
#define RPT_SECURE_RPROC_TA_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/tee_defs.h"
#include "secure/platform/platform.h"

enum ta_rproc_state {
	TA_RPROC_OFF = 0,
	TA_RPROC_LOADED,
	TA_RPROC_STARTED,
};

#define TA_MAX_WRITTEN 64
/* Images of one firmware whose layout START checks (as many as a signed image may hold). */
#define TA_MAX_IMAGES 16
/* No executable segment in the image: it has no vector table to check. */
#define TA_NO_VECTOR_TABLE UINT32_MAX

/* One executable segment of the loaded firmware. */
struct ta_exec_range {
	uint32_t da;	  /* p_paddr */
	uint32_t size;	  /* p_memsz */
	unsigned int img; /* image index (0-based) */
};

/*
 * Where the loaded firmware keeps what the core executes and trusts for
 * control flow, taken at LOAD from the signed program headers only (never
 * from e_entry or section headers, which nothing signs). START checks it
 * against the kind of memory each range lies in (ta_start.c).
 */
struct ta_layout {
	/*
	 * each image's vector table: image 1's is the boot address, the others'
	 * the start of their lowest executable segment (where the first hands over)
	 */
	uint32_t vector_table[TA_MAX_IMAGES];
	unsigned int num_img;			   /* images of the loaded firmware */
	struct ta_exec_range exec[TA_MAX_WRITTEN]; /* every executable (PF_X) PT_LOAD segment */
	unsigned int num_exec;
};

/* TA state for one rproc id of the board. */
struct ta_rproc_ctx {
	uint32_t id;				   /* rproc id */
	struct plat_rproc *plat;		   /* platform side of this coprocessor */
	enum ta_rproc_state state;		   /* OFF / LOADED / STARTED */
	uint8_t image_id[32];			   /* SHA-256 of the loaded header + TLV area */
	uint32_t boot_addr;			   /* VTOR: signed BOOTADDR or board default */
	struct ta_layout layout;		   /* what START checks (signed headers) */
	bool has_rsc;				   /* the image has a resource table */
	uint32_t rsc_da;			   /* its device address */
	uint32_t rsc_size;			   /* and size */
	struct plat_range written[TA_MAX_WRITTEN]; /* ranges holding firmware bytes */
	unsigned int num_written;
	bool secure_zero;	     /* secure memories all zero: wiped, nothing loaded since */
	bool dump_valid;	     /* memory holds a (stopped) firmware to dump */
	unsigned int sessions;	     /* open sessions on this id */
	struct rpt_error last_error; /* why the last command failed */
};

/* The TA instance: one per secure world. Commands are serialised by `lock`. */
struct rproc_ta {
	struct platform *plat;			   /* not owned */
	struct ta_rproc_ctx ctx[BOARD_MAX_RPROCS]; /* one per board rproc */
	unsigned int num_ctx;
	pthread_mutex_t lock; /* one command at a time */
#ifdef RPT_FUZZ_BUILD
	bool test_hook_skip_signature; /* fuzz builds only (never compiled elsewhere): no signature */
#endif
	/* Secure-world console: every failure is reported here ("remoteproc TA: ..."). */
	void (*log)(void *log_priv, const char *msg);
	void *log_priv;
};

int rproc_ta_init(struct rproc_ta *ta, struct platform *plat, struct rpt_error *err);
void rproc_ta_exit(struct rproc_ta *ta);

/* Session context handed back to the caller: the rproc id's context. */
TEE_Result rproc_ta_open_session(struct rproc_ta *ta, uint32_t param_types,
				 TEE_Param params[TEE_NUM_PARAMS], void **session);
void rproc_ta_close_session(struct rproc_ta *ta, void *session);
TEE_Result rproc_ta_invoke(struct rproc_ta *ta, void *session, uint32_t cmd, uint32_t param_types,
			   TEE_Param params[TEE_NUM_PARAMS]);
/*
 * The same two, also handing back why a call failed: the line the TA logs
 * (without its "rproc N: CMD failed" context), sanitised and bounded, into
 * reason (TEE_REASON_MAX bytes of common/tee_result.h; "" on success or when
 * there is nothing to add to the code). reason may be NULL.
 */
TEE_Result rproc_ta_open_session_reason(struct rproc_ta *ta, uint32_t param_types,
					TEE_Param params[TEE_NUM_PARAMS], void **session,
					char *reason);
TEE_Result rproc_ta_invoke_reason(struct rproc_ta *ta, void *session, uint32_t cmd,
				  uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS],
				  char *reason);
/* The three above as GlobalPlatform entry points (ta: a struct rproc_ta), for tee_inproc_init(). */
extern const struct tee_ta_entry rproc_ta_entry;

/* For tests and the daemon's logs: the context of an id, NULL if not on the board. */
struct ta_rproc_ctx *rproc_ta_ctx(struct rproc_ta *ta, uint32_t id);

/*
 * The boot loader's start (ta_boot_loader.c): if the board names a
 * rproc,boot-loader-firmware for rp, load and start it through the TA's
 * entry points as U-Boot would, before any daemon runs. 0 if there is none;
 * otherwise nothing stays loaded and err says why (the caller decides: a
 * real boot loader leaves the core off and boots on).
 */
int rproc_ta_boot_loader_start(struct rproc_ta *ta, const struct board_rproc *rp,
			       struct rpt_error *err);

#endif
