// SPDX-License-Identifier: BSD-2-Clause
/*
 * Resource-table handling (Linux rproc_handle_resources and its handlers):
 * carveouts, devmem, trace buffers and vdevs with their vrings. The table is
 * the firmware's: every address it asks for must lie wholly inside one of the
 * processor's memories, and every field is read once into a local before it
 * is checked and used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "formats/virtio_rpmsg_wire.h"
#include "normal/core/remoteproc_internal.h"

#define RPROC_PAGE_SIZE 0x1000u /* carveouts and vrings are page-aligned, as in Linux */
#define VRING_MAX_NUM                                                                              \
	32768u /* virtio's largest queue size (the table may say; our bus takes VRING_NUM_MAX) */

/* ---- memories ---- */

const struct rproc_memory *rproc_find_memory(struct rproc *rproc, uint32_t da, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < rproc->num_mems; i++)
		if (range_within(da, len, rproc->mems[i].da, rproc->mems[i].size))
			return &rproc->mems[i];
	return NULL;
}

static const struct rproc_memory *memory_by_name(struct rproc *rproc, const char *name)
{
	unsigned int i;

	for (i = 0; i < rproc->num_mems; i++)
		if (!strcmp(rproc->mems[i].name, name))
			return &rproc->mems[i];
	return NULL;
}

void *rproc_da_to_va(struct rproc *rproc, uint32_t da, size_t len)
{
	const struct rproc_memory *mem = NULL;

	if (rproc->ops->da_to_va)
		return rproc->ops->da_to_va(rproc, da, len);
	if (len > UINT32_MAX)
		return NULL;
	mem = rproc_find_memory(rproc, da, (uint32_t)len);
	if (!mem || !mem->va)
		return NULL;
	return (uint8_t *)mem->va + (da - mem->da);
}

/* ---- the list of handled resources ---- */

static struct rproc_rsc *rsc_new(struct rproc *rproc, enum rproc_rsc_kind kind, const char *name)
{
	struct rproc_rsc *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->kind = kind;
	r->notifyid = -1;
	if (name)
		snprintf(r->name, sizeof(r->name), "%s", name);
	r->next = rproc->rsc;
	rproc->rsc = r;
	return r;
}

void rproc_resource_cleanup(struct rproc *rproc)
{
	struct rproc_rsc *r, *next;

	/* Most recent first: the reverse of the order they were handled in. */
	for (r = rproc->rsc; r; r = next) {
		next = r->next;
		free(r);
	}
	rproc->rsc = NULL;
	rproc->nb_vdev = 0;
	rproc->nb_trace = 0;
	rproc->max_notifyid = -1;
	rproc_coredump_cleanup(rproc);
}

static struct rproc_rsc *rsc_find(struct rproc *rproc, enum rproc_rsc_kind kind, unsigned int index)
{
	struct rproc_rsc *r;

	for (r = rproc->rsc; r; r = r->next)
		if (r->kind == kind && r->index == index)
			return r;
	return NULL;
}

static bool mem_claimed(struct rproc *rproc, const struct rproc_memory *mem)
{
	struct rproc_rsc *r;

	for (r = rproc->rsc; r; r = r->next)
		if (r->claims_mem && r->mem == mem)
			return true;
	return false;
}

