/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Overflow-checked arithmetic for lengths and addresses read from untrusted
 * bytes. Every helper returns true when the result does NOT fit (like the
 * compiler builtins), so the natural use is `if (add_overflow(...)) reject;`.
 */
#ifndef RPT_COMMON_SAFE_MATH_H
#define RPT_COMMON_SAFE_MATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define add_overflow(a, b, res) __builtin_add_overflow(a, b, res)
#define mul_overflow(a, b, res) __builtin_mul_overflow(a, b, res)
#define sub_overflow(a, b, res) __builtin_sub_overflow(a, b, res)

/* Round v up to a multiple of 8; true on overflow (0xFFFFFFF9.. do not wrap to 0). */
static inline bool round_up8_overflow(uint32_t v, uint32_t *res)
{
	uint32_t t;

	if (add_overflow(v, 7u, &t))
		return true;
	*res = t & ~7u;
	return false;
}

static inline bool round_up8_overflow_size(size_t v, size_t *res)
{
	size_t t;

	if (add_overflow(v, (size_t)7, &t))
		return true;
	*res = t & ~(size_t)7;
	return false;
}

/* True if [off, off + len) lies inside a buffer of `size` bytes (no wrap). */
static inline bool range_inside(uint64_t off, uint64_t len, uint64_t size)
{
	uint64_t end;

	if (add_overflow(off, len, &end))
		return false;
	return end <= size;
}

/*
 * True if [a, a + alen) lies inside [base, base + blen), both computed without
 * wrap: a range that wraps past the top of the address space is never inside.
 */
static inline bool range_within(uint64_t a, uint64_t alen, uint64_t base, uint64_t blen)
{
	uint64_t aend, bend;

	if (add_overflow(a, alen, &aend) || add_overflow(base, blen, &bend))
		return false;
	return a >= base && aend <= bend;
}

/*
 * The host address of the physical range [pa, pa + len) in a memory mapped
 * whole at host (physical base, size bytes), NULL if the range is not wholly
 * inside it (or nothing is mapped). The one translation every shared-memory
 * lookup uses, whatever it keeps its mappings in.
 */
static inline void *phys_range_ptr(uint8_t *host, uint64_t base, uint64_t size, uint64_t pa,
				   uint64_t len)
{
	if (!host || !range_within(pa, len, base, size))
		return NULL;
	return host + (pa - base);
}

/* True if the two half-open ranges share at least one byte. Empty ranges overlap nothing. */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	if (!alen || !blen)
		return false;
	return a < b + blen && b < a + alen;
}

/* Little-endian loads from byte buffers (the wire formats are all little-endian). */
static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

#endif
