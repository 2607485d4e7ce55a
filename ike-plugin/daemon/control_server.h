// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The daemon's control socket: a Unix stream socket (mode 0600) answering one JSON-line request
// per connection; peers must be root or the daemon's own user (SO_PEERCRED).

#include <functional>
#include <string>
#include <thread>

#include "gateway/control.h"

namespace vtigwd {

class ControlServer {
  public:
    using Handler = std::function<gateway::control::Reply(const gateway::control::Request&)>;

    ~ControlServer();

    /** Binds `path` (refusing when another daemon answers there; a stale socket is replaced)
     *  and starts serving on its own thread. Returns false with `error` set on failure. */
    bool start(const std::string& path, Handler handler, std::string& error);
    /** Stops serving, joins the thread and removes the socket file. */
    void stop();

  private:
    void serve();
    void answer(int fd);

    std::string path_;
    Handler handler_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::thread thread_;
};

}  // namespace vtigwd
