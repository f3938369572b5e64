// SPDX-License-Identifier: MIT
// Worker: the "map" half of a scan. It reads one input (a whole file, or stdin as a stream),
// decodes it, lets the prefilter skip it when no record can match, splits it into records,
// and enriches and matches the wanted ones. Each worker owns its buffers and parsers; workers
// share only read-only parts (rules, prefilter, the thread-safe enricher).
#pragma once

#include "enrich/enrich.hpp"
#include "input/decode.hpp"
#include "input/prefilter.hpp"
#include "input/reader.hpp"
#include "input/source.hpp"
#include "rules/match.hpp"
#include "trailwatch/options.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace trailwatch {

// What reading one input produced.
struct InputResult {
  std::vector<Alert> alerts;
  ReaderCounters counters;
  std::string diagnostics; // the input's stderr lines, printed in input order
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_decoded = 0;
  std::uint64_t outside_window = 0;    // wanted records outside --since/--until
  std::uint64_t records_matched = 0;   // examined records some rule matched
  std::uint64_t records_unmatched = 0; // examined records no rule matched
  double seconds_decode = 0;           // time spent reading and decoding
  double seconds_parse = 0;            // time spent prefiltering, parsing and matching
  bool prefiltered = false;            // skipped unparsed: no record in it can match
  bool failed = false;                 // the input could not be read completely
};

// The read-only parts every worker shares.
struct Pipeline {
  const Options& options;
  const Matcher& matcher;
  const Prefilter& prefilter;
  Enricher& enricher;
  // The most bytes one input (raw, and decoded) or one stdin document may take: the memory
  // budget divided among the workers.
  std::size_t input_limit;
  // The most bytes one document on stdin may take (a quarter of the budget): a stream holds
  // many documents, and one beyond this is reported and skipped without holding it all.
  std::size_t document_limit;
};

// A stream read in rounds (stdin, a followed file): its decoder and the bytes not parsed yet.
struct StreamBuffer {
  static constexpr std::size_t k_threshold = 8u << 20; // parse once this much waits
  std::string name;                                    // for messages
  StreamDecoder decoder;
  std::string pending;
  std::size_t threshold = k_threshold; // grows for one document larger than it
  bool skipping = false; // inside a document beyond the limit: drop bytes to the next newline
};

class Worker {
public:
  explicit Worker(const Pipeline& pipeline);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Reads one file completely; its diagnostics are captured into the result.
  InputResult read_input(const Input& input);
  // Streams stdin with bounded memory, handing alerts to `emit` as they are found (records
  // are parsed at the latest when the pipe has been idle for a tenth of a second); `emit` is
  // also called with no alerts about twice a second while stdin is silent. Returns false from
  // `emit` to stop reading (the reader of the output went away, or a stop was requested).
  InputResult read_stdin(const std::function<bool(std::vector<Alert>&)>& emit);

  // Reads `fd` (a followed file) to its current end as the continuation of `stream`, and
  // matches every complete record; with `end` the stream ends there (a rotated file), and a
  // cut last record is reported. Diagnostics are captured into the result.
  InputResult read_more(int fd, StreamBuffer& stream, bool end);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace trailwatch
