// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-sign through its command line: byte-for-byte compatibility with
 * OP-TEE's signer, verification results and exit codes, info, keys.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "common/file_io.h"
#include "common/safe_math.h"
#include "crypto/crypto.h"
#include "formats/elf32.h"
#include "signer.h"

static char tool[4096];
static char out_path[4096]; /* stdout+stderr of the last run */

/* Run rproc-sign with the given arguments; returns its exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char args[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return rpt_run_capture(out_path, tool, args);
}

/* The last run's output, in a static buffer. */
static const char *output(void)
{
	return rpt_captured(out_path);
}

static void assert_same_file(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *da = rpt_slurp(a, &la), *db = rpt_slurp(b, &lb);

	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	free(da);
	free(db);
}

static const char *tmp(const char *name)
{
	static char buf[8][4096];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", rpt_tmpdir(), name);
	return p;
}

#define V(x) rpt_vector_path(x)

static void test_reproduces_rsa_vectors_byte_for_byte(void **state)
{
	char elf[4096], elf2[4096], key[4096], info[4096], ref[4096];

	(void)state;
	snprintf(elf, sizeof(elf), "%s", V("elf/m4-demo.elf"));
	snprintf(key, sizeof(key), "%s", V("keys/rsa2048.pem"));

	snprintf(ref, sizeof(ref), "%s", V("signed/m4-demo.rsa2048.sign"));
	assert_int_equal(run("sign --in %s --out %s --key %s", elf, tmp("a.sign"), key), 0);
	assert_same_file(tmp("a.sign"), ref);

	snprintf(elf2, sizeof(elf2), "%s", V("elf/m33-ns.elf"));
	snprintf(ref, sizeof(ref), "%s", V("signed/multi.rsa2048.sign"));
	assert_int_equal(run("sign --in %s --in %s --out %s --key %s", V("elf/m33-tfm.elf"), elf2,
			     tmp("b.sign"), key),
			 0);
	assert_same_file(tmp("b.sign"), ref);

	/* The reference signer's spellings, unchanged. */
	snprintf(info, sizeof(info), "%s", V("keys/keyinfo.bin"));
	snprintf(ref, sizeof(ref), "%s", V("signed/m4-demo.rsa2048.keyinfo-plattlv.sign"));
	assert_int_equal(run("sign --in %s --key %s --key_info %s --plat-tlv 0x10000 0x1 "
			     "--plat-tlv 0x10001 hello --out %s",
			     elf, key, info, tmp("c.sign")),
			 0);
	assert_same_file(tmp("c.sign"), ref);

	snprintf(ref, sizeof(ref), "%s", V("signed/large.rsa2048.sign"));
	assert_int_equal(run("sign --in %s --out %s --key %s --key_type RSA", V("elf/large.elf"),
			     tmp("d.sign"), key),
			 0);
	assert_same_file(tmp("d.sign"), ref);
}

/*
 * ST signs its STM32MP2 images with `--plat-tlv 0x10001 0x80100000`: the
 * reference signer appends the record after every generic TLV, the value a
 * u32 little-endian, zero-padded to 8. So the TLV area is the plain image's
 * plus exactly those 16 bytes, and nothing else moves.
 */
static void test_bootaddr_tlv_as_st_signs(void **state)
{
	static const uint8_t rec[16] = {0x01, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0x00, 0x00};
	size_t lp, lb;
	uint8_t *plain, *boot;
	uint32_t tlv_len;

	(void)state;
	assert_int_equal(run("sign --in %s --out %s --key %s --plat-tlv 0x10001 0x80100000",
			     V("elf/m4-demo.elf"), tmp("boot.sign"), V("keys/rsa2048.pem")),
			 0);
	plain = rpt_slurp(V("signed/m4-demo.rsa2048.sign"), &lp);
	boot = rpt_slurp(tmp("boot.sign"), &lb);
	tlv_len = get_le32(plain + 8);
	assert_int_equal(get_le32(boot + 8), tlv_len + 16);
	assert_int_equal(lb, lp + 16);
	assert_memory_equal(boot + 20, plain + 20, tlv_len);
	assert_memory_equal(boot + 20 + tlv_len, rec, sizeof(rec));
	/* Same sizes of signature and images; the images follow byte for byte. */
	assert_memory_equal(boot + 12, plain + 12, 8);
	assert_memory_equal(boot + lb - get_le32(plain + 16), plain + lp - get_le32(plain + 16),
			    get_le32(plain + 16));
	free(plain);
	free(boot);
	/* `info` names it and shows the address as one. */
	assert_int_equal(run("info %s", tmp("boot.sign")), 0);
	assert_non_null(strstr(output(), "name: BOOTADDR"));
	assert_non_null(strstr(output(), "value: 0x80100000"));
}

