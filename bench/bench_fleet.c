// SPDX-License-Identifier: BSD-2-Clause
/*
 * The cost of 64 virtual coprocessors on one host, all running the demo
 * firmware (rproc-demo.sign, TEE boot).
 *
 * A board holds at most BOARD_MAX_RPROCS coprocessors (8), so the fleet is
 * FLEET_BOARDS boards of BOARD_MAX_RPROCS, generated as device-tree sources
 * in /tmp: one STM32MP15-like coprocessor per node, each with its own five
 * memories (own physical addresses, the usual device addresses), all on one
 * shared mailbox node. Each board has its own in-process secure world.
 *
 * Measured: boot of one coprocessor alone (the baseline), boot of all 64
 * one after the other and until every trace shows the greeting, RSS and
 * threads per coprocessor (created, then running), host CPU while the 64
 * firmwares idle, shutdown of all. Every emulated core runs on a host
 * thread of its own; an idle demo sleeps in WFI between its interrupts
 * (SysTick at 1 kHz, the IPCC), so what this prints is what 64 cores waking
 * a thousand times a second cost the host.
 *
 * usage: bench_fleet SOURCE_DIR BUILD_DIR
 * Prints "key value unit" lines for scripts/bench.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "bench_tmp.h"
#include "board/board.h"
#include "vboard/vboard.h"

#define FLEET_BOARDS   8u
#define FLEET_PROCS    (FLEET_BOARDS * (unsigned int)BOARD_MAX_RPROCS)
#define SINGLE_RUNS    5
#define CPU_WINDOW_S   3.0
#define GREET_LIMIT_S  120.0
#define GREETING       "rproc-demo: hello from the coprocessor"
#define HEARTBEAT      "rproc-demo: heartbeat"
#define PROC_PA_BASE   0x40000000u /* coprocessor g's memories: PROC_PA_BASE + g MiB */
#define PROC_PA_STRIDE 0x100000u

/* Process-wide figures at one moment. */
struct fleet_usage {
	size_t rss;	      /* resident bytes */
	unsigned int threads; /* threads of this process */
	double cpu;	      /* user + system seconds so far */
};

/* One memory of the generated coprocessor nodes. */
struct fleet_mem {
	const char *name;   /* reserved-memory node name (the resource table uses some) */
	uint32_t offset;    /* from the coprocessor's physical base */
	uint32_t da;	    /* device address */
	uint32_t size;	    /* bytes */
	const char *extras; /* flags */
};

static const struct fleet_mem fleet_mems[] = {
	{"retram", 0x00000, 0x00000000, 0x10000, "rproc,secure; rproc,loadable;"},
	{"mcuram2", 0x40000, 0x10000000, 0x40000, "rproc,secure; rproc,loadable;"},
	{"vdev0vring0", 0x80000, 0x10040000, 0x1000, ""},
	{"vdev0vring1", 0x81000, 0x10041000, 0x1000, ""},
	{"vdev0buffer", 0x82000, 0x10042000, 0x4000, ""},
	{"ipc-shmem", 0x86000, 0x10046000, 0xa000, "rproc,loadable;"},
};

#define FLEET_NMEMS (sizeof(fleet_mems) / sizeof(fleet_mems[0]))

static void nap_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void quiet(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	if (level == RPT_LOG_ERR)
		fprintf(stderr, "%s\n", line);
}

static void usage_now(struct fleet_usage *u)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, resident = 0, utime = 0, stime = 0;
	char line[256];

	if (f && fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	if (f)
		fclose(f);
	u->rss = resident * (size_t)sysconf(_SC_PAGESIZE);
	u->threads = 0;
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %u", &u->threads) == 1)
			break;
	if (f)
		fclose(f);
	/* Fields 14 and 15 of /proc/self/stat; the command name (2) has no ')' in it here. */
	f = fopen("/proc/self/stat", "r");
	if (f && fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			&utime, &stime) != 2)
		utime = stime = 0;
	if (f)
		fclose(f);
	u->cpu = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- the generated boards ---- */

static void write_memories(FILE *f, unsigned int first)
{
	unsigned int i, m;

	for (i = 0; i < BOARD_MAX_RPROCS; i++) {
		uint32_t base = PROC_PA_BASE + (first + i) * PROC_PA_STRIDE;

		for (m = 0; m < FLEET_NMEMS; m++) {
			const struct fleet_mem *fm = &fleet_mems[m];

			fprintf(f,
				"\t\tp%u_%u: %s@%x {\n\t\t\treg = <0x%x 0x%x>;\n"
				"\t\t\trproc,device-address = <0x%x>;\n\t\t\t%s\n\t\t};\n",
				first + i, m, fm->name, base + fm->offset, base + fm->offset,
				fm->size, fm->da, fm->extras);
		}
	}
}

