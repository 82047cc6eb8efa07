/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef RPT_COMMON_FILE_IO_H
#define RPT_COMMON_FILE_IO_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Largest file the tools read whole (firmware images, keys): 256 MiB. */
#define RPT_FILE_MAX ((size_t)256 << 20)

/* Read a whole file into a new buffer (free() it). Refuses files over RPT_FILE_MAX. */
int rpt_read_file(const char *path, uint8_t **data, size_t *size, struct rpt_error *err);

/* Same from an open descriptor (closed in every case); path only names it in messages. */
int rpt_read_fd(int fd, const char *path, uint8_t **data, size_t *size, struct rpt_error *err);

/* Write a file atomically: to PATH.tmp, fsync, rename over PATH. */
int rpt_write_file_atomic(const char *path, const void *data, size_t size, struct rpt_error *err);

#endif
