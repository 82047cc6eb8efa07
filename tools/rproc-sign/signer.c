// SPDX-License-Identifier: BSD-2-Clause
#include "signer.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/safe_math.h"
#include "formats/elf32.h"
#include "formats/image_verify.h"
#include "formats/signed_image.h"

static int parse_u32(const char *s, int base, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int signer_add_plat_tlv(struct signer_plat_tlv *list, unsigned int *count, const char *id,
			const char *value, struct rpt_error *err)
{
	struct signer_plat_tlv *t = NULL;
	uint32_t type, v;
	unsigned int i;

	if (parse_u32(id, 0, &type) || type < SIMG_TLV_PLATFORM_MIN || type > SIMG_TLV_PLATFORM_MAX)
		return rpt_error_set(err, EINVAL,
				     "--plat-tlv: ID '%s' is not in the platform range "
				     "0x10000..0x1ffff",
				     id);
	for (i = 0; i < *count; i++)
		if (list[i].type == type)
			t = &list[i];
	if (!t) {
		if (*count == SIGNER_MAX_PLAT_TLVS)
			return rpt_error_set(err, EINVAL, "--plat-tlv: more than %d TLVs",
					     SIGNER_MAX_PLAT_TLVS);
		t = &list[(*count)++];
	}
	t->type = type;
	if (!strncmp(value, "0x", 2)) {
		if (parse_u32(value + 2, 16, &v))
			return rpt_error_set(err, EINVAL,
					     "--plat-tlv %s: value '%s' is not a 32-bit hex number",
					     id, value);
		put_le32(t->value, v);
		t->len = 4;
		return 0;
	}
	t->len = strlen(value);
	if (t->len > sizeof(t->value))
		return rpt_error_set(err, EINVAL, "--plat-tlv %s: value longer than %zu bytes", id,
				     sizeof(t->value));
	memcpy(t->value, value, t->len);
	return 0;
}

/* Padded size of each image and their sum, refusing anything over 32 bits. */
static int image_sizes(const struct signer_request *req, uint8_t *sizes_le, uint32_t *total,
		       struct rpt_error *err)
{
	unsigned int i;
	size_t padded;

	*total = 0;
	for (i = 0; i < req->num_inputs; i++) {
		if (round_up8_overflow_size(req->inputs[i].size, &padded) || padded > UINT32_MAX ||
		    add_overflow(*total, (uint32_t)padded, total))
			return rpt_error_set(err, EFBIG, "%s: images too large for the format",
					     req->inputs[i].name);
		put_le32(sizes_le + 4 * (size_t)i, (uint32_t)padded);
	}
	return 0;
}

/*
 * Hash every input's program headers; on the way, the verifier's resource-table
 * rule (tied to a loaded segment, valid, one table per firmware): an image that
 * `verify` and the TA would refuse is never signed. With digests (one per
 * program header of every input, in order) the hashes are the caller's, else
 * they are computed from the inputs' bytes.
 */
static int build_hashtable(const struct signer_request *req,
			   const uint8_t (*digests)[CRYPTO_SHA256_SIZE],
			   struct simg_tlv_builder *ht, struct rpt_error *err)
{
	struct simg_summary sum = {0};
	struct elf32_file elf;
	unsigned int i, ph;
	int ret;

	for (i = 0; i < req->num_inputs; i++) {
		ret = elf32_open(&elf, req->inputs[i].elf, req->inputs[i].size, err);
		if (ret) {
			rpt_error_prefix(err, "%s: ", req->inputs[i].name);
			return ret;
		}
		ret = simg_check_image_rsc(&elf, i, &sum, err);
		if (ret) {
			elf32_close(&elf);
			rpt_error_prefix(err, "%s: ", req->inputs[i].name);
			return ret;
		}
		if (!digests)
			ret = simg_hashtable_append(ht, &elf);
		for (ph = 0; digests && !ret && ph < elf32_phnum(&elf); ph++)
			ret = simg_hashtable_add(ht, elf32_phdr(&elf, ph), *digests++);
		elf32_close(&elf);
		if (ret)
			return rpt_error_set(err, ret, "%s: cannot build the hash table",
					     req->inputs[i].name);
	}
	return 0;
}

/* The TLV area, in the reference signer's order. */
static int build_tlvs(const struct signer_request *req,
		      const uint8_t (*digests)[CRYPTO_SHA256_SIZE], struct simg_tlv_builder *tlv,
		      uint32_t *img_len, struct rpt_error *err)
{
	uint8_t sign_type = (uint8_t)crypto_key_type(req->key), hash_type = SIMG_HASH_SHA256;
	uint8_t num = (uint8_t)req->num_inputs, types[SIMG_MAX_IMAGES], sizes[4 * SIMG_MAX_IMAGES];
	struct simg_tlv_builder ht;
	unsigned int i;
	int ret;

	memset(types, SIMG_IMG_ELF, sizeof(types));
	ret = image_sizes(req, sizes, img_len, err);
	if (ret)
		return ret;
	simg_tlv_builder_init(&ht);
	ret = build_hashtable(req, digests, &ht, err);
	if (ret)
		goto out;
	ret = simg_tlv_builder_add(tlv, SIMG_TLV_SIGNTYPE, &sign_type, 1);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_NUM_IMG, &num, 1);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_IMGTYPE, types, num);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_IMGSIZE, sizes, 4 * (size_t)num);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_HASHTYPE, &hash_type, 1);
	ret = ret ? ret : simg_tlv_builder_add(tlv, SIMG_TLV_HASHTABLE, ht.buf, ht.len);
	if (!ret && req->key_info)
		ret = simg_tlv_builder_add(tlv, SIMG_TLV_PKEYINFO, req->key_info,
					   req->key_info_len);
	for (i = 0; !ret && i < req->num_plat; i++)
		ret = simg_tlv_builder_add(tlv, req->plat[i].type, req->plat[i].value,
					   req->plat[i].len);
	if (ret)
		rpt_error_set(err, ret, "TLV area too large");
