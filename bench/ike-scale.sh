#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/ike-scale: N IKEv2 tunnels between two vtigw gateways against the same N between two stock
# strongSwan charons (swanctl, an updown script creating the interfaces), in one boot of the real
# kernel. Not a test: run it through the VM harness, e.g.
#   BENCH_IKE_SCALE_TUNNELS="10 100 1000" VTIGW_BUILD=build \
#     tests/vm/run-scenario --timeout 7200 --scenario-timeout 7100 bench/ike-scale.sh
# Knobs: BENCH_IKE_SCALE_TUNNELS (default "10 100"), BENCH_IKE_SCALE_KIND (vti or xfrm, both sides; default
# vti), BENCH_IKE_SCALE_BOUND (seconds allowed per bring-up, default 900), BENCH_IKE_SCALE_STOCK=0 (vtigw only),
# BENCH_IKE_SCALE_DATAPATH=0 (no data-path run), BENCH_IKE_SCALE_DAEMON_ENV (environment variants for
# both vtigwd, "|" between variants, e.g. "MALLOC_ARENA_MAX=16|" = glibc's default arena limit, then
# vtigwd's own; each variant runs the 1-tunnel baseline and every N).
#
# Topology, rebuilt for every run: west and east joined by one veth (192.0.2.1 -- 192.0.2.2).
# Tunnel k runs between its own outer pair 198.18.x.y (west, a /32 on wan0) and 198.19.x.y
# (east), the remote ones routed via the single next hop, so the neighbour table holds one entry
# whatever N (one per address overflows the global table at ~500 tunnels). Inside: 10.64.a.b/30,
# .1 west and .2 east. PSK, aes256gcm16 / x25519, west initiates, east responds.
#
# Per N, one run of each, after a 1-tunnel vtigw run for the RSS baseline:
#   vtigw:       both daemons (east first); from west's start: every tunnel up on both sides
#                (status) = vtigw_up_s, every far inside address answering a ping = vtigw_all_ping_s;
#                then west's RSS, `vtigw status --json` time, a one-tunnel reload (t1's ESP
#                proposals change on both sides; the other tunnels' SPIs must not), idle CPU
#                (30 s after the bring-up, over 30 s, by thread). Daemons at their normal log level.
#   stock:       charon + swanctl as shipped (plus install_routes = no, which route-based
#                tunnels need), updown script creating the interface on up-client.
#   stock tuned: the same plus every charon knob vtigw sets for N (ike-plugin/vtigw_scale.c,
#                vtigw_runtime.c set_defaults) but charon's own retransmit timing, and
#                keyingtries = 0.
#   stock times are from west's charon start until every tunnel answers a ping (or the bound).
#   data path:   bench/datapath for the kind and N (CPU per packet, last tunnel over first).
# Last lines, one per N:
#   ike-scale: tunnels=N vtigw_up_s= vtigw_all_ping_s= stock_up_s= stock_tuned_up_s=
#     stock_tuned_up_count= ratio= rss_per_tunnel_kib= pkt_cost_last_over_first= stock_up_count=
#     status_json_s= reload_others_changed= reload_s= idle_cpu_pct= kind= load= [env=]
# and, per vtigw run, a line "ike-scale-mem:" with west's memory by kind of mapping (KiB of RSS):
#   heap (main arena), anon (other anonymous mappings: glibc's per-thread arenas, large
#   allocations), stacks (anonymous 8 MiB thread stacks), file (libraries), thp (AnonHugePages
#   over all mappings), the thread count, the
#   anonymous mappings with pages and the three largest (KiB); glibc's malloc_stats() totals
#   (malloc_system, malloc_in_use: KiB held and in use, arenas), from vtigwd's VTIGW_MALLOC_STATS=1.
# ratio = vtigw_all_ping_s / stock_tuned_up_s (both: until every tunnel passes traffic); "<r"
# when the tuned pair missed tunnels within the bound (its time is then longer than the bound).
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
export VTIGW_DAEMON_LOG=quiet  # the log level a production gateway runs with
kind=${BENCH_IKE_SCALE_KIND:-vti}
bound=${BENCH_IKE_SCALE_BOUND:-900}
ping_all=$VTIGW_BUILD/bench/ping-all
datapath=$VTIGW_BUILD/bench/datapath
for b in "$ping_all" "$datapath"; do [ -x "$b" ] || fail "no $b; build the bench targets"; done
case $kind in vti | xfrm) ;; *) fail "BENCH_IKE_SCALE_KIND is vti or xfrm" ;; esac
warm_up_crypto
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
psk=$(cat "$IKE_DIR/psk")

