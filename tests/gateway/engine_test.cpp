// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon engine (gateway/) against a fake IkeDriver: initiation, retry with backoff, event
// handling, status joined with configuration, reset, reload.
#include "gateway/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <set>

#include "gateway/desired.h"
#include "gateway/loader.h"
#include "gateway/nat.h"
#include "gateway/reload.h"
#include "gateway/service.h"

namespace {

using namespace std::chrono_literals;

const char* kConfig = R"({
  "gateway": {"name": "west", "local": "192.0.2.1"},
  "tunnels": [
    {"name": "init", "remote": "192.0.2.2", "auth": {"psk_env": "P"}, "interface": "vti0",
     "mark": 42, "inside": {"local": "10.255.0.1/30"}, "routes": [{"prefix": "10.2.0.0/24"}]},
    {"name": "resp", "remote": "192.0.2.3", "auth": {"psk_env": "P"}, "interface": "vti1",
     "mark": 43, "start_action": "respond",
     "inside": {"local": "10.255.1.1/30"}, "routes": [{"prefix": "10.3.0.0/24"}]}
  ]
})";

gateway::Config load() {
    gateway::LoadOptions o;
    o.getenv = [](const std::string&) { return std::optional<std::string>("0123456789abcdef"); };
    auto r = gateway::load_config_text(kConfig, o);
    EXPECT_TRUE(r.ok());
    return *r.config;
}

using gateway::IkeEventType;
using gateway::IkeResult;

class FakeIke : public gateway::IkeDriver {
  public:
    bool set_tunnels(const gateway::Config& c, std::string& error) override {
        if (!refuse.empty()) {
            error = refuse;
            return false;
        }
        served.clear();
        for (const auto& t : c.tunnels) served.push_back(t.name);
        return true;
    }
    IkeResult initiate(const std::string& t) override {
        initiated.push_back(t);
        return IkeResult::Ok;
    }
    IkeResult terminate(const std::string& t, unsigned) override {
        terminated.push_back(t);
        if (!unanswered.count(t)) sas.erase(t);
        return IkeResult::Ok;
    }
    IkeResult destroy(const std::string& t) override {
        destroyed.push_back(t);
        sas.erase(t);
        return IkeResult::Ok;
    }
    IkeResult query(const std::string& t, gateway::IkeSaStatus& st) override {
        st = gateway::IkeSaStatus{};
        if (auto it = sas.find(t); it != sas.end()) st = it->second;
        return IkeResult::Ok;
    }
    IkeResult query_all(std::map<std::string, gateway::IkeSaStatus>& all) override {
        all.clear();
        for (const auto& name : served) query(name, all[name]);
        for (const auto& [name, st] : sas) all[name] = st;
        return IkeResult::Ok;
    }
    IkeResult next_event(gateway::IkeEvent& ev, unsigned) override {
        if (events.empty()) return IkeResult::Timeout;
        ev = events.front();
        events.pop_front();
        return IkeResult::Ok;
    }
    std::vector<std::string> initiated, terminated, served, destroyed;
    std::set<std::string> unanswered;  // terminate leaves their SAs (the peer never answers)
    std::string refuse;
    std::map<std::string, gateway::IkeSaStatus> sas;
    std::deque<gateway::IkeEvent> events;
};

/** Counts queries. */
class CountingIke : public FakeIke {
  public:
    IkeResult query(const std::string& t, gateway::IkeSaStatus& st) override {
        queries++;
        return FakeIke::query(t, st);
    }
    IkeResult query_all(std::map<std::string, gateway::IkeSaStatus>& all) override {
        passes++;
        all.clear();
        for (const auto& [name, st] : sas) all[name] = st;
        return IkeResult::Ok;
    }
    unsigned queries = 0;
    unsigned passes = 0;
};

gateway::IkeEvent event(IkeEventType type, const char* tunnel, const char* detail = "") {
    gateway::IkeEvent ev;
    ev.type = type;
    ev.tunnel = tunnel;
    ev.detail = detail;
    ev.time = 1700000000;
    ev.spi_in = 0xc0000001;
    ev.spi_out = 0xc0000002;
    return ev;
}

gateway::IkeSaStatus established() {
    gateway::IkeSaStatus st;
    st.ike_state = "ESTABLISHED";
    st.child_state = "INSTALLED";
    st.ike_sas = 1;
    st.spi_in = 0xc0000001;
    st.spi_out = 0xc0000002;
    st.packets_in = 3;
    st.packets_out = 4;
    st.bytes_in = 300;
    st.bytes_out = 400;
    st.established_seconds = 5;
    return st;
}

struct EngineTest : ::testing::Test {
    gateway::Config cfg = load();
    FakeIke ike;
    std::vector<std::string> logs;
    gateway::Engine engine{cfg, ike, [this](const std::string& l) { logs.push_back(l); },
                           gateway::Backoff{1000ms, 8000ms}};
    gateway::Engine::Clock::time_point t0 = gateway::Engine::Clock::now();
};

TEST_F(EngineTest, InitiatesOnlyInitiatingTunnels) {
    engine.tick(t0);
    EXPECT_EQ(ike.initiated, std::vector<std::string>{"init"});
}

TEST_F(EngineTest, DoesNotInitiateWhileAnIkeSaExists) {
    engine.tick(t0);
    gateway::IkeSaStatus connecting;
    connecting.ike_state = "CONNECTING";
    connecting.ike_sas = 1;
    ike.sas["init"] = connecting;
    engine.tick(t0 + 10s);
    EXPECT_EQ(ike.initiated.size(), 1u);
}

