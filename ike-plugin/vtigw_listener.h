// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * vtigw listener: copies IKE/CHILD_SA events of vtigw tunnels into plain structs and queues
 * them for the daemon, and adds what closing CHILD_SAs carried to the traffic totals. Runs on charon's threads: no kernel work, never waits for the consumer.
 */
#ifndef VTIGW_LISTENER_H_
#define VTIGW_LISTENER_H_

#include <bus/listeners/listener.h>

#include "vtigw_bridge.h"
#include "vtigw_config.h"
#include "vtigw_traffic.h"

typedef struct vtigw_listener_t vtigw_listener_t;

/** The listener and its bounded event queue. */
struct vtigw_listener_t {

	/** Implements listener_t. */
	listener_t listener;

	/**
	 * Takes the oldest queued event, waiting up to `timeout_ms`.
	 * Returns VTIGW_OK or VTIGW_ERR_TIMEOUT.
	 */
	int (*next)(vtigw_listener_t *this, vtigw_event_t *event, u_int timeout_ms);

	/** Number of events dropped because the queue was full. */
	uint64_t (*dropped)(vtigw_listener_t *this);

	/** Destroys the listener (unregister it first). */
	void (*destroy)(vtigw_listener_t *this);
};

/**
 * Creates a listener reporting events of the tunnels `config` serves.
 *
 * @param config		backend used to recognise vtigw tunnels (not owned)
 * @param capacity		queue capacity in events
 * @param traffic		totals to which closing CHILD_SAs add their counters (not owned)
 */
vtigw_listener_t *vtigw_listener_create(vtigw_config_t *config, u_int capacity,
										vtigw_traffic_t *traffic);

#endif /** VTIGW_LISTENER_H_ */
