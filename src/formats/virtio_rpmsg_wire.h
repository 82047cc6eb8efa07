/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bytes of virtio-rpmsg that Linux's virtio_rpmsg_bus, OpenAMP and our
 * firmware agree on (docs/DESIGN.md section 11): the legacy split vring
 * layout, the vdev status bits, the rpmsg header and the name service. Both
 * sides include this: the host's bus (src/normal/rpmsg) and the firmware's
 * rpmsg layer (firmware/lib/rpmsg.c, built freestanding: defines only).
 */
#ifndef RPT_FORMATS_VIRTIO_RPMSG_WIRE_H
#define RPT_FORMATS_VIRTIO_RPMSG_WIRE_H

/* The vdev resource and its status byte (virtio legacy). */
#define VIRTIO_ID_RPMSG		    7u	  /* vdev resource id */
#define VIRTIO_RPMSG_F_NS	    0u	  /* feature bit: name-service announcements */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1u	  /* status: the host saw the device */
#define VIRTIO_CONFIG_S_DRIVER	    2u	  /* status: the host has a driver for it */
#define VIRTIO_CONFIG_S_DRIVER_OK   4u	  /* status: the host's driver is ready */
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40u /* status: the device says it is broken (virtio 1.0) */
#define VIRTIO_CONFIG_S_FAILED	    0x80u /* status: the host gave up on the device */

/* A split vring: desc[num], then avail (flags, idx, ring[num]), then used (aligned). */
#define VRING_DESC_SIZE		   16u	 /* addr u64, len u32, flags u16, next u16 */
#define VRING_DESC_F_NEXT	   1u	 /* the chain goes on in desc.next */
#define VRING_DESC_F_WRITE	   2u	 /* the device writes this buffer */
#define VRING_FLAGS_OFF		   0u	 /* avail.flags, used.flags */
#define VRING_IDX_OFF		   2u	 /* avail.idx, used.idx */
#define VRING_RING_OFF		   4u	 /* avail.ring[] (u16 ids), used.ring[] (elements) */
#define VRING_USED_ELEM_SIZE	   8u	 /* id u32, len u32 */
#define VRING_AVAIL_F_NO_INTERRUPT 1u	 /* avail.flags: the driver wants no kick on used */
#define VRING_USED_F_NO_NOTIFY	   1u	 /* used.flags: the device wants no kick on avail */
#define VRING_NUM_MAX		   1024u /* largest ring either side accepts (a power of two) */

/* rpmsg: a 16-byte header (src, dst, reserved u32; len, flags u16) and the payload. */
#define RPMSG_BUF_SIZE	  512u				    /* Linux RPMSG_BUF_SIZE */
#define RPMSG_HDR_SIZE	  16u				    /* src, dst, reserved, len, flags */
#define RPMSG_MAX_PAYLOAD (RPMSG_BUF_SIZE - RPMSG_HDR_SIZE) /* 496 */
#define RPMSG_ADDR_ANY	  0xFFFFFFFFu			    /* "pick one" */

/* The name service: announcements to address 0x35, name[32], addr u32, flags u32. */
#define RPMSG_NAME_SIZE	 32u
#define RPMSG_NS_ADDR	 53u /* 0x35 */
#define RPMSG_NS_SIZE	 40u
#define RPMSG_NS_CREATE	 0u
#define RPMSG_NS_DESTROY 1u

#endif
