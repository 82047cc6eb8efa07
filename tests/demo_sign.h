/* SPDX-License-Identifier: BSD-2-Clause */
/* Sign a firmware ELF with the repo's test-only demo key, for tests that boot our firmware. */
#ifndef RPT_TESTS_DEMO_SIGN_H
#define RPT_TESTS_DEMO_SIGN_H

/*
 * Sign the ELF at elf_path into "<tmpdir>/<basename>.sign" and return that
 * path (a static buffer, valid until the next call). Fails the test on error.
 */
const char *rpt_sign_with_demo_key(const char *elf_path);

#endif
