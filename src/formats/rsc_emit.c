// SPDX-License-Identifier: BSD-2-Clause
#include "formats/rsc_emit.h"

#include "formats/rsc_table.h"

static void emit_vrings(struct emit *e, const struct fw_rsc_vdev *v)
{
	unsigned int r;

	emit_begin_array(e, "vrings");
	for (r = 0; r < v->num_of_vrings; r++) {
		emit_begin_object(e, "");
		emit_hex(e, "da", v->vring[r].da);
		emit_u64(e, "align", v->vring[r].align);
		emit_u64(e, "num", v->vring[r].num);
		emit_u64(e, "notifyid", v->vring[r].notifyid);
		emit_end(e);
	}
	emit_end(e);
}

/* Entry printer for rsc_table_for_each. */
static int emit_entry(void *ctx, unsigned int idx, uint32_t type, void *body, size_t len)
{
	struct emit *e = ctx;

	(void)len;
	emit_begin_object(e, "");
	emit_u64(e, "index", idx);
	emit_str(e, "type", rsc_type_name(type));
	if (!rsc_type_is_known(type))
		emit_u64(e, "type_id", type); /* vendor or unknown: say which */
	if (type == RSC_CARVEOUT || type == RSC_DEVMEM) {
		const struct fw_rsc_carveout *c = body;

		emit_str(e, "name", (const char *)c->name);
		emit_hex(e, "da", c->da);
		emit_hex(e, "pa", c->pa);
		emit_hex(e, "len", c->len);
	} else if (type == RSC_TRACE) {
		const struct fw_rsc_trace *tr = body;

		emit_str(e, "name", (const char *)tr->name);
		emit_hex(e, "da", tr->da);
		emit_hex(e, "len", tr->len);
	} else if (type == RSC_VDEV) {
		const struct fw_rsc_vdev *v = body;

		emit_u64(e, "id", v->id);
		emit_u64(e, "notifyid", v->notifyid);
		emit_hex(e, "dfeatures", v->dfeatures);
		emit_hex(e, "gfeatures", v->gfeatures);
		emit_u64(e, "config_len", v->config_len);
		emit_u64(e, "status", v->status);
		emit_vrings(e, v);
	}
	emit_end(e);
	return 0;
}

void rsc_table_emit(struct emit *e, void *table, size_t len)
{
	emit_begin_array(e, "entries");
	rsc_table_for_each(table, len, emit_entry, e);
	emit_end(e);
}
