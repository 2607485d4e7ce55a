// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the whole configuration loader and validator on arbitrary bytes.
// Besides crashes and sanitizer reports it checks two properties: a loaded configuration turns
// into a DesiredState whose tunnels have non-zero keys/reqids and interface names ≤ 15 chars,
// and no diagnostic about an auth block or its psk field contains the inline PSK value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/desired.h"
#include "gateway/json_reader.h"
#include "gateway/loader.h"

namespace {

// The inline PSK strings of the document, when it is valid JSON.
std::vector<std::string> inline_psks(std::string_view text) {
    std::vector<std::string> out;
    gateway::Diagnostics d;
    auto doc = gateway::parse_json_strict(text, d);
    if (!doc || !doc->is_object()) return out;
    auto take = [&](const nlohmann::json& auth) {
        if (auth.is_object() && auth.contains("psk") && auth["psk"].is_string()) {
            const auto& s = auth["psk"].get_ref<const std::string&>();
            // Short strings may legitimately appear elsewhere (names, ids).
            if (s.size() >= 12) out.push_back(s);
        }
    };
    if (doc->contains("defaults") && (*doc)["defaults"].is_object() &&
        (*doc)["defaults"].contains("auth"))
        take((*doc)["defaults"]["auth"]);
    if (doc->contains("tunnels") && (*doc)["tunnels"].is_array())
        for (const auto& t : (*doc)["tunnels"])
            if (t.is_object() && t.contains("auth")) take(t["auth"]);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    gateway::LoadOptions options;
    options.check_files = false;  // no file system or environment access while fuzzing
    auto r = gateway::load_config_text(text, options);
    if (r.config) {
        auto desired = gateway::to_desired_state(*r.config);
        for (const auto& t : desired.tunnels)
            if (t.key == 0 || t.reqid == 0 || t.ifname.empty() || t.ifname.size() > 15)
                std::abort();
    }
    auto secrets = inline_psks(text);
    for (const auto& d : r.diagnostics.items()) {
        std::string line = d.str();
        for (const auto& s : secrets)
            if (line.find(s) != std::string::npos &&
                (d.pointer.ends_with("/auth") || d.pointer.ends_with("/psk")))
                std::abort();
    }
    return 0;
}
