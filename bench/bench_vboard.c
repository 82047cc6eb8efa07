// SPDX-License-Identifier: BSD-2-Clause
/*
 * The virtual platform's costs: boot (TEE vs direct ELF of the same
 * firmware, medians of boots taken in turns), start -> first trace byte, crash -> running again with a
 * 256 KiB image, and the emulator's speed on a busy loop against raw Unicorn
 * running the same code (CPU time, best of MIPS_RUNS). Prints "key value unit" lines for scripts/bench.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

#include "bench_clock.h"
#include "bench_tmp.h"
#include "common/file_io.h"
#include "common/safe_math.h"
#include "coproc/coproc.h"
#include "signer.h"
#include "vboard/vboard.h"

#define RUNS	  20
#define BOOT_RUNS 60 /* boots of each kind: medians */
#define MIPS_RUNS 3  /* busy loops of each kind: best of */

static void quiet(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	if (level == RPT_LOG_ERR)
		fprintf(stderr, "%s\n", line);
}

static struct vboard *board(const char *src, const char *name)
{
	struct vboard_opts o = {.log = quiet};
	struct rpt_error err = {0};
	struct vboard *vb;
	char path[4096];

	snprintf(path, sizeof(path), "%s/boards/%s", src, name);
	o.board_path = path;
	if (vboard_create(&vb, &o, &err)) {
		fprintf(stderr, "bench: %s: %s\n", name, rpt_error_msg(&err));
		exit(1);
	}
	return vb;
}

/* Poll the trace until it holds `needle`; seconds waited, or -1. */
static double wait_trace(struct rproc *rp, const char *needle, double t0)
{
	char buf[4096];

	while (bench_now() - t0 < 5) {
		if (rproc_trace_read(rp, 0, buf, sizeof(buf)) > 0 && strstr(buf, needle))
			return bench_now() - t0;
	}
	return -1;
}

