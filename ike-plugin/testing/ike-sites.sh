# SPDX-License-Identifier: GPL-2.0-or-later
# Two sites running the vtigw daemon, for VM scenarios (tests/vm/scenarios/ike-*.sh). Source after lib.sh.
#
#   lan-w ------------ west ================ east ------------ lan-e
#   10.1.0.2/24  10.1.0.1/24  192.0.2.1 -- 192.0.2.2  10.2.0.1/24  10.2.0.2/24
#                     vti0 10.255.0.1/30 <--IKEv2/ESP--> vti0 10.255.0.2/30   (mark 42)
#
# Each site's daemon runs under `ip netns exec SITE` with its own config, PSK file (mode 0600)
# and control socket in $IKE_DIR; the daemons are stopped (SIGKILL as a last resort) at exit.
VTIGW=$VTIGW_BUILD/gateway/vtigw
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

# tunnel_json NAME KIND IFACE KEY_NAME KEY INSIDE ROUTES START REMOTE SITE PEER [LOCAL]: one tunnel
# object for a site's config: KEY_NAME is mark (vti) or if_id (xfrm), INSIDE the `inside` object,
# ROUTES the elements of `routes`; IDs NAME.SITE.vtigw.test and NAME.PEER.vtigw.test, PSK in
# $IKE_DIR/psk.
tunnel_json() {
  local local_key=""
  [ -z "${12:-}" ] || local_key="\"local\": \"${12}\", "
  cat <<JSON
    {"name": "$1", "remote": "$9", ${local_key}"local_id": "$1.${10}.vtigw.test",
     "remote_id": "$1.${11}.vtigw.test", "auth": {"psk_file": "$IKE_DIR/psk"}, "kind": "$2",
     "interface": "$3", "$4": $5, "inside": $6, "routes": [$7], "start_action": "$8"}
JSON
}

# multi_config SITE N START_ACTION PSK_FILE: writes $IKE_DIR/SITE.json with N tunnels t1..tN to the
# other site (SITE is west or east): interface vtiK, mark and reqid 100+K, inside 10.255.K.1/30
# (west) and .2 (east), IDs SITE-tK.vtigw.test; t1 also routes the other site's LAN. t1 runs
# between 192.0.2.1 and .2, tK (K > 1) between 192.0.2.K1 and .K2 (multi_sites adds them): the
# kernel keeps one ip_vti tunnel per outer address pair, whatever the keys.
multi_config() {
  local site=$1 n=$2 start=$3 psk=$4 peer local remote host lan k
  if [ "$site" = west ]; then peer=east local=192.0.2.1 remote=192.0.2.2 host=1 lan=10.2.0.0/24
  else peer=west local=192.0.2.2 remote=192.0.2.1 host=2 lan=10.1.0.0/24; fi
  {
    printf '{"gateway": {"name": "%s", "local": ["%s"' "$site" "$local"
    for ((k = 2; k <= n; k++)); do printf ', "192.0.2.%d"' $((10 * k + host)); done
    printf '], "underlay": "wan0"},\n'
    printf ' "defaults": {"ike_proposals": ["aes256gcm16-prfsha384-x25519"], "esp_proposals": ["aes256gcm16-x25519"],\n'
    printf '  "dpd": {"interval": "10s", "timeout": "40s", "action": "restart"}},\n "tunnels": [\n'
    for ((k = 1; k <= n; k++)); do
      [ "$k" = 1 ] || printf ',\n'
      if [ "$k" = 1 ]; then printf '  {"name": "t1", "local": "%s", "remote": "%s",' "$local" "$remote"
      else printf '  {"name": "t%d", "local": "192.0.2.%d", "remote": "192.0.2.%d",' "$k" $((10 * k + host)) $((10 * k + 3 - host)); fi
      printf ' "local_id": "%s-t%d.vtigw.test", "remote_id": "%s-t%d.vtigw.test",' "$site" "$k" "$peer" "$k"
      printf ' "auth": {"psk_file": "%s"}, "kind": "vti", "interface": "vti%d", "mark": %d, "reqid": %d,' "$psk" "$k" $((100 + k)) $((100 + k))
      printf ' "inside": {"local": "10.255.%d.%d/30"}, "start_action": "%s"' "$k" "$host" "$start"
      [ "$k" != 1 ] || printf ', "routes": [{"prefix": "%s"}]' "$lan"
      printf '}'
    done
    printf '\n ]}\n'
  } >"$IKE_DIR/$site.json"
}

