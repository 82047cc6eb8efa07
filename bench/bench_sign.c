// SPDX-License-Identifier: BSD-2-Clause
/*
 * Signing and verification cost on large.elf (4 MiB, 5 segments), and the
 * SHA-256 throughput our wrapper reaches. Prints "key value unit" lines that
 * scripts/bench turns into a table next to `openssl speed` from the same run.
 * sign_ms is what `rproc-sign sign` does after its key is loaded: the ELF
 * copied from its file into a new image file while a second thread hashes its
 * segments (signer_write_image);
 * sign_mem_ms builds the image in memory from a copy (signer_build).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "bench_tmp.h"

#include "crypto/crypto.h"
#include "crypto/keyring.h"
#include "common/file_io.h"
#include "formats/image_verify.h"
#include "signer.h"

static double sha256_mbps(void)
{
	size_t len = 64u << 20;
	uint8_t *buf = malloc(len), digest[32];
	double t0, t, best = 1e9;
	int i;

	if (!buf)
		return 0;
	memset(buf, 0xa5, len); /* fault the pages in before timing */
	for (i = 0; i < 3; i++) {
		t0 = bench_now();
		crypto_sha256(buf, len, digest);
		t = bench_now() - t0;
		best = t < best ? t : best;
	}
	free(buf);
	return (double)len / best / 1e6;
}

/* The image file written the way rproc-sign sign writes it. */
struct stream_job {
	const struct signer_request *req; /* the ELF and the key */
	const int *fds;			  /* the ELF's descriptor */
	size_t total;			  /* out: bytes written */
};

static int fill_image(int fd, const char *tmp, void *ctx, struct rpt_error *err)
{
	struct stream_job *job = ctx;

	return signer_write_image(job->req, job->fds, NULL, fd, tmp, &job->total, err);
}

int main(int argc, char **argv)
{
	struct rpt_error err = {0};
	struct signer_input in = {.name = "large.elf"};
	struct signer_request req = {.inputs = &in, .num_inputs = 1};
	struct crypto_key *key = NULL;
	struct simg_summary sum;
	struct keyring ring;
	uint8_t *img = NULL;
	size_t img_len = 0;
	double t0, sign_s, sign_mem_s, verify_s;
	struct stream_job job = {.req = &req};
	char out[4096];
	int i, fd, runs = 5;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_sign LARGE.ELF KEY.pem PUB.pem\n");
		return 2;
	}
	if (rpt_read_file(argv[1], (uint8_t **)&in.elf, &in.size, &err) ||
	    crypto_key_load_private(argv[2], NULL, &key, &err)) {
		fprintf(stderr, "bench_sign: %s\n", rpt_error_msg(&err));
		return 1;
	}
	req.key = key;
	keyring_init(&ring);
	keyring_add_file(&ring, argv[3], &err);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || bench_tmp_path(out, sizeof(out), "large.sign")) {
		fprintf(stderr, "bench_sign: cannot open %s or make a scratch file\n", argv[1]);
		return 1;
	}
	job.fds = &fd;
	t0 = bench_now();
	for (i = 0; i < runs; i++)
		if (rpt_write_file_with(out, fill_image, &job, RPT_WRITE_NO_SYNC | RPT_WRITE_SHARED,
					&err)) {
			fprintf(stderr, "bench_sign: %s\n", rpt_error_msg(&err));
			return 1;
		}
	sign_s = (bench_now() - t0) / runs;
	close(fd);
	unlink(out);
	t0 = bench_now();
	for (i = 0; i < runs; i++) {
		free(img);
		if (signer_build(&req, &img, &img_len, &err)) {
			fprintf(stderr, "bench_sign: %s\n", rpt_error_msg(&err));
			return 1;
		}
	}
	sign_mem_s = (bench_now() - t0) / runs;
	if (job.total != img_len) {
		fprintf(stderr, "bench_sign: streamed %zu bytes, built %zu\n", job.total, img_len);
		return 1;
	}
	t0 = bench_now();
	for (i = 0; i < runs; i++)
		if (simg_verify(img, img_len, &ring, &sum, &err)) {
			fprintf(stderr, "bench_sign: verify: %s\n", rpt_error_msg(&err));
			return 1;
		}
	verify_s = (bench_now() - t0) / runs;
	printf("image_bytes %zu B\n", img_len);
	printf("sign_ms %.2f ms\n", sign_s * 1e3);
	printf("sign_mbps %.1f MB/s\n", (double)in.size / sign_s / 1e6);
	printf("sign_mem_ms %.2f ms\n", sign_mem_s * 1e3);
	printf("verify_ms %.2f ms\n", verify_s * 1e3);
	printf("verify_mbps %.1f MB/s\n", (double)img_len / verify_s / 1e6);
	printf("sha256_mbps %.1f MB/s\n", sha256_mbps());
	free(img);
	free((void *)in.elf);
	keyring_free(&ring);
	crypto_key_free(key);
	return 0;
}
