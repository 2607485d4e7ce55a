#include "gateway/engine.h"

#include <cinttypes>
#include <cstdio>

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

Engine::Engine(const Config& config, IkeDriver& ike, LogFn log, Backoff backoff)
    : config_(config), ike_(ike), log_(std::move(log)), backoff_(backoff) {
    for (const auto& t : config_.tunnels) {
        State s;
        s.tunnel = &t;
        s.initiates = t.start_action == StartAction::Initiate;
        s.delay = backoff_.initial;
        states_.emplace(t.name, s);
    }
}

void Engine::handle(const IkeEvent& ev) {
    std::lock_guard lock(mutex_);
    auto it = states_.find(ev.tunnel);
    if (it == states_.end()) return;
    State& s = it->second;
    std::string name = ev.tunnel;
    switch (ev.type) {
        case IkeEventType::IkeUp:
            log_("tunnel " + name + ": IKE_SA established (#" + std::to_string(ev.ike_unique_id) +
                 ", spi " + hex64(ev.ike_spi_i) + "_i " + hex64(ev.ike_spi_r) + "_r)");
            break;
        case IkeEventType::IkeDown:
            log_("tunnel " + name + ": IKE_SA down (#" + std::to_string(ev.ike_unique_id) + ")");
            break;
        case IkeEventType::IkeRekey:
            log_("tunnel " + name + ": IKE_SA rekeyed (#" + std::to_string(ev.ike_unique_id) + ")");
            break;
        case IkeEventType::ChildUp:
            s.last_error.clear();
            s.error_cause.clear();
            s.last_error_time = 0;
            s.delay = backoff_.initial;
            log_("tunnel " + name + ": CHILD_SA installed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            break;
        case IkeEventType::ChildDown:
            log_("tunnel " + name + ": CHILD_SA removed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            break;
        case IkeEventType::ChildRekey:
            log_("tunnel " + name + ": CHILD_SA rekeyed (spi in " + hex32(ev.spi_in) + ", out " +
                 hex32(ev.spi_out) + ")");
            break;
        case IkeEventType::AuthFailed:
        case IkeEventType::Error:
            s.last_error = ev.detail;
            s.error_cause = error_cause(ev);
            s.last_error_time = ev.time;
            log_("tunnel " + name + ": " + ev.detail);
            break;
    }
}

void Engine::tick(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    for (auto& [name, s] : states_) {
        if (!s.initiates || now < s.next_attempt) continue;
        IkeSaStatus st;
        if (ike_.query(name, st) != IkeResult::Ok || st.ike_sas > 0) continue;
        s.attempts++;
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

void Engine::run() {
    auto last_tick = Clock::time_point{};
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopped_) return;
        }
        IkeEvent ev;
        if (ike_.next_event(ev, 200) == IkeResult::Ok) handle(ev);
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

control::Reply Engine::status() {
    control::Reply r;
    r.ok = true;
    r.gateway = config_.gateway.name.empty() ? "vtigw" : config_.gateway.name;
    std::lock_guard lock(mutex_);
    for (const auto& t : config_.tunnels) {
        const State& s = states_.at(t.name);
        control::TunnelStatus ts;
        ts.name = t.name;
        ts.ifname = t.ifname;
        ts.remote = t.remote.str();
        ts.start_action = to_string(t.start_action);
        IkeSaStatus st;
        if (ike_.query(t.name, st) == IkeResult::Ok) {
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
        ts.error_cause = s.error_cause;
        ts.last_error_time = s.last_error_time;
        ts.attempts = s.attempts;
        r.tunnels.push_back(std::move(ts));
    }
    return r;
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
    r.ok = true;
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
