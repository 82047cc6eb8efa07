// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocd and rprocctl end to end, through their command lines only: the
 * shared vector boots through the TEE, its trace shows, a watchdog crash is
 * recovered, a tampered image is refused; every wrong command gets one clear
 * line and the documented exit code, and the daemon survives them all.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/safe_math.h"
#include "demo_sign.h"
#include "rprocd_fixture.h"
#include "testutil.h"

static char fw_dir[512], fw_dir2[512]; /* the daemon's firmware search path */
static pid_t daemon_pid;

/* Exactly one line of output. */
static bool one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl && nl[1] == '\0';
}

static void start_daemon(void)
{
	rpd_paths();
	snprintf(fw_dir, sizeof(fw_dir), "%s/firmware", rpt_tmpdir());
	snprintf(fw_dir2, sizeof(fw_dir2), "%s/firmware2", rpt_tmpdir());
	mkdir(fw_dir, 0700);
	mkdir(fw_dir2, 0700);
	daemon_pid = rpd_start(
		rpd_log,
		(const char *const[]){"--trust", rpt_vector_path("keys/rsa2048.pub.pem"),
				      "--firmware-dir", fw_dir, "--firmware-dir", fw_dir2, NULL});
}

static void stop_daemon(void)
{
	rpd_stop(daemon_pid);
}

static void test_vector_end_to_end(void **state)
{
	char tampered[600];
	size_t len;
	uint8_t *img;
	struct rpt_error err = {0};

	(void)state;
	assert_int_equal(ctl("remoteproc0 firmware %s",
			     rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_string_equal(output(), "running\n");
	assert_true(wait_output("remoteproc0 trace", "m4-demo: hello from the coprocessor", 5000));
	assert_int_equal(ctl("remoteproc0 resource-table"), 0);
	assert_non_null(strstr(output(), "vdev0buffer"));

	/* Coredumps are off by default (as in Linux): the dump below needs them. */
	assert_int_equal(ctl("remoteproc0 coredump enabled"), 0);
	assert_int_equal(ctl("remoteproc0 crash watchdog"), 0);
	assert_true(wait_output("remoteproc0 state", "running", 5000));
	assert_true(wait_output("remoteproc0 trace", "hello from the coprocessor", 5000));
	assert_int_equal(ctl("remoteproc0 dump --out %s/core.elf", rpt_tmpdir()), 0);

	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(), "offline\n");

	/* One code byte changed: refused, and the processor stays offline. */
	img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &len);
	/* The image starts after header, TLV area and signature padded to 8; code at 0x1000. */
	img[20 + get_le32(img + 8) + ((get_le32(img + 12) + 7) & ~7u) + 0x1000 + 0x10] ^= 0x01;
	snprintf(tampered, sizeof(tampered), "%s/tampered.sign", rpt_tmpdir());
	assert_int_equal(rpt_write_file_atomic(tampered, img, len, &err), 0);
	free(img);
	assert_int_equal(ctl("remoteproc0 firmware %s", tampered), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "remoteproc0"));
	/* The TA's own reason, never a cause guessed from the code. */
	assert_non_null(strstr(output(), "remoteproc0: start failed: load failed: TA LOAD_FW: "
					 "TEE_ERROR_SECURITY: image 1: segment 0: rproc 0: segment "
					 "[0x00000000, +0x61): SHA-256 of the loaded bytes differs "
					 "from the signed hash"));
	assert_null(strstr(output(), "segment hash or rollback"));
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "offline\n");

	/* An ELF where the TEE wants a signed image: what it is and how to sign it. */
	assert_int_equal(ctl("remoteproc0 firmware %s", rpt_binary_path("firmware/rproc-demo.elf")),
			 0);
	assert_int_equal(ctl("remoteproc0 state start"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "remoteproc0: start failed: firmware sanity check failed: "
					 "this is an ELF file, not a signed image"));
	assert_non_null(strstr(output(), "sign it with `rproc-sign sign --in FW.elf --out "
					 "FW.sign --key KEY.pem`"));
}

