// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The vtigwd control protocol: one JSON object per line over a Unix stream socket (mode 0600,
// peers checked with SO_PEERCRED). One request per connection, one reply line back.
//
//   {"cmd":"status"}                -> {"ok":true,"gateway":"site-a","tunnels":[TunnelStatus…]}
//   {"cmd":"reset","tunnel":"X"}    -> {"ok":true}  (IKE_SA of X deleted, re-initiated if it
//                                                    initiates)
//   {"cmd":"down"}                  -> {"ok":true}  (SAs deleted, every owned kernel object
//                                                    removed, then the daemon exits 0)
//   {"cmd":"plan","config":"/abs/file"}    -> {"ok":true,"changes":[PlannedChange…]}  (what a
//                                             reload to that file would do; nothing changes)
//   {"cmd":"reload"[,"config":"/abs/file"]} -> {"ok":true,"changes":[…]}  (done; without
//                                             "config" the daemon re-reads its current file)
//   {"cmd":"metrics"}               -> {"ok":true,"text":"…"}  (Prometheus text format)
//   failures                        -> {"ok":false,"error":"…","cause":"config"|"kernel"|"ike"}
//
// Replies never contain a secret.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gateway::control {

/** Where vtigwd listens unless told otherwise (--control PATH). */
inline constexpr const char* kDefaultSocketPath = "/run/vtigw/vtigw.sock";

/** Longest request or reply line accepted, in bytes. */
inline constexpr size_t kMaxLineBytes = 1 << 20;

/** A request. */
struct Request {
    /** "status", "down", "reset", "plan", "reload" or "metrics". */
    std::string cmd;
    /** Tunnel name for "reset". */
    std::string tunnel;
    /** Absolute configuration path for "plan" (required) and "reload" (optional). */
    std::string config = {};
};

/** One change a reload makes (or would make). */
struct PlannedChange {
    /** "ike" (a tunnel's SAs) or "kernel" (one kernel object). */
    std::string scope;
    /** ike: "keep", "update", "re-establish", "add", "remove"; kernel: "add", "modify",
     *  "remove". */
    std::string action;
    /** kernel: "link", "address", "route", "policy", "sysctl", "nft"; ike: "tunnel". */
    std::string object;
    /** The tunnel it belongs to ("" for shared objects such as the nft table). */
    std::string tunnel;
    /** One line for humans. */
    std::string description;
    /** kernel: the equivalent `ip` / `nft` command(s), newline-separated. */
    std::string command;
    /** ike: the configuration fields that differ. */
    std::vector<std::string> changed;
};

/** One configured tunnel joined with its IKE and CHILD SA state. */
/** A tunnel's BGP session, as FRR reports it (tunnels that run BGP). */
struct BgpStatus {
    /** Neighbor address. */
    std::string peer;
    /** BGP state (Idle, Connect, Active, OpenSent, OpenConfirm, Established); "unknown" while
     *  FRR has not answered. */
    std::string state = "unknown";
    /** FRR's peerState: OK, Policy (a filter is missing), PfxCt (max-prefix hit), Admin. */
    std::string peer_state;
    /** Milliseconds since the session came up; -1 unless Established. */
    int64_t uptime_ms = -1;
    uint64_t prefixes_received = 0;
    uint64_t prefixes_sent = 0;
    /** Sessions dropped since bgpd started (a reset raises it). */
    uint64_t connections_dropped = 0;
    /** BFD session status (up, down, init) or "" when the neighbor has no BFD session. */
    std::string bfd;
    /** The tunnel interface is up (it is, exactly while a CHILD_SA is installed). */
    bool link_up = false;
    /** CHILD_SA installed, link up, session Established with at least one prefix received. */
    bool healthy = false;
};

/** The gateway's FRR, as status reports it. */
struct FrrStatus {
    /** vtigw started the daemons (false: it uses an FRR that was running). */
    bool managed = true;
    /** The last poll reached FRR. */
    bool running = false;
    /** Why FRR refused the last configuration or could not be started; "" if neither. */
    std::string error;
    /** The FIB check ran (FRR's and the kernel's routes were read). */
    bool fib_checked = false;
    /** Prefixes whose kernel route was compared with zebra's FIB. */
    uint64_t fib_prefixes = 0;
    /** One line per prefix whose kernel next hops differ from zebra's FIB; empty when clean. */
    std::vector<std::string> fib_mismatches;
};