out:
	simg_tlv_builder_free(&ht);
	return ret;
}

/* Bytes of header | TLV area | signature zero-padded to 8: where the first image starts. */
static size_t prefix_size(size_t tlv_len, size_t sig_len)
{
	return SIMG_HEADER_SIZE + tlv_len + ((sig_len + 7) & ~(size_t)7);
}

/* header | TLVs | signature, zero-padded: the image up to its first ELF. */
static int assemble_prefix(const uint8_t *hdr, const struct simg_tlv_builder *tlv,
			   const uint8_t *sig, size_t sig_len, uint8_t **out, size_t *out_len,
			   struct rpt_error *err)
{
	size_t total = prefix_size(tlv->len, sig_len);
	uint8_t *buf;

	buf = calloc(1, total);
	if (!buf) {
		rpt_error_set(err, ENOMEM, "out of memory for a %zu-byte header", total);
		return -ENOMEM;
	}
	memcpy(buf, hdr, SIMG_HEADER_SIZE);
	memcpy(buf + SIMG_HEADER_SIZE, tlv->buf, tlv->len);
	memcpy(buf + SIMG_HEADER_SIZE + tlv->len, sig, sig_len);
	*out = buf;
	*out_len = total;
	return 0;
}

/* Plain returns after the reason: callers set their outputs exactly when 0 is returned. */
static int check_request(const struct signer_request *req, struct rpt_error *err)
{
	if (!req->num_inputs || req->num_inputs > SIMG_MAX_IMAGES) {
		rpt_error_set(err, EINVAL, "%u input images, expected 1..%d", req->num_inputs,
			      SIMG_MAX_IMAGES);
		return -EINVAL;
	}
	if (!crypto_key_is_private(req->key)) {
		rpt_error_set(err, EINVAL, "the signing key has no private part");
		return -EINVAL;
	}
	return 0;
}

