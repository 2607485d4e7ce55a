// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/netlink_socket.h"

#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vti::nl {

namespace {

// Requests are packed into sends of at most this size; the acks for one send (small, because of
// NETLINK_CAP_ACK) must fit the receive buffer before the next send.
constexpr size_t kMaxSend = 64 * 1024;
constexpr size_t kRxSize = 64 * 1024;
constexpr int kDumpRetries = 8;

struct FdGuard {
    int fd;
    ~FdGuard() {
        if (fd >= 0) close(fd);
    }
};

}  // namespace

Message::Message(uint16_t type, uint16_t flags, size_t capacity) : buf_(capacity) {
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf_.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
}

void* Message::put_extra(size_t size) {
    if (header()->nlmsg_len + MNL_ALIGN(size) > buf_.size()) {
        overflow_ = true;
        return nullptr;
    }
    return mnl_nlmsg_put_extra_header(header(), size);
}

bool Message::put(uint16_t type, const void* data, size_t len) {
    if (!mnl_attr_put_check(header(), buf_.size(), type, len, data)) overflow_ = true;
    return !overflow_;
}
bool Message::put_u8(uint16_t type, uint8_t v) {
    return put(type, &v, sizeof v);
}
bool Message::put_u16(uint16_t type, uint16_t v) {
    return put(type, &v, sizeof v);
}
bool Message::put_u32(uint16_t type, uint32_t v) {
    return put(type, &v, sizeof v);
}
bool Message::put_strz(uint16_t type, const std::string& s) {
    return put(type, s.c_str(), s.size() + 1);
}

nlattr* Message::nest_start(uint16_t type) {
    nlattr* n = mnl_attr_nest_start_check(header(), buf_.size(), type);
    if (!n) overflow_ = true;
    return n;
}
void Message::nest_end(nlattr* nest) {
    if (nest) mnl_attr_nest_end(header(), nest);
}
void Message::nest_cancel(nlattr* nest) {
    if (nest) mnl_attr_nest_cancel(header(), nest);
}

int effective_error(int err, Idempotence idem) {
    if (err == 0) return 0;
    if (idem == Idempotence::IgnoreExists && err == EEXIST) return 0;
    // Deleting an address that is gone answers EADDRNOTAVAIL, a route or policy ENOENT/ESRCH.
    if (idem == Idempotence::IgnoreMissing &&
        (err == ENOENT || err == ESRCH || err == EADDRNOTAVAIL || err == ENODEV))
        return 0;
    return err;
}

namespace {
void walk(const void* start, int len, const std::function<void(const nlattr*)>& f) {
    auto* a = static_cast<const nlattr*>(start);
    while (mnl_attr_ok(a, len)) {
        f(a);
        len -= static_cast<int>(MNL_ALIGN(a->nla_len));
        a = mnl_attr_next(a);
    }
}
}  // namespace

void for_each_attr(const nlmsghdr* nlh, size_t offset,
                   const std::function<void(const nlattr*)>& f) {
    size_t plen = mnl_nlmsg_get_payload_len(nlh);
    if (MNL_ALIGN(offset) > plen) return;
    walk(mnl_nlmsg_get_payload_offset(nlh, offset), static_cast<int>(plen - MNL_ALIGN(offset)), f);
}

void for_each_nested(const nlattr* nest, const std::function<void(const nlattr*)>& f) {
    walk(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), f);
}

int parse_error_message(const nlmsghdr* nlh, std::string* extack) {
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(nlmsgerr)) return EBADMSG;
    auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
    if (extack && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
        size_t off = sizeof(nlmsgerr);
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= sizeof(nlmsghdr))
            off += e->msg.nlmsg_len - sizeof(nlmsghdr);
        if (off <= mnl_nlmsg_get_payload_len(nlh)) {
            mnl_attr_parse(
                nlh, off,
                [](const nlattr* a, void* data) {
                    if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
                        mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
                        *static_cast<std::string*>(data) = mnl_attr_get_str(a);
                    return MNL_CB_OK;
                },
                extack);
        }
    }
    return -e->error;
}

