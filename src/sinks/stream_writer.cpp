// SPDX-License-Identifier: MIT
#include "sinks/stream_writer.hpp"

#include "trailwatch/diag.hpp"

#include <cerrno>
#include <cstring>

namespace trailwatch {

SinkStatus worse(SinkStatus a, SinkStatus b) {
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

SinkStatus StreamWriter::fail(int error) {
  if (m_status != SinkStatus::ok) {
    return m_status; // already reported (or closed): say it once
  }
  if (error == EPIPE) {
    m_status = SinkStatus::closed; // `| head`: the reader has what it wanted
  } else {
    m_status = SinkStatus::failed;
    diag::error("cannot write alerts to standard output: {}",
                std::strerror(error != 0 ? error : EIO));
  }
  return m_status;
}

SinkStatus StreamWriter::write(std::string_view text, std::uint64_t alerts) {
  m_taken += alerts;
  if (m_status != SinkStatus::ok) {
    return m_status;
  }
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), m_out) != text.size()) {
    return fail(errno);
  }
  return SinkStatus::ok;
}

SinkStatus StreamWriter::flush(Receipts& receipts) {
  if (m_status == SinkStatus::ok) {
    errno = 0;
    if (std::fflush(m_out) != 0 || std::ferror(m_out)) {
      return fail(errno);
    }
    for (; m_confirmed < m_taken; ++m_confirmed) {
      receipts.confirmed(m_confirmed);
    }
  }
  return m_status;
}

} // namespace trailwatch
