// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure world in its own process: the remoteproc TA behind the teed
 * server in a child process, reached only through the socket transport.
 * Firmware loads and its resource table is read through the shared-memory
 * mappings; secure memory is never mapped here; hostile messages cost the
 * sender its connection and nothing else; descriptors never leak. The
 * hardware channel relays doorbells, shutdown and crashes as events, and a
 * subscriber that does not read is dropped without slowing anyone else. A
 * server that dies fails the calls cleanly; one that comes back is reached
 * again, sessions re-opened and shared memories re-mapped in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/safe_math.h"
#include "wire/tee_wire.h"
#include "craft.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"
#include "normal/tee_client/tee_hwchan.h"
#include "secure/teed/teed.h"
#include "teed_server.h"
#include "testutil.h"

#define RSC_PA	 0x10000000u
#define RSC_SIZE 0xc8u

/* The server most tests talk to, started once for the group. */
static struct teed_server srv;

/* The signed demo firmware (read once). */
static uint8_t *image;
static size_t image_size;

/* ---- helpers ---- */

/* A connection with a session on rproc 0, the TA's state brought back to OFF. */
struct conn {
	struct tee_context ctx;
	struct tee_session sess;
};

static void conn_open(struct conn *c, const struct teed_server *s)
{
	memset(c, 0, sizeof(*c));
	teed_connect(s, &c->ctx);
	assert_int_equal(teed_open(&c->ctx, 0, &c->sess), TEE_SUCCESS);
	/* Whatever an earlier test left: STOP (BAD_STATE when only LOADED), then RELEASE. */
	(void)teed_simple(&c->sess, TA_RPROC_CMD_STOP_FW);
	assert_int_equal(teed_simple(&c->sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
}

static void conn_close(struct conn *c)
{
	tee_close_session(&c->sess);
	tee_finalize(&c->ctx);
}

/* /proc files have no size to read them by: line by line. */
static bool maps_contain(const char *needle)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096];
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* The .resource_table section of the ELF inside the signed vector. */
static uint8_t *elf_rsc_table(size_t *len)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	uint8_t *data, *out;
	Elf32_Shdr sh;
	size_t size;

	data = rpt_slurp(rpt_vector_path("elf/m4-demo.elf"), &size);
	assert_int_equal(elf32_open(&elf, data, size, &err), 0);
	assert_int_equal(elf32_find_section(&elf, ".resource_table", &sh, &err), 0);
	assert_true(sh.sh_offset + sh.sh_size <= size);
	out = malloc(sh.sh_size);
	assert_non_null(out);
	memcpy(out, data + sh.sh_offset, sh.sh_size);
	*len = sh.sh_size;
	elf32_close(&elf);
	free(data);
	return out;
}

/* A new client can still do real work: the server survived whatever came before. */
static void assert_server_serves(const struct teed_server *s)
{
	struct conn c;
	uint64_t pa, size;

	conn_open(&c, s);
	assert_int_equal(teed_load(&c.sess, image, image_size), TEE_SUCCESS);
	assert_int_equal(teed_rsc(&c.sess, &pa, &size), TEE_SUCCESS);
	assert_int_equal(pa, RSC_PA);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	conn_close(&c);
}

/* ---- loading and shared memory ---- */

static void test_load_and_rsc_table(void **state)
{
	struct tee_shm_set set;
	struct rpt_error err = {0};
	uint64_t pa = 0, size = 0;
	uint8_t *want;
	size_t want_len;
	unsigned int i;
	struct conn c;
	void *table;

	(void)state;
	conn_open(&c, &srv);
	assert_int_equal(teed_load(&c.sess, image, image_size), TEE_SUCCESS);
	assert_int_equal(teed_rsc(&c.sess, &pa, &size), TEE_SUCCESS);
	assert_int_equal(pa, RSC_PA);
	assert_int_equal(size, RSC_SIZE);

	if (tee_socket_map_shared(&c.ctx, 0, &set, &err))
		fail_msg("map_shared: %s", rpt_error_msg(&err));
	assert_int_equal(set.num, 4);
	for (i = 0; i < set.num; i++)
		assert_string_not_equal(set.regions[i].name, "retram");
	assert_string_equal(set.regions[0].name, "mcuram2");
	assert_int_equal(set.regions[0].pa, 0x10000000);
	assert_int_equal(set.regions[0].size, 256 << 10);

	/* The loaded table, read through our own mapping of the secure world's memory. */
	table = tee_shm_set_lookup(&set, pa, (size_t)size);
	assert_non_null(table);
	assert_int_equal(rsc_table_validate(table, (size_t)size, &err), 0);
	want = elf_rsc_table(&want_len);
	assert_int_equal(want_len, RSC_SIZE);
	assert_memory_equal(table, want, RSC_SIZE);
	free(want);

	/* Secure memory: not listed, not mappable, not in this process at all. */
	assert_null(tee_shm_set_lookup(&set, 0x38000000, 4));
	assert_null(tee_shm_set_lookup(&set, RSC_PA + (256 << 10) - 4, 8));
	assert_true(maps_contain("memfd:mcuram2"));
	assert_false(maps_contain("memfd:retram"));

	tee_socket_unmap_shared(&set);
	assert_int_equal(set.num, 0);
	assert_false(maps_contain("memfd:mcuram2"));
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	conn_close(&c);
}

/* Offset of the middle of the first non-empty PT_LOAD segment of image 0. */
static size_t segment_byte(struct craft *cr)
{
	unsigned int ph;

	for (ph = 0;; ph++) {
		const uint8_t *p = cr->buf + craft_phdr_off(cr, 0, ph);

		if (get_le32(p) == PT_LOAD && get_le32(p + 16))
			return craft_image_off(cr, 0) + get_le32(p + 4) + get_le32(p + 16) / 2;
	}
}

static void test_tampered_image(void **state)
{
	uint64_t pa, size;
	struct craft cr;
	struct conn c;

	(void)state;
	conn_open(&c, &srv);
	craft_load(&cr, rpt_vector_path("signed/m4-demo.rsa2048.sign"));
	/* A segment byte: the signature holds, the hash of the loaded copy does not. */
	cr.buf[segment_byte(&cr)] ^= 0x01;
	assert_int_equal(teed_load(&c.sess, cr.buf, cr.size), TEE_ERROR_SECURITY);
	assert_int_equal(teed_rsc(&c.sess, &pa, &size), TEE_ERROR_BAD_STATE);
	cr.buf[segment_byte(&cr)] ^= 0x01;
	/* A signature byte. */
	cr.buf[cr.lay.sig_off] ^= 0x80;
	assert_int_equal(teed_load(&c.sess, cr.buf, cr.size), TEE_ERROR_SIGNATURE_INVALID);
	assert_int_equal(teed_rsc(&c.sess, &pa, &size), TEE_ERROR_BAD_STATE);
	craft_free(&cr);
	conn_close(&c);
}

