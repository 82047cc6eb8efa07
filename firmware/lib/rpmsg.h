/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwlib's rpmsg: the device (firmware) side of one virtio-rpmsg device, in
 * the wire format of Linux's virtio_rpmsg_bus and OpenAMP (docs/DESIGN.md
 * section 11), written here from those formats: no OpenAMP code.
 *
 * The firmware's resource table has a vdev entry (id 7) with two vrings; the
 * host places them, writes their da and then status DRIVER_OK (bit 2) in
 * that entry. Until then the firmware sends nothing. Then:
 *   vring 0  firmware -> host: the host posts empty buffers, the firmware
 *            fills one per message and hands it back in the used ring;
 *   vring 1  host -> firmware: the host posts full buffers, the firmware
 *            reads each message and hands the buffer back in the used ring.
 * Split virtqueues in the legacy layout, little-endian: descriptor table
 * (16 bytes each), avail ring, used ring aligned to the vring's align.
 * A message is a 16-byte header (src, dst, reserved u32; len, flags u16) and
 * its payload. Endpoints get addresses from 0x400 and, when the host took
 * feature VIRTIO_RPMSG_F_NS, are announced to the name service (0x35): a
 * 40-byte message (name[32], addr u32, flags u32: 0 create).
 *
 * Everything the host writes (the status, the vring addresses, the rings,
 * descriptors and message headers) is shared memory it may rewrite at any
 * time: each value is read once into private memory, checked, and only the
 * checked copy is used. Vrings must lie in the vring window and buffers in
 * the buffer window the firmware gives (its own constants, never the shared
 * table), so a hostile host can never make the firmware read or write its
 * private memory or unmapped addresses. A ring-level violation marks the
 * device broken (rpmsg_why() names the field); nothing is sent or taken any
 * more until the host resets the device (status 0) and starts it again.
 *
 * No interrupts, no waiting: rpmsg_service() does what can be done now and
 * returns. Call it after every kick from the host (and on any other wake-up:
 * it is cheap when nothing changed); it calls the notify callback to kick a
 * vring back. A message whose endpoint cannot answer for lack of a buffer
 * stays in its ring and is retried on the next call, so nothing is dropped
 * and the firmware never busy-waits.
 */
#ifndef FWLIB_RPMSG_H
#define FWLIB_RPMSG_H

#include <stdbool.h>
#include <stdint.h>

/* The wire (vring layout, status bits, header, name service): the host's bus uses the same. */
#include "formats/virtio_rpmsg_wire.h"

#define RPMSG_FIRST_ADDR 0x400u /* our endpoints' addresses start here */

/* Results (0 = done). */
#define RPMSG_ERR_NOT_READY (-1) /* before DRIVER_OK, or the device is broken */
#define RPMSG_ERR_NO_BUFFER (-2) /* no empty buffer posted: try again after the next kick */
#define RPMSG_ERR_TOO_BIG   (-3) /* payload over RPMSG_MAX_PAYLOAD or the host's buffer */
#define RPMSG_ERR_INVAL	    (-4) /* bad argument (address in use, NULL, ...) */

/* The vrings, by index in the vdev entry. */
#define RPMSG_VQ_TX 0u /* vring 0: firmware -> host */
#define RPMSG_VQ_RX 1u /* vring 1: host -> firmware */

/* One vring of a vdev resource entry (Linux struct fw_rsc_vdev_vring). */
struct rpmsg_rsc_vring {
	uint32_t da;	   /* device address, FW_RSC_ADDR_ANY until the host places it */
	uint32_t align;	   /* alignment of the used ring */
	uint32_t num;	   /* descriptors */
	uint32_t notifyid; /* id rung on the mailbox for this vring */
	uint32_t pa;	   /* unused (0), like the reference firmware */
};

/* An rpmsg vdev resource entry with its two vrings (Linux struct fw_rsc_vdev). */
struct rpmsg_rsc_vdev {
	uint32_t type;	     /* RSC_VDEV (3) */
	uint32_t id;	     /* VIRTIO_ID_RPMSG */
	uint32_t notifyid;   /* assigned by the host */
	uint32_t dfeatures;  /* device features (ours) */
	uint32_t gfeatures;  /* features the host accepted */
	uint32_t config_len; /* bytes of config space after the vrings */
	uint8_t status;	     /* virtio status, written by the host */
	uint8_t num_of_vrings;
	uint8_t reserved[2];
	struct rpmsg_rsc_vring vring[2];
};

_Static_assert(sizeof(struct rpmsg_rsc_vdev) == 4 + 24 + 2 * 20, "vdev entry layout");

/* A range of device addresses [da, da + size). */
struct rpmsg_window {
	uint32_t da;   /* first byte */
	uint32_t size; /* bytes */
};

/* How the device is set up: the firmware's own constants, never read from shared memory. */
struct rpmsg_config {
	volatile struct rpmsg_rsc_vdev *rsc; /* the vdev entry of our table (shared: hostile) */
	uint32_t num[2];		     /* entries of each vring (a power of two) */
	uint32_t align[2];		     /* used-ring alignment of each (a power of two) */
	struct rpmsg_window vrings;	     /* where the host may place the vrings */
	struct rpmsg_window bufs;	     /* where message buffers may be (vdev0buffer) */
	/* Kick vring vq (the firmware used buffers of it). */
	void (*notify)(void *priv, unsigned int vq);
	void *priv; /* notify's */
};