/* The prefix (see signer_build_prefix) with the given digests, or hashing the inputs. */
static int sign_prefix(const struct signer_request *req,
		       const uint8_t (*digests)[CRYPTO_SHA256_SIZE], uint8_t **out, size_t *out_len,
		       struct rpt_error *err)
{
	uint8_t hdr[SIMG_HEADER_SIZE], digest[CRYPTO_SHA256_SIZE], sig[CRYPTO_SIG_MAX];
	size_t sig_len = crypto_key_sig_size(req->key);
	struct simg_tlv_builder tlv;
	uint32_t img_len;
	int ret;

	simg_tlv_builder_init(&tlv);
	ret = build_tlvs(req, digests, &tlv, &img_len, err);
	if (ret)
		goto out;
	simg_header_encode(hdr, (uint32_t)tlv.len, (uint32_t)sig_len, img_len);
	ret = simg_signed_digest(hdr, tlv.buf, tlv.len, digest);
	if (ret) {
		rpt_error_set(err, ret, "cannot hash the header and TLV area");
		goto out;
	}
	ret = crypto_sign_digest(req->key, digest, sig, &sig_len, err);
	if (!ret)
		ret = assemble_prefix(hdr, &tlv, sig, sig_len, out, out_len, err);
out:
	simg_tlv_builder_free(&tlv);
	return ret;
}

int signer_build_prefix(const struct signer_request *req, uint8_t **out, size_t *out_len,
			struct rpt_error *err)
{
	int ret = check_request(req, err);

	return ret ? ret : sign_prefix(req, NULL, out, out_len, err);
}

/* ---- the image file: segments hashed on a thread while the inputs are copied ---- */

/* Input bytes read and hashed at a time: small enough to stay in L2. */
#define SIGNER_CHUNK ((size_t)64 << 10)

/* One program header's file bytes: what one hash table entry covers. */
struct signer_segment {
	unsigned int input; /* index of its input */
	uint64_t off;	    /* p_offset */
	uint64_t len;	    /* p_filesz */
};

/*
 * Everything the hashing thread touches is allocated here, on the caller's
 * thread, before it starts: the thread itself allocates nothing (a thread's
 * first malloc creates an arena of its own, page faults included). Until
 * joined, the thread alone writes ctx, digests, buf, ret and err; the caller
 * reads them only after the join.
 */
struct signer_hasher {
	pthread_t thread; /* hashes all segments (hasher_thread) */
	bool started;	  /* thread created and not yet joined */
	bool done;	  /* hashing finished: ret and digests are final */
	bool placed;	  /* thread created on another CPU than ours (place_thread) */
	cpu_set_t cpus;	  /* the CPUs we may run on, given back to the thread */
	const struct signer_input *inputs; /* the caller's; outlive the hasher */
	unsigned int num_inputs;	   /* entries in inputs */
	int fds[SIMG_MAX_IMAGES];    /* input i read with pread from fds[i], from its bytes if -1 */
	struct signer_segment *segs; /* every program header of every input, in order */
	size_t num_segs;	     /* entries in segs, ctx and digests */
	struct crypto_sha256 *ctx;   /* one running hash per segment */
	uint8_t (*digests)[CRYPTO_SHA256_SIZE]; /* one per segment, once done with ret 0 */
	uint8_t *buf;				/* SIGNER_CHUNK bytes for pread */
	int ret;				/* 0, or why hashing failed (negative) */
	struct rpt_error err;			/* the reason, when ret != 0 */
};

/* Feed h the part of [off, off + len) that lies in seg's file bytes, if any. */
static int hash_overlap(struct crypto_sha256 *h, const struct signer_segment *seg, uint64_t off,
			const uint8_t *chunk, size_t len)
{
	uint64_t lo = seg->off > off ? seg->off : off;
	uint64_t hi = seg->off + seg->len < off + len ? seg->off + seg->len : off + len;

	return lo < hi ? crypto_sha256_update(h, chunk + (lo - off), (size_t)(hi - lo)) : 0;
}

