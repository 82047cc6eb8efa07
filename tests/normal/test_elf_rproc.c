// SPDX-License-Identifier: BSD-2-Clause
/*
 * elf_rproc with the reference m4-demo.elf: the classic boot loads it into
 * normal-world memories, the table in mcuram2 gets its vrings, the trace is
 * readable, a crash is recovered with a coredump of the segments, and the
 * mailbox is asked for a shutdown before the hard stop.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board/board.h"
#include "common/file_io.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"
#include "normal/core/rproc_fw_file.h"
#include "normal/drivers/stm32_classic_rproc.h"

#define VDEV_OFF 0x88u /* body of the vdev entry in m4-demo's table (entry at 0x84) */

/* The coprocessor double. */
struct core {
	int starts, stops;
	uint32_t boot_addr;
	bool ack; /* firmware acknowledges shutdown */
	unsigned int shutdown_reqs, kicks;
	char lines[32][400];
	unsigned int nlines;
};

static int core_start(void *priv, uint32_t boot_addr)
{
	struct core *c = priv;

	c->starts++;
	c->boot_addr = boot_addr;
	return 0;
}

static int core_stop(void *priv)
{
	((struct core *)priv)->stops++;
	return 0;
}

static const struct coproc_ops core_ops = {.start = core_start, .stop = core_stop};

static int mb_request(void *priv)
{
	((struct core *)priv)->shutdown_reqs++;
	return 0;
}

static int mb_wait(void *priv, unsigned int ms)
{
	(void)ms;
	return ((struct core *)priv)->ack ? 0 : -ETIMEDOUT;
}

static int mb_kick(void *priv, unsigned int vq)
{
	(void)vq;
	((struct core *)priv)->kicks++;
	return 0;
}

static const struct rproc_mbox_ops mb_ops = {mb_request, mb_wait, mb_kick, NULL};

static void log_line(void *priv, enum rpt_log_level level, const char *line)
{
	struct core *c = priv;

	(void)level;
	if (c->nlines < 32)
		snprintf(c->lines[c->nlines++], sizeof(c->lines[0]), "%s", line);
}

static bool logged(struct core *c, const char *s)
{
	unsigned int i;

	for (i = 0; i < c->nlines; i++)
		if (strstr(c->lines[i], s))
			return true;
	return false;
}

struct env {
	struct core core;
	struct board_rproc desc;
	struct rproc_memory mems[BOARD_MAX_MEMS];
	unsigned int num_mems;
	struct rproc_fw_dir dir;
	struct rproc *rproc;
};

/* Normal-world memories for the whole STM32MP15 layout (the direct path owns them all). */
static struct env *env_new(bool with_retram)
{
	struct env *e = calloc(1, sizeof(*e));
	struct stm32_classic_rproc_config cfg = {0};
	struct rpt_error err = {0};
	unsigned int i;

	assert_non_null(e);
	e->core.ack = true;
	board_stm32mp15_layout(&e->desc, false);
	for (i = 0; i < e->desc.num_mems; i++) {
		const struct board_memory *b = &e->desc.mems[i];
		struct rproc_memory *m = &e->mems[e->num_mems];

		if (!with_retram && !strcmp(b->name, "retram"))
			continue;
		strncpy(m->name, b->name, sizeof(m->name) - 1); /* zeroed by calloc */
		m->da = b->da;
		m->pa = b->pa;
		m->size = b->size;
		m->loadable = b->loadable;
		m->va = calloc(1, b->size);
		assert_non_null(m->va);
		e->num_mems++;
	}
	assert_int_equal(rproc_fw_dir_loader(&cfg.loader, &e->dir, rpt_vector_path("elf")), 0);
	cfg.name = "m4";
	cfg.firmware = "m4-demo.elf";
	cfg.mems = e->mems;
	cfg.num_mems = e->num_mems;
	cfg.coproc = &core_ops;
	cfg.coproc_priv = &e->core;
	cfg.mbox.ops = &mb_ops;
	cfg.mbox.priv = &e->core;
	cfg.log = log_line;
	cfg.log_priv = &e->core;
	e->rproc = stm32_classic_rproc_create(&cfg, &err);
	if (!e->rproc)
		fail_msg("stm32_classic_rproc_create: %s", rpt_error_msg(&err));
	/* Off by default (as Linux): the recovery tests read the dump. */
	rproc_set_coredump(e->rproc, RPROC_COREDUMP_ENABLED);
	return e;
}

