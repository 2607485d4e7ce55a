#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vtigw's rendered FRR configuration against a real FRR 8.4: zebra, bgpd, staticd and bfdd run in
# private network, mount, PID and UTS namespaces (a tmpfs over FRR's /etc, /run, /var/log and
# /var/tmp directories), so nothing touches the host's FRR and every daemon dies with the PID
# namespace, even when this script is killed.
#   1. frr-reload.py applies configuration A (six tunnels: vtigw peers with BFD, password, MED,
#      prepend and ge/le filters; aws, azure and gcp profiles; a multihop peer; an IPv6 session;
#      static routes with distances).
#   2. frr-reload.py --test A finds nothing to change, and `show running-config` holds exactly
#      the rendered lines: vtigw's text is what FRR prints back.
#   3. B = A plus a tunnel and an announced prefix: --test B deletes nothing (the other
#      neighbors' lines are untouched, so their sessions stay); after applying B, --test B is clean.
# Usage: frr-roundtrip.sh PATH/TO/frr_render_tool
set -euo pipefail

if [ "${1:-}" != --inner ]; then
  tool=${1:?usage: frr-roundtrip.sh FRR_RENDER_TOOL}
  [ "$(id -u)" = 0 ] || { echo "SKIP: needs root (namespaces)"; exit 77; }
  # unshare ignores SIGTERM; killing it with SIGKILL makes --kill-child kill the namespace's
  # init, which takes every daemon in the PID namespace along. `timeout` bounds the run even
  # when this shell is killed.
  timeout -s KILL 250 unshare --net --mount --pid --uts --fork --kill-child --mount-proc \
    "$(realpath "$0")" --inner "$(realpath "$tool")" &
  ns=$!
  trap 'pkill -KILL -P $ns || true; kill -KILL $ns 2>/dev/null || true' EXIT  # unshare, then timeout
  trap 'exit 1' TERM INT
  wait $ns
  exit $?
fi

tool=$2 work=/tmp/vtigw-frr-roundtrip
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.log; do echo "--- $f"; tail -n 20 "$f"; done
  exit 1
}

mount --make-rprivate /
# Private tmpfs everywhere this test or FRR writes: nothing is left on the host.
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p "$work" && chown frr:frr "$work"
for d in /etc/frr /run/frr /var/log/frr /var/tmp/frr; do
  mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d" && chown frr:frr "$d"
done
printf 'service integrated-vtysh-config\n' >/etc/frr/vtysh.conf
install -o frr -g frr -m 0600 /dev/null /etc/frr/frr.conf
hostname rt-gw
ip link set lo up

for d in zebra bgpd staticd bfdd; do
  extra=(); [ $d = zebra ] && extra=(-s 90000000)
  /usr/lib/frr/$d -d -F traditional -A 127.0.0.1 "${extra[@]}" --log "file:$work/$d.log" \
    || fail "cannot start $d"
done
for _ in $(seq 300); do
  vtysh -c 'show version' >/dev/null 2>&1 && vtysh -c 'show bfd peers' >/dev/null 2>&1 && break
  sleep 0.1
done

