// SPDX-License-Identifier: MIT
// The walk's date folders (issue 12): which folders of the CloudTrail S3 layout --since may
// leave out, and the end of the period each covers. Walking with pruning is tested end to end
// in tests/scripts/since_prunes_walk.sh (unreadable folders that must not be visited).
#include "input/source.hpp"

#include <gtest/gtest.h>

namespace trailwatch {
namespace {

constexpr long long k_day = 86400;

TEST(DateFolderEnd, YearMonthAndDayOfTheLayout) {
  const std::string region = "/srv/AWSLogs/111122223333/CloudTrail/us-east-1";
  EXPECT_EQ(date_folder_end(region + "/2024"), 1735689600);               // 2025-01-01
  EXPECT_EQ(date_folder_end(region + "/2024/02"), 1709251200);            // 2024-03-01
  EXPECT_EQ(date_folder_end(region + "/2024/12"), 1735689600);            // next year
  EXPECT_EQ(date_folder_end(region + "/2024/02/29"), 1709164800 + k_day); // leap day
  EXPECT_EQ(date_folder_end("AWSLogs/o-a1/111122223333/CloudTrail/eu-west-1/2024/05/01/"),
            1714521600 + k_day); // organisation trail, relative, final '/'
}

TEST(DateFolderEnd, NothingOutsideTheLayoutOrForBadDates) {
  const std::string region = "/srv/AWSLogs/111122223333/CloudTrail/us-east-1";
  EXPECT_FALSE(date_folder_end("/backup/2024/01/01"));      // date-named, not the layout
  EXPECT_FALSE(date_folder_end("/backup/CloudTrail/2024")); // no region folder between
  EXPECT_FALSE(date_folder_end(region));
  EXPECT_FALSE(date_folder_end(region + "/2024/13"));
  EXPECT_FALSE(date_folder_end(region + "/2023/02/29"));
  EXPECT_FALSE(date_folder_end(region + "/2024/1/01"));
  EXPECT_FALSE(date_folder_end(region + "/2024/01/01/extra"));
  EXPECT_FALSE(date_folder_end(region + "/20x4"));
  EXPECT_FALSE(date_folder_end(""));
}

} // namespace
} // namespace trailwatch
