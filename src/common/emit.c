// SPDX-License-Identifier: BSD-2-Clause
#include "common/emit.h"

void emit_init(struct emit *e, FILE *out, bool json)
{
	*e = (struct emit){.out = out, .json = json};
	e->first[0] = true;
	if (json)
		fputc('{', out);
}

void emit_finish(struct emit *e)
{
	if (e->json)
		fputs("\n}\n", e->out);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Start a member: separator, indentation and key. */
static void member(struct emit *e, const char *key)
{
	int d = e->depth;

	if (e->json) {
		fputs(e->first[d] ? "\n" : ",\n", e->out);
		fprintf(e->out, "%*s", 2 * (d + 1), "");
		if (!e->in_array[d]) {
			json_string(e->out, key);
			fputs(": ", e->out);
		}
	} else {
		if (!e->inline_next)
			fprintf(e->out, "%*s%s", 2 * d, "", e->in_array[d] ? "- " : "");
		e->inline_next = false;
		if (!e->in_array[d])
			fprintf(e->out, "%s: ", key);
	}
	e->first[d] = false;
}

static void begin(struct emit *e, const char *key, bool array)
{
	bool item = e->in_array[e->depth];

	member(e, key);
	if (e->json)
		fputc(array ? '[' : '{', e->out);
	else if (item && !array)
		e->inline_next = true; /* "- first: value" on one line, like YAML */
	else
		fputc('\n', e->out);
	if (e->depth + 1 < EMIT_MAX_DEPTH) {
		e->depth++;
		e->first[e->depth] = true;
		e->in_array[e->depth] = array;
	}
}

void emit_begin_object(struct emit *e, const char *key)
{
	begin(e, key, false);
}

void emit_begin_array(struct emit *e, const char *key)
{
	begin(e, key, true);
}

void emit_end(struct emit *e)
{
	bool array = e->in_array[e->depth], empty = e->first[e->depth];

	if (e->depth > 0)
		e->depth--;
	if (!e->json)
		return;
	if (!empty)
		fprintf(e->out, "\n%*s", 2 * (e->depth + 1), "");
	fputc(array ? ']' : '}', e->out);
}

void emit_str(struct emit *e, const char *key, const char *val)
{
	member(e, key);
	if (e->json)
		json_string(e->out, val);
	else
		fprintf(e->out, "%s\n", val);
}

void emit_u64(struct emit *e, const char *key, uint64_t val)
{
	member(e, key);
	fprintf(e->out, e->json ? "%llu" : "%llu\n", (unsigned long long)val);
}

void emit_hex(struct emit *e, const char *key, uint64_t val)
{
	member(e, key);
	fprintf(e->out, e->json ? "%llu" : "0x%08llx\n", (unsigned long long)val);
}

void emit_bool(struct emit *e, const char *key, bool val)
{
	member(e, key);
	fprintf(e->out, e->json ? "%s" : "%s\n",
		val ? (e->json ? "true" : "yes") : (e->json ? "false" : "no"));
}

void emit_bytes(struct emit *e, const char *key, const uint8_t *p, size_t n)
{
	size_t i;

	member(e, key);
	if (e->json)
		fputc('"', e->out);
	for (i = 0; i < n; i++)
		fprintf(e->out, "%02x", p[i]);
	fputs(e->json ? "\"" : "\n", e->out);
}
