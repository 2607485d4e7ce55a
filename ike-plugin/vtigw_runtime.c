// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The in-process charon of vtigwd: libstrongswan and libcharon initialised the way
 * charon-systemd and charon-cmd do it, the vtigw features registered statically, a stderr
 * logger capped below the levels that dump keys.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <daemon.h>
#include <library.h>
#include <processing/jobs/callback_job.h>

#include "vtigw_bridge.h"
#include "vtigw_core.h"
#include "vtigw_memory.h"

/** Highest charon log level ever emitted: level 3 dumps packets, level 4 key material. */
#define VTIGW_LOG_CAP 2

typedef struct {
	logger_t logger;
	level_t level;
} stderr_logger_t;

static stderr_logger_t logger;
static bool initialized;

/** Milliseconds between two heartbeat jobs. */
#define HEARTBEAT_INTERVAL_MS 1000

/** CLOCK_MONOTONIC ms of the last heartbeat run (read by the daemon's control loop). */
static int64_t last_heartbeat_ms;

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void schedule_heartbeat(void);

/** The heartbeat job: runs on a charon worker thread when the scheduler queues it. */
static job_requeue_t heartbeat(void *data)
{
	__atomic_store_n(&last_heartbeat_ms, monotonic_ms(), __ATOMIC_RELAXED);
	schedule_heartbeat();
	return JOB_REQUEUE_NONE;
}

static void schedule_heartbeat(void)
{
	lib->scheduler->schedule_job_ms(lib->scheduler,
		(job_t*)callback_job_create(heartbeat, NULL, NULL, NULL), HEARTBEAT_INTERVAL_MS);
}

int64_t vtigw_ike_last_heartbeat_ms(void)
{
	return __atomic_load_n(&last_heartbeat_ms, __ATOMIC_RELAXED);
}

const char *vtigw_ike_strongswan_version(void)
{
	return VERSION;
}

METHOD(logger_t, log_, void,
	stderr_logger_t *this, debug_t group, level_t level, int thread,
	ike_sa_t *ike_sa, const char *message)
{
	char name[64] = "";
	struct timespec ts;
	struct tm tm;

	if (level > this->level || level > VTIGW_LOG_CAP)
	{
		return;
	}
	if (ike_sa)
	{
		snprintf(name, sizeof(name), "<%s|%u> ", ike_sa->get_name(ike_sa),
				 ike_sa->get_unique_id(ike_sa));
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld charon[%s] %s%s\n", tm.tm_hour,
			tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
			enum_to_name(debug_names, group) ?: "?", name, message);
}

METHOD(logger_t, get_level, level_t,
	stderr_logger_t *this, debug_t group)
{
	return min(this->level, VTIGW_LOG_CAP);
}

/** Feature callback of the statically registered vtigw plugin. */
static bool register_cb(plugin_t *plugin, plugin_feature_t *feature, bool reg,
						void *data)
{
	return vtigw_core_register(reg);
}

/** set_default_str with a number; `key` has one %s for charon's namespace. */
static void set_default_uint(settings_t *s, char *key, unsigned value)
{
	char text[16];

	snprintf(text, sizeof(text), "%u", value);
	s->set_default_str(s, key, text, lib->ns);
}

/** Defaults for the in-process charon; a --settings file may override them. */
static void set_defaults(unsigned tunnels)
{
	settings_t *s = lib->settings;
	vtigw_scale_settings_t c = vtigw_ike_scale_settings(tunnels);

	/* vtigw owns routes, policies and interfaces */
	s->set_default_str(s, "%s.install_routes", "no", lib->ns);
	s->set_default_str(s, "%s.install_virtual_ip", "no", lib->ns);
	/* fail an unanswered attempt in about 25 s (vtigwd retries with backoff), but with more,
	 * earlier sends than 2 s * 1.8^n with 3 retransmits: sends at 0, 1, 2.4, 4.4, 7.1, 10.9 and
	 * 16.3 s, given up at 1 s * (1.4^7 - 1) / 0.4 = 23.9 s. With 20 % loss each way a round trip
	 * survives with 0.64: an exchange fails all 7 sends with 0.36^7 = 0.08 % (with 4 sends:
	 * 1.7 %, so about one run in ten of three tunnels missed 30 s), and IKE_SA_INIT + IKE_AUTH
	 * both needing their 6th send still complete in about 22 s. */
	s->set_default_str(s, "%s.retransmit_tries", "6", lib->ns);
	s->set_default_str(s, "%s.retransmit_timeout", "1.0", lib->ns);
	s->set_default_str(s, "%s.retransmit_base", "1.4", lib->ns);
	s->set_default_str(s, "%s.close_ike_on_child_failure", "yes", lib->ns);
	/* sized for the tunnel count (vtigw_ike_scale_settings) */
	set_default_uint(s, "%s.ikesa_table_size", c.ikesa_table_size);
	set_default_uint(s, "%s.ikesa_table_segments", c.ikesa_table_segments);
	set_default_uint(s, "%s.threads", c.threads);
	set_default_uint(s, "%s.processor.priority_threads.high", c.priority_threads_high);
	set_default_uint(s, "%s.block_threshold", c.block_threshold);
	set_default_uint(s, "%s.cookie_threshold", c.cookie_threshold);
	set_default_uint(s, "%s.cookie_threshold_ip", c.cookie_threshold_ip);
	/* reuse_ikesa makes every initiation scan all IKE_SAs; vtigwd initiates only a tunnel
	 * without any IKE_SA, so there is nothing to reuse */
	s->set_default_str(s, "%s.reuse_ikesa", "no", lib->ns);
	/* de-synchronises the retransmits of many tunnels started together */
	s->set_default_str(s, "%s.retransmit_jitter", "20", lib->ns);
	/* bursts of kernel events (expires, acquires) must not overflow the default buffer */
	s->set_default_str(s, "%s.plugins.kernel-netlink.receive_buffer_size", "8388608", lib->ns);
	s->set_default_str(s, "%s.plugins.kernel-netlink.force_receive_buffer_size", "yes",
					   lib->ns);
}

