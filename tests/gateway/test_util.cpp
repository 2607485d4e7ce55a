// SPDX-License-Identifier: GPL-2.0-or-later
#include "test_util.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace gwtest {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vtigw-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content, unsigned mode) {
    auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out << content;
    }
    ::chmod(p.c_str(), mode);
    return p.string();
}

nlohmann::json base_config() {
    return nlohmann::json::parse(R"({
      "gateway": {"name": "gw", "local": ["192.0.2.1", "2001:db8::1"]},
      "tunnels": [{
        "name": "t1", "remote": "198.51.100.1",
        "auth": {"psk_env": "VTIGW_TEST_PSK"},
        "inside": {"local": "169.254.10.1/30"},
        "routes": ["10.1.0.0/16"]
      }]
    })");
}

nlohmann::json second_tunnel() {
    return nlohmann::json::parse(R"({
        "name": "t2", "remote": "198.51.100.2",
        "auth": {"psk_env": "VTIGW_TEST_PSK"},
        "inside": {"local": "169.254.11.1/30"},
        "routes": ["10.2.0.0/16"]
    })");
}

nlohmann::json bgp_config() {
    nlohmann::json c = base_config();
    c["tunnels"].push_back(second_tunnel());
    c["bgp"] = nlohmann::json::parse(R"({
      "asn": 65010, "router_id": "10.80.0.11", "announce": ["10.80.0.0/24"],
      "accept": ["10.1.0.0/16", {"prefix": "10.2.0.0/16", "le": 24}]
    })");
    for (auto& t : c["tunnels"]) t["bgp"] = {{"peer_asn", 65020}};
    return c;
}

static gateway::LoadOptions test_options() {
    gateway::LoadOptions o;
    o.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (name == "VTIGW_TEST_PSK") return std::string("0123456789abcdef0123456789abcdef");
        return std::nullopt;
    };
    return o;
}

gateway::LoadResult load(const nlohmann::json& j) {
    return load_text(j.dump());
}

gateway::LoadResult load_text(const std::string& text) {
    return gateway::load_config_text(text, test_options());
}

bool has_error(const gateway::LoadResult& r, const std::string& pointer,
               const std::string& needle) {
    for (const auto& d : r.diagnostics.items())
        if (d.severity == gateway::Severity::Error && d.pointer == pointer &&
            d.message.find(needle) != std::string::npos)
            return true;
    return false;
}

bool has_warning(const gateway::LoadResult& r, const std::string& pointer,
                 const std::string& needle) {
    for (const auto& d : r.diagnostics.items())
        if (d.severity == gateway::Severity::Warning && d.pointer == pointer &&
            d.message.find(needle) != std::string::npos)
            return true;
    return false;
}

std::string dump(const gateway::LoadResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics.items())
        out += (d.severity == gateway::Severity::Error ? "E " : "W ") + d.str() + "\n";
    return out;
}

static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Run run_vtigw(const std::string& args, const std::string& env) {
    TempDir tmp;
    std::string out = (tmp.path() / "out").string(), err = (tmp.path() / "err").string();
    std::string cmd = env + " " VTIGW_BINARY " " + args + " >" + out + " 2>" + err;
    int st = std::system(cmd.c_str());
    Run r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

}  // namespace gwtest
