// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One gateway's FRR at run time, off the caller's threads: a worker starts the daemons (when vtigw
// manages them), applies configurations one at a time (only the newest of several queued), and
// polls FRR's state for status. Never blocks a caller for longer than a mutex.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "frr/layout.h"
#include "frr/query.h"
#include "frr/reloader.h"
#include "frr/supervisor.h"

namespace frr {

/** How a Runtime runs FRR. */
struct RuntimeOptions {
    Layout layout;
    /** Start (and at the end stop) the daemons; false: use an FRR that runs already. */
    bool managed = true;
    /** Bound of each frr-reload.py run. */
    std::chrono::seconds reload_timeout{60};
    /** How often the state is polled. */
    std::chrono::milliseconds poll_interval{3000};
};

/** What status shows about FRR. */
struct RuntimeState {
    /** The daemons run (managed) and the last poll reached them. */
    bool running = false;
    /** True once a configuration was applied successfully. */
    bool applied = false;
    /** An apply is queued or running. */
    bool applying = false;
    /** Why the daemons could not be started or the last configuration was refused; empty if
     *  neither. The last accepted configuration keeps running. */
    std::string error;
    /** The last poll (empty before the first). */
    Snapshot snapshot;
    /** When the last poll finished. */
    std::chrono::steady_clock::time_point polled{};
};

/** Runs FRR for one gateway on its own thread. */
class Runtime {
  public:
    explicit Runtime(RuntimeOptions options);
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    /** Starts the worker: it starts the daemons (managed) and then applies what apply() gave. */
    void start();
    /** Queues `text` (the rendered configuration) for the worker; replaces a queued one. */
    void apply(std::string text);
    /** Checks `text` against the running FRR now (on the caller's thread, after any running
     *  apply), changing nothing; the error or "". "" as well while a managed FRR is not up yet.
     *  A refusal is kept as the state's error (status shows it) until an apply succeeds. */
    std::string check(const std::string& text);
    /** FRR's running configuration (vtysh `show running-config`, on the caller's thread; it
     *  holds passwords), or nullopt with `error` when FRR does not answer. */
    std::optional<std::string> running_config(std::string& error) const;
    /** The last configuration FRR accepted from vtigw (passwords included), if any. */
    std::optional<std::string> last_applied() const;
    /** Waits until no apply is queued or running (or `limit`); true when idle. */
    bool wait_applied(std::chrono::milliseconds limit);
    /** Polls now (on the worker) and waits for it, up to `limit`. */
    void poll_now(std::chrono::milliseconds limit);
    /** A copy of the current state. */
    RuntimeState state() const;
    /**
     * Stops the worker; with `stop_frr` (down) a managed FRR's daemons are stopped and vtigw's
     * FRR files removed (zebra takes its routes with it), an attached FRR is left running.
     * Returns what could not be done, empty on success.
     */
    std::string stop(bool stop_frr);

  private:
    void work();

    RuntimeOptions options_;
    Supervisor supervisor_;
    Reloader reloader_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::optional<std::string> queued_;
    bool busy_ = false;
    bool poll_requested_ = false;
    uint64_t polls_ = 0;
    bool quit_ = false;
    RuntimeState state_;
    std::string start_error_;
    std::thread worker_;
};

}  // namespace frr