static void test_ecdsa_signs_and_verifies(void **state)
{
	char key[4096];

	(void)state;
	snprintf(key, sizeof(key), "%s", V("keys/ecp256.pem"));
	assert_int_equal(run("sign --in %s --out %s --key %s --key_type ECC", V("elf/m4-demo.elf"),
			     tmp("e.sign"), key),
			 0);
	assert_int_equal(run("verify --key %s %s", V("keys/ecp256.pub.pem"), tmp("e.sign")), 0);
	assert_non_null(strstr(output(), "OK"));
	/* Same size as the reference's ECDSA image; signatures differ (ECDSA is randomised). */
	{
		size_t a, b;
		uint8_t *x = rpt_slurp(tmp("e.sign"), &a);
		uint8_t *y = rpt_slurp(V("signed/m4-demo.ecp256.sign"), &b);

		assert_int_equal(a, b);
		assert_memory_equal(x, y, 20 + 0x118); /* header and TLVs are deterministic */
		free(x);
		free(y);
	}
}

static void test_verify_every_vector_with_its_key_only(void **state)
{
	static const char *const imgs[] = {
		"signed/m4-demo.rsa2048.sign", "signed/multi.rsa2048.sign",
		"signed/m4-demo.rsa2048.keyinfo-plattlv.sign", "signed/large.rsa2048.sign",
		"signed/m4-demo.ecp256.sign"};
	char rsa[4096], ecc[4096];
	size_t i;

	(void)state;
	snprintf(rsa, sizeof(rsa), "%s", V("keys/rsa2048.pub.pem"));
	snprintf(ecc, sizeof(ecc), "%s", V("keys/ecp256.pub.pem"));
	for (i = 0; i < 5; i++) {
		const char *good = i < 4 ? rsa : ecc, *bad = i < 4 ? ecc : rsa;

		assert_int_equal(run("verify --key %s %s", good, V(imgs[i])), 0);
		assert_int_equal(run("verify --key %s %s", bad, V(imgs[i])), 1);
		assert_non_null(strstr(output(), "INVALID: signature"));
		/* Several keys: the right one among them is found. */
		assert_int_equal(run("verify --key %s --key %s %s", bad, good, V(imgs[i])), 0);
	}
}

static void test_verify_names_the_tampered_segment(void **state)
{
	size_t size;
	uint8_t *buf = rpt_slurp(V("signed/m4-demo.rsa2048.sign"), &size);
	FILE *f;

	(void)state;
	buf[0x22c + 0x1000 + 8] ^= 1; /* a code byte of segment 0 */
	f = fopen(tmp("t.sign"), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, size, f), size);
	fclose(f);
	free(buf);
	assert_int_equal(run("verify --key %s %s", V("keys/rsa2048.pub.pem"), tmp("t.sign")), 1);
	assert_non_null(strstr(output(), "image 1: segment 0"));
	assert_non_null(strstr(output(), "SHA-256 differs"));
}

static void test_usage_errors_exit_2(void **state)
{
	(void)state;
	assert_int_equal(run(" "), 2);
	assert_int_equal(run("frobnicate"), 2);
	assert_int_equal(run("verify %s", V("signed/m4-demo.rsa2048.sign")), 2);
	assert_int_equal(run("sign --in %s --key %s", V("elf/m4-demo.elf"), V("keys/rsa2048.pem")),
			 2);
	assert_int_equal(run("sign --in %s --out %s --key %s --bogus", V("elf/m4-demo.elf"),
			     tmp("x"), V("keys/rsa2048.pem")),
			 2);
	assert_int_equal(run("sign --in %s --out %s --key %s --plat-tlv 0x20000 1",
			     V("elf/m4-demo.elf"), tmp("x"), V("keys/rsa2048.pem")),
			 2);
	assert_non_null(strstr(output(), "platform range"));
	assert_int_equal(run("sign --in %s --out %s --key %s --key_type ECC", V("elf/m4-demo.elf"),
			     tmp("x"), V("keys/rsa2048.pem")),
			 2);
	assert_int_equal(run("keygen --type dsa512 --out %s", tmp("k")), 2);
	assert_int_equal(run("getpub --key %s --format der", V("keys/rsa2048.pem")), 2);
	assert_int_equal(run("info"), 2);
}

