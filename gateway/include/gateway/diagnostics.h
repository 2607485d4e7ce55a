// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Configuration diagnostics: every problem found, each naming its JSON pointer, the offending
// value and what is expected. Values of secret fields are never stored, only "<redacted>".

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gateway {

/** How bad a diagnostic is. */
enum class Severity {
    /** The configuration is unusable. */
    Error,
    /** Usable, but probably not what the user wants (e.g. an inline PSK). */
    Warning,
};

/** One problem in a configuration file. */
struct Diagnostic {
    Severity severity = Severity::Error;
    /** JSON pointer of the offending element ("" for the whole document). */
    std::string pointer;
    /** The offending value as compact JSON (truncated), "<redacted>" for secrets, or "". */
    std::string value;
    /** What is expected, e.g. "inside prefix must be /30 or /31". */
    std::string message;

    /** `pointer: value — message` (the value part omitted when empty). */
    std::string str() const;
};

/** An ordered collection of diagnostics. */
class Diagnostics {
  public:
    /** Adds an error about `value` at `pointer`; the value is rendered as compact JSON. */
    void error(std::string pointer, const nlohmann::json& value, std::string message);
    /** Adds an error whose value is already rendered text (or "" for none). */
    void error_text(std::string pointer, std::string value, std::string message);
    /** Adds a warning whose value is already rendered text (or "" for none). */
    void warning_text(std::string pointer, std::string value, std::string message);
    /** Appends a prepared diagnostic unless an identical one is already there (a bad value in
     *  `defaults` is found once per tunnel that inherits it). */
    void add(Diagnostic d);
    /** Orders by JSON pointer (array indexes numerically), keeping the order within one. */
    void sort();

    /** True when at least one error (not warning) was recorded. */
    bool has_errors() const;
    /** Number of errors. */
    size_t error_count() const;
    /** All diagnostics in the order they were found. */
    const std::vector<Diagnostic>& items() const { return items_; }

  private:
    std::vector<Diagnostic> items_;
};

/** Compact JSON of `value`, cut to at most `max_chars` characters with "…" appended. */
std::string render_value(const nlohmann::json& value, size_t max_chars = 80);

/** Escapes one JSON-pointer reference token (~ → ~0, / → ~1). */
std::string pointer_token(std::string_view key);

/** Edit distance (optimal string alignment: Levenshtein plus adjacent transpositions). */
size_t edit_distance(std::string_view a, std::string_view b);

/**
 * The candidate closest to `word` when it is close enough to be a likely typo
 * (distance ≤ max(1, size/3)), else "".
 */
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace gateway