static void write_procs(FILE *f, unsigned int first, const char *key)
{
	unsigned int i, m;

	for (i = 0; i < BOARD_MAX_RPROCS; i++) {
		fprintf(f,
			"\tm4_%u {\n\t\tcompatible = \"st,stm32mp1-m4-tee\";\n"
			"\t\trproc,id = <%u>;\n\t\tcpu = \"cortex-m4\";\n\t\tmemory-region =",
			first + i, i);
		for (m = 0; m < FLEET_NMEMS; m++)
			fprintf(f, " <&p%u_%u>%s", first + i, m, m + 1 < FLEET_NMEMS ? "," : ";\n");
		fprintf(f,
			"\t\tmboxes = <&ipcc 0>, <&ipcc 1>, <&ipcc 2>;\n"
			"\t\tmbox-names = \"vq0\", \"vq1\", \"shutdown\";\n"
			"\t\trproc,peripherals = <&uart4>, <&vmmio>;\n"
			"\t\tsecure-policy {\n\t\t\tcoredump-allowed;\n\t\t\tallow-unversioned;\n"
			"\t\t\ttrusted-keys = \"%s\";\n\t\t};\n\t};\n",
			key);
	}
}

/* Board b of the fleet (coprocessors b * 8 .. b * 8 + 7) into path. */
static int write_board(const char *path, unsigned int b, const char *key)
{
	unsigned int first = b * BOARD_MAX_RPROCS;
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f,
		"/dts-v1/;\n\n/ {\n\tmodel = \"vfleet-%u\";\n\tcompatible = \"vst,vstm32mp15\";\n"
		"\t#address-cells = <1>;\n\t#size-cells = <1>;\n\n"
		"\treserved-memory {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n"
		"\t\tranges;\n",
		b);
	write_memories(f, first);
	/* The SoC's peripherals as boards/vstm32mp15-m4-tee.dts has them (each core its own). */
	fprintf(f, "\t};\n\n\tipcc: mailbox@4c001000 {\n\t\tcompatible = \"st,stm32mp1-ipcc\";\n"
		   "\t\treg = <0x4c001000 0x400>;\n\t\t#mbox-cells = <1>;\n"
		   "\t\tinterrupts = <103 104>;\n\t};\n\n"
		   "\tuart4: serial@40010000 {\n\t\tcompatible = \"st,stm32h7-uart\";\n"
		   "\t\treg = <0x40010000 0x400>;\n\t};\n\n"
		   "\tvmmio: vmmio@4c0f0000 {\n\t\tcompatible = \"vst,vmmio\";\n"
		   "\t\treg = <0x4c0f0000 0x1000>;\n\t};\n\n");
	write_procs(f, first, key);
	fprintf(f, "};\n");
	return fclose(f) ? -1 : 0;
}

static struct vboard *board_up(const char *path)
{
	struct vboard_opts o = {.log = quiet, .board_path = path};
	struct rpt_error err = {0};
	struct vboard *vb;

	if (vboard_create(&vb, &o, &err)) {
		fprintf(stderr, "bench: %s: %s\n", path, rpt_error_msg(&err));
		exit(1);
	}
	return vb;
}

/* ---- measurements ---- */

static bool trace_has(struct rproc *rp, const char *needle)
{
	char buf[4096];

	return rproc_trace_read(rp, 0, buf, sizeof(buf)) > 0 && strstr(buf, needle);
}

/* Boot one coprocessor alone, SINGLE_RUNS times: mean ms per rproc_boot. */
static double single_boot_ms(const char *src, const char *fw)
{
	char path[4096];
	struct vboard *vb;
	struct rproc *rp;
	double total = 0, t0;
	int i;

	snprintf(path, sizeof(path), "%s/boards/vstm32mp15-m4-tee.dts", src);
	vb = board_up(path);
	rp = vboard_proc_rproc(vboard_proc(vb, 0));
	rproc_set_firmware(rp, fw);
	for (i = 0; i < SINGLE_RUNS; i++) {
		t0 = bench_now();
		if (rproc_boot(rp)) {
			fprintf(stderr, "bench: boot of %s failed\n", fw);
			exit(1);
		}
		total += bench_now() - t0;
		rproc_shutdown(rp);
	}
	vboard_destroy(vb);
	return total / SINGLE_RUNS * 1e3;
}

/* Every coprocessor of the fleet, in order. */
static struct rproc *fleet_proc(struct vboard **vbs, unsigned int g)
{
	return vboard_proc_rproc(vboard_proc(vbs[g / BOARD_MAX_RPROCS], g % BOARD_MAX_RPROCS));
}

/* Seconds until every trace holds needle (bounded), or -1. */
static double wait_all(struct vboard **vbs, const char *needle, double t0)
{
	unsigned int g, done;

	while (bench_now() - t0 < GREET_LIMIT_S) {
		for (g = 0, done = 0; g < FLEET_PROCS; g++)
			done += trace_has(fleet_proc(vbs, g), needle);
		if (done == FLEET_PROCS)
			return bench_now() - t0;
		nap_ms(10);
	}
	return -1;
}

