// SPDX-License-Identifier: GPL-2.0-or-later
// Layer 1: nft script generation and reading rules back from nfnetlink messages, no kernel.
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <algorithm>

#include "vti/nft_mss.h"

using namespace vti;

namespace {

// An NFT_MSG_NEWRULE as the kernel dumps it, with libnftnl's comment user data.
nl::Message rule_message(const std::string& table, const std::string& chain,
                         const std::string& comment) {
    nl::Message m((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE, 0);
    auto* g = m.put_extra<nfgenmsg>();
    g->nfgen_family = NFPROTO_INET;
    m.put_strz(NFTA_RULE_TABLE, table);
    m.put_strz(NFTA_RULE_CHAIN, chain);
    std::vector<uint8_t> ud = {0, static_cast<uint8_t>(comment.size() + 1)};
    ud.insert(ud.end(), comment.begin(), comment.end());
    ud.push_back(0);
    m.put(NFTA_RULE_USERDATA, ud.data(), ud.size());
    return m;
}

}  // namespace

TEST(Nft, CommentNamesTheRuleAndParsesBack) {
    for (MssRule r : {MssRule{"vti0", false, 4, 1360}, MssRule{"x.y-z", true, 0, 0},
                      MssRule{"v6", false, 6, 1220}}) {
        EXPECT_EQ(parse_mss_comment(mss_rule_comment(r)), r) << mss_rule_comment(r);
    }
    EXPECT_EQ(mss_rule_comment({"vti0", true, 0, 0}), "vtigw:i:vti0:0:0");
    for (const char* bad :
         {"", "vtigw", "vtigw:x:vti0:0:0", "vtigw:i::0:0", "vtigw:i:a:5:0", "vtigw:i:a:4:99999",
          "vtigw:i:a:4:", "other:i:a:4:1", "vtigw:i:a:4:1:2"})
        EXPECT_EQ(parse_mss_comment(bad).ifname, "?") << bad;
}

TEST(Nft, RuleMessagesAreReadByComment) {
    std::string chain;
    auto m = rule_message("vtigw", "forward", "vtigw:o:vti0:4:1360");
    auto r = parse_mss_rule(m.header(), &chain);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (MssRule{"vti0", false, 4, 1360}));
    EXPECT_EQ(chain, "forward");
    EXPECT_FALSE(parse_mss_rule(rule_message("other", "forward", "x").header(), &chain));
    auto foreign = parse_mss_rule(rule_message("vtigw", "forward", "hand made").header(), &chain);
    ASSERT_TRUE(foreign);
    EXPECT_EQ(foreign->ifname, "?") << "a rule vtigw did not write never matches";
}

TEST(Nft, TableMatching) {
    std::vector<MssRule> want = {{"a", false, 0, 0}, {"a", true, 0, 0}};
    NftState st{true, true, want};
    EXPECT_TRUE(mss_table_matches(st, want));
    st.shape_ok = false;
    EXPECT_FALSE(mss_table_matches(st, want));
    EXPECT_FALSE(mss_table_matches(NftState{}, want));
    EXPECT_TRUE(mss_table_matches(NftState{}, {}));
    EXPECT_FALSE(mss_table_matches(NftState{true, true, {}}, {})) << "an empty table is deleted";
}

TEST(Nft, ScriptReplacesAtomically) {
    DesiredState d;
    TunnelSpec t;
    t.ifname = "vti0";
    t.mss = {MssSpec::Mode::Fixed, 1360, 1340};
    d.tunnels.push_back(t);
    auto rules = desired_mss_rules(d);
    ASSERT_EQ(rules.size(), 4u);
    EXPECT_TRUE(std::is_sorted(rules.begin(), rules.end()));
    std::string s = mss_replace_script(rules);
    EXPECT_EQ(s.rfind("table inet vtigw {}\ndelete table inet vtigw\ntable inet vtigw {", 0), 0u)
        << s;
    EXPECT_NE(s.find("oifname \"vti0\" meta nfproto ipv6 tcp flags syn / syn,rst tcp option "
                     "maxseg size > 1340 tcp option maxseg size set 1340 comment "
                     "\"vtigw:o:vti0:6:1340\""),
              std::string::npos)
        << s;
    EXPECT_NE(s.find("type filter hook forward priority mangle; policy accept;"),
              std::string::npos);
    EXPECT_EQ(mss_replace_script({}), "table inet vtigw {}\ndelete table inet vtigw\n");
    EXPECT_EQ(mss_rule_text({"x", true, 0, 0}),
              "iifname \"x\" tcp flags syn / syn,rst tcp option maxseg size set rt mtu comment "
              "\"vtigw:i:x:0:0\"");
}
