# SPDX-License-Identifier: GPL-2.0-or-later
# The VTI manager's test tool (tests/vti/vti_apply_tool) between two namespaces, for
# tests/vm/scenarios/vti-*.sh. Source after lib.sh.
#
#   namespace gw  wan0 192.0.2.1/24  ------  namespace peer  wan0 192.0.2.2/24
#
# g CMD…: CMD in gw.  tool ARGS…: the tool in gw (apply FILE, plan FILE, flush).
tool=$VTIGW_BUILD/tests/vti/vti_apply_tool
[ -x "$tool" ] || fail "no $tool; build the vti_apply_tool target"
netns_add gw
netns_add peer
veth_pair gw wan0 peer wan0
ip -n gw addr add 192.0.2.1/24 dev wan0
ip -n peer addr add 192.0.2.2/24 dev wan0
g() { ip netns exec gw "$@"; }
tool() { g "$tool" "$@"; }
