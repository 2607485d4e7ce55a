// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "frr/reloader.h"
#include "test_data.h"

TEST(ReloadErrors, UnknownCommandFromTheTestRun) {
    auto text = frr::reload_error_text(test_data("reload_test_unknown_command.txt"));
    EXPECT_NE(text.find("vtysh failed to process new configuration"), std::string::npos) << text;
    EXPECT_NE(text.find("line 26: % Unknown command:  bgp bogus-command 42"), std::string::npos)
        << text;
    EXPECT_EQ(text.find("\x1b"), std::string::npos);
    EXPECT_EQ(text.find("INFO"), std::string::npos);
}

TEST(ReloadErrors, RejectedCommandFromAReloadThatExitedZero) {
    auto text = frr::reload_error_text(test_data("reload_fails_invalid_prefix_range.txt"));
    EXPECT_EQ(text,
              "Error description: Invalid prefix range for 10.0.0.0/8: Make sure that mask length "
              "<= ge <= le");
}

TEST(ReloadErrors, SuccessfulReloadHasNoErrorText) {
    EXPECT_EQ(frr::reload_error_text(test_data("reload_ok.txt")), "");
}

TEST(ReloadErrors, PasswordsAreMasked) {
    auto text = frr::reload_error_text(
        "line 3: % Unknown command:  neighbor 169.254.0.1 password s3cr3t-Pw extra\n");
    EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
    EXPECT_NE(text.find("password <redacted>"), std::string::npos) << text;
}