Expected<std::unique_ptr<Socket>> Socket::open(int protocol, int netns_fd) {
    FdGuard home{-1};
    if (netns_fd >= 0) {
        home.fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home.fd < 0) return Result::fail(errno, "open own network namespace");
        if (setns(netns_fd, CLONE_NEWNET) < 0) return Result::fail(errno, "enter namespace");
    }
    mnl_socket* s = mnl_socket_open2(protocol, SOCK_CLOEXEC);
    int open_errno = errno;
    if (netns_fd >= 0 && setns(home.fd, CLONE_NEWNET) < 0) {
        if (s) mnl_socket_close(s);
        return Result::fail(errno, "return to own network namespace");
    }
    if (!s) return Result::fail(open_errno, "open netlink socket");
    std::unique_ptr<Socket> sock(new Socket(s));
    int one = 1;
    // Both are best effort: old kernels lack them; errors are then less precise, not wrong.
    mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof one);
    mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof one);
    int fd = mnl_socket_get_fd(s);
    int rcvbuf = 4 * 1024 * 1024;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0)
        return Result::fail(errno, "bind netlink socket");
    sock->portid_ = mnl_socket_get_portid(s);
    return sock;
}

Socket::Socket(mnl_socket* s)
    : sock_(s), seq_(static_cast<uint32_t>(time(nullptr))), rx_(kRxSize) {}

Socket::~Socket() {
    mnl_socket_close(sock_);
}

std::vector<Result> Socket::transact(std::vector<Request>& requests) {
    std::vector<Result> results(requests.size());
    std::vector<bool> answered(requests.size());
    std::vector<uint8_t> tx;
    tx.reserve(kMaxSend);
    size_t next = 0;
    while (next < requests.size()) {
        // Pack [first, next) into one send; consecutive sequence numbers map back to indexes.
        size_t first = next;
        uint32_t base = seq_ + 1;
        size_t last = 0;        // offset of the send's last message in tx
        uint32_t last_seq = 0;  // and its sequence number
        tx.clear();
        while (next < requests.size()) {
            Request& r = requests[next];
            if (!r.msg.ok()) {
                results[next] = Result::fail(EMSGSIZE, r.what + ": message does not fit");
                answered[next] = true;
                ++next;
                continue;
            }
            auto bytes = r.msg.bytes();
            if (!tx.empty() && tx.size() + bytes.size() > kMaxSend) break;
            nlmsghdr* h = r.msg.header();
            h->nlmsg_flags &= static_cast<uint16_t>(~NLM_F_ACK);
            h->nlmsg_seq = base + static_cast<uint32_t>(next - first);
            h->nlmsg_pid = 0;
            last = tx.size();
            last_seq = h->nlmsg_seq;
            tx.insert(tx.end(), bytes.begin(), bytes.end());
            ++next;
        }
        seq_ = base + static_cast<uint32_t>(next - first);
        if (tx.empty()) continue;
        // Only the last message asks for an ack: the kernel answers a failed message with its
        // error in any case, and handles a send's messages in order before the last one's ack,
        // so that ack closes the send and every message without an error before it succeeded.
        reinterpret_cast<nlmsghdr*>(tx.data() + last)->nlmsg_flags |= NLM_F_ACK;
        ++round_trips_;
        size_t pending = 1;
        auto fail_rest = [&](int err, const char* why) {
            for (size_t i = first; i < next; ++i)
                if (!answered[i]) {
                    results[i] = Result::fail(err, requests[i].what + ": " + why);
                    answered[i] = true;
                }
            pending = 0;
        };
        if (mnl_socket_sendto(sock_, tx.data(), tx.size()) < 0) fail_rest(errno, "send");
        while (pending > 0) {
            ssize_t n = mnl_socket_recvfrom(sock_, rx_.data(), rx_.size());
            if (n < 0) {
                fail_rest(errno, "receive acknowledgement");
                break;
            }
            int len = static_cast<int>(n);
            for (auto* h = reinterpret_cast<const nlmsghdr*>(rx_.data()); mnl_nlmsg_ok(h, len);
                 h = mnl_nlmsg_next(h, &len)) {
                if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq < base ||
                    h->nlmsg_seq >= base + (next - first))
                    continue;  // not an ack of this send (echo, stale)
                size_t i = first + (h->nlmsg_seq - base);
                if (answered[i]) continue;
                std::string extack;
                int err = effective_error(parse_error_message(h, &extack), requests[i].idem);
                if (err != 0) results[i] = Result::fail(err, requests[i].what, extack);
                answered[i] = true;
                if (h->nlmsg_seq == last_seq) pending = 0;  // the closing ack (or error)
            }
        }
    }
    return results;
}

