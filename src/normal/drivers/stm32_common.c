// SPDX-License-Identifier: BSD-2-Clause
/* What the STM32 drivers share (Linux has qcom_common.c for the same): see stm32_common.h. */
#include "normal/drivers/stm32_common.h"

#include <errno.h>
#include <string.h>

int stm32_mbox_request_shutdown(struct rproc *rproc, const struct rproc_mbox *mb)
{
	unsigned int timeout;
	int ret;

	if (!mb || !mb->ops || !mb->ops->request_shutdown || !mb->ops->wait_shutdown_ack)
		return 0;
	/* A crashed firmware cannot acknowledge anything: go straight to the hard stop. */
	if (rproc->state == RPROC_CRASHED || rproc->state == RPROC_OFFLINE)
		return 0;
	timeout =
		mb->shutdown_timeout_ms ? mb->shutdown_timeout_ms : STM32_MBOX_SHUTDOWN_TIMEOUT_MS;
	ret = mb->ops->request_shutdown(mb->priv);
	if (ret) {
		rproc_log(rproc, RPT_LOG_WARN, "shutdown request not sent (%s), forcing stop",
			  rpt_strerror(ret));
		return ret < 0 ? ret : -EIO;
	}
	ret = mb->ops->wait_shutdown_ack(mb->priv, timeout);
	if (ret == -ECANCELED) {
		rproc_log(rproc, RPT_LOG_WARN, "crashed while asked to shut down, forcing stop");
		return ret;
	}
	if (ret) {
		rproc_log(rproc, RPT_LOG_WARN, "shutdown not acknowledged in %u ms, forcing stop",
			  timeout);
		return ret < 0 ? ret : -ETIMEDOUT;
	}
	return 0;
}

void stm32_mbox_notify_detach(struct rproc *rproc, const struct rproc_mbox *mb)
{
	int ret;

	if (!mb || !mb->ops || !mb->ops->request_detach)
		return;
	ret = mb->ops->request_detach(mb->priv);
	if (ret)
		rproc_log(rproc, RPT_LOG_WARN, "detach request not sent to the firmware: %s",
			  rpt_strerror(ret));
}

int stm32_apply_boot(struct rproc *rproc, const struct board_boot *boot, struct rpt_error *err)
{
	if (!boot)
		return 0;
	rproc->auto_boot = boot->auto_boot;
	if (boot->has_recovery_limit &&
	    rproc_set_recovery_limit(rproc, boot->recovery_limit, boot->recovery_window_ms))
		return rpt_error_set(err, EINVAL, "%s: recovery limit %u in %u ms refused",
				     rproc->dev_name, boot->recovery_limit,
				     boot->recovery_window_ms);
	return 0;
}

void stm32_mbox_kick(struct rproc *rproc, const struct rproc_mbox *mb, int vqid)
{
	int ret;

	if (!mb || !mb->ops || !mb->ops->kick || vqid < 0)
		return;
	ret = mb->ops->kick(mb->priv, (unsigned int)vqid);
	if (ret)
		rproc_log(rproc, RPT_LOG_ERR, "kick of vq %d failed: %s", vqid, rpt_strerror(ret));
}

/* ---- sub-devices around rproc_add / rproc_del ---- */

int stm32_rproc_add(struct rproc *rproc, const struct rproc_subdev_hooks *hooks,
		    struct rpt_error *err)
{
	int ret;

	if (hooks->add) {
		ret = hooks->add(hooks->priv, rproc, err);
		if (ret)
			return ret;
	}
	ret = rproc_add(rproc, err);
	if (ret && hooks->remove) {
		rproc_del(rproc); /* a boot at add may have started them */
		hooks->remove(hooks->priv, rproc);
	}
	return ret;
}

void stm32_rproc_free(struct rproc *rproc, const struct rproc_subdev_hooks *hooks)
{
	if (!rproc)
		return;
	/* The sub-devices go between the stop (rproc_del) and the free: they use the rproc. */
	rproc_del(rproc);
	if (hooks->remove)
		hooks->remove(hooks->priv, rproc);
	rproc_free(rproc);
}
