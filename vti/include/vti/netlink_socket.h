// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Netlink transport on libmnl: bounded message builder, batched requests with per-message error
// attribution, multi-part dumps. One request socket per netlink protocol (NETLINK_ROUTE,
// NETLINK_XFRM); no event subscriptions on it.
//
// Network namespaces: a netlink socket belongs to the namespace it was created in, for its whole
// life. NetlinkSocket::open() creates it in the calling thread's current namespace, or, given a
// namespace fd, switches this thread into it just for socket(2) and back again.

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vti/result.h"

struct mnl_socket;

namespace vti::nl {

/** A netlink message under construction in a fixed-capacity buffer. Every put reports whether it
 *  fit; a failed put leaves the message unchanged and marks it overflowed. */
class Message {
  public:
    /** Default capacity; large enough for any single vtigw object. */
    static constexpr size_t kDefaultCapacity = 1024;

    /** Starts a message of `type` with `flags` (NLM_F_REQUEST is always added). */
    Message(uint16_t type, uint16_t flags, size_t capacity = kDefaultCapacity);

    /** Reserves a zeroed family header (ifinfomsg, rtmsg, ...) right after nlmsghdr; nullptr
     *  when it does not fit. Call before any attribute. */
    void* put_extra(size_t size);
    /** Typed put_extra. */
    template <class T>
    T* put_extra() {
        return static_cast<T*>(put_extra(sizeof(T)));
    }
    /** Appends attribute `type` with `len` bytes of `data`; false when it does not fit. */
    bool put(uint16_t type, const void* data, size_t len);
    /** Appends a u8 attribute; false when it does not fit. */
    bool put_u8(uint16_t type, uint8_t v);
    /** Appends a u16 attribute (host order); false when it does not fit. */
    bool put_u16(uint16_t type, uint16_t v);
    /** Appends a u32 attribute (host order); false when it does not fit. */
    bool put_u32(uint16_t type, uint32_t v);
    /** Appends a NUL-terminated string attribute; false when it does not fit. */
    bool put_strz(uint16_t type, const std::string& s);
    /** Opens a nested attribute; nullptr when it does not fit. */
    nlattr* nest_start(uint16_t type);
    /** Closes a nest opened by nest_start. */
    void nest_end(nlattr* nest);
    /** Removes a nest and everything put into it. */
    void nest_cancel(nlattr* nest);

    /** False once any put/nest did not fit. */
    bool ok() const { return !overflow_; }
    /** The header (type, flags, seq are set by the socket on send). */
    nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buf_.data()); }
    /** The header, read-only. */
    const nlmsghdr* header() const { return reinterpret_cast<const nlmsghdr*>(buf_.data()); }
    /** The encoded bytes (nlmsg_len of them). */
    std::span<const uint8_t> bytes() const { return {buf_.data(), header()->nlmsg_len}; }

  private:
    std::vector<uint8_t> buf_;
    bool overflow_ = false;
};

/** How an errno is interpreted for a request. The only place EEXIST / ENOENT become success. */
enum class Idempotence {
    /** Every error is an error. */
    Strict,
    /** A create: EEXIST means it is already there. */
    IgnoreExists,
    /** A delete: ENOENT / ESRCH / EADDRNOTAVAIL mean it is already gone. */
    IgnoreMissing,
};

/** Applies the idempotence rule: 0 when `err` (positive errno or 0) counts as success. */
int effective_error(int err, Idempotence idem);

/** One request in a batch: the message, its idempotence, and a label for errors. */
struct Request {
    /** The message (the socket sets NLM_F_ACK on the last message of each send only). */
    Message msg;
    /** How EEXIST / ENOENT are treated. */
    Idempotence idem = Idempotence::Strict;
    /** Names the tunnel and object, e.g. "tunnel aws1: add route 10.1.0.0/16". */
    std::string what;
};

/** Calls f(const nlattr*) for each well-formed attribute after `offset` bytes of payload. */
void for_each_attr(const nlmsghdr* nlh, size_t offset, const std::function<void(const nlattr*)>& f);
/** Calls f(const nlattr*) for each well-formed attribute nested in `nest`. */
void for_each_nested(const nlattr* nest, const std::function<void(const nlattr*)>& f);

/** Parses a netlink error message (NLMSG_ERROR) into errno (positive) and extack text. */
int parse_error_message(const nlmsghdr* nlh, std::string* extack);

/** A netlink request socket with NETLINK_EXT_ACK and NETLINK_CAP_ACK on. */
class Socket {
  public:
    /** Opens a socket of `protocol` (NETLINK_ROUTE, NETLINK_XFRM); in namespace `netns_fd`
     *  when it is >= 0 (needs CAP_SYS_ADMIN), else in the calling thread's namespace. */
    static Expected<std::unique_ptr<Socket>> open(int protocol, int netns_fd = -1);
    /** Closes the socket. */
    ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    /** Sends the requests with consecutive sequence numbers, packed into as few sendmsg calls as
     *  fit, and returns one Result per request (same order), each carrying the kernel's extack
     *  text. The kernel processes every message, so later requests run even if earlier failed.
     *  Only the last message of a send asks for an ack: a failure is answered by its error
     *  anyway, so one round trip per send and no ack per success. */
    std::vector<Result> transact(std::vector<Request>& requests);

    /** Runs a dump request and calls `each` for every reply message once the dump completed
     *  without interruption. */
    Result dump(Message& request, const std::function<void(const nlmsghdr*)>& each);

    /** Sends one non-dump request (e.g. RTM_GETLINK by name) and calls `each` for its reply;
     *  the kernel's error (ENODEV, ...) otherwise. */
    Result get(Message& request, const std::function<void(const nlmsghdr*)>& each);

    /** Turns on NETLINK_GET_STRICT_CHK: dump requests are validated and their filters (ifindex,
     *  oif) honoured by the kernel. */
    Result enable_strict_check();

    /** The socket's netlink port id; rtnetlink notifications caused by this socket's requests
     *  carry it as nlmsg_pid. */
    uint32_t portid() const { return portid_; }

    /** Number of send+receive round trips so far (for tests and benchmarks). */
    uint64_t round_trips() const { return round_trips_; }

  private:
    explicit Socket(mnl_socket* s);
    Result dump_once(Message& request, std::vector<std::vector<uint8_t>>& chunks,
                     bool* interrupted);

    mnl_socket* sock_;
    uint32_t portid_ = 0;
    uint32_t seq_ = 0;
    uint64_t round_trips_ = 0;
    std::vector<uint8_t> rx_;
};

}  // namespace vti::nl
