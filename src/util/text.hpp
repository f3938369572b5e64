// SPDX-License-Identifier: MIT
// Text helpers for terminal output: control characters made visible, joins, upper-casing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trailwatch::util {

// The length in bytes of an invisible or reordering character at `text[i]` (valid UTF-8), or 0:
// C0 controls and DEL (1 byte), C1 controls U+0080..U+009F (2), and the bidi and invisible
// formatting characters that can make a terminal or a chat show text other than what it holds:
// U+061C, U+200B..U+200F, U+2028..U+202E, U+2060..U+2069, U+FEFF (2 or 3 bytes).
std::size_t invisible_control_length(std::string_view text, std::size_t i);

// Copy of `text` safe for a terminal: C0 controls and DEL become \xNN, the other characters of
// invisible_control_length() become \uNNNN, invalid UTF-8 becomes U+FFFD.
std::string printable(std::string_view text);
std::string join(const std::vector<std::string>& items, std::string_view separator);
std::string to_upper(std::string_view text);

} // namespace trailwatch::util
