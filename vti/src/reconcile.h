// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// diff() without its validate() (internal to vti/): for the Manager, which validated the desired
// state already; the state of 1,000 tunnels costs a noticeable part of a cached apply to check.

#include <set>
#include <string>
#include <vector>

#include "vti/manager.h"

namespace vti {

/** diff() of a validated `d`; all tunnels when `scope` is nullptr. */
Expected<std::vector<Step>> diff_validated(const KernelSnapshot& snap, const DesiredState& d,
                                           const std::set<std::string>* scope,
                                           const ManagerOptions& opt);

}  // namespace vti