/*
 * Boot all, one after the other: the first ones on an idle host, the last
 * while 63 cores busy-loop beside it (slowest and last boot are printed too).
 */
static void boot_fleet(struct vboard **vbs, const char *fw)
{
	double t0 = bench_now(), t, one, slowest = 0, boot, greet;
	unsigned int g;

	for (g = 0; g < FLEET_PROCS; g++) {
		struct rproc *rp = fleet_proc(vbs, g);

		rproc_set_firmware(rp, fw);
		t = bench_now();
		if (rproc_boot(rp)) {
			fprintf(stderr, "bench: boot of coprocessor %u failed\n", g);
			exit(1);
		}
		one = bench_now() - t;
		slowest = one > slowest ? one : slowest;
	}
	boot = bench_now() - t0;
	greet = wait_all(vbs, GREETING, t0);
	printf("fleet_boot_all_ms %.1f ms\n", boot * 1e3);
	printf("fleet_boot_per_proc_ms %.2f ms\n", boot * 1e3 / FLEET_PROCS);
	printf("fleet_boot_last_ms %.2f ms\n", one * 1e3);
	printf("fleet_boot_slowest_ms %.2f ms\n", slowest * 1e3);
	if (greet < 0) /* not within GREET_LIMIT_S */
		printf("fleet_all_greeted_ms n/a ms\n");
	else
		printf("fleet_all_greeted_ms %.1f ms\n", greet * 1e3);
}

/* Host CPU while the firmwares idle; how many cores that is, and who is still alive. */
static void idle_cpu(struct vboard **vbs)
{
	struct fleet_usage a, b;
	unsigned int g, alive = 0;
	double t0, wall;

	usage_now(&a);
	t0 = bench_now();
	nap_ms((int)(CPU_WINDOW_S * 1000));
	usage_now(&b);
	wall = bench_now() - t0;
	for (g = 0; g < FLEET_PROCS; g++)
		alive += trace_has(fleet_proc(vbs, g), HEARTBEAT);
	printf("fleet_host_cores %ld cores\n", sysconf(_SC_NPROCESSORS_ONLN));
	printf("fleet_idle_cpu_cores %.2f cores\n", (b.cpu - a.cpu) / wall);
	printf("fleet_idle_cpu_per_proc %.1f %%\n", (b.cpu - a.cpu) / wall / FLEET_PROCS * 100);
	printf("fleet_heartbeating %u of %u\n", alive, FLEET_PROCS);
}

static void per_proc(const char *tag, const struct fleet_usage *base, const struct fleet_usage *u)
{
	printf("fleet_%s_rss_per_proc_kib %.0f KiB\n", tag,
	       ((double)u->rss - (double)base->rss) / 1024 / FLEET_PROCS);
	printf("fleet_%s_threads_per_proc %.2f threads\n", tag,
	       ((double)u->threads - base->threads) / FLEET_PROCS);
}

static void shutdown_fleet(struct vboard **vbs)
{
	double t0 = bench_now();
	unsigned int g;

	for (g = 0; g < FLEET_PROCS; g++)
		rproc_shutdown(fleet_proc(vbs, g));
	printf("fleet_shutdown_all_ms %.1f ms\n", (bench_now() - t0) * 1e3);
}

int main(int argc, char **argv)
{
	struct vboard *vbs[FLEET_BOARDS];
	struct fleet_usage base, created, running;
	char fw[4096], key[4096], path[FLEET_BOARDS][256];
	unsigned int b;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_fleet SOURCE_DIR BUILD_DIR\n");
		return 2;
	}
	snprintf(fw, sizeof(fw), "%s/firmware/rproc-demo.sign", argv[2]);
	snprintf(key, sizeof(key), "%s/keys/demo-test-only.pub.pem", argv[1]);
	printf("single_boot_ms %.3f ms\n", single_boot_ms(argv[1], fw));

	for (b = 0; b < FLEET_BOARDS; b++) {
		char name[32];

		snprintf(name, sizeof(name), "fleet-%u.dts", b);
		if (bench_tmp_path(path[b], sizeof(path[b]), name))
			return 1;
		if (write_board(path[b], b, key)) {
			fprintf(stderr, "bench: cannot write %s\n", path[b]);
			return 1;
		}
	}
	usage_now(&base);
	for (b = 0; b < FLEET_BOARDS; b++)
		vbs[b] = board_up(path[b]);
	usage_now(&created);
	printf("fleet_procs %u coprocessors\n", FLEET_PROCS);
	printf("fleet_boards %u boards\n", FLEET_BOARDS);
	per_proc("created", &base, &created);

	boot_fleet(vbs, fw);
	usage_now(&running);
	per_proc("running", &base, &running);
	idle_cpu(vbs);
	shutdown_fleet(vbs);
	for (b = 0; b < FLEET_BOARDS; b++) {
		vboard_destroy(vbs[b]);
		unlink(path[b]);
	}
	return 0;
}
