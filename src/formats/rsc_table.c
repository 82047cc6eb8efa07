// SPDX-License-Identifier: BSD-2-Clause
/* Resource table validation and walking (layout in rsc_table.h). */
#include "formats/rsc_table.h"

#include <errno.h>
#include <string.h>

#include "common/safe_math.h"

#define RSC_HDR_SIZE   16u /* ver, num, reserved[2] */
#define RSC_TYPE_SIZE  4u  /* struct fw_rsc_hdr before the body */
#define RSC_VRING_SIZE 20u

_Static_assert(sizeof(struct resource_table) == RSC_HDR_SIZE, "resource_table layout");
_Static_assert(sizeof(struct fw_rsc_hdr) == RSC_TYPE_SIZE, "fw_rsc_hdr layout");
_Static_assert(sizeof(struct fw_rsc_carveout) == 52, "fw_rsc_carveout layout");
_Static_assert(sizeof(struct fw_rsc_devmem) == 52, "fw_rsc_devmem layout");
_Static_assert(sizeof(struct fw_rsc_trace) == 44, "fw_rsc_trace layout");
_Static_assert(sizeof(struct fw_rsc_vdev) == 24, "fw_rsc_vdev layout");
_Static_assert(sizeof(struct fw_rsc_vdev_vring) == RSC_VRING_SIZE, "fw_rsc_vdev_vring layout");

const char *rsc_type_name(uint32_t type)
{
	switch (type) {
	case RSC_CARVEOUT:
		return "carveout";
	case RSC_DEVMEM:
		return "devmem";
	case RSC_TRACE:
		return "trace";
	case RSC_VDEV:
		return "vdev";
	default:
		return rsc_type_is_vendor(type) ? "vendor" : "unknown";
	}
}

/* A fixed-size body must lie inside the table, and its name be NUL-terminated. */
static int check_fixed(const uint8_t *t, size_t len, unsigned int idx, uint32_t type, uint32_t off,
		       size_t body_size, size_t name_off, struct rpt_error *err)
{
	uint64_t body = (uint64_t)off + RSC_TYPE_SIZE;

	if (!range_inside(body, body_size, len))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"resource table: entry %u (%s, type %u) at offset 0x%x: %zu-byte body past end of table (%zu bytes)",
			idx, rsc_type_name(type), type, off, body_size, len);
	if (!memchr(t + body + name_off, '\0', RSC_NAME_SIZE))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"resource table: entry %u (%s, type %u) at offset 0x%x: name not NUL-terminated within %u bytes",
			idx, rsc_type_name(type), type, off, RSC_NAME_SIZE);
	return 0;
}

static int check_vdev(const uint8_t *t, size_t len, unsigned int idx, uint32_t off,
		      struct rpt_error *err)
{
	uint64_t body = (uint64_t)off + RSC_TYPE_SIZE;
	uint64_t need;
	uint32_t config_len;
	unsigned int nvrings;

	if (!range_inside(body, sizeof(struct fw_rsc_vdev), len))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"resource table: entry %u (vdev, type %u) at offset 0x%x: %zu-byte body past end of table (%zu bytes)",
			idx, RSC_VDEV, off, sizeof(struct fw_rsc_vdev), len);
	config_len = get_le32(t + body + offsetof(struct fw_rsc_vdev, config_len));
	nvrings = t[body + offsetof(struct fw_rsc_vdev, num_of_vrings)];
	/* At most 24 + 255 * 20 + 0xFFFFFFFF: no 64-bit overflow. */
	need = sizeof(struct fw_rsc_vdev) + (uint64_t)nvrings * RSC_VRING_SIZE + config_len;
	if (!range_inside(body, need, len))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"resource table: entry %u (vdev, type %u) at offset 0x%x: %u vrings + config_len %u past end of table (%zu bytes)",
			idx, RSC_VDEV, off, nvrings, config_len, len);
	return 0;
}

static int check_entry(const uint8_t *t, size_t len, size_t hdr_end, unsigned int idx,
		       struct rpt_error *err)
{
	uint32_t off = get_le32(t + RSC_HDR_SIZE + (size_t)idx * 4);
	uint32_t type;

