// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Helpers shared by the gateway tests: temporary directories, minimal valid configurations,
// diagnostics lookup, running the vtigw binary.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "gateway/loader.h"

namespace gwtest {

/** A temporary directory removed at destruction. */
class TempDir {
  public:
    TempDir();
    ~TempDir();
    /** The directory. */
    const std::filesystem::path& path() const { return path_; }
    /** Writes `content` to `name` with `mode`; returns the full path. */
    std::string write(const std::string& name, const std::string& content, unsigned mode = 0600);

  private:
    std::filesystem::path path_;
};

/** A valid configuration: gateway 192.0.2.1, one tunnel "t1" to 198.51.100.1 with inline-free
 *  PSK from env VTIGW_TEST_PSK, inside 169.254.10.1/30, route 10.1.0.0/16. */
nlohmann::json base_config();

/** A second valid tunnel "t2" to 198.51.100.2, inside 169.254.11.1/30, route 10.2.0.0/16. */
nlohmann::json second_tunnel();

/** base_config() plus second_tunnel() on a BGP gateway (AS 65010, router ID 10.80.0.11,
 *  announcing 10.80.0.0/24, accepting 10.1.0.0/16 and 10.2.0.0/16 le 24); each tunnel peers with
 *  AS 65020 at the other end of its inside /30. */
nlohmann::json bgp_config();

/** Loads `j` with the environment VTIGW_TEST_PSK set to a 32-character key. */
gateway::LoadResult load(const nlohmann::json& j);

/** Loads text with the same environment. */
gateway::LoadResult load_text(const std::string& text);

/** True when an error (not warning) at exactly `pointer` has a message containing `needle`. */
bool has_error(const gateway::LoadResult& r, const std::string& pointer, const std::string& needle);

/** True when a warning at `pointer` contains `needle`. */
bool has_warning(const gateway::LoadResult& r, const std::string& pointer,
                 const std::string& needle);

/** All diagnostics as text, for failure messages. */
std::string dump(const gateway::LoadResult& r);

/** Output and exit status of a command. */
struct Run {
    int status = -1;
    std::string out;
    std::string err;
};

/** Runs the vtigw binary with `args` (shell-quoted by the caller) and extra environment. */
Run run_vtigw(const std::string& args, const std::string& env = "");

}  // namespace gwtest
