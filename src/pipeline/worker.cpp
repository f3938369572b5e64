// SPDX-License-Identifier: MIT
#include "pipeline/worker.hpp"

#include "input/decode.hpp"
#include "input/log_prefix.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trailwatch {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Reads a whole file into `out` (no zero-fill; a file that grows while it is read is read to
// its end).
Result<void> read_file(const std::string& path, Buffer& out, std::size_t limit) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(std::strerror(errno));
  }
  struct stat st {};
  std::size_t chunk = 1 << 16;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    chunk = static_cast<std::size_t>(st.st_size) + 1; // one read, plus one to see EOF
  }
  chunk = std::min(chunk, limit + 1);
  for (;;) {
    const ssize_t n = ::read(fd, out.reserve_more(chunk), chunk);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int error = errno;
      ::close(fd);
      return fail(std::strerror(error));
    }
    if (n == 0) {
      break;
    }
    out.commit(static_cast<std::size_t>(n));
    if (out.size() > limit) {
      // An endless or special file (/dev/zero), or one beyond the memory budget.
      ::close(fd);
      out.clear();
      return fail(fmt::format("larger than {} bytes, the memory budget for one input (--max-memory "
                              "divided among the workers); not read",
                              limit));
    }
    chunk = std::min(std::max<std::size_t>(1 << 16, out.size() / 2), limit + 1 - out.size());
  }
  ::close(fd);
  return {};
}

// True when the first byte after white space and a UTF-8 BOM opens a JSON object or array, or
// the first line is an `aws logs tail` line (a timestamp and stream name before the record).
bool starts_like_json(std::string_view data) {
  if (data.starts_with("\xEF\xBB\xBF")) {
    data.remove_prefix(3);
  }
  const auto first = data.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return false;
  }
  data.remove_prefix(first);
  return data[0] == '{' || data[0] == '[' ||
         log_prefix_length(data.substr(0, data.find('\n'))) != std::string_view::npos;
}

} // namespace

// One worker's reader: a RecordReader whose events are enriched and matched into the result.
struct Worker::Impl {
  explicit Impl(const Pipeline& pipeline)
      : m_pipeline(pipeline),
        m_reader([&m = pipeline.matcher](std::string_view name) { return m.wants(name); },
                 [this](Event&& event) { on_event(std::move(event)); }) {}

  // Reads one file completely.
  InputResult read_input(const Input& input) {
    InputResult result;
    m_result = &result;
    diag::Capture capture; // this input's messages, printed by the driver in input order
    const auto started = Clock::now();
    const ReaderCounters before = m_reader.counters();
    if (const Result<void> opened = read_file(input.path, m_raw, m_pipeline.input_limit); !opened) {
      diag::error("{}: {}", input.path, opened.error());
      result.failed = true;
    } else {
      result.bytes_read = m_raw.size();
      bool gzip = false;
      const std::string error = decode_into(m_raw.view(), m_pipeline.input_limit, m_decoded, gzip);
      result.bytes_decoded = m_decoded.size();
      const auto decoded = Clock::now();
      result.seconds_decode = seconds(started, decoded);
      m_reader.begin_source(input.path);
      if (!error.empty()) {
        diag::error("{}: {}; reading the {} bytes before it", input.path, error, m_decoded.size());
        result.failed = true;
      }
      if (m_decoded.size() == 0) {
        if (error.empty()) {
          diag::warning("{}: empty input", input.path);
        } // else: the decoding error said it all
      } else if (!starts_like_json(m_decoded.view())) {
        // Not JSON at all (a README or binary file): one line, not one error per "document".
        ++result.counters.skipped_other;
        if (input.named) {
          diag::error("{}: not JSON (does not start with '{{' or '['); skipped", input.path);
          result.failed = true;
        } else {
          diag::warning("{}: not JSON; skipped", input.path);
        }
      } else if (!m_pipeline.prefilter.may_match(m_decoded.view())) {
        result.prefiltered = true; // no record in it can match: not parsed
      } else {
        m_reader.parse(m_decoded.data(), m_decoded.size(), true);
      }
    }
    const ReaderCounters after = difference(m_reader.counters(), before);
    result.counters.add(after);
    if (after.errors > 0) {
      result.failed = true;
    }
    result.seconds_parse = seconds(started, Clock::now()) - result.seconds_decode;
    result.diagnostics = capture.take();
    m_result = nullptr;
    return result;
  }

