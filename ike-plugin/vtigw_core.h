// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The vtigw plugin's shared state: backend, credentials and listener, created when the plugin
 * feature registers (in stock charon or statically in the vtigw daemon) and used by the bridge functions.
 */
#ifndef VTIGW_CORE_H_
#define VTIGW_CORE_H_

#include <library.h>
#include <sa/ike_sa.h>

/**
 * Registers (reg = TRUE) or unregisters the backend, the credential set and the listener with
 * charon. Called from the plugin feature callback.
 */
bool vtigw_core_register(bool reg);

/** Whether an IKE_SA belongs to `tunnel`, or to any vtigw tunnel when it is NULL (by its
 *  peer config's name; an SA of a tunnel no longer served still matches its name). */
bool vtigw_core_matches(ike_sa_t *ike_sa, const char *tunnel);

/** Waits (polling every 10 ms) until charon holds no IKE_SA at all, or `timeout_ms` passed;
 *  TRUE when none is left. */
bool vtigw_core_wait_no_ike_sas(unsigned timeout_ms);

/** Address text and port of an IKE_SA endpoint into `address` (`len` bytes) and `port`; both
 *  untouched for none or the any-address, "" when the address cannot be printed. */
void vtigw_host_text(host_t *host, char *address, size_t len, uint16_t *port);

#endif /** VTIGW_CORE_H_ */
