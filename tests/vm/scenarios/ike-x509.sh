#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IKEv2 with X.509 certificates between two vtigwd sites (picture in
# ike-plugin/testing/ike-sites.sh), both leaf certificates signed by one test CA:
# 1. the tunnel comes up authenticated by ECDSA signatures, pings between the LANs cross the VTI as
#    ESP, status shows no key material, and `down` on both sides removes everything;
# 2. west presents a certificate signed by a CA east does not trust: east refuses it (the cause
#    is in its status and log), west is told its credentials were rejected, no SA is installed.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
source "$VTIGW_SRC/ike-plugin/testing/x509-certs.sh"
on_exit "rm -rf '$IKE_DIR'"
on_exit show_logs

# x509_site_config SITE LOCAL REMOTE INSIDE REMOTE_LAN START_ACTION CERT KEY CA…: $IKE_DIR/SITE.json.
x509_site_config() {
  local site=$1 local=$2 remote=$3 inside=$4 remote_lan=$5 start=$6 cert=$7 key=$8
  shift 8
  local peer=east
  [ "$site" = west ] || peer=west
  jq -n --arg site "$site" --arg local "$local" --arg remote "$remote" --arg inside "$inside" \
    --arg lan "$remote_lan" --arg start "$start" --arg peer "$peer" --arg cert "$cert" \
    --arg key "$key" --args '{
    gateway: {name: $site, local: $local, underlay: "wan0"},
    defaults: {
      ike_proposals: ["aes256gcm16-prfsha384-x25519"],
      esp_proposals: ["aes256gcm16-x25519"],
      dpd: {interval: "10s", timeout: "40s", action: "restart"}
    },
    tunnels: [{
      name: "to-peer", remote: $remote,
      local_id: "\($site).vtigw.test", remote_id: "\($peer).vtigw.test",
      auth: {method: "x509", cert: $cert, key: $key, ca: $ARGS.positional},
      kind: "vti", interface: "vti0", mark: 42,
      inside: {local: $inside}, routes: [{prefix: $lan}], start_action: $start
    }]
  }' "$@" >"$IKE_DIR/$site.json"
}

# no_key_material TEXT WHAT: no line of any private key's PEM body appears in TEXT (charon logs
# only the armor lines of the files it parses).
no_key_material() {
  local n
  grep -hv -- '-----' "$IKE_DIR"/*.key >"$IKE_DIR/key-lines"
  n=$(printf '%s\n' "$1" | grep -cFf "$IKE_DIR/key-lines" || true)
  rm -f "$IKE_DIR/key-lines"
  assert_eq 0 "$n" "no private key material in $2"
}

ike_topology
x509_ca "$IKE_DIR" ca
x509_leaf "$IKE_DIR" ca west west.vtigw.test
x509_leaf "$IKE_DIR" ca east east.vtigw.test
x509_ca "$IKE_DIR" rogue-ca
x509_leaf "$IKE_DIR" rogue-ca rogue-west west.vtigw.test
assert_eq 600 "$(stat -c %a "$IKE_DIR/west.key")" "private key mode"
assert_ok openssl verify -CAfile "$IKE_DIR/ca.crt" "$IKE_DIR/west.crt" "$IKE_DIR/east.crt"
assert_fail openssl verify -CAfile "$IKE_DIR/ca.crt" "$IKE_DIR/rogue-west.crt"

log "--- 1. both certificates signed by the trusted CA"
x509_site_config west 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate \
  "$IKE_DIR/west.crt" "$IKE_DIR/west.key" "$IKE_DIR/ca.crt"
x509_site_config east 192.0.2.2 192.0.2.1 10.255.0.2/30 10.1.0.0/24 respond \
  "$IKE_DIR/east.crt" "$IKE_DIR/east.key" "$IKE_DIR/ca.crt"
start_vtigwd east
t0=$(date +%s.%N)
start_vtigwd west
assert_ok wait_for 60 in_ns lan-w ping -c 1 -W 1 10.2.0.2
log "measured: west daemon start to first ping through the tunnel: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s"
assert_ok tunnel_up west
assert_ok tunnel_up east
# Each side verified the other's signature with the certificate's ECDSA key (no PSK exists).
assert_ok grep -qE "authentication of 'east.vtigw.test' with ECDSA[A-Z0-9_]* successful" "$IKE_DIR/west.log"
assert_ok grep -qE "authentication of 'west.vtigw.test' with ECDSA[A-Z0-9_]* successful" "$IKE_DIR/east.log"

esp_only_ping

status_west=$(ctl west status)
status_east=$(ctl east status)
log "west status: $status_west"
log "east status: $status_east"
for s in west east; do
  st=status_$s
  assert_eq ESTABLISHED "$(jq -r '.tunnels[0].ike_state' <<<"${!st}")" "$s IKE_SA state"
  assert_eq INSTALLED "$(jq -r '.tunnels[0].child_state' <<<"${!st}")" "$s CHILD_SA state"
  assert_eq "" "$(jq -r '.tunnels[0].last_error' <<<"${!st}")" "no error on $s"
done
assert_eq "$(jq -r '.tunnels[0].spi_out' <<<"$status_west")" "$(jq -r '.tunnels[0].spi_in' <<<"$status_east")" "west's outbound SPI is east's inbound SPI"
assert_match "mark 0x2a/0xffffffff" "$(ip -n west xfrm state)" "SAs carry the VTI mark"
no_key_material "$status_west$status_east" "status"
no_key_material "$(cat "$IKE_DIR/west.log" "$IKE_DIR/east.log")" "the logs"
down_both_sites

log "--- 2. west's certificate signed by a CA east does not trust"
mv "$IKE_DIR/west.log" "$IKE_DIR/west-1.log"
mv "$IKE_DIR/east.log" "$IKE_DIR/east-1.log"
# West trusts both CAs (its own chain builds), east only the test CA.
x509_site_config west 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate \
  "$IKE_DIR/rogue-west.crt" "$IKE_DIR/rogue-west.key" "$IKE_DIR/ca.crt" "$IKE_DIR/rogue-ca.crt"
start_vtigwd east
start_vtigwd west

wait_auth_failure
assert_match "peer certificate not trusted|credentials did not verify" "$(tunnel_field east last_error)" "east: west's certificate refused"
assert_match "peer rejected our credentials" "$(tunnel_field west last_error)" "west: its certificate was rejected"
# The logs name the cause.
assert_ok grep -q "tunnel to-peer: peer certificate not trusted" "$IKE_DIR/east.log"
assert_ok grep -q "no issuer certificate found for \"O=vtigw test, CN=west.vtigw.test\"" "$IKE_DIR/east.log"
assert_ok grep -q "tunnel to-peer: authentication failed" "$IKE_DIR/west.log"
assert_eq false "$(tunnel_field west up)" "west tunnel down"
assert_eq false "$(tunnel_field east up)" "east tunnel down"
assert_eq "" "$(installed_sas)" "no SA installed on either side"
no_key_material "$(ctl west status; ctl east status)" "status"
no_key_material "$(cat "$IKE_DIR/west.log" "$IKE_DIR/east.log")" "the logs"
down_both_sites
