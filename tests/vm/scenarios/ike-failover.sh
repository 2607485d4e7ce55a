#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Routes follow the SAs, AWS-style failover (issue 6): west and east run two tunnels to the same
# LANs, a primary (route metric 100) and a backup (metric 200), each between its own outer
# addresses, with a per-tunnel DPD of 2 s / 8 s (restart). Traffic uses the primary; when the
# primary's peer side goes silent (east drops its packets), both sides declare the peer dead after
# the DPD timeout, demote the primary's routes and the traffic moves to the backup; when the
# primary returns, its routes are restored and the traffic moves back. With both tunnels dead the
# traffic is dropped, never sent in clear. Outages are measured from a continuous ping.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

DPD_TIMEOUT=8
ike_topology
# Traffic into a tunnel without an SA leaves a larval ACQUIRE state, which cannot be deleted and
# expires after xfrm_acq_expires (30 s): shortened so none is left when the scenario ends.
for ns in west east; do ip netns exec "$ns" sysctl -qw net.core.xfrm_acq_expires=3; done
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
for n in 1 2; do
  ip -n west addr add "192.0.2.1$n/24" dev wan0
  ip -n east addr add "192.0.2.2$n/24" dev wan0
done

# failover_config SITE: primary t1 (192.0.2.x1, vti1) and backup t2 (192.0.2.x2, vti2).
failover_config() {
  local site=$1 me=1 peer=2 lan=10.2.0.0/24 side=1 start=initiate
  [ "$site" = east ] && me=2 peer=1 lan=10.1.0.0/24 side=2 start=respond
  cat >"$IKE_DIR/$site.json" <<JSON
{"gateway": {"name": "$site", "local": ["192.0.2.${me}1", "192.0.2.${me}2"], "underlay": "wan0"},
 "defaults": {"ike_proposals": ["aes256gcm16-prfsha384-x25519"], "esp_proposals": ["aes256gcm16-x25519"],
              "dpd": {"interval": "2s", "timeout": "${DPD_TIMEOUT}s", "action": "restart"},
              "auth": {"psk_file": "$IKE_DIR/psk"}, "start_action": "$start"},
 "tunnels": [
  {"name": "primary", "local": "192.0.2.${me}1", "remote": "192.0.2.${peer}1", "interface": "vti1", "mark": 101,
   "local_id": "primary.$site.test", "remote_id": "primary.$( [ "$site" = west ] && echo east || echo west).test",
   "inside": {"local": "10.255.1.$side/30"}, "routes": [{"prefix": "$lan", "metric": 100}]},
  {"name": "backup", "local": "192.0.2.${me}2", "remote": "192.0.2.${peer}2", "interface": "vti2", "mark": 102,
   "local_id": "backup.$site.test", "remote_id": "backup.$( [ "$site" = west ] && echo east || echo west).test",
   "inside": {"local": "10.255.2.$side/30"}, "routes": [{"prefix": "$lan", "metric": 200}]}
 ]}
JSON
}
failover_config west
failover_config east

# field SITE TUNNEL FIELD: a field of one tunnel in the site's status.
field() { ctl "$1" status | jq -r ".tunnels[] | select(.name == \"$2\") | .$3"; }
up_at() { [ "$(field "$1" "$2" up)" = true ]; }
# metric SITE DEV: the metric of the site's route to the other LAN through DEV.
metric() { ip -n "$1" route show proto 213 | awk -v d="$2" '$0 ~ "dev " d " " {for (i = 1; i < NF; i++) if ($i == "metric") print $(i + 1)}'; }
# carried_by TUNNEL: 5 pings lan-w -> lan-e leave west through TUNNEL's SA (and not the other's).
carried_by() {
  local via=$1 other=primary out0 oth0
  [ "$via" = primary ] && other=backup
  out0=$(field west "$via" packets_out); oth0=$(field west "$other" packets_out)
  assert_ok in_ns lan-w ping -c 5 -i 0.2 -W 3 10.2.0.2
  assert_ge 5 "$(($(field west "$via" packets_out) - out0))" "pings leave west through $via"
  assert_eq 0 "$(($(field west "$other" packets_out) - oth0))" "no ping through $other"
}
# silence_primary_at_east on|off: east drops everything of the primary's outer address.
silence_primary_at_east() {
  if [ "$1" = on ]; then
    ip netns exec east nft -f - <<'NFT'
table inet failover-test {
  chain in { type filter hook prerouting priority -400; ip daddr 192.0.2.21 drop; }
  chain out { type filter hook output priority -400; ip saddr 192.0.2.21 drop; }
}
NFT
  else
    ip netns exec east nft delete table inet failover-test
  fi
}
# max_gap FILE FROM TO: the longest time in seconds without an answer of `ping -D` in FILE between
# FROM and TO (epoch seconds).
max_gap() {
  awk -v from="$2" -v to="$3" -F'[][]' '/bytes from/ { t = $2 + 0; if (t > to) next; if (t >= from) { g = t - prev; if (g > max) max = g } prev = t }
    END { g = to - prev; if (g > max) max = g; printf "%.1f", max }' "$1"
}