# Addresses of tunnel k (1-based): outer octets, inside /30.
outer() { printf '%d.%d' $((k / 250)) $((k % 250 + 1)); }
inside() { printf '10.64.%d.%d' $((k / 64)) $(((k % 64) * 4 + $1)); }

# topology N: fresh west/east with N outer addresses each; the far inside addresses in
# $IKE_DIR/targets.
topology() {
  local n=$1 k
  ip netns del west 2>/dev/null || true; ip netns del east 2>/dev/null || true
  netns_add west
  netns_add east
  veth_pair west wan0 east wan0
  ip -n west addr add 192.0.2.1/24 dev wan0
  ip -n east addr add 192.0.2.2/24 dev wan0
  ip -n west route add 198.19.0.0/16 via 192.0.2.2
  ip -n east route add 198.18.0.0/16 via 192.0.2.1
  : >"$IKE_DIR/w.batch"; : >"$IKE_DIR/e.batch"; : >"$IKE_DIR/targets"
  for ((k = 1; k <= n; k++)); do
    echo "addr add 198.18.$(outer)/32 dev wan0" >>"$IKE_DIR/w.batch"
    echo "addr add 198.19.$(outer)/32 dev wan0" >>"$IKE_DIR/e.batch"
    inside 2 >>"$IKE_DIR/targets"; echo >>"$IKE_DIR/targets"
  done
  ip -n west -batch "$IKE_DIR/w.batch"
  ip -n east -batch "$IKE_DIR/e.batch"
}

# vtigw_config SITE N: $IKE_DIR/SITE.json; t1's ESP proposals from $t1_esp.
vtigw_config() {
  local site=$1 n=$2 k me=198.18 peer=198.19 host=1 start=initiate
  [ "$site" = west ] || { me=198.19; peer=198.18; host=2; start=respond; }
  {
    printf '{"gateway": {"name": "%s", "local": [' "$site"
    for ((k = 1; k <= n; k++)); do printf '%s"%s.%s"' "$([ $k = 1 ] || echo ,)" "$me" "$(outer)"; done
    printf '], "underlay": "wan0"},\n "defaults": {"kind": "%s", "ike_proposals": ["aes256gcm16-prfsha384-x25519"],' "$kind"
    printf ' "esp_proposals": ["aes256gcm16-x25519"], "start_action": "%s", "auth": {"psk_file": "%s"}},\n "tunnels": [\n' \
      "$start" "$IKE_DIR/psk"
    for ((k = 1; k <= n; k++)); do
      [ "$k" = 1 ] || printf ',\n'
      printf '  {"name": "t%d", "local": "%s.%s", "remote": "%s.%s", "inside": {"local": "%s/30"}' \
        "$k" "$me" "$(outer)" "$peer" "$(outer)" "$(inside $host)"
      [ "$k" != 1 ] || printf ', "esp_proposals": %s' "${t1_esp:-[\"aes256gcm16-x25519\"]}"
      printf '}'
    done
    printf '\n ]}\n'
  } >"$IKE_DIR/$site.json"
}

