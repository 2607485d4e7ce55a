// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What vtigw tells the service manager (systemd): readiness and status notifications over
// $NOTIFY_SOCKET (sd_notify(3) protocol, written here: no libsystemd), the watchdog interval, and
// whether stderr is the journal (then log lines carry a `<N>` priority prefix, daemon(7)).
// Without systemd every function is a harmless no-op.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/control.h"

namespace gateway::service {

/** True when $NOTIFY_SOCKET names a socket (a path, or "@name"): systemd listens for notify(). */
bool notify_enabled();

/** Sends `state` (newline-separated assignments, e.g. "READY=1\nSTATUS=…") to the socket
 *  named by $NOTIFY_SOCKET (a path, or "@name" for an abstract socket). False when the
 *  variable is unset or the datagram could not be sent. */
bool notify(std::string_view state);

/** The interval at which WATCHDOG=1 is due: half of $WATCHDOG_USEC when the watchdog is on for
 *  this process ($WATCHDOG_PID unset or ours), else zero. */
std::chrono::microseconds watchdog_interval();

/**
 * When WATCHDOG=1 is due: every `interval`, and only while a heartbeat (the last run of a job
 * in charon's scheduler, CLOCK_MONOTONIC ms) is at most `stale_ms` old, so a daemon whose IKE
 * side hangs is restarted by systemd even though its control loop still runs.
 */
class Watchdog {
  public:
    /** What tick() decided. */
    enum class Verdict {
        /** Nothing due (or the watchdog is off: zero interval). */
        Idle,
        /** Send WATCHDOG=1 now. */
        Ping,
        /** Due, but the heartbeat is stale (or never ran): withheld. */
        Withheld,
    };

    explicit Watchdog(std::chrono::microseconds interval, int64_t stale_ms = 5000);
    /** The decision at monotonic time `now_ms` with the heartbeat last run at `beat_ms` (0:
     *  never). A withheld ping is retried at every later tick. */
    Verdict tick(int64_t now_ms, int64_t beat_ms);

  private:
    int64_t interval_ms_;
    int64_t stale_ms_;
    int64_t next_ms_ = 0;
};

/** CLOCK_MONOTONIC in microseconds (the MONOTONIC_USEC= of a reload notification). */
uint64_t monotonic_usec();

/** True when stderr is connected to the journal ($JOURNAL_STREAM names its device and inode). */
bool stderr_is_journal();

/** Syslog priorities used for log lines. */
enum Priority { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

/** The priority of a daemon log line: errors 3, a degraded tunnel 4, tunnels going up or down
 *  and reloads 5, progress 6. */
Priority priority_of(std::string_view line);

/** One line for `systemctl status`: "3/4 tunnels up; aws-2: peer unreachable: …" (the first
 *  down tunnel with an error, or the first down tunnel). */
std::string status_line(const control::Reply& status);

}  // namespace gateway::service
