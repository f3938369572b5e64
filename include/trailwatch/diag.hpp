// SPDX-License-Identifier: MIT
// Diagnostics on stderr: "trailwatch: error: …", "trailwatch: warning: …", debug lines with -v.
// Errors set a process-wide flag that turns the exit status into 2. Thread-safe.
#pragma once

#include <fmt/format.h>
#include <functional>
#include <string>
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

// While a Capture lives, messages printed on its thread are kept in it instead of going to
// stderr (the errored flag is still set). Workers capture each input's diagnostics so the driver
// prints them in input order: stderr reads the same for any -j.
class Capture {
public:
  Capture();
  ~Capture();
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  // The messages captured so far (whole lines), leaving the capture empty.
  std::string take();

private:
  std::string m_text;
  std::string* m_previous;
};

// Writes captured lines to stderr as they are.
void print_captured(std::string_view text);

// Runs `hook` (under the stderr lock) before anything is written to stderr: the driver uses it
// to erase its progress line first. Pass an empty function to remove it.
void set_before_print(std::function<void()> hook);

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
