// SPDX-License-Identifier: MIT
#include "trailwatch/diag.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace trailwatch::diag {
namespace {
std::atomic<int> g_verbosity{0};
std::atomic<bool> g_errored{false};
std::mutex g_mutex;

void print(std::string_view kind, std::string_view message) {
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "trailwatch: %.*s: %.*s\n", static_cast<int>(kind.size()), kind.data(),
               static_cast<int>(message.size()), message.data());
}
} // namespace

void set_verbosity(int level) {
  g_verbosity = level;
}
int verbosity() {
  return g_verbosity;
}

void error_text(std::string_view message) {
  g_errored = true;
  print("error", message);
}

void warning_text(std::string_view message) {
  print("warning", message);
}

void debug_text(int level, std::string_view message) {
  if (g_verbosity >= level) {
    print("debug", message);
  }
}

bool errored() {
  return g_errored;
}
void reset() {
  g_errored = false;
}

} // namespace trailwatch::diag
