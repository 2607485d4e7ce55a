// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The VTI manager: reconciles the kernel to a DesiredState. plan() shows the difference,
// apply() performs it in batches and rolls back on failure. Works in the network namespace of the
// thread that opened it (its sockets stay there; sysctls are written from the calling thread).
//
// The event-maintained cache: after a successful full apply (snapshot of every link, address,
// route and policy, diff of every tunnel) the manager remembers what it applied and listens to
// kernel notifications. While no notification shows a change to an object it owns and none was
// lost, the next plan()/apply() diffs only the tunnels whose spec changed (and removed ones),
// against a snapshot of just their objects; a no-op costs next to nothing. Anything else -- a
// change to an owned link, address, route, policy, rp_filter or table inet vtigw, an overflowed
// notification queue, a failed apply, a foreign object in a slot a changed tunnel wants, many
// changed tunnels -- takes the full path, which also rebuilds the cache.
// Limitations (the full path, ApplyOptions::full or invalidate(), still catches these):
//   - the kernel sends no notification when disable_policy is written, so a foreign write to it
//     goes unseen until some notification of that link or the next full apply;
//   - changes made by others while an apply runs are told apart from the apply's own only where
//     the kernel names the requesting socket (routes, addresses); a concurrent link or policy
//     change can be taken for the apply's own.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "vti/change.h"
#include "vti/event_monitor.h"
#include "vti/netlink_socket.h"
#include "vti/owned_view.h"
#include "vti/result.h"
#include "vti/tunnel.h"
#include "vti/xfrm_state.h"

namespace vti {

/** How the manager treats tunnel interfaces. */
enum class LinkMode {
    /** Create, change and delete the tunnel interfaces (production). */
    Manage,
    /** The interfaces already exist (created by someone else, e.g. a test's veth stand-ins):
     *  vtigw marks them with its alias, sets MTU and admin state, manages addresses, routes,
     *  sysctls on them, and on removal only clears its alias and addresses. */
    Adopt,
};

/** Manager settings. */
struct ManagerOptions {
    /** Link handling; Manage in production. */
    LinkMode link_mode = LinkMode::Manage;
    /** Keep the event-maintained cache (three notification sockets). Off: every plan and apply
     *  takes the full path. */
    bool cache = true;
    /** Where the ifindexes of links created on the full path start; 0: above every link the
     *  snapshot saw. The kernel refuses an index already taken (EEXIST/EBUSY), and the manager
     *  then rolls back and applies again letting the kernel choose. Tests set it to force that. */
    int first_ifindex = 0;
};

/** How one plan()/apply() works. */
struct ApplyOptions {
    /** Take the full path (snapshot and diff of everything) even when the cache is valid; a
     *  daemon does this now and then to catch what notifications cannot show. */
    bool full = false;
};

/** Where the last apply()'s time went, in milliseconds of wall time. */
struct ApplyTimes {
    /** Reading notifications, the snapshot (full or scoped) and the diff. */
    double prepare_ms = 0;
    /** Link batches, and the lookup of created links' ifindexes. */
    double links_ms = 0;
    /** Address batches. */
    double addresses_ms = 0;
    /** Route batches. */
    double routes_ms = 0;
    /** xfrm policy batches. */
    double policies_ms = 0;
    /** Sysctl file writes (settings of created links ride on their link message instead). */
    double sysctls_ms = 0;
    /** The nft transaction. */
    double nft_ms = 0;
    /** Updating the cache afterwards (reading the apply's own notifications). */
    double cache_ms = 0;
    /** Rolling back after a failure. */
    double rollback_ms = 0;
};

/** Counters of the last apply(). */
struct ApplyStats {
    /** Changes planned and executed. */
    size_t changes = 0;
    /** Netlink round trips (dumps + batches) used, including the snapshot. */
    uint64_t round_trips = 0;
    /** True when a failure was rolled back. */
    bool rolled_back = false;
    /** True when the cache was valid and only changed tunnels were looked up and diffed. */
    bool used_cache = false;
    /** Full snapshots taken (1 on the full path, 0 on the cached one). */
    uint32_t full_snapshots = 0;
    /** Tunnels diffed (all of them on the full path). */
    size_t tunnels_diffed = 0;
    /** Kernel notifications read. */
    uint64_t events = 0;
    /** Time per phase and object family. */
    ApplyTimes times;
    /** Sysctl settings sent inside their created link's message instead of written to a file. */
    size_t sysctls_on_link = 0;
    /** Links created with an ifindex the manager chose (no lookup after their creation). */
    size_t chosen_ifindexes = 0;
    /** True when a chosen ifindex was taken and the apply was redone with the kernel choosing. */
    bool ifindex_fallback = false;
    /** Why the full path was taken ("no cache yet", "route ... deleted", ...); empty when the
     *  cache was used. */
    std::string cache_miss;
};

/** Checks a desired state before any kernel message: names the tunnel and offending value. */
Result validate(const DesiredState& d);

/** The difference between `snap` and `d` as ordered steps (pure: no kernel access). Errors for
 *  invalid input and for names, keys, routes, policies or addresses taken by foreign objects. */
Expected<std::vector<Step>> diff(const KernelSnapshot& snap, const DesiredState& d,
                                 const ManagerOptions& opt = {});
/** diff() of only the tunnels named in `scope` (present in `d` or removed from it); the others
 *  are taken to be in place. `snap` needs only the scoped tunnels' links (by their new and old
 *  names), underlays, addresses, routes and policies, the sysctls of those in `d`, and the nft
 *  table; owned objects of other tunnels must not be in it, or they would be removed. */
Expected<std::vector<Step>> diff(const KernelSnapshot& snap, const DesiredState& d,
                                 const std::set<std::string>& scope,
                                 const ManagerOptions& opt = {});

/** Reconciles kernel state to desired states. */
class Manager {
  public:
    /** Opens the request sockets in the calling thread's network namespace. */
    static Expected<std::unique_ptr<Manager>> open(ManagerOptions opt = {});

