// SPDX-License-Identifier: BSD-2-Clause
#include "sys_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

static void capture(void *priv, enum rpt_log_level level, const char *line)
{
	struct sys *s = priv;

	(void)level;
	pthread_mutex_lock(&s->lock);
	rpt_log_append(s->log, sizeof(s->log), &s->log_len, line);
	pthread_mutex_unlock(&s->lock);
}

struct sys *sys_up(const char *board, const char *trust)
{
	struct sys *s = calloc(1, sizeof(*s));
	struct vboard_opts o = {.log = capture};
	struct rpt_error err = {0};
	char path[4096];

	assert_non_null(s);
	pthread_mutex_init(&s->lock, NULL);
	o.log_priv = s;
	snprintf(path, sizeof(path), "%s", board[0] == '/' ? board : rpt_source_path(board));
	o.board_path = path;
	if (trust)
		o.trust[o.num_trust++] = rpt_vector_path(trust);
	if (vboard_create(&s->vb, &o, &err))
		fail_msg("%s: %s", board, rpt_error_msg(&err));
	s->rp = vboard_proc_rproc(vboard_proc(s->vb, 0));
	return s;
}

void sys_down(struct sys *s)
{
	vboard_destroy(s->vb);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void nap_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

bool sys_wait_trace(struct sys *s, const char *needle, int ms)
{
	static char buf[8192];

	for (; ms > 0; ms -= 5) {
		if (rproc_trace_read(s->rp, 0, buf, sizeof(buf)) > 0 && strstr(buf, needle))
			return true;
		nap_ms(5);
	}
	return false;
}

bool sys_wait_state(struct sys *s, enum rproc_state state, int ms)
{
	for (; ms > 0; ms -= 5) {
		if (rproc_get_state(s->rp) == state)
			return true;
		nap_ms(5);
	}
	return rproc_get_state(s->rp) == state;
}

bool sys_wait_crashes(struct sys *s, unsigned int n, int ms)
{
	struct rproc_stats st;

	for (; ms > 0; ms -= 5) {
		rproc_get_stats(s->rp, &st);
		if (st.crashes >= n) {
			rproc_flush_crash_work(s->rp);
			return true;
		}
		nap_ms(5);
	}
	return false;
}

bool sys_logged(struct sys *s, const char *needle)
{
	bool found;

	pthread_mutex_lock(&s->lock);
	found = strstr(s->log, needle) != NULL;
	pthread_mutex_unlock(&s->lock);
	return found;
}

void sys_boot(struct sys *s, const char *fw)
{
	char why[RPT_ERROR_MSG_MAX];

	assert_int_equal(rproc_set_firmware(s->rp, fw), 0);
	if (rproc_boot(s->rp)) {
		rproc_last_error(s->rp, why, sizeof(why));
		fail_msg("boot %s: %s\n%s", fw, why, s->log);
	}
}

const char *sys_board_variant(const char *board, const char *from, const char *to)
{
	static char out[4096];
	size_t len;
	char *text = (char *)rpt_slurp(rpt_source_path(board), &len), *at;
	FILE *f;

	text[len] = '\0';
	at = strstr(text, from);
	assert_non_null(at);
	snprintf(out, sizeof(out), "%s/variant.dts", rpt_tmpdir());
	f = fopen(out, "w");
	assert_non_null(f);
	fwrite(text, 1, (size_t)(at - text), f);
	fputs(to, f);
	fputs(at + strlen(from), f);
	fclose(f);
	free(text);
	return out;
}
