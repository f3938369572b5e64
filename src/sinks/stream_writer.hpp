// SPDX-License-Identifier: MIT
// StreamWriter: the part text and JSON Lines sinks share — write alerts to a FILE*, find out
// whether they really got there (fflush), tell a closed pipe (EPIPE: quiet) from a write error
// (ENOSPC, EIO: reported once), and confirm the alerts written since the last flush.
#pragma once

#include "sinks/sink.hpp"

#include <string_view>

namespace trailwatch {

class StreamWriter {
public:
  explicit StreamWriter(std::FILE* out) : m_out(out) {}

  // Writes the text of `alerts` alerts (one, or several shown as one block).
  SinkStatus write(std::string_view text, std::uint64_t alerts = 1);
  // Flushes; on success appends the numbers of the alerts written since the last flush.
  SinkStatus flush(Receipts& receipts);

private:
  SinkStatus fail(int error);

  std::FILE* m_out;
  std::uint64_t m_taken = 0;     // alerts written so far
  std::uint64_t m_confirmed = 0; // alerts confirmed so far
  SinkStatus m_status = SinkStatus::ok;
};

} // namespace trailwatch
