# Two sites running vtigwd, for VM scenarios (tests/vm/scenarios/ike-*.sh). Source after lib.sh.
#
#   lan-w ------------ west ================ east ------------ lan-e
#   10.1.0.2/24  10.1.0.1/24  192.0.2.1 -- 192.0.2.2  10.2.0.1/24  10.2.0.2/24
#                     vti0 10.255.0.1/30 <--IKEv2/ESP--> vti0 10.255.0.2/30   (mark 42)
#
# Each site's vtigwd runs under `ip netns exec SITE` with its own config, PSK file (mode 0600)
# and control socket in $IKE_DIR; the daemons are stopped (SIGKILL as a last resort) at exit.
VTIGWD=$VTIGW_BUILD/ike-plugin/vtigwd
VTIGWCTL=$VTIGW_BUILD/ike-plugin/vtigwctl
# fd 7: the scenario log, still open while exit cleanups run with their output discarded.
exec 7>&2
IKE_DIR=$(mktemp -d /tmp/vtigw-ike.XXXXXX)
chmod 700 "$IKE_DIR"

# ike_topology: the namespaces and underlay/LAN links of the picture; no tunnel yet.
ike_topology() {
  two_sites
  for ns in west east; do ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1; done
  warm_up_crypto
}

# warm_up_crypto: loads the AES-GCM ESP modules once (in a throwaway namespace) so the first
# CHILD_SA installation does not wait for module loading under TCG, which can outlast IKE's
# retransmission timers and make the measured bring-up time meaningless.
warm_up_crypto() {
  local t0=$(date +%s.%N)
  netns_add ike-warm
  ip -n ike-warm xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 reqid 1 mode tunnel \
    aead 'rfc4106(gcm(aes))' 0x$(printf '%072d' 0) 128
  ip -n ike-warm xfrm state flush
  ip netns del ike-warm
  log "crypto modules loaded in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
}

# write_psk FILE KEY: a PSK file with mode 0600 (the key is never printed).
write_psk() { (umask 077; printf '%s\n' "$2" >"$1"); }

# site_config SITE LOCAL REMOTE INSIDE REMOTE_LAN START_ACTION PSK_FILE: writes $IKE_DIR/SITE.json.
site_config() {
  local site=$1 local=$2 remote=$3 inside=$4 remote_lan=$5 start=$6 psk=$7
  cat >"$IKE_DIR/$site.json" <<JSON
{
  "gateway": {"name": "$site", "local": "$local", "underlay": "wan0"},
  "defaults": {
    "ike_proposals": ["aes256gcm16-prfsha384-x25519"],
    "esp_proposals": ["aes256gcm16-x25519"],
    "dpd": {"interval": "10s", "timeout": "40s", "action": "restart"}
  },
  "tunnels": [
    {
      "name": "to-peer",
      "remote": "$remote",
      "local_id": "$site.vtigw.test",
      "remote_id": "$( [ "$site" = west ] && echo east || echo west ).vtigw.test",
      "auth": {"psk_file": "$psk"},
      "kind": "vti",
      "interface": "vti0",
      "mark": 42,
      "inside": {"local": "$inside"},
      "routes": [{"prefix": "$remote_lan"}],
      "start_action": "$start"
    }
  ]
}
JSON
}

# start_vtigwd SITE: starts the site's daemon in its namespace (log in $IKE_DIR/SITE.log).
start_vtigwd() {
  local site=$1
  ip netns exec "$site" "$VTIGWD" -c "$IKE_DIR/$site.json" --control "$IKE_DIR/$site.sock" \
    ${VTIGWD_ARGS---verbose} >"$IKE_DIR/$site.log" 2>&1 &
  echo "$!" >"$IKE_DIR/$site.pid"
  on_exit "stop_vtigwd $site"
  wait_for 30 test -S "$IKE_DIR/$site.sock" || { sed 's/^/    /' "$IKE_DIR/$site.log" >&2; fail "vtigwd $site did not start"; }
}

# stop_vtigwd SITE: SIGTERM, then SIGKILL after 20 s.
stop_vtigwd() {
  local pid
  pid=$(cat "$IKE_DIR/$1.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  wait_for 20 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null
  rm -f "$IKE_DIR/$1.pid"
}

# ctl SITE ARGS…: a control request to the site's daemon; prints the JSON reply.
ctl() { local site=$1; shift; "$VTIGWCTL" --control "$IKE_DIR/$site.sock" "$@"; }

# tunnel_field SITE FIELD: a field of the first tunnel in the site's status.
tunnel_field() { ctl "$1" status | jq -r ".tunnels[0].$2"; }

# tunnel_up SITE: the tunnel's IKE_SA is established and its CHILD_SA installed.
tunnel_up() { [ "$(tunnel_field "$1" up)" = true ]; }

# show_logs: the daemons' logs, indented (PSKs are never logged).
show_logs() {
  local s
  for s in west east; do
    [ -f "$IKE_DIR/$s.log" ] || continue
    log "--- vtigwd $s log" 2>&7
    sed 's/^/    /' "$IKE_DIR/$s.log" >&7
  done
}