/* Does any of the n segments have bytes in [off, off + len)? */
static bool segs_overlap(const struct signer_segment *seg, size_t n, uint64_t off, size_t len)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (ranges_overlap(seg[k].off, seg[k].len, off, len))
			return true;
	return false;
}

/*
 * Hash the n segments of input i from SIGNER_CHUNK pieces read in file order
 * (one read per piece, however many segments share it; pieces outside every
 * segment are not read), into ctx[0..n).
 */
static int hash_input(struct signer_hasher *hs, unsigned int i, const struct signer_segment *seg,
		      struct crypto_sha256 *ctx, size_t n)
{
	const struct signer_input *in = &hs->inputs[i];
	const uint8_t *chunk;
	size_t off, len, k;
	int ret = 0;

	for (off = 0; !ret && off < in->size; off += len) {
		len = in->size - off < SIGNER_CHUNK ? in->size - off : SIGNER_CHUNK;
		if (!segs_overlap(seg, n, off, len))
			continue;
		chunk = in->elf + off;
		if (hs->fds[i] >= 0) {
			ret = rpt_pread_all(hs->fds[i], in->name, hs->buf, len, off, &hs->err);
			chunk = hs->buf;
		}
		for (k = 0; !ret && k < n; k++)
			if (hash_overlap(&ctx[k], &seg[k], off, chunk, len))
				ret = rpt_error_set(&hs->err, EIO,
						    "%s: segment %zu: hashing failed", in->name, k);
	}
	return ret;
}

/* Every segment of every input into hs->digests; 0 or negative (hs->err says why). */
static int hash_segments(struct signer_hasher *hs)
{
	size_t first = 0, n = 0, k;
	unsigned int i;
	int ret = 0;

	for (k = 0; !ret && k < hs->num_segs; k++)
		if (crypto_sha256_init(&hs->ctx[k]))
			ret = rpt_error_set(&hs->err, EIO, "cannot start a segment hash");
	for (i = 0; !ret && i < hs->num_inputs; i++, first += n) {
		for (n = 0; first + n < hs->num_segs && hs->segs[first + n].input == i; n++)
			;
		ret = hash_input(hs, i, &hs->segs[first], &hs->ctx[first], n);
	}
	for (k = 0; k < hs->num_segs; k++) {
		if (ret)
			crypto_sha256_abort(&hs->ctx[k]);
		else if (crypto_sha256_final(&hs->ctx[k], hs->digests[k]))
			ret = rpt_error_set(&hs->err, EIO, "segment hash %zu: hashing failed", k);
	}
	return ret;
}

static void *hasher_thread(void *arg)
{
	struct signer_hasher *hs = arg;

	/* Running on its own CPU now: the scheduler may move it again as load requires. */
	if (hs->placed)
		pthread_setaffinity_np(pthread_self(), sizeof(hs->cpus), &hs->cpus);
	hs->ret = hash_segments(hs);
	return NULL;
}

/*
 * Have the thread start on another CPU than the caller's, if there is one.
 * Measured on the project's 2-CPU VM with the other CPU idle: left to itself,
 * the scheduler queues a new thread on its creator's CPU (that guest kernel
 * packs tasks onto few virtual CPUs: sched_vcpu_pack on its command line),
 * where it waits until the creator sleeps or has run its slice (2 ms and
 * more): the hashing then follows the key load instead of running beside it,
 * and nothing is gained. Started elsewhere, it runs 0.3-0.5 ms later, beside
 * the caller. Best effort: without it the thread starts where the scheduler
 * puts it.
 */
static void place_thread(struct signer_hasher *hs, pthread_attr_t *attr)
{
	int here = sched_getcpu(), cpu;
	cpu_set_t other;

	if (here < 0 || sched_getaffinity(0, sizeof(hs->cpus), &hs->cpus))
		return;
	CPU_ZERO(&other);
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_COUNT(&other); cpu++)
		if (cpu != here && CPU_ISSET(cpu, &hs->cpus))
			CPU_SET(cpu, &other);
	hs->placed = CPU_COUNT(&other) && !pthread_attr_setaffinity_np(attr, sizeof(other), &other);
}

