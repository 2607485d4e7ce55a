#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bring a tunnel up from CI, run a test through it, and always tear it down.
#
#   examples/ci-bring-up.sh CONFIG TEST-COMMAND…
#   e.g. AWS_TUNNEL1_PSK=… AWS_TUNNEL2_PSK=… examples/ci-bring-up.sh examples/aws.json \
#          ping -c 3 -W 2 10.100.0.10
#
# The PSKs come from the CI's secret store as environment variables (psk_env in the config)
# or as files written with mode 0600 (psk_file); they are never echoed. Exit status: that of the
# first failing step (check: 1 = config error; up --wait: its documented cause codes), else the
# test command's status.
set -euo pipefail

VTIGW=${VTIGW:-vtigw}
config=${1:?usage: ci-bring-up.sh CONFIG TEST-COMMAND…}
shift
[ $# -gt 0 ] || { echo "ci-bring-up.sh: no test command given" >&2; exit 2; }

# 1. Validate before touching the kernel or the peer: prints every problem at once.
"$VTIGW" check -c "$config"

# 2. Show what will change (kernel objects as ip/nft commands, IKE connections); no secrets.
"$VTIGW" plan -c "$config"

# 3. Bring the tunnels up; from here on always tear down, whatever happens.
cleanup() { "$VTIGW" down -c "$config" || true; }
trap cleanup EXIT
"$VTIGW" up -c "$config" --wait=120
"$VTIGW" status

# 4. The actual test, through the tunnel.
"$@"
