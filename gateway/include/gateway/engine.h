// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The daemon's IKE logic (over the IkeDriver interface, no strongSwan here): initiates tunnels and
// retries failed attempts with backoff, turns plugin events into per-tunnel state and log lines,
// answers status and reset, and reloads a changed configuration tunnel by tunnel.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/config.h"
#include "gateway/control.h"
#include "gateway/ike_driver.h"
#include "gateway/metrics.h"

namespace gateway {

/** Log sink: one line without newline. */
using LogFn = std::function<void(const std::string&)>;

/** Retry timing of initiating tunnels. */
struct Backoff {
    /** Delay after the first failed attempt. */
    std::chrono::milliseconds initial{1000};
    /** Upper bound of the doubling delay. */
    std::chrono::milliseconds max{60000};
    /** At most this many initiations wait for their IKE_SA at once (0: no limit); the others
     *  wait for a free slot. A thousand initiations sent at once collapse into retransmit storms
     *  on both peers; a window adapts to how fast the peers answer. */
    unsigned window = 32;
    /** An initiation without an answer (IKE_SA up or a failure) for this long no longer holds
     *  a slot of the window. */
    std::chrono::milliseconds in_flight_timeout{30000};
    /** A tunnel with an IKE_SA is looked at again after this long without an event (events
     *  bring the look forward; this bounds the damage of a lost one). */
    std::chrono::milliseconds recheck{30000};
    /** A pass over IKE's SAs for a tunnel whose DPD check or recheck is due also looks at the
     *  tunnels due within this much later: with many tunnels the passes (each O(tunnels)) come
     *  at most about this often. */
    std::chrono::milliseconds scan_slack{5000};
    /** With many tunnels the slack grows by this much per tunnel, up to `recheck`: a pass over
     *  a thousand IKE_SAs costs hundreds of ms under emulation, and their looks, spread over
     *  time, would bring one every `scan_slack`; at 1,000 tunnels they come every 25 s. */
    std::chrono::milliseconds scan_slack_per_tunnel{25};
    /** run()'s first tick comes this long after it starts: charon's start action makes the
     *  first attempt of the tunnels that initiate (as the plugin's first check waits in stock
     *  charon); an earlier look would start a second IKE_SA beside it. */
    std::chrono::milliseconds first_tick_delay{2000};
};

/** The kernel side of reloads and SA-driven routes; the daemon binds it to its vti::Manager.
 *  `demoted` names the tunnels whose routes are demoted (to_desired_state). */
struct KernelOps {
    /** The kernel changes applying `config` would make (scope "kernel"); false with `error`
     *  when they cannot be planned (e.g. a foreign object in the way). */
    std::function<bool(const Config& config, const std::set<std::string>& demoted,
                       std::vector<control::PlannedChange>& changes, std::string& error)>
        plan;
    /** Makes the kernel match `config`; on failure it is rolled back and `error` says why. */
    std::function<bool(const Config& config, const std::set<std::string>& demoted,
                       std::string& error)>
        apply;
    /** Like apply, re-reading the whole kernel state (no cache); may be empty. */
    std::function<bool(const Config& config, const std::set<std::string>& demoted,
                       std::string& error)>
        reconcile;
};

class Engine {
  public:
    using Clock = std::chrono::steady_clock;

    /** Serves `config` (copied) through `ike`, whose tunnels must already be set to it. */
    Engine(Config config, IkeDriver& ike, LogFn log, Backoff backoff = {});

    /**
     * Routes follow the SAs from now on: a tunnel's routes are demoted (see
     * kDemotedMetricOffset) while it has no installed CHILD_SA and restored when one is
     * installed, through `kernel` (on-demand tunnels keep theirs: their traffic starts IKE).
     * Call before run(); without it routes stay as configured.
     */
    void follow_sas(KernelOps kernel);
    /** The tunnels whose routes are demoted now (empty unless follow_sas was called). */
    std::set<std::string> demoted();
    /** Reconciles the kernel to the served configuration and SA states through the
     *  follow_sas() operations' `reconcile` (re-reading the whole kernel state). */
    bool reconcile(std::string& error);

    /** Handles one plugin event (called on the event thread). */
    void handle(const IkeEvent& ev);
    /**
     * Starts attempts that are due for initiating tunnels without an IKE_SA, and applies the
     * per-tunnel DPD timeout: an established IKE_SA from whose peer nothing (IKE or ESP) came
     * for dpd.timeout seconds is destroyed, then re-initiated (action restart or trap; a
     * responding tunnel waits for its peer) or left down (clear); action none only watches.
     * One pass over IKE's SAs (query_all) serves every tunnel looked at; none when no tunnel
     * is due.
     */
    void tick(Clock::time_point now);
    /** Drains events and ticks until `stop()` (blocking; run on its own thread). */
    void run();
    /** Makes run() return and stops any further initiation. */
    void stop();

