// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/engine.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>
#include <thread>

#include "gateway/reload.h"

namespace gateway {

namespace {

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%08x", v);
    return buf;
}

std::string hex64(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof(buf), "%016" PRIx64, v);
    return buf;
}

/** "auth", "unreachable" or "other" for a failure event. */
std::string error_cause(const IkeEvent& ev) {
    if (ev.type == IkeEventType::AuthFailed) return "auth";
    if (ev.detail.starts_with("peer unreachable")) return "unreachable";
    return "other";
}

}  // namespace

Engine::Engine(Config config, IkeDriver& ike, LogFn log, Backoff backoff)
    : config_(std::move(config)), ike_(ike), log_(std::move(log)), backoff_(backoff) {
    for (const auto& t : config_.tunnels) states_.emplace(t.name, initial_state(t));
}

Engine::State Engine::initial_state(const Tunnel& t) const {
    State s;
    s.tunnel = &t;
    s.initiates = t.start_action == StartAction::Initiate;
    s.delay = backoff_.initial;
    return s;
}

void Engine::set_child_up(State& s, bool up) {
    if (s.child_up != up) s.counters.transitions++;
    s.child_up = up;
}

void Engine::follow_sas(KernelOps kernel) {
    std::lock_guard lock(mutex_);
    routing_ = std::move(kernel);
}

std::set<std::string> Engine::demoted() {
    std::lock_guard lock(mutex_);
    return demoted_locked();
}

std::set<std::string> Engine::demoted_after(const std::vector<control::PlannedChange>& changes) {
    std::lock_guard lock(mutex_);
    std::set<std::string> out = demoted_locked();
    if (!routing_) return out;
    for (const auto& c : changes)  // added or re-established: no CHILD_SA yet
        if (c.scope == "ike" && (c.action == "add" || c.action == "re-establish"))
            out.insert(c.tunnel);
    return out;
}

bool Engine::reconcile(std::string& error) {
    std::lock_guard lock(mutex_);
    if (!routing_ || !routing_->reconcile) return true;
    return routing_->reconcile(config_, demoted_locked(), error);
}

std::set<std::string> Engine::demoted_locked() const {
    std::set<std::string> out;
    if (!routing_) return out;
    for (const auto& [name, s] : states_)
        if (!s.child_up &&
            (s.tunnel->start_action != StartAction::OnDemand || s.tunnel->link_follows_sa))
            out.insert(name);
    return out;
}

void Engine::update_routes_locked() {
    if (!routing_) return;
    std::string error;
    if (!routing_->apply(config_, demoted_locked(), error)) log_("routes: " + error);
}

void Engine::note_refused_locked(const IkeEvent& ev) {
    log_("refused a peer with unknown identity \"" + ev.detail + "\" from " + ev.remote_address +
         ": no tunnel has it as remote_id");
    auto same = [&](const control::RefusedPeer& p) {
        return p.identity == ev.detail && p.address == ev.remote_address;
    };
    control::RefusedPeer entry{ev.detail, ev.remote_address, 0, 0};
    if (auto it = std::find_if(refused_.begin(), refused_.end(), same); it != refused_.end()) {
        entry = *it;
        refused_.erase(it);
    } else if (refused_.size() >= kMaxRefused) {
        refused_.erase(refused_.begin());
    }
    entry.count++;
    entry.last_time = ev.time;
    refused_.push_back(entry);
}

