// SPDX-License-Identifier: BSD-2-Clause
/*
 * The coprocessors' shared memories as rproc-teed hands them out
 * (tee_socket.h): GET_SHM, each memory's memfd mapped here, the whole set
 * mapped again in place after a reconnect (the same addresses, the new
 * daemon's memfds), and the physical address -> pointer lookup.
 */
#include "normal/tee_client/tee_socket_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_math.h"
#include "common/tee_result.h"

static void unregister_set(struct tee_socket *s, struct tee_shm_set *set)
{
	unsigned int i;

	for (i = 0; i < s->num_sets; i++) {
		if (s->sets[i] == set) {
			s->sets[i] = s->sets[--s->num_sets];
			s->sets[s->num_sets] = NULL;
			return;
		}
	}
}

void tee_socket_unmap_shared(struct tee_shm_set *set)
{
	struct tee_socket *s = tee_socket_of(set->ctx);

	/* Not while a reconnect re-maps it. */
	if (s) {
		pthread_mutex_lock(&s->sets_lock);
		unregister_set(s, set);
		pthread_mutex_unlock(&s->sets_lock);
	}
	set->ctx = NULL;
	while (set->num) {
		struct tee_shm_region *r = &set->regions[--set->num];

		munmap(r->addr, r->size);
		memset(r, 0, sizeof(*r));
	}
}

/* Map one memory from its memfd, after checking the file really is that big. */
static int map_region(struct tee_shm_region *r, const struct tee_wire_shm *w, int fd,
		      struct rpt_error *err)
{
	struct stat st;
	void *addr;

	if (fstat(fd, &st) < 0)
		return rpt_error_set(err, errno, "shared memory %s: fstat: %s", w->name,
				     strerror(errno));
	/* Touching a mapping past the file's end faults: the size must really be there. */
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < w->size)
		return rpt_error_set(err, RPT_EFORMAT,
				     "shared memory %s: descriptor of %lld bytes for 0x%x", w->name,
				     (long long)st.st_size, w->size);
	addr = mmap(NULL, w->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED)
		return rpt_error_set(err, errno, "shared memory %s: mmap of 0x%x bytes: %s",
				     w->name, w->size, strerror(errno));
	memcpy(r->name, w->name, sizeof(r->name));
	r->da = w->da;
	r->pa = w->pa;
	r->size = w->size;
	r->addr = addr;
	return 0;
}

static int map_all(struct tee_shm_set *set, const struct tee_wire_msg *reply, const int *fds,
		   struct rpt_error *err)
{
	unsigned int i;
	int ret;

	for (i = 0; i < reply->num_shm; i++) {
		ret = map_region(&set->regions[set->num], &reply->shm[i], fds[i], err);
		if (ret) {
			tee_socket_unmap_shared(set);
			return ret;
		}
		set->num++;
	}
	return 0;
}

/* GET_SHM for rproc_id on the current connection; the reply's descriptors are the caller's. */
static int get_shm(struct tee_socket *s, struct sock_conn *c, uint32_t rproc_id,
		   struct tee_wire_msg *reply, int fds[TEE_WIRE_MAX_FDS], unsigned int *nfds,
		   struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_GET_SHM};
	unsigned int i;
	int ret;

	/* Defined whatever happens below (the analyzers cannot follow decode's guarantees). */
	memset(reply, 0, sizeof(*reply));
	for (i = 0; i < TEE_WIRE_MAX_FDS; i++)
		fds[i] = -1;
	req.rproc_id = rproc_id;
	ret = tee_socket_exchange(s, c, &req, NULL, reply, fds, nfds, err);
	if (ret)
		return ret;
	if (reply->result == TEE_SUCCESS)
		return 0;
	/* decode allows no descriptors on a failure: none to close. */
	return rpt_error_set(err, tee_result_to_err(reply->result),
			     "rproc-teed: shared memories of rproc %u: %s", rproc_id,
			     tee_result_name(reply->result));
}

/* A daemon that came back must share the very same memories, or our addresses mean nothing. */
static int check_same_layout(const struct tee_shm_set *set, const struct tee_wire_msg *reply,
			     struct rpt_error *err)
{
	unsigned int i;