/** Settings file for library_init: the given one, or an empty in-memory file so that the
 *  system's strongswan.conf (and its charon sections) stay out of vtigwd. */
static char settings_path[PATH_MAX];

static bool settings_init(const char *settings, char *error, size_t error_len)
{
	int fd;

	if (settings)
	{
		snprintf(settings_path, sizeof(settings_path), "%s", settings);
		return TRUE;
	}
	/* stays open for the life of the process: the path names it */
	fd = memfd_create("vtigwd-strongswan.conf", MFD_CLOEXEC);
	if (fd < 0)
	{
		snprintf(error, error_len, "memfd_create: %s", strerror(errno));
		return FALSE;
	}
	snprintf(settings_path, sizeof(settings_path), "/proc/self/fd/%d", fd);
	return TRUE;
}

int vtigw_ike_init(const vtigw_ike_options_t *options, char *error,
				   size_t error_len)
{
	static plugin_feature_t features[] = {
		PLUGIN_CALLBACK(register_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "vtigw"),
	};

	if (initialized)
	{
		snprintf(error, error_len, "charon is already initialised");
		return VTIGW_ERR_INIT;
	}
	if (!settings_init(options->settings, error, error_len))
	{
		return VTIGW_ERR_INIT;
	}
	vtigw_memory_limit_arenas(options->tunnels);
	if (!library_init(settings_path, "vtigwd"))
	{
		library_deinit();
		snprintf(error, error_len, "libstrongswan initialisation failed");
		return VTIGW_ERR_INIT;
	}
	if (!libcharon_init())
	{
		libcharon_deinit();
		library_deinit();
		snprintf(error, error_len, "libcharon initialisation failed");
		return VTIGW_ERR_INIT;
	}
	set_defaults(options->tunnels);
	logger = (stderr_logger_t){
		.logger = {
			.log = _log_,
			.get_level = _get_level,
		},
		.level = options->log_level,
	};
	charon->bus->add_logger(charon->bus, &logger.logger);

	lib->plugins->add_static_features(lib->plugins, "vtigw", features,
									  countof(features), TRUE, NULL, NULL);
	if (!charon->initialize(charon, (char*)options->plugins))
	{
		libcharon_deinit();
		library_deinit();
		snprintf(error, error_len, "charon initialisation failed (plugins: %s)",
				 options->plugins);
		return VTIGW_ERR_INIT;
	}
	if (!lib->plugins->has_feature(lib->plugins, PLUGIN_PROVIDE(CUSTOM, "vtigw")))
	{
		libcharon_deinit();
		library_deinit();
		snprintf(error, error_len, "the vtigw feature did not register");
		return VTIGW_ERR_INIT;
	}
	charon->start(charon);
	schedule_heartbeat();
	vtigw_memory_schedule_trim();
	initialized = TRUE;
	return VTIGW_OK;
}

/**
 * Lets charon's workers finish every IKE_SA before libcharon_deinit(). Its flush() waits on an
 * IKE_SA's condvar while the SA is checked out; when the peer's DELETE crosses ours, the worker
 * handling it may be inside checkin_and_destroy() waiting for our terminate job to give up, and
 * then destroys that condvar under flush(): both threads block for good (strongSwan 5.9.8,
 * unchanged upstream). With no IKE_SA left, flush() waits on nothing.
 */
static void settle_ike_sas(void)
{
	if (vtigw_core_wait_no_ike_sas(3000))
	{
		return;
	}
	vtigw_ike_terminate(NULL, 0, 1);
	if (!vtigw_core_wait_no_ike_sas(2000))
	{
		DBG1(DBG_DMN, "%u IKE_SA(s) still open at shutdown",
			 charon->ike_sa_manager->get_count(charon->ike_sa_manager));
	}
}

void vtigw_ike_deinit(void)
{
	if (initialized)
	{
		settle_ike_sas();
		charon->bus->remove_logger(charon->bus, &logger.logger);
		__atomic_store_n(&last_heartbeat_ms, 0, __ATOMIC_RELAXED);
		libcharon_deinit();
		library_deinit();
		initialized = FALSE;
	}
}