/* A signed image given to the board that loads ELF itself: what it is, which board takes it. */
static void test_signed_image_on_elf_board(void **state)
{
	char saved[512], log2[600];
	pid_t pid;

	(void)state;
	snprintf(log2, sizeof(log2), "%s/rprocd-elf-board.log", rpt_tmpdir());
	snprintf(saved, sizeof(saved), "%s", rpd_sock);
	snprintf(rpd_sock, sizeof(rpd_sock), "%s/elf-board.sock", rpt_tmpdir());
	pid = rpd_start(log2, (const char *const[]){
				      "--board", rpt_source_path("boards/vstm32mp15-m4.dts"), NULL});
	assert_int_equal(ctl("remoteproc0 firmware %s",
			     rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
	assert_int_equal(ctl("remoteproc0 state start"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "remoteproc0: start failed: firmware sanity check failed: "
					 "this is a signed image (made by rproc-sign), not an ELF file"));
	assert_non_null(strstr(output(), "a TEE board takes the signed image"));
	assert_non_null(strstr(output(), "st,stm32mp1-m4-tee"));
	assert_null(strstr(output(), "bad magic"));
	rpd_stop(pid);
	snprintf(rpd_sock, sizeof(rpd_sock), "%s", saved);
}

/* name in the test's temporary directory (static until the next call). */
static const char *tmp_path(const char *name)
{
	static char p[600];

	snprintf(p, sizeof(p), "%s/%s", rpt_tmpdir(), name);
	return p;
}

/* Boot the shared vector (absolute path) and wait for its hello. */
static void boot_vector(void)
{
	assert_int_equal(ctl("remoteproc0 firmware %s",
			     rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_true(wait_output("remoteproc0 trace", "hello from the coprocessor", 5000));
}

/* Crash it with recovery disabled: it stays crashed. */
static void crash_and_stay_crashed(const char *how)
{
	assert_int_equal(ctl("remoteproc0 recovery disabled"), 0);
	assert_int_equal(ctl("remoteproc0 crash %s", how), 0);
	assert_true(wait_output("remoteproc0 state", "crashed", 5000));
}

/* Linux recovery_store(): `echo enabled > recovery` recovers a crashed processor at once. */
static void test_recovery_enabled_recovers_now(void **state)
{
	(void)state;
	boot_vector();
	crash_and_stay_crashed("watchdog");
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "crashed\n");
	assert_int_equal(ctl("remoteproc0 recovery enabled"), 0);
	assert_string_equal(output(), "enabled (recovered: running)\n");
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "running\n");
	assert_true(wait_output("remoteproc0 trace", "hello from the coprocessor", 5000));
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(), "offline\n");
}

/* Linux coredump_store(): -EBUSY while crashed; accepted again once recovered. */
static void test_coredump_change_refused_while_crashed(void **state)
{
	(void)state;
	boot_vector();
	crash_and_stay_crashed("fatal");
	assert_int_equal(ctl("remoteproc0 coredump disabled"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "remoteproc0: can't change the coredump configuration "
					 "while crashed"));
	assert_int_equal(ctl("remoteproc0 coredump"), 0);
	assert_string_equal(output(), "enabled\n");
	assert_int_equal(ctl("remoteproc0 recovery recover"), 0);
	assert_int_equal(ctl("remoteproc0 coredump disabled"), 0);
	assert_int_equal(ctl("remoteproc0 coredump enabled"), 0);
	assert_int_equal(ctl("remoteproc0 recovery enabled"), 0);
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(), "offline\n");
}

/*
 * start while crashed takes a power reference (Linux rproc_boot), stop while
 * crashed is refused (Linux rproc_shutdown), and a stop that only drops a
 * reference says so: no stop is ever reported that did not happen.
 */
