// SPDX-License-Identifier: GPL-2.0-or-later
// The commands that talk to a running daemon: status, reset, metrics, down, reload.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cli_output.h"
#include "gateway/bgp_service.h"
#include "gateway/cli.h"
#include "gateway/control.h"
#include "status_table.h"
#include "vti/manager.h"

namespace gateway::cli {

namespace {

/** Prints why the daemon could not be reached; returns kDaemonError. */
int not_running(const Args& args, const control::Reply& r) {
    std::fprintf(stderr,
                 "vtigw: no vtigw daemon answers on %s (%s); start one with `vtigw up -c FILE`\n",
                 args.daemon.control.c_str(), r.error.c_str());
    return kDaemonError;
}

/** With no daemon running: removes every kernel object vtigw owns and the SAs carrying their
 *  keys (left by a crash). */
int remove_leftovers(const Args& args) {
    // One plan and one apply: nothing for the event-maintained cache to speed up.
    auto manager = vti::Manager::open({.cache = false});
    if (!manager) {
        std::fprintf(stderr, "vtigw: kernel: %s\n", manager.message().c_str());
        return kKernelError;
    }
    // SAs first: their keys are found through the owned policies removed below.
    std::vector<std::string> stale_sas;
    if (auto r = (*manager)->remove_stale_states(vti::DesiredState{}, &stale_sas); !r.ok()) {
        std::fprintf(stderr, "vtigw: kernel: %s\n", r.message().c_str());
        return kKernelError;
    }
    auto plan = (*manager)->plan(vti::DesiredState{});
    if (!plan) {
        std::fprintf(stderr, "vtigw: kernel: %s\n", plan.message().c_str());
        return kKernelError;
    }
    // FRR daemons a killed daemon started (recorded beside its control socket).
    stop_leftover_frr(std::filesystem::path(args.daemon.control).parent_path().string(),
                      [](const std::string& line) { std::printf("vtigw: %s\n", line.c_str()); });
    struct stat st {};
    if (lstat(args.daemon.control.c_str(), &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(args.daemon.control.c_str());
    if (plan->empty() && stale_sas.empty()) {
        std::printf("vtigw: no daemon running and no vtigw-owned kernel objects: nothing to do\n");
        return kOk;
    }
    std::printf("vtigw: no daemon running; removing %zu leftover kernel object(s):\n",
                plan->size() + stale_sas.size());
    for (const auto& c : stale_sas) std::printf("[#] %s\n", c.c_str());
    for (const auto& c : *plan) std::printf("[#] %s\n", c.command.c_str());
    auto r = (*manager)->apply(vti::DesiredState{});
    if (!r) {
        std::fprintf(stderr, "vtigw: kernel: %s\n", r.message().c_str());
        return kKernelError;
    }
    return kOk;
}

}  // namespace

int run_status(const Args& args) {
    auto r = control::status(args.daemon.control);
    if (!r.ok) {
        if (r.unreachable) return not_running(args, r);
        std::fprintf(stderr, "vtigw: status: %s\n", r.error.c_str());
        return kDaemonError;
    }
    if (args.json) {
        print_json(nlohmann::json::parse(control::encode(r)));
    } else {
        std::fputs(format_status_table(r).c_str(), stdout);
    }
    return kOk;
}

int run_reset(const Args& args) {
    auto r = control::call(args.daemon.control, {"reset", args.tunnel});
    if (!r.ok) {
        if (r.unreachable) return not_running(args, r);
        std::fprintf(stderr, "vtigw: reset %s: %s\n", args.tunnel.c_str(), r.error.c_str());
        return kConfigError;
    }
    std::printf("vtigw: tunnel %s reset: its SAs were deleted; an initiating tunnel starts again\n",
                args.tunnel.c_str());
    return kOk;
}

int run_metrics(const Args& args) {
    auto r = control::call(args.daemon.control, {"metrics", ""});
    if (!r.ok) {
        if (r.unreachable) return not_running(args, r);
        std::fprintf(stderr, "vtigw: metrics: %s\n", r.error.c_str());
        return kDaemonError;
    }
    std::fputs(r.text.c_str(), stdout);
    return kOk;
}

int run_down(const Args& args) {
    auto r = control::call(args.daemon.control, {"down", ""}, std::chrono::seconds(120));
    if (r.unreachable && r.error.rfind("connect ", 0) == 0) return remove_leftovers(args);
    if (!r.ok) {
        if (r.unreachable) return not_running(args, r);
        std::fprintf(stderr, "vtigw: down: %s\n", r.error.c_str());
        return kKernelError;
    }
    std::printf("vtigw: down: SAs deleted, vtigw's kernel objects removed, daemon stopped\n");
    return kOk;
}

int run_reload(const Args& args) {
    control::Request req{"reload", ""};
    if (!args.config.empty()) req.config = absolute_path(args.config);
    auto r = control::call(args.daemon.control, req, std::chrono::seconds(300));
    if (!r.ok) {
        if (r.unreachable) return not_running(args, r);
        if (args.json) {
            print_json({{"ok", false}, {"cause", r.cause}, {"error", r.error}});
        } else {
            std::fprintf(stderr, "vtigw: reload: %s\n", r.error.c_str());
        }
        return exit_code_for(r);
    }
    if (args.json) {
        nlohmann::json out = {{"ok", true}};
        add_reload_changes_json(out, r.changes);
        print_json(out);
        return kOk;
    }
    std::printf("vtigw: reloaded:\n");
    print_reload_changes(r.changes);
    return kOk;
}

}  // namespace gateway::cli
