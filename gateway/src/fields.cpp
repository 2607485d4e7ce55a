// SPDX-License-Identifier: GPL-2.0-or-later
#include "fields.h"

#include <algorithm>
#include <charconv>

namespace gateway::detail {

namespace {

std::string quoted_choices(const std::vector<std::string_view>& choices) {
    std::string out;
    for (size_t i = 0; i < choices.size(); ++i) {
        if (i) out += i + 1 == choices.size() ? " or " : ", ";
        out += "\"" + std::string(choices[i]) + "\"";
    }
    return out;
}

}  // namespace

ObjectReader::ObjectReader(const json& value, std::string pointer, Diagnostics& diags,
                           std::vector<std::string_view> known, std::string_view what)
    : pointer_(std::move(pointer)), diags_(diags) {
    if (!value.is_object()) {
        diags_.error(pointer_.empty() ? "" : pointer_, value,
                     "expected an object (" + std::string(what) + ")");
        return;
    }
    obj_ = &value;
    ok_ = true;
    for (const auto& [key, member] : value.items()) {
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string hint = did_you_mean(key, known);
        diags_.error_text(at(key), "",
                          "unknown key " + render_value(json(key), 40) + " in " +
                              std::string(what) +
                              (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
    }
}

const json* ObjectReader::get(std::string_view key) const {
    if (!obj_) return nullptr;
    auto it = obj_->find(key);
    return it == obj_->end() ? nullptr : &*it;
}

std::optional<std::string> read_string(const json& v, const std::string& ptr, Diagnostics& d,
                                       bool secret) {
    if (v.is_string()) return v.get<std::string>();
    d.error_text(ptr, secret ? "<redacted>" : render_value(v), "expected a string");
    return std::nullopt;
}

std::optional<std::string> read_name(const json& v, const std::string& ptr, Diagnostics& d,
                                     size_t max, std::string_view what) {
    auto s = read_string(v, ptr, d);
    if (!s) return std::nullopt;
    bool ctrl = std::any_of(s->begin(), s->end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (s->empty() || s->size() > max || ctrl) {
        d.error(ptr, v,
                std::string(what) + " must be 1 to " + std::to_string(max) +
                    " characters without control characters");
        return std::nullopt;
    }
    return s;
}

std::optional<uint32_t> read_uint(const json& v, const std::string& ptr, Diagnostics& d,
                                  uint64_t min, uint64_t max, std::string_view what) {
    std::string expect = std::string(what) + " must be an integer from " + std::to_string(min) +
                         " to " + std::to_string(max);
    if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) {
        uint64_t n = v.get<uint64_t>();
        if (n >= min && n <= max) return static_cast<uint32_t>(n);
    }
    d.error(ptr, v, expect);
    return std::nullopt;
}

std::optional<uint32_t> read_duration(const json& v, const std::string& ptr, Diagnostics& d,
                                      uint32_t min, uint32_t max) {
    std::string expect =
        "expected seconds (a number, or a string like \"30s\", \"9m\", \"8h\", "
        "\"1d\") from " +
        std::to_string(min) + " to " + std::to_string(max);
    uint64_t seconds = 0;
    bool parsed = false;
    if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) {
        seconds = v.get<uint64_t>();
        parsed = true;
    } else if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        uint64_t n = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec == std::errc() && end != s.data()) {
            std::string_view unit(end, s.data() + s.size() - end);
            uint64_t mult = unit.empty() || unit == "s" ? 1
                            : unit == "m"               ? 60
                            : unit == "h"               ? 3600
                            : unit == "d"               ? 86400
                                                        : 0;
            if (mult != 0 && n <= UINT32_MAX) {
                seconds = n * mult;
                parsed = true;
            }
        }
    }
    if (parsed && seconds >= min && seconds <= max) return static_cast<uint32_t>(seconds);
    d.error(ptr, v, expect);
    return std::nullopt;
}

std::optional<uint32_t> read_table(const json& v, const std::string& ptr, Diagnostics& d) {
    auto n = read_uint(v, ptr, d, 1, UINT32_MAX - 1, "table");
    if (n && *n == 255) {
        d.error(ptr, v, "table 255 is the kernel's local table; use main (254) or your own");
        return std::nullopt;
    }
    return n;
}

std::optional<bool> read_bool(const json& v, const std::string& ptr, Diagnostics& d) {
    if (v.is_boolean()) return v.get<bool>();
    d.error(ptr, v, "expected true or false");
    return std::nullopt;
}

std::optional<size_t> read_choice(const json& v, const std::string& ptr, Diagnostics& d,
                                  const std::vector<std::string_view>& choices) {
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        for (size_t i = 0; i < choices.size(); ++i)
            if (choices[i] == s) return i;
        std::string hint = did_you_mean(s, choices);
        d.error(ptr, v,
                "expected " + quoted_choices(choices) +
                    (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
        return std::nullopt;
    }
    d.error(ptr, v, "expected " + quoted_choices(choices));
    return std::nullopt;
}

std::optional<vti::IpAddress> read_address(const json& v, const std::string& ptr, Diagnostics& d) {
    if (v.is_string()) {
        if (auto a = vti::IpAddress::parse(v.get_ref<const std::string&>())) return a;
    }
    d.error(ptr, v, "expected an IPv4 or IPv6 address such as \"192.0.2.1\" or \"2001:db8::1\"");
    return std::nullopt;
}

std::optional<vti::Prefix> read_prefix(const json& v, const std::string& ptr, Diagnostics& d) {
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        if (s.find('/') != std::string::npos) {
            if (auto p = vti::Prefix::parse(s)) return p;
        }
    }
    d.error(ptr, v, "expected an address with prefix length such as \"10.1.0.0/16\"");
    return std::nullopt;
}

std::optional<std::vector<std::string>> read_string_list(const json& v, const std::string& ptr,
                                                         Diagnostics& d) {
    if (v.is_string()) return std::vector<std::string>{v.get<std::string>()};
    if (!v.is_array() || v.empty()) {
        d.error(ptr, v, "expected a non-empty array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (size_t i = 0; i < v.size(); ++i) {
        auto s = read_string(v[i], ptr + "/" + std::to_string(i), d);
        if (s)
            out.push_back(*s);
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
}

}  // namespace gateway::detail