void Engine::handle(const IkeEvent& ev) {
    std::lock_guard lock(mutex_);
    if (ev.type == IkeEventType::Refused) {
        note_refused_locked(ev);
        return;
    }
    auto it = states_.find(ev.tunnel);
    if (it == states_.end()) return;
    State& s = it->second;
    std::string name = ev.tunnel;
    if (ev.type != IkeEventType::ChildRekey && ev.type != IkeEventType::IkeRekey) {
        s.initiated_at.reset();              // answered: the window slot is free again
        s.recheck_at = Clock::time_point{};  // and the next tick looks at the tunnel
    }
    switch (ev.type) {
        case IkeEventType::IkeUp:
            log_("tunnel " + name + ": IKE_SA established (#" + std::to_string(ev.ike_unique_id) +
                 ", spi " + hex64(ev.ike_spi_i) + "_i " + hex64(ev.ike_spi_r) + "_r)");
            break;
        case IkeEventType::IkeDown:
            log_("tunnel " + name + ": IKE_SA down (#" + std::to_string(ev.ike_unique_id) + ")");
            break;
        case IkeEventType::IkeRekey:
            s.counters.ike_rekeys++;
            log_("tunnel " + name + ": IKE_SA rekeyed (#" + std::to_string(ev.ike_unique_id) + ")");
            break;
        case IkeEventType::ChildUp:
            s.last_error.clear();
            s.error_cause.clear();
            s.last_error_time = 0;
            s.delay = backoff_.initial;
            s.held = false;
            log_("tunnel " + name + ": CHILD_SA installed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            if (!s.child_up) {
                set_child_up(s, true);
                if (routing_)
                    log_("tunnel " + name +
                         (s.tunnel->link_follows_sa ? ": link up" : ": routes restored"));
                update_routes_locked();
            }
            break;
        case IkeEventType::ChildDown: {
            log_("tunnel " + name + ": CHILD_SA removed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            // A rekey removes the old CHILD_SA after installing the new one.
            IkeSaStatus st;
            bool still = ike_.query(name, st) == IkeResult::Ok && st.child_state == "INSTALLED";
            if (s.child_up && !still) {
                set_child_up(s, false);
                if (routing_)
                    log_("tunnel " + name +
                         (s.tunnel->link_follows_sa ? ": no CHILD_SA; link down"
                                                    : ": no CHILD_SA; routes demoted"));
                update_routes_locked();
            }
            break;
        }
        case IkeEventType::ChildRekey:
            s.counters.child_rekeys++;
            log_("tunnel " + name + ": CHILD_SA rekeyed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            break;
        case IkeEventType::AuthFailed:
        case IkeEventType::Error:
            s.last_error = ev.detail;
            s.error_cause = error_cause(ev);
            s.last_error_time = ev.time;
            s.counters.establish_failures[establish_failure_cause(
                ev.type == IkeEventType::AuthFailed, ev.detail)]++;
            if (ev.detail.find("retransmissions timed out") != std::string::npos)
                s.counters.peer_timeouts++;
            log_("tunnel " + name + ": " + ev.detail);
            break;
        case IkeEventType::Refused:  // handled above: no tunnel
            break;
    }
}

void Engine::tick(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    unsigned in_flight = 0;
    for (auto& [name, s] : states_) {
        if (s.initiated_at && now - *s.initiated_at >= backoff_.in_flight_timeout)
            s.initiated_at.reset();
        if (s.initiated_at) in_flight++;
    }
    auto window_open = [&] { return backoff_.window == 0 || in_flight < backoff_.window; };
    // A look at a tunnel is due at `at`: the DPD check and the recheck of a tunnel with an
    // IKE_SA may come up to `slack` early (an early look only schedules the next one), so one
    // pass over IKE's SAs serves every tunnel due soon and the passes stay rare.
    auto watch_at = [&](const State& s, std::chrono::milliseconds slack) {
        const Dpd& dpd = s.tunnel->dpd;
        return dpd.interval != 0 && dpd.action != Dpd::Action::None && !s.paused &&
               now + slack >= s.next_dpd_check;
    };
    auto due_at = [&](const State& s, std::chrono::milliseconds slack) {
        return s.initiates && !s.held && !s.paused && now >= s.next_attempt &&
               now + slack >= s.recheck_at && (s.initiated_at || window_open());
    };
    bool any = false;
    for (const auto& [name, s] : states_) {
        if (watch_at(s, {}) || due_at(s, {})) {
            any = true;
            break;
        }
    }
    if (!any) return;
    // One pass over IKE's SAs for all of them: a query per tunnel would enumerate every
    // IKE_SA once per tunnel.
    std::map<std::string, IkeSaStatus> all;
    if (ike_.query_all(all) != IkeResult::Ok) return;
    auto slack = std::min(backoff_.recheck,
                          std::max(backoff_.scan_slack,
                                   backoff_.scan_slack_per_tunnel *
                                       static_cast<int64_t>(states_.size())));
    for (auto& [name, s] : states_) {
        bool watch = watch_at(s, slack);
        bool due = due_at(s, slack);
        if (!watch && !due) continue;
        IkeSaStatus st;
        if (auto it = all.find(name); it != all.end()) st = it->second;
        if (watch) schedule_dpd_check(s, st, now);
        // After a dead peer's SAs were destroyed, this tunnel's SAs again.
        if (watch && check_dpd_locked(name, s, st, now) && ike_.query(name, st) != IkeResult::Ok)
            continue;
        due = s.initiates && !s.held && now >= s.next_attempt;
        if (!due) continue;
        if (st.ike_sas > 0) {  // up or on its way: look again on an event, at the latest then
            s.recheck_at = now + backoff_.recheck;
            continue;
        }
        if (s.initiated_at) {  // that attempt is over
            s.initiated_at.reset();
            in_flight--;
        }
        if (!window_open()) continue;
        s.initiated_at = now;
        in_flight++;
        s.attempts++;
        s.counters.establish_attempts++;
        if (s.attempts > 1) {
            log_("tunnel " + name + ": initiating (attempt " + std::to_string(s.attempts) + ")");
        } else {
            log_("tunnel " + name + ": initiating");
        }
        if (auto rc = ike_.initiate(name); rc != IkeResult::Ok) {
            log_("tunnel " + name + ": initiate " + to_string(rc));
        }
        // The next attempt is due when this one has failed, at the earliest after the delay.
        s.next_attempt = now + s.delay;
        s.delay = std::min(s.delay * 2, backoff_.max);
    }
}

void Engine::schedule_dpd_check(State& s, const IkeSaStatus& st, Clock::time_point now) {
    // When the silence seen now would reach the timeout (a whole timeout when the IKE_SA is
    // not established or nothing was received yet: it cannot be dead before that). The scan
    // stays cheap with a thousand tunnels: each is looked at about once per DPD timeout.
    auto timeout = static_cast<int64_t>(s.tunnel->dpd.timeout);
    int64_t wait = timeout;
    if (st.ike_state == "ESTABLISHED" && st.idle_in_seconds >= 0)
        wait = std::max<int64_t>(1, timeout - st.idle_in_seconds);
    s.next_dpd_check = now + std::chrono::seconds(wait);
}

bool Engine::check_dpd_locked(const std::string& name, State& s, const IkeSaStatus& st,
                              Clock::time_point now) {
    const Dpd& dpd = s.tunnel->dpd;
    if (st.ike_state != "ESTABLISHED" || st.idle_in_seconds < static_cast<int64_t>(dpd.timeout))
        return false;
    log_("tunnel " + name + ": peer dead (nothing received for " +
         std::to_string(st.idle_in_seconds) + " s, DPD timeout " + std::to_string(dpd.timeout) +
         " s); deleting its SAs, action " + to_string(dpd.action));
    s.last_error = "peer dead: no answer to DPD for " + std::to_string(dpd.timeout) + " s";
    s.error_cause = "unreachable";
    s.last_error_time = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    s.counters.peer_timeouts++;
    ike_.destroy(name);
    if (s.child_up) {  // at once: the CHILD_SA's removal is reported only after charon's cleanup
        set_child_up(s, false);
        if (routing_)
            log_("tunnel " + name +
                 (s.tunnel->link_follows_sa ? ": peer dead; link down"
                                            : ": peer dead; routes demoted"));
        update_routes_locked();
    }
    // A responder waits for its peer to initiate again: both sides initiating at once would
    // leave two IKE_SAs (their IKE_AUTHs cross before either is established).
    if (dpd.action == Dpd::Action::Clear) {
        s.held = true;
    } else {
        s.held = false;
        s.next_attempt = now;
        s.delay = backoff_.initial;
    }
    return true;
}

void Engine::run() {
    constexpr auto kTickEvery = std::chrono::milliseconds(500);
    // The first tick waits for charon's own start action, which makes the first attempt of
    // every initiating tunnel: looking earlier would initiate a second IKE_SA beside it.
    auto last_tick = Clock::now() + backoff_.first_tick_delay - kTickEvery;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopped_) return;
        }
        // Events as they come; idle, the thread wakes only for the next tick.
        auto until_tick = std::chrono::duration_cast<std::chrono::milliseconds>(
            last_tick + kTickEvery - Clock::now());
        auto wait_ms = static_cast<unsigned>(std::max<int64_t>(0, until_tick.count()));
        IkeEvent ev;
        if (wait_ms > 0 && ike_.next_event(ev, wait_ms) == IkeResult::Ok) handle(ev);
        auto now = Clock::now();
        if (now - last_tick >= kTickEvery) {
            tick(now);
            last_tick = now;
        }
    }
}

