// SPDX-License-Identifier: MIT
// Time parsing for --since/--until and the "not opened for --since" skip: RFC 3339 forms,
// relative durations, and the delivery time a CloudTrail S3 key shows (name stamp or day folder).
#include "util/time.hpp"

#include <gtest/gtest.h>

namespace trailwatch::util {
namespace {

constexpr long long k_2026_11_27 = 1795737600; // 2026-11-27T00:00:00Z

TEST(Time, Rfc3339Forms) {
  EXPECT_EQ(parse_rfc3339("2026-11-27T00:00:00Z"), k_2026_11_27);
  EXPECT_EQ(parse_rfc3339("2026-11-27T03:04:05Z"), k_2026_11_27 + 3 * 3600 + 4 * 60 + 5);
  EXPECT_EQ(parse_rfc3339("2026-11-27 00:00:00.000000000"), k_2026_11_27); // third-party form
  EXPECT_EQ(parse_rfc3339("2026-11-27T01:00:00+01:00"), k_2026_11_27);
  EXPECT_EQ(parse_rfc3339("2026-11-26T23:00:00-01:00"), k_2026_11_27);
  EXPECT_FALSE(parse_rfc3339("2026-11-27"));
  EXPECT_FALSE(parse_rfc3339("2026-13-27T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_FALSE(parse_rfc3339("2026-11-27T00:00:00+0100x"));
}

TEST(Time, RelativeDurations) {
  const long long now = k_2026_11_27;
  EXPECT_EQ(parse_time_arg("90s", now), now - 90);
  EXPECT_EQ(parse_time_arg("30m", now), now - 1800);
  EXPECT_EQ(parse_time_arg("24h", now), now - 86400);
  EXPECT_EQ(parse_time_arg("7d", now), now - 7 * 86400);
  EXPECT_EQ(parse_time_arg("2w", now), now - 14 * 86400);
  EXPECT_EQ(parse_time_arg("2026-11-27T00:00:00Z", 0), k_2026_11_27);
  EXPECT_FALSE(parse_time_arg("h", now));
  EXPECT_FALSE(parse_time_arg("-5h", now));
  EXPECT_FALSE(parse_time_arg("5y", now));
  EXPECT_FALSE(parse_time_arg("5.5h", now));
}

TEST(Time, DeliveryTimeFromTheFileNameStamp) {
  EXPECT_EQ(
      delivery_time_from_path("AWSLogs/1/CloudTrail/us-east-1/2026/11/27/"
                              "111122223333_CloudTrail_us-east-1_20261127T0310Z_Xa9k.json.gz"),
      k_2026_11_27 + 3 * 3600 + 10 * 60);
  // The stamp wins over the folder (a file can sit in the previous day's folder).
  EXPECT_EQ(delivery_time_from_path("x/2026/11/26/a_CloudTrail_r_20261127T0000Z_u.json.gz"),
            k_2026_11_27);
}

TEST(Time, DeliveryTimeFromTheDayFolder) {
  // No stamp in the name: the end of the folder's day is the latest delivery time.
  EXPECT_EQ(delivery_time_from_path("AWSLogs/1/CloudTrail/eu-west-1/2026/11/26/renamed.json.gz"),
            k_2026_11_27);
  EXPECT_FALSE(delivery_time_from_path("AWSLogs/1/CloudTrail/eu-west-1/renamed.json.gz"));
  EXPECT_FALSE(delivery_time_from_path("trail.json"));
  EXPECT_FALSE(delivery_time_from_path("x/2026/1/26/a.json"));
}

} // namespace
} // namespace trailwatch::util