struct rpmsg_ept;

/*
 * A message for ept from address src: len payload bytes at data. data is
 * shared memory the host may rewrite meanwhile: copy before checking what
 * it says. Return 0 when done with it (also when dropping it), or
 * RPMSG_ERR_NO_BUFFER to leave it in its ring: it comes again, first, on a
 * later rpmsg_service() (after the host posted buffers and kicked).
 */
typedef int (*rpmsg_ept_cb)(struct rpmsg_ept *ept, const volatile uint8_t *data, uint32_t len,
			    uint32_t src);

/* One endpoint (a channel when it has a name). Fields are rpmsg.c's. */
struct rpmsg_ept {
	const char *name;      /* announced to the name service; NULL: not announced */
	uint32_t addr;	       /* our address */
	rpmsg_ept_cb cb;       /* receives its messages */
	void *priv;	       /* the callback's */
	bool announced;	       /* announcement sent since the host's last DRIVER_OK */
	struct rpmsg_dev *dev; /* the device it is on */
	struct rpmsg_ept *next;
};

/* One vring as the device uses it: addresses and indexes are private copies. */
struct rpmsg_vq {
	uint32_t num;	     /* entries (the firmware's constant) */
	uint32_t desc;	     /* da of the descriptor table */
	uint32_t avail;	     /* da of the avail ring */
	uint32_t used;	     /* da of the used ring */
	uint16_t last_avail; /* avail entries taken so far (mod 2^16) */
	uint16_t used_idx;   /* used entries written so far: what we write to used.idx */
	bool to_notify;	     /* used entries added since the last kick */
};

enum rpmsg_state {
	RPMSG_WAITING = 0, /* no DRIVER_OK yet (or the host reset the device) */
	RPMSG_READY,	   /* vrings in use, messages flow */
	RPMSG_BROKEN,	   /* the host broke a rule (rpmsg_why): nothing more until a reset */
};

/* Counters since rpmsg_init. */
struct rpmsg_stats {
	uint32_t rx;	     /* messages delivered to an endpoint */
	uint32_t rx_dropped; /* messages for no endpoint, or whose len exceeds their buffer */
	uint32_t tx;	     /* messages sent (announcements too) */
	uint32_t readies;    /* DRIVER_OK seen (restarts of the device count again) */
};

/* The device. Fields are rpmsg.c's. */
struct rpmsg_dev {
	struct rpmsg_config cfg; /* copy of the set-up */
	enum rpmsg_state state;	 /* see enum rpmsg_state */
	const char *why;	 /* RPMSG_BROKEN: the rule broken, naming the field */
	bool ns;		 /* the host took VIRTIO_RPMSG_F_NS: announce endpoints */
	bool in_service;	 /* inside rpmsg_service: kicks wait for its end */
	bool fpu;		 /* the FPU is on: payloads are copied with it (copy_bytes) */
	struct rpmsg_vq vq[2];	 /* RPMSG_VQ_TX, RPMSG_VQ_RX */
	struct rpmsg_ept *epts;	 /* endpoints, in creation order */
	uint32_t next_addr;	 /* next address for RPMSG_ADDR_ANY */
	struct rpmsg_stats stats;
};

/* Set d up (waiting for DRIVER_OK). RPMSG_ERR_INVAL if cfg's rings or windows are unusable. */
int rpmsg_init(struct rpmsg_dev *d, const struct rpmsg_config *cfg);
/*
 * Add ept (caller's memory, lives as long as d) at addr (RPMSG_ADDR_ANY: the
 * next free one from RPMSG_FIRST_ADDR). name: announced once the device is
 * ready (again after every new DRIVER_OK). RPMSG_ERR_INVAL if addr is taken
 * or below RPMSG_FIRST_ADDR.
 */
int rpmsg_create_ept(struct rpmsg_dev *d, struct rpmsg_ept *ept, const char *name, uint32_t addr,
		     rpmsg_ept_cb cb, void *priv);
/*
 * Send len bytes from data as a message from ept to dst, in the next empty
 * buffer of vring 0. 0, RPMSG_ERR_NOT_READY, RPMSG_ERR_NO_BUFFER (nothing
 * changed: try again later) or RPMSG_ERR_TOO_BIG. The kick goes at the end
 * of rpmsg_service() when called from an endpoint callback, at once otherwise.
 */
int rpmsg_send(struct rpmsg_ept *ept, uint32_t dst, const volatile void *data, uint32_t len);
/*
 * Everything that can be done now: notice DRIVER_OK (or a reset), announce
 * endpoints, deliver the host's messages, kick. Returns the state.
 */
enum rpmsg_state rpmsg_service(struct rpmsg_dev *d);
static inline enum rpmsg_state rpmsg_state(const struct rpmsg_dev *d)
{
	return d->state;
}
/* Why the device is broken ("" otherwise). */
static inline const char *rpmsg_why(const struct rpmsg_dev *d)
{
	return d->why ? d->why : "";
}

#endif
