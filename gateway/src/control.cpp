// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/control.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "control_bgp.h"

namespace gateway::control {

namespace {

using nlohmann::json;

template <class T>
void get(const json& j, const char* key, T& out) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) out = it->get<T>();
}

json to_json(const TunnelStatus& t) {
    return json{{"name", t.name},
                {"interface", t.ifname},
                {"remote", t.remote},
                {"start_action", t.start_action},
                {"ike_state", t.ike_state},
                {"child_state", t.child_state},
                {"up", t.up},
                {"spi_in", t.spi_in},
                {"spi_out", t.spi_out},
                {"bytes_in", t.bytes_in},
                {"bytes_out", t.bytes_out},
                {"packets_in", t.packets_in},
                {"packets_out", t.packets_out},
                {"established_seconds", t.established_seconds},
                {"last_error", t.last_error},
                {"error_cause", t.error_cause},
                {"last_error_time", t.last_error_time},
                {"attempts", t.attempts},
                {"ike_sa_id", t.ike_sa_id},
                {"ike_spi_i", t.ike_spi_i},
                {"ike_spi_r", t.ike_spi_r},
                {"ike_sas", t.ike_sas},
                {"child_sas", t.child_sas},
                {"nat_local", t.nat_local},
                {"nat_remote", t.nat_remote},
                {"nat_fake", t.nat_fake},
                {"force_encap", t.force_encap},
                {"udp_encap", t.udp_encap},
                {"ike_local_address", t.ike_local_address},
                {"ike_local_port", t.ike_local_port},
                {"ike_remote_address", t.ike_remote_address},
                {"ike_remote_port", t.ike_remote_port}};
}

json to_json_with_bgp(const TunnelStatus& t) {
    json j = to_json(t);
    if (t.bgp) j["bgp"] = to_json(*t.bgp);
    return j;
}

json to_json(const PlannedChange& c) {
    json j{{"scope", c.scope},   {"action", c.action},           {"object", c.object},
           {"tunnel", c.tunnel}, {"description", c.description}, {"command", c.command}};
    if (c.scope == "ike") j["changed"] = c.changed;
    return j;
}

PlannedChange change_from_json(const json& j) {
    PlannedChange c;
    get(j, "scope", c.scope);
    get(j, "action", c.action);
    get(j, "object", c.object);
    get(j, "tunnel", c.tunnel);
    get(j, "description", c.description);
    get(j, "command", c.command);
    get(j, "changed", c.changed);
    return c;
}

TunnelStatus tunnel_from_json(const json& j) {
    TunnelStatus t;
    get(j, "name", t.name);
    get(j, "interface", t.ifname);
    get(j, "remote", t.remote);
    get(j, "start_action", t.start_action);
    get(j, "ike_state", t.ike_state);
    get(j, "child_state", t.child_state);
    get(j, "up", t.up);
    get(j, "spi_in", t.spi_in);
    get(j, "spi_out", t.spi_out);
    get(j, "bytes_in", t.bytes_in);
    get(j, "bytes_out", t.bytes_out);
    get(j, "packets_in", t.packets_in);
    get(j, "packets_out", t.packets_out);
    get(j, "established_seconds", t.established_seconds);
    get(j, "last_error", t.last_error);
    get(j, "error_cause", t.error_cause);
    get(j, "last_error_time", t.last_error_time);
    get(j, "attempts", t.attempts);
    get(j, "ike_sa_id", t.ike_sa_id);
    get(j, "ike_spi_i", t.ike_spi_i);
    get(j, "ike_spi_r", t.ike_spi_r);
    get(j, "ike_sas", t.ike_sas);
    get(j, "child_sas", t.child_sas);
    get(j, "nat_local", t.nat_local);
    get(j, "nat_remote", t.nat_remote);
    get(j, "nat_fake", t.nat_fake);
    get(j, "force_encap", t.force_encap);
    get(j, "udp_encap", t.udp_encap);
    get(j, "ike_local_address", t.ike_local_address);
    get(j, "ike_local_port", t.ike_local_port);
    get(j, "ike_remote_address", t.ike_remote_address);
    get(j, "ike_remote_port", t.ike_remote_port);
    if (auto it = j.find("bgp"); it != j.end() && it->is_object()) t.bgp = bgp_from_json(*it);
    return t;
}

Reply failure(std::string why) {
    Reply r;
    r.error = std::move(why);
    return r;
}

Reply unreachable(std::string why) {
    Reply r = failure(std::move(why));
    r.unreachable = true;
    return r;
}

}  // namespace

std::string encode(const Request& request) {
    json j{{"cmd", request.cmd}};
    if (!request.tunnel.empty()) j["tunnel"] = request.tunnel;
    if (!request.config.empty()) j["config"] = request.config;
    return j.dump();
}