TEST_F(EngineTest, RetriesWithDoublingBackoffUpToMax) {
    engine.tick(t0);  // attempt 1 at 0 s; next after 1 s
    engine.tick(t0 + 900ms);
    EXPECT_EQ(ike.initiated.size(), 1u);
    engine.tick(t0 + 1s);  // attempt 2; next after 2 s
    EXPECT_EQ(ike.initiated.size(), 2u);
    engine.tick(t0 + 2500ms);
    EXPECT_EQ(ike.initiated.size(), 2u);
    engine.tick(t0 + 3s);   // attempt 3; next after 4 s
    engine.tick(t0 + 7s);   // attempt 4; next after 8 s (max)
    engine.tick(t0 + 15s);  // attempt 5; next after 8 s (capped)
    engine.tick(t0 + 22s);
    EXPECT_EQ(ike.initiated.size(), 5u);
    engine.tick(t0 + 23s);  // attempt 6
    EXPECT_EQ(ike.initiated.size(), 6u);
    EXPECT_EQ(engine.status().tunnels[0].attempts, 6u);
}

TEST_F(EngineTest, ChildUpResetsBackoffAndClearsError) {
    engine.tick(t0);
    engine.tick(t0 + 1s);
    engine.tick(t0 + 3s);  // delay now 4 s
    engine.handle(event(IkeEventType::AuthFailed, "init", "authentication failed: x"));
    EXPECT_EQ(engine.status().tunnels[0].last_error, "authentication failed: x");
    EXPECT_EQ(engine.status().tunnels[0].last_error_time, 1700000000);
    engine.handle(event(IkeEventType::ChildUp, "init"));
    EXPECT_EQ(engine.status().tunnels[0].last_error, "");
    // Tunnel drops later: retried after the initial delay again, not 8 s.
    engine.tick(t0 + 7s);  // attempt 4, delay was 4 s before reset → now uses 1 s
    engine.tick(t0 + 8s);
    EXPECT_EQ(ike.initiated.size(), 5u);
}

TEST_F(EngineTest, ErrorCauseClassifiesFailures) {
    auto cause = [&](IkeEventType type, const char* detail) {
        engine.handle(event(type, "init", detail));
        return engine.status().tunnels[0].error_cause;
    };
    EXPECT_EQ(cause(IkeEventType::AuthFailed, "peer certificate not trusted"), "auth");
    EXPECT_EQ(cause(IkeEventType::Error, "peer unreachable: no answer to IKE_SA_INIT"),
              "unreachable");
    EXPECT_EQ(cause(IkeEventType::Error, "no acceptable ESP proposal"), "other");
    engine.handle(event(IkeEventType::ChildUp, "init"));
    EXPECT_EQ(engine.status().tunnels[0].error_cause, "");
}

TEST_F(EngineTest, StatusJoinsConfigWithSas) {
    ike.sas["init"] = established();
    ike.sas["init"].ike_sas = 2;  // e.g. while rekeying
    ike.sas["init"].child_sas = 3;
    auto r = engine.status();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.gateway, "west");
    ASSERT_EQ(r.tunnels.size(), 2u);
    const auto& a = r.tunnels[0];
    EXPECT_EQ(a.name, "init");
    EXPECT_EQ(a.ifname, "vti0");
    EXPECT_EQ(a.remote, "192.0.2.2");
    EXPECT_EQ(a.start_action, "initiate");
    EXPECT_TRUE(a.up);
    EXPECT_EQ(a.spi_in, 0xc0000001u);
    EXPECT_EQ(a.packets_out, 4u);
    EXPECT_EQ(a.bytes_in, 300u);
    EXPECT_EQ(a.established_seconds, 5);
    EXPECT_EQ(a.ike_sas, 2u);
    EXPECT_EQ(a.child_sas, 3u);
    // Configured but down tunnels are listed too.
    const auto& b = r.tunnels[1];
    EXPECT_EQ(b.name, "resp");
    EXPECT_FALSE(b.up);
    EXPECT_EQ(b.ike_state, "");
    EXPECT_EQ(b.established_seconds, -1);
}

TEST_F(EngineTest, EventsOfUnknownTunnelsAreIgnored) {
    engine.handle(event(IkeEventType::Error, "other", "boom"));
    for (const auto& t : engine.status().tunnels) EXPECT_EQ(t.last_error, "");
    EXPECT_TRUE(logs.empty());
}

TEST_F(EngineTest, ResetTerminatesAndReinitiatesAtOnce) {
    engine.tick(t0);
    ike.sas["init"] = established();
    auto r = engine.reset("init");
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(ike.terminated, std::vector<std::string>{"init"});
    engine.tick(t0 + 100ms);
    EXPECT_EQ(ike.initiated.size(), 2u);
    EXPECT_FALSE(engine.reset("nope").ok);
}

TEST_F(EngineTest, StopEndsInitiation) {
    engine.stop();
    engine.tick(t0);
    EXPECT_TRUE(ike.initiated.empty());
    engine.run();  // returns at once once stopped
}

// Reload: a fake kernel records what it was asked to apply.
struct FakeKernel {
    std::string plan_error, apply_error;
    std::vector<std::string> applied;  // tunnel names of each applied config, comma-joined
    std::set<std::string> last_demoted;
    gateway::KernelOps ops() {
        gateway::KernelOps k;
        k.plan = [this](const gateway::Config& c, const std::set<std::string>&,
                        std::vector<gateway::control::PlannedChange>& out, std::string& error) {
            if (!plan_error.empty()) {
                error = plan_error;
                return false;
            }
            gateway::control::PlannedChange p;
            p.scope = "kernel";
            p.description = std::to_string(c.tunnels.size()) + " tunnels";
            out.push_back(p);
            return true;
        };
        k.apply = [this](const gateway::Config& c, const std::set<std::string>& demoted,
                         std::string& error) {
            if (!apply_error.empty()) {
                error = apply_error;
                return false;
            }
            last_demoted = demoted;
            std::string names;
            for (const auto& t : c.tunnels) names += (names.empty() ? "" : ",") + t.name;
            applied.push_back(names);
            return true;
        };
        return k;
    }
};

