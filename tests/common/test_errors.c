// SPDX-License-Identifier: BSD-2-Clause
/*
 * Error codes: our own codes lie outside errno's range and have names, the
 * one table between codes and GlobalPlatform results holds both ways, and a
 * struct rpt_error keeps the last failure set.
 */
#include "testutil.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/error.h"
#include "common/tee_result.h"

static const int own_codes[] = {
	RPT_EFORMAT, RPT_ESIGNATURE, RPT_EHASH,	      RPT_ENOKEY, RPT_EROLLBACK,
	RPT_ERANGE,  RPT_ESTATE,     RPT_ESTORE_FULL, RPT_ESTORE, RPT_ENOBOOT,
};
#define NUM_OWN (sizeof(own_codes) / sizeof(own_codes[0]))

/* Above every errno (Linux MAX_ERRNO is 4095), distinct, each with a name and a text of its own. */
static void test_own_codes_are_not_errno(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < NUM_OWN; i++) {
		assert_true(own_codes[i] > 4095);
		assert_true(own_codes[i] > RPT_ERRNO_BASE && own_codes[i] <= RPT_ERRNO_LAST);
		for (j = 0; j < i; j++)
			assert_int_not_equal(own_codes[i], own_codes[j]);
		assert_int_equal(strncmp(rpt_errname(own_codes[i]), "RPT_E", 5), 0);
		assert_string_equal(rpt_errname(-own_codes[i]), rpt_errname(own_codes[i]));
		assert_null(strstr(rpt_strerror(-own_codes[i]), "Unknown"));
		for (j = 0; j < i; j++) {
			assert_string_not_equal(rpt_errname(own_codes[i]),
						rpt_errname(own_codes[j]));
			assert_string_not_equal(rpt_strerror(own_codes[i]),
						rpt_strerror(own_codes[j]));
		}
	}
	/* The one that motivated it: "not in this state" is not "busy". */
	assert_int_not_equal(RPT_ESTATE, EBUSY);
	assert_string_equal(rpt_errname(-RPT_ESTATE), "RPT_ESTATE");
	assert_string_equal(rpt_errname(-EBUSY), "EBUSY");
	assert_string_equal(rpt_strerror(-ENOENT), strerror(ENOENT));
	assert_string_equal(rpt_strerror(RPT_EHASH), "Hash mismatch");
}

/* rpt_error_msg() of a code recorded without a message uses our texts. */
static void test_error_msg_without_text(void **state)
{
	struct rpt_error err = {.code = -RPT_ESTATE};

	(void)state;
	assert_string_equal(rpt_error_msg(&err), rpt_strerror(RPT_ESTATE));
}

/* Every row both ways, one row back per result, and the table's negative sign. */
static void test_table_every_entry(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(tee_err_table_len > 0);
	for (i = 0; i < tee_err_table_len; i++) {
		const struct tee_err_map *m = &tee_err_table[i];
		unsigned int backs = 0;

		assert_true(m->err < 0);
		assert_int_not_equal(m->res, TEE_SUCCESS);
		assert_int_equal(tee_result_from_err(m->err), m->res);
		assert_int_equal(tee_result_from_err(-m->err), m->res); /* either sign */
		for (j = 0; j < tee_err_table_len; j++) {
			if (j != i)
				assert_int_not_equal(tee_err_table[j].err, m->err);
			if (tee_err_table[j].res == m->res && tee_err_table[j].back)
				backs++;
		}
		assert_int_equal(backs, 1);
		if (m->back)
			assert_int_equal(tee_result_to_err(m->res), m->err);
		/* Not back: comes back as the code of its class, which maps to the same result. */
		assert_int_equal(tee_result_from_err(tee_result_to_err(m->res)), m->res);
	}
}

/* Every own code survives the TEE, except the four GlobalPlatform cannot tell apart. */
static void test_own_codes_round_trip(void **state)
{
	static const struct {
		int code; /* sent */
		int back; /* received */
	} shared[] = {
		{-RPT_ENOKEY, -RPT_ESIGNATURE},
		{-RPT_EROLLBACK, -RPT_EHASH},
		{-RPT_ERANGE, -EACCES},
		{-RPT_ENOBOOT, -RPT_EFORMAT},
	};
	unsigned int i, k;

	(void)state;
	for (i = 0; i < NUM_OWN; i++) {
		int code = -own_codes[i];
		int want = code;
		TEE_Result res = tee_result_from_err(code);

		assert_int_not_equal(res, TEE_ERROR_GENERIC); /* every own code has a result */
		for (k = 0; k < sizeof(shared) / sizeof(shared[0]); k++)
			if (shared[k].code == code)
				want = shared[k].back;
		assert_int_equal(tee_result_to_err(res), want);
	}
	/* BAD_STATE and BUSY are told apart both ways. */
	assert_int_equal(tee_result_from_err(-RPT_ESTATE), TEE_ERROR_BAD_STATE);
	assert_int_equal(tee_result_from_err(-EBUSY), TEE_ERROR_BUSY);
	assert_int_equal(tee_result_to_err(TEE_ERROR_BAD_STATE), -RPT_ESTATE);
	assert_int_equal(tee_result_to_err(TEE_ERROR_BUSY), -EBUSY);
}

