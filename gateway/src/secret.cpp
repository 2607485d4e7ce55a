// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/secret.h"

#include <openssl/crypto.h>

namespace gateway {

Secret& Secret::operator=(const Secret& other) {
    if (this != &other) {
        wipe();
        value_ = other.value_;
    }
    return *this;
}

Secret::Secret(Secret&& other) noexcept : value_(other.value_) {
    other.wipe();
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        value_ = other.value_;
        other.wipe();
    }
    return *this;
}

Secret::~Secret() {
    wipe();
}

void Secret::wipe() {
    // Copies instead of moves above so the small-string buffer never leaves bytes behind.
    if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
    value_.clear();
}

bool operator==(const Secret& a, const Secret& b) {
    return a.reveal().size() == b.reveal().size() &&
           CRYPTO_memcmp(a.reveal().data(), b.reveal().data(), a.reveal().size()) == 0;
}

}  // namespace gateway