struct ReloadTest : EngineTest {
    FakeKernel kernel;
    // init: ESP proposal changed; resp: removed; new: added.
    gateway::Config next() {
        gateway::Config n = cfg;
        n.tunnels[0].esp_proposals = {"aes256gcm16-modp2048"};
        n.tunnels.erase(n.tunnels.begin() + 1);
        gateway::Tunnel t = cfg.tunnels[0];
        t.name = "new";
        t.ifname = "vti9";
        t.key = 99;
        t.reqid = 99;
        n.tunnels.push_back(t);
        return n;
    }
    std::vector<std::string> actions(const gateway::control::Reply& r) {
        std::vector<std::string> out;
        for (const auto& c : r.changes)
            if (c.scope == "ike") out.push_back(c.action + " " + c.tunnel);
        return out;
    }
};

TEST(CompareConfigs, ClassifiesEachTunnel) {
    gateway::Config a = load();
    gateway::Config b = a;
    auto same = gateway::compare_configs(a, b);
    ASSERT_EQ(same.size(), 2u);
    EXPECT_EQ(same[0].action, gateway::TunnelReload::Action::Keep);
    EXPECT_EQ(same[1].action, gateway::TunnelReload::Action::Keep);
    b.tunnels[0].routes[0].metric = 200;  // kernel only: SAs stay
    b.tunnels[0].mtu = 1400;
    b.tunnels[1].dpd.timeout = 30;  // negotiated: re-established
    auto r = gateway::compare_configs(a, b);
    EXPECT_EQ(r[0].action, gateway::TunnelReload::Action::Update);
    EXPECT_EQ(r[0].changed, (std::vector<std::string>{"routes", "mtu"}));
    EXPECT_EQ(r[1].action, gateway::TunnelReload::Action::Reestablish);
    EXPECT_EQ(r[1].changed, std::vector<std::string>{"dpd"});
    EXPECT_EQ(gateway::describe(r[1]),
              "re-establish resp (changed: dpd): SAs deleted and negotiated anew");
    b.tunnels.erase(b.tunnels.begin());
    b.tunnels[0].name = "renamed";
    auto moved = gateway::compare_configs(a, b);
    ASSERT_EQ(moved.size(), 3u);
    EXPECT_EQ(moved[0].action, gateway::TunnelReload::Action::Remove);
    EXPECT_EQ(moved[1].action, gateway::TunnelReload::Action::Remove);
    EXPECT_EQ(moved[2].action, gateway::TunnelReload::Action::Add);
    EXPECT_EQ(moved[2].tunnel, "renamed");
}

TEST(CompareConfigs, MobikeChangeReestablishes) {
    gateway::Config a = load();
    gateway::Config b = a;
    b.tunnels[0].mobike = false;
    auto r = gateway::compare_configs(a, b);
    EXPECT_EQ(r[0].action, gateway::TunnelReload::Action::Reestablish);
    EXPECT_EQ(r[0].changed, std::vector<std::string>{"mobike"});
}

TEST(CompareConfigs, PskSourceAndKeyChangesReestablish) {
    gateway::Config a = load();
    gateway::Config b = a;
    b.tunnels[0].auth.psk.location = "OTHER";
    b.tunnels[1].key = 77;
    auto r = gateway::compare_configs(a, b);
    EXPECT_EQ(r[0].changed, std::vector<std::string>{"auth"});
    EXPECT_EQ(r[0].action, gateway::TunnelReload::Action::Reestablish);
    EXPECT_EQ(r[1].changed, std::vector<std::string>{"mark"});
}

TEST_F(ReloadTest, PlanChangesNothing) {
    ike.sas["init"] = established();
    auto r = engine.plan_reload(next(), kernel.ops());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(actions(r),
              (std::vector<std::string>{"re-establish init", "remove resp", "add new"}));
    EXPECT_EQ(r.changes.back().description, "2 tunnels");
    EXPECT_TRUE(ike.terminated.empty());
    EXPECT_TRUE(ike.served.empty());
    EXPECT_TRUE(kernel.applied.empty());
    EXPECT_EQ(engine.status().tunnels.size(), 2u);
}

TEST_F(ReloadTest, ChangesOnlyWhatDiffers) {
    gateway::Config n = cfg;
    n.tunnels[1].routes[0].metric = 5;  // resp: kernel only
    n.tunnels.push_back(next().tunnels[1]);
    engine.tick(t0);
    ike.sas["init"] = established();
    ike.sas["resp"] = established();
    auto r = engine.reload(n, kernel.ops());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(actions(r), (std::vector<std::string>{"keep init", "update resp", "add new"}));
    EXPECT_TRUE(ike.terminated.empty());  // no SA touched
    EXPECT_EQ(ike.served, (std::vector<std::string>{"init", "resp", "new"}));
    EXPECT_EQ(kernel.applied, std::vector<std::string>{"init,resp,new"});
    engine.tick(t0 + 100ms);
    EXPECT_EQ(ike.initiated, (std::vector<std::string>{"init", "new"}));
    auto st = engine.status();
    ASSERT_EQ(st.tunnels.size(), 3u);
    EXPECT_EQ(st.tunnels[0].attempts, 1u);  // kept its state
    EXPECT_EQ(st.tunnels[2].name, "new");
}

