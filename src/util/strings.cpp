// SPDX-License-Identifier: MIT
#include "util/strings.hpp"

#include <charconv>

#include <vector>

namespace trailwatch::util {
namespace {
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
} // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    c = lower(c);
  }
  return out;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

namespace {

// Sigma's escapes: a backslash escapes only `*`, `?` and another backslash; before any other
// character (or at the end) it is a plain backslash, so `C:\Windows` means what it says.
bool is_escape(std::string_view pattern, std::size_t i) {
  return pattern[i] == '\\' && i + 1 < pattern.size() &&
         (pattern[i + 1] == '*' || pattern[i + 1] == '?' || pattern[i + 1] == '\\');
}

} // namespace

bool has_wildcards(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_escape(pattern, i)) {
      ++i;
    } else if (pattern[i] == '*' || pattern[i] == '?') {
      return true;
    }
  }
  return false;
}

std::optional<double> parse_json_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    return i - start;
  };
  if (i < text.size() && text[i] == '-') {
    ++i;
  }
  const std::size_t int_start = i;
  const std::size_t int_digits = digits();
  if (int_digits == 0 || (int_digits > 1 && text[int_start] == '0')) {
    return std::nullopt;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) {
      return std::nullopt;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return std::nullopt;
    }
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt; // out of range
  }
  return value;
}

bool name_wanted(const std::vector<std::string>& names, std::string_view name) {
  for (const auto& candidate : names) {
    if (candidate.find_first_of("*?\\") != std::string::npos ? wildcard_match(candidate, name)
                                                             : iequals(candidate, name)) {
      return true;
    }
  }
  return false;
}

NameSet::NameSet(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    (name.find_first_of("*?\\") != std::string::npos ? m_patterns : m_plain).push_back(name);
  }
}

bool NameSet::contains(std::string_view name) const {
  for (const auto& plain : m_plain) {
    if (iequals(plain, name)) {
      return true;
    }
  }
  for (const auto& pattern : m_patterns) {
    if (wildcard_match(pattern, name)) {
      return true;
    }
  }
  return false;
}

bool wildcard_match(std::string_view pattern, std::string_view text, bool cased) {
  // Iterative matcher with one backtrack point for the last `*` (linear in practice, no
  // recursion, so hostile patterns or values cannot blow the stack).
  std::size_t p = 0, t = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      bool literal = false;
      std::size_t width = 1;
      if (is_escape(pattern, p)) {
        pc = pattern[p + 1];
        literal = true;
        width = 2;
      }
      if (!literal && pc == '*') {
        star_p = p++;
        star_t = t;
        continue;
      }
      if ((!literal && pc == '?') || (cased ? pc == text[t] : lower(pc) == lower(text[t]))) {
        p += width;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) {
      return false;
    }
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

} // namespace trailwatch::util
