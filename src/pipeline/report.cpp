// SPDX-License-Identifier: MIT
#include "pipeline/report.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trailwatch {

std::string human_bytes(double bytes) {
  if (bytes < 1e6) {
    return fmt::format("{:.0f} KB", bytes / 1e3);
  }
  if (bytes < 1e9) {
    return fmt::format("{:.1f} MB", bytes / 1e6);
  }
  return fmt::format("{:.2f} GB", bytes / 1e9);
}

Progress::Progress(bool enabled, const std::vector<Input>& inputs) : m_enabled(enabled) {
  for (const auto& input : inputs) {
    m_total_bytes += input.size;
  }
  m_total_inputs = inputs.size();
}

Progress::~Progress() {
  clear();
}

void Progress::clear() {
  if (m_drawn.exchange(false)) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
}

void Progress::update(std::uint64_t bytes_read) {
  if (!m_enabled) {
    return;
  }
  ++m_done_inputs;
  m_done_bytes += bytes_read;
  const auto now = Clock::now();
  if (now - m_last < std::chrono::milliseconds(200) && m_done_inputs < m_total_inputs) {
    return;
  }
  m_last = now;
  const double seconds = std::chrono::duration<double>(now - m_started).count();
  const double rate = seconds > 0 ? static_cast<double>(m_done_bytes) / seconds : 0;
  const double remaining =
      static_cast<double>(m_total_bytes - std::min(m_total_bytes, m_done_bytes));
  fmt::print(stderr, "\r\x1b[Ktrailwatch: {}/{} inputs, {} of {}, {}/s, {:.0f} s left",
             m_done_inputs, m_total_inputs, human_bytes(static_cast<double>(m_done_bytes)),
             human_bytes(static_cast<double>(m_total_bytes)), human_bytes(rate),
             rate > 0 ? remaining / rate : 0.0);
  std::fflush(stderr);
  m_drawn = true;
}

void print_stats(const Totals& t, const InputCounters& inputs, double seconds, bool stateful) {
  const double mb = static_cast<double>(t.bytes_decoded) / 1e6;
  const auto& c = t.counters;
  fmt::print(stderr,
             "trailwatch: stats: inputs {} (failed {}, missing {}, not opened for --since {}, "
             "not parsed by the fast path as no record can match {}), bytes read {}, decoded "
             "{}; date folders not walked for --since {}\n",
             t.inputs, t.failed_inputs, inputs.missing, t.inputs_skipped_by_time,
             t.inputs_prefiltered, t.bytes_read, t.bytes_decoded, inputs.pruned_folders);
  fmt::print(stderr,
             "trailwatch: stats: documents {}, records in parsed inputs {}, examined {}, "
             "skipped: digest {} insight {} other {} (files: digest {} insight {} other {}), "
             "errors {}\n",
             c.documents, c.records, c.examined, c.skipped_digest, c.skipped_insight,
             c.skipped_other, inputs.skipped_digest_files, inputs.skipped_insight_files,
             inputs.skipped_other_files, c.errors);
  // Every examined record is accounted for exactly once; the two sides are counted apart.
  const std::uint64_t accounted = t.records_matched + t.records_unmatched + t.outside_window;
  fmt::print(stderr,
             "trailwatch: stats: reconciliation: examined {} = matched {} + not matched {} + "
             "outside time window {} ({}); records not examined (no rule wants their "
             "eventName, or unreadable) {}; records of the {} inputs the fast path did not "
             "parse are not counted\n",
             c.examined, t.records_matched, t.records_unmatched, t.outside_window,
             accounted == c.examined ? "ok" : "MISMATCH",
             c.records - std::min(c.records, c.examined), t.inputs_prefiltered);
  if (stateful) {
    fmt::print(stderr,
               "trailwatch: stats: state: inputs unchanged since an earlier run {}, quarantined "
               "{}, matches {}, repeated events {}, new alerts {}, merged into earlier alerts {}, "
               "pending {}\n",
               t.inputs_unchanged, t.inputs_quarantined, t.alerts_found, t.repeated_events,
               t.alerts_new, t.alerts_merged, t.alerts_pending);
  }
  fmt::print(stderr,
             "trailwatch: stats: time: setup {:.3f} s, listing {:.3f} s, read+decode {:.3f} s, "
             "parse+match {:.3f} s (worker time, all workers), deliver {:.3f} s\n",
             t.seconds_setup, t.seconds_list, t.seconds_decode, t.seconds_parse, t.seconds_deliver);
  fmt::print(stderr, "trailwatch: stats: alerts {}, time {:.3f} s, throughput {:.1f} MB/s\n",
             t.alerts, seconds, seconds > 0 ? mb / seconds : 0.0);
}

} // namespace trailwatch
