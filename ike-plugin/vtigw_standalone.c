// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vtigw plugin in a stock charon (compiled into libstrongswan-vtigw.so only): reads the
 * vtigw configuration named by charon.plugins.vtigw.config when the plugin feature registers,
 * keeps initiating its tunnels from a rescheduled charon job, and removes the kernel state
 * again when the plugin unloads. The work itself is done by standalone/standalone.cpp.
 */
#include "vtigw_standalone.h"

#include <daemon.h>
#include <processing/jobs/callback_job.h>

#include "vtigw_bridge.h"
#include "vtigw_core.h"

/** How often queued events are logged and initiating tunnels are checked. */
#define TICK_INTERVAL_MS 500

/**
 * Delay of the first check. Tunnels are served before charon starts, so charon's own start
 * action job (queued by charon->initialize after the plugins loaded) makes the first attempt
 * of every tunnel with start_action "initiate"; the engine then only retries failed attempts.
 */
#define FIRST_TICK_DELAY_MS 2000

/** Whether a configuration was started (and its kernel state applied). */
static bool started;

static void log_cb(int level, const char *line)
{
	if (level <= VTIGW_LOG_BASIC)
	{
		DBG1(DBG_CFG, "vtigw: %s", line);
	}
	else
	{
		DBG2(DBG_CFG, "vtigw: %s", line);
	}
}

/** Rescheduled for as long as the configuration is served (the scheduler is flushed before
 *  plugins unload). */
static job_requeue_t tick_job(void *data)
{
	if (!started)
	{
		return JOB_REQUEUE_NONE;
	}
	vtigw_standalone_tick();
	return JOB_RESCHEDULE_MS(TICK_INTERVAL_MS);
}

int vtigw_standalone_register(int reg)
{
	char *path;

	if (!reg)
	{
		if (started)
		{
			started = FALSE;
			vtigw_standalone_stop();
		}
		return vtigw_core_register(FALSE);
	}
	if (!vtigw_core_register(TRUE))
	{
		return FALSE;
	}
	path = lib->settings->get_str(lib->settings, "%s.plugins.vtigw.config",
								  NULL, lib->ns);
	if (!path || !*path)
	{
		DBG1(DBG_CFG, "vtigw: %s.plugins.vtigw.config is not set, serving no "
			 "tunnels", lib->ns);
		return TRUE;
	}
	if (vtigw_standalone_start(path, log_cb) != VTIGW_OK)
	{
		DBG1(DBG_CFG, "vtigw: configuration %s not loaded, vtigw plugin "
			 "disabled", path);
		vtigw_core_register(FALSE);
		return FALSE;
	}
	started = TRUE;
	/* runs once charon's worker threads start */
	lib->scheduler->schedule_job_ms(lib->scheduler,
					(job_t*)callback_job_create(tick_job, NULL, NULL, NULL),
					FIRST_TICK_DELAY_MS);
	return TRUE;
}
