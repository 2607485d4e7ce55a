// SPDX-License-Identifier: GPL-2.0-or-later
// ESP overhead: closed-form inner MTU checked against a brute-force packet layout, plus a table
// of hand-computed values.
#include "gateway/mtu.h"

#include <gtest/gtest.h>

#include "gateway/proposal.h"

using namespace gateway;

namespace {

// Builds the outer size by walking the ESP layout byte by byte, independent of mtu.cpp.
uint32_t brute_outer(uint32_t inner, uint32_t iv, uint32_t block, uint32_t icv, bool natt,
                     bool v6) {
    uint32_t encrypted = inner + 2;              // payload, pad length, next header
    while (encrypted % block != 0) ++encrypted;  // padding bytes
    return (v6 ? 40 : 20) + (natt ? 8 : 0) + 4 /* SPI */ + 4 /* seq */ + iv + encrypted + icv;
}

uint32_t brute_inner_mtu(uint32_t underlay, uint32_t iv, uint32_t block, uint32_t icv, bool natt,
                         bool v6) {
    uint32_t best = 0;
    for (uint32_t n = 1; n <= underlay; ++n)
        if (brute_outer(n, iv, block, icv, natt, v6) <= underlay) best = n;
    return best;
}

EspTransform only_transform(const std::string& proposal) {
    auto c = check_proposal(proposal, ProposalKind::Esp);
    EXPECT_TRUE(c.errors.empty()) << proposal;
    EXPECT_EQ(c.transforms.size(), 1u) << proposal;
    return c.transforms.at(0);
}

}  // namespace

struct Row {
    const char* proposal;
    uint32_t iv, block, icv;
};

TEST(Mtu, TransformSizesFromProposals) {
    const Row rows[] = {
        {"aes128gcm16", 8, 4, 16},      {"aes256gcm16", 8, 4, 16},
        {"aes256gcm12", 8, 4, 12},      {"aes128gcm8", 8, 4, 8},
        {"aes128ctr-sha256", 8, 4, 16}, {"chacha20poly1305", 8, 4, 16},
        {"aes128-sha256", 16, 16, 16},  {"aes256-sha384", 16, 16, 24},
        {"aes256-sha512", 16, 16, 32},  {"aes128-sha1", 16, 16, 12},
        {"3des-sha256", 8, 8, 16},      {"aes256ccm16", 8, 4, 16},
    };
    for (const auto& r : rows) {
        auto t = only_transform(r.proposal);
        EXPECT_EQ(t.iv_size, r.iv) << r.proposal;
        EXPECT_EQ(t.block_size, r.block) << r.proposal;
        EXPECT_EQ(t.icv_size, r.icv) << r.proposal;
    }
}

TEST(Mtu, ClosedFormMatchesBruteForceForEveryUnderlay) {
    const char* proposals[] = {
        "aes128gcm16",   "aes256gcm12", "aes128gcm8",  "aes128-sha256",    "aes256-sha384",
        "aes256-sha512", "aes128-sha1", "3des-sha256", "aes128ctr-sha256", "chacha20poly1305"};
    for (const char* p : proposals) {
        auto t = only_transform(p);
        for (bool natt : {false, true}) {
            for (bool v6 : {false, true}) {
                for (uint32_t u : {576u, 1280u, 1400u, 1436u, 1460u, 1492u, 1500u, 1501u, 1502u,
                                   1503u, 1504u, 1505u, 1507u, 9000u}) {
                    uint32_t want =
                        brute_inner_mtu(u, t.iv_size, t.block_size, t.icv_size, natt, v6);
                    auto got = esp_inner_mtu(t, u, natt, v6);
                    ASSERT_TRUE(got.has_value()) << p << " " << u;
                    EXPECT_EQ(*got, want)
                        << p << " underlay " << u << " natt " << natt << " v6 " << v6;
                    // The defining property: it fits, one byte more does not.
                    EXPECT_LE(esp_outer_size(t, *got, natt, v6), u);
                    EXPECT_GT(esp_outer_size(t, *got + 1, natt, v6), u);
                    EXPECT_EQ(esp_outer_size(t, *got, natt, v6),
                              brute_outer(*got, t.iv_size, t.block_size, t.icv_size, natt, v6));
                }
            }
        }
    }
}

TEST(Mtu, HandComputedTable) {
    struct Case {
        const char* proposal;
        uint32_t underlay;
        bool natt, v6;
        uint32_t mtu;
    };
    const Case cases[] = {
        // 1500 − 20 − 8 − 8 − 16 = 1448 (multiple of 4) − 2
        {"aes128gcm16", 1500, false, false, 1446},
        {"aes128gcm16", 1500, true, false, 1438},
        {"aes128gcm16", 1500, false, true, 1426},
        {"aes256gcm16", 1500, true, true, 1418},
        // CBC: 1500 − 20 − 8 − 16 − 16 = 1440 (multiple of 16) − 2
        {"aes128-sha256", 1500, false, false, 1438},
        // 1500 − 20 − 8 − 8 − 16 − 16 = 1432 → 1424 − 2
        {"aes256-sha256", 1500, true, false, 1422},
        // 1500 − 20 − 8 − 16 − 12 = 1444 → 1440 − 2
        {"aes128-sha1", 1500, false, false, 1438},
        {"chacha20poly1305", 1500, false, false, 1446},
        // GCP's 1460 gateway MTU with NAT-T: 1460 − 20 − 8 − 8 − 8 − 16 = 1400 − 2
        {"aes256gcm16", 1460, true, false, 1398},
    };
    for (const auto& c : cases) {
        auto got = esp_inner_mtu(only_transform(c.proposal), c.underlay, c.natt, c.v6);
        ASSERT_TRUE(got) << c.proposal;
        EXPECT_EQ(*got, c.mtu) << c.proposal << " " << c.underlay << " natt " << c.natt << " v6 "
                               << c.v6;
    }
}

TEST(Mtu, TooSmallUnderlayHasNoMtu) {
    auto t = only_transform("aes256-sha512");
    EXPECT_FALSE(esp_inner_mtu(t, 60, true, true).has_value());
}

TEST(Mtu, Mss) {
    EXPECT_EQ(mss_for_mtu(1438, false), 1398u);
    EXPECT_EQ(mss_for_mtu(1438, true), 1378u);
    EXPECT_EQ(mss_for_mtu(30, false), 0u);
}
