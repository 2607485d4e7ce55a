// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/reloader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "frr/command.h"

namespace frr {
namespace {

std::string write_private(const std::string& path, const std::string& text) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot write " + path;
    fchmod(fd, 0600);
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n <= 0) {
            close(fd);
            return "cannot write " + path;
        }
        done += size_t(n);
    }
    close(fd);
    return {};
}

}  // namespace

Reloader::Reloader(Layout layout, std::chrono::seconds timeout)
    : layout_(std::move(layout)), timeout_(timeout) {}

std::optional<std::string> Reloader::last_error() const {
    std::lock_guard lock(mu_);
    return last_error_;
}

std::optional<std::string> Reloader::last_applied() const {
    std::ifstream in(layout_.applied_file());
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string Reloader::run_reload(const char* mode, const std::string& file) {
    std::vector<std::string> argv{"/usr/bin/python3",  layout_.bin_dir + "/frr-reload.py",
                                  "--stdout",          "--confdir",
                                  layout_.config_root, "--rundir",
                                  layout_.work_dir,    mode};
    if (!layout_.pathspace.empty()) {
        argv.push_back("-N");
        argv.push_back(layout_.pathspace);
    }
    argv.push_back(file);
    auto r = run_command(argv, timeout_);
    // --reload exits 0 even when vtysh rejected commands ("% Configuration failed."): its
    // output is the only witness.
    std::string why = reload_error_text(r.output);
    if (r.ok() && why.empty()) return {};
    if (r.timed_out)
        return std::string("frr-reload.py ") + mode + " timed out after " +
               std::to_string(timeout_.count()) + " s";
    if (!r.start_error.empty()) return "cannot run frr-reload.py: " + r.start_error;
    return std::string("FRR refused the configuration (frr-reload.py ") + mode + ", exit " +
           std::to_string(r.exit_code) + ")" + (why.empty() ? "" : ": " + why);
}

std::string Reloader::check(const std::string& text) {
    std::lock_guard lock(mu_);
    std::error_code ec;
    std::filesystem::create_directories(layout_.work_dir, ec);
    const std::string candidate = layout_.work_dir + "/vtigw-check.conf";
    if (auto err = write_private(candidate, text); !err.empty()) return err;
    std::string err = run_reload("--test", candidate);
    std::remove(candidate.c_str());
    if (err.empty())
        checked_ = text;
    else
        checked_.reset();
    return err;
}

ApplyOutcome Reloader::apply(const std::string& text) {
    std::lock_guard lock(mu_);
    auto t0 = std::chrono::steady_clock::now();
    ApplyOutcome out;
    auto finish = [&](std::string error) {
        out.ok = error.empty();
        out.error = error;
        out.took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - t0);
        if (out.ok)
            last_error_.reset();
        else
            last_error_ = error;
        return out;
    };
    std::error_code ec;
    std::filesystem::create_directories(layout_.work_dir, ec);
    const std::string candidate = layout_.work_dir + "/vtigw-candidate.conf";
    if (auto err = write_private(candidate, text); !err.empty()) return finish(err);
    const bool checked = checked_ == text;
    checked_.reset();
    if (auto err = checked ? std::string() : run_reload("--test", candidate); !err.empty()) {
        std::remove(candidate.c_str());
        return finish(err);
    }
    if (auto err = run_reload("--reload", candidate); !err.empty()) {
        std::remove(candidate.c_str());
        // Part of the difference may be in: go back to what FRR last accepted.
        if (std::filesystem::exists(layout_.applied_file())) {
            if (auto back = run_reload("--reload", layout_.applied_file()); !back.empty())
                err += "; restoring the last accepted configuration failed too: " + back;
        }
        return finish(err);
    }
    std::filesystem::rename(candidate, layout_.applied_file(), ec);
    if (ec) return finish("cannot keep " + layout_.applied_file() + ": " + ec.message());
    return finish({});
}

}  // namespace frr
