/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A secure-world server for tests, in a child process (a real process
 * boundary, as with rproc-teed): an STM32MP15 board trusting the vectors'
 * rsa2048 key, coredumps allowed, a coprocessor double that starts and stops,
 * the TA and the teed library serving on a socket in rpt_tmpdir().
 */
#ifndef RPT_TESTS_TEED_SERVER_H
#define RPT_TESTS_TEED_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "normal/tee_client/tee_client.h"
#include "normal/tee_client/tee_socket.h"

/* A running server child. */
struct teed_server {
	pid_t pid;	/* the child */
	char path[108]; /* its socket */
};

/*
 * Fork a server that serves peers of uid `uid`; returns once it listens. Its
 * hardware is an echo: an INJECT_CRASH is reported ("injected by the test"),
 * an IPCC_WRITE raises the lines its value's low two bits name (an IPCC_IRQ
 * event), and the IPCC window reads back what was written.
 */
void teed_server_start(struct teed_server *s, uid_t uid);
/* Start a server again at s->path (after the last one died). */
void teed_server_restart(struct teed_server *s, uid_t uid);
/* SIGTERM it and check that it stopped cleanly (exit 0, socket file removed). */
void teed_server_stop(struct teed_server *s);

/* Descriptors open in process pid (0: this process). */
unsigned int teed_count_fds(pid_t pid);

/* Connect ctx to the server (fails the test if it cannot). */
void teed_connect(const struct teed_server *s, struct tee_context *ctx);
/* Open a session on the remoteproc TA for rproc id; returns the TEE result. */
TEE_Result teed_open(struct tee_context *ctx, uint32_t id, struct tee_session *sess);

/* The TA commands, through the TEE client API. */
TEE_Result teed_load(struct tee_session *sess, const void *img, size_t size);
TEE_Result teed_simple(struct tee_session *sess, uint32_t cmd);
TEE_Result teed_rsc(struct tee_session *sess, uint64_t *pa, uint64_t *size);
/* GET_COREDUMP into [buf, buf + *size); *size gets the size written or needed. */
TEE_Result teed_coredump(struct tee_session *sess, void *buf, size_t *size);

#endif
