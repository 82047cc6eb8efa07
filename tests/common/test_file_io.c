// SPDX-License-Identifier: BSD-2-Clause
/*
 * Replacing a file atomically (common/file_io.c): the old file is swapped out
 * whole, whatever the path held is never written through, and a failure
 * leaves the path as it was and no temporary file behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "common/file_io.h"

static const char *path_in_tmp(const char *name)
{
	static char buf[4][4096];
	static unsigned int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", rpt_tmpdir(), name);
	return p;
}

/* Temporary files (NAME.tmp-...) left next to path. */
static unsigned int temps_left(const char *name)
{
	char prefix[256];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d = opendir(rpt_tmpdir());

	assert_non_null(d);
	snprintf(prefix, sizeof(prefix), "%s.tmp-", name);
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static void expect_content(const char *path, const char *want)
{
	uint8_t *data = NULL;
	size_t len = 0;

	assert_int_equal(rpt_read_file(path, &data, &len, &(struct rpt_error){0}), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	free(data);
}

/* Both ways (swapped out without fsync, renamed over with it): readers keep the old file. */
static void replace_existing(unsigned int flags)
{
	const char *name = flags & RPT_WRITE_NO_SYNC ? "swap.img" : "durable.img";
	const char *path = path_in_tmp(name);
	struct stat before, after;
	char old[16] = {0};
	int fd;

	assert_int_equal(rpt_write_file(path, "old image", 9, flags, &(struct rpt_error){0}), 0);
	assert_int_equal(stat(path, &before), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(rpt_write_file(path, "the new image", 13, flags, &(struct rpt_error){0}),
			 0);
	expect_content(path, "the new image");
	assert_int_equal(stat(path, &after), 0);
	assert_true(after.st_ino != before.st_ino);
	/* Whoever had the old image open still reads it whole. */
	assert_int_equal(pread(fd, old, sizeof(old), 0), 9);
	assert_string_equal(old, "old image");
	close(fd);
	assert_int_equal(temps_left(name), 0);
	unlink(path);
}

static void test_replace_swaps_without_sync(void **state)
{
	(void)state;
	replace_existing(RPT_WRITE_NO_SYNC);
}

static void test_replace_renames_with_sync(void **state)
{
	(void)state;
	replace_existing(0);
}

/* A symlink at the path is replaced itself; the file it points to is never written. */
static void test_replace_symlink_not_followed(void **state)
{
	const char *target = path_in_tmp("victim");
	const char *link = path_in_tmp("link.img");
	struct stat st;

	(void)state;
	assert_int_equal(
		rpt_write_file(target, "victim", 6, RPT_WRITE_NO_SYNC, &(struct rpt_error){0}), 0);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(
		rpt_write_file(link, "image", 5, RPT_WRITE_NO_SYNC, &(struct rpt_error){0}), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	expect_content(link, "image");
	expect_content(target, "victim");
	assert_int_equal(temps_left("link.img"), 0);
	unlink(link);
	unlink(target);
}

/* A directory at the path: refused by name, the directory stays, nothing is left over. */
static void test_replace_directory_fails_cleanly(void **state)
{
	const char *dir = path_in_tmp("dir.img");
	struct rpt_error err = {0};
	struct stat st;

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_true(rpt_write_file(dir, "image", 5, RPT_WRITE_NO_SYNC, &err) < 0);
	assert_non_null(strstr(err.msg, "dir.img"));
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(temps_left("dir.img"), 0);
	rmdir(dir);
}

/* A writer that fills the file back to front, as the signer writes its header last. */
static int fill_back_to_front(int fd, const char *tmp, void *ctx, struct rpt_error *err)
{
	(void)ctx;
	if (rpt_pwrite_all(fd, tmp, "image", 5, 7, err))
		return -EIO;
	return rpt_pwrite_all(fd, tmp, "header ", 7, 0, err);
}

/* Writes half, then fails: as a signer that meets a bad input late. */
static int fill_then_fail(int fd, const char *tmp, void *ctx, struct rpt_error *err)
{
	(void)ctx;
	rpt_pwrite_all(fd, tmp, "half", 4, 0, err);
	return rpt_error_set(err, EINVAL, "input: bad segment");
}

/*
 * rpt_write_file_with: whatever order the filler writes in, the path gets the
 * result whole; a filler that fails leaves the old file and no temporary.
 */
static void test_write_with_filler(void **state)
{
	const char *path = path_in_tmp("filled.img");
	struct rpt_error err = {0};
	char buf[8];
	int fd;

	(void)state;
	assert_int_equal(
		rpt_write_file_with(path, fill_back_to_front, NULL, RPT_WRITE_NO_SYNC, &err), 0);
	expect_content(path, "header image");
	assert_true(rpt_write_file_with(path, fill_then_fail, NULL, RPT_WRITE_NO_SYNC, &err) < 0);
	assert_string_equal(rpt_error_msg(&err), "input: bad segment");
	expect_content(path, "header image");
	assert_int_equal(temps_left("filled.img"), 0);

	/* pread of exactly what is there; past the end is a short read, named. */
	err = (struct rpt_error){0};
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(rpt_pread_all(fd, "filled.img", buf, 5, 7, &err), 0);
	assert_memory_equal(buf, "image", 5);
	assert_true(rpt_pread_all(fd, "filled.img", buf, 6, 7, &err) < 0);
	assert_string_equal(rpt_error_msg(&err), "filled.img: short read");
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_swaps_without_sync),
		cmocka_unit_test(test_replace_renames_with_sync),
		cmocka_unit_test(test_replace_symlink_not_followed),
		cmocka_unit_test(test_replace_directory_fails_cleanly),
		cmocka_unit_test(test_write_with_filler),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
