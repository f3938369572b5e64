// SPDX-License-Identifier: MIT
// differential_fuzz: the fast path must be sound (issue 13 item 3). For the input bytes (decoded
// as a file is), two reads:
//   - fast, as the binary does by default: the prefilter's byte scan may skip the whole input,
//     and the reader copies out only records whose eventName the shipped rules can match
//     (Matcher::event_names() and Matcher::wants over the source tree's rules/);
//   - full: no prefilter, every record wanted.
// Every record the full read delivers whose eventName the rules want must also be delivered by
// the fast read, compared by record index and eventID; a difference aborts with both lists.
// Records are read through generic lambdas; record_key() is the one place that knows the
// record type's field names.
#include "fuzz_support.hpp"
#include "input/decode.hpp"
#include "input/prefilter.hpp"
#include "input/reader.hpp"
#include "rules/match.hpp"
#include "rules/rule.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace trailwatch;

struct RecordKey {
  std::uint64_t index = 0;
  std::string event_id;
  std::string event_name;

  std::string text() const { return std::to_string(index) + " " + event_id + " " + event_name; }
};

// What identifies a delivered record. An index the record type does not carry is "unknown"
// (max) and then only the eventID is compared.
template <typename R> RecordKey record_key(const R& record) {
  RecordKey key;
  if constexpr (requires { record.event_id; }) {
    key.event_id = record.event_id;
    key.event_name = record.event_name;
  } else {
    std::vector<std::string> values;
    record.values("eventID", values);
    key.event_id = values.empty() ? std::string() : values.front();
    values.clear();
    record.values("eventName", values);
    key.event_name = values.empty() ? std::string() : values.front();
  }
  if constexpr (requires { record.origin.record; }) {
    key.index = record.origin.record;
  } else {
    key.index = std::numeric_limits<std::uint64_t>::max();
  }
  return key;
}

const Matcher& shipped_rules() {
  static const Matcher matcher(load_rules({TRAILWATCH_FUZZ_RULES_DIR}));
  return matcher;
}

std::string list_text(const std::vector<RecordKey>& keys) {
  std::string out;
  for (const auto& key : keys) {
    out += "\n    " + key.text();
  }
  return out.empty() ? "\n    (none)" : out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Matcher& matcher = shipped_rules();
  static const Prefilter prefilter(matcher.event_names(), !matcher.wants_all());
  Buffer decoded;
  bool gzip = false;
  decode_into(std::string_view(reinterpret_cast<const char*>(data), size), 64u << 20, decoded,
              gzip);

  // Readers are reused across inputs, as a worker reuses its reader across files.
  static std::vector<RecordKey> full;
  static std::vector<RecordKey> fast;
  static RecordReader full_reader([](std::string_view) { return true; },
                                  [](auto&& record) { full.push_back(record_key(record)); });
  static RecordReader fast_reader([](std::string_view name) { return shipped_rules().wants(name); },
                                  [](auto&& record) { fast.push_back(record_key(record)); });
  full.clear();
  fast.clear();
  full_reader.begin_source("fuzz");
  full_reader.parse(decoded.data(), decoded.size(), true);
  const bool parsed = prefilter.may_match(decoded.view());
  if (parsed) {
    fast_reader.begin_source("fuzz");
    fast_reader.parse(decoded.data(), decoded.size(), true);
  }

  for (const RecordKey& want : full) {
    if (!matcher.wants(want.event_name)) {
      continue;
    }
    const bool found = std::any_of(fast.begin(), fast.end(), [&](const RecordKey& got) {
      const bool unknown = got.index == std::numeric_limits<std::uint64_t>::max() ||
                           want.index == std::numeric_limits<std::uint64_t>::max();
      return (unknown || got.index == want.index) && got.event_id == want.event_id;
    });
    if (!found) {
      const bool same_id = std::any_of(fast.begin(), fast.end(), [&](const RecordKey& got) {
        return got.event_id == want.event_id;
      });
      fuzz::fail(same_id ? "the fast path gave a wanted record another record index"
                         : "the fast path skipped a record the rules want",
                 "missing: " + want.text() + (parsed ? "" : " (prefilter skipped the input)") +
                     "\n  full parse:" + list_text(full) + "\n  fast path:" + list_text(fast));
    }
  }
  return 0;
}
