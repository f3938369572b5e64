// SPDX-License-Identifier: MIT
// RecordReader: decoded bytes → CloudTrail records, for every input shape in the wild.
//
// Shapes (cloudtrail.md §2): {"Records":[…]} envelopes, bare arrays, single records, NDJSON or
// concatenated documents of any of these, `lookup-events` output ({"Events":[{"CloudTrailEvent":
// "<json>"}]} and one Event per line), EventBridge envelopes (record in `detail`). Digest files,
// Insights records, Lake results and other JSON are recognised and counted, not reported as
// CloudTrail. Documents are split with simdjson's iterate_many and read On-Demand, one field pass
// per record; only records whose eventName someone wants are copied into an Event.
//
// Bad input: a broken document is reported with the source name and record index, and reading
// resumes at the next line (NDJSON). A document cut off at the end of the input (truncated gzip)
// is repaired by closing it after its last complete record, so those records are still read.
#pragma once

#include "trailwatch/event.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace trailwatch {

struct ReaderCounters {
  std::uint64_t documents = 0;       // top-level JSON documents
  std::uint64_t records = 0;         // CloudTrail API/service event records
  std::uint64_t examined = 0;        // records copied out for the rules (wanted eventName)
  std::uint64_t skipped_digest = 0;  // digest files
  std::uint64_t skipped_insight = 0; // Insights records
  std::uint64_t skipped_other = 0;   // JSON that is not CloudTrail (Lake results, SNS, …)
  std::uint64_t errors = 0;          // documents or records that could not be read

  void add(const ReaderCounters& other);
};

class RecordReader {
public:
  // Decides from the eventName alone whether a record is worth copying out (the fast path).
  using WantFn = std::function<bool(std::string_view event_name)>;
  // Receives each wanted record.
  using EventFn = std::function<void(Event&&)>;

  RecordReader(WantFn want, EventFn on_event);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // Starts a new input named `name` (used in messages and Origin); record indexes restart at 0.
  void begin_source(std::string name);

  // Reads the complete documents in `data[0, size)`; `data` must have k_padding readable bytes
  // after `size`. With `final` false, an incomplete last document is not an error: the return
  // value is the number of bytes consumed, and the caller passes the rest again with more data.
  std::size_t parse(const char* data, std::size_t size, bool final);

  const ReaderCounters& counters() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace trailwatch
