#include "cli_output.h"

#include <cstdio>

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

}  // namespace gateway::cli
