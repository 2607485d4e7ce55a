// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The typed gateway configuration: what one JSON file describes after loading, merging of
// built-in defaults, provider profile, `defaults` block and per-tunnel settings, and validation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/secret.h"
#include "vti/ip.h"
#include "vti/tunnel.h"

namespace gateway {

/** Where a tunnel's pre-shared key comes from. */
struct PskSource {
    enum class Kind {
        /** A file readable only by its owner (mode 0600 or stricter). */
        File,
        /** An environment variable of the vtigw process. */
        Env,
        /** Written in the configuration itself (allowed, warned about). */
        Inline,
    };
    /** Where the key is. */
    Kind kind = Kind::File;
    /** Path for Kind::File, variable name for Kind::Env, empty for Kind::Inline. */
    std::string location;
    /** The inline key (Kind::Inline only); never printed. */
    Secret inline_value;
};

/** How the tunnel authenticates to its peer. */
struct Auth {
    enum class Method {
        /** Pre-shared key. */
        Psk,
        /** X.509 certificates. */
        X509,
    };
    /** The method in use. */
    Method method = Method::Psk;
    /** PSK source (Method::Psk). */
    PskSource psk;
    /** Our certificate file, PEM or DER (Method::X509). */
    std::string cert;
    /** Our private key file, owner-only (Method::X509). */
    std::string key;
    /** CA certificate files that may sign the peer's certificate (Method::X509). */
    std::vector<std::string> ca;
};

/** Dead peer detection. */
struct Dpd {
    /** What happens when the peer is found dead. */
    enum class Action {
        /** Close the SAs and wait. */
        Clear,
        /** Re-initiate at once. */
        Restart,
        /** Install a trap: re-initiate on the next packet. */
        Trap,
        /** Nothing. */
        None,
    };
    /** Seconds between liveness checks; 0 disables DPD. */
    uint32_t interval = 30;
    /** Seconds without an answer after which the peer is considered dead. */
    uint32_t timeout = 150;
    /** Action on a dead peer. */
    Action action = Action::Restart;
};

/** NAT traversal (UDP encapsulation of ESP, RFC 3948). */
struct NatTraversal {
    /** Detect NAT and encapsulate when one is found. */
    bool enabled = true;
    /** Always encapsulate in UDP 4500, even without NAT. */
    bool force_encap = false;
    /** Seconds between NAT keepalives; 0 disables them. */
    uint32_t keepalive = 20;
};

/** Whether and how the tunnel MTU is chosen. */
struct MtuSetting {
    /** True: derive from underlay MTU and ESP overhead; false: use `value`. */
    bool automatic = true;
    /** The fixed MTU when not automatic. */
    uint32_t value = 0;
};

/** Whether and how TCP MSS is clamped. */
struct MssSetting {
    enum class Mode {
        /** MTU − 40 for IPv4 SYNs, MTU − 60 for IPv6. */
        Auto,
        /** A fixed IPv4 MSS; IPv6 gets 20 less. */
        Fixed,
        /** No clamping. */
        Off,
    };
    /** The clamping mode. */
    Mode mode = Mode::Auto;
    /** The IPv4 MSS for Mode::Fixed. */
    uint32_t value = 0;
};

/** IKE / CHILD SA start behaviour. */
enum class StartAction {
    /** Initiate the IKE SA at start. */
    Initiate,
    /** Wait for the peer to initiate. */
    Respond,
    /** Initiate on the first packet routed into the tunnel. */
    OnDemand,
};

/** Inner addresses on the tunnel interface (link-local point-to-point style). */
struct Inside {
    /** Our IPv4 inside address with its /30 or /31 prefix. */
    std::optional<vti::Prefix> local4;
    /** The peer's IPv4 inside address (derived for /30 and /31 when omitted). */
    std::optional<vti::IpAddress> remote4;
    /** Our IPv6 inside address with its /126 or /127 prefix. */
    std::optional<vti::Prefix> local6;
    /** The peer's IPv6 inside address (derived when omitted). */
    std::optional<vti::IpAddress> remote6;
};

/** A remote prefix routed into the tunnel. */
struct Route {
    /** Destination network. */
    vti::Prefix prefix;
    /** Route metric; lower wins. */
    uint32_t metric = 0;
    /** Routing table id. */
    uint32_t table = 254;
};

/** A prefix filter entry: `prefix`, optionally matching longer prefixes from `ge` to `le`. */
struct PrefixRule {
    /** The network (host bits clear). */
    vti::Prefix prefix;
    /** Shortest matched length (0: unset). */
    uint8_t ge = 0;
    /** Longest matched length (0: unset). */
    uint8_t le = 0;
};

/** A named BFD timing profile (gateway `bgp.bfd_profiles`). */
struct BfdProfile {
    /** The profile's name (the key in `bfd_profiles`). */
    std::string name;
    /** Transmit interval in milliseconds. */
    uint32_t tx_ms = 300;
    /** Receive interval in milliseconds. */
    uint32_t rx_ms = 300;
    /** Missed packets before the session is declared down. */
    uint32_t multiplier = 3;
};

/** How vtigw reaches FRR (gateway `bgp.frr`). */
struct FrrSettings {
    /** True: vtigw starts and stops FRR's daemons for this gateway; false: FRR already runs. */
    bool managed = true;
    /** FRR pathspace (`-N NAME`), empty for the default one. */
    std::string pathspace;
    /** Seconds an frr-reload.py run may take before it counts as failed. */
    uint32_t reload_timeout = 60;
    /** Let zebra use kernel nexthop groups (off by default: FRR 8.4 loses ECMP next hops in
     *  them after an interface flap). */
    bool kernel_nexthop_groups = false;
    /** FRR configuration lines appended verbatim to the rendered configuration (features vtigw
     *  does not model); FRR alone judges them when the configuration is applied. */
    std::vector<std::string> extra_config;
};

/** Gateway-wide BGP settings (top-level `bgp`). */
struct BgpGateway {
    /** Local autonomous system number. */
    uint32_t asn = 0;
    /** BGP router ID (IPv4). */
    vti::IpAddress router_id;
    /** Prefixes this gateway originates and announces. */
    std::vector<vti::Prefix> announce;
    /** Prefixes accepted from peers; empty: none. */
    std::vector<PrefixRule> accept;
    /** Equal-cost paths installed per prefix (1: no ECMP). */
    uint32_t maximum_paths = 4;
    /** BFD profiles by name, sorted by name. */
    std::vector<BfdProfile> bfd_profiles;
    /** FRR process settings. */
    FrrSettings frr;
};

/** BGP peer profiles: the providers' documented session values. */
enum class BgpProfile {
    /** AWS Site-to-Site VPN: 10/30 s, at most 100 announced prefixes. */
    Aws,
    /** Azure VPN Gateway: 60/180 s, APIPA peers 169.254.21.0–169.254.22.255, never passive. */
    Azure,
    /** GCP Cloud Router: 20/60 s, MED carries the route priority. */
    Gcp,
    /** Another vtigw: 3/9 s, connect 5 s, BFD on. */
    Vtigw,
    /** Any other BGP speaker: 10/30 s. */
    Generic,
};

/** A tunnel's BGP session, with its profile's values applied (explicit fields win). */
struct TunnelBgp {
    /** The peer's address (default: the tunnel's inside remote address). */
    vti::IpAddress peer;
    /** The peer's autonomous system number. */
    uint32_t peer_asn = 0;
    /** The profile applied. */
    BgpProfile profile = BgpProfile::Generic;
    /** BFD profile name, empty: no BFD. */
    std::string bfd_profile;
    /** MED sent with our prefixes. */
    std::optional<uint32_t> med;
    /** Times our ASN is prepended to announced paths. */
    uint32_t prepend = 0;
    /** eBGP multihop TTL, 0: single hop. */
    uint32_t multihop = 0;
    /** Keepalive interval in seconds. */
    uint32_t keepalive = 10;
    /** Hold time in seconds. */
    uint32_t hold = 30;
    /** Seconds between connection attempts. */
    uint32_t connect = 10;
    /** Only accept the session, never open it. */
    bool passive = false;
    /** TCP-MD5 password source (File or Env only); unset: no password. */
    std::optional<PskSource> password;
    /** Announced prefixes for this peer; unset: the gateway's. */
    std::optional<std::vector<vti::Prefix>> announce;
    /** Accepted prefixes for this peer; unset: the gateway's. */
    std::optional<std::vector<PrefixRule>> accept;
    /** The session is closed when the peer sends more prefixes (0: no limit). */
    uint32_t max_prefix_in = 0;
    /** At most this many prefixes are announced (0: no limit; aws 100, azure 4000). */
    uint32_t max_prefix_out = 0;
};

/** One fully resolved tunnel. */
struct Tunnel {
    /** Unique name from the config. */
    std::string name;
    /** Index in the config's `tunnels` array (for diagnostics). */
    size_t index = 0;
    /** Provider profile applied ("" when none). */
    std::string profile;
    /** Peer's outer (underlay) address; unset (family 0) when `remote_any`. */
    vti::IpAddress remote;
    /** `"remote": "any"`: the peer's address is unknown (a hub's branch); IKE identifies the peer
     *  by `remote_id` and the IKE daemon installs the policies once it knows the address. */
    bool remote_any = false;
    /** `"mobike"` as given: whether IKE offers MOBIKE (RFC 4555) to move the SAs to a new
     *  address; unset means on for a tunnel with an unknown end (`remote_any` or local "auto"). */
    std::optional<bool> mobike;
    /** Our outer address (explicit or the gateway's address of the same family); unset
     *  (family 0) with `/gateway/local` "auto". */
    vti::IpAddress local;
    /** Our IKE identity (defaults to the local address). */
    std::string local_id;
    /** The peer's IKE identity (defaults to the remote address). */
    std::string remote_id;
    /** Authentication. */
    Auth auth;
    /** VTI or XFRM interface. */
    vti::LinkKind kind = vti::LinkKind::Vti;
    /** Kernel interface name (≤ 15 characters). */
    std::string ifname;
    /** VTI mark / XFRM if_id; never 0. */
    uint32_t key = 0;
    /** True when `key` was assigned automatically. */
    bool key_auto = false;
    /** CHILD_SA reqid and xfrm policy template reqid; never 0. */
    uint32_t reqid = 0;
    /** Inside addresses. */
    Inside inside;
    /** Routed remote prefixes. */
    std::vector<Route> routes;
    /** Path MTU towards the peer on the underlay. */
    uint32_t underlay_mtu = 1500;
    /** Configured MTU setting. */
    MtuSetting mtu_setting;
    /** Configured MSS setting. */
    MssSetting mss_setting;
    /** Resolved interface MTU. */
    uint32_t mtu = 0;
    /** Resolved IPv4 MSS clamp (0 when off). */
    uint32_t mss4 = 0;
    /** Resolved IPv6 MSS clamp (0 when off). */
    uint32_t mss6 = 0;
    /** 1 or 2. */
    int ike_version = 2;
    /** IKE proposals in strongSwan syntax, in preference order. */
    std::vector<std::string> ike_proposals;
    /** ESP proposals in strongSwan syntax, in preference order. */
    std::vector<std::string> esp_proposals;
    /** IKE SA lifetime in seconds. */
    uint32_t ike_lifetime = 0;
    /** CHILD SA lifetime in seconds. */
    uint32_t esp_lifetime = 0;
    /** Seconds before expiry at which rekeying starts. */
    uint32_t rekey_margin = 0;
    /** Random extra margin in percent of rekey_margin. */
    uint32_t rekey_fuzz = 0;
    /** Anti-replay window in packets (0 disables). */
    uint32_t replay_window = 32;
    /** Dead peer detection. */
    Dpd dpd;
    /** What to do at start. */
    StartAction start_action = StartAction::Initiate;
    /** NAT traversal. */
    NatTraversal nat;
    /** The tunnel's BGP session, when it runs one. */
    std::optional<TunnelBgp> bgp;
    /** The interface is up only while a CHILD_SA is installed (set for tunnels that run BGP:
     *  FRR learns the tunnel's liveness from the link). */
    bool link_follows_sa = false;
};

/** The Prometheus metrics endpoint (gateway.metrics); off unless configured. */
struct MetricsEndpoint {
    /** Serve /metrics over HTTP. */
    bool enabled = false;
    /** Address and TCP port to listen on (127.0.0.1 unless configured). */
    vti::IpAddress address = *vti::IpAddress::parse("127.0.0.1");
    uint16_t port = 9814;
};

/** Gateway-wide settings. */
struct GatewayInfo {
    /** Name of this gateway (for messages and status). */
    std::string name;
    /** Our underlay addresses; each tunnel's local address is one of them. Empty when
     *  `local_auto`. */
    std::vector<vti::IpAddress> local;
    /** `"local": "auto"`: the gateway's address is whatever `underlay` has at the moment (DHCP,
     *  PPPoE); the tunnels' local addresses stay unset and IKE picks the source address. */
    bool local_auto = false;
    /** Underlay device name, or empty. */
    std::string underlay;
    /** Accept weak algorithms (with a warning instead of an error). */
    bool allow_weak_crypto = false;
    /** Where the daemon serves Prometheus metrics. */
    MetricsEndpoint metrics;
};

/** A loaded and validated configuration. */
struct Config {
    /** Gateway-wide settings. */
    GatewayInfo gateway;
    /** Tunnels in file order. */
    std::vector<Tunnel> tunnels;
    /** Gateway-wide BGP settings; set when the file has a `bgp` block. */
    std::optional<BgpGateway> bgp;
};

/** Text forms used in output and the JSON format. */
const char* to_string(vti::LinkKind k);
/** "clear", "restart", "trap" or "none". */
const char* to_string(Dpd::Action a);
/** "initiate", "respond" or "on-demand". */
const char* to_string(StartAction a);
/** "aws", "azure", "gcp", "vtigw" or "generic". */
const char* to_string(BgpProfile p);

}  // namespace gateway