static void test_start_stop_while_crashed(void **state)
{
	(void)state;
	boot_vector();
	crash_and_stay_crashed("mmufault");
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_non_null(strstr(output(), "crashed (already powered up"));
	assert_non_null(strstr(output(), "2 held"));
	assert_int_equal(ctl("remoteproc0 state stop"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "remoteproc0: stop refused: crashed"));
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "crashed\n");
	assert_int_equal(ctl("remoteproc0 recovery recover"), 0);
	assert_string_equal(output(), "running\n");
	/* Two references: the first stop drops one and says it did not stop. */
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(),
			    "running (not stopped: power reference dropped, 1 still held)\n");
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "running\n");
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(), "offline\n");
	assert_int_equal(ctl("remoteproc0 recovery enabled"), 0);
}

/* Copy the shared signed vector to path. */
static void put_vector(const char *path)
{
	struct rpt_error err = {0};
	uint8_t *img;
	size_t len;

	img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &len);
	assert_int_equal(rpt_write_file_atomic(path, img, len, &err), 0);
	free(img);
}

/*
 * Linux firmware_store() + request_firmware(): the name is passed as given
 * and found in the daemon's search path (first directory holding it, then the
 * next); it never leads out of its directory, and never holds a control
 * character (issue 11 item 13: a newline would forge a line of `list`).
 */
