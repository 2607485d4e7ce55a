// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/json_reader.h"

#include <gtest/gtest.h>

using namespace gateway;

namespace {

std::string only_error(std::string_view text) {
    Diagnostics d;
    auto j = parse_json_strict(text, d);
    EXPECT_FALSE(j.has_value());
    EXPECT_EQ(d.error_count(), 1u);
    return d.items().empty() ? "" : d.items()[0].str();
}

}  // namespace

TEST(JsonReader, ParsesValidDocument) {
    Diagnostics d;
    auto j = parse_json_strict(R"({"a": [1, {"b": "c"}], "d": null})", d);
    ASSERT_TRUE(j.has_value());
    EXPECT_EQ((*j)["a"][1]["b"], "c");
    EXPECT_FALSE(d.has_errors());
}

TEST(JsonReader, DuplicateKeysReportedWithPointer) {
    Diagnostics d;
    auto j =
        parse_json_strict(R"({"t": [{"x": 1}, {"name": "a", "name": "b"}], "t2": 1, "t2": 2})", d);
    EXPECT_FALSE(j.has_value());
    ASSERT_EQ(d.error_count(), 2u);
    EXPECT_EQ(d.items()[0].pointer, "/t/1/name");
    EXPECT_NE(d.items()[0].message.find("duplicate key \"name\""), std::string::npos);
    EXPECT_EQ(d.items()[1].pointer, "/t2");
}

TEST(JsonReader, DuplicateKeyWithObjectValue) {
    Diagnostics d;
    auto j = parse_json_strict(R"({"a": {"x": 1}, "a": {"y": {"z": 2}}, "b": 3})", d);
    EXPECT_FALSE(j.has_value());
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].pointer, "/a");
}

TEST(JsonReader, SyntaxErrorHasLineAndColumn) {
    std::string e = only_error("{\n  \"a\": 1,\n  \"b\": tru\n}");
    EXPECT_NE(e.find("line 3"), std::string::npos) << e;
    EXPECT_NE(e.find("column"), std::string::npos) << e;
}

TEST(JsonReader, SyntaxErrorNeverEchoesStringContents) {
    // A raw newline inside a string is a syntax error right after the secret's first bytes.
    std::string e = only_error("{\"psk\": \"SuperSecretValue42\n\"}");
    EXPECT_EQ(e.find("SuperSecret"), std::string::npos) << e;
    EXPECT_NE(e.find("line 1"), std::string::npos) << e;
}

TEST(JsonReader, DeepNestingIsRejectedWithoutRecursion) {
    std::string deep(10 * 1024 * 1024, '[');
    Diagnostics d;
    // Larger than the size limit: rejected before parsing.
    EXPECT_FALSE(parse_json_strict(deep, d).has_value());
    // Within the size limit but far too deep: the depth limit answers.
    std::string deep2(1000 * 1000, '[');
    Diagnostics d2;
    EXPECT_FALSE(parse_json_strict(deep2, d2).has_value());
    ASSERT_EQ(d2.error_count(), 1u);
    EXPECT_NE(d2.items()[0].message.find("nesting deeper than"), std::string::npos);
}

TEST(JsonReader, DepthLimitBoundary) {
    Diagnostics d;
    std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
    EXPECT_TRUE(parse_json_strict(ok, d).has_value());
    std::string bad = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
    EXPECT_FALSE(parse_json_strict(bad, d).has_value());
}

TEST(JsonReader, SizeLimit) {
    std::string big = "\"" + std::string(kMaxConfigBytes, 'a') + "\"";
    EXPECT_NE(only_error(big).find("larger than"), std::string::npos);
}

TEST(JsonReader, EmptyAndBinary) {
    EXPECT_NE(only_error("").find("empty"), std::string::npos);
    EXPECT_NE(only_error("  \n\t").find("empty"), std::string::npos);
    std::string bin("\x7f\x45\x4c\x46\x02\x01\x00\xff\xfe", 9);
    EXPECT_NE(only_error(bin).find("invalid JSON at line 1"), std::string::npos);
    EXPECT_NE(only_error("{\"a\": \"\xff\xfe\"}").find("invalid JSON"), std::string::npos);
    EXPECT_NE(only_error("{} {}").find("invalid JSON"), std::string::npos);
}

TEST(Diagnostics, EditDistanceAndSuggestions) {
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(did_you_mean("remtoe", {"remote", "routes", "name"}), "remote");
    EXPECT_EQ(did_you_mean("zzzzzz", {"remote", "routes", "name"}), "");
}

TEST(Diagnostics, Format) {
    Diagnostic d{Severity::Error, "/tunnels/1/inside/local", "\"169.254.10.1/29\"",
                 "inside prefix must be /30 or /31"};
    EXPECT_EQ(
        d.str(),
        "/tunnels/1/inside/local: \"169.254.10.1/29\" \u2014 inside prefix must be /30 or /31");
}
