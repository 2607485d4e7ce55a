// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli_output.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "gateway/cli.h"

namespace gateway::cli {

void print_diagnostics(const std::string& file, const Diagnostics& d) {
    for (const auto& x : d.items())
        std::fprintf(stderr, "%s: %s: %s\n", file.c_str(),
                     x.severity == Severity::Error ? "error" : "warning", x.str().c_str());
}

void print_json(const nlohmann::json& j) {
    std::string s = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::printf("%s\n", s.c_str());
}

std::string absolute_path(const std::string& path) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    return ec ? path : abs.lexically_normal().string();
}

int exit_code_for(const control::Reply& failed) {
    if (failed.unreachable) return kDaemonError;
    if (failed.cause == "config") return kConfigError;
    if (failed.cause == "kernel") return kKernelError;
    return kDaemonError;
}

void print_lines(const std::string& text, const char* prefix) {
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        std::string line = text.substr(start, nl == std::string::npos ? nl : nl - start);
        if (!line.empty()) std::printf("%s%s\n", prefix, line.c_str());
        start = nl == std::string::npos ? text.size() : nl + 1;
    }
}

void print_command_lines(const std::string& command) {
    print_lines(command, "      [#] ");
}

std::string abbreviated_list(const std::vector<std::string>& items, const std::string& separator,
                             size_t max_items) {
    const size_t shown = items.size() > max_items ? std::min<size_t>(5, max_items) : items.size();
    std::string out;
    for (size_t i = 0; i < shown; ++i) out += (i ? separator : "") + items[i];
    if (shown < items.size())
        out += (shown ? separator : "") + "… and " + std::to_string(items.size() - shown) + " more";
    return out;
}

void print_reload_changes(const std::vector<control::PlannedChange>& changes, bool bgp) {
    size_t tunnels = 0, frr = 0;
    for (const auto& c : changes) {
        tunnels += c.scope == "ike";
        frr += c.scope == "frr";
    }
    std::printf("tunnels (%zu):\n", tunnels);
    for (const auto& c : changes)
        if (c.scope == "ike") std::printf("  %s\n", c.description.c_str());
    std::printf("kernel changes (%zu):\n", changes.size() - tunnels - frr);
    for (const auto& c : changes) {
        if (c.scope != "kernel") continue;
        std::printf("  %s %s\n", c.action.c_str(), c.description.c_str());
        print_command_lines(c.command);
    }
    if (!bgp && frr == 0) return;
    std::printf("frr changes (%zu, applied with frr-reload.py; passwords redacted):\n", frr);
    for (const auto& c : changes)
        if (c.scope == "frr")
            std::printf("  %s %s\n", c.action == "add" ? "+" : "-", c.description.c_str());
}

void add_reload_changes_json(nlohmann::json& out,
                             const std::vector<control::PlannedChange>& changes) {
    control::Reply others;
    nlohmann::json frr = nlohmann::json::array();
    for (const auto& c : changes) {
        if (c.scope == "frr")
            frr.push_back({{"action", c.action}, {"line", c.command}, {"path", c.description}});
        else
            others.changes.push_back(c);
    }
    nlohmann::json encoded = nlohmann::json::parse(control::encode(others))["changes"];
    out["changes"] = encoded.is_null() ? nlohmann::json::array() : encoded;
    out["frr"] = {{"changes", frr}};
}

}  // namespace gateway::cli
