// SPDX-License-Identifier: BSD-2-Clause
/*
 * The board picks its backend once, from where the secure world is: each
 * --tee spec, what each backend brings (in-process core and TEE, rproc-teed's
 * socket, a TEE device with no core to crash), what the backends for a
 * secure world elsewhere refuse, and the one demo-key warning of an
 * in-process board. Only the public API of vboard.h is used.
 */
#include <errno.h>
#include <linux/tee.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "fake_tee.h"
#include "testutil.h"
#include "vboard/vboard.h"

#define TEE_BOARD "boards/vstm32mp15-m4-tee.dts"
#define ELF_BOARD "boards/vstm32mp15-m4.dts"

/* Every message of the board, one per line. */
static struct {
	pthread_mutex_t lock; /* the board logs from its own threads too */
	char text[32 << 10];  /* the lines */
	size_t len;	      /* bytes in text */
} logged = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void capture(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	(void)level;
	pthread_mutex_lock(&logged.lock);
	rpt_log_append(logged.text, sizeof(logged.text), &logged.len, line);
	pthread_mutex_unlock(&logged.lock);
}

static unsigned int log_count(const char *needle)
{
	unsigned int n = 0;
	const char *at;

	pthread_mutex_lock(&logged.lock);
	for (at = logged.text; (at = strstr(at, needle)); at += strlen(needle))
		n++;
	pthread_mutex_unlock(&logged.lock);
	return n;
}

/* Options for board (source-relative), secure world at tee, messages captured. */
static struct vboard_opts opts(const char *board, enum vboard_tee tee, const char *tee_path)
{
	static char path[4096];

	pthread_mutex_lock(&logged.lock);
	logged.len = 0;
	logged.text[0] = '\0';
	pthread_mutex_unlock(&logged.lock);
	snprintf(path, sizeof(path), "%s", rpt_source_path(board));
	return (struct vboard_opts){
		.board_path = path, .log = capture, .tee = tee, .tee_path = tee_path};
}

struct spec_case {
	const char *spec;    /* --tee argument */
	int ret;	     /* vboard_parse_tee's answer */
	enum vboard_tee tee; /* the place, when accepted */
	const char *path;    /* the path, when accepted (NULL: none) */
};

/* Each --tee spec names one place, or is refused with what is expected. */
static void test_each_tee_spec_names_its_place(void **state)
{
	static char too_long[200];
	const struct spec_case cases[] = {
		{"inproc", 0, VBOARD_TEE_INPROC, NULL},
		{"socket", 0, VBOARD_TEE_SOCKET, NULL},
		{"socket:/run/x.sock", 0, VBOARD_TEE_SOCKET, "/run/x.sock"},
		{"dev:/dev/tee0", 0, VBOARD_TEE_DEV, "/dev/tee0"},
		{"dev:", -EINVAL, 0, NULL},
		{"socket:", -EINVAL, 0, NULL},
		{"tcp:1.2.3.4", -EINVAL, 0, NULL},
		{"", -EINVAL, 0, NULL},
		{NULL, -EINVAL, 0, NULL},
		{too_long, -ENAMETOOLONG, 0, NULL},
	};
	unsigned int i;

	(void)state;
	memcpy(too_long, "socket:/", 8);
	memset(too_long + 8, 'x', sizeof(too_long) - 9);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rpt_error err = {0};
		enum vboard_tee tee = (enum vboard_tee)99;
		const char *path = "unset";
		int ret = vboard_parse_tee(cases[i].spec, &tee, &path, &err);

		if (ret != cases[i].ret)
			fail_msg("--tee %s: %d, expected %d",
				 cases[i].spec ? cases[i].spec : "(null)", ret, cases[i].ret);
		if (ret) {
			assert_int_not_equal(err.code, 0);
			continue;
		}
		assert_int_equal(tee, cases[i].tee);
		if (cases[i].path)
			assert_string_equal(path, cases[i].path);
		else
			assert_null(path);
	}
}

/* A place that is none of the three: refused before anything is read. */
static void test_unknown_place_refused(void **state)
{
	struct vboard_opts o = opts(TEE_BOARD, (enum vboard_tee)3, NULL);
	struct rpt_error err = {0};
	struct vboard *vb = (void *)1;

	(void)state;
	assert_int_equal(vboard_create(&vb, &o, &err), -EINVAL);
	assert_null(vb);
	assert_non_null(strstr(rpt_error_msg(&err), "unknown secure-world place 3"));
}

/*
 * In process: the secure world's TEE and cores are here, crashes can be
 * injected, and the demo key the board trusts is warned about once.
 */
static void test_inproc_backend(void **state)
{
	struct vboard_opts o = opts(TEE_BOARD, VBOARD_TEE_INPROC, NULL);
	struct rpt_error err = {0};
	struct vboard_proc *p;
	struct vboard *vb;

	(void)state;
	if (vboard_create(&vb, &o, &err))
		fail_msg("%s", rpt_error_msg(&err));
	assert_string_equal(vboard_where(vb), "secure world in this process");
	assert_true(vboard_can_inject_crash(vb));
	assert_non_null(vboard_tee(vb));
	assert_int_equal(vboard_num_procs(vb), 1);
	assert_null(vboard_proc(vb, 1));
	p = vboard_proc(vb, 0);
	assert_non_null(p);
	assert_non_null(vboard_proc_rproc(p));
	assert_non_null(vboard_proc_core(p));
	assert_string_equal(vboard_proc_desc(p)->name, "m4");
	assert_int_equal(vboard_proc_kicks(p), 0);
	/* Nothing runs: there is no core to crash yet. */
	assert_int_equal(vboard_inject_crash(p, RPROC_MMUFAULT), -RPT_ESTATE);
	assert_int_equal(vboard_inject_crash(p, (enum rproc_crash_type)3), -EINVAL);
	assert_int_equal(log_count("PUBLISHED TEST-ONLY demo key"), 1);
	vboard_destroy(vb);
}