rss_kib() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
# malloc_totals LOG: glibc's last malloc_stats() in a vtigwd log (VTIGW_MALLOC_STATS=1), in KiB:
# bytes held from the kernel and in use, over all arenas, and the arena count.
malloc_totals() {
  awk '/^Arena [0-9]+:/ { if ($2 == "0:") arenas = 0; arenas++ }
    /^Total \(incl. mmap\):/ { total = 1; next }
    total && /^system bytes/ { sys = $4 } total && /^in use bytes/ { used = $5; total = 0 }
    END { printf "malloc_system=%d malloc_in_use=%d arenas=%d", sys / 1024, used / 1024, arenas }' "$1"
}
# mem_breakdown PID: one line of RSS by kind of mapping (see the header).
mem_breakdown() {
  local top
  top=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { anon = ($6 == "" && $2 ~ /^rw/) } anon && /^Rss:/ && $2 > 0 { print $2 }' \
    "/proc/$1/smaps" | sort -rn | head -3 | paste -sd,)
  awk -v threads="$(ls "/proc/$1/task" | wc -l)" -v top="$top" '
    /^[0-9a-f]+-[0-9a-f]+ / { name = $6; perms = $2; next }
    /^Size:/ { size = $2; next }
    /^AnonHugePages:/ { thp += $2; next }
    /^Rss:/ {
      if (name == "[heap]") heap += $2
      else if (name ~ /^\//) file += $2
      else if (name == "" && perms ~ /^rw/ && size == 8192) stacks += $2
      else if (name == "") { anon += $2; if (perms ~ /^rw/ && $2 > 0) n++ }
      else other += $2
    }
    END {
      printf "heap=%d anon=%d stacks=%d file=%d other=%d thp=%d threads=%d anon_maps=%d anon_top=%s\n",
        heap, anon, stacks, file, other, thp, threads, n, top
    }' "/proc/$1/smaps"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# thread_ticks PID: "TID NAME TICKS" per thread (user + system).
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    echo "${t##*/} $(tr ' ' '_' <"$t/comm") $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')"
  done
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
# poll SECONDS CMD…: CMD every second until it succeeds (a status of N tunnels is not free).
poll() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do [ "$(date +%s)" -lt "$deadline" ] || return 1; sleep 1; done
}
# ping_from_west: ping-all in west over the targets, in the background; its line in $IKE_DIR/ping.
ping_from_west() {
  ip netns exec west "$ping_all" --timeout "$bound" "$IKE_DIR/targets" >"$IKE_DIR/ping" 2>&1 &
  ping_pid=$!
}
ping_field() { sed -n "s/^ping-all: .*$1=\([0-9.]*\).*/\1/p" "$IKE_DIR/ping"; }
spis() { ctl west status | jq -r '.tunnels[] | "\(.name) \(.spi_in) \(.spi_out)"' | sort; }

# run_vtigw N: sets up_s, ping_s, rss, status_s, others_changed, reload_s, idle_pct.
run_vtigw() {
  local n=$1 t0 pid t1 before after ticks
  topology "$n"
  t1_esp= vtigw_config west "$n"; t1_esp= vtigw_config east "$n"
  local a
  for a in VTIGW_MALLOC_STATS=1 $variant; do export "${a?}"; done
  start_vtigwd east
  t0=$(date +%s.%N)
  ping_from_west
  start_vtigwd west
  for a in VTIGW_MALLOC_STATS=1 $variant; do export -n "${a%%=*}"; done
  pid=$(cat "$IKE_DIR/west.pid")
  poll "$bound" both_sites_up "$n" || { tail -20 "$IKE_DIR/west.log" >&2; fail "vtigw: not all $n tunnels up in ${bound}s"; }
  up_s=$(elapsed "$t0" "$(date +%s.%N)")
  wait "$ping_pid" || { cat "$IKE_DIR/ping" >&2; fail "vtigw: not every tunnel passed a ping"; }
  ping_s=$(ping_field seconds)
  log "vtigw, $n tunnels: all up in $up_s s, all pinging in $ping_s s"
  # one of vtigwd's malloc_trim intervals (10 s) after the burst: the steady state
  sleep 12
  rss=$(rss_kib "$pid")
  mem_lines+=("ike-scale-mem: tunnels=$n rss=$rss $(mem_breakdown "$pid") $(malloc_totals "$IKE_DIR/west.log")${variant:+ env=$variant}")
  log "${mem_lines[-1]}"
  t1=$(date +%s.%N); ctl west status >/dev/null; status_s=$(elapsed "$t1" "$(date +%s.%N)")
  # Idle: after the bring-up has settled (initial DPD and status rounds), over 30 s; which
  # threads spent it (charon's workers share the process name, ours are named vtigw-*).
  sleep "${BENCH_IKE_SCALE_SETTLE:-30}"
  thread_ticks "$pid" >"$IKE_DIR/threads.before"
  ticks=$(cpu_ticks "$pid"); sleep 30
  idle_pct=$(awk -v a="$ticks" -v b="$(cpu_ticks "$pid")" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b-a)/hz/30*100}')
  thread_ticks "$pid" >"$IKE_DIR/threads.after"
  log "vtigw, $n tunnels: idle CPU by thread over 30 s (ticks of 1/$(getconf CLK_TCK) s): $(awk '
    NR == FNR { before[$1] = $3; next }
    { d = $3 - before[$1]; if (d > 0) by[$2] += d }
    END { for (c in by) printf "%s=%d ", c, by[c] }' "$IKE_DIR/threads.before" "$IKE_DIR/threads.after")"
  # One tunnel changes on both sides (as a peer would be told to); the others keep their SAs.
  before=$(spis)
  t1_esp='["aes128gcm16-x25519", "aes256gcm16-x25519"]'
  vtigw_config west "$n"; vtigw_config east "$n"
  t1=$(date +%s.%N)
  assert_ok vtigw_at east reload -c "$IKE_DIR/east.json"
  assert_ok vtigw_at west reload -c "$IKE_DIR/west.json"
  t1_reestablished() { [ "$(spis | awk '$1 == "t1"')" != "$(awk '$1 == "t1"' <<<"$before")" ] && all_up west "$n"; }
  poll 120 t1_reestablished || fail "t1 not re-established after the reload"
  reload_s=$(elapsed "$t1" "$(date +%s.%N)")
  after=$(spis)
  # (no process substitution: the guest has no /dev/fd)
  grep -v '^t1 ' <<<"$before" >"$IKE_DIR/spis.before" || true
  grep -v '^t1 ' <<<"$after" >"$IKE_DIR/spis.after" || true
  others_changed=$(diff "$IKE_DIR/spis.before" "$IKE_DIR/spis.after" | grep -c '^>' || true)
  [ "$(wc -l <"$IKE_DIR/spis.after")" = $((n - 1)) ] || fail "status lists $(wc -l <"$IKE_DIR/spis.after") other tunnels, not $((n - 1))"
  log "vtigw, $n tunnels: RSS $rss KiB, status --json $status_s s, idle CPU $idle_pct %, reload of t1 $reload_s s, other tunnels with new SPIs: $others_changed"
  local t_stop
  t_stop=$(date +%s.%N)
  stop_vtigwd west
  log "vtigw, $n tunnels: west's daemon stopped in $(since "$t_stop") s (SIGKILL after 20 s)"
  stop_vtigwd east
  # The daemons' logs with the results, shutdown included (the guest's /tmp goes with the boot).
  if [ -d /mnt/out ]; then
    mkdir -p "/mnt/out/ike-scale-logs/vtigw-$n"
    cp "$IKE_DIR/west.log" "$IKE_DIR/east.log" "/mnt/out/ike-scale-logs/vtigw-$n/" 2>/dev/null || true
  fi
}