  // Streams stdin with bounded memory, emitting alerts through `emit` as they are found.
  //
  // Parsing waits for a large buffer (throughput), except when the pipe goes idle: when no
  // byte arrived for k_idle_ms, whatever complete records are buffered are parsed at once, so
  // a live feed's record is matched and printed within a fraction of a second of its arrival.
  // While nothing at all arrives, `emit` is called every k_tick_ms with no alerts, so the
  // driver can deliver what waits and notice a stop request.
  InputResult read_stdin(const std::function<bool(std::vector<Alert>&)>& emit) {
    constexpr int k_idle_ms = 100;
    constexpr int k_tick_ms = 500;
    InputResult result;
    m_result = &result;
    const ReaderCounters before = m_reader.counters();
    m_reader.begin_source("<stdin>");
    StreamBuffer stream;
    stream.name = "<stdin>";
    std::string chunk(1u << 20, '\0');
    bool eof = false;
    bool unparsed = false; // bytes arrived since the last parse
    while (!eof) {
      pollfd ready{STDIN_FILENO, POLLIN, 0};
      const int polled = ::poll(&ready, 1, unparsed ? k_idle_ms : k_tick_ms);
      if (polled == 0 && !unparsed) {
        if (!emit(result.alerts)) { // a tick: nothing new
          break;
        }
        continue;
      }
      const bool idle = polled == 0; // bytes wait, and the pipe went quiet: parse them now
      if (!idle) {
        const ssize_t n = ::read(STDIN_FILENO, chunk.data(), chunk.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
          continue;
        }
        if (n < 0) {
          diag::error("<stdin>: {}", std::strerror(errno));
          result.failed = true;
        }
        eof = n <= 0 ||
              !take_bytes(stream, std::string_view(chunk.data(), static_cast<std::size_t>(n)),
                          result);
        unparsed = true;
        if (eof && !stream.decoder.finish(stream.pending)) {
          diag::error("<stdin>: {}", stream.decoder.error());
          result.failed = true;
        }
      }
      if (stream.pending.size() < stream.threshold && !eof && !idle) {
        continue;
      }
      unparsed = false;
      parse_round(stream, eof, result);
      const bool go_on = emit(result.alerts);
      result.alerts.clear();
      if (!go_on) {
        break;
      }
    }
    if (result.bytes_read == 0 && !result.failed) {
      diag::warning("<stdin>: empty input (nothing was piped in)");
    }
    result.counters = difference(m_reader.counters(), before);
    if (result.counters.errors > 0) {
      result.failed = true;
    }
    m_result = nullptr;
    return result;
  }

  // Reads `fd` to its current end as the continuation of `stream` and parses the complete
  // records; with `end`, the stream ends there (a cut last record is reported).
  InputResult read_more(int fd, StreamBuffer& stream, bool end) {
    InputResult result;
    m_result = &result;
    diag::Capture capture;
    const ReaderCounters before = m_reader.counters();
    m_reader.begin_source(stream.name);
    std::string chunk(1u << 20, '\0');
    bool more = true;
    while (more) {
      const ssize_t n = ::read(fd, chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        diag::error("{}: {}", stream.name, std::strerror(errno));
        result.failed = true;
      }
      more =
          n > 0 &&
          take_bytes(stream, std::string_view(chunk.data(), static_cast<std::size_t>(n)), result);
      if (!more || stream.pending.size() >= stream.threshold) {
        if (!more && end && !stream.decoder.finish(stream.pending)) {
          diag::error("{}: {}", stream.name, stream.decoder.error());
          result.failed = true;
        }
        parse_round(stream, !more && end, result);
      }
    }
    result.counters = difference(m_reader.counters(), before);
    result.failed = result.failed || result.counters.errors > 0;
    result.diagnostics = capture.take();
    m_result = nullptr;
    return result;
  }

