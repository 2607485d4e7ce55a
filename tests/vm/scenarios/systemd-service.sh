#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vm-boot: systemd
# vtigw as a systemd service, from its Debian package, on a real systemd (PID 1 of this boot) and
# scraped by a real Prometheus. Both sites run the shipped template unit vtigw@SITE (the network
# namespace /run/netns/SITE, /etc/vtigw/SITE.json) with its sandboxing unchanged; the only
# test-specific setting is a drop-in WatchdogSec=10s so the watchdog check takes seconds.
#
#   lan-w ------------ west ================ east ------------ lan-e
#   10.1.0.2/24  10.1.0.1/24  192.0.2.1 -- 192.0.2.2  10.2.0.1/24  10.2.0.2/24
#                     vti0 10.255.0.1/30 <--IKEv2/ESP--> vti0 10.255.0.2/30   tunnel to-peer
#                     vti1 10.255.1.1/30 --> 192.0.2.9 (nobody there)          tunnel ghost (west)
#
# Checks: dpkg installs the .deb (ctest fixture `deb`: build/pkg/); `systemctl start` returns once
# the daemons are READY and the tunnel comes up with traffic through it; `systemctl status`
# shows the STATUS= line; the journal has the tunnel events at priority notice and no PSK;
# Prometheus (in west's namespace) scrapes 127.0.0.1:9814 and its query API gives
# vtigw_tunnel_up 1 for to-peer and 0 for ghost, and a receive byte counter that did not go
# backwards across a CHILD_SA rekey (ESP lifetime 60 s) under pings; promtool accepts the
# exposition; `systemctl reload` applies a changed ghost without touching to-peer (IKE_SA kept);
# a broken file makes reload fail, the running configuration stays and nothing restarts; a broken
# vtigw.service configuration fails the start without a restart loop; SIGSTOP of a daemon gets
# it restarted by the watchdog and the tunnel back; `systemctl stop` leaves nothing.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"

deb=$(ls "$VTIGW_DEB_DIR"/vtigw_*.deb 2>/dev/null | head -1 || true)
[ -n "$deb" ] || fail "no vtigw_*.deb in $VTIGW_DEB_DIR (ctest fixture deb: scripts/package)"
[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm), not systemd"

sock() { echo "/run/vtigw/$1/vtigw.sock"; }
ctl() { local s=$1; shift; vtigw "$@" --control "$(sock "$s")"; }
field() { ctl "$1" status --json | jq -r --arg t "$2" '.tunnels[] | select(.name == $t) | .'"$3"; }
up() { [ "$(field "$1" "$2" up)" = true ]; }
prop() { systemctl show -P "$2" "$1"; }
metric() { ctl "$1" metrics | awk -v m="$2" '$1 == m { print $2 }'; }
# promql EXPR: the value of an instant query's first sample ("" when none).
promql() {
  in_ns west curl -sfG --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query |
    jq -r '.data.result[0].value[1] // empty'
}
prom_is() { [ "$(promql "$1")" = "$2" ]; }
rekeys() { metric west 'vtigw_tunnel_child_rekeys_total{tunnel="to-peer"}'; }
rekeyed_since() { [ "$(rekeys)" -gt "$1" ]; }
replaced() { [ "$(field west to-peer spi_in)" != "$1" ]; }
single() { [ "$(field west to-peer child_sas)" = 1 ]; }
# diag: both daemons' journals and status, for a failure's log.
diag() {
  for s in west east; do
    echo "--- vtigw@$s: status, journal (last 60 lines)"
    ctl "$s" status 2>&1 || true
    journalctl -u "vtigw@$s.service" -o short-monotonic --no-pager 2>&1 | tail -60
  done >&2
}
restarted() { [ "$(prop "$1" NRestarts)" = "$2" ] && [ "$(prop "$1" ActiveState)" = active ]; }

on_exit "systemctl stop vtigw@west.service vtigw@east.service vtigw.service; rm -f /etc/vtigw/vtigw.json"

