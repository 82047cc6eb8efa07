// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "common/file_io.h"
#include "crypto/keyring.h"
#include "formats/image_verify.h"
#include "board/board_dt.h"
#include "common/tee_defs.h"
#include "common/tee_result.h"
#include "coproc/coproc_ops.h"
#include "secure/platform/platform.h"
#include "secure/ta/rproc_ta.h"

/* What a verified image holds: who signed it, its images, its resource table. */
static void print_details(const struct keyring *ring, const struct simg_summary *s)
{
	const struct crypto_key *key = ring->keys[s->key_index];

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

/* ---- verify --board: the image through the real TA, against the board ---- */

/*
 * The core of a dry run: START reaches it only when every check of the TA
 * passed. It runs nothing; its registers are never captured.
 */
static int dry_start(void *priv, uint32_t boot_addr)
{
	(void)priv;
	(void)boot_addr;
	return 0;
}

static int dry_stop(void *priv)
{
	(void)priv;
	return 0;
}

static int dry_get_regs(void *priv, struct coredump_regs *regs)
{
	(void)priv;
	(void)regs;
	return -ENODATA;
}

static const struct coproc_ops dry_core_ops = {
	.start = dry_start, .stop = dry_stop, .get_regs = dry_get_regs};

/* What one `verify --board` run holds (large: on the heap). */
struct board_check {
	struct board board;	      /* parsed from the DTS (rollback-state cleared) */
	struct platform plat;	      /* the secure side of the board, over scratch memory */
	bool plat_up;		      /* platform_init succeeded */
	struct rproc_ta ta;	      /* the remoteproc TA, as on the device */
	bool ta_up;		      /* rproc_ta_init succeeded */
	const char *image;	      /* image path, for the messages */
	const char *board_path;	      /* board path, for the messages */
	const struct board_rproc *rp; /* the TEE coprocessor checked */
};

/*
 * The TA's console. Its failure lines repeat the reason the call hands back
 * (printed once, by the caller); what else it says on an image it accepts
 * (the legacy-layout warning) the user must see.
 */
static void check_log(void *priv, const char *msg)
{
	struct board_check *c = priv;

	if (strstr(msg, " failed ("))
		return;
	fprintf(stderr, "rproc-sign: warning: verify: %s: %s rproc %u: %s\n", c->image,
		c->board_path, c->rp->id, msg);
}

/* "0, 1 and 2": the TEE coprocessors of the board, for the usage messages. */
static void tee_ids(const struct board *b, char *buf, size_t len)
{
	size_t pos = 0;
	unsigned int i;
	int n;

	buf[0] = 0;
	for (i = 0; i < b->num_rprocs && pos < len; i++) {
		if (!b->rprocs[i].tee)
			continue;
		n = snprintf(buf + pos, len - pos, "%s%u", pos ? ", " : "", b->rprocs[i].id);
		if (n < 0)
			break;
		pos += (size_t)n;
	}
}

/* The coprocessor to check: --rproc's, else the board's only TEE one. EXIT_* on failure. */
static int pick_rproc(struct board_check *c, bool has_id, uint32_t id)
{
	const struct board *b = &c->board;
	unsigned int i, n = 0;
	char ids[128];

	tee_ids(b, ids, sizeof(ids));
	if (has_id) {
		c->rp = board_find_rproc(b, id);
		if (c->rp && c->rp->tee)
			return EXIT_OK;
		return cli_fail(EXIT_USAGE,
				"verify: --rproc %u: %s has no TEE coprocessor of that id "
				"(its TEE coprocessors: %s)",
				id, c->board_path, ids[0] ? ids : "none");
	}
	for (i = 0; i < b->num_rprocs; i++)
		if (b->rprocs[i].tee && !n++)
			c->rp = &b->rprocs[i];
	if (n == 1)
		return EXIT_OK;
	if (!n)
		return cli_fail(EXIT_FAIL,
				"verify: %s: would be refused by %s: the board has no TEE "
				"coprocessor (a signed image is loaded only by the remoteproc TA)",
				c->image, c->board_path);
	return cli_fail(EXIT_USAGE,
			"verify: %s has %u TEE coprocessors (%s): say which with --rproc ID",
			c->board_path, n, ids);
}

/* --key: exactly the keys named are trusted, in place of the board's trusted-keys. */
static int trust_only(struct plat_rproc *rp, char *const *keys, unsigned int num_keys,
		      struct rpt_error *err)
{
	struct crypto_key *key;
	unsigned int k;
	int ret;

	keyring_free(&rp->keys);
	keyring_init(&rp->keys);
	for (k = 0; k < num_keys; k++) {
		ret = crypto_key_load_public(keys[k], &key, err);
		if (!ret)
			ret = platform_trust_key(rp, key, keys[k], err); /* takes key */
		if (ret) {
			rpt_error_prefix(err, "key %s: ", keys[k]);
			return ret;
		}
	}
	return 0;
}

/* The secure world of the board, for one dry run: EXIT_* on failure. */
static int check_setup(struct board_check *c, bool has_id, uint32_t id, char *const *keys,
		       unsigned int num_keys)
{
	struct rpt_error err = {0};
	unsigned int i;
	int rc;

	if (board_load_file(&c->board, c->board_path, &err))
		return cli_fail(EXIT_FAIL, "verify: board %s: %s", c->board_path,
				rpt_error_msg(&err));
	rc = pick_rproc(c, has_id, id);
	if (rc)
		return rc;
	/*
	 * The counters a device accepted before are its own state, not the
	 * board's: checked as a fresh device (nothing accepted yet), and the
	 * board's state file is neither read nor written.
	 */
	for (i = 0; i < c->board.num_rprocs; i++)
		c->board.rprocs[i].policy.rollback_state[0] = 0;
	if (platform_init(&c->plat, &c->board, &err))
		return cli_fail(EXIT_FAIL, "verify: board %s: %s", c->board_path,
				rpt_error_msg(&err));
	c->plat_up = true;
	if (num_keys && trust_only(platform_rproc(&c->plat, c->rp->id), keys, num_keys, &err))
		return cli_fail_err(EXIT_FAIL, "verify", &err);
	platform_attach_coproc(platform_rproc(&c->plat, c->rp->id), &dry_core_ops, NULL);
	if (rproc_ta_init(&c->ta, &c->plat, &err))
		return cli_fail_err(EXIT_FAIL, "verify", &err);
	c->ta_up = true;
	c->ta.log = check_log;
	c->ta.log_priv = c;
	return EXIT_OK;
}

static void check_teardown(struct board_check *c)
{
	if (c->ta_up)
		rproc_ta_exit(&c->ta);
	if (c->plat_up)
		platform_exit(&c->plat);
}

/* Open a session, LOAD_FW then START_FW, as rprocd does: the TA's reason on a refusal. */
static int check_run(struct board_check *c, const struct input_file *in)
{
	const uint32_t simple = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0);
	char reason[TEE_REASON_MAX];
	TEE_Param p[TEE_NUM_PARAMS] = {0};
	void *sess = NULL;
	TEE_Result res;

	p[0].value.a = c->rp->id;
	res = rproc_ta_open_session_reason(&c->ta, simple, p, &sess, reason);
	if (res == TEE_SUCCESS) {
		p[1].memref.buffer = (void *)in->data;
		p[1].memref.size = in->size;
		res = rproc_ta_invoke_reason(&c->ta, sess, TA_RPROC_CMD_LOAD_FW,
					     TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
							     TEE_PARAM_TYPE_MEMREF_INPUT, 0, 0),
					     p, reason);
	}
	if (res == TEE_SUCCESS) {
		memset(&p[1], 0, sizeof(p[1]));
		res = rproc_ta_invoke_reason(&c->ta, sess, TA_RPROC_CMD_START_FW, simple, p,
					     reason);
	}
	if (sess)
		rproc_ta_close_session(&c->ta, sess);
	if (res == TEE_SUCCESS)
		return EXIT_OK;
	return cli_fail(EXIT_FAIL, "verify: %s: would be refused by %s rproc %u: %s", c->image,
			c->board_path, c->rp->id, reason[0] ? reason : tee_result_name(res));
}