  // Decodes `bytes` of `stream` into its pending text; false (reported) on a gzip error.
  bool take_bytes(StreamBuffer& stream, std::string_view bytes, InputResult& result) {
    result.bytes_read += bytes.size();
    if (!stream.decoder.feed(bytes, stream.pending)) {
      diag::error("{}: {}; reading what came before it", stream.name, stream.decoder.error());
      result.failed = true;
      return false;
    }
    if (stream.skipping) {
      const auto nl = stream.pending.find('\n');
      const std::size_t dropped = nl == std::string::npos ? stream.pending.size() : nl + 1;
      result.bytes_decoded += dropped;
      stream.pending.erase(0, dropped);
      stream.skipping = nl == std::string::npos;
    }
    return true;
  }

  // Parses the complete documents of `stream` (all of it when `final`).
  void parse_round(StreamBuffer& stream, bool final, InputResult& result) {
    std::string& pending = stream.pending;
    ensure_padding(pending);
    const std::size_t consumed = m_reader.parse(pending.data(), pending.size(), final);
    result.bytes_decoded += consumed;
    pending.erase(0, consumed);
    if (consumed == 0 && pending.size() >= stream.threshold) {
      stream.threshold *= 2; // one document larger than the buffer: let it grow
    }
    if (pending.size() > m_pipeline.document_limit) {
      // One document beyond the budget: reported, and skipped up to the next line without
      // holding the rest of it; reading goes on after it.
      diag::error("{}: a single document exceeds {} bytes (a quarter of the memory budget, "
                  "--max-memory); skipped up to the next line",
                  stream.name, m_pipeline.document_limit);
      result.failed = true;
      result.bytes_decoded += pending.size();
      pending.clear();
      pending.shrink_to_fit();
      stream.threshold = StreamBuffer::k_threshold;
      stream.skipping = true;
    }
  }

  static ReaderCounters difference(const ReaderCounters& after, const ReaderCounters& before) {
    ReaderCounters d = after;
    d.documents -= before.documents;
    d.records -= before.records;
    d.examined -= before.examined;
    d.skipped_digest -= before.skipped_digest;
    d.skipped_insight -= before.skipped_insight;
    d.skipped_other -= before.skipped_other;
    d.errors -= before.errors;
    return d;
  }

  void on_event(Event&& event) {
    const Options& o = m_pipeline.options;
    if (o.since || o.until) {
      // Records without a readable time are kept: dropping them could hide a launch.
      const auto time = util::parse_rfc3339(event.event_time);
      if (time && ((o.since && *time < *o.since) || (o.until && *time > *o.until))) {
        ++m_result->outside_window;
        return;
      }
    }
    const GeoInfo geo = m_pipeline.enricher.lookup(event.source_ip);
    const std::size_t before = m_result->alerts.size();
    m_pipeline.matcher.match(event, geo, m_result->alerts);
    ++(m_result->alerts.size() > before ? m_result->records_matched : m_result->records_unmatched);
  }

  const Pipeline& m_pipeline;
  RecordReader m_reader;
  Buffer m_raw;     // the file as read
  Buffer m_decoded; // the file decoded; both reused from file to file
  InputResult* m_result = nullptr;
};

Worker::Worker(const Pipeline& pipeline) : m_impl(std::make_unique<Impl>(pipeline)) {}
Worker::~Worker() = default;

InputResult Worker::read_input(const Input& input) {
  return m_impl->read_input(input);
}

InputResult Worker::read_stdin(const std::function<bool(std::vector<Alert>&)>& emit) {
  return m_impl->read_stdin(emit);
}

InputResult Worker::read_more(int fd, StreamBuffer& stream, bool end) {
  return m_impl->read_more(fd, stream, end);
}

} // namespace trailwatch