static void env_free(struct env *e)
{
	unsigned int i;

	stm32_classic_rproc_destroy(e->rproc);
	for (i = 0; i < e->num_mems; i++)
		free(e->mems[i].va);
	free(e);
}

static uint8_t *mem_va(struct env *e, uint32_t da)
{
	unsigned int i;

	for (i = 0; i < e->num_mems; i++)
		if (da >= e->mems[i].da && da - e->mems[i].da < e->mems[i].size)
			return (uint8_t *)e->mems[i].va + (da - e->mems[i].da);
	fail_msg("da 0x%x in no memory", da);
	return NULL;
}

static void test_boot_loads_segments_and_table(void **state)
{
	struct env *e = env_new(true);
	struct rpt_error err = {0};
	struct elf32_file elf;
	struct fw_rsc_vdev *v;
	uint8_t *file;
	size_t size;
	unsigned int i;

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_int_equal(rproc_get_state(e->rproc), RPROC_RUNNING);
	assert_int_equal(e->core.starts, 1);
	file = rpt_slurp(rpt_vector_path("elf/m4-demo.elf"), &size);
	assert_int_equal(elf32_open(&elf, file, size, &err), 0);
	/*
	 * Issue 13: the core boots through the vector table at the board's boot
	 * address (0 here), never from the unsigned e_entry (the reset handler).
	 */
	assert_int_not_equal(elf.ehdr.e_entry, 0);
	assert_int_equal(e->core.boot_addr, 0);
	/* Segments at their addresses; but the table part now holds what we wrote. */
	for (i = 0; i < elf32_phnum(&elf); i++) {
		const Elf32_Phdr *ph = elf32_phdr(&elf, i);

		if (ph->p_type != PT_LOAD || !ph->p_filesz || ph->p_paddr == 0x10000000)
			continue;
		assert_memory_equal(mem_va(e, ph->p_paddr), elf32_segment_data(&elf, ph),
				    ph->p_filesz);
	}
	elf32_close(&elf);
	free(file);
	v = (struct fw_rsc_vdev *)(mem_va(e, 0x10000000) + VDEV_OFF);
	assert_int_equal(v->id, 7);
	assert_int_equal(v->vring[0].da, 0x10040000);
	assert_int_equal(v->vring[1].da, 0x10041000);
	assert_int_equal(v->vring[1].notifyid, 1);
	env_free(e);
}

static void test_trace_and_kick(void **state)
{
	static const char hello[] = "m4-demo: hello from the coprocessor\n";
	struct env *e = env_new(true);
	char buf[256];

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	/* What the firmware writes at start (the emulator is not part of this test). */
	memcpy(mem_va(e, 0x10030000), hello, sizeof(hello));
	assert_int_equal(rproc_trace_read(e->rproc, 0, buf, sizeof(buf)), strlen(hello));
	assert_string_equal(buf, hello);
	assert_int_equal(rproc_kick(e->rproc, 0), 0);
	assert_int_equal(e->core.kicks, 1);
	env_free(e);
}

