#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Harness self-test: exits 0 but leaves an xfrm state and policy behind; the leftover check must fail it.
source "$VTIGW_VM_LIB"
ip xfrm state add src 198.18.0.1 dst 198.18.0.2 proto esp spi 0x42 mode tunnel \
  aead 'rfc4106(gcm(aes))' 0x0123456789abcdef0123456789abcdef01234567 128
ip xfrm policy add dir out src 198.18.1.0/24 dst 198.18.2.0/24 \
  tmpl src 198.18.0.1 dst 198.18.0.2 proto esp mode tunnel
