#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A branch behind a port-changing NAT (picture in ike-plugin/testing/nat-sites.sh): the branch
# (west, private address) brings its tunnel up to the datacenter (east); IKE moves to UDP 4500 and
# ESP is UDP-encapsulated, so the NAT's outside carries only UDP 500/4500 (no raw ESP); both
# daemons' status (JSON and table) shows which side the NAT is on and the ports in use; the MTU
# "auto" derived (with the UDP header) is exactly the largest DF packet that crosses the NAT
# unfragmented, one byte more is refused; a forwarded SYN carries the clamped MSS and a 2 MB TCP
# transfer arrives intact; the configured NAT keepalive (2 s) is sent while the branch is idle.
# Then the NAT's mapping is flushed (`conntrack -F`) twice: with the branch sending, its next ESP
# packet opens a new mapping and the datacenter's kernel reports it to charon, which moves the
# SAs to the new port; with only the datacenter sending, the branch's next DPD (interval 3 s)
# opens it. Both times the same IKE_SA carries on and the outage is measured and bounded.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
source "$VTIGW_SRC/ike-plugin/testing/nat-sites.sh"
on_exit show_logs
start=$(date +%s.%N)

DPD_INTERVAL=3
nat_topology
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
nat_site_configs "$IKE_DIR/psk" 2s "${DPD_INTERVAL}s"

# --- up behind the NAT ---------------------------------------------------------------------------
cap=$(capture_start nat wan0)
assert_ok vtigw_up east --wait=60
t0=$(date +%s.%N)
assert_ok vtigw_up west --wait=90
assert_ok wait_for 30 in_ns lan-w ping -c 1 -W 1 10.2.0.2
log "measured: vtigw up (branch) to first ping answered through the NAT: $(since "$t0") s"
assert_ok wait_for 10 tunnel_up east

sw=$(ctl west status)
se=$(ctl east status)
log "branch status: $sw"
log "datacenter status: $se"
nat_port=$(jq -r '.tunnels[0].ike_remote_port' <<<"$se")
assert_eq "true false true" "$(jq -r '.tunnels[0] | "\(.nat_local) \(.nat_remote) \(.udp_encap)"' <<<"$sw")" \
  "branch: NAT detected on its own side (local), ESP in UDP"
assert_eq "false true true" "$(jq -r '.tunnels[0] | "\(.nat_local) \(.nat_remote) \(.udp_encap)"' <<<"$se")" \
  "datacenter: NAT detected on the peer's side (remote), ESP in UDP"
assert_eq "192.168.1.2 4500 192.0.2.2 4500" \
  "$(jq -r '.tunnels[0] | "\(.ike_local_address) \(.ike_local_port) \(.ike_remote_address) \(.ike_remote_port)"' <<<"$sw")" \
  "branch: IKE on UDP 4500 at both ends, as the branch sees them"
assert_eq "192.0.2.2 4500 192.0.2.1" \
  "$(jq -r '.tunnels[0] | "\(.ike_local_address) \(.ike_local_port) \(.ike_remote_address)"' <<<"$se")" \
  "datacenter: IKE from the NAT's public address"
[ "$nat_port" != 4500 ] && [ "$nat_port" -gt 0 ] || fail "the NAT kept port 4500 ($nat_port): not a port-changing NAT"
log "ok: the NAT mapped the branch's UDP 4500 to port $nat_port"
assert_eq "4500 4500" "$(encap_ports west)" "branch's SAs: ESP in UDP 4500 -> 4500"
assert_eq "$(both_ways 4500 "$nat_port")" "$(encap_ports east)" "datacenter's SAs: ESP in UDP 4500 -> the NAT's port"
assert_match "local udp 4500/4500" "$(vtigw_at west status)" "branch status table: NAT local, UDP ports"
assert_match "remote udp 4500/$nat_port" "$(vtigw_at east status)" "datacenter status table: NAT remote, UDP ports"

# --- MTU / MSS with the UDP header: exact through the NAT ---------------------------------------
mtu=$("$VTIGW" mtu --esp aes256gcm16 --underlay-mtu 1500 --natt)
assert_eq "$mtu" "$(ip -n west -o link show vti0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" "branch VTI MTU is the NAT-T MTU for 1500"
assert_ok in_ns lan-w ping -M do -c 1 -W 3 -s $((mtu - 28)) 10.2.0.2
assert_fail in_ns lan-w ping -M do -c 1 -W 3 -s $((mtu - 27)) 10.2.0.2
assert_eq $((mtu - 40)) "$(syn_mss lan-w lan-e 10.2.0.2)" "SYN's MSS at the datacenter LAN (clamped to MTU - 40)"

