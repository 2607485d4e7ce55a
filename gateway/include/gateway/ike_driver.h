// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the gateway's daemon logic needs from IKE, in its own terms. ike-plugin/ implements it over
// charon (CharonDriver); tests substitute a fake. Nothing here depends on strongSwan.

#include <cstdint>
#include <map>
#include <string>

#include "gateway/config.h"

namespace gateway {

/** Result of an IKE operation. */
enum class IkeResult {
    Ok,
    /** No tunnel of that name. */
    NotFound,
    /** The IKE runtime refused or failed the request. */
    Failed,
    /** Nothing happened before the timeout. */
    Timeout,
};

/** What happened to a tunnel's SAs. */
enum class IkeEventType {
    IkeUp,
    IkeDown,
    IkeRekey,
    ChildUp,
    ChildDown,
    ChildRekey,
    /** Our authentication was rejected, or the peer's failed to verify (PSK or certificate). */
    AuthFailed,
    /** Other failures: unreachable peer, proposal mismatch, SA installation failure. */
    Error,
    /** A peer whose identity matches no tunnel was refused (`tunnel` empty, `detail` the
     *  identity, `remote_address` where it came from). */
    Refused,
};

/** One event, already copied out of the IKE daemon's threads. */
struct IkeEvent {
    IkeEventType type = IkeEventType::Error;
    std::string tunnel;
    /** IKE_SA unique id (the new one for a rekey) and SPIs (initiator, responder). */
    uint32_t ike_unique_id = 0;
    uint64_t ike_spi_i = 0;
    uint64_t ike_spi_r = 0;
    /** ESP SPIs (host order) for CHILD_SA events. */
    uint32_t spi_in = 0;
    uint32_t spi_out = 0;
    /** For failures: a short reason ("peer unreachable: …"); never a secret. */
    std::string detail;
    /** The peer's outer address (Refused). */
    std::string remote_address;
    /** Wall clock time (seconds since the epoch). */
    int64_t time = 0;
};

/** The SAs of one tunnel right now. */
struct IkeSaStatus {
    /** IKE_SA state ("ESTABLISHED", "CONNECTING", …), "" when there is none. */
    std::string ike_state;
    /** CHILD_SA state ("INSTALLED", …), "" when there is none. */
    std::string child_state;
    uint32_t spi_in = 0;
    uint32_t spi_out = 0;
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    uint64_t packets_in = 0;
    uint64_t packets_out = 0;
    /** Seconds since the IKE_SA was established, -1 when not established. */
    int64_t established_seconds = -1;
    /** Number of IKE_SAs of the tunnel (more than one while rekeying or colliding). */
    uint32_t ike_sas = 0;
    /** Number of CHILD_SAs over all of them (more than one while rekeying or colliding). */
    uint32_t child_sas = 0;
    /** Seconds since the peer last sent anything (IKE message or ESP packet) on the IKE_SA
     *  shown; -1 when unknown. */
    int64_t idle_in_seconds = -1;
    /** Unique id and SPIs (initiator, responder) of the IKE_SA shown; 0 when none. */
    uint32_t ike_unique_id = 0;
    uint64_t ike_spi_i = 0;
    uint64_t ike_spi_r = 0;
    /** The tunnel's traffic since IKE started, over all its CHILD_SAs (closed ones included):
     *  keeps counting across rekeys. */
    uint64_t total_bytes_in = 0;
    uint64_t total_bytes_out = 0;
    uint64_t total_packets_in = 0;
    uint64_t total_packets_out = 0;
    /** NAT as IKE detected it on the IKE_SA shown (RFC 7296 NAT_DETECTION): this side is
     *  behind a NAT, the peer is, or a NAT is faked because encapsulation is forced. */
    bool nat_local = false;
    bool nat_remote = false;
    bool nat_fake = false;
    /** The newest CHILD_SA's ESP is encapsulated in UDP (RFC 3948). */
    bool udp_encap = false;
    /** The IKE_SA's endpoints now: addresses ("" without an IKE_SA) and UDP ports (4500 once
     *  NAT-T moved IKE there; the peer's port is the one its NAT mapped). */
    std::string local_address;
    uint16_t local_port = 0;
    std::string remote_address;
    uint16_t remote_port = 0;
};

/** IKE operations on configured tunnels. */
class IkeDriver {
  public:
    virtual ~IkeDriver() = default;
    /**
     * Replaces the tunnels (connections and credentials) IKE serves with those of `config`,
     * all or nothing; existing SAs keep the settings they were negotiated with. False with
     * `error` naming the tunnel and value (never a secret) when one cannot be served.
     */
    virtual bool set_tunnels(const Config& config, std::string& error) = 0;
    /** Starts IKE for a tunnel without waiting. */
    virtual IkeResult initiate(const std::string& tunnel) = 0;
    /** Deletes the IKE_SAs of `tunnel` (all tunnels when empty), waiting up to timeout_ms. SAs
     *  of a tunnel no longer served (removed by set_tunnels) are found too. */
    virtual IkeResult terminate(const std::string& tunnel, unsigned timeout_ms) = 0;
    /** Destroys the tunnel's IKE_SAs at once (a DELETE is sent, its answer not awaited): for
     *  SAs whose graceful delete the peer does not answer. */
    virtual IkeResult destroy(const std::string& tunnel) = 0;
    /** Current SAs of a tunnel. */
    virtual IkeResult query(const std::string& tunnel, IkeSaStatus& status) = 0;
    /** Current SAs of every served tunnel, in one pass over IKE's SAs (query() per tunnel costs
     *  a pass each); `statuses` gets an entry per served tunnel. */
    virtual IkeResult query_all(std::map<std::string, IkeSaStatus>& statuses) = 0;
    /** Next event, waiting up to timeout_ms (Timeout when none came). */
    virtual IkeResult next_event(IkeEvent& event, unsigned timeout_ms) = 0;
};

/** "ok", "not found", "failed", "timed out". */
const char* to_string(IkeResult r);

}  // namespace gateway
