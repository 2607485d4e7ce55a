#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crossing initiations (issue 6, "never leave duplicate IKE or CHILD SAs"): three tunnels between
# west and east (picture in ike-plugin/testing/ike-sites.sh), both sides set to initiate, so every
# tunnel is negotiated twice at once. An nft table of this test in west's namespace shapes how:
# - a "crossed" round (1): all IKE is held back while both daemons start, then only IKE_AUTH
#   responses, until each side has established the peer's IKE_SA as responder. Then the held
#   responses' retransmits establish each side's own IKE_SA too: both sides hold both IKE_SAs
#   (strongSwan's uniqueness check ran while the other was still connecting, and keeps both).
#   vtigw's rule must delete the same one on both sides.
# - a "staggered" round (2): all IKE is held back, then let through at once; the retransmitted
#   exchanges finish one after the other and strongSwan's uniqueness policy deletes one.
# After each round, on each side exactly one IKE_SA per tunnel, both sides holding the same one
# (same SPIs), two installed SAs (one CHILD_SA) and a ping through each tunnel; still so after a
# hold, once every duplicate check has run. Round 1 ends by SIGKILL of both daemons (the next
# ones start with the killed runs' SAs in the kernel).
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs
on_exit 'cat "$IKE_DIR"/runs.log >&7 2>/dev/null'

N=3
ROUNDS=2
multi_sites "$N" initiate initiate

