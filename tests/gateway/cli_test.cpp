// SPDX-License-Identifier: GPL-2.0-or-later
// The real vtigw binary: exit codes, garbage input, JSON output, secrets never printed,
// the mtu command, and every example passing `check`.
#include "gateway/cli.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "../../gateway/src/cli_output.h"
#include "gateway/version.h"
#include "test_util.h"

using gwtest::base_config;
using gwtest::run_vtigw;
using gwtest::TempDir;
using nlohmann::json;

namespace {

const std::string kEnv = "VTIGW_TEST_PSK=0123456789abcdef0123456789abcdef";

void expect_clean_failure(const gwtest::Run& r, const std::string& needle) {
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

}  // namespace

TEST(Cli, VersionAndUsage) {
    auto v = run_vtigw("--version");
    EXPECT_EQ(v.status, 0);
    EXPECT_EQ(v.out.rfind("vtigw ", 0), 0u);
    EXPECT_EQ(run_vtigw("").status, 2);
    EXPECT_EQ(run_vtigw("frobnicate").status, 2);
    EXPECT_EQ(run_vtigw("check").status, 2);
    EXPECT_EQ(run_vtigw("check -c").status, 2);
    EXPECT_EQ(run_vtigw("check -c x --bogus").status, 2);
    EXPECT_EQ(run_vtigw("mtu --esp aes128gcm16").status, 2);
    EXPECT_EQ(run_vtigw("mtu --esp aes128gcm16 --underlay-mtu abc").status, 2);
}

TEST(Cli, HelpGoesToStdoutWithStatusZero) {
    for (const std::string arg : {"--help", "-h", "help"}) {
        auto h = run_vtigw(arg);
        EXPECT_EQ(h.status, 0) << arg;
        EXPECT_EQ(h.err, "") << arg;
        for (const std::string& c : gateway::cli::commands())
            EXPECT_NE(h.out.find("vtigw " + c), std::string::npos) << arg << ": " << c;
    }
    for (const std::string& c : gateway::cli::commands()) {
        const auto* help = gateway::cli::command_help(c);
        ASSERT_NE(help, nullptr) << c << " has no help";
        // Even where the command's required arguments are missing, --help wins.
        for (const std::string& form : {c + " --help", c + " -h", "help " + c}) {
            auto r = run_vtigw(form);
            EXPECT_EQ(r.status, 0) << form << ": " << r.err;
            EXPECT_EQ(r.err, "") << form;
            EXPECT_EQ(r.out.rfind("usage: vtigw " + c + " " + help->synopsis + "\n", 0), 0u)
                << form << ": " << r.out;
            EXPECT_NE(r.out.find("--help"), std::string::npos) << form;
        }
    }
    EXPECT_EQ(gateway::cli::command_table().size(), gateway::cli::commands().size());
    for (const auto& h : gateway::cli::command_table())
        EXPECT_TRUE(gateway::cli::commands().count(h.name)) << h.name << " is not a command";
}

TEST(Cli, UsageErrorsGoToStderrWithStatusTwo) {
    for (const std::string args : {"", "frobnicate", "check", "up --bogus", "reset"}) {
        auto r = run_vtigw(args);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out, "") << args;
        EXPECT_NE(r.err.find("usage: vtigw"), std::string::npos) << args << ": " << r.err;
    }
}

TEST(Cli, VersionNamesStrongswan) {
    auto v = run_vtigw("--version");
    EXPECT_EQ(v.status, 0);
    EXPECT_EQ(v.out, std::string("vtigw ") + gateway::version() + " (built against strongSwan " +
                         gateway::strongswan_version() + ")\n");
    EXPECT_STRNE(gateway::strongswan_version(), "unknown");
    EXPECT_EQ(std::string(gateway::strongswan_version()).find_first_not_of("0123456789."),
              std::string::npos)
        << gateway::strongswan_version();
}

