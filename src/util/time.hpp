// SPDX-License-Identifier: MIT
// Time parsing with no trailwatch types: RFC 3339 timestamps, relative durations ("24h", "7d")
// and the delivery stamp in CloudTrail log file names.
#pragma once

#include <optional>
#include <string_view>

namespace trailwatch::util {

// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)" (a space instead of 'T' and a missing zone,
// read as UTC, are accepted) into seconds since the epoch.
std::optional<long long> parse_rfc3339(std::string_view text);

// Parses a --since/--until value: an RFC 3339 time or a duration before `now` such as "90s",
// "30m", "24h", "7d", "2w".
std::optional<long long> parse_time_arg(std::string_view text, long long now);

// The latest time a CloudTrail log file can hold events from, judged by its S3 key: the
// delivery stamp in its name ("…_20261127T0310Z_….json.gz"), else the end of the day of its
// ".../YYYY/MM/DD/" folders. Empty when the path shows neither.
std::optional<long long> delivery_time_from_path(std::string_view path);

} // namespace trailwatch::util