# multi_sites N WEST_START EAST_START: the topology, one random PSK, N tunnels between the sites.
multi_sites() {
  local k
  ike_topology
  for ((k = 2; k <= $1; k++)); do
    ip -n west addr add "192.0.2.$((10 * k + 1))/24" dev wan0
    ip -n east addr add "192.0.2.$((10 * k + 2))/24" dev wan0
  done
  write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
  multi_config west "$1" "$2" "$IKE_DIR/psk"
  multi_config east "$1" "$3" "$IKE_DIR/psk"
}

# field_of SITE TUNNEL FIELD: a field of the named tunnel in the site's status.
field_of() { ctl "$1" status | jq -r --arg t "$2" '.tunnels[] | select(.name == $t) | .'"$3"; }

# sas_of SITE K: the site's installed SAs of tunnel tK (multi_config fixes its reqid at 100+K;
# one CHILD_SA installs two, inbound and outbound).
sas_of() { ip -n "$1" xfrm state | grep -cE "reqid $((100 + $2)) " || true; }

# live_ikes SITE K: IKE_SAs of tunnel tK that the site's current daemon reported established and
# not yet down (its log starts with the daemon; charon's IKE_SA numbers are per run).
live_ikes() {
  awk -v t="tunnel t$2:" '
    index($0, t) && /IKE_SA established \(#/ { id = $0; sub(/.*\(#/, "", id); sub(/[,)].*/, "", id); up[id] = 1 }
    index($0, t) && /IKE_SA down \(#/ { id = $0; sub(/.*\(#/, "", id); sub(/[,)].*/, "", id); delete up[id] }
    END { n = 0; for (i in up) n++; print n }' "$IKE_DIR/$1.log"
}

# all_up SITE N: the site reports N tunnels up (IKE_SA established, CHILD_SA installed); one
# status call.
all_up() { [ "$(ctl "$1" status | jq '[.tunnels[] | select(.up)] | length')" = "$2" ]; }

# both_sites_up N: all_up on both sites.
both_sites_up() { all_up west "$1" && all_up east "$1"; }

# since T0: seconds elapsed since T0 (from `date +%s.%N`), two decimals.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }

# psk_sites: the topology, one random PSK in $IKE_DIR/psk, west initiating and east responding.
psk_sites() {
  ike_topology
  write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
  site_config west 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate "$IKE_DIR/psk"
  site_config east 192.0.2.2 192.0.2.1 10.255.0.2/30 10.1.0.0/24 respond "$IKE_DIR/psk"
}

# started PID SOCKET: the daemon listens on its socket, or has exited (no use waiting).
started() { [ -S "$2" ] || ! kill -0 "$1" 2>/dev/null; }

# start_vtigwd SITE: starts the site's daemon (`vtigw run`, in the foreground of a background job)
# in its namespace (log in $IKE_DIR/SITE.log).
start_vtigwd() {
  local site=$1 verbose=--verbose
  # VTIGW_DAEMON_LOG=quiet: the daemon's normal log (benchmarks: charon's debug log at a
  # thousand tunnels costs more CPU than the tunnels).
  [ "${VTIGW_DAEMON_LOG:-verbose}" != quiet ] || verbose=
  ip netns exec "$site" "$VTIGW" run -c "$IKE_DIR/$site.json" --control "$IKE_DIR/$site.sock" \
    $verbose >"$IKE_DIR/$site.log" 2>&1 &
  echo "$!" >"$IKE_DIR/$site.pid"
  on_exit "stop_vtigwd $site"
  wait_for 30 started "$!" "$IKE_DIR/$site.sock" && test -S "$IKE_DIR/$site.sock" ||
    { sed 's/^/    /' "$IKE_DIR/$site.log" >&2; fail "vtigwd $site did not start"; }
}

# vtigw_at SITE ARGS…: the vtigw command line in the site's namespace, on its control socket.
vtigw_at() {
  local site=$1 cmd=$2; shift 2
  ip netns exec "$site" "$VTIGW" "$cmd" --control "$IKE_DIR/$site.sock" "$@"
}

# vtigw_up SITE ARGS…: `vtigw up -c SITE.json ARGS…` in the site's namespace, the daemon's log in
# $IKE_DIR/SITE.log and up's own output in $IKE_DIR/SITE.up; returns up's exit status. The daemon
# is stopped at exit like one from start_vtigwd.
vtigw_up() {
  local site=$1 rc=0; shift
  vtigw_at "$site" up -c "$IKE_DIR/$site.json" --log "$IKE_DIR/$site.log" "$@" \
    >"$IKE_DIR/$site.up" 2>&1 || rc=$?
  sed 's/^/    up: /' "$IKE_DIR/$site.up" >&2
  local pid
  pid=$(sed -n 's/.*daemon started (pid \([0-9]*\).*/\1/p' "$IKE_DIR/$site.up")
  if [ -n "$pid" ]; then
    echo "$pid" >"$IKE_DIR/$site.pid"
    on_exit "stop_vtigwd $site"
  fi
  return "$rc"
}

# gone PID: the process has exited (a zombie counts: `vtigw up` daemons are not our children).
gone() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

# stop_vtigwd SITE: SIGTERM, then SIGKILL after 20 s.
stop_vtigwd() {
  local pid
  pid=$(cat "$IKE_DIR/$1.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  wait_for 20 gone "$pid" || kill -KILL "$pid" 2>/dev/null
  rm -f "$IKE_DIR/$1.pid"
}

# ctl SITE status|down|reset TUNNEL: the vtigw command on the site's daemon (status as JSON).
ctl() {
  local site=$1 cmd=$2; shift 2
  if [ "$cmd" = status ]; then vtigw_at "$site" status --json "$@"; else vtigw_at "$site" "$cmd" "$@"; fi
}

# tunnel_field SITE FIELD: a field of the first tunnel in the site's status.
tunnel_field() { ctl "$1" status | jq -r ".tunnels[0].$2"; }

# tunnel_up SITE: the tunnel's IKE_SA is established and its CHILD_SA installed.
tunnel_up() { [ "$(tunnel_field "$1" up)" = true ]; }

# wait_auth_failure: both sides report an authentication failure as their tunnel's last error
# (west within 60 s, east within 10 s more); logs both statuses.
wait_auth_failure() {
  west_error() { tunnel_field west last_error | grep -q 'authentication failed'; }
  east_error() { tunnel_field east last_error | grep -qE 'peer certificate not trusted|authentication failed'; }
  assert_ok wait_for 60 west_error
  assert_ok wait_for 10 east_error
  log "west status: $(ctl west status)"
  log "east status: $(ctl east status)"
}

# installed_sas: SAs in west and east that carry a reqid. A retry in flight may hold a larval
# SPI allocation (reqid 0), which is not an installed SA.
installed_sas() { (ip -n west xfrm state; ip -n east xfrm state) | grep -E 'reqid [1-9]' || true; }

# esp_only_ping: 5 pings lan-w -> lan-e cross west's underlay as ESP, none in clear.
esp_only_ping() {
  local cap text
  cap=$(capture_start west wan0)
  assert_ok in_ns lan-w ping -c 5 -i 0.2 -W 5 10.2.0.2
  capture_stop "$cap"
  text=$(capture_text "$cap")
  assert_ge 10 "$(printf '%s\n' "$text" | grep -c 'ESP(spi=' || true)" "ESP packets on the underlay (5 requests + 5 replies)"
  assert_eq 0 "$(printf '%s\n' "$text" | grep -c 'ICMP echo' || true)" "ICMP packets in clear on the underlay"
}

# down_both_sites: `down` on both daemons, which exit (0 when they are our children) leaving no
# xfrm state or policy and no vtigw VTI.
down_both_sites() {
  local s pid rc
  for s in west east; do
    pid=$(cat "$IKE_DIR/$s.pid")
    assert_ok ctl "$s" down
    assert_ok wait_for 15 gone "$pid"
    rc=0; wait "$pid" 2>/dev/null || rc=$?
    [ "$rc" = 127 ] || assert_eq 0 "$rc" "daemon $s exit status"
    rm -f "$IKE_DIR/$s.pid"
  done
  assert_eq "" "$(ip -n west xfrm state; ip -n east xfrm state)" "no xfrm state left"
  assert_eq "" "$(ip -n west xfrm policy; ip -n east xfrm policy)" "no xfrm policy left"
  assert_eq 0 "$( (ip -n west -o link show type vti; ip -n east -o link show type vti) | grep -cE ": vti[0-9]+@" || true)" "no VTI left (vtigw's; ip_vti0 is the kernel's fallback device)"
}

# show_logs: the daemons' logs, indented (PSKs are never logged).
show_logs() {
  local s
  for s in west east; do
    [ -f "$IKE_DIR/$s.log" ] || continue
    log "--- vtigwd $s log" 2>&7
    sed 's/^/    /' "$IKE_DIR/$s.log" >&7
  done
}