static const Elf32_Phdr *dump_segment(const struct elf32_file *elf, uint32_t vaddr)
{
	unsigned int i;

	for (i = 0; i < elf32_phnum(elf); i++)
		if (elf32_phdr(elf, i)->p_vaddr == vaddr)
			return elf32_phdr(elf, i);
	return NULL;
}

static void test_coredump(void **state)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	const Elf32_Phdr *ph;
	struct tee_shm_set set;
	uint8_t small[64];
	size_t need = 0, size;
	struct conn c;
	uint8_t *dump;

	(void)state;
	conn_open(&c, &srv);
	assert_int_equal(teed_load(&c.sess, image, image_size), TEE_SUCCESS);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	/* Never a dump of a running core (issue 11, item 3): stop it first. */
	assert_int_equal(teed_coredump(&c.sess, NULL, &need), TEE_ERROR_BAD_STATE);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);

	/* No buffer, then one too small: the size needed, nothing else. */
	assert_int_equal(teed_coredump(&c.sess, NULL, &need), TEE_ERROR_SHORT_BUFFER);
	assert_true(need > (256 << 10));
	size = sizeof(small);
	memset(small, 0x5a, sizeof(small));
	assert_int_equal(teed_coredump(&c.sess, small, &size), TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(size, need);
	assert_int_equal(small[0], 0x5a);

	dump = malloc(need + 16);
	assert_non_null(dump);
	size = need + 16;
	assert_int_equal(teed_coredump(&c.sess, dump, &size), TEE_SUCCESS);
	assert_int_equal(size, need);
	assert_int_equal(elf32_open_any(&elf, dump, size, true, &err), 0);
	assert_int_equal(elf.ehdr.e_type, ET_CORE);

	/* The dump's mcuram2 holds the resource table we can read through our mapping. */
	assert_int_equal(tee_socket_map_shared(&c.ctx, 0, &set, &err), 0);
	ph = dump_segment(&elf, RSC_PA);
	assert_non_null(ph);
	assert_memory_equal(elf32_segment_data(&elf, ph),
			    tee_shm_set_lookup(&set, RSC_PA, RSC_SIZE), RSC_SIZE);
	/*
	 * This board's policy allows dumps (coredump-allowed) but is no debug
	 * board: RETRAM, secure, holding the firmware's code, is not in it.
	 */
	assert_null(dump_segment(&elf, 0x00000000));
	tee_socket_unmap_shared(&set);
	elf32_close(&elf);
	free(dump);

	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	conn_close(&c);
}

/* ---- sessions ---- */

static void raw_sessions_bounded(void);

