// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/proposal.h"

#include <gtest/gtest.h>

using namespace gateway;

TEST(Proposal, AcceptsCommonProposals) {
    for (const char* p :
         {"aes256gcm16-prfsha384-ecp384", "aes256-sha256-modp2048",
          "aes128-sha256-prfsha256-x25519", "chacha20poly1305-prfsha256-curve25519"})
        EXPECT_TRUE(check_proposal(p, ProposalKind::Ike).errors.empty()) << p;
    for (const char* p : {"aes256gcm16", "aes256gcm16-ecp384", "aes128-sha256-modp3072-esn",
                          "aes256-sha384-sha256"})
        EXPECT_TRUE(check_proposal(p, ProposalKind::Esp).errors.empty()) << p;
}

TEST(Proposal, IncompleteProposals) {
    EXPECT_FALSE(check_proposal("aes256-sha256", ProposalKind::Ike).errors.empty());       // no DH
    EXPECT_FALSE(check_proposal("aes256gcm16-ecp384", ProposalKind::Ike).errors.empty());  // no PRF
    EXPECT_FALSE(check_proposal("aes256-modp2048", ProposalKind::Esp).errors.empty());  // no integ
    EXPECT_FALSE(check_proposal("sha256-modp2048", ProposalKind::Esp).errors.empty());  // no encr
    EXPECT_FALSE(check_proposal("aes256gcm16-prfsha256", ProposalKind::Esp).errors.empty());
    EXPECT_FALSE(check_proposal("aes256gcm16-aes256-sha256", ProposalKind::Esp).errors.empty());
    EXPECT_FALSE(check_proposal("", ProposalKind::Esp).errors.empty());
    EXPECT_FALSE(check_proposal("aes256--sha256", ProposalKind::Esp).errors.empty());
}

TEST(Proposal, UnknownAlgorithmSuggestsClosest) {
    auto c = check_proposal("aes256gmc16-prfsha384-ecp384", ProposalKind::Ike);
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_NE(c.errors[0].find("did you mean \"aes256gcm16\""), std::string::npos) << c.errors[0];
}

TEST(Proposal, WeakAlgorithmsFlagged) {
    struct Case {
        const char* p;
        ProposalKind k;
        const char* weak;
    };
    for (const Case& c : {Case{"des-sha256", ProposalKind::Esp, "des"},
                          Case{"3des-sha256-modp2048", ProposalKind::Ike, "3des"},
                          Case{"aes128-md5", ProposalKind::Esp, "md5"},
                          Case{"aes128-sha1", ProposalKind::Esp, "sha1"},
                          Case{"aes128-sha256-modp768", ProposalKind::Ike, "modp768"},
                          Case{"aes128-sha256-modp1024", ProposalKind::Ike, "modp1024"}}) {
        auto r = check_proposal(c.p, c.k);
        EXPECT_TRUE(r.errors.empty()) << c.p;
        ASSERT_EQ(r.weak.size(), 1u) << c.p;
        EXPECT_EQ(r.weak[0], c.weak);
    }
    EXPECT_TRUE(check_proposal("aes256-sha256-modp2048", ProposalKind::Ike).weak.empty());
}

TEST(Proposal, EspTransformsAreTheCrossProduct) {
    auto c = check_proposal("aes128-aes256-sha256-sha512", ProposalKind::Esp);
    ASSERT_TRUE(c.errors.empty());
    EXPECT_EQ(c.transforms.size(), 4u);
}