start_vtigwd east
start_vtigwd west
for t in primary backup; do
  assert_ok wait_for 90 up_at west "$t"
  assert_ok wait_for 20 up_at east "$t"
done
assert_eq 100 "$(metric west vti1)" "west primary route at its metric"
assert_eq 200 "$(metric west vti2)" "west backup route at its metric"
carried_by primary

cap=$(capture_start west wan0)
# Directly (not through a shell function): a background subshell would ignore SIGINT.
ip netns exec lan-w ping -D -i 0.2 -W 1 10.2.0.2 >"$IKE_DIR/ping.txt" 2>&1 &
echo $! >"$IKE_DIR/ping.pid"
on_exit "kill -INT \$(cat $IKE_DIR/ping.pid) 2>/dev/null"
sleep 2

log "--- primary's peer side goes silent"
silence_primary_at_east on
t_kill=$(date +%s.%N)
on_exit "ip netns exec east nft delete table inet failover-test 2>/dev/null"
demoted_west() { [ "$(metric west vti1)" -gt 1000000 ]; }
demoted_east() { [ "$(metric east vti1)" -gt 1000000 ]; }
assert_ok wait_for 60 demoted_west
assert_ok wait_for 30 demoted_east
sleep 3
assert_match "peer dead" "$(field west primary last_error)" "west names the cause"
carried_by backup

log "--- primary back"
t_back=$(date +%s.%N)
silence_primary_at_east off
assert_ok wait_for 120 up_at west primary
assert_ok wait_for 30 up_at east primary
promoted() { [ "$(metric west vti1)" = 100 ] && [ "$(metric east vti1)" = 100 ]; }
assert_ok wait_for 10 promoted
log "measured: primary back in $(awk -v a="$t_back" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s (DPD restart with backoff)"
carried_by primary
sleep 1
t_end=$(date +%s.%N)
kill -INT "$(cat "$IKE_DIR/ping.pid")"; wait "$(cat "$IKE_DIR/ping.pid")" || true
log "continuous ping: $(grep 'packets transmitted' "$IKE_DIR/ping.txt")"
# ping's output reaches the file when it exits (block-buffered): gaps are measured now.
gap=$(max_gap "$IKE_DIR/ping.txt" "$t_kill" "$t_back")
log "measured: outage when the primary died: ${gap} s without an answer (DPD timeout ${DPD_TIMEOUT} s)"
awk -v g="$gap" -v lim="$((DPD_TIMEOUT + 5))" 'BEGIN { exit !(g <= lim) }' ||
  fail "traffic moved to the backup after ${gap} s, more than the DPD timeout + 5 s"
log "ok: traffic on the backup ${gap} s after the primary died (<= DPD timeout + 5 s)"
log "measured: longest gap while the primary returned: $(max_gap "$IKE_DIR/ping.txt" "$t_back" "$t_end") s"
for s in west east; do
  assert_eq 2 "$(ip -n "$s" xfrm state | grep -cE 'src 192\.0\.2\.(11|21) ')" "$s: exactly one pair of primary SAs"
done

log "--- both tunnels dead: dropped, never in clear"
ip netns exec east nft -f - <<'NFT'
table inet failover-test {
  chain in { type filter hook prerouting priority -400; ip daddr { 192.0.2.21, 192.0.2.22 } drop; }
}
NFT
both_demoted() { [ "$(metric west vti1)" -gt 1000000 ] && [ "$(metric west vti2)" -gt 1000000 ]; }
assert_ok wait_for 60 both_demoted
assert_fail in_ns lan-w ping -c 3 -i 0.2 -W 1 10.2.0.2
capture_stop "$cap"
text=$(capture_text "$cap")
assert_eq 0 "$(printf '%s\n' "$text" | grep -c 'ICMP echo' || true)" "ICMP packets in clear on the underlay during the whole scenario"
ip netns exec east nft delete table inet failover-test
# grep -c, not -q: an early exit would SIGPIPE the left side and, under pipefail, turn a match
# into a failure that `!` would read as success.
no_larval() { [ "$( (ip -n west xfrm state; ip -n east xfrm state) | grep -c 'spi 0x00000000' || true)" = 0 ]; }
assert_ok wait_for 15 no_larval

down_both_sites
