// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: the TEE wire decoder, the one parser that faces another
 * process (rproc-teed's requests, the socket transport's replies and events).
 *
 * Input: one byte whose value modulo TEE_WIRE_MAX_FDS + 2 is the number of
 * descriptors that came with the packet (up to one over the limit), then the
 * packet. Beyond the sanitizers' checks, three properties:
 *   - a refusal names its reason and leaves nothing in the message;
 *   - an accepted packet encodes back to exactly its own bytes (no field is
 *     ignored or normalised, so nothing travels unseen);
 *   - the encoder accepts whatever the decoder accepted (both run one set of
 *     rules);
 *   - a failure's reason text that gets through is printable ASCII, bounded,
 *     and only on a failure (it reaches the user's terminal as it is).
 * Seeds: fuzz/corpus/fuzz_tee_wire, one valid message per op and direction
 * (written by tests/wire/test_wire_bytes.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/tee_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tee_wire_msg zero;
	static uint8_t again[TEE_WIRE_MSG_MAX];
	struct rpt_error err = {0};
	struct tee_wire_msg m;
	unsigned int nfds;
	uint8_t *packet;
	size_t len = 0;

	if (!size)
		return 0;
	nfds = data[0] % (TEE_WIRE_MAX_FDS + 2);
	data++;
	size--;
	/* An exact-size copy, so that ASan sees any read past the packet. */
	packet = malloc(size ? size : 1);
	if (!packet)
		return 0;
	memcpy(packet, data, size);
	memset(&m, 0xa5, sizeof(m));
	if (tee_wire_decode(packet, size, nfds, &m, &err) == 0) {
		if (m.num_fds != nfds)
			abort();
		if (!memchr(m.reason, '\0', sizeof(m.reason)) ||
		    !tee_reason_valid(m.reason, strlen(m.reason)) ||
		    (m.reason[0] && m.result == TEE_SUCCESS))
			abort();
		rpt_error_clear(&err);
		if (tee_wire_encode(&m, again, sizeof(again), &len, &err) != 0)
			abort();
		if (len != size || memcmp(again, packet, size) != 0)
			abort();
	} else if (!err.code || !err.msg[0] || memcmp(&m, &zero, sizeof(m))) {
		abort();
	}
	free(packet);
	return 0;
}
