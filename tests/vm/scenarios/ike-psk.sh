#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IKEv2 with a pre-shared key between two vtigwd sites (picture in ike-plugin/testing/ike-sites.sh):
# the tunnel comes up, pings between the LANs cross the VTI as ESP (nothing in clear), status
# over the control socket shows SPIs and counters matching the traffic, and `down` on both sides
# removes everything (the harness then checks no xfrm state/policy, link, route, nft table or
# process is left).
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

psk_sites

start_vtigwd east
# Measured: from starting the initiator to the first ping answered through the tunnel.
t0=$(date +%s.%N)
start_vtigwd west
assert_ok wait_for 60 in_ns lan-w ping -c 1 -W 1 10.2.0.2
t1=$(date +%s.%N)
log "measured: west daemon start to first ping through the tunnel: $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s"
assert_ok tunnel_up west
assert_ok tunnel_up east
log "measured: vtigwd RSS with 1 tunnel: west $(awk '/VmRSS/{print $2,$3}' /proc/"$(cat "$IKE_DIR/west.pid")"/status), east $(awk '/VmRSS/{print $2,$3}' /proc/"$(cat "$IKE_DIR/east.pid")"/status)"

# Counters before, traffic, counters after.
out0=$(tunnel_field west packets_out)
in0=$(tunnel_field east packets_in)
esp_only_ping

status_w=$(ctl west status)
status_e=$(ctl east status)
log "west status: $status_w"
log "east status: $status_e"
assert_eq ESTABLISHED "$(jq -r '.tunnels[0].ike_state' <<<"$status_w")" "west IKE_SA state"
assert_eq INSTALLED "$(jq -r '.tunnels[0].child_state' <<<"$status_w")" "west CHILD_SA state"
assert_eq ESTABLISHED "$(jq -r '.tunnels[0].ike_state' <<<"$status_e")" "east IKE_SA state"
# West's outbound SPI is east's inbound SPI and vice versa; both are in the kernel with mark 42.
spi_w_out=$(jq -r '.tunnels[0].spi_out' <<<"$status_w")
spi_e_in=$(jq -r '.tunnels[0].spi_in' <<<"$status_e")
assert_eq "$spi_w_out" "$spi_e_in" "west's outbound SPI is east's inbound SPI"
assert_eq "$(jq -r '.tunnels[0].spi_in' <<<"$status_w")" "$(jq -r '.tunnels[0].spi_out' <<<"$status_e")" "east's outbound SPI is west's inbound SPI"
assert_match "spi 0x$(printf '%08x' "$spi_w_out")" "$(ip -n west xfrm state)" "west's outbound SA in the kernel"
assert_match "mark 0x2a/0xffffffff" "$(ip -n west xfrm state)" "SAs carry the VTI mark"
assert_eq 6 "$(ip -n west xfrm policy | grep -cE 'dir (in|out|fwd)')" "six policies, vtigw's (out/in/fwd x IPv4/IPv6); charon installed none"
assert_eq 6 "$(ip -n west xfrm policy | grep -cE 'dir (in|out|fwd) .*priority 2130')" "all with vtigw's priority"
out1=$(jq -r '.tunnels[0].packets_out' <<<"$status_w")
in1=$(jq -r '.tunnels[0].packets_in' <<<"$status_e")
assert_ge 5 "$((out1 - out0))" "west outbound packets counted for 5 pings"
assert_ge 5 "$((in1 - in0))" "east inbound packets counted for 5 pings"
assert_ge 0 "$(jq -r '.tunnels[0].established_seconds' <<<"$status_w")" "west established time"
assert_eq "" "$(jq -r '.tunnels[0].last_error' <<<"$status_w")" "no error on west"
# Counters reflect exactly the traffic (no other packets cross the tunnel).
assert_eq "$((out1 - out0))" "$((in1 - in0))" "west sent what east received"

# Secrets never logged.
psk=$(head -1 "$IKE_DIR/psk")
assert_eq 0 "$(cat "$IKE_DIR"/west.log "$IKE_DIR"/east.log | grep -cF -- "$psk" || true)" "PSK absent from the logs"
assert_eq 600 "$(stat -c %a "$IKE_DIR/west.sock")" "control socket mode"

# down on both: everything vtigw made goes away, the daemons exit 0.
down_both_sites
