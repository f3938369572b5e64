// SPDX-License-Identifier: MIT
#include "trailwatch/diag.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <utility>

namespace trailwatch::diag {
namespace {
std::atomic<int> g_verbosity{0};
std::atomic<bool> g_errored{false};
std::mutex g_mutex;
thread_local std::string* t_capture = nullptr; // set while a Capture is alive on this thread
std::function<void()> g_before_print;          // erases the progress line (set by the driver)

void write_stderr(std::string_view text) {
  std::lock_guard lock(g_mutex);
  if (g_before_print) {
    g_before_print();
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void print(std::string_view kind, std::string_view message) {
  std::string line = "trailwatch: ";
  line += kind;
  line += ": ";
  line += message;
  line += '\n';
  if (t_capture != nullptr) {
    *t_capture += line;
  } else {
    write_stderr(line);
  }
}
} // namespace

Capture::Capture() : m_previous(t_capture) {
  t_capture = &m_text;
}

Capture::~Capture() {
  t_capture = m_previous;
}

std::string Capture::take() {
  return std::exchange(m_text, {});
}

void print_captured(std::string_view text) {
  if (!text.empty()) {
    write_stderr(text);
  }
}

void set_before_print(std::function<void()> hook) {
  std::lock_guard lock(g_mutex);
  g_before_print = std::move(hook);
}

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