/* The program headers of every input (their ELF headers checked), and room for their hashes. */
static int list_segments(struct signer_hasher *hs, struct rpt_error *err)
{
	struct elf32_file elf;
	unsigned int i, ph;
	size_t n = 0;
	int ret;

	for (i = 0; i < hs->num_inputs; i++) {
		ret = elf32_open(&elf, hs->inputs[i].elf, hs->inputs[i].size, err);
		if (ret) {
			rpt_error_prefix(err, "%s: ", hs->inputs[i].name);
			return ret;
		}
		n += elf32_phnum(&elf);
		elf32_close(&elf);
	}
	hs->segs = calloc(n ? n : 1, sizeof(*hs->segs));
	hs->ctx = calloc(n ? n : 1, sizeof(*hs->ctx));
	hs->digests = calloc(n ? n : 1, sizeof(*hs->digests));
	hs->buf = malloc(SIGNER_CHUNK);
	if (!hs->segs || !hs->ctx || !hs->digests || !hs->buf)
		return rpt_error_set(err, ENOMEM, "out of memory for %zu segment hashes", n);
	for (i = 0; i < hs->num_inputs; i++) {
		/* Opened and checked just above: cannot fail now. */
		ret = elf32_open(&elf, hs->inputs[i].elf, hs->inputs[i].size, err);
		if (ret)
			return ret;
		for (ph = 0; ph < elf32_phnum(&elf); ph++, hs->num_segs++)
			hs->segs[hs->num_segs] = (struct signer_segment){
				.input = i,
				.off = elf32_phdr(&elf, ph)->p_offset,
				.len = elf32_phdr(&elf, ph)->p_filesz,
			};
		elf32_close(&elf);
	}
	return 0;
}

int signer_hasher_start(const struct signer_input *inputs, unsigned int num_inputs, const int *fds,
			struct signer_hasher **out, struct rpt_error *err)
{
	struct signer_hasher *hs;
	pthread_attr_t attr;
	unsigned int i;
	int ret;

	*out = NULL;
	if (!num_inputs || num_inputs > SIMG_MAX_IMAGES)
		return rpt_error_set(err, EINVAL, "%u input images, expected 1..%d", num_inputs,
				     SIMG_MAX_IMAGES);
	hs = calloc(1, sizeof(*hs));
	if (!hs)
		return rpt_error_set(err, ENOMEM, "out of memory for the segment hasher");
	hs->inputs = inputs;
	hs->num_inputs = num_inputs;
	for (i = 0; i < num_inputs; i++)
		hs->fds[i] = fds ? fds[i] : -1;
	ret = list_segments(hs, err);
	if (ret) {
		signer_hasher_free(hs);
		return ret;
	}
	/*
	 * Without a thread (a process limit), signer_hasher_wait() hashes on the
	 * caller's thread instead: no overlap, the same digests.
	 */
	if (!pthread_attr_init(&attr)) {
		place_thread(hs, &attr);
		hs->started = !pthread_create(&hs->thread, &attr, hasher_thread, hs);
		pthread_attr_destroy(&attr);
	}
	*out = hs;
	return 0;
}

int signer_hasher_wait(struct signer_hasher *hs, struct rpt_error *err)
{
	if (hs->started) {
		pthread_join(hs->thread, NULL);
		hs->started = false;
		hs->done = true;
	}
	if (!hs->done) {
		hs->ret = hash_segments(hs);
		hs->done = true;
	}
	if (hs->ret)
		return rpt_error_set(err, hs->ret, "%s", rpt_error_msg(&hs->err));
	return 0;
}

void signer_hasher_free(struct signer_hasher *hs)
{
	if (!hs)
		return;
	if (hs->started)
		pthread_join(hs->thread, NULL);
	free(hs->segs);
	free(hs->ctx);
	free(hs->digests);
	free(hs->buf);
	free(hs);
}