TEST_F(ReloadTest, ReestablishesChangedAndRemovesGoneTunnels) {
    engine.tick(t0);
    ike.sas["init"] = established();
    ike.sas["resp"] = established();
    auto r = engine.reload(next(), kernel.ops());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(ike.terminated, (std::vector<std::string>{"init", "resp"}));
    EXPECT_EQ(kernel.applied, std::vector<std::string>{"init,new"});
    engine.tick(t0 + 100ms);  // both start at once: fresh state, no backoff left over
    EXPECT_EQ(ike.initiated, (std::vector<std::string>{"init", "init", "new"}));
    auto st = engine.status();
    ASSERT_EQ(st.tunnels.size(), 2u);
    EXPECT_EQ(st.tunnels[0].attempts, 1u);
    EXPECT_EQ(st.tunnels[1].name, "new");
    EXPECT_EQ(ike.served, (std::vector<std::string>{"init", "new"}));
}

TEST_F(ReloadTest, UnansweredDeletesAreForced) {
    ike.sas["resp"] = established();
    ike.unanswered.insert("resp");  // east removes the same tunnel at the same time
    auto r = engine.reload(next(), kernel.ops());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(ike.destroyed, std::vector<std::string>{"resp"});
    EXPECT_FALSE(ike.sas.count("resp"));
}

TEST_F(ReloadTest, RefusedTunnelsChangeNothing) {
    ike.sas["init"] = established();
    ike.refuse = "tunnel new: cannot read PSK file /x: No such file or directory";
    auto r = engine.reload(next(), kernel.ops());
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.cause, "config");
    EXPECT_NE(r.error.find("nothing changed"), std::string::npos) << r.error;
    EXPECT_TRUE(ike.terminated.empty());
    EXPECT_TRUE(kernel.applied.empty());
    EXPECT_EQ(engine.status().tunnels[1].name, "resp");
}

TEST_F(ReloadTest, KernelConflictChangesNothing) {
    kernel.plan_error = "tunnel new: interface vti9 exists and is not vtigw's";
    auto r = engine.reload(next(), kernel.ops());
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.cause, "kernel");
    EXPECT_NE(r.error.find("vti9"), std::string::npos) << r.error;
    EXPECT_TRUE(ike.served.empty());
    EXPECT_TRUE(ike.terminated.empty());
    EXPECT_TRUE(kernel.applied.empty());
}

TEST_F(ReloadTest, FailedKernelApplyRestoresTheRunningTunnels) {
    engine.tick(t0);
    kernel.apply_error = "route 10.9.0.0/24: File exists [rolled back 3 changes]";
    auto r = engine.reload(next(), kernel.ops());
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.cause, "kernel");
    EXPECT_NE(r.error.find("the running configuration stays"), std::string::npos) << r.error;
    EXPECT_EQ(ike.served, (std::vector<std::string>{"init", "resp"}));
    auto st = engine.status();
    ASSERT_EQ(st.tunnels.size(), 2u);
    EXPECT_EQ(st.tunnels[1].name, "resp");
    // The terminated initiator is no longer paused: it comes back with the old settings.
    engine.tick(t0 + 2s);
    EXPECT_EQ(ike.initiated.size(), 2u);
}

TEST_F(ReloadTest, RoutesFollowTheChildSa) {
    engine.follow_sas(kernel.ops());
    EXPECT_EQ(engine.demoted(), (std::set<std::string>{"init", "resp"}));
    engine.handle(event(IkeEventType::ChildUp, "init"));
    ASSERT_EQ(kernel.applied.size(), 1u);
    EXPECT_EQ(kernel.last_demoted, std::set<std::string>{"resp"});
    engine.handle(event(IkeEventType::ChildUp, "init"));  // a second CHILD_SA: nothing to do
    EXPECT_EQ(kernel.applied.size(), 1u);
    // Rekey: the old CHILD_SA goes while the new one is installed.
    ike.sas["init"] = established();
    engine.handle(event(IkeEventType::ChildDown, "init"));
    EXPECT_EQ(kernel.applied.size(), 1u);
    // Gone for good: routes demoted again.
    ike.sas.erase("init");
    engine.handle(event(IkeEventType::ChildDown, "init"));
    ASSERT_EQ(kernel.applied.size(), 2u);
    EXPECT_EQ(kernel.last_demoted, (std::set<std::string>{"init", "resp"}));
}

TEST_F(ReloadTest, ReloadDemotesNewAndReestablishedTunnels) {
    engine.follow_sas(kernel.ops());
    engine.handle(event(IkeEventType::ChildUp, "init"));
    engine.handle(event(IkeEventType::ChildUp, "resp"));
    ike.sas["init"] = established();
    gateway::Config n = cfg;
    n.tunnels[1].esp_proposals = {"aes128gcm16-x25519"};  // resp re-established
    auto r = engine.reload(n, kernel.ops());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(kernel.last_demoted, std::set<std::string>{"resp"});
}

TEST_F(ReloadTest, DeadPeerDemotesRoutesAtOnce) {
    engine.follow_sas(kernel.ops());
    engine.handle(event(IkeEventType::ChildUp, "init"));
    gateway::IkeSaStatus st = established();
    st.idle_in_seconds = 150;
    ike.sas["init"] = st;
    engine.tick(t0);
    EXPECT_EQ(ike.destroyed, std::vector<std::string>{"init"});
    EXPECT_EQ(kernel.last_demoted, (std::set<std::string>{"init", "resp"}));
}