static void test_session_errors(void **state)
{
	static const TEE_UUID other = {1, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}};
	struct tee_session extra[TEE_SOCKET_MAX_SESSIONS], fake;
	char reason[TEE_REASON_MAX] = "";
	struct tee_param p[TEE_NUM_PARAMS];
	struct rpt_error err = {0};
	struct tee_shm_set set;
	uint32_t origin = 0;
	uint64_t pa, size;
	unsigned int i;
	struct conn c;

	(void)state;
	conn_open(&c, &srv);
	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	assert_int_equal(tee_open_session(&c.ctx, &other, p, &fake, &origin),
			 TEE_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(origin, TEE_ORIGIN_TEE);
	assert_int_equal(teed_open(&c.ctx, 5, &fake), TEE_ERROR_BAD_PARAMETERS);

	/* A session handle never opened on this context: the transport knows its own. */
	fake.ctx = &c.ctx;
	fake.handle = (void *)(uintptr_t)7;
	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	assert_int_equal(tee_invoke(&fake, TA_RPROC_CMD_START_FW, p, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_API);
	fake.handle = (void *)(uintptr_t)(TEE_SOCKET_MAX_SESSIONS + 1);
	assert_int_equal(tee_invoke(&fake, TA_RPROC_CMD_START_FW, p, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(teed_simple(&c.sess, 99), TEE_ERROR_BAD_PARAMETERS); /* as OP-TEE's TA */

	/* Refused by the transport itself, before anything is sent or read. */
	p[1].type = 4;
	assert_int_equal(
		c.ctx.ops->invoke(&c.ctx, c.sess.handle, TA_RPROC_CMD_LOAD_FW, p, &origin, reason),
		TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_API);
	p[1].type = TEE_PARAM_TYPE_MEMREF_INPUT;
	p[1].u.memref.buffer = p; /* never read: the size is refused first */
	p[1].u.memref.size = (size_t)TEE_WIRE_MEMREF_MAX + 1;
	assert_int_equal(tee_invoke(&c.sess, TA_RPROC_CMD_LOAD_FW, p, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_API);
	memset(&p[1], 0, sizeof(p[1]));
	assert_int_equal(teed_rsc(&c.sess, &pa, &size), TEE_ERROR_BAD_STATE);
	/* The TA's reason crosses the socket with its code (wire v5), and the daemon's own. */
	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	assert_int_equal(tee_invoke_reason(&c.sess, TA_RPROC_CMD_START_FW, p, &origin, reason),
			 TEE_ERROR_BAD_STATE);
	assert_string_equal(reason, "START_FW with no firmware loaded");
	assert_int_equal(tee_invoke_reason(&c.sess, 99, p, &origin, reason),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_string_equal(reason, "command 99 unknown");
	assert_int_equal(tee_open_session_reason(&c.ctx, &other, p, &fake, &origin, reason),
			 TEE_ERROR_ITEM_NOT_FOUND);
	assert_string_equal(reason,
			    "rproc-teed serves the remoteproc TA only (another UUID asked)");
	assert_string_equal(tee_reason_where(&c.ctx), "rproc-teed's log");
	assert_int_equal(tee_socket_map_shared(&c.ctx, 9, &set, &err), -ENOENT);
	assert_int_equal(set.num, 0);

	/*
	 * Sessions per context are bounded; closing one frees its place. The
	 * context spreads them over its connections, each well within the
	 * server's bound per connection.
	 */
	for (i = 0; i + 1 < TEE_SOCKET_MAX_SESSIONS; i++)
		assert_int_equal(teed_open(&c.ctx, 0, &extra[i]), TEE_SUCCESS);
	assert_int_equal(teed_open(&c.ctx, 0, &extra[i]), TEE_ERROR_OUT_OF_MEMORY);
	tee_close_session(&extra[0]);
	assert_int_equal(teed_open(&c.ctx, 0, &extra[0]), TEE_SUCCESS);
	/* Leave them open: the server closes them when the connection goes. */
	conn_close(&c);
	assert_server_serves(&srv);
	raw_sessions_bounded();
}

/* ---- hostile messages ---- */

static int raw_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	/* A guard, not a timing assertion: a server that never answers fails, not hangs. */
	struct timeval tv = {.tv_sec = 30};
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	return fd;
}

static void raw_send_msg(int fd, const struct tee_wire_msg *m, const int *fds)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct rpt_error err = {0};
	size_t len;

	assert_int_equal(tee_wire_encode(m, buf, sizeof(buf), &len, &err), 0);
	assert_int_equal(tee_wire_send(fd, buf, len, fds, m->num_fds, false, &err), 0);
}

static void raw_reply(int fd, struct tee_wire_msg *reply)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	int fds[TEE_WIRE_MAX_FDS];
	struct rpt_error err = {0};
	unsigned int n;
	size_t len;

	if (tee_wire_recv(fd, buf, sizeof(buf), &len, fds, &n, false, &err))
		fail_msg("no reply: %s", rpt_error_msg(&err));
	assert_int_equal(tee_wire_decode(buf, len, n, reply, &err), 0);
	tee_wire_close_fds(fds, n);
}

/* HELLO and a session on rproc 0: a well-behaved start, then the test misbehaves. */
static int raw_session(const char *path, uint32_t *session)
{
	struct tee_wire_msg m, r;
	unsigned int i;
	int fd = raw_connect(path);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_HELLO;
	m.seq = 1;
	m.version = TEE_WIRE_VERSION;
	raw_send_msg(fd, &m, NULL);
	raw_reply(fd, &r);
	assert_int_equal(r.result, TEE_SUCCESS);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_OPEN_SESSION;
	m.seq = 2;
	m.uuid = (TEE_UUID)TA_RPROC_UUID;
	for (i = 0; i < TEE_NUM_PARAMS; i++)
		m.params[i].fd_index = TEE_WIRE_FD_NONE;
	m.params[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	raw_send_msg(fd, &m, NULL);
	raw_reply(fd, &r);
	assert_int_equal(r.result, TEE_SUCCESS);
	*session = r.session;
	return fd;
}

/* Sessions per connection are bounded on the server; the connection stays usable. */
static void raw_sessions_bounded(void)
{
	struct tee_wire_msg m, r;
	uint32_t session;
	unsigned int i;
	int sock = raw_session(srv.path, &session);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_OPEN_SESSION;
	m.seq = 3;
	m.uuid = (TEE_UUID)TA_RPROC_UUID;
	for (i = 0; i < TEE_NUM_PARAMS; i++)
		m.params[i].fd_index = TEE_WIRE_FD_NONE;
	m.params[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	for (i = 1; i < TEED_MAX_SESSIONS; i++) {
		raw_send_msg(sock, &m, NULL);
		raw_reply(sock, &r);
		assert_int_equal(r.result, TEE_SUCCESS);
	}
	raw_send_msg(sock, &m, NULL);
	raw_reply(sock, &r);
	assert_int_equal(r.result, TEE_ERROR_OUT_OF_MEMORY);
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_CLOSE_SESSION;
	m.seq = 4;
	m.session = session;
	raw_send_msg(sock, &m, NULL);
	raw_reply(sock, &r);
	assert_int_equal(r.result, TEE_SUCCESS);
	close(sock);
}

/* The server hung up on us (EOF, or a reset because our last packet was unread). */
static void assert_closed(int fd)
{
	uint8_t buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0 && errno == ECONNRESET)
		n = recv(fd, buf, sizeof(buf), 0);
	if (n != 0)
		fail_msg("connection still open (recv %zd, %s)", n,
			 n < 0 ? strerror(errno) : "data");
	close(fd);
}

/* A sealed memfd of `size` bytes (what the real client sends). */
static int memfd_of(size_t size, int seals)
{
	int fd = memfd_create("test-memref", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	if (seals)
		assert_int_equal(fcntl(fd, F_ADD_SEALS, seals), 0);
	return fd;
}

/* A LOAD_FW request on session whose memref is [offset, +size) of descriptor 0. */
static void load_msg(struct tee_wire_msg *m, uint32_t session, uint64_t offset, uint64_t size)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->op = TEE_WIRE_OP_INVOKE;
	m->seq = 3;
	m->session = session;
	m->cmd = TA_RPROC_CMD_LOAD_FW;
	for (i = 0; i < TEE_NUM_PARAMS; i++)
		m->params[i].fd_index = TEE_WIRE_FD_NONE;
	m->params[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	m->params[1].type = TEE_PARAM_TYPE_MEMREF_INPUT;
	m->params[1].fd_index = 0;
	m->params[1].offset = offset;
	m->params[1].size = size;
	m->num_fds = 1;
}

static size_t load_bytes(uint8_t *buf, size_t cap, uint32_t session)
{
	struct rpt_error err = {0};
	struct tee_wire_msg m;
	size_t len;

	load_msg(&m, session, 0, 16);
	assert_int_equal(tee_wire_encode(&m, buf, cap, &len, &err), 0);
	return len;
}

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* Send raw bytes with the given descriptors (closed here afterwards), expect a hang-up. */
static void send_expect_close(int sock, const void *buf, size_t len, int *fds, unsigned int n)
{
	struct rpt_error err = {0};

	assert_int_equal(tee_wire_send(sock, buf, len, fds, n, false, &err), 0);
	tee_wire_close_fds(fds, n);
	assert_closed(sock);
}

static void bad_header_cases(void)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	uint8_t *big;
	uint32_t session;
	size_t len;
	int sock, fd;

	/* Truncated header. */
	sock = raw_session(srv.path, &session);
	len = load_bytes(buf, sizeof(buf), session);
	send_expect_close(sock, buf, 10, NULL, 0);

	/* Body length over the maximum (the packet is short). */
	sock = raw_session(srv.path, &session);
	fd = memfd_of(64, SEALS);
	put_le32(buf + 12, 0x100000);
	send_expect_close(sock, buf, len, &fd, 1);

	/* A packet really over the maximum. */
	sock = raw_session(srv.path, &session);
	big = calloc(1, TEE_WIRE_MSG_MAX + 4096);
	assert_non_null(big);
	load_bytes(big, TEE_WIRE_MSG_MAX, session);
	put_le32(big + 12, TEE_WIRE_BODY_MAX + 4096);
	put_le32(big + 16, 0);
	send_expect_close(sock, big, TEE_WIRE_MSG_MAX + 4096, NULL, 0);
	free(big);

	/* Bad magic. */
	sock = raw_session(srv.path, &session);
	len = load_bytes(buf, sizeof(buf), session);
	put_le32(buf, 0xdeadbeef);
	fd = memfd_of(64, SEALS);
	send_expect_close(sock, buf, len, &fd, 1);
}

static void bad_memref_cases(void)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg m;
	struct rpt_error err = {0};
	uint32_t session;
	int sock, fds[2];
	size_t len;

	/* Offset + size beyond the descriptor's real size, and an offset past its end. */
	sock = raw_session(srv.path, &session);
	load_msg(&m, session, 0, 128);
	fds[0] = memfd_of(64, SEALS);
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), 0);
	send_expect_close(sock, buf, len, fds, 1);
	sock = raw_session(srv.path, &session);
	load_msg(&m, session, 0x10000, 16);
	fds[0] = memfd_of(64, SEALS);
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), 0);
	send_expect_close(sock, buf, len, fds, 1);

	/* A memfd that can still shrink under the server's mapping. */
	sock = raw_session(srv.path, &session);
	load_msg(&m, session, 0, 16);
	fds[0] = memfd_of(64, 0);
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), 0);
	send_expect_close(sock, buf, len, fds, 1);

	/* Not a memfd at all: a pipe. */
	sock = raw_session(srv.path, &session);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	close(fds[1]);
	send_expect_close(sock, buf, len, fds, 1);

	/* Wrong descriptor counts: none though one is named; one more than the header says. */
	sock = raw_session(srv.path, &session);
	send_expect_close(sock, buf, len, NULL, 0);
	sock = raw_session(srv.path, &session);
	fds[0] = memfd_of(64, SEALS);
	fds[1] = memfd_of(64, SEALS);
	send_expect_close(sock, buf, len, fds, 2);
	/* Two announced and sent, one named. */
	sock = raw_session(srv.path, &session);
	put_le32(buf + 16, 2);
	fds[0] = memfd_of(64, SEALS);
	fds[1] = memfd_of(64, SEALS);
	send_expect_close(sock, buf, len, fds, 2);
}

