#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reload without flaps (issue 6): four tunnels between west and east; `vtigw plan` predicts the
# reload, then one tunnel's ESP proposal changes and a fifth tunnel is added. The three untouched
# tunnels keep their IKE_SA ids and SPIs on both sides and pings through them lose nothing during
# the reloads; the changed tunnel is re-established (new SPIs, the new cipher in the kernel); the
# added one comes up. An invalid file changes nothing and names the field; removing a tunnel by
# SIGHUP (east) and by `vtigw reload` (west) removes its SAs, interface and policies.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

ike_topology
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
# Each tunnel N runs between its own outer addresses (the kernel allows one VTI per address pair),
# west 192.0.2.1N and east 192.0.2.2N, and routes a /24 of the other site: east answers on
# 10.2.N.1, west on 10.1.N.1.
for n in 1 2 3 4 5; do
  ip -n west addr add "192.0.2.1$n/24" dev wan0
  ip -n east addr add "192.0.2.2$n/24" dev wan0
  ip -n east addr add "10.2.$n.1/24" dev lo
  ip -n west addr add "10.1.$n.1/24" dev lo
done

# tunnel_json SITE N ESP: one tunnel object.
tunnel_json() {
  local site=$1 n=$2 esp=$3 local remote peer inside lan start
  if [ "$site" = west ]; then
    local=192.0.2.1$n remote=192.0.2.2$n peer=east inside="10.255.$n.1/30" lan="10.2.$n.0/24" start=initiate
  else
    local=192.0.2.2$n remote=192.0.2.1$n peer=west inside="10.255.$n.2/30" lan="10.1.$n.0/24" start=respond
  fi
  cat <<JSON
    {"name": "t$n", "local": "$local", "remote": "$remote", "local_id": "t$n.$site.vtigw.test",
     "remote_id": "t$n.$peer.vtigw.test", "auth": {"psk_file": "$IKE_DIR/psk"},
     "interface": "vti$n", "mark": $((100 + n)), "esp_proposals": [$esp],
     "inside": {"local": "$inside"}, "routes": [{"prefix": "$lan"}], "start_action": "$start"}
JSON
}

# write_config SITE FILE ESP4 TUNNELS…: SITE's configuration with the given tunnel numbers;
# tunnel 4 uses ESP4, the others AES-256-GCM.
write_config() {
  local site=$1 file=$2 esp4=$3 n sep="" locals=1
  shift 3
  [ "$site" = east ] && locals=2
  {
    printf '{"gateway": {"name": "%s", "underlay": "wan0",\n' "$site"
    printf '  "local": ["192.0.2.%s1", "192.0.2.%s2", "192.0.2.%s3", "192.0.2.%s4", "192.0.2.%s5"]},\n' \
      $locals $locals $locals $locals $locals
    printf ' "defaults": {"ike_proposals": ["aes256gcm16-prfsha384-x25519"]},\n "tunnels": [\n'
    for n in "$@"; do
      printf '%s' "$sep"
      if [ "$n" = 4 ]; then tunnel_json "$site" "$n" "$esp4"; else tunnel_json "$site" "$n" '"aes256gcm16-x25519"'; fi
      sep=","
    done
    printf ' ]}\n'
  } >"$file"
}

A256='"aes256gcm16-x25519"'
write_config west "$IKE_DIR/west.json" "$A256" 1 2 3 4
write_config east "$IKE_DIR/east.json" "$A256" 1 2 3 4

# sa_ids SITE: "name ike_sa_id spi_in spi_out" per tunnel.
sa_ids() { ctl "$1" status | jq -r '.tunnels[] | "\(.name) \(.ike_sa_id) \(.spi_in) \(.spi_out)"'; }
# sa_of SITE TUNNEL: that tunnel's line of sa_ids.
sa_of() { sa_ids "$1" | grep "^$2 "; }

start_vtigwd east
start_vtigwd west
assert_ok wait_for 90 all_up west 4
assert_ok wait_for 10 all_up east 4
for n in 1 2 3 4; do assert_ok in_ns west ping -c 1 -W 5 "10.2.$n.1"; done
before_w=$(sa_ids west)
before_e=$(sa_ids east)
log "before: west $(echo $before_w) / east $(echo $before_e)"

# Pings through the three untouched tunnels for the whole reload.
for n in 1 2 3; do
  ip netns exec west ping -i 0.2 -W 2 "10.2.$n.1" >"$IKE_DIR/ping$n.txt" 2>&1 &
  echo $! >"$IKE_DIR/ping$n.pid"
done
on_exit "for n in 1 2 3; do kill -INT \$(cat $IKE_DIR/ping\$n.pid 2>/dev/null) 2>/dev/null; done"
sleep 2

# The new files: tunnel 4 moves to AES-128-GCM (east accepts both while the two sides are
# reloaded one after the other), tunnel 5 is added.
A128='"aes128gcm16-x25519"'
write_config east "$IKE_DIR/east-2.json" "$A128, $A256" 1 2 3 4 5
write_config west "$IKE_DIR/west-2.json" "$A128" 1 2 3 4 5