/* A board the normal world loads alone runs in process without any secure world. */
static void test_inproc_backend_without_tee(void **state)
{
	struct vboard_opts o = opts(ELF_BOARD, VBOARD_TEE_INPROC, NULL);
	struct rpt_error err = {0};
	struct vboard *vb;

	(void)state;
	if (vboard_create(&vb, &o, &err))
		fail_msg("%s", rpt_error_msg(&err));
	assert_null(vboard_tee(vb));
	assert_non_null(vboard_proc_core(vboard_proc(vb, 0)));
	assert_false(vboard_proc_desc(vboard_proc(vb, 0))->tee);
	assert_int_equal(log_count("demo key"), 0);
	vboard_destroy(vb);
}

/* A TEE device: its TEE drives the TA, there is no core here, and "crash" is not supported. */
static void test_dev_backend(void **state)
{
	struct vboard_opts o = opts(TEE_BOARD, VBOARD_TEE_DEV, "/dev/tee0");
	struct rpt_error err = {0};
	struct vboard_proc *p;
	struct vboard *vb;

	(void)state;
	fake_tee_reset(TEE_GEN_CAP_GP);
	o.test_tee_dev_sys = fake_tee_sys();
	if (vboard_create(&vb, &o, &err))
		fail_msg("%s\n%s", rpt_error_msg(&err), logged.text);
	assert_string_equal(vboard_where(vb), "secure world behind the TEE device /dev/tee0");
	assert_int_equal(log_count("no emulator and no mailbox here"), 1);
	assert_true(fake.dev_open);
	assert_int_equal(fake.sessions, 1);
	assert_false(vboard_can_inject_crash(vb));
	assert_non_null(vboard_tee(vb));
	p = vboard_proc(vb, 0);
	assert_null(vboard_proc_core(p));
	assert_non_null(vboard_proc_rproc(p));
	assert_int_equal(vboard_inject_crash(p, RPROC_MMUFAULT), -EOPNOTSUPP);
	assert_int_equal(vboard_inject_crash(p, RPROC_FATAL_ERROR), -EOPNOTSUPP);
	assert_null(vboard_test_secure_view(p, &vboard_proc_desc(p)->mems[0]));
	/* Nothing of the demo key here: the keys are OP-TEE's. */
	assert_int_equal(log_count("demo key"), 0);
	vboard_destroy(vb);
	assert_false(fake.dev_open);
	assert_int_equal(fake.sessions, 0);
	assert_string_equal(fake.violation, "");
	fake_tee_cleanup();
}

/* A TEE device that is not there: the device backend says so, nothing is left. */
static void test_dev_backend_missing_device(void **state)
{
	struct vboard_opts o = opts(TEE_BOARD, VBOARD_TEE_DEV, "/dev/tee0");
	struct rpt_error err = {0};
	struct vboard *vb = (void *)1;

	(void)state;
	fake_tee_reset(TEE_GEN_CAP_GP);
	fake.open_errno = ENOENT;
	o.test_tee_dev_sys = fake_tee_sys();
	assert_int_not_equal(vboard_create(&vb, &o, &err), 0);
	assert_null(vb);
	assert_non_null(strstr(rpt_error_msg(&err), "TEE device /dev/tee0: "));
	assert_false(fake.dev_open);
	fake_tee_cleanup();
}

/* A secure world elsewhere holds its own keys and can drive only TEE processors. */
static void test_remote_backends_refuse_what_they_cannot_drive(void **state)
{
	static const enum vboard_tee places[] = {VBOARD_TEE_SOCKET, VBOARD_TEE_DEV};
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct vboard_opts o = opts(ELF_BOARD, places[i], "/nonexistent/x");
		struct rpt_error err = {0};
		struct vboard *vb;

		assert_int_equal(vboard_create(&vb, &o, &err), -EINVAL);
		assert_non_null(strstr(rpt_error_msg(&err), "is loaded by the normal world"));

		o = opts(TEE_BOARD, places[i], "/nonexistent/x");
		o.trust[o.num_trust++] = rpt_vector_path("keys/rsa2048.pub.pem");
		rpt_error_clear(&err);
		assert_int_equal(vboard_create(&vb, &o, &err), -EINVAL);
		assert_non_null(strstr(rpt_error_msg(&err), "extra trusted keys"));
	}
}

/* The socket spec reaches the socket backend: no rproc-teed there, refused naming it. */
static void test_socket_backend_without_daemon(void **state)
{
	char sock[512];
	struct vboard_opts o;
	struct rpt_error err = {0};
	struct vboard *vb = (void *)1;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/nobody.sock", rpt_tmpdir());
	o = opts(TEE_BOARD, VBOARD_TEE_SOCKET, sock);
	assert_int_not_equal(vboard_create(&vb, &o, &err), 0);
	assert_null(vb);
	assert_non_null(strstr(rpt_error_msg(&err), sock));
	assert_int_equal(log_count("demo key"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_tee_spec_names_its_place),
		cmocka_unit_test(test_unknown_place_refused),
		cmocka_unit_test(test_inproc_backend),
		cmocka_unit_test(test_inproc_backend_without_tee),
		cmocka_unit_test(test_dev_backend),
		cmocka_unit_test(test_dev_backend_missing_device),
		cmocka_unit_test(test_remote_backends_refuse_what_they_cannot_drive),
		cmocka_unit_test(test_socket_backend_without_daemon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
