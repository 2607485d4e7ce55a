#include <cstdio>

#include "cli_output.h"
#include "gateway/cli.h"
#include "gateway/describe.h"
#include "gateway/desired.h"
#include "gateway/loader.h"
#include "vti/manager.h"

namespace gateway::cli {

namespace {

const char* action_name(vti::Change::Action a) {
    switch (a) {
        case vti::Change::Action::Add:
            return "add";
        case vti::Change::Action::Modify:
            return "modify";
        case vti::Change::Action::Remove:
            return "remove";
    }
    return "?";
}

const char* object_name(vti::Change::Object o) {
    switch (o) {
        case vti::Change::Object::Link:
            return "link";
        case vti::Change::Object::Address:
            return "address";
        case vti::Change::Object::Route:
            return "route";
        case vti::Change::Object::Policy:
            return "policy";
        case vti::Change::Object::Sysctl:
            return "sysctl";
        case vti::Change::Object::Nft:
            return "nft";
    }
    return "?";
}

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
    auto steps = vti::diff(vti::KernelSnapshot{}, d);
    if (!steps) {
        error = steps.message();
        return std::nullopt;
    }
    std::vector<vti::Change> out;
    for (const auto& s : steps.value()) out.push_back(s.change);
    return out;
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
            kernel.push_back({{"action", action_name(c.action)},
                              {"object", object_name(c.object)},
                              {"tunnel", c.tunnel},
                              {"description", c.description},
                              {"command", c.command}});
        nlohmann::json ike = nlohmann::json::array();
        // No IKE daemon state is read yet, so every connection is an addition.
        for (const auto& t : r.config->tunnels)
            ike.push_back({{"action", "add"}, {"connection", ike_connection_json(t)}});
        print_json({{"ok", true},
                    {"kernel_basis", note},
                    {"kernel", kernel},
                    {"ike", ike},
                    {"diagnostics", diagnostics_json(r.diagnostics)}});
        return 0;
    }
    std::printf("kernel changes (%zu, %s):\n", changes->size(), note.c_str());
    for (const auto& c : *changes) {
        std::printf("  %s %s\n", action_name(c.action), c.str().c_str());
        size_t start = 0;
        while (start < c.command.size()) {
            size_t nl = c.command.find('\n', start);
            std::string line = c.command.substr(start, nl == std::string::npos ? nl : nl - start);
            if (!line.empty()) std::printf("      [#] %s\n", line.c_str());
            start = nl == std::string::npos ? c.command.size() : nl + 1;
        }
    }
    std::printf("IKE connections (%zu):\n", r.config->tunnels.size());
    for (const auto& t : r.config->tunnels)
        std::printf("  add %s\n", ike_connection_line(t).c_str());
    return 0;
}

}  // namespace gateway::cli
