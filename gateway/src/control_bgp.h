// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// JSON form of the BGP parts of a status reply (control.h: BgpStatus, FrrStatus).

#include <nlohmann/json.hpp>

#include "gateway/control.h"

namespace gateway::control {

nlohmann::json to_json(const BgpStatus& b);
nlohmann::json to_json(const FrrStatus& f);
BgpStatus bgp_from_json(const nlohmann::json& j);
FrrStatus frr_from_json(const nlohmann::json& j);

}  // namespace gateway::control