std::string encode(const Reply& reply) {
    json j{{"ok", reply.ok}};
    if (!reply.ok) j["error"] = reply.error;
    if (!reply.cause.empty()) j["cause"] = reply.cause;
    if (!reply.gateway.empty()) j["gateway"] = reply.gateway;
    if (!reply.tunnels.empty() || !reply.gateway.empty()) {
        j["tunnels"] = json::array();
        for (const auto& t : reply.tunnels) j["tunnels"].push_back(to_json_with_bgp(t));
    }
    if (!reply.refused.empty()) {
        j["refused"] = json::array();
        for (const auto& p : reply.refused)
            j["refused"].push_back({{"identity", p.identity},
                                    {"address", p.address},
                                    {"count", p.count},
                                    {"last_time", p.last_time}});
    }
    if (reply.frr) j["frr"] = to_json(*reply.frr);
    if (!reply.text.empty()) j["text"] = reply.text;
    if (!reply.changes.empty()) {
        j["changes"] = json::array();
        for (const auto& c : reply.changes) j["changes"].push_back(to_json(c));
    }
    return j.dump();
}

std::optional<Request> decode_request(const std::string& line, std::string& error) {
    try {
        json j = json::parse(line);
        if (!j.is_object() || !j.contains("cmd") || !j["cmd"].is_string()) {
            error = "request must be an object with a string \"cmd\"";
            return std::nullopt;
        }
        Request r;
        r.cmd = j["cmd"].get<std::string>();
        for (auto [key, out] : {std::pair{"tunnel", &r.tunnel}, std::pair{"config", &r.config}}) {
            if (!j.contains(key)) continue;
            if (!j[key].is_string()) {
                error = std::string("\"") + key + "\" must be a string";
                return std::nullopt;
            }
            *out = j[key].get<std::string>();
        }
        if (r.cmd != "status" && r.cmd != "down" && r.cmd != "reset" && r.cmd != "plan" &&
            r.cmd != "reload" && r.cmd != "metrics") {
            error = "unknown command '" + r.cmd + "'";
            return std::nullopt;
        }
        if (r.cmd == "reset" && r.tunnel.empty()) {
            error = "reset needs a \"tunnel\"";
            return std::nullopt;
        }
        if (r.cmd == "plan" && r.config.empty()) {
            error = "plan needs a \"config\"";
            return std::nullopt;
        }
        if (!r.config.empty() && r.config[0] != '/') {
            error = "\"config\" must be an absolute path";
            return std::nullopt;
        }
        return r;
    } catch (const json::exception& e) {
        error = std::string("invalid JSON: ") + e.what();
        return std::nullopt;
    }
}

std::optional<Reply> decode_reply(const std::string& line, std::string& error) {
    try {
        json j = json::parse(line);
        if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean()) {
            error = "reply must be an object with a boolean \"ok\"";
            return std::nullopt;
        }
        Reply r;
        r.ok = j["ok"].get<bool>();
        get(j, "error", r.error);
        get(j, "gateway", r.gateway);
        get(j, "cause", r.cause);
        get(j, "text", r.text);
        if (j.contains("changes") && j["changes"].is_array()) {
            for (const auto& c : j["changes"]) r.changes.push_back(change_from_json(c));
        }
        if (auto it = j.find("refused"); it != j.end() && it->is_array()) {
            for (const auto& p : *it) {
                RefusedPeer& rp = r.refused.emplace_back();
                get(p, "identity", rp.identity);
                get(p, "address", rp.address);
                get(p, "count", rp.count);
                get(p, "last_time", rp.last_time);
            }
        }
        if (j.contains("tunnels") && j["tunnels"].is_array()) {
            for (const auto& t : j["tunnels"]) r.tunnels.push_back(tunnel_from_json(t));
            if (auto it = j.find("frr"); it != j.end() && it->is_object())
                r.frr = frr_from_json(*it);
        }
        return r;
    } catch (const json::exception& e) {
        error = std::string("invalid reply: ") + e.what();
        return std::nullopt;
    }
}

Reply call(const std::string& socket_path, const Request& request,
           std::chrono::milliseconds timeout) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof(addr.sun_path)) return failure("control socket path too long");
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return failure(std::string("socket: ") + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { close(fd); }
    } closer{fd};
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
        return unreachable("connect " + socket_path + ": " + std::strerror(errno));
    }
    std::string out = encode(request) + "\n";
    for (size_t off = 0; off < out.size();) {
        ssize_t n = send(fd, out.data() + off, out.size() - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return failure(std::string("send: ") + std::strerror(errno));
        }
        off += static_cast<size_t>(n);
    }
    std::string in;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (in.find('\n') == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return unreachable("timed out waiting for the daemon's reply");
        pollfd p{fd, POLLIN, 0};
        int pr = poll(&p, 1, static_cast<int>(left.count()));
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) continue;
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return failure("the daemon closed the connection without a reply");
        in.append(buf, static_cast<size_t>(n));
        if (in.size() > kMaxLineBytes) return failure("reply too long");
    }
    in.resize(in.find('\n'));
    std::string error;
    auto reply = decode_reply(in, error);
    if (!reply) return failure(error);
    return *reply;
}

}  // namespace gateway::control
