// SPDX-License-Identifier: MIT
// String helpers with no trailwatch types: ASCII case folding, trimming, Sigma wildcards.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch::util {

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
// ASCII lower-case copy.
std::string to_lower(std::string_view text);
// Removes leading and trailing ASCII white space.
std::string_view trim(std::string_view text);
// Sigma wildcard match, ASCII case-insensitive: `*` any run, `?` one character, `\*` `\?` `\\`
// literal; a backslash before any other character is itself (`C:\Windows`).
// With `cased`, letters must match in case too (Sigma's `cased` modifier).
bool wildcard_match(std::string_view pattern, std::string_view text, bool cased = false);
// True when `pattern` holds an unescaped `*` or `?`.
bool has_wildcards(std::string_view pattern);
// The number `text` spells as a JSON number (optional '-', digits without leading zeros, an
// optional fraction and exponent; surrounding spaces allowed), or nothing: "inf", "nan", "0x1",
// "+1" and "" are not numbers.
std::optional<double> parse_json_number(std::string_view text);
// True when `name` equals one of `names` or meets one of those that are wildcard patterns,
// ignoring ASCII case (the fast path's eventName test, without allocating).
bool name_wanted(const std::vector<std::string>& names, std::string_view name);

// name_wanted over a fixed list, sorted once into plain names and patterns, for a test run on
// every record (Matcher::wants).
class NameSet {
public:
  NameSet() = default;
  explicit NameSet(const std::vector<std::string>& names);
  bool contains(std::string_view name) const;

private:
  std::vector<std::string> m_plain;
  std::vector<std::string> m_patterns;
};

} // namespace trailwatch::util
