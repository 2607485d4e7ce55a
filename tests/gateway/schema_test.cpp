// SPDX-License-Identifier: GPL-2.0-or-later
// The shipped JSON Schema agrees with the loader: every key it documents is known to vtigw.
#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

using gwtest::load;
using nlohmann::json;

namespace {

json schema() {
    std::ifstream in(VTIGW_SCHEMA_FILE);
    return json::parse(in);
}

bool unknown_key_error(const gateway::LoadResult& r) {
    for (const auto& d : r.diagnostics.items())
        if (d.message.find("unknown key") != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(Schema, EveryDocumentedKeyIsKnownToTheLoader) {
    json s = schema();
    const json& props = s["properties"];
    size_t checked = 0;
    for (const auto& [section, keys] :
         {std::pair{"gateway", props["gateway"]["properties"]},
          std::pair{"defaults", props["defaults"]["properties"]},
          std::pair{"tunnel", props["tunnels"]["items"]["properties"]}}) {
        for (const auto& [key, _] : keys.items()) {
            json c = gwtest::base_config();
            json* target = std::string(section) == "gateway"    ? &c["gateway"]
                           : std::string(section) == "defaults" ? &c["defaults"]
                                                                : &c["tunnels"][0];
            (*target)[key] = nullptr;  // wrong type on purpose: only "unknown key" matters
            EXPECT_FALSE(unknown_key_error(load(c))) << section << "/" << key;
            ++checked;
        }
    }
    EXPECT_GT(checked, 40u);
}

TEST(Schema, LoaderKeysAreDocumented) {
    json s = schema();
    const json& tunnel = s["properties"]["tunnels"]["items"]["properties"];
    // Keys the loader accepts on a tunnel (kept in sync with settings.cpp and loader.cpp).
    for (const char* k :
         {"profile",      "kind",         "ike_version",   "ike_proposals", "esp_proposals",
          "ike_lifetime", "esp_lifetime", "rekey_margin",  "rekey_fuzz",    "replay_window",
          "dpd",          "start_action", "nat_traversal", "mtu",           "mss",
          "underlay_mtu", "auth",         "metric",        "table",         "local_id",
          "name",         "remote",       "local",         "remote_id",     "inside",
          "routes",       "interface",    "mark",          "if_id",         "reqid"})
        EXPECT_TRUE(tunnel.contains(k)) << k;
    json c = gwtest::base_config();
    c["tunnels"][0]["not_a_key"] = 1;
    EXPECT_TRUE(unknown_key_error(load(c)));
}
