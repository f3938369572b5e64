// SPDX-License-Identifier: MIT
// The one error convention (README "Exit status", ARCHITECTURE.md):
// - per-input and per-record work returns Result<T>: a value, or the reason it failed; the
//   caller names the input (and record) and prints it with diag::error, then goes on;
// - a whole-run failure (bad CLI, rules, databases, state) throws Fatal, an Error;
// - main() catches every Error (and anything else that escapes) and prints it with
//   diag::error_text: the one printer of "trailwatch: error: …"; the exit status is then 2.
#pragma once

#include <stdexcept>
#include <string>
#include <tl/expected.hpp>

namespace trailwatch {

// The base of every exception trailwatch throws on purpose.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A failure that ends the run before or instead of reading.
class Fatal : public Error {
public:
  explicit Fatal(const std::string& message) : Error(message) {}
};

// The outcome of per-input or per-record work: a value, or why it failed (no file name: the
// caller adds it).
template <typename T> using Result = tl::expected<T, std::string>;

// Makes the failure of a Result: `return fail("unexpected end of data");`.
inline tl::unexpected<std::string> fail(std::string reason) {
  return tl::unexpected<std::string>(std::move(reason));
}

// Exit statuses (README "Exit status").
inline constexpr int k_exit_alerts = 0;
inline constexpr int k_exit_no_alerts = 1;
inline constexpr int k_exit_error = 2;

} // namespace trailwatch
