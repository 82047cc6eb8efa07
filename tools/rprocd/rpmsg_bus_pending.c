// SPDX-License-Identifier: BSD-2-Clause
/*
 * TEMPORARY, removed when the bus (branch h-bus) is merged: stands for
 * vboard_proc_rpmsg() and the bus functions so that rprocd links meanwhile.
 * No processor has a bus here, so none of the bus functions is ever called.
 */
#include <stdlib.h>

#include "normal/rpmsg/virtio_rpmsg.h"

struct vboard_proc;
struct virtio_rpmsg *vboard_proc_rpmsg(const struct vboard_proc *p);

struct virtio_rpmsg *vboard_proc_rpmsg(const struct vboard_proc *p)
{
	(void)p;
	return NULL;
}

void virtio_rpmsg_set_listener(struct virtio_rpmsg *rp, const struct virtio_rpmsg_listener *l,
			       void *priv)
{
	(void)rp;
	(void)l;
	(void)priv;
	abort();
}

struct rpmsg_endpoint *rpmsg_create_ept(struct virtio_rpmsg *rp, uint32_t addr, rpmsg_rx_cb cb,
					void *priv, struct rpt_error *err)
{
	(void)rp;
	(void)addr;
	(void)cb;
	(void)priv;
	(void)err;
	abort();
}

void rpmsg_destroy_ept(struct rpmsg_endpoint *ept)
{
	(void)ept;
	abort();
}

uint32_t rpmsg_ept_addr(const struct rpmsg_endpoint *ept)
{
	(void)ept;
	abort();
}

int rpmsg_sendto(struct rpmsg_endpoint *ept, uint32_t dst, const void *data, size_t len,
		 unsigned int timeout_ms, struct rpt_error *err)
{
	(void)ept;
	(void)dst;
	(void)data;
	(void)len;
	(void)timeout_ms;
	(void)err;
	abort();
}
