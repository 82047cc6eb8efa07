// SPDX-License-Identifier: BSD-2-Clause
#include "normal/ctl/ctl_proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/safe_math.h"

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *data, size_t len)
{
	uint8_t *p = data;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ctl_send_frame(int fd, const void *data, size_t len, struct rpt_error *err)
{
	uint8_t hdr[4];
	int ret;

	if (len > UINT32_MAX)
		return rpt_error_set(err, EMSGSIZE, "message of %zu bytes too large", len);
	put_le32(hdr, (uint32_t)len);
	ret = write_all(fd, hdr, sizeof(hdr));
	if (!ret && len)
		ret = write_all(fd, data, len);
	if (ret)
		return rpt_error_set(err, ret, "send: %s", strerror(-ret));
	return 0;
}

int ctl_recv_frame(int fd, uint8_t **data, size_t *len, size_t max, struct rpt_error *err)
{
	uint8_t hdr[4], *buf;
	uint32_t n;
	int ret;

	ret = read_all(fd, hdr, sizeof(hdr));
	if (ret)
		return rpt_error_set(err, ret, "receive: %s", strerror(-ret));
	n = get_le32(hdr);
	if (n > max)
		return rpt_error_set(err, EMSGSIZE,
				     "message of %u bytes exceeds the %zu-byte limit", n, max);
	buf = malloc((size_t)n + 1);
	if (!buf)
		return rpt_error_set(err, ENOMEM, "no memory for a %u-byte message", n);
	ret = read_all(fd, buf, n);
	if (ret) {
		free(buf);
		return rpt_error_set(err, ret, "receive: truncated message (%s)", strerror(-ret));
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int ctl_encode_request(int argc, char **argv, uint8_t **out, size_t *len, struct rpt_error *err)
{
	size_t total = 0, pos = 0, l;
	uint8_t *buf;
	int i;

	if (argc <= 0 || argc > CTL_MAX_ARGS)
		return rpt_error_set(err, E2BIG, "%d words: between 1 and %d expected", argc,
				     CTL_MAX_ARGS);
	for (i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	if (total > CTL_REQUEST_MAX)
		return rpt_error_set(err, E2BIG, "request of %zu bytes too long", total);
	buf = malloc(total);
	if (!buf)
		return rpt_error_set(err, ENOMEM, "out of memory");
	for (i = 0; i < argc; i++) {
		l = strlen(argv[i]) + 1;
		memcpy(buf + pos, argv[i], l);
		pos += l;
	}
	*out = buf;
	*len = total;
	return 0;
}

int ctl_decode_request(uint8_t *body, size_t len, struct ctl_request *req, struct rpt_error *err)
{
	size_t pos = 0;

	memset(req, 0, sizeof(*req));
	if (!len || body[len - 1] != '\0')
		return rpt_error_set(err, EBADMSG, "request is empty or not NUL-terminated");
	while (pos < len) {
		const char *word = (const char *)body + pos;

		if (req->argc == CTL_MAX_ARGS)
			return rpt_error_set(err, E2BIG, "more than %d words", CTL_MAX_ARGS);
		req->argv[req->argc++] = word;
		pos += strlen(word) + 1;
	}
	return 0;
}

int ctl_send_reply(int fd, enum ctl_status status, const void *data, size_t len,
		   struct rpt_error *err)
{
	uint8_t *buf = malloc(len + 1);
	int ret;

	if (!buf)
		return rpt_error_set(err, ENOMEM, "out of memory for a reply");
	buf[0] = (uint8_t)status;
	if (len)
		memcpy(buf + 1, data, len);
	ret = ctl_send_frame(fd, buf, len + 1, err);
	free(buf);
	return ret;
}