static int verify_on_board(const char *image, const char *board_path, bool has_id, uint32_t id,
			   char *const *keys, unsigned int num_keys)
{
	struct board_check *c = calloc(1, sizeof(*c));
	struct input_file in = {.fd = -1};
	struct rpt_error err = {0};
	struct simg_summary sum;
	int rc;

	if (!c)
		return cli_fail(EXIT_FAIL, "verify: out of memory");
	c->image = image;
	c->board_path = board_path;
	rc = check_setup(c, has_id, id, keys, num_keys);
	if (rc)
		goto out;
	rc = EXIT_FAIL;
	if (input_open(image, 0, &in, &err)) {
		cli_fail_err(rc, "verify", &err);
		goto out;
	}
	rc = check_run(c, &in);
	if (rc)
		goto out;
	printf("%s: OK: %s rproc %u (%s) would load and start it\n", image, board_path, c->rp->id,
	       c->rp->name);
	/* The same keys the TA just used: what signed it, and what it holds. */
	if (!simg_verify(in.data, in.size, &platform_rproc(&c->plat, c->rp->id)->keys, &sum,
			 &err)) {
		print_details(&platform_rproc(&c->plat, c->rp->id)->keys, &sum);
		warn_plat_tlvs(in.data, &sum);
	}
out:
	input_close(&in);
	check_teardown(c);
	free(c);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, 'k'},
		{"board", required_argument, NULL, 'b'},
		{"rproc", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"verify: usage: rproc-sign verify --key PUB.pem [--key ...] IMAGE"
		" | verify --board FILE.dts [--rproc ID] [--key PUB.pem ...] IMAGE";
	struct rpt_error err = {0};
	struct simg_summary sum;
	struct input_file in = {.fd = -1};
	struct keyring ring;
	const char *board = NULL;
	char **keys = NULL;
	unsigned int num_keys = 0;
	bool has_id = false;
	uint32_t id = 0;
	char *end;
	unsigned long v;
	int c, rc = EXIT_USAGE;

	keyring_init(&ring);
	keys = calloc((size_t)argc + 1, sizeof(*keys));
	if (!keys) {
		rc = cli_fail(EXIT_FAIL, "verify: out of memory");
		goto out;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keys[num_keys++] = optarg;
			break;
		case 'b':
			if (board) {
				cli_fail(EXIT_USAGE, "verify: --board given twice");
				goto out;
			}
			board = optarg;
			break;
		case 'r': {
			/* required_argument: getopt gives one (the analyzer cannot know). */
			const char *arg = optarg ? optarg : "";

			errno = 0;
			v = strtoul(arg, &end, 0);
			if (has_id || errno || end == arg || *end || arg[0] == '-' ||
			    v > UINT32_MAX) {
				cli_fail(EXIT_USAGE, "verify: --rproc '%s': %s", arg,
					 has_id ? "given twice" : "not an rproc id (0, 1, ...)");
				goto out;
			}
			has_id = true;
			id = (uint32_t)v;
			break;
		}
		default:
			cli_fail(EXIT_USAGE, "verify: unknown or incomplete option '%s'",
				 argv[optind - 1]);
			goto out;
		}
	}
	if (optind + 1 != argc || (!board && !num_keys) || (has_id && !board)) {
		cli_fail(EXIT_USAGE, "%s", usage);
		goto out;
	}
	if (board) {
		rc = verify_on_board(argv[optind], board, has_id, id, keys, num_keys);
		goto out;
	}
	for (c = 0; c < (int)num_keys; c++)
		if (keyring_add_file(&ring, keys[c], &err)) {
			rc = cli_fail_err(EXIT_FAIL, "verify", &err);
			goto out;
		}
	rc = EXIT_FAIL;
	if (input_open(argv[optind], 0, &in, &err)) {
		cli_fail_err(rc, "verify", &err);
		goto out;
	}
	if (simg_verify(in.data, in.size, &ring, &sum, &err)) {
		cli_fail(rc, "%s: INVALID: %s", argv[optind], rpt_error_msg(&err));
		goto out;
	}
	printf("%s: OK\n", argv[optind]);
	print_details(&ring, &sum);
	warn_plat_tlvs(in.data, &sum);
	rc = EXIT_OK;
out:
	input_close(&in);
	keyring_free(&ring);
	free(keys);
	return rc;
}