static void test_firmware_names_in_search_path(void **state)
{
	char path[700], target[700];
	const char *o;

	(void)state;
	snprintf(path, sizeof(path), "%s/m4.sign", fw_dir);
	put_vector(path);
	snprintf(path, sizeof(path), "%s/vendor", fw_dir2);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/vendor/m4b.sign", fw_dir2);
	put_vector(path);

	/* A bare name from the first directory: not looked up in our working directory. */
	assert_int_equal(ctl("remoteproc0 firmware m4.sign"), 0);
	assert_string_equal(output(), "m4.sign\n");
	assert_int_equal(ctl("remoteproc0 firmware"), 0);
	assert_string_equal(output(), "m4.sign\n");
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_string_equal(output(), "running\n");
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	/* A subdirectory of the second one. */
	assert_int_equal(ctl("remoteproc0 firmware vendor/m4b.sign"), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_int_equal(ctl("remoteproc0 state stop"), 0);

	/* Not in the search path: refused, naming where it looked. */
	assert_int_equal(ctl("remoteproc0 firmware nothere.sign"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "No such file"));
	assert_non_null(strstr(output(), fw_dir));
	/* Out of the directory through "..": refused before any lookup. */
	assert_int_equal(ctl("remoteproc0 firmware ../firmware/m4.sign"), 1);
	assert_non_null(strstr(output(), "must stay in the firmware directory"));
	/* Through a symlink: refused; a symlink staying inside works, as in /lib/firmware. */
	snprintf(path, sizeof(path), "%s/escape.sign", fw_dir);
	snprintf(target, sizeof(target), "%s",
		 rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"));
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(ctl("remoteproc0 firmware escape.sign"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "leads out of the firmware directory"));
	snprintf(path, sizeof(path), "%s/up.sign", fw_dir);
	assert_int_equal(symlink("../firmware2/vendor/m4b.sign", path), 0);
	assert_int_equal(ctl("remoteproc0 firmware up.sign"), 1);
	assert_non_null(strstr(output(), "leads out of the firmware directory"));
	snprintf(path, sizeof(path), "%s/alias.sign", fw_dir);
	assert_int_equal(symlink("m4.sign", path), 0);
	assert_int_equal(ctl("remoteproc0 firmware alias.sign"), 0);

	/* A newline (or any control character) would inject a line into `list`. */
	assert_int_equal(ctl("remoteproc0 firmware \"$(printf 'm4.sign\\nremoteproc9  m4  "
			     "running  evil')\""),
			 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "control character 0x0a"));
	assert_int_equal(ctl("remoteproc0 firmware \"$(printf 'm4\\033[2J.sign')\""), 1);
	assert_non_null(strstr(output(), "control character 0x1b"));
	assert_int_equal(ctl("list"), 0);
	o = output();
	/* Issue 15: the header line, then exactly one line for the one processor. */
	assert_true(!strncmp(o, "DEVICE", 6) && strchr(o, '\n') && one_line(strchr(o, '\n') + 1));
	assert_non_null(strstr(o, "alias.sign"));
	assert_null(strstr(o, "evil"));
}

/*
 * Linux debugfs `crash` takes a number (0 mmufault, 1 watchdog, 2 fatal
 * error) and `carveout_memories` lists the memories in its format.
 */
static void test_crash_numbers_and_carveouts(void **state)
{
	static const char *const words[] = {"mmufault", "watchdog", "fatal"};
	char want[64];
	const char *o;
	unsigned int i;

	(void)state;
	assert_int_equal(ctl("remoteproc0 carveout-memories"), 0);
	assert_string_equal(output(), ""); /* offline: nothing handed out */
	boot_vector();
	assert_int_equal(ctl("remoteproc0 carveout-memories"), 0);
	o = output();
	assert_true(strncmp(o, "Carveout memory entry:\n\tName: ",
			    strlen("Carveout memory entry:\n\tName: ")) == 0);
	assert_non_null(strstr(o, "\tName: vdev0buffer\n\tVirtual address: 0000000000000000\n"
				  "\tDMA address: 0x"));
	assert_non_null(strstr(o, "\tDevice address: 0x"));
	assert_non_null(strstr(o, " Bytes\n\n"));
	for (i = 0; i < 3; i++) {
		assert_int_equal(ctl("remoteproc0 crash %u", i), 0);
		snprintf(want, sizeof(want), "remoteproc0: %s crash injected\n", words[i]);
		assert_string_equal(output(), want);
		assert_true(wait_output("remoteproc0 state", "running", 5000));
		assert_true(wait_output("remoteproc0 trace", "hello from the coprocessor", 5000));
	}
	assert_int_equal(ctl("remoteproc0 crash 3"), 2);
	assert_non_null(strstr(output(), "(or 0, 1, 2)"));
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_int_equal(ctl("remoteproc0 carveout-memories"), 0);
	assert_string_equal(output(), "");
}

/*
 * A board of our own whose upper MCU SRAM (stack and trace buffer of the
 * shared vector) is secure: the normal world cannot map the trace. Its own
 * file, so that it does not depend on the shipped boards' layouts.
 */
static const char secure_trace_board[] =
	"/dts-v1/;\n"
	"/ {\n"
	"\tmodel = \"secure-trace\"; compatible = \"vst,vstm32mp15\";\n"
	"\t#address-cells = <1>; #size-cells = <1>;\n"
	"\treserved-memory {\n"
	"\t\t#address-cells = <1>; #size-cells = <1>; ranges;\n"
	"\t\tretram: retram@38000000 { reg = <0x38000000 0x10000>;\n"
	"\t\t\trproc,device-address = <0x0>; rproc,secure; rproc,loadable; };\n"
	"\t\tmcuram2: mcuram2@10000000 { reg = <0x10000000 0x20000>; rproc,loadable; };\n"
	"\t\tmcusec: mcusec@10020000 { reg = <0x10020000 0x20000>;\n"
	"\t\t\trproc,secure; rproc,loadable; };\n"
	"\t\tvdev0vring0: vdev0vring0@10040000 { reg = <0x10040000 0x1000>; };\n"
	"\t\tvdev0vring1: vdev0vring1@10041000 { reg = <0x10041000 0x1000>; };\n"
	"\t\tvdev0buffer: vdev0buffer@10042000 { reg = <0x10042000 0x4000>; };\n"
	"\t};\n"
	"\tipcc: mailbox@4c001000 { compatible = \"st,stm32mp1-ipcc\"; reg = <0x4c001000 0x400>;\n"
	"\t\t#mbox-cells = <1>; interrupts = <103 104>; };\n"
	"\tuart4: serial@40010000 { compatible = \"st,stm32h7-uart\"; reg = <0x40010000 0x400>; };\n"
	"\tvmmio: vmmio@4c0f0000 { compatible = \"vst,vmmio\"; reg = <0x4c0f0000 0x1000>; };\n"
	"\tm4 {\n"
	"\t\tcompatible = \"st,stm32mp1-m4-tee\"; rproc,id = <0>; cpu = \"cortex-m4\";\n"
	"\t\tmemory-region = <&retram>, <&mcuram2>, <&mcusec>, <&vdev0vring0>,\n"
	"\t\t\t<&vdev0vring1>, <&vdev0buffer>;\n"
	"\t\tmboxes = <&ipcc 0>, <&ipcc 1>, <&ipcc 2>;\n"
	"\t\tmbox-names = \"vq0\", \"vq1\", \"shutdown\";\n"
	"\t\trproc,peripherals = <&uart4>, <&vmmio>;\n"
	"\t\tsecure-policy { allow-unversioned; trusted-keys = \"%s\"; };\n"
	"\t};\n"
	"};\n";

/*
 * Linux registers a trace buffer it cannot map and `cat trace0` says "Trace
 * ... not available": the firmware boots, the reason is logged once.
 */
static void test_trace_in_secure_memory_not_available(void **state)
{
	char saved[512], board[600], log2[600], text[sizeof(secure_trace_board) + 512];
	struct rpt_error err = {0};
	pid_t pid;

	(void)state;
	snprintf(board, sizeof(board), "%s/secure-trace.dts", rpt_tmpdir());
	snprintf(log2, sizeof(log2), "%s/rprocd-secure-trace.log", rpt_tmpdir());
	snprintf(text, sizeof(text), secure_trace_board, rpt_vector_path("keys/rsa2048.pub.pem"));
	assert_int_equal(rpt_write_file_atomic(board, text, strlen(text), &err), 0);
	snprintf(saved, sizeof(saved), "%s", rpd_sock);
	snprintf(rpd_sock, sizeof(rpd_sock), "%s/secure-trace.sock", rpt_tmpdir());
	pid = rpd_start(log2, (const char *const[]){"--board", board, NULL});

	assert_int_equal(
		ctl("remoteproc0 firmware %s", rpt_vector_path("signed/m4-demo.rsa2048.sign")), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_string_equal(output(), "running\n");
	assert_int_equal(ctl("remoteproc0 trace"), 0);
	assert_string_equal(output(), "Trace trace0 not available\n");
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "running\n");
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(), "offline\n");

	rpd_stop(pid);
	snprintf(rpd_sock, sizeof(rpd_sock), "%s", saved);
	assert_int_equal(count_in_file(log2, "which the normal world cannot map: not available"),
			 1);
	assert_int_equal(count_in_file(log2, "remoteproc0: trace0 \"trace0\" at da 0x10030000 is "
					     "in memory mcusec"),
			 1);
}

