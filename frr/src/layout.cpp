// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/layout.h"

namespace frr {

namespace {
std::string with_pathspace(const std::string& root, const std::string& pathspace) {
    return pathspace.empty() ? root : root + "/" + pathspace;
}
}  // namespace

std::string Layout::config_dir() const {
    return with_pathspace(config_root, pathspace);
}

std::string Layout::state_dir() const {
    return with_pathspace(state_root, pathspace);
}

std::string Layout::applied_file() const {
    return work_dir + "/vtigw-applied.conf";
}

std::string Layout::started_file() const {
    return work_dir + "/vtigw-started";
}

std::vector<std::string> Layout::vtysh_argv() const {
    std::vector<std::string> argv{vtysh, "--config_dir", config_root};
    if (!pathspace.empty()) {
        argv.push_back("-N");
        argv.push_back(pathspace);
    }
    return argv;
}

Layout managed_layout(const std::string& pathspace, const std::string& vtigw_run_dir) {
    Layout l;
    l.pathspace = pathspace;
    l.config_root = vtigw_run_dir + "/frr";
    l.work_dir = l.config_dir();
    return l;
}

Layout attached_layout(const std::string& pathspace, const std::string& vtigw_run_dir) {
    Layout l;
    l.pathspace = pathspace;
    l.work_dir = vtigw_run_dir + "/frr-attached";
    return l;
}

}  // namespace frr
