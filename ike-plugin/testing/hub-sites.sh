# SPDX-License-Identifier: GPL-2.0-or-later
# A hub serving three branches whose addresses it is not told, for VM scenarios
# (tests/vm/scenarios/hub-*.sh, addr-*.sh). Source after lib.sh, ike-sites.sh (whose daemon
# helpers it reuses: vtigw_up, ctl, stop_vtigwd read $IKE_DIR/SITE.*) and nat-sites.sh
# (nat_masquerade).
#
#                        inet (router)
#   hub wan0 192.0.2.2 -- h0 192.0.2.1
#                          a0 198.51.100.1 -- 198.51.100.2 wan0 br-a
#                          n0 203.0.113.1  -- 203.0.113.2 wan0 nat  lb 192.168.1.1 -- 192.168.1.2 wan0 br-b
#                                                         (masquerade) lc 192.168.2.1 -- 192.168.2.2 wan0 br-c
#
# Each site has a LAN address on a dummy interface lan0: hub 10.9.0.1/24, br-a 10.1.0.1/24,
# br-b 10.2.0.1/24, br-c 10.3.0.1/24. The hub's tunnels have "remote": "any" and tell the branches
# apart by their IKE identity (br-X.vtigw.test); the hub's interfaces are to-a, to-b, to-c
# (if_id 11-13, inside 10.255.N.1/30), each branch's is to-hub (if_id 1, inside 10.255.N.2/30).
HUB_BRANCHES="br-a br-b br-c"

# hub_topology: the namespaces, links, addresses and the NAT of the picture; no tunnel.
hub_topology() {
  local ns
  for ns in inet hub nat $HUB_BRANCHES; do netns_add "$ns"; done
  veth_pair inet h0 hub wan0
  veth_pair inet a0 br-a wan0
  veth_pair inet n0 nat wan0
  veth_pair nat lb br-b wan0
  veth_pair nat lc br-c wan0
  ip -n inet addr add 192.0.2.1/24 dev h0
  ip -n inet addr add 198.51.100.1/24 dev a0
  ip -n inet addr add 203.0.113.1/24 dev n0
  ip -n hub addr add 192.0.2.2/24 dev wan0
  ip -n hub route add default via 192.0.2.1
  ip -n br-a addr add 198.51.100.2/24 dev wan0
  ip -n br-a route add default via 198.51.100.1
  ip -n nat addr add 203.0.113.2/24 dev wan0
  ip -n nat route add default via 203.0.113.1
  ip -n nat addr add 192.168.1.1/24 dev lb
  ip -n nat addr add 192.168.2.1/24 dev lc
  ip -n br-b addr add 192.168.1.2/24 dev wan0
  ip -n br-b route add default via 192.168.1.1
  ip -n br-c addr add 192.168.2.2/24 dev wan0
  ip -n br-c route add default via 192.168.2.1
  for ns in hub br-a br-b br-c; do
    ip -n "$ns" link add lan0 type dummy
    ip -n "$ns" link set lan0 up
  done
  ip -n hub addr add 10.9.0.1/24 dev lan0
  ip -n br-a addr add 10.1.0.1/24 dev lan0
  ip -n br-b addr add 10.2.0.1/24 dev lan0
  ip -n br-c addr add 10.3.0.1/24 dev lan0
  for ns in inet nat hub; do ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1; done
  nat_masquerade nat
  warm_up_crypto
}

# hub_defaults: the "defaults" block all sites share (DPD every 3 s, NAT keepalive 2 s).
hub_defaults() {
  printf '{"ike_proposals": ["aes256gcm16-prfsha384-x25519"], "esp_proposals": ["aes256gcm16-x25519"],'
  printf ' "dpd": {"interval": "3s", "timeout": "15s", "action": "restart"}, "nat_traversal": {"keepalive": "2s"}}'
}

