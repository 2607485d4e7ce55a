// SPDX-License-Identifier: GPL-2.0-or-later
// The Prometheus exposition (gateway/metrics.h): format, label escaping, every configured
// tunnel present, and promtool's verdict on the output.
#include "gateway/metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

gateway::MetricsSnapshot sample() {
    gateway::MetricsSnapshot s;
    s.version = "0.1.0";
    s.strongswan_version = "5.9.8";
    s.start_time = 1700000000;
    s.last_reload_success_time = 1700000100;
    s.kernel_errors["apply"] = 2;
    gateway::TunnelMetrics up;
    up.name = "aws-1";
    up.up = true;
    up.ike_sas = 1;
    up.child_sas = 1;
    up.established_timestamp = 1700000050;
    up.counters.receive_bytes = 123456;
    up.counters.child_rekeys = 3;
    up.counters.establish_failures["unreachable"] = 4;
    gateway::TunnelMetrics down;
    down.name = "odd \"name\"\\x\n";
    s.tunnels = {up, down};
    return s;
}

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(MetricsFormat, EveryConfiguredTunnelHasTunnelUpDownOnesAsZero) {
    std::string t = gateway::format_prometheus(sample());
    EXPECT_TRUE(has_line(t, "vtigw_tunnel_up{tunnel=\"aws-1\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "vtigw_tunnel_up{tunnel=\"odd \\\"name\\\"\\\\x\\n\"} 0")) << t;
}

TEST(MetricsFormat, CountersGaugesAndInfo) {
    std::string t = gateway::format_prometheus(sample());
    EXPECT_TRUE(has_line(t, "# TYPE vtigw_tunnel_receive_bytes_total counter"));
    EXPECT_TRUE(has_line(t, "vtigw_tunnel_receive_bytes_total{tunnel=\"aws-1\"} 123456"));
    EXPECT_TRUE(has_line(t, "vtigw_tunnel_child_rekeys_total{tunnel=\"aws-1\"} 3"));
    EXPECT_TRUE(has_line(
        t, "vtigw_tunnel_establish_failures_total{tunnel=\"aws-1\",cause=\"unreachable\"} 4"));
    EXPECT_TRUE(
        has_line(t, "vtigw_tunnel_establish_failures_total{tunnel=\"aws-1\",cause=\"auth\"} 0"));
    EXPECT_TRUE(has_line(t, "vtigw_build_info{version=\"0.1.0\",strongswan_version=\"5.9.8\"} 1"));
    EXPECT_TRUE(has_line(t, "vtigw_kernel_errors_total{op=\"apply\"} 2"));
    EXPECT_TRUE(has_line(t, "vtigw_kernel_errors_total{op=\"reconcile\"} 0"));
    EXPECT_TRUE(has_line(t, "vtigw_config_last_reload_successful 1"));
    EXPECT_TRUE(has_line(t, "vtigw_config_last_reload_success_timestamp_seconds 1700000100"));
    // Only while established.
    EXPECT_TRUE(
        has_line(t, "vtigw_tunnel_established_timestamp_seconds{tunnel=\"aws-1\"} 1700000050"));
    EXPECT_EQ(t.find("vtigw_tunnel_established_timestamp_seconds{tunnel=\"odd"), std::string::npos);
}

TEST(MetricsFormat, EscapesLabelValues) {
    EXPECT_EQ(gateway::escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(gateway::escape_label_value("plain-name_1"), "plain-name_1");
}

TEST(MetricsFormat, EveryFamilyHasHelpAndTypeOnce) {
    std::string t = gateway::format_prometheus(sample());
    size_t helps = 0, types = 0, pos = 0;
    while ((pos = t.find("# HELP ", pos)) != std::string::npos) ++helps, ++pos;
    pos = 0;
    while ((pos = t.find("# TYPE ", pos)) != std::string::npos) ++types, ++pos;
    EXPECT_EQ(helps, types);
    EXPECT_GE(types, 18u);
    EXPECT_EQ(t.back(), '\n');
}

TEST(MetricsFormat, FailureCauses) {
    using gateway::establish_failure_cause;
    EXPECT_EQ(establish_failure_cause(true, "anything"), "auth");
    EXPECT_EQ(establish_failure_cause(false, "peer unreachable: no answer to IKE_SA_INIT"),
              "unreachable");
    EXPECT_EQ(establish_failure_cause(false, "no acceptable IKE proposal"), "proposal");
    EXPECT_EQ(establish_failure_cause(false, "traffic selectors unacceptable"), "ts");
    EXPECT_EQ(establish_failure_cause(false, "installing the CHILD_SA in the kernel failed"),
              "other");
}

TEST(MetricsFormat, PromtoolAcceptsTheExposition) {
    ASSERT_EQ(access("/usr/bin/promtool", X_OK), 0)
        << "promtool (Debian package prometheus, installed by scripts/setup) is missing";
    std::string path = "/tmp/vtigw-metrics-test-" + std::to_string(getpid()) + ".prom";
    std::ofstream(path) << gateway::format_prometheus(sample());
    std::string cmd = "/usr/bin/promtool check metrics < " + path + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof(buf), p)) out.append(buf, n);
    int status = pclose(p);
    unlink(path.c_str());
    EXPECT_EQ(status, 0) << out;
    EXPECT_EQ(out, "") << "promtool lint findings";
}

}  // namespace