void Engine::stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
}

void Engine::fill_own_fields(control::TunnelStatus& ts, const Tunnel& t, const State& s) {
    ts.name = t.name;
    ts.ifname = t.ifname;
    ts.remote = t.remote_any ? "any" : t.remote.str();
    ts.start_action = to_string(t.start_action);
    ts.force_encap = t.nat.force_encap;
    ts.last_error = s.last_error;
    ts.error_cause = s.error_cause;
    ts.last_error_time = s.last_error_time;
    ts.attempts = s.attempts;
}

control::Reply Engine::status() {
    control::Reply r;
    r.ok = true;
    std::lock_guard lock(mutex_);
    r.gateway = config_.gateway.name.empty() ? "vtigw" : config_.gateway.name;
    r.refused = refused_;
    std::map<std::string, IkeSaStatus> sas;
    if (ike_.query_all(sas) != IkeResult::Ok) sas.clear();
    for (const auto& t : config_.tunnels) {
        const State& s = states_.at(t.name);
        control::TunnelStatus& ts = r.tunnels.emplace_back();
        fill_own_fields(ts, t, s);
        if (auto it = sas.find(t.name); it != sas.end()) {
            const IkeSaStatus& st = it->second;
            ts.ike_state = st.ike_state;
            ts.child_state = st.child_state;
            ts.spi_in = st.spi_in;
            ts.spi_out = st.spi_out;
            ts.bytes_in = st.bytes_in;
            ts.bytes_out = st.bytes_out;
            ts.packets_in = st.packets_in;
            ts.packets_out = st.packets_out;
            ts.established_seconds = st.established_seconds;
            ts.ike_sa_id = st.ike_unique_id;
            ts.ike_sas = st.ike_sas;
            ts.child_sas = st.child_sas;
            ts.nat_local = st.nat_local;
            ts.nat_remote = st.nat_remote;
            ts.nat_fake = st.nat_fake;
            ts.udp_encap = st.udp_encap;
            ts.ike_local_address = st.local_address;
            ts.ike_local_port = st.local_port;
            ts.ike_remote_address = st.remote_address;
            ts.ike_remote_port = st.remote_port;
            if (st.ike_unique_id) {
                ts.ike_spi_i = hex64(st.ike_spi_i);
                ts.ike_spi_r = hex64(st.ike_spi_r);
            }
        }
        ts.up = ts.ike_state == "ESTABLISHED" && ts.child_state == "INSTALLED";
    }
    return r;
}

