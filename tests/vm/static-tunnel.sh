# SPDX-License-Identifier: GPL-2.0-or-later
# Two sites joined by a route-based VTI with static (manually keyed) ESP SAs — no IKE.
# Source after lib.sh; `static_topology` builds:
#
#   lan-w ------------ west ================ east ------------ lan-e
#   10.1.0.2/24  10.1.0.1/24  192.0.2.1 -- 192.0.2.2  10.2.0.1/24  10.2.0.2/24
#                     vti0 10.255.0.1/30 <--ESP--> vti0 10.255.0.2/30   (key 42, reqid 1)
#
# Keys (AES-GCM-128, rfc4106: 16-byte key + 4-byte salt), one per direction.
KEY_W2E=0x0123456789abcdef0123456789abcdef01234567
KEY_E2W=0xfedcba9876543210fedcba9876543210fedcba98
SPI_W2E=0x1001
SPI_E2W=0x2002

# x CMD…: run CMD, first printing it as "[#] CMD" when VTIGW_SHOW=1 (the demo).
x() {
  if [ "${VTIGW_SHOW:-0}" = 1 ]; then
    printf '[#] %s\n' "$*" | sed -E 's/0x[0-9a-f]{32,}/<key hidden>/g' >&2
  fi
  "$@"
}

# static_site NS LOCAL REMOTE SPI_OUT KEY_OUT SPI_IN KEY_IN INSIDE REMOTE_LAN
static_site() {
  local ns=$1 local=$2 remote=$3 spi_out=$4 key_out=$5 spi_in=$6 key_in=$7 inside=$8 remote_lan=$9
  x ip -n "$ns" xfrm state add src "$local" dst "$remote" proto esp spi "$spi_out" reqid 1 mode tunnel \
    mark 42 aead 'rfc4106(gcm(aes))' "$key_out" 128
  x ip -n "$ns" xfrm state add src "$remote" dst "$local" proto esp spi "$spi_in" reqid 1 mode tunnel \
    mark 42 aead 'rfc4106(gcm(aes))' "$key_in" 128
  for dir in out fwd in; do
    local s=$local d=$remote
    [ "$dir" = out ] || { s=$remote; d=$local; }
    x ip -n "$ns" xfrm policy add dir "$dir" mark 42 \
      tmpl src "$s" dst "$d" proto esp reqid 1 mode tunnel
  done
  x ip -n "$ns" link add vti0 type vti local "$local" remote "$remote" key 42
  x ip netns exec "$ns" sysctl -qw net.ipv4.conf.vti0.disable_policy=1
  x ip -n "$ns" addr add "$inside" dev vti0
  x ip -n "$ns" link set vti0 up
  x ip -n "$ns" route add "$remote_lan" dev vti0
  x ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
}

# static_topology [EAST_KEY_IN]: the picture above; EAST_KEY_IN replaces east's inbound key.
static_topology() {
  local east_key_in=${1:-$KEY_W2E}
  two_sites
  static_site west 192.0.2.1 192.0.2.2 "$SPI_W2E" "$KEY_W2E" "$SPI_E2W" "$KEY_E2W" 10.255.0.1/30 10.2.0.0/24
  static_site east 192.0.2.2 192.0.2.1 "$SPI_E2W" "$KEY_E2W" "$SPI_W2E" "$east_key_in" 10.255.0.2/30 10.1.0.0/24
  log "topology up: lan-w - west =ESP/VTI= east - lan-e"
}

# esp_packets NS SPI: packets counted on the SA with that SPI.
esp_packets() {
  ip -n "$1" -s xfrm state get src "$(sa_src "$1" "$2")" dst "$(sa_dst "$1" "$2")" proto esp spi "$2" mark 42 |
    sed -n 's/^[[:space:]]*[0-9]*(bytes), \([0-9]*\)(packets).*/\1/p' | head -1
}
sa_src() { ip -n "$1" xfrm state | awk -v spi="$(printf '0x%08x' "$2")" '$1=="src"{s=$2} $0 ~ "spi " spi {print s; exit}'; }
sa_dst() { ip -n "$1" xfrm state | awk -v spi="$(printf '0x%08x' "$2")" '$1=="src"{d=$4} $0 ~ "spi " spi {print d; exit}'; }
