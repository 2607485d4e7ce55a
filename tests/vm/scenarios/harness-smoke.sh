#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The harness itself: real kernel, modules load on demand, namespaces and veth work.
source "$VTIGW_VM_LIB"
log "kernel $(uname -r)"
assert_eq "$VTIGW_KERNEL_VERSION" "$(uname -r)" "guest runs the test kernel"
netns_add smoke-a
netns_add smoke-b
veth_pair smoke-a a0 smoke-b b0
ip -n smoke-a addr add 198.18.0.1/24 dev a0
ip -n smoke-b addr add 198.18.0.2/24 dev b0
assert_ok in_ns smoke-a ping -c1 -W5 198.18.0.2
assert_ok in_ns smoke-a ip link add vtitest type vti local 198.18.0.1 remote 198.18.0.2 key 42
assert_ok in_ns smoke-a ip link add xfrmtest type xfrm dev a0 if_id 7
assert_ok in_ns smoke-a nft add table inet smoketest