# TCP: 2 MB from the branch LAN to the datacenter LAN.
head -c 2000000 /dev/urandom >"$IKE_DIR/payload"
in_ns lan-e nc -l 5002 >"$IKE_DIR/received" &
nc_pid=$!
on_exit "kill $nc_pid 2>/dev/null"
assert_ok wait_for 10 bash -c "ip netns exec lan-e ss -ltn | grep -q ':5002 '"
assert_ok in_ns lan-w timeout 120 nc -N 10.2.0.2 5002 <"$IKE_DIR/payload"
assert_ok wait_for 30 gone "$nc_pid"
assert_eq "$(sha256sum <"$IKE_DIR/payload")" "$(sha256sum <"$IKE_DIR/received")" "2 MB TCP transfer arrived intact"

# Idle: NAT keepalives (one 0xff byte to 4500) every 2 s keep the mapping; two of them within
# 15 s (with charon's default of 20 s there would be none).
keepalives() { tcpdump -n -r "$cap.pcap" 'src host 192.0.2.1 and dst port 4500 and udp[4:2] = 9 and udp[8] = 0xff' 2>/dev/null | wc -l; }
t=$(date +%s.%N)
two_keepalives() { [ "$(keepalives)" -ge 2 ]; }
assert_ok wait_for 15 two_keepalives
log "measured: two NAT keepalives seen $(since "$t") s into the idle period"
capture_stop "$cap"
outside_capture_check "$cap" 1000
largest=$(tcpdump -n -v -r "$cap.pcap" 'udp port 4500' 2>/dev/null | sed -n 's/.*proto UDP (17), length \([0-9]*\)).*/\1/p' | sort -n | tail -1)
assert_eq 1500 "$largest" "largest ESP-in-UDP packet on the NAT's outside (the MTU-sized ping fills the underlay)"
assert_eq 0 "$(tcpdump -n -v -r "$cap.pcap" 'ip[6:2] & 0x3fff != 0' 2>/dev/null | wc -l)" "fragments on the NAT's outside"
assert_ge 2 "$(keepalives)" "NAT keepalives from the branch (2 s interval)"

# --- the NAT forgets its mapping ---------------------------------------------------------------
ike_id=$(jq -r '.tunnels[0].ike_sa_id' <<<"$se")
# flush_and_measure WHO FROM TO BOUND: flush the NAT's conntrack table while pings go from
# namespace FROM to address TO; the seconds until one is answered again must stay within BOUND.
flush_and_measure() {
  local who=$1 from=$2 to=$3 bound=$4 t outage port
  assert_ok in_ns "$from" ping -c 1 -W 2 "$to"
  assert_ok in_ns nat conntrack -F
  t=$(date +%s.%N)
  assert_ok wait_for 60 in_ns "$from" ping -c 1 -W 1 "$to"
  outage=$(since "$t")
  log "measured: $who sending: traffic flows again $outage s after the NAT's mapping was flushed (bound $bound s)"
  awk -v o="$outage" -v b="$bound" 'BEGIN{exit !(o <= b)}' || fail "outage $outage s is above the bound $bound s"
  port=$(ctl east status | jq -r '.tunnels[0].ike_remote_port')
  encap_follows() { [ "$(encap_ports east)" = "$(both_ways 4500 "$port")" ]; }
  assert_ok wait_for 10 encap_follows
  log "ok: datacenter follows the new mapping: IKE and ESP to port $port (was $nat_port)"
  [ "$port" != "$nat_port" ] || fail "the NAT mapped the branch to the same port $port again"
  nat_port=$port
  assert_eq "$ike_id" "$(ctl east status | jq -r '.tunnels[0].ike_sa_id')" "the same IKE_SA carries on (datacenter)"
  assert_eq "1 1" "$(ctl east status | jq -r '.tunnels[0] | "\(.ike_sas) \(.child_sas)"')" "one IKE_SA, one CHILD_SA"
}
# The branch sends: its next ESP packet opens a new mapping at once.
flush_and_measure "branch" lan-w 10.2.0.2 10
# Only the datacenter sends (nothing reaches the branch, which stays silent but for keepalives the
# datacenter's kernel drops): the branch's DPD, sent DPD_INTERVAL s after it last heard from the
# datacenter, brings the new port. Bound: DPD interval + 12 s for retransmits under TCG.
flush_and_measure "datacenter only" lan-e 10.1.0.2 $((DPD_INTERVAL + 12))
assert_eq true "$(tunnel_field west up)" "branch still up"
assert_eq 0 "$(grep -cF -- "$(cat "$IKE_DIR/psk")" "$IKE_DIR/west.log" "$IKE_DIR/east.log" | awk -F: '{s+=$2} END{print s}')" "PSK absent from both logs"

down_both_sites
log "measured: nat-branch total $(since "$start") s"