    /** Dumps the state the plan depends on (links, addresses, routes, policies, sysctls of
     *  desired tunnels, table inet vtigw). */
    Expected<KernelSnapshot> snapshot(const DesiredState& d);
    /** The changes apply(d) would make, in order; empty when the kernel already matches. Uses
     *  the cache like apply() (stats: how), never changes it except to invalidate it. */
    Expected<std::vector<Change>> plan(const DesiredState& d, ApplyOptions o = {},
                                       ApplyStats* stats = nullptr);
    /** Makes the kernel match `d`; on failure undoes what it did and returns the first error.
     *  A successful full apply (re)builds the cache, a cached one updates it, a failure
     *  invalidates it. */
    Result apply(const DesiredState& d, ApplyStats* stats = nullptr, ApplyOptions o = {});
    /** Drops the cache: the next plan/apply takes the full path. */
    void invalidate(const std::string& why = "invalidated");
    /** True when the cache is valid as far as the notifications read so far tell. */
    bool cache_valid() const { return cache_valid_; }
    /**
     * Deletes the SAs (xfrm states) of the tunnels in `d` and of the policies vtigw owns: those
     * carrying a tunnel's key (mark or if_id) and those with its reqid between its outer
     * addresses (inbound VTI SAs carry no mark). Call before the IKE daemon starts, when every such
     * SA is a leftover of an earlier run that was killed. Appends each deletion's `ip xfrm` command
     * to `commands`. Larval ACQUIRE states (SPI 0) cannot be deleted singly and expire by
     * themselves.
     */
    Result remove_stale_states(const DesiredState& d, std::vector<std::string>* commands);

  private:
    /** A plan with what it was computed from. */
    struct Prepared {
        KernelSnapshot snap;
        std::vector<Step> steps;
        std::set<std::string> scope;  // empty on the full path
        bool scoped = false;
    };
    /** A notification kept for later classification (bytes of one message). */
    struct Deferred {
        int protocol;
        std::vector<uint8_t> msg;
    };

    Manager(ManagerOptions opt, std::unique_ptr<nl::Socket> rtnl, std::unique_ptr<nl::Socket> xfrm,
            std::unique_ptr<nl::Socket> nfnl, std::unique_ptr<EventMonitor> monitor);
    Result apply_once(const DesiredState& d, ApplyStats& st, const ApplyOptions& o);
    Result execute(std::vector<Step>& steps, std::vector<size_t>* done, ApplyStats* st);
    Result refresh_ifindexes(const std::set<std::string>& names);
    int first_free_ifindex(const KernelSnapshot& snap);
    Expected<Prepared> prepare(const DesiredState& d, const ApplyOptions& o, ApplyStats& st);
    // Cache (manager_cache.cpp).
    void read_events(ApplyStats& st);
    void drain_own(bool ran_nft, ApplyStats& st);
    bool nft_as_cached();
    std::string scope_of(const DesiredState& d, std::set<std::string>& scope) const;
    Expected<KernelSnapshot> scoped_snapshot(const DesiredState& d,
                                             const std::set<std::string>& scope);
    void read_sysctls(const DesiredState& d, const std::set<std::string>* scope, KernelSnapshot& s);
    void update_cache(const DesiredState& d, const Prepared& p, ApplyStats& st);

    ManagerOptions opt_;
    std::unique_ptr<nl::Socket> rtnl_;
    std::unique_ptr<nl::Socket> xfrm_;
    std::unique_ptr<nl::Socket> nfnl_;
    std::map<std::string, int> ifindex_;
    std::set<std::string> relinked_;  // links created or deleted by the last execute()
    // Next ifindex execute() gives a created link (0: the kernel chooses); never reused.
    int choose_from_ = 0;
    int next_ifindex_ = 0;
    bool choose_ifindexes_ = true;  // off after a chosen one was taken
    bool chosen_taken_ = false;     // the last execute() failed on a chosen ifindex
    bool nft_sole_commit_ = false;  // its nft transaction was the only commit meanwhile
    std::unique_ptr<EventMonitor> monitor_;
    bool cache_valid_ = false;
    std::string cache_miss_ = "no cache yet";
    OwnedView owned_;
    std::vector<MssRule> cached_mss_;
    ForeignSlots foreign_;
    std::vector<Deferred> deferred_;
};

}  // namespace vti
