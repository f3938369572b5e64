// SPDX-License-Identifier: MIT
// Diagnostics on stderr: "trailwatch: error: …", "trailwatch: warning: …", debug lines with -v.
// Errors set a process-wide flag that turns the exit status into 2. Thread-safe.
#pragma once

#include <fmt/format.h>
#include <string_view>

namespace trailwatch::diag {

// Sets how much debug output to show (0 = none; -v = 1; -vv = 2).
void set_verbosity(int level);
int verbosity();
// Prints "trailwatch: error: `message`" and marks the run as errored.
void error_text(std::string_view message);
// Prints "trailwatch: warning: `message`" (does not change the exit status).
void warning_text(std::string_view message);
// Prints "trailwatch: debug: `message`" when verbosity() >= `level`.
void debug_text(int level, std::string_view message);
// True once any error was reported.
bool errored();
// Clears the errored flag (tests only).
void reset();

template <typename... Args> void error(fmt::format_string<Args...> f, Args&&... args) {
  error_text(fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void warning(fmt::format_string<Args...> f, Args&&... args) {
  warning_text(fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void debug(int level, fmt::format_string<Args...> f, Args&&... args) {
  if (verbosity() >= level) {
    debug_text(level, fmt::format(f, std::forward<Args>(args)...));
  }
}

} // namespace trailwatch::diag
