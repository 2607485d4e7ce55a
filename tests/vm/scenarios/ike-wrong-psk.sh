#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IKEv2 with mismatched pre-shared keys between two vtigwd sites (picture in
# ike-plugin/testing/ike-sites.sh): no tunnel comes up, no SA is installed, both sides report the
# authentication failure as the tunnel's last error, the initiator keeps retrying with backoff,
# and `down` leaves nothing behind.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

ike_topology
write_psk "$IKE_DIR/psk-west" "$(head -c 24 /dev/urandom | base64)"
write_psk "$IKE_DIR/psk-east" "$(head -c 24 /dev/urandom | base64)"
site_config west 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate "$IKE_DIR/psk-west"
site_config east 192.0.2.2 192.0.2.1 10.255.0.2/30 10.1.0.0/24 respond "$IKE_DIR/psk-east"

start_vtigwd east
start_vtigwd west

wait_auth_failure
assert_match "peer rejected our credentials" "$(tunnel_field west last_error)" "west: its key was rejected"
assert_match "credentials did not verify" "$(tunnel_field east last_error)" "east: the peer's AUTH did not verify"
assert_eq false "$(tunnel_field west up)" "west tunnel down"
assert_eq false "$(tunnel_field east up)" "east tunnel down"
assert_eq "" "$(installed_sas)" "no SA installed on either side"

# The initiator retries with backoff (1 s, 2 s, …): a second attempt follows the failure.
retried() { [ "$(tunnel_field west attempts)" -ge 2 ]; }
assert_ok wait_for 30 retried
assert_ok grep -q "authentication failed" "$IKE_DIR/west.log"
assert_ok grep -q "authentication failed" "$IKE_DIR/east.log"
for f in psk-west psk-east; do
  assert_eq 0 "$(cat "$IKE_DIR"/west.log "$IKE_DIR"/east.log | grep -cF -- "$(head -1 "$IKE_DIR/$f")" || true)" "$f absent from the logs"
done

down_both_sites
