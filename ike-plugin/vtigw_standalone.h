// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The vtigw plugin loaded into a stock charon (libstrongswan-vtigw.so only, never the vtigw daemon):
 * where the C glue (vtigw_standalone.c, charon API) meets the C++ side
 * (standalone/standalone.cpp: vtigw config loader, bridge conversion, VTI manager, engine).
 *
 * Plain C types only. Configured in strongswan.conf:
 *
 *   charon { plugins { vtigw { config = /etc/vtigw/site.json } } }
 *
 * All functions run on charon's threads: start/stop on the thread loading/unloading the
 * plugin (charon's main thread), tick on a charon worker thread (a rescheduled job).
 */
#ifndef VTIGW_STANDALONE_H_
#define VTIGW_STANDALONE_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Log levels handed to the log callback (charon's: 1 basic, 2 detailed). */
#define VTIGW_LOG_BASIC 1
#define VTIGW_LOG_DETAIL 2

/** Log sink provided by the C glue (charon's DBG1/DBG2). `line` is never a secret. */
typedef void (*vtigw_standalone_log_fn)(int level, const char *line);

/**
 * Loads and validates the vtigw configuration at `config_path`, hands its tunnels and
 * credentials to the plugin (vtigw_ike_set_tunnels, so the plugin core must be registered),
 * and applies the kernel state (VTI interfaces, addresses, routes, xfrm policies, MSS clamp).
 * Every problem is logged through `log` (field and value for configuration errors).
 * Returns VTIGW_OK, or a vtigw_status code with nothing left behind.
 */
int vtigw_standalone_start(const char *config_path, vtigw_standalone_log_fn log);

/**
 * Handles queued plugin events (logged) and initiates tunnels with start_action "initiate" that
 * have no IKE_SA, retrying failed attempts with backoff. Called periodically; never blocks long.
 */
void vtigw_standalone_tick(void);

/**
 * Stops initiating and removes every kernel object vtigw made (apply of an empty state).
 * Returns VTIGW_OK, or VTIGW_ERR_FAILED when removal failed (logged). No-op when not started.
 */
int vtigw_standalone_stop(void);

/**
 * Feature callback of the plugin when built as the loadable module (vtigw_standalone.c):
 * registers the plugin core and, when charon.plugins.vtigw.config is set, starts the tunnels
 * of that configuration; unregistering removes everything again. Nonzero on success.
 */
int vtigw_standalone_register(int reg);

#ifdef __cplusplus
}
#endif

#endif /* VTIGW_STANDALONE_H_ */
