/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fake /dev/tee0 for the TEE device transport: open/close/ioctl/mmap/munmap
 * that decode every ioctl argument by the kernel ABI's raw byte offsets (not
 * through <linux/tee.h>, so a layout mistake on either side shows), and play
 * OP-TEE's remoteproc TA behind it. Anything the real driver would refuse is
 * recorded as a violation and refused with EINVAL.
 */
#ifndef RPT_TESTS_FAKE_TEE_H
#define RPT_TESTS_FAKE_TEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "normal/tee_client/tee_dev.h"

/* The kernel ABI, as numbers (arm/arm64/x86 ioctl encoding). */
#define FAKE_IOC_VERSION       0x800ca400ul
#define FAKE_IOC_SHM_ALLOC     0xc010a401ul
#define FAKE_IOC_OPEN_SESSION  0x8010a402ul
#define FAKE_IOC_INVOKE	       0x8010a403ul
#define FAKE_IOC_CLOSE_SESSION 0x8004a405ul
#define FAKE_IOC_SHM_REGISTER  0xc018a409ul

#define FAKE_OPEN_ARG_LEN   56u /* struct tee_ioctl_open_session_arg */
#define FAKE_INVOKE_ARG_LEN 24u /* struct tee_ioctl_invoke_arg */
#define FAKE_PARAM_LEN	    32u /* struct tee_ioctl_param */

#define FAKE_DEV_FD   42   /* the fd open() hands out */
#define FAKE_MAX_SHM  16   /* shared-memory objects alive at once */
#define FAKE_SESSION0 0x51 /* first session id handed out */

/*
 * A test-only command outside the TA contract, to exercise INOUT shapes:
 * (VALUE_IN 0, VALUE_INOUT, MEMREF_INOUT, NONE) -> a + 1, b + 1, every byte
 * inverted, size - 8.
 */
#define FAKE_CMD_ECHO 0x100

/* One shared-memory object of the fake driver. */
struct fake_shm {
	bool used;	 /* slot in use (fd open, or still mapped) */
	bool fd_open;	 /* its fd is not closed yet */
	int fd;		 /* the fd handed to the client */
	int32_t id;	 /* the driver id the client puts in param .c */
	bool registered; /* SHM_REGISTER of client memory (else SHM_ALLOC) */
	uint8_t *mem;	 /* the bytes (owned for SHM_ALLOC) */
	size_t size;	 /* their number */
	bool mapped;	 /* the client has it mmapped */
};

/* TA state of the one coprocessor (rproc id 0) the fake board has. */
enum fake_rproc_state {
	FAKE_OFF,
	FAKE_LOADED,
	FAKE_STARTED,
};

/* The whole fake: device setup, failure injection, TA behaviour, what was seen. */
struct fake_tee {
	/* device */
	uint32_t impl_id;  /* TEE_IOC_VERSION impl_id */
	uint32_t gen_caps; /* and gen_caps */
	bool dev_open;	   /* FAKE_DEV_FD is open */
	/* failure injection */
	int open_errno;		    /* open() fails with it (0: succeeds) */
	unsigned long fail_request; /* ioctl that fails ... */
	int fail_errno;		    /* ... with this errno */
	int mmap_errno;		    /* mmap() fails with it */
	bool alloc_short;	    /* SHM_ALLOC reports fewer bytes than asked */
	bool wide_value;	    /* GET_RSC_TABLE writes a value wider than 32 bits */
	bool overlong_size;	    /* GET_COREDUMP claims more bytes than the buffer holds */
	uint32_t reply_ret;	    /* if nonzero: every open/invoke answers this ... */
	uint32_t reply_origin;	    /* ... with this origin */
	/* TA */
	enum fake_rproc_state state; /* of rproc 0 */
	uint64_t rsc_pa;	     /* GET_RSC_TABLE answers */
	uint64_t rsc_size;
	const uint8_t *dump; /* GET_COREDUMP answers */
	size_t dump_len;
	/* seen */
	struct fake_shm shm[FAKE_MAX_SHM];
	int32_t next_id;       /* next shm id */
	uint32_t next_session; /* next session id */
	unsigned int sessions; /* open sessions */
	uint32_t last_func;    /* last invoked command */
	uint8_t *image;	       /* copy of the last LOAD_FW image, as the TA read it */
	size_t image_len;
	unsigned int ioctls[16];   /* calls per ioctl number (request & 0xff) */
	unsigned int allocs;	   /* SHM_ALLOC successes */
	unsigned int registers;	   /* SHM_REGISTER successes */
	uintptr_t last_reg_addr;   /* addr of the last SHM_REGISTER */
	uint64_t last_memref_c[4]; /* param .c of the last open/invoke */
	char violation[256];	   /* first ABI violation, "" if none */
};

extern struct fake_tee fake;

/* Fresh fake: OP-TEE, the given gen_caps, rproc 0 OFF, nothing open. */
void fake_tee_reset(uint32_t gen_caps);
/* Free what the fake owns (call at the end of each test). */
void fake_tee_cleanup(void);
/* Table for tee_dev_init(). */
const struct tee_dev_sys *fake_tee_sys(void);
/* Shared-memory objects still open or mapped. */
unsigned int fake_tee_live_shm(void);

#endif
