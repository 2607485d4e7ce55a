// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Duplicate IKE_SAs of one tunnel, left when both peers initiate at the same moment.
 *
 * Each side's IKE_AUTH then crosses the other's, and strongSwan's uniqueness check (run while
 * the other SA is still connecting) keeps both. Both ends see the same SPIs of both SAs, so
 * both keep the same one by a rule on the SPIs, without talking to each other.
 */
#ifndef VTIGW_DUPLICATES_H_
#define VTIGW_DUPLICATES_H_

#include <stdbool.h>
#include <stdint.h>

/**
 * Whether IKE_SA a (SPIs a_i, a_r in host order) is kept rather than IKE_SA b: the one with the
 * higher initiator SPI, then the higher responder SPI.
 */
static inline bool vtigw_ike_sa_preferred(uint64_t a_i, uint64_t a_r, uint64_t b_i, uint64_t b_r)
{
	return a_i != b_i ? a_i > b_i : a_r > b_r;
}

/**
 * Schedules a check of `tunnel` (copied) `delay_s` seconds from now: when it has more than one
 * established IKEv2 SA, all but the preferred one are deleted (with a DELETE to the peer).
 */
void vtigw_duplicates_schedule(const char *tunnel, unsigned delay_s);

#endif /** VTIGW_DUPLICATES_H_ */