static void test_unknown_and_success(void **state)
{
	(void)state;
	assert_int_equal(tee_result_from_err(0), TEE_SUCCESS);
	assert_int_equal(tee_result_to_err(TEE_SUCCESS), 0);
	assert_int_equal(tee_result_from_err(-EIO), TEE_ERROR_GENERIC);
	assert_int_equal(tee_result_from_err_or(-EFAULT, TEE_ERROR_COMMUNICATION),
			 TEE_ERROR_COMMUNICATION);
	assert_int_equal(tee_result_from_err_or(-ENOMEM, TEE_ERROR_COMMUNICATION),
			 TEE_ERROR_OUT_OF_MEMORY);
	assert_int_equal(tee_result_to_err(TEE_ERROR_GENERIC), -EIO);
	assert_int_equal(tee_result_to_err(TEE_ERROR_COMMUNICATION), -EIO);
	assert_int_equal(tee_result_to_err(0x12345678u), -EIO);
}

/* The last set wins: a reused struct needs no clearing, the newest reason is the one shown. */
static void test_last_set_wins(void **state)
{
	struct rpt_error err;

	(void)state;
	memset(&err, 0x5a, sizeof(err)); /* never cleared: set alone makes it valid */
	assert_int_equal(rpt_error_set(&err, EIO, "first %d", 1), -EIO);
	assert_int_equal(rpt_error_set(&err, -RPT_ESTATE, "second"), -RPT_ESTATE);
	assert_int_equal(err.code, -RPT_ESTATE);
	assert_string_equal(rpt_error_msg(&err), "second");
	/* The new message may quote the old one (formatted aside, no overlap). */
	rpt_error_set(&err, RPT_EFORMAT, "outer: %s", rpt_error_msg(&err));
	assert_int_equal(err.code, -RPT_EFORMAT);
	assert_string_equal(rpt_error_msg(&err), "outer: second");
	assert_int_equal(rpt_error_set(NULL, ENOMEM, "nowhere"), -ENOMEM);
}

/* Keeping a callee's reason is rpt_error_prefix()'s job: the code stays, context goes in front. */
static void test_prefix_keeps_inner_reason(void **state)
{
	struct rpt_error err = {0};

	(void)state;
	rpt_error_prefix(&err, "ignored: ");
	assert_string_equal(rpt_error_msg(&err), "no error");
	rpt_error_set(&err, -RPT_EHASH, "segment 2: hash mismatch");
	rpt_error_prefix(&err, "image %u: ", 1u);
	assert_int_equal(err.code, -RPT_EHASH);
	assert_string_equal(rpt_error_msg(&err), "image 1: segment 2: hash mismatch");
	rpt_error_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(rpt_error_msg(&err), "no error");
}

/* A reason from the secure world: safe for a terminal, bounded, a cut said. */
static void test_reason_sanitized(void **state)
{
	char long_text[600], out[TEE_REASON_MAX];
	size_t n;

	(void)state;
	n = tee_reason_sanitize(out, "segment [0x0, +0x140b0) runs past retram", SIZE_MAX);
	assert_string_equal(out, "segment [0x0, +0x140b0) runs past retram");
	assert_int_equal(n, strlen(out));
	/* Escape sequence, newline, carriage return, tab, DEL, UTF-8 bytes: each one '?'. */
	tee_reason_sanitize(out, "\x1b]0;pwned\x07" "a\nb\rc\td\x7f\xc3\xa9", SIZE_MAX);
	assert_string_equal(out, "?]0;pwned?a?b?c?d???");
	assert_true(tee_reason_valid(out, strlen(out)));
	assert_false(tee_reason_valid("a\nb", 3));
	/* srclen bounds an unterminated source. */
	tee_reason_sanitize(out, "abcdef", 3);
	assert_string_equal(out, "abc");
	tee_reason_sanitize(out, NULL, 10);
	assert_string_equal(out, "");
	/* Over 255 characters: cut to 255, ending "...". */
	memset(long_text, 'r', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	n = tee_reason_sanitize(out, long_text, SIZE_MAX);
	assert_int_equal(n, TEE_REASON_MAX - 1);
	assert_int_equal(strlen(out), TEE_REASON_MAX - 1);
	assert_string_equal(out + TEE_REASON_MAX - 4, "...");
	assert_int_equal(out[TEE_REASON_MAX - 5], 'r');
	/* Exactly 255: whole, no cut. */
	long_text[TEE_REASON_MAX - 1] = '\0';
	tee_reason_sanitize(out, long_text, SIZE_MAX);
	assert_int_equal(out[TEE_REASON_MAX - 2], 'r');
	assert_false(tee_reason_valid(long_text, sizeof(long_text) - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_codes_are_not_errno),
		cmocka_unit_test(test_reason_sanitized),
		cmocka_unit_test(test_error_msg_without_text),
		cmocka_unit_test(test_table_every_entry),
		cmocka_unit_test(test_own_codes_round_trip),
		cmocka_unit_test(test_unknown_and_success),
		cmocka_unit_test(test_last_set_wins),
		cmocka_unit_test(test_prefix_keeps_inner_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
