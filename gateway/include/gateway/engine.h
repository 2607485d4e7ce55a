#pragma once
// The daemon's IKE logic (over the IkeDriver interface, no strongSwan here): initiates tunnels and
// retries failed attempts with backoff, turns plugin events into per-tunnel state and log lines,
// answers status and reset.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "gateway/config.h"
#include "gateway/control.h"
#include "gateway/ike_driver.h"

namespace gateway {

/** Log sink: one line without newline. */
using LogFn = std::function<void(const std::string&)>;

/** Retry timing of initiating tunnels. */
struct Backoff {
    /** Delay after the first failed attempt. */
    std::chrono::milliseconds initial{1000};
    /** Upper bound of the doubling delay. */
    std::chrono::milliseconds max{60000};
};

class Engine {
  public:
    using Clock = std::chrono::steady_clock;

    Engine(const Config& config, IkeDriver& ike, LogFn log, Backoff backoff = {});

    /** Handles one plugin event (called on the event thread). */
    void handle(const IkeEvent& ev);
    /** Starts attempts that are due for initiating tunnels without an IKE_SA. */
    void tick(Clock::time_point now);
    /** Drains events and ticks until `stop()` (blocking; run on its own thread). */
    void run();
    /** Makes run() return and stops any further initiation. */
    void stop();

    /** Every configured tunnel joined with its SAs. */
    control::Reply status();
    /** Deletes the tunnel's IKE_SA; an initiating tunnel is re-initiated at once. */
    control::Reply reset(const std::string& tunnel);

  private:
    struct State {
        const Tunnel* tunnel = nullptr;
        bool initiates = false;
        std::string last_error;
        std::string error_cause;
        int64_t last_error_time = 0;
        uint64_t attempts = 0;
        Clock::time_point next_attempt{};
        std::chrono::milliseconds delay{0};
    };

    const Config& config_;
    IkeDriver& ike_;
    LogFn log_;
    Backoff backoff_;
    std::mutex mutex_;
    std::map<std::string, State> states_;
    bool stopped_ = false;
};

}  // namespace gateway
