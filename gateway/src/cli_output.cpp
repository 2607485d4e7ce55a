// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli_output.h"

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

void print_reload_changes(const std::vector<control::PlannedChange>& changes) {
    size_t tunnels = 0;
    for (const auto& c : changes) tunnels += c.scope == "ike";
    std::printf("tunnels (%zu):\n", tunnels);
    for (const auto& c : changes)
        if (c.scope == "ike") std::printf("  %s\n", c.description.c_str());
    std::printf("kernel changes (%zu):\n", changes.size() - tunnels);
    for (const auto& c : changes) {
        if (c.scope == "ike") continue;
        std::printf("  %s %s\n", c.action.c_str(), c.description.c_str());
        print_command_lines(c.command);
    }
}

}  // namespace gateway::cli