static void bad_protocol_cases(void)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX], junk[300];
	struct tee_wire_msg m;
	struct rpt_error err = {0};
	uint32_t session;
	unsigned int i;
	size_t len;
	int sock, fd;

	/* Garbage bytes (fixed seed; never starting with the magic). */
	srand(1234);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rand();
	junk[0] = 0;
	sock = raw_session(srv.path, &session);
	send_expect_close(sock, junk, sizeof(junk), NULL, 0);

	/* A request before HELLO. */
	sock = raw_connect(srv.path);
	len = load_bytes(buf, sizeof(buf), 1);
	fd = memfd_of(64, SEALS);
	send_expect_close(sock, buf, len, &fd, 1);

	/* A reply sent to the server. */
	sock = raw_session(srv.path, &session);
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_CLOSE_SESSION | TEE_WIRE_OP_REPLY;
	m.origin = TEE_WIRE_ORIGIN_TEE;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), 0);
	send_expect_close(sock, buf, len, NULL, 0);

	/* An unknown parameter type. */
	sock = raw_session(srv.path, &session);
	len = load_bytes(buf, sizeof(buf), session);
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8 + 2 * TEE_WIRE_PARAM_SIZE, 4);
	fd = memfd_of(64, SEALS);
	send_expect_close(sock, buf, len, &fd, 1);

	/* An event sent to the server: only the server sends those. */
	sock = raw_session(srv.path, &session);
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_EVENT;
	m.kind = TEE_WIRE_EVENT_IPCC_IRQ;
	m.arg = TEE_WIRE_IPCC_IRQ_RX;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), 0);
	send_expect_close(sock, buf, len, NULL, 0);

	/* Ops version 7 retired (KICK, REQUEST_SHUTDOWN, REQUEST_DETACH): unknown. */
	sock = raw_session(srv.path, &session);
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_SUBSCRIBE;
	m.seq = 9;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), 0);
	buf[6] = 6; /* KICK's number, with a body of its shape */
	send_expect_close(sock, buf, len, NULL, 0);

	/* A client that leaves mid-session: its sessions are closed for it. */
	sock = raw_session(srv.path, &session);
	close(sock);
}

/*
 * The server's descriptors, counted while we hold a fresh connection: the
 * server accepts it only after dropping every client that hung up before
 * (their hang-ups are in the same poll round as our connect, and clients are
 * served before the listener), so no earlier connection is still counted.
 */
static unsigned int server_fds_settled(const struct teed_server *s)
{
	struct tee_context probe;
	unsigned int n;

	teed_connect(s, &probe);
	n = teed_count_fds(s->pid);
	tee_finalize(&probe);
	return n;
}

static void test_malformed_messages(void **state)
{
	unsigned int server_fds, client_fds;

	(void)state;
	assert_server_serves(&srv);
	server_fds = server_fds_settled(&srv);
	client_fds = teed_count_fds(0);
	bad_header_cases();
	assert_server_serves(&srv);
	bad_memref_cases();
	assert_server_serves(&srv);
	bad_protocol_cases();
	assert_server_serves(&srv);
	/* Every descriptor the server received was closed with its connection. */
	assert_int_equal(server_fds_settled(&srv), server_fds);
	assert_int_equal(teed_count_fds(0), client_fds);
}

/* ---- registered shared memory ---- */

/* Mappings of memfd `name` in process pid's address space. */
static unsigned int maps_count(pid_t pid, const char *name)
{
	char path[64], line[4096];
	unsigned int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, name) != NULL;
	fclose(f);
	return n;
}

/*
 * LOAD_FW from tee_shm_alloc memory: the server maps it once (REGISTER_SHM)
 * and keeps it across calls, with no memfd per call; freeing it unmaps it
 * there. A copy per call would leave no lasting mapping in the server.
 */
static void test_shm_load_registered(void **state)
{
	struct tee_shm shm;
	uint64_t pa, size;
	struct conn c;

	(void)state;
	conn_open(&c, &srv);
	assert_int_equal(tee_shm_alloc(&c.ctx, image_size, &shm), TEE_SUCCESS);
	memcpy(shm.buffer, image, image_size);
	assert_int_equal(maps_count(srv.pid, "memfd:tee-shm"), 0);
	if (teed_load(&c.sess, shm.buffer, image_size) != TEE_SUCCESS)
		fail_msg("LOAD_FW from shared memory: %s", tee_socket_last_error(&c.ctx));
	assert_int_equal(teed_rsc(&c.sess, &pa, &size), TEE_SUCCESS);
	assert_int_equal(pa, RSC_PA);
	assert_int_equal(maps_count(srv.pid, "memfd:tee-shm"), 1);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	/* Again: the same mapping serves, none is added. */
	assert_int_equal(teed_load(&c.sess, shm.buffer, image_size), TEE_SUCCESS);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	assert_int_equal(maps_count(srv.pid, "memfd:tee-shm"), 1);
	/* A buffer only partly inside goes by copy, and works. */
	assert_int_equal(teed_load(&c.sess, image, image_size), TEE_SUCCESS);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	tee_shm_free(&shm);
	assert_int_equal(maps_count(srv.pid, "memfd:tee-shm"), 0);
	assert_null(shm.buffer);
	tee_shm_free(&shm); /* twice is fine */
	conn_close(&c);
}