TEST(Cli, DaemonCommandsUsageAndCauses) {
    EXPECT_EQ(run_vtigw("up").status, 2);                     // no -c
    EXPECT_EQ(run_vtigw("up -c x.json --wait=0").status, 2);  // 0 s
    EXPECT_EQ(run_vtigw("up -c x.json --wait=soon").status, 2);
    EXPECT_EQ(run_vtigw("run").status, 2);
    EXPECT_EQ(run_vtigw("reset").status, 2);
    EXPECT_EQ(run_vtigw("status --offline").status, 2);
    EXPECT_EQ(run_vtigw("down --json").status, 2);
    // No daemon on the socket: 7, with the path named.
    auto s = run_vtigw("status --control /nonexistent-vtigw-test/ctl.sock");
    EXPECT_EQ(s.status, 7);
    EXPECT_NE(s.err.find("/nonexistent-vtigw-test/ctl.sock"), std::string::npos) << s.err;
    EXPECT_EQ(run_vtigw("reset t1", "VTIGW_CONTROL=/nonexistent-vtigw-test/ctl.sock").status, 7);
    EXPECT_EQ(run_vtigw("reload --offline").status, 2);
    auto reload = run_vtigw("reload --control /nonexistent-vtigw-test/ctl.sock");
    EXPECT_EQ(reload.status, 7);
    EXPECT_NE(reload.err.find("no vtigw daemon answers"), std::string::npos) << reload.err;
    // An invalid config: 1, the field named, no daemon started (no socket, no log).
    TempDir dir;
    json c = base_config();
    c["tunnels"][0]["mark"] = "forty-two";
    std::string f = dir.write("gw.json", c.dump(2));
    std::string sock = (dir.path() / "ctl.sock").string();
    auto up = run_vtigw("up -c " + f + " --wait --control " + sock, kEnv);
    EXPECT_EQ(up.status, 1) << up.err;
    EXPECT_NE(up.err.find("/tunnels/0/mark"), std::string::npos) << up.err;
    EXPECT_NE(up.err.find("nothing started"), std::string::npos) << up.err;
    EXPECT_FALSE(std::filesystem::exists(sock));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "ctl.log"));
}

TEST(Cli, CheckValidFile) {
    TempDir dir;
    std::string f = dir.write("gw.json", base_config().dump(2));
    auto r = run_vtigw("check -c " + f, kEnv);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("OK"), std::string::npos);
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);  // one-line summary
    auto j = run_vtigw("check --json -c " + f, kEnv);
    EXPECT_EQ(j.status, 0);
    json out = json::parse(j.out);
    EXPECT_TRUE(out["ok"].get<bool>());
    EXPECT_EQ(out["tunnels"][0]["mtu"], 1438);
}

TEST(Cli, AbbreviatedList) {
    using gateway::cli::abbreviated_list;
    std::vector<std::string> items;
    EXPECT_EQ(abbreviated_list(items), "");
    for (int i = 1; i <= 10; ++i) items.push_back("t" + std::to_string(i));
    EXPECT_EQ(abbreviated_list(items), "t1, t2, t3, t4, t5, t6, t7, t8, t9, t10");
    items.push_back("t11");
    EXPECT_EQ(abbreviated_list(items), "t1, t2, t3, t4, t5, … and 6 more");
    EXPECT_EQ(abbreviated_list(items, "; ", 3), "t1; t2; t3; … and 8 more");
}

// A configuration with `n` tunnels t0001… to distinct peers.
static json many_tunnels(int n) {
    json c = base_config();
    c["tunnels"] = json::array();
    for (int i = 0; i < n; ++i) {
        char name[16], remote[32], inside[32], route[32];
        std::snprintf(name, sizeof name, "t%04d", i + 1);
        std::snprintf(remote, sizeof remote, "198.51.%d.%d", 100 + i / 250, 1 + i % 250);
        std::snprintf(inside, sizeof inside, "169.254.%d.%d/30", i / 64, (i % 64) * 4 + 1);
        std::snprintf(route, sizeof route, "10.%d.%d.0/24", i / 256, i % 256);
        c["tunnels"].push_back({{"name", name},
                                {"remote", remote},
                                {"auth", {{"psk_env", "VTIGW_TEST_PSK"}}},
                                {"inside", {{"local", inside}}},
                                {"routes", {route}}});
    }
    return c;
}

