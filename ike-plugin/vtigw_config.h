// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * vtigw config backend: serves one peer_cfg (with one child_cfg) per vtigw tunnel.
 */
#ifndef VTIGW_CONFIG_H_
#define VTIGW_CONFIG_H_

#include <config/backend.h>
#include <collections/linked_list.h>

#include "vtigw_bridge.h"

typedef struct vtigw_config_t vtigw_config_t;

/** A backend whose set of peer configs is replaced as a whole. */
struct vtigw_config_t {

	/** Implements backend_t. */
	backend_t backend;

	/**
	 * Replaces every served peer config.
	 *
	 * @param peer_cfgs	list of peer_cfg_t, adopted (list and configs)
	 */
	void (*replace)(vtigw_config_t *this, linked_list_t *peer_cfgs);

	/**
	 * Whether a tunnel of that name is served.
	 */
	bool (*has)(vtigw_config_t *this, const char *name);

	/**
	 * The names of every served tunnel, as a list of strings the caller frees.
	 */
	linked_list_t *(*names)(vtigw_config_t *this);

	/** Destroys the backend and its configs. */
	void (*destroy)(vtigw_config_t *this);
};

/** Creates an empty backend. */
vtigw_config_t *vtigw_config_create();

/**
 * Builds the peer_cfg of a tunnel: IKE proposals, identities, lifetimes, DPD and its child_cfg
 * (ESP proposals, mark or if_id, fixed reqid, no policies, 0.0.0.0/0 and ::/0 selectors).
 * Returns NULL and writes the reason into `error` when a value is invalid.
 */
peer_cfg_t *vtigw_config_build(const vtigw_tunnel_t *tunnel, char *error,
							   size_t error_len);

#endif /** VTIGW_CONFIG_H_ */
