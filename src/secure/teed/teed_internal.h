/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared between the files of the secure-world server; not part of its API. */
#ifndef RPT_SECURE_TEED_INTERNAL_H
#define RPT_SECURE_TEED_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/un.h>

#include "wire/tee_wire.h"
#include "secure/teed/teed.h"

/* A shared memory a client registered (REGISTER_SHM): mapped once, until unregistered. */
struct teed_shm {
	uint8_t *addr; /* our read-write mapping of the client's memfd, NULL: slot free */
	size_t size;   /* bytes mapped */
};

/* One connected client. */
struct teed_client {
	int fd;				   /* its socket (non-blocking) */
	unsigned int id;		   /* connection number, for logs */
	pid_t pid;			   /* peer process (SO_PEERCRED), for logs */
	bool greeted;			   /* HELLO done: other ops are allowed */
	void *sessions[TEED_MAX_SESSIONS]; /* TA sessions; handle = index + 1 */
	uint32_t subs;			   /* bit i: subscribed to the platform's rproc i */
	struct tee_wire_event *events; /* ring of TEED_CLIENT_EVENTS, from the first SUBSCRIBE */
	unsigned int ev_head;	       /* oldest queued event */
	unsigned int ev_count;	       /* events queued, not yet sent */
	bool ev_overflow;	       /* an event found the queue full: drop the client */
	struct teed_shm shms[TEED_MAX_SHMS]; /* registered shared memories; id = index + 1 */
	uint64_t shm_bytes; /* bytes mapped for them (TEED_SHM_BYTES_MAX at most) */
};

_Static_assert(BOARD_MAX_RPROCS <= 32, "subscriptions are a 32-bit mask");

/* Events posted by other threads (the cores'), waiting for the server thread. */
struct teed_inbox {
	pthread_mutex_t lock;			       /* guards everything below */
	struct tee_wire_event ring[TEED_INBOX_EVENTS]; /* pending events, oldest at head */
	unsigned int head;
	unsigned int count;
	unsigned long lost; /* events dropped because the ring was full */
	bool signalled;	    /* a wake-up byte is in the pipe already */
	int pipe[2];	    /* [1]: written to wake the loop; [0]: polled */
};

/* A coprocessor memory's file identity: a memref naming one is refused. */
struct teed_memfile {
	dev_t dev; /* st_dev of the memory's memfd */
	ino_t ino; /* st_ino */
};

/* The server. */
struct teed {
	struct rproc_ta *ta;					/* the TA served (not owned) */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* socket file */
	uid_t allowed_uid;					/* the only peer uid served */
	int listen_fd;						/* listening socket */
	int stop_pipe[2];		/* teed_stop() writes [1]; poll watches [0] */
	volatile sig_atomic_t stopping; /* set by teed_stop() */
	struct teed_client **clients;	/* connected clients */
	unsigned int num_clients;
	unsigned int max_clients;
	unsigned int next_id; /* number of the next connection */
	uint8_t *rx;	      /* one received packet (TEE_WIRE_MSG_MAX) */
	struct teed_memfile memfiles[BOARD_MAX_RPROCS * BOARD_MAX_MEMS]; /* see above */
	unsigned int num_memfiles;
	void (*log)(void *log_priv, const char *msg);
	void *log_priv;
	const struct teed_hw_ops *hw; /* the coprocessors' mailbox, or NULL */
	void *hw_priv;
	void (*test_hook_before_invoke)(void *test_hook_priv,
					uint32_t cmd); /* test hook, or NULL */
	void *test_hook_priv;
	struct teed_inbox inbox; /* events from other threads */
	struct tee_wire_event
		*batch; /* the inbox's events as the loop took them (TEED_INBOX_EVENTS) */
};

void teed_log(struct teed *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Handle one decoded request of client c that came with fds (still owned by
 * the caller) and fill the reply (op, seq, result, ...; reply_fds are the
 * platform's own descriptors, not to be closed). A negative errno means the
 * client broke the protocol: it is disconnected, err says why.
 */
int teed_handle(struct teed *d, struct teed_client *c, const struct tee_wire_msg *req,
		const int *fds, struct tee_wire_msg *reply, int *reply_fds, struct rpt_error *err);

/* What a client leaves behind: close its sessions, unmap its registered shared memories. */
void teed_client_release(struct teed *d, struct teed_client *c);

/* Index of rproc_id among the platform's rprocs (a subscription bit), -1 if not on the board. */
int teed_rproc_index(struct teed *d, uint32_t rproc_id);

#endif
