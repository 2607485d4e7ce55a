// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The only place where vtigw's C++ side meets the strongSwan plugin (C).
 *
 * Plain structs and integer status codes only. Strings handed in are copied by the C side
 * before the call returns; strings handed out live in fixed-size arrays of the output structs.
 * No function here blocks on a charon thread; vtigw_ike_next_event() blocks its caller (the
 * daemon's own event thread) until an event arrives or the timeout passes.
 */
#ifndef VTIGW_BRIDGE_H_
#define VTIGW_BRIDGE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes of the bridge functions. */
enum vtigw_status {
	VTIGW_OK = 0,
	/** A value in a tunnel description is invalid (the error text names it). */
	VTIGW_ERR_INVALID = -1,
	/** No tunnel of that name. */
	VTIGW_ERR_NOT_FOUND = -2,
	/** The IKE runtime is not initialised (plugin not registered). */
	VTIGW_ERR_NOT_READY = -3,
	/** libstrongswan / libcharon failed to initialise or to load a plugin. */
	VTIGW_ERR_INIT = -4,
	/** charon refused the request (initiate / terminate). */
	VTIGW_ERR_FAILED = -5,
	/** Nothing happened before the timeout. */
	VTIGW_ERR_TIMEOUT = -6,
	/** A certificate or private key could not be loaded. */
	VTIGW_ERR_CREDENTIAL = -7,
};

/** Bounds of the fixed-size text fields. */
#define VTIGW_NAME_MAX 64
#define VTIGW_TEXT_MAX 160
#define VTIGW_STATE_MAX 24
/** Room for an IPv6 address in text form and its NUL. */
#define VTIGW_ADDR_MAX 48

/** How peers authenticate. */
enum vtigw_auth {
	VTIGW_AUTH_PSK = 0,
	VTIGW_AUTH_X509 = 1,
};

/** Which key the SAs carry: the VTI mark or the XFRM interface if_id. */
enum vtigw_link_kind {
	VTIGW_LINK_VTI = 0,
	VTIGW_LINK_XFRM = 1,
};

/** What happens when DPD declares the peer dead. */
enum vtigw_dpd_action {
	VTIGW_DPD_CLEAR = 0,
	VTIGW_DPD_RESTART = 1,
	VTIGW_DPD_TRAP = 2,
	VTIGW_DPD_NONE = 3,
};

/** Whether this side starts the tunnel. */
enum vtigw_start_action {
	VTIGW_START_INITIATE = 0,
	VTIGW_START_RESPOND = 1,
	VTIGW_START_ON_DEMAND = 2,
};

/** Most CA files a tunnel may name. */
#define VTIGW_CA_MAX 4

/** One tunnel as charon needs it. Pointers are borrowed for the duration of the call. */
typedef struct vtigw_tunnel_t {
	/** Unique tunnel name; becomes the peer and child config name. */
	const char *name;
	/** Outer addresses, textual (IPv4 or IPv6). `remote` "%any" (XFRM only): the peer's address
	 *  is unknown, it is recognised by `remote_id` and charon installs the policies (with the
	 *  if_id) for the address it connects from. `local` "%any" (XFRM only): our address is taken
	 *  from the routing table when IKE starts, and charon installs the policies too. */
	const char *local;
	const char *remote;
	/** IKE identities (strongSwan identity syntax: address, FQDN, email, DN). */
	const char *local_id;
	const char *remote_id;
	/** enum vtigw_auth. */
	int auth;
	/** The pre-shared key (VTIGW_AUTH_PSK): bytes, not NUL-terminated; copied, never logged. */
	const uint8_t *psk;
	size_t psk_len;
	/** Our certificate and private key files, and trusted CA files (VTIGW_AUTH_X509). */
	const char *cert_file;
	const char *key_file;
	const char *ca_files[VTIGW_CA_MAX];
	/** 1 or 2. */
	int ike_version;
	/** Comma-separated strongSwan proposal strings, preference first. */
	const char *ike_proposals;
	const char *esp_proposals;
	/** Lifetimes and rekeying, in seconds; rekeying starts rekey_margin before expiry, minus a
	 *  random part of up to rekey_fuzz percent of the margin. */
	uint32_t ike_lifetime;
	uint32_t esp_lifetime;
	uint32_t rekey_margin;
	uint32_t rekey_fuzz;
	/** Anti-replay window in packets, 0 disables. */
	uint32_t replay_window;
	/** DPD interval (0 disables) and timeout in seconds; enum vtigw_dpd_action. */
	uint32_t dpd_interval;
	uint32_t dpd_timeout;
	int dpd_action;
	/** enum vtigw_start_action. */
	int start_action;
	/** enum vtigw_link_kind, and the key: mark (VTI) or if_id (XFRM), never 0. */
	int link_kind;
	uint32_t key;
	/** CHILD_SA reqid, equal to vtigw's xfrm policy template reqid; never 0. */
	uint32_t reqid;
	/** Always encapsulate ESP in UDP. */
	int force_encap;
	/** Offer MOBIKE (RFC 4555): with a peer that supports it, an address change moves the SAs
	 *  instead of re-establishing them. */
	int mobike;
} vtigw_tunnel_t;

/** Kinds of events the listener reports. */
enum vtigw_event_type {
	VTIGW_EV_IKE_UP = 1,
	VTIGW_EV_IKE_DOWN = 2,
	VTIGW_EV_IKE_REKEY = 3,
	VTIGW_EV_CHILD_UP = 4,
	VTIGW_EV_CHILD_DOWN = 5,
	VTIGW_EV_CHILD_REKEY = 6,
	/** Our authentication was rejected, or the peer's failed to verify. */
	VTIGW_EV_AUTH_FAILED = 7,
	/** Other failures: unreachable peer, proposal mismatch, SA installation failure. */
	VTIGW_EV_ERROR = 8,
	/** A peer matching no tunnel (unknown identity) was refused: `tunnel` is empty, `detail`
	 *  the identity it claimed, `remote_address` where it came from. */
	VTIGW_EV_REFUSED = 9,
};

/** An event copied out of charon's thread. */
typedef struct vtigw_event_t {
	/** enum vtigw_event_type. */
	int type;
	/** Tunnel (peer config) name. */
	char tunnel[VTIGW_NAME_MAX];
	/** IKE_SA unique id (the new one for a rekey). */
	uint32_t ike_unique_id;
	/** IKE SPIs (initiator, responder), host order. */
	uint64_t ike_spi_i;
	uint64_t ike_spi_r;
	/** CHILD_SA unique id and ESP SPIs (host order) for child events. */
	uint32_t child_unique_id;
	uint32_t spi_in;
	uint32_t spi_out;
	/** For errors: a short reason ("peer authentication failed", ...); never a secret. */
	char detail[VTIGW_TEXT_MAX];
	/** The peer's address (VTIGW_EV_REFUSED), "" otherwise. */
	char remote_address[VTIGW_ADDR_MAX];
	/** Wall clock time of the event (seconds since the epoch). */
	int64_t time;
} vtigw_event_t;

/** The SAs of one tunnel right now. */
typedef struct vtigw_sa_status_t {
	/** IKE_SA state name ("ESTABLISHED", "CONNECTING", ...), "" when there is none. */
	char ike_state[VTIGW_STATE_MAX];
	/** CHILD_SA state name ("INSTALLED", ...), "" when there is none. */
	char child_state[VTIGW_STATE_MAX];
	uint32_t ike_unique_id;
	uint64_t ike_spi_i;
	uint64_t ike_spi_r;
	/** ESP SPIs, host order; 0 when there is no CHILD_SA. */
	uint32_t spi_in;
	uint32_t spi_out;
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t packets_in;
	uint64_t packets_out;
	/** Seconds since the IKE_SA was established, -1 when not established. */
	int64_t established_seconds;
	/** Number of IKE_SAs of the tunnel (more than one while rekeying or colliding). */
	uint32_t ike_sas;
	/** Number of CHILD_SAs over all of them (more than one while rekeying or colliding). */
	uint32_t child_sas;
	/** Seconds since the peer last sent something on the shown IKE_SA: an IKE message or an
	 *  ESP packet of one of its CHILD_SAs; -1 when nothing was received yet. */
	int64_t idle_in_seconds;
	/** The tunnel's traffic since the IKE runtime started: what its closed CHILD_SAs carried
	 *  plus its live ones; keeps counting across rekeys and re-establishments. */
	uint64_t total_bytes_in;
	uint64_t total_bytes_out;
	uint64_t total_packets_in;
	uint64_t total_packets_out;
	/** NAT conditions charon detected on the shown IKE_SA: this side is behind a NAT
	 *  (COND_NAT_HERE), the peer is (COND_NAT_THERE), or a NAT is faked because encapsulation
	 *  is forced (COND_NAT_FAKE); 0 or 1 each. */
	int nat_local;
	int nat_remote;
	int nat_fake;
	/** 1 when the newest CHILD_SA's ESP is encapsulated in UDP. */
	int udp_encap;
	/** The IKE_SA's endpoints as they are now (after NAT detection moved IKE to 4500 and a NAT
	 *  re-mapping updated the peer's port): address text and UDP port; "" and 0 without one. */
	char local_address[VTIGW_ADDR_MAX];
	uint16_t local_port;
	char remote_address[VTIGW_ADDR_MAX];
	uint16_t remote_port;
} vtigw_sa_status_t;

/** Options of the in-process charon (daemon only). */
typedef struct vtigw_ike_options_t {
	/** strongswan.conf to read, or NULL for none of the system's. */
	const char *settings;
	/** Space-separated charon plugins to load (Debian's plugin directory). */
	const char *plugins;
	/** Charon log level for every subsystem (-1..2); level 3 and above are never emitted. */
	int log_level;
	/** Tunnels the gateway starts with: sizes charon's IKE_SA table, threads and half-open
	 *  limits (vtigw_ike_scale_settings). */
	unsigned tunnels;
} vtigw_ike_options_t;

/** charon settings that follow the tunnel count; the values of one key. */
typedef struct vtigw_scale_settings_t {
	/** ikesa_table_size (a power of two, about 8 IKE_SAs per bucket) and
	 *  ikesa_table_segments (a power of two, at most the size). */
	unsigned ikesa_table_size;
	unsigned ikesa_table_segments;
	/** threads, and processor.priority_threads.high reserved for liveness checks. */
	unsigned threads;
	unsigned priority_threads_high;
	/** Half-open IKE_SAs per peer address before charon blocks it (block_threshold), and
	 *  before it asks for cookies, in all and per address. */
	unsigned block_threshold;
	unsigned cookie_threshold;
	unsigned cookie_threshold_ip;
	/** glibc malloc arenas for the whole process (M_ARENA_MAX; not a charon setting). */
	unsigned malloc_arena_max;
} vtigw_scale_settings_t;

/** The scale settings for `tunnels` tunnels (the daemon sets them as defaults: a --settings
 *  file may override each). */
vtigw_scale_settings_t vtigw_ike_scale_settings(unsigned tunnels);

/**
 * Initialises libstrongswan and libcharon in this process, registers the vtigw plugin's
 * features statically, loads `plugins` and starts charon's threads (daemon only).
 * On failure writes a reason to `error` (size `error_len`).
 */
int vtigw_ike_init(const vtigw_ike_options_t *options, char *error, size_t error_len);

/**
 * CLOCK_MONOTONIC time in milliseconds at which charon's scheduler last ran vtigw's heartbeat
 * job (scheduled every second from vtigw_ike_init on); 0 before its first run. A value that
 * stops advancing means charon's scheduler or its worker threads are stuck.
 */
int64_t vtigw_ike_last_heartbeat_ms(void);

/**
 * Sets the interval of NAT keepalives for IKE_SAs set up from now on (charon has one interval,
 * `charon.keep_alive`, not one per connection); 0 disables them. In a stock charon (the loadable
 * plugin) it does nothing: there the operator's strongswan.conf sets it. Keepalives are
 * sent only by a side that detected itself behind a NAT, when it sent nothing else for that long.
 */
void vtigw_ike_set_nat_keepalive(uint32_t seconds);

/** The strongSwan version the IKE runtime was built against ("5.9.8"). */
const char *vtigw_ike_strongswan_version(void);

/** Stops charon and releases libcharon and libstrongswan (daemon only). */
void vtigw_ike_deinit(void);

/**
 * Replaces the set of tunnels served to charon and their credentials (old PSKs are wiped).
 * All-or-nothing: on failure nothing changes and `error` names the tunnel and value.
 */
int vtigw_ike_set_tunnels(const vtigw_tunnel_t *tunnels, size_t count, char *error,
						  size_t error_len);

/** Starts IKE (and the CHILD_SA) for the tunnel; returns at once, results arrive as events. */
int vtigw_ike_initiate(const char *tunnel);

/**
 * Deletes the IKE_SAs of one tunnel (or of all vtigw tunnels when `tunnel` is NULL), waiting up
 * to `timeout_ms` for each delete to complete (0: do not wait); for all tunnels the deletes run
 * side by side and `timeout_ms` bounds the whole wait (until charon holds no IKE_SA). With
 * `force` the SAs are destroyed at once after sending the DELETE, without waiting for the peer's
 * answer. SAs of a tunnel no longer served (removed by a reload) are found too.
 */
int vtigw_ike_terminate(const char *tunnel, unsigned timeout_ms, int force);

/** Fills `status` with the current SAs of the tunnel (an all-empty status when there are none);
 *  VTIGW_ERR_NOT_FOUND only when the tunnel is neither served nor has SAs. */
int vtigw_ike_query(const char *tunnel, vtigw_sa_status_t *status);

/** Called by vtigw_ike_query_all once per tunnel. */
typedef void (*vtigw_status_cb_t)(const char *tunnel, const vtigw_sa_status_t *status, void *ctx);

/**
 * The status of every served tunnel, as vtigw_ike_query gives it, from ONE pass over charon's IKE_SAs (querying N tunnels one by one
 * costs N passes). Calls `cb` on the caller's thread after the pass.
 */
int vtigw_ike_query_all(vtigw_status_cb_t cb, void *ctx);

/**
 * Takes the next queued event; waits up to `timeout_ms` (VTIGW_ERR_TIMEOUT when none came).
 * Events are queued by the listener on charon's threads, which never wait for this consumer
 * (the queue is bounded: when it is full the oldest event is dropped and counted).
 */
int vtigw_ike_next_event(vtigw_event_t *event, unsigned timeout_ms);

/** Events dropped because the queue was full. */
uint64_t vtigw_ike_dropped_events(void);

/** Name of a vtigw_event_type ("ike-up", ...). */
const char *vtigw_event_name(int type);

#ifdef __cplusplus
}
#endif

#endif /* VTIGW_BRIDGE_H_ */