static void test_operation_failures_exit_1(void **state)
{
	(void)state;
	assert_int_equal(run("verify --key %s /nonexistent/image", V("keys/rsa2048.pub.pem")), 1);
	assert_non_null(strstr(output(), "/nonexistent/image"));
	assert_int_equal(run("sign --in /nonexistent.elf --out %s --key %s", tmp("x"),
			     V("keys/rsa2048.pem")),
			 1);
	/* A public key cannot sign. */
	assert_int_equal(run("sign --in %s --out %s --key %s", V("elf/m4-demo.elf"), tmp("x"),
			     V("keys/rsa2048.pub.pem")),
			 1);
	/* An image is not an ELF. */
	assert_int_equal(run("sign --in %s --out %s --key %s", V("signed/m4-demo.rsa2048.sign"),
			     tmp("x"), V("keys/rsa2048.pem")),
			 1);
	assert_int_equal(run("info %s", V("elf/m4-demo.elf")), 1);
	assert_non_null(strstr(output(), "not a signed image"));
}

/* Files in the directory of path whose name starts with path's name + ".tmp-". */
static unsigned int temp_files_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096], prefix[512];
	unsigned int n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	snprintf(prefix, sizeof(prefix), "%s.tmp-", slash + 1);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

/*
 * Issue 12 item 7: the image is replaced atomically. A write that fails half-way
 * (a 1 MiB file-size limit on a 4 MiB image) leaves the previous image whole and
 * no temporary file; a successful one replaces it, readable by others (0644).
 */
