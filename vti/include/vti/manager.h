#pragma once
// The VTI manager: reconciles the kernel to a DesiredState. plan() shows the difference,
// apply() performs it in batches and rolls back on failure. Works in the network namespace of the
// thread that opened it (its sockets stay there; sysctls are written from the calling thread).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vti/change.h"
#include "vti/netlink_socket.h"
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
};

/** Counters of the last apply(). */
struct ApplyStats {
    /** Changes planned and executed. */
    size_t changes = 0;
    /** Netlink round trips (dumps + batches) used, including the snapshot. */
    uint64_t round_trips = 0;
    /** True when a failure was rolled back. */
    bool rolled_back = false;
};

/** Checks a desired state before any kernel message: names the tunnel and offending value. */
Result validate(const DesiredState& d);

/** The difference between `snap` and `d` as ordered steps (pure: no kernel access). Errors for
 *  invalid input and for names, keys, routes, policies or addresses taken by foreign objects. */
Expected<std::vector<Step>> diff(const KernelSnapshot& snap, const DesiredState& d,
                                 const ManagerOptions& opt = {});

/** Reconciles kernel state to desired states. */
class Manager {
  public:
    /** Opens the request sockets in the calling thread's network namespace. */
    static Expected<std::unique_ptr<Manager>> open(ManagerOptions opt = {});

    /** Dumps the state the plan depends on (links, addresses, routes, policies, sysctls of
     *  desired tunnels, table inet vtigw). */
    Expected<KernelSnapshot> snapshot(const DesiredState& d);
    /** The changes apply(d) would make, in order; empty when the kernel already matches. */
    Expected<std::vector<Change>> plan(const DesiredState& d);
    /** Makes the kernel match `d`; on failure undoes what it did and returns the first error. */
    Result apply(const DesiredState& d, ApplyStats* stats = nullptr);
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
    Manager(ManagerOptions opt, std::unique_ptr<nl::Socket> rtnl, std::unique_ptr<nl::Socket> xfrm,
            std::unique_ptr<nl::Socket> nfnl);
    Result execute(std::vector<Step>& steps, std::vector<Step>* done);
    Result refresh_ifindexes();

    ManagerOptions opt_;
    std::unique_ptr<nl::Socket> rtnl_;
    std::unique_ptr<nl::Socket> xfrm_;
    std::unique_ptr<nl::Socket> nfnl_;
    std::map<std::string, int> ifindex_;
};

}  // namespace vti