/* One way to boot the demo firmware, and what its boots measured. */
struct boot_way {
	const char *tag;	 /* "tee" or "elf", the keys' prefix */
	struct vboard *vb;	 /* its board */
	struct rproc *rp;	 /* the coprocessor booted */
	double first_wall;	 /* the first boot on the fresh board (untimed below) */
	double wall[BOOT_RUNS];	 /* rproc_boot, wall clock, per boot */
	double cpu[BOOT_RUNS];	 /* rproc_boot, CPU time of this thread, per boot */
	double greet[BOOT_RUNS]; /* rproc_boot -> greeting in the trace, per boot */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Boot, wait for the greeting, shut down: run i's figures (i < 0: the first boot). */
static void boot_once(struct boot_way *w, int i)
{
	double t0 = bench_now(), c0 = bench_thread_cpu(), cpu, wall;

	if (rproc_boot(w->rp)) {
		fprintf(stderr, "bench: %s boot failed\n", w->tag);
		exit(1);
	}
	cpu = bench_thread_cpu() - c0;
	wall = bench_now() - t0;
	if (i < 0) {
		w->first_wall = wall;
	} else {
		w->cpu[i] = cpu;
		w->wall[i] = wall;
	}
	wall = wait_trace(w->rp, "hello from the coprocessor", t0);
	if (i >= 0)
		w->greet[i] = wall;
	rproc_shutdown(w->rp);
}

static void boot_way_init(struct boot_way *w, const char *src, const char *board_name,
			  const char *fw, const char *tag)
{
	w->tag = tag;
	w->vb = board(src, board_name);
	w->rp = vboard_proc_rproc(vboard_proc(w->vb, 0));
	rproc_set_firmware(w->rp, fw);
}

static void boot_way_report(struct boot_way *w)
{
	printf("%s_first_boot_ms %.3f ms\n", w->tag, w->first_wall * 1e3);
	printf("%s_boot_ms %.3f ms\n", w->tag, median(w->wall, BOOT_RUNS) * 1e3);
	printf("%s_boot_cpu_ms %.3f ms\n", w->tag, median(w->cpu, BOOT_RUNS) * 1e3);
	printf("%s_boot_to_greeting_ms %.3f ms\n", w->tag, median(w->greet, BOOT_RUNS) * 1e3);
	vboard_destroy(w->vb);
}

/*
 * TEE boot against direct-ELF boot of the same firmware, each on its own
 * board: medians over BOOT_RUNS boots of each, taken in turns (TEE, ELF, TEE,
 * ...) so that both see the same load of a shared host, and the CPU time
 * rproc_boot takes on this thread (the in-process TA runs here): on a loaded
 * host the wall time mostly measures the other jobs. The first boot of each
 * board (page faults, one-time set-up) is reported apart.
 */
static void bench_boot(const char *src, const char *build)
{
	static struct boot_way tee, elf;
	char fw[4096];
	int i;

	snprintf(fw, sizeof(fw), "%s/firmware/rproc-demo.sign", build);
	boot_way_init(&tee, src, "vstm32mp15-m4-tee.dts", fw, "tee");
	snprintf(fw, sizeof(fw), "%s/firmware/rproc-demo.elf", build);
	boot_way_init(&elf, src, "vstm32mp15-m4.dts", fw, "elf");
	boot_once(&tee, -1);
	boot_once(&elf, -1);
	for (i = 0; i < BOOT_RUNS; i++) {
		boot_once(&tee, i);
		boot_once(&elf, i);
	}
	boot_way_report(&tee);
	boot_way_report(&elf);
}

/*
 * A copy of an ELF with one more PT_LOAD: `size` bytes of data at device
 * address da, appended with a new program header table.
 */
static uint8_t *elf_with_blob(const uint8_t *elf, size_t len, uint32_t da, uint32_t size,
			      size_t *out_len)
{
	uint32_t phoff = get_le32(elf + 28), phnum = get_le16(elf + 44);
	size_t data_off = (len + 0xfff) & ~(size_t)0xfff, ph_off = data_off + size;
	size_t total = ph_off + (phnum + 1) * 32;
	uint8_t *out = calloc(1, total), *ph;
	uint32_t i;

	memcpy(out, elf, len);
	for (i = 0; i < size; i++)
		out[data_off + i] = (uint8_t)(i * 2654435761u >> 24);
	memcpy(out + ph_off, elf + phoff, phnum * 32);
	ph = out + ph_off + phnum * 32;
	put_le32(ph + 0, 1); /* PT_LOAD */
	put_le32(ph + 4, (uint32_t)data_off);
	put_le32(ph + 8, da);
	put_le32(ph + 12, da);
	put_le32(ph + 16, size);
	put_le32(ph + 20, size);
	put_le32(ph + 24, 6); /* RW */
	put_le32(ph + 28, 0x1000);
	put_le32(out + 28, (uint32_t)ph_off);
	out[44] = (uint8_t)(phnum + 1);
	*out_len = total;
	return out;
}

static const char *sign_big_image(const char *src, const char *build)
{
	static char out[4096];
	struct signer_input in = {.name = "rproc-demo-256k"};
	struct signer_request req = {.inputs = &in, .num_inputs = 1};
	struct rpt_error err = {0};
	struct crypto_key *key;
	char path[4096];
	uint8_t *elf, *img;
	size_t len, img_len;

	snprintf(path, sizeof(path), "%s/firmware/rproc-demo.elf", build);
	if (rpt_read_file(path, &elf, &len, &err))
		exit(1);
	in.elf = elf_with_blob(elf, len, 0x90000000, 256 << 10, &in.size);
	snprintf(path, sizeof(path), "%s/keys/demo-test-only.pem", src);
	if (crypto_key_load_private(path, NULL, &key, &err))
		exit(1);
	req.key = key;
	if (signer_build(&req, &img, &img_len, &err)) {
		fprintf(stderr, "bench: %s\n", rpt_error_msg(&err));
		exit(1);
	}
	if (bench_tmp_path(out, sizeof(out), "big-256k.sign"))
		exit(1);
	rpt_write_file_atomic(out, img, img_len, &err);
	printf("big_image_bytes %zu B\n", img_len);
	free(img);
	free(elf);
	free((void *)in.elf);
	crypto_key_free(key);
	return out;
}

static void bench_recovery(const char *src, const char *build)
{
	const char *fw = sign_big_image(src, build);
	struct vboard *vb = board(src, "vstm32mp15-m4-tee-ddr.dts");
	struct rproc *rp = vboard_proc_rproc(vboard_proc(vb, 0));
	struct rproc_stats st;
	double total = 0, core = 0, t0;
	int i;

	rproc_set_firmware(rp, fw);
	rproc_set_coredump(rp, RPROC_COREDUMP_DISABLED);
	/* RUNS crashes in a row are the bench, not a crash loop to stop at. */
	rproc_set_recovery_limit(rp, 0, 0);
	if (rproc_boot(rp))
		exit(1);
	for (i = 0; i < RUNS; i++) {
		t0 = bench_now();
		vboard_inject_crash(vboard_proc(vb, 0), RPROC_FATAL_ERROR);
		/* The report arrives like an interrupt: wait for this recovery to be counted. */
		do {
			usleep(20); /* polling without a pause would starve the worker of the lock */
			rproc_get_stats(rp, &st);
		} while (st.recoveries < (unsigned int)i + 1 && bench_now() - t0 < 5);
		total += bench_now() - t0;
		core += (double)st.last_recovery_us / 1e6;
	}
	printf("crash_to_running_ms %.3f ms\n", total / RUNS * 1e3);
	printf("recovery_in_core_ms %.3f ms\n", core / RUNS * 1e3);
	printf("recoveries %u of %d\n", st.recoveries, RUNS);
	rproc_shutdown(rp);
	vboard_destroy(vb);
	unlink(fw);
}

/* Thumb: r0 = N; loop: subs r0, #1; bne loop; str marker; b . */
static const uint16_t busy_loop[] = {
	0x4803, /* ldr r0, [pc, #12]  (count) */
	0x4904, /* ldr r1, [pc, #16]  (marker address) */
	0x3801, /* loop: subs r0, #1 */
	0xd1fd, /* bne loop */
	0x2201, /* movs r2, #1 */
	0x600a, /* str r2, [r1] */
	0xe7fe, /* b . */
	0xbf00, /* nop (align) */
};
#define LOOP_COUNT 200000000u
#define CODE_DA	   0x100u
#define MARK_DA	   0x10000000u

/* Vector table + the loop, at device address 0 of a 64 KiB memory. */
static void write_loop(uint8_t *mem)
{
	put_le32(mem + 0, 0x00010000);	/* initial SP: top of the 64 KiB */
	put_le32(mem + 4, CODE_DA | 1); /* reset: the loop, thumb */
	memcpy(mem + CODE_DA, busy_loop, sizeof(busy_loop));
	put_le32(mem + CODE_DA + 16, LOOP_COUNT);
	put_le32(mem + CODE_DA + 20, MARK_DA);
}

/* Raw Unicorn: the same code, no peripherals, run to the marker store. CPU seconds. */
static double raw_unicorn(uint8_t *code)
{
	uc_engine *uc;
	uint32_t sp = 0x10000, pc = CODE_DA | 1;
	double t0, t;

	uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &uc);
	uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_M4);
	uc_mem_map_ptr(uc, 0, 0x10000, UC_PROT_ALL, code);
	uc_mem_map(uc, MARK_DA, 0x1000, UC_PROT_ALL);
	uc_reg_write(uc, UC_ARM_REG_SP, &sp);
	t0 = bench_thread_cpu();
	uc_emu_start(uc, pc, CODE_DA + 12, 0, 0); /* until the marker store */
	t = bench_thread_cpu() - t0;
	uc_close(uc);
	return t;
}