struct TunnelStatus {
    /** Tunnel name from the configuration. */
    std::string name;
    /** Kernel interface name. */
    std::string ifname;
    /** Peer's outer address. */
    std::string remote;
    /** "initiate", "respond" or "on-demand". */
    std::string start_action;
    /** IKE_SA state ("ESTABLISHED", "CONNECTING", …) or "" when there is no IKE_SA. */
    std::string ike_state;
    /** CHILD_SA state ("INSTALLED", …) or "" when there is none. */
    std::string child_state;
    /** True when the IKE_SA is established and a CHILD_SA is installed. */
    bool up = false;
    /** ESP SPIs in host order (0 when no CHILD_SA). */
    uint32_t spi_in = 0;
    uint32_t spi_out = 0;
    /** Traffic counters of the CHILD_SAs. */
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    uint64_t packets_in = 0;
    uint64_t packets_out = 0;
    /** Seconds since the IKE_SA was established; -1 when it is not. */
    int64_t established_seconds = -1;
    /** The last failure seen for this tunnel ("" when none since it last came up). */
    std::string last_error;
    /** What kind of failure last_error is: "auth" (authentication or certificate trust),
     *  "unreachable" (no answer to IKE), "other", or "" when there is none. */
    std::string error_cause;
    /** Seconds since the epoch of last_error (0 when none). */
    int64_t last_error_time = 0;
    /** IKE negotiation attempts started by vtigwd. */
    uint64_t attempts = 0;
    /** The IKE_SA's unique id in this daemon (0 when none); stays while the SA lives, changes
     *  when it is re-established (a rekey gives a new one too). */
    uint32_t ike_sa_id = 0;
    /** IKE SPIs (initiator, responder) as 16 hex digits ("" when none). */
    std::string ike_spi_i;
    std::string ike_spi_r;
    /** How many IKE_SAs and CHILD_SAs the tunnel has: 1 and 1 when up; more for a moment while
     *  rekeying, or when both peers initiated at once (until the duplicate check). */
    uint32_t ike_sas = 0;
    uint32_t child_sas = 0;
    /** NAT that IKE detected on the tunnel's IKE_SA: this gateway is behind one (charon's
     *  COND_NAT_HERE), the peer is (COND_NAT_THERE), or one is faked because encapsulation is
     *  forced (COND_NAT_FAKE). All false without an IKE_SA. */
    bool nat_local = false;
    bool nat_remote = false;
    bool nat_fake = false;
    /** The tunnel's configuration forces UDP encapsulation (nat_traversal/force_encap). */
    bool force_encap = false;
    /** The CHILD_SA's ESP is encapsulated in UDP (RFC 3948), on the ports below. */
    bool udp_encap = false;
    /** The IKE_SA's endpoints now: addresses and UDP ports (both 4500 after NAT-T moved IKE
     *  there, except where a NAT changed the peer's port); "" and 0 without an IKE_SA. */
    std::string ike_local_address;
    uint16_t ike_local_port = 0;
    std::string ike_remote_address;
    uint16_t ike_remote_port = 0;
    /** Set for tunnels that run BGP. */
    std::optional<BgpStatus> bgp;
};

/** A reply. */
/** A peer that connected with an identity no tunnel has (a hub's stranger). */
struct RefusedPeer {
    /** The IKE identity it claimed. */
    std::string identity;
    /** The outer address it came from. */
    std::string address;
    /** How often, and when last (seconds since the epoch). */
    uint64_t count = 0;
    int64_t last_time = 0;
};

struct Reply {
    bool ok = false;
    /** Reason when !ok. */
    std::string error;
    /** Gateway name (status). */
    std::string gateway;
    /** Every configured tunnel, configured-but-down ones too (status). */
    std::vector<TunnelStatus> tunnels;
    /** status: peers refused for an unknown identity, most recent last (bounded). */
    std::vector<RefusedPeer> refused;
    /** What failed when !ok: "config" (the file, a PSK or certificate), "kernel", "ike", or ""
     *  for anything else. */
    std::string cause;
    /** plan / reload: one entry per tunnel (scope "ike"), then the kernel changes. */
    std::vector<PlannedChange> changes;
    /** metrics: the Prometheus text exposition. */
    std::string text;
    /** Set by call() (never sent) when no daemon could be reached: no socket, connection
     *  refused, or no answer before the timeout. */
    bool unreachable = false;
    /** Set when the gateway runs BGP. */
    std::optional<FrrStatus> frr;
};

/** One JSON line (without the newline). */
std::string encode(const Request& request);
std::string encode(const Reply& reply);

/** Parses a line; nullopt with `error` set when it is not a valid message. */
std::optional<Request> decode_request(const std::string& line, std::string& error);
std::optional<Reply> decode_reply(const std::string& line, std::string& error);

/**
 * Sends one request to the daemon listening on `socket_path` and waits up to `timeout` for its
 * reply. Transport failures come back as a Reply with ok = false and the reason.
 */
Reply call(const std::string& socket_path, const Request& request,
           std::chrono::milliseconds timeout = std::chrono::seconds(30));

/** Convenience: `{"cmd":"status"}`. */
inline Reply status(const std::string& socket_path) {
    return call(socket_path, {"status", ""});
}

/** Convenience: `{"cmd":"down"}`. */
inline Reply down(const std::string& socket_path) {
    return call(socket_path, {"down", ""});
}

}  // namespace gateway::control
