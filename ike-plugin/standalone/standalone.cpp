// SPDX-License-Identifier: GPL-2.0-or-later
// The vtigw plugin inside a stock charon (libstrongswan-vtigw.so only): the C++ half of
// vtigw_standalone.h. Loads a vtigw configuration with the same loader, conversion, kernel
// reconciliation and initiation logic as vtigwd (gateway::load_config_file,
// vtigwd::BridgeTunnels, vti::Manager, gateway::Engine) and reports through charon's log.

#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

#include "charon_driver.h"
#include "gateway/desired.h"
#include "gateway/engine.h"
#include "gateway/loader.h"
#include "vti/manager.h"
#include "vtigw_bridge.h"
#include "vtigw_standalone.h"

namespace {

/** Events handled per tick at most, so one tick never runs long. */
constexpr int kMaxEventsPerTick = 256;

struct Standalone {
    vtigw_standalone_log_fn log = nullptr;
    /** The loaded configuration. */
    gateway::Config config;
    std::unique_ptr<vti::Manager> manager;
    vtigwd::CharonDriver driver;
    std::unique_ptr<gateway::Engine> engine;

    void line(int level, const std::string& text) const { log(level, text.c_str()); }
};

std::mutex state_mutex;
std::unique_ptr<Standalone> state;

/** Applies `d`, logging each change as its command; false on failure (already rolled back). */
bool apply_kernel(const Standalone& s, vti::Manager& m, const vti::DesiredState& d) {
    auto plan = m.plan(d);
    if (!plan) {
        s.line(VTIGW_LOG_BASIC, "kernel: " + plan.message());
        return false;
    }
    for (const auto& c : *plan) s.line(VTIGW_LOG_DETAIL, "[#] " + c.command);
    vti::ApplyStats stats;
    auto r = m.apply(d, &stats);
    if (!r) {
        s.line(VTIGW_LOG_BASIC, "kernel: " + r.message());
        return false;
    }
    s.line(VTIGW_LOG_BASIC, "kernel: " + std::to_string(stats.changes) + " change(s) applied");
    return true;
}

int start(const char* path, vtigw_standalone_log_fn log) {
    auto s = std::make_unique<Standalone>();
    s->log = log;
    const std::string file = path;

    auto loaded = gateway::load_config_file(file);
    for (const auto& d : loaded.diagnostics.items()) {
        s->line(VTIGW_LOG_BASIC,
                std::string(d.severity == gateway::Severity::Error ? "configuration error: "
                                                                   : "configuration warning: ") +
                    d.str());
    }
    if (!loaded.ok()) {
        s->line(VTIGW_LOG_BASIC, "configuration " + file + " is invalid");
        return VTIGW_ERR_INVALID;
    }
    s->config = std::move(*loaded.config);

    // On any failure below the caller unregisters the plugin core, which drops the tunnels
    // and wipes the credentials handed over here.
    std::string error;
    if (!s->driver.set_tunnels(s->config, error)) {
        s->line(VTIGW_LOG_BASIC, "IKE: " + error);
        return VTIGW_ERR_INVALID;
    }

    auto manager = vti::Manager::open();
    if (!manager) {
        s->line(VTIGW_LOG_BASIC, "kernel: " + manager.message());
        return VTIGW_ERR_FAILED;
    }
    s->manager = std::move(*manager);
    if (!apply_kernel(*s, *s->manager, gateway::to_desired_state(s->config))) {
        return VTIGW_ERR_FAILED;
    }

    Standalone* raw = s.get();
    s->engine = std::make_unique<gateway::Engine>(
        s->config, s->driver, [raw](const std::string& l) { raw->line(VTIGW_LOG_BASIC, l); });
    s->line(VTIGW_LOG_BASIC,
            "serving " + std::to_string(s->config.tunnels.size()) + " tunnel(s) of " + file);
    state = std::move(s);
    return VTIGW_OK;
}

}  // namespace

extern "C" int vtigw_standalone_start(const char* config_path, vtigw_standalone_log_fn log) {
    std::lock_guard lock(state_mutex);
    if (state) {
        log(VTIGW_LOG_BASIC, "a configuration is already served");
        return VTIGW_ERR_INIT;
    }
    try {
        return start(config_path, log);
    } catch (const std::exception& e) {
        log(VTIGW_LOG_BASIC,
            (std::string("loading the configuration failed: ") + e.what()).c_str());
    } catch (...) {
        log(VTIGW_LOG_BASIC, "loading the configuration failed");
    }
    return VTIGW_ERR_INIT;
}

extern "C" void vtigw_standalone_tick(void) {
    std::lock_guard lock(state_mutex);
    if (!state) return;
    try {
        gateway::IkeEvent ev;
        for (int i = 0;
             i < kMaxEventsPerTick && state->driver.next_event(ev, 0) == gateway::IkeResult::Ok;
             i++) {
            state->engine->handle(ev);
        }
        state->engine->tick(gateway::Engine::Clock::now());
    } catch (const std::exception& e) {
        state->line(VTIGW_LOG_BASIC, std::string("tick failed: ") + e.what());
    } catch (...) {
        state->line(VTIGW_LOG_BASIC, "tick failed");
    }
}

extern "C" int vtigw_standalone_stop(void) {
    std::lock_guard lock(state_mutex);
    if (!state) return VTIGW_OK;
    bool ok = false;
    try {
        state->engine->stop();
        ok = apply_kernel(*state, *state->manager, vti::DesiredState{});
        state->line(VTIGW_LOG_BASIC, ok ? "kernel state removed" : "removing kernel state failed");
    } catch (const std::exception& e) {
        state->line(VTIGW_LOG_BASIC, std::string("removing kernel state failed: ") + e.what());
    } catch (...) {
        state->line(VTIGW_LOG_BASIC, "removing kernel state failed");
    }
    state.reset();
    return ok ? VTIGW_OK : VTIGW_ERR_FAILED;
}
