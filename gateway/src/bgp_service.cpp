// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/bgp_service.h"

#include <filesystem>

#include "frr/diff.h"
#include "frr/render.h"
#include "gateway/bgp_status.h"
#include "gateway/frr_desired.h"

namespace gateway {

std::string frr_pathspace(const Config& config) {
    if (config.bgp && !config.bgp->frr.pathspace.empty()) return config.bgp->frr.pathspace;
    std::string name;
    for (char c : config.gateway.name)
        name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    return "vtigw-" + name;
}

BgpService::BgpService(const Config& config, const std::string& run_dir, LogFn log)
    : log_(std::move(log)) {
    const auto& f = config.bgp->frr;
    managed_ = f.managed;
    reload_timeout_ = f.reload_timeout;
    layout_ = managed_ ? frr::managed_layout(frr_pathspace(config), run_dir)
                       : frr::attached_layout(f.pathspace, run_dir);
    frr::RuntimeOptions o;
    o.layout = layout_;
    o.managed = managed_;
    o.reload_timeout = std::chrono::seconds(reload_timeout_);
    runtime_ = std::make_unique<frr::Runtime>(o);
}

BgpService::~BgpService() {
    if (runtime_) runtime_->stop(false);
}

std::optional<std::string> BgpService::render(const Config& config, std::string& error) const {
    auto c = to_frr_config(config, default_password_reader(), machine_hostname(), error);
    if (!c) return std::nullopt;
    return frr::render(*c);
}

bool BgpService::start(const Config& config, std::string& error) {
    auto text = render(config, error);
    if (!text) return false;
    log_(std::string("frr: ") + (managed_ ? "starting FRR (pathspace " : "using FRR (pathspace ") +
         (layout_.pathspace.empty() ? "default" : layout_.pathspace) + ")");
    runtime_->apply(*text);
    runtime_->start();
    return true;
}

bool BgpService::check(const Config& next, std::string& error) {
    auto text = render(next, error);
    if (!text) return false;
    error = runtime_->check(*text);
    return error.empty();
}

bool BgpService::apply(const Config& next, std::string& error) {
    auto text = render(next, error);
    if (!text) return false;
    runtime_->apply(*text);
    if (!runtime_->wait_applied(std::chrono::seconds(reload_timeout_ * 2 + 10))) {
        error = "FRR did not finish applying the configuration in time";
        return false;
    }
    error = runtime_->state().error;
    if (error.empty()) log_("frr: configuration applied");
    return error.empty();
}

std::string BgpService::running_text() const {
    std::string error;
    if (auto text = runtime_->running_config(error)) return *text;
    return runtime_->last_applied().value_or("");
}

std::vector<control::PlannedChange> plan_frr(const BgpService* running, const Config& next,
                                             std::string& error) {
    std::string to;
    if (next.bgp) {
        auto c = to_frr_config(next, default_password_reader(), machine_hostname(), error);
        if (!c) return {};
        to = frr::render(*c);
    }
    std::string from = running ? running->running_text() : "";
    std::vector<control::PlannedChange> out;
    for (const auto& l : frr::redacted(frr::diff(from, to))) {
        control::PlannedChange c;
        c.scope = "frr";
        c.action = l.add ? "add" : "remove";
        c.object = "line";
        c.description = l.str().substr(2);
        c.command = l.line;
        out.push_back(std::move(c));
    }
    return out;
}

void BgpService::add_status(control::Reply& reply, const Config& config) const {
    std::map<std::string, std::string> peers;
    for (const auto& t : config.tunnels)
        if (t.bgp) peers[t.name] = t.bgp->peer.str();
    join_bgp_status(reply, peers, runtime_->state(), managed_);
}

std::string BgpService::stop() {
    std::string err = runtime_->stop(true);
    if (!managed_) {
        std::error_code ec;
        std::filesystem::remove_all(layout_.work_dir, ec);
    }
    log_(err.empty() ? (managed_ ? "frr: daemons stopped, files removed" : "frr: files removed")
                     : "frr: " + err);
    return err;
}

std::string stop_leftover_frr(const std::string& run_dir, const LogFn& log) {
    std::string errors;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(run_dir + "/frr", ec)) {
        if (!entry.is_directory()) continue;
        frr::Layout layout = frr::managed_layout(entry.path().filename(), run_dir);
        if (!std::filesystem::exists(layout.started_file())) continue;
        frr::Supervisor s(layout);
        std::string err = s.stop();
        log("frr: stopped the daemons of pathspace " + layout.pathspace +
            (err.empty() ? "" : ": " + err));
        errors += err;
    }
    return errors;
}

}  // namespace gateway