    /** Every configured tunnel joined with its SAs. */
    control::Reply status();
    /** Every configured tunnel from the engine's own state, without asking IKE (cheap enough
     *  for a status line every few seconds with a thousand tunnels): the configured fields, up
     *  (a CHILD_SA installed, as the events said), "CONNECTING" while an initiation awaits its
     *  answer, the last error and the attempts. */
    control::Reply summary();
    /** Every configured tunnel's metrics (down ones too), in configuration order. Counters
     *  of a tunnel survive reloads that keep its name. */
    std::vector<TunnelMetrics> metrics();
    /** Deletes the tunnel's IKE_SA; an initiating tunnel is re-initiated at once. */
    control::Reply reset(const std::string& tunnel);

    /** What reload(next) would do, changing nothing: one "ike" entry per tunnel (see
     *  compare_configs), then the kernel changes. */
    control::Reply plan_reload(const Config& next, const KernelOps& kernel);
    /**
     * Moves to `next`, changing only what differs: IKE is given the new tunnels first (nothing
     * changes when that fails), then the SAs of re-established and removed tunnels are deleted,
     * the kernel is reconciled, and re-established and added tunnels are initiated. Untouched
     * tunnels keep their SAs. When the kernel step fails it is rolled back and IKE is given the
     * running configuration again. Reloads are serialised.
     */
    control::Reply reload(const Config& next, const KernelOps& kernel);

    /** The configuration being served (a copy). */
    Config config();

  private:
    struct State {
        /** The tunnel in config_. */
        const Tunnel* tunnel = nullptr;
        bool initiates = false;
        /** A CHILD_SA is installed (routes promoted). */
        bool child_up = false;
        /** DPD clear: no initiation until reset, reload or the peer comes back. */
        bool held = false;
        /** Set while a reload deletes the tunnel's SAs: no initiation meanwhile. */
        bool paused = false;
        std::string last_error;
        std::string error_cause;
        int64_t last_error_time = 0;
        uint64_t attempts = 0;
        /** Metrics counters (traffic totals come from IKE's query). */
        TunnelCounters counters;
        Clock::time_point next_attempt{};
        std::chrono::milliseconds delay{0};
        /** When the pending initiation was sent; unset when none awaits an answer. */
        std::optional<Clock::time_point> initiated_at;
        /** The next DPD timeout check: the earliest the peer can have been silent for the
         *  timeout, judged from the idle time the last check saw. */
        Clock::time_point next_dpd_check{};
        /** Not looked at for initiation before this (set while it has an IKE_SA). */
        Clock::time_point recheck_at{};
    };

    /** A fresh state for `t`. */
    State initial_state(const Tunnel& t) const;
    /** The fields of `ts` that come from the configuration and the engine's own state (status()
     *  and summary() alike). */
    static void fill_own_fields(control::TunnelStatus& ts, const Tunnel& t, const State& s);
    /** Records a change of `s.child_up` to `up` (a flap when it differs). */
    static void set_child_up(State& s, bool up);
    /** The demoted tunnels once a reload's `changes` are made (added and re-established ones
     *  start without a CHILD_SA). */
    std::set<std::string> demoted_after(const std::vector<control::PlannedChange>& changes);
    /** demoted() with mutex_ held. */
    std::set<std::string> demoted_locked() const;
    /** Applies the routes of the current SA states (mutex_ held). */
    void update_routes_locked();
    /** Sets `s.next_dpd_check` from the SAs `st` seen now (mutex_ held). */
    static void schedule_dpd_check(State& s, const IkeSaStatus& st, Clock::time_point now);
    /** The DPD timeout check of one tunnel, whose SAs are `st` (mutex_ held); true when the
     *  peer was found dead and the SAs destroyed. */
    bool check_dpd_locked(const std::string& name, State& s, const IkeSaStatus& st,
                          Clock::time_point now);
    /** Deletes the IKE_SAs of `tunnels` and waits up to `grace` for the peers' answers; SAs
     *  still there then are destroyed without waiting (a peer removing the same tunnel at the
     *  same time never answers). */
    void delete_sas(const std::vector<std::string>& tunnels, std::chrono::milliseconds grace);

    /** Records a peer refused for an unknown identity (mutex_ held). */
    void note_refused_locked(const IkeEvent& ev);

    Config config_;
    IkeDriver& ike_;
    /** Peers refused for an unknown identity, by identity and address, oldest first; bounded
     *  by kMaxRefused (the oldest entry goes). */
    std::vector<control::RefusedPeer> refused_;
    static constexpr size_t kMaxRefused = 32;
    LogFn log_;
    Backoff backoff_;
    std::mutex mutex_;
    /** Serialises reloads (held without mutex_ while IKE and the kernel are changed). */
    std::mutex reload_mutex_;
    std::map<std::string, State> states_;
    bool stopped_ = false;
    /** Set by follow_sas(). */
    std::optional<KernelOps> routing_;
};

}  // namespace gateway
