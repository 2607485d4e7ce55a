// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A secret string (pre-shared key) that cannot be printed by accident and is wiped on release.

#include <string>

namespace gateway {

/** Holds a secret; no stream or format support on purpose. */
class Secret {
  public:
    Secret() = default;
    /** Takes ownership of `value`. */
    explicit Secret(std::string value) : value_(std::move(value)) {}
    /** Copies the secret (needed where configurations are copied). */
    Secret(const Secret& other) : value_(other.value_) {}
    /** Wipes the old secret, then copies. */
    Secret& operator=(const Secret& other);
    /** Takes the secret and wipes the source. */
    Secret(Secret&& other) noexcept;
    /** Wipes the old secret, takes the new one and wipes the source. */
    Secret& operator=(Secret&& other) noexcept;
    /** Overwrites the bytes before releasing them. */
    ~Secret();

    /** The secret bytes; only for handing to the IKE daemon. */
    const std::string& reveal() const { return value_; }
    /** True when no secret is held. */
    bool empty() const { return value_.empty(); }
    /** Overwrites and clears the secret. */
    void wipe();

  private:
    std::string value_;
};

/** Secrets compare equal when their bytes are equal (for change detection). */
bool operator==(const Secret& a, const Secret& b);

}  // namespace gateway