export RT_PSK=0123456789abcdef0123456789abcdef RT_BGP_PW=Md5-secret-42
cat >"$work/a.json" <<'JSON'
{
  "gateway": {"name": "rt", "local": ["192.0.2.1"]},
  "defaults": {"auth": {"psk_env": "RT_PSK"}},
  "bgp": {
    "asn": 65010, "router_id": "10.80.0.11", "maximum_paths": 8,
    "announce": ["10.80.0.0/24", "2001:db8:80::/48"],
    "accept": ["10.0.0.0/8", {"prefix": "10.0.0.0/8", "le": 24},
               {"prefix": "192.168.0.0/16", "ge": 24, "le": 24}, {"prefix": "172.16.0.0/12", "ge": 20},
               {"prefix": "2001:db8::/32", "le": 64}],
    "bfd_profiles": {"slow": {"tx_ms": 1000, "rx_ms": 900, "multiplier": 5}}
  },
  "tunnels": [
    {"name": "dc-1", "remote": "198.51.100.1", "inside": {"local": "169.254.10.1/30"},
     "routes": ["10.9.0.0/16"],
     "bgp": {"peer_asn": 65020, "profile": "vtigw", "password_env": "RT_BGP_PW", "med": 50,
             "prepend": 2, "max_prefix_in": 1000}},
    {"name": "dc-2", "remote": "198.51.100.2", "inside": {"local": "169.254.11.1/30"},
     "routes": [{"prefix": "10.9.0.0/16", "metric": 200}],
     "bgp": {"peer_asn": 65020, "profile": "vtigw", "bfd": "slow", "accept": []}},
    {"name": "aws-1", "remote": "198.51.100.3", "profile": "aws",
     "inside": {"local": "169.254.44.2/30"}, "bgp": {"peer_asn": 64512}},
    {"name": "azure-1", "remote": "198.51.100.4", "profile": "azure",
     "inside": {"local": "169.254.21.2/30"}, "bgp": {"peer_asn": 65515}},
    {"name": "gcp-mh", "remote": "198.51.100.5", "profile": "gcp",
     "inside": {"local": "169.254.0.2/30"},
     "bgp": {"peer": "10.0.0.4", "peer_asn": 16550, "multihop": 2, "announce": ["10.81.0.0/24"]}},
    {"name": "v6", "remote": "198.51.100.6", "inside": {"local6": "fd00::1/126"},
     "routes": ["fd00:9::/64"], "bgp": {"peer_asn": 65030}}
  ]
}
JSON
jq '.bgp.announce += ["10.82.0.0/24"]
    | .tunnels += [{"name": "branch-0", "remote": "198.51.100.7",
                    "inside": {"local": "169.254.12.1/30"}, "bgp": {"peer_asn": 65040}}]' \
  "$work/a.json" >"$work/b.json"
"$tool" "$work/a.json" >"$work/a.conf" || fail "render A"
"$tool" "$work/b.json" >"$work/b.conf" || fail "render B"

reload() {  # reload MODE FILE -> frr-reload.py output in $work/out
  python3 /usr/lib/frr/frr-reload.py "$1" --stdout "$2" >"$work/out" 2>&1 \
    || { cat "$work/out"; fail "frr-reload.py $1 $2 exited non-zero"; }
}
section() {  # section HEADER: the lines of a --test output section
  awk -v h="$1" '$0 == h {on = 1; getline; next} on && /^$/ {exit} on' "$work/out"
}
expect_clean() {
  reload --test "$1"
  local del add
  del=$(section "Lines To Delete") add=$(section "Lines To Add")
  [ -z "$del$add" ] || { printf 'to delete:\n%s\nto add:\n%s\n' "$del" "$add"; fail "$2"; }
}
body() {  # configuration lines without comments and the header/trailer vtysh adds
  grep -vE '^(!| !|Building configuration\.\.\.|Current configuration:|frr version .*|end|)$' "$1" | sort
}

reload --reload "$work/a.conf"
expect_clean "$work/a.conf" "frr-reload.py still finds differences after applying A"
vtysh -c 'show running-config' >"$work/running"
diff <(body "$work/a.conf") <(body "$work/running") \
  || fail "show running-config differs from the rendered text (< rendered, > running)"
echo "ok: A applied; running config equals the rendered text ($(body "$work/a.conf" | wc -l) lines)"

reload --test "$work/b.conf"
deleted=$(section "Lines To Delete")
[ -z "$deleted" ] || { echo "$deleted"; fail "adding a tunnel and a prefix deletes lines"; }
added=$(section "Lines To Add")
grep -q 'neighbor 169.254.12.2 remote-as 65040' <<<"$added" || fail "B's new neighbor not added"
grep -q 'ip prefix-list vtigw-announce seq 10 permit 10.82.0.0/24' <<<"$added" \
  || fail "B's new prefix not added"
echo "ok: A -> B only adds $(grep -c . <<<"$added") line(s)"

reload --reload "$work/b.conf"
expect_clean "$work/b.conf" "frr-reload.py still finds differences after applying B"
vtysh -c 'show running-config' >"$work/running"
diff <(body "$work/b.conf") <(body "$work/running") || fail "running config differs from B"
vtysh -c 'show bgp ipv4 unicast summary json' | jq -e '.peers | length == 6' >/dev/null \
  || fail "bgpd does not have the 6 IPv4 neighbors of B"
echo "ok: B applied; running config equals the rendered text"
