// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Library results: an errno, what vtigw was doing, and the kernel's own extended-ack text.
// No exceptions inside the library; callers at the edges decide how to report.

#include <optional>
#include <string>
#include <utility>

namespace vti {

/** A failure: errno plus context plus the kernel's extack message, if it sent one. */
struct Error {
    /** Positive errno value (EINVAL, EEXIST, ...); 0 never appears in an Error. */
    int code = 0;
    /** What vtigw was doing, naming the tunnel and object ("tunnel aws1: add route ..."). */
    std::string context;
    /** The kernel's NETLINK_EXT_ACK text, or empty when the kernel gave none. */
    std::string kernel;

    /** One line: "<context>: <strerror(code)> (kernel: <extack>)". */
    std::string message() const;
};

/** Success, or an Error. */
class [[nodiscard]] Result {
  public:
    /** Success. */
    Result() = default;
    /** Failure. */
    Result(Error e) : error_(std::move(e)) {}
    /** Failure from errno and context. */
    static Result fail(int code, std::string context, std::string kernel = {}) {
        return Result(Error{code, std::move(context), std::move(kernel)});
    }
    /** True on success. */
    bool ok() const { return !error_; }
    /** Same as ok(). */
    explicit operator bool() const { return ok(); }
    /** The error; only valid when !ok(). */
    const Error& error() const { return *error_; }
    /** errno, or 0 on success. */
    int code() const { return error_ ? error_->code : 0; }
    /** Human-readable text; "ok" on success. */
    std::string message() const { return error_ ? error_->message() : "ok"; }
    /** Prepends context ("tunnel x: ") to the error, if any. */
    Result& prefix(const std::string& what) {
        if (error_) error_->context = what + error_->context;
        return *this;
    }

  private:
    std::optional<Error> error_;
};

/** A value or an Error (C++20 has no std::expected). */
template <class T>
class [[nodiscard]] Expected {
  public:
    /** Success with a value. */
    Expected(T value) : value_(std::move(value)) {}
    /** Failure. */
    Expected(Error e) : status_(std::move(e)) {}
    /** Failure from a failed Result (must not be ok). */
    Expected(Result r) : status_(std::move(r)) {}
    /** True when a value is present. */
    bool ok() const { return value_.has_value(); }
    /** Same as ok(). */
    explicit operator bool() const { return ok(); }
    /** The value; only valid when ok(). */
    T& value() { return *value_; }
    /** The value, read-only; only valid when ok(). */
    const T& value() const { return *value_; }
    /** Member access to the value; only valid when ok(). */
    T* operator->() { return &*value_; }
    /** Member access to the value, read-only; only valid when ok(). */
    const T* operator->() const { return &*value_; }
    /** The value; only valid when ok(). */
    T& operator*() { return *value_; }
    /** The failure as a Result (ok() when a value is present). */
    const Result& status() const { return status_; }
    /** Human-readable error text. */
    std::string message() const { return status_.message(); }

  private:
    std::optional<T> value_;
    Result status_;
};

}  // namespace vti
