// The daemon engine (gateway/) against a fake IkeDriver: initiation, retry with backoff, event
// handling, status joined with configuration, reset.
#include "gateway/engine.h"

#include <gtest/gtest.h>

#include <deque>

#include "gateway/loader.h"

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
    IkeResult initiate(const std::string& t) override {
        initiated.push_back(t);
        return IkeResult::Ok;
    }
    IkeResult terminate(const std::string& t, unsigned) override {
        terminated.push_back(t);
        sas.erase(t);
        return IkeResult::Ok;
    }
    IkeResult query(const std::string& t, gateway::IkeSaStatus& st) override {
        st = gateway::IkeSaStatus{};
        if (auto it = sas.find(t); it != sas.end()) st = it->second;
        return IkeResult::Ok;
    }
    IkeResult next_event(gateway::IkeEvent& ev, unsigned) override {
        if (events.empty()) return IkeResult::Timeout;
        ev = events.front();
        events.pop_front();
        return IkeResult::Ok;
    }
    std::vector<std::string> initiated, terminated;
    std::map<std::string, gateway::IkeSaStatus> sas;
    std::deque<gateway::IkeEvent> events;
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

}  // namespace