# --- install -------------------------------------------------------------------------------------
rm -f /var/lib/man-db/auto-update  # the man-db trigger would index every page under TCG
t0=$(date +%s.%N)
assert_ok dpkg -i "$deb"
log "measured: dpkg -i $(basename "$deb") took $(since "$t0") s"
assert_eq /usr/sbin/vtigw "$(command -v vtigw)" "vtigw installed in /usr/sbin"
assert_ok systemctl cat vtigw.service vtigw@.service
mkdir -p /etc/systemd/system/vtigw@.service.d
printf '[Service]\nWatchdogSec=10s\n' >/etc/systemd/system/vtigw@.service.d/test-watchdog.conf
systemctl daemon-reload

# --- two sites, the template unit per namespace --------------------------------------------------
ike_topology
psk=$(head -c 24 /dev/urandom | base64)
write_psk /etc/vtigw/psk "$psk"
lifetimes='{"esp_lifetime": "60s", "rekey_margin": "20s", "rekey_fuzz": 0}'
site_config west 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate /etc/vtigw/psk
site_config east 192.0.2.2 192.0.2.1 10.255.0.2/30 10.1.0.0/24 respond /etc/vtigw/psk
ghost='{"name": "ghost", "remote": "192.0.2.9", "local_id": "west-ghost.vtigw.test",
  "remote_id": "ghost.vtigw.test", "auth": {"psk_file": "/etc/vtigw/psk"}, "kind": "vti",
  "interface": "vti1", "mark": 43, "inside": {"local": "10.255.1.1/30"}, "start_action": "initiate"}'
jq --argjson l "$lifetimes" --argjson g "$ghost" \
  '.defaults += $l | .tunnels += [$g] | .gateway.metrics = {"listen": "127.0.0.1:9814"}' \
  "$IKE_DIR/west.json" >/etc/vtigw/west.json
jq --argjson l "$lifetimes" '.defaults += $l | .gateway.metrics = {}' "$IKE_DIR/east.json" \
  >/etc/vtigw/east.json

t0=$(date +%s.%N)
assert_ok systemctl start vtigw@east.service vtigw@west.service
log "measured: systemctl start (until READY=1 of both) took $(since "$t0") s"
assert_eq active "$(prop vtigw@west.service ActiveState)" "vtigw@west active"
assert_eq active "$(prop vtigw@east.service ActiveState)" "vtigw@east active"
wait_for 90 up west to-peer || { diag; fail "to-peer did not come up"; }
log "measured: to-peer up $(since "$t0") s after systemctl start"
assert_ok in_ns lan-w ping -c 3 -W 5 10.2.0.2
assert_eq 10.255.0.1/30 "$(ip -n west -o -4 addr show dev vti0 | awk '{print $4}')" "west vti0 address"

# --- status line, journal ------------------------------------------------------------------------
wait_for 20 bash -c "systemctl status vtigw@west.service | grep -q 'Status: \"1/2 tunnels up; ghost: '" ||
  fail "no STATUS line: $(systemctl status vtigw@west.service --no-pager | head -12)"
log "systemctl status: $(systemctl status vtigw@west.service --no-pager | grep 'Status:' | sed 's/^ *//')"
assert_match '^1/1 tunnels up$' "$(prop vtigw@east.service StatusText)" "east STATUS="
notices=$(journalctl -u vtigw@west.service -p notice..notice -o cat --no-pager)
assert_match 'tunnel to-peer: CHILD_SA installed' "$notices" "journal: tunnel up at priority notice"
assert_match '^running: ' "$notices" "journal: start at priority notice"
if journalctl -o cat --no-pager | grep -qF "$psk"; then fail "the PSK is in the journal"; fi
log "ok: the PSK is nowhere in the journal"

# --- Prometheus ------------------------------------------------------------------------------
prom=$(mktemp -d /tmp/prom.XXXXXX)
cat >"$prom/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: vtigw
    static_configs: [{targets: ["127.0.0.1:9814"]}]
YML
in_ns west prometheus --config.file="$prom/prometheus.yml" --storage.tsdb.path="$prom/data" \
  --web.listen-address=127.0.0.1:9090 >"$prom/log" 2>&1 &
