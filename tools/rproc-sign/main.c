// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-sign: sign, verify and inspect remoteproc firmware images in the
 * format of OP-TEE's sign_rproc_fw.py, and manage the keys.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "version.h"

int cli_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("rproc-sign: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_fail_err(int code, const char *what, const struct rpt_error *err)
{
	return cli_fail(code, "%s: %s", what, rpt_error_msg(err));
}

static void usage(FILE *out)
{
	fputs("usage: rproc-sign COMMAND [options]\n"
	      "       rproc-sign --in ELF ... --out IMAGE --key KEY.pem [options]  (= sign)\n"
	      "       rproc-sign --version | --help\n"
	      "\n"
	      "  sign    --in ELF [--in ELF ...] --out IMAGE --key KEY.pem\n"
	      "          [--key-type rsa|ecc] [--key-info FILE] [--key-pwd PASS]\n"
	      "          [--plat-tlv ID VALUE ...] [--sync]\n"
	      "          (IMAGE is replaced atomically; --sync also makes it durable: fsync)\n"
	      "          (--plat-tlv VALUE: 0x... is a little-endian u32, anything else the\n"
	      "          string's bytes; 0x10100 SECURITY_COUNTER and 0x10001 BOOTADDR are u32)\n"
	      "          (sign_rproc_fw.py spellings --key_type RSA|ECC, --key_info, --key_pwd\n"
	      "          are accepted too)\n"
	      "  verify  --key PUB.pem [--key PUB.pem ...] IMAGE\n"
	      "  verify  --board FILE.dts [--rproc ID] [--key PUB.pem ...] IMAGE\n"
	      "          (runs IMAGE through the TA against the board: would it load and start?\n"
	      "          without --key, the board's trusted-keys)\n"
	      "  info    IMAGE [--json]\n"
	      "  keygen  --type rsa2048|rsa3072|rsa4096|ecdsa-p256 --out KEY.pem\n"
	      "  getpub  --key KEY.pem [--format pem|c]\n"
	      "\n"
	      "\n"
	      "Options without a command mean `sign`, as sign_rproc_fw.py takes them.\n"
	      "Exit status: 0 success, 1 the operation failed (e.g. verification), 2 usage error.\n"
	      "See rproc-sign(1).\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"sign", cmd_sign},	{"verify", cmd_verify}, {"info", cmd_info},
		{"keygen", cmd_keygen}, {"getpub", cmd_getpub},
	};
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help") ||
	    (argc == 3 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help")))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		rpt_print_version("rproc-sign");
		return EXIT_OK;
	}
	/* A drop-in for sign_rproc_fw.py: its options, no command, mean sign. */
	if (argv[1][0] == '-')
		return cmd_sign(argc, argv);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	cli_fail(EXIT_USAGE, "unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
