#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Harness self-test: an assertion that cannot hold must make the scenario fail.
source "$VTIGW_VM_LIB"
assert_eq 1 2 "an assertion that cannot hold"
