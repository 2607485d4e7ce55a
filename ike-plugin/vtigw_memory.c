// SPDX-License-Identifier: GPL-2.0-or-later
/* vtigwd's use of glibc malloc (measurements in docs/benchmarks.md, ike-scale memory). */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <library.h>
#include <processing/jobs/callback_job.h>

#include "vtigw_bridge.h"
#include "vtigw_memory.h"

static bool env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v && streq(v, value);
}

void vtigw_memory_limit_arenas(unsigned tunnels)
{
	const char *tunables = getenv("GLIBC_TUNABLES");

	if (getenv("MALLOC_ARENA_MAX") ||
		(tunables && strstr(tunables, "glibc.malloc.arena_max")))
	{
		return;
	}
	mallopt(M_ARENA_MAX, (int)vtigw_ike_scale_settings(tunnels).malloc_arena_max);
}

static void schedule_trim(void);

/* glibc gives back only the free top of an arena by itself; bring-up and rekey bursts leave
 * free pages between live chunks that only malloc_trim returns */
static job_requeue_t trim(void *data)
{
	malloc_trim(0);
	if (env_is("VTIGW_MALLOC_STATS", "1"))
	{
		malloc_stats();
	}
	schedule_trim();
	return JOB_REQUEUE_NONE;
}

static void schedule_trim(void)
{
	lib->scheduler->schedule_job_ms(lib->scheduler,
		(job_t*)callback_job_create(trim, NULL, NULL, NULL), VTIGW_MEMORY_TRIM_INTERVAL_MS);
}

void vtigw_memory_schedule_trim(void)
{
	if (!env_is("VTIGW_MALLOC_TRIM", "0"))
	{
		schedule_trim();
	}
}
