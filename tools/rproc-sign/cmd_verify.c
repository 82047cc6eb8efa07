// SPDX-License-Identifier: BSD-2-Clause
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "input.h"
#include "common/file_io.h"
#include "crypto/keyring.h"
#include "formats/image_verify.h"

static void print_summary(const char *path, const struct keyring *ring,
			  const struct simg_summary *s)
{
	const struct crypto_key *key = ring->keys[s->key_index];

	printf("%s: OK\n", path);
	printf("  signature: %s-%d, key %s\n",
	       crypto_key_type(key) == CRYPTO_KEY_RSA ? "RSA" : "ECDSA-P", crypto_key_bits(key),
	       ring->names[s->key_index]);
	printf("  images: %u, program headers: %u (all hashes match), loadable segments: %u\n",
	       s->tlvs.num_img, s->hashes_checked, s->load_segments);
	if (s->has_rsc)
		printf("  resource table: image %u, da 0x%08x, %u bytes\n", s->rsc_image + 1,
		       s->rsc.da, s->rsc.size);
	else
		printf("  resource table: none\n");
}

/*
 * A platform TLV only some platforms read, of the wrong size: valid here (the
 * others take it as opaque bytes), refused by a board that reads it: warn.
 * Those every board reads were checked by simg_verify() already.
 */
static void warn_plat_tlvs(const uint8_t *file, const struct simg_summary *s)
{
	const struct simg_plat_tlv_rule *rule;
	struct rpt_error err = {0};
	struct simg_tlv t;
	size_t pos = 0;

	while (simg_tlv_next(file + s->lay.tlv_off, s->lay.tlv_len, &pos, &t, &err) > 0)
		if (simg_plat_tlv_check(t.type, t.len, &rule, &err))
			fprintf(stderr, "rproc-sign: warning: verify: %s\n", rpt_error_msg(&err));
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	struct rpt_error err = {0};
	struct simg_summary sum;
	struct input_file in = {.fd = -1};
	struct keyring ring;
	int c, rc = EXIT_USAGE;

	keyring_init(&ring);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'k') {
			cli_fail(EXIT_USAGE, "verify: unknown or incomplete option '%s'",
				 argv[optind - 1]);
			goto out;
		}
		if (keyring_add_file(&ring, optarg, &err)) {
			rc = cli_fail_err(EXIT_FAIL, "verify", &err);
			goto out;
		}
	}
	if (optind + 1 != argc || !ring.count) {
		cli_fail(EXIT_USAGE, "verify: usage: rproc-sign verify --key PUB.pem IMAGE");
		goto out;
	}
	rc = EXIT_FAIL;
	if (input_open(argv[optind], &in, &err)) {
		cli_fail_err(rc, "verify", &err);
		goto out;
	}
	if (simg_verify(in.data, in.size, &ring, &sum, &err)) {
		cli_fail(rc, "%s: INVALID: %s", argv[optind], rpt_error_msg(&err));
		goto out;
	}
	print_summary(argv[optind], &ring, &sum);
	warn_plat_tlvs(in.data, &sum);
	rc = EXIT_OK;
out:
	input_close(&in);
	keyring_free(&ring);
	return rc;
}
