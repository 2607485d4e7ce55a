#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The host-namespace test suite (tests/vti/vti_netns_tests) on the real Debian kernel, where
# ip_vti exists: each test makes its own namespace; MissingVtiSupportIsActionable then proves the
# real create/delete path of a VTI instead of the "Unknown device type" message.
source "$VTIGW_VM_LIB"
bin=$VTIGW_BUILD/tests/vti/vti_netns_tests
[ -x "$bin" ] || fail "no $bin"
assert_ok "$bin" --gtest_brief=1