	if (reply->num_shm != set->num)
		return rpt_error_set(err, RPT_EFORMAT,
				     "rproc %u: %u shared memories now, %u before the reconnect",
				     set->rproc_id, reply->num_shm, set->num);
	for (i = 0; i < set->num; i++) {
		const struct tee_shm_region *r = &set->regions[i];
		const struct tee_wire_shm *w = &reply->shm[i];

		if (strcmp(r->name, w->name) || r->da != w->da || r->pa != w->pa ||
		    r->size != w->size)
			return rpt_error_set(
				err, RPT_EFORMAT,
				"rproc %u: shared memory %u is %s (pa 0x%llx, 0x%x bytes) "
				"now, it was %s (pa 0x%llx, 0x%x bytes)",
				set->rproc_id, i, w->name, (unsigned long long)w->pa, w->size,
				r->name, (unsigned long long)r->pa, r->size);
	}
	return 0;
}

/* Put the new daemon's memfd where the old mapping was: every pointer into it stays valid. */
static int remap_region(struct tee_shm_region *r, int fd, struct rpt_error *err)
{
	struct stat st;
	void *addr;

	if (fstat(fd, &st) < 0)
		return rpt_error_set(err, errno, "shared memory %s: fstat: %s", r->name,
				     strerror(errno));
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < r->size)
		return rpt_error_set(err, RPT_EFORMAT,
				     "shared memory %s: descriptor of %lld bytes for 0x%x", r->name,
				     (long long)st.st_size, r->size);
	addr = mmap(r->addr, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (addr == MAP_FAILED)
		return rpt_error_set(err, errno, "shared memory %s: mmap: %s", r->name,
				     strerror(errno));
	return 0;
}

static int remap_set(struct tee_socket *s, struct sock_conn *c, struct tee_shm_set *set,
		     struct rpt_error *err)
{
	struct tee_wire_msg reply;
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int i, nfds;
	int ret;

	ret = get_shm(s, c, set->rproc_id, &reply, fds, &nfds, err);
	if (ret)
		return ret;
	ret = check_same_layout(set, &reply, err);
	for (i = 0; !ret && i < set->num; i++)
		ret = remap_region(&set->regions[i], fds[i], err);
	tee_wire_close_fds(fds, nfds);
	if (ret)
		rpt_error_prefix(err, "rproc-teed at %s: ", s->path);
	return ret;
}

int tee_socket_remap_sets(struct tee_socket *s, struct sock_conn *c, struct rpt_error *err)
{
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&s->sets_lock);
	for (i = 0; i < s->num_sets && !ret; i++)
		ret = remap_set(s, c, s->sets[i], err);
	pthread_mutex_unlock(&s->sets_lock);
	return ret;
}

void tee_socket_detach_sets(struct tee_socket *s)
{
	unsigned int i;

	pthread_mutex_lock(&s->sets_lock);
	for (i = 0; i < s->num_sets; i++)
		s->sets[i]->ctx = NULL;
	s->num_sets = 0;
	pthread_mutex_unlock(&s->sets_lock);
}

int tee_socket_map_shared(struct tee_context *ctx, uint32_t rproc_id, struct tee_shm_set *set,
			  struct rpt_error *err)
{
	struct tee_socket *s = tee_socket_of(ctx);
	struct tee_wire_msg reply;
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int nfds = 0;
	struct sock_conn *c;
	int ret;

	memset(set, 0, sizeof(*set));
	if (!s)
		return rpt_error_set(err, EINVAL, "not a connection to rproc-teed");
	ret = tee_socket_conn_get(s, false, &c, err);
	if (ret)
		return ret;
	/* Held from here: a reconnect on another connection must not miss this set. */
	pthread_mutex_lock(&s->sets_lock);
	if (s->num_sets == TEE_SOCKET_MAX_SETS) {
		ret = rpt_error_set(err, ENOSPC, "already %d shared-memory sets on this context",
				    TEE_SOCKET_MAX_SETS);
		goto out;
	}
	ret = get_shm(s, c, rproc_id, &reply, fds, &nfds, err);
	if (!ret)
		ret = map_all(set, &reply, fds, err);
	/* The mappings keep the memories; the descriptors are not needed any more. */
	tee_wire_close_fds(fds, nfds);
	if (ret)
		goto out;
	set->ctx = ctx;
	set->rproc_id = rproc_id;
	s->sets[s->num_sets++] = set;
out:
	pthread_mutex_unlock(&s->sets_lock);
	tee_socket_conn_put(c);
	return ret;
}

void *tee_shm_set_lookup(void *set, uint64_t pa, size_t size)
{
	struct tee_shm_set *s = set;
	unsigned int i;

	for (i = 0; i < s->num; i++) {
		struct tee_shm_region *r = &s->regions[i];
		void *va = phys_range_ptr(r->addr, r->pa, r->size, pa, size);

		if (va)
			return va;
	}
	return NULL;
}
