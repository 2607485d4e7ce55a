/**
 * The vtigw plugin's shared state: backend, credentials and listener, created when the plugin
 * feature registers (in stock charon or statically in the vtigw daemon) and used by the bridge functions.
 */
#ifndef VTIGW_CORE_H_
#define VTIGW_CORE_H_

#include <library.h>

/**
 * Registers (reg = TRUE) or unregisters the backend, the credential set and the listener with
 * charon. Called from the plugin feature callback.
 */
bool vtigw_core_register(bool reg);

#endif /** VTIGW_CORE_H_ */
