// SPDX-License-Identifier: GPL-2.0-or-later
/* vtigwd's use of glibc malloc: fewer arenas, free pages handed back after bursts. */
#ifndef VTIGW_MEMORY_H_
#define VTIGW_MEMORY_H_

/**
 * Caps glibc's malloc arenas (vtigw_ike_scale_settings' malloc_arena_max) unless the
 * environment sets the cap (MALLOC_ARENA_MAX, or glibc.malloc.arena_max in GLIBC_TUNABLES).
 * Call before any thread starts: a thread keeps the arena it first got.
 */
void vtigw_memory_limit_arenas(unsigned tunnels);

/**
 * Schedules, on charon's scheduler, a job that every VTIGW_MEMORY_TRIM_INTERVAL_MS returns
 * whole free pages of every arena to the kernel (malloc_trim). VTIGW_MALLOC_TRIM=0 in the
 * environment turns it off; VTIGW_MALLOC_STATS=1 prints glibc's malloc_stats() to stderr after
 * each trim (diagnostics, docs/operations.md).
 */
void vtigw_memory_schedule_trim(void);

/** Milliseconds between two trims. */
#define VTIGW_MEMORY_TRIM_INTERVAL_MS 10000

#endif