# hold_ike all|auth-responses: drop (in west's namespace, both ways) all IKE, or only IKE_AUTH
# responses (exchange type 35 at byte 18 of the IKE header, the response flag 0x20 at byte 19;
# no NAT here, so IKE stays on port 500 without a non-ESP marker). The table is replaced in one
# transaction: a moment without it would let a whole exchange through.
hold_ike() {
  local match='udp dport { 500, 4500 }'
  [ "$1" = all ] || match='udp dport 500 @th,208,8 35 @th,216,8 & 0x20 == 0x20'
  in_ns west nft -f - <<EOF
table inet crossing_test
delete table inet crossing_test
table inet crossing_test {
  chain in { type filter hook input priority -10; $match counter drop; }
  chain out { type filter hook output priority -10; $match counter drop; }
}
EOF
}
release_ike() { in_ns west nft delete table inet crossing_test; }
held_packets() { in_ns west nft list table inet crossing_test | awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'; }

# connecting_everywhere: every tunnel has an IKE_SA on both sides (connecting, IKE held back).
connecting_everywhere() {
  local s
  for s in west east; do
    [ "$(ctl "$s" status | jq '[.tunnels[] | select(.ike_state != "")] | length')" = "$N" ] || return 1
  done
}
# established SITE K: how many IKE_SAs of tK the site's daemon saw established in this run.
established() { grep -c "tunnel t$2: IKE_SA established" "$IKE_DIR/$1.log" || true; }
converged() {
  local s k
  for s in west east; do
    for ((k = 1; k <= N; k++)); do
      [ "$(live_ikes "$s" "$k")" = 1 ] && [ "$(sas_of "$s" "$k")" = 2 ] || return 1
    done
  done
  both_sites_up "$N"
}
# kept SITE: per tunnel, "NAME IKE_SA-id SPI_I_SPI_R" (one status call).
kept() { ctl "$1" status | jq -r '.tunnels[] | "\(.name) \(.ike_sa_id) \(.ike_spi_i)_\(.ike_spi_r)"'; }

# live_everywhere COUNT: every tunnel has COUNT live IKE_SAs on both sides.
live_everywhere() {
  local s k
  for s in west east; do
    for ((k = 1; k <= N; k++)); do [ "$(live_ikes "$s" "$k")" = "$1" ] || return 1; done
  done
}

crossed=0 resolved_by_rule=0
for round in $(seq 1 "$ROUNDS"); do
  if [ "$round" = 2 ]; then kind=staggered; else kind=crossed; fi
  log "--- round $round ($kind): both daemons start while IKE is held back"
  hold_ike all
  start_vtigwd west
  start_vtigwd east
  assert_ok wait_for 30 connecting_everywhere
  sleep 1  # both sides have sent IKE_SA_INIT at least once
  if [ "$kind" = crossed ]; then
    hold_ike auth-responses
    assert_ok wait_for 30 live_everywhere 1
    assert_ge 1 "$(held_packets)" "IKE_AUTH responses held back"
    t0=$(date +%s.%N)
    release_ike
    # Both sides now hold both IKE_SAs of every tunnel, until the duplicate check.
    assert_ok wait_for 15 live_everywhere 2
    t_last=$(date +%s.%N)
    crossed=$((crossed + N))
    log "measured: round $round: every tunnel has two IKE_SAs on both sides"
  else
    t0=$(date +%s.%N)
    release_ike
  fi
  if ! wait_for 90 converged; then
    for s in west east; do
      for ((k = 1; k <= N; k++)); do log "$s t$k: $(live_ikes "$s" "$k") IKE_SAs, $(sas_of "$s" "$k") SAs"; done
    done
    fail "round $round: not one IKE_SA and one CHILD_SA per tunnel and side within 90 s"
  fi
  # staggered: every tunnel's second IKE_SA came up before this
  [ "$kind" = crossed ] || t_last=$(date +%s.%N)
  log "measured: round $round: IKE let through to one SA pair per tunnel on both sides: $(since "$t0") s"
  west_kept=$(kept west) east_kept=$(kept east)
  for ((k = 1; k <= N; k++)); do
    log "t$k: IKE_SAs established: west $(established west "$k"), east $(established east "$k")"
    assert_eq "$(awk -v t="t$k" '$1 == t { print $3 }' <<<"$west_kept")" \
      "$(awk -v t="t$k" '$1 == t { print $3 }' <<<"$east_kept")" "round $round: t$k: both sides keep the same IKE_SA"
  done
  for ((k = 1; k <= N; k++)); do
    rule=$(cat "$IKE_DIR/west.log" "$IKE_DIR/east.log" | grep -c "tunnel t$k: deleting duplicate IKE_SA" || true)
    resolved_by_rule=$((resolved_by_rule + rule))
    log "round $round: t$k: duplicate IKE_SAs deleted by vtigw's rule: $rule"
    [ "$kind" = staggered ] || assert_ge 1 "$rule" "round $round: t$k: vtigw's rule deleted the duplicate"
  done
  # Every duplicate check runs 15 s after an IKE_SA comes up (the last came up before t_last);
  # strongSwan's own delete of a suspected reauthentication 10 s after. The kept SAs must
  # outlive both.
  rest=$(awk -v a="$t_last" -v b="$(date +%s.%N)" 'BEGIN { r = a + 17 - b; printf "%.1f", (r > 0 ? r : 0) }')
  log "holding $rest s more"
  sleep "$rest"
  assert_eq "$west_kept" "$(kept west)" "round $round: west kept its IKE_SAs"
  assert_eq "$east_kept" "$(kept east)" "round $round: east kept its IKE_SAs"
  for ((k = 1; k <= N; k++)); do
    for s in west east; do
      assert_eq 1 "$(live_ikes "$s" "$k")" "round $round: $s t$k has one IKE_SA"
      assert_eq 2 "$(sas_of "$s" "$k")" "round $round: $s t$k has two installed SAs"
    done
    assert_ok wait_for 20 in_ns west ping -c 1 -W 1 "10.255.$k.2"
  done
  assert_ok wait_for 20 in_ns lan-w ping -c 1 -W 1 10.2.0.2
  if [ "$round" -lt "$ROUNDS" ]; then
    for s in west east; do
      kill -KILL "$(cat "$IKE_DIR/$s.pid")"
    done
    for s in west east; do
      pid=$(cat "$IKE_DIR/$s.pid")
      assert_ok wait_for 30 gone "$pid"
      wait "$pid" 2>/dev/null || true
      rm -f "$IKE_DIR/$s.pid" "$IKE_DIR/$s.sock"
      { echo "--- $s run ended by SIGKILL (round $round)"; cat "$IKE_DIR/$s.log"; } >>"$IKE_DIR/runs.log"
    done
  fi
done
log "measured: tunnels holding two IKE_SAs on both sides: $crossed; duplicates deleted by vtigw's rule (either side): $resolved_by_rule"
down_both_sites
