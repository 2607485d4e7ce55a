#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The vtigw plugin (libstrongswan-vtigw.so from the build tree) in Debian's STOCK charon
# (/usr/lib/ipsec/charon), configured only through strongswan.conf
# (charon.plugins.vtigw.config = west.json), brings a tunnel up to a vtigwd site. Picture as in
# ike-plugin/testing/ike-sites.sh: east runs vtigwd as usual, west runs stock charon.
#
# The plugin is installed the way a user would (a libstrongswan-vtigw.so in charon's plugin
# directory, loaded with load_modular like Debian's strongswan.d drop-ins): charon's plugin
# directory /usr/lib/ipsec/plugins and /run (charon.pid) are replaced, in a private mount
# namespace of west's charon only, by test-private directories.
#
#  1. An invalid configuration: the plugin logs the field and value through charon's log, does
#     not load, and creates nothing.
#  2. The valid one: the plugin creates west's VTI (alias vtigw:*), addresses, routes, policies,
#     initiates; the tunnel comes up; pings lan-w -> lan-e cross as ESP.
#  3. SIGTERM to charon: the plugin removes every kernel object again.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs
on_exit show_charon_logs

PLUGIN=$VTIGW_BUILD/ike-plugin/libstrongswan-vtigw.so
CHARON=/usr/lib/ipsec/charon
[ -f "$PLUGIN" ] || fail "no plugin at $PLUGIN (build the strongswan-vtigw target)"
[ -x "$CHARON" ] || fail "no stock charon at $CHARON"

# Debian's plugins for IKEv2 PSK with the kernel's IPsec, vici for swanctl, and vtigw.
STOCK_PLUGINS="random nonce openssl kdf pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici"

# The plugin directory charon sees: copies of Debian's plugins (links would point into the
# directory the bind mount hides) plus ours.
mkdir -p "$IKE_DIR/plugins" "$IKE_DIR/run"
for p in $STOCK_PLUGINS; do cp /usr/lib/ipsec/plugins/libstrongswan-$p.so "$IKE_DIR/plugins/"; done
cp "$PLUGIN" "$IKE_DIR/plugins/libstrongswan-vtigw.so"

# charon_conf NAME VTIGW_CONFIG: writes $IKE_DIR/NAME.conf, a strongswan.conf in Debian's
# load_modular style with a vtigw drop-in pointing at VTIGW_CONFIG; log in $IKE_DIR/NAME.log.
charon_conf() {
  local name=$1 config=$2 p
  {
    echo "charon {"
    echo "  load_modular = yes"
    echo "  plugins {"
    for p in $STOCK_PLUGINS; do echo "    $p { load = yes }"; done
    echo "    vici { socket = unix://$IKE_DIR/$name.vici }"
    echo "    vtigw {"
    echo "      load = yes"
    echo "      config = $config"
    echo "    }"
    echo "  }"
    echo "  filelog {"
    echo "    $name { path = $IKE_DIR/$name.log"
    echo "            default = 1"
    echo "            cfg = 2"
    echo "            flush_line = yes"
    echo "            time_format = %T }"
    echo "  }"
    echo "}"
  } >"$IKE_DIR/$name.conf"
}

# start_charon NAME: stock charon in west with $IKE_DIR/NAME.conf; its pid in $IKE_DIR/NAME.pid.
start_charon() {
  local name=$1
  : >"$IKE_DIR/$name.log"
  STRONGSWAN_CONF=$IKE_DIR/$name.conf ip netns exec west unshare --mount --propagation private \
    sh -c 'mount --bind "$1/plugins" /usr/lib/ipsec/plugins && mount --bind "$1/run" /run && exec "$2"' \
    sh "$IKE_DIR" "$CHARON" >"$IKE_DIR/$name.out" 2>&1 &
  echo "$!" >"$IKE_DIR/$name.pid"
  on_exit "stop_charon $name"
}

