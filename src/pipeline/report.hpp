// SPDX-License-Identifier: MIT
// What a run reports on stderr: the progress line on a terminal, and --stats (counters, a timer
// per stage, and the reconciliation of records in against records accounted for).
#pragma once

#include "input/reader.hpp"
#include "input/source.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

namespace trailwatch {

struct Totals {
  std::uint64_t inputs = 0;
  std::uint64_t failed_inputs = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_decoded = 0;
  std::uint64_t alerts = 0;
  std::uint64_t outside_window = 0;
  std::uint64_t inputs_skipped_by_time = 0;
  std::uint64_t inputs_prefiltered = 0;
  std::uint64_t inputs_unchanged = 0;   // read in an earlier run (--state)
  std::uint64_t inputs_quarantined = 0; // runs died on them twice (--state): not read
  std::uint64_t alerts_found = 0;       // matches this run
  std::uint64_t alerts_new = 0;         // new outbox alerts (--state)
  std::uint64_t alerts_merged = 0;      // merged into an earlier alert (--state)
  std::uint64_t repeated_events = 0;    // eventIDs seen before (--state)
  std::uint64_t alerts_pending = 0;     // left undelivered in the state (--state)
  std::uint64_t records_matched = 0;
  std::uint64_t records_unmatched = 0;
  ReaderCounters counters;
  // Stage timers, in seconds (worker stages summed over workers).
  double seconds_setup = 0;   // rules, GeoIP, sinks, state
  double seconds_list = 0;    // expanding paths into inputs
  double seconds_decode = 0;  // reading and decompressing
  double seconds_parse = 0;   // prefilter, parse, enrich, match
  double seconds_deliver = 0; // sinks and state
};

// Progress on a terminal's stderr: inputs and bytes done of the total, rate and time left,
// redrawn at most five times a second; erased before anything else is written to stderr or to
// the same terminal on stdout, and at the end.
class Progress {
public:
  Progress(bool enabled, const std::vector<Input>& inputs);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // One more input done, of `bytes_read` bytes.
  void update(std::uint64_t bytes_read);
  // Erases the line if it is drawn (call before printing on the terminal).
  void clear();

private:
  using Clock = std::chrono::steady_clock;
  bool m_enabled;
  // Also cleared from other threads (Slack's delivery thread prints through diag, which calls
  // clear() first).
  std::atomic<bool> m_drawn{false};
  std::uint64_t m_total_bytes = 0;
  std::uint64_t m_done_bytes = 0;
  std::size_t m_total_inputs = 0;
  std::size_t m_done_inputs = 0;
  Clock::time_point m_started = Clock::now();
  Clock::time_point m_last{};
};

// "12 KB", "3.4 MB", "1.2 GB": sizes for people.
std::string human_bytes(double bytes);

// Prints --stats to stderr.
void print_stats(const Totals& totals, const InputCounters& inputs, double seconds, bool stateful);

} // namespace trailwatch
