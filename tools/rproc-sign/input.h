/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An input file of rproc-sign (ELF to sign, image to verify), read without
 * copying it into fresh memory when that is safe.
 *
 * Reading a 4 MiB file into a new buffer costs a page fault per page of the
 * buffer (1,300 for large.elf, most of a `verify`). Mapping the file's page
 * cache costs almost nothing, but a mapped file that another process shrinks
 * makes our next access SIGBUS, and one it rewrites changes bytes we already
 * checked. So the file is mapped only while we hold a read lease on it
 * (fcntl F_SETLEASE): until we release it, the kernel holds back anyone who
 * opens the file for writing or truncates it (for up to
 * /proc/sys/fs/lease-break-time seconds, 45 by default). Where no lease is
 * granted (someone has the file open for writing, the file is not ours, the
 * file system has no leases) it is read into private memory as before.
 */
#ifndef RPT_TOOLS_INPUT_H
#define RPT_TOOLS_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* One open input. */
struct input_file {
	const uint8_t *data; /* its bytes: the mapping or the private copy */
	size_t size;	     /* bytes in data */
	void *map;	     /* the mapping, or NULL */
	uint8_t *copy;	     /* the private copy (free()), or NULL */
	int fd;		     /* leased descriptor while mapped, else -1 */
};

/*
 * input_open() flag: the caller reads only a few pages through data (headers)
 * and the bulk with pread() or copy_file_range() on fd (fd >= 0; without a
 * lease, from data). Such a mapping is not populated up front. Why: measured
 * on the project's VM, hashing large.elf through the mapping took 6-7 ms (3 ms
 * even a second time), through a 64 KiB buffer refilled by pread 4 ms, copy
 * included. The VM runs under PVM (shadow page tables): the first touch of
 * each 4 KiB page of a user mapping costs 7-15 us in the hypervisor, even
 * when populated; the kernel's copy through its direct map does not.
 */
#define INPUT_SPARSE 1u

/* Open path for reading (RPT_FILE_MAX at most); input_close() in every case. */
int input_open(const char *path, unsigned int flags, struct input_file *in, struct rpt_error *err);
void input_close(struct input_file *in);

#endif