# hub_config PSK_FILE: $IKE_DIR/hub.json, one "remote": "any" tunnel per branch.
hub_config() {
  local psk=$1 n=0 b lans
  {
    printf '{"gateway": {"name": "hub", "local": "192.0.2.2", "underlay": "wan0"},\n'
    printf ' "defaults": %s,\n "tunnels": [\n' "$(hub_defaults)"
    for b in $HUB_BRANCHES; do
      n=$((n + 1))
      [ "$n" = 1 ] || printf ',\n'
      printf '  {"name": "%s", "remote": "any", "remote_id": "%s.vtigw.test", "local_id": "hub.vtigw.test",' "$b" "$b"
      printf ' "auth": {"psk_file": "%s"}, "kind": "xfrm", "interface": "to-%s", "if_id": %d,' "$psk" "${b#br-}" $((10 + n))
      printf ' "inside": {"local": "10.255.%d.1/30"}, "routes": [{"prefix": "10.%d.0.0/24"}], "start_action": "respond"}' "$n" "$n"
    done
    printf '\n ]}\n'
  } >"$IKE_DIR/hub.json"
}

# branch_config BRANCH LOCAL PSK_FILE [LOCAL_ID]: $IKE_DIR/BRANCH.json, one tunnel to the hub
# routing the hub's LAN and the other branches' LANs; LOCAL_ID defaults to BRANCH.vtigw.test.
branch_config() {
  local b=$1 local=$2 psk=$3 id=${4:-$1.vtigw.test} n routes="" k
  case $b in br-a) n=1 ;; br-b) n=2 ;; br-c) n=3 ;; esac
  for k in 1 2 3 9; do
    [ "$k" = "$n" ] && continue
    routes+="${routes:+, }{\"prefix\": \"10.$k.0.0/24\"}"
  done
  cat >"$IKE_DIR/$b.json" <<JSON
{
  "gateway": {"name": "$b", "local": "$local", "underlay": "wan0"},
  "defaults": $(hub_defaults),
  "tunnels": [
    {"name": "to-hub", "remote": "192.0.2.2", "local_id": "$id", "remote_id": "hub.vtigw.test",
     "auth": {"psk_file": "$psk"}, "kind": "xfrm", "interface": "to-hub", "if_id": 1,
     "inside": {"local": "10.255.$n.2/30"}, "routes": [$routes], "start_action": "initiate"}
  ]
}
JSON
}

# hub_field TUNNEL FIELD: a field of the hub's tunnel TUNNEL (br-a, …) in its JSON status.
hub_field() { ctl hub status | jq -r --arg t "$1" '.tunnels[] | select(.name == $t) | .'"$2"; }

# lan_ping FROM_SITE TO_ADDR: one ping from FROM_SITE's LAN address to TO_ADDR, 1 s to answer.
lan_ping() {
  local src
  src=$(ip -n "$1" -4 -o addr show dev lan0 | awk '{print $4}' | cut -d/ -f1)
  in_ns "$1" ping -c 1 -W 1 -I "$src" "$2" >/dev/null
}

# hub_show_logs: the daemons' logs of the hub and the branches, indented.
hub_show_logs() {
  local s
  for s in hub $HUB_BRANCHES; do
    [ -f "$IKE_DIR/$s.log" ] || continue
    log "--- vtigwd $s log" 2>&7
    sed 's/^/    /' "$IKE_DIR/$s.log" >&7
  done
}

# no_xfrm_left NS: after `down`, no xfrm policy and no SA is left in NS. A larval ACQUIRE state
# (SPI 0: a packet met the tunnel's policy before its SA existed, e.g. a ping while a branch came
# back) is the kernel's: it cannot be deleted by SPI and expires by itself after
# net.core.xfrm_acq_expires (30 s), so it is waited for rather than counted as left behind.
no_xfrm_left() {
  local ns=$1
  assert_eq "" "$(ip -n "$ns" xfrm policy)" "no xfrm policy left in $ns"
  assert_eq "" "$(ip -n "$ns" xfrm state | grep -E '^[[:space:]]+proto [a-z]+ spi ' | grep -v 'spi 0x00000000' || true)" \
    "no SA left in $ns (larval ACQUIRE states aside)"
  assert_ok wait_for 45 bash -c "[ -z \"\$(ip -n $ns xfrm state)\" ]"
}
