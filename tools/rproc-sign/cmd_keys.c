// SPDX-License-Identifier: BSD-2-Clause
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crypto/crypto.h"

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{"type", required_argument, NULL, 't'},
		{"out", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *type = NULL, *out = NULL;
	struct rpt_error err = {0};
	struct crypto_key *key;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			type = optarg;
		else if (c == 'o')
			out = optarg;
		else
			return cli_fail(EXIT_USAGE, "keygen: unknown or incomplete option '%s'",
					argv[optind - 1]);
	}
	if (!type || !out || optind != argc)
		return cli_fail(EXIT_USAGE, "keygen: usage: rproc-sign keygen --type "
					    "rsa2048|rsa3072|rsa4096|ecdsa-p256 --out KEY.pem");
	if (strcmp(type, "rsa2048") && strcmp(type, "rsa3072") && strcmp(type, "rsa4096") &&
	    strcmp(type, "ecdsa-p256"))
		return cli_fail(EXIT_USAGE, "keygen: unknown key type '%s'", type);
	if (crypto_key_generate(type, &key, &err))
		return cli_fail_err(EXIT_FAIL, "keygen", &err);
	rc = crypto_key_write_private_pem(key, out, &err) ? cli_fail_err(EXIT_FAIL, "keygen", &err)
							  : EXIT_OK;
	if (!rc)
		printf("%s: new %s private key (keep it secret)\n", out, type);
	crypto_key_free(key);
	return rc;
}

/* The public key as a C array of its DER SubjectPublicKeyInfo, for firmware that embeds it. */
static void print_c_array(const uint8_t *der, size_t len)
{
	size_t i;

	printf("/* DER SubjectPublicKeyInfo, %zu bytes */\n", len);
	printf("static const unsigned char rproc_pubkey[] = {");
	for (i = 0; i < len; i++)
		printf("%s0x%02x,", i % 12 ? " " : "\n\t", der[i]);
	printf("\n};\n");
}

static int print_public(const struct crypto_key *key, const char *format)
{
	struct rpt_error err = {0};
	uint8_t *der = NULL;
	char *pem = NULL;
	size_t len;

	if (!strcmp(format, "pem")) {
		if (crypto_key_public_pem(key, &pem, &err))
			return cli_fail_err(EXIT_FAIL, "getpub", &err);
		fputs(pem, stdout);
		free(pem);
		return EXIT_OK;
	}
	if (crypto_key_public_der(key, &der, &len, &err))
		return cli_fail_err(EXIT_FAIL, "getpub", &err);
	print_c_array(der, len);
	free(der);
	return EXIT_OK;
}

int cmd_getpub(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, 'k'},
		{"format", required_argument, NULL, 'f'},
		{"key-pwd", required_argument, NULL, 'p'},
		{"key_pwd", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	const char *path = NULL, *format = "pem", *pwd = NULL;
	struct rpt_error err = {0};
	struct crypto_key *key;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			path = optarg;
		else if (c == 'f')
			format = optarg;
		else if (c == 'p')
			pwd = optarg;
		else
			return cli_fail(EXIT_USAGE, "getpub: unknown or incomplete option '%s'",
					argv[optind - 1]);
	}
	if (!path || optind != argc)
		return cli_fail(EXIT_USAGE, "getpub: usage: rproc-sign getpub --key KEY.pem "
					    "[--format pem|c]");
	if (strcmp(format, "pem") && strcmp(format, "c"))
		return cli_fail(EXIT_USAGE, "getpub: --format '%s': expected pem or c", format);
	/* A private key gives its public half; a public key is accepted as it is. */
	if (crypto_key_load_private(path, pwd, &key, &err)) {
		if (crypto_key_load_public(path, &key, &err))
			return cli_fail_err(EXIT_FAIL, "getpub", &err);
	}
	rc = print_public(key, format);
	crypto_key_free(key);
	return rc;
}
