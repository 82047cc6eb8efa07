// SPDX-License-Identifier: BSD-2-Clause
/*
 * The board's backend with a real OP-TEE behind the Linux TEE device
 * (vboard.h, VBOARD_TEE_DEV). No emulator and no mailbox: the kernel owns the
 * IPCC on a real board, so a stop is immediate and there is no core to crash.
 * Shared memories are mapped through /dev/mem if allowed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/safe_math.h"
#include "normal/tee_client/tee_dev.h"
#include "vboard/vboard_internal.h"

/* One processor's shared memories, as the kernel driver would ioremap them. */
struct dev_proc {
	const struct board_rproc *desc; /* its board description */
	uint8_t *maps[BOARD_MAX_MEMS];	/* /dev/mem mappings of its shared memories, or NULL */
};

struct dev_board {
	struct tee_context tee;			 /* the TEE device */
	bool tee_up;				 /* tee is open */
	struct dev_proc procs[BOARD_MAX_RPROCS]; /* same index as vb->procs */
};

/* The shared memories at their physical addresses (a secure one is never mapped). */
static void dev_map_shared(struct vboard *vb, struct dev_proc *dp)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned int i;
	int fd;

	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		vb_log(vb, RPT_LOG_WARN,
		       "%s: /dev/mem: %s: shared memories unmapped (no trace, no resource table)",
		       dp->desc->name, strerror(errno));
		return;
	}
	for (i = 0; i < dp->desc->num_mems; i++) {
		const struct board_memory *m = &dp->desc->mems[i];
		void *va;

		if (m->secure || m->pa % (uint64_t)page || m->pa > (uint64_t)INT64_MAX)
			continue;
		va = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m->pa);
		if (va != MAP_FAILED)
			dp->maps[i] = va;
	}
	close(fd);
}

static void *dev_shm_map(void *priv, uint64_t pa, size_t size)
{
	struct dev_proc *dp = priv;
	unsigned int i;

	for (i = 0; i < dp->desc->num_mems; i++) {
		const struct board_memory *m = &dp->desc->mems[i];
		void *va = phys_range_ptr(dp->maps[i], m->pa, m->size, pa, size);

		if (va)
			return va;
	}
	return NULL;
}

static int dev_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	struct dev_board *db = vb->be;
	struct dev_proc *dp = &db->procs[vboard_proc_index(p)];
	struct tee_rproc_config cfg;

	dp->desc = p->desc;
	dev_map_shared(vb, dp);
	vboard_tee_config(vb, p, &cfg);
	cfg.mapper = (struct tee_rproc_shm_mapper){.map = dev_shm_map, .priv = dp};
	/* No mailbox: a stop is immediate, as for a board without one. */
	p->rproc = tee_rproc_create(&cfg, err);
	return vboard_proc_made(p, err);
}

static int dev_up(struct vboard *vb, struct rpt_error *err)
{
	const char *path = vb->opts.tee_path ? vb->opts.tee_path : "/dev/tee0";
	struct dev_board *db;
	int ret;

	db = calloc(1, sizeof(*db));
	if (!db)
		return rpt_error_set(err, ENOMEM, "out of memory");
	vb->be = db;
	ret = vboard_check_remote_board(vb, err);
	if (ret)
		return ret;
	snprintf(vb->where, sizeof(vb->where), "secure world behind the TEE device %s", path);
	ret = tee_dev_init(&db->tee, path, vb->opts.test_tee_dev_sys);
	if (ret)
		return rpt_error_set(err, -ret, "TEE device %s: %s", path,
				     tee_dev_last_error(&db->tee));
	db->tee_up = true;
	vb->tee = &db->tee;
	vb_log(vb, RPT_LOG_INFO,
	       "TEE device %s: no emulator and no mailbox here (the kernel owns the IPCC on a "
	       "real board); this daemon only drives the remoteproc TA",
	       path);
	return 0;
}

static void dev_down(struct vboard *vb)
{
	struct dev_board *db = vb->be;
	unsigned int i, m;

	for (i = 0; i < vb->num_procs; i++)
		for (m = 0; m < BOARD_MAX_MEMS; m++)
			if (db->procs[i].maps[m])
				munmap(db->procs[i].maps[m], db->procs[i].desc->mems[m].size);
	if (db->tee_up)
		tee_finalize(&db->tee);
	vb->tee = NULL;
	free(db);
	vb->be = NULL;
}

/* No inject_crash: there is no emulated core here (vboard_inject_crash says -EOPNOTSUPP). */
const struct vboard_backend vboard_tee_dev_backend = {
	.name = "dev",
	.up = dev_up,
	.proc_create = dev_proc_create,
	.down = dev_down,
};