TEST_F(EngineTest, DeadPeerIsDetectedPerTunnel) {
    // "init" and "resp" use the default DPD: every 30 s, dead after 150 s, action restart.
    gateway::IkeSaStatus st = established();
    st.idle_in_seconds = 149;
    ike.sas["init"] = st;
    ike.sas["resp"] = st;
    engine.tick(t0);
    EXPECT_TRUE(ike.destroyed.empty());
    ike.sas["init"].idle_in_seconds = 150;
    ike.sas["resp"].idle_in_seconds = 151;
    engine.tick(t0 + 1s);
    EXPECT_EQ(ike.destroyed, (std::vector<std::string>{"init", "resp"}));
    // Restart: the initiator starts again; the responder waits for its peer.
    EXPECT_EQ(ike.initiated, std::vector<std::string>{"init"});
    auto s = engine.status();
    EXPECT_EQ(s.tunnels[1].error_cause, "unreachable");
    EXPECT_NE(s.tunnels[1].last_error.find("peer dead"), std::string::npos);
    engine.tick(t0 + 100s);
    EXPECT_EQ(ike.initiated, (std::vector<std::string>{"init", "init"}));
}

// Five initiating tunnels named t0..t4 (one peer address each).
gateway::Config load_initiators() {
    std::string text = R"({"gateway": {"name": "west", "local": "192.0.2.1"}, "tunnels": [)";
    for (int i = 0; i < 5; i++) {
        if (i) text += ",";
        text += R"({"name": "t)" + std::to_string(i) + R"(", "remote": "192.0.2.)" +
                std::to_string(10 + i) + R"(", "auth": {"psk_env": "P"}, "interface": "vti)" +
                std::to_string(i) + R"(", "mark": )" + std::to_string(40 + i) +
                R"(, "inside": {"local": "10.255.)" + std::to_string(i) + R"(.1/30"}})";
    }
    gateway::LoadOptions o;
    o.getenv = [](const std::string&) { return std::optional<std::string>("0123456789abcdef"); };
    auto r = gateway::load_config_text(text + "]}", o);
    EXPECT_TRUE(r.ok());
    return *r.config;
}

TEST(EngineWindow, AtMostWindowInitiationsAwaitAnAnswer) {
    gateway::Config c = load_initiators();
    FakeIke ike;
    gateway::Engine engine(
        c, ike, [](const std::string&) {}, gateway::Backoff{1000ms, 8000ms, 2, 30000ms});
    gateway::IkeSaStatus connecting;
    connecting.ike_state = "CONNECTING";
    connecting.ike_sas = 1;
    auto t0 = gateway::Engine::Clock::now();
    engine.tick(t0);
    EXPECT_EQ(ike.initiated, (std::vector<std::string>{"t0", "t1"}));
    ike.sas["t0"] = ike.sas["t1"] = connecting;
    engine.tick(t0 + 5s);  // no answer yet: both slots still taken
    EXPECT_EQ(ike.initiated.size(), 2u);
    // t0 answered (IKE_SA up): one slot free, for t2.
    ike.sas["t0"] = established();
    engine.handle(event(IkeEventType::IkeUp, "t0"));
    engine.tick(t0 + 6s);
    EXPECT_EQ(ike.initiated, (std::vector<std::string>{"t0", "t1", "t2"}));
    ike.sas["t2"] = connecting;
    // t1 failed: its slot is free and, its backoff over, it takes it again before t3.
    ike.sas.erase("t1");
    engine.handle(event(IkeEventType::Error, "t1", "peer unreachable"));
    engine.tick(t0 + 7s);
    EXPECT_EQ(ike.initiated, (std::vector<std::string>{"t0", "t1", "t2", "t1"}));
    ike.sas["t1"] = connecting;
    // Unanswered for the in-flight timeout: t1 and t2 no longer hold the window.
    engine.tick(t0 + 40s);
    EXPECT_EQ(ike.initiated, (std::vector<std::string>{"t0", "t1", "t2", "t1", "t3", "t4"}));
}

TEST(EngineWindow, ZeroMeansNoLimit) {
    gateway::Config c = load_initiators();
    FakeIke ike;
    gateway::Engine engine(
        c, ike, [](const std::string&) {}, gateway::Backoff{1000ms, 8000ms, 0, 30000ms});
    engine.tick(gateway::Engine::Clock::now());
    EXPECT_EQ(ike.initiated.size(), 5u);
}

// A DPD check looks at a tunnel again only when its silence could have reached the timeout,
// and one pass over IKE's SAs serves every tunnel looked at (never one query per tunnel).
TEST(EngineDpd, ChecksATunnelOncePerTimeoutNotOnEveryTick) {
    gateway::Config c = load_initiators();
    CountingIke ike;
    gateway::Engine engine(c, ike, [](const std::string&) {});
    gateway::IkeSaStatus st = established();
    st.idle_in_seconds = 10;  // default DPD: dead after 150 s
    for (int i = 0; i < 5; i++) ike.sas["t" + std::to_string(i)] = st;
    auto t0 = gateway::Engine::Clock::now();
    engine.tick(t0);
    EXPECT_EQ(ike.passes, 1u);
    // 139.5 s of ticks: besides DPD, a tunnel that is up is looked at for initiation only
    // every 30 s (recheck) when no event comes: four passes, each for all five.
    for (int k = 1; k < 280; k++) engine.tick(t0 + k * 500ms);
    EXPECT_EQ(ike.passes, 1u + 4u);
    for (auto& [name, sa] : ike.sas) sa.idle_in_seconds = 150;
    engine.tick(t0 + 140s);  // 10 s + 140 s of silence: all dead now
    // One pass finds them dead; each is queried once after its SAs were destroyed, then
    // initiated again (restart).
    EXPECT_EQ(ike.passes, 6u);
    EXPECT_EQ(ike.queries, 5u);
    EXPECT_EQ(ike.destroyed.size(), 5u);
    EXPECT_EQ(ike.initiated.size(), 5u);
}

