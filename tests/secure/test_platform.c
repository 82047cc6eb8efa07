// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of the secure platform layer: memories of the STM32MP15 layout,
 * address translation and its edges, segment checks, loading with the hash
 * taken over the copy, signature verification with the reference keys (RSA
 * and ECDSA), rollback protection with its state file, and start/stop through
 * a recording coprocessor double.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "common/file_io.h"
#include "common/tee_result.h"
#include "crypto/crypto.h"
#include "formats/signed_image.h"
#include "secure/platform/platform.h"
#include "secure/ta/rproc_ta.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

/* A board and the platform built on it (the platform points into the board). */
struct fixture {
	struct board board;
	struct platform plat;
	bool plat_up; /* platform_init succeeded and exit is still due */
};

/* ---- helpers ----------------------------------------------------------- */

static struct board_rproc *add_rproc(struct board *b, uint32_t id, bool with_ddr)
{
	struct board_rproc *rp = &b->rprocs[b->num_rprocs++];

	memset(rp, 0, sizeof(*rp));
	rp->id = id;
	snprintf(rp->name, sizeof(rp->name), "m4-%u", id);
	snprintf(rp->compatible, sizeof(rp->compatible), "st,stm32mp1-m4-tee");
	rp->tee = true;
	snprintf(rp->cpu, sizeof(rp->cpu), "cortex-m4");
	board_stm32mp15_layout(rp, with_ddr);
	return rp;
}

static void add_key(struct board_rproc *rp, const char *rel)
{
	snprintf(rp->policy.trusted_keys[rp->policy.num_keys++], BOARD_PATH_MAX, "%s",
		 rpt_vector_path(rel));
}

static const char *tmp_path(const char *name)
{
	static char path[4][512];
	static unsigned int next;
	char *buf = path[next++ % 4];

	snprintf(buf, sizeof(path[0]), "%s/%s", rpt_tmpdir(), name);
	return buf;
}

static void set_state_path(struct board_rproc *rp, const char *name)
{
	snprintf(rp->policy.rollback_state, BOARD_PATH_MAX, "%s", tmp_path(name));
	unlink(rp->policy.rollback_state);
}

static void write_text(const char *path, const char *text)
{
	struct rpt_error err = {0};

	if (rpt_write_file_atomic(path, text, strlen(text), &err))
		fail_msg("%s", rpt_error_msg(&err));
}

static void assert_file_text(const char *path, const char *text)
{
	size_t size;
	uint8_t *data = rpt_slurp(path, &size);

	assert_int_equal(size, strlen(text));
	assert_memory_equal(data, text, size);
	free(data);
}

static void plat_up(struct fixture *f)
{
	struct rpt_error err = {0};

	if (platform_init(&f->plat, &f->board, &err))
		fail_msg("platform_init: %s", rpt_error_msg(&err));
	f->plat_up = true;
}

static void plat_down(struct fixture *f)
{
	if (f->plat_up)
		platform_exit(&f->plat);
	f->plat_up = false;
}

static struct plat_rproc *rproc0(struct fixture *f)
{
	struct plat_rproc *rp = platform_rproc(&f->plat, 0);

	assert_non_null(rp);
	return rp;
}

static void assert_err(const struct rpt_error *err, int code, const char *needle)
{
	assert_int_equal(err->code, code);
	if (!strstr(err->msg, needle))
		fail_msg("message \"%s\" does not contain \"%s\"", err->msg, needle);
}

static bool all_equal(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static unsigned int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->board.model, sizeof(f->board.model), "vstm32mp15-m4-tee");
	add_rproc(&f->board, 0, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	plat_down(f);
	free(f);
	return 0;
}

/* ---- init / exit ------------------------------------------------------- */

static void test_init_maps_every_memory(void **state)
{
	struct fixture *f = *state;
	struct plat_rproc *rp;
	unsigned int i;

	plat_up(f);
	assert_int_equal(f->plat.num_rprocs, 1);
	rp = rproc0(f);
	assert_null(platform_rproc(&f->plat, 1));
	assert_int_equal(rp->num_mems, 7); /* the default layout, with DDR */
	assert_false(rp->running);
	assert_null(rp->coproc);
	for (i = 0; i < rp->num_mems; i++) {
		struct plat_memory *m = &rp->mems[i];
		char link[64], target[128];
		struct stat st;
		ssize_t n;
		int seals;

		assert_ptr_equal(m->desc, &f->board.rprocs[0].mems[i]);
		assert_non_null(m->host);
		assert_true(m->fd >= 0);
		assert_int_equal(fstat(m->fd, &st), 0);
		assert_int_equal(st.st_size, m->desc->size);
		/* Named after the memory, so /proc and the emulator show which is which. */
		snprintf(link, sizeof(link), "/proc/self/fd/%d", m->fd);
		n = readlink(link, target, sizeof(target) - 1);
		assert_true(n > 0);
		target[n] = '\0';
		assert_non_null(strstr(target, m->desc->name));
		/* Whoever gets the fd cannot shrink it under our mapping. */
		seals = fcntl(m->fd, F_GET_SEALS);
		assert_true(seals & F_SEAL_SHRINK);
		assert_true(seals & F_SEAL_GROW);
		assert_int_equal(ftruncate(m->fd, 0), -1);
		/* Zero-filled; the DDR is only sampled (32 MiB). */
		if (m->desc->size <= 256 * KIB)
			assert_true(all_equal(m->host, m->desc->size, 0));
		assert_int_equal(m->host[0], 0);
		assert_int_equal(m->host[m->desc->size - 1], 0);
		/* Writable over the whole range. */
		m->host[0] = 0x5a;
		m->host[m->desc->size - 1] = 0xa5;
	}
	assert_string_equal(rp->mems[5].desc->name, "ipc-shmem");
	assert_false(rp->mems[5].desc->secure);
	assert_true(board_memory_by_name(rp->desc, "mcuram2")->secure);
	assert_string_equal(rp->mems[6].desc->name, "ddr");
	assert_int_equal(rp->mems[6].desc->size, 32 * MIB);
	assert_int_equal(rp->mems[6].desc->da, 0x90000000u);

	plat_down(f);
	assert_int_equal(f->plat.num_rprocs, 0);
	assert_null(platform_rproc(&f->plat, 0));
}

static void test_init_fresh_memory_after_exit(void **state)
{
	struct fixture *f = *state;

	plat_up(f);
	plat_da_to_va(rproc0(f), 0x100, 1)[0] = 0x77;
	plat_down(f);
	plat_up(f);
	assert_int_equal(plat_da_to_va(rproc0(f), 0x100, 1)[0], 0);
}

/* The memfd's contents are discarded at exit, also for another holder of the fd. */
static void test_exit_discards_contents_for_fd_holders(void **state)
{
	struct fixture *f = *state;
	struct plat_rproc *rp;
	uint8_t byte = 0xff;
	int dup_fd;

	plat_up(f);
	rp = rproc0(f);
	plat_da_to_va(rp, 0x10, 1)[0] = 0x42;
	dup_fd = dup(rp->mems[0].fd);
	assert_true(dup_fd >= 0);
	assert_int_equal(pread(dup_fd, &byte, 1, 0x10), 1);
	assert_int_equal(byte, 0x42);
	plat_down(f);
	assert_int_equal(pread(dup_fd, &byte, 1, 0x10), 1);
	assert_int_equal(byte, 0);
	close(dup_fd);
}