# stop_charon NAME: SIGTERM, SIGKILL after 20 s; charon's exit status in $charon_rc.
stop_charon() {
  local pid
  charon_rc=none
  pid=$(cat "$IKE_DIR/$1.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_for 20 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null
  charon_rc=0
  wait "$pid" 2>/dev/null || charon_rc=$?
  rm -f "$IKE_DIR/$1.pid"
}

show_charon_logs() {
  local n
  for n in charon-bad charon-west; do
    [ -s "$IKE_DIR/$n.log" ] || continue
    log "--- stock charon $n log" 2>&7
    sed 's/^/    /' "$IKE_DIR/$n.log" >&7
    [ -s "$IKE_DIR/$n.out" ] && sed 's/^/    (out) /' "$IKE_DIR/$n.out" >&7
  done
}

# vtigw_links NS: links carrying vtigw's alias.
vtigw_links() { ip -n "$1" -o link show | grep -c 'alias vtigw:' || true; }

ike_topology
psk=$(head -c 24 /dev/urandom | base64)
write_psk "$IKE_DIR/psk" "$psk"
site_config west 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate "$IKE_DIR/psk"
site_config east 192.0.2.2 192.0.2.1 10.255.0.2/30 10.1.0.0/24 respond "$IKE_DIR/psk"

# 1. Invalid configuration: logged with field and value, plugin not loaded, nothing created.
jq '.tunnels[0].inside.local = "10.255.0.1/24"' "$IKE_DIR/west.json" >"$IKE_DIR/bad.json"
charon_conf charon-bad "$IKE_DIR/bad.json"
start_charon charon-bad
assert_ok wait_for 60 grep -q "vtigw plugin disabled" "$IKE_DIR/charon-bad.log"
bad_log=$(cat "$IKE_DIR/charon-bad.log")
assert_match '/tunnels/0/inside/local: "10\.255\.0\.1/24" .*inside prefix must be /30 or /31' "$bad_log" \
  "the configuration error is logged with field and value"
assert_match "configuration $IKE_DIR/bad.json is invalid" "$bad_log" "the invalid file is named"
assert_eq 0 "$(grep -cE 'loaded plugins: .*vtigw' "$IKE_DIR/charon-bad.log" || true)" "vtigw is not among charon's loaded plugins"
assert_ok grep -qE 'loaded plugins: .*kernel-netlink' "$IKE_DIR/charon-bad.log"
assert_eq 0 "$(vtigw_links west)" "no vtigw link created from the invalid configuration"
# (charon's own per-socket IKE bypass policies are "socket in/out", not "dir …")
assert_eq 0 "$(ip -n west xfrm policy | grep -cE 'dir (in|out|fwd)' || true)" "no xfrm policy from the invalid configuration"
stop_charon charon-bad
assert_eq 0 "$charon_rc" "charon (invalid config) exit status"

# 2. The valid configuration.
charon_conf charon-west "$IKE_DIR/west.json"
start_vtigwd east
t0=$(date +%s.%N)
start_charon charon-west
# Measured: from starting charon to the first ping answered through the tunnel.
assert_ok wait_for 60 in_ns lan-w ping -c 1 -W 1 10.2.0.2
log "measured: stock charon start to first ping through the tunnel: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s"
assert_ok wait_for 30 test -S "$IKE_DIR/charon-west.vici"
assert_ok grep -qE 'loaded plugins: .*vtigw' "$IKE_DIR/charon-west.log"
assert_ok grep -q "vtigw: serving 1 tunnel(s) of $IKE_DIR/west.json" "$IKE_DIR/charon-west.log"
link=$(ip -n west -d link show vti0 2>&1 || true)
log "west vti0: $(printf '%s' "$link" | tr '\n' ' ' | tr -s ' ')"
assert_match "vti remote 192\.0\.2\.2 local 192\.0\.2\.1 .*ikey 0\.0\.0\.42 okey 0\.0\.0\.42" "$link" "west's VTI with key 42, created by the plugin"
assert_match "alias vtigw:" "$link" "west's VTI carries vtigw's alias"
assert_match "10\.255\.0\.1/30" "$(ip -n west addr show dev vti0)" "inside address on west's VTI"
assert_match "10\.2\.0\.0/24 dev vti0" "$(ip -n west route show)" "route to east's LAN over the VTI"
assert_match "inet vtigw" "$(ip netns exec west nft list tables)" "MSS clamp table"

assert_ok tunnel_up east
log "IKE_SA initiations by west's charon: $(grep -c 'initiating IKE_SA to-peer' "$IKE_DIR/charon-west.log" || true)"
sas=$(swanctl --list-sas --uri "unix://$IKE_DIR/charon-west.vici" 2>&1)
log "west (stock charon) SAs: $(printf '%s' "$sas" | tr '\n' ' ' | tr -s ' ')"
assert_match "^to-peer: #[0-9]+, ESTABLISHED, IKEv2" "$sas" "stock charon's IKE_SA of the vtigw tunnel established"
assert_match "INSTALLED, TUNNEL" "$sas" "stock charon's CHILD_SA installed"
assert_match "west\.vtigw\.test" "$sas" "local identity from west.json"

esp_only_ping

# The SAs are charon's and match east's vtigwd; the policies are vtigw's only.
status_e=$(ctl east status)
spi_e_in=$(jq -r '.tunnels[0].spi_in' <<<"$status_e")
assert_match "spi 0x$(printf '%08x' "$spi_e_in")" "$(ip -n west xfrm state)" "west's outbound SA is east's inbound SPI"
assert_match "mark 0x2a/0xffffffff" "$(ip -n west xfrm state)" "SAs carry the VTI mark"
assert_eq 6 "$(ip -n west xfrm policy | grep -cE 'dir (in|out|fwd) .*priority 2130' || true)" "six policies, vtigw's"
assert_eq 6 "$(ip -n west xfrm policy | grep -cE 'dir (in|out|fwd)' || true)" "no policy installed by charon itself"
assert_eq 0 "$(grep -cF -- "$psk" "$IKE_DIR/charon-west.log" || true)" "PSK absent from charon's log"

# 3. SIGTERM: charon deletes its SAs, the plugin removes its kernel objects on unload.
stop_charon charon-west
assert_eq 0 "$charon_rc" "stock charon exit status after SIGTERM"
assert_ok grep -q "vtigw: kernel state removed" "$IKE_DIR/charon-west.log"
assert_eq 0 "$(vtigw_links west)" "no link with vtigw's alias left in west"
assert_eq "" "$(ip -n west -o link show type vti | grep -E ': vti[0-9]+@' || true)" "west's VTI removed"
assert_eq "" "$(ip -n west xfrm policy)" "no xfrm policy left in west"
assert_eq "" "$(ip -n west xfrm state)" "no xfrm state left in west"
assert_eq "" "$(ip -n west route show proto "$VTIGW_ROUTE_PROTO")" "no vtigw route left in west"
assert_eq 0 "$(ip netns exec west nft list tables | grep -cw vtigw || true)" "no MSS clamp table left in west"

assert_ok ctl east down
pid=$(cat "$IKE_DIR/east.pid")
assert_ok wait_for 15 bash -c "! kill -0 $pid"
rc=0; wait "$pid" || rc=$?
assert_eq 0 "$rc" "vtigwd east exit status"
rm -f "$IKE_DIR/east.pid"
