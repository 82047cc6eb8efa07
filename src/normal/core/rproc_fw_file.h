/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A struct rproc_fw_loader that reads firmware files from a search path of
 * directories, like Linux's request_firmware() in /lib/firmware.
 */
#ifndef RPT_NORMAL_RPROC_FW_FILE_H
#define RPT_NORMAL_RPROC_FW_FILE_H

#include "normal/core/remoteproc.h"

#define RPROC_FW_DIR_MAX  256 /* bytes of one directory name, with the NUL */
#define RPROC_FW_DIRS_MAX 8   /* directories of one search path */

/* Where the loader looks (must outlive the loader). */
struct rproc_fw_dir {
	char dirs[RPROC_FW_DIRS_MAX][RPROC_FW_DIR_MAX]; /* search path, first match wins */
	unsigned int num_dirs;				/* entries of dirs in use */
	bool allow_absolute; /* absolute paths are read as given (the daemon's users) */
};

/*
 * Fill loader to read "<dir>/<name>" whole, dir being the first directory of
 * the search path holding name. A relative name may have subdirectories
 * ("vendor/fw.elf") but no empty, "." or ".." component, and it is resolved
 * beneath its directory: a symlink leading out of it is refused (inside it,
 * symlinks work as in /lib/firmware). Absolute names are refused unless
 * d->allow_absolute is set (set it after this call). -EINVAL if dir is empty
 * or too long.
 */
int rproc_fw_dir_loader(struct rproc_fw_loader *loader, struct rproc_fw_dir *d, const char *dir);

/* Append a directory to the search path: -EINVAL if empty or too long, -ENOSPC if full. */
int rproc_fw_dir_add(struct rproc_fw_dir *d, const char *dir);

/* Tests only: resolve names with realpath and a prefix check, as without openat2. */
void rproc_fw_dir_force_fallback(bool on);

#endif
