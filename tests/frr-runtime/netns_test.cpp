// SPDX-License-Identifier: GPL-2.0-or-later
// Real FRR 8.4 daemons in two network namespaces joined by a veth pair (a stand-in for a tunnel:
// the host kernel has no XFRM interfaces), each started by frr::Supervisor and configured by
// frr::Reloader with hand-written frr.conf text.
//
//   ns A: lan 10.1.0.1/24   tun 169.254.10.1/30 <-- veth --> tun 169.254.10.2/30   ns B:
//   lan 10.2.0.1/24
//         AS 65001                                                                  AS 65002
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <regex>
#include <thread>

#include "frr/command.h"
#include "frr/query.h"
#include "frr/reloader.h"
#include "frr/runtime.h"
#include "frr/supervisor.h"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

void sh(const std::string& cmd) {
    auto r = frr::run_command({"/bin/sh", "-c", cmd}, 30s);
    ASSERT_TRUE(r.ok()) << cmd << ": " << r.output;
}

/** Runs the calling thread (and what it forks) in a named network namespace until destroyed. */
class InNetns {
  public:
    explicit InNetns(const std::string& name) {
        home_ = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        int fd = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
        ok_ = fd >= 0 && setns(fd, CLONE_NEWNET) == 0;
        if (fd >= 0) close(fd);
    }
    ~InNetns() {
        setns(home_, CLONE_NEWNET);
        close(home_);
    }
    bool ok() const { return ok_; }

  private:
    int home_ = -1;
    bool ok_ = false;
};

std::string config(int self, const std::string& extra_announce = "") {
    const int peer = 3 - self;
    std::string me = std::to_string(self), other = std::to_string(peer);
    std::string neighbor = "169.254.10." + other;
    std::string announce = "ip prefix-list ANNOUNCE seq 5 permit 10." + me + ".0.0/24\n";
    std::string networks = "  network 10." + me + ".0.0/24\n";
    if (!extra_announce.empty()) {
        announce += "ip prefix-list ANNOUNCE seq 10 permit " + extra_announce + "\n";
        networks += "  network " + extra_announce + "\n";
    }
    return "frr defaults traditional\n"
           "service integrated-vtysh-config\n"
           "no zebra nexthop kernel enable\n"
           "!\n" +
           announce +
           "ip prefix-list ACCEPT seq 5 permit 10.0.0.0/8 le 24\n"
           "route-map IN permit 10\n"
           " match ip address prefix-list ACCEPT\n"
           "exit\n"
           "route-map OUT permit 10\n"
           " match ip address prefix-list ANNOUNCE\n"
           "exit\n"
           "!\n"
           "bfd\n"
           " profile vtigw\n"
           "  detect-multiplier 3\n"
           " exit\n"
           "exit\n"
           "!\n"
           "router bgp 6500" +
           me + "\n bgp router-id 10." + me + ".0.1\n timers bgp 3 9\n neighbor " + neighbor +
           " remote-as 6500" + other + "\n neighbor " + neighbor + " bfd\n neighbor " + neighbor +
           " bfd profile vtigw\n neighbor " + neighbor + " timers connect 5\n" +
           " address-family ipv4 unicast\n" + networks + "  neighbor " + neighbor +
           " route-map IN in\n  neighbor " + neighbor +
           " route-map OUT out\n exit-address-family\nexit\n";
}

