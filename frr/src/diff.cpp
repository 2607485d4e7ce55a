// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/diff.h"

#include <set>
#include <sstream>
#include <utility>

#include "frr/reloader.h"

namespace frr {

namespace {

using Keyed = std::pair<std::vector<std::string>, std::string>;

bool ignored(const std::string& line) {
    static const std::set<std::string> skip = {"!",
                                               "exit",
                                               "exit-address-family",
                                               "end",
                                               "Building configuration...",
                                               "Current configuration:"};
    return line.empty() || skip.count(line) || line.starts_with("frr version ");
}

// Each line with the lines of its enclosing blocks, found by indentation (FRR indents one
// space per level).
std::vector<Keyed> keyed_lines(const std::string& text) {
    std::vector<Keyed> out;
    std::vector<std::string> stack;
    std::istringstream in(text);
    for (std::string raw; std::getline(in, raw);) {
        size_t indent = raw.find_first_not_of(' ');
        if (indent == std::string::npos) continue;
        std::string line = raw.substr(indent);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
        if (ignored(line)) continue;
        if (stack.size() > indent) stack.resize(indent);
        std::vector<std::string> context = stack;
        out.push_back({context, line});
        stack.resize(indent);
        stack.push_back(line);
    }
    return out;
}

void missing(const std::vector<Keyed>& a, const std::vector<Keyed>& b, bool add,
             std::vector<LineChange>& out) {
    std::multiset<Keyed> present(b.begin(), b.end());
    for (const auto& k : a) {
        auto it = present.find(k);
        if (it != present.end())
            present.erase(it);
        else
            out.push_back({add, k.first, k.second});
    }
}

}  // namespace

std::string LineChange::str() const {
    std::string s = add ? "+ " : "- ";
    for (const auto& c : context) s += c + " > ";
    return s + line;
}

std::vector<LineChange> diff(const std::string& from, const std::string& to) {
    auto a = keyed_lines(from);
    auto b = keyed_lines(to);
    std::vector<LineChange> out;
    missing(a, b, false, out);
    missing(b, a, true, out);
    return out;
}

std::vector<LineChange> redacted(std::vector<LineChange> changes) {
    for (auto& c : changes) {
        for (auto& block : c.context) block = mask_passwords(block);
        c.line = mask_passwords(c.line);
    }
    return changes;
}

}  // namespace frr