/* Where signer_write_image() writes. */
struct image_out {
	int fd;		  /* the image file */
	const char *name; /* its name, for messages */
};

/* in's bytes [from, size) from fd to the image at base + from, through a buffer. */
static int copy_buffered(const struct signer_input *in, int fd, const struct image_out *out,
			 uint64_t base, size_t from, struct rpt_error *err)
{
	uint8_t *buf = malloc(SIGNER_CHUNK);
	size_t len;
	int ret = 0;

	if (!buf)
		return rpt_error_set(err, ENOMEM, "out of memory for a copy buffer");
	for (; !ret && from < in->size; from += len) {
		len = in->size - from < SIGNER_CHUNK ? in->size - from : SIGNER_CHUNK;
		ret = rpt_pread_all(fd, in->name, buf, len, from, err);
		if (!ret)
			ret = rpt_pwrite_all(out->fd, out->name, buf, len, base + from, err);
	}
	free(buf);
	return ret;
}

/*
 * in's bytes from fd to the image at base, copied by the kernel from page
 * cache to page cache (copy_file_range): they never pass through this
 * process, whose hashing thread reads them on its own. Where the kernel
 * cannot (file systems of different types, an old kernel), through a buffer.
 */
static int copy_fd(const struct signer_input *in, int fd, const struct image_out *out,
		   uint64_t base, struct rpt_error *err)
{
	loff_t from = 0, to;
	ssize_t n;

	if (base > (uint64_t)INT64_MAX - in->size)
		return rpt_error_set(err, EFBIG, "%s: offset past the largest file", out->name);
	to = (loff_t)base;
	while ((size_t)from < in->size) {
		n = copy_file_range(fd, &from, out->fd, &to, in->size - (size_t)from, 0);
		if (n > 0 || (n < 0 && errno == EINTR))
			continue;
		/* Some kernels and file systems copy nothing rather than say EXDEV/EOPNOTSUPP. */
		if (n == 0 && from == 0)
			return copy_buffered(in, fd, out, base, 0, err);
		if (n == 0)
			return rpt_error_set(err, EIO, "%s: short read", in->name);
		if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)
			return copy_buffered(in, fd, out, base, (size_t)from, err);
		return rpt_error_set(err, errno, "%s: write failed (copying %s): %s", out->name,
				     in->name, strerror(errno));
	}
	return 0;
}

/* Copy input in to the image at offset base, zero-padded to 8: from fd if >= 0, else its bytes. */
static int copy_input(const struct signer_input *in, int fd, const struct image_out *out,
		      uint64_t base, struct rpt_error *err)
{
	static const uint8_t zeros[8];
	size_t pad = (8 - in->size % 8) % 8;
	int ret;

	if (fd >= 0)
		ret = copy_fd(in, fd, out, base, err);
	else
		ret = rpt_pwrite_all(out->fd, out->name, in->elf, in->size, base, err);
	if (!ret && pad)
		ret = rpt_pwrite_all(out->fd, out->name, zeros, pad, base + in->size, err);
	return ret;
}

/* Copy every input to its place after a prefix of prefix_len bytes; *end: the image size. */
static int copy_inputs(const struct signer_request *req, const int *fds, size_t prefix_len,
		       const struct image_out *out, size_t *end, struct rpt_error *err)
{
	uint64_t pos = prefix_len;
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < req->num_inputs; i++) {
		ret = copy_input(&req->inputs[i], fds ? fds[i] : -1, out, pos, err);
		/* No overflow: build_tlvs checked that the padded sizes fit 32 bits. */
		pos += (req->inputs[i].size + 7) & ~(size_t)7;
	}
	*end = (size_t)pos;
	return ret;
}

