// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: resource table validation on arbitrary bytes, then a walk
 * of every accepted table whose callback relies on exactly what the header
 * promises (the fixed body of its type, a vdev's vrings and config space).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/rsc_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void need(size_t body_len, size_t n, const uint8_t *body)
{
	if (body_len < n)
		abort();
	if (n)
		sink ^= body[n - 1];
}

static int visit(void *ctx, unsigned int idx, uint32_t type, void *body, size_t body_len)
{
	const uint8_t *b = body;
	unsigned int *count = ctx;

	if (idx != *count)
		abort(); /* entries in order, each once */
	(*count)++;
	switch (type) {
	case RSC_CARVEOUT: {
		const struct fw_rsc_carveout *c = body;

		need(body_len, sizeof(*c), b);
		sink ^= (uint8_t)strlen((const char *)c->name);
		break;
	}
	case RSC_DEVMEM: {
		const struct fw_rsc_devmem *d = body;

		need(body_len, sizeof(*d), b);
		sink ^= (uint8_t)strlen((const char *)d->name);
		break;
	}
	case RSC_TRACE: {
		const struct fw_rsc_trace *t = body;

		need(body_len, sizeof(*t), b);
		sink ^= (uint8_t)strlen((const char *)t->name);
		break;
	}
	case RSC_VDEV: {
		const struct fw_rsc_vdev *v = body;

		need(body_len, sizeof(*v), b);
		need(body_len,
		     sizeof(*v) + (size_t)v->num_of_vrings * sizeof(v->vring[0]) + v->config_len,
		     b);
		break;
	}
	default:
		/* Vendor and unknown types: only their type word is known to be inside. */
		if (body_len)
			sink ^= b[body_len - 1];
		break;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpt_error err = {0};
	unsigned int count = 0;
	uint8_t *copy;

	/* An exact-size copy (the walk takes a mutable table; ASan sees any over-read). */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (rsc_table_validate(copy, size, &err) == 0) {
		if (rsc_table_for_each(copy, size, visit, &count) != 0)
			abort();
		if (count != ((const struct resource_table *)(const void *)copy)->num)
			abort();
	} else if (!err.code || !err.msg[0]) {
		abort();
	}
	free(copy);
	return 0;
}