/* One request, its reply. */
static void raw_call(int sock, struct tee_wire_msg *m, const int *fds, struct tee_wire_msg *r)
{
	raw_send_msg(sock, m, fds);
	raw_reply(sock, r);
	assert_int_equal(r->op, m->op | TEE_WIRE_OP_REPLY);
}

/* REGISTER_SHM of [0, size) of fd (closed here); the reply's result, *id its id. */
static TEE_Result raw_register(int sock, int fd, uint64_t size, uint32_t *id)
{
	struct tee_wire_msg m = {.op = TEE_WIRE_OP_REGISTER_SHM, .seq = 5, .num_fds = 1}, r;

	m.shm_size = size;
	raw_call(sock, &m, &fd, &r);
	close(fd);
	*id = r.shm_id;
	return r.result;
}

/* LOAD_FW of [offset, +size) in registered shm id, on session. */
static void load_by_id(struct tee_wire_msg *m, uint32_t session, uint32_t id, uint64_t offset,
		       uint64_t size)
{
	load_msg(m, session, offset, size);
	m->num_fds = 0;
	m->params[1].fd_index = TEE_WIRE_FD_SHM;
	m->params[1].a = id;
}

static void send_msg_expect_close(int sock, const struct tee_wire_msg *m)
{
	raw_send_msg(sock, m, NULL);
	assert_closed(sock);
}

/*
 * A hostile client's registrations: refused files are answers (the client
 * stays), ids and ranges it does not own end its connection, and the
 * per-connection limits hold.
 */
static void test_shm_register_misuse(void **state)
{
	uint32_t session, other_session, id, ids[TEED_MAX_SHMS];
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct rpt_error err = {0};
	struct tee_wire_msg m, r;
	unsigned int i;
	int sock, other, fd;
	size_t len;

	(void)state;
	sock = raw_session(srv.path, &session);
	/* Refused, the connection stays: can still shrink; smaller than said; write-sealed. */
	assert_int_equal(raw_register(sock, memfd_of(4096, 0), 4096, &id),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(id, 0);
	assert_int_equal(raw_register(sock, memfd_of(4096, SEALS), 8192, &id),
			 TEE_ERROR_BAD_PARAMETERS);
	fd = memfd_of(4096, SEALS | F_SEAL_WRITE);
	assert_int_equal(raw_register(sock, fd, 4096, &id), TEE_ERROR_BAD_PARAMETERS);
	/* Unknown id: not found. */
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_UNREGISTER_SHM;
	m.seq = 6;
	m.shm_id = 3;
	raw_call(sock, &m, NULL, &r);
	assert_int_equal(r.result, TEE_ERROR_ITEM_NOT_FOUND);

	/* The count limit: TEED_MAX_SHMS, then OUT_OF_MEMORY; unregistering frees a slot. */
	for (i = 0; i < TEED_MAX_SHMS; i++) {
		assert_int_equal(raw_register(sock, memfd_of(4096, SEALS), 4096, &ids[i]),
				 TEE_SUCCESS);
		assert_int_not_equal(ids[i], 0);
	}
	assert_int_equal(raw_register(sock, memfd_of(4096, SEALS), 4096, &id),
			 TEE_ERROR_OUT_OF_MEMORY);
	m.shm_id = ids[3];
	raw_call(sock, &m, NULL, &r);
	assert_int_equal(r.result, TEE_SUCCESS);
	raw_call(sock, &m, NULL, &r);
	assert_int_equal(r.result, TEE_ERROR_ITEM_NOT_FOUND);
	for (i = 0; i < TEED_MAX_SHMS; i++) {
		m.shm_id = ids[i];
		raw_call(sock, &m, NULL, &r);
	}

	/* The byte limit: sparse memfds of the largest memref, until the total is reached. */
	for (i = 0; i < TEED_SHM_BYTES_MAX / TEE_WIRE_MEMREF_MAX; i++)
		assert_int_equal(raw_register(sock, memfd_of(TEE_WIRE_MEMREF_MAX, SEALS),
					      TEE_WIRE_MEMREF_MAX, &ids[i]),
				 TEE_SUCCESS);
	assert_int_equal(raw_register(sock, memfd_of(4096, SEALS), 4096, &id),
			 TEE_ERROR_OUT_OF_MEMORY);
	for (i = 0; i < TEED_SHM_BYTES_MAX / TEE_WIRE_MEMREF_MAX; i++) {
		m.shm_id = ids[i];
		raw_call(sock, &m, NULL, &r);
		assert_int_equal(r.result, TEE_SUCCESS);
	}

	/* One registration; another connection cannot name it. */
	assert_int_equal(raw_register(sock, memfd_of(4096, SEALS), 4096, &id), TEE_SUCCESS);
	other = raw_session(srv.path, &other_session);
	load_by_id(&m, other_session, id, 0, 16);
	send_msg_expect_close(other, &m);
	/* A range past its end, a huge offset, an id never given: hung up on. */
	load_by_id(&m, session, id, 4096 - 8, 16);
	send_msg_expect_close(sock, &m);
	sock = raw_session(srv.path, &session);
	assert_int_equal(raw_register(sock, memfd_of(4096, SEALS), 4096, &id), TEE_SUCCESS);
	load_by_id(&m, session, id, (uint64_t)INT64_MAX - TEE_WIRE_MEMREF_MAX, 16);
	send_msg_expect_close(sock, &m);
	sock = raw_session(srv.path, &session);
	load_by_id(&m, session, TEED_MAX_SHMS + 1, 0, 16);
	send_msg_expect_close(sock, &m);
	/* REGISTER_SHM without its descriptor: not a message. */
	sock = raw_session(srv.path, &session);
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_REGISTER_SHM;
	m.shm_size = 4096;
	m.num_fds = 1;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), 0);
	send_expect_close(sock, buf, len, NULL, 0);
	assert_server_serves(&srv);
}

/* ---- who may connect ---- */

