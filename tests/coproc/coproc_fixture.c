// SPDX-License-Identifier: BSD-2-Clause
#include "coproc_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "common/safe_math.h"
#include "formats/elf32.h"
#include "testutil.h"

static const struct {
	const char *name;
	uint32_t da;
	uint32_t size;
} stm32mp15[FIX_MAX_MEMS] = {
	{"retram", 0x00000000u, 0x10000u},     {"mcuram2", 0x10000000u, 0x40000u},
	{"vdev0vring0", 0x10040000u, 0x1000u}, {"vdev0vring1", 0x10041000u, 0x1000u},
	{"vdev0buffer", 0x10042000u, 0x4000u}, {"ipc-shmem", 0x10046000u, 0xa000u},
};

void fix_board_init(struct fix_board *b)
{
	unsigned int i;
	void *p;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < FIX_MAX_MEMS; i++) {
		p = mmap(NULL, stm32mp15[i].size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		assert_true(p != MAP_FAILED);
		b->mems[i].name = stm32mp15[i].name;
		b->mems[i].da = stm32mp15[i].da;
		b->mems[i].size = stm32mp15[i].size;
		b->mems[i].host = p;
		b->num_mems++;
	}
}

void fix_board_fini(struct fix_board *b)
{
	unsigned int i;

	for (i = 0; i < b->num_mems; i++)
		munmap(b->mems[i].host, b->mems[i].size);
	b->num_mems = 0;
}

void fix_board_clear(struct fix_board *b)
{
	unsigned int i;

	for (i = 0; i < b->num_mems; i++)
		memset(b->mems[i].host, 0, b->mems[i].size);
}

uint8_t *fix_da(struct fix_board *b, uint32_t da, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < b->num_mems; i++) {
		const struct coproc_mem *m = &b->mems[i];

		if (range_within(da, len, m->da, m->size))
			return m->host + (da - m->da);
	}
	return NULL;
}

void fix_load_elf(struct fix_board *b, const char *path)
{
	struct elf32_file elf = {0};
	struct rpt_error err = {0};
	const Elf32_Phdr *ph;
	uint8_t *data, *dst;
	unsigned int i;
	size_t size;

	data = rpt_slurp(path, &size);
	if (elf32_open(&elf, data, size, &err))
		fail_msg("%s: %s", path, rpt_error_msg(&err));
	for (i = 0; i < elf32_phnum(&elf); i++) {
		ph = elf32_phdr(&elf, i);
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		dst = fix_da(b, ph->p_paddr, ph->p_memsz);
		if (!dst)
			fail_msg("%s: segment %u at 0x%08x (0x%x bytes) outside the board", path, i,
				 ph->p_paddr, ph->p_memsz);
		memcpy(dst, elf32_segment_data(&elf, ph), ph->p_filesz);
		memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	}
	elf32_close(&elf);
	free(data);
}

/* ---- events ---- */

static void on_kick(void *priv, uint32_t vq)
{
	struct fix_events *e = priv;

	pthread_mutex_lock(&e->lock);
	if (vq < 32)
		e->kicks[vq]++;
	pthread_mutex_unlock(&e->lock);
}

static void on_ack(void *priv)
{
	struct fix_events *e = priv;

	pthread_mutex_lock(&e->lock);
	e->acks++;
	pthread_mutex_unlock(&e->lock);
}

static void on_crash(void *priv, enum rproc_crash_type type, const char *why)
{
	struct fix_events *e = priv;

	pthread_mutex_lock(&e->lock);
	e->crashes++;
	e->crash_type = type;
	snprintf(e->crash_why, sizeof(e->crash_why), "%s", why);
	pthread_mutex_unlock(&e->lock);
}

const struct coproc_events fix_event_ops = {
	.crash = on_crash,
};

const struct stm32_ipcc_events fix_ipcc_events = {
	.kick = on_kick,
	.shutdown_ack = on_ack,
};

void fix_events_init(struct fix_events *e)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
}

void fix_events_fini(struct fix_events *e)
{
	pthread_mutex_destroy(&e->lock);
}

static unsigned int read_count(struct fix_events *e, const unsigned int *counter)
{
	unsigned int v;

	pthread_mutex_lock(&e->lock);
	v = *counter;
	pthread_mutex_unlock(&e->lock);
	return v;
}

unsigned int fix_kicks(struct fix_events *e, uint32_t vq)
{
	return read_count(e, &e->kicks[vq]);
}

unsigned int fix_acks(struct fix_events *e)
{
	return read_count(e, &e->acks);
}

unsigned int fix_crashes(struct fix_events *e)
{
	return read_count(e, &e->crashes);
}

/* ---- bounded waits (polling: the core writes memory, it does not signal) ---- */

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000};

	nanosleep(&ts, NULL);
}

static bool text_has(struct fix_board *b, uint32_t da, uint32_t len, const char *needle)
{
	const volatile uint8_t *src = fix_da(b, da, len);
	char *copy;
	uint32_t i;
	bool found;

	assert_non_null((const void *)src);
	copy = calloc(1, (size_t)len + 1);
	assert_non_null(copy);
	for (i = 0; i < len; i++)
		copy[i] = (char)src[i];
	found = strstr(copy, needle) != NULL;
	free(copy);
	return found;
}

bool fix_wait_text(struct fix_board *b, uint32_t da, uint32_t len, const char *needle)
{
	unsigned int waited;

	for (waited = 0; waited < FIX_WAIT_MS; waited++) {
		if (text_has(b, da, len, needle))
			return true;
		sleep_ms(1);
	}
	return false;
}

bool fix_wait_count(struct fix_events *e, const unsigned int *counter, unsigned int want)
{
	unsigned int waited;

	for (waited = 0; waited < FIX_WAIT_MS; waited++) {
		if (read_count(e, counter) >= want)
			return true;
		sleep_ms(1);
	}
	return false;
}

bool fix_wait_state(struct coproc *c, enum coproc_state s)
{
	unsigned int waited;

	for (waited = 0; waited < FIX_WAIT_MS; waited++) {
		if (coproc_state(c) == s)
			return true;
		sleep_ms(1);
	}
	return false;
}

bool fix_wait_word(struct fix_board *b, uint32_t da, uint32_t value)
{
	const volatile uint8_t *p = fix_da(b, da, 4);
	unsigned int waited;

	assert_non_null((const void *)p);
	for (waited = 0; waited < FIX_WAIT_MS; waited++) {
		if (((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24) == value)
			return true;
		sleep_ms(1);
	}
	return false;
}