control::Reply Engine::summary() {
    control::Reply r;
    r.ok = true;
    std::lock_guard lock(mutex_);
    r.gateway = config_.gateway.name.empty() ? "vtigw" : config_.gateway.name;
    for (const auto& t : config_.tunnels) {
        const State& s = states_.at(t.name);
        control::TunnelStatus& ts = r.tunnels.emplace_back();
        fill_own_fields(ts, t, s);
        ts.up = s.child_up;
        if (!s.child_up && s.initiated_at) ts.ike_state = "CONNECTING";
    }
    return r;
}

std::vector<TunnelMetrics> Engine::metrics() {
    std::vector<TunnelMetrics> out;
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    std::lock_guard lock(mutex_);
    std::map<std::string, IkeSaStatus> sas;
    if (ike_.query_all(sas) != IkeResult::Ok) sas.clear();
    for (const auto& t : config_.tunnels) {
        TunnelMetrics& m = out.emplace_back();
        m.name = t.name;
        m.counters = states_.at(t.name).counters;
        auto it = sas.find(t.name);
        if (it == sas.end()) continue;
        const IkeSaStatus& st = it->second;
        m.up = st.ike_state == "ESTABLISHED" && st.child_state == "INSTALLED";
        m.ike_sas = st.ike_sas;
        m.child_sas = st.child_sas;
        if (st.established_seconds >= 0) m.established_timestamp = now - st.established_seconds;
        m.counters.receive_bytes = st.total_bytes_in;
        m.counters.transmit_bytes = st.total_bytes_out;
        m.counters.receive_packets = st.total_packets_in;
        m.counters.transmit_packets = st.total_packets_out;
    }
    return out;
}

control::Reply Engine::reset(const std::string& tunnel) {
    control::Reply r;
    {
        std::lock_guard lock(mutex_);
        if (!states_.count(tunnel)) {
            r.error = "no tunnel named '" + tunnel + "'";
            return r;
        }
    }
    log_("tunnel " + tunnel + ": reset requested");
    auto rc = ike_.terminate(tunnel, 5000);
    if (rc != IkeResult::Ok && rc != IkeResult::NotFound) {
        r.error = std::string("terminating the IKE_SA: ") + to_string(rc);
        return r;
    }
    std::lock_guard lock(mutex_);
    State& s = states_.at(tunnel);
    s.next_attempt = Clock::time_point{};
    s.delay = backoff_.initial;
    s.held = false;
    s.initiated_at.reset();
    s.recheck_at = Clock::time_point{};
    r.ok = true;
    return r;
}

