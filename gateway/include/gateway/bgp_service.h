// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The daemon's BGP: the FRR of a gateway that has a `bgp` block, configured from the loaded file
// (rendered by frr::render), run by frr::Runtime off charon's and the control threads.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frr/runtime.h"
#include "gateway/config.h"
#include "gateway/control.h"
#include "gateway/engine.h"

namespace gateway {

/** FRR for one gateway: started with the daemon, reconfigured on reload, stopped on exit. */
class BgpService {
  public:
    /**
     * For `config` (which must run BGP): FRR's pathspace is bgp.frr.pathspace, else
     * "vtigw-<gateway name>"; vtigw's FRR files live in `run_dir`/frr. Does not start anything.
     */
    BgpService(const Config& config, const std::string& run_dir, LogFn log);
    ~BgpService();

    /** Starts FRR (managed) on the worker and queues `config`'s FRR configuration. False with
     *  `error` when the configuration cannot be rendered (a password unreadable). */
    bool start(const Config& config, std::string& error);
    /** Renders `next` and has the running FRR check it, changing nothing; false with `error`. */
    bool check(const Config& next, std::string& error);
    /** Applies `next`'s FRR configuration and waits for it (up to the reload timeout + 10 s);
     *  false with FRR's `error` (the last accepted configuration keeps running). */
    bool apply(const Config& next, std::string& error);
    /** FRR's running configuration (vtysh); when FRR does not answer, the last configuration
     *  vtigw applied, else "". Holds passwords: only for plan_frr(), never to print. */
    std::string running_text() const;
    /** Adds BGP and FRR state to a status reply of `config`'s tunnels. */
    void add_status(control::Reply& reply, const Config& config) const;
    /** Stops the worker, then a managed FRR's daemons, and removes vtigw's FRR files. */
    std::string stop();

    /** Where FRR lives. */
    const frr::Layout& layout() const { return layout_; }

  private:
    std::optional<std::string> render(const Config& config, std::string& error) const;

    frr::Layout layout_;
    bool managed_ = true;
    uint32_t reload_timeout_ = 60;
    LogFn log_;
    std::unique_ptr<frr::Runtime> runtime_;
};

/**
 * What a reload to `next` changes in FRR, as "frr" plan entries (action "add" or "remove",
 * object "line", description "router bgp 65001 > address-family ipv4 unicast > network …",
 * command the line itself), passwords redacted: `next`'s rendered configuration (none without a
 * `bgp` block) compared line by line with `running`'s running_text() ("" without a service).
 * Empty with `error` when `next`'s configuration cannot be rendered.
 */
std::vector<control::PlannedChange> plan_frr(const BgpService* running, const Config& next,
                                             std::string& error);

/** The FRR pathspace of `config`: bgp.frr.pathspace, else "vtigw-" + the gateway's name. */
std::string frr_pathspace(const Config& config);

/** Stops the FRR daemons a killed vtigw daemon started under `run_dir` and removes its FRR files
 *  (`vtigw down` without a daemon); one line per pathspace handled, into `log`. */
std::string stop_leftover_frr(const std::string& run_dir, const LogFn& log);

}  // namespace gateway
