/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hardware channel of rproc-teed: the coprocessors' mailbox as the daemon
 * relays it (doorbells, shutdown and detach requests, debug crash injection)
 * and the events of the cores it runs (crash, doorbell, shutdown
 * acknowledgement). On the real SoC the mailbox (IPCC) and the fault
 * interrupts reach Linux directly, not through the TEE: this is a mailbox
 * relay next to the TEE client, not TEE-client work. Requests use a socket
 * context of tee_socket.h; events come on a channel of their own.
 */
#ifndef RPT_NORMAL_TEE_HWCHAN_H
#define RPT_NORMAL_TEE_HWCHAN_H

#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "wire/tee_wire.h"
#include "normal/tee_client/tee_client.h"

/*
 * Requests (any idle connection of ctx, a socket context of tee_socket.h):
 * each returns 0 or a negative errno with err set: -ENOENT no such rproc,
 * -RPT_ESTATE the core is not running, -EOPNOTSUPP the daemon has no hardware
 * behind it, the errno of a lost connection (err names rproc-teed and its
 * path).
 */

/* Debug (debugfs "crash"): make the core fail as a fault of type would; the crash comes as an event. */
int tee_hwchan_inject_crash(struct tee_context *ctx, uint32_t rproc_id, uint32_t type,
			    struct rpt_error *err);

/*
 * Processor 1's access to the rproc's IPCC register at reg (4-byte aligned,
 * below TEE_WIRE_IPCC_SIZE; else -EINVAL): -EOPNOTSUPP when the daemon has
 * no IPCC behind the rproc. The lines it raises come as IPCC_IRQ events.
 */
int tee_hwchan_ipcc_read(struct tee_context *ctx, uint32_t rproc_id, uint32_t reg, uint32_t *value,
			 struct rpt_error *err);
int tee_hwchan_ipcc_write(struct tee_context *ctx, uint32_t rproc_id, uint32_t reg, uint32_t value,
			  struct rpt_error *err);

/* A connection that receives events; separate from any request connection. */
struct tee_event_channel;

/*
 * Connect to the daemon at path (NULL: the default), HELLO, and SUBSCRIBE to
 * each of the n rproc ids. Bounded: a daemon that does not answer in
 * TEE_SOCKET_REPLY_TIMEOUT_S fails it. On failure nothing stays open.
 */
int tee_event_open(struct tee_event_channel **out, const char *path, const uint32_t *ids,
		   unsigned int n, struct rpt_error *err);
/* Same, trusting a daemon of server_uid (or root), as tee_socket_init_as. */
int tee_event_open_as(struct tee_event_channel **out, const char *path, uid_t server_uid,
		      const uint32_t *ids, unsigned int n, struct rpt_error *err);

/* The descriptor to poll for POLLIN (events, or the daemon hanging up). */
int tee_event_fd(const struct tee_event_channel *ch);

/*
 * The next event, without blocking: 0; -EAGAIN when none is ready; -EPIPE or
 * -ECONNRESET when the daemon hung up; -RPT_EFORMAT when it sent something
 * that is not an event. After any error but -EAGAIN the channel is useless:
 * close it (and open a new one to follow a restarted daemon).
 */
int tee_event_next(struct tee_event_channel *ch, struct tee_wire_event *ev, struct rpt_error *err);

/* Close the channel. NULL is fine. */
void tee_event_close(struct tee_event_channel *ch);

#endif