Config Engine::config() {
    std::lock_guard lock(mutex_);
    return config_;
}

control::Reply Engine::plan_reload(const Config& next, const KernelOps& kernel) {
    control::Reply r;
    for (const auto& t : compare_configs(config(), next)) {
        control::PlannedChange c;
        c.scope = "ike";
        c.action = to_string(t.action);
        c.object = "tunnel";
        c.tunnel = t.tunnel;
        c.description = describe(t);
        c.changed = t.changed;
        r.changes.push_back(std::move(c));
    }
    if (!kernel.plan(next, demoted_after(r.changes), r.changes, r.error)) {
        r.cause = "kernel";
        r.changes.clear();
        return r;
    }
    r.ok = true;
    return r;
}

void Engine::delete_sas(const std::vector<std::string>& tunnels, std::chrono::milliseconds grace) {
    auto has_sas = [&](const std::string& name) {
        IkeSaStatus st;
        return ike_.query(name, st) == IkeResult::Ok && st.ike_sas > 0;
    };
    for (const auto& name : tunnels) {
        if (auto rc = ike_.terminate(name, 0); rc != IkeResult::Ok && rc != IkeResult::NotFound)
            log_("tunnel " + name + ": deleting its SAs " + to_string(rc));
    }
    auto deadline = Clock::now() + grace;
    for (const auto& name : tunnels) {
        while (has_sas(name) && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!has_sas(name)) continue;
        log_("tunnel " + name + ": no answer to the SA deletion; destroying the SAs");
        ike_.destroy(name);
    }
}

control::Reply Engine::reload(const Config& next, const KernelOps& kernel) {
    std::lock_guard serial(reload_mutex_);
    control::Reply r = plan_reload(next, kernel);
    if (!r.ok) {
        r.error = "kernel: " + r.error + "; nothing changed";
        return r;
    }
    std::string error;
    if (!ike_.set_tunnels(next, error)) {
        r.ok = false;
        r.cause = "config";
        r.error = error + "; nothing changed";
        r.changes.clear();
        return r;
    }
    std::vector<std::string> stopping;  // re-established and removed: their SAs go first
    std::set<std::string> fresh;        // re-established and added: start from scratch
    for (const auto& c : r.changes) {
        if (c.scope != "ike") continue;
        if (c.action == "re-establish" || c.action == "remove") stopping.push_back(c.tunnel);
        if (c.action == "re-establish" || c.action == "add") fresh.insert(c.tunnel);
        if (c.action != "keep") log_("reload: " + c.description);
    }
    {
        std::lock_guard lock(mutex_);
        for (const auto& name : stopping)
            if (auto it = states_.find(name); it != states_.end()) it->second.paused = true;
    }
    delete_sas(stopping, std::chrono::seconds(3));

    {
        std::lock_guard lock(mutex_);
        for (const auto& name : stopping) states_.at(name).child_up = false;
    }
    if (!kernel.apply(next, demoted_after(r.changes), error)) {
        std::lock_guard lock(mutex_);
        std::string restore;
        if (!ike_.set_tunnels(config_, restore)) log_("reload: restoring IKE tunnels: " + restore);
        for (auto& [name, s] : states_) s.paused = false;
        r.ok = false;
        r.cause = "kernel";
        r.error = "kernel: " + error + "; the running configuration stays";
        r.changes.clear();
        return r;
    }

    std::lock_guard lock(mutex_);
    std::map<std::string, State> states;
    for (const auto& t : next.tunnels) {
        auto old = states_.find(t.name);
        if (old == states_.end() || fresh.count(t.name)) {
            State s = initial_state(t);
            if (old != states_.end()) s.counters = old->second.counters;
            states.emplace(t.name, s);
        } else {
            State s = old->second;
            s.initiates = t.start_action == StartAction::Initiate;
            states.emplace(t.name, s);
        }
    }
    states_ = std::move(states);
    config_ = next;
    for (const auto& t : config_.tunnels) states_.at(t.name).tunnel = &t;
    update_routes_locked();  // SAs may have come or gone meanwhile
    return r;
}

const char* to_string(IkeResult r) {
    switch (r) {
        case IkeResult::Ok:
            return "ok";
        case IkeResult::NotFound:
            return "not found";
        case IkeResult::Failed:
            return "failed";
        case IkeResult::Timeout:
            return "timed out";
    }
    return "?";
}

}  // namespace gateway