# The plan predicts the reload and changes nothing.
plan=$(vtigw_at west plan -c "$IKE_DIR/west-2.json")
printf '%s\n' "$plan" | sed 's/^/    plan: /' >&2
for n in 1 2 3; do assert_match "^  keep t$n: SAs and kernel objects stay" "$plan" "plan keeps t$n"; done
assert_match "^  re-establish t4 \(changed: esp_proposals\)" "$plan" "plan re-establishes t4"
assert_match "^  add t5$" "$plan" "plan adds t5"
assert_match "ip link add vti5 .*type vti" "$plan" "plan creates vti5"
assert_eq 0 "$(printf '%s\n' "$plan" | grep -cE '^  (add|modify|remove) tunnel t[1-3]:' || true)" "kernel changes for t1-t3 in the plan"
# t4 starts again without a CHILD_SA: its route is demoted until the new one is installed.
assert_match "^  (add|remove) tunnel t4: .*route 10\.2\.4\.0/24 .*metric 1048576" "$plan" "plan demotes t4's route"
assert_eq "$before_w" "$(sa_ids west)" "plan changed no SA"
json_plan=$(vtigw_at west plan --json -c "$IKE_DIR/west-2.json")
assert_eq "re-establish" "$(jq -r '.changes[] | select(.scope == "ike" and .tunnel == "t4") | .action' <<<"$json_plan")" "plan --json: t4"

t0=$(date +%s.%N)
assert_ok vtigw_at east reload -c "$IKE_DIR/east-2.json"
assert_ok vtigw_at west reload -c "$IKE_DIR/west-2.json"
assert_ok wait_for 60 all_up west 5
assert_ok wait_for 10 all_up east 5
log "measured: both reloads to 5 tunnels up: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
for n in 4 5; do assert_ok in_ns west ping -c 1 -W 5 "10.2.$n.1"; done
sleep 2

for n in 1 2 3; do
  assert_eq "$(grep "^t$n " <<<"$before_w")" "$(sa_of west "t$n")" "west t$n keeps its IKE_SA id and SPIs"
  assert_eq "$(grep "^t$n " <<<"$before_e")" "$(sa_of east "t$n")" "east t$n keeps its IKE_SA id and SPIs"
done
old4=$(grep "^t4 " <<<"$before_w")
new4=$(sa_of west t4)
[ "$old4" != "$new4" ] || fail "t4 was not re-established: $new4"
log "ok: t4 re-established ($old4 -> $new4)"
spi4_out=$(awk '{print $4}' <<<"$new4")
# AES-128-GCM: a 160-bit key (128 + 32-bit salt) on t4's outbound SA.
sa4=$(ip -n west xfrm state | grep -A6 "spi $(printf '0x%08x' "$spi4_out")")
assert_match "rfc4106\(gcm\(aes\)\) 0x[0-9a-f]{40} 128" "$sa4" "t4's new SA uses AES-128-GCM"

for n in 1 2 3; do
  kill -INT "$(cat "$IKE_DIR/ping$n.pid")"
  wait "$(cat "$IKE_DIR/ping$n.pid")" || true
  stats=$(grep 'packets transmitted' "$IKE_DIR/ping$n.txt")
  log "pings through t$n during the reload: $stats"
  sent=$(awk '{print $1}' <<<"$stats")
  received=$(awk '{print $4}' <<<"$stats")
  assert_ge 20 "$sent" "pings sent through t$n"
  assert_eq "$sent" "$received" "every ping through t$n answered"
done

# An invalid file changes nothing and names the field.
sed 's/"mark": 102/"mark": "102x"/' "$IKE_DIR/west-2.json" >"$IKE_DIR/west-bad.json"
rc=0; out=$(vtigw_at west reload -c "$IKE_DIR/west-bad.json" 2>&1) || rc=$?
printf '%s\n' "$out" | sed 's/^/    /' >&2
assert_eq 1 "$rc" "reload of an invalid file exits 1"
assert_match "/tunnels/1/mark" "$out" "the error names the field"
assert_match "nothing changed" "$out" "the error says nothing changed"
after_w=$(sa_ids west)
assert_ok all_up west 5

# Tunnel 5 removed: east by SIGHUP on its current file, west by reload.
write_config east "$IKE_DIR/east-2.json" "$A128, $A256" 1 2 3 4
kill -HUP "$(cat "$IKE_DIR/east.pid")"
write_config west "$IKE_DIR/west-3.json" "$A128" 1 2 3 4
assert_ok vtigw_at west reload -c "$IKE_DIR/west-3.json"
assert_ok wait_for 30 grep -q "reload: done (4 tunnel(s)" "$IKE_DIR/east.log"
assert_ok wait_for 30 all_up west 4
assert_eq "$(grep -v '^t5 ' <<<"$after_w")" "$(sa_ids west)" "west t1-t4 untouched by removing t5"
for s in west east; do
  assert_fail ip -n "$s" link show vti5
  assert_eq 0 "$(ip -n "$s" xfrm policy | grep -c 'mark 0x69/' || true)" "$s: no policy with t5's mark left"
  assert_eq 0 "$(ip -n "$s" xfrm state | grep -cE 'src 192\.0\.2\.(15|25) ' || true)" "$s: no SA of t5's addresses left"
done
assert_fail in_ns west ping -c 1 -W 1 10.2.5.1

down_both_sites
