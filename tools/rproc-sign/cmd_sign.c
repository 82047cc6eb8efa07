// SPDX-License-Identifier: BSD-2-Clause
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "input.h"
#include "common/file_io.h"
#include "formats/signed_image.h"
#include "signer.h"

/* Command-line state of `sign`; everything it allocates is freed by sign_args_free(). */
struct sign_args {
	const char *in[SIMG_MAX_IMAGES]; /* input ELF paths */
	unsigned int num_in;
	const char *out;      /* output image path */
	const char *key;      /* private key path */
	const char *key_type; /* "rsa"/"ecc" (any case), NULL = from the key */
	const char *key_info; /* PKEYINFO file */
	const char *key_pwd;  /* PEM password */
	bool sync;	      /* --sync: fsync the image and its directory before returning */
	struct signer_plat_tlv plat[SIGNER_MAX_PLAT_TLVS];
	unsigned int num_plat;
};

enum {
	OPT_IN = 1,
	OPT_OUT,
	OPT_KEY,
	OPT_KEY_TYPE,
	OPT_KEY_INFO,
	OPT_KEY_PWD,
	OPT_PLAT_TLV,
	OPT_SYNC
};

/*
 * Known platform TLVs of the wrong size (the last value given for each ID):
 * one every board reads is refused, one only some platforms read is a warning
 * (the others take it as opaque bytes, as STM32MP15 takes BOOTADDR).
 */
static int check_plat_tlvs(const struct sign_args *a)
{
	const struct simg_plat_tlv_rule *rule;
	struct rpt_error err = {0};
	unsigned int i;

	for (i = 0; i < a->num_plat; i++) {
		if (!simg_plat_tlv_check(a->plat[i].type, (uint32_t)a->plat[i].len, &rule, &err))
			continue;
		if (rule->everywhere)
			return cli_fail_err(EXIT_USAGE, "sign: --plat-tlv", &err);
		fprintf(stderr, "rproc-sign: warning: sign: --plat-tlv: %s\n", rpt_error_msg(&err));
	}
	return EXIT_OK;
}