	if (off < hdr_end)
		return rpt_error_set(
			err, RPT_EFORMAT,
			"resource table: entry %u: offset 0x%x inside the header and offset array (0x%zx bytes)",
			idx, off, hdr_end);
	if (!range_inside(off, RSC_TYPE_SIZE, len))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"resource table: entry %u: offset 0x%x: type header past end of table (%zu bytes)",
			idx, off, len);
	type = get_le32(t + off);
	switch (type) {
	case RSC_CARVEOUT:
		return check_fixed(t, len, idx, type, off, sizeof(struct fw_rsc_carveout),
				   offsetof(struct fw_rsc_carveout, name), err);
	case RSC_DEVMEM:
		return check_fixed(t, len, idx, type, off, sizeof(struct fw_rsc_devmem),
				   offsetof(struct fw_rsc_devmem, name), err);
	case RSC_TRACE:
		return check_fixed(t, len, idx, type, off, sizeof(struct fw_rsc_trace),
				   offsetof(struct fw_rsc_trace, name), err);
	case RSC_VDEV:
		return check_vdev(t, len, idx, off, err);
	default:
		/*
		 * Vendor and unknown entries have no size we know: the type word
		 * being inside is all we can check. Like Linux, they are no reason
		 * to refuse a table: the users skip them (vendor ones go to the
		 * driver), and locating the table needs none of their bytes.
		 */
		return 0;
	}
}

int rsc_table_validate(const void *table, size_t len, struct rpt_error *err)
{
	const uint8_t *t = table;
	uint32_t ver, num, r0, r1;
	size_t hdr_end;
	unsigned int i;
	int ret;

	if (!table)
		return rpt_error_set(err, EINVAL, "resource table: NULL buffer");
	if (len < RSC_HDR_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "resource table: %zu bytes, shorter than its %u-byte header",
				     len, RSC_HDR_SIZE);
	ver = get_le32(t + offsetof(struct resource_table, ver));
	num = get_le32(t + offsetof(struct resource_table, num));
	r0 = get_le32(t + offsetof(struct resource_table, reserved));
	r1 = get_le32(t + offsetof(struct resource_table, reserved) + 4);
	if (ver != RSC_TABLE_VERSION)
		return rpt_error_set(err, RPT_EFORMAT, "resource table: version %u, expected %u",
				     ver, RSC_TABLE_VERSION);
	if (r0 || r1)
		return rpt_error_set(err, RPT_EFORMAT,
				     "resource table: reserved words 0x%x 0x%x, must be zero", r0,
				     r1);
	if (num > RSC_TABLE_MAX_ENTRIES)
		return rpt_error_set(err, RPT_EFORMAT,
				     "resource table: %u entries, more than the %u allowed", num,
				     RSC_TABLE_MAX_ENTRIES);
	/* num <= 256 keeps this small, but stay overflow-safe on any size_t. */
	if (mul_overflow((size_t)num, (size_t)4, &hdr_end) ||
	    add_overflow(hdr_end, (size_t)RSC_HDR_SIZE, &hdr_end) || hdr_end > len)
		return rpt_error_set(
			err, RPT_EFORMAT,
			"resource table: offset array of %u entries past end of table (%zu bytes)",
			num, len);
	for (i = 0; i < num; i++) {
		ret = check_entry(t, len, hdr_end, i, err);
		if (ret)
			return ret;
	}
	return 0;
}

int rsc_table_for_each(void *table, size_t len, rsc_table_visit_fn fn, void *ctx)
{
	uint8_t *t = table;
	size_t hdr_end;
	uint32_t num, off;
	unsigned int i;
	int ret;

	/*
	 * The table was validated; still re-check each entry right before its
	 * visit (no message), in case the caller passes another length or a
	 * callback rewrote a later part of the table.
	 */
	if (!t || !fn || len < RSC_HDR_SIZE)
		return -EINVAL;
	num = get_le32(t + offsetof(struct resource_table, num));
	if (num > RSC_TABLE_MAX_ENTRIES)
		return -RPT_EFORMAT;
	hdr_end = RSC_HDR_SIZE + (size_t)num * 4;
	if (hdr_end > len)
		return -RPT_EFORMAT;
	for (i = 0; i < num; i++) {
		ret = check_entry(t, len, hdr_end, i, NULL);
		if (ret)
			return ret;
		off = get_le32(t + RSC_HDR_SIZE + (size_t)i * 4);
		ret = fn(ctx, i, get_le32(t + off), t + off + RSC_TYPE_SIZE,
			 len - off - RSC_TYPE_SIZE);
		if (ret)
			return ret;
	}
	return 0;
}