// Tunnels whose checks fall due a little apart share one pass (scan_slack), so with many
// tunnels the passes stay about scan_slack apart instead of one per tick.
TEST(EngineDpd, ChecksDueCloseTogetherShareOnePass) {
    gateway::Config c = load_initiators();
    CountingIke ike;
    gateway::Engine engine(c, ike, [](const std::string&) {});
    auto t0 = gateway::Engine::Clock::now();
    for (int i = 0; i < 5; i++) {
        gateway::IkeSaStatus st = established();
        st.idle_in_seconds = 10 + i;  // DPD checks due at 140, 139, ... 136 s
        ike.sas["t" + std::to_string(i)] = st;
    }
    engine.tick(t0);
    for (int k = 1; k <= 250; k++) engine.tick(t0 + k * 500ms);  // to 125 s: rechecks only
    EXPECT_EQ(ike.passes, 5u);
    for (int k = 251; k <= 290; k++) engine.tick(t0 + k * 500ms);  // to 145 s
    // The pass at 136 s looks at all five (each rescheduled from its idle time), none dead.
    EXPECT_EQ(ike.passes, 6u);
    EXPECT_EQ(ike.queries, 0u);
    EXPECT_TRUE(ike.destroyed.empty());
}

// With many tunnels the slack grows (scan_slack_per_tunnel): looks spread over time share one
// pass instead of one pass every scan_slack.
TEST(EngineDpd, SlackGrowsWithTheTunnelCount) {
    auto passes_between_100_and_145_s = [](std::chrono::milliseconds per_tunnel) {
        gateway::Config c = load_initiators();
        CountingIke ike;
        gateway::Backoff b;
        b.scan_slack_per_tunnel = per_tunnel;
        gateway::Engine engine(c, ike, [](const std::string&) {}, b);
        auto t0 = gateway::Engine::Clock::now();
        for (int i = 0; i < 5; i++) {
            gateway::IkeSaStatus st = established();
            st.idle_in_seconds = 10 + 6 * i;  // DPD checks due at 140, 134, 128, 122, 116 s
            ike.sas["t" + std::to_string(i)] = st;
        }
        for (int k = 0; k <= 200; k++) engine.tick(t0 + k * 500ms);
        unsigned before = ike.passes;
        for (int k = 201; k <= 290; k++) engine.tick(t0 + k * 500ms);
        EXPECT_TRUE(ike.destroyed.empty());
        return ike.passes - before;
    };
    // 5 tunnels x 1 ms: the 5 s floor. The checks at 116 s and 122-140 s, with the recheck at
    // 120 s, take five passes.
    EXPECT_EQ(passes_between_100_and_145_s(1ms), 5u);
    // 5 tunnels x 5 s: a 25 s slack. The pass at 116 s serves them all.
    EXPECT_EQ(passes_between_100_and_145_s(5000ms), 1u);
}

// Nothing due: no pass at all.
TEST(EngineScale, IdleTicksQueryNothing) {
    gateway::Config c = load_initiators();
    CountingIke ike;
    gateway::Engine engine(c, ike, [](const std::string&) {});
    for (int i = 0; i < 5; i++) ike.sas["t" + std::to_string(i)] = established();
    auto t0 = gateway::Engine::Clock::now();
    engine.tick(t0);
    for (int k = 1; k < 50; k++) engine.tick(t0 + k * 500ms);  // 24.5 s: recheck not due
    EXPECT_EQ(ike.passes, 1u);
    EXPECT_EQ(ike.queries, 0u);
}

// status and metrics read every tunnel's SAs from one pass over IKE's SAs, not one per tunnel.
TEST(EngineScale, StatusAndMetricsTakeOnePassOverTheSas) {
    gateway::Config c = load_initiators();
    CountingIke ike;
    gateway::Engine engine(c, ike, [](const std::string&) {});
    for (int i = 0; i < 5; i++) ike.sas["t" + std::to_string(i)] = established();
    ike.sas["t3"].bytes_in = 333;
    auto s = engine.status();
    EXPECT_EQ(ike.queries, 0u);
    EXPECT_EQ(ike.passes, 1u);
    ASSERT_EQ(s.tunnels.size(), 5u);
    EXPECT_EQ(s.tunnels[3].bytes_in, 333u);
    EXPECT_EQ(s.tunnels[4].ike_state, "ESTABLISHED");
    auto m = engine.metrics();
    EXPECT_EQ(ike.queries, 0u);
    EXPECT_EQ(ike.passes, 2u);
    EXPECT_TRUE(m[0].up);
}

// The systemd status line's source: the engine's own state, no pass over IKE's SAs.
TEST(EngineScale, SummaryAsksIkeNothing) {
    gateway::Config c = load_initiators();
    CountingIke ike;
    gateway::Engine engine(c, ike, [](const std::string&) {});
    auto t0 = gateway::Engine::Clock::now();
    engine.tick(t0);  // initiates all five
    ike.sas["t1"] = established();
    engine.handle(event(IkeEventType::ChildUp, "t1"));
    engine.handle(event(IkeEventType::Error, "t3", "peer unreachable"));
    unsigned passes = ike.passes;
    auto s = engine.summary();
    EXPECT_EQ(ike.passes, passes);
    EXPECT_EQ(ike.queries, 0u);
    ASSERT_EQ(s.tunnels.size(), 5u);
    EXPECT_TRUE(s.tunnels[1].up);
    EXPECT_FALSE(s.tunnels[0].up);
    EXPECT_EQ(s.tunnels[0].ike_state, "CONNECTING");
    EXPECT_EQ(s.tunnels[3].last_error, "peer unreachable");
    EXPECT_EQ(gateway::service::status_line(s), "1/5 tunnels up; t3: peer unreachable");
}

