// SPDX-License-Identifier: GPL-2.0-or-later
#include <algorithm>
#include <cstdio>

#include "cli_output.h"
#include "frr/diff.h"
#include "frr/render.h"
#include "gateway/cli.h"
#include "gateway/control.h"
#include "gateway/describe.h"
#include "gateway/desired.h"
#include "gateway/frr_desired.h"
#include "gateway/loader.h"
#include "vti/manager.h"

namespace gateway::cli {

namespace {

// The kernel changes against the current state when it can be read, else against an empty
// kernel (e.g. without CAP_NET_ADMIN); `note` says which.
std::optional<std::vector<vti::Change>> kernel_changes(const vti::DesiredState& d, bool offline,
                                                       std::string& note, std::string& error) {
    if (!offline) {
        auto m = vti::Manager::open({.cache = false});  // one plan: no cache to keep
        if (m) {
            auto plan = (*m)->plan(d);
            if (plan) {
                note = "against the current kernel state";
                return plan.value();
            }
            note = "kernel state not readable (" + plan.message() + "); against an empty kernel";
        } else {
            note = "kernel state not readable (" + m.message() + "); against an empty kernel";
        }
    } else {
        note = "against an empty kernel (--offline)";
    }
    // The empty kernel still has the underlay devices the file names (they are the user's, not
    // created by vtigw): stand-ins let the plan show their links instead of failing on them.
    vti::KernelSnapshot empty;
    for (const auto& t : d.tunnels) {
        if (t.underlay.empty() ||
            std::any_of(empty.links.begin(), empty.links.end(),
                        [&](const vti::LinkInfo& l) { return l.name == t.underlay; }))
            continue;
        vti::LinkInfo stand_in;
        stand_in.name = t.underlay;
        stand_in.index = static_cast<int>(empty.links.size()) + 1;
        empty.links.push_back(stand_in);
    }
    auto steps = vti::diff(empty, d);
    if (!steps) {
        error = steps.message();
        return std::nullopt;
    }
    std::vector<vti::Change> out;
    for (const auto& s : steps.value()) out.push_back(s.change);
    return out;
}

// With a daemon running, the plan is what `vtigw reload` would do, computed by the daemon itself.
// nullopt when no daemon answers.
std::optional<int> plan_with_daemon(const Args& args, const LoadResult& loaded) {
    control::Request req{"plan", ""};
    req.config = absolute_path(args.config);
    auto reply = control::call(args.daemon.control, req, std::chrono::seconds(60));
    if (reply.unreachable && reply.error.starts_with("connect ")) return std::nullopt;
    if (!reply.ok) {
        std::fprintf(stderr, "vtigw: plan (daemon on %s): %s\n", args.daemon.control.c_str(),
                     reply.error.c_str());
        return exit_code_for(reply);
    }
    if (args.json) {
        nlohmann::json out = {{"ok", true}, {"basis", "running daemon on " + args.daemon.control}};
        add_reload_changes_json(out, reply.changes);
        out["frr"]["basis"] = "FRR's running configuration";
        out["diagnostics"] = diagnostics_json(loaded.diagnostics);
        print_json(out);
        return kOk;
    }
    std::printf("reload plan (what `vtigw reload` does; daemon on %s):\n",
                args.daemon.control.c_str());
    print_reload_changes(reply.changes, runs_bgp(*loaded.config));
    return kOk;
}

// FRR's configuration for a BGP gateway, passwords redacted (never read); "" without BGP.
std::string frr_text(const Config& c) {
    if (!runs_bgp(c)) return "";
    std::string error;
    auto f = to_frr_config(c, placeholder_password_reader(), machine_hostname(), error);
    return f ? frr::render_redacted(*f) : "";
}

}  // namespace

int run_plan(const Args& args) {
    LoadResult r = load_config_file(args.config);
    if (!r.ok()) {
        if (args.json)
            print_json({{"ok", false}, {"diagnostics", diagnostics_json(r.diagnostics)}});
        else
            print_diagnostics(args.config, r.diagnostics);
        return 1;
    }
    if (!args.json) print_diagnostics(args.config, r.diagnostics);
    if (!args.offline) {
        if (auto code = plan_with_daemon(args, r)) return *code;
    }
    vti::DesiredState desired = to_desired_state(*r.config);
    std::string note, error;
    auto changes = kernel_changes(desired, args.offline, note, error);
    if (!changes) {
        std::fprintf(stderr, "vtigw: cannot plan kernel changes: %s\n", error.c_str());
        return 1;
    }
    if (args.json) {
        nlohmann::json kernel = nlohmann::json::array();
        for (const auto& c : *changes)
            kernel.push_back({{"action", vti::to_string(c.action)},
                              {"object", vti::to_string(c.object)},
                              {"tunnel", c.tunnel},
                              {"description", c.description},
                              {"command", c.command}});
        nlohmann::json ike = nlohmann::json::array();
        // No IKE daemon state is read yet, so every connection is an addition.
        for (const auto& t : r.config->tunnels)
            ike.push_back({{"action", "add"}, {"connection", ike_connection_json(t)}});
        nlohmann::json out = {{"ok", true},
                              {"kernel_basis", note},
                              {"kernel", kernel},
                              {"ike", ike},
                              {"diagnostics", diagnostics_json(r.diagnostics)}};
        if (std::string f = frr_text(*r.config); !f.empty()) {
            nlohmann::json frr_changes = nlohmann::json::array();
            for (const auto& l : frr::diff("", f))
                frr_changes.push_back(
                    {{"action", "add"}, {"line", l.line}, {"path", l.str().substr(2)}});
            out["frr"] = {{"config", f},
                          {"applied_with", "frr-reload.py"},
                          {"basis", "an empty FRR configuration (no daemon)"},
                          {"changes", frr_changes}};
        }
        print_json(out);
        return 0;
    }
    std::printf("kernel changes (%zu, %s):\n", changes->size(), note.c_str());
    for (const auto& c : *changes) {
        std::printf("  %s %s\n", vti::to_string(c.action), c.str().c_str());
        print_command_lines(c.command);
    }
    std::printf("IKE connections (%zu):\n", r.config->tunnels.size());
    for (const auto& t : r.config->tunnels)
        std::printf("  add %s\n", ike_connection_line(t).c_str());
    if (std::string f = frr_text(*r.config); !f.empty()) {
        std::printf(
            "frr: the whole configuration, applied with frr-reload.py (passwords redacted):\n");
        print_lines(f, "    ");
    }
    return 0;
}

}  // namespace gateway::cli