TEST(Cli, CheckSummaryStaysOneShortLineAtAThousandTunnels) {
    TempDir dir;
    std::string f = dir.write("gw.json", many_tunnels(1000).dump());
    auto r = run_vtigw("check -c " + f, kEnv);
    ASSERT_EQ(r.status, 0) << r.err.substr(0, 2000);
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    EXPECT_NE(r.out.find("1000 tunnel(s) (t0001, t0002, t0003, t0004, t0005, \u2026 and 995 more)"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("t0006"), std::string::npos) << r.out;
    EXPECT_LT(r.out.size(), 200u) << r.out;
    // --json stays complete.
    auto j = run_vtigw("check --json -c " + f, kEnv);
    ASSERT_EQ(j.status, 0);
    json out = json::parse(j.out);
    ASSERT_EQ(out["tunnels"].size(), 1000u);
    EXPECT_EQ(out["tunnels"][999]["name"], "t1000");
    // Up to ten tunnels are all named.
    std::string f10 = dir.write("gw10.json", many_tunnels(10).dump());
    auto r10 = run_vtigw("check -c " + f10, kEnv);
    ASSERT_EQ(r10.status, 0) << r10.err;
    EXPECT_NE(r10.out.find("10 tunnel(s) (t0001, t0002, t0003, t0004, t0005, t0006, t0007, "
                           "t0008, t0009, t0010)"),
              std::string::npos)
        << r10.out;
}

TEST(Cli, CheckRefusesUnusablePeerAndInterface) {
    TempDir dir;
    json c = base_config();
    c["tunnels"][0]["remote"] = "224.0.0.5";
    c["tunnels"][0]["interface"] = "lo";
    auto r = run_vtigw("check -c " + dir.write("bad.json", c.dump(2)), kEnv);
    expect_clean_failure(r, "/tunnels/0/remote: \"224.0.0.5\" \u2014 a multicast address");
    EXPECT_NE(r.err.find("/tunnels/0/interface: \"lo\" \u2014 the loopback device"),
              std::string::npos)
        << r.err;
}

TEST(Cli, CheckReportsAllErrors) {
    TempDir dir;
    json c = base_config();
    c["tunnels"][0]["inside"]["local"] = "169.254.10.1/29";
    c["tunnels"][0]["dpd"] = {{"timeout", "soon"}};
    std::string f = dir.write("bad.json", c.dump(2));
    auto r = run_vtigw("check -c " + f, kEnv);
    expect_clean_failure(
        r, "/tunnels/0/inside/local: \"169.254.10.1/29\" \u2014 inside prefix must be /30 or /31");
    EXPECT_NE(r.err.find("/tunnels/0/dpd/timeout"), std::string::npos) << r.err;
    auto j = run_vtigw("check --json -c " + f, kEnv);
    EXPECT_EQ(j.status, 1);
    json out = json::parse(j.out);
    EXPECT_FALSE(out["ok"].get<bool>());
    EXPECT_GE(out["diagnostics"].size(), 2u);
}

TEST(Cli, GarbageInputs) {
    TempDir dir;
    expect_clean_failure(run_vtigw("check -c " + dir.write("empty.json", "")), "empty file");
    std::string bin;
    for (int i = 0; i < 4096; ++i) bin += static_cast<char>((i * 7919) & 0xff);
    expect_clean_failure(run_vtigw("check -c " + dir.write("bin.json", bin)),
                         "invalid JSON at line");
    expect_clean_failure(run_vtigw("check -c " + dir.write("arr.json", "[1, 2, 3]")),
                         "expected an object");
    expect_clean_failure(
        run_vtigw("check -c " + dir.write("deep.json", std::string(10 << 20, '['))), "larger than");
    expect_clean_failure(run_vtigw("check -c " + dir.write("deep2.json", std::string(900000, '['))),
                         "nesting deeper than");
    expect_clean_failure(run_vtigw("check -c " + dir.write("deep3.json", std::string(900000, '{'))),
                         "invalid JSON");
    expect_clean_failure(run_vtigw("check -c " + dir.path().string() + "/missing.json"),
                         "cannot open");
    expect_clean_failure(run_vtigw("check -c " + dir.path().string()), "cannot");
    expect_clean_failure(run_vtigw("plan --offline -c " + dir.write("arr2.json", "[]")),
                         "expected an object");
}

TEST(Cli, SecretsNeverPrinted) {
    TempDir dir;
    const std::string inline_psk = "InlineSecretValue-9f8e7d6c5b4a";
    const std::string file_psk = "FileSecretValue-1a2b3c4d5e6f7g";
    const std::string env_psk = "EnvSecretValue-0z9y8x7w6v5u4t";
    std::string psk_file = dir.write("t2.psk", file_psk + "\n", 0600);
    json c = base_config();
    c["tunnels"][0]["auth"] = {{"psk", inline_psk}};
    json t2 = gwtest::second_tunnel();
    t2["auth"] = {{"psk_file", psk_file}};
    json t3 = gwtest::second_tunnel();
    t3["name"] = "t3";
    t3["remote"] = "198.51.100.3";
    t3["inside"]["local"] = "169.254.12.1/30";
    t3["routes"] = {"10.3.0.0/16"};
    t3["auth"] = {{"psk_env", "VTIGW_SECRET_ENV"}};
    c["tunnels"].push_back(t2);
    c["tunnels"].push_back(t3);
    std::string env = "VTIGW_SECRET_ENV=" + env_psk;
    std::vector<std::string> files = {dir.write("good.json", c.dump(2))};

    // Error variants that involve the PSK fields.
    json e1 = c;
    e1["tunnels"][0]["auth"] = {{"psk", json::array({inline_psk})}};
    files.push_back(dir.write("e1.json", e1.dump()));
    json e2 = c;
    e2["tunnels"][0]["auth"] = {{"pks", inline_psk}};
    files.push_back(dir.write("e2.json", e2.dump()));
    json e3 = c;
    e3["tunnels"][0]["auth"] = {{"psk", inline_psk}, {"psk_env", "VTIGW_SECRET_ENV"}};
    files.push_back(dir.write("e3.json", e3.dump()));
    json e4 = c;
    e4["tunnels"][0]["auth"] = {{"method", "x509"}, {"psk", inline_psk}};
    files.push_back(dir.write("e4.json", e4.dump()));
    json e5 = c;
    e5["tunnels"][0]["auth"] = {{"psk", inline_psk}};
    e5["tunnels"][0]["remote"] = "not-an-address";
    files.push_back(dir.write("e5.json", e5.dump()));
    std::string text = c.dump(2);
    auto pos = text.find(inline_psk);
    std::string broken =
        text.substr(0, pos + inline_psk.size()) + "\n" + text.substr(pos + inline_psk.size());
    files.push_back(dir.write("e6.json", broken));       // raw newline inside the secret string
    files.push_back(dir.write("e7.json", text + text));  // trailing garbage
    json e8 = c;
    e8["tunnels"][0]["auth"] = {{"psk", inline_psk}};
    e8["tunnels"][0]["auth"]["psk"] = inline_psk;
    std::string dup = e8.dump();
    dup.insert(dup.find("\"psk\""), "\"psk\":\"" + inline_psk + "\",");
    files.push_back(dir.write("e8.json", dup));  // duplicate psk key
    ::chmod(psk_file.c_str(), 0644);
    files.push_back(dir.write("e9.json", c.dump()));  // group-readable file (checked while 0644)

    int failures = 0;
    for (const auto& f : files) {
        for (const char* cmd : {"check -c ", "check --json -c ", "plan --offline -c ",
                                "plan --offline --json -c ", "plan -c "}) {
            auto r = run_vtigw(cmd + f, env);
            EXPECT_LT(r.status, 2) << cmd << f << r.err;
            if (r.status != 0) ++failures;
            for (const auto& secret : {inline_psk, file_psk, env_psk}) {
                EXPECT_EQ(r.out.find(secret), std::string::npos) << cmd << f << "\n" << r.out;
                EXPECT_EQ(r.err.find(secret), std::string::npos) << cmd << f << "\n" << r.err;
                // Not even a recognisable prefix of it.
                EXPECT_EQ(r.err.find(secret.substr(0, 12)), std::string::npos) << cmd << f << r.err;
            }
        }
    }
    EXPECT_GE(failures, 5 * 9);  // every error variant failed for every command
}

TEST(Cli, RelativePskFileIsRelativeToTheConfig) {
    TempDir dir;
    dir.write("keys/t1.psk", "0123456789abcdef0123456789\n", 0600);
    json c = base_config();
    c["tunnels"][0]["auth"] = {{"psk_file", "keys/t1.psk"}};
    std::string f = dir.write("gw.json", c.dump(2));
    // Run from another directory: the path must still resolve next to the config.
    auto r = run_vtigw("check --json -c " + f);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto plan = run_vtigw("plan --offline --json -c " + f);
    ASSERT_EQ(plan.status, 0) << plan.err;
    EXPECT_EQ(json::parse(plan.out)["ike"][0]["connection"]["auth"]["psk_location"],
              (dir.path() / "keys/t1.psk").string());
}

TEST(Cli, PlanListsKernelChangesAndIkeConnections) {
    TempDir dir;
    std::string f = dir.write("gw.json", base_config().dump(2));
    auto r = run_vtigw("plan --offline -c " + f, kEnv);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("ip link add xfi-t1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ip route add 10.1.0.0/16"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("add t1: IKEv2 192.0.2.1 -> 198.51.100.1"), std::string::npos) << r.out;
    auto j = run_vtigw("plan --offline --json -c " + f, kEnv);
    ASSERT_EQ(j.status, 0) << j.err;
    json out = json::parse(j.out);
    EXPECT_FALSE(out["kernel"].empty());
    EXPECT_EQ(out["ike"][0]["action"], "add");
    EXPECT_EQ(out["ike"][0]["connection"]["auth"]["psk_location"], "VTIGW_TEST_PSK");
}

TEST(Cli, OfflinePlanTakesTheUnderlayDeviceAsGiven) {
    TempDir dir;
    json c = base_config();
    c["gateway"]["underlay"] = "wan-not-here";
    auto r = run_vtigw("plan --offline -c " + dir.write("gw.json", c.dump(2)), kEnv);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("ip link add xfi-t1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" dev wan-not-here"), std::string::npos) << r.out;
}

TEST(Cli, MtuCommand) {
    auto r = run_vtigw("mtu --esp aes128gcm16 --underlay-mtu 1500");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "1446\n");
    EXPECT_EQ(run_vtigw("mtu --esp aes128gcm16 --underlay-mtu 1500 --natt").out, "1438\n");
    EXPECT_EQ(run_vtigw("mtu --esp aes128gcm16 --underlay-mtu=1500 --ipv6-outer").out, "1426\n");
    EXPECT_EQ(run_vtigw("mtu --esp aes256-sha256 --underlay-mtu 1500 --natt").out, "1422\n");
    auto j = run_vtigw("mtu --json --esp aes256-sha256 --underlay-mtu 1500");
    json out = json::parse(j.out);
    EXPECT_EQ(out["mtu"], 1438);
    EXPECT_EQ(out["outer_size_at_mtu"], 1500);
    EXPECT_EQ(run_vtigw("mtu --esp aes256gmc16 --underlay-mtu 1500").status, 2);
    EXPECT_EQ(run_vtigw("mtu --esp aes256-sha512 --underlay-mtu 70").status, 1);
}

// The example of docs/nat.md: a branch behind NAT whose MTU "auto" reserves the UDP header
// (AES-GCM-256 over 1500: 1438, not the 1446 it would be without NAT-T).
TEST(Cli, BranchBehindNatExampleReservesTheUdpHeader) {
    auto r =
        run_vtigw(std::string("check --json -c ") + VTIGW_EXAMPLES_DIR + "/branch-behind-nat.json",
                  "BRANCH017_PSK=example-only-psk-value-0123456789");
    ASSERT_EQ(r.status, 0) << r.err;
    json out = json::parse(r.out);
    ASSERT_EQ(out["tunnels"].size(), 1u);
    EXPECT_EQ(out["tunnels"][0]["mtu"], 1438);
    EXPECT_EQ(out["tunnels"][0]["mss_ipv4"], 1398);
    EXPECT_EQ(json::parse(
                  run_vtigw("mtu --json --esp aes256gcm16 --underlay-mtu 1500 --natt").out)["mtu"],
              1438);
}

TEST(Cli, EveryExamplePassesCheck) {
    namespace fs = std::filesystem;
    std::vector<fs::path> examples;
    for (const auto& e : fs::directory_iterator(VTIGW_EXAMPLES_DIR))
        if (e.path().extension() == ".json") examples.push_back(e.path());
    ASSERT_GE(examples.size(), 10u);
    for (const auto& p : examples) {
        std::ifstream in(p);
        json doc = json::parse(in);
        // Give every PSK environment variable the example names a value.
        std::set<std::string> vars;
        auto collect = [&](const json& auth) {
            if (auth.is_object() && auth.contains("psk_env")) vars.insert(auth["psk_env"]);
        };
        if (doc.contains("defaults") && doc["defaults"].contains("auth"))
            collect(doc["defaults"]["auth"]);
        for (const auto& t : doc["tunnels"])
            if (t.contains("auth")) collect(t["auth"]);
        std::string env;
        for (const auto& v : vars) env += v + "=example-only-psk-value-0123456789 ";
        auto r = run_vtigw("check -c " + p.string(), env);
        EXPECT_EQ(r.status, 0) << p << "\n" << r.err;
        EXPECT_EQ(doc.dump().find("\"psk\""), std::string::npos) << p << ": inline PSK in example";
    }
}

// docs/scale-out.md: the two gateways of a pair share the ASN, the announced and accepted
// prefixes and equal path attributes, and differ in name and router ID.
TEST(Cli, ScaleOutExamplesAreAPair) {
    auto load = [](const std::string& name) {
        std::ifstream in(std::string(VTIGW_EXAMPLES_DIR) + "/" + name);
        return json::parse(in);
    };
    json a = load("scale-out-a.json"), b = load("scale-out-b.json");
    EXPECT_EQ(a["bgp"]["asn"], b["bgp"]["asn"]);
    EXPECT_EQ(a["bgp"]["announce"], b["bgp"]["announce"]);
    EXPECT_EQ(a["bgp"]["accept"], b["bgp"]["accept"]);
    EXPECT_NE(a["bgp"]["router_id"], b["bgp"]["router_id"]);
    EXPECT_NE(a["gateway"]["name"], b["gateway"]["name"]);
    EXPECT_NE(a["gateway"]["local"], b["gateway"]["local"]);
    std::set<json> attributes;
    for (const json* doc : {&a, &b})
        for (const auto& t : (*doc)["tunnels"])
            attributes.insert(json{t["bgp"].value("peer_asn", json()), t["bgp"].value("med", json()),
                                   t["bgp"].value("prepend", json())});
    EXPECT_EQ(attributes.size(), 1u) << "peer ASN, MED and prepending equal on every tunnel";
}
