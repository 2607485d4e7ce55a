# SPDX-License-Identifier: GPL-2.0-or-later
# A branch behind a port-changing NAT and a datacenter, for VM scenarios (tests/vm/scenarios/nat-*.sh).
# Source after lib.sh and ike-sites.sh (whose west/east helpers it reuses: west is the branch,
# east the datacenter).
#
#   lan-w ------- west ----------- nat ============= east ------- lan-e
#   10.1.0.2  10.1.0.1  192.168.1.2 -- 192.168.1.1  192.0.2.1 -- 192.0.2.2  10.2.0.1  10.2.0.2
#                  (private)            masquerade fully-random         vti0 10.255.0.2/30
#                  vti0 10.255.0.1/30 <------ IKEv2 UDP 500 -> 4500, ESP in UDP 4500 ------>
#
# east cannot route to 192.168.1.0/24: everything west sends reaches it from 192.0.2.1 with a
# source port the NAT picked at random (nftables `masquerade fully-random`), IKE's 500 and 4500 alike.

# nat_topology [forward]: the five namespaces and links of the picture, forwarding on, the NAT
# rule; no tunnel. With `forward`, east sits behind a NAT of its own too (namespace nat-e):
#
#   … nat 192.0.2.1 ======= 192.0.2.2 nat-e 172.16.0.1 -- 172.16.0.2 east …
#
# which forwards UDP 500 and 4500 to east and masquerades the rest (a port forward).
nat_topology() {
  local ns east_wan=192.0.2.2/24
  for ns in lan-w west nat east lan-e; do netns_add "$ns"; done
  veth_pair lan-w eth0 west lan0
  veth_pair west wan0 nat lan0
  if [ "${1:-}" = forward ]; then
    netns_add nat-e
    veth_pair nat wan0 nat-e wan0
    veth_pair nat-e lan0 east wan0
    ip -n nat-e addr add 192.0.2.2/24 dev wan0
    ip -n nat-e addr add 172.16.0.1/24 dev lan0
    ip netns exec nat-e sysctl -qw net.ipv4.ip_forward=1
    ip netns exec nat-e nft -f - <<'NFT'
table ip vtigw-test-nat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "wan0" udp dport { 500, 4500 } dnat to 172.16.0.2
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan0" masquerade
  }
}
NFT
    east_wan=172.16.0.2/24
  else
    veth_pair nat wan0 east wan0
  fi
  veth_pair east lan0 lan-e eth0
  ip -n lan-w addr add 10.1.0.2/24 dev eth0
  ip -n lan-w route add default via 10.1.0.1
  ip -n west addr add 10.1.0.1/24 dev lan0
  ip -n west addr add 192.168.1.2/24 dev wan0
  ip -n west route add default via 192.168.1.1
  ip -n nat addr add 192.168.1.1/24 dev lan0
  ip -n nat addr add 192.0.2.1/24 dev wan0
  ip -n east addr add "$east_wan" dev wan0
  [ "${1:-}" != forward ] || ip -n east route add default via 172.16.0.1
  ip -n east addr add 10.2.0.1/24 dev lan0
  ip -n lan-e addr add 10.2.0.2/24 dev eth0
  ip -n lan-e route add default via 10.2.0.1
  for ns in west nat east; do ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1; done
  nat_masquerade nat
  warm_up_crypto
}

# nat_masquerade NS: namespace NS masquerades everything it sends out of wan0, with source ports
# picked at random (a port-changing NAT: UDP 500 and 4500 alike).
nat_masquerade() {
  ip netns exec "$1" nft -f - <<'NFT'
table ip vtigw-test-nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan0" masquerade fully-random
  }
}
NFT
}

# nat_site_configs PSK_FILE KEEPALIVE DPD_INTERVAL [EAST_LOCAL]: west.json (the branch: private
# local address, initiates) and east.json (the datacenter: responds, its remote is the NAT's public
# address; its local address EAST_LOCAL, default 192.0.2.2, 172.16.0.2 behind the port forward).
nat_site_configs() {
  local psk=$1 keepalive=$2 dpd=$3 east_local=${4:-192.0.2.2} site
  site_config west 192.168.1.2 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate "$psk"
  site_config east "$east_local" 192.0.2.1 10.255.0.2/30 10.1.0.0/24 respond "$psk"
  for site in west east; do
    jq --arg k "$keepalive" --arg d "$dpd" \
      '.defaults.nat_traversal = {"keepalive": $k} | .defaults.dpd.interval = $d' \
      "$IKE_DIR/$site.json" >"$IKE_DIR/$site.json.new"
    mv "$IKE_DIR/$site.json.new" "$IKE_DIR/$site.json"
  done
}

# outside_capture_check CAPTURE MIN_ENCAPSULATED: on the NAT's outside, no raw ESP (IP protocol 50)
# and no IPv4 packet other than UDP to or from port 500 or 4500 (LAN addresses in clear included);
# at least MIN_ENCAPSULATED ESP-in-UDP packets (UDP 4500 longer than a keepalive).
outside_capture_check() {
  local f=$1.pcap
  assert_eq 0 "$(tcpdump -n -r "$f" 'ip proto 50' 2>/dev/null | wc -l)" "raw ESP packets (protocol 50) on the NAT's outside"
  assert_eq 0 "$(tcpdump -n -r "$f" 'ip and not (udp port 500 or udp port 4500)' 2>/dev/null | wc -l)" \
    "packets other than UDP 500/4500 on the NAT's outside"
  assert_ge "$2" "$(tcpdump -n -r "$f" 'udp port 4500 and udp[4:2] > 9' 2>/dev/null | wc -l)" \
    "ESP-in-UDP packets (port 4500) on the NAT's outside ($(grep -h 'dropped by kernel' "$1.log" || echo 'capture drops unknown'))"
}

# encap_ports NS: "SPORT DPORT" of each distinct encapsulation of the namespace's ESP-in-UDP SAs,
# sorted, on one line;
# `ip xfrm state` prints "encap type espinudp sport S dport D addr …".
encap_ports() { ip -n "$1" xfrm state | sed -n 's/.*encap type espinudp sport \([0-9]*\) dport \([0-9]*\).*/\1 \2/p' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# both_ways LOCAL_PORT REMOTE_PORT: what encap_ports prints for a CHILD_SA (an outbound SA from
# LOCAL_PORT to REMOTE_PORT, an inbound one the other way).
both_ways() { printf '%s %s\n%s %s\n' "$1" "$2" "$2" "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }
