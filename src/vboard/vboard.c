// SPDX-License-Identifier: BSD-2-Clause
/*
 * The board assembly (vboard.h): the board file, one backend chosen from
 * vboard_opts.tee, the processors with their drivers, and teardown.
 */
#include "vboard/vboard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "board/board_dt.h"
#include "coproc/coproc.h"
#include "wire/tee_wire.h"
#include "normal/drivers/stm32_classic_rproc.h"
#include "vboard/vboard_internal.h"

/* The backend of each place the secure world can be: chosen here, once. */
static const struct vboard_backend *const backends[] = {
	[VBOARD_TEE_INPROC] = &vboard_inproc_backend,
	[VBOARD_TEE_SOCKET] = &vboard_socket_backend,
	[VBOARD_TEE_DEV] = &vboard_tee_dev_backend,
};

/* ---- processors ---- */

static void proc_init(struct vboard *vb, struct vboard_proc *p, const struct board_rproc *desc)
{
	p->vb = vb;
	p->desc = desc;
	pthread_mutex_init(&p->lock, NULL);
}

static void proc_destroy(struct vboard_proc *p)
{
	struct rproc *rproc;

	pthread_mutex_lock(&p->lock);
	rproc = p->rproc;
	p->rproc = NULL;
	pthread_mutex_unlock(&p->lock);
	if (p->desc->tee)
		tee_rproc_destroy(rproc);
	else
		stm32_classic_rproc_destroy(rproc);
}

/* The board's coredump mode and inline wait (rproc,coredump*), before any crash can happen. */
static void proc_coredump_defaults(struct vboard_proc *p)
{
	rproc_set_coredump(p->rproc, (enum rproc_dump_mechanism)p->desc->coredump);
	rproc_set_coredump_timeout(p->rproc, p->desc->coredump_timeout_ms);
}

static int procs_create(struct vboard *vb, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vb->num_procs; i++) {
		struct vboard_proc *p = &vb->procs[i];

		ret = vb->backend->proc_create(vb, p, err);
		if (ret) {
			rpt_error_prefix(err, "%s: ", p->desc->name);
			return ret;
		}
		proc_coredump_defaults(p);
	}
	return 0;
}

/* ---- the board ---- */

void vboard_destroy(struct vboard *vb)
{
	unsigned int i;

	if (!vb)
		return;
	/* Processors first (graceful stop through the TA), then the backend, then what they share. */
	for (i = 0; i < vb->num_procs; i++)
		proc_destroy(&vb->procs[i]);
	if (vb->be)
		vb->backend->down(vb);
	for (i = 0; i < vb->num_procs; i++) {
		pthread_mutex_destroy(&vb->procs[i].lock);
	}
	free(vb);
}

/* The loader's search path: opts->firmware_dirs, else opts->firmware_dir, else ".". */
static int set_firmware_path(struct vboard *vb, const struct vboard_opts *opts)
{
	unsigned int i;

	if (!opts->num_firmware_dirs)
		return rproc_fw_dir_loader(&vb->fw_loader, &vb->fw_dir,
					   opts->firmware_dir ? opts->firmware_dir : ".");
	if (opts->num_firmware_dirs > RPROC_FW_DIRS_MAX ||
	    rproc_fw_dir_loader(&vb->fw_loader, &vb->fw_dir, opts->firmware_dirs[0]))
		return -EINVAL;
	for (i = 1; i < opts->num_firmware_dirs; i++)
		if (rproc_fw_dir_add(&vb->fw_dir, opts->firmware_dirs[i]))
			return -EINVAL;
	return 0;
}

