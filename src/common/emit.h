/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One tree of facts, two renderings: indented "key: value" text for people,
 * or JSON for scripts. `info` describes an image once through these calls.
 */
#ifndef RPT_COMMON_EMIT_H
#define RPT_COMMON_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define EMIT_MAX_DEPTH 16

struct emit {
	FILE *out;		       /* where to write */
	bool json;		       /* JSON instead of text */
	int depth;		       /* current nesting */
	bool first[EMIT_MAX_DEPTH];    /* no member written yet at this depth (JSON commas) */
	bool in_array[EMIT_MAX_DEPTH]; /* this depth is an array (members have no key) */
	bool inline_next;	       /* text: the next member continues a "- " line */
};

void emit_init(struct emit *e, FILE *out, bool json);
void emit_finish(struct emit *e);
/* key is ignored inside arrays. */
void emit_begin_object(struct emit *e, const char *key);
void emit_begin_array(struct emit *e, const char *key);
void emit_end(struct emit *e);
void emit_str(struct emit *e, const char *key, const char *val);
void emit_u64(struct emit *e, const char *key, uint64_t val);
/* A number people read in hex ("0x10000000"); JSON gets the plain number. */
void emit_hex(struct emit *e, const char *key, uint64_t val);
void emit_bool(struct emit *e, const char *key, bool val);
/* Bytes as a lowercase hex string. */
void emit_bytes(struct emit *e, const char *key, const uint8_t *p, size_t n);

#endif