static void test_stop_asks_the_firmware_first(void **state)
{
	struct env *e = env_new(true);

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_int_equal(rproc_shutdown(e->rproc), 0);
	assert_int_equal(e->core.shutdown_reqs, 1);
	assert_int_equal(e->core.stops, 1);
	assert_false(logged(&e->core, "forcing stop"));
	e->core.ack = false;
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_int_equal(rproc_shutdown(e->rproc), 0);
	assert_int_equal(e->core.stops, 2);
	assert_true(
		logged(&e->core, "remoteproc0: shutdown not acknowledged in 500 ms, forcing stop"));
	env_free(e);
}

static void test_crash_recovery_dumps_segments(void **state)
{
	struct env *e = env_new(true);
	struct rpt_error err = {0};
	struct rproc_stats st;
	struct elf32_file core;
	struct fw_rsc_vdev *v;
	uint8_t *dump;
	size_t len;

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_int_equal(rproc_vdev_set_status(e->rproc, 0, 0x7), 0);
	rproc_report_crash(e->rproc, RPROC_WATCHDOG);
	rproc_flush_crash_work(e->rproc);
	rproc_get_stats(e->rproc, &st);
	assert_int_equal(st.recoveries, 1);
	assert_int_equal(e->core.starts, 2);
	assert_int_equal(e->core.shutdown_reqs, 0); /* crashed: no request */
	/*
	 * The reloaded table got the clean cache, as in Linux: the vrings the
	 * core gave, not the status the crashed instance's side had written.
	 */
	v = (struct fw_rsc_vdev *)(mem_va(e, 0x10000000) + VDEV_OFF);
	assert_int_equal(v->vring[0].da, 0x10040000);
	assert_int_equal(v->status, 0);
	/* Coredump: one PT_LOAD per loaded segment, read back with the ELF reader. */
	assert_int_equal(rproc_get_coredump(e->rproc, &dump, &len), 0);
	assert_int_equal(elf32_open_any(&core, dump, len, true, &err), 0);
	assert_int_equal(core.ehdr.e_type, ET_CORE);
	assert_int_equal(elf32_phnum(&core), 3);
	assert_int_equal(elf32_phdr(&core, 0)->p_vaddr, 0x0);
	assert_int_equal(elf32_phdr(&core, 1)->p_vaddr, 0x10000000);
	assert_int_equal(elf32_phdr(&core, 2)->p_vaddr, 0x10030000);
	assert_int_equal(elf32_phdr(&core, 2)->p_memsz, 0x800);
	elf32_close(&core);
	free(dump);
	env_free(e);
}

static void test_segment_outside_memories_loads_nothing(void **state)
{
	struct env *e = env_new(false); /* no retram: the code segment has nowhere to go */
	char buf[RPT_ERROR_MSG_MAX];
	unsigned int i;
	const uint8_t *m;

	(void)state;
	assert_int_not_equal(rproc_boot(e->rproc), 0);
	assert_int_equal(rproc_get_state(e->rproc), RPROC_OFFLINE);
	assert_int_equal(e->core.starts, 0);
	rproc_last_error(e->rproc, buf, sizeof(buf));
	assert_non_null(strstr(
		buf, "load failed: segment 0: da 0x0 memsz 0x61 is not wholly inside one memory"));
	/* Checked before writing: mcuram2 got no byte of the other segments. */
	m = mem_va(e, 0x10000000);
	for (i = 0; i < 0x100; i++)
		assert_int_equal(m[i], 0);
	env_free(e);
}

static void test_firmware_names_stay_in_the_directory(void **state)
{
	struct env *e = env_new(true);
	char buf[RPT_ERROR_MSG_MAX];

	(void)state;
	assert_int_equal(rproc_set_firmware(e->rproc, "../keys/rsa2048.pem"), 0);
	assert_int_not_equal(rproc_boot(e->rproc), 0);
	rproc_last_error(e->rproc, buf, sizeof(buf));
	assert_non_null(strstr(
		buf, "request_firmware failed: firmware name \"../keys/rsa2048.pem\" refused"));
	assert_int_equal(rproc_set_firmware(e->rproc, "missing.elf"), 0);
	assert_int_not_equal(rproc_boot(e->rproc), 0);
	rproc_last_error(e->rproc, buf, sizeof(buf));
	assert_non_null(strstr(buf, "request_firmware failed: "));
	assert_non_null(strstr(buf, "missing.elf"));
	env_free(e);
}

