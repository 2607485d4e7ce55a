// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Captured FRR 8.4.4 / iproute2 output in tests/frr-runtime/data.

#include <fstream>
#include <sstream>
#include <string>

inline std::string test_data(const std::string& name) {
    std::ifstream in(std::string(FRR_TEST_DATA) + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
