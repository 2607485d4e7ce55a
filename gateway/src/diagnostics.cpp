// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/diagnostics.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace gateway {

std::string Diagnostic::str() const {
    std::string out = pointer.empty() ? std::string("(document)") : pointer;
    out += ": ";
    if (!value.empty()) out += value + " \u2014 ";
    out += message;
    return out;
}

void Diagnostics::error(std::string pointer, const nlohmann::json& value, std::string message) {
    error_text(std::move(pointer), render_value(value), std::move(message));
}

void Diagnostics::error_text(std::string pointer, std::string value, std::string message) {
    add({Severity::Error, std::move(pointer), std::move(value), std::move(message)});
}

void Diagnostics::warning_text(std::string pointer, std::string value, std::string message) {
    add({Severity::Warning, std::move(pointer), std::move(value), std::move(message)});
}

void Diagnostics::add(Diagnostic d) {
    for (const auto& x : items_)
        if (x.severity == d.severity && x.pointer == d.pointer && x.value == d.value &&
            x.message == d.message)
            return;
    items_.push_back(std::move(d));
}

namespace {

// "/tunnels/10/x" after "/tunnels/2/y": compare token by token, numbers numerically.
bool pointer_less(const std::string& a, const std::string& b) {
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        size_t ei = a.find('/', i + 1), ej = b.find('/', j + 1);
        std::string_view ta(a.data() + i, (ei == std::string::npos ? a.size() : ei) - i);
        std::string_view tb(b.data() + j, (ej == std::string::npos ? b.size() : ej) - j);
        bool na = ta.size() > 1 && ta.find_first_not_of("/0123456789") == std::string_view::npos;
        bool nb = tb.size() > 1 && tb.find_first_not_of("/0123456789") == std::string_view::npos;
        if (na && nb && ta.size() != tb.size()) return ta.size() < tb.size();
        if (ta != tb) return ta < tb;
        i = ei == std::string::npos ? a.size() : ei;
        j = ej == std::string::npos ? b.size() : ej;
    }
    return a.size() - i < b.size() - j;
}

}  // namespace

void Diagnostics::sort() {
    std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& x, const Diagnostic& y) {
        return pointer_less(x.pointer, y.pointer);
    });
}

bool Diagnostics::has_errors() const {
    return error_count() > 0;
}

size_t Diagnostics::error_count() const {
    return std::count_if(items_.begin(), items_.end(),
                         [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

std::string render_value(const nlohmann::json& value, size_t max_chars) {
    // Replace invalid UTF-8 instead of throwing: values come from untrusted input.
    std::string s = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (s.size() > max_chars) {
        size_t cut = max_chars;
        // Do not split a UTF-8 sequence.
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s = s.substr(0, cut) + "\u2026";
    }
    return s;
}

std::string pointer_token(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: insertions, deletions, substitutions and adjacent transpositions
    // ("asw" → "aws") each cost 1.
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
    if (word.size() > 64) return "";
    std::string best;
    size_t best_d = std::max<size_t>(1, word.size() / 3) + 1;
    for (auto c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = std::string(c);
        }
    }
    return best;
}

}  // namespace gateway