/* The loader on its own: file names resolved beneath a search path of two directories. */
static void check_loader(bool fallback)
{
	struct rproc_fw_loader loader;
	struct rproc_fw_dir d;
	struct rpt_error err = {0};
	struct rproc_fw fw = {0};
	char a[512], b[512], path[700];
	static const struct {
		const char *name; /* as the user gives it */
		int ret;	  /* request's result */
		const char *what; /* content read, or a part of the message */
	} cases[] = {
		{"one.bin", 0, "A"},
		{"two.bin", 0, "B"},				  /* from the second directory */
		{"sub/three.bin", 0, "C"},			  /* a subdirectory */
		{"alias.bin", 0, "A"},				  /* a symlink inside */
		{"both.bin", 0, "first"},			  /* the first directory wins */
		{"out.bin", -EACCES, "firmware directory"},	  /* a symlink out */
		{"updir/two.bin", -EACCES, "firmware directory"}, /* a directory symlink out */
		{"../b/two.bin", -EINVAL, "refused"},
		{"sub/../one.bin", -EINVAL, "refused"},
		{"/etc/passwd", -EINVAL, "refused"}, /* absolute: not allowed here */
		{"none.bin", -ENOENT, "No such file"},
	};
	size_t i;

	rproc_fw_dir_force_fallback(fallback);
	snprintf(a, sizeof(a), "%s/fw-%d-a", rpt_tmpdir(), fallback);
	snprintf(b, sizeof(b), "%s/fw-%d-b", rpt_tmpdir(), fallback);
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(mkdir(b, 0700), 0);
#define PUT(dir, name, text)                                                                       \
	do {                                                                                       \
		snprintf(path, sizeof(path), "%s/%s", dir, name);                                  \
		assert_int_equal(rpt_write_file_atomic(path, text, strlen(text), &err), 0);        \
	} while (0)
	PUT(a, "one.bin", "A");
	PUT(b, "two.bin", "B");
	snprintf(path, sizeof(path), "%s/sub", a);
	assert_int_equal(mkdir(path, 0700), 0);
	PUT(a, "sub/three.bin", "C");
	PUT(a, "both.bin", "first");
	PUT(b, "both.bin", "second");
#undef PUT
	snprintf(path, sizeof(path), "%s/alias.bin", a);
	assert_int_equal(symlink("sub/../one.bin", path), 0);
	snprintf(path, sizeof(path), "%s/out.bin", a);
	assert_int_equal(symlink(fallback ? "../fw-1-b/two.bin" : "../fw-0-b/two.bin", path), 0);
	snprintf(path, sizeof(path), "%s/updir", a);
	assert_int_equal(symlink(b, path), 0);

	assert_int_equal(rproc_fw_dir_loader(&loader, &d, a), 0);
	assert_int_equal(rproc_fw_dir_add(&d, b), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret;

		rpt_error_clear(&err);
		ret = loader.request(loader.priv, cases[i].name, &fw, &err);
		if (ret != cases[i].ret)
			fail_msg("%s (%s): got %d (%s), expected %d", cases[i].name,
				 fallback ? "realpath" : "openat2", ret, rpt_error_msg(&err),
				 cases[i].ret);
		if (ret) {
			if (!strstr(rpt_error_msg(&err), cases[i].what))
				fail_msg("%s: '%s' does not say '%s'", cases[i].name,
					 rpt_error_msg(&err), cases[i].what);
			continue;
		}
		assert_int_equal(fw.size, strlen(cases[i].what));
		assert_memory_equal(fw.data, cases[i].what, fw.size);
		loader.release(loader.priv, &fw);
	}
	/* Absolute paths only where the owner allows them (the daemon does). */
	d.allow_absolute = true;
	snprintf(path, sizeof(path), "%s/one.bin", a);
	assert_int_equal(loader.request(loader.priv, path, &fw, &err), 0);
	loader.release(loader.priv, &fw);
	/* Search path limits. */
	while (d.num_dirs < RPROC_FW_DIRS_MAX)
		assert_int_equal(rproc_fw_dir_add(&d, a), 0);
	assert_int_equal(rproc_fw_dir_add(&d, a), -ENOSPC);
	assert_int_equal(rproc_fw_dir_add(&d, ""), -EINVAL);
	rproc_fw_dir_force_fallback(false);
}

