/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rprocd's rpmsg interfaces: what Linux's rpmsg_tty and rpmsg_char give
 * users, for the channels the coprocessors' firmware announces.
 *
 *  - each "rpmsg-tty" channel (or "rpmsg-tty-channel", ST's older name) is
 *    a pseudo-terminal in raw mode (no echo, no line editing, no CR/LF
 *    translation: an echoing firmware would otherwise loop), reached through
 *    a stable link <dir>/ttyRPMSG<N> (N the lowest free), so that
 *    `echo hello > ttyRPMSG0`, `cat`, screen, picocom and pyserial work
 *    unchanged;
 *  - every other channel, and every endpoint a user creates (as through
 *    Linux's /dev/rpmsg_ctrl0), is a message socket <dir>/rpmsg<N>
 *    (SOCK_SEQPACKET: one message per read/write, at most 496 bytes, 0600,
 *    peers of our uid or root only, one client at a time like /dev/rpmsgN).
 *
 * <dir> must be a private directory (ours, writable by nobody else): links
 * and sockets are made there with no temporary names and without following
 * anything planted. Without one the channels still exist (rprocctl's rpmsg
 * commands), without interfaces.
 *
 * Each channel has its own relay thread (poll on its pty or socket): a slow
 * or stuck client, or a firmware that keeps its buffers, holds that channel
 * only. Firmware -> host messages wait in a bounded queue per channel; when
 * the reader does not keep up the oldest are dropped, counted and logged.
 * Host -> firmware: a message waits for a free transmit buffer (the writer is
 * held meanwhile: the relay stops reading) up to RPIF_TX_WAIT_MS, then it is
 * dropped, counted and logged; never silently.
 *
 * When the firmware's channel goes (stop, crash, recovery, destroy) the link
 * or socket is removed at once and the relay hangs up: readers of the tty see
 * EOF/EIO, socket clients EOF. The next announcement makes a new interface.
 */
#ifndef RPT_TOOLS_RPROCD_RPMSG_IF_H
#define RPT_TOOLS_RPROCD_RPMSG_IF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/error.h"
#include "normal/rpmsg/virtio_rpmsg.h"

#define RPIF_TTY_CHANNEL "rpmsg-tty" /* the channel name Linux's rpmsg_tty binds to */
/* The name ST's older STM32Cube examples announce (OpenAMP_TTY_echo), for ST's rpmsg_tty. */
#define RPIF_TTY_CHANNEL_ST "rpmsg-tty-channel"
#define RPIF_MAX_IFACES	    64	  /* ttyRPMSG<N> and rpmsg<N>: N below this */
#define RPIF_RX_QUEUE	    64	  /* firmware -> host messages kept per channel */
#define RPIF_TX_WAIT_MS	    10000 /* a host -> firmware message waits this long for a buffer */
#define RPIF_TX_SLICE_MS    100	  /* in slices of this (the relay notices a removal between) */
#define RPIF_RECV_MAX_MS    60000 /* the longest `rpmsg recv --timeout` */
#define RPIF_RECV_DEF_MS    5000  /* its default */
#define RPIF_SEND_WAIT_MS   5000  /* `rpmsg send`: the wait for a free buffer */

/*
 * The bus as the interfaces use it: virtio_rpmsg's functions
 * (rpif_virtio_ops), or a test double. bus is the opaque bus pointer given
 * to rpif_add_proc.
 */
struct rpif_bus_ops {
	/* virtio_rpmsg_set_listener */
	void (*set_listener)(void *bus, const struct virtio_rpmsg_listener *l, void *priv);
	/* rpmsg_create_ept */
	struct rpmsg_endpoint *(*create_ept)(void *bus, uint32_t addr, rpmsg_rx_cb cb, void *priv,
					     struct rpt_error *err);
	/* rpmsg_destroy_ept */
	void (*destroy_ept)(struct rpmsg_endpoint *ept);
	/* rpmsg_ept_addr */
	uint32_t (*ept_addr)(const struct rpmsg_endpoint *ept);
	/* rpmsg_sendto */
	int (*sendto)(struct rpmsg_endpoint *ept, uint32_t dst, const void *data, size_t len,
		      unsigned int timeout_ms, struct rpt_error *err);
	/* virtio_rpmsg_state, and the broken reason into why ("" otherwise); NULL: always UP */
	enum virtio_rpmsg_state (*state)(void *bus, char *why, size_t len);
};

/* The real bus (rpmsg_bus.c). */
extern const struct rpif_bus_ops rpif_virtio_ops;
struct vboard;

/* What a channel is, for listings. */
struct rpif_chan_info {
	char name[RPMSG_NAME_SIZE]; /* the channel's name */
	uint32_t dst;		    /* the firmware's address */
	uint32_t src;		    /* ours (RPMSG_ADDR_ANY while the endpoint is being made) */
	char path[128];		    /* the interface: link or socket ("" when none) */
	bool tty;		    /* a pseudo-terminal (else a message socket) */
	bool user;		    /* made by `rpmsg create` (else announced by the firmware) */
	unsigned long rx;	    /* messages from the firmware */
	unsigned long tx;	    /* messages to the firmware */
	unsigned long rx_dropped;   /* firmware -> host messages dropped (reader too slow) */
	unsigned long tx_dropped;   /* host -> firmware messages dropped (see above) */
};

struct rpif;

/*
 * The interfaces, made in dir (checked private, created if missing). log
 * receives one line per event (channel up/down, drops); NULL: stderr.
 * Fails only for want of memory; a dir that is not private is logged and
 * leaves the channels without interfaces.
 */
int rpif_create(struct rpif **out, const char *dir, void (*log)(void *priv, const char *line),
		void *log_priv, struct rpt_error *err);
/*
 * Serve the bus of processor dev_name ("remoteproc0"): becomes the bus's
 * listener (its channels now are announced at once). bus stays ours to use
 * until rpif_destroy.
 */
int rpif_add_proc(struct rpif *f, const char *dev_name, void *bus, const struct rpif_bus_ops *ops,
		  struct rpt_error *err);
/* rpif_add_proc for the first num_procs processors of the board that have a bus (rpmsg_bus.c). */
int rpif_add_board(struct rpif *f, struct vboard *vb, unsigned int num_procs,
		   struct rpt_error *err);
/*
 * Stop listening and hang every interface up (waiting `rpmsg recv`s end at
 * once); the relays finish on their own. Safe on NULL.
 */
void rpif_stop(struct rpif *f);
/* rpif_stop, wait for the relays, free. Safe on NULL. */
void rpif_destroy(struct rpif *f);

/* Whether dev_name has an rpmsg bus here. */
bool rpif_has_proc(struct rpif *f, const char *dev_name);
/* What dev_name's bus is doing (it must have one); why it is broken into why. */
enum virtio_rpmsg_state rpif_state(struct rpif *f, const char *dev_name, char *why, size_t len);
/* A snapshot of dev_name's channels (in creation order), at most max: how many exist. */
size_t rpif_channels(struct rpif *f, const char *dev_name, struct rpif_chan_info *out, size_t max);

/*
 * CHANNEL, as the rprocctl commands name it: a channel's name (when only one
 * has it), or its interface's file name (ttyRPMSG0, rpmsg1).
 *
 * Send len bytes to it (waiting up to timeout_ms for a free buffer).
 * -ENOENT / -EEXIST (ambiguous) / -EMSGSIZE / the bus's errors, err says.
 */
int rpif_send(struct rpif *f, const char *dev_name, const char *chan, const void *data, size_t len,
	      unsigned int timeout_ms, struct rpt_error *err);
/*
 * The oldest message the firmware sent to a message channel (not a tty's:
 * those go to the terminal) that no client took, waiting up to timeout_ms:
 * its length, -ETIMEDOUT, -ENOTCONN when the channel goes meanwhile.
 */
long rpif_recv(struct rpif *f, const char *dev_name, const char *chan, void *buf, size_t size,
	       unsigned int timeout_ms, struct rpt_error *err);
/*
 * A user endpoint named name talking to firmware address dst (as Linux's
 * RPMSG_CREATE_EPT_IOCTL): a message socket; its path in path.
 */
int rpif_create_ept(struct rpif *f, const char *dev_name, const char *name, uint32_t dst,
		    char *path, size_t path_len, struct rpt_error *err);
/* Remove a user endpoint (its socket hangs up). */
int rpif_destroy_ept(struct rpif *f, const char *dev_name, const char *chan, struct rpt_error *err);

#endif
