// SPDX-License-Identifier: GPL-2.0-or-later
/* charon settings that follow the tunnel count (no charon calls: unit-tested alone). */
#include "vtigw_bridge.h"

static unsigned power_of_two_at_least(unsigned n, unsigned cap)
{
	unsigned p = 1;

	while (p < n && p < cap)
	{
		p <<= 1;
	}
	return p;
}

vtigw_scale_settings_t vtigw_ike_scale_settings(unsigned tunnels)
{
	vtigw_scale_settings_t c;

	/* strongSwan's lookup tuning: 5 to 20 IKE_SAs per bucket (with rekeys and duplicates a
	 * tunnel briefly holds two); more than 512 segments has been unstable */
	c.ikesa_table_size = power_of_two_at_least(tunnels / 8, 4096);
	c.ikesa_table_segments = power_of_two_at_least(c.ikesa_table_size / 16, 64);
	/* workers block on kernel calls: a few more with many tunnels, two kept for DPD and
	 * retransmits so that a burst of IKE_SA_INITs cannot starve liveness checks */
	c.threads = 8 + (tunnels > 100 ? (tunnels - 100) / 100 : 0);
	if (c.threads > 24)
	{
		c.threads = 24;
	}
	c.priority_threads_high = 2;
	/* XFRM tunnels share one peer address: all of them may be half-open at once toward it */
	c.block_threshold = tunnels + 5 > 5 ? tunnels + 5 : 5;
	c.cookie_threshold = tunnels + 30;
	c.cookie_threshold_ip = tunnels + 3;
	/* glibc's default, 8 arenas per core, gives most worker threads an arena of their own,
	 * each keeping freed chunks of the IKE_SAs it handled: with 2 (and vtigw_memory.c's
	 * trimming) RSS per tunnel at 400 tunnels fell from 59 to 35 KiB with no slower bring-up
	 * (docs/benchmarks.md, memory per tunnel) */
	c.malloc_arena_max = 2;
	return c;
}