static void test_firmware_search_path(void **state)
{
	(void)state;
	check_loader(false); /* openat2(RESOLVE_BENEATH) */
	check_loader(true);  /* realpath and a prefix check */
}

/* A driver's firmware memory for the loader test: one buffer, counting its use. */
struct fw_mem_double {
	uint8_t buf[64];     /* the memory handed out */
	size_t asked;	     /* size of the last alloc */
	unsigned int allocs; /* allocs that succeeded */
	unsigned int frees;  /* frees of buf */
	bool refuse;	     /* alloc fails */
};

static void *double_alloc(void *priv, size_t size, struct rpt_error *err)
{
	struct fw_mem_double *m = priv;

	m->asked = size;
	if (m->refuse || size > sizeof(m->buf)) {
		rpt_error_set(err, ENOMEM, "no driver memory for %zu bytes", size);
		return NULL;
	}
	m->allocs++;
	return m->buf;
}

static void double_free(void *priv, void *buf)
{
	struct fw_mem_double *m = priv;

	assert_ptr_equal(buf, m->buf);
	m->frees++;
}

/* The loader reads straight into the driver's memory when it has some (no copy of its own). */
static void test_firmware_into_driver_memory(void **state)
{
	struct fw_mem_double m = {0};
	const struct rproc_fw_mem mem = {.alloc = double_alloc, .free = double_free, .priv = &m};
	struct rproc_fw_loader loader;
	struct rpt_error err = {0};
	struct rproc_fw fw = {0};
	struct rproc_fw_dir d;
	char dir[512], path[600];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/fw-mem", rpt_tmpdir());
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/img.bin", dir);
	assert_int_equal(rpt_write_file_atomic(path, "firmware", 8, &err), 0);
	assert_int_equal(rproc_fw_dir_loader(&loader, &d, dir), 0);

	fw.mem = &mem;
	assert_int_equal(loader.request(loader.priv, "img.bin", &fw, &err), 0);
	assert_ptr_equal(fw.data, m.buf);
	assert_int_equal(fw.size, 8);
	assert_int_equal(m.asked, 8);
	assert_memory_equal(fw.data, "firmware", 8);
	loader.release(loader.priv, &fw);
	assert_int_equal(m.frees, 1);

	/* The driver has no memory: the request fails, saying why, and nothing is held. */
	memset(&fw, 0, sizeof(fw));
	fw.mem = &mem;
	m.refuse = true;
	assert_int_equal(loader.request(loader.priv, "img.bin", &fw, &err), -ENOMEM);
	assert_non_null(strstr(rpt_error_msg(&err), "no driver memory"));
	assert_int_equal(m.allocs, 1);
	assert_int_equal(m.frees, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_loads_segments_and_table),
		cmocka_unit_test(test_trace_and_kick),
		cmocka_unit_test(test_stop_asks_the_firmware_first),
		cmocka_unit_test(test_crash_recovery_dumps_segments),
		cmocka_unit_test(test_segment_outside_memories_loads_nothing),
		cmocka_unit_test(test_firmware_names_stay_in_the_directory),
		cmocka_unit_test(test_firmware_search_path),
		cmocka_unit_test(test_firmware_into_driver_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