/*
 * Our core, booted on the loop, until the marker store: CPU seconds of the
 * process (the core thread; this one sleeps, looking every millisecond).
 */
static double our_emulator(uint8_t *code, uint8_t *ram)
{
	struct coproc_mem mems[2] = {{"retram", 0, code, 0x10000},
				     {"mcuram2", MARK_DA, ram, 0x40000}};
	struct coproc_events ev = {0};
	struct rpt_error err = {0};
	struct coproc *c = coproc_create(
		&(struct coproc_config){.cpu = "cortex-m4", .mems = mems, .num_mems = 2}, &ev, NULL,
		&err);
	volatile uint32_t *mark = (volatile uint32_t *)ram;
	double t0, t;

	if (!c)
		exit(1);
	*mark = 0;
	t0 = bench_process_cpu();
	coproc_boot(c, 0, &err);
	while (!*mark)
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	t = bench_process_cpu() - t0;
	coproc_destroy(c);
	return t;
}

static void bench_mips(void)
{
	uint8_t *code =
		mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *ram =
		mmap(NULL, 0x40000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double raw = 1e9, ours = 1e9, t, insns = 2.0 * LOOP_COUNT;
	int i;

	write_loop(code);
	/*
	 * Best of MIPS_RUNS each, in turns, by CPU time: other jobs on a shared
	 * host stretch wall time many times over and CPU time far less.
	 */
	for (i = 0; i < MIPS_RUNS; i++) {
		t = raw_unicorn(code);
		raw = t < raw ? t : raw;
		t = our_emulator(code, ram);
		ours = t < ours ? t : ours;
	}
	printf("raw_unicorn_mips %.0f MIPS\n", insns / raw / 1e6);
	printf("emulator_mips %.0f MIPS\n", insns / ours / 1e6);
	munmap(code, 0x10000);
	munmap(ram, 0x40000);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_vboard SOURCE_DIR BUILD_DIR\n");
		return 2;
	}
	bench_mips();
	bench_boot(argv[1], argv[2]);
	bench_recovery(argv[1], argv[2]);
	return 0;
}