TEST(EngineNat, StatusCarriesNatDetectionEncapsulationAndForcedEncap) {
    gateway::Config c = load();
    c.tunnels[1].nat.force_encap = true;
    FakeIke ike;
    gateway::Engine engine(c, ike, [](const std::string&) {});
    gateway::IkeSaStatus st = established();
    st.nat_local = true;
    st.udp_encap = true;
    st.local_address = "192.168.1.2";
    st.local_port = 4500;
    st.remote_address = "192.0.2.2";
    st.remote_port = 4500;
    ike.sas["init"] = st;
    auto s = engine.status();
    const auto& a = s.tunnels[0];
    EXPECT_TRUE(a.nat_local);
    EXPECT_FALSE(a.nat_remote);
    EXPECT_FALSE(a.nat_fake);
    EXPECT_FALSE(a.force_encap);
    EXPECT_TRUE(a.udp_encap);
    EXPECT_EQ(a.ike_local_address, "192.168.1.2");
    EXPECT_EQ(a.ike_local_port, 4500);
    EXPECT_EQ(a.ike_remote_address, "192.0.2.2");
    EXPECT_EQ(a.ike_remote_port, 4500);
    // No IKE_SA: nothing detected, but the configured forcing shows.
    const auto& b = s.tunnels[1];
    EXPECT_FALSE(b.nat_local || b.nat_remote || b.udp_encap);
    EXPECT_TRUE(b.force_encap);
    EXPECT_EQ(b.ike_remote_port, 0);
}

TEST(NatKeepalive, ShortestNonZeroIntervalOfTunnelsThatMayUseNatT) {
    gateway::Config c = load();
    EXPECT_EQ(gateway::nat_keepalive_seconds(c), 20u);  // the default of both tunnels
    c.tunnels[0].nat.keepalive = 5;
    EXPECT_EQ(gateway::nat_keepalive_seconds(c), 5u);
    c.tunnels[0].nat.enabled = false;  // never encapsulates: its interval does not count
    EXPECT_EQ(gateway::nat_keepalive_seconds(c), 20u);
    c.tunnels[0].nat.force_encap = true;  // forced encapsulation counts again
    EXPECT_EQ(gateway::nat_keepalive_seconds(c), 5u);
    c.tunnels[1].nat.keepalive = 0;  // 0 disables that tunnel's, not the others'
    EXPECT_EQ(gateway::nat_keepalive_seconds(c), 5u);
    c.tunnels[0].nat.keepalive = 0;
    EXPECT_EQ(gateway::nat_keepalive_seconds(c), 0u);
    c.tunnels.clear();
    EXPECT_EQ(gateway::nat_keepalive_seconds(c), 0u);
}

TEST(EngineDpd, ClearLeavesTheTunnelDownAndNoneOnlyWatches) {
    gateway::Config c = load();
    c.tunnels[0].dpd.action = gateway::Dpd::Action::Clear;
    c.tunnels[1].dpd.action = gateway::Dpd::Action::None;
    FakeIke ike;
    gateway::Engine engine(c, ike, [](const std::string&) {});
    gateway::IkeSaStatus st = established();
    st.idle_in_seconds = 1000;
    ike.sas["init"] = st;
    ike.sas["resp"] = st;
    auto t0 = gateway::Engine::Clock::now();
    engine.tick(t0);
    EXPECT_EQ(ike.destroyed, std::vector<std::string>{"init"});
    engine.tick(t0 + 100s);
    EXPECT_TRUE(ike.initiated.empty());  // held down until reset
    EXPECT_TRUE(engine.reset("init").ok);
    engine.tick(t0 + 101s);
    EXPECT_EQ(ike.initiated, std::vector<std::string>{"init"});
}

}  // namespace

// BGP tunnels: liveness reaches FRR as link state (the interface is up only with a CHILD_SA).
TEST(EngineLink, LinkFollowsTheChildSaAndIgnoresRekeysAndDuplicates) {
    gateway::Config cfg = load();
    cfg.tunnels[0].link_follows_sa = true;
    cfg.tunnels[0].start_action = gateway::StartAction::OnDemand;  // down too until a CHILD_SA
    FakeIke ike;
    std::vector<std::string> logs;
    gateway::Engine engine(cfg, ike, [&](const std::string& l) { logs.push_back(l); });
    FakeKernel kernel;
    std::vector<vti::DesiredState> desired;
    gateway::KernelOps ops = kernel.ops();
    auto apply = ops.apply;
    ops.apply = [&](const gateway::Config& c, const std::set<std::string>& demoted,
                    std::string& error) {
        desired.push_back(gateway::to_desired_state(c, demoted));
        return apply(c, demoted, error);
    };
    engine.follow_sas(ops);
    EXPECT_EQ(engine.demoted(), (std::set<std::string>{"init", "resp"}));

    engine.handle(event(IkeEventType::ChildUp, "init"));
    ASSERT_EQ(desired.size(), 1u);
    EXPECT_TRUE(desired.back().tunnels[0].up);
    EXPECT_EQ(desired.back().tunnels[0].routes.size(), 1u);
    EXPECT_EQ(desired.back().tunnels[0].routes[0].metric, cfg.tunnels[0].routes[0].metric);
    // A duplicate CHILD_SA, then a rekey removing the old one: no flap.
    engine.handle(event(IkeEventType::ChildUp, "init"));
    ike.sas["init"] = established();
    engine.handle(event(IkeEventType::ChildDown, "init"));
    EXPECT_EQ(desired.size(), 1u);

    ike.sas.erase("init");
    engine.handle(event(IkeEventType::ChildDown, "init"));
    ASSERT_EQ(desired.size(), 2u);
    const auto& down = desired.back().tunnels[0];
    EXPECT_FALSE(down.up);
    EXPECT_TRUE(down.routes.empty());  // the kernel refuses routes through a down link
    // The other tunnel keeps the metric demotion and its link.
    const auto& other = desired.back().tunnels[1];
    EXPECT_TRUE(other.up);
    ASSERT_EQ(other.routes.size(), 1u);
    EXPECT_EQ(other.routes[0].metric,
              cfg.tunnels[1].routes[0].metric + gateway::kDemotedMetricOffset);
    EXPECT_NE(std::find(logs.begin(), logs.end(), "tunnel init: no CHILD_SA; link down"),
              logs.end());
    EXPECT_NE(std::find(logs.begin(), logs.end(), "tunnel init: link up"), logs.end());
}

