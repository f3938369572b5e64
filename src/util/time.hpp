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

// The delivery time in a CloudTrail log file name ("…_20261127T0310Z_….json.gz"), if any.
std::optional<long long> delivery_time_from_name(std::string_view file_name);

} // namespace trailwatch::util
