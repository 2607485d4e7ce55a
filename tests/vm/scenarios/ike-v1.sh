#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IKEv1 (main mode, PSK) between two vtigw sites (picture in ike-plugin/testing/ike-sites.sh):
# `vtigw up --wait` returns 0, pings between the LANs cross as ESP only, both sides report the
# SAs, and `down` leaves nothing.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

psk_sites
for s in west east; do
  # IKEv1 has no AEAD for the IKE_SA in strongSwan: CBC + HMAC there, GCM for ESP.
  jq '.tunnels[0] += {ike_version: 1, ike_proposals: ["aes256-sha256-modp2048"],
                      esp_proposals: ["aes256gcm16-modp2048"]}' "$IKE_DIR/$s.json" >"$IKE_DIR/$s.v1"
  mv "$IKE_DIR/$s.v1" "$IKE_DIR/$s.json"
  assert_ok "$VTIGW" check -c "$IKE_DIR/$s.json"
done

assert_ok vtigw_up east --verbose --wait=60
assert_ok vtigw_up west --verbose --wait=90
assert_ok tunnel_up west
assert_ok tunnel_up east
# charon's own log lines show the IKEv1 exchanges (main mode and quick mode), not IKEv2 ones.
assert_ok grep -q "ID_PROT request" "$IKE_DIR/west.log"
assert_ok grep -q "QUICK_MODE request" "$IKE_DIR/west.log"
assert_fail grep -q "IKE_AUTH request" "$IKE_DIR/west.log"
assert_ok wait_for 30 in_ns lan-w ping -c 1 -W 1 10.2.0.2
esp_only_ping
assert_eq "$(tunnel_field west spi_out)" "$(tunnel_field east spi_in)" "west's outbound SPI is east's inbound SPI"
down_both_sites
