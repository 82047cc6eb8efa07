// SPDX-License-Identifier: BSD-2-Clause
/*
 * remoteproc core: life cycle, boot sequences, shutdown, crash handling and
 * recovery. The order of operations follows Linux drivers/remoteproc with the
 * TEE series' changes (load never called from start, alternate boot, optional
 * release_fw); see remoteproc.h and DESIGN section 2.
 */
#include "normal/core/remoteproc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "normal/core/remoteproc_internal.h"

/* remoteproc<N> indices in use, lowest free first (Linux uses an IDA). */
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static bool index_used[RPROC_MAX_DEVICES];

static int index_get(void)
{
	int i, found = -1;

	pthread_mutex_lock(&index_lock);
	for (i = 0; i < RPROC_MAX_DEVICES; i++) {
		if (!index_used[i]) {
			index_used[i] = true;
			found = i;
			break;
		}
	}
	pthread_mutex_unlock(&index_lock);
	return found;
}

static void index_put(int i)
{
	if (i < 0 || i >= RPROC_MAX_DEVICES)
		return;
	pthread_mutex_lock(&index_lock);
	index_used[i] = false;
	pthread_mutex_unlock(&index_lock);
}

/* ---- strings ---- */

const char *rproc_state_string(enum rproc_state state)
{
	static const char *const names[RPROC_LAST + 1] = {
		[RPROC_OFFLINE] = "offline",   [RPROC_SUSPENDED] = "suspended",
		[RPROC_RUNNING] = "running",   [RPROC_CRASHED] = "crashed",
		[RPROC_DELETED] = "deleted",   [RPROC_ATTACHED] = "attached",
		[RPROC_DETACHED] = "detached", [RPROC_LAST] = "invalid",
	};

	if ((unsigned int)state > RPROC_LAST)
		state = RPROC_LAST;
	return names[state];
}

const char *rproc_coredump_string(enum rproc_dump_mechanism conf)
{
	switch (conf) {
	case RPROC_COREDUMP_DISABLED:
		return "disabled";
	case RPROC_COREDUMP_ENABLED:
		return "enabled";
	case RPROC_COREDUMP_INLINE:
		return "inline";
	default:
		return "invalid";
	}
}

/* ---- messages ---- */

