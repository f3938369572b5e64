// SPDX-License-Identifier: MIT
// Text helpers for terminal output: control characters made visible, joins, upper-casing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trailwatch::util {

// Copy of `text` safe for a terminal: control characters (C0, DEL, and the C1 range encoded in
// UTF-8) become \xNN, invalid UTF-8 becomes U+FFFD.
std::string printable(std::string_view text);
std::string join(const std::vector<std::string>& items, std::string_view separator);
std::string to_upper(std::string_view text);

} // namespace trailwatch::util