Result Socket::dump_once(Message& request, std::vector<std::vector<uint8_t>>& chunks,
                         bool* interrupted) {
    nlmsghdr* req = request.header();
    req->nlmsg_flags |= NLM_F_DUMP;
    req->nlmsg_seq = ++seq_;
    ++round_trips_;
    if (mnl_socket_sendto(sock_, req, req->nlmsg_len) < 0) return Result::fail(errno, "dump");
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(sock_, rx_.data(), rx_.size());
        if (n < 0) return Result::fail(errno, "dump receive");
        int len = static_cast<int>(n);
        for (auto* h = reinterpret_cast<const nlmsghdr*>(rx_.data()); mnl_nlmsg_ok(h, len);
             h = mnl_nlmsg_next(h, &len)) {
            if (h->nlmsg_seq != req->nlmsg_seq) continue;
            if (h->nlmsg_flags & NLM_F_DUMP_INTR) *interrupted = true;
            if (h->nlmsg_type == NLMSG_ERROR) {
                std::string extack;
                int err = parse_error_message(h, &extack);
                if (err) return Result::fail(err, "dump", extack);
                continue;
            }
            if (h->nlmsg_type == NLMSG_DONE) {
                if (mnl_nlmsg_get_payload_len(h) >= sizeof(int)) {
                    int err = -*static_cast<const int*>(mnl_nlmsg_get_payload(h));
                    if (err) return Result::fail(err, "dump");
                }
                return {};
            }
            const auto* p = reinterpret_cast<const uint8_t*>(h);
            chunks.emplace_back(p, p + h->nlmsg_len);
        }
    }
}

Result Socket::get(Message& request, const std::function<void(const nlmsghdr*)>& each) {
    nlmsghdr* req = request.header();
    req->nlmsg_seq = ++seq_;
    req->nlmsg_pid = 0;
    ++round_trips_;
    if (!request.ok()) return Result::fail(EMSGSIZE, "request does not fit");
    if (mnl_socket_sendto(sock_, req, req->nlmsg_len) < 0) return Result::fail(errno, "get");
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(sock_, rx_.data(), rx_.size());
        if (n < 0) return Result::fail(errno, "get receive");
        int len = static_cast<int>(n);
        bool answered = false;
        for (auto* h = reinterpret_cast<const nlmsghdr*>(rx_.data()); mnl_nlmsg_ok(h, len);
             h = mnl_nlmsg_next(h, &len)) {
            if (h->nlmsg_seq != req->nlmsg_seq) continue;
            if (h->nlmsg_type == NLMSG_ERROR) {
                std::string extack;
                int err = parse_error_message(h, &extack);
                if (err) return Result::fail(err, "get", extack);
                continue;
            }
            each(h);
            answered = true;
        }
        if (answered) return {};
    }
}

Result Socket::enable_strict_check() {
    int one = 1;
    if (mnl_socket_setsockopt(sock_, NETLINK_GET_STRICT_CHK, &one, sizeof one) < 0)
        return Result::fail(errno, "NETLINK_GET_STRICT_CHK");
    return {};
}

Result Socket::dump(Message& request, const std::function<void(const nlmsghdr*)>& each) {
    // Policy for NLM_F_DUMP_INTR: the object set changed while the kernel walked it, so the
    // snapshot may miss or duplicate objects. A reconcile diff built on that could delete or
    // re-add the wrong things, so we discard it and dump again; after kDumpRetries failures
    // we give up with EINTR rather than act on a torn view.
    for (int attempt = 0; attempt < kDumpRetries; ++attempt) {
        std::vector<std::vector<uint8_t>> msgs;
        bool interrupted = false;
        Result r = dump_once(request, msgs, &interrupted);
        if (!r.ok()) return r;
        if (interrupted) continue;
        for (const auto& m : msgs) each(reinterpret_cast<const nlmsghdr*>(m.data()));
        return {};
    }
    return Result::fail(EINTR, "dump kept being interrupted by concurrent changes");
}

}  // namespace vti::nl
