// SPDX-License-Identifier: GPL-2.0-or-later
#include <algorithm>
#include <regex>
#include <sstream>
#include <vector>

#include "frr/reloader.h"

namespace frr {

std::string mask_passwords(const std::string& text) {
    static const std::regex pw(R"((\bpassword\s+)(\S+))");
    return std::regex_replace(text, pw, "$1<redacted>");
}

std::string reload_error_text(const std::string& output) {
    static const std::regex colour("\x1b\\[[0-9;]*m");
    static const std::regex stamp(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+\s+)");
    std::string clean = std::regex_replace(output, colour, "");
    // vtysh's stderr arrives as a Python bytes literal: b'line 26: % Unknown command: …\n\n'
    std::string expanded;
    for (size_t i = 0; i < clean.size(); ++i) {
        if (clean[i] == '\\' && i + 1 < clean.size() && clean[i + 1] == 'n') {
            expanded += '\n';
            ++i;
        } else {
            expanded += clean[i];
        }
    }
    std::istringstream in(expanded);
    std::string line, out;
    std::vector<std::string> seen;
    while (std::getline(in, line)) {
        line = std::regex_replace(line, stamp, "");
        if (line.rfind("b'", 0) == 0) line = line.substr(2);
        while (!line.empty() && (line.back() == '\'' || line.back() == ' ')) line.pop_back();
        static const std::regex wanted(R"(^(ERROR:|WARNING:|% |line \d+: %|Error description:))");
        if (!std::regex_search(line, wanted) || line == "% Configuration failed.") continue;
        line = std::regex_replace(line, std::regex(R"(^(ERROR|WARNING):\s*)"), "");
        if (std::find(seen.begin(), seen.end(), line) != seen.end()) continue;
        seen.push_back(line);
        if (!out.empty()) out += "; ";
        out += line;
    }
    return mask_passwords(out);
}

}  // namespace frr