class FrrNetns : public ::testing::Test {
  protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root";
        if (!fs::exists("/usr/lib/frr/bgpd") || !fs::exists("/usr/lib/frr/frr-reload.py"))
            GTEST_SKIP() << "needs FRR (frr, frr-pythontools)";
        tag_ = std::to_string(getpid());
        for (int i : {1, 2}) {
            ns_[i] = "vtigw-frrt" + std::to_string(i) + "-" + tag_;
            run_dir_[i] = "/tmp/vtigw-frr-test-" + tag_ + "/gw" + std::to_string(i);
            layout_[i] =
                frr::managed_layout("vtigw-test" + std::to_string(i) + "-" + tag_, run_dir_[i]);
            supervisor_[i] = std::make_unique<frr::Supervisor>(layout_[i]);
            reloader_[i] = std::make_unique<frr::Reloader>(layout_[i], 120s);
        }
        std::string a = ns_[1], b = ns_[2];
        sh("ip netns add " + a + " && ip netns add " + b);
        sh("ip link add vfa" + tag_ + " netns " + a + " type veth peer name vfb" + tag_ +
           " netns " + b);
        for (int i : {1, 2}) {
            std::string n = ns_[i], me = std::to_string(i);
            std::string tun = (i == 1 ? "vfa" : "vfb") + tag_;
            sh("ip -n " + n + " link set lo up && ip -n " + n + " link set " + tun +
               " name tun up");
            sh("ip -n " + n + " addr add 169.254.10." + me + "/30 dev tun");
            sh("ip -n " + n + " link add lan type veth peer name lanp && ip -n " + n +
               " link set lan up && ip -n " + n + " link set lanp up && ip -n " + n +
               " addr add 10." + me + ".0.1/24 dev lan");
        }
    }

    void TearDown() override {
        for (int i : {1, 2})
            if (supervisor_[i]) {
                InNetns in(ns_[i]);
                (void)supervisor_[i]->stop();
            }
        for (int i : {1, 2})
            if (!ns_[i].empty()) frr::run_command({"/usr/sbin/ip", "netns", "del", ns_[i]}, 10s);
        if (!tag_.empty()) fs::remove_all("/tmp/vtigw-frr-test-" + tag_);
    }

    frr::Snapshot snapshot(int i) {
        InNetns in(ns_[i]);
        return frr::query_snapshot(layout_[i]);
    }

    const frr::BgpPeer* peer(const frr::Snapshot& s) { return s.bgp.empty() ? nullptr : &s.bgp[0]; }

    bool wait_for(const std::function<bool()>& cond, std::chrono::seconds limit) {
        auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (cond()) return true;
            std::this_thread::sleep_for(500ms);
        }
        return cond();
    }

    frr::ApplyOutcome apply(int i, const std::string& text) {
        InNetns in(ns_[i]);
        return reloader_[i]->apply(text);
    }

    std::string running_config(int i) {
        InNetns in(ns_[i]);
        std::string error;
        return frr::vtysh_show(layout_[i], "show running-config", 20s, error).value_or(error);
    }

    std::string tag_;
    std::string ns_[3];
    std::string run_dir_[3];
    frr::Layout layout_[3];
    std::unique_ptr<frr::Supervisor> supervisor_[3];
    std::unique_ptr<frr::Reloader> reloader_[3];
};

