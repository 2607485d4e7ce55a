// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "bridge_convert.h"
#include "charon_driver.h"
#include "control_server.h"
#include "gateway/bgp_service.h"
#include "gateway/control.h"
#include "gateway/desired.h"
#include "gateway/engine.h"
#include "gateway/loader.h"
#include "gateway/metrics.h"
#include "gateway/service.h"
#include "gateway/version.h"
#include "metrics_http.h"
#include "vti/manager.h"
#include "vtigw_bridge.h"

namespace {

/** Debian's charon plugins vtigwd needs (charon 5.9.8 must load kdf). */
constexpr const char* kDefaultPlugins =
    "random nonce openssl kdf pem pkcs1 pkcs8 x509 pubkey revocation constraints "
    "kernel-netlink socket-default";

std::mutex log_mutex;

/** Set at start: stderr is the journal, so lines carry `<N>` priorities and no time. */
bool journal_log = false;

void log_line(const std::string& line) {
    if (journal_log) {
        std::lock_guard lock(log_mutex);
        std::fprintf(stderr, "<%d>%s\n", gateway::service::priority_of(line), line.c_str());
        return;
    }
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm tm{};
    localtime_r(&ts.tv_sec, &tm);
    std::lock_guard lock(log_mutex);
    std::fprintf(stderr, "%02d:%02d:%02d.%03ld vtigwd: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 ts.tv_nsec / 1000000, line.c_str());
}

/** The changes of `plan` as control-protocol entries. */
std::vector<gateway::control::PlannedChange> planned(const std::vector<vti::Change>& plan) {
    std::vector<gateway::control::PlannedChange> out;
    for (const auto& c : plan) {
        gateway::control::PlannedChange p;
        p.scope = "kernel";
        p.action = vti::to_string(c.action);
        p.object = vti::to_string(c.object);
        p.tunnel = c.tunnel;
        p.description = c.str();
        p.command = c.command;
        out.push_back(std::move(p));
    }
    return out;
}

/** The diagnostics of an invalid file as one message. */
std::string invalid_config_message(const std::string& path, const gateway::LoadResult& loaded) {
    std::string msg = "configuration " + path + " is invalid; nothing changed";
    for (const auto& d : loaded.diagnostics.items())
        if (d.severity == gateway::Severity::Error) msg += "\n  " + d.str();
    return msg;
}

/** Applies `d`, logging each change as its command; false on failure (already rolled back). */
bool apply_kernel(vti::Manager& m, const vti::DesiredState& d, bool verbose) {
    // Planning reads the kernel once more: only for the verbose log (apply reports any error).
    if (verbose) {
        auto plan = m.plan(d);
        if (plan) {
            for (const auto& c : *plan) log_line("[#] " + c.command);
        }
    }
    vti::ApplyStats stats;
    auto r = m.apply(d, &stats);
    if (!r) {
        log_line("kernel: " + r.message());
        return false;
    }
    log_line("kernel: " + std::to_string(stats.changes) + " change(s) applied");
    return true;
}

/** Unix time now. */
int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/** Daemon-wide metrics besides the engine's per-tunnel ones. */
struct DaemonMetrics {
    std::mutex mutex;
    int64_t start_time = unix_now();
    bool last_reload_ok = true;
    int64_t last_reload_success_time = start_time;
    std::map<std::string, uint64_t> kernel_errors;

    void kernel_error(const std::string& op) {
        std::lock_guard lock(mutex);
        kernel_errors[op]++;
    }
    void reloaded(bool ok) {
        std::lock_guard lock(mutex);
        last_reload_ok = ok;
        if (ok) last_reload_success_time = unix_now();
    }
    /** The snapshot with `tunnels`. */
    gateway::MetricsSnapshot snapshot(std::vector<gateway::TunnelMetrics> tunnels) {
        gateway::MetricsSnapshot s;
        s.version = gateway::version();
        s.strongswan_version = vtigw_ike_strongswan_version();
        std::lock_guard lock(mutex);
        s.start_time = start_time;
        s.last_reload_ok = last_reload_ok;
        s.last_reload_success_time = last_reload_success_time;
        s.kernel_errors = kernel_errors;
        s.tunnels = std::move(tunnels);
        return s;
    }
};

/** Sends WATCHDOG=1 to systemd while charon's scheduler runs its heartbeat job. */
class Watchdog {
  public:
    /** Called from the control loop: pings when due and the heartbeat is fresh. */
    void tick() {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t now = static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
        int64_t beat = vtigw_ike_last_heartbeat_ms();
        using Verdict = gateway::service::Watchdog::Verdict;
        switch (gate_.tick(now, beat)) {
            case Verdict::Ping:
                if (withheld_) log_line("watchdog: charon's scheduler runs again");
                withheld_ = false;
                gateway::service::notify("WATCHDOG=1");
                break;
            case Verdict::Withheld:
                if (!withheld_ && beat != 0)  // before the first heartbeat: not a stall yet
                    log_line("watchdog: charon's scheduler has not run for " +
                             std::to_string((now - beat) / 1000) +
                             " s; no longer telling systemd we are alive");
                withheld_ = true;
                break;
            case Verdict::Idle:
                break;
        }
    }

  private:
    gateway::service::Watchdog gate_{gateway::service::watchdog_interval()};
    bool withheld_ = false;
};

}  // namespace

int vtigwd::run_daemon(const gateway::cli::DaemonOptions& opt) {
    using gateway::cli::kConfigError;
    using gateway::cli::kDaemonError;
    using gateway::cli::kKernelError;
    auto started = std::chrono::steady_clock::now();
    journal_log = gateway::service::stderr_is_journal();
    // Transparent huge pages off before anything is allocated: with THP "always" a thread's first
    // touch of its stack or of a new arena could cost 2 MiB of RSS (12 MiB of stacks at one
    // tunnel), and parsing a file of 1,000 tunnels left 6 MiB of huge pages in the heap.
    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
    DaemonMetrics daemon_metrics;

    auto loaded = gateway::load_config_file(opt.config);
    if (!loaded.ok()) {
        for (const auto& d : loaded.diagnostics.items()) log_line(d.str());
        log_line("configuration " + opt.config + " is invalid");
        return kConfigError;
    }
    const gateway::Config& cfg = *loaded.config;

    // Checked before touching the kernel: a second instance must not tear down the first one's
    // state when its own start fails.
    auto running = gateway::control::call(opt.control, {"status", ""}, std::chrono::seconds(5));
    if (running.ok) {
        log_line("another vtigw daemon (gateway " + running.gateway + ") answers on " +
                 opt.control + "; nothing changed");
        return kDaemonError;
    }

    std::string error;
    auto bridge = vtigwd::BridgeTunnels::build(cfg, vtigwd::default_psk_reader(), error);
    if (!bridge) {
        log_line(error);
        return kConfigError;
    }

    // Signals are taken by sigtimedwait in this thread; charon's threads inherit the mask.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    sigaddset(&sigs, SIGUSR1);  // wakes the control loop (a `down` request)
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    signal(SIGPIPE, SIG_IGN);

    auto manager = vti::Manager::open();
    if (!manager) {
        log_line("kernel: " + manager.message());
        return kKernelError;
    }
    // Routes follow the SAs: no tunnel has one yet (on-demand tunnels keep theirs; a tunnel whose
    // link follows its SAs starts down).
    std::set<std::string> no_sa_yet;
    for (const auto& t : cfg.tunnels)
        if (t.start_action != gateway::StartAction::OnDemand || t.link_follows_sa)
            no_sa_yet.insert(t.name);
    {
        const vti::DesiredState desired = gateway::to_desired_state(cfg, no_sa_yet);
        if (!apply_kernel(**manager, desired, opt.verbose)) return kKernelError;
        // Charon is not running yet: SAs with our tunnels' keys are leftovers of a killed run.
        std::vector<std::string> stale;
        if (auto r = (*manager)->remove_stale_states(desired, &stale); !r.ok()) {
            log_line("kernel: " + r.message());
        } else if (!stale.empty()) {
            for (const auto& c : stale) log_line("[#] " + c);
            log_line("kernel: removed " + std::to_string(stale.size()) +
                     " stale SA(s) left by an earlier run");
        }
    }
    auto remove_kernel = [&] { return apply_kernel(**manager, vti::DesiredState{}, opt.verbose); };

    vtigw_ike_options_t ike_opt{};
    ike_opt.settings = opt.settings.empty() ? nullptr : opt.settings.c_str();
    ike_opt.plugins = opt.plugins.empty() ? kDefaultPlugins : opt.plugins.c_str();
    ike_opt.log_level = opt.verbose ? 2 : 0;
    ike_opt.tunnels = static_cast<unsigned>(cfg.tunnels.size());
    char buf[512] = "";
    if (vtigw_ike_init(&ike_opt, buf, sizeof(buf)) != VTIGW_OK) {
        log_line(std::string("IKE: ") + buf);
        remove_kernel();
        return kDaemonError;
    }
    bridge.reset();  // it only checked the PSKs early; the driver reads them again
    vtigwd::CharonDriver driver;
    if (!driver.set_tunnels(cfg, error)) {
        log_line("IKE: " + error);
        vtigw_ike_deinit();
        remove_kernel();
        return kDaemonError;
    }

    gateway::Engine engine(cfg, driver, log_line);

    // The kernel is changed from the control thread (reload) and the main thread (SIGHUP).
    std::mutex kernel_mutex;
    gateway::KernelOps kernel_ops;
    kernel_ops.plan = [&](const gateway::Config& c, const std::set<std::string>& demoted,
                          std::vector<gateway::control::PlannedChange>& out, std::string& err) {
        std::lock_guard lock(kernel_mutex);
        auto plan = (*manager)->plan(gateway::to_desired_state(c, demoted));
        if (!plan) {
            err = plan.message();
            return false;
        }
        for (auto& p : planned(*plan)) out.push_back(std::move(p));
        return true;
    };
    // Applies `c` with `demoted` routes; `full` re-reads the whole kernel state (no cache).
    auto apply_config = [&](const gateway::Config& c, const std::set<std::string>& demoted,
                            bool full, std::string& err) {
        std::lock_guard lock(kernel_mutex);
        vti::ApplyStats stats;
        vti::ApplyOptions opts;
        opts.full = full;
        auto r = (*manager)->apply(gateway::to_desired_state(c, demoted), &stats, opts);
        if (!r) {
            daemon_metrics.kernel_error(full ? "reconcile" : "apply");
            err = r.message();
            return false;
        }
        if (!full)
            log_line("kernel: " + std::to_string(stats.changes) + " change(s) applied");
        else if (stats.changes)
            log_line("kernel: full reconcile repaired " + std::to_string(stats.changes) +
                     " object(s) changed by others");
        return true;
    };
    kernel_ops.apply = [&](const gateway::Config& c, const std::set<std::string>& demoted,
                           std::string& err) { return apply_config(c, demoted, false, err); };
    kernel_ops.reconcile = [&](const gateway::Config& c, const std::set<std::string>& demoted,
                               std::string& err) { return apply_config(c, demoted, true, err); };
    engine.follow_sas(kernel_ops);

    // BGP: FRR runs beside the daemon, off charon's and the control threads.
    const std::string run_dir = std::filesystem::path(opt.control).parent_path().string();
    std::mutex bgp_mutex;
    std::shared_ptr<gateway::BgpService> bgp;
    auto current_bgp = [&] {
        std::lock_guard lock(bgp_mutex);
        return bgp;
    };
    auto start_bgp = [&](const gateway::Config& c, std::string& err) {
        auto service = std::make_shared<gateway::BgpService>(c, run_dir, log_line);
        if (!service->start(c, err)) return false;
        std::lock_guard lock(bgp_mutex);
        bgp = service;
        return true;
    };
    auto stop_bgp = [&] {
        std::shared_ptr<gateway::BgpService> service;
        {
            std::lock_guard lock(bgp_mutex);
            service.swap(bgp);
        }
        return service ? service->stop() : std::string();
    };
    if (cfg.bgp && !start_bgp(cfg, error)) {
        log_line("frr: " + error);
        vtigw_ike_deinit();
        remove_kernel();
        return kConfigError;
    }
    // From here on the engine's copy is the configuration: the loaded one (about 1.3 KB per
    // tunnel) is freed, keeping what the start-up settled for good.
    const gateway::MetricsEndpoint started_metrics = cfg.gateway.metrics;
    const size_t started_tunnels = cfg.tunnels.size();
    loaded.config.reset();
    std::mutex path_mutex;
    std::string config_path = opt.config;
    // The STATUS= line: a failed reload stays in front of it until a reload succeeds.
    std::mutex status_mutex;
    std::string reload_note;
    auto status_text = [&] {
        std::string line = gateway::service::status_line(engine.summary());
        std::lock_guard lock(status_mutex);
        return reload_note.empty() ? line : reload_note + "; " + line;
    };
    auto set_reload_note = [&](std::string note) {
        std::lock_guard lock(status_mutex);
        reload_note = std::move(note);
    };
    // Loads `path` ("" for the current file) and plans or performs the reload.
    auto reload = [&](std::string path, bool dry_run) {
        std::lock_guard lock(path_mutex);
        if (path.empty()) path = config_path;
        auto next = gateway::load_config_file(path);
        gateway::control::Reply r;
        if (!next.ok()) {
            r.cause = "config";
            r.error = invalid_config_message(path, next);
            if (!dry_run) {
                log_line("reload: " + r.error);
                daemon_metrics.reloaded(false);
                set_reload_note("reload failed (running configuration kept): " + path +
                                " is invalid");
                gateway::service::notify("STATUS=" + status_text());
            }
            return r;
        }
        auto service = current_bgp();
        std::vector<gateway::control::PlannedChange> frr_changes;
        if (service || next.config->bgp) {
            std::string frr_error;
            frr_changes = gateway::plan_frr(service.get(), *next.config, frr_error);
            if (!frr_error.empty()) {
                r.cause = "config";
                r.error = "FRR configuration of " + path + ": " + frr_error;
                if (!dry_run) log_line("reload: " + r.error);
                return r;
            }
        }
        if (dry_run) {
            r = engine.plan_reload(*next.config, kernel_ops);
            if (r.ok) r.changes.insert(r.changes.end(), frr_changes.begin(), frr_changes.end());
            return r;
        }
        gateway::service::notify("RELOADING=1\nMONOTONIC_USEC=" +
                                 std::to_string(gateway::service::monotonic_usec()));
        log_line("reload: from " + path);
        std::string frr_error;
        if (service && next.config->bgp && !service->check(*next.config, frr_error)) {
            r.cause = "config";
            r.error =
                "FRR refuses the configuration of " + path + "; nothing changed: " + frr_error;
            log_line("reload: " + r.error);
            daemon_metrics.reloaded(false);
            set_reload_note("reload failed (running configuration kept): FRR refuses " + path);
            gateway::service::notify("READY=1\nSTATUS=" + status_text());
            return r;
        }
        r = engine.reload(*next.config, kernel_ops);
        daemon_metrics.reloaded(r.ok);
        const auto& now_m = next.config->gateway.metrics;
        const auto& ran_m = started_metrics;
        if (r.ok && (now_m.enabled != ran_m.enabled || now_m.port != ran_m.port ||
                     !(now_m.address == ran_m.address)))
            log_line("reload: the metrics endpoint changes at the next restart");
        set_reload_note(r.ok ? ""
                             : "reload failed (running configuration kept): " +
                                   r.error.substr(0, r.error.find('\n')));
        gateway::service::notify("READY=1\nSTATUS=" + status_text());
        if (r.ok) {
            // Tunnels first (their interfaces), then FRR; unchanged neighbors keep their sessions.
            if (service && next.config->bgp) {
                if (!service->apply(*next.config, frr_error)) {
                    r.ok = false;
                    r.cause = "config";
                    r.error =
                        "tunnels reloaded, but FRR refused its configuration (the previous "
                        "one keeps running): " +
                        frr_error;
                }
            } else if (service) {
                stop_bgp();
            } else if (next.config->bgp && !start_bgp(*next.config, frr_error)) {
                r.ok = false;
                r.cause = "config";
                r.error = "tunnels reloaded, but FRR could not be configured: " + frr_error;
            }
        }
        if (r.ok) {
            config_path = path;
            r.changes.insert(r.changes.end(), frr_changes.begin(), frr_changes.end());
            for (const auto& c : frr_changes) log_line("frr: " + c.action + " " + c.description);
            size_t kept = 0;
            for (const auto& c : r.changes) kept += c.scope == "ike" && c.action == "keep";
            log_line("reload: done (" + std::to_string(next.config->tunnels.size()) +
                     " tunnel(s), " + std::to_string(kept) + " untouched)");
        } else {
            log_line("reload: " + r.error);
        }
        return r;
    };
    std::atomic<bool> down_requested{false};
    std::promise<std::string> teardown;
    auto teardown_done = teardown.get_future().share();

    vtigwd::ControlServer server;
    auto handler = [&](const gateway::control::Request& r) {
        if (r.cmd == "status") {
            auto reply = engine.status();
            if (auto service = current_bgp()) service->add_status(reply, engine.config());
            return reply;
        }
        if (r.cmd == "reset") return engine.reset(r.tunnel);
        if (r.cmd == "metrics") {
            gateway::control::Reply m;
            m.ok = true;
            m.text = gateway::format_prometheus(daemon_metrics.snapshot(engine.metrics()));
            return m;
        }
        if (r.cmd == "plan" || r.cmd == "reload") {
            if (down_requested) {
                gateway::control::Reply busy;
                busy.error = "the daemon is shutting down";
                return busy;
            }
            return reload(r.config, r.cmd == "plan");
        }
        gateway::control::Reply reply;  // down: answer once everything is gone
        down_requested = true;
        kill(getpid(), SIGUSR1);
        std::string err = teardown_done.get();
        reply.ok = err.empty();
        reply.error = err;
        return reply;
    };
    if (!server.start(opt.control, handler, error)) {
        log_line("control: " + error);
        stop_bgp();
        vtigw_ike_deinit();
        remove_kernel();
        return kDaemonError;
    }
    vtigwd::MetricsHttp metrics_http;
    if (started_metrics.enabled) {
        auto render = [&] {
            return gateway::format_prometheus(daemon_metrics.snapshot(engine.metrics()));
        };
        if (!metrics_http.start(started_metrics, render, error)) {
            log_line(error);
            server.stop();
            vtigw_ike_deinit();
            remove_kernel();
            return kDaemonError;
        }
        log_line("metrics: serving http://" + vtigwd::endpoint_text(started_metrics) + "/metrics");
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    log_line("running: " + std::to_string(started_tunnels) + " tunnel(s), control " + opt.control +
             ", ready in " + std::to_string(ms) + " ms");

    std::thread events([&] {
        pthread_setname_np(pthread_self(), "vtigw-engine");  // per-thread CPU in top/ps
        engine.run();
    });
    // Ready: the kernel is reconciled, charon runs and the control socket listens (peers are
    // not waited for: boot must not depend on them).
    gateway::service::notify("READY=1\nSTATUS=" + status_text());
    Watchdog watchdog;
    constexpr auto kStatusEvery = std::chrono::seconds(2);
    auto next_status = std::chrono::steady_clock::now() + kStatusEvery;
    std::string last_status;

    // Idle, the loop wakes once a second (the watchdog's and the STATUS line's pace); a
    // `down` request wakes it at once (SIGUSR1).
    timespec poll_interval{1, 0};
    std::string why;
    // The manager's event-maintained cache misses what the kernel does not announce (e.g. a
    // disable_policy write): a full reconcile now and then repairs it.
    constexpr auto kFullReconcileEvery = std::chrono::minutes(5);
    auto next_full = std::chrono::steady_clock::now() + kFullReconcileEvery;
    while (!down_requested) {
        watchdog.tick();
        // The status line comes from the engine's own state (no IKE query): still, only when
        // systemd listens.
        if (gateway::service::notify_enabled() && std::chrono::steady_clock::now() >= next_status) {
            next_status += kStatusEvery;
            std::string line = status_text();
            if (line != last_status) gateway::service::notify("STATUS=" + line);
            last_status = line;
        }
        if (std::chrono::steady_clock::now() >= next_full) {
            next_full += kFullReconcileEvery;
            std::string err;
            if (!engine.reconcile(err)) log_line("kernel: periodic full reconcile: " + err);
        }
        siginfo_t info{};
        int sig = sigtimedwait(&sigs, &info, &poll_interval);
        if (sig == SIGTERM || sig == SIGINT) {
            why = sig == SIGTERM ? "SIGTERM" : "SIGINT";
            break;
        }
        if (sig == SIGHUP) {
            log_line("SIGHUP: reloading the configuration");
            reload("", false);
        }
    }
    if (why.empty()) why = "down requested";
    gateway::service::notify("STOPPING=1\nSTATUS=shutting down (" + why + ")");
    log_line("shutting down (" + why + ")");
    metrics_http.stop();

    engine.stop();
    events.join();
    if (driver.terminate("", 3000) != gateway::IkeResult::Ok)
        log_line("IKE: some SAs did not close cleanly");
    vtigw_ike_deinit();
    log_line("IKE stopped; removing the kernel state");  // each phase's time shows at scale
    bool frr_ok = stop_bgp().empty();
    bool kernel_ok = remove_kernel() && frr_ok;
    teardown.set_value(kernel_ok ? "" : "removing kernel state failed");
    server.stop();
    log_line(kernel_ok ? "stopped" : "stopped with errors");
    return kernel_ok ? 0 : kKernelError;
}
