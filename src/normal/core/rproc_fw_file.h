/* SPDX-License-Identifier: BSD-2-Clause */
/* A struct rproc_fw_loader that reads firmware files from one directory. */
#ifndef RPT_NORMAL_RPROC_FW_FILE_H
#define RPT_NORMAL_RPROC_FW_FILE_H

#include "normal/core/remoteproc.h"

#define RPROC_FW_DIR_MAX 256

/* The directory the loader reads from (must outlive the loader). */
struct rproc_fw_dir {
	char dir[RPROC_FW_DIR_MAX]; /* firmware directory, like /lib/firmware */
	bool allow_absolute;	    /* absolute paths are read as given (the daemon's users) */
};

/*
 * Fill loader to read "<dir>/<name>" whole. Relative names with "." or ".."
 * components are refused; absolute names unless d->allow_absolute is set
 * (set it after this call). -EINVAL if dir is empty or too long.
 */
int rproc_fw_dir_loader(struct rproc_fw_loader *loader, struct rproc_fw_dir *d, const char *dir);

#endif
