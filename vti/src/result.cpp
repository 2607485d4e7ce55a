// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/result.h"

#include <cstring>

namespace vti {

std::string Error::message() const {
    std::string s = context.empty() ? std::string() : context + ": ";
    s += std::strerror(code);
    if (!kernel.empty()) s += " (kernel: " + kernel + ")";
    return s;
}

}  // namespace vti
