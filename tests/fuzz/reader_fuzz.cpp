// SPDX-License-Identifier: MIT
// reader_fuzz: arbitrary bytes through both ways trailwatch reads input.
//   1. A file: decode_into (gzip or plain), the prefilter's byte scan, then one RecordReader
//      parse with final=true, every record wanted (so every record is also copied out).
//   2. stdin: a StreamDecoder fed the bytes in two chunks, a parse with final=false after the
//      first (the unconsumed tail is kept, as run.cpp's read_stdin does), then the rest with
//      final=true; only the launch events are wanted (records are skipped in place).
// Checks: no crash, hang, sanitizer report or unbounded growth (issue 13 items 1 and 2 were
// found this way), and a streaming parse never consumes more than it was given.
// The record callback is a generic lambda so this harness does not name the record type.
// Readers are reused across inputs, as a worker reuses its reader across files (a new reader
// per input costs a fresh 1 MiB-batch parser and makes the harness ten times slower).
#include "fuzz_support.hpp"
#include "input/decode.hpp"
#include "input/prefilter.hpp"
#include "input/reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace trailwatch;

// Decoded output is capped far below the binary's 4 GiB so a small gzip bomb stays cheap.
constexpr std::size_t k_max_decoded = 64u << 20;

// The shipped launch_events watch list: what the binary's prefilter and fast path look for.
const std::vector<std::string> k_launch_events = {
    "RunInstances",
    "RunScheduledInstances",
    "RequestSpotInstances",
    "RequestSpotFleet",
    "CreateFleet",
    "CreateLaunchTemplate",
    "CreateLaunchTemplateVersion",
    "ModifyInstanceAttribute",
};

bool is_launch_event(std::string_view name) {
  for (const auto& event : k_launch_events) {
    if (event.size() == name.size() &&
        std::equal(event.begin(), event.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

void read_as_file(std::string_view input) {
  static const Prefilter prefilter(k_launch_events, true);
  Buffer decoded;
  bool gzip = false;
  decode_into(input, k_max_decoded, decoded, gzip);
  prefilter.may_match(decoded.view());
  static RecordReader reader([](std::string_view) { return true; }, [](auto&&) {});
  reader.begin_source("fuzz-file");
  reader.parse(decoded.data(), decoded.size(), true);
}

void read_as_stream(std::string_view input) {
  // The cut point varies with the whole input, so mutations move it around.
  const std::size_t cut = input.empty() ? 0 : std::hash<std::string_view>{}(input) % input.size();
  static RecordReader reader(is_launch_event, [](auto&&) {});
  reader.begin_source("<stdin>");
  StreamDecoder decoder;
  std::string pending;
  bool ok = decoder.feed(input.substr(0, cut), pending);
  if (ok) {
    ensure_padding(pending);
    const std::size_t consumed = reader.parse(pending.data(), pending.size(), false);
    trailwatch::fuzz::require(consumed <= pending.size(), "parse consumed more than it was given");
    pending.erase(0, consumed);
    ok = decoder.feed(input.substr(cut), pending);
  }
  if (ok) {
    decoder.finish(pending);
  }
  if (pending.size() > k_max_decoded) {
    return; // the binary stops here with "a single document exceeds …"
  }
  ensure_padding(pending);
  reader.parse(pending.data(), pending.size(), true);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  read_as_file(input);
  read_as_stream(input);
  return 0;
}