int vboard_create(struct vboard **out, const struct vboard_opts *opts, struct rpt_error *err)
{
	struct vboard *vb;
	unsigned int i;
	int ret;

	*out = NULL;
	if ((unsigned int)opts->tee >= sizeof(backends) / sizeof(backends[0]))
		return rpt_error_set(err, EINVAL, "unknown secure-world place %u",
				     (unsigned int)opts->tee);
	vb = calloc(1, sizeof(*vb));
	if (!vb)
		return rpt_error_set(err, ENOMEM, "out of memory");
	vb->opts = *opts;
	vb->backend = backends[opts->tee];
	/* Relative names in the firmware search path; absolute paths (rprocctl's) as given. */
	if (set_firmware_path(vb, opts)) {
		free(vb);
		return rpt_error_set(err, EINVAL, "firmware directory name empty or too long");
	}
	vb->fw_dir.allow_absolute = true;
	ret = board_load_file(&vb->board, opts->board_path, err);
	if (ret) {
		free(vb);
		return ret;
	}
	/* Every processor can take events from here on: a boot loader's firmware runs early. */
	for (i = 0; i < vb->board.num_rprocs; i++, vb->num_procs++)
		proc_init(vb, &vb->procs[i], &vb->board.rprocs[i]);
	ret = vb->backend->up(vb, err);
	if (!ret)
		ret = procs_create(vb, err);
	if (!ret && vb->backend->start)
		ret = vb->backend->start(vb, err);
	if (ret) {
		vboard_destroy(vb);
		return ret;
	}
	*out = vb;
	return 0;
}

/* ---- what callers may look at ---- */

unsigned int vboard_num_procs(const struct vboard *vb)
{
	return vb->num_procs;
}

struct vboard_proc *vboard_proc(struct vboard *vb, unsigned int i)
{
	return i < vb->num_procs ? &vb->procs[i] : NULL;
}

struct rproc *vboard_proc_rproc(const struct vboard_proc *p)
{
	return p->rproc;
}

const struct board_rproc *vboard_proc_desc(const struct vboard_proc *p)
{
	return p->desc;
}

struct virtio_rpmsg *vboard_proc_rpmsg(const struct vboard_proc *p)
{
	return p->rpmsg;
}

unsigned long vboard_proc_kicks(const struct vboard_proc *p)
{
	return __atomic_load_n(&p->kicks, __ATOMIC_RELAXED);
}

struct coproc *vboard_proc_core(const struct vboard_proc *p)
{
	return p->vb->backend->core ? p->vb->backend->core(p) : NULL;
}

struct stm32_ipcc *vboard_proc_ipcc(const struct vboard_proc *p)
{
	return p->vb->backend->ipcc ? p->vb->backend->ipcc(p) : NULL;
}

long vboard_console_read(struct vboard_proc *p, char *buf, size_t size)
{
	struct coproc *core = vboard_proc_core(p);

	if (!core)
		return -EOPNOTSUPP;
	return (long)coproc_console_read(core, buf, size);
}

struct tee_context *vboard_tee(struct vboard *vb)
{
	return vb->tee;
}

const char *vboard_where(const struct vboard *vb)
{
	return vb->where;
}

int vboard_inject_crash(struct vboard_proc *p, enum rproc_crash_type type)
{
	if ((unsigned int)type > RPROC_FATAL_ERROR)
		return -EINVAL;
	if (!p->vb->backend->inject_crash)
		return -EOPNOTSUPP;
	return p->vb->backend->inject_crash(p, type);
}

bool vboard_can_inject_crash(const struct vboard *vb)
{
	return vb->backend->inject_crash != NULL;
}

const uint8_t *vboard_test_secure_view(struct vboard_proc *p, const struct board_memory *m)
{
	return p->vb->backend->secure_view ? p->vb->backend->secure_view(p, m) : NULL;
}

int vboard_parse_tee(const char *spec, enum vboard_tee *tee, const char **path,
		     struct rpt_error *err)
{
	if (spec && !strcmp(spec, "inproc")) {
		*tee = VBOARD_TEE_INPROC;
		*path = NULL;
		return 0;
	}
	/* "socket" alone: rproc-teed at its default path (common/ipc_path.h). */
	if (spec && !strcmp(spec, "socket")) {
		*tee = VBOARD_TEE_SOCKET;
		*path = NULL;
		return 0;
	}
	if (spec && !strncmp(spec, "socket:", 7) && spec[7]) {
		*tee = VBOARD_TEE_SOCKET;
		*path = spec + 7;
		return tee_wire_check_path(*path, err);
	}
	if (spec && !strncmp(spec, "dev:", 4) && spec[4]) {
		*tee = VBOARD_TEE_DEV;
		*path = spec + 4;
		return 0;
	}
	return rpt_error_set(err, EINVAL, "'%s': expected inproc, socket:PATH or dev:PATH",
			     spec ? spec : "");
}