static void test_sign_output_is_atomic(void **state)
{
	const char *out = tmp("atomic.sign");
	char cmd[16384];
	struct stat st;
	mode_t mask;
	size_t len;
	uint8_t *data;
	int status;

	(void)state;
	unlink(out);
	assert_int_equal(rpt_write_file_atomic(out, "previous image", 14, &(struct rpt_error){0}),
			 0);
	snprintf(cmd, sizeof(cmd),
		 "trap '' XFSZ; ulimit -f 1024; exec '%s' sign --in '%s' --out '%s' --key '%s' "
		 ">'%s' 2>&1",
		 tool, V("elf/large.elf"), out, V("keys/rsa2048.pem"), out_path);
	status = system(cmd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(strstr(output(), "write failed"));
	data = rpt_slurp(out, &len);
	assert_int_equal(len, 14);
	assert_memory_equal(data, "previous image", 14);
	free(data);
	assert_int_equal(temp_files_of(out), 0);

	assert_int_equal(run("sign --in %s --out %s --key %s", V("elf/m4-demo.elf"), out,
			     V("keys/rsa2048.pem")),
			 0);
	assert_same_file(out, V("signed/m4-demo.rsa2048.sign"));
	assert_int_equal(temp_files_of(out), 0);
	assert_int_equal(stat(out, &st), 0);
	mask = umask(0);
	umask(mask);
	assert_int_equal(st.st_mode & 0777, 0644 & ~mask);
}

/* --sync: the same bytes, made durable; documented in the usage. */
static void test_sign_sync_option(void **state)
{
	const char *out = tmp("sync.sign");

	(void)state;
	assert_int_equal(run("sign --sync --in %s --out %s --key %s", V("elf/m4-demo.elf"), out,
			     V("keys/rsa2048.pem")),
			 0);
	assert_same_file(out, V("signed/m4-demo.rsa2048.sign"));
	assert_int_equal(temp_files_of(out), 0);
	assert_int_equal(run("--help"), 0);
	assert_non_null(strstr(output(), "[--sync]"));
}

/*
 * Inputs are mapped only under a read lease; a file someone holds open for
 * writing gets none and is read into private memory: same results both ways.
 */
static void test_inputs_open_for_writing_elsewhere(void **state)
{
	const char *elf = tmp("held.elf"), *img = tmp("held.sign"), *out = tmp("held-out.sign");
	size_t len;
	uint8_t *data = rpt_slurp(V("elf/m4-demo.elf"), &len);
	int fd;

	(void)state;
	assert_int_equal(rpt_write_file_atomic(elf, data, len, &(struct rpt_error){0}), 0);
	free(data);
	data = rpt_slurp(V("signed/m4-demo.rsa2048.sign"), &len);
	assert_int_equal(rpt_write_file_atomic(img, data, len, &(struct rpt_error){0}), 0);
	free(data);
	fd = open(elf, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(run("sign --in %s --out %s --key %s", elf, out, V("keys/rsa2048.pem")), 0);
	close(fd);
	assert_same_file(out, V("signed/m4-demo.rsa2048.sign"));
	fd = open(img, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(run("verify --key %s %s", V("keys/rsa2048.pub.pem"), img), 0);
	close(fd);
	/* And mapped (no writer): the same verdicts. */
	assert_int_equal(run("verify --key %s %s", V("keys/rsa2048.pub.pem"), img), 0);
	assert_int_equal(run("verify --key %s %s", V("keys/rsa2048.pub.pem"), out), 0);
}

static void test_info_text_and_json(void **state)
{
	const char *o;

	(void)state;
	assert_int_equal(run("info %s", V("signed/m4-demo.rsa2048.keyinfo-plattlv.sign")), 0);
	o = output();
	assert_non_null(strstr(o, "PKEYINFO"));
	assert_non_null(strstr(o, "text: hello"));
	assert_non_null(strstr(o, "hash: ok"));
	assert_non_null(strstr(o, "name: vdev0buffer"));
	assert_non_null(strstr(o, "name: trace0"));
	assert_non_null(strstr(o, "structure: ok"));

	assert_int_equal(run("info --json %s", V("signed/multi.rsa2048.sign")), 0);
	o = output();
	assert_non_null(strstr(o, "\"structure\": \"ok\""));
	assert_non_null(strstr(o, "\"da\": 268435556")); /* 0x10000064 */
	assert_non_null(strstr(o, "\"vrings\": ["));
	assert_true(o[0] == '{');
}

static void test_keygen_getpub_roundtrip(void **state)
{
	static const char *const types[] = {"ecdsa-p256", "rsa2048"};
	char key[4096], pub[4096], img[4096];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		snprintf(key, sizeof(key), "%s", tmp("gen.pem"));
		snprintf(pub, sizeof(pub), "%s", tmp("gen.pub.pem"));
		snprintf(img, sizeof(img), "%s", tmp("gen.sign"));
		assert_int_equal(run("keygen --type %s --out %s", types[i], key), 0);
		assert_int_equal(run("getpub --key %s", key), 0);
		assert_non_null(strstr(output(), "BEGIN PUBLIC KEY"));
		assert_int_equal(rename(out_path, pub), 0);
		assert_int_equal(
			run("sign --in %s --out %s --key %s", V("elf/m4-demo.elf"), img, key), 0);
		assert_int_equal(run("verify --key %s %s", pub, img), 0);
		assert_int_equal(run("verify --key %s %s", V("keys/rsa2048.pub.pem"), img), 1);
	}
	assert_int_equal(run("getpub --key %s --format c", V("keys/ecp256.pub.pem")), 0);
	assert_non_null(strstr(output(), "static const unsigned char rproc_pubkey[]"));
}

/*
 * Issue 15, drop-in signer: the reference signer's exact command lines (the
 * options tests/vectors/README.md lists, in its order, with --out), the
 * program name changed and no command word: the same bytes (RSA), a valid
 * image (ECDSA).
 */
static void test_drop_in_reference_command_lines(void **state)
{
	static const struct {
		const char *opts; /* as given to sign_rproc_fw.py, paths relative to the vectors */
		const char *ref;  /* the reference's output */
		const char *pub;  /* to verify with */
	} lines[] = {
		{"--in elf/m4-demo.elf --key keys/rsa2048.pem", "signed/m4-demo.rsa2048.sign",
		 "keys/rsa2048.pub.pem"},
		{"--in elf/m4-demo.elf --key keys/ecp256.pem --key_type ECC", NULL,
		 "keys/ecp256.pub.pem"},
		{"--in elf/m33-tfm.elf --in elf/m33-ns.elf --key keys/rsa2048.pem",
		 "signed/multi.rsa2048.sign", "keys/rsa2048.pub.pem"},
		{"--in elf/m4-demo.elf --key keys/rsa2048.pem --key_info keys/keyinfo.bin "
		 "--plat-tlv 0x10000 0x1 --plat-tlv 0x10001 hello",
		 "signed/m4-demo.rsa2048.keyinfo-plattlv.sign", "keys/rsa2048.pub.pem"},
		{"--in elf/large.elf --key keys/rsa2048.pem", "signed/large.rsa2048.sign",
		 "keys/rsa2048.pub.pem"},
	};
	char cmd[20000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		/* Run from the vectors folder, as the README's relative paths are. */
		snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s --out '%s' >'%s' 2>&1",
			 rpt_vector_path(""), tool, lines[i].opts, tmp("dropin.sign"), out_path);
		if (system(cmd))
			fail_msg("rproc-sign %s: %s", lines[i].opts, output());
		if (lines[i].ref)
			assert_same_file(tmp("dropin.sign"), V(lines[i].ref));
		assert_int_equal(run("verify --key %s %s", V(lines[i].pub), tmp("dropin.sign")), 0);
	}
	/* Without a command, a usage error is still a usage error. */
	assert_int_equal(run("--in %s --key %s", V("elf/m4-demo.elf"), V("keys/rsa2048.pem")), 2);
}

/* --version, -h and --help exit 0 on stdout, with or without a command. */
static void test_version_and_help(void **state)
{
	(void)state;
	assert_int_equal(run("--version"), 0);
	assert_non_null(strstr(output(), "rproc-sign (remoteproc-tee) "));
	assert_int_equal(run("-h"), 0);
	assert_non_null(strstr(output(), "usage: rproc-sign"));
	assert_int_equal(run("--help"), 0);
	assert_int_equal(run("sign --help"), 0);
	assert_int_equal(run("verify -h"), 0);
}

/* The offset in an image of the first TLV of a type (the TLV area starts at 20). */
static size_t tlv_offset(const uint8_t *img, uint32_t type)
{
	uint32_t tlv_len = get_le32(img + 8);
	size_t pos = 0;

	while (pos + 8 <= tlv_len) {
		if (get_le32(img + 20 + pos) == type)
			return 20 + pos;
		pos += (8 + get_le32(img + 20 + pos + 4) + 7) & ~(size_t)7;
	}
	fail_msg("no TLV 0x%x", type);
	return 0;
}

/*
 * Issue 15: `--plat-tlv 0x10100 2` is the 1-byte string "2" (the reference's
 * rule), not a counter: sign refuses it and says how to write a u32; a TLV
 * only STM32MP2 reads (BOOTADDR) of the wrong size is a warning (STM32MP15
 * ignores it); verify and info explain a wrong-sized counter.
 */
static void test_known_platform_tlv_sizes(void **state)
{
	const char *elf = V("elf/m4-demo.elf"), *key = V("keys/rsa2048.pem");
	struct rpt_error err = {0};
	uint8_t *img;
	size_t len;

	(void)state;
	assert_int_equal(run("sign --in %s --out %s --key %s --plat-tlv 0x10100 2", elf,
			     tmp("ctr.sign"), key),
			 2);
	assert_non_null(strstr(output(), "SECURITY_COUNTER (0x10100): 1 bytes, expected 4"));
	assert_non_null(strstr(output(), "VALUE written 0x... as a little-endian u32"));
	assert_int_equal(access(tmp("ctr.sign"), F_OK), -1);
	/* The drop-in spelling goes through the same rule. */
	assert_int_equal(
		run("--in %s --out %s --key %s --plat-tlv 0x10100 2", elf, tmp("ctr.sign"), key),
		2);
	assert_int_equal(run("sign --in %s --out %s --key %s --plat-tlv 0x10100 0x2", elf,
			     tmp("ctr.sign"), key),
			 0);
	assert_null(strstr(output(), "warning"));

	assert_int_equal(run("sign --in %s --out %s --key %s --plat-tlv 0x10001 hello", elf,
			     tmp("boot.sign"), key),
			 0);
	assert_non_null(strstr(output(), "warning"));
	assert_non_null(strstr(output(), "BOOTADDR (0x10001): 5 bytes, expected 4"));
	assert_non_null(strstr(output(), "STM32MP2"));
	assert_int_equal(run("sign --in %s --out %s --key %s --plat-tlv 0x10001 0x80100000", elf,
			     tmp("boot.sign"), key),
			 0);
	assert_null(strstr(output(), "warning"));
	/* The reference vector's 0x10001 "hello": valid, with the warning. */
	assert_int_equal(run("verify --key %s %s", V("keys/rsa2048.pub.pem"),
			     V("signed/m4-demo.rsa2048.keyinfo-plattlv.sign")),
			 0);
	assert_non_null(strstr(output(), "warning: verify: TLV BOOTADDR (0x10001): 5 bytes"));

	/* A 1-byte counter (made by retyping another 1-byte TLV; checked before the signature). */
	assert_int_equal(run("sign --in %s --out %s --key %s --plat-tlv 0x10101 2", elf,
			     tmp("bad-ctr.sign"), key),
			 0);
	img = rpt_slurp(tmp("bad-ctr.sign"), &len);
	put_le32(img + tlv_offset(img, 0x10101), 0x10100);
	assert_int_equal(rpt_write_file_atomic(tmp("bad-ctr.sign"), img, len, &err), 0);
	free(img);
	assert_int_equal(run("verify --key %s %s", V("keys/rsa2048.pub.pem"), tmp("bad-ctr.sign")),
			 1);
	assert_non_null(strstr(output(), "SECURITY_COUNTER (0x10100): 1 bytes, expected 4"));
	assert_non_null(strstr(output(), "anything else as the string's bytes"));
	/* info shows it (as the string it is, with the rule) and exits 1: the image is invalid. */
	assert_int_equal(run("info %s", tmp("bad-ctr.sign")), 1);
	assert_non_null(strstr(output(), "problem: TLV SECURITY_COUNTER"));
	assert_non_null(strstr(output(), "text: 2"));
}

/* Issue 15: `sign` refuses what `verify` would: two images each with a resource table. */
static void test_sign_refuses_two_resource_tables(void **state)
{
	const char *ns = V("elf/m33-ns.elf");

	(void)state;
	assert_int_equal(run("sign --in %s --in %s --out %s --key %s", ns, ns, tmp("two.sign"),
			     V("keys/rsa2048.pem")),
			 1);
	assert_non_null(strstr(output(), "a second resource table (image 1 already has one)"));
	assert_non_null(strstr(output(), "m33-ns.elf"));
	assert_int_equal(access(tmp("two.sign"), F_OK), -1);
}

/*
 * sign streams each input through a 64 KiB buffer, hashing every segment from
 * the pieces as they pass. An ELF whose segments start at odd offsets, overlap
 * in the file and cross the piece boundaries, with a size that needs padding,
 * gives the same image as hashing each segment whole in memory (signer_build),
 * read through its lease or from a private copy, and verifies.
 */
static void test_sign_streams_odd_segments(void **state)
{
	const char *elf = tmp("odd.elf"), *out = tmp("odd.sign"), *held = tmp("odd-held.sign");
	struct signer_input in = {.name = "odd.elf"};
	struct signer_request req = {.inputs = &in, .num_inputs = 1};
	struct rpt_error err = {0};
	struct crypto_key *key = NULL;
	Elf32_Ehdr eh;
	Elf32_Phdr ph;
	uint8_t *data, *want, *got;
	size_t len, want_len, got_len;
	int fd;

	(void)state;
	/* large.elf: 1 MiB segments at 0x2000, 0x102000...; 3 more bytes: padding of 5. */
	data = rpt_slurp(V("elf/large.elf"), &len);
	data = realloc(data, len + 3);
	assert_non_null(data);
	memcpy(data + len, "end", 3);
	len += 3;
	memcpy(&eh, data, sizeof(eh));
	/* Segment 2 now starts inside segment 1, at an odd offset, and ends mid-piece. */
	memcpy(&ph, data + eh.e_phoff + 2 * sizeof(ph), sizeof(ph));
	ph.p_offset = 0x2001 + 0x10000 * 7 + 0x123;
	ph.p_filesz = 0xfedcb;
	memcpy(data + eh.e_phoff + 2 * sizeof(ph), &ph, sizeof(ph));
	/* Segment 4 ends at the last byte of the file. */
	memcpy(&ph, data + eh.e_phoff + 4 * sizeof(ph), sizeof(ph));
	ph.p_offset = (uint32_t)len - 0xfffff;
	ph.p_filesz = 0xfffff;
	memcpy(data + eh.e_phoff + 4 * sizeof(ph), &ph, sizeof(ph));
	assert_int_equal(rpt_write_file(elf, data, len, RPT_WRITE_NO_SYNC, &err), 0);

	assert_int_equal(crypto_key_load_private(V("keys/rsa2048.pem"), NULL, &key, &err), 0);
	in.elf = data;
	in.size = len;
	req.key = key;
	if (signer_build(&req, &want, &want_len, &err))
		fail_msg("signer_build: %s", rpt_error_msg(&err));
	/* The ELF, then its 5 bytes of padding: zeros. */
	assert_memory_equal(want + want_len - 8, "end\0\0\0\0\0", 8);

	assert_int_equal(run("sign --in %s --out %s --key %s", elf, out, V("keys/rsa2048.pem")), 0);
	got = rpt_slurp(out, &got_len);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
	/* Held open for writing elsewhere: no lease, read from a private copy. */
	fd = open(elf, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(run("sign --in %s --out %s --key %s", elf, held, V("keys/rsa2048.pem")),
			 0);
	close(fd);
	assert_same_file(held, out);
	assert_int_equal(run("verify --key %s %s", V("keys/rsa2048.pub.pem"), out), 0);

	free(want);
	free(data);
	crypto_key_free(key);
}

/*
 * The kernel copies a leased input into the image (copy_file_range); between
 * file systems of different types it refuses (EXDEV) and the copy goes
 * through a buffer instead. An input on tmpfs (/dev/shm), signed into the
 * test directory (/tmp), gives the reference image all the same.
 */
static void test_sign_input_on_another_file_system(void **state)
{
	char elf[4096];
	struct stat in_st, out_st;
	size_t len;
	uint8_t *data = rpt_slurp(V("elf/large.elf"), &len);
	const char *out = tmp("other-fs.sign");
	int rc;

	(void)state;
	snprintf(elf, sizeof(elf), "/dev/shm/rpt-sign-%ld.elf", (long)getpid());
	assert_int_equal(rpt_write_file(elf, data, len, RPT_WRITE_NO_SYNC, &(struct rpt_error){0}),
			 0);
	free(data);
	assert_int_equal(stat(elf, &in_st), 0);
	assert_int_equal(stat(rpt_tmpdir(), &out_st), 0);
	if (in_st.st_dev == out_st.st_dev)
		print_message("note: /dev/shm and %s share a file system here\n", rpt_tmpdir());
	rc = run("sign --in %s --out %s --key %s", elf, out, V("keys/rsa2048.pem"));
	unlink(elf); /* before any assertion: /dev/shm is not the test's directory */
	assert_int_equal(rc, 0);
	assert_same_file(out, V("signed/large.rsa2048.sign"));
}

/*
 * The segment hasher runs on a thread of its own: every way out joins it
 * before the inputs go (ASan: no use after free, no leak), and its failures
 * come back to the caller with their reason.
 */
static void test_segment_hasher_lifecycle(void **state)
{
	struct signer_input in = {.name = "large.elf"}, other = {.name = "other.elf"};
	struct signer_request req = {.inputs = &in, .num_inputs = 1};
	struct signer_hasher *hs = NULL;
	struct rpt_error err = {0};
	struct crypto_key *key = NULL;
	const char *short_file = tmp("short.elf"), *out = tmp("hasher.sign");
	uint8_t junk[64] = {0};
	size_t total = 0;
	int fd, out_fd;

	(void)state;
	in.elf = rpt_slurp(V("elf/large.elf"), &in.size);
	other.elf = in.elf;
	other.size = in.size;
	assert_int_equal(crypto_key_load_private(V("keys/rsa2048.pem"), NULL, &key, &err), 0);
	req.key = key;

	/* Refused before any thread: no input, or one that is not an ELF (named). */
	assert_int_not_equal(signer_hasher_start(&in, 0, NULL, &hs, &err), 0);
	assert_null(hs);
	other.elf = junk;
	other.size = sizeof(junk);
	assert_int_not_equal(signer_hasher_start(&other, 1, NULL, &hs, &err), 0);
	assert_null(hs);
	assert_non_null(strstr(rpt_error_msg(&err), "other.elf"));

	/* Freed while it may still be hashing 4 MiB: joined, nothing leaks. */
	assert_int_equal(signer_hasher_start(&in, 1, NULL, &hs, &err), 0);
	signer_hasher_free(hs);
	signer_hasher_free(NULL);

	/* Waited for twice: the same answer; used for other inputs: refused. */
	assert_int_equal(signer_hasher_start(&in, 1, NULL, &hs, &err), 0);
	assert_int_equal(signer_hasher_wait(hs, &err), 0);
	assert_int_equal(signer_hasher_wait(hs, &err), 0);
	other.elf = in.elf;
	other.size = in.size;
	req.inputs = &other;
	out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(out_fd >= 0);
	assert_int_equal(signer_write_image(&req, NULL, hs, out_fd, out, &total, &err), -EINVAL);
	assert_non_null(strstr(rpt_error_msg(&err), "other inputs"));
	req.inputs = &in;
	/* The same inputs read from another descriptor: what is hashed would not be what is copied. */
	fd = open(rpt_vector_path("elf/large.elf"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	rpt_error_clear(&err);
	assert_int_equal(signer_write_image(&req, &fd, hs, out_fd, out, &total, &err), -EINVAL);
	assert_non_null(strstr(rpt_error_msg(&err), "other inputs"));
	close(fd);
	signer_hasher_free(hs);

	/* A read that fails on the thread (the file is shorter than said) fails the image. */
	assert_int_equal(rpt_write_file(short_file, in.elf, 4096, RPT_WRITE_NO_SYNC, &err), 0);
	fd = open(short_file, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(signer_hasher_start(&in, 1, &fd, &hs, &err), 0);
	assert_int_not_equal(signer_hasher_wait(hs, &err), 0);
	assert_non_null(strstr(rpt_error_msg(&err), "short read"));
	assert_int_not_equal(signer_hasher_wait(hs, &err), 0);
	signer_hasher_free(hs);
	assert_int_not_equal(signer_write_image(&req, &fd, NULL, out_fd, out, &total, &err), 0);
	assert_non_null(strstr(rpt_error_msg(&err), "short read"));
	close(fd);
	close(out_fd);

	/* And whole: the image that signer_build makes in memory. */
	assert_int_equal(run("sign --in %s --out %s --key %s", V("elf/large.elf"), out,
			     V("keys/rsa2048.pem")),
			 0);
	assert_same_file(out, V("signed/large.rsa2048.sign"));
	free((void *)in.elf);
	crypto_key_free(key);
}

/* The key fails to load while the inputs are being hashed: exit 1, nothing written. */
static void test_sign_key_failure_while_hashing(void **state)
{
	const char *out = tmp("nokey.sign");

	(void)state;
	unlink(out);
	assert_int_equal(run("sign --in %s --out %s --key %s", V("elf/large.elf"), out,
			     V("keys/rsa2048.pub.pem")),
			 1);
	assert_non_null(strstr(output(), "rsa2048.pub.pem"));
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(temp_files_of(out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproduces_rsa_vectors_byte_for_byte),
		cmocka_unit_test(test_bootaddr_tlv_as_st_signs),
		cmocka_unit_test(test_ecdsa_signs_and_verifies),
		cmocka_unit_test(test_verify_every_vector_with_its_key_only),
		cmocka_unit_test(test_verify_names_the_tampered_segment),
		cmocka_unit_test(test_usage_errors_exit_2),
		cmocka_unit_test(test_operation_failures_exit_1),
		cmocka_unit_test(test_sign_output_is_atomic),
		cmocka_unit_test(test_sign_sync_option),
		cmocka_unit_test(test_inputs_open_for_writing_elsewhere),
		cmocka_unit_test(test_info_text_and_json),
		cmocka_unit_test(test_keygen_getpub_roundtrip),
		cmocka_unit_test(test_drop_in_reference_command_lines),
		cmocka_unit_test(test_version_and_help),
		cmocka_unit_test(test_known_platform_tlv_sizes),
		cmocka_unit_test(test_sign_refuses_two_resource_tables),
		cmocka_unit_test(test_sign_streams_odd_segments),
		cmocka_unit_test(test_sign_input_on_another_file_system),
		cmocka_unit_test(test_segment_hasher_lifecycle),
		cmocka_unit_test(test_sign_key_failure_while_hashing),
	};

	snprintf(tool, sizeof(tool), "%s", rpt_binary_path("bin/rproc-sign"));
	snprintf(out_path, sizeof(out_path), "%s/out.txt", rpt_tmpdir());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