static void test_init_two_rprocs(void **state)
{
	struct fixture *f = *state;
	struct plat_rproc *a, *b;

	add_rproc(&f->board, 7, false);
	plat_up(f);
	assert_int_equal(f->plat.num_rprocs, 2);
	a = platform_rproc(&f->plat, 0);
	b = platform_rproc(&f->plat, 7);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(b->num_mems, 6);
	/* Separate memories: writing one coprocessor's RETRAM leaves the other's alone. */
	plat_da_to_va(a, 0, 1)[0] = 1;
	assert_int_equal(plat_da_to_va(b, 0, 1)[0], 0);
}

/* Refuse a board, check the message and that nothing stayed open. */
static void expect_init_failure(struct fixture *f, int code, const char *needle)
{
	struct rpt_error err = {0};
	unsigned int fds = count_fds();

	assert_int_equal(platform_init(&f->plat, &f->board, &err), -code);
	assert_err(&err, -code, needle);
	assert_int_equal(f->plat.num_rprocs, 0);
	assert_int_equal(count_fds(), fds);
}

static void test_init_refuses_bad_boards(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *rp = &f->board.rprocs[0];
	struct board_rproc saved = *rp;

	rp->mems[3].da = 0x1003F000; /* vdev0vring1 over the end of mcuram2 */
	expect_init_failure(f, EINVAL, "overlaps memory mcuram2");
	*rp = saved;
	rp->mems[1].size = 0;
	expect_init_failure(f, EINVAL, "memory mcuram2: size 0");
	*rp = saved;
	rp->mems[5].da = 0xFFFFF000; /* DDR running past the top of the address space */
	expect_init_failure(f, EINVAL, "runs past 0xffffffff");
	*rp = saved;
	rp->mems[5].pa = UINT64_MAX - 10;
	expect_init_failure(f, EINVAL, "physical range");
	*rp = saved;
	rp->num_mems = BOARD_MAX_MEMS + 1;
	expect_init_failure(f, EINVAL, "memories");
	*rp = saved;
	add_rproc(&f->board, 0, false);
	expect_init_failure(f, EINVAL, "id used twice");
}

/* A failure in the second rproc unwinds the first one too. */
static void test_init_failure_unwinds(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *second = add_rproc(&f->board, 1, true);

	add_key(&f->board.rprocs[0], "keys/rsa2048.pub.pem");
	add_key(second, "keys/ecp256.pub.pem");
	add_key(second, "keys/no-such-key.pub.pem");
	expect_init_failure(f, ENOENT, "no-such-key.pub.pem");
}

static void test_init_refuses_non_key_file(void **state)
{
	struct fixture *f = *state;

	struct rpt_error err = {0};
	unsigned int fds = count_fds();

	add_key(&f->board.rprocs[0], "keys/keyinfo.bin");
	assert_true(platform_init(&f->plat, &f->board, &err) < 0);
	assert_true(err.code < 0);
	assert_non_null(strstr(err.msg, "rproc 0 (m4-0): trusted key 0: "));
	assert_non_null(strstr(err.msg, "keyinfo.bin"));
	assert_int_equal(f->plat.num_rprocs, 0);
	assert_int_equal(count_fds(), fds);
}

/* ---- address translation ----------------------------------------------- */

static void test_translation_every_memory(void **state)
{
	struct fixture *f = *state;
	struct plat_rproc *rp;
	unsigned int i;

	plat_up(f);
	rp = rproc0(f);
	for (i = 0; i < rp->num_mems; i++) {
		const struct board_memory *d = rp->mems[i].desc;
		uint8_t *host = rp->mems[i].host;
		uint32_t last = d->da + d->size - 1;
		uint64_t pa = 0;

		assert_ptr_equal(plat_find_memory(rp, d->da, d->size), &rp->mems[i]);
		assert_ptr_equal(plat_da_to_va(rp, d->da, d->size), host);
		assert_ptr_equal(plat_da_to_va(rp, d->da + 0x10, 0x20), host + 0x10);
		/* Last byte fine, one byte more refused (whatever lies beyond). */
		assert_ptr_equal(plat_da_to_va(rp, last, 1), host + d->size - 1);
		assert_null(plat_da_to_va(rp, d->da, d->size + 1));
		assert_null(plat_da_to_va(rp, last, 2));
		assert_null(plat_find_memory(rp, last, 2));

		assert_int_equal(plat_da_to_pa(rp, d->da, d->size, &pa, NULL), 0);
		assert_int_equal(pa, d->pa);
		assert_int_equal(plat_da_to_pa(rp, last, 1, &pa, NULL), 0);
		assert_int_equal(pa, d->pa + d->size - 1);
		pa = 0x1234;
		assert_int_equal(plat_da_to_pa(rp, last, 2, &pa, NULL), -RPT_ERANGE);
		assert_int_equal(pa, 0x1234);

		assert_int_equal(plat_da_is_shared(rp, d->da, d->size), !d->secure);
	}
	/* RETRAM: device address 0 is physical 0x38000000. */
	{
		uint64_t pa = 0;

		assert_int_equal(plat_da_to_pa(rp, 0x100, 4, &pa, NULL), 0);
		assert_int_equal(pa, 0x38000100u);
		assert_int_equal(plat_da_to_pa(rp, 0x90000010, 4, &pa, NULL), 0);
		assert_int_equal(pa, 0xC0000010u);
	}
}