TEST_F(FrrNetns, SessionPrefixesReloadsRefusalAndStop) {
    for (int i : {1, 2}) {
        InNetns in(ns_[i]);
        ASSERT_TRUE(in.ok());
        ASSERT_EQ(supervisor_[i]->start(), "");
        EXPECT_EQ(supervisor_[i]->running().size(), 4u);
    }
    for (int i : {1, 2}) {
        auto out = apply(i, config(i));
        ASSERT_TRUE(out.ok) << out.error;
        EXPECT_EQ(fs::status(layout_[i].applied_file()).permissions() & fs::perms::all,
                  fs::perms::owner_read | fs::perms::owner_write);
    }

    // eBGP Established, the peer's LAN in the kernel, BFD up, FIB check clean.
    ASSERT_TRUE(wait_for(
        [&] {
            auto s = snapshot(1);
            auto p = peer(s);
            return p && p->state == "Established" && p->prefixes_received >= 1 && s.fib_checked &&
                   s.fib.consistent() && s.fib.checked >= 1 && !s.bfd.empty() &&
                   s.bfd[0].status == "up";
        },
        90s))
        << running_config(1);
    auto kernel =
        frr::run_command({"/usr/sbin/ip", "-n", ns_[1], "route", "show", "10.2.0.0/24"}, 10s);
    EXPECT_NE(kernel.output.find("via 169.254.10.2 dev tun proto bgp"), std::string::npos)
        << kernel.output;
    const uint64_t dropped1 = peer(snapshot(1))->connections_dropped;
    const uint64_t dropped2 = peer(snapshot(2))->connections_dropped;

    // The same text again: no session reset.
    auto same = apply(1, config(1));
    ASSERT_TRUE(same.ok) << same.error;
    std::this_thread::sleep_for(4s);  // longer than a BFD detection, about one BGP keepalive
    {
        auto s = snapshot(1);
        ASSERT_NE(peer(s), nullptr);
        EXPECT_EQ(peer(s)->state, "Established");
        EXPECT_EQ(peer(s)->connections_dropped, dropped1);
    }

    // One more announced prefix: B learns it, no session reset on either side.
    sh("ip -n " + ns_[1] + " addr add 10.1.1.1/24 dev lan");
    auto added = apply(1, config(1, "10.1.1.0/24"));
    ASSERT_TRUE(added.ok) << added.error;
    ASSERT_TRUE(wait_for(
        [&] {
            auto s = snapshot(2);
            return peer(s) && peer(s)->prefixes_received == 2;
        },
        60s));
    EXPECT_EQ(peer(snapshot(1))->connections_dropped, dropped1);
    EXPECT_EQ(peer(snapshot(2))->connections_dropped, dropped2);
    const std::string good = config(1, "10.1.1.0/24");
    const std::string running_before = running_config(1);

    // A syntax error: refused by --test, error kept, FRR untouched.
    std::string bad = std::regex_replace(good, std::regex("timers bgp 3 9\n"),
                                         "timers bgp 3 9\n bgp no-such-command 42\n");
    auto refused = apply(1, bad);
    EXPECT_FALSE(refused.ok);
    EXPECT_NE(refused.error.find("Unknown command:  bgp no-such-command 42"), std::string::npos)
        << refused.error;
    ASSERT_TRUE(reloader_[1]->last_error().has_value());
    EXPECT_EQ(*reloader_[1]->last_error(), refused.error);
    EXPECT_EQ(reloader_[1]->last_applied().value_or(""), good);

    // Valid syntax FRR rejects while applying (frr-reload.py exits 0 then): refused, rolled back.
    std::string invalid = good + "ip prefix-list BROKEN seq 5 permit 10.0.0.0/8 le 4\n";
    auto rejected = apply(1, invalid);
    EXPECT_FALSE(rejected.ok);
    EXPECT_NE(rejected.error.find("Invalid prefix range"), std::string::npos) << rejected.error;
    EXPECT_EQ(reloader_[1]->last_applied().value_or(""), good);
    std::string running_after = running_config(1);
    EXPECT_EQ(running_after.find("BROKEN"), std::string::npos) << running_after;
    EXPECT_NE(running_after.find("network 10.1.1.0/24"), std::string::npos) << running_after;
    {
        auto s = snapshot(1);
        EXPECT_EQ(peer(s)->state, "Established");
        EXPECT_EQ(peer(s)->connections_dropped, dropped1);
    }

    // A good apply clears the error.
    auto again = apply(1, good);
    EXPECT_TRUE(again.ok) << again.error;
    EXPECT_FALSE(reloader_[1]->last_error().has_value());

    // Stop: no daemon, no file of vtigw's left.
    std::vector<pid_t> pids;
    for (int i : {1, 2})
        for (const auto& d : supervisor_[i]->running()) pids.push_back(d.pid);
    ASSERT_EQ(pids.size(), 8u);
    for (int i : {1, 2}) {
        InNetns in(ns_[i]);
        EXPECT_EQ(supervisor_[i]->stop(), "");
        EXPECT_FALSE(fs::exists(layout_[i].work_dir));
        EXPECT_FALSE(fs::exists(layout_[i].state_dir()));
        EXPECT_FALSE(fs::exists(layout_[i].config_root));
    }
    for (pid_t pid : pids) EXPECT_NE(kill(pid, 0), 0) << "pid " << pid << " still runs";
    auto routes =
        frr::run_command({"/usr/sbin/ip", "-n", ns_[1], "route", "show", "proto", "bgp"}, 10s);
    EXPECT_EQ(routes.output, "");
}

