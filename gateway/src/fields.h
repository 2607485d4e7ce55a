// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Readers for typed fields of the JSON configuration. Each reports its own error (pointer,
// value, expectation) and returns nullopt on failure so that loading goes on and finds the rest.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/diagnostics.h"
#include "vti/ip.h"

namespace gateway::detail {

using json = nlohmann::json;

/** A JSON object being read: reports unknown keys (with did-you-mean) when constructed. */
class ObjectReader {
  public:
    /** `value` must be an object, else an error is reported and ok() is false. */
    ObjectReader(const json& value, std::string pointer, Diagnostics& diags,
                 std::vector<std::string_view> known, std::string_view what);
    /** False when the value was not an object. */
    bool ok() const { return ok_; }
    /** The member named `key`, or nullptr when absent. */
    const json* get(std::string_view key) const;
    /** Pointer of member `key`. */
    std::string at(std::string_view key) const { return pointer_ + "/" + pointer_token(key); }
    /** Pointer of the object itself. */
    const std::string& pointer() const { return pointer_; }
    /** The diagnostics sink. */
    Diagnostics& diags() const { return diags_; }

  private:
    const json* obj_ = nullptr;
    std::string pointer_;
    Diagnostics& diags_;
    bool ok_ = false;
};

/** A string; `secret` redacts the value in errors. */
std::optional<std::string> read_string(const json& v, const std::string& ptr, Diagnostics& d,
                                       bool secret = false);
/** A non-empty string of at most `max` characters without control characters. */
std::optional<std::string> read_name(const json& v, const std::string& ptr, Diagnostics& d,
                                     size_t max, std::string_view what);
/** An integer in [min, max]. */
std::optional<uint32_t> read_uint(const json& v, const std::string& ptr, Diagnostics& d,
                                  uint64_t min, uint64_t max, std::string_view what);
/** Seconds: a number or a string like "30", "30s", "9m", "8h", "1d", in [min, max]. */
std::optional<uint32_t> read_duration(const json& v, const std::string& ptr, Diagnostics& d,
                                      uint32_t min, uint32_t max);
/** A routing table id: 1 to 2^32-2, not 255 (local). */
std::optional<uint32_t> read_table(const json& v, const std::string& ptr, Diagnostics& d);
/** true or false. */
std::optional<bool> read_bool(const json& v, const std::string& ptr, Diagnostics& d);
/** One of `choices` (returns its index), with did-you-mean. */
std::optional<size_t> read_choice(const json& v, const std::string& ptr, Diagnostics& d,
                                  const std::vector<std::string_view>& choices);
/** An IPv4 or IPv6 address. */
std::optional<vti::IpAddress> read_address(const json& v, const std::string& ptr, Diagnostics& d);
/** An address with prefix length. */
std::optional<vti::Prefix> read_prefix(const json& v, const std::string& ptr, Diagnostics& d);
/** A non-empty array of strings (a single string is accepted as a one-element array). */
std::optional<std::vector<std::string>> read_string_list(const json& v, const std::string& ptr,
                                                         Diagnostics& d);

}  // namespace gateway::detail
