// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Where one gateway's FRR lives on disk: FRR's own paths for a pathspace (`-N NAME`) and the
// directory where vtigw keeps the configuration it renders.

#include <string>
#include <vector>

namespace frr {

/** Paths of one FRR instance. Everything vtigw writes is below work_dir(). */
struct Layout {
    /** FRR pathspace (`-N NAME`); empty for FRR's default paths (an FRR vtigw only attaches to). */
    std::string pathspace;
    /**
     * FRR configuration root handed to vtysh and frr-reload.py (`--config_dir`/`--confdir`);
     * FRR appends the pathspace. vtigw-managed FRR: "<vtigw run dir>/frr"; an FRR vtigw attaches
     * to: "/etc/frr".
     */
    std::string config_root = "/etc/frr";
    /** FRR's state root (pid files, vty sockets); FRR appends the pathspace. */
    std::string state_root = "/var/run/frr";
    /** Where FRR's executables are. */
    std::string bin_dir = "/usr/lib/frr";
    /** vtysh. */
    std::string vtysh = "/usr/bin/vtysh";

    /** config_root[/pathspace]: vtysh.conf and FRR's write-back frr.conf. */
    std::string config_dir() const;
    /** state_root[/pathspace]: pid files, vty sockets, daemon logs. */
    std::string state_dir() const;
    /** vtigw's own files (rendered configuration, records); config_dir() when vtigw manages FRR. */
    std::string work_dir;
    /** The last configuration FRR accepted, as vtigw rendered it (mode 0600). */
    std::string applied_file() const;
    /** The record of the daemons vtigw started (name and pid per line). */
    std::string started_file() const;
    /** The vtysh prefix: vtysh [--config_dir DIR] [-N NAME]. */
    std::vector<std::string> vtysh_argv() const;
};

/** The layout of an FRR that vtigw manages: its configuration root is `vtigw_run_dir`/frr. */
Layout managed_layout(const std::string& pathspace, const std::string& vtigw_run_dir);

/** The layout of an FRR that runs already (FRR's own /etc/frr); vtigw's files in its run dir. */
Layout attached_layout(const std::string& pathspace, const std::string& vtigw_run_dir);

}  // namespace frr
