#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash recovery (picture in ike-plugin/testing/ike-sites.sh): west's daemon is killed with
# SIGKILL with a tunnel running, at 16 points of its start-up (every 0.25 s from 0 to 3.75 s:
# before charon runs, during IKE, as the tunnel comes up), then at 6 points of a reload that
# re-establishes the tunnel and adds a route (23 kill points). After each kill, either
# `vtigw up --wait` converges (tunnel up, exactly one pair of SAs on each side, the stale SAs of
# the killed run removed, traffic passes) or `vtigw down` without a daemon removes every leftover
# (interface, policies, routes, nft table, SAs with the tunnel's mark).
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

psk_sites
assert_ok vtigw_up east --wait=60
assert_ok vtigw_up west --wait=90

# sas NS: the SAs in NS (charon's inbound VTI SA carries no mark, so count them all).
sas() { ip -n "$1" xfrm state | grep -c '^src ' || true; }
kill_west() {
  local pid
  pid=$(cat "$IKE_DIR/west.pid")
  kill -KILL "$pid" 2>/dev/null || true
  wait_for 10 gone "$pid"
  rm -f "$IKE_DIR/west.pid"
}
# owned_left: what vtigw owns on west, one line per object kind that is still there.
owned_left() {
  ip -n west -o link show | grep -q 'alias vtigw:' && echo "link"
  ip -n west xfrm policy | grep -q 'priority 2130' && echo "policy"
  [ -n "$(ip -n west route show table all proto 213)" ] && echo "route"
  ip netns exec west nft list table inet vtigw >/dev/null 2>&1 && echo "nft"
  [ "$(sas west)" -gt 0 ] && echo "sa"
  true
}
converged() {
  [ "$(tunnel_field west up)" = true ] && [ "$(sas west)" = 2 ] && [ "$(sas east)" = 2 ]
}

log "--- kill a running tunnel's daemon: SAs, interface and policies stay behind"
kill_west
assert_eq 2 "$(sas west)" "the killed run's two SAs are still in the kernel"
assert_eq 1 "$(ip -n west xfrm state | grep -c 'mark 0x2a/0xffffffff')" "the outbound one with the mark"
assert_match "link" "$(owned_left)" "its interface is still there"
assert_ok vtigw_up west --wait=90
assert_ok grep -q "removed 2 stale SA(s) left by an earlier run" "$IKE_DIR/west.log"
assert_ok wait_for 30 converged
assert_ok wait_for 30 in_ns lan-w ping -c 1 -W 1 10.2.0.2

log "--- SIGKILL at 16 points of start-up, alternately restarted and cleaned up with down"
kill_west
for i in $(seq 1 16); do
  delay=$(awk -v i="$i" 'BEGIN{printf "%.2f", (i - 1) * 0.25}')
  ip netns exec west "$VTIGW" run -c "$IKE_DIR/west.json" --control "$IKE_DIR/west.sock" \
    >>"$IKE_DIR/west.log" 2>&1 &
  echo "$!" >"$IKE_DIR/west.pid"
  sleep "$delay"
  kill_west
  if [ $((i % 2)) = 1 ]; then
    assert_ok vtigw_at west down
    assert_eq "" "$(owned_left)" "kill $i after ${delay} s, then down: nothing vtigw owns is left"
  else
    assert_ok vtigw_up west --wait=90
    assert_ok wait_for 30 converged
    log "kill $i after ${delay} s, then up: converged (1 tunnel up, 2 SAs on each side)"
  fi
done
assert_ok wait_for 30 in_ns lan-w ping -c 1 -W 1 10.2.0.2

log "--- SIGKILL at 6 points of a reload (the file changes the ESP proposals and adds a route)"
cp "$IKE_DIR/west.json" "$IKE_DIR/west-a.json"
jq '.tunnels[0].esp_proposals = ["aes256gcm16-x25519", "aes128gcm16-x25519"]
    | .tunnels[0].routes += [{"prefix": "10.2.9.0/24"}]' "$IKE_DIR/west-a.json" >"$IKE_DIR/west-b.json"
routes_of() { ip -n west route show proto 213 | awk '{print $1}' | sort | tr '\n' ' '; }
for i in $(seq 1 6); do
  delay=$(awk -v i="$i" 'BEGIN{printf "%.2f", (i - 1) * 0.3}')
  if [ $((i % 2)) = 1 ]; then next=b want="10.2.0.0/24 10.2.9.0/24 "; else next=a want="10.2.0.0/24 "; fi
  cp "$IKE_DIR/west-$next.json" "$IKE_DIR/west.json"
  vtigw_at west reload >/dev/null 2>&1 &
  reload_pid=$!
  sleep "$delay"
  kill_west
  wait "$reload_pid" 2>/dev/null || true
  if [ "$i" = 3 ]; then
    assert_ok vtigw_at west down
    assert_eq "" "$(owned_left)" "reload kill $i after ${delay} s, then down: nothing vtigw owns is left"
  fi
  assert_ok vtigw_up west --wait=90
  assert_ok wait_for 30 converged
  assert_eq "$want" "$(routes_of)" "reload kill $i after ${delay} s, then up with file $next: exactly its routes"
  log "reload kill $i after ${delay} s, then up: converged (1 tunnel up, 2 SAs on each side)"
done
assert_ok wait_for 30 in_ns lan-w ping -c 1 -W 1 10.2.0.2
down_both_sites