prom_pid=$!
on_exit "kill $prom_pid; wait $prom_pid"
wait_for 90 in_ns west curl -sf http://127.0.0.1:9090/-/ready || { tail "$prom/log" >&2; fail "prometheus not ready"; }
in_ns lan-w ping -q -i 0.2 -w 100 10.2.0.2 >"$prom/ping" 2>&1 &
ping_pid=$!
on_exit "kill $ping_pid"
wait_for 30 prom_is 'vtigw_tunnel_up{tunnel="to-peer"}' 1 ||
  fail "prometheus: vtigw_tunnel_up{tunnel=to-peer} is '$(promql 'vtigw_tunnel_up{tunnel="to-peer"}')'"
log "ok: prometheus: vtigw_tunnel_up{tunnel=\"to-peer\"} = 1"
assert_eq 0 "$(promql 'vtigw_tunnel_up{tunnel="ghost"}')" "prometheus: vtigw_tunnel_up{tunnel=\"ghost\"}"
rekeys_before=$(rekeys)
before=$(promql 'vtigw_tunnel_receive_bytes_total{tunnel="to-peer"}')
spi_before=$(field west to-peer spi_in)
log "receive bytes before the rekey: $before (SA $spi_before)"
wait_for 90 rekeyed_since "$rekeys_before" ||
  fail "no CHILD_SA rekey within 90 s"
wait_for 30 replaced "$spi_before" || fail "no new CHILD_SA after the rekey"
# A few more scrapes under pings, preferably with the rekeyed SA gone (deleted a few seconds after
# the rekey; a later rekey may overlap again).
wait_for 30 single || log "note: $(field west to-peer child_sas) CHILD_SAs at the end of the wait"
sleep 3
after=$(promql 'vtigw_tunnel_receive_bytes_total{tunnel="to-peer"}')
current=$(field west to-peer bytes_in)
log "measured: receive bytes after the rekey: total $after, of which the current SA $current"
[ "$after" -gt "$before" ] || fail "receive bytes went from $before to $after across the rekey"
[ "$after" -gt "$current" ] || fail "the total ($after) does not include the rekeyed SA's bytes (current SA $current)"
assert_eq 0 "$(promql 'resets(vtigw_tunnel_receive_bytes_total{tunnel="to-peer"}[10m])')" \
  "prometheus: resets() of the receive byte counter across the rekey"
assert_eq 0 "$(promql 'resets(vtigw_tunnel_transmit_bytes_total{tunnel="to-peer"}[10m])')" \
  "prometheus: resets() of the transmit byte counter across the rekey"
assert_ge 1 "$(promql 'vtigw_tunnel_child_rekeys_total{tunnel="to-peer"}')" "prometheus: child rekeys"
assert_eq 1 "$(promql 'vtigw_build_info{strongswan_version="5.9.8"}')" "prometheus: vtigw_build_info"
ctl west metrics >"$prom/exposition.txt"
assert_ok promtool check metrics <"$prom/exposition.txt"
in_ns west curl -sf http://127.0.0.1:9814/metrics >"$prom/http.txt"
assert_ok promtool check metrics <"$prom/http.txt"
assert_match 'vtigw_tunnel_up\{tunnel="ghost"\} 0' "$(cat "$prom/http.txt")" "HTTP endpoint lists ghost"
kill "$ping_pid" 2>/dev/null || true

# --- reload ----------------------------------------------------------------------------------
# ESP SPIs change at every CHILD_SA rekey (60 s lifetimes here); the IKE_SA's SPI and id stay
# unless the tunnel is re-established.
spi=$(field west to-peer ike_spi_i)/$(field west to-peer ike_sa_id)
jq '(.tunnels[] | select(.name == "ghost") | .remote) = "192.0.2.8"' /etc/vtigw/west.json >"$prom/w.json"
cat "$prom/w.json" >/etc/vtigw/west.json
assert_ok systemctl reload vtigw@west.service
assert_eq 192.0.2.8 "$(field west ghost remote)" "reload applied the changed ghost"
assert_eq "$spi" "$(field west to-peer ike_spi_i)/$(field west to-peer ike_sa_id)" \
  "to-peer untouched by the reload (IKE SPI and SA kept)"