static void test_translation_refuses_spans_gaps_and_wrap(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	struct plat_rproc *rp;
	uint64_t pa;

	plat_up(f);
	rp = rproc0(f);
	/* Adjacent memories: mcuram2 | vdev0vring0 | vdev0vring1 | vdev0buffer | ipc-shmem. */
	assert_null(plat_da_to_va(rp, 0x1003FFFF, 2));
	assert_null(plat_da_to_va(rp, 0x10040FFF, 2));
	assert_null(plat_da_to_va(rp, 0x10041FFF, 2));
	assert_null(plat_da_to_va(rp, 0x10045FFF, 2));
	assert_null(plat_da_to_va(rp, 0x10000000, 0x42000));
	assert_non_null(plat_da_to_va(rp, 0x10040000, 0x1000));
	assert_false(plat_da_is_shared(rp, 0x1003FFFF, 2));
	/* Gaps between memories and above them. */
	assert_null(plat_da_to_va(rp, 0x10000, 1));    /* just past RETRAM */
	assert_null(plat_da_to_va(rp, 0x10050000, 1)); /* just past ipc-shmem */
	assert_null(plat_da_to_va(rp, 0x92000000, 1)); /* just past DDR */
	assert_null(plat_da_to_va(rp, 0x20000000, 0x10));
	/* Wrap: in 32-bit arithmetic 0x10 + 0xFFFFFFF8 is 0x8, inside RETRAM. */
	assert_null(plat_da_to_va(rp, 0x10, 0xFFFFFFF8));
	assert_null(plat_da_to_va(rp, 0xFFFFFFFF, 1));
	assert_null(plat_da_to_va(rp, 0xFFFFFFFF, 0xFFFFFFFF));
	assert_null(plat_da_to_va(rp, 0x90000000, 0xFFFFFFFF));
	assert_false(plat_da_is_shared(rp, 0x10000010, 0xFFFFFFF8));

	assert_int_equal(plat_da_to_pa(rp, 0x1003FFF0, 0x20, &pa, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "0x1003fff0");
	assert_err(&err, -RPT_ERANGE, "mcuram2");
	rpt_error_clear(&err);
	assert_int_equal(plat_da_to_pa(rp, 0x20000000, 4, &pa, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "outside every memory");
	rpt_error_clear(&err);
	assert_int_equal(plat_da_to_pa(rp, 0x90000000, 0xFFFFFFFF, &pa, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "wraps");
}

/* A memory that ends exactly at the top of the 32-bit space. */
static void test_translation_top_of_address_space(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *brp = &f->board.rprocs[0];
	struct board_memory *top = &brp->mems[brp->num_mems++];
	struct plat_rproc *rp;
	uint64_t pa = 0;

	snprintf(top->name, sizeof(top->name), "top");
	top->da = 0xFFFFF000;
	top->pa = 0x1FFFFF000ull;
	top->size = 0x1000;
	top->loadable = true;
	plat_up(f);
	rp = rproc0(f);
	assert_non_null(plat_da_to_va(rp, 0xFFFFF000, 0x1000));
	assert_non_null(plat_da_to_va(rp, 0xFFFFFFFF, 1));
	assert_null(plat_da_to_va(rp, 0xFFFFFFFF, 2));
	assert_null(plat_da_to_va(rp, 0xFFFFF000, 0x1001));
	assert_int_equal(plat_da_to_pa(rp, 0xFFFFFFFF, 1, &pa, NULL), 0);
	assert_int_equal(pa, 0x1FFFFFFFFull);
	assert_int_equal(plat_check_segment(rp, 0xFFFFFF00, 0x100, NULL), 0);
	assert_int_equal(plat_check_segment(rp, 0xFFFFFF00, 0x101, NULL), -RPT_ERANGE);
}

/*
 * Size 0 (documented in platform.h): the position da must be a byte of a
 * memory. The end of a memory that borders a gap is refused; the end of one
 * that borders another memory is the start of that one.
 */
static void test_translation_size_zero(void **state)
{
	struct fixture *f = *state;
	struct plat_rproc *rp;
	uint64_t pa = 0;

	plat_up(f);
	rp = rproc0(f);
	assert_ptr_equal(plat_da_to_va(rp, 0x0, 0), rp->mems[0].host);
	assert_ptr_equal(plat_da_to_va(rp, 0xFFFF, 0), rp->mems[0].host + 0xFFFF);
	assert_null(plat_da_to_va(rp, 0x10000, 0));
	assert_null(plat_da_to_va(rp, 0x10050000, 0));
	assert_null(plat_da_to_va(rp, 0xFFFFFFFF, 0));
	assert_ptr_equal(plat_find_memory(rp, 0x10040000, 0), &rp->mems[2]);
	assert_int_equal(plat_da_to_pa(rp, 0x10, 0, &pa, NULL), 0);
	assert_int_equal(pa, 0x38000010u);
	assert_int_equal(plat_check_segment(rp, 0x10000, 0, NULL), -RPT_ERANGE);
	assert_int_equal(plat_check_segment(rp, 0x100, 0, NULL), 0);
	assert_int_equal(plat_set_memory(rp, 0x10000, 0, 0xff, NULL), -RPT_ERANGE);
}

/* ---- segments ---------------------------------------------------------- */

static void test_check_segment(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	plat_up(f);
	rp = rproc0(f);
	assert_int_equal(plat_check_segment(rp, 0x0, 64 * KIB, &err), 0);
	assert_int_equal(plat_check_segment(rp, 0x10000000, 256 * KIB, &err), 0);
	assert_int_equal(plat_check_segment(rp, 0x90C00000, MIB, &err), 0);
	assert_int_equal(err.code, 0);

	/* The vdev memories are declared but take no firmware. */
	assert_int_equal(plat_check_segment(rp, 0x10042000, 0x100, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "vdev0buffer");
	assert_err(&err, -RPT_ERANGE, "0x10042000");
	rpt_error_clear(&err);
	assert_int_equal(plat_check_segment(rp, 0x10040000, 0x10, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "vdev0vring0");
	rpt_error_clear(&err);

	assert_int_equal(plat_check_segment(rp, 0x20000000, 0x100, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "segment [0x20000000, +0x100)");
	rpt_error_clear(&err);
	assert_int_equal(plat_check_segment(rp, 0xFFF0, 0x20, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "retram");
	rpt_error_clear(&err);
	/* Loadable mcuram2 followed by non-loadable vring0: a segment across both. */
	assert_int_equal(plat_check_segment(rp, 0x1003FF00, 0x200, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "mcuram2");
	rpt_error_clear(&err);
	assert_int_equal(plat_check_segment(rp, 0x10, 0xFFFFFFF8, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "wraps");
}

static void fill_pattern(uint8_t *buf, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)(seed + i * 7);
}

static void test_load_segment_success(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	uint8_t src[4096], hash[32];
	const size_t n = 3000;
	struct plat_rproc *rp;
	uint8_t *mem;

	plat_up(f);
	rp = rproc0(f);
	fill_pattern(src, sizeof(src), 3);
	assert_int_equal(crypto_sha256(src, n, hash), 0);
	assert_int_equal(plat_load_segment(rp, 0x200, src, n, hash, &err), 0);
	assert_int_equal(err.code, 0);
	mem = plat_da_to_va(rp, 0, 64 * KIB);
	assert_memory_equal(mem + 0x200, src, n);
	/* Nothing written around it. */
	assert_true(all_equal(mem, 0x200, 0));
	assert_true(all_equal(mem + 0x200 + n, 64 * KIB - 0x200 - n, 0));

	/* Into DDR, and an empty segment (hash of nothing) at a valid position. */
	assert_int_equal(plat_load_segment(rp, 0x91FFF000, src, 0x1000 - 8, hash, &err),
			 -RPT_EHASH);
	rpt_error_clear(&err);
	assert_int_equal(crypto_sha256(src, 0x1000 - 8, hash), 0);
	assert_int_equal(plat_load_segment(rp, 0x91FFF000, src, 0x1000 - 8, hash, &err), 0);
	assert_memory_equal(plat_da_to_va(rp, 0x91FFF000, 0x1000 - 8), src, 0x1000 - 8);
	assert_int_equal(crypto_sha256(NULL, 0, hash), 0);
	assert_int_equal(plat_load_segment(rp, 0x10001000, NULL, 0, hash, &err), 0);
}

static void test_load_segment_refuses_bad_places(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	uint8_t src[64] = {1}, hash[32];
	struct plat_rproc *rp;

	plat_up(f);
	rp = rproc0(f);
	assert_int_equal(crypto_sha256(src, sizeof(src), hash), 0);
	assert_int_equal(plat_load_segment(rp, 0x10042000, src, sizeof(src), hash, &err),
			 -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "vdev0buffer");
	assert_true(all_equal(plat_da_to_va(rp, 0x10042000, sizeof(src)), sizeof(src), 0));
	rpt_error_clear(&err);
	assert_int_equal(plat_load_segment(rp, 0xFFE0, src, sizeof(src), hash, &err), -RPT_ERANGE);
	assert_true(all_equal(plat_da_to_va(rp, 0xFFE0, 0x20), 0x20, 0));
}

static void test_load_segment_wrong_hash_wipes(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	uint8_t src[4096], hash[32];
	struct plat_rproc *rp;
	uint8_t *mem;

	plat_up(f);
	rp = rproc0(f);
	fill_pattern(src, sizeof(src), 9);
	assert_int_equal(crypto_sha256(src, sizeof(src), hash), 0);
	hash[31] ^= 1;
	/* Memory holding older bytes: after the refusal it is zero, not the old content. */
	assert_int_equal(plat_set_memory(rp, 0x10000000, 0x2000, 0xAA, &err), 0);
	assert_int_equal(plat_load_segment(rp, 0x10000800, src, sizeof(src), hash, &err),
			 -RPT_EHASH);
	assert_err(&err, -RPT_EHASH, "0x10000800");
	mem = plat_da_to_va(rp, 0x10000000, 0x2000);
	assert_true(all_equal(mem, 0x800, 0xAA));
	assert_true(all_equal(mem + 0x800, sizeof(src), 0));
	assert_true(all_equal(mem + 0x800 + sizeof(src), 0x800, 0xAA));
}

/* The bytes given differ from what the signed hash says: refused and wiped. */
static void test_load_segment_src_differs_from_hash(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	uint8_t signed_bytes[512], src[512], hash[32];
	struct plat_rproc *rp;

	plat_up(f);
	rp = rproc0(f);
	fill_pattern(signed_bytes, sizeof(signed_bytes), 1);
	assert_int_equal(crypto_sha256(signed_bytes, sizeof(signed_bytes), hash), 0);
	memcpy(src, signed_bytes, sizeof(src));
	src[100] ^= 0x80; /* one bit of unsigned code */
	assert_int_equal(plat_load_segment(rp, 0x0, src, sizeof(src), hash, &err), -RPT_EHASH);
	assert_true(all_equal(plat_da_to_va(rp, 0, sizeof(src)), sizeof(src), 0));
}

/*
 * A source buffer that another party keeps changing (shared memory): whatever
 * the interleaving, a success means the bytes IN coprocessor memory hash to
 * the signed value, and a failure leaves zeros. A loader that hashed the
 * source instead of its copy would sooner or later accept a copy that does not
 * match. (No timing is asserted: only what must hold on every iteration.)
 */
struct flipper {
	volatile uint8_t *byte; /* the byte of the source that keeps changing */
	int stop;		/* set (atomically) to end the thread */
	unsigned long flips;	/* changes made so far (atomically) */
};

/*
 * Put the flipper and the loader on two different CPUs when there are two:
 * sharing one CPU they would take turns and rarely overlap within a load.
 */
static bool pin_apart(pthread_t flipper, cpu_set_t *saved)
{
	cpu_set_t mine, other;
	int cpu, first = -1, second = -1;

	if (pthread_getaffinity_np(pthread_self(), sizeof(*saved), saved))
		return false;
	for (cpu = 0; cpu < CPU_SETSIZE && second < 0; cpu++) {
		if (!CPU_ISSET(cpu, saved))
			continue;
		if (first < 0)
			first = cpu;
		else
			second = cpu;
	}
	if (second < 0)
		return false;
	CPU_ZERO(&mine);
	CPU_SET(first, &mine);
	CPU_ZERO(&other);
	CPU_SET(second, &other);
	pthread_setaffinity_np(flipper, sizeof(other), &other);
	pthread_setaffinity_np(pthread_self(), sizeof(mine), &mine);
	return true;
}

static void *flip_thread(void *arg)
{
	struct flipper *fl = arg;
	uint8_t v = 0;

	while (!__atomic_load_n(&fl->stop, __ATOMIC_RELAXED)) {
		*fl->byte = v;
		v ^= 0x01;
		__atomic_fetch_add(&fl->flips, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* One load under the flipper; false if it broke the rule above. */
static bool load_keeps_rule(struct plat_rproc *rp, const uint8_t *src, size_t n,
			    const uint8_t hash[32])
{
	struct rpt_error err = {0};
	uint8_t *mem = plat_da_to_va(rp, 0x1000, n);
	uint8_t got[32];
	int ret = plat_load_segment(rp, 0x1000, src, n, hash, &err);

	if (ret == -RPT_EHASH)
		return all_equal(mem, n, 0);
	if (ret || crypto_sha256(mem, n, got))
		return false;
	return !memcmp(got, hash, sizeof(got));
}

static void test_load_segment_hashes_the_copy(void **state)
{
	struct fixture *f = *state;
	static uint8_t src[2048];
	struct flipper fl = {.byte = &src[1024]};
	unsigned int loads = 0, broken = 0;
	struct plat_rproc *rp;
	uint8_t hash[32];
	cpu_set_t saved;
	bool pinned;
	pthread_t th;

	plat_up(f);
	rp = rproc0(f);
	fill_pattern(src, sizeof(src), 5);
	src[1024] = 0;
	assert_int_equal(crypto_sha256(src, sizeof(src), hash), 0);
	assert_int_equal(pthread_create(&th, NULL, flip_thread, &fl), 0);
	pinned = pin_apart(th, &saved);
	/*
	 * Enough loads, and enough of them with the flipper really running
	 * alongside (on a busy machine it may start late); bounded either way.
	 */
	while (loads < 200000 &&
	       (loads < 20000 || __atomic_load_n(&fl.flips, __ATOMIC_RELAXED) < 1000000)) {
		if (!load_keeps_rule(rp, src, sizeof(src), hash))
			broken++;
		loads++;
	}
	/* The thread is joined before any assertion can leave this function. */
	__atomic_store_n(&fl.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	if (pinned)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	if (broken)
		fail_msg("%u of %u loads under a changing source broke the rule", broken, loads);
}

static void test_set_memory(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	struct plat_rproc *rp;
	uint8_t *mem;

	plat_up(f);
	rp = rproc0(f);
	/* Any memory of the board, loadable or not. */
	assert_int_equal(plat_set_memory(rp, 0x10042000, 16 * KIB, 0x11, &err), 0);
	assert_true(all_equal(plat_da_to_va(rp, 0x10042000, 16 * KIB), 16 * KIB, 0x11));
	assert_int_equal(plat_set_memory(rp, 0x10, 0x20, 0xEE, &err), 0);
	mem = plat_da_to_va(rp, 0, 0x40);
	assert_true(all_equal(mem, 0x10, 0));
	assert_true(all_equal(mem + 0x10, 0x20, 0xEE));
	assert_true(all_equal(mem + 0x30, 0x10, 0));
	assert_int_equal(plat_set_memory(rp, 0x10045000, 0x2000, 0, &err), -RPT_ERANGE);
	assert_err(&err, -RPT_ERANGE, "vdev0buffer");
	assert_true(all_equal(plat_da_to_va(rp, 0x10045000, 0x1000), 0x1000, 0x11));
}

/*
 * Item 4 of issue 11: every secure memory is wiped whole (what the firmware
 * wrote at run time too, seen through any mapping of the memory), and shared
 * memory is left to its owner.
 */
static void test_wipe_secure_whole(void **state)
{
	struct fixture *f = *state;
	struct plat_rproc *rp;
	unsigned int i;
	uint8_t *other[BOARD_MAX_MEMS];

	plat_up(f);
	rp = rproc0(f);
	for (i = 0; i < rp->num_mems; i++) {
		/* Another holder of the memory, as the emulated core is. */
		other[i] = mmap(NULL, rp->mems[i].desc->size, PROT_READ | PROT_WRITE, MAP_SHARED,
				rp->mems[i].fd, 0);
		assert_true(other[i] != MAP_FAILED);
		memset(other[i], 0x5A, rp->mems[i].desc->size);
	}
	plat_wipe_secure(rp, NULL, 0);
	for (i = 0; i < rp->num_mems; i++) {
		const struct board_memory *m = rp->mems[i].desc;
		uint8_t want = m->secure ? 0 : 0x5A;

		if (!all_equal(rp->mems[i].host, m->size, want) ||
		    !all_equal(other[i], m->size, want))
			fail_msg("memory %s (%s) not %s", m->name, m->secure ? "secure" : "shared",
				 m->secure ? "wiped whole" : "left alone");
		munmap(other[i], m->size);
	}
	assert_true(board_memory_by_name(rp->desc, "mcuram2")->secure);
}

/*
 * Issue 12 item 7: RELEASE keeps the pages the load wrote (zeroed in place) so
 * the next load writes into existing pages; every other page of a secure
 * memory is still given back, and every byte reads zero for every holder.
 */
static void test_wipe_secure_keeps_loaded_pages(void **state)
{
	struct fixture *f = *state;
	const long page = sysconf(_SC_PAGESIZE);
	struct plat_rproc *rp;
	struct plat_memory *ddr;
	unsigned char vec[8];
	uint8_t *other;
	uint32_t size;

	plat_up(f);
	rp = rproc0(f);
	ddr = &rp->mems[6];
	size = ddr->desc->size;
	assert_true(ddr->desc->secure);
	other = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ddr->fd, 0);
	assert_true(other != MAP_FAILED);
	/* Pages 0..7 and page 64 written; the load wrote [page 1 + 100, +3 pages). */
	memset(other, 0x5A, 8 * (size_t)page);
	memset(other + 64 * page, 0x5A, (size_t)page);
	plat_wipe_secure(
		rp, &(struct plat_range){ddr->desc->da + (uint32_t)page + 100, 3 * (uint32_t)page},
		1);
	/*
	 * Kept (pages 1 to 4, partly or wholly loaded), given back (0, 5 to 7, 64).
	 * Asked before reading: reading a hole of a shared mapping allocates a page.
	 */
	assert_int_equal(mincore(ddr->host, 8 * (size_t)page, vec), 0);
	assert_int_equal(vec[0] & 1, 0);
	assert_int_equal(vec[1] & 1, 1);
	assert_int_equal(vec[2] & 1, 1);
	assert_int_equal(vec[3] & 1, 1);
	assert_int_equal(vec[4] & 1, 1);
	assert_int_equal(vec[5] & 1, 0);
	assert_int_equal(mincore(ddr->host + 64 * page, (size_t)page, vec), 0);
	assert_int_equal(vec[0] & 1, 0);
	assert_true(all_equal(ddr->host, size, 0));
	assert_true(all_equal(other, size, 0));
	munmap(other, size);
}

/* A segment of several copy-and-hash chunks: loaded whole, or wiped whole. */
static void test_load_segment_in_chunks(void **state)
{
	struct fixture *f = *state;
	const uint32_t n = 3 * 64 * KIB + 1234;
	struct rpt_error err = {0};
	struct plat_rproc *rp;
	uint8_t hash[32];
	uint8_t *src = malloc(n);

	assert_non_null(src);
	plat_up(f);
	rp = rproc0(f);
	fill_pattern(src, n, 9);
	assert_int_equal(crypto_sha256(src, n, hash), 0);
	assert_int_equal(plat_load_segment(rp, 0x90001000, src, n, hash, &err), 0);
	assert_memory_equal(plat_da_to_va(rp, 0x90001000, n), src, n);
	/* A byte of the last, short chunk differs from what was signed. */
	src[n - 1] ^= 1;
	assert_int_equal(plat_load_segment(rp, 0x90001000, src, n, hash, &err), -RPT_EHASH);
	assert_true(all_equal(plat_da_to_va(rp, 0x90001000, n), n, 0));
	free(src);
}

/* ---- signature --------------------------------------------------------- */

/* A reference signed image, with what the TA would hand the platform. */
struct signed_vec {
	uint8_t *data; /* whole file */
	size_t size;
	uint8_t digest[32]; /* SHA-256(header || TLV area) */
	uint8_t sign_type;  /* SIGNTYPE TLV */
	const uint8_t *sig; /* into data */
	size_t sig_len;
	const uint8_t *keyinfo; /* PKEYINFO TLV value, or NULL */
	size_t keyinfo_len;
};

static void load_vec(const char *rel, struct signed_vec *v)
{
	struct rpt_error err = {0};
	struct simg_layout lay;
	struct simg_tlv tlv;
	const uint8_t *tlvs;

	memset(v, 0, sizeof(*v));
	v->data = rpt_slurp(rpt_vector_path(rel), &v->size);
	assert_true(v->size >= SIMG_HEADER_SIZE);
	if (simg_parse_header(v->data, &lay, &err))
		fail_msg("%s: %s", rel, rpt_error_msg(&err));
	assert_true(lay.sig_off + lay.sign_len <= v->size);
	tlvs = v->data + SIMG_HEADER_SIZE;
	assert_int_equal(simg_signed_digest(v->data, tlvs, lay.tlv_len, v->digest), 0);
	assert_int_equal(simg_find_tlv(tlvs, lay.tlv_len, SIMG_TLV_SIGNTYPE, &tlv, &err), 0);
	assert_int_equal(tlv.len, 1);
	v->sign_type = tlv.value[0];
	if (simg_find_tlv(tlvs, lay.tlv_len, SIMG_TLV_PKEYINFO, &tlv, &err) == 0) {
		v->keyinfo = tlv.value;
		v->keyinfo_len = tlv.len;
	}
	v->sig = v->data + lay.sig_off;
	v->sig_len = lay.sign_len;
}

static int verify_vec(struct plat_rproc *rp, const struct signed_vec *v, struct rpt_error *err)
{
	return plat_verify_digest(rp, v->sign_type, v->digest, v->sig, v->sig_len, v->keyinfo,
				  v->keyinfo_len, err);
}

static void test_verify_rsa_and_ecdsa(void **state)
{
	struct fixture *f = *state;
	struct signed_vec rsa, ec, kinfo, multi;
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	add_key(&f->board.rprocs[0], "keys/rsa2048.pub.pem");
	add_key(&f->board.rprocs[0], "keys/ecp256.pub.pem");
	plat_up(f);
	rp = rproc0(f);
	assert_int_equal(rp->keys.count, 2);
	load_vec("signed/m4-demo.rsa2048.sign", &rsa);
	load_vec("signed/m4-demo.ecp256.sign", &ec);
	load_vec("signed/m4-demo.rsa2048.keyinfo-plattlv.sign", &kinfo);
	load_vec("signed/multi.rsa2048.sign", &multi);
	assert_int_equal(rsa.sign_type, 1);
	assert_int_equal(ec.sign_type, 2);
	assert_int_equal(ec.sig_len, 64);
	assert_non_null(kinfo.keyinfo);

	assert_int_equal(verify_vec(rp, &rsa, &err), 0);
	assert_int_equal(verify_vec(rp, &ec, &err), 0);
	assert_int_equal(verify_vec(rp, &kinfo, &err), 0);
	assert_int_equal(verify_vec(rp, &multi, &err), 0);
	assert_int_equal(err.code, 0);

	/* One bit of the digest changed (e.g. a modified TLV area). */
	rsa.digest[0] ^= 1;
	assert_int_equal(verify_vec(rp, &rsa, &err), -RPT_ESIGNATURE);
	assert_err(&err, -RPT_ESIGNATURE, "RSA");
	rpt_error_clear(&err);
	ec.digest[5] ^= 0x40;
	assert_int_equal(verify_vec(rp, &ec, &err), -RPT_ESIGNATURE);
	assert_err(&err, -RPT_ESIGNATURE, "ECDSA");
	rpt_error_clear(&err);
	ec.digest[5] ^= 0x40;
	/* The signature type must be the one the signature was made with. */
	assert_int_equal(plat_verify_digest(rp, 1, ec.digest, ec.sig, ec.sig_len, NULL, 0, &err),
			 -RPT_ESIGNATURE);
	rpt_error_clear(&err);
	assert_int_equal(plat_verify_digest(rp, 3, ec.digest, ec.sig, ec.sig_len, NULL, 0, &err),
			 -RPT_EFORMAT);
	assert_err(&err, -RPT_EFORMAT, "type 3");
	rpt_error_clear(&err);
	assert_int_equal(plat_verify_digest(rp, 2, ec.digest, NULL, 0, NULL, 0, &err),
			 -RPT_ESIGNATURE);
	free(rsa.data);
	free(ec.data);
	free(kinfo.data);
	free(multi.data);
}

/* Each image verifies only with its own key. */
static void test_verify_fails_with_other_key(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *ec_only = add_rproc(&f->board, 1, false);
	struct rpt_error err = {0};
	struct signed_vec rsa, ec;
	struct plat_rproc *rsa_rp, *ec_rp;

	add_key(&f->board.rprocs[0], "keys/rsa2048.pub.pem");
	add_key(ec_only, "keys/ecp256.pub.pem");
	plat_up(f);
	rsa_rp = platform_rproc(&f->plat, 0);
	ec_rp = platform_rproc(&f->plat, 1);
	load_vec("signed/m4-demo.rsa2048.sign", &rsa);
	load_vec("signed/m4-demo.ecp256.sign", &ec);

	assert_int_equal(verify_vec(rsa_rp, &rsa, &err), 0);
	assert_int_equal(verify_vec(ec_rp, &ec, &err), 0);
	assert_int_equal(verify_vec(rsa_rp, &ec, &err), -RPT_ESIGNATURE);
	assert_err(&err, -RPT_ESIGNATURE, "rproc 0");
	rpt_error_clear(&err);
	assert_int_equal(verify_vec(ec_rp, &rsa, &err), -RPT_ESIGNATURE);
	assert_err(&err, -RPT_ESIGNATURE, "rproc 1");
	free(rsa.data);
	free(ec.data);
}

static void test_trust_key_at_run_time(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	struct crypto_key *key = NULL;
	struct signed_vec ec;
	struct plat_rproc *rp;

	plat_up(f);
	rp = rproc0(f);
	load_vec("signed/m4-demo.ecp256.sign", &ec);
	/* No key provisioned: nothing verifies. */
	assert_int_equal(verify_vec(rp, &ec, &err), -RPT_ESIGNATURE);
	rpt_error_clear(&err);
	assert_int_equal(platform_trust_key(rp, NULL, "none", &err), -EINVAL);
	rpt_error_clear(&err);
	assert_int_equal(crypto_key_load_public(rpt_vector_path("keys/ecp256.pub.pem"), &key, &err),
			 0);
	assert_int_equal(platform_trust_key(rp, key, "ecp256 (--trust)", &err), 0);
	assert_int_equal(rp->keys.count, 1);
	assert_int_equal(verify_vec(rp, &ec, &err), 0);
	free(ec.data);
}

/* ---- rollback ---------------------------------------------------------- */

static void test_rollback_counters(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *brp = &f->board.rprocs[0];
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	set_state_path(brp, "rollback-counters");
	plat_up(f);
	rp = rproc0(f);
	assert_false(rp->rollback.known);
	/* No counter yet: anything versioned goes. */
	assert_int_equal(plat_rollback_check(rp, true, 5, &err), 0);
	assert_int_equal(plat_rollback_commit(rp, true, 5, &err), 0);
	assert_file_text(brp->policy.rollback_state, "rpt-rollback 1\n0 5\n");

	assert_int_equal(plat_rollback_check(rp, true, 4, &err), -RPT_EROLLBACK);
	assert_err(&err, -RPT_EROLLBACK, "security counter 4 is lower than 5 accepted before");
	rpt_error_clear(&err);
	assert_int_equal(plat_rollback_check(rp, true, 5, &err), 0);
	assert_int_equal(plat_rollback_check(rp, true, 6, &err), 0);
	assert_int_equal(plat_rollback_commit(rp, true, 6, &err), 0);
	/* Commit keeps the maximum. */
	assert_int_equal(plat_rollback_commit(rp, true, 3, &err), 0);
	assert_int_equal(rp->rollback.counter, 6);
	assert_file_text(brp->policy.rollback_state, "rpt-rollback 1\n0 6\n");
	/* An image without counter changes nothing. */
	assert_int_equal(plat_rollback_commit(rp, false, 0, &err), 0);
	assert_int_equal(rp->rollback.counter, 6);

	/* Survives a restart of the secure world. */
	plat_down(f);
	plat_up(f);
	rp = rproc0(f);
	assert_true(rp->rollback.known);
	assert_int_equal(rp->rollback.counter, 6);
	assert_int_equal(plat_rollback_check(rp, true, 5, &err), -RPT_EROLLBACK);
	assert_err(&err, -RPT_EROLLBACK, "security counter 5 is lower than 6");
	rpt_error_clear(&err);
	assert_int_equal(plat_rollback_check(rp, true, 6, &err), 0);
	assert_int_equal(plat_rollback_check(rp, true, UINT32_MAX, &err), 0);
}

static void test_rollback_unversioned(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *brp = &f->board.rprocs[0];
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	set_state_path(brp, "rollback-unversioned");
	plat_up(f);
	rp = rproc0(f);
	assert_int_equal(plat_rollback_check(rp, false, 0, &err), -RPT_EROLLBACK);
	assert_err(&err, -RPT_EROLLBACK, "requires");
	rpt_error_clear(&err);
	plat_down(f);

	brp->policy.allow_unversioned = true;
	plat_up(f);
	rp = rproc0(f);
	assert_int_equal(plat_rollback_check(rp, false, 0, &err), 0);
	assert_int_equal(plat_rollback_commit(rp, false, 0, &err), 0);
	assert_false(rp->rollback.known);
	/* Counter 0 accepted: an unversioned image (counting as 0) still goes. */
	assert_int_equal(plat_rollback_commit(rp, true, 0, &err), 0);
	assert_int_equal(plat_rollback_check(rp, false, 0, &err), 0);
	/* Once a higher counter was accepted, dropping the counter is no way back. */
	assert_int_equal(plat_rollback_commit(rp, true, 3, &err), 0);
	assert_int_equal(plat_rollback_check(rp, false, 0, &err), -RPT_EROLLBACK);
	assert_err(&err, -RPT_EROLLBACK, "counts as 0");
}

/* Without a state file the counter lives as long as the platform. */
static void test_rollback_in_memory_only(void **state)
{
	struct fixture *f = *state;
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	plat_up(f);
	rp = rproc0(f);
	assert_int_equal(plat_rollback_commit(rp, true, 5, &err), 0);
	assert_int_equal(plat_rollback_check(rp, true, 4, &err), -RPT_EROLLBACK);
	plat_down(f);
	plat_up(f);
	rp = rproc0(f);
	assert_int_equal(plat_rollback_check(rp, true, 4, &err), 0);
}

/* Two coprocessors sharing one state file each keep their own line. */
static void test_rollback_shared_file(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *a = &f->board.rprocs[0];
	struct board_rproc *b = add_rproc(&f->board, 9, false);
	struct rpt_error err = {0};
	struct plat_rproc *ra, *rb;

	set_state_path(a, "rollback-shared");
	snprintf(b->policy.rollback_state, BOARD_PATH_MAX, "%s", a->policy.rollback_state);
	write_text(a->policy.rollback_state, "rpt-rollback 1\n42 1\n");
	plat_up(f);
	ra = platform_rproc(&f->plat, 0);
	rb = platform_rproc(&f->plat, 9);
	assert_int_equal(plat_rollback_commit(ra, true, 10, &err), 0);
	assert_int_equal(plat_rollback_commit(rb, true, 2, &err), 0);
	assert_int_equal(plat_rollback_commit(ra, true, 11, &err), 0);
	assert_file_text(a->policy.rollback_state, "rpt-rollback 1\n42 1\n0 11\n9 2\n");
	plat_down(f);
	plat_up(f);
	ra = platform_rproc(&f->plat, 0);
	rb = platform_rproc(&f->plat, 9);
	assert_int_equal(plat_rollback_check(ra, true, 10, &err), -RPT_EROLLBACK);
	rpt_error_clear(&err);
	assert_int_equal(plat_rollback_check(rb, true, 1, &err), -RPT_EROLLBACK);
	rpt_error_clear(&err);
	assert_int_equal(plat_rollback_check(rb, true, 2, &err), 0);
}

static void test_rollback_corrupt_file_refused(void **state)
{
	static const char *const corrupt[] = {
		"",				  /* empty */
		"garbage\n",			  /* no header */
		"rpt-rollback 2\n0 5\n",	  /* unknown version */
		"rpt-rollback 1\n0 5",		  /* cut: no final newline */
		"rpt-rollback 1\n0 5\n\n",	  /* empty line */
		"rpt-rollback 1\n0  5\n",	  /* two spaces */
		"rpt-rollback 1\n0 -5\n",	  /* sign */
		"rpt-rollback 1\n0 05\n",	  /* leading zero */
		"rpt-rollback 1\n0 4294967296\n", /* over u32 */
		"rpt-rollback 1\n0 99999999999999999999\n",
		"rpt-rollback 1\n0 5\n0 7\n", /* same id twice */
		"rpt-rollback 1\n0 5 6\n",    /* extra field */
		"rpt-rollback 1\n0 5\r\n",    /* CR */
		"rpt-rollback 1\n0 0x5\n",    /* hex */
		"rpt-rollback 1\n0 5\n\0",    /* NUL */
	};
	struct fixture *f = *state;
	struct board_rproc *brp = &f->board.rprocs[0];
	const char *path;
	unsigned int i;

	set_state_path(brp, "rollback-corrupt");
	path = brp->policy.rollback_state;
	for (i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
		struct rpt_error err = {0};
		size_t len = strlen(corrupt[i]) + (i == 14 ? 1 : 0);
		struct rpt_error werr = {0};

		assert_int_equal(rpt_write_file_atomic(path, corrupt[i], len, &werr), 0);
		if (platform_init(&f->plat, &f->board, &err) == 0)
			fail_msg("corrupt state file %u accepted", i);
		assert_int_equal(err.code, -RPT_EFORMAT);
		assert_non_null(strstr(err.msg, "corrupt"));
		assert_non_null(strstr(err.msg, path));
		assert_int_equal(f->plat.num_rprocs, 0);
	}
	/* Too many entries. */
	{
		char big[4096];
		struct rpt_error err = {0};
		size_t len = (size_t)snprintf(big, sizeof(big), "rpt-rollback 1\n");

		for (i = 0; i < 65; i++)
			len += (size_t)snprintf(big + len, sizeof(big) - len, "%u 1\n", i + 100);
		write_text(path, big);
		assert_int_equal(platform_init(&f->plat, &f->board, &err), -RPT_EFORMAT);
		assert_err(&err, -RPT_EFORMAT, "more than");
	}
	/* The corrupt file is left for people to look at, never overwritten. */
	write_text(path, "rpt-rollback 1\n0 5\n0 7\n");
	{
		struct rpt_error err = {0};

		assert_int_equal(platform_init(&f->plat, &f->board, &err), -RPT_EFORMAT);
		assert_err(&err, -RPT_EFORMAT, "line 3");
	}
	assert_file_text(path, "rpt-rollback 1\n0 5\n0 7\n");
	/* A well-formed file with extreme values is fine. */
	write_text(path, "rpt-rollback 1\n4294967295 4294967295\n0 0\n");
	plat_up(f);
	assert_true(rproc0(f)->rollback.known);
	assert_int_equal(rproc0(f)->rollback.counter, 0);
}

/* A commit that cannot be written changes nothing. */
static void test_rollback_commit_failure_keeps_state(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *brp = &f->board.rprocs[0];
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	snprintf(brp->policy.rollback_state, BOARD_PATH_MAX, "%s",
		 tmp_path("no-such-dir/rollback"));
	plat_up(f); /* missing file: no counter yet */
	rp = rproc0(f);
	/* Storage that cannot be written is "not available" (issue 11 item 10; was -ENOENT). */
	assert_int_equal(plat_rollback_commit(rp, true, 5, &err), -RPT_ESTORE);
	assert_err(&err, -RPT_ESTORE, "rproc 0");
	assert_false(rp->rollback.known);
	rpt_error_clear(&err);
	assert_int_equal(plat_rollback_check(rp, true, 4, &err), 0);
}

/* Every state file written so far in dir (the committed one and any temporary). */
static unsigned int count_entries(const char *dir)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/*
 * Issue 11 item 10: on a full disk (here: a file size limit of 0, which fails
 * every write with EFBIG as ENOSPC would), re-committing the counter already
 * stored writes nothing and succeeds, so a recovery re-load of the same image
 * works; a higher counter fails with the GlobalPlatform "no space" code and
 * changes nothing.
 */
static void test_rollback_full_disk(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *brp = &f->board.rprocs[0];
	struct rpt_error err = {0};
	struct rlimit old, full = {0};
	struct plat_rproc *rp;
	struct stat before, after;
	char dir[200];
	void (*old_handler)(int);
	int same, lower, higher;

	snprintf(dir, sizeof(dir), "%s/fulldisk", rpt_tmpdir());
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(brp->policy.rollback_state, BOARD_PATH_MAX, "%s/rollback", dir);
	plat_up(f);
	rp = rproc0(f);
	assert_int_equal(plat_rollback_commit(rp, true, 5, &err), 0);
	assert_int_equal(stat(brp->policy.rollback_state, &before), 0);

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	full.rlim_max = old.rlim_max;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &full), 0);
	/* The same counter again: nothing to write, so nothing fails. */
	rpt_error_clear(&err);
	same = plat_rollback_commit(rp, true, 5, &err);
	lower = plat_rollback_commit(rp, true, 4, &err);
	/* A higher one must be kept, and cannot be: the storage code, state unchanged. */
	rpt_error_clear(&err);
	higher = plat_rollback_commit(rp, true, 6, &err);
	/* The limit goes before any assertion: the next tests need to write. */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);
	assert_int_equal(same, 0);
	assert_int_equal(lower, 0);
	assert_int_equal(higher, -RPT_ESTORE_FULL);

	assert_err(&err, -RPT_ESTORE_FULL, "rproc 0");
	assert_int_equal(rp->rollback.counter, 5);
	assert_file_text(brp->policy.rollback_state, "rpt-rollback 1\n0 5\n");
	assert_int_equal(stat(brp->policy.rollback_state, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino); /* never rewritten */
	assert_int_equal(count_entries(dir), 1);       /* no temporary file left */
	assert_int_equal(tee_result_from_err(-RPT_ESTORE_FULL), TEE_ERROR_STORAGE_NO_SPACE);
	assert_int_equal(tee_result_from_err(-RPT_ESTORE), TEE_ERROR_STORAGE_NOT_AVAILABLE);
	assert_int_equal(TEE_ERROR_STORAGE_NO_SPACE, 0xFFFF3041u);
	assert_int_equal(TEE_ERROR_STORAGE_NOT_AVAILABLE, 0xF0100003u);
}

/* Issue 11 item 9b: the default state file, one per board, under the state directory. */
static void test_rollback_default_state(void **state)
{
	struct fixture *f = *state;
	struct board_rproc *brp = &f->board.rprocs[0];
	struct rpt_error err = {0};
	char want[BOARD_PATH_MAX];

	brp->tee = true;
	brp->policy.rollback_state[0] = 0;
	snprintf(f->board.model, sizeof(f->board.model), "../evil board");
	assert_int_equal(plat_rollback_default_state(&f->board, "/var/lib/x", &err), 0);
	/* Nothing in the model may leave the directory. */
	snprintf(want, sizeof(want), "/var/lib/x/___evil_board.rollback");
	assert_string_equal(brp->policy.rollback_state, want);
	/* A board-named file is kept. */
	snprintf(brp->policy.rollback_state, BOARD_PATH_MAX, "/etc/mine");
	assert_int_equal(plat_rollback_default_state(&f->board, "/var/lib/x", &err), 0);
	assert_string_equal(brp->policy.rollback_state, "/etc/mine");
}

/* ---- start / stop ------------------------------------------------------ */

/* Records what the platform asked of the coprocessor. */
struct coproc_double {
	unsigned int starts; /* start calls */
	unsigned int stops;  /* stop calls */
	uint32_t boot_addr;  /* of the last start */
	int start_ret;	     /* what start returns */
	int stop_ret;	     /* what stop returns */
};

static int double_start(void *priv, uint32_t boot_addr)
{
	struct coproc_double *d = priv;

	d->starts++;
	d->boot_addr = boot_addr;
	return d->start_ret;
}

static int double_stop(void *priv)
{
	struct coproc_double *d = priv;

	d->stops++;
	return d->stop_ret;
}

static const struct coproc_ops double_ops = {
	.start = double_start,
	.stop = double_stop,
};

static void test_start_stop(void **state)
{
	struct fixture *f = *state;
	struct coproc_double d = {0};
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	plat_up(f);
	rp = rproc0(f);
	/* Nothing attached: start refused, stop has nothing to do. */
	assert_int_equal(plat_start(rp, 0, &err), -RPT_ESTATE);
	assert_err(&err, -RPT_ESTATE, "no coprocessor");
	rpt_error_clear(&err);
	assert_int_equal(plat_stop(rp, &err), 0);

	platform_attach_coproc(rp, &double_ops, &d);
	assert_int_equal(plat_start(rp, 0x20000000, &err), -RPT_ENOBOOT);
	assert_err(&err, -RPT_ENOBOOT, "no vector table at 0x20000000: no memory of the core");
	assert_int_equal(d.starts, 0);
	rpt_error_clear(&err);
	assert_int_equal(plat_start(rp, 0, &err), 0);
	assert_int_equal(d.starts, 1);
	assert_int_equal(d.boot_addr, 0);
	assert_true(rp->running);
	assert_int_equal(plat_start(rp, 0, &err), -RPT_ESTATE);
	assert_err(&err, -RPT_ESTATE, "already running");
	rpt_error_clear(&err);
	assert_int_equal(d.starts, 1);

	assert_int_equal(plat_stop(rp, &err), 0);
	assert_int_equal(d.stops, 1);
	assert_false(rp->running);
	assert_int_equal(plat_stop(rp, &err), 0);
	assert_int_equal(d.stops, 1);

	/* A start that fails leaves it stopped. */
	d.start_ret = -EIO;
	assert_int_equal(plat_start(rp, 0x10000000, &err), -EIO);
	assert_err(&err, -EIO, "did not start");
	rpt_error_clear(&err);
	assert_false(rp->running);
	assert_int_equal(d.boot_addr, 0x10000000);

	/* A stop that fails leaves it running, so a retry calls stop again. */
	d.start_ret = 0;
	assert_int_equal(plat_start(rp, 0, &err), 0);
	d.stop_ret = -ETIMEDOUT;
	assert_int_equal(plat_stop(rp, &err), -ETIMEDOUT);
	assert_true(rp->running);
	rpt_error_clear(&err);
	d.stop_ret = 0;
	assert_int_equal(plat_stop(rp, &err), 0);
	assert_int_equal(d.stops, 3);
	assert_false(rp->running);
}

/* Exit holds a running core in reset before its memory goes. */
static void test_exit_stops_running_core(void **state)
{
	struct fixture *f = *state;
	struct coproc_double d = {0};
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	plat_up(f);
	rp = rproc0(f);
	platform_attach_coproc(rp, &double_ops, &d);
	assert_int_equal(plat_start(rp, 0, &err), 0);
	plat_down(f);
	assert_int_equal(d.stops, 1);
}

static void test_detach(void **state)
{
	struct fixture *f = *state;
	struct coproc_double d = {0};
	struct rpt_error err = {0};
	struct plat_rproc *rp;

	plat_up(f);
	rp = rproc0(f);
	platform_attach_coproc(rp, &double_ops, &d);
	assert_int_equal(plat_start(rp, 0, &err), 0);
	platform_attach_coproc(rp, NULL, NULL);
	assert_false(rp->running);
	assert_int_equal(plat_stop(rp, &err), 0);
	assert_int_equal(plat_start(rp, 0, &err), -RPT_ESTATE);
	plat_down(f);
	assert_int_equal(d.stops, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_maps_every_memory),
		T(test_init_fresh_memory_after_exit),
		T(test_exit_discards_contents_for_fd_holders),
		T(test_init_two_rprocs),
		T(test_init_refuses_bad_boards),
		T(test_init_failure_unwinds),
		T(test_init_refuses_non_key_file),
		T(test_translation_every_memory),
		T(test_translation_refuses_spans_gaps_and_wrap),
		T(test_translation_top_of_address_space),
		T(test_translation_size_zero),
		T(test_check_segment),
		T(test_load_segment_success),
		T(test_load_segment_refuses_bad_places),
		T(test_load_segment_wrong_hash_wipes),
		T(test_load_segment_src_differs_from_hash),
		T(test_load_segment_hashes_the_copy),
		T(test_set_memory),
		T(test_wipe_secure_whole),
		T(test_wipe_secure_keeps_loaded_pages),
		T(test_load_segment_in_chunks),
		T(test_verify_rsa_and_ecdsa),
		T(test_verify_fails_with_other_key),
		T(test_trust_key_at_run_time),
		T(test_rollback_counters),
		T(test_rollback_unversioned),
		T(test_rollback_in_memory_only),
		T(test_rollback_shared_file),
		T(test_rollback_corrupt_file_refused),
		T(test_rollback_commit_failure_keeps_state),
		T(test_rollback_full_disk),
		T(test_rollback_default_state),
		T(test_start_stop),
		T(test_exit_stops_running_core),
		T(test_detach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
