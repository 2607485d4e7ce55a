#include "engine.h"

#include <cinttypes>
#include <cstdio>

namespace vtigwd {

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

}  // namespace

Engine::Engine(const gateway::Config& config, IkeDriver& ike, LogFn log, Backoff backoff)
    : config_(config), ike_(ike), log_(std::move(log)), backoff_(backoff) {
    for (const auto& t : config_.tunnels) {
        State s;
        s.tunnel = &t;
        s.initiates = t.start_action == gateway::StartAction::Initiate;
        s.delay = backoff_.initial;
        states_.emplace(t.name, s);
    }
}

void Engine::handle(const vtigw_event_t& ev) {
    std::lock_guard lock(mutex_);
    auto it = states_.find(ev.tunnel);
    if (it == states_.end()) return;
    State& s = it->second;
    std::string name = ev.tunnel;
    switch (ev.type) {
        case VTIGW_EV_IKE_UP:
            log_("tunnel " + name + ": IKE_SA established (#" + std::to_string(ev.ike_unique_id) +
                 ", spi " + hex64(ev.ike_spi_i) + "_i " + hex64(ev.ike_spi_r) + "_r)");
            break;
        case VTIGW_EV_IKE_DOWN:
            log_("tunnel " + name + ": IKE_SA down (#" + std::to_string(ev.ike_unique_id) + ")");
            break;
        case VTIGW_EV_IKE_REKEY:
            log_("tunnel " + name + ": IKE_SA rekeyed (#" + std::to_string(ev.ike_unique_id) + ")");
            break;
        case VTIGW_EV_CHILD_UP:
            s.last_error.clear();
            s.last_error_time = 0;
            s.delay = backoff_.initial;
            log_("tunnel " + name + ": CHILD_SA installed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            break;
        case VTIGW_EV_CHILD_DOWN:
            log_("tunnel " + name + ": CHILD_SA removed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            break;
        case VTIGW_EV_CHILD_REKEY:
            log_("tunnel " + name + ": CHILD_SA rekeyed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            break;
        case VTIGW_EV_AUTH_FAILED:
        case VTIGW_EV_ERROR:
            s.last_error = ev.detail;
            s.last_error_time = ev.time;
            log_("tunnel " + name + ": " + ev.detail);
            break;
        default:
            break;
    }
}

void Engine::tick(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    for (auto& [name, s] : states_) {
        if (!s.initiates || now < s.next_attempt) continue;
        vtigw_sa_status_t st{};
        if (ike_.query(name, st) != VTIGW_OK || st.ike_sas > 0) continue;
        s.attempts++;
        if (s.attempts > 1) {
            log_("tunnel " + name + ": initiating (attempt " + std::to_string(s.attempts) + ")");
        } else {
            log_("tunnel " + name + ": initiating");
        }
        int rc = ike_.initiate(name);
        if (rc != VTIGW_OK) {
            log_("tunnel " + name + ": initiate failed (" + std::to_string(rc) + ")");
        }
        // The next attempt is due when this one has failed, at the earliest after the delay.
        s.next_attempt = now + s.delay;
        s.delay = std::min(s.delay * 2, backoff_.max);
    }
}

void Engine::run() {
    auto last_tick = Clock::time_point{};
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopped_) return;
        }
        vtigw_event_t ev{};
        if (ike_.next_event(ev, 200) == VTIGW_OK) handle(ev);
        auto now = Clock::now();
        if (now - last_tick >= std::chrono::milliseconds(500)) {
            tick(now);
            last_tick = now;
        }
    }
}

void Engine::stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
}

gateway::control::Reply Engine::status() {
    gateway::control::Reply r;
    r.ok = true;
    r.gateway = config_.gateway.name.empty() ? "vtigw" : config_.gateway.name;
    std::lock_guard lock(mutex_);
    for (const auto& t : config_.tunnels) {
        const State& s = states_.at(t.name);
        gateway::control::TunnelStatus ts;
        ts.name = t.name;
        ts.ifname = t.ifname;
        ts.remote = t.remote.str();
        ts.start_action = gateway::to_string(t.start_action);
        vtigw_sa_status_t st{};
        if (ike_.query(t.name, st) == VTIGW_OK) {
            ts.ike_state = st.ike_state;
            ts.child_state = st.child_state;
            ts.spi_in = st.spi_in;
            ts.spi_out = st.spi_out;
            ts.bytes_in = st.bytes_in;
            ts.bytes_out = st.bytes_out;
            ts.packets_in = st.packets_in;
            ts.packets_out = st.packets_out;
            ts.established_seconds = st.established_seconds;
        }
        ts.up = ts.ike_state == "ESTABLISHED" && ts.child_state == "INSTALLED";
        ts.last_error = s.last_error;
        ts.last_error_time = s.last_error_time;
        ts.attempts = s.attempts;
        r.tunnels.push_back(std::move(ts));
    }
    return r;
}

gateway::control::Reply Engine::reset(const std::string& tunnel) {
    gateway::control::Reply r;
    {
        std::lock_guard lock(mutex_);
        if (!states_.count(tunnel)) {
            r.error = "no tunnel named '" + tunnel + "'";
            return r;
        }
    }
    log_("tunnel " + tunnel + ": reset requested");
    int rc = ike_.terminate(tunnel, 5000);
    if (rc != VTIGW_OK && rc != VTIGW_ERR_NOT_FOUND) {
        r.error = "terminating the IKE_SA failed (" + std::to_string(rc) + ")";
        return r;
    }
    std::lock_guard lock(mutex_);
    State& s = states_.at(tunnel);
    s.next_attempt = Clock::time_point{};
    s.delay = backoff_.initial;
    r.ok = true;
    return r;
}

}  // namespace vtigwd
