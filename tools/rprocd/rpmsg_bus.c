// SPDX-License-Identifier: BSD-2-Clause
/* The rpmsg interfaces on the real bus: virtio_rpmsg's functions, and each processor's bus. */
#include "rpmsg_if.h"
#include "vboard/vboard.h"

static void set_listener(void *bus, const struct virtio_rpmsg_listener *l, void *priv)
{
	virtio_rpmsg_set_listener(bus, l, priv);
}

static struct rpmsg_endpoint *create_ept(void *bus, uint32_t addr, rpmsg_rx_cb cb, void *priv,
					 struct rpt_error *err)
{
	return rpmsg_create_ept(bus, addr, cb, priv, err);
}

static enum virtio_rpmsg_state state(void *bus, char *why, size_t len)
{
	enum virtio_rpmsg_state st = virtio_rpmsg_state(bus);

	if (st == VIRTIO_RPMSG_BROKEN)
		virtio_rpmsg_broken_reason(bus, why, len);
	return st;
}

const struct rpif_bus_ops rpif_virtio_ops = {
	.set_listener = set_listener,
	.create_ept = create_ept,
	.destroy_ept = rpmsg_destroy_ept,
	.ept_addr = rpmsg_ept_addr,
	.sendto = rpmsg_sendto,
	.state = state,
};

int rpif_add_board(struct rpif *f, struct vboard *vb, unsigned int num_procs, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	for (i = 0; i < num_procs; i++) {
		struct vboard_proc *p = vboard_proc(vb, i);
		struct virtio_rpmsg *bus = vboard_proc_rpmsg(p);

		/* A resource table without a vdev: no rpmsg on that processor. */
		if (!bus)
			continue;
		ret = rpif_add_proc(f, vboard_proc_rproc(p)->dev_name, bus, &rpif_virtio_ops, err);
		if (ret)
			return ret;
	}
	return 0;
}
