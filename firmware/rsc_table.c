// SPDX-License-Identifier: BSD-2-Clause
/*
 * The firmware's resource table, in the layout of Linux's
 * include/linux/remoteproc.h. The host parser's structs (src/formats/
 * rsc_table.h) use flexible arrays that a static initializer cannot fill,
 * so this file spells out one fixed-shape table; the host test checks it
 * with the host's validator.
 *
 * Entries: the vdev buffer carveout, the trace buffer, and an rpmsg vdev
 * with two vrings the host places (da = FW_RSC_ADDR_ANY).
 */
#include "fw.h"

#define RSC_CARVEOUT 0u
#define RSC_TRACE    2u
#define RSC_VDEV     3u

#define FW_RSC_ADDR_ANY 0xFFFFFFFFu

struct fw_carveout_entry {
	uint32_t type;	   /* RSC_CARVEOUT */
	uint32_t da;	   /* device address */
	uint32_t pa;	   /* physical address (filled by the host if ANY) */
	uint32_t len;	   /* bytes */
	uint32_t flags;	   /* IOMMU flags */
	uint32_t reserved; /* zero */
	char name[32];	   /* NUL-terminated */
};

struct fw_trace_entry {
	uint32_t type;	   /* RSC_TRACE */
	uint32_t da;	   /* device address of the buffer */
	uint32_t len;	   /* bytes */
	uint32_t reserved; /* zero */
	char name[32];	   /* NUL-terminated */
};

struct demo_rsc_table {
	uint32_t ver;	      /* 1 */
	uint32_t num;	      /* entries */
	uint32_t reserved[2]; /* zero */
	uint32_t offset[3];   /* of each entry, from the table start */
	struct fw_carveout_entry vdev_buf;
	struct fw_trace_entry trace;
	struct rpmsg_rsc_vdev vdev;
};

_Static_assert(sizeof(struct fw_carveout_entry) == 4 + 52, "carveout layout");
_Static_assert(sizeof(struct fw_trace_entry) == 4 + 44, "trace layout");
_Static_assert(sizeof(struct demo_rsc_table) == 0xc8, "table size");

__attribute__((section(".resource_table"), used)) struct demo_rsc_table resource_table = {
	.ver = 1,
	.num = 3,
	.offset =
		{
			offsetof(struct demo_rsc_table, vdev_buf),
			offsetof(struct demo_rsc_table, trace),
			offsetof(struct demo_rsc_table, vdev),
		},
	.vdev_buf =
		{
			.type = RSC_CARVEOUT,
			.da = FW_VDEV_BUF_DA,
			.pa = FW_RSC_ADDR_ANY,
			.len = FW_VDEV_BUF_SIZE,
			.name = "vdev0buffer",
		},
	.trace =
		{
			.type = RSC_TRACE,
			.da = (uint32_t)(uintptr_t)trace_buf,
			.len = FW_TRACE_SIZE,
			.name = "trace0",
		},
	.vdev =
		{
			.type = RSC_VDEV,
			.id = VIRTIO_ID_RPMSG,
			.dfeatures = 1u << VIRTIO_RPMSG_F_NS,
			.num_of_vrings = 2,
			.vring =
				{
					{.da = FW_RSC_ADDR_ANY,
					 .align = FW_VRING_ALIGN,
					 .num = FW_VRING_NUM,
					 .notifyid = 0,
					 .pa = 0},
					{.da = FW_RSC_ADDR_ANY,
					 .align = FW_VRING_ALIGN,
					 .num = FW_VRING_NUM,
					 .notifyid = 1,
					 .pa = 0},
				},
		},
};

volatile struct rpmsg_rsc_vdev *fw_rsc_vdev(void)
{
	return &resource_table.vdev;
}
