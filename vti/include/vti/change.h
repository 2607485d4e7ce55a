// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One planned kernel change: what the user sees (description, `ip`/`nft` equivalent) and what
// the executor sends. Also the snapshot of owned kernel state that plans are computed from.

#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "vti/address.h"
#include "vti/link.h"
#include "vti/nft_mss.h"
#include "vti/route.h"
#include "vti/sysctl.h"
#include "vti/xfrm_policy.h"

namespace vti {

/** A human-readable planned change. */
struct Change {
    /** What happens to the object. */
    enum class Action { Add, Modify, Remove };
    /** Which kernel object family. */
    enum class Object { Link, Address, Route, Policy, Sysctl, Nft };
    /** Add, modify or remove. */
    Action action = Action::Add;
    /** The object family changed. */
    Object object = Object::Link;
    /** Tunnel the object belongs to; empty for the shared nft table. */
    std::string tunnel;
    /** One line, e.g. "create vti interface vti-aws1 (key 100)". */
    std::string description;
    /** The exact `ip` / `sysctl` / `nft` equivalent; several lines for several commands. */
    std::string command;
    /** "tunnel <t>: <description>". */
    std::string str() const;
};

/** "add", "modify" or "remove". */
const char* to_string(Change::Action a);
/** "link", "address", "route", "policy", "sysctl" or "nft". */
const char* to_string(Change::Object o);

/** Link step: create, change (MTU / alias / admin state, optionally tunnel parameters), delete. */
struct LinkStep {
    /** What the step does. */
    enum class Kind { Create, Change, Delete } kind = Kind::Create;
    /** Target state (Create/Change) or the link being deleted (Delete). */
    LinkInfo want;
    /** State before (Change/Delete), for rollback. */
    LinkInfo before;
    /** Change also sends the tunnel parameters. */
    bool tunnel = false;
    /** Adopt mode: the link is not created or deleted by vtigw, only marked and configured. */
    bool adopted = false;
};

/** Address step. */
struct AddressStep {
    /** Add or delete. */
    bool add = true;
    /** The address; index is resolved from ifname when executed. */
    AddressInfo addr;
};

/** Route step. */
struct RouteStep {
    /** Add, replace, delete. */
    RouteOp op = RouteOp::Add;
    /** Target route (oif resolved from oif_name when executed). */
    RouteInfo route;
    /** Route before a Replace, for rollback. */
    RouteInfo before;
};

/** xfrm policy step. */
struct PolicyStep {
    /** Add, update, delete. */
    PolicyOp op = PolicyOp::Add;
    /** Target policy (or the one being deleted). */
    PolicyInfo policy;
    /** Policy before an Update, for rollback. */
    PolicyInfo before;
};

/** Sysctl step. */
struct SysctlStep {
    /** The setting to write. */
    SysctlSetting want;
    /** Value before, or empty when unknown (new interface): then rollback skips it. */
    std::string before;
};

/** nft step: replace table inet vtigw with these rules (delete it when empty). */
struct NftStep {
    /** Desired rules. */
    std::vector<MssRule> rules;
    /** The nft script to run (one transaction). */
    std::string script;
    /** nft script restoring the previous table (from the snapshot), for rollback. */
    std::string restore;
};

/** A planned change plus what the executor needs to perform and undo it. */
struct Step {
    /** The user-visible change. */
    Change change;
    /** What to send. */
    std::variant<LinkStep, AddressStep, RouteStep, PolicyStep, SysctlStep, NftStep> op;
};

/** Sysctl steps that can ride on a link message instead of a file write each. */
struct LinkSettings {
    /** The IPv4 settings, per name of a link created by the same steps. */
    std::map<std::string, Ipv4Conf> conf;
    /** Indexes of the sysctl steps they stand for. */
    std::set<size_t> steps;
};

/** The IPv4 settings (rp_filter, disable_policy) of links that `steps` create: a new interface
 *  has no old value to restore and nothing cached to flush, so its settings can go with its
 *  alias message (build_link_change) instead of a write to /proc/sys each. */
LinkSettings settings_on_created_links(const std::vector<Step>& steps);

/** The step that undoes `s` (after `s` succeeded). */
Step inverse(const Step& s);

/** Builders of complete steps (description + command + op). */
Step make_link_step(LinkStep ls, const std::string& tunnel);
Step make_address_step(bool add, const AddressInfo& a, const std::string& tunnel);
Step make_route_step(RouteOp op, const RouteInfo& r, const RouteInfo& before,
                     const std::string& tunnel);
Step make_policy_step(PolicyOp op, const PolicyInfo& p, const PolicyInfo& before,
                      const std::string& tunnel);
Step make_sysctl_step(const SysctlSetting& s, const std::string& before);
Step make_nft_step(const std::vector<MssRule>& rules, const NftState& before);

/** Everything in the kernel a plan depends on. */
struct KernelSnapshot {
    /** All links (owned and foreign: foreign ones are needed for conflict checks). */
    std::vector<LinkInfo> links;
    /** All addresses. */
    std::vector<AddressInfo> addresses;
    /** All routes except the local table. */
    std::vector<RouteInfo> routes;
    /** All xfrm policies. */
    std::vector<PolicyInfo> policies;
    /** Current values of the sysctls desired tunnels need, by path (only existing links). */
    std::vector<SysctlSetting> sysctls;
    /** Table inet vtigw. */
    NftState nft;
};

}  // namespace vti
