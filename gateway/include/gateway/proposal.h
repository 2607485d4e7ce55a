// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// strongSwan proposal strings ("aes256gcm16-prfsha384-ecp384", "aes256-sha256-modp2048"):
// tokenised, every algorithm recognised, incomplete or weak proposals reported.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/mtu.h"

namespace gateway {

/** Which SA a proposal is for; the required and allowed parts differ. */
enum class ProposalKind { Ike, Esp };

/** The outcome of checking one proposal string. */
struct ProposalCheck {
    /** Problems that make the proposal unusable, each a complete sentence fragment. */
    std::vector<std::string> errors;
    /** Weak algorithms used (e.g. "3des", "modp1024"), in order of appearance. */
    std::vector<std::string> weak;
    /** ESP transforms the proposal allows (every encryption × integrity; ESP only). */
    std::vector<EspTransform> transforms;
};

/** Parses and checks `text` as a proposal of `kind`. */
ProposalCheck check_proposal(std::string_view text, ProposalKind kind);

}  // namespace gateway
