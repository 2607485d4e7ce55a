// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * vtigw credentials: PSKs and X.509 material of every tunnel, held in memory only.
 */
#ifndef VTIGW_CREDS_H_
#define VTIGW_CREDS_H_

#include <library.h>

#include "vtigw_bridge.h"

typedef struct vtigw_creds_t vtigw_creds_t;

/** Credentials of the served tunnels, registered with the credential manager. */
struct vtigw_creds_t {

	/**
	 * Replaces every credential with those of `tunnels` (all or nothing). Replaced secrets are
	 * wiped. Returns VTIGW_OK or a vtigw_status and writes the reason into `error`.
	 */
	int (*replace)(vtigw_creds_t *this, const vtigw_tunnel_t *tunnels,
				   size_t count, char *error, size_t error_len);

	/** Unregisters and wipes everything. */
	void (*destroy)(vtigw_creds_t *this);
};

/** Creates an empty set and registers it with lib->credmgr. */
vtigw_creds_t *vtigw_creds_create();

#endif /** VTIGW_CREDS_H_ */