/* The bytes hashed are the bytes copied: the same inputs, read from the same descriptors. */
static bool same_inputs(const struct signer_hasher *hs, const struct signer_request *req,
			const int *fds)
{
	unsigned int i;

	if (hs->inputs != req->inputs || hs->num_inputs != req->num_inputs)
		return false;
	for (i = 0; i < hs->num_inputs; i++)
		if (hs->fds[i] != (fds ? fds[i] : -1))
			return false;
	return true;
}

int signer_write_image(const struct signer_request *req, const int *fds,
		       struct signer_hasher *hasher, int out_fd, const char *out_name,
		       size_t *total, struct rpt_error *err)
{
	const struct image_out out = {.fd = out_fd, .name = out_name};
	uint8_t(*placeholders)[CRYPTO_SHA256_SIZE] = NULL;
	struct signer_hasher *own = NULL;
	struct simg_tlv_builder tlv;
	uint8_t *prefix = NULL;
	size_t prefix_len, signed_len = 0, end = 0;
	uint32_t img_len;
	int ret;

	ret = check_request(req, err);
	if (ret)
		return ret;
	if (!hasher) {
		ret = signer_hasher_start(req->inputs, req->num_inputs, fds, &own, err);
		if (ret || !own)
			return ret ? ret : -ENOMEM;
		hasher = own;
	} else if (!same_inputs(hasher, req, fds)) {
		return rpt_error_set(err, EINVAL, "the segment hasher was started on other inputs");
	}
	placeholders = calloc(hasher->num_segs ? hasher->num_segs : 1, sizeof(*placeholders));
	if (!placeholders) {
		ret = rpt_error_set(err, ENOMEM, "out of memory for %zu segment hashes",
				    hasher->num_segs);
		goto out;
	}
	/*
	 * The TLV area with placeholder hashes has its final size: where the images
	 * start. Building it also checks every input before a byte is written.
	 */
	simg_tlv_builder_init(&tlv);
	ret = build_tlvs(req, (const uint8_t(*)[CRYPTO_SHA256_SIZE])placeholders, &tlv, &img_len,
			 err);
	prefix_len = prefix_size(tlv.len, crypto_key_sig_size(req->key));
	simg_tlv_builder_free(&tlv);
	if (!ret)
		ret = copy_inputs(req, fds, prefix_len, &out, &end, err);
	if (!ret)
		ret = signer_hasher_wait(hasher, err);
	if (!ret)
		ret = sign_prefix(req, (const uint8_t(*)[CRYPTO_SHA256_SIZE])hasher->digests,
				  &prefix, &signed_len, err);
	if (!ret && signed_len != prefix_len)
		ret = rpt_error_set(err, EIO, "header of %zu bytes, %zu expected", signed_len,
				    prefix_len);
	if (!ret)
		ret = rpt_pwrite_all(out_fd, out_name, prefix, prefix_len, 0, err);
	if (!ret)
		*total = end;
out:
	signer_hasher_free(own);
	free(prefix);
	free(placeholders);
	return ret;
}

int signer_build(const struct signer_request *req, uint8_t **out, size_t *out_len,
		 struct rpt_error *err)
{
	size_t pre_len, total, pos;
	uint8_t *pre, *buf;
	unsigned int i;
	int ret;

	ret = signer_build_prefix(req, &pre, &pre_len, err);
	if (ret)
		return ret;
	/* No overflow: build_tlvs checked that the padded sizes fit 32 bits. */
	total = pre_len;
	for (i = 0; i < req->num_inputs; i++)
		total += (req->inputs[i].size + 7) & ~(size_t)7;
	buf = calloc(1, total);
	if (!buf) {
		free(pre);
		return rpt_error_set(err, ENOMEM, "out of memory for a %zu-byte image", total);
	}
	memcpy(buf, pre, pre_len);
	pos = pre_len;
	for (i = 0; i < req->num_inputs; i++) {
		memcpy(buf + pos, req->inputs[i].elf, req->inputs[i].size);
		pos += (req->inputs[i].size + 7) & ~(size_t)7;
	}
	free(pre);
	*out = buf;
	*out_len = total;
	return 0;
}
