// SPDX-License-Identifier: GPL-2.0-or-later
// PSK and certificate sources: they must exist, be regular files, and private key material
// must not be accessible to group or others. Key bytes never reach a diagnostic.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "loader_internal.h"

namespace gateway {

namespace {

constexpr size_t kMaxCredentialFile = 64 * 1024;

// Opens without blocking (a FIFO path must not hang `check`) and reads a small regular file.
std::optional<std::string> read_private_file(const std::string& path, bool owner_only,
                                             std::string& error) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        error = std::string("cannot be read: ") + std::strerror(errno);
        return std::nullopt;
    }
    struct stat st {};
    std::string data;
    if (::fstat(fd, &st) != 0) {
        error = std::string("cannot be read: ") + std::strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
        error = "is not a regular file";
    } else if (owner_only && (st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        error = std::string("is accessible by group or others (mode ") + mode +
                "); run chmod 600 on it";
    } else if (st.st_size <= 0) {
        error = "is empty";
    } else if (static_cast<size_t>(st.st_size) > kMaxCredentialFile) {
        error = "is larger than 64 KiB";
    } else {
        data.resize(static_cast<size_t>(st.st_size));
        ssize_t n = ::read(fd, data.data(), data.size());
        if (n < 0) {
            error = std::string("cannot be read: ") + std::strerror(errno);
        } else {
            data.resize(static_cast<size_t>(n));
            ::close(fd);
            return data;
        }
    }
    ::close(fd);
    return std::nullopt;
}

std::optional<std::string> lookup_env(const std::string& name, const LoadOptions& options) {
    if (options.getenv) return options.getenv(name);
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

}  // namespace

std::optional<Secret> read_psk(const PskSource& source, std::string& error,
                               const LoadOptions& options) {
    switch (source.kind) {
        case PskSource::Kind::Inline:
            if (source.inline_value.empty()) error = "is empty";
            if (source.inline_value.empty()) return std::nullopt;
            return source.inline_value;
        case PskSource::Kind::Env: {
            auto v = lookup_env(source.location, options);
            if (!v) {
                error = "environment variable is not set";
                return std::nullopt;
            }
            Secret s(std::move(*v));
            if (s.empty()) {
                error = "environment variable is empty";
                return std::nullopt;
            }
            return s;
        }
        case PskSource::Kind::File: {
            auto data = read_private_file(source.location, true, error);
            if (!data) return std::nullopt;
            Secret raw(std::move(*data));
            std::string v = raw.reveal();
            while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
            Secret s(std::move(v));
            if (s.empty()) {
                error = "contains no key";
                return std::nullopt;
            }
            return s;
        }
    }
    return std::nullopt;
}

namespace detail {

void validate_credentials(const Auth& auth, const std::string& auth_pointer,
                          const LoadOptions& options, Diagnostics& d) {
    if (auth.method == Auth::Method::Psk) {
        if (auth.psk.kind == PskSource::Kind::Inline) return;
        std::string error;
        auto psk = read_psk(auth.psk, error, options);
        bool file = auth.psk.kind == PskSource::Kind::File;
        std::string ptr = auth_pointer + (file ? "/psk_file" : "/psk_env");
        std::string shown = render_value(json(auth.psk.location));
        if (!psk)
            d.error_text(ptr, shown, (file ? "PSK file " : "") + error);
        else if (psk->reveal().size() < 16)
            d.warning_text(ptr, shown, "pre-shared key shorter than 16 characters");
        return;
    }
    struct File {
        const std::string* path;
        std::string ptr;
        bool owner_only;
    };
    std::vector<File> files = {{&auth.cert, auth_pointer + "/cert", false},
                               {&auth.key, auth_pointer + "/key", true}};
    for (size_t i = 0; i < auth.ca.size(); ++i)
        files.push_back({&auth.ca[i], auth_pointer + "/ca/" + std::to_string(i), false});
    for (const auto& f : files) {
        std::string error;
        auto data = read_private_file(*f.path, f.owner_only, error);
        if (data) {
            std::fill(data->begin(), data->end(), '\0');
            continue;
        }
        d.error_text(f.ptr, render_value(json(*f.path)), "file " + error);
    }
}

}  // namespace detail
}  // namespace gateway