TEST(EngineLink, DeadPeerTakesTheLinkDownAtOnce) {
    gateway::Config cfg = load();
    cfg.tunnels[0].link_follows_sa = true;
    FakeIke ike;
    gateway::Engine engine(cfg, ike, [](const std::string&) {});
    FakeKernel kernel;
    engine.follow_sas(kernel.ops());
    engine.handle(event(IkeEventType::ChildUp, "init"));
    gateway::IkeSaStatus st = established();
    st.idle_in_seconds = 150;
    ike.sas["init"] = st;
    engine.tick(gateway::Engine::Clock::now());
    EXPECT_EQ(kernel.last_demoted, (std::set<std::string>{"init", "resp"}));
    auto d = gateway::to_desired_state(engine.config(), kernel.last_demoted);
    EXPECT_FALSE(d.tunnels[0].up);
}

// Metrics: every configured tunnel, counters that only grow, kept across reloads.

TEST_F(EngineTest, MetricsListEveryConfiguredTunnelUpOrDown) {
    ike.sas["init"] = established();
    auto m = engine.metrics();
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].name, "init");
    EXPECT_TRUE(m[0].up);
    EXPECT_EQ(m[1].name, "resp");
    EXPECT_FALSE(m[1].up);
}

TEST_F(EngineTest, MetricsCountFlapsRekeysFailuresAndTimeouts) {
    ike.sas["init"] = established();
    engine.handle(event(IkeEventType::ChildUp, "init"));
    engine.handle(event(IkeEventType::ChildRekey, "init"));
    engine.handle(event(IkeEventType::IkeRekey, "init"));
    ike.sas.erase("init");
    engine.handle(event(IkeEventType::ChildDown, "init"));
    engine.handle(
        event(IkeEventType::Error, "init", "peer unreachable: retransmissions timed out"));
    engine.handle(event(IkeEventType::Error, "init", "no acceptable ESP proposal"));
    engine.handle(event(IkeEventType::AuthFailed, "init", "authentication failed: x"));
    engine.tick(t0);
    const auto& c = engine.metrics()[0].counters;
    EXPECT_EQ(c.transitions, 2u);
    EXPECT_EQ(c.child_rekeys, 1u);
    EXPECT_EQ(c.ike_rekeys, 1u);
    EXPECT_EQ(c.peer_timeouts, 1u);
    EXPECT_EQ(c.establish_failures.at("unreachable"), 1u);
    EXPECT_EQ(c.establish_failures.at("proposal"), 1u);
    EXPECT_EQ(c.establish_failures.at("auth"), 1u);
    EXPECT_EQ(c.establish_attempts, 1u);
}

TEST_F(EngineTest, MetricsTrafficIsTheDriversTotalNotTheCurrentSa) {
    auto st = established();
    st.total_bytes_in = 5000;  // rekeyed SAs carried more than the current one (300)
    st.total_packets_out = 70;
    ike.sas["init"] = st;
    const auto& c = engine.metrics()[0].counters;
    EXPECT_EQ(c.receive_bytes, 5000u);
    EXPECT_EQ(c.transmit_packets, 70u);
}

TEST_F(EngineTest, MetricsCountersSurviveAReloadThatReestablishesTheTunnel) {
    engine.handle(event(IkeEventType::ChildRekey, "init"));
    engine.handle(event(IkeEventType::ChildRekey, "init"));
    gateway::Config next = cfg;
    next.tunnels[0].esp_lifetime += 100;  // a change that re-establishes or updates
    FakeKernel kernel;
    ASSERT_TRUE(engine.reload(next, kernel.ops()).ok);
    EXPECT_EQ(engine.metrics()[0].counters.child_rekeys, 2u);
}

TEST_F(EngineTest, RefusedPeersAreListedByIdentityAndAddress) {
    auto refused = [](const char* id, const char* addr, int64_t time) {
        gateway::IkeEvent ev;
        ev.type = IkeEventType::Refused;
        ev.detail = id;
        ev.remote_address = addr;
        ev.time = time;
        return ev;
    };
    engine.handle(refused("stranger.test", "198.51.100.9", 10));
    engine.handle(refused("other.test", "198.51.100.8", 11));
    engine.handle(refused("stranger.test", "198.51.100.9", 12));
    auto r = engine.status();
    ASSERT_EQ(r.refused.size(), 2u);
    EXPECT_EQ(r.refused[0].identity, "other.test");
    EXPECT_EQ(r.refused[1].identity, "stranger.test");  // most recent last
    EXPECT_EQ(r.refused[1].address, "198.51.100.9");
    EXPECT_EQ(r.refused[1].count, 2u);
    EXPECT_EQ(r.refused[1].last_time, 12);
    EXPECT_EQ(r.tunnels[0].last_error, "");  // no tunnel is blamed
    for (int i = 0; i < 40; i++) engine.handle(refused("x", std::to_string(i).c_str(), i));
    EXPECT_EQ(engine.status().refused.size(), 32u);  // bounded, the oldest go
}
