/* SPDX-License-Identifier: BSD-2-Clause */
/* Sign a firmware ELF with the repo's test-only demo key, for tests that boot our firmware. */
#ifndef RPT_TESTS_DEMO_SIGN_H
#define RPT_TESTS_DEMO_SIGN_H

/*
 * Sign the ELF at elf_path into "<tmpdir>/<basename>.sign" and return that
 * path (a static buffer, valid until the next call). Fails the test on error.
 */
const char *rpt_sign_with_demo_key(const char *elf_path);

/*
 * The STM32MP25 demo (firmware/rproc-demo-mp2.elf) with its reset vector moved
 * into cm33-data (0x80A00101: private memory the image loads no code into),
 * signed with the demo key and BOOTADDR 0x80100000 as ST signs: an authentic
 * image the core cannot start. Written to "<tmpdir>/unstartable-mp2.sign".
 */
const char *rpt_sign_mp2_unstartable(void);

#endif