/* First owned range of mem overlapping [start, start + len), or NULL. */
static const struct rproc_rsc *owned_overlap(struct rproc *rproc, const struct rproc_memory *mem,
					     uint64_t start, uint64_t len)
{
	struct rproc_rsc *r;

	for (r = rproc->rsc; r; r = r->next)
		if (r->owns && r->mem == mem && ranges_overlap(start, len, r->da, r->len))
			return r;
	return NULL;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * Carve len bytes out of a memory for a FW_RSC_ADDR_ANY request, first fit.
 * Memories holding firmware are never handed out, and the vdev<N>* memories
 * are kept for the virtio entries that ask for them by name.
 */
static int alloc_range(struct rproc *rproc, uint32_t len, const struct rproc_memory **out,
		       uint32_t *da)
{
	const struct rproc_rsc *hit;
	unsigned int i;
	uint64_t cand, end;

	for (i = 0; i < rproc->num_mems; i++) {
		const struct rproc_memory *m = &rproc->mems[i];

		if (m->loadable || !strncmp(m->name, "vdev", 4) || mem_claimed(rproc, m))
			continue;
		end = (uint64_t)m->da + m->size;
		cand = align_up(m->da, RPROC_PAGE_SIZE);
		while (cand + len <= end) {
			hit = owned_overlap(rproc, m, cand, len);
			if (!hit) {
				*out = m;
				*da = (uint32_t)cand;
				return 0;
			}
			cand = align_up((uint64_t)hit->da + hit->len, RPROC_PAGE_SIZE);
		}
	}
	return -ENOMEM;
}

/* ---- handlers ---- */

/* What every handler gets: where it is and where to write its reason. */
struct rsc_walk {
	struct rproc *rproc;   /* the processor */
	uint8_t *table;	       /* the table being handled */
	unsigned int idx;      /* entry number, for messages */
	struct rpt_error *err; /* the failure's reason (the walk stops at it) */
};

static void copy_name(char *dst, const uint8_t *src)
{
	memcpy(dst, src, RSC_NAME_SIZE);
	dst[RSC_NAME_SIZE - 1] = '\0';
}

/* Fill in a packed pa field, only if the physical address fits its 32 bits. */
#define SET_PA(field, pa)                                                                          \
	do {                                                                                       \
		if ((pa) <= UINT32_MAX)                                                            \
			(field) = (uint32_t)(pa);                                                  \
	} while (0)

static int handle_carveout(struct rsc_walk *w, struct fw_rsc_carveout *rsc)
{
	struct rproc *rproc = w->rproc;
	const struct rproc_memory *mem = NULL;
	uint32_t da = rsc->da, len = rsc->len, reserved = rsc->reserved;
	char name[RSC_NAME_SIZE];
	struct rproc_rsc *r;
	bool by_name = false;
	uint32_t off;

	copy_name(name, rsc->name);
	if (reserved)
		return rpt_error_set(w->err, EINVAL,
				     "entry %u (carveout \"%s\"): non-zero reserved field", w->idx,
				     name);
	if (!len)
		return rpt_error_set(w->err, EINVAL, "entry %u (carveout \"%s\"): zero length",
				     w->idx, name);
	mem = name[0] ? memory_by_name(rproc, name) : NULL;
	if (mem) {
		by_name = true;
		if (mem_claimed(rproc, mem))
			return rpt_error_set(
				w->err, EBUSY,
				"entry %u (carveout \"%s\"): memory %s is already used by another entry",
				w->idx, name, mem->name);
		if (da == FW_RSC_ADDR_ANY)
			da = mem->da;
		if (!range_within(da, len, mem->da, mem->size))
			return rpt_error_set(
				w->err, RPT_ERANGE,
				"entry %u (carveout \"%s\"): da 0x%x len 0x%x does not fit in memory %s (da 0x%x size 0x%x)",
				w->idx, name, da, len, mem->name, mem->da, mem->size);
	} else if (da != FW_RSC_ADDR_ANY) {
		mem = rproc_find_memory(rproc, da, len);
		if (!mem)
			return rpt_error_set(
				w->err, RPT_ERANGE,
				"entry %u (carveout \"%s\"): da 0x%x len 0x%x is outside every memory of the processor",
				w->idx, name, da, len);
	} else if (alloc_range(rproc, len, &mem, &da)) {
		return rpt_error_set(w->err, ENOMEM,
				     "entry %u (carveout \"%s\"): no free memory for 0x%x bytes",
				     w->idx, name, len);
	}
	r = rsc_new(rproc, RPROC_RSC_CARVEOUT, name);
	if (!r)
		return rpt_error_set(w->err, ENOMEM, "entry %u: out of memory", w->idx);
	off = da - mem->da;
	r->da = da;
	r->len = len;
	r->pa = mem->pa + off;
	r->va = mem->va ? (uint8_t *)mem->va + off : NULL;
	r->mem = mem;
	r->owns = true;
	r->claims_mem = by_name;
	r->rsc_offset = (size_t)((uint8_t *)rsc - w->table);
	rsc->da = da;
	SET_PA(rsc->pa, r->pa);
	return 0;
}

static int handle_devmem(struct rsc_walk *w, struct fw_rsc_devmem *rsc)
{
	uint32_t da = rsc->da, pa = rsc->pa, len = rsc->len, reserved = rsc->reserved;
	const struct rproc_memory *mem = NULL;
	char name[RSC_NAME_SIZE];
	struct rproc_rsc *r;

	copy_name(name, rsc->name);
	if (reserved)
		return rpt_error_set(w->err, EINVAL,
				     "entry %u (devmem \"%s\"): non-zero reserved field", w->idx,
				     name);
	mem = len ? rproc_find_memory(w->rproc, da, len) : NULL;
	if (!mem)
		return rpt_error_set(
			w->err, RPT_ERANGE,
			"entry %u (devmem \"%s\"): da 0x%x len 0x%x is outside every memory of the processor",
			w->idx, name, da, len);
	/* The mapping must be the board's own: no arbitrary host physical range. */
	if (pa != FW_RSC_ADDR_ANY && (uint64_t)pa != mem->pa + (uint64_t)(da - mem->da))
		return rpt_error_set(
			w->err, RPT_ERANGE,
			"entry %u (devmem \"%s\"): pa 0x%x does not match memory %s (da 0x%x is pa 0x%llx)",
			w->idx, name, pa, mem->name, da,
			(unsigned long long)mem->pa + (da - mem->da));
	r = rsc_new(w->rproc, RPROC_RSC_DEVMEM, name);
	if (!r)
		return rpt_error_set(w->err, ENOMEM, "entry %u: out of memory", w->idx);
	r->da = da;
	r->len = len;
	r->pa = mem->pa + (da - mem->da);
	r->mem = mem;
	r->rsc_offset = (size_t)((uint8_t *)rsc - w->table);
	return 0;
}

static int handle_trace(struct rsc_walk *w, struct fw_rsc_trace *rsc)
{
	struct rproc *rproc = w->rproc;
	uint32_t da = rsc->da, len = rsc->len, reserved = rsc->reserved;
	const struct rproc_memory *mem = NULL;
	char name[RSC_NAME_SIZE];
	struct rproc_rsc *r;
	void *va;

	copy_name(name, rsc->name);
	if (reserved)
		return rpt_error_set(w->err, EINVAL,
				     "entry %u (trace \"%s\"): non-zero reserved field", w->idx,
				     name);
	mem = len ? rproc_find_memory(rproc, da, len) : NULL;
	if (!mem)
		return rpt_error_set(
			w->err, RPT_ERANGE,
			"entry %u (trace \"%s\"): da 0x%x len 0x%x is outside every memory of the processor",
			w->idx, name, da, len);
	va = rproc_da_to_va(rproc, da, len);
	r = rsc_new(rproc, RPROC_RSC_TRACE, name);
	if (!r)
		return rpt_error_set(w->err, ENOMEM, "entry %u: out of memory", w->idx);
	/*
	 * Linux registers the trace whatever the mapping and says "not
	 * available" when it is read: a trace in secure memory is no reason to
	 * refuse the firmware. Said once, here.
	 */
	if (!va)
		rproc_log(
			rproc, RPT_LOG_WARN,
			"trace%u \"%s\" at da 0x%x is in memory %s, which the normal world cannot map: not available",
			rproc->nb_trace, name, da, mem->name);
	r->index = rproc->nb_trace++;
	r->da = da;
	r->len = len;
	r->pa = mem->pa + (da - mem->da);
	r->va = va;
	r->mem = mem;
	r->rsc_offset = (size_t)((uint8_t *)rsc - w->table);
	return 0;
}

/* Bytes of a split virtqueue of num entries, page-aligned (Linux vring_size + PAGE_ALIGN). */
static uint64_t vring_bytes(uint32_t num, uint32_t align)
{
	uint64_t head = (uint64_t)VRING_DESC_SIZE * num + 2ull * (3 + num);
	uint64_t used = 2ull * 3 + (uint64_t)VRING_USED_ELEM_SIZE * num;

	return align_up(align_up(head, align) + used, RPROC_PAGE_SIZE);
}

/* Where a vring goes: its vdev<N>vring<M> memory, a fixed da, or a free range. */
static int place_vring(struct rsc_walk *w, unsigned int vdev, unsigned int i, uint32_t da,
		       uint32_t size, const struct rproc_memory **out, uint32_t *out_da,
		       bool *by_name)
{
	struct rproc *rproc = w->rproc;
	const struct rproc_memory *mem = NULL;
	char mname[RPROC_NAME_MAX];

	snprintf(mname, sizeof(mname), "vdev%uvring%u", vdev, i);
	mem = memory_by_name(rproc, mname);
	*by_name = mem != NULL;
	if (mem) {
		if (mem_claimed(rproc, mem))
			return rpt_error_set(
				w->err, EBUSY,
				"entry %u (vdev %u vring %u): memory %s already in use", w->idx,
				vdev, i, mname);
		if (da == FW_RSC_ADDR_ANY)
			da = mem->da;
		if (!range_within(da, size, mem->da, mem->size))
			return rpt_error_set(
				w->err, RPT_ERANGE,
				"entry %u (vdev %u vring %u): da 0x%x, 0x%x bytes, does not fit in memory %s (size 0x%x)",
				w->idx, vdev, i, da, size, mname, mem->size);
	} else if (da != FW_RSC_ADDR_ANY) {
		mem = rproc_find_memory(rproc, da, size);
		if (!mem)
			return rpt_error_set(
				w->err, RPT_ERANGE,
				"entry %u (vdev %u vring %u): da 0x%x, 0x%x bytes, is outside every memory of the processor",
				w->idx, vdev, i, da, size);
	} else if (alloc_range(rproc, size, &mem, &da)) {
		return rpt_error_set(
			w->err, ENOMEM,
			"entry %u (vdev %u vring %u): no %s memory and no free 0x%x bytes", w->idx,
			vdev, i, mname, size);
	}
	*out = mem;
	*out_da = da;
	return 0;
}

static int handle_vring(struct rsc_walk *w, unsigned int vdev, unsigned int i,
			struct fw_rsc_vdev_vring *vr)
{
	uint32_t da = vr->da, align = vr->align, num = vr->num;
	const struct rproc_memory *mem = NULL;
	struct rproc_rsc *r;
	uint64_t size;
	bool by_name;
	int ret;

	if (!num || !align || num > VRING_MAX_NUM || (align & (align - 1)))
		return rpt_error_set(
			w->err, EINVAL,
			"entry %u (vdev %u vring %u): invalid qsz (%u) or alignment (%u)", w->idx,
			vdev, i, num, align);
	size = vring_bytes(num, align);
	if (size > UINT32_MAX)
		return rpt_error_set(w->err, EINVAL, "entry %u (vdev %u vring %u): too large",
				     w->idx, vdev, i);
	ret = place_vring(w, vdev, i, da, (uint32_t)size, &mem, &da, &by_name);
	if (ret || !mem)
		return ret ? ret : -EINVAL;
	r = rsc_new(w->rproc, RPROC_RSC_VRING, NULL);
	if (!r)
		return rpt_error_set(w->err, ENOMEM, "entry %u: out of memory", w->idx);
	snprintf(r->name, sizeof(r->name), "vdev%uvring%u", vdev, i);
	r->index = i;
	r->vdev = vdev;
	r->da = da;
	r->len = (uint32_t)size;
	r->pa = mem->pa + (da - mem->da);
	r->va = mem->va ? (uint8_t *)mem->va + (da - mem->da) : NULL;
	r->mem = mem;
	r->owns = true;
	r->claims_mem = by_name;
	r->notifyid = ++w->rproc->max_notifyid;
	r->num = num;
	r->align = align;
	r->rsc_offset = (size_t)((uint8_t *)vr - w->table);
	/* A fresh virtqueue starts empty (Linux zeroes it before use). */
	if (r->va)
		memset(r->va, 0, size);
	vr->da = da;
	SET_PA(vr->pa, r->pa);
	vr->notifyid = (uint32_t)r->notifyid;
	return 0;
}

static int handle_vdev(struct rsc_walk *w, struct fw_rsc_vdev *rsc)
{
	struct rproc *rproc = w->rproc;
	unsigned int nvrings = rsc->num_of_vrings, vdev = rproc->nb_vdev, i;
	struct rproc_rsc *r;
	int ret;

	if (rsc->reserved[0] || rsc->reserved[1])
		return rpt_error_set(w->err, EINVAL, "entry %u (vdev %u): non-zero reserved bytes",
				     w->idx, vdev);
	if (nvrings > RPROC_MAX_VRINGS)
		return rpt_error_set(w->err, EINVAL,
				     "entry %u (vdev %u): %u vrings, at most %d supported", w->idx,
				     vdev, nvrings, RPROC_MAX_VRINGS);
	r = rsc_new(rproc, RPROC_RSC_VDEV, NULL);
	if (!r)
		return rpt_error_set(w->err, ENOMEM, "entry %u: out of memory", w->idx);
	snprintf(r->name, sizeof(r->name), "vdev%u", vdev);
	r->index = vdev;
	r->rsc_offset = (size_t)((uint8_t *)rsc - w->table);
	rproc->nb_vdev++;
	for (i = 0; i < nvrings; i++) {
		ret = handle_vring(w, vdev, i, &rsc->vring[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Entries we have no handler for, as Linux rproc_handle_resources(): vendor
 * types go to the driver's handle_rsc; what nobody handles is skipped with a
 * warning, never a reason to refuse the firmware.
 */
static int handle_other(struct rsc_walk *w, uint32_t type, void *body, size_t body_len)
{
	struct rproc *rproc = w->rproc;
	struct rpt_error e = {0};
	int ret = RSC_IGNORED;

	if (!rsc_type_is_vendor(type)) {
		rproc_log(rproc, RPT_LOG_WARN, "resource entry %u: unsupported resource %u skipped",
			  w->idx, type);
		return 0;
	}
	if (rproc->ops->handle_rsc)
		ret = rproc->ops->handle_rsc(rproc, type, body,
					     (size_t)((uint8_t *)body - w->table), body_len, &e);
	if (ret < 0)
		return rpt_error_set(w->err, -ret, "entry %u (vendor, type %u): %s", w->idx, type,
				     e.code ? rpt_error_msg(&e) : rpt_strerror(ret));
	if (ret != RSC_HANDLED)
		rproc_log(rproc, RPT_LOG_WARN,
			  "resource entry %u: unsupported vendor resource %u skipped", w->idx,
			  type);
	return 0;
}

static int visit(void *ctx, unsigned int idx, uint32_t type, void *body, size_t body_len)
{
	struct rsc_walk *w = ctx;

	w->idx = idx;
	switch (type) {
	case RSC_CARVEOUT:
		return handle_carveout(w, body);
	case RSC_DEVMEM:
		return handle_devmem(w, body);
	case RSC_TRACE:
		return handle_trace(w, body);
	case RSC_VDEV:
		return handle_vdev(w, body);
	default:
		return handle_other(w, type, body, body_len);
	}
}

int rproc_handle_resources(struct rproc *rproc, struct rpt_error *err)
{
	struct rsc_walk w = {.rproc = rproc, .table = rproc->table_ptr, .err = err};
	int ret;

	if (!rproc->table_ptr)
		return 0; /* a firmware without a resource table needs nothing */
	ret = rsc_table_validate(rproc->table_ptr, rproc->table_sz, err);
	if (ret)
		return ret;
	ret = rsc_table_for_each(rproc->table_ptr, rproc->table_sz, visit, &w);
	if (ret && !err->code)
		rpt_error_set(err, ret, "resource table changed while it was handled");
	return ret;
}

/* ---- users of the resources ---- */

ssize_t rproc_trace_read(struct rproc *rproc, unsigned int idx, char *buf, size_t len)
{
	const struct rproc_rsc *r;
	ssize_t ret;
	size_t n;

	if (!rproc || !buf || !len)
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	r = rsc_find(rproc, RPROC_RSC_TRACE, idx);
	if (!r) {
		ret = -ENOENT;
	} else if (!r->va) {
		/* What Linux's debugfs traceN reads when it cannot map the buffer. */
		ret = snprintf(buf, len, "Trace trace%u not available\n", idx);
		if (ret >= (ssize_t)len)
			ret = (ssize_t)len - 1;
	} else {
		/* The firmware writes it: never trust it to hold a NUL. */
		n = strnlen(r->va, r->len);
		if (n > len - 1)
			n = len - 1;
		memcpy(buf, r->va, n);
		buf[n] = '\0';
		ret = (ssize_t)n;
	}
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

unsigned int rproc_trace_count(struct rproc *rproc)
{
	unsigned int n;

	pthread_mutex_lock(&rproc->lock);
	n = rproc->nb_trace;
	pthread_mutex_unlock(&rproc->lock);
	return n;
}

int rproc_kick(struct rproc *rproc, int vqid)
{
	int ret = 0;

	if (!rproc)
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	if (rproc->state != RPROC_RUNNING && rproc->state != RPROC_ATTACHED)
		ret = -EINVAL;
	else if (vqid < 0 || vqid > rproc->max_notifyid)
		ret = -ENOENT;
	else if (!rproc->ops->kick)
		ret = -EOPNOTSUPP;
	else
		rproc->ops->kick(rproc, vqid);
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

/* The status byte of vdev idx in the table in use, or NULL. */
static uint8_t *vdev_status_ptr(struct rproc *rproc, unsigned int idx)
{
	const struct rproc_rsc *r = rsc_find(rproc, RPROC_RSC_VDEV, idx);
	size_t off;

	if (!r || !rproc->table_ptr)
		return NULL;
	off = r->rsc_offset + offsetof(struct fw_rsc_vdev, status);
	if (off >= rproc->table_sz)
		return NULL;
	return (uint8_t *)rproc->table_ptr + off;
}

int rproc_vdev_get_status(struct rproc *rproc, unsigned int idx, uint8_t *status)
{
	uint8_t *p;
	int ret = 0;

	pthread_mutex_lock(&rproc->lock);
	p = vdev_status_ptr(rproc, idx);
	if (p)
		*status = *p;
	else
		ret = -ENOENT;
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

int rproc_vdev_set_status(struct rproc *rproc, unsigned int idx, uint8_t status)
{
	uint8_t *p;
	int ret = 0;

	pthread_mutex_lock(&rproc->lock);
	p = vdev_status_ptr(rproc, idx);
	if (p)
		*p = status;
	else
		ret = -ENOENT;
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

int rproc_vdev_info(struct rproc *rproc, unsigned int idx, struct rproc_vdev_info *out)
{
	const struct rproc_rsc *vdev = rsc_find(rproc, RPROC_RSC_VDEV, idx);
	const struct rproc_rsc *r;
	char mname[RPROC_NAME_MAX];

	memset(out, 0, sizeof(*out));
	if (!vdev || !rproc->table_ptr || vdev->rsc_offset >= rproc->table_sz ||
	    rproc->table_sz - vdev->rsc_offset < sizeof(struct fw_rsc_vdev))
		return -ENOENT;
	out->rsc = (struct fw_rsc_vdev *)((uint8_t *)rproc->table_ptr + vdev->rsc_offset);
	out->rsc_avail = rproc->table_sz - vdev->rsc_offset;
	for (r = rproc->rsc; r; r = r->next) {
		struct rproc_vring_info *v;

		if (r->kind != RPROC_RSC_VRING || r->vdev != idx || r->index >= RPROC_MAX_VRINGS)
			continue;
		v = &out->vring[r->index];
		v->da = r->da;
		v->va = r->va;
		v->len = r->len;
		v->num = r->num;
		v->align = r->align;
		v->notifyid = r->notifyid;
		if (r->index + 1 > out->num_vrings)
			out->num_vrings = r->index + 1;
	}
	snprintf(mname, sizeof(mname), "vdev%ubuffer", idx);
	out->buffer = memory_by_name(rproc, mname);
	return 0;
}
