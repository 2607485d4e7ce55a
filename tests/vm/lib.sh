# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for VM scenarios; `source "$VTIGW_VM_LIB"` at the top of a scenario.
# A scenario is a bash script run as root in the guest; its exit status is its verdict. Namespaces
# made with netns_add are deleted when it exits, whatever the outcome.
set -euo pipefail

_vtigw_netns=()
_vtigw_cleanups=()
_vtigw_failures=0

log() { printf "[%s] %s\n" "$(date +%T.%N | cut -c1-12)" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

# Runs at exit: registered cleanups (last first), then namespaces.
_vtigw_exit() {
  local rc=$? i
  set +e
  for ((i = ${#_vtigw_cleanups[@]} - 1; i >= 0; i--)); do eval "${_vtigw_cleanups[i]}" >/dev/null 2>&1; done
  for ns in "${_vtigw_netns[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  if [ "$rc" = 0 ] && [ "$_vtigw_failures" != 0 ]; then rc=1; fi
  [ "$rc" = 0 ] && log "scenario passed" || log "scenario failed (exit $rc)"
  exit "$rc"
}
trap _vtigw_exit EXIT
# The harness's timeout sends SIGTERM: a failure, cleanups included.
trap 'log "stopped (SIGTERM: the scenario timed out)"; exit 143' TERM

# on_exit CMD: run CMD when the scenario ends (before namespaces are deleted).
on_exit() { _vtigw_cleanups+=("$*"); }

# netns_add NAME: a fresh network namespace with loopback up, deleted at exit.
netns_add() {
  ip netns add "$1"
  _vtigw_netns+=("$1")
  ip -n "$1" link set lo up
}

# in_ns NS CMD…: run CMD inside namespace NS.
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# veth_pair NS1 IF1 NS2 IF2: a veth link between two namespaces, both ends up.
veth_pair() {
  ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
  ip -n "$1" link set "$2" up
  ip -n "$3" link set "$4" up
}

# two_sites: four namespaces for site-to-site scenarios (no tunnel, no forwarding set):
#
#   lan-w ------------ west ================ east ------------ lan-e
#   10.1.0.2/24  10.1.0.1/24  192.0.2.1 -- 192.0.2.2  10.2.0.1/24  10.2.0.2/24
#        eth0          lan0       wan0         wan0       lan0          eth0
two_sites() {
  for ns in lan-w west east lan-e; do netns_add "$ns"; done
  veth_pair lan-w eth0 west lan0
  veth_pair west wan0 east wan0
  veth_pair east lan0 lan-e eth0
  ip -n lan-w addr add 10.1.0.2/24 dev eth0
  ip -n lan-w route add default via 10.1.0.1
  ip -n west addr add 10.1.0.1/24 dev lan0
  ip -n west addr add 192.0.2.1/24 dev wan0
  ip -n east addr add 192.0.2.2/24 dev wan0
  ip -n east addr add 10.2.0.1/24 dev lan0
  ip -n lan-e addr add 10.2.0.2/24 dev eth0
  ip -n lan-e route add default via 10.2.0.1
}

# assert_ok CMD…: CMD must succeed.
assert_ok() {
  local out
  if out=$("$@" 2>&1); then log "ok: $*"; else
    printf '%s\n' "$out" | sed 's/^/    /'
    fail "expected success: $*"
  fi
}

# assert_fail CMD…: CMD must fail.
assert_fail() {
  local out
  if out=$("$@" 2>&1); then
    printf '%s\n' "$out" | sed 's/^/    /'
    fail "expected failure: $*"
  else log "ok (fails as expected): $*"; fi
}

# assert_eq EXPECTED ACTUAL MESSAGE
assert_eq() {
  if [ "$1" = "$2" ]; then log "ok: $3 ($2)"; else fail "$3: expected '$1', got '$2'"; fi
}

# assert_ge MIN ACTUAL MESSAGE (integers)
assert_ge() {
  if [ "$2" -ge "$1" ]; then log "ok: $3 ($2 >= $1)"; else fail "$3: expected >= $1, got '$2'"; fi
}

# assert_match REGEX TEXT MESSAGE
assert_match() {
  # grep reads all of its input (no -q): an early exit would SIGPIPE printf, failing under pipefail.
  if printf '%s\n' "$2" | grep -E -- "$1" >/dev/null; then log "ok: $3"; else
    printf '%s\n' "$2" | sed 's/^/    /'
    fail "$3: no match for /$1/"
  fi
}

# wait_for SECONDS CMD…: retry CMD every 0.2 s until it succeeds or SECONDS pass.
wait_for() {
  local limit=$1; shift
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# capture_start NS IFACE FILTER…: start tcpdump in NS writing to a file; prints the file name.
# capture_stop FILE: stop it; the decoded packets are printed by capture_text FILE.
capture_start() {
  local ns=$1 ifc=$2; shift 2
  local f
  f=$(mktemp /tmp/capture.XXXXXX)
  # A 16 MiB buffer: under TCG tcpdump falls behind a bulk transfer and the kernel drops the rest.
  ip netns exec "$ns" tcpdump --immediate-mode -U -B 16384 -n -i "$ifc" -w "$f.pcap" "$@" >"$f.log" 2>&1 &
  echo "$!" >"$f.pid"
  on_exit "kill $! 2>/dev/null"
  # tcpdump says "listening on" once the capture is armed.
  wait_for 60 grep -q "listening on" "$f.log" || { cat "$f.log" >&2; fail "tcpdump did not start"; }
  echo "$f"
}
capture_stop() {
  local pid
  pid=$(cat "$1.pid")
  sleep 0.5
  kill -INT "$pid" 2>/dev/null || true
  # Not always our child (started inside $(…)), so poll rather than wait.
  wait_for 10 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
}
capture_text() { tcpdump -n -v -r "$1.pcap" 2>/dev/null; }

# syn_mss FROM_NS TO_NS TO_ADDR: the MSS option of a TCP SYN from FROM_NS as it reaches TO_NS
# (captured on TO_NS's eth0; nothing needs to listen on the port).
syn_mss() {
  local cap
  cap=$(capture_start "$2" eth0 'tcp[tcpflags] & tcp-syn != 0 and dst port 5001')
  in_ns "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$3/5001" 2>/dev/null || true
  capture_stop "$cap"
  capture_text "$cap" | sed -n 's/.*options \[mss \([0-9]*\).*/\1/p' | head -1
}
