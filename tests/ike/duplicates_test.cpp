// SPDX-License-Identifier: GPL-2.0-or-later
// The rule both ends of a tunnel apply to keep the same one of two crossing IKE_SAs.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "vtigw_duplicates.h"

namespace {

struct Sa {
    uint64_t spi_i, spi_r;
};

bool preferred(const Sa& a, const Sa& b) {
    return vtigw_ike_sa_preferred(a.spi_i, a.spi_r, b.spi_i, b.spi_r);
}

// What each side does: walk its own list of SAs (in whatever order charon enumerates them)
// and keep the preferred one.
Sa keep(const std::vector<Sa>& sas) {
    Sa best = sas.front();
    for (const Sa& sa : sas)
        if (preferred(sa, best)) best = sa;
    return best;
}

TEST(Duplicates, HigherInitiatorSpiWins) {
    EXPECT_TRUE(preferred({0x9000000000000001, 1}, {0x8fffffffffffffff, 0xffffffffffffffff}));
    EXPECT_FALSE(preferred({0x8fffffffffffffff, 0xffffffffffffffff}, {0x9000000000000001, 1}));
}

TEST(Duplicates, EqualInitiatorSpisFallBackToResponderSpi) {
    EXPECT_TRUE(preferred({7, 3}, {7, 2}));
    EXPECT_FALSE(preferred({7, 2}, {7, 3}));
}

TEST(Duplicates, AnSaIsNotPreferredToItself) {
    EXPECT_FALSE(preferred({7, 3}, {7, 3}));
}

TEST(Duplicates, BothSidesKeepTheSameSaWhateverTheirOrder) {
    std::mt19937_64 rng(42);
    for (int round = 0; round < 1000; round++) {
        std::vector<Sa> sas(2 + round % 3);
        for (Sa& sa : sas) sa = {rng() % 4, rng() % 4 + 1};  // small: equal spi_i values occur
        Sa west = keep(sas);
        std::vector<Sa> shuffled = sas;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        Sa east = keep(shuffled);
        ASSERT_EQ(west.spi_i, east.spi_i) << "round " << round;
        ASSERT_EQ(west.spi_r, east.spi_r) << "round " << round;
        for (const Sa& other : sas) {
            bool same = other.spi_i == west.spi_i && other.spi_r == west.spi_r;
            if (!same) {
                EXPECT_TRUE(preferred(west, other)) << "round " << round;
            }
        }
    }
}

}  // namespace
