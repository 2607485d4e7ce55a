// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Helpers for namespace tests: run a test body in its own fresh network namespace.

#include <functional>
#include <string>

namespace vti::test {

/** True when running as root (namespace tests skip otherwise). */
bool is_root();
/** Runs `body` on a new thread inside a fresh, anonymous network namespace (unshare on that
 *  thread). The namespace lives only as long as the thread and what it opened, so it is gone
 *  when this returns, also after a failed assertion. Loopback is brought up. */
void in_fresh_netns(const std::function<void()>& body);
/** Runs a shell command in the calling thread's namespace; returns its exit status. */
int sh(const std::string& cmd);
/** Runs a shell command and returns its stdout. */
std::string out(const std::string& cmd);
/** Number of lines of `text` containing `needle`. */
int count_lines(const std::string& text, const std::string& needle);

}  // namespace vti::test
