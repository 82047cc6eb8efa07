/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The wire protocol between the normal world's socket transport
 * (src/normal/tee_client/tee_socket.c) and the secure-world daemon
 * (src/secure/teed): small messages over a Unix SOCK_SEQPACKET socket, so
 * that one message is one packet and the descriptors that travel with it
 * (SCM_RIGHTS) belong to that message and no other.
 *
 * A message is a 24-byte header and a body of at most TEE_WIRE_BODY_MAX
 * bytes, all integers little-endian:
 *
 *   0  u32 magic     TEE_WIRE_MAGIC
 *   4  u16 version   TEE_WIRE_VERSION
 *   6  u16 op        enum tee_wire_op, | TEE_WIRE_OP_REPLY in replies
 *   8  u32 seq       chosen by the client, echoed by the reply
 *  12  u32 body_len  bytes after the header (exactly the packet's rest)
 *  16  u32 num_fds   descriptors attached to this packet
 *  20  u32 reserved  0
 *
 * Bodies (each field u32 unless said otherwise, "rsv" = 0):
 *
 *   HELLO          req: version, rsv                 reply: result, origin, version, rsv
 *   OPEN_SESSION   req: uuid[16], param[4]           reply: result, origin, session, rsv, param[4],
 *                                                           reason
 *   INVOKE         req: session, cmd, param[4]       reply: result, origin, param[4], reason
 *   CLOSE_SESSION  req: session, rsv                 reply: result, origin
 *   GET_SHM        req: rproc_id, rsv                reply: result, origin, count, rsv, shm[count]
 *   INJECT_CRASH   req: rproc_id, type               reply: result, origin
 *   SUBSCRIBE      req: rproc_id, rsv                reply: result, origin
 *   EVENT          (server -> client, unasked, seq 0): rproc_id, kind, arg, rsv, why[96]
 *   REGISTER_SHM   req: u64 size (1 descriptor)      reply: result, origin, shm_id, rsv
 *   UNREGISTER_SHM req: shm_id, rsv                  reply: result, origin
 *   IPCC_READ      req: rproc_id, reg                reply: result, origin, value, rsv
 *   IPCC_WRITE     req: rproc_id, reg, value, rsv    reply: result, origin
 *
 *   uuid:  u32 timeLow, u16 timeMid, u16 timeHiAndVersion, u8 clockSeqAndNode[8]
 *   param: type, fd_index, a, b, u64 offset, u64 size               (32 bytes)
 *   shm:   name[32] (NUL-terminated), da, size, u64 pa              (48 bytes)
 *   why:   text, NUL-terminated, zeros after the NUL (all zeros unless a crash)
 *   reason: u32 len, then len bytes up to the body's end (the body's length
 *          says where it ends): why the call failed, as the TA or rproc-teed
 *          wrote it; printable ASCII only (0x20..0x7e, no NUL), at most
 *          TEE_WIRE_REASON_MAX - 1 bytes, len 0 on a success or when the
 *          server has nothing to add to the result code
 *
 * Adding an op touches two places: its value in enum tee_wire_op, and its row
 * in wire_ops[] (tee_wire.c), which lists the request's and the reply's
 * fields in wire order (F_U32(member), F_U64(member), F_RSV, F_UUID, F_TEXT,
 * F_PARAMS, F_SHM_LIST, F_REASON), the descriptors it carries of its own (.fds, as
 * REGISTER_SHM's one) and optionally a check for bounds the layout cannot say
 * (a vq, a crash type). Sizes, descriptor rules, encoding and decoding follow from the
 * row. A field no op carried before is a member of struct tee_wire_msg, with
 * its comment. Then its line in the table above, and its fixed bytes in
 * tests/wire/test_wire_bytes.c. A reply row left out carries result, origin.
 * A field of a new shape is a new kind in
 * tee_wire.c: one case where fields are written, one where they are read.
 *
 * Bulk data never travels in a message: a MEMREF parameter names one of the
 * packet's descriptors (a sealed memfd) and a range inside it, or (fd_index
 * TEE_WIRE_FD_SHM, a = shm_id) a range inside a shared memory this connection
 * registered before. A GET_SHM reply carries one descriptor per shared
 * memory, in the order of its entries.
 *
 * Registered shared memory (as OP-TEE's TEE_IOC_SHM_REGISTER): REGISTER_SHM
 * hands the server a memfd once (sealed against shrinking); the server maps
 * it once and answers an id, valid on this connection only, until
 * UNREGISTER_SHM or the connection closes. Memrefs then name the id and a
 * range, and no descriptor, copy or mapping is made per call.
 *
 * The hardware channel (INJECT_CRASH, SUBSCRIBE, EVENT, IPCC_READ,
 * IPCC_WRITE): on the real SoC the mailbox (IPCC) and the
 * coprocessor's fault and watchdog interrupts reach Linux directly, not
 * through the TEE. Here the emulated cores live in the daemon, on the
 * hardware side of the process boundary, so the daemon relays them: a
 * connection that SUBSCRIBEd to an rproc id gets its EVENTs (a crash with
 * type and reason, processor 1's IPCC lines) pushed unasked. EVENT is the
 * only op a server sends without being asked; it never carries the reply
 * bit and its seq is 0. A client should read events on a connection of
 * their own, so that an event never sits between a request and its reply.
 *
 * Processor 1's IPCC: the normal world runs the stm32_ipcc driver itself, as
 * Linux does; its register accesses go in as IPCC_READ and IPCC_WRITE, and
 * processor 1's interrupt lines come back as IPCC_IRQ events (levels: sent
 * after every access while a line is high). The client runs the driver's
 * handler on its event connection's thread; the requests the handler makes
 * go out on request connections, so nothing waits on itself. Doorbells, the
 * shutdown request and its acknowledgement are that driver's, in the IPCC
 * registers. (Version 7 retired ops 6, 7 and 11 and event kinds 2 and 3,
 * the doorbell, shutdown and detach requests and events of a daemon that
 * ran the driver itself: a server refuses them as unknown.)
 *
 * Everything is checked when decoded: magic, version, op, lengths (exact for
 * each op), reserved fields, parameter types, descriptor indexes (in a request
 * every descriptor is named by exactly one memref, and every memref with a
 * buffer names one), the fields each type leaves unused (must be 0), and
 * for the hardware channel the argument of each op and event kind (a known
 * crash type, a reason text only on a crash, an IPCC
 * register offset 4-byte aligned inside TEE_WIRE_IPCC_SIZE, IPCC_IRQ lines
 * among TEE_WIRE_IPCC_IRQ_*).
 */
#ifndef RPT_WIRE_TEE_WIRE_H
#define RPT_WIRE_TEE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/rproc_crash.h"
#include "common/tee_defs.h"
#include "common/tee_result.h"

#define TEE_WIRE_MAGIC 0x57545052u /* "RPTW" */
/*
 * 2: the hardware channel (KICK .. EVENT); 3: REQUEST_DETACH; 4: registered
 * shared memory (REGISTER_SHM, UNREGISTER_SHM, memrefs by shm id). A peer of
 * another version is refused. 5: OPEN_SESSION and INVOKE replies end with the
 * failure's reason text. 6: processor 1's IPCC registers (IPCC_READ,
 * IPCC_WRITE) and its interrupt lines (the IPCC_IRQ event). 7: KICK,
 * REQUEST_SHUTDOWN, REQUEST_DETACH and the doorbell and shutdown events
 * retired (the client's IPCC driver does all of that).
 */
#define TEE_WIRE_VERSION    7u
#define TEE_WIRE_HDR_SIZE   24u
#define TEE_WIRE_BODY_MAX   (64u << 10)
#define TEE_WIRE_MSG_MAX    (TEE_WIRE_HDR_SIZE + TEE_WIRE_BODY_MAX)
#define TEE_WIRE_PARAM_SIZE 32u
#define TEE_WIRE_SHM_SIZE   48u

/* Bytes of a TA call's reason text in struct tee_wire_msg, NUL included (on the wire: no NUL). */
#define TEE_WIRE_REASON_MAX TEE_REASON_MAX

/* Bytes of an event's reason text, NUL included. */
#define TEE_WIRE_WHY_MAX 96u
/* Body of an EVENT: rproc_id, kind, arg, rsv, why. */
#define TEE_WIRE_EVENT_BODY (16u + TEE_WIRE_WHY_MAX)

/*
 * Largest request (OPEN_SESSION) and largest message a server sends (a GET_SHM
 * reply listing TEE_WIRE_MAX_SHM; an EVENT is far smaller).
 */
#define TEE_WIRE_REQUEST_MAX (TEE_WIRE_HDR_SIZE + 16 + TEE_NUM_PARAMS * TEE_WIRE_PARAM_SIZE)
#define TEE_WIRE_REPLY_MAX   (TEE_WIRE_HDR_SIZE + 16 + TEE_WIRE_MAX_SHM * TEE_WIRE_SHM_SIZE)

/* Shared memories one GET_SHM reply may list (a board rproc has at most 16 memories). */
#define TEE_WIRE_MAX_SHM 16u
/* Descriptors one message may carry: a reply listing every shared memory. */
#define TEE_WIRE_MAX_FDS TEE_WIRE_MAX_SHM
/* Bytes of a shared memory's name, NUL included (board.h's BOARD_NAME_MAX). */
#define TEE_WIRE_NAME_MAX 32u
/* Largest memref: the largest file the tools read whole (file_io.h's RPT_FILE_MAX). */
#define TEE_WIRE_MEMREF_MAX ((uint64_t)256 << 20)
/* fd_index of a parameter that carries no descriptor. */
#define TEE_WIRE_FD_NONE 0xFFFFFFFFu
/* fd_index of a memref inside a registered shared memory (a = its shm id). */
#define TEE_WIRE_FD_SHM 0xFFFFFFFEu
/*
 * Bytes of processor 1's IPCC register window (coproc/stm32_ipcc_regs.h's
 * IPCC_SIZE): an IPCC_READ's or IPCC_WRITE's reg is 4-byte aligned and below it.
 */
#define TEE_WIRE_IPCC_SIZE 0x400u
/* An IPCC_IRQ event's arg: processor 1's lines that are high. */
#define TEE_WIRE_IPCC_IRQ_RX (1u << 0) /* RX occupied */
#define TEE_WIRE_IPCC_IRQ_TX (1u << 1) /* TX free */
/* Largest crash type: the numbers of enum rproc_crash_type (Linux's) are the wire's. */
#define TEE_WIRE_CRASH_MAX RPROC_CRASH_MAX

enum tee_wire_op {
	TEE_WIRE_OP_HELLO = 1,		 /* handshake: protocol version, is this peer served */
	TEE_WIRE_OP_OPEN_SESSION = 2,	 /* open a session on a TA by UUID */
	TEE_WIRE_OP_INVOKE = 3,		 /* invoke a command in a session */
	TEE_WIRE_OP_CLOSE_SESSION = 4,	 /* close a session */
	TEE_WIRE_OP_GET_SHM = 5,	 /* the shared memories of one rproc, as memfds */
	TEE_WIRE_OP_INJECT_CRASH = 8,	 /* debug: make the core fail as a real fault would */
	TEE_WIRE_OP_SUBSCRIBE = 9,	 /* push the rproc's EVENTs to this connection */
	TEE_WIRE_OP_EVENT = 10,		 /* server -> client: something the hardware did */
	TEE_WIRE_OP_REGISTER_SHM = 12,	 /* map a client memfd once, for memrefs by id */
	TEE_WIRE_OP_UNREGISTER_SHM = 13, /* forget a registered shared memory */
	TEE_WIRE_OP_IPCC_READ = 14,	 /* read one of processor 1's IPCC registers */
	TEE_WIRE_OP_IPCC_WRITE = 15,	 /* write one of processor 1's IPCC registers */
};

/* What an EVENT reports. */
enum tee_wire_event_kind {
	TEE_WIRE_EVENT_CRASH = 1,    /* the core stopped on its own: arg = type, why = reason */
	TEE_WIRE_EVENT_IPCC_IRQ = 4, /* processor 1's IPCC lines: arg = TEE_WIRE_IPCC_IRQ_* */
};

/*
 * Where a result came from, as replies carry it: GlobalPlatform's
 * TEEC_ORIGIN_* values (the same as tee_client.h's TEE_ORIGIN_*, which is
 * normal-world API and not for the secure side to include).
 */
#define TEE_WIRE_ORIGIN_API	    1u
#define TEE_WIRE_ORIGIN_COMMS	    2u
#define TEE_WIRE_ORIGIN_TEE	    3u
#define TEE_WIRE_ORIGIN_TRUSTED_APP 4u

/* Set in the op of every reply. */
#define TEE_WIRE_OP_REPLY 0x8000u

/*
 * One event of a core: what the server pushes (EVENT), what its event sources
 * post and what a client reads, the same struct everywhere.
 */
struct tee_wire_event {
	uint32_t rproc_id;	    /* whose core */
	uint32_t kind;		    /* enum tee_wire_event_kind */
	uint32_t arg;		    /* crash: type (Linux rproc_crash_type); IPCC_IRQ: lines */
	char why[TEE_WIRE_WHY_MAX]; /* crash: what happened (NUL-terminated, zeros after); else "" */
};

/*
 * The one validity rule of an event, for whoever builds or receives one: a
 * known kind, an argument that fits it (a known crash type, IPCC lines among
 * TEE_WIRE_IPCC_IRQ_*), and a reason text only on a crash, NUL-terminated
 * with zeros after. -RPT_EFORMAT, err says why.
 */
int tee_wire_event_check(const struct tee_wire_event *ev, struct rpt_error *err);

/* One parameter on the wire. */
struct tee_wire_param {
	uint32_t type;	   /* TEE_PARAM_TYPE_* */
	uint32_t fd_index; /* memref: the packet's descriptor of the buffer, FD_NONE, FD_SHM */
	uint32_t a;	   /* value: a; memref with FD_SHM: the registered shm id */
	uint32_t b;	   /* value: b */
	uint64_t offset;   /* memref: where the buffer starts inside the descriptor (or shm) */
	uint64_t size;	   /* memref: request: buffer size; reply: bytes written or needed */
};

/* One shared memory listed by a GET_SHM reply. */
struct tee_wire_shm {
	char name[TEE_WIRE_NAME_MAX]; /* reserved-memory name, NUL-terminated */
	uint32_t da;		      /* device address (as the coprocessor sees it) */
	uint32_t size;		      /* bytes (the descriptor is at least this big) */
	uint64_t pa;		      /* physical address (as GET_RSC_TABLE reports them) */
};

/*
 * A decoded message: the header fields and the union of every op's body
 * fields (flat, so that one encoder and one decoder serve all ops). Fields the
 * op does not carry are ignored when encoding and zero after decoding.
 */
struct tee_wire_msg {
	uint16_t op;	   /* enum tee_wire_op, with TEE_WIRE_OP_REPLY in replies */
	uint32_t seq;	   /* request number, echoed by the reply */
	uint32_t num_fds;  /* descriptors that travel with the packet */
	uint32_t version;  /* HELLO: protocol version */
	TEE_UUID uuid;	   /* OPEN_SESSION request: the TA */
	uint32_t session;  /* INVOKE / CLOSE_SESSION request, OPEN_SESSION reply */
	uint32_t cmd;	   /* INVOKE request: the TA command */
	uint32_t rproc_id; /* GET_SHM and hardware-channel requests, EVENT */
	uint32_t arg;	   /* INJECT_CRASH: crash type; EVENT: crash type or IPCC lines */
	uint32_t kind;	   /* EVENT: enum tee_wire_event_kind */
	uint32_t reg;	   /* IPCC_READ / IPCC_WRITE: register offset in processor 1's window */
	uint32_t value;	   /* IPCC_READ reply, IPCC_WRITE request: the register's value */
	char why[TEE_WIRE_WHY_MAX]; /* EVENT (crash): what happened, NUL-terminated */
	uint32_t result;	    /* replies: TEE_Result */
	uint32_t origin;	    /* replies: TEE_ORIGIN_* of the result */
	/* OPEN_SESSION and INVOKE replies: why it failed (printable ASCII), "" if not said */
	char reason[TEE_WIRE_REASON_MAX];
	uint32_t num_shm;  /* GET_SHM reply: entries of shm[] */
	uint32_t shm_id;   /* REGISTER_SHM reply (0 on a failure), UNREGISTER_SHM request */
	uint64_t shm_size; /* REGISTER_SHM request: bytes to map, 1..TEE_WIRE_MEMREF_MAX */
	struct tee_wire_param params[TEE_NUM_PARAMS]; /* OPEN_SESSION, INVOKE, their replies */
	struct tee_wire_shm shm[TEE_WIRE_MAX_SHM];    /* GET_SHM reply */
};

/* True if op is a request of enum tee_wire_op, the reply to one, or EVENT (never a reply). */
bool tee_wire_op_known(uint16_t op);
/* "INVOKE", "INVOKE reply", "op 0x1234": for messages. */
const char *tee_wire_op_name(uint16_t op, char *buf, size_t len);

/*
 * Encode m into buf (header + body). m must be valid (what decode accepts);
 * -EINVAL with a message otherwise, so that a bug never reaches the peer.
 */
int tee_wire_encode(const struct tee_wire_msg *m, uint8_t *buf, size_t cap, size_t *len,
		    struct rpt_error *err);

/*
 * Decode and validate the packet [buf, buf + len) that arrived with nfds
 * descriptors. -RPT_EFORMAT, and err names the field, for anything that is
 * not a well-formed message.
 */
int tee_wire_decode(const uint8_t *buf, size_t len, unsigned int nfds, struct tee_wire_msg *m,
		    struct rpt_error *err);

/* ---- sockets ---- */

/*
 * Send one packet with nfds descriptors (SCM_RIGHTS). Never raises SIGPIPE;
 * with nonblock, a peer that does not read its replies gives -EAGAIN instead
 * of blocking the sender.
 */
int tee_wire_send(int sock, const uint8_t *buf, size_t len, const int *fds, unsigned int nfds,
		  bool nonblock, struct rpt_error *err);

/*
 * Receive one packet of at most cap bytes and its descriptors (close-on-exec).
 * -EPIPE when the peer closed the connection. A packet longer than cap, too
 * many descriptors or an unexpected control message give -RPT_EFORMAT. On any
 * error no received descriptor stays open.
 */
int tee_wire_recv(int sock, uint8_t *buf, size_t cap, size_t *len, int fds[TEE_WIRE_MAX_FDS],
		  unsigned int *nfds, bool nonblock, struct rpt_error *err);

/* Close n descriptors and set them to -1. */
void tee_wire_close_fds(int *fds, unsigned int n);

/*
 * The daemon's default socket: rproc-teed.sock in the private runtime
 * directory of common/ipc_path.h. -ENAMETOOLONG if it does not fit a sun_path.
 */
int tee_wire_default_path(char *buf, size_t len, struct rpt_error *err);

/* Check that path fits a Unix socket address (sun_path, NUL included). */
int tee_wire_check_path(const char *path, struct rpt_error *err);

/*
 * The daemon's socket for a client: `given` (checked) or, when NULL, the
 * default. The one place that choice is made, for every client of rproc-teed.
 */
int tee_wire_choose_path(const char *given, char *buf, size_t len, struct rpt_error *err);

#endif