assert_eq 1 "$(metric west vtigw_config_last_reload_successful)" "metrics: last reload successful"
cp /etc/vtigw/west.json "$prom/good.json"
echo '{"gateway": ' >/etc/vtigw/west.json
assert_fail systemctl reload vtigw@west.service
assert_eq active "$(prop vtigw@west.service ActiveState)" "vtigw@west still active after a failed reload"
assert_eq 0 "$(prop vtigw@west.service NRestarts)" "no restart after a failed reload"
assert_eq "$spi" "$(field west to-peer ike_spi_i)/$(field west to-peer ike_sa_id)" \
  "running configuration kept (IKE SPI and SA kept)"
assert_eq 192.0.2.8 "$(field west ghost remote)" "running configuration kept (ghost)"
assert_eq 0 "$(metric west vtigw_config_last_reload_successful)" "metrics: last reload failed"
assert_match '^reload failed' "$(prop vtigw@west.service StatusText)" "STATUS= says the reload failed"
cat "$prom/good.json" >/etc/vtigw/west.json

# --- a broken configuration at start: no restart loop ------------------------------------------
echo '{"gateway": {"local": "192.0.2.1"}, "tunnels": [{"name": 1}]}' >/etc/vtigw/vtigw.json
assert_fail systemctl start vtigw.service
sleep 6  # RestartSec=2s: a loop would have restarted it by now
assert_eq failed "$(prop vtigw.service ActiveState)" "vtigw.service failed on the broken file"
assert_eq 0 "$(prop vtigw.service NRestarts)" "vtigw.service not restarted (exit 1)"
rm -f /etc/vtigw/vtigw.json
systemctl reset-failed vtigw.service

# --- watchdog: a stopped event loop gets the daemon restarted ---------------------------------
pid=$(prop vtigw@east.service MainPID)
west_spi=$(field west to-peer ike_spi_i)
t0=$(date +%s.%N)
kill -STOP "$pid"
wait_for 90 restarted vtigw@east.service 1 ||
  fail "the watchdog did not restart vtigw@east: $(systemctl status vtigw@east.service --no-pager | head -12)"
log "measured: restarted by the watchdog $(since "$t0") s after SIGSTOP (WatchdogSec=10s)"
[ "$(prop vtigw@east.service MainPID)" != "$pid" ] || fail "same MainPID after the restart"
assert_match 'Watchdog timeout' "$(journalctl -u vtigw@east.service -o cat --no-pager)" "journal: watchdog timeout"
# west keeps its IKE_SA (and shows it up) until DPD finds the restarted peer without it.
renegotiated() { up west to-peer && [ "$(field west to-peer ike_spi_i)" != "$west_spi" ]; }
wait_for 180 renegotiated || { diag; fail "to-peer did not come back after the watchdog restart"; }
assert_ok in_ns lan-w ping -c 3 -W 5 10.2.0.2
log "measured: to-peer up again $(since "$t0") s after SIGSTOP"

# --- stop leaves nothing ---------------------------------------------------------------------
assert_ok systemctl stop vtigw@west.service vtigw@east.service
for s in west east; do
  [ "$(prop "vtigw@$s.service" ActiveState)" = inactive ] || diag
  assert_eq inactive "$(prop "vtigw@$s.service" ActiveState)" "vtigw@$s stopped"
  assert_eq "" "$(ip -n "$s" xfrm state; ip -n "$s" xfrm policy)" "$s: no xfrm state or policy"
  assert_eq "" "$(ip -n "$s" -o link show | grep -E ': vti[01]@' || true)" "$s: no tunnel interface"
  assert_eq "" "$(ip netns exec "$s" nft list tables | grep -w vtigw || true)" "$s: no nft table"
done
assert_eq "" "$(pgrep -a 'vtigw|charon' || true)" "no vtigw process left"
