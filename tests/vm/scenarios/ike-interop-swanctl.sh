#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Interop: vtigwd on west, Debian's stock charon + swanctl on east with a route-based VTI set up
# as in strongSwan's net2net-vti example (charon installs marked policies there). IKEv2 PSK comes
# up, pings cross both VTIs as ESP, and both sides tear down cleanly. Picture as in
# ike-plugin/testing/ike-sites.sh; east's charon gets its own strongswan.conf, vici socket and log
# in $IKE_DIR.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

ike_topology
psk=$(head -c 24 /dev/urandom | base64)
write_psk "$IKE_DIR/psk" "$psk"
site_config west 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate "$IKE_DIR/psk"

# East: VTI by hand, charon with swanctl.
ip -n east link add vti0 type vti local 192.0.2.2 remote 192.0.2.1 key 42
ip netns exec east sysctl -qw net.ipv4.conf.vti0.disable_policy=1
ip -n east addr add 10.255.0.2/30 dev vti0
ip -n east link set vti0 up
ip -n east route add 10.1.0.0/24 dev vti0
vici="unix://$IKE_DIR/charon-east.vici"
cat >"$IKE_DIR/strongswan-east.conf" <<CONF
charon {
  load = random nonce openssl kdf pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici
  install_routes = no
  plugins {
    vici { socket = $vici }
  }
  filelog {
    east { path = $IKE_DIR/charon-east.log
           default = 1
           time_format = %T }
  }
}
CONF
(umask 077; cat >"$IKE_DIR/swanctl-east.conf" <<CONF
connections {
  west {
    version = 2
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha384-x25519
    local { auth = psk
            id = east.vtigw.test }
    remote { auth = psk
             id = west.vtigw.test }
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
  ike-west {
    id-1 = east.vtigw.test
    id-2 = west.vtigw.test
    secret = "$psk"
  }
}
CONF
)
STRONGSWAN_CONF=$IKE_DIR/strongswan-east.conf ip netns exec east /usr/lib/ipsec/charon >/dev/null 2>&1 &
charon_pid=$!
stop_charon() { kill -TERM "$charon_pid" 2>/dev/null; wait_for 20 bash -c "! kill -0 $charon_pid" || kill -KILL "$charon_pid"; }
on_exit stop_charon
assert_ok wait_for 30 test -S "$IKE_DIR/charon-east.vici"
assert_ok swanctl --load-all --noprompt --file "$IKE_DIR/swanctl-east.conf" --uri "$vici"

t0=$(date +%s.%N)
start_vtigwd west
assert_ok wait_for 60 in_ns lan-w ping -c 1 -W 1 10.2.0.2
log "measured: vtigwd start to first ping through the tunnel (stock charon peer): $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s"

assert_ok tunnel_up west
cap=$(capture_start west wan0)
assert_ok in_ns lan-w ping -c 5 -i 0.2 -W 5 10.2.0.2
capture_stop "$cap"
text=$(capture_text "$cap")
assert_ge 10 "$(printf '%s\n' "$text" | grep -c 'ESP(spi=' || true)" "ESP packets on the underlay"
assert_eq 0 "$(printf '%s\n' "$text" | grep -c 'ICMP echo' || true)" "ICMP packets in clear on the underlay"
sas=$(swanctl --list-sas --uri "$vici" 2>/dev/null)
log "east (stock charon) SAs: $(printf '%s' "$sas" | tr '\n' ' ' | tr -s ' ')"
assert_match "ESTABLISHED" "$sas" "stock charon's IKE_SA established"
assert_match "INSTALLED" "$sas" "stock charon's CHILD_SA installed"
status=$(ctl west status)
log "west status: $status"
assert_eq "$(jq -r '.tunnels[0].spi_out' <<<"$status" | xargs printf '%08x')" \
  "$(printf '%s\n' "$sas" | sed -n 's/^ *in  *\([0-9a-f]\{8\}\).*/\1/p' | head -1)" "west's outbound SPI is charon's inbound SPI"
assert_eq 0 "$(grep -cF -- "$psk" "$IKE_DIR/west.log" || true)" "PSK absent from vtigwd's log"

assert_ok ctl west down
pid=$(cat "$IKE_DIR/west.pid")
assert_ok wait_for 15 bash -c "! kill -0 $pid"
rc=0; wait "$pid" || rc=$?
assert_eq 0 "$rc" "vtigwd exit status"
rm -f "$IKE_DIR/west.pid"
# The stock side saw the delete.
assert_ok wait_for 10 bash -c "! swanctl --list-sas --uri $vici | grep -q ESTABLISHED"
stop_charon
ip -n east link del vti0
assert_eq "" "$(ip -n west xfrm state; ip -n west xfrm policy; ip -n east xfrm state)" "no xfrm state/policy left"
