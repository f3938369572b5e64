// SPDX-License-Identifier: MIT
#include "input/log_prefix.hpp"

namespace trailwatch {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Characters of an ISO 8601 timestamp as `aws logs tail` prints it.
bool is_time_char(char c) {
  return is_digit(c) || c == '-' || c == ':' || c == 'T' || c == '.' || c == '+' || c == 'Z';
}

} // namespace

std::size_t log_prefix_length(std::string_view line) {
  constexpr auto none = std::string_view::npos;
  if (line.size() < 6 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]) ||
      !is_digit(line[3]) || line[4] != '-') {
    return none;
  }
  std::size_t i = 5;
  while (i < line.size() && is_time_char(line[i])) {
    ++i;
  }
  for (int word = 0; word < 2; ++word) {
    if (i >= line.size() || !is_blank(line[i])) {
      return none; // a word must end in a blank
    }
    while (i < line.size() && is_blank(line[i])) {
      ++i;
    }
    if (i < line.size() && line[i] == '{') {
      return i;
    }
    if (word == 1) {
      return none;
    }
    while (i < line.size() && !is_blank(line[i])) {
      ++i; // the log stream name
    }
  }
  return none;
}

} // namespace trailwatch
