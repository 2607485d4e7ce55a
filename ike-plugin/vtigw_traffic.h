// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Per-tunnel traffic totals that survive CHILD_SA rekeys.
 *
 * The kernel counts per SA, so a tunnel's counters restart at every rekey. When a CHILD_SA
 * closes (rekeyed or deleted), the listener adds what it carried to its tunnel's totals here,
 * once per CHILD_SA; a query adds the live CHILD_SAs not yet closed. Plain C without
 * strongSwan, safe to call from any thread, never waiting on anything but its own short lock.
 * Tunnels are found by a hash of their name: O(1) per event however many tunnels there are.
 */
#ifndef VTIGW_TRAFFIC_H_
#define VTIGW_TRAFFIC_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Traffic of one SA pair or of a whole tunnel. */
typedef struct vtigw_counts_t {
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t packets_in;
	uint64_t packets_out;
} vtigw_counts_t;

/** The totals of every tunnel. */
typedef struct vtigw_traffic_t vtigw_traffic_t;

/** An empty set of totals; NULL when out of memory. */
vtigw_traffic_t *vtigw_traffic_create(void);

/** Frees `traffic` (NULL is ignored). */
void vtigw_traffic_destroy(vtigw_traffic_t *traffic);

/**
 * Adds what the CHILD_SA `child_id` of `tunnel` carried to the tunnel's totals; a CHILD_SA
 * already closed is ignored (a rekeyed SA is deleted later, an IKE_SA going down closes its
 * children again).
 */
void vtigw_traffic_close(vtigw_traffic_t *traffic, const char *tunnel,
						 uint32_t child_id, const vtigw_counts_t *carried);

/**
 * The tunnel's totals: what its closed CHILD_SAs carried plus the `n` live ones (ids and
 * counters read before this call) that are not closed yet. Never less than an earlier answer
 * for the same tunnel, given live counters read after that answer.
 */
void vtigw_traffic_total(vtigw_traffic_t *traffic, const char *tunnel,
						 const uint32_t *live_ids, const vtigw_counts_t *live, size_t n,
						 vtigw_counts_t *total);

#ifdef __cplusplus
}
#endif

#endif /* VTIGW_TRAFFIC_H_ */
