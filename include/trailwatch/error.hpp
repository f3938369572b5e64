// SPDX-License-Identifier: MIT
// Fatal: the one exception for whole-run failures (bad CLI, rules, databases, state). main()
// prints it as "trailwatch: error: …" and exits 2. Per-record problems never throw.
#pragma once

#include <stdexcept>
#include <string>

namespace trailwatch {

class Fatal : public std::runtime_error {
public:
  explicit Fatal(const std::string& message) : std::runtime_error(message) {}
};

// Exit statuses (README "Exit status").
inline constexpr int k_exit_alerts = 0;
inline constexpr int k_exit_no_alerts = 1;
inline constexpr int k_exit_error = 2;

} // namespace trailwatch