static void test_other_uid_refused(void **state)
{
	struct tee_context ctx = {0};
	struct rpt_error err = {0};
	struct teed_server other;
	struct tee_wire_msg r;
	int sock;

	(void)state;
	teed_server_start(&other, getuid() + 1);
	assert_int_equal(tee_socket_init(&ctx, other.path, &err), -EACCES);
	assert_non_null(strstr(rpt_error_msg(&err), "another uid"));
	assert_null(ctx.ops);

	/* Raw: the refusal comes unasked, then the hang-up. */
	sock = raw_connect(other.path);
	raw_reply(sock, &r);
	assert_int_equal(r.op, TEE_WIRE_OP_HELLO | TEE_WIRE_OP_REPLY);
	assert_int_equal(r.result, TEE_ERROR_ACCESS_DENIED);
	assert_closed(sock);
	teed_server_stop(&other);
}

/* ---- no leaks, and a server that goes away ---- */

static void test_no_fd_leak(void **state)
{
	unsigned int server_fds, client_fds, i;
	uint64_t pa, size;
	struct conn c;

	(void)state;
	conn_open(&c, &srv);
	assert_int_equal(teed_load(&c.sess, image, image_size), TEE_SUCCESS);
	server_fds = teed_count_fds(srv.pid);
	client_fds = teed_count_fds(0);
	for (i = 0; i < 200; i++) {
		if (i % 2) {
			assert_int_equal(teed_rsc(&c.sess, &pa, &size), TEE_SUCCESS);
		} else {
			/* The same image again: re-entrant success, a memfd each time. */
			assert_int_equal(teed_load(&c.sess, image, image_size), TEE_SUCCESS);
		}
	}
	assert_int_equal(teed_count_fds(srv.pid), server_fds);
	assert_int_equal(teed_count_fds(0), client_fds);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	conn_close(&c);
}

