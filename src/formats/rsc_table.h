/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux remoteproc resource table (include/linux/remoteproc.h layout).
 *
 * The structs below describe the on-wire little-endian layout; the project
 * only builds for little-endian hosts (checked at compile time), so they can
 * be used in place on a validated table.
 */
#ifndef RPT_FORMATS_RSC_TABLE_H
#define RPT_FORMATS_RSC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "remoteproc-tee reads little-endian wire formats in place: little-endian hosts only"
#endif

#define RSC_TABLE_SECTION ".resource_table"
#define RSC_TABLE_VERSION 1
#define RSC_NAME_SIZE	  32
#define FW_RSC_ADDR_ANY	  0xFFFFFFFFu
/* More entries than this is not a firmware, it is an attack on our loops. */
#define RSC_TABLE_MAX_ENTRIES 256

enum fw_resource_type {
	RSC_CARVEOUT = 0,
	RSC_DEVMEM = 1,
	RSC_TRACE = 2,
	RSC_VDEV = 3,
	RSC_LAST = 4,
	RSC_VENDOR_START = 128,
	RSC_VENDOR_END = 512,
};

struct resource_table {
	uint32_t ver;	      /* must be 1 */
	uint32_t num;	      /* number of entries */
	uint32_t reserved[2]; /* must be zero */
	uint32_t offset[];    /* byte offset of each entry from the table start */
} __attribute__((packed));

struct fw_rsc_hdr {
	uint32_t type; /* enum fw_resource_type */
	uint8_t data[];
} __attribute__((packed));

struct fw_rsc_carveout {
	uint32_t da;	/* device address, or FW_RSC_ADDR_ANY */
	uint32_t pa;	/* physical address, or FW_RSC_ADDR_ANY */
	uint32_t len;	/* bytes */
	uint32_t flags; /* IOMMU protection flags */
	uint32_t reserved;
	uint8_t name[RSC_NAME_SIZE];
} __attribute__((packed));

struct fw_rsc_devmem {
	uint32_t da;
	uint32_t pa;
	uint32_t len;
	uint32_t flags;
	uint32_t reserved;
	uint8_t name[RSC_NAME_SIZE];
} __attribute__((packed));

struct fw_rsc_trace {
	uint32_t da;  /* device address of the trace buffer */
	uint32_t len; /* bytes */
	uint32_t reserved;
	uint8_t name[RSC_NAME_SIZE];
} __attribute__((packed));

struct fw_rsc_vdev_vring {
	uint32_t da;	   /* device address, written by the host if FW_RSC_ADDR_ANY */
	uint32_t align;	   /* alignment between consumer and producer parts */
	uint32_t num;	   /* number of buffers */
	uint32_t notifyid; /* id the host assigns for kicks */
	uint32_t pa;	   /* physical address (filled by the host) */
} __attribute__((packed));

struct fw_rsc_vdev {
	uint32_t id;	   /* virtio device id (7 = rpmsg) */
	uint32_t notifyid; /* assigned by the host */
	uint32_t dfeatures;
	uint32_t gfeatures;
	uint32_t config_len;
	uint8_t status;
	uint8_t num_of_vrings;
	uint8_t reserved[2];
	struct fw_rsc_vdev_vring vring[];
	/* followed by config_len bytes of config space */
} __attribute__((packed));

/* Callback per entry of a validated table: type, entry body and its size. */
typedef int (*rsc_table_visit_fn)(void *ctx, unsigned int idx, uint32_t type, void *body,
				  size_t body_len);

/*
 * Validate a resource table of `len` bytes: header fits, ver == 1, reserved
 * zero, num <= RSC_TABLE_MAX_ENTRIES, offset array inside, each entry's type
 * header and fixed body inside, a vdev's vrings and config inside, names
 * NUL-terminated. Vendor (RSC_VENDOR_START..RSC_VENDOR_END) and unknown
 * types are accepted with only their type word checked, as Linux skips them:
 * each user decides (rsc_type_is_known) and logs what it skips.
 */
int rsc_table_validate(const void *table, size_t len, struct rpt_error *err);

/*
 * Visit every entry of a table that rsc_table_validate() accepted. body_len is
 * the bytes from the body start to the table end (the callback may rely on the
 * fixed size of its type being available). Stops at the first non-zero return.
 */
int rsc_table_for_each(void *table, size_t len, rsc_table_visit_fn fn, void *ctx);

/* Linux counts the vendor range inclusively: RSC_VENDOR_START <= type <= RSC_VENDOR_END. */
static inline int rsc_type_is_vendor(uint32_t type)
{
	return type >= RSC_VENDOR_START && type <= RSC_VENDOR_END;
}

/* carveout, devmem, trace or vdev: a type whose layout we know. */
static inline int rsc_type_is_known(uint32_t type)
{
	return type < RSC_LAST;
}

/* Short name of a resource type ("carveout", "vdev", "vendor", "unknown"). */
const char *rsc_type_name(uint32_t type);

#endif
