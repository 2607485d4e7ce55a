#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vtigwd with 100 configured tunnels (responders, so no IKE traffic): the daemon comes up with
# 100 VTIs, status lists all 100, and `down` removes every one. Measures the daemon's RSS with
# 1 and with 100 tunnels in the same namespace.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

netns_add west
ip -n west link add wan0 type veth peer name wan1
ip -n west link set wan0 up
ip -n west link set wan1 up
ip -n west addr add 192.0.2.1/24 dev wan0
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"

# scale_config N: $IKE_DIR/west.json with N responder tunnels.
scale_config() {
  local n=$1 i
  {
    printf '{"gateway": {"name": "west", "local": "192.0.2.1", "underlay": "wan0"},\n'
    printf ' "defaults": {"ike_proposals": ["aes256gcm16-prfsha384-x25519"], "esp_proposals": ["aes256gcm16-x25519"]},\n'
    printf ' "tunnels": [\n'
    for ((i = 0; i < n; i++)); do
      [ "$i" = 0 ] || printf ',\n'
      printf '  {"name": "t%d", "remote": "198.51.%d.%d", "auth": {"psk_file": "%s"}, "kind": "vti",' \
        "$i" $((100 + i / 200)) $((1 + i % 200)) "$IKE_DIR/psk"
      printf ' "interface": "vti%d", "mark": %d, "start_action": "respond",' "$i" $((100 + i))
      printf ' "inside": {"local": "10.%d.%d.1/30"}, "routes": [{"prefix": "10.200.%d.0/24"}]}' \
        $((100 + i / 64)) $(((i % 64) * 4)) "$i"
    done
    printf '\n ]}\n'
  } >"$IKE_DIR/west.json"
}

rss() { awk '/VmRSS/{print $2}' "/proc/$(cat "$IKE_DIR/west.pid")/status"; }

for n in 1 100; do
  scale_config "$n"
  assert_ok "$VTIGW_BUILD/gateway/vtigw" check -c "$IKE_DIR/west.json"
  t0=$(date +%s.%N)
  start_vtigwd west
  log "measured: vtigwd with $n tunnel(s) ready (control socket up) in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s"
  sleep 2
  log "measured: vtigwd RSS with $n tunnel(s): $(rss) kB"
  assert_eq "$n" "$(ctl west status | jq '.tunnels | length')" "status lists every configured tunnel"
  assert_eq "$n" "$(ip -n west -o link show type vti | grep -cE ': vti[0-9]+@')" "VTIs created"
  assert_ok ctl west down
  pid=$(cat "$IKE_DIR/west.pid")
  assert_ok wait_for 30 bash -c "! kill -0 $pid"
  rc=0; wait "$pid" || rc=$?
  assert_eq 0 "$rc" "vtigwd exit status"
  rm -f "$IKE_DIR/west.pid"
  assert_eq 0 "$(ip -n west -o link show type vti | grep -cE ': vti[0-9]+@' || true)" "no VTI left"
  assert_eq "" "$(ip -n west xfrm policy)" "no xfrm policy left"
done
