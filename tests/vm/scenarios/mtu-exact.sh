#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `vtigw mtu` against the real kernel: for each ESP transform, with and without NAT-T, the inner
# MTU vtigw derives is exactly the largest DF packet that crosses the tunnel — the outer ESP packet
# fills the underlay MTU without fragmenting — and one byte more is refused.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/tests/vm/static-tunnel.sh"
VTIGW=$VTIGW_BUILD/gateway/vtigw
UNDERLAY_MTU=1400
static_topology
for ns in west east; do
  ip -n "$ns" link set wan0 mtu "$UNDERLAY_MTU"
  ip -n "$ns" link set vti0 mtu 1500   # the underlay, not the VTI, must be the limit
done

# A UDP socket with ESP-in-UDP decapsulation on port 4500 in each site, for the NAT-T cases.
for ns in west east; do
  in_ns "$ns" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_UDP, 100, 2)  # UDP_ENCAP = UDP_ENCAP_ESPINUDP
s.bind(("0.0.0.0", 4500))
time.sleep(3600)' &
  on_exit "kill $!"
done

# keys_for TRANSFORM: the `ip xfrm state` algorithm arguments for one direction.
algs_for() {
  case $1 in
    aes128gcm16) echo "aead rfc4106(gcm(aes)) 0x$(printf '%040d' "$2") 128" ;;
    aes256gcm16) echo "aead rfc4106(gcm(aes)) 0x$(printf '%072d' "$2") 128" ;;
    aes256-sha256) echo "enc cbc(aes) 0x$(printf '%064d' "$2") auth-trunc hmac(sha256) 0x$(printf '%064d' "$2") 128" ;;
  esac
}

# rekey NS LOCAL REMOTE TRANSFORM NATT: replace the site's SAs with ones of this transform.
rekey() {
  local ns=$1 l=$2 r=$3 t=$4 natt=$5 encap=()
  [ "$natt" = 1 ] && encap=(encap espinudp 4500 4500 0.0.0.0)
  ip -n "$ns" xfrm state flush
  # shellcheck disable=SC2046
  ip -n "$ns" xfrm state add src "$l" dst "$r" proto esp spi 0x1001 reqid 1 mode tunnel mark 42 \
    $(algs_for "$t" 1) "${encap[@]}"
  # shellcheck disable=SC2046
  ip -n "$ns" xfrm state add src "$r" dst "$l" proto esp spi 0x2002 reqid 1 mode tunnel mark 42 \
    $(algs_for "$t" 2) "${encap[@]}"
}

case_no=0
for transform in aes128gcm16 aes256gcm16 aes256-sha256; do
  for natt in 0 1; do
    # lan-w learns a path MTU from each refused packet, per destination: a fresh one per case.
    case_no=$((case_no + 1))
    dst=10.2.0.$((10 + case_no))
    ip -n lan-e addr add "$dst/24" dev eth0
    args=(--esp "$transform" --underlay-mtu "$UNDERLAY_MTU")
    [ "$natt" = 1 ] && args+=(--natt)
    mtu=$("$VTIGW" mtu "${args[@]}")
    outer=$("$VTIGW" mtu "${args[@]}" --json | sed -n 's/.*"outer_size_at_mtu": *\([0-9]*\).*/\1/p')
    log "== $transform natt=$natt: vtigw says inner MTU $mtu (outer $outer of $UNDERLAY_MTU)"
    rekey west 192.0.2.1 192.0.2.2 "$transform" "$natt"
    # east's SAs mirror west's: its outbound SPI is west's inbound one.
    ip -n east xfrm state flush
    enc=(); [ "$natt" = 1 ] && enc=(encap espinudp 4500 4500 0.0.0.0)
    # shellcheck disable=SC2046
    ip -n east xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 reqid 1 mode tunnel \
      mark 42 $(algs_for "$transform" 1) "${enc[@]}"
    # shellcheck disable=SC2046
    ip -n east xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2002 reqid 1 mode tunnel \
      mark 42 $(algs_for "$transform" 2) "${enc[@]}"

    cap=$(capture_start west wan0)
    assert_ok in_ns lan-w ping -M do -c 1 -W 3 -s $((mtu - 28)) "$dst"
    capture_stop "$cap"
    lens=$(capture_text "$cap" | sed -n 's/.*proto \(ESP\|UDP\) ([0-9]*), length \([0-9]*\)).*/\2/p' | sort -u)
    frags=$(capture_text "$cap" | grep -c 'flags \[+\]\|offset [1-9]' || true)
    assert_eq "$outer" "$(printf '%s\n' "$lens" | sort -n | tail -1)" "largest outer packet for a $mtu-byte inner packet"
    assert_eq 0 "$frags" "fragments on the underlay"
    assert_fail in_ns lan-w ping -M do -c 1 -W 3 -s $((mtu - 27)) "$dst"
  done
done
