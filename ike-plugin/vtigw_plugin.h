// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * vtigw strongSwan plugin: serves vtigw tunnels to charon.
 */
#ifndef VTIGW_PLUGIN_H_
#define VTIGW_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct vtigw_plugin_t vtigw_plugin_t;

/** The plugin's public interface: only the generic plugin_t. */
struct vtigw_plugin_t {
	plugin_t plugin;
};

#endif /** VTIGW_PLUGIN_H_ */
