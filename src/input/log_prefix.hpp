// SPDX-License-Identifier: MIT
// Text prefixes before a record on a log line: `aws logs tail` prints each CloudWatch Logs event
// as "<timestamp> <log stream> <message>" (`--format short`: "<timestamp> <message>"), and a
// CloudTrail trail sent to CloudWatch Logs has the record JSON as its message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace trailwatch {

// The length of the text before the '{' that opens the record on `line` (one line, without its
// newline) when the line starts with a timestamp ("2026-11-20T10:00:00.123000+00:00", four
// digits and a '-' first) followed by at most one more word (the log stream) and the '{';
// std::string_view::npos for anything else, so plain JSON and prose are never mistaken for it.
std::size_t log_prefix_length(std::string_view line);

} // namespace trailwatch
