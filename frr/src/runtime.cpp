// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/runtime.h"

#include <pthread.h>

namespace frr {

Runtime::Runtime(RuntimeOptions options)
    : options_(std::move(options)),
      supervisor_(options_.layout),
      reloader_(options_.layout, options_.reload_timeout) {}

Runtime::~Runtime() {
    stop(false);
}

void Runtime::start() {
    std::lock_guard lock(mu_);
    if (worker_.joinable()) return;
    quit_ = false;
    worker_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "vtigw-frr");
        work();
    });
}

void Runtime::apply(std::string text) {
    std::lock_guard lock(mu_);
    queued_ = std::move(text);
    state_.applying = true;
    cv_.notify_all();
}

std::string Runtime::check(const std::string& text) {
    {
        std::lock_guard lock(mu_);
        if (options_.managed && !state_.applied) return {};
    }
    std::string error = reloader_.check(text);
    if (!error.empty()) {
        std::lock_guard lock(mu_);
        state_.error = error;
    }
    return error;
}

std::optional<std::string> Runtime::running_config(std::string& error) const {
    return vtysh_show(options_.layout, "show running-config", std::chrono::seconds(30), error);
}

std::optional<std::string> Runtime::last_applied() const {
    return reloader_.last_applied();
}

bool Runtime::wait_applied(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return !queued_ && !busy_; });
}

void Runtime::poll_now(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    uint64_t want = polls_ + 1;
    poll_requested_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, limit, [&] { return polls_ >= want || quit_; });
}

RuntimeState Runtime::state() const {
    std::lock_guard lock(mu_);
    return state_;
}

std::string Runtime::stop(bool stop_frr) {
    {
        std::lock_guard lock(mu_);
        quit_ = true;
        cv_.notify_all();
    }
    if (worker_.joinable()) worker_.join();
    if (!stop_frr) return {};
    if (options_.managed) return supervisor_.stop();
    return {};
}

void Runtime::work() {
    bool started = !options_.managed;
    auto next_poll = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    while (!quit_) {
        if (!started) {
            lock.unlock();
            std::string err = supervisor_.start();
            lock.lock();
            started = err.empty();
            state_.error = err.empty() ? "" : "FRR not started: " + err;
            if (!started) {
                // Retry later: the cause (a foreign FRR in the pathspace) may go away.
                cv_.wait_for(lock, std::chrono::seconds(10), [&] { return quit_; });
                continue;
            }
        }
        if (queued_) {
            std::string text = std::move(*queued_);
            queued_.reset();
            busy_ = true;
            lock.unlock();
            ApplyOutcome out = reloader_.apply(text);
            lock.lock();
            busy_ = false;
            state_.applying = queued_.has_value();
            if (out.ok) {
                state_.applied = true;
                state_.error.clear();
            } else {
                state_.error = out.error;
            }
            cv_.notify_all();
            next_poll = std::chrono::steady_clock::now();
            continue;
        }
        auto now = std::chrono::steady_clock::now();
        if (poll_requested_ || now >= next_poll) {
            poll_requested_ = false;
            lock.unlock();
            Snapshot s = query_snapshot(options_.layout);
            lock.lock();
            state_.running = s.errors.empty() || !s.bgp.empty();
            state_.snapshot = std::move(s);
            state_.polled = std::chrono::steady_clock::now();
            ++polls_;
            next_poll = state_.polled + options_.poll_interval;
            cv_.notify_all();
            continue;
        }
        cv_.wait_until(lock, next_poll,
                       [&] { return quit_ || queued_.has_value() || poll_requested_; });
    }
    cv_.notify_all();
}

}  // namespace frr
