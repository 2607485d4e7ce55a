// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

namespace gateway {

/** The vtigw version string, e.g. "0.1.0". */
const char* version();

/** The strongSwan version vtigw was compiled against (its headers' config.h), e.g. "5.9.8";
 *  "unknown" in builds without strongSwan. */
const char* strongswan_version();

}  // namespace gateway
