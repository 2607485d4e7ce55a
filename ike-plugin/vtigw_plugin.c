// SPDX-License-Identifier: GPL-2.0-or-later
#include "vtigw_plugin.h"

#include <daemon.h>

#include "vtigw_core.h"
#ifdef VTIGW_STANDALONE
#include "vtigw_standalone.h"
#endif

typedef struct private_vtigw_plugin_t private_vtigw_plugin_t;

struct private_vtigw_plugin_t {
	vtigw_plugin_t public;
};

METHOD(plugin_t, get_name, char*,
	private_vtigw_plugin_t *this)
{
	return "vtigw";
}

/**
 * Registers the backend, credentials and listener; in the loadable module (VTIGW_STANDALONE)
 * also serves the vtigw configuration named by charon.plugins.vtigw.config.
 */
static bool plugin_cb(private_vtigw_plugin_t *this, plugin_feature_t *feature,
					  bool reg, void *data)
{
#ifdef VTIGW_STANDALONE
	return vtigw_standalone_register(reg);
#else
	return vtigw_core_register(reg);
#endif
}

METHOD(plugin_t, get_features, int,
	private_vtigw_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "vtigw"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void,
	private_vtigw_plugin_t *this)
{
	free(this);
}

plugin_t *vtigw_plugin_create()
{
	private_vtigw_plugin_t *this;

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.destroy = _destroy,
			},
		},
	);
	return &this->public.plugin;
}
