#pragma once

namespace gateway {

/** The vtigw version string, e.g. "0.1.0". */
const char* version();

}  // namespace gateway