# stock_conf SITE N TUNED: strongswan.conf, swanctl.conf and updown script for SITE's charon.
stock_conf() {
  local site=$1 n=$2 tuned=$3 k me=198.18 peer=198.19 host=1 start=start dir=$IKE_DIR/stock-$1
  [ "$site" = west ] || { me=198.19; peer=198.18; host=2; start=none; }
  mkdir -p "$dir"
  rm -f "$dir/charon.log"  # filelog appends: one run's lines only
  local knobs=
  if [ "$tuned" = 1 ]; then
    # vtigw_ike_scale_settings(n) and set_defaults, for the same n.
    local size=1 seg=1 threads=$((8 + (n > 100 ? (n - 100) / 100 : 0)))
    while [ $size -lt $((n / 8)) ] && [ $size -lt 4096 ]; do size=$((size * 2)); done
    while [ $seg -lt $((size / 16)) ] && [ $seg -lt 64 ]; do seg=$((seg * 2)); done
    [ $threads -le 24 ] || threads=24
    # Not vtigw's quicker retransmits (1.0 s, base 1.4): they suit vtigw's initiation window;
    # with all N initiations at once they only add load. charon's own timing is kinder here.
    knobs="retransmit_jitter = 20
  close_ike_on_child_failure = yes
  ikesa_table_size = $size
  ikesa_table_segments = $seg
  threads = $threads
  processor { priority_threads { high = 2 } }
  block_threshold = $((n + 5))
  cookie_threshold = $((n + 30))
  cookie_threshold_ip = $((n + 3))
  reuse_ikesa = no
  install_virtual_ip = no"
  fi
  cat >"$dir/strongswan.conf" <<CONF
charon {
  load = random nonce openssl kdf pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici updown
  install_routes = no
  $knobs
  plugins {
    vici { socket = unix://$dir/vici }
    $([ "$tuned" = 1 ] && echo "kernel-netlink { receive_buffer_size = 8388608
      force_receive_buffer_size = yes }")
  }
  filelog { $site { path = $dir/charon.log
                   default = 1
                   time_format = %T } }
}
CONF
  # The updown script: the interface of tunnel k on up-client, removed on down-client.
  cat >"$dir/updown" <<SCRIPT
#!/bin/sh
k=\${PLUTO_CONNECTION#t}
dev=s\$k
case \$PLUTO_VERB in
up-client)
  if [ $kind = vti ]; then
    ip link add \$dev type vti local \$PLUTO_ME remote \$PLUTO_PEER key \${PLUTO_MARK_OUT%%/*}
    sysctl -qw net.ipv4.conf.\$dev.disable_policy=1
  else
    ip link add \$dev type xfrm dev wan0 if_id \$PLUTO_IF_ID_OUT
  fi
  ip addr add 10.64.\$((k / 64)).\$(((k % 64) * 4 + $host))/30 dev \$dev
  ip link set \$dev up
  ;;
down-client)
  ip link del \$dev 2>/dev/null
  ;;
esac
exit 0
SCRIPT
  chmod 755 "$dir/updown"
  local keys="mark_in = \$key
        mark_out = \$key"
  [ "$kind" = vti ] || keys="if_id_in = \$key
        if_id_out = \$key"
  (umask 077
   {
     echo "connections {"
     for ((k = 1; k <= n; k++)); do
       local key=$((100 + k))
       cat <<CONN
  t$k {
    local_addrs = $me.$(outer)
    remote_addrs = $peer.$(outer)
    proposals = aes256gcm16-prfsha384-x25519
    $([ "$tuned" = 1 ] && echo "keyingtries = 0")
    local { auth = psk }
    remote { auth = psk }
    children { t$k {
      local_ts = 0.0.0.0/0
      remote_ts = 0.0.0.0/0
      esp_proposals = aes256gcm16-x25519
      $(eval "echo \"$keys\"")
      updown = $dir/updown
      start_action = $start
    } }
  }
CONN
     done
     echo "}"
     printf 'secrets {\n  ike-all { secret = "%s" }\n}\n' "$psk"
   } >"$dir/swanctl.conf")
}

# start_charon SITE: Debian's charon in SITE with its own config; a private /run (charon's PID
# file has a fixed path, and two charons run at once).
start_charon() {
  local dir=$IKE_DIR/stock-$1
  rm -f "$dir/vici"  # an earlier charon's socket would pass for this one's
  STRONGSWAN_CONF=$dir/strongswan.conf ip netns exec "$1" sh -c 'mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon' \
    >/dev/null 2>&1 &
  echo $! >"$dir/pid"
  on_exit "stop_charon $1"
  wait_for 60 swanctl --stats --uri "unix://$dir/vici" || fail "charon $1 did not start"
  swanctl --load-all --noprompt --file "$dir/swanctl.conf" --uri "unix://$dir/vici" >"$dir/load.log" 2>&1 ||
    { tail -5 "$dir/load.log" >&2; fail "swanctl --load-all ($1)"; }
}
stop_charon() {
  local pid
  pid=$(cat "$IKE_DIR/stock-$1/pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  wait_for 60 gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$IKE_DIR/stock-$1/pid"
}

# run_stock N TUNED: sets stock_s, stock_count.
run_stock() {
  local n=$1 tuned=$2 t0
  topology "$n"
  stock_conf west "$n" "$tuned"; stock_conf east "$n" "$tuned"
  start_charon east
  t0=$(date +%s.%N)
  ping_from_west
  start_charon west
  wait "$ping_pid" || true
  stock_s=$(ping_field seconds) stock_count=$(ping_field answered)
  log "stock$([ "$tuned" = 1 ] && echo ' tuned'), $n tunnels: $stock_count answering a ping after $stock_s s"
  if [ "$stock_count" != "$n" ]; then
    sed -n 's/^ping-all: not answered/  not answered/p' "$IKE_DIR/ping" >&2
    log "west charon: $(grep -c 'giving up after' "$IKE_DIR/stock-west/charon.log" || true) 'giving up', $(grep -c 'COOKIE' "$IKE_DIR/stock-west/charon.log" || true) COOKIE lines, $(grep -c 'retransmit' "$IKE_DIR/stock-west/charon.log" || true) retransmits; east: $(grep -c 'COOKIE' "$IKE_DIR/stock-east/charon.log" || true) COOKIE lines"
  fi
  stop_charon west; stop_charon east
  # Keep charon's logs with the results (the guest's /tmp goes with the boot).
  if [ -d /mnt/out ]; then
    local keep=/mnt/out/ike-scale-logs/stock$([ "$tuned" = 1 ] && echo -tuned)-$n
    mkdir -p "$keep"
    cp "$IKE_DIR/stock-west/charon.log" "$keep/west.log" 2>/dev/null || true
    cp "$IKE_DIR/stock-east/charon.log" "$keep/east.log" 2>/dev/null || true
  fi
}

lines=() mem_lines=()
variants=() rest=${BENCH_IKE_SCALE_DAEMON_ENV:-}
while :; do variants+=("${rest%%|*}"); [[ $rest == *"|"* ]] || break; rest=${rest#*|}; done
for variant in "${variants[@]}"; do
run_vtigw 1
rss1=$rss
for n in ${BENCH_IKE_SCALE_TUNNELS:-10 100}; do
  [ "$n" -ge 2 ] || fail "BENCH_IKE_SCALE_TUNNELS: N >= 2"
  run_vtigw "$n"
  stock_s=- stock_count=- tuned_s=- tuned_count=- ratio=-
  if [ "${BENCH_IKE_SCALE_STOCK:-1}" = 1 ]; then
    run_stock "$n" 0; plain_s=$stock_s plain_count=$stock_count
    run_stock "$n" 1; tuned_s=$stock_s tuned_count=$stock_count
    stock_s=$plain_s stock_count=$plain_count
    ratio=$(awk -v a="$ping_s" -v b="$tuned_s" 'BEGIN{printf "%.2f", a/b}')
    # The tuned pair missed tunnels within the bound: its real time is longer, the ratio lower.
    [ "$tuned_count" = "$n" ] || ratio="<$ratio"
  fi
  pkt=-
  [ "${BENCH_IKE_SCALE_DATAPATH:-1}" = 0 ] ||
    pkt=$("$datapath" --kind "$kind" --tunnels "$n" | sed -n 's/.*last_over_first=\([0-9.]*\).*/\1/p')
  per=$(awk -v a="$rss" -v b="$rss1" -v n="$n" 'BEGIN{printf "%.1f", (a-b)/(n-1)}')
  lines+=("ike-scale: tunnels=$n vtigw_up_s=$up_s vtigw_all_ping_s=$ping_s stock_up_s=$stock_s stock_tuned_up_s=$tuned_s stock_tuned_up_count=$tuned_count ratio=$ratio rss_per_tunnel_kib=$per pkt_cost_last_over_first=$pkt stock_up_count=$stock_count status_json_s=$status_s reload_others_changed=$others_changed reload_s=$reload_s idle_cpu_pct=$idle_pct kind=$kind load=$(cut -d' ' -f1 /proc/loadavg)${variant:+ env=$variant}")
  log "${lines[-1]}"
done
done
ip netns del west; ip netns del east
printf '%s\n' "${mem_lines[@]}" "${lines[@]}"
