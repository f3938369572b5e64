// SPDX-License-Identifier: MIT
// `aws logs tail` prefixes are recognised exactly; anything else (plain JSON, prose, numbers)
// is never mistaken for one. Also the temporary names --follow must never read.
#include "input/log_prefix.hpp"
#include "input/watch.hpp"

#include <gtest/gtest.h>

namespace trailwatch {
namespace {

constexpr auto k_none = std::string_view::npos;

TEST(LogPrefix, DetailedAndShortFormats) {
  EXPECT_EQ(log_prefix_length("2026-11-20T10:00:00.123000+00:00 stream-1 {\"a\":1}"), 42u);
  EXPECT_EQ(log_prefix_length("2026-11-20T10:00:00Z {\"a\":1}"), 21u);
  EXPECT_EQ(log_prefix_length("2026-11-20T10:00:00Z \t stream   {}"), 32u);
}

TEST(LogPrefix, AnythingElseIsNotAPrefix) {
  EXPECT_EQ(log_prefix_length("{\"eventName\":\"RunInstances\"}"), k_none);
  EXPECT_EQ(log_prefix_length("hello world {\"a\":1}"), k_none);
  EXPECT_EQ(log_prefix_length("2026-11-20T10:00:00Z one two {\"a\":1}"), k_none);
  EXPECT_EQ(log_prefix_length("2026-11-20T10:00:00Z stream"), k_none);
  EXPECT_EQ(log_prefix_length("12345 {\"a\":1}"), k_none);
  EXPECT_EQ(log_prefix_length("2026-11-20T10:00:00Z{\"a\":1}"), k_none);
  EXPECT_EQ(log_prefix_length(""), k_none);
}

TEST(TemporaryNames, SyncAndEditorLeftoversAreTemporary) {
  for (const char* name : {".hidden.json", "a.json.gz.6fB2c3Ad", "a.json~", "a.json.tmp",
                           "a.json.part", "a.json.partial", "a.json.crdownload", ".a.swp"}) {
    EXPECT_TRUE(is_temporary_name(name)) << name;
  }
}

TEST(TemporaryNames, LogFilesAreNot) {
  for (const char* name :
       {"111122223333_CloudTrail_us-east-1_20261120T1005Z_AbCdEf0123456789.json.gz", "trail.json",
        "feed.jsonl", "deadbeef.json", "a.12345678x", "abcdefgh.12345678"}) {
    EXPECT_FALSE(is_temporary_name(name)) << name;
  }
}

} // namespace
} // namespace trailwatch