void rproc_log(struct rproc *rproc, enum rpt_log_level level, const char *fmt, ...)
{
	char msg[RPT_ERROR_MSG_MAX + 128];
	char line[sizeof(msg) + RPROC_NAME_MAX + 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s: %s", rproc->dev_name, msg);
	if (rproc->log)
		rproc->log(rproc->log_priv, level, line);
	else if (level <= RPT_LOG_WARN)
		fprintf(stderr, "%s\n", line);
}

int rproc_fail(struct rproc *rproc, const char *step, int ret, const struct rpt_error *err)
{
	const char *why;

	if (ret >= 0)
		ret = -EIO; /* an op that failed with a positive value still failed */
	why = err && err->code ? rpt_error_msg(err) : rpt_strerror(ret);
	rpt_error_set(&rproc->last_error, ret, "%s failed: %s", step, why);
	rproc_log(rproc, RPT_LOG_ERR, "%s failed: %s", step, why);
	return ret;
}

void rproc_last_error(struct rproc *rproc, char *buf, size_t len)
{
	if (!buf || !len)
		return;
	pthread_mutex_lock(&rproc->lock);
	snprintf(buf, len, "%s", rproc->last_error.code ? rproc->last_error.msg : "");
	pthread_mutex_unlock(&rproc->lock);
}

/* ---- op wrappers (rproc->lock held) ---- */

static int rproc_prepare_device(struct rproc *rproc)
{
	struct rpt_error e = {0};
	int ret;

	if (rproc->ops->prepare) {
		ret = rproc->ops->prepare(rproc, &e);
		if (ret)
			return rproc_fail(rproc, "prepare", ret, &e);
	}
	rproc->prepared = true;
	return 0;
}

static void rproc_unprepare_device(struct rproc *rproc)
{
	if (rproc->prepared && rproc->ops->unprepare)
		rproc->ops->unprepare(rproc);
	rproc->prepared = false;
}

static int rproc_sanity_check(struct rproc *rproc, const struct rproc_fw *fw)
{
	struct rpt_error e = {0};
	int ret;

	if (!rproc->ops->sanity_check)
		return 0;
	ret = rproc->ops->sanity_check(rproc, fw, &e);
	return ret ? rproc_fail(rproc, "firmware sanity check", ret, &e) : 0;
}

static void rproc_get_boot_addr(struct rproc *rproc, const struct rproc_fw *fw)
{
	rproc->bootaddr = rproc->ops->get_boot_addr ? rproc->ops->get_boot_addr(rproc, fw) : 0;
}

static int rproc_parse_fw(struct rproc *rproc, const struct rproc_fw *fw)
{
	struct rpt_error e = {0};
	int ret;

	if (!rproc->ops->parse_fw)
		return 0;
	ret = rproc->ops->parse_fw(rproc, fw, &e);
	return ret ? rproc_fail(rproc, "parse_fw (resource table)", ret, &e) : 0;
}

static int rproc_load_segments(struct rproc *rproc, const struct rproc_fw *fw)
{
	struct rpt_error e = {0};
	int ret;

	ret = rproc->ops->load(rproc, fw, &e);
	if (ret)
		return rproc_fail(rproc, "load", ret, &e);
	rproc->fw_loaded = true;
	return 0;
}

/* release_fw is owed once for every successful load. */
static void rproc_release_fw(struct rproc *rproc)
{
	if (rproc->fw_loaded && rproc->ops->release_fw)
		rproc->ops->release_fw(rproc);
	rproc->fw_loaded = false;
}

static int rproc_start_device(struct rproc *rproc)
{
	struct rpt_error e = {0};
	int ret;

	if (!rproc->ops->start)
		return rproc_fail(rproc, "start", -EINVAL, NULL);
	ret = rproc->ops->start(rproc, &e);
	return ret ? rproc_fail(rproc, "start", ret, &e) : 0;
}

/*
 * Linux rproc_start_subdevices() after ops->start or ops->attach: the
 * processor runs; a sub-device that cannot start (host side) stops it
 * again and the boot fails, as in Linux.
 */
static int rproc_start_subdevs_or_stop(struct rproc *rproc)
{
	struct rpt_error e = {0};
	int ret;

	ret = rproc_start_subdevices(rproc);
	if (!ret)
		return 0;
	if (rproc->ops->stop && rproc->ops->stop(rproc, &e))
		rproc_log(rproc, RPT_LOG_ERR, "stopping it again failed: %s", rpt_error_msg(&e));
	return ret;
}

static void rproc_free_tables(struct rproc *rproc)
{
	free(rproc->cached_table);
	rproc->cached_table = NULL;
	free(rproc->clean_table);
	rproc->clean_table = NULL;
	rproc->table_ptr = NULL;
	rproc->table_sz = 0;
}

int rproc_cache_rsc_table(struct rproc *rproc, const void *table, size_t len, struct rpt_error *err)
{
	void *copy;
	int ret;

	ret = rsc_table_validate(table, len, err);
	if (ret)
		return ret;
	copy = malloc(len);
	if (!copy)
		return rpt_error_set(err, ENOMEM, "no memory for a %zu-byte resource table", len);
	memcpy(copy, table, len);
	free(rproc->cached_table);
	rproc->cached_table = copy;
	rproc->table_ptr = copy;
	rproc->table_sz = len;
	return 0;
}

/* Ask the driver where the table lies in device memory (per boot kind, else the other op). */
static int rproc_locate_loaded_table(struct rproc *rproc, const struct rproc_fw *fw, void **table,
				     size_t *len)
{
	const struct rproc_ops *ops = rproc->ops;
	struct rpt_error e = {0};
	bool use_get = ops->get_loaded_rsc_table &&
		       (rproc->alt_boot || !fw || !ops->find_loaded_rsc_table);
	int ret = 0;

	*table = NULL;
	*len = 0;
	if (use_get)
		ret = ops->get_loaded_rsc_table(rproc, table, len, &e);
	else if (ops->find_loaded_rsc_table && fw)
		ret = ops->find_loaded_rsc_table(rproc, fw, table, len, &e);
	if (ret) {
		*table = NULL;
		return rproc_fail(rproc, "getting the loaded resource table", ret, &e);
	}
	if (*table && !*len) {
		*table = NULL;
		rpt_error_set(&e, RPT_EFORMAT, "the driver reports a 0-byte table");
		return rproc_fail(rproc, "getting the loaded resource table", -RPT_EFORMAT, &e);
	}
	return 0;
}

/*
 * Point table_ptr at the table in device memory. adopt (first alternate boot,
 * attach): the loaded table becomes the table in use, validated, no cache.
 * Otherwise (classic start, recovery): the cache, if there is one, is copied
 * over the loaded table, which must be at least as large.
 */
static int rproc_install_loaded_table(struct rproc *rproc, const struct rproc_fw *fw, bool adopt)
{
	struct rpt_error e = {0};
	void *loaded;
	size_t len;
	int ret;

	ret = rproc_locate_loaded_table(rproc, fw, &loaded, &len);
	if (ret)
		return ret;
	if (!loaded)
		return 0; /* no table in device memory: keep using the cache, if any */
	if (adopt) {
		ret = rsc_table_validate(loaded, len, &e);
		if (ret)
			return rproc_fail(rproc, "loaded resource table", ret, &e);
		rproc->table_ptr = loaded;
		rproc->table_sz = len;
		return 0;
	}
	if (!rproc->cached_table)
		return 0; /* nothing of ours to give the firmware */
	if (len < rproc->table_sz) {
		rpt_error_set(
			&e, RPT_EFORMAT,
			"the loaded table is %zu bytes, smaller than the %zu-byte cached table",
			len, rproc->table_sz);
		return rproc_fail(rproc, "restoring the resource table", -RPT_EFORMAT, &e);
	}
	memcpy(loaded, rproc->cached_table, rproc->table_sz);
	rproc->table_ptr = loaded;
	return 0;
}

/*
 * Linux rproc_start(): load, give the firmware our table, start. Used by the
 * classic boot and by recovery. On failure what load did is still owed a
 * release_fw (rproc->fw_loaded): the caller unwinds it with the rest.
 */
static int rproc_start(struct rproc *rproc, const struct rproc_fw *fw)
{
	int ret;

	ret = rproc_load_segments(rproc, fw);
	if (ret)
		return ret;
	ret = rproc_install_loaded_table(rproc, fw, false);
	if (ret)
		return ret;
	ret = rproc_start_device(rproc);
	if (ret)
		goto reset_table_ptr;
	ret = rproc_start_subdevs_or_stop(rproc);
	if (ret)
		goto reset_table_ptr;
	rproc->state = RPROC_RUNNING;
	rproc_log(rproc, RPT_LOG_INFO, "remote processor %s is now up", rproc->name);
	return 0;

reset_table_ptr:
	rproc->table_ptr = rproc->cached_table;
	return ret;
}

static int rproc_handle_resources_step(struct rproc *rproc)
{
	struct rpt_error e = {0};
	int ret;

	rproc->max_notifyid = -1;
	rproc->nb_vdev = 0;
	rproc->nb_trace = 0;
	ret = rproc_handle_resources(rproc, &e);
	return ret ? rproc_fail(rproc, "resource handling", ret, &e) : 0;
}

/* Classic boot: parse_fw caches the table, resources on the cache, load, copy, start. */
static int rproc_fw_boot(struct rproc *rproc, const struct rproc_fw *fw)
{
	int ret;

	ret = rproc_sanity_check(rproc, fw);
	if (ret)
		return ret;
	rproc_log(rproc, RPT_LOG_INFO, "Booting fw image %s, size %zu", rproc->firmware, fw->size);
	ret = rproc_prepare_device(rproc);
	if (ret)
		return ret;
	rproc_get_boot_addr(rproc, fw);
	ret = rproc_parse_fw(rproc, fw);
	if (ret)
		goto free_tables;
	ret = rproc_handle_resources_step(rproc);
	if (ret)
		goto clean_up_resources;
	ret = rproc_start(rproc, fw);
	if (ret)
		goto release_fw;
	return 0;

release_fw:
	rproc_release_fw(rproc);
clean_up_resources:
	rproc_resource_cleanup(rproc);
free_tables:
	rproc_free_tables(rproc);
	rproc_unprepare_device(rproc);
	return ret;
}

/*
 * Alternate boot (TEE): load first (the TA authenticates), then the loaded
 * table is the only one there is: resources are handled on it, then start.
 */
static int rproc_alt_fw_boot(struct rproc *rproc, const struct rproc_fw *fw)
{
	int ret;

	ret = rproc_sanity_check(rproc, fw);
	if (ret)
		return ret;
	rproc_log(rproc, RPT_LOG_INFO, "Booting fw image %s, size %zu (alternate boot)",
		  rproc->firmware, fw->size);
	ret = rproc_prepare_device(rproc);
	if (ret)
		return ret;
	rproc_get_boot_addr(rproc, fw);
	ret = rproc_load_segments(rproc, fw);
	if (ret)
		goto unprepare;
	ret = rproc_install_loaded_table(rproc, fw, true);
	if (ret)
		goto release_fw;
	ret = rproc_handle_resources_step(rproc);
	if (ret)
		goto clean_up_resources;
	ret = rproc_start_device(rproc);
	if (ret)
		goto clean_up_resources;
	ret = rproc_start_subdevs_or_stop(rproc);
	if (ret)
		goto clean_up_resources;
	rproc->state = RPROC_RUNNING;
	rproc_log(rproc, RPT_LOG_INFO, "remote processor %s is now up", rproc->name);
	return 0;

clean_up_resources:
	rproc_resource_cleanup(rproc);
release_fw:
	rproc_free_tables(rproc);
	rproc_release_fw(rproc);
unprepare:
	rproc_unprepare_device(rproc);
	return ret;
}

/*
 * Linux keeps the table as found at attach (rproc->clean_table) and writes
 * it back at detach, so that the next attach (ours or the boot loader's next
 * owner) finds it as the firmware published it, without our vring addresses
 * or virtio status.
 */
static int rproc_keep_clean_table(struct rproc *rproc)
{
	if (!rproc->table_ptr)
		return 0;
	rproc->clean_table = malloc(rproc->table_sz);
	if (!rproc->clean_table)
		return rproc_fail(rproc, "attach (copying the resource table)", -ENOMEM, NULL);
	memcpy(rproc->clean_table, rproc->table_ptr, rproc->table_sz);
	return 0;
}

static void rproc_restore_clean_table(struct rproc *rproc)
{
	if (rproc->clean_table && rproc->table_ptr && rproc->table_ptr != rproc->cached_table)
		memcpy(rproc->table_ptr, rproc->clean_table, rproc->table_sz);
}

/* Attach to a processor someone else started: its loaded table, resources, attach. */
static int rproc_attach(struct rproc *rproc)
{
	struct rpt_error e = {0};
	int ret;

	ret = rproc_prepare_device(rproc);
	if (ret)
		return ret;
	ret = rproc_install_loaded_table(rproc, NULL, true);
	if (ret)
		goto unprepare;
	ret = rproc_keep_clean_table(rproc);
	if (ret)
		goto clean_up_resources;
	ret = rproc_handle_resources_step(rproc);
	if (ret)
		goto clean_up_resources;
	ret = rproc->ops->attach ? rproc->ops->attach(rproc, &e) : 0;
	if (ret) {
		ret = rproc_fail(rproc, "attach", ret, &e);
		goto clean_up_resources;
	}
	ret = rproc_start_subdevs_or_stop(rproc);
	if (ret)
		goto clean_up_resources;
	/* What the other entity loaded is ours now: a stop releases it like our own. */
	rproc->fw_loaded = true;
	rproc->state = RPROC_ATTACHED;
	rproc_log(rproc, RPT_LOG_INFO, "remote processor %s is now attached", rproc->name);
	return 0;

clean_up_resources:
	rproc_resource_cleanup(rproc);
	rproc_free_tables(rproc);
unprepare:
	rproc_unprepare_device(rproc);
	return ret;
}

/*
 * Point table_ptr back at our copy before the processor stops (the loaded
 * table is no longer ours to read once it is stopped).
 *
 * Classic boot, as Linux rproc_stop(): the cache parse_fw made and resource
 * handling filled (vring addresses, notify ids) is left as it is, so a
 * recovery gives the next instance that clean table, never what the crashed
 * instance wrote into its loaded copy.
 *
 * Alternate boot (TEE) and attach: there is no cache until the first stop
 * (DESIGN section 2), so the loaded table is copied into a new cache here, as
 * Linux rproc_reset_rsc_table_on_stop() does for a processor it did not load.
 */
static int rproc_save_table(struct rproc *rproc)
{
	if (!rproc->table_ptr || rproc->table_ptr == rproc->cached_table)
		return 0;
	if (!rproc->alt_boot && rproc->cached_table) {
		rproc->table_ptr = rproc->cached_table;
		return 0;
	}
	if (!rproc->cached_table) {
		rproc->cached_table = malloc(rproc->table_sz);
		if (!rproc->cached_table)
			return rproc_fail(rproc, "saving the resource table", -ENOMEM, NULL);
	}
	memcpy(rproc->cached_table, rproc->table_ptr, rproc->table_sz);
	rproc->table_ptr = rproc->cached_table;
	return 0;
}

/* Linux rproc_stop(): save the table, stop, state offline. */
static int rproc_stop(struct rproc *rproc)
{
	struct rpt_error e = {0};
	void *in_use = rproc->table_ptr;
	int ret;

	if (!rproc->ops->stop)
		return rproc_fail(rproc, "stop", -EINVAL, NULL);
	/* Linux: the virtio devices go first (they reset their status in the table). */
	rproc_stop_subdevices(rproc, rproc->state == RPROC_CRASHED);
	ret = rproc_save_table(rproc);
	if (ret)
		return ret;
	ret = rproc->ops->stop(rproc, &e);
	if (ret) {
		/* Still running on its loaded table: keep using it. */
		rproc->table_ptr = in_use;
		return rproc_fail(rproc, "stop", ret, &e);
	}
	rproc->state = RPROC_OFFLINE;
	rproc_log(rproc, RPT_LOG_INFO, "stopped remote processor %s", rproc->name);
	return 0;
}

static void rproc_recovery_history_reset(struct rproc *rproc)
{
	rproc->recovery_next = 0;
	rproc->recovery_count = 0;
	rproc->crash_loop = false;
}

/* Everything after a successful stop: resources, the loaded firmware, the device. */
static void rproc_teardown(struct rproc *rproc)
{
	rproc_recovery_history_reset(rproc);
	rproc_resource_cleanup(rproc);
	rproc_release_fw(rproc);
	rproc_free_tables(rproc);
	rproc_unprepare_device(rproc);
	rproc->state = RPROC_OFFLINE;
	rproc->power = 0;
}

static int rproc_request_fw(struct rproc *rproc, struct rproc_fw *fw)
{
	struct rpt_error e = {0};
	int ret;

	memset(fw, 0, sizeof(*fw));
	/* A loader that can reads into the driver's memory (the TEE's shared memory: no copy). */
	fw->mem = rproc->fw_mem.alloc ? &rproc->fw_mem : NULL;
	if (!rproc->fw_loader.request) {
		rpt_error_set(&e, ENOENT, "no firmware loader");
		return rproc_fail(rproc, "request_firmware", -ENOENT, &e);
	}
	ret = rproc->fw_loader.request(rproc->fw_loader.priv, rproc->firmware, fw, &e);
	if (ret)
		return rproc_fail(rproc, "request_firmware", ret, &e);
	if (!fw->data || !fw->size) {
		if (rproc->fw_loader.release)
			rproc->fw_loader.release(rproc->fw_loader.priv, fw);
		rpt_error_set(&e, ENOEXEC, "firmware %s is empty", rproc->firmware);
		return rproc_fail(rproc, "request_firmware", -ENOEXEC, &e);
	}
	return 0;
}

static void rproc_release_fw_bytes(struct rproc *rproc, struct rproc_fw *fw)
{
	if (rproc->fw_loader.release)
		rproc->fw_loader.release(rproc->fw_loader.priv, fw);
	memset(fw, 0, sizeof(*fw));
}

static int rproc_boot_locked(struct rproc *rproc)
{
	struct rproc_fw fw;
	int ret;

	if (rproc->state == RPROC_DELETED || !rproc->registered)
		return rproc_fail(rproc, "boot", -ENODEV, NULL);
	/* Already powered up: only count the reference. */
	if (rproc->power++ > 0)
		return 0;
	rpt_error_clear(&rproc->last_error);
	if (rproc->state == RPROC_DETACHED) {
		ret = rproc_attach(rproc);
		goto out;
	}
	rproc_log(rproc, RPT_LOG_INFO, "powering up %s", rproc->name);
	ret = rproc_request_fw(rproc, &fw);
	if (ret)
		goto out;
	ret = rproc->alt_boot ? rproc_alt_fw_boot(rproc, &fw) : rproc_fw_boot(rproc, &fw);
	rproc_release_fw_bytes(rproc, &fw);
out:
	if (ret)
		rproc->power--;
	return ret;
}

int rproc_boot(struct rproc *rproc)
{
	int ret;

	if (!rproc)
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	ret = rproc_boot_locked(rproc);
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

static int rproc_shutdown_locked(struct rproc *rproc)
{
	int ret;

	if (rproc->state != RPROC_RUNNING && rproc->state != RPROC_ATTACHED &&
	    rproc->state != RPROC_CRASHED) {
		rproc_log(rproc, RPT_LOG_ERR, "shutdown: %s is %s, not running", rproc->name,
			  rproc_state_string(rproc->state));
		return -EINVAL;
	}
	/* Still needed by another user: only drop the reference. */
	if (rproc->power > 1) {
		rproc->power--;
		return 0;
	}
	ret = rproc_stop(rproc);
	if (ret)
		return ret;
	rproc_teardown(rproc);
	return 0;
}

int rproc_shutdown(struct rproc *rproc)
{
	int ret;

	if (!rproc)
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	ret = rproc_shutdown_locked(rproc);
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

int rproc_detach(struct rproc *rproc)
{
	struct rpt_error e = {0};
	int ret = 0;

	if (!rproc)
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	/* Linux: only what we attached to can be detached (a booted one is stopped). */
	if (rproc->state != RPROC_ATTACHED) {
		rproc_log(rproc, RPT_LOG_ERR, "detach: %s is %s, not attached", rproc->name,
			  rproc_state_string(rproc->state));
		ret = -EINVAL;
		goto out;
	}
	if (!rproc->ops->detach) {
		ret = rproc_fail(rproc, "detach", -EINVAL, NULL);
		goto out;
	}
	if (rproc->power > 1) {
		rproc->power--;
		goto out;
	}
	/* Linux __rproc_detach(): sub-devices, the table back as found, then the driver. */
	rproc_stop_subdevices(rproc, false);
	rproc_restore_clean_table(rproc);
	ret = rproc->ops->detach(rproc, &e);
	if (ret) {
		ret = rproc_fail(rproc, "detach", ret, &e);
		goto out;
	}
	/* It keeps running what was loaded: nothing to release. */
	rproc->fw_loaded = false;
	rproc_resource_cleanup(rproc);
	rproc_free_tables(rproc);
	rproc_unprepare_device(rproc);
	rproc->power = 0;
	rproc->state = RPROC_DETACHED;
	rproc_log(rproc, RPT_LOG_INFO, "detached remote processor %s", rproc->name);
out:
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

/* ---- crashes ---- */

/* Linux rproc_boot_recovery(): stop, coredump, load, restore the table, start. */
static int rproc_boot_recovery(struct rproc *rproc)
{
	struct rproc_fw fw;
	int ret;

	rproc_log(rproc, RPT_LOG_ERR, "recovering %s", rproc->name);
	ret = rproc_stop(rproc);
	if (ret) {
		/* It may still run: stay crashed, a later recovery or shutdown can retry. */
		rproc->stats.failed_recoveries++;
		return ret;
	}
	rproc_do_coredump(rproc);
	ret = rproc_request_fw(rproc, &fw);
	if (ret)
		goto teardown;
	ret = rproc_start(rproc, &fw);
	rproc_release_fw_bytes(rproc, &fw);
	if (ret)
		goto teardown;
	rproc->stats.recoveries++;
	return 0;

teardown:
	/* Stopped and not restarted: release it all, as a shutdown would. */
	rproc_teardown(rproc);
	rproc->stats.failed_recoveries++;
	rproc_log(rproc, RPT_LOG_ERR, "recovery of %s failed, it is now offline", rproc->name);
	return ret;
}

int rproc_recover(struct rproc *rproc)
{
	int ret;

	if (!rproc)
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	if (rproc->state != RPROC_CRASHED) {
		rproc_log(rproc, RPT_LOG_ERR, "recover: %s is %s, not crashed", rproc->name,
			  rproc_state_string(rproc->state));
		ret = -EINVAL;
	} else {
		/* The user asked for it: the crash-loop count starts again. */
		rproc_recovery_history_reset(rproc);
		ret = rproc_boot_recovery(rproc);
	}
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

/* Microseconds since a CLOCK_MONOTONIC instant. */
static uint64_t rproc_elapsed_us(const struct timespec *since)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)((t.tv_sec - since->tv_sec) * 1000000LL +
			  (t.tv_nsec - since->tv_nsec) / 1000);
}

/* Milliseconds from `from` to `to` (CLOCK_MONOTONIC, to >= from). */
static uint64_t rproc_ms_between(const struct timespec *from, const struct timespec *to)
{
	return (uint64_t)((to->tv_sec - from->tv_sec) * 1000LL +
			  (to->tv_nsec - from->tv_nsec) / 1000000);
}

/*
 * Crash-loop limit: true if one more automatic recovery is allowed now, which
 * is then counted. The ring holds the times of the last recovery_limit
 * recoveries: when all of them lie within the window, the limit is reached.
 */
static bool rproc_recovery_allowed(struct rproc *rproc)
{
	struct timespec now;
	unsigned int i, recent = 0;

	if (!rproc->recovery_limit)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < rproc->recovery_count; i++)
		if (rproc_ms_between(&rproc->recovery_times[i], &now) < rproc->recovery_window_ms)
			recent++;
	if (recent >= rproc->recovery_limit) {
		rproc_log(rproc, RPT_LOG_ERR,
			  "%s crashed again after %u recoveries within %u ms: crash loop, "
			  "recovery stopped, it stays crashed ('recovery recover' or "
			  "'state stop' to go on)",
			  rproc->name, recent, rproc->recovery_window_ms);
		rproc->crash_loop = true;
		return false;
	}
	rproc->recovery_times[rproc->recovery_next] = now;
	rproc->recovery_next = (rproc->recovery_next + 1) % rproc->recovery_limit;
	if (rproc->recovery_count < rproc->recovery_limit)
		rproc->recovery_count++;
	return true;
}

/* Linux rproc_crash_handler_work(), run by the worker thread. */
static void rproc_crash_handler(struct rproc *rproc)
{
	pthread_mutex_lock(&rproc->lock);
	/* From here the state says what became of the crash (lock order: lock, work_lock). */
	pthread_mutex_lock(&rproc->work_lock);
	rproc->crash_unhandled = false;
	pthread_mutex_unlock(&rproc->work_lock);
	/* Handle only the first crash; a stopped processor has nothing to recover. */
	if (rproc->state != RPROC_RUNNING && rproc->state != RPROC_ATTACHED) {
		pthread_mutex_unlock(&rproc->lock);
		return;
	}
	rproc->state = RPROC_CRASHED;
	rproc->stats.crashes++;
	rproc_log(rproc, RPT_LOG_ERR, "handling crash #%u in %s", rproc->stats.crashes,
		  rproc->name);
	if (!rproc->recovery_disabled && rproc_recovery_allowed(rproc) &&
	    !rproc_boot_recovery(rproc)) {
		rproc->stats.last_recovery_us = rproc_elapsed_us(&rproc->crash_at);
		rproc_log(rproc, RPT_LOG_INFO, "%s recovered %.2f ms after the crash report",
			  rproc->name, rproc->stats.last_recovery_us / 1000.0);
	}
	pthread_mutex_unlock(&rproc->lock);
}

static void *rproc_crash_worker(void *arg)
{
	struct rproc *rproc = arg;

	pthread_mutex_lock(&rproc->work_lock);
	for (;;) {
		while (!rproc->work_pending && !rproc->worker_exit)
			pthread_cond_wait(&rproc->work_cond, &rproc->work_lock);
		if (rproc->worker_exit)
			break;
		rproc->work_pending = false;
		rproc->work_running = true;
		pthread_mutex_unlock(&rproc->work_lock);
		rproc_crash_handler(rproc);
		pthread_mutex_lock(&rproc->work_lock);
		rproc->work_running = false;
		pthread_cond_broadcast(&rproc->work_cond);
	}
	pthread_mutex_unlock(&rproc->work_lock);
	return NULL;
}

void rproc_report_crash(struct rproc *rproc, enum rproc_crash_type type)
{
	if (!rproc)
		return;
	rproc_log(rproc, RPT_LOG_ERR, "crash detected in %s: type %s", rproc->name,
		  rproc_crash_to_string(type));
	pthread_mutex_lock(&rproc->work_lock);
	if (!rproc->worker_started || rproc->worker_exit) {
		pthread_mutex_unlock(&rproc->work_lock);
		rproc_log(rproc, RPT_LOG_WARN, "not registered: crash report ignored");
		return;
	}
	/* Like queue_work() on queued work: a burst of reports is one crash. */
	rproc->crash_unhandled = true;
	if (!rproc->work_pending) {
		rproc->work_pending = true;
		rproc->crash_type = type;
		clock_gettime(CLOCK_MONOTONIC, &rproc->crash_at);
		pthread_cond_broadcast(&rproc->work_cond);
	}
	pthread_mutex_unlock(&rproc->work_lock);
}

void rproc_flush_crash_work(struct rproc *rproc)
{
	if (!rproc)
		return;
	pthread_mutex_lock(&rproc->work_lock);
	while (rproc->worker_started && (rproc->work_pending || rproc->work_running))
		pthread_cond_wait(&rproc->work_cond, &rproc->work_lock);
	pthread_mutex_unlock(&rproc->work_lock);
}

/* ---- settings and queries ---- */

const char *rproc_fw_name_control_char(const char *name, size_t len)
{
	size_t i;

	/* A control character would forge lines in `list` and in the logs. */
	for (i = 0; i < len && name[i]; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return name + i;
	return NULL;
}

int rproc_set_firmware(struct rproc *rproc, const char *name)
{
	size_t len;
	int ret = 0;

	if (!rproc || !name)
		return -EINVAL;
	/* Like sysfs: one trailing newline is not part of the name. */
	len = strnlen(name, RPROC_FW_NAME_MAX);
	if (len && name[len - 1] == '\n')
		len--;
	if (!len || len >= RPROC_FW_NAME_MAX || rproc_fw_name_control_char(name, len))
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	if (rproc->state != RPROC_OFFLINE) {
		rproc_log(rproc, RPT_LOG_ERR, "can't change firmware while %s",
			  rproc_state_string(rproc->state));
		ret = -EBUSY;
	} else {
		memcpy(rproc->firmware, name, len);
		rproc->firmware[len] = '\0';
	}
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

void rproc_get_firmware(struct rproc *rproc, char *buf, size_t len)
{
	if (!buf || !len)
		return;
	pthread_mutex_lock(&rproc->lock);
	snprintf(buf, len, "%s", rproc->firmware);
	pthread_mutex_unlock(&rproc->lock);
}

enum rproc_state rproc_get_state(struct rproc *rproc)
{
	enum rproc_state s;

	pthread_mutex_lock(&rproc->lock);
	s = rproc->state;
	/* Reported but the worker has not taken it yet: it is not running. */
	if (s == RPROC_RUNNING || s == RPROC_ATTACHED) {
		pthread_mutex_lock(&rproc->work_lock);
		if (rproc->crash_unhandled)
			s = RPROC_CRASHED;
		pthread_mutex_unlock(&rproc->work_lock);
	}
	pthread_mutex_unlock(&rproc->lock);
	return s;
}

int rproc_set_detached(struct rproc *rproc)
{
	int ret = 0;

	if (!rproc)
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	if (rproc->registered || rproc->state != RPROC_OFFLINE)
		ret = -EBUSY;
	else
		rproc->state = RPROC_DETACHED;
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

int rproc_set_recovery(struct rproc *rproc, bool enabled)
{
	int ret = 0;

	pthread_mutex_lock(&rproc->lock);
	rproc->recovery_disabled = !enabled;
	/* Linux recovery_store(): enabling it recovers a processor left crashed, at once. */
	if (enabled && rproc->state == RPROC_CRASHED)
		ret = rproc_boot_recovery(rproc);
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

int rproc_set_recovery_limit(struct rproc *rproc, unsigned int count, unsigned int window_ms)
{
	if (!rproc || count > RPROC_RECOVERY_LIMIT_MAX || (count && !window_ms))
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	rproc->recovery_limit = count;
	rproc->recovery_window_ms = window_ms;
	rproc_recovery_history_reset(rproc);
	pthread_mutex_unlock(&rproc->lock);
	return 0;
}

bool rproc_in_crash_loop(struct rproc *rproc)
{
	bool loop;

	pthread_mutex_lock(&rproc->lock);
	loop = rproc->state == RPROC_CRASHED && rproc->crash_loop;
	pthread_mutex_unlock(&rproc->lock);
	return loop;
}

bool rproc_recovery_enabled(struct rproc *rproc)
{
	bool en;

	pthread_mutex_lock(&rproc->lock);
	en = !rproc->recovery_disabled;
	pthread_mutex_unlock(&rproc->lock);
	return en;
}

int rproc_set_coredump(struct rproc *rproc, enum rproc_dump_mechanism conf)
{
	int ret = 0;

	if ((unsigned int)conf > RPROC_COREDUMP_INLINE)
		return -EINVAL;
	pthread_mutex_lock(&rproc->lock);
	/* Linux coredump_store(): the crash being handled keeps the setting it started with. */
	if (rproc->state == RPROC_CRASHED) {
		rproc_log(rproc, RPT_LOG_ERR, "can't change coredump configuration while crashed");
		ret = -EBUSY;
	} else {
		rproc->dump_conf = conf;
	}
	pthread_mutex_unlock(&rproc->lock);
	return ret;
}

unsigned int rproc_power_refs(struct rproc *rproc)
{
	unsigned int n;

	pthread_mutex_lock(&rproc->lock);
	n = rproc->power;
	pthread_mutex_unlock(&rproc->lock);
	return n;
}

void rproc_get_stats(struct rproc *rproc, struct rproc_stats *stats)
{
	pthread_mutex_lock(&rproc->lock);
	*stats = rproc->stats;
	pthread_mutex_unlock(&rproc->lock);
}

/* ---- life cycle ---- */

static int rproc_check_ops(const struct rproc_ops *ops, struct rpt_error *err)
{
	if (!ops)
		return rpt_error_set(err, EINVAL, "no ops table");
	/* Load is separate from start in both boot sequences: a driver must provide it. */
	if (!ops->load)
		return rpt_error_set(err, EINVAL, "ops table without load: refused");
	return 0;
}

static int rproc_init_sync(struct rproc *rproc)
{
	if (pthread_mutex_init(&rproc->lock, NULL))
		return -ENOMEM;
	if (pthread_mutex_init(&rproc->work_lock, NULL))
		goto destroy_lock;
	if (pthread_cond_init(&rproc->work_cond, NULL))
		goto destroy_work_lock;
	if (rproc_coredump_init(rproc))
		goto destroy_work_cond;
	return 0;

destroy_work_cond:
	pthread_cond_destroy(&rproc->work_cond);
destroy_work_lock:
	pthread_mutex_destroy(&rproc->work_lock);
destroy_lock:
	pthread_mutex_destroy(&rproc->lock);
	return -ENOMEM;
}

struct rproc *rproc_alloc(const char *name, const struct rproc_ops *ops, const char *firmware,
			  void *priv, struct rpt_error *err)
{
	struct rproc *rproc;

	if (!name || !*name || strlen(name) >= RPROC_NAME_MAX) {
		rpt_error_set(err, EINVAL, "rproc_alloc: missing or too long name");
		return NULL;
	}
	if (firmware && (!*firmware || strlen(firmware) >= RPROC_FW_NAME_MAX ||
			 rproc_fw_name_control_char(firmware, strlen(firmware)))) {
		rpt_error_set(err, EINVAL,
			      "rproc_alloc: empty, too long or unprintable firmware name");
		return NULL;
	}
	if (rproc_check_ops(ops, err))
		return NULL;
	rproc = calloc(1, sizeof(*rproc));
	if (!rproc) {
		rpt_error_set(err, ENOMEM, "rproc_alloc: out of memory");
		return NULL;
	}
	rproc->index = index_get();
	if (rproc->index < 0) {
		rpt_error_set(err, ENOSPC, "rproc_alloc: all %d remoteproc indices in use",
			      RPROC_MAX_DEVICES);
		goto free_rproc;
	}
	if (rproc_init_sync(rproc)) {
		rpt_error_set(err, ENOMEM, "rproc_alloc: cannot create locks");
		goto put_index;
	}
	snprintf(rproc->name, sizeof(rproc->name), "%s", name);
	snprintf(rproc->dev_name, sizeof(rproc->dev_name), "remoteproc%d", rproc->index);
	if (firmware)
		snprintf(rproc->firmware, sizeof(rproc->firmware), "%s", firmware);
	else
		snprintf(rproc->firmware, sizeof(rproc->firmware), "rproc-%s-fw", name);
	rproc->ops = ops;
	rproc->priv = priv;
	rproc->state = RPROC_OFFLINE;
	rproc->dump_conf = RPROC_COREDUMP_DISABLED; /* Linux's default */
	rproc->recovery_limit = RPROC_RECOVERY_LIMIT_DEFAULT;
	rproc->recovery_window_ms = RPROC_RECOVERY_WINDOW_MS_DEFAULT;
	rproc->max_notifyid = -1;
	return rproc;

put_index:
	index_put(rproc->index);
free_rproc:
	free(rproc);
	return NULL;
}

int rproc_add_memory(struct rproc *rproc, const struct rproc_memory *mem, struct rpt_error *err)
{
	unsigned int i;

	if (!rproc || !mem)
		return rpt_error_set(err, EINVAL, "rproc_add_memory: NULL argument");
	if (rproc->registered)
		return rpt_error_set(err, EBUSY, "%s: memories are fixed once registered",
				     rproc->dev_name);
	if (rproc->num_mems >= RPROC_MAX_MEMS)
		return rpt_error_set(err, ENOSPC, "%s: more than %d memories", rproc->dev_name,
				     RPROC_MAX_MEMS);
	if (!mem->size || !range_within(mem->da, mem->size, 0, (uint64_t)1 << 32) ||
	    !range_within(mem->pa, mem->size, 0, UINT64_MAX))
		return rpt_error_set(err, RPT_ERANGE,
				     "%s: memory %s: da 0x%x size 0x%x is empty or wraps",
				     rproc->dev_name, mem->name, mem->da, mem->size);
	if (!memchr(mem->name, '\0', sizeof(mem->name)))
		return rpt_error_set(err, EINVAL, "%s: memory name not NUL-terminated",
				     rproc->dev_name);
	for (i = 0; i < rproc->num_mems; i++) {
		if (ranges_overlap(mem->da, mem->size, rproc->mems[i].da, rproc->mems[i].size))
			return rpt_error_set(err, RPT_ERANGE, "%s: memory %s overlaps memory %s",
					     rproc->dev_name, mem->name, rproc->mems[i].name);
		if (!strcmp(mem->name, rproc->mems[i].name))
			return rpt_error_set(err, EINVAL, "%s: two memories named %s",
					     rproc->dev_name, mem->name);
	}
	rproc->mems[rproc->num_mems++] = *mem;
	return 0;
}

int rproc_add(struct rproc *rproc, struct rpt_error *err)
{
	int ret;

	if (!rproc)
		return rpt_error_set(err, EINVAL, "rproc_add: NULL rproc");
	ret = rproc_check_ops(rproc->ops, err);
	if (ret)
		return ret;
	if (rproc->registered)
		return rpt_error_set(err, EBUSY, "%s: already registered", rproc->dev_name);
	rproc->worker_exit = false;
	rproc_coredump_cancel(rproc, false);
	if (pthread_create(&rproc->worker, NULL, rproc_crash_worker, rproc))
		return rpt_error_set(err, EAGAIN, "%s: cannot start the crash worker",
				     rproc->dev_name);
	rproc->worker_started = true;
	rproc->registered = true;
	rproc_log(rproc, RPT_LOG_INFO, "%s is available", rproc->name);
	/* Linux rproc_trigger_auto_boot(): a DETACHED processor is attached, others booted. */
	if (rproc->auto_boot) {
		ret = rproc_boot(rproc);
		if (ret)
			rproc_log(rproc, RPT_LOG_WARN, "auto boot failed: it stays %s",
				  rproc_state_string(rproc_get_state(rproc)));
	}
	return 0;
}

static void rproc_stop_worker(struct rproc *rproc)
{
	pthread_mutex_lock(&rproc->work_lock);
	if (!rproc->worker_started) {
		pthread_mutex_unlock(&rproc->work_lock);
		return;
	}
	rproc->worker_exit = true;
	pthread_cond_broadcast(&rproc->work_cond);
	pthread_mutex_unlock(&rproc->work_lock);
	pthread_join(rproc->worker, NULL);
	pthread_mutex_lock(&rproc->work_lock);
	rproc->worker_started = false;
	rproc->work_pending = false;
	rproc->crash_unhandled = false;
	pthread_mutex_unlock(&rproc->work_lock);
}

void rproc_del(struct rproc *rproc)
{
	if (!rproc || !rproc->registered)
		return;
	/* A recovery waiting for an inline dump to be read must not hold up the removal. */
	rproc_coredump_cancel(rproc, true);
	rproc_flush_crash_work(rproc);
	rproc_stop_worker(rproc);
	pthread_mutex_lock(&rproc->lock);
	/* Whoever still holds references, the device goes away: stop it. */
	if (rproc->state == RPROC_RUNNING || rproc->state == RPROC_ATTACHED ||
	    rproc->state == RPROC_CRASHED) {
		rproc->power = 1;
		if (rproc_shutdown_locked(rproc))
			rproc_log(rproc, RPT_LOG_ERR, "deleted while it could not be stopped");
	}
	/* A failed stop leaves resources behind: release them anyway, it is going away. */
	rproc_teardown(rproc);
	rproc->state = RPROC_DELETED;
	rproc->registered = false;
	pthread_mutex_unlock(&rproc->lock);
}

void rproc_free(struct rproc *rproc)
{
	if (!rproc)
		return;
	rproc_del(rproc);
	rproc_resource_cleanup(rproc);
	rproc_free_tables(rproc);
	rproc_coredump_free(rproc);
	pthread_cond_destroy(&rproc->work_cond);
	pthread_mutex_destroy(&rproc->work_lock);
	pthread_mutex_destroy(&rproc->lock);
	index_put(rproc->index);
	free(rproc);
}

/* ---- sub-devices ---- */

void rproc_add_subdev(struct rproc *rproc, struct rproc_subdev *sd)
{
	sd->next = rproc->subdevs;
	rproc->subdevs = sd;
}

void rproc_remove_subdev(struct rproc *rproc, struct rproc_subdev *sd)
{
	struct rproc_subdev **pp;

	for (pp = &rproc->subdevs; *pp; pp = &(*pp)->next) {
		if (*pp == sd) {
			*pp = sd->next;
			sd->next = NULL;
			return;
		}
	}
}

int rproc_start_subdevices(struct rproc *rproc)
{
	struct rproc_subdev *sd, *undo;
	struct rpt_error e = {0};
	int ret;

	for (sd = rproc->subdevs; sd; sd = sd->next) {
		if (!sd->start)
			continue;
		ret = sd->start(sd, &e);
		if (ret)
			goto unroll;
	}
	return 0;

unroll:
	/* The list runs last registered first: stop those started before sd, in reverse. */
	for (;;) {
		struct rproc_subdev *prev = NULL;

		for (undo = rproc->subdevs; undo != sd; undo = undo->next)
			prev = undo;
		if (!prev)
			break;
		if (prev->stop)
			prev->stop(prev, false);
		sd = prev;
	}
	return rproc_fail(rproc, "starting sub-devices", ret, &e);
}

void rproc_stop_subdevices(struct rproc *rproc, bool crashed)
{
	struct rproc_subdev *sd, *last = NULL;

	/* Reverse of start: the last one started stops first. */
	while (last != rproc->subdevs) {
		for (sd = rproc->subdevs; sd->next != last; sd = sd->next)
			;
		if (sd->stop)
			sd->stop(sd, crashed);
		last = sd;
	}
}

void rproc_vq_interrupt(struct rproc *rproc, int notifyid)
{
	struct rproc_subdev *sd;

	for (sd = rproc->subdevs; sd; sd = sd->next)
		if (sd->vq_interrupt)
			sd->vq_interrupt(sd, notifyid);
}

void rproc_vq_notify(struct rproc *rproc, int notifyid)
{
	if (rproc->ops->kick)
		rproc->ops->kick(rproc, notifyid);
}
