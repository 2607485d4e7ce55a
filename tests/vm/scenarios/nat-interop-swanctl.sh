#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Interop behind NAT: Debian's stock charon configured with swanctl is the branch (west, behind the
# port-changing NAT of ike-plugin/testing/nat-sites.sh, with a VTI by hand as in strongSwan's
# net2net-vti example); vtigwd is the datacenter (east). The branch initiates, IKE moves to UDP
# 4500, ESP is UDP-encapsulated on both sides, the NAT's outside carries only UDP 500/4500, pings
# cross, vtigw's status shows the NAT on the peer's side with the NAT's port, and the tunnel
# survives a flush of the NAT's mapping while the branch sends.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
source "$VTIGW_SRC/ike-plugin/testing/nat-sites.sh"
on_exit show_logs
start=$(date +%s.%N)

nat_topology
psk=$(head -c 24 /dev/urandom | base64)
write_psk "$IKE_DIR/psk" "$psk"
nat_site_configs "$IKE_DIR/psk" 20s 3s

# West (the branch): VTI by hand, stock charon with swanctl.
ip -n west link add vti0 type vti local 192.168.1.2 remote 192.0.2.2 key 42
ip netns exec west sysctl -qw net.ipv4.conf.vti0.disable_policy=1
ip -n west addr add 10.255.0.1/30 dev vti0
ip -n west link set vti0 up
ip -n west route add 10.2.0.0/24 dev vti0
on_exit "ip -n west link del vti0"
vici="unix://$IKE_DIR/charon-west.vici"
cat >"$IKE_DIR/strongswan-west.conf" <<CONF
charon {
  load = random nonce openssl kdf pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici
  install_routes = no
  keep_alive = 2s
  plugins {
    vici { socket = $vici }
  }
  filelog {
    west { path = $IKE_DIR/charon-west.log
           default = 1
           time_format = %T }
  }
}
CONF
(umask 077; cat >"$IKE_DIR/swanctl-west.conf" <<CONF
connections {
  dc {
    version = 2
    local_addrs = 192.168.1.2
    remote_addrs = 192.0.2.2
    proposals = aes256gcm16-prfsha384-x25519
    dpd_delay = 3s
    local { auth = psk
            id = west.vtigw.test }
    remote { auth = psk
             id = east.vtigw.test }
    children {
      vti {
        local_ts = 0.0.0.0/0
        remote_ts = 0.0.0.0/0
        esp_proposals = aes256gcm16-x25519
        mark_in = 42
        mark_out = 42
      }
    }
  }
}
secrets {
  ike-dc {
    id-1 = west.vtigw.test
    id-2 = east.vtigw.test
    secret = "$psk"
  }
}
CONF
)
STRONGSWAN_CONF=$IKE_DIR/strongswan-west.conf ip netns exec west /usr/lib/ipsec/charon >/dev/null 2>&1 &
charon_pid=$!
stop_charon() { kill -TERM "$charon_pid" 2>/dev/null; wait_for 20 bash -c "! kill -0 $charon_pid" || kill -KILL "$charon_pid"; }
on_exit stop_charon
on_exit "sed 's/^/    charon: /' $IKE_DIR/charon-west.log >&7"
assert_ok wait_for 30 test -S "$IKE_DIR/charon-west.vici"
assert_ok swanctl --load-all --noprompt --file "$IKE_DIR/swanctl-west.conf" --uri "$vici"

cap=$(capture_start nat wan0)
start_vtigwd east
t0=$(date +%s.%N)
assert_ok swanctl --initiate --child vti --timeout 60 --uri "$vici"
assert_ok wait_for 30 in_ns lan-w ping -c 1 -W 1 10.2.0.2
log "measured: stock branch's initiate to first ping answered through the NAT: $(since "$t0") s"
assert_ok in_ns lan-w ping -c 5 -i 0.2 -W 5 10.2.0.2
assert_ok in_ns lan-e ping -c 5 -i 0.2 -W 5 10.1.0.2
capture_stop "$cap"
outside_capture_check "$cap" 20

se=$(ctl east status)
log "datacenter (vtigw) status: $se"
nat_port=$(jq -r '.tunnels[0].ike_remote_port' <<<"$se")
assert_eq "true false true true" "$(jq -r '.tunnels[0] | "\(.up) \(.nat_local) \(.nat_remote) \(.udp_encap)"' <<<"$se")" \
  "vtigw: up, NAT on the peer's side (remote), ESP in UDP"
[ "$nat_port" != 4500 ] && [ "$nat_port" -gt 0 ] || fail "the NAT kept port 4500 ($nat_port): not a port-changing NAT"
assert_eq "$(both_ways 4500 "$nat_port")" "$(encap_ports east)" "vtigw's SAs: ESP in UDP 4500 -> the NAT's port"
assert_eq "4500 4500" "$(encap_ports west)" "stock charon's SAs: ESP in UDP 4500 -> 4500"
sas=$(swanctl --list-sas --uri "$vici" 2>/dev/null)
log "west (stock charon) SAs: $(printf '%s' "$sas" | tr '\n' ' ' | tr -s ' ')"
assert_match "ESTABLISHED" "$sas" "stock charon's IKE_SA established"
assert_match "192.168.1.2\[4500\]" "$sas" "stock charon's IKE_SA on UDP 4500"
assert_match "INSTALLED, TUNNEL-in-UDP" "$sas" "stock charon's CHILD_SA UDP-encapsulated"

# The NAT forgets its mapping while the branch sends: its next ESP packet opens a new one.
ike_id=$(jq -r '.tunnels[0].ike_sa_id' <<<"$se")
assert_ok in_ns nat conntrack -F
t=$(date +%s.%N)
assert_ok wait_for 60 in_ns lan-w ping -c 1 -W 1 10.2.0.2
log "measured: traffic flows again $(since "$t") s after the NAT's mapping was flushed"
assert_ok in_ns lan-e ping -c 3 -i 0.2 -W 3 10.1.0.2
port=$(ctl east status | jq -r '.tunnels[0].ike_remote_port')
[ "$port" != "$nat_port" ] || fail "the NAT mapped the branch to the same port $port again"
assert_eq "$(both_ways 4500 "$port")" "$(encap_ports east)" "vtigw's SAs follow the new mapping"
assert_eq "$ike_id" "$(ctl east status | jq -r '.tunnels[0].ike_sa_id')" "the same IKE_SA carries on"

# Teardown: the stock side deletes, vtigw sees it, then vtigw stops leaving nothing.
assert_ok swanctl --terminate --ike dc --timeout 20 --uri "$vici"
assert_ok wait_for 15 bash -c "[ \"\$(ip netns exec east $VTIGW status --json --control $IKE_DIR/east.sock | jq -r '.tunnels[0].ike_state')\" = '' ]"
assert_ok ctl east down
pid=$(cat "$IKE_DIR/east.pid")
assert_ok wait_for 15 gone "$pid"
rm -f "$IKE_DIR/east.pid"
stop_charon
assert_eq "" "$(ip -n west xfrm state; ip -n east xfrm state; ip -n east xfrm policy)" "no xfrm state/policy left"
log "measured: nat-interop-swanctl total $(since "$start") s"