static void test_errors_have_one_line_and_exit_codes(void **state)
{
	static const struct {
		const char *args;
		int code;
		const char *needle;
	} cases[] = {
		{"", 2, "usage"},
		{"remoteproc0", 2, "usage"},
		{"remoteproc0 state jump", 2, "not start, stop or detach"},
		{"remoteproc0 state stop", 1, "not running"},
		{"remoteproc0 recovery maybe", 2, "not enabled, disabled or recover"},
		{"remoteproc0 recovery recover", 1, "not crashed"},
		{"remoteproc0 coredump sometimes", 2, "not disabled, enabled or inline"},
		{"remoteproc0 trace x", 2, "not a trace number"},
		{"remoteproc0 trace 7", 1, "no trace7"},
		{"remoteproc0 crash meteor", 2, "not mmufault, watchdog or fatal"},
		{"remoteproc0 crash", 1, "not running"},
		{"remoteproc0 dump", 2, "dump --out"},
		{"remoteproc0 frobnicate", 2, "unknown command"},
		{"remoteproc0 state start now", 2, "too many arguments"},
		{"remoteproc9 state", 1, "no such remote processor"},
		{"remoteproc0 firmware /no/such/file.sign", 1, "No such file"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int code = ctl("%s", cases[i].args);
		const char *o = output();

		if (code != cases[i].code || !strstr(o, cases[i].needle) ||
		    (cases[i].code != 2 && !one_line(o)))
			fail_msg("'%s': exit %d, output '%s'", cases[i].args, code, o);
	}
	/* The daemon survived all of them. */
	assert_int_equal(ctl("list"), 0);
	assert_non_null(strstr(output(), "remoteproc0"));
}

/*
 * Issue 15, "rprocctl and logs": unknown words are named, `dump --out -` is
 * stdout, a bad output folder is named as given, `trace` of a processor that
 * runs nothing says so, `list` has a header line.
 */
static void test_ctl_words_and_output(void **state)
{
	size_t len, dump_len;
	uint8_t *bytes, *dump;
	const char *o;

	(void)state;
	assert_int_equal(ctl("remoteproc0 firmwre X"), 2);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "unknown command 'firmwre'"));
	assert_int_equal(ctl("lsit"), 2);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "unknown command 'lsit'"));

	assert_int_equal(ctl("list"), 0);
	o = output();
	assert_true(!strncmp(o, "DEVICE", 6));
	assert_non_null(strstr(o, "STATE"));
	assert_non_null(strstr(strchr(o, '\n'), "\nremoteproc0 "));

	/* Offline (stopped, or the secure world gone): nothing runs, the trace says so. */
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "offline\n");
	assert_int_equal(ctl("remoteproc0 trace"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "remoteproc0: no trace0: not running (state offline)"));

	/* A dump to take: crash the running vector with coredumps on. */
	boot_vector();
	assert_int_equal(ctl("remoteproc0 coredump enabled"), 0);
	assert_int_equal(ctl("remoteproc0 crash watchdog"), 0);
	assert_true(wait_output("remoteproc0 state", "running", 5000));
	assert_int_equal(ctl("remoteproc0 dump --out %s/core.elf", rpt_tmpdir()), 0);
	assert_int_equal(ctl("remoteproc0 dump --out -"), 0);
	bytes = rpt_slurp(rpd_out, &len);
	dump = rpt_slurp(tmp_path("core.elf"), &dump_len);
	assert_true(len > 4 && !memcmp(bytes, "\177ELF", 4));
	assert_int_equal(len, dump_len);
	assert_memory_equal(bytes, dump, len);
	free(bytes);
	free(dump);
	assert_int_equal(access(tmp_path("-"), F_OK), -1);
	assert_int_equal(access("-", F_OK), -1);

	/* A folder that does not exist: named as given, no temporary name. */
	assert_int_equal(ctl("remoteproc0 dump --out %s/no-such-dir/core.elf", rpt_tmpdir()), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "no-such-dir"));
	assert_null(strstr(output(), ".tmp"));
	assert_non_null(strstr(output(), "No such file or directory"));
	assert_int_equal(ctl("remoteproc0 coredump disabled"), 0);
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
}

/* --version and --help exit 0 on stdout; a wrong option is a usage error (2). */
static void test_version_help_and_usage(void **state)
{
	char args[64];

	(void)state;
	snprintf(args, sizeof(args), "--version");
	assert_int_equal(rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocctl"), args), 0);
	assert_non_null(strstr(rpt_captured(rpd_out), "rprocctl (remoteproc-tee) "));
	assert_int_equal(rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocctl"), "-h"), 0);
	assert_non_null(strstr(rpt_captured(rpd_out), "usage: rprocctl"));
	assert_int_equal(rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocctl"), "--help"), 0);
	assert_int_equal(rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocctl"), "--bogus list"),
			 2);
	assert_non_null(strstr(rpt_captured(rpd_out), "unknown option '--bogus'"));
	assert_int_equal(rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocd"), "--version"), 0);
	assert_non_null(strstr(rpt_captured(rpd_out), "rprocd (remoteproc-tee) "));
	assert_int_equal(rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocd"), "-h"), 0);
	assert_int_equal(rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocd"), "--help"), 0);
	assert_int_equal(rpt_run_capture(rpd_out, rpt_binary_path("bin/rprocd"), "--bogus"), 2);
}

/* The daemon's log lines are time-stamped (monotonic, then wall clock) outside systemd. */
static void test_daemon_log_stamped(void **state)
{
	char *log = read_text(rpd_log), *line;

	(void)state;
	line = strstr(log, "rprocd: listening on");
	assert_non_null(line);
	while (line > log && line[-1] != '\n')
		line--;
	assert_true(line[0] == '[' && strchr(line, ']') && strstr(line, "Z rprocd: listening on"));
	free(log);
}

static void test_daemon_not_running(void **state)
{
	char saved[512];

	(void)state;
	snprintf(saved, sizeof(saved), "%s", rpd_sock);
	snprintf(rpd_sock, sizeof(rpd_sock), "%s/nobody-here.sock", rpt_tmpdir());
	assert_int_equal(ctl("list"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "is rprocd running?"));
	snprintf(rpd_sock, sizeof(rpd_sock), "%s", saved);
}

static int setup(void **state)
{
	(void)state;
	start_daemon();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stop_daemon();
	return 0;
}

/*
 * --trust-only: exactly the keys named are trusted (the board's demo key is
 * not), their ids are logged at start; it does not mix with --trust.
 */
static void test_trust_only(void **state)
{
	char saved[512], log2[600];
	const char *demo_signed;
	pid_t pid;

	(void)state;
	demo_signed = rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf"));
	snprintf(log2, sizeof(log2), "%s/rprocd-trust-only.log", rpt_tmpdir());
	snprintf(saved, sizeof(saved), "%s", rpd_sock);
	snprintf(rpd_sock, sizeof(rpd_sock), "%s/trust-only.sock", rpt_tmpdir());
	pid = rpd_start(log2, (const char *const[]){"--trust-only",
						    rpt_vector_path("keys/rsa2048.pub.pem"), NULL});
	assert_int_equal(ctl("remoteproc0 firmware %s",
			     rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	/* The board's demo key is not trusted any more. */
	assert_int_equal(ctl("remoteproc0 firmware %s", demo_signed), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 1);
	assert_non_null(strstr(output(), "TEE_ERROR_SIGNATURE_INVALID"));
	rpd_stop(pid);
	snprintf(rpd_sock, sizeof(rpd_sock), "%s", saved);
	/* The named key, by id (SHA-256 of its DER SubjectPublicKeyInfo), and nothing else. */
	assert_int_equal(count_in_file(log2, "rproc 0 trusts key "), 1);
	assert_int_equal(count_in_file(log2, "rproc 0 trusts key 1d78e38a15e11e038f5d1deed804b78d4508"
					     "a1e2aa0a7fc2c871f3d39b4e21ed from "),
			 1);
	assert_int_equal(count_in_file(log2, "rsa2048.pub.pem (--trust-only)"), 1);
	assert_int_equal(count_in_file(log2, "PUBLISHED TEST-ONLY demo key"), 0);

	/* One way at a time: adding to the board's keys, or naming them all. */
	assert_int_equal(rpt_run_capture(log2, rpt_binary_path("bin/rprocd"),
					 "--trust a.pem --trust-only b.pem"),
			 2);
	assert_non_null(strstr(rpt_captured(log2), "--trust and --trust-only do not mix"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_end_to_end),
		cmocka_unit_test(test_recovery_enabled_recovers_now),
		cmocka_unit_test(test_coredump_change_refused_while_crashed),
		cmocka_unit_test(test_start_stop_while_crashed),
		cmocka_unit_test(test_firmware_names_in_search_path),
		cmocka_unit_test(test_crash_numbers_and_carveouts),
		cmocka_unit_test(test_trace_in_secure_memory_not_available),
		cmocka_unit_test(test_errors_have_one_line_and_exit_codes),
		cmocka_unit_test(test_ctl_words_and_output),
		cmocka_unit_test(test_version_help_and_usage),
		cmocka_unit_test(test_daemon_log_stamped),
		cmocka_unit_test(test_daemon_not_running),
		cmocka_unit_test(test_signed_image_on_elf_board),
		cmocka_unit_test(test_trust_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