static int parse_sign_args(int argc, char **argv, struct sign_args *a)
{
	static const struct option opts[] = {
		{"in", required_argument, NULL, OPT_IN},
		{"out", required_argument, NULL, OPT_OUT},
		{"key", required_argument, NULL, OPT_KEY},
		{"key-type", required_argument, NULL, OPT_KEY_TYPE},
		{"key_type", required_argument, NULL, OPT_KEY_TYPE},
		{"key-info", required_argument, NULL, OPT_KEY_INFO},
		{"key_info", required_argument, NULL, OPT_KEY_INFO},
		{"key-pwd", required_argument, NULL, OPT_KEY_PWD},
		{"key_pwd", required_argument, NULL, OPT_KEY_PWD},
		{"plat-tlv", required_argument, NULL, OPT_PLAT_TLV},
		{"plat_tlv", required_argument, NULL, OPT_PLAT_TLV},
		{"sync", no_argument, NULL, OPT_SYNC},
		{NULL, 0, NULL, 0},
	};
	struct rpt_error err = {0};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_IN:
			if (a->num_in == SIMG_MAX_IMAGES)
				return cli_fail(EXIT_USAGE, "sign: more than %d --in images",
						SIMG_MAX_IMAGES);
			a->in[a->num_in++] = optarg;
			break;
		case OPT_OUT:
			a->out = optarg;
			break;
		case OPT_KEY:
			a->key = optarg;
			break;
		case OPT_KEY_TYPE:
			a->key_type = optarg;
			break;
		case OPT_KEY_INFO:
			a->key_info = optarg;
			break;
		case OPT_KEY_PWD:
			a->key_pwd = optarg;
			break;
		case OPT_SYNC:
			a->sync = true;
			break;
		case OPT_PLAT_TLV:
			if (optind >= argc)
				return cli_fail(EXIT_USAGE, "sign: --plat-tlv needs ID and VALUE");
			if (signer_add_plat_tlv(a->plat, &a->num_plat, optarg, argv[optind++],
						&err))
				return cli_fail_err(EXIT_USAGE, "sign", &err);
			break;
		default:
			return cli_fail(EXIT_USAGE, "sign: unknown or incomplete option '%s'",
					argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_fail(EXIT_USAGE, "sign: unexpected argument '%s'", argv[optind]);
	if (!a->num_in || !a->out || !a->key)
		return cli_fail(EXIT_USAGE, "sign: --in, --out and --key are required");
	if (a->key_type && strcasecmp(a->key_type, "rsa") && strcasecmp(a->key_type, "ecc"))
		return cli_fail(EXIT_USAGE, "sign: --key-type '%s': expected rsa or ecc",
				a->key_type);
	return check_plat_tlvs(a);
}

/* --key-type, when given, must name the key's own type (the reference would fail later). */
static int check_key_type(const struct sign_args *a, const struct crypto_key *key)
{
	enum crypto_key_type want;

	if (!a->key_type)
		return EXIT_OK;
	want = strcasecmp(a->key_type, "rsa") ? CRYPTO_KEY_ECDSA_P256 : CRYPTO_KEY_RSA;
	if (crypto_key_type(key) != want)
		return cli_fail(EXIT_USAGE, "sign: --key-type %s but %s is a%s key", a->key_type,
				a->key, crypto_key_type(key) == CRYPTO_KEY_RSA ? "n RSA" : "n EC");
	return EXIT_OK;
}

/* What fill_image() needs to write the image into the new file. */
struct image_job {
	const struct signer_request *req; /* the inputs, key and TLVs */
	const int *fds;			  /* each input's leased descriptor, or -1 */
	struct signer_hasher *hasher;	  /* hashing the inputs' segments meanwhile */
	size_t total;			  /* out: bytes written */
};

static int fill_image(int fd, const char *tmp, void *ctx, struct rpt_error *err)
{
	struct image_job *job = ctx;

	return signer_write_image(job->req, job->fds, job->hasher, fd, tmp, &job->total, err);
}

/*
 * Open every input, start hashing their segments on a second thread, and
 * meanwhile load the key (OpenSSL starts then: a few ms) and write the image:
 * atomic (a new file renamed over a->out, never a half-written image),
 * durable (fsync) only with --sync. The inputs' bytes never pass through an
 * image-sized buffer, nor through a mapping but for their headers: the
 * hashing thread reads them with pread into a small buffer, the kernel copies
 * them into the image (signer_write_image).
 */
static int sign_files(const struct sign_args *a)
{
	struct input_file files[SIMG_MAX_IMAGES];
	struct signer_input inputs[SIMG_MAX_IMAGES] = {0};
	int fds[SIMG_MAX_IMAGES];
	struct signer_request req = {
		.inputs = inputs,
		.num_inputs = a->num_in,
		.plat = a->plat,
		.num_plat = a->num_plat,
	};
	struct image_job job = {.req = &req, .fds = fds};
	struct crypto_key *key = NULL;
	struct rpt_error err = {0};
	unsigned int i, num_open = 0;
	uint8_t *info = NULL;
	size_t info_len = 0;
	int rc = EXIT_FAIL;

	for (i = 0; i < a->num_in; i++, num_open++) {
		if (input_open(a->in[i], INPUT_SPARSE, &files[i], &err))
			goto out;
		inputs[i] = (struct signer_input){files[i].data, files[i].size, a->in[i]};
		fds[i] = files[i].fd;
	}
	if (signer_hasher_start(inputs, a->num_in, fds, &job.hasher, &err))
		goto out;
	if (crypto_key_load_private(a->key, a->key_pwd, &key, &err))
		goto out;
	rc = check_key_type(a, key);
	if (rc)
		goto out;
	rc = EXIT_FAIL;
	if (a->key_info && rpt_read_file(a->key_info, &info, &info_len, &err))
		goto out;
	req.key = key;
	req.key_info = info;
	req.key_info_len = info_len;
	if (rpt_write_file_with(a->out, fill_image, &job,
				RPT_WRITE_SHARED | (a->sync ? 0 : RPT_WRITE_NO_SYNC), &err))
		goto out;
	printf("%s: signed %u image%s, %zu bytes\n", a->out, a->num_in, a->num_in == 1 ? "" : "s",
	       job.total);
	rc = EXIT_OK;
out:
	if (rc == EXIT_FAIL)
		cli_fail_err(rc, "sign", &err);
	/* Joins the hashing thread first: it reads the inputs closed below. */
	signer_hasher_free(job.hasher);
	free(info);
	crypto_key_free(key);
	for (i = 0; i < num_open; i++)
		input_close(&files[i]);
	return rc;
}

int cmd_sign(int argc, char **argv)
{
	struct sign_args a = {0};
	int rc;

	rc = parse_sign_args(argc, argv, &a);
	return rc ? rc : sign_files(&a);
}
