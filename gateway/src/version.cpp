// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/version.h"

namespace gateway {

const char* version() {
    return VTIGW_VERSION;
}

const char* strongswan_version() {
#ifdef VTIGW_STRONGSWAN_VERSION
    return VTIGW_STRONGSWAN_VERSION;
#else
    return "unknown";
#endif
}

}  // namespace gateway
