// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/json_reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace gateway {
namespace {

using json = nlohmann::json;

// Builds the DOM iteratively (nlohmann's SAX parser keeps an explicit stack, so hostile nesting
// never recurses) while tracking the current JSON pointer to name duplicate keys.
class StrictSax : public nlohmann::json_sax<json> {
  public:
    StrictSax(json& root, Diagnostics& diags) : root_(root), diags_(diags) {}

    bool null() override { return put(json(nullptr)); }
    bool boolean(bool v) override { return put(json(v)); }
    bool number_integer(number_integer_t v) override { return put(json(v)); }
    bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
    bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
    bool string(string_t& v) override { return put(json(std::move(v))); }
    bool binary(binary_t&) override { return put(json(nullptr)); }

    bool start_object(std::size_t) override { return open(json::object()); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(string_t& k) override {
        json& obj = *stack_.back().node;
        if (obj.contains(k)) {
            diags_.error_text(path() + "/" + pointer_token(k), "",
                              "duplicate key " + render_value(json(k), 40) +
                                  " (JSON objects must not repeat a key)");
            failed_ = true;
            // Keep parsing to report every duplicate; the later value is dropped.
            dup_ = true;
        } else {
            dup_ = false;
        }
        stack_.back().key = k;
        return true;
    }

    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        syntax_error_ = describe(position, ex);
        return false;
    }

    bool failed() const { return failed_; }
    const std::string& syntax_error() const { return syntax_error_; }
    /** The text being parsed, for line/column computation. */
    void set_text(std::string_view text) { text_ = text; }

  private:
    struct Frame {
        json* node;
        std::string key;
    };

    // Pointer of the innermost open container.
    std::string path() const {
        std::string p;
        for (size_t i = 0; i + 1 < stack_.size(); ++i) {
            const json& n = *stack_[i].node;
            if (n.is_object())
                p += "/" + pointer_token(stack_[i].key);
            else
                p += "/" + std::to_string(n.size() - 1);
        }
        return p;
    }

    bool put(json v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return true;
        }
        json& parent = *stack_.back().node;
        if (parent.is_array()) {
            parent.push_back(std::move(v));
        } else if (!dup_) {
            parent[stack_.back().key] = std::move(v);
        }
        return true;
    }

    bool open(json v) {
        if (stack_.size() >= kMaxJsonDepth) {
            syntax_error_ = "nesting deeper than " + std::to_string(kMaxJsonDepth) +
                            " levels (arrays/objects inside each other)";
            return false;
        }
        json* node;
        if (stack_.empty()) {
            root_ = std::move(v);
            node = &root_;
        } else {
            json& parent = *stack_.back().node;
            if (parent.is_array()) {
                parent.push_back(std::move(v));
                node = &parent.back();
            } else if (dup_) {
                // A duplicate key's value is parsed into a scratch node and discarded.
                scratch_.push_back(std::make_unique<json>(std::move(v)));
                node = scratch_.back().get();
            } else {
                parent[stack_.back().key] = std::move(v);
                node = &parent[stack_.back().key];
            }
        }
        stack_.push_back({node, {}});
        dup_ = false;
        return true;
    }

    bool close() {
        stack_.pop_back();
        dup_ = false;
        return true;
    }

    std::string describe(std::size_t position, const nlohmann::detail::exception& ex) const {
        // Line and column from the byte offset; the library text's "last read" part is dropped
        // because it can contain the start of a secret string.
        size_t line = 1, col = 1;
        for (size_t i = 0; i + 1 < position && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        std::string what = ex.what();
        auto colon = what.find(": ");
        if (colon != std::string::npos) what = what.substr(colon + 2);
        auto last = what.find("; last read");
        if (last != std::string::npos) what = what.substr(0, last);
        return "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(col) +
               ": " + what;
    }

    json& root_;
    Diagnostics& diags_;
    std::vector<Frame> stack_;
    std::vector<std::unique_ptr<json>> scratch_;
    std::string_view text_;
    std::string syntax_error_;
    bool dup_ = false;
    bool failed_ = false;
};

}  // namespace

std::optional<json> parse_json_strict(std::string_view text, Diagnostics& diags) {
    if (text.size() > kMaxConfigBytes) {
        diags.error_text("", std::to_string(text.size()) + " bytes",
                         "configuration larger than " + std::to_string(kMaxConfigBytes) + " bytes");
        return std::nullopt;
    }
    bool blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (blank) {
        diags.error_text("", "", "empty file: expected a JSON object");
        return std::nullopt;
    }
    json root;
    StrictSax sax(root, diags);
    sax.set_text(text);
    bool ok = json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json, true);
    if (!ok || !sax.syntax_error().empty()) {
        diags.error_text("", "", sax.syntax_error().empty() ? "invalid JSON" : sax.syntax_error());
        return std::nullopt;
    }
    if (sax.failed()) return std::nullopt;
    return root;
}

std::optional<std::string> read_config_file(const std::string& path, Diagnostics& diags) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diags.error_text("", "\"" + path + "\"",
                         std::string("cannot open configuration file: ") + std::strerror(errno));
        return std::nullopt;
    }
    std::string data;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        data.append(buf, static_cast<size_t>(in.gcount()));
        if (data.size() > kMaxConfigBytes) {
            diags.error_text(
                "", "\"" + path + "\"",
                "configuration larger than " + std::to_string(kMaxConfigBytes) + " bytes");
            return std::nullopt;
        }
    }
    if (in.bad()) {
        diags.error_text("", "\"" + path + "\"", "cannot read configuration file");
        return std::nullopt;
    }
    return data;
}

}  // namespace gateway
