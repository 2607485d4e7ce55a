// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/nft_mss.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <nftables/libnftables.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

namespace vti {

namespace {

struct Nft {
    struct Free {
        void operator()(nft_ctx* c) const { nft_ctx_free(c); }
    };
    std::unique_ptr<nft_ctx, Free> ctx{nft_ctx_new(NFT_CTX_DEFAULT)};
    Nft() {
        if (!ctx) return;
        nft_ctx_buffer_output(ctx.get());
        nft_ctx_buffer_error(ctx.get());
    }
    int run(const std::string& s) { return nft_run_cmd_from_buffer(ctx.get(), s.c_str()); }
    std::string err() {
        std::string e = nft_ctx_get_error_buffer(ctx.get());
        while (!e.empty() && e.back() == '\n') e.pop_back();
        return e;
    }
};

std::string table_ref() {
    return std::string("inet ") + kNftTable;
}

}  // namespace

std::vector<MssRule> desired_mss_rules(const DesiredState& d) {
    std::vector<MssRule> out;
    for (const auto& t : d.tunnels) {
        for (bool inbound : {false, true}) {
            if (t.mss.mode == MssSpec::Mode::RouteMtu) out.push_back({t.ifname, inbound, 0, 0});
            if (t.mss.mode == MssSpec::Mode::Fixed) {
                if (t.mss.ipv4) out.push_back({t.ifname, inbound, 4, t.mss.ipv4});
                if (t.mss.ipv6) out.push_back({t.ifname, inbound, 6, t.mss.ipv6});
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string mss_rule_comment(const MssRule& r) {
    return std::string("vtigw:") + (r.inbound ? "i:" : "o:") + r.ifname + ":" +
           std::to_string(r.nfproto) + ":" + std::to_string(r.mss);
}

MssRule parse_mss_comment(const std::string& c) {
    MssRule bad{"?", false, 0, 0xffff};
    std::vector<std::string> f;
    size_t pos = 0;
    for (size_t next; (next = c.find(':', pos)) != std::string::npos; pos = next + 1)
        f.push_back(c.substr(pos, next - pos));
    f.push_back(c.substr(pos));
    if (f.size() != 5 || f[0] != "vtigw" || (f[1] != "i" && f[1] != "o") || f[2].empty())
        return bad;
    if (f[3] != "0" && f[3] != "4" && f[3] != "6") return bad;
    if (f[4].empty() || f[4].size() > 5 ||
        f[4].find_first_not_of("0123456789") != std::string::npos)
        return bad;
    unsigned long mss = std::stoul(f[4]);
    if (mss > 65535) return bad;
    return MssRule{f[2], f[1] == "i", f[3][0] - '0', static_cast<uint16_t>(mss)};
}

std::string mss_rule_text(const MssRule& r) {
    std::string s = std::string(r.inbound ? "iifname" : "oifname") + " \"" + r.ifname + "\"";
    if (r.nfproto) s += r.nfproto == 4 ? " meta nfproto ipv4" : " meta nfproto ipv6";
    s += " tcp flags syn / syn,rst";
    if (r.mss) {
        std::string v = std::to_string(r.mss);
        s += " tcp option maxseg size > " + v + " tcp option maxseg size set " + v;
    } else {
        s += " tcp option maxseg size set rt mtu";
    }
    return s + " comment \"" + mss_rule_comment(r) + "\"";
}

std::string mss_replace_script(const std::vector<MssRule>& rules) {
    std::string t = table_ref();
    std::string s = "table " + t + " {}\ndelete table " + t + "\n";
    if (rules.empty()) return s;
    s += "table " + t + " {\n\tchain forward {\n";
    s += "\t\ttype filter hook forward priority mangle; policy accept;\n";
    for (const auto& r : rules) s += "\t\t" + mss_rule_text(r) + "\n";
    s += "\t}\n}\n";
    return s;
}

bool mss_table_matches(const NftState& s, const std::vector<MssRule>& rules) {
    if (!s.present) return rules.empty();
    return !rules.empty() && s.shape_ok && s.rules == rules;
}

nl::Message build_mss_table_get() {
    nl::Message m((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, 0);
    auto* g = m.put_extra<nfgenmsg>();
    if (g) {
        g->nfgen_family = NFPROTO_INET;
        g->version = NFNETLINK_V0;
    }
    m.put_strz(NFTA_TABLE_NAME, kNftTable);
    return m;
}

nl::Message build_mss_rule_dump() {
    nl::Message m((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETRULE, 0);
    auto* g = m.put_extra<nfgenmsg>();
    if (g) {
        g->nfgen_family = NFPROTO_INET;
        g->version = NFNETLINK_V0;
    }
    m.put_strz(NFTA_RULE_TABLE, kNftTable);
    return m;
}

std::optional<MssRule> parse_mss_rule(const nlmsghdr* nlh, std::string* chain) {
    if (nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE) ||
        mnl_nlmsg_get_payload_len(nlh) < sizeof(nfgenmsg))
        return std::nullopt;
    auto* g = static_cast<const nfgenmsg*>(mnl_nlmsg_get_payload(nlh));
    if (g->nfgen_family != NFPROTO_INET) return std::nullopt;
    std::string table, comment;
    nl::for_each_attr(nlh, sizeof(nfgenmsg), [&](const nlattr* a) {
        uint16_t t = mnl_attr_get_type(a);
        if ((t == NFTA_RULE_TABLE || t == NFTA_RULE_CHAIN) &&
            mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
            (t == NFTA_RULE_TABLE ? table : *chain) = mnl_attr_get_str(a);
        if (t == NFTA_RULE_USERDATA) {
            // libnftnl user data: {u8 type, u8 len, value[len]}...; type 0 is the comment.
            const auto* p = static_cast<const uint8_t*>(mnl_attr_get_payload(a));
            size_t n = mnl_attr_get_payload_len(a);
            for (size_t i = 0; i + 2 <= n && i + 2 + p[i + 1] <= n; i += 2 + p[i + 1])
                if (p[i] == 0 && p[i + 1] > 0)
                    comment.assign(reinterpret_cast<const char*>(p + i + 2),
                                   strnlen(reinterpret_cast<const char*>(p + i + 2), p[i + 1]));
        }
    });
    if (table != kNftTable) return std::nullopt;
    return parse_mss_comment(comment);
}

Expected<NftState> read_mss_table(nl::Socket& nfnl) {
    NftState st;
    std::vector<nl::Request> get;
    get.push_back({build_mss_table_get(), nl::Idempotence::Strict, "get table inet vtigw"});
    Result r = nfnl.transact(get)[0];
    if (r.code() == ENOENT) return st;
    if (!r.ok()) return r;
    st.present = true;
    st.shape_ok = true;
    auto dump = build_mss_rule_dump();
    r = nfnl.dump(dump, [&](const nlmsghdr* h) {
        std::string chain;
        if (auto rule = parse_mss_rule(h, &chain)) {
            st.rules.push_back(*rule);
            if (chain != "forward") st.shape_ok = false;
        }
    });
    if (!r.ok()) return r.prefix("nft rules of table inet vtigw: ");
    std::sort(st.rules.begin(), st.rules.end());
    return st;
}

Expected<uint32_t> read_nft_generation(nl::Socket& nfnl) {
    nl::Message m((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN, 0);
    auto* g = m.put_extra<nfgenmsg>();
    if (g) {
        g->nfgen_family = AF_UNSPEC;
        g->version = NFNETLINK_V0;
    }
    std::optional<uint32_t> gen;
    Result r = nfnl.get(m, [&](const nlmsghdr* h) {
        if (h->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN)) return;
        nl::for_each_attr(h, sizeof(nfgenmsg), [&](const nlattr* a) {
            if (mnl_attr_get_type(a) == NFTA_GEN_ID && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
                gen = ntohl(mnl_attr_get_u32(a));
        });
    });
    if (!r.ok()) return r.prefix("nf_tables generation: ");
    if (!gen) return Result::fail(EPROTO, "nf_tables generation: no NFTA_GEN_ID in the answer");
    return *gen;
}

Result run_nft(const std::string& script) {
    Nft nft;
    if (!nft.ctx) return Result::fail(ENOMEM, "nft context");
    if (nft.run(script) != 0) return Result::fail(EINVAL, "nft transaction", nft.err());
    return {};
}

}  // namespace vti
