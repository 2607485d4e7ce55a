// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/proposal.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "gateway/diagnostics.h"

namespace gateway {
namespace {

enum class Type { Encr, Integ, Prf, Dh, Esn };

struct Algo {
    std::string_view name;
    Type type;
    bool weak = false;
    bool aead = false;
    uint32_t iv = 0;     // encryption: explicit IV bytes
    uint32_t block = 4;  // encryption: padding alignment
    uint32_t icv = 0;    // AEAD tag or integrity ICV bytes
};

// strongSwan's proposal keywords (src/libstrongswan/crypto/proposal/proposal_keywords_static.txt)
// that Linux ESP and charon's default plugins support.
constexpr auto kAlgos = std::to_array<Algo>({
    {"aes", Type::Encr, false, false, 16, 16, 0},
    {"aes128", Type::Encr, false, false, 16, 16, 0},
    {"aes192", Type::Encr, false, false, 16, 16, 0},
    {"aes256", Type::Encr, false, false, 16, 16, 0},
    {"aes128ctr", Type::Encr, false, false, 8, 4, 0},
    {"aes192ctr", Type::Encr, false, false, 8, 4, 0},
    {"aes256ctr", Type::Encr, false, false, 8, 4, 0},
    {"aes128gcm8", Type::Encr, false, true, 8, 4, 8},
    {"aes128gcm12", Type::Encr, false, true, 8, 4, 12},
    {"aes128gcm16", Type::Encr, false, true, 8, 4, 16},
    {"aes192gcm8", Type::Encr, false, true, 8, 4, 8},
    {"aes192gcm12", Type::Encr, false, true, 8, 4, 12},
    {"aes192gcm16", Type::Encr, false, true, 8, 4, 16},
    {"aes256gcm8", Type::Encr, false, true, 8, 4, 8},
    {"aes256gcm12", Type::Encr, false, true, 8, 4, 12},
    {"aes256gcm16", Type::Encr, false, true, 8, 4, 16},
    {"aes128gcm", Type::Encr, false, true, 8, 4, 16},
    {"aes256gcm", Type::Encr, false, true, 8, 4, 16},
    {"aes128ccm8", Type::Encr, false, true, 8, 4, 8},
    {"aes128ccm12", Type::Encr, false, true, 8, 4, 12},
    {"aes128ccm16", Type::Encr, false, true, 8, 4, 16},
    {"aes256ccm8", Type::Encr, false, true, 8, 4, 8},
    {"aes256ccm12", Type::Encr, false, true, 8, 4, 12},
    {"aes256ccm16", Type::Encr, false, true, 8, 4, 16},
    {"chacha20poly1305", Type::Encr, false, true, 8, 4, 16},
    {"camellia128", Type::Encr, false, false, 16, 16, 0},
    {"camellia192", Type::Encr, false, false, 16, 16, 0},
    {"camellia256", Type::Encr, false, false, 16, 16, 0},
    {"3des", Type::Encr, true, false, 8, 8, 0},
    {"des", Type::Encr, true, false, 8, 8, 0},
    {"null", Type::Encr, true, false, 0, 4, 0},
    {"md5", Type::Integ, true, false, 0, 0, 12},
    {"md5_128", Type::Integ, true, false, 0, 0, 16},
    {"sha1", Type::Integ, true, false, 0, 0, 12},
    {"sha", Type::Integ, true, false, 0, 0, 12},
    {"sha1_160", Type::Integ, false, false, 0, 0, 20},
    {"sha256", Type::Integ, false, false, 0, 0, 16},
    {"sha2_256", Type::Integ, false, false, 0, 0, 16},
    {"sha256_96", Type::Integ, true, false, 0, 0, 12},
    {"sha384", Type::Integ, false, false, 0, 0, 24},
    {"sha2_384", Type::Integ, false, false, 0, 0, 24},
    {"sha512", Type::Integ, false, false, 0, 0, 32},
    {"sha2_512", Type::Integ, false, false, 0, 0, 32},
    {"aesxcbc", Type::Integ, false, false, 0, 0, 12},
    {"aescmac", Type::Integ, false, false, 0, 0, 12},
    {"prfmd5", Type::Prf, true},
    {"prfsha1", Type::Prf},
    {"prfsha256", Type::Prf},
    {"prfsha384", Type::Prf},
    {"prfsha512", Type::Prf},
    {"prfaesxcbc", Type::Prf},
    {"prfaescmac", Type::Prf},
    {"modp768", Type::Dh, true},
    {"modp1024", Type::Dh, true},
    {"modp1024s160", Type::Dh, true},
    {"modp1536", Type::Dh},
    {"modp2048", Type::Dh},
    {"modp2048s224", Type::Dh},
    {"modp2048s256", Type::Dh},
    {"modp3072", Type::Dh},
    {"modp4096", Type::Dh},
    {"modp6144", Type::Dh},
    {"modp8192", Type::Dh},
    {"ecp224", Type::Dh},
    {"ecp256", Type::Dh},
    {"ecp384", Type::Dh},
    {"ecp521", Type::Dh},
    {"ecp224bp", Type::Dh},
    {"ecp256bp", Type::Dh},
    {"ecp384bp", Type::Dh},
    {"ecp512bp", Type::Dh},
    {"curve25519", Type::Dh},
    {"x25519", Type::Dh},
    {"curve448", Type::Dh},
    {"x448", Type::Dh},
    {"esn", Type::Esn},
    {"noesn", Type::Esn},
});

const Algo* find_algo(std::string_view name) {
    for (const auto& a : kAlgos)
        if (a.name == name) return &a;
    return nullptr;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

ProposalCheck check_proposal(std::string_view text, ProposalKind kind) {
    ProposalCheck out;
    if (text.empty()) {
        out.errors.push_back("empty proposal");
        return out;
    }
    std::vector<const Algo*> encr, integ, prf, dh, esn;
    std::string s = lower(text);
    size_t start = 0;
    while (start <= s.size()) {
        size_t dash = s.find('-', start);
        std::string tok =
            s.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
        start = dash == std::string::npos ? s.size() + 1 : dash + 1;
        if (tok.empty()) {
            out.errors.push_back("empty algorithm between dashes");
            continue;
        }
        const Algo* a = find_algo(tok);
        if (!a) {
            std::vector<std::string_view> names;
            for (const auto& k : kAlgos) names.push_back(k.name);
            std::string hint = did_you_mean(tok, names);
            out.errors.push_back("unknown algorithm " + render_value(nlohmann::json(tok), 40) +
                                 (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
            continue;
        }
        if (a->weak) out.weak.push_back(std::string(a->name));
        switch (a->type) {
            case Type::Encr:
                encr.push_back(a);
                break;
            case Type::Integ:
                integ.push_back(a);
                break;
            case Type::Prf:
                prf.push_back(a);
                break;
            case Type::Dh:
                dh.push_back(a);
                break;
            case Type::Esn:
                esn.push_back(a);
                break;
        }
    }
    if (!out.errors.empty()) return out;

    bool any_aead = std::any_of(encr.begin(), encr.end(), [](auto* a) { return a->aead; });
    bool any_classic = std::any_of(encr.begin(), encr.end(), [](auto* a) { return !a->aead; });
    if (encr.empty()) out.errors.push_back("no encryption algorithm");
    if (any_aead && any_classic)
        out.errors.push_back("mixes AEAD (GCM/CCM/ChaCha20-Poly1305) and non-AEAD ciphers");
    if (kind == ProposalKind::Ike) {
        if (!esn.empty()) out.errors.push_back("esn/noesn apply to ESP, not IKE");
        if (dh.empty()) out.errors.push_back("no key exchange group (e.g. ecp384, modp2048)");
        if (any_aead && prf.empty())
            out.errors.push_back("AEAD cipher needs a PRF (e.g. prfsha384)");
        if (any_aead && !integ.empty())
            out.errors.push_back("AEAD cipher must not be combined with an integrity algorithm");
        if (any_classic && integ.empty())
            out.errors.push_back("no integrity algorithm (e.g. sha256)");
    } else {
        if (!prf.empty()) out.errors.push_back("a PRF applies to IKE, not ESP");
        if (any_aead && !integ.empty())
            out.errors.push_back("AEAD cipher must not be combined with an integrity algorithm");
        if (any_classic && integ.empty())
            out.errors.push_back("no integrity algorithm (e.g. sha256)");
        if (out.errors.empty()) {
            for (auto* e : encr) {
                if (e->aead) {
                    out.transforms.push_back({std::string(e->name), e->iv, e->block, e->icv});
                    continue;
                }
                for (auto* i : integ)
                    out.transforms.push_back({std::string(e->name) + "-" + std::string(i->name),
                                              e->iv, e->block, i->icv});
            }
        }
    }
    return out;
}

}  // namespace gateway
