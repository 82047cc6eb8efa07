// SPDX-License-Identifier: BSD-2-Clause
/*
 * The SoC around the core (DESIGN section 10): the board's peripheral nodes,
 * each backed by a model (struct coproc_periph_model, one file per model),
 * mapped into every engine as Unicorn MMIO callbacks. Whatever no memory and
 * no peripheral covers stays unmapped, so the firmware's access faults there
 * (a board asks for read-as-zero windows explicitly, "vst,raz-wi").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/safe_math.h"
#include "coproc/coproc_internal.h"

static const struct coproc_periph_model *const models[] = {
	&coproc_ipcc_model,
	&coproc_usart_model,
	&coproc_vmmio_model,
	&coproc_razwi_model,
};

static const struct coproc_periph_model *model_of(enum board_periph_kind kind)
{
	unsigned int i;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (models[i]->kind == kind)
			return models[i];
	return NULL;
}

/* Registers are page-mapped: the block's base must start a page, its end is rounded up. */
static int check_periph(const struct coproc *c, const struct coproc_periph *p,
			struct rpt_error *err)
{
	const struct board_periph *d = &p->desc;
	unsigned int i;

	if (!d->size || (d->da & (COPROC_PAGE - 1)) ||
	    !range_within(d->da, p->map_size, 0, 1ull << 32))
		return rpt_error_set(err, RPT_ERANGE,
				     "coprocessor: peripheral '%s' at 0x%08x (0x%x bytes) is not "
				     "page-aligned inside 4 GiB",
				     d->name, d->da, d->size);
	for (i = 0; i < c->num_mems; i++)
		if (ranges_overlap(c->mems[i].da, c->mems[i].size, d->da, p->map_size))
			return rpt_error_set(err, RPT_ERANGE,
					     "coprocessor: memory %u '%s' overlaps peripheral '%s' "
					     "at 0x%08x",
					     i, c->mems[i].name, d->name, d->da);
	for (i = 0; i < c->num_periphs; i++)
		if (ranges_overlap(c->periphs[i].desc.da, c->periphs[i].map_size, d->da,
				   p->map_size))
			return rpt_error_set(
				err, RPT_ERANGE,
				"coprocessor: peripherals '%s' and '%s' share the page "
				"at 0x%08x",
				c->periphs[i].desc.name, d->name, d->da);
	return 0;
}

static int add_periph(struct coproc *c, const struct board_periph *d, struct rpt_error *err)
{
	struct coproc_periph *p = &c->periphs[c->num_periphs];
	int ret;

	memset(p, 0, sizeof(*p));
	p->model = model_of(d->kind);
	if (!p->model)
		return rpt_error_set(err, EINVAL, "coprocessor: peripheral '%s': unknown kind %d",
				     d->name, (int)d->kind);
	p->core = c;
	p->desc = *d;
	p->map_size =
		(uint32_t)(((uint64_t)d->size + COPROC_PAGE - 1) & ~(uint64_t)(COPROC_PAGE - 1));
	ret = check_periph(c, p, err);
	if (ret)
		return ret;
	if (p->model->create) {
		ret = p->model->create(p, err);
		if (ret)
			return ret;
	}
	if (d->kind == BOARD_PERIPH_IPCC && !c->ipcc)
		c->ipcc = p;
	c->num_periphs++;
	return 0;
}

int coproc_periphs_create(struct coproc *c, const struct board_rproc *desc, struct rpt_error *err)
{
	struct board_rproc mp15;
	const struct board_rproc *rp = desc;
	unsigned int i;
	int ret = 0;

	if (pthread_mutex_init(&c->console.lock, NULL))
		return rpt_error_set(err, ENOMEM, "coprocessor: cannot create the console lock");
	if (!rp) {
		/* A bare core (unit tests): the STM32MP15's peripherals. */
		memset(&mp15, 0, sizeof(mp15));
		board_stm32mp15_periphs(&mp15);
		rp = &mp15;
	}
	for (i = 0; !ret && i < rp->num_periphs; i++)
		ret = add_periph(c, &rp->periphs[i], err);
	if (ret) {
		coproc_periphs_destroy(c);
		return ret;
	}
	coproc_periphs_reset(c); /* registers read their reset values before the first run too */
	return 0;
}

void coproc_periphs_destroy(struct coproc *c)
{
	unsigned int i;

	for (i = 0; i < c->num_periphs; i++)
		if (c->periphs[i].model->destroy)
			c->periphs[i].model->destroy(&c->periphs[i]);
	c->num_periphs = 0;
	c->ipcc = NULL;
	pthread_mutex_destroy(&c->console.lock);
}

void coproc_periphs_reset(struct coproc *c)
{
	unsigned int i;

	for (i = 0; i < c->num_periphs; i++)
		if (c->periphs[i].model->reset)
			c->periphs[i].model->reset(&c->periphs[i]);
	/* Processor 1 sets the fresh block up again (Linux: stm32_ipcc's probe after the reset). */
	if (c->ipcc && c->ipcc_host && c->ipcc_host->reset)
		c->ipcc_host->reset(c->ipcc_host_priv);
}

/* Past the model's registers but inside its page: reserved, reads as zero. */
static uint64_t periph_read(uc_engine *uc, uint64_t offset, unsigned int size, void *priv)
{
	struct coproc_periph *p = priv;

	(void)uc;
	if (offset >= p->desc.size || (size != 1 && size != 2 && size != 4) ||
	    (offset & (size - 1)))
		return 0;
	return p->model->read(p, (uint32_t)offset, size);
}

static void periph_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
			 void *priv)
{
	struct coproc_periph *p = priv;

	(void)uc;
	if (offset >= p->desc.size || (size != 1 && size != 2 && size != 4) ||
	    (offset & (size - 1)))
		return;
	p->model->write(p, (uint32_t)offset, size, (uint32_t)value);
}

int coproc_periph_map(struct coproc *c, uc_engine *uc, struct rpt_error *err)
{
	char what[96];
	unsigned int i;
	uc_err e;

	for (i = 0; i < c->num_periphs; i++) {
		struct coproc_periph *p = &c->periphs[i];

		e = uc_mmio_map(uc, p->desc.da, p->map_size, periph_read, p, periph_write, p);
		if (e != UC_ERR_OK) {
			snprintf(what, sizeof(what), "mapping peripheral '%s' (%s) at 0x%08x",
				 p->desc.name, p->model->name, p->desc.da);
			return coproc_uc_fail(err, e, what);
		}
	}
	return 0;
}