/* A server killed mid-session, then started again at the same path. */
static void test_server_gone_and_back(void **state)
{
	struct teed_server dying;
	struct tee_param p[TEE_NUM_PARAMS];
	struct rpt_error err = {0};
	struct tee_shm_set set;
	unsigned int client_fds;
	uint32_t origin = 0;
	uint8_t *table, *want;
	size_t want_len;
	int status;
	struct conn c;

	(void)state;
	want = elf_rsc_table(&want_len);
	client_fds = teed_count_fds(0);
	teed_server_start(&dying, getuid());
	conn_open(&c, &dying);
	assert_int_equal(tee_socket_map_shared(&c.ctx, 0, &set, &err), 0);
	table = tee_shm_set_lookup(&set, RSC_PA, RSC_SIZE);
	assert_non_null(table);
	assert_int_equal(teed_load(&c.sess, image, image_size), TEE_SUCCESS);
	assert_memory_equal(table, want, RSC_SIZE);

	assert_int_equal(kill(dying.pid, SIGKILL), 0);
	assert_int_equal(waitpid(dying.pid, &status, 0), dying.pid);
	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	assert_int_equal(tee_invoke(&c.sess, TA_RPROC_CMD_START_FW, p, &origin),
			 TEE_ERROR_COMMUNICATION);
	assert_int_equal(origin, TEE_ORIGIN_COMMS);
	assert_non_null(strstr(tee_socket_last_error(&c.ctx), "rproc-teed"));
	/* Nobody listens: every call fails, saying so, and nothing hangs. */
	assert_int_equal(teed_load(&c.sess, image, image_size), TEE_ERROR_COMMUNICATION);
	assert_non_null(strstr(tee_socket_last_error(&c.ctx), "no rproc-teed listening"));
	assert_int_equal(tee_hwchan_inject_crash(&c.ctx, 0, 0, &err), -ECONNREFUSED);
	/* Only we still map the dead server's memory: make it differ from what a load writes. */
	memset(table, 0, RSC_SIZE);

	teed_server_restart(&dying, getuid());
	/* The same session, re-opened on the new server, whose TA starts from OFF. */
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_START_FW), TEE_ERROR_BAD_STATE);
	assert_int_equal(teed_load(&c.sess, image, image_size), TEE_SUCCESS);
	/* Same address, the new server's memory: the table it loaded is there. */
	assert_ptr_equal(tee_shm_set_lookup(&set, RSC_PA, RSC_SIZE), table);
	assert_memory_equal(table, want, RSC_SIZE);
	assert_int_equal(teed_simple(&c.sess, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	tee_socket_unmap_shared(&set);
	conn_close(&c);
	teed_server_stop(&dying);
	assert_int_equal(teed_count_fds(0), client_fds);
	free(want);
}

/* ---- the hardware channel ---- */

/* The next event of ch, waiting at most 10 s (a guard, not a timing assertion). */
static void next_event(struct tee_event_channel *ch, struct tee_wire_event *ev)
{
	struct pollfd pfd = {.fd = tee_event_fd(ch), .events = POLLIN};
	struct rpt_error err = {0};
	int ret;

	for (;;) {
		ret = tee_event_next(ch, ev, &err);
		if (ret != -EAGAIN)
			break;
		if (poll(&pfd, 1, 10000) != 1)
			fail_msg("no event in 10 s");
	}
	if (ret)
		fail_msg("event channel: %s", rpt_error_msg(&err));
}

/* An IPCC_READ or IPCC_WRITE of rproc_id's register reg as raw bytes (no encoder check). */
static size_t ipcc_bytes(uint8_t *buf, uint16_t op, uint32_t rproc_id, uint32_t reg)
{
	struct rpt_error err = {0};
	struct tee_wire_msg m = {.op = op, .seq = 9, .rproc_id = rproc_id, .reg = 0};
	size_t len;

	assert_int_equal(tee_wire_encode(&m, buf, TEE_WIRE_REPLY_MAX, &len, &err), 0);
	/* reg is the body's second field: what a hostile peer may put there. */
	buf[TEE_WIRE_HDR_SIZE + 4] = (uint8_t)reg;
	buf[TEE_WIRE_HDR_SIZE + 5] = (uint8_t)(reg >> 8);
	buf[TEE_WIRE_HDR_SIZE + 6] = (uint8_t)(reg >> 16);
	buf[TEE_WIRE_HDR_SIZE + 7] = (uint8_t)(reg >> 24);
	return len;
}

/*
 * Processor 1's IPCC registers, forwarded: a write reads back, an rproc that
 * is not on the board is not found, and a register outside the block or
 * unaligned never reaches the hardware (the connection is dropped).
 */
static void test_ipcc_forwarded(void **state)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg m, r;
	uint32_t session;
	int sock;
	size_t len;

	(void)state;
	sock = raw_session(srv.path, &session);
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_IPCC_WRITE;
	m.seq = 7;
	m.reg = 0x008;
	m.value = 0x00010002;
	raw_call(sock, &m, NULL, &r);
	assert_int_equal(r.result, TEE_SUCCESS);
	m.op = TEE_WIRE_OP_IPCC_READ;
	m.value = 0;
	raw_call(sock, &m, NULL, &r);
	assert_int_equal(r.result, TEE_SUCCESS);
	assert_int_equal(r.value, 0x00010002);
	/* Wrong rproc: refused, nothing read or written, the connection stays. */
	m.rproc_id = 7;
	raw_call(sock, &m, NULL, &r);
	assert_int_equal(r.result, TEE_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(r.value, 0);
	m.op = TEE_WIRE_OP_IPCC_WRITE;
	m.value = 0xFFFFFFFFu;
	raw_call(sock, &m, NULL, &r);
	assert_int_equal(r.result, TEE_ERROR_ITEM_NOT_FOUND);
	m.op = TEE_WIRE_OP_IPCC_READ;
	m.rproc_id = 0;
	raw_call(sock, &m, NULL, &r);
	assert_int_equal(r.value, 0x00010002);
	/* Out of the block, unaligned, far out: a hostile peer, disconnected. */
	len = ipcc_bytes(buf, TEE_WIRE_OP_IPCC_READ, 0, TEE_WIRE_IPCC_SIZE);
	send_expect_close(sock, buf, len, NULL, 0);
	sock = raw_session(srv.path, &session);
	len = ipcc_bytes(buf, TEE_WIRE_OP_IPCC_WRITE, 0, 0x006);
	send_expect_close(sock, buf, len, NULL, 0);
	sock = raw_session(srv.path, &session);
	len = ipcc_bytes(buf, TEE_WIRE_OP_IPCC_WRITE, 0, 0xFFFFFFFCu);
	send_expect_close(sock, buf, len, NULL, 0);
}

static void test_hw_channel(void **state)
{
	static const uint32_t id0 = 0, id9 = 9;
	struct tee_event_channel *ch, *idle;
	struct rpt_error err = {0};
	struct tee_context ctx;
	struct tee_wire_event ev;

	(void)state;
	teed_connect(&srv, &ctx);
	assert_int_equal(tee_event_open(&ch, srv.path, &id0, 1, &err), 0);
	assert_int_equal(tee_event_open(&idle, srv.path, NULL, 0, &err), 0);

	assert_int_equal(tee_hwchan_ipcc_write(&ctx, 0, 0x008, TEE_WIRE_IPCC_IRQ_RX, &err), 0);
	next_event(ch, &ev);
	assert_int_equal(ev.rproc_id, 0);
	assert_int_equal(ev.kind, TEE_WIRE_EVENT_IPCC_IRQ);
	assert_int_equal(ev.arg, TEE_WIRE_IPCC_IRQ_RX);
	assert_string_equal(ev.why, "");
	assert_int_equal(tee_hwchan_inject_crash(&ctx, 0, 1, &err), 0);
	next_event(ch, &ev);
	assert_int_equal(ev.kind, TEE_WIRE_EVENT_CRASH);
	assert_int_equal(ev.arg, 1);
	assert_string_equal(ev.why, "injected by the test");
	/* Delivered in the same pass as ch's: an unsubscribed channel got nothing. */
	assert_int_equal(tee_event_next(idle, &ev, &err), -EAGAIN);
	tee_event_close(idle);

	/* Not on the board, out of range: refused, named. */
	assert_int_equal(tee_hwchan_ipcc_write(&ctx, 9, 0x008, 1, &err), -ENOENT);
	assert_non_null(strstr(rpt_error_msg(&err), "rproc 9"));
	assert_int_equal(tee_hwchan_ipcc_write(&ctx, 0, 0x006, 1, &err), -EINVAL);
	assert_int_equal(tee_hwchan_inject_crash(&ctx, 0, 3, &err), -EINVAL);
	rpt_error_clear(&err);
	assert_int_equal(tee_event_open(&idle, srv.path, &id9, 1, &err), -ENOENT);
	assert_non_null(strstr(rpt_error_msg(&err), "rproc 9"));
	/* The request connection still works after all that. */
	assert_int_equal(tee_hwchan_ipcc_write(&ctx, 0, 0x008, TEE_WIRE_IPCC_IRQ_TX, &err), 0);
	next_event(ch, &ev);
	assert_int_equal(ev.arg, TEE_WIRE_IPCC_IRQ_TX);
	tee_event_close(ch);
	tee_finalize(&ctx);
}

/* A raw connection that says HELLO and subscribes to rproc 0. */
static int raw_subscriber(const char *path)
{
	struct tee_wire_msg m, r;
	int fd = raw_connect(path);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_HELLO;
	m.seq = 1;
	m.version = TEE_WIRE_VERSION;
	raw_send_msg(fd, &m, NULL);
	raw_reply(fd, &r);
	assert_int_equal(r.result, TEE_SUCCESS);
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_SUBSCRIBE;
	m.seq = 2;
	raw_send_msg(fd, &m, NULL);
	raw_reply(fd, &r);
	assert_int_equal(r.op, TEE_WIRE_OP_SUBSCRIBE | TEE_WIRE_OP_REPLY);
	assert_int_equal(r.result, TEE_SUCCESS);
	return fd;
}

/* Take what is ready on ch without waiting; returns how many events. */
static unsigned int drain(struct tee_event_channel *ch)
{
	struct rpt_error err = {0};
	struct tee_wire_event ev;
	unsigned int n = 0;
	int ret;

	while (!(ret = tee_event_next(ch, &ev, &err)))
		n++;
	if (ret != -EAGAIN)
		fail_msg("the reading subscriber lost its channel: %s", rpt_error_msg(&err));
	return n;
}

static void test_slow_subscriber_dropped(void **state)
{
	static const uint32_t id0 = 0;
	struct tee_event_channel *good;
	struct rpt_error err = {0};
	struct tee_context ctx;
	struct tee_wire_event ev;
	unsigned int i, got = 0, stuck = 0;
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	ssize_t n;
	int slow;

	(void)state;
	slow = raw_subscriber(srv.path);
	assert_int_equal(tee_event_open(&good, srv.path, &id0, 1, &err), 0);
	teed_connect(&srv, &ctx);
	/* Far more events than the slow one's socket and queue hold: every request answered. */
	for (i = 0; i < 4 * TEED_CLIENT_EVENTS + 100; i++) {
		assert_int_equal(
			tee_hwchan_inject_crash(&ctx, 0, i % (TEE_WIRE_CRASH_MAX + 1), &err), 0);
		got += drain(good);
	}
	/* The reader is still subscribed and served: the IPCC lines come after the crashes. */
	assert_int_equal(tee_hwchan_ipcc_write(&ctx, 0, 0x008, TEE_WIRE_IPCC_IRQ_TX, &err), 0);
	do
		next_event(good, &ev);
	while (ev.kind != TEE_WIRE_EVENT_IPCC_IRQ || ++got == 0);
	assert_true(got > 0);
	/* The slow one: what fitted before the server gave up on it, then the hang-up. */
	while ((n = recv(slow, buf, sizeof(buf), 0)) > 0)
		stuck++;
	assert_int_equal(n, 0);
	assert_true(stuck > 0);
	assert_true(stuck < i);
	close(slow);
	tee_event_close(good);
	tee_finalize(&ctx);
	assert_server_serves(&srv);
}

/* ---- the socket file ---- */

static void test_socket_file_rules(void **state)
{
	struct teed_config cfg = {0};
	struct rpt_error err = {0};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct board board = {0};
	struct platform plat;
	struct rproc_ta ta;
	struct teed *d;
	char path[108];
	int fd;

	(void)state;
	board.num_rprocs = 1;
	board_stm32mp15_legacy_layout(&board.rprocs[0], false);
	assert_int_equal(platform_init(&plat, &board, &err), 0);
	assert_int_equal(rproc_ta_init(&ta, &plat, &err), 0);
	cfg.allowed_uid = getuid();
	cfg.socket_path = path;

	/* A regular file is never replaced. */
	snprintf(path, sizeof(path), "%s/not-a-socket", rpt_tmpdir());
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_null(teed_create(&ta, &cfg, &err));
	assert_int_equal(err.code, -EEXIST);
	unlink(path);

	/* A live server's socket is not taken over. */
	snprintf(path, sizeof(path), "%s", srv.path);
	rpt_error_clear(&err);
	assert_null(teed_create(&ta, &cfg, &err));
	assert_int_equal(err.code, -EADDRINUSE);

	/* A stale socket (its server died without removing it) is replaced. */
	snprintf(path, sizeof(path), "%s/stale.sock", rpt_tmpdir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	rpt_error_clear(&err);
	d = teed_create(&ta, &cfg, &err);
	if (!d)
		fail_msg("teed_create over a stale socket: %s", rpt_error_msg(&err));
	assert_string_equal(teed_socket_path(d), path);
	teed_destroy(d);
	assert_int_not_equal(access(path, F_OK), 0);

	rproc_ta_exit(&ta);
	platform_exit(&plat);
}

/* ---- the daemon itself ---- */

static pid_t spawn_daemon(const char *sock, const char *log)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int fd = open(log, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execl(rpt_binary_path("bin/rproc-teed"), "rproc-teed", "--builtin", "--no-coproc",
		      "--socket", sock, "--trust", rpt_vector_path("keys/rsa2048.pub.pem"),
		      "--trust", rpt_source_path("keys/demo-test-only.pub.pem"), (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait (bounded, as a guard) until the daemon listens; false if it died first. */
static bool wait_listening(pid_t pid, const char *sock, struct tee_context *ctx)
{
	struct rpt_error err;
	unsigned int i;
	int status;

	for (i = 0; i < 3000; i++) {
		rpt_error_clear(&err);
		if (!tee_socket_init(ctx, sock, &err))
			return true;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return false;
		usleep(10000);
	}
	return false;
}

static void test_daemon(void **state)
{
	struct rpt_error err = {0};
	char sock[128], log[128];
	struct tee_session sess;
	struct tee_context ctx;
	uint64_t pa, size;
	struct stat st;
	uint8_t *text;
	size_t len;
	int status;
	pid_t pid;
	/* The built-in board has the default (isolated) layout: the isolated vector. */
	size_t iso_size;
	uint8_t *iso =
		rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &iso_size);

	(void)state;
	snprintf(sock, sizeof(sock), "%s/daemon.sock", rpt_tmpdir());
	snprintf(log, sizeof(log), "%s/daemon.log", rpt_tmpdir());
	pid = spawn_daemon(sock, log);
	if (!wait_listening(pid, sock, &ctx))
		fail_msg("rproc-teed did not come up (see %s)", log);
	assert_int_equal(teed_open(&ctx, 0, &sess), TEE_SUCCESS);
	assert_int_equal(teed_load(&sess, iso, iso_size), TEE_SUCCESS);
	assert_int_equal(teed_rsc(&sess, &pa, &size), TEE_SUCCESS);
	assert_int_equal(pa, 0x10046000u); /* ipc-shmem, vectors/isolated/README.md */
	assert_int_equal(size, RSC_SIZE);
	free(iso);
	/* No coprocessor attached (--no-coproc): START cannot succeed, no mailbox to ring. */
	assert_int_equal(teed_simple(&sess, TA_RPROC_CMD_START_FW), TEE_ERROR_BAD_STATE);
	assert_int_equal(tee_hwchan_ipcc_write(&ctx, 0, 0x008, 1, &err), -EOPNOTSUPP);
	assert_int_equal(tee_hwchan_inject_crash(&ctx, 0, 0, &err), -EOPNOTSUPP);
	tee_close_session(&sess);
	tee_finalize(&ctx);

	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_not_equal(stat(sock, &st), 0);

	/* It said loudly that the demo key is trusted. */
	text = rpt_slurp(log, &len);
	text = realloc(text, len + 1);
	assert_non_null(text);
	text[len] = 0;
	assert_non_null(strstr((char *)text, "WARNING"));
	assert_non_null(strstr((char *)text, "TEST-ONLY demo key"));
	free(text);
}

/* ---- group ---- */

static int group_setup(void **state)
{
	(void)state;
	image = rpt_slurp(rpt_vector_path("signed/m4-demo.rsa2048.sign"), &image_size);
	teed_server_start(&srv, getuid());
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	teed_server_stop(&srv);
	free(image);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_rsc_table),
		cmocka_unit_test(test_tampered_image),
		cmocka_unit_test(test_coredump),
		cmocka_unit_test(test_session_errors),
		cmocka_unit_test(test_malformed_messages),
		cmocka_unit_test(test_other_uid_refused),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_shm_load_registered),
		cmocka_unit_test(test_shm_register_misuse),
		cmocka_unit_test(test_server_gone_and_back),
		cmocka_unit_test(test_hw_channel),
		cmocka_unit_test(test_ipcc_forwarded),
		cmocka_unit_test(test_slow_subscriber_dropped),
		cmocka_unit_test(test_socket_file_rules),
		cmocka_unit_test(test_daemon),
	};

	/* A server that hangs up must fail a test, not kill the test program. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