TEST_F(FrrNetns, RefusesAForeignFrrInItsPathspaceAndAdoptsItsOwn) {
    {
        InNetns in(ns_[1]);
        ASSERT_EQ(supervisor_[1]->start(), "");
        auto first = supervisor_[1]->running();
        ASSERT_EQ(first.size(), 4u);
        // A new supervisor (a restarted vtigw) adopts the recorded daemons.
        frr::Supervisor again(layout_[1]);
        ASSERT_EQ(again.start(), "");
        auto second = again.running();
        ASSERT_EQ(second.size(), 4u);
        for (size_t i = 0; i < 4; ++i) EXPECT_EQ(first[i].pid, second[i].pid);
        // Without the record the daemons are someone else's: refused, nothing started or stopped.
        fs::rename(layout_[1].started_file(), layout_[1].started_file() + ".away");
        std::string err = again.start();
        EXPECT_NE(err.find("zebra already runs in pathspace"), std::string::npos) << err;
        EXPECT_NE(err.find("/bgp/frr/managed"), std::string::npos) << err;
        fs::rename(layout_[1].started_file() + ".away", layout_[1].started_file());
        EXPECT_EQ(supervisor_[1]->stop(), "");
        for (const auto& d : first) EXPECT_NE(kill(d.pid, 0), 0);
    }
}

TEST_F(FrrNetns, RuntimeStartsAppliesAndPollsOffTheCallersThread) {
    std::unique_ptr<frr::Runtime> rt[3];
    for (int i : {1, 2}) {
        InNetns in(ns_[i]);  // the worker thread inherits the namespace
        frr::RuntimeOptions o;
        o.layout = layout_[i];
        o.poll_interval = 1s;
        rt[i] = std::make_unique<frr::Runtime>(o);
        rt[i]->apply(config(i));
        auto t0 = std::chrono::steady_clock::now();
        rt[i]->start();
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    }
    for (int i : {1, 2}) ASSERT_TRUE(rt[i]->wait_applied(120s));
    for (int i : {1, 2}) EXPECT_EQ(rt[i]->state().error, "");
    ASSERT_TRUE(wait_for(
        [&] {
            auto s = rt[1]->state();
            return s.applied && !s.snapshot.bgp.empty() &&
                   s.snapshot.bgp[0].state == "Established" && s.snapshot.fib_checked &&
                   s.snapshot.fib.consistent() && s.snapshot.fib.checked == 1;
        },
        90s));
    // A refused configuration: the error shows, the session stays.
    rt[1]->apply(config(1) + "ip prefix-list BROKEN seq 5 permit 10.0.0.0/8 le 4\n");
    ASSERT_TRUE(rt[1]->wait_applied(120s));
    EXPECT_NE(rt[1]->state().error.find("Invalid prefix range"), std::string::npos)
        << rt[1]->state().error;
    rt[1]->poll_now(30s);
    EXPECT_EQ(rt[1]->state().snapshot.bgp.at(0).state, "Established");
    for (int i : {1, 2}) {
        InNetns in(ns_[i]);
        EXPECT_EQ(rt[i]->stop(true), "");
        EXPECT_TRUE(supervisor_[i]->running().empty());
        EXPECT_FALSE(fs::exists(layout_[i].config_root));
        EXPECT_FALSE(fs::exists(layout_[i].state_dir()));
    }
}

}  // namespace
